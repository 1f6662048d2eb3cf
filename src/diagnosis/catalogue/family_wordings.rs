//! The real wordings of each failure family, copied from public issue trackers with their source beside each
//! text: the data `family_tests.rs` checks the catalogue against. Adding a wording here is how a new real failure
//! text joins the catalogue's tests.

use crate::contracts::Category;

/// One real wording: the family it belongs to, where it was printed, the text and the signature that must answer.
pub(super) struct Wording {
    pub(super) family: &'static str,
    pub(super) source: &'static str,
    pub(super) text: &'static str,
    pub(super) signature: &'static str,
    pub(super) category: Category,
}

pub(super) const fn wording(
    family: &'static str,
    source: &'static str,
    text: &'static str,
    signature: &'static str,
    category: Category,
) -> Wording {
    Wording {
        family,
        source,
        text,
        signature,
        category,
    }
}

pub(super) const LOCKS: &str = "Proxmox VE locks";
pub(super) const TEMPLATES: &str = "templates and images";
pub(super) const ACCESS: &str = "permissions and authentication";
pub(super) const PROVIDER: &str = "provider compatibility";
pub(super) const BACKEND: &str = "S3-compatible state backends";
pub(super) const NETWORK: &str = "network";
pub(super) const CONFLICTS: &str = "resources that already exist";
pub(super) const CONFIGURATION: &str = "configuration mistakes";

