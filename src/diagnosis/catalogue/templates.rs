//! Templates, images, storages and guest IDs: a clone template that is missing or lives on another node, an LXC
//! template volume that does not exist, a storage that does not exist or does not hold the content type, no space
//! left, a VMID or a disk volume already taken, a guest configuration missing on the node, a volume reference
//! Proxmox VE cannot parse, a disk asked to shrink, and a VM whose hardware settings QEMU refuses at start. Nothing here goes away with a
//! retry: a person fixes the reference, the setting or the node.

use crate::contracts::{Category, Remediation};

use super::Signature;

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            name: "proxmox-vmid-conflict",
            pattern: r"unable to create (?:CT|VM) (\d+) - (?:CT|VM) \d+ already exists on node '([^']+)'",
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "VMID $1 is already taken on node $2 by a guest Terraform does not manage; choose a free vm_id or import or remove the existing guest.",
        },
        Signature {
            // The template exists, but not where the clone runs (bpg asks the target node; telmate cannot clone
            // local storage across nodes).
            name: "proxmox-clone-template-on-other-node",
            pattern: r"(?:unable to find configuration file for VM (\d+) on node '([^']+)'|can't clone VM to node '([^']+)' \(VM uses local storage\)|(?i:can't clone to non-shared storage) '([^']+)')",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The clone template is not on the node the guest is created on ($1$2$3$4): clone on the template's node (clone.node_name / target_node), or keep the template on shared storage or copy it to every node.",
        },
        Signature {
            // Proxmox VE looked for the guest's configuration on the node the request named and found none: the
            // clone template (or the guest) lives on another node or is gone. Telmate has printed the path with
            // and without Proxmox VE's quotes.
            name: "proxmox-guest-config-missing",
            pattern: r"(?:Configuration file ')?nodes/([^/'\s]+)/(qemu-server|lxc)/(\d+)\.conf'? does not exist",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: Some(super::GUEST_IN_STATE_TOUCHED),
            root_cause: "Node $1 has no configuration for guest $3 ($2): the clone template or the guest is on another node, or no longer exists; clone on the template's node (or keep templates on every node), and check the template's VMID and the node name.",
        },
        Signature {
            // A volume Terraform is about to create is already there: LVM, a directory storage's disk image, ZFS.
            name: "proxmox-volume-already-exists",
            pattern: r#"(?:Logical Volume "([^"]+)" already exists|disk image '([^']+)' already exists|volume '([^']+)' already exists|dataset already exists|rbd create '?([^'\s]+?)'? error: rbd: create error: \(17\) File exists)"#,
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "A disk volume the guest needs already exists ($1$2$3$4), usually left over by an earlier failed run or a guest removed by hand; after checking that no guest uses it, remove the orphaned volume (or choose another VMID), then run again.",
        },
        Signature {
            // Proxmox VE cannot read a volume reference (a bare storage name where STORAGE:SIZE or
            // STORAGE:VOLUME is wanted, a volume name a directory storage does not take). Its "unable to parse
            // volume filename" is not taken: those file names were made by a tool (Packer's SDK writing
            // `vm-101-disk-0.<nil>` for a disk without a format, a script's EFI disk, a Proxmox VE 6.1 clone of a
            // cloud-init drive), and the message alone does not tell the configuration's fault from the tool's.
            name: "proxmox-volume-id-unparsable",
            pattern: r"unable to parse (?:volume ID|directory volume name) '([^']+)'",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::TOOL_MADE_VOLUME),
            root_cause: "Proxmox VE cannot parse the volume reference '$1': a disk, mount point or file setting names its storage or volume in a form this storage does not take (a new volume is STORAGE:SIZE, an existing one STORAGE:VOLUME); fix that setting in the configuration.",
        },
        Signature {
            name: "proxmox-storage-wrong-content",
            // pve-container words it "storage '...' does not allow content type 'rootdir' (Container)", and for a
            // container's root disk "storage '...' does not support CT rootdirs" (its API2/LXC.pm).
            // pve-storage's Plugin.pm says it of a storage's configuration without the name ("storage does not
            // support content type 'vztmpl'").
            pattern: r#"(?:storage '([^']+)' does not (?:support ([A-Za-z ]+)|allow content type '([^']+)')|datastore "([^"]+)" does not support content type "([^"]+)"|storage does not support content type '([^']+)')"#,
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The storage $1$4 is not enabled for that content ($2$3$5$6): pick a storage whose content types include it, or enable the content type on the storage (Datacenter → Storage → Content).",
        },
        Signature {
            // qemu-server's clone API (API2/Qemu.pm): a linked clone shares its template's base volumes, so it can
            // neither move to another storage nor change format ("parameter 'storage' not allowed for linked clones").
            name: "proxmox-linked-clone-option-refused",
            pattern: r"parameter '(storage|format)' not allowed for linked clones",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE refuses a target $1 for a linked clone, which stays on its template's storage and format: make a full clone (full_clone / clone.full), or leave the target $1 out.",
        },
        Signature {
            // Proxmox VE refusing a guest's disks as written (pve-container's create: "mount points configured, but
            // 'rootfs' not set - aborting"; pve-storage's LVM plugin: "lvm name '...' contains illegal characters", a
            // file path such as a container template given as an LVM disk). A clone onto a node's local storage is
            // the template rule's, above.
            name: "proxmox-disk-layout-refused",
            pattern: r"\b(mount points configured, but 'rootfs' not set|lvm name '[^']+' contains illegal characters)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::TOOL_MADE_VOLUME),
            root_cause: "Proxmox VE refused the guest's disks as the configuration lays them out (\"$1\"): a container needs its root disk before any mount point, and an LVM storage takes only a size for a new disk, not a file; fix the disk settings.",
        },
        Signature {
            // pve-storage's Storage.pm also refuses a storage that is defined but switched off ("storage '...' is
            // disabled").
            name: "proxmox-storage-missing",
            pattern: r"storage '([^']+)' (?:does not exist|is disabled|is not available on node(?: '([^']+)')?)",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The datastore '$1' does not exist or is disabled on the target node $2; use a storage the node has and has enabled, or add or enable it.",
        },
        Signature {
            // libvirt, which homelabs run beside or instead of Proxmox VE: its own errors for a storage pool or
            // volume that is not there (src/util/virerror.c: "Storage pool not found: ...", "Storage volume not
            // found: ..."), and the dmacvicar/libvirt provider's "can't find storage pool '...'".
            name: "libvirt-storage-missing",
            pattern: r"(Storage (?:pool|volume) not found: [^\n]{0,160}|can't find storage pool '[^']+')",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "libvirt has no such storage pool or volume (\"$1\"): the pool is not defined or not started on the host, or the base image volume was never uploaded to it; define and start the pool (virsh pool-list --all) or fix the pool or volume name in the configuration.",
        },
        Signature {
            name: "proxmox-template-missing",
            pattern: r"(?i)(?:volume '([^']+)' does not exist|vm '([^']+)' not found|no guest with name '([^']+)' found|VM with name = (\S+) does not exist in cluster|template: (no such template))",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: Some(super::GUESTS_OWN_DISK_MISSING),
            root_cause: "The template or template file $1$2$3$4$5 does not exist on the node, or the API user cannot see it; download or create the template, fix the reference, or grant the user VM.Audit on it.",
        },
        Signature {
            // cluster-api-provider-proxmox (capmox) choosing its template by tags: exactly one template must carry
            // exactly those tags; none (or two, one per node) fails.
            name: "capmox-template-not-found",
            pattern: r#"VM template not found: (found \d+ VM templates with tags \\?"[^"\\]*\\?")"#,
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "No single VM template carries exactly the tags the machine asks for ($1): the tags must match one template one to one, with no extra tags, and a template kept on each node's local storage counts twice; fix the tags or keep one template on shared storage.",
        },
        Signature {
            // pve-storage's LVM-thin plugin for a thin pool that is configured (local-lvm) but absent on the node.
            name: "proxmox-logical-volume-missing",
            pattern: r"no such logical volume (\S+)",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "A storage points at an LVM volume this node does not have ($1), typically local-lvm on a node installed without its thin pool; restrict the storage to the nodes that have it, or use a storage this node has.",
        },
        Signature {
            // The disk format the storage cannot hold: LVM-thin, ZFS and (before Proxmox VE 9) thick LVM take raw
            // only. The Perl location that follows the message changes with the release, so it is not matched.
            name: "proxmox-disk-format-unsupported",
            pattern: r"unsupported format '([^']+)'",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The storage cannot hold a disk in the format '$1' (LVM-thin and ZFS take raw only); set the disk's format to raw (file_format) or put the disk on a file storage that takes $1.",
        },
        Signature {
            // A disk asked to be smaller than it is: Proxmox VE never shrinks one (qemu-server's "shrinking disks is
            // not supported", and "unable to shrink disk size" from pve-container and older qemu-server releases),
            // and the telmate and bpg providers refuse it themselves. Behind it is a configured size below the disk of the
            // template or image the guest was cloned or imported from, or a size lowered after creation.
            name: "proxmox-disk-shrink-refused",
            pattern: r"(?i)(shrinking disks is not supported|unable to shrink disk size|does not support decreasing disk size(?:\. Disk '[^']+' wanted to go from '[^']+' to '[^']+')?|disk resize failure: requested size \([^)]+\) is lower than current size \([^)]+\)|requested size_gb \(\d+\) is lower than current size_gb \(\d+\))",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE cannot make a disk smaller ($1): the configuration asks for a size below the disk's current size, usually below the disk of the template or image it was cloned or imported from; set the size to at least the current one (or leave it unset on a clone), because a smaller disk means a new disk and moving the data by hand.",
        },
        Signature {
            // The bpg provider's file data source finding no file of that name and content type on the datastore
            // (fwprovider/nodes/file/datasource_file.go): an image or template the configuration expects that was
            // never uploaded, or sits on another node or datastore.
            name: "provider-datastore-file-not-found",
            pattern: r"(?m)File '([^']+)' with content type '[^']+' not found in datastore '([^']+)'|^[│|\s]*(?:Error: )?File Not Found\s*$",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The file the configuration reads ($1 on datastore $2) is not on that node's datastore with that content type: upload or download it there first (or point the data source at the node and datastore that have it).",
        },
        Signature {
            name: "proxmox-storage-full",
            // Proxmox VE's and the kernel's words, and those of the storage layers under it: LVM ("Insufficient free
            // space: N extents needed", a thin pool past its threshold, lvm2's lib/metadata/lv_manip.c) and ZFS
            // ("cannot create 'pool/...': out of space").
            pattern: r#"(?:No space left on device|Volume group "([^"]+)" has insufficient free space|can't allocate space in \S+ storage|not enough space on (?:storage|datastore)|Insufficient free space: \d+ extents needed, but only \d+ available|free space in thin pool (\S+) reached threshold|cannot (?:create|set property for) '([^'/]+)[^']*': out of space)"#,
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The target storage $1$2$3 is full: free space on it, or put the guest's disks on another storage; a retry cannot help.",
        },
        Signature {
            // A guest's network device on a bridge the node does not have (pve-common's Network.pm, when the guest
            // starts; pve-manager's API for an OVS port). Ahead of the start-refused rule below, which reads the
            // same start task's last line ("QEMU exited with code 1") without its cause.
            name: "proxmox-bridge-missing",
            pattern: r"\bbridge '([^']+)' does not exist",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The guest's network device names the bridge '$1', which the node does not have: use a bridge the node defines (ip link / its network settings), or create '$1' on the node first.",
        },
        Signature {
            // qemu-server's own refusals of a VM's settings, each a value of the configuration the node cannot
            // honour: passthrough without an IOMMU or a mapping that does not exist (QemuServer/PCI.pm), memory and
            // CPU limits and hugepages (QemuServer/Memory.pm, QemuServer.pm), a boot order naming a device the VM
            // lacks and a balloon above the memory (API2/Qemu.pm), a CPU type that is not defined
            // (QemuServer/CPUConfig.pm), a template started as a VM, and cloud-init snippets that are not snippets
            // or are too large (QemuServer/Cloudinit.pm).
            name: "proxmox-vm-setting-refused",
            pattern: r"(cannot prepare PCI pass-through, IOMMU not present|(?:PCI|USB) device mapping not found for '[^']+'|invalid bootorder: device '[^']+' does not exist|balloon value too large \(must be smaller than assigned memory\)|memory size \(\d+\) must be aligned to \d+ for hotplugging|minimum memory must be \d+\s*MB|you cannot add more memory than max mem \d+\s*MB|you can't add more vcpus than maxcpus|you can't start a vm if it's a template|Built-in cputype '[^']+' is not defined|Custom cputype '[^']+' not found|interface name '[^']+' is too long|your system doesn't support hugepages|Cloud-Init sum of snippets too big|\S+ is not in the snippets directory)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE refused a setting of the VM ($1): the configuration asks for something this node cannot give it (a device, an amount, a type or a file as written); fix that setting, or prepare the node for it (an IOMMU enabled for passthrough, the resource mapping created), before running again.",
        },
        Signature {
            // Proxmox VE's start task when QEMU itself refuses the VM: a device on a bus the machine type does not
            // have, KVM asked for on a node without it, a port another guest holds. The lines QEMU printed before
            // ("kvm: -device ...: Bus 'ide.1' not found") name the setting; tried last in this family, so a full
            // or missing storage in the same task log answers first.
            name: "proxmox-qemu-start-refused",
            pattern: r"(QEMU exited with code \d+|KVM virtualisation configured, but not available)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE could not start the VM ($1): QEMU refused the VM's hardware configuration — typically a disk or CD drive on a bus the machine type does not have, KVM enabled on a node without hardware virtualisation (nested virtualisation off, or disabled in the BIOS), or a display port another guest holds; the task log's lines before the error name the device. Fix that setting in the configuration; a retry cannot help.",
        },
    ]
}
