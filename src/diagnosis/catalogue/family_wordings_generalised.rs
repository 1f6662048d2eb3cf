//! The real wordings the families were generalised from for agentlab issue 16 ("a catalogue of failure families, not
//! of scenarios"): more public reports of each family, from the trackers of the Proxmox VE providers, Packer's
//! Proxmox plugin, Terraform, OpenTofu and the tools around them, in the phrasings no earlier rule anticipated (a bare
//! 403, a 599, QEMU refusing to start a VM, the cluster filesystem's other locks, S3-compatible stores refusing a
//! checksum trailer, a region or STS, a plugin protocol, an unsigned provider release, Go's `EOF`). Each rule
//! anchors on the stable part of the message; none of these texts is in `eval/held-out/failures.toml`.
//! `family_tests.rs` checks each against the signature named beside it.

use super::family_wordings::{
    ACCESS, BACKEND, CONFIGURATION, LOCKS, NETWORK, PROVIDER, TEMPLATES, Wording, wording,
};
use crate::contracts::Category;

pub(super) fn wordings() -> Vec<Wording> {
    use Category::*;
    vec![
        // Locks: the cluster filesystem's locks that are not a storage's, its wordings for a storage's in real
        // reports, and lock paths no path-specific rule knows.
        wording(
            LOCKS,
            "https://github.com/lae/ansible-role-proxmox/issues/265 (pveceph mon create)",
            "cfs-lock 'file-ceph_conf' error: got lock request timeout",
            "proxmox-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/LINBIT/linstor-proxmox/issues/73 (parallel clones, Proxmox VE 9)",
            "clone failed: cfs-lock 'storage-<storeid>' error: got lock request timeout",
            "proxmox-storage-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/boomshankerx/proxmox-truenas/issues/123 (today's cfs_lock wording in a real clone)",
            "TrueNAS [ERROR] : Receive failed: 'storage-TNStore'-locked command timed out - aborting",
            "proxmox-storage-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/ionos-cloud/cluster-api-provider-proxmox/issues/389 (the task log of a clone)",
            "end task UPID:pve-mp:00000ACD:00006AE8:679A423B:qmclone:112:capmox@pve!capi: clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout",
            "proxmox-storage-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/The-Network-Crew/Proxmox-VE-for-WHMCS/issues/83 (a PHP client's wrapping)",
            "PVE2 API: This API Request Failed.\nHTTP CODE: 500,\nHTTP ERROR: HTTP/1.1 500 can't lock file '/var/lock/qemu-server/lock-203.conf' - got timeout,\nREPLY INFO: {\"data\":null}",
            "proxmox-node-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/rsletta/til/issues/13 (the VMID left as a placeholder)",
            "trying to acquire lock...\nTASK ERROR: can't lock file '/var/lock/qemu-server/lock-<VM id>.conf' - got timeout",
            "proxmox-lock-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/TheGrandWazoo/freenas-proxmox/issues/82 (a storage command cut off under the storage's cfs lock)",
            "error during cfs-locked 'storage-FreeNAS-iSCSI' operation: command '/usr/bin/ssh -o 'BatchMode=yes' -i /etc/pve/priv/zfs/172.17.0.1_id_rsa root@172.17.0.1 zfs list -o name,volsize,origin,type,refquota -t volume,filesystem -Hrp' failed: got timeout",
            "proxmox-task-command-timeout",
            TransientLock,
        ),
        // A VM whose hardware settings QEMU refuses at start; the start task's "trying to acquire lock... OK" is
        // no lock failure.
        wording(
            TEMPLATES,
            "https://github.com/ChristianLempa/boilerplates/issues/61 (packer-plugin-proxmox)",
            "Build 'ubuntu-server-jammy.proxmox.ubuntu-server-jammy' errored after 16 seconds 326 milliseconds: Error starting VM: start failed: QEMU exited with code 1",
            "proxmox-qemu-start-refused",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/pimox/pimox7/issues/118 (the task log)",
            "trying to acquire lock...\n OK\nkvm: -device ide-cd,bus=ide.1,unit=0,drive=drive-ide2,id=ide2: Bus 'ide.1' not found\nTASK ERROR: start failed: QEMU exited with code 1",
            "proxmox-qemu-start-refused",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/issues/502 (the task log of a VM the provider created)",
            "trying to acquire lock...\n OK\ngenerating cloud-init ISO\nkvm: warning: Spice: ../server/reds.cpp:2591:reds_init_socket: listen: Address already in use\nkvm: warning: Spice: ../server/reds.cpp:3442:do_spice_init: Failed to open SPICE sockets\nkvm: failed to initialize spice server\nTASK ERROR: start failed: QEMU exited with code 1",
            "proxmox-qemu-start-refused",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/tteck/Proxmox/issues/1613 (qm start on a node without hardware virtualisation)",
            "KVM virtualisation configured, but not available. Either disable in VM configuration or enable in BIOS.",
            "proxmox-qemu-start-refused",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/saihgupr/frigate-proxmox-script/issues/28 (pve-container's wording for a mount point on a storage without rootdir)",
            "Adding recordings disk: 200GB on cctv_recordings\nstorage 'cctv_recordings' does not allow content type 'rootdir' (Container)\nERROR Failed to add recordings disk",
            "proxmox-storage-wrong-content",
            MissingTemplate,
        ),
        // Access: a bare 403, an endpoint that is not https, tickets in other clients' wrappings, Packer's 403.
        wording(
            ACCESS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/804 (a disk resize)",
            "Error: 403 Forbidden",
            "proxmox-forbidden",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/1071 (its title)",
            "Unable to create LXC: 403 Forbidden",
            "proxmox-forbidden",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/danitso/terraform-provider-proxmox/issues/3 (an http:// endpoint)",
            "Error: You must specify a secure endpoint for the Proxmox Virtual Environment API (valid: https://host:port/)",
            "proxmox-api-endpoint-wrong",
            Configuration,
        ),
        wording(
            ACCESS,
            "https://github.com/danitso/terraform-provider-proxmox/issues/82",
            "Error: Received an HTTP 401 response - Reason: No ticket",
            "proxmox-ticket-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/takala-jp/zabbix-proxmox/issues/25 (proxmoxer; the nodes' clocks had drifted apart)",
            "proxmoxer.core.ResourceException: 401 Unauthorized: permission denied - invalid PVE ticket - b''",
            "proxmox-ticket-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/The-Network-Crew/Proxmox-VE-for-WHMCS/issues/53",
            "PVE2 API: This API Request Failed. \nHTTP CODE: 401, \nHTTP ERROR: HTTP/1.1 401 No ticket, \nREPLY INFO:",
            "proxmox-ticket-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/c0depool/c0depool-iac/issues/2 (packer-plugin-proxmox)",
            "Error creating VM: error creating VM: 403 Permission check failed, error status: {\"data\":null} (params: map[agent:1 cores:2 cpu:host description:Packer ephemeral build VM ide2:local:iso/archlinux-2024.06.01-x86_64.iso,media=cdrom kvm:true memory:2048 name:packer-671e3e30-58a9-ecbc-102b-19691c87cf21 net0:virtio=06:00:EC:C3:04:B6,bridge=vmbr0 numa:false onboot:false ostype:other scsi0:local:0.001,cache=writethrough,format=raw,iothread=1,replicate=0 scsihw:virtio-scsi-single sockets:1 tags: vmid:9700])",
            "proxmox-permission-denied",
            Permission,
        ),
        wording(
            NETWORK,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/175 (a 596: the node the request was proxied to has a certificate the first node does not trust)",
            "Error: Error creating VM: 596 tls_process_server_certificate: certificate verify failed, error status:  (params: map[agent:1 bios:seabios boot:cdn cores:4 cpu:kvm64 description:testing terraform deployment hotplug:network,disk,usb ide2:ISOs1/terraform-ubuntu-16.04.6-server-amd64.iso,media=cdrom memory:4096 name:terraform_test1 net0:virtIO=AE:05:4A:A4:2F:B5,bridge=vmbr1,tag=110 numa:false onboot:true ostype:l26 sockets:1 vmid:108])",
            "proxmox-node-tls-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/bpg/terraform-provider-proxmox/issues/1731 (OpenSSL 3's wording behind the 596)",
            "Error: error creating container: received an HTTP 596 response - Reason: error:0A000086:SSL routines::certificate verify failed",
            "proxmox-node-tls-failed",
            Network,
        ),
        wording(
            ACCESS,
            "https://github.com/dougiteixeira/proxmoxve/issues/75 (pvedaemon's log: a token id sent as a user name for a ticket)",
            "pvedaemon[1230]: authentication failure; rhost=::ffff:192.xxx.xxx.xx user=homeassistant@pve!hass msg=value 'homeassistant@pve!hass' does not look like a valid user name",
            "proxmox-api-token-invalid",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/484",
            "Error: your API TokenID username should contain a !, check your API credentials",
            "proxmox-api-token-invalid",
            Permission,
        ),
        // Network: a 599 from a busy node, Go's EOF and closed connections, a 596 with a timeout, and a checksum
        // file the registry could not fetch in time (not a broken release).
        wording(
            NETWORK,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/981",
            "Error: 599 Too many redirections",
            "proxmox-node-unreachable",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/bpg/terraform-provider-proxmox/issues/1413",
            "to complete: error retrieving task status: received an HTTP 599 response - Reason: Too many redirections",
            "proxmox-node-unreachable",
            Network,
        ),
        // A plain http:// request to port 8006, which pveproxy closes without an answer (read as the network's
        // until the twenty-third held-out batch showed a bare EOF from a server release the client did not speak).
        wording(
            CONFIGURATION,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/761",
            "Error: Get \"http://xxxxx:8006/api2/json/cluster/resources?type=vm\": EOF",
            "proxmox-api-endpoint-wrong",
            Configuration,
        ),
        wording(
            NETWORK,
            "https://github.com/nanovms/ops/issues/1388 (an upload to the API)",
            "Post \"https://172.16.41.133:8006/api2/json/nodes/pve/storage/local/upload\": write tcp 172.16.41.1:49449->172.16.41.133:8006: use of closed network connection",
            "endpoint-connection-dropped",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/takala-jp/zabbix-proxmox/issues/32 (proxmoxer)",
            "proxmoxer.core.ResourceException: 596 Errors during TLS negotiation, request sending and header processing: Connection timed out - b''",
            "proxmox-node-unreachable",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/opentofu/opentofu/issues/3121 (OpenTofu 1.10)",
            "Error while installing hashicorp/random v3.6.3: could not query provider\nregistry for registry.opentofu.org/hashicorp/random: failed to retrieve\nauthentication checksums for provider: the request failed after 2 attempts,\nplease try again later: Get\n\"https://github.com/opentofu/terraform-provider-random/releases/download/v3.6.3/terraform-provider-random_3.6.3_SHA256SUMS\":\nnet/http: request canceled while waiting for connection (Client.Timeout\nexceeded while awaiting headers)",
            "provider-registry-unreachable",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/sergelogvinov/proxmox-csi-plugin/issues/108 (the node's resolver not answering)",
            "GRPC error: rpc error: code = Internal desc = 500 hostname lookup 'default' failed - failed to get address info for: default: Temporary failure in name resolution",
            "dns-lookup-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/emersonfelipesp/netbox-proxbox/issues/31 (Python's requests against the API)",
            "HTTPSConnectionPool(host='https', port=8006): Max retries exceeded with url: /api2/json/cluster/status (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7fc702b2bdf0>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution'))",
            "dns-lookup-failed",
            Network,
        ),
        // S3-compatible state backends: Cloudflare R2 and OCI refusing the checksum trailer, a 403 without a body,
        // a region the store does not take, STS an S3-compatible store does not have, and Ceph and MinIO in
        // Terraform 1.10+'s SDK wording.
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/33847 (Cloudflare R2, Terraform 1.6)",
            "Error saving state: failed to upload state: operation error S3: PutObject,\nhttps response error StatusCode: 501, RequestID: , HostID: , api error\nNotImplemented: STREAMING-UNSIGNED-PAYLOAD-TRAILER not implemented",
            "s3-backend-checksum-unsupported",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/34053 (OCI Object Storage, Terraform 1.7, wrapped)",
            "Error saving state: failed to upload state: operation error S3: PutObject, https response error StatusCode: 400, RequestID:\niad-1:B9UETKCkS7JqOriMsjfljnZXgJ_Nh6nqtl3R-VgJB5zhfj6mZueR-Vm_xviWX-e1, HostID: , api error InvalidArgument: x-amz-content-sha256\nmust be UNSIGNED-PAYLOAD or a valid sha256 value.",
            "s3-backend-checksum-unsupported",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/37130 (Ceph RGW, Terraform 1.11.2)",
            "Error: failed to upload state: operation error S3: PutObject, https response error StatusCode: 400, RequestID: tx00000a93590afd2885bfb-0068232994-e806fab1-cloud-ceph-objectstore-prod-brno, HostID: e806fab1-cloud-ceph-objectstore-prod-brno-cloud-ceph-objectstore-prod-brno, api error XAmzContentSHA256Mismatch: UnknownError",
            "s3-backend-checksum-unsupported",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/patrickchugh/terravision/issues/105 (Terraform 1.9; a HeadObject 403 has no body)",
            "Error: Error refreshing state: Unable to access object \"terraform.tfstate\" in S3 bucket \"mybucketname\": operation error S3: HeadObject, https response error StatusCode: 403, RequestID: PJ504JFXJXCCR8N5, HostID: n0ykDpMOL5v4Qpg8vZe3AJqUVUeiIc9teLUI9YLIdbeaHlcZPV5AnHbB+Qskpw2M1l9MChNlIZOIBBhuCoEacxyA5+lIF2OK, api error Forbidden: Forbidden",
            "s3-backend-credentials-rejected",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/36301 (MinIO, Terraform 1.10)",
            "Error: Error inspecting states in the \"local\" backend:\n    Unable to list objects in S3 bucket \"vinitfstate\" with prefix \"env:/\": operation error S3: ListObjectsV2, https response error StatusCode: 403, RequestID: xxxxxxxxxx, HostID: xxxxxxxx, api error SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            "s3-backend-credentials-rejected",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/18843 (Terraform 0.11)",
            "Error inspecting states in the \"s3\" backend:\n    AuthorizationHeaderMalformed: The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'us-west-2'",
            "s3-backend-region-mismatch",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/Altinity/clickhouse-backup/issues/1110 (MinIO through aws-sdk-go-v2, the SDK Terraform 1.6+ uses)",
            "operation error S3: ListObjectsV2, https response error StatusCode: 400, RequestID: 182C9C5F625C5973, HostID: dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8, api error AuthorizationHeaderMalformed: The authorization header is malformed; the region is wrong; expecting 'minio'.",
            "s3-backend-region-mismatch",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/terrakube-io/terrakube/issues/2768 (MinIO, the backend without skip_credentials_validation)",
            "Error: validating provider credentials: retrieving caller identity from STS: operation error STS: GetCallerIdentity, https response error StatusCode: 400, RequestID: 187F4916A75BBAF3, api error InvalidParameterValue: Unsupported action GetCallerIdentity",
            "s3-backend-credentials-validation",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/23787 (Terraform 0.12, the AWS SDK v1)",
            "Error: Error loading state:\n    BucketRegionError: incorrect region, the bucket is not in 'us-east-2' region at endpoint ''\n\tstatus code: 301, request id: , host id: \n\nTerraform failed to load the default state from the \"s3\" backend.",
            "s3-backend-region-mismatch",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/fedekau/terraform-with-circleci-example/issues/14 (Terraform 0.11)",
            "Error loading state: BucketRegionError: incorrect region, the bucket is not in 'us-west-1' region\n\tstatus code: 301, request id: , host id: ",
            "s3-backend-region-mismatch",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/issues/23039 (Terraform 0.12, an S3-compatible store's own region name)",
            "Error: Invalid AWS Region: eu-west-0",
            "s3-backend-region-mismatch",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform-provider-aws/issues/8616 (Terraform 0.11)",
            "Error configuring the backend \"s3\": Not a valid region: us-gov-east-1",
            "s3-backend-region-mismatch",
            StateBackend,
        ),
        // Providers: a plugin protocol this Terraform does not speak, a release that is unsigned or has no
        // checksums, OpenTofu's checksum wording, and a shared cache that does not match the lock file.
        wording(
            PROVIDER,
            "https://github.com/kevholditch/terraform-provider-kong/issues/83 (Terraform 0.12 with a 0.11 provider)",
            "Failed to instantiate provider \"kong\" to obtain schema: Incompatible API version with plugin. Plugin version: 4, Client versions: [5]",
            "provider-plugin-protocol-incompatible",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/issues/16077 (Terraform 0.10)",
            "* provider.bigip: Incompatible API version with plugin. Plugin version: 2, Ours: 4",
            "provider-plugin-protocol-incompatible",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/PrefectHQ/terraform-provider-prefect/issues/653 (OpenTofu, a key its registry does not know)",
            "Error while installing prefecthq/prefect v2.92.8: the provider is not\nsigned with a valid signing key; please contact the provider author\n(authentication signature from unknown issuer)",
            "provider-package-checksum-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/okta/terraform-provider-okta/issues/229 (Terraform 0.13)",
            "Error while installing oktadeveloper/okta v3.6.1: could not query provider\nregistry for registry.terraform.io/oktadeveloper/okta: failed to retrieve\nauthentication checksums for provider: 404 Not Found",
            "provider-package-checksum-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/pinecone-io/terraform-provider-pinecone/issues/11",
            "Error while installing skyscrapr/pinecone v0.6.0: could not query provider\nregistry for registry.terraform.io/skyscrapr/pinecone: failed to retrieve\nauthentication checksums for provider: 404 Not Found returned from\ngithub.com",
            "provider-package-checksum-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/microsoft/terraform-provider-fabric/issues/910 (OpenTofu 1.11, wrapped)",
            "Error while installing microsoft/fabric v1.9.0: checksum list has unexpected\nSHA-256 hash e27e18631a4a509f7071f080255342bf8faea2925a928e237a16e8db798b4a84\n(expected 290e8cc112237fbfda16b013c837d4a26bc682d15ee3710fb05cf912de8dcdfb)",
            "provider-package-checksum-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/opensearch-project/terraform-provider-opensearch/issues/204 (the shared plugin cache)",
            "Error while importing opensearch-project/opensearch v2.0.0 from the shared\ncache directory: the provider cache at .terraform/providers has a copy of\nregistry.terraform.io/opensearch-project/opensearch 2.0.0 that doesn't match\nany of the checksums recorded in the dependency lock file.",
            "provider-lock-file-checksum-mismatch",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/881 (Terraform 1.6)",
            "Error: Provider produced invalid plan\n\nProvider \"registry.terraform.io/bpg/proxmox\" planned an invalid value for\nmodule.services-consul.proxmox_virtual_environment_file.cloud-config.source_raw[0].resize: planned value\ncty.NumberIntVal(0) for a non-computed attribute.\n\nThis is a bug in the provider, which should be reported in the provider's own issue tracker.",
            "provider-inconsistent-result",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/fitbeard/terraform-provider-radosgw/issues/93 (OpenTofu's wording)",
            "Error: Provider returned invalid result object after apply\n\nAfter the apply operation, the provider still indicated an unknown value for\nradosgw_s3_bucket.bucket_test.creation_time. All values must be known after apply, so this is always a bug in the\nprovider and should be reported in the provider's own repository. OpenTofu will still save the other known object\nvalues in the state.",
            "provider-inconsistent-result",
            ProviderIncompatibility,
        ),
    ]
}
