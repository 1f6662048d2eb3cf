//! The real wordings of the sixth widening: what the providers' plugin libraries refuse in a configuration before
//! any call (the framework's validators and the older SDK's), what a provider cannot read in Proxmox VE's answer (Go's
//! JSON decoder), an API that answered with a web page, Proxmox VE's refusal of one parameter's value without the
//! "400" line above it, a bridge or a cluster node that does not exist, a cluster without quorum, storage layers
//! that are full (LVM, LVM-thin, ZFS), a state store whose clock disagrees with the runner's, a disk asked to shrink,
//! an API method the node's Proxmox VE release does not have, and the bpg provider's own words for a name it resolved
//! itself, a token in the wrong form, no credentials, no SSH agent and a lock still held after a migration, and the
//! telmate provider's (with its proxmox-api-go library's) words for the same and for a second factor, a node it does
//! not know, a duplicated device block and a Proxmox VE release it was not written for; and a container template
//! newer than the node's Proxmox VE; qemu-server's refusals of a VM's settings; QEMU's own lock on a disk image; and an
//! object store that does not know a client's access key; a state written by a newer Terraform; a protected guest; and
//! the bpg provider's file data source finding no file. Each text is copied from the public report named beside
//! it; where no report outside the held-out set quoted a message, the source file that prints it is named instead and
//! the text is that format string filled in. None of these texts is in `eval/held-out/failures.toml`.
//! `family_tests.rs` checks each against the signature named beside it; Terraform's own verdicts on a configuration
//! are checked against the real binary in tests/it/diagnosis/terraform_words.rs instead.

use super::family_wordings::{
    ACCESS, BACKEND, CONFIGURATION, LOCKS, NETWORK, PROVIDER, TEMPLATES, Wording, wording,
};
use crate::contracts::Category;

