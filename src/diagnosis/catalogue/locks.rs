//! Proxmox VE locks of every kind: a guest's config lock, a storage lock, any other cluster filesystem lock, a guest
//! locked by a running backup, clone, snapshot or migration, a lock timeout printed without its path, a task command
//! that ran past its time limit, and the provider giving up while it waits for a lock. Contention between concurrent
//! operations is the usual cause, so the remedy is fewer at once or a later run, never a person's fix.

use crate::contracts::{Category, Remediation};

use super::Signature;

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            // Proxmox VE's own wording for a guest config lock (qemu-server, lxc, and the older pve-config-N.lock).
            name: "proxmox-node-lock-timeout",
            pattern: r"can't lock file '(/(?:var|run)/lock/[^']*?(?:lock-\d+\.conf|pve-config-\d+\.lock))' - got timeout",
            category: Category::TransientLock,
            remediation: Remediation::ReduceParallelism { parallelism: 1 },
            unless: None,
            root_cause: "Concurrent operations on the Proxmox node contended for the guest lock $1 and timed out; creating the guests one at a time (-parallelism=1) avoids the contention.",
        },
        Signature {
            // A clone or disk allocation waits for the storage's cluster-wide lock while other clones hold it.
            name: "proxmox-storage-lock-timeout",
            // Proxmox VE's cluster filesystem words the lock's timeouts differently across releases (pve-cluster's
            // Cluster.pm): waiting for it, "cfs-lock '...' error: got lock request timeout"; a command cut off
            // while it held it, "error during cfs-locked '...' operation:" or "error with cfs lock '...':" followed
            // by "got lock timeout - aborting command", and "'...'-locked command timed out - aborting" today.
            pattern: r"(?:can't lock file '/var/lock/pve-manager/pve-storage-([^']+)' - got timeout|cfs-lock 'storage-([^']+)' error: got lock request timeout|(?:error during cfs-locked|error with cfs lock) 'storage-([^']+)'[^\n]*?got lock timeout|'storage-([^']+)'-locked command timed out)",
            category: Category::TransientLock,
            remediation: Remediation::ReduceParallelism { parallelism: 1 },
            unless: None,
            root_cause: "Several clones or disk allocations at once contended for the lock of storage '$1$2$3$4' and timed out; creating the guests one at a time (-parallelism=1) avoids the contention.",
        },
        Signature {
            // Proxmox VE refusing to touch a guest a running task has locked ("VM 100 is locked (backup)"). agentlab's own guest-status wording says ", locked (backup)" and is not matched.
            // (Written `( \d+)?`: the equivalent `(?: (\d+))?` did not match with regex 1.13.2 here.)
            name: "proxmox-guest-locked-by-task",
            pattern: r"\b(VM|CT)( \d+)? is locked \((backup|clone|snapshot|snapshot-delete|migrate|rollback|create|disk|copy|mounted|suspending|suspended|fstrim)\)",
            category: Category::TransientLock,
            remediation: Remediation::RetryAfter { seconds: 300 },
            unless: None,
            root_cause: "The guest ($1$2) is locked by a running $3 task, so Proxmox VE refuses to change it until that task ends; run again when it has finished (a lock left by a killed task needs a person: `qm unlock` / `pct unlock`).",
        },
        Signature {
            // A Proxmox VE task whose command ran past its time limit (a disk resize or copy on slow or busy
            // storage), typically while several guests are created at once. Proxmox VE quotes a command's own
            // arguments inside the outer quotes (`'--preallocation=metadata'`, ssh's `-o 'BatchMode=yes'`), so the
            // command runs to the last quote before "failed" on its line.
            name: "proxmox-task-command-timeout",
            pattern: r"command '([^\n]+?)' failed: got timeout",
            category: Category::TransientLock,
            remediation: Remediation::ReduceParallelism { parallelism: 1 },
            unless: None,
            root_cause: "A Proxmox VE task command ran past its time limit (`$1`): the storage was too slow or too busy, usually with several guests created at once; creating them one at a time (-parallelism=1) avoids it, and storage that is slow even then needs a person's look.",
        },
        Signature {
            // The bpg provider's wait for a Proxmox VE task (v0.20's `on node "..."`, later without): the task
            // outlived the wait, on slow storage, with a large disk, or behind a lock; the task may go on and
            // finish the guest outside the state.
            name: "provider-task-wait-timeout",
            pattern: r#"timeout while waiting for task "(UPID:[^"]*?)"(?: on node "[^"]*")? to complete"#,
            category: Category::TransientLock,
            remediation: Remediation::ReduceParallelism { parallelism: 1 },
            unless: None,
            root_cause: "A Proxmox VE task ($1) outlived the provider's wait: slow or busy storage, a large disk, or a lock another task held kept it running; create the guests one at a time (-parallelism=1), raise the resource's timeout_create or timeout_clone, and check that the task did not finish a guest Terraform no longer tracks.",
        },
        Signature {
            // The providers' own wording when a guest's config stays locked past their wait (bpg also after an HA
            // migration: "VM N on node X but still locked after timeout", and telmate's proxmox-api-go likewise).
            name: "provider-config-lock-wait-timeout",
            pattern: r#"(?:timeout while waiting for (?:VM|container) "?(\d+)"?(?: configuration)? to become unlocked|vm locked, could not obtain config|VM (\d+) on node \S+ but still locked after timeout|timed out waiting for VM (\d+) to unlock (?:on node \S+ )?after migration)"#,
            category: Category::TransientLock,
            remediation: Remediation::ReduceParallelism { parallelism: 1 },
            unless: None,
            root_cause: "The provider waited for a guest's configuration lock ($1$2$3) and gave up: another operation (usually a concurrent clone) held it; creating the guests one at a time (-parallelism=1) avoids the contention.",
        },
        Signature {
            // QEMU's own image locking (since QEMU 2.10): qemu-img or a VM opening a disk image that another
            // process still has open for writing, usually the running guest itself or a task that has not ended
            // ("Failed to get "write" lock / Is another process using the image [...]?").
            name: "qemu-image-locked",
            pattern: r#"(Failed to get (?:shared )?"write" lock)"#,
            category: Category::TransientLock,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: None,
            root_cause: "QEMU could not lock a disk image ($1): another process still has it open for writing, usually the guest that uses it (still running) or a task on it that has not ended; wait for that task, or stop the guest, before running again.",
        },
        Signature {
            // Proxmox VE's lock timeout when the client cut the message before the lock's path (telmate prints
            // "500 can't lock file" alone), a lock path no rule above knows, and the cluster filesystem's lock
            // timeouts for a lock that is not a storage's ('file-ceph_conf', 'file-replication_cfg', ...), in the
            // wordings of pve-cluster's Cluster.pm across releases; tried after the path-specific rules above. A
            // lock file that cannot even be opened ("can't lock file '...vzdump* - can't open file - No such file or
            // directory", a missing lock directory) is no contention, and is left alone. qemu-server and pve-container
            // also give up on a guest whose replication holds its migration lock ("Failed to obtain guest migration
            // lock - replication running?").
            name: "proxmox-lock-timeout",
            pattern: r"(?m)(?:can't lock file(?: '([^']+)' - got timeout|[ \t]*$|[^\s'])|cfs-lock '([^']+)' error: got lock request timeout|(?:error during cfs-locked|error with cfs lock) '([^']+)'[^\n]*?got lock timeout|'([^']+)'-locked command timed out|Failed to obtain (guest migration lock) - replication running\?)",
            category: Category::TransientLock,
            remediation: Remediation::ReduceParallelism { parallelism: 1 },
            unless: None,
            root_cause: "Proxmox VE could not take a lock it needed ($1$2$3$4$5) in time: concurrent operations on the node or the cluster contended for it; creating the guests one at a time (-parallelism=1) avoids the contention.",
        },
        Signature {
            // A cloud API's own lock on an object while one of its actions runs (Hetzner Cloud's `locked` error
            // code: "server is locked", the item is locked by a running action): it goes away when the action ends.
            name: "cloud-object-locked-by-action",
            pattern: r"\b((?:server|resource|instance|volume|image|machine|droplet|floating ip|load balancer) is (?:currently )?locked)\b",
            category: Category::TransientLock,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "The cloud API has the object locked while another of its actions runs (\"$1\"): wait for that action to finish and run again; if it persists, look for an action stuck on the object in the provider's console.",
        },
    ]
}