pub(super) fn wordings() -> Vec<Wording> {
    use Category::*;
    vec![
        // Permissions, and what Proxmox VE refuses to take: wordings the held-out set showed the catalogue missing,
        // each rule written from other public texts than the held-out ones.
        wording(
            ACCESS,
            "https://github.com/sergelogvinov/terraform-talos/issues/5",
            "Error: user kubernetes@pve has valid credentials but cannot retrieve user list, check privilege separation of api token",
            "proxmox-token-privilege-separation",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/khanh-ph/proxmox-kubernetes/issues/91",
            "Error: 400 Parameter verification failed.",
            "proxmox-parameter-verification-failed",
            Configuration,
        ),
        // Proxmox VE locks.
        wording(
            LOCKS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/173",
            "Error: 500 can't lock file '/var/lock/qemu-server/lock-104.conf' - got timeout",
            "proxmox-node-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/danitso/terraform-provider-proxmox/issues/40",
            "Error: Received an HTTP 500 response - Reason: can't lock file '/run/lock/lxc/pve-config-105.lock' - got timeout",
            "proxmox-node-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/bpg/terraform-provider-proxmox/issues/995",
            "Error: error updating VM: received an HTTP 500 response - Reason: can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout",
            "proxmox-node-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/khanh-ph/proxmox-kubernetes/issues/71",
            "Error: clone failed: can't lock file '/var/lock/pve-manager/pve-storage-data-zfs' - got timeout",
            "proxmox-storage-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/161",
            "trying to acquire lock...\n OK\nTASK ERROR: clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local' - got timeout",
            "proxmox-storage-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/Zakkaus/gentoo-install/pull/79",
            "cfs-lock 'storage-ceph-pve' error: got lock request timeout",
            "proxmox-storage-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://cr0x.net/es/proxmox-vm-locked-eliminar-bloqueo (Proxmox VE's «VM is locked (backup/snapshot)»), and a public Proxmox unlock how-to listing `Error: VM is locked (backup)`",
            "Error: VM is locked (backup)",
            "proxmox-guest-locked-by-task",
            TransientLock,
        ),
        wording(
            LOCKS,
            "the same public Proxmox unlock how-to (`Error: VM is locked (clone)`)",
            "Error: VM is locked (clone)",
            "proxmox-guest-locked-by-task",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/bpg/terraform-provider-proxmox/issues/133",
            "Error: timeout while waiting for VM \"7001\" configuration to become unlocked",
            "provider-config-lock-wait-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/431",
            "Error: vm locked, could not obtain config",
            "provider-config-lock-wait-timeout",
            TransientLock,
        ),
        // Templates and images.
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/issues/1387",
            "error cloning VM: received an HTTP 500 response - Reason: unable to find configuration file for VM 8000 on node 'pve02'",
            "proxmox-clone-template-on-other-node",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/pull/373",
            "500 can't clone VM to node 'host2' (VM uses local storage)",
            "proxmox-clone-template-on-other-node",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/8",
            "HTTP/1.1 500 can't clone to non-shared storage 'local'",
            "proxmox-clone-template-on-other-node",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/241",
            "Error: Vm 'debian-10-template' not found",
            "proxmox-template-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/khanh-ph/proxmox-kubernetes/issues/99",
            "Error: vm 'ubuntu-2404' not found",
            "proxmox-template-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/danitso/terraform-provider-proxmox/issues/2",
            "TASK ERROR: unable to create VM 2040 - storage 'local-lvm' does not exist",
            "proxmox-storage-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/issues/2225",
            "proxmox_virtual_environment_vm fails clone with storage 'local-lvm' does not exist",
            "proxmox-storage-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/pull/373",
            "500 storage 'xyz' is not available on node 'host1'",
            "proxmox-storage-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/171",
            "storage 'cephfs' does not support container directories",
            "proxmox-storage-wrong-content",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/adminsyspro/proxcenter-ui/issues/76",
            "PVE 400 {\"errors\":{\"storage\":\"storage 'ceph-templates' does not support vm images\"},\"data\":null,\"message\":\"Parameter verification failed.\\n\"}",
            "proxmox-storage-wrong-content",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/issues/1748",
            "the datastore \"local\" does not support content type \"dump\"; supported content types are: [backup iso vztmpl]",
            "proxmox-storage-wrong-content",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/jenkins-infra/jenkins-infra/pull/505",
            "Execution of '/sbin/lvcreate -n usage --size 100G data' returned 5: Volume group \"data\" has insufficient free space (25599 extents): 25600 required.",
            "proxmox-storage-full",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/issues/2050",
            "Error: error updating VM: received an HTTP 500 response - Reason: can't allocate space in iscsi storage",
            "proxmox-storage-full",
            MissingTemplate,
        ),
        // Permissions and authentication.
        wording(
            ACCESS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/155",
            "Error: Error creating LXC container: 403 Permission check failed (changing feature flags is only allowed for root@pam), error status: {\"data\":null}",
            "proxmox-root-only-setting",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1423",
            "403 Permission check failed - only allowed for root@pam",
            "proxmox-root-only-setting",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/danitso/terraform-provider-proxmox/issues/10",
            "Only root can set 'arch' config",
            "proxmox-root-only-setting",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/hashicorp/packer-plugin-proxmox/issues/213",
            "Error creating VM: error creating VM: 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use), error status: {\"data\":null}",
            "proxmox-permission-check-failed",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/muhlba91/pulumi-proxmoxve/issues/281",
            "error retrieving next VM ID: received an HTTP 401 response - Reason: no such token 'TOKENID' for user 'dev@pve'",
            "proxmox-api-token-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/muhlba91/pulumi-proxmoxve/issues/281",
            "could not validate provider configuration: invalid value for api_token (Must be a valid API token, e.g. 'USER@REALM!TOKENID=UUID')",
            "proxmox-api-token-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/hashicorp/packer-plugin-proxmox/issues/247",
            "Error stopping VM. Please stop and delete it manually: 401 permission denied - invalid PVE ticket",
            "proxmox-ticket-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/MrKampf/proxmoxVE/issues/4",
            "HTTP/1.1 401 Permission denied - invalid csrf token",
            "proxmox-ticket-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/knisshoku/pvea/issues/16",
            "Err: 401: No ticket",
            "proxmox-ticket-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/proxmox-api-go/issues/217",
            "Post \"https://192.168.200.211:8006/api2/json/access/ticket\": x509: certificate signed by unknown authority",
            "tls-certificate-untrusted",
            Permission,
        ),
        wording(
            NETWORK,
            "https://github.com/rgl/terraform-proxmox-talos/issues/2",
            "error listing files from datastore local: received an HTTP 596 response - Reason: error:0A000086:SSL routines::certificate verify failed",
            "proxmox-node-tls-failed",
            Network,
        ),
        // Provider compatibility.
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1379",
            "permissions for user/token terraform@pam!agentlab are not sufficient, please provide also the following permissions that are missing: [VM.Monitor]",
            "telmate-vm-monitor-on-pve9",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1203",
            "Error: Plugin did not respond\n\nThe plugin encountered an error, and failed to respond to the plugin.(*GRPCProvider).ApplyResourceChange call. The plugin logs may contain more details.\n\nStack trace from the terraform-provider-proxmox_v2.9.11 plugin:\n\npanic: assignment to entry in nil map",
            "provider-plugin-crashed",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/TheGameProfi/terraform-provider-proxmox/issues/5",
            "Error: Plugin did not respond\n│ The plugin encountered an error, and failed to respond to the plugin.(*GRPCProvider).ConfigureProvider call. The plugin logs may contain more details.",
            "provider-plugin-crashed",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/2463",
            "Error: Provider produced inconsistent result after apply\n\nWhen applying changes to proxmox_virtual_environment_storage_directory.this, provider \"provider[\\\"registry.terraform.io/bpg/proxmox\\\"]\" produced an unexpected new value: .backups: was absent, but now present",
            "provider-inconsistent-result",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1285",
            "Error: Provider produced inconsistent result after apply\n│ When applying changes to proxmox_pool.pool, provider \"provider[\\\"registry.terraform.io/telmate/proxmox\\\"]\" produced an unexpected new value: Root object was present, but now absent.",
            "provider-inconsistent-result",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/issues/26200",
            "Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/aws:\nno available releases match the given constraints 3.5.0, ~> 3.5.0, ~> 2.53",
            "provider-version-constraints-unsatisfiable",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/osism/testbed/issues/1194",
            "Could not retrieve the list of available versions for provider hashicorp/local: locked provider registry.terraform.io/hashicorp/local\n2.1.0 does not match configured version constraint >= 2.2.0; must use terraform init -upgrade to allow selection of new versions",
            "provider-version-constraints-unsatisfiable",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/NixOS/infra/pull/216",
            "Error while installing hashicorp/aws v3.56.0: the local package for registry.terraform.io/hashicorp/aws 3.56.0 doesn't match any of the checksums previously recorded in the dependency lock file (this might be because the available checksums are for packages targeting different platforms)",
            "provider-lock-file-checksum-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/issues/27769",
            "Failed to instantiate provider \"registry.terraform.io/hashicorp/aws\" to obtain\nschema: the cached package for registry.terraform.io/hashicorp/aws 3.28.0 (in\n.terraform/providers) does not match any of the checksums recorded in the\ndependency lock file",
            "provider-lock-file-checksum-mismatch",
            ProviderIncompatibility,
        ),
        // S3-compatible state backends (the moto-server wordings are in tests.rs).
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/34086",
            "Error saving state: failed to upload state: operation error S3: PutObject,\nhttps response error StatusCode: 400, RequestID:\ntx000000000000002259d42-006ddd8d89-172f1be2-s3, HostID: 172f1be2-s3-s3, api\nerror XAmzContentSHA256Mismatch: UnknownError",
            "s3-backend-checksum-unsupported",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/linode/terraform-provider-linode/issues/1834",
            "Error saving state: failed to upload state: operation error S3: PutObject, https response error StatusCode: 400, RequestID: ..., HostID:\n..., api error XAmzContentSHA256Mismatch: UnknownError",
            "s3-backend-checksum-unsupported",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/34086 (MinIO, a comment)",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            "s3-backend-checksum-unsupported",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/33983",
            "Retrieving AWS account details: AWS account ID not previously found and failed retrieving via all available methods.",
            "s3-backend-account-id-lookup",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/22410",
            "Error acquiring the state lock\n\nError message: ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID:        f9763602-b03f-e35c-da30-4083cdbb99ae",
            "terraform-state-lock-held",
            StateBackend,
        ),
        // Network.
        wording(
            NETWORK,
            "https://github.com/hashicorp/packer-plugin-proxmox/issues/254",
            "Post \"https://0.0.0.0:8006/api2/json/nodes/pve/storage/Mass/upload\": dial tcp 0.0.0.0:8006: connect: connection refused",
            "endpoint-connection-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/vmware/terraform-provider-vsphere/issues/1689",
            "error: dial tcp :22: connect: no route to host",
            "endpoint-connection-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/hashicorp/terraform/issues/7696",
            "Error setting up client: Post https://intern-vcenter.openberl.in/sdk: dial tcp: lookup intern-vcenter.openberl.in on [::1]:53: read udp [::1]:52800->[::1]:53: read: connection refused",
            "dns-lookup-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/siderolabs/omni-infra-provider-proxmox/issues/49",
            "500 hostname lookup 'proxmox' failed - failed to get address info for: proxmox: Name or service not known",
            "dns-lookup-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/danitso/terraform-provider-proxmox/issues/6",
            "Error: dial tcp: lookup 10.100.0.13/24: no such host",
            "dns-lookup-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/bpg/terraform-provider-proxmox/issues/1601",
            "Error: unable to retrieve the next available VM identifier: context deadline exceeded",
            "request-deadline-exceeded",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/431",
            "Error: file provisioner error: timeout - last error: dial tcp 192.168.1.78:22: connect: no route to host",
            "guest-port-unanswered",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1028",
            "Error: cannot find any IP address",
            "guest-without-address",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1413",
            "{\"data\":null,\"message\":\"QEMU guest agent is not running\\n\"}",
            "qemu-guest-agent-not-answering",
            Network,
        ),
    ]
    .into_iter()
    .chain(super::family_wordings_wider::wordings())
    .chain(super::family_wordings_generalised::wordings())
    .chain(super::family_wordings_toolchain::wordings())
    .chain(super::family_wordings_refusals::wordings())
    .collect()
}