pub(super) fn wordings() -> Vec<Wording> {
    use Category::*;
    vec![
        // A provider's own check of an argument's value.
        wording(
            CONFIGURATION,
            "https://github.com/bpg/terraform-provider-proxmox/issues/2667 (bpg provider, Proxmox VE 9.1.5)",
            "╷\n│ Error: Invalid Attribute Value Match\n│ \n│   with proxmox_virtual_environment_realm_openid.nc,\n│   on realms.tf line 10, in resource \"proxmox_virtual_environment_realm_openid\" \"oidc\":\n│   10:   username_claim    = \"upn\"\n│ \n│ Attribute username_claim value must be one of: [\"subject\" \"username\" \"email\"], got: \"upn\"\n╵",
            "provider-argument-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/SigNoz/terraform-provider-signoz/issues/132 (OpenTofu, a framework provider's validator)",
            "│ Error: Invalid Attribute Value Match\n│\n│   with signoz_rule.node_readiness,\n│   on generated_resources.tf line 1:\n│   (source code not available)\n│\n│ Attribute condition.composite_query.queries[0].builder_query.spec.metrics.source value must be one of: [\"meter\"], got: \"\"",
            "provider-argument-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform-plugin-sdk/blob/main/helper/validation/int.go (IntBetween's `expected %s to be in the range (%d - %d), got %d`, filled in)",
            "Error: expected cores to be in the range (1 - 128), got 0\n\n  with proxmox_vm_qemu.k3s,\n  on main.tf line 14, in resource \"proxmox_vm_qemu\" \"k3s\":\n  14:   cores = 0",
            "provider-argument-value-refused",
            Configuration,
        ),
        // Proxmox VE's answer in a shape the provider's release does not read.
        wording(
            PROVIDER,
            "https://github.com/danitso/terraform-provider-proxmox/issues/22",
            "Error: Failed to decode HTTP GET response (path: nodes/pve/lxc/{id}/config) - Reason: json: cannot unmarshal array into Go struct field VirtualEnvironmentContainerGetResponseData.data.lxc of type string",
            "provider-response-undecodable",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/655 (bpg 0.36.0, Proxmox VE 6.3, an import)",
            "Reason: json: cannot unmarshal string into Go struct field GetStatusResponseData.data.pid of type int",
            "provider-response-undecodable",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/421 (bpg 0.24.0; the reporter's terminal broke the line inside words)",
            "│ Error: error retrieving VM: failed to decode HTTP GET response (path: nodes/apathy/qemu/105/config) - Rea\nson: json: cannot unmarshal string into Go struct field GetResponseData.data.startup of type vms.CustomStar\ntupOrder\n│",
            "provider-response-undecodable",
            ProviderIncompatibility,
        ),
        // An API that answered with a web page.
        wording(
            CONFIGURATION,
            "https://github.com/claranet/terraform-provider-zabbix/issues/57 (the URL lacked its API path)",
            "│ Error: invalid character '<' looking for beginning of value\n│\n│   with module.region_x8.provider[\"registry.terraform.io/claranet/zabbix\"],\n│   on ../modules/region-setup/main.tf line 49, in provider \"zabbix\":\n│   49: provider \"zabbix\" {\n│\n╵",
            "api-answered-with-a-web-page",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/F5Networks/terraform-provider-bigip/issues/588 (the URL did not point at the API endpoint)",
            "invalid character '<' looking for beginning of value",
            "api-answered-with-a-web-page",
            Configuration,
        ),
        // Proxmox VE's refusal of one parameter, without the "400 Parameter verification failed." line.
        wording(
            CONFIGURATION,
            "https://www.reddit.com/r/homelab/comments/b5xpua/the_ultimate_beginners_guide_to_gpu_passthrough/ (comment; Proxmox VE 5, `vga: none` set by hand)",
            "root@pve:/etc/pve/qemu-server# qm start 110\nvm 110 - unable to parse value of 'vga' - format error\ntype: value 'none' does not have a value in the enumeration 'cirrus, qxl, qxl2, qxl3, qxl4, serial0, serial1, serial2, serial3, std, virtio, vmware'",
            "proxmox-parameter-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1004 (telmate 2.9.14 on a cluster)",
            "{\"errors\":{\"target\":\"invalid format - value does not look like a valid node name\\n\"},\"data\":null}: timestamp=\"2024-05-10T22:42:58.595+0700\"",
            "proxmox-parameter-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/123 (Terraform 0.12.17, Proxmox VE 6.1)",
            "2019-12-06T02:00:51.145Z [DEBUG] plugin.terraform-provider-proxmox: {\"data\":null,\"errors\":{\"vcpus\":\"value must have a minimum value of 1\"}}",
            "proxmox-parameter-value-refused",
            Configuration,
        ),
        // A bridge, or a cluster node, that does not exist.
        wording(
            CONFIGURATION,
            "https://github.com/SaumonNet/proxmox-nixos/issues/132 (pve-qemu-server 8.2.1; the bridge existed only in a file the host did not read)",
            "bridge 'vmbr0' does not exist\nqemu-kvm: -netdev type=tap,id=net0,ifname=tap101i0,script=/nix/store/5n55y9adxyndm8pn9w2bh07pgxz0ljhq-pve-qemu-server-8.2.1/lib/qemu-server/pve-bridge,downscript=/nix/store/5n55y9adxyndm8pn9w2bh07pgxz0ljhq-pve-qemu-server-8.2.1/lib/qemu-server/pve-bridgedown,vhost=on: network script /nix/store/5n55y9adxyndm8pn9w2bh07pgxz0ljhq-pve-qemu-server-8.2.1/lib/qemu-server/pve-bridge failed with status 512\nTASK ERROR: start failed: QEMU exited with code 1",
            "proxmox-bridge-missing",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/truenas/truenas-proxmox-plugin/issues/67 (a test VM that names vmbr0)",
            "TASK ERROR: bridge 'vmbr0' does not exist",
            "proxmox-bridge-missing",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/PegaProx/project-pegaprox/issues/378 (ha-manager on a node given by a name the cluster does not know)",
            "no such cluster node 'mnl3-proxmox01'",
            "proxmox-cluster-node-unknown",
            Configuration,
        ),
        // A cluster that lost quorum.
        wording(
            NETWORK,
            "https://github.com/community-scripts/ProxmoxVE/issues/1163 (a two-node cluster with one node down)",
            "cluster not ready - no quorum?\nbash: line 201: exit: A problem occured while trying to create a container.: numeric argument required",
            "proxmox-cluster-without-quorum",
            Network,
        ),
        wording(
            NETWORK,
            "https://forum.proxmox.com/threads/another-cluster-not-ready-no-quorum-500-case.56104/ (the thread's title)",
            "Another cluster not ready - no quorum? (500) case",
            "proxmox-cluster-without-quorum",
            Network,
        ),
        // Storage layers that are full.
        wording(
            TEMPLATES,
            "https://github.com/QubesOS/qubes-issues/issues/7124 (an over-provisioned LVM thin pool; the same lvm2 words as on Proxmox VE's local-lvm)",
            "Dec 15 12:11:41 dom0 qubesd[2303]: vm.Vault: Start failed:   Cannot create new thin volume, free space in thin pool qubes_dom0/vm-pool reached threshold.\nDec 15 12:11:44 dom0 lvm[1116]: Insufficient free space: 41183 extents needed, but only 24498 available",
            "proxmox-storage-full",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/openzfs/zfs/issues/9849 (a Proxmox VE host, zfs 0.8.5-pve1; the pool filled during a backup)",
            "# zfs set primarycache=none zpool1/proxmox/local/vm-301-disk-1\ncannot set property for 'zpool1/proxmox/local/vm-301-disk-1': out of space",
            "proxmox-storage-full",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/openzfs/zfs/issues/7312 (a zvol larger than the pool could hold)",
            "$ zfs create -V $((61890744320/8192*8192)) -o checksum=edonr root/root\ncannot create 'root/root': out of space",
            "proxmox-storage-full",
            MissingTemplate,
        ),
        // A state store whose clock disagrees with the runner's.
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/19622 (Terraform 0.11.10, S3 backend; the host clock jumped during an apply)",
            "Failed to save state: failed to upload state: RequestTimeTooSkewed: The difference between the request time and the current time is too large.\n\tstatus code: 403, request id: 0B0026E03C66248C, host id: n4DuSL4lWCUY0uXCLecwNtOyszV/Pr6ucFMZYxr4TjMuPWNHz2UYtuziy5dysFpJncWdwss1XTo=",
            "s3-backend-clock-skewed",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/crytic/cloudexec/issues/48 (aws-sdk-go against DigitalOcean Spaces; the local clock was wrong)",
            "Failed to list buckets: Failed to list buckets: RequestTimeTooSkewed: The difference between the request time and the server's time is too large.\n\tstatus code: 403, request id: 08b6b7c1-f5e7-5618419, host id:",
            "s3-backend-clock-skewed",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/longhorn/longhorn/issues/3436 (a MinIO target whose clock was not in sync)",
            "AWS Error: RequestTimeTooSkewed The difference between the request time and the server's time is too large.",
            "s3-backend-clock-skewed",
            StateBackend,
        ),
        // Python's words for an answer that never came.
        wording(
            NETWORK,
            "https://github.com/xezpeleta/Ansible-Proxmox-inventory/issues/38 (the issue's title)",
            "Error: socket.timeout: The read operation timed out",
            "connection-failure-words",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/gyptazy/ProxLB/issues/91 (the issue's title; a cluster of about 100 guests answered slower than the client waited)",
            "Cannot get it to work - TimeoutError: The read operation timed out",
            "connection-failure-words",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/emersonfelipesp/netbox-proxbox/issues/649",
            "netbox gunicorn[3176]: Proxmox status request failed on attempt 3: HTTPConnectionPool(host='netbox.srv', port=8800): Read timed out. (read timeout=5)",
            "connection-failure-words",
            Network,
        ),
        // DynamoDB refusing the lock table to the backend's key.
        wording(
            BACKEND,
            "https://github.com/cds-snc/scan-websites/issues/283 (a read-only role used for plan, which still writes the lock)",
            "> AccessDeniedException: User:\narn:aws:sts::***:assumed-role/gh_plan_role/TFApply is not authorized\nto perform: dynamodb:PutItem on resource:",
            "s3-backend-credentials-rejected",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/ministryofjustice/modernisation-platform/pull/5630 (the lock table's encryption key was not granted to the role)",
            "api error AccessDeniedException: KMS key access denied\nUnable to retrieve item from DynamoDB table \"modernisation-platform-terraform-state-lock\": operation error DynamoDB: GetItem",
            "s3-backend-credentials-rejected",
            StateBackend,
        ),
        // A role that names the privilege Proxmox VE 9 dropped.
        wording(
            PROVIDER,
            "https://github.com/NX211/traefik-proxmox-provider/issues/28 (the documented role, on Proxmox VE 9)",
            "pveum role add traefik-provider -privs \"VM.Audit,VM.Monitor,Sys.Audit,Datastore.Audit\"\n400 Parameter verification failed.\nprivs: invalid format - invalid privilege 'VM.Monitor'",
            "proxmox-privilege-dropped-in-pve9",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/proxmox/pve-access-control/blob/master/src/PVE/AccessControl.pm (`invalid privilege '$priv'`, filled in with the privilege Proxmox VE 9 dropped, as the bpg provider's 400 wording)",
            "Error: error creating role: received an HTTP 400 response - Reason: Parameter verification failed. (privs: invalid format - invalid privilege 'VM.Monitor')",
            "proxmox-privilege-dropped-in-pve9",
            ProviderIncompatibility,
        ),
        // A disk asked to be smaller than it is.
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/240 (telmate 2.6.2; the issue's title)",
            "Unable to successfully complete terraform apply; ERROR: Proxmox does not support decreasing disk size.",
            "proxmox-disk-shrink-refused",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/blob/master/proxmox/resource_vm_qemu.go (the provider's `Proxmox does not support decreasing disk size. Disk '%v' wanted to go from '%vG' to '%vG'`, filled in)",
            "Error: Proxmox does not support decreasing disk size. Disk 'scsi0' wanted to go from '32G' to '20G'\n\n  with proxmox_vm_qemu.k3s[0],\n  on main.tf line 1, in resource \"proxmox_vm_qemu\" \"k3s\":",
            "proxmox-disk-shrink-refused",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/proxmox/qemu-server/blob/master/src/PVE/API2/Qemu.pm (resize_vm's `shrinking disks is not supported`, as a resize task's end)",
            "TASK ERROR: shrinking disks is not supported",
            "proxmox-disk-shrink-refused",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/proxmox/pve-container/blob/master/src/PVE/API2/LXC.pm (resize_vm's `unable to shrink disk size`, as the bpg provider's 500 wording)",
            "Error: error resizing container disk: received an HTTP 500 response - Reason: unable to shrink disk size",
            "proxmox-disk-shrink-refused",
            Configuration,
        ),
        // An API method the node's Proxmox VE release does not serve.
        wording(
            PROVIDER,
            "https://github.com/Corsinvest/cv4pve-report/issues/20 (a report tool asking for directory mappings, an endpoint of a later Proxmox VE release)",
            "StatusCode: NotImplemented ReasonPhrase: Method 'GET /cluster/mapping/dir' not implemented IsSuccessStatusCode: False Duration: 4ms",
            "proxmox-api-method-missing",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/pimox/repo/issues/4 (a Proxmox VE port without the backup defaults endpoint)",
            "Method 'GET /nodes/node3/vzdump/defaults' not implemented (501)",
            "proxmox-api-method-missing",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/The-Network-Crew/Proxmox-VE-for-WHMCS/issues/104 (a billing module that built the path without the guest type)",
            "PVE2_Exception: PVE2 API: This API Request Failed.\nHTTP CODE: 501,\nHTTP ERROR: HTTP/1.1 501 Method 'GET /nodes/proxmox-my-s001//2/config' not implemented,\nREPLY INFO: {\"data\":null,\"message\":\"Method 'GET /nodes/proxmox-my-s001//2/config' not implemented\"}",
            "proxmox-api-method-missing",
            ProviderIncompatibility,
        ),
        // The bpg provider's own words (its source files named, the format strings filled in).
        wording(
            NETWORK,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/fwprovider/provider.go (`failed to resolve node %q via DNS: %w`, with Go's DNSError)",
            "Error: failed to resolve node \"pve2\" via DNS: lookup pve2 on 127.0.0.53:53: no such host",
            "dns-lookup-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/golang/go/blob/master/src/net/net.go (DNSError's `lookup NAME on SERVER: ERR`, as a client that resolves before it dials prints it)",
            "Get node address: lookup pve.home.arpa on 192.168.1.1:53: server misbehaving",
            "dns-lookup-failed",
            Network,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmox/api/credentials.go (ErrInvalidAPIToken)",
            "Error: the API token must be in the format 'USER@REALM!TOKENID=UUID'",
            "proxmox-api-token-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmox/api/client.go (NewClient's refusal without credentials)",
            "Error: failed to create Proxmox VE API client: must provide either user credentials, an API token, or a ticket",
            "proxmox-credentials-missing",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmox/api/credentials.go (NewCredentials' refusal without credentials)",
            "│ Error: must provide either username and password, an API token, or a ticket",
            "proxmox-credentials-missing",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmox/ssh/client_notwindows.go (the agent socket check)",
            "Error: failed to open SSH client: failed connecting to SSH agent socket: the socket file is not defined, authentication will fall back to password",
            "proxmox-ssh-agent-missing",
            Configuration,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmox/ssh/client_notwindows.go (the same check, as an upload over SSH reports it)",
            "│ Error: failed to upload file: failed connecting to SSH agent socket: the socket file is not defined, authentication will fall back to password",
            "proxmox-ssh-agent-missing",
            Configuration,
        ),
        wording(
            LOCKS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmoxtf/resource/vm/vm.go (the wait after an HA migration, `VM %d on node %s but still locked after timeout`)",
            "Error: VM 105 on node pve2 but still locked after timeout",
            "provider-config-lock-wait-timeout",
            TransientLock,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmoxtf/resource/vm/disk/disk.go (its own refusal before a resize, filled in)",
            "│ Error: disk resize failure: requested size (8G) is lower than current size (10G)",
            "proxmox-disk-shrink-refused",
            Configuration,
        ),
        wording(
            NETWORK,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmox/nodes/containers/containers.go (the wait for a container's addresses)",
            "Error: error retrieving container IP addresses: timeout while waiting for container IP addresses",
            "guest-without-address",
            Network,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/terraform-provider-proxmox/blob/master/proxmox/provider.go (its check of the credentials it was given)",
            "│ Error: password and API token do not exist, one of these must exist\n│\n│   with provider[\"registry.terraform.io/telmate/proxmox\"],\n│   on main.tf line 10, in provider \"proxmox\":",
            "proxmox-credentials-missing",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/terraform-provider-proxmox/blob/master/proxmox/provider.go (a token id given as the user of a password login)",
            "Error: you appear to be using an API TokenID username with your password",
            "proxmox-api-token-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/proxmox-api-go/blob/master/proxmox/client.go (the permission lookup for a user Proxmox VE does not have)",
            "Error: cannot get user (terraform-prov@pve) permissions, the user does not exist",
            "proxmox-api-token-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/proxmox-api-go/blob/master/proxmox/session.go (a password login answered with a second-factor challenge)",
            "Error: missing TFA code",
            "proxmox-login-needs-second-factor",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/proxmox-api-go/blob/master/proxmox/session.go (the same, inside the provider's configure error)",
            "│ Error: error creating Proxmox client: missing TFA code\n│\n│   with provider[\"registry.terraform.io/telmate/proxmox\"],",
            "proxmox-login-needs-second-factor",
            Permission,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/Telmate/proxmox-api-go/blob/master/proxmox/node.go (a node name the cluster does not list)",
            "Error: Node pve3 not found",
            "proxmox-cluster-node-unknown",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/Telmate/terraform-provider-proxmox/blob/master/proxmox/resource_vm_qemu.go (two numbered device blocks with one id)",
            "Error: unable to process set, received a duplicate ID '0' check your configuration file",
            "provider-duplicate-device-id",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/Telmate/terraform-provider-proxmox/blob/master/proxmox/resource_vm_qemu.go (the same, as a network block repeats an id)",
            "│ Error: unable to process set, received a duplicate ID '1' check your configuration file\n│\n│   with proxmox_vm_qemu.k3s[0],",
            "provider-duplicate-device-id",
            Configuration,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/blob/master/proxmox/util.go (a parameter a newer Proxmox VE returns)",
            "Error: proxmox provider error: proxmox API returned new parameter 'affinity' we cannot process",
            "provider-and-proxmox-release-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/proxmox-api-go/blob/master/proxmox/config__guest__power.go (a setting an older Proxmox VE does not have)",
            "Error: overrule stop is only supported on Proxmox VE 8.0 and higher",
            "provider-and-proxmox-release-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            LOCKS,
            "https://github.com/Telmate/proxmox-api-go/blob/master/proxmox/config__qemu.go (the wait for a migrated guest's lock)",
            "Error: timed out waiting for VM 104 to unlock on node pve2 after migration",
            "provider-config-lock-wait-timeout",
            TransientLock,
        ),
        wording(
            NETWORK,
            "https://github.com/Telmate/proxmox-api-go/blob/master/proxmox/client.go (its own check before reading a guest's addresses)",
            "Error: guest agent is not running",
            "qemu-guest-agent-not-answering",
            Network,
        ),
        wording(
            PROVIDER,
            "https://github.com/tsvsys/dab-pve-templates/issues/2 (a Debian 13.1 template on Proxmox VE 8 and early 9)",
            "TASK ERROR: unable to create CT 200 - unsupported debian version '13.1'",
            "proxmox-older-than-its-template",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/jiangcuo/pxvirt/issues/96 (an Ubuntu 24.04 template before pve-container's update)",
            "extracting archive '/var/lib/vz/template/cache/ubuntu-noble-rootfs.tar.xz'\nTotal bytes read: 570132480 (544MiB, 62MiB/s)\nTASK ERROR: unable to create CT 102 - unsupported Ubuntu version '24.04'",
            "proxmox-older-than-its-template",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/tteck/Proxmox/issues/2202 (a Debian 12 template on Proxmox VE 7.3)",
            " - Creating LXC Container...unable to create CT 116 - unsupported debian version '12.2'",
            "proxmox-older-than-its-template",
            ProviderIncompatibility,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/proxmox/qemu-server/blob/master/src/PVE/QemuServer/PCI.pm (passthrough on a node without an IOMMU, as a start task ends)",
            "TASK ERROR: cannot prepare PCI pass-through, IOMMU not present",
            "proxmox-vm-setting-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/proxmox/qemu-server/blob/master/src/PVE/API2/Qemu.pm (the balloon check, in the bpg provider's 500 wording)",
            "Error: error updating VM: received an HTTP 500 response - Reason: balloon value too large (must be smaller than assigned memory)",
            "proxmox-vm-setting-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/proxmox/qemu-server/blob/master/src/PVE/QemuServer/Cloudinit.pm (a cicustom volume outside the snippets directory, in telmate's 500 wording)",
            "Error: 500 local:iso/user-data.yml is not in the snippets directory",
            "proxmox-vm-setting-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/proxmox/qemu-server/blob/master/src/PVE/QemuServer/CPUConfig.pm (a custom CPU type named without its prefix)",
            "TASK ERROR: Built-in cputype 'x86-64-v5' is not defined (missing 'custom-' prefix?)",
            "proxmox-vm-setting-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform-plugin-sdk/blob/main/helper/validation/strings.go (StringMatch's `invalid value for %s (%s)`, with the bpg provider's message for a node firewall rule's interface)",
            "│ Error: invalid value for iface (Must be a valid VM/Container iface key, e.g. 'net0')\n│\n│   with proxmox_virtual_environment_firewall_rules.node,",
            "provider-argument-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform-plugin-sdk/blob/main/helper/validation/strings.go (StringMatch without a message, filled in)",
            "Error: expected value of name to match regular expression \"^[a-z][a-z0-9-]*\", got Web_01",
            "provider-argument-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform (internal/terraform: \"Invalid provider configuration\" with its `providerConfigErr` detail, for a provider without a provider block whose required arguments are unset)",
            "╷\n│ Error: Invalid provider configuration\n│\n│ Provider \"registry.terraform.io/bpg/proxmox\" requires explicit configuration. Add a provider block to the root module and configure the provider's required arguments as described in the provider documentation.\n│\n╵",
            "terraform-configuration-invalid",
            Configuration,
        ),
        wording(
            LOCKS,
            "https://github.com/dguerri/LibVirtKvm-scripts/issues/45 (qemu-img on an image a running guest holds, QEMU 2.10 and later)",
            "qemu-img: Could not open '/var/lib/libvirt/images/salinois.bimg-20190728-115225': Failed to get shared \"write\" lock\nIs another process using the image?",
            "qemu-image-locked",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/systemd/mkosi/issues/1291 (qemu-img converting an image another process had open)",
            "qemu-img: /home/bschlueter/University/Github/mkosi-test/mkosi.images.tmpleott8_1/staging/image.qcow2: error while converting qcow2: Failed to get \"write\" lock\nIs another process using the image [/home/bschlueter/University/Github/mkosi-test/mkosi.images.tmpleott8_1/staging/image.qcow2]?",
            "qemu-image-locked",
            TransientLock,
        ),
        wording(
            ACCESS,
            "https://github.com/saferwall/saferwall/issues/392 (a service configured with a MinIO key the store did not have)",
            "{\"level\":\"error\",\"ts\":1669712869.3753703,\"caller\":\"aggregator/main.go:31\",\"msg\":\"failed to run the server: The Access Key Id you provided does not exist in our records.\",\"version\":\"1.0.0\"}",
            "object-store-key-unknown",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/stefanprodan/mgob/issues/50 (an AWS key sent to the example's MinIO endpoint)",
            "The access key ID you provided does not exist in our records",
            "object-store-key-unknown",
            Permission,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/issues/27615 (a state written by 0.14.4, read with 0.13.5)",
            "Error: state snapshot was created by Terraform v0.14.4, which is newer than current v0.13.5; upgrade to Terraform v0.14.4 or greater to work with this state",
            "terraform-older-than-its-state",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/iterative/cml/issues/344 (a deploy and a dispose run with different Terraform releases)",
            "Error refreshing state: state snapshot was created by Terraform v0.13.5, which is newer than current v0.13.2; upgrade to Terraform v0.13.5 or greater to work with this state",
            "terraform-older-than-its-state",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/terraform-compliance/cli/issues/380 (a tool's bundled Terraform older than the one that wrote the state)",
            "Error: Error loading state: state snapshot was created by Terraform v0.13.3, which is newer than current v0.13.2; upgrade to Terraform v0.13.3 or greater to work with this state",
            "terraform-older-than-its-state",
            ProviderIncompatibility,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/proxmox/pve-guest-common/blob/master/src/PVE/AbstractConfig.pm (check_protection, as qemu-server's destroy calls it, in telmate's 500 wording)",
            "│ Error: 500 can't remove VM 104 - protection mode enabled",
            "proxmox-guest-protected",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/proxmox/pve-guest-common/blob/master/src/PVE/AbstractConfig.pm (check_protection for a disk, in the bpg provider's 500 wording)",
            "Error: error updating VM: received an HTTP 500 response - Reason: can't remove drive 'scsi1' - protection mode enabled",
            "proxmox-guest-protected",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/fwprovider/nodes/file/datasource_file.go (its summary and detail, filled in)",
            "│ Error: File Not Found\n│\n│ File 'noble-server-cloudimg-amd64.img' with content type 'iso' not found in datastore 'local' on node 'pve'",
            "provider-datastore-file-not-found",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/fwprovider/nodes/file/datasource_file.go (the detail alone, as a CI log keeps it)",
            "File 'debian-12-standard_12.7-1_amd64.tar.zst' with content type 'vztmpl' not found in datastore 'local' on node 'pve2'",
            "provider-datastore-file-not-found",
            MissingTemplate,
        ),
    ]
}
