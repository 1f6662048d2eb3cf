//! Templates, images, storages and guest IDs: a clone template that is missing or lives on another node, an LXC
//! template volume that does not exist, a storage that does not exist or does not hold the content type, no space
//! left, and a VMID already taken. Nothing here goes away with a retry: a person fixes the reference or the node.

use crate::contracts::{Category, Remediation};

use super::Signature;

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            name: "proxmox-vmid-conflict",
            pattern: r"unable to create (?:CT|VM) (\d+) - (?:CT|VM) \d+ already exists on node '([^']+)'",
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            root_cause: "VMID $1 is already taken on node $2 by a guest Terraform does not manage; choose a free vm_id or import or remove the existing guest.",
        },
        Signature {
            // The template exists, but not where the clone runs (bpg asks the target node; telmate cannot clone
            // local storage across nodes).
            name: "proxmox-clone-template-on-other-node",
            pattern: r"(?:unable to find configuration file for VM (\d+) on node '([^']+)'|can't clone VM to node '([^']+)' \(VM uses local storage\)|can't clone to non-shared storage '([^']+)')",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            root_cause: "The clone template is not on the node the guest is created on ($1$2$3$4): clone on the template's node (clone.node_name / target_node), or keep the template on shared storage or copy it to every node.",
        },
        Signature {
            name: "proxmox-storage-wrong-content",
            pattern: r#"(?:storage '([^']+)' does not support ([a-z ]+)|datastore "([^"]+)" does not support content type "([^"]+)")"#,
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            root_cause: "The storage $1$3 is not enabled for that content ($2$4): pick a storage whose content types include it, or enable the content type on the storage (Datacenter → Storage → Content).",
        },
        Signature {
            name: "proxmox-storage-missing",
            pattern: r"storage '([^']+)' (?:does not exist|is not available on node '([^']+)')",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            root_cause: "The datastore '$1' does not exist on the target node $2; use a storage the node has, or add it.",
        },
        Signature {
            name: "proxmox-template-missing",
            pattern: r"(?i)(?:volume '([^']+)' does not exist|vm '([^']+)' not found)",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            root_cause: "The template or template file $1$2 does not exist on the node; download the template or fix the reference.",
        },
        Signature {
            name: "proxmox-storage-full",
            pattern: r#"(?:No space left on device|Volume group "([^"]+)" has insufficient free space|can't allocate space in \S+ storage|not enough space on (?:storage|datastore))"#,
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            root_cause: "The target storage $1 is full: free space on it, or put the guest's disks on another storage; a retry cannot help.",
        },
    ]
}
