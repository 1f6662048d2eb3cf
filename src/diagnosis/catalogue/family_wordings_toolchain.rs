//! The real wordings of the fourth and fifth widenings and of the categories' tells: the toolchain around the
//! providers (Terraform's and OpenTofu's own version and provider-address refusals, Go's pre-1.9 dial errors and its
//! crashes), the bpg provider's SSH side, task waits and file writes, Proxmox VE's storage, schema, destroy and
//! power-state refusals, Packer's communicator timeout, capmox's template lookup, Python's refused connections, and
//! resources that already exist in other providers' words. Each text is copied from the public report named beside
//! it; where no report outside the held-out set quoted a message, the source file that prints it is named instead
//! and the text is that format string filled in. None of these texts is in `eval/held-out/failures.toml`.
//! `family_tests.rs` checks each against the signature named beside it.

use super::family_wordings::{
    ACCESS, BACKEND, CONFIGURATION, CONFLICTS, LOCKS, NETWORK, PROVIDER, TEMPLATES, Wording,
    wording,
};
use crate::contracts::Category;

pub(super) fn wordings() -> Vec<Wording> {
    use Category::*;
    vec![
        // The Terraform or OpenTofu release the configuration's required_version does not admit.
        wording(
            PROVIDER,
            "https://github.com/airbnb/binaryalert/issues/77 (Terraform 0.11.0)",
            "The currently running version of Terraform doesn't meet the\nversion requirements explicitly specified by the configuration.\nPlease use the required version or update the configuration.\nNote that version requirements are usually set for a reason, so\nwe recommend verifying with whoever set the version requirements\nprior to making any manual changes.\n\n  Module: root\n  Required version: ~> 0.10.4\n  Current version: 0.11.0",
            "terraform-core-version-unsupported",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/avantoss/vault-infra/issues/16 (Terraform 0.12.12, init)",
            "Error: Unsupported Terraform Core version\n\nThis configuration does not support Terraform version 0.12.12. To proceed,\neither choose another supported Terraform version or update the root module's\nversion constraint. Version constraints are normally set for good reason, so\nupdating the constraint may lead to other errors or unexpected behavior.",
            "terraform-core-version-unsupported",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/aws-samples/aws2tf/issues/44 (Terraform 1.4.0)",
            "╷\n│ Error: Unsupported Terraform Core version\n│\n│   on aws.tf line 2, in terraform:\n│    2:   required_version = \"~> 1.3.0\"\n│\n│ This configuration does not support Terraform version 1.4.0. To proceed, either choose another supported Terraform version or update this version\n│ constraint. Version constraints are normally set for good reason, so updating the constraint may lead to other errors or unexpected behavior.\n╵",
            "terraform-core-version-unsupported",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/tofuutils/pre-commit-opentofu/issues/15 (OpenTofu 1.9.0)",
            "│ Error: Unsupported OpenTofu Core version\n│ \n│   on 00_meta_provider.tf line 16, in terraform:\n│   16:   required_version = \"1.11.1\"\n│ \n│ This configuration does not support OpenTofu version 1.9.0. To proceed,\n│ either choose another supported OpenTofu version or update this version\n│ constraint.",
            "terraform-core-version-unsupported",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/opentofu/opentofu/blob/main/internal/configs/diagnostics.go (OpenTofu 1.12's \"Incompatible module\", filled in)",
            "Error: Incompatible module\n\nThis module is not compatible with OpenTofu v1.12.0.\n\nTo proceed, either choose another supported OpenTofu version or update this version constraint.",
            "terraform-core-version-unsupported",
            ProviderIncompatibility,
        ),
        // A provider named without its namespace (a pre-0.13 address in the configuration or the state).
        wording(
            PROVIDER,
            "https://github.com/fastly/terraform-provider-fastly/issues/344 (Terraform 0.14.0)",
            "Error: Invalid legacy provider address\n\nThis configuration or its associated state refers to the unqualified provider\n\"fastly\".\n\nYou must complete the Terraform 0.13 upgrade process before upgrading to later\nversions.",
            "terraform-legacy-provider-address",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/gruntwork-io/terragrunt/issues/1646 (Terraform 0.15)",
            "╷\n│ Error: Invalid legacy provider address\n│ \n│ This configuration or its associated state refers to the unqualified\n│ provider \"aws\".\n│ \n│ You must complete the Terraform 0.13 upgrade process before upgrading to\n│ later versions.\n╵",
            "terraform-legacy-provider-address",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/rootlyhq/terraform-provider-rootly/issues/53 (Terraform 1.5.7)",
            "│ Error: Invalid legacy provider address\n│\n│ This configuration or its associated state refers to the unqualified provider \"rootly\".\n│\n│ You must complete the Terraform 0.13 upgrade process before upgrading to later versions.",
            "terraform-legacy-provider-address",
            ProviderIncompatibility,
        ),
        // Proxmox VE refusing a start or stop the guest did not need, after the provider's own create.
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/pull/1227 (3.0.1-rc6, LXC created with start)",
            "Error: 500 CT 100 already running",
            "proxmox-guest-power-state-conflict",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/460 (3.0.1-rc3, PVE 8.2.2)",
            "│ Error: VM 11 already running\n│ \n│   with proxmox_vm_qemu.cloud_vm_from_packer_template,",
            "proxmox-guest-power-state-conflict",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/857 (destroy of a stopped container)",
            "│ Error: 500 CT 132 not running",
            "proxmox-guest-power-state-conflict",
            ProviderIncompatibility,
        ),
        // The bpg provider's wait for a task, and for a container's lock.
        wording(
            LOCKS,
            "https://github.com/bpg/terraform-provider-proxmox/issues/646 (large disks on slow HDDs)",
            "│ Error: error waiting for VM creation: timeout while waiting for task \"UPID:<NODE>:<REDACTED>:qmcreate:<VMID>:<REDACTED>\" to complete",
            "provider-task-wait-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/v0.20.0/proxmox/virtual_environment_nodes.go (the older wording with the node, filled in)",
            "Error: error waiting for VM creation: timeout while waiting for task \"UPID:pve:0009E9B0:103F1191:660069E7:qmcreate:101:root@pam:\" on node \"pve\" to complete",
            "provider-task-wait-timeout",
            TransientLock,
        ),
        wording(
            LOCKS,
            "https://github.com/muhlba91/pulumi-proxmoxve/issues/29 (the bpg provider under Pulumi)",
            "error: 1 error occurred:\n    * creating urn:pulumi:python-proxmox::k8s-python::proxmoxve:CT/container:Container::xxx: 1 error occurred:\n    * timeout while waiting for container \"200\" to become unlocked",
            "provider-config-lock-wait-timeout",
            TransientLock,
        ),
        // The S3 backend's lock table, missing, in its workspace-creation wrapper.
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/blob/main/internal/backend/remote-state/s3/backend_state.go (`failed to lock s3 state: %s`, filled in with the DynamoDB error of hashicorp/terraform#24785)",
            "failed to lock s3 state: 2 errors occurred:\n\t* ResourceNotFoundException: Requested resource not found\n\tstatus code: 400, request id: SOME1IG2LONG3REQUEST4ID5I6THINK",
            "s3-backend-lock-table-missing",
            StateBackend,
        ),
        // Go's dial errors before 1.9 (`getsockopt:`), and a connect that timed out.
        wording(
            NETWORK,
            "https://github.com/hashicorp/terraform-provider-helm/issues/19 (Terraform 0.10.3)",
            "* provider.helm: error installing: Post http://localhost/apis/extensions/v1beta1/namespaces/kube-system/deployments: dial tcp [::1]:80: getsockopt: connection refused",
            "endpoint-connection-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/hashicorp/terraform-provider-postgresql/issues/28 (Terraform 0.11.3)",
            "* provider.postgresql.pg1: Error initializing PostgreSQL client: error detecting capabilities:error PostgreSQL version: dial tcp 127.0.0.1:5432: getsockopt: connection refused",
            "endpoint-connection-failed",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/hashicorp/terraform-provider-azurerm/issues/28082 (azurerm 4.9)",
            "│ Private Endpoint Name: \"privatelink name\"): Get \"https://management.azure.com/subscriptions/<subid>/resourceGroups/<rg name>/providers/Microsoft.Network/privateEndpoints/<privatelink name>?api-version=2024-03-01\": dial tcp 4.150.240.10:443: connect: connection timed out",
            "endpoint-connection-failed",
            Network,
        ),
        // Proxmox VE's own TLS connection (596): the node a request was forwarded to, not the runner.
        wording(
            NETWORK,
            "https://github.com/chriswayg/packer-proxmox-templates/issues/10 (Packer; the node name given was not the node's; params cut)",
            "==> proxmox: Error creating VM: 596 tls_process_server_certificate: certificate verify failed, error status:  (params: map[agent:1 boot:cdn cores:2 cpu:kvm64",
            "proxmox-node-tls-failed",
            Network,
        ),
        // The bpg (and danitso) provider's login that got no answer.
        wording(
            NETWORK,
            "https://github.com/bpg/terraform-provider-proxmox/blob/v0.20.0/proxmox/virtual_environment_authentication.go (before v0.21 the cause was not appended)",
            "Error: failed to retrieve authentication response",
            "provider-login-unanswered",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/danitso/terraform-provider-proxmox/blob/master/proxmox/virtual_environment_authentication.go",
            "Error: Failed to retrieve authentication response",
            "provider-login-unanswered",
            Network,
        ),
        // The bpg provider's SSH to the node, and proxmoxer's login.
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/issues/619 (API token with ssh agent, no key loaded)",
            "Error: failed to dial IP_ADDRESS_TO_PROXMOX:22: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none password], no supported methods remain",
            "proxmox-ssh-login-refused",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmox/ssh/client.go (v0.109's `failed SSH handshake to %s: %w`, filled in)",
            "Error: creating custom disk: failed SSH handshake to 192.168.1.10:22: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain",
            "proxmox-ssh-login-refused",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/issues/1638 (bpg 0.66.3, node reinstalled)",
            "│ Error: creating custom disk: unable to authenticate user \"root\" over SSH to \"REDACTED:22\". Please verify that ssh-agent is correctly loaded with an authorized key via 'ssh-add -L' (NOTE: configurations in ~/.ssh/config are not considered by the provider): failed to dial REDACTED:22: ssh: handshake failed: REMOTE HOST IDENTIFICATION HAS CHANGED for host REDACTED:22! This may indicate a MitM attack",
            "proxmox-ssh-host-key-changed",
            Configuration,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/fwprovider/provider.go and proxmox/ssh/client.go (`failed to find node endpoint: %w` around `failed to determine the IP address of node \"%s\"`, filled in)",
            "Error: failed to open SSH client: failed to find node endpoint: failed to determine the IP address of node \"pve2\"",
            "proxmox-ssh-node-address-unknown",
            Configuration,
        ),
        wording(
            ACCESS,
            "https://github.com/takala-jp/zabbix-proxmox/issues/7 (proxmoxer)",
            "Promox API call failed: Couldn't authenticate user: root@pam to https://localhost:8006/api2/json/access/ticket",
            "proxmox-authentication-failed",
            Permission,
        ),
        // Storages: a thin pool configured but absent, a disk format the storage cannot hold; clone sources by name.
        wording(
            TEMPLATES,
            "https://github.com/pimox/pimox7/issues/93 (as the web interface shows it)",
            "no such logical volume pve/data (500)",
            "proxmox-logical-volume-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/bpg/terraform-provider-proxmox/issues/2078 (comment; local-lvm still configured on a BTRFS node)",
            "root@dell:~# pvesm status\nno such logical volume pve/data",
            "proxmox-logical-volume-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Orange-Cyberdefense/GOAD/issues/207 (Packer, LVM-thin; params cut where the report's excerpt ends)",
            "==> proxmox-iso.windows: Error creating VM: error creating VM: unable to create VM 102 - unsupported format 'qcow2' at /usr/share/perl5/PVE/Storage/LvmThinPlugin.pm line 87., error status:  (params: map[agent:1 args: boot: cores:2 cpu:kvm64",
            "proxmox-disk-format-unsupported",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Orange-Cyberdefense/GOAD/issues/109 (Packer, ZFS pool)",
            "==> proxmox-iso.windows: Error creating VM: error creating VM: unable to create VM 153 - unsupported format 'qcow2' at /usr/share/perl5/PVE/Storage/ZFSPoolPlugin.pm line 238., error status:  (params: map[agent:1 args: boot: cores:2 ...",
            "proxmox-disk-format-unsupported",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/telcat/vagrant-proxmox/issues/37 (PVE 4.3, ZFS)",
            "create failed - unsupported format 'qcow2'",
            "proxmox-disk-format-unsupported",
            Configuration,
        ),
        wording(
            TEMPLATES,
            "https://github.com/khanh-ph/proxmox-kubernetes/issues/99 (telmate, PVE 8.1.3)",
            "│ Error: vm 'ubuntu-2404' not found\n│ \n│   with module.k8s_worker_nodes.proxmox_vm_qemu.ubuntu_vm[2],",
            "proxmox-template-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/proxmox/pve-manager/blob/master/PVE/API2/Nodes.pm (the appliance download's `raise_param_exc({ template => \"no such template\" })`, as the API answers it)",
            "400 Parameter verification failed.\ntemplate: no such template",
            "proxmox-template-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/molecule-proxmox/molecule-proxmox/issues/39 (community.general 11.2.0)",
            "[ERROR]: Task failed: Module failed: VM with name = debian13-template does not exist in cluster",
            "proxmox-template-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://github.com/Telmate/terraform-provider-proxmox/blob/master/proxmox/helper_guest.go (telmate 3.0.2-rc05's clone lookup, filled in)",
            "Error: no guest with name 'ubuntu-24.04-template' found",
            "proxmox-template-missing",
            MissingTemplate,
        ),
        // Resources that already exist outside the state, in other providers' words.
        wording(
            CONFLICTS,
            "https://github.com/Azure/mlops-v2/issues/27 (azurerm, Terraform 0.14.7)",
            "Error: A resource with the ID \"/subscriptions/7b60df94-2d4a-463d-9468-5ed1cce920b2/resourceGroups/rg-mlopsv2hez-0919prod\" already exists - to be managed via Terraform this resource needs to be imported into the State. Please see the resource documentation for \"azurerm_resource_group\" for more information.",
            "resource-exists-import-needed",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/Azure/Azure-Landing-Zones/issues/4177 (azapi, Terraform 1.12.2)",
            "│ Error: Resource already exists\n│\n│   with module.azure.azapi_resource.intermediate_root_management_group[0],\n│\n│ a resource with the ID \"/providers/Microsoft.Management/managementGroups/xxx-mg\" already exists - to be managed via Terraform\n│ this resource needs to be imported into the State. Please see the resource documentation for \"azapi_resource\" for more information",
            "resource-exists-import-needed",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/terraform-aws-modules/terraform-aws-ecs/issues/363 (AWS provider 5)",
            "│ Error: creating IAM Role (examplexx-dev-worker_impacts_closest_match): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: c05cd22d-19d5-412f-bcf9-832f298b2f14, EntityAlreadyExists: Role with name examplexx-dev-worker_impacts_closest_match already exists.",
            "cloud-resource-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/terraform-community-modules/tf_aws_nat/pull/13 (Terraform 0.10)",
            "    * aws_iam_role.role: Error creating IAM Role nat_ha_role: EntityAlreadyExists: Role with name nat_ha_role already exists.\n            status code: 409, request id: 43a59824-7dc3-11e7-95b1-c9abba16805b",
            "cloud-resource-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/cloudposse/terraform-aws-tfstate-backend/issues/54 (comment; AWS SDK v2 prints nothing after the code)",
            " Error: creating S3 Bucket (swethabuckets7128834): operation error S3: CreateBucket, https response error StatusCode: 409, RequestID: 08J2B14W7G3ZB0D0, HostID: CegKwKnfuzghXHKd7N0RI7VlOVzYUVNErrFDzhtg/+hzWMs8KUF3Jeq1m9PEydPJMx6nuSzQZsFYEjICOjWsJw==, BucketAlreadyOwnedByYou: ",
            "cloud-resource-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/ine-labs/AWSGoat/issues/50",
            "│ Error: Error creating S3 bucket: BucketAlreadyExists: The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.\n│       status code: 409, request id: <snip>, host id: <snip>",
            "cloud-resource-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/GoogleCloudPlatform/scientific-computing-examples/issues/53",
            "│ Error: Error creating ResourcePolicy: googleapi: Error 409: The resource 'projects/llnl-flux/regions/us-central1/resourcePolicies/gffw-compute-a-collocated-policy' already exists, alreadyExists",
            "cloud-resource-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/hashicorp/terraform/issues/29710 (Terraform 0.15, google provider)",
            "│ Error: error creating project xxxx (xxxx): googleapi: Error 409: Requested entity already exists, alreadyExists. If you received a 403 error, make sure you have the `roles/resourcemanager.projectCreator` permission",
            "cloud-resource-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/fwprovider/nodes/resource_download_file.go (v0.47 and later, filled in)",
            "Error: File already exists in the datastore, it was created outside of Terraform or is managed by another resource.\n\nFile already exists in the datastore: 'talos-v1.9.0-nocloud-amd64.img', error: received an HTTP 500 response - Reason: refusing to override existing file 'talos-v1.9.0-nocloud-amd64.img'",
            "proxmox-datastore-file-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/proxmoxtf/resource/file.go (`file %q already exists` without overwrite, filled in)",
            "Error: file \"local:snippets/cloud-init-user.yaml\" already exists",
            "proxmox-datastore-file-exists",
            ResourceConflict,
        ),
        // A disk volume in a storage plugin's words, and anything else that "already exists", as the category
        // defines it.
        wording(
            CONFLICTS,
            "https://github.com/boomshankerx/proxmox-truenas/issues/117 (a TrueNAS storage plugin for Proxmox VE)",
            "Failed to create dataset: cannot create 'DELL_RZ3/vm-5566-disk-0': dataset already exists",
            "proxmox-volume-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/bpg/terraform-provider-proxmox/blob/main/fwprovider/cluster/acme/resource_acme_account.go (`ACME account '%s' already exists`, filled in)",
            "Error: ACME account 'default' already exists",
            "resource-already-exists",
            ResourceConflict,
        ),
        wording(
            CONFLICTS,
            "https://github.com/sergelogvinov/proxmox-csi-plugin/issues/598",
            "500 Dataset rpool/data/vm-9999-pvc-8b8b0d4a already exists and name pattern cannot be auto-incremented",
            "resource-already-exists",
            ResourceConflict,
        ),
        // The fifth widening: Packer's communicator timeout, the guest agent in Proxmox VE's and capmox's words, a
        // destroy Proxmox VE refuses, task warnings counted as failures, the bpg provider's SSH file writes, Ceph
        // RBD's existing volume, and capmox's template by tags.
        wording(
            NETWORK,
            "https://github.com/hashicorp/packer/issues/10808 (proxmox-clone, Windows)",
            "==> proxmox-clone: Waiting for WinRM to become available...\n==> proxmox-clone: Timeout waiting for WinRM.\n==> proxmox-clone: Stopping VM\n==> proxmox-clone: Deleting VM\nBuild 'proxmox-clone' errored after 33 minutes 30 seconds: Timeout waiting for WinRM.",
            "packer-communicator-timeout",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/elasticdog/packer-arch/issues/63 (virtualbox-iso; the same communicator step)",
            "==> virtualbox-iso: Waiting for SSH to become available...\n==> virtualbox-iso: Timeout waiting for SSH.\n==> virtualbox-iso: Deregistering and deleting VM...\n==> virtualbox-iso: Deleting output directory...\nBuild 'virtualbox-iso' errored: Timeout waiting for SSH.",
            "packer-communicator-timeout",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/hashicorp/packer/issues/4988 (PACKER_LOG form)",
            "2017/06/07 18:54:35 packer: 2017/06/07 18:54:35 [DEBUG] SSH handshake err: ssh: handshake failed: read tcp 127.0.0.1:54032->127.0.0.1:2223: read: connection reset by peer\n2017/06/07 18:54:40 ui error: ==> qemu: Timeout waiting for SSH.",
            "packer-communicator-timeout",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/MorsStefan/proxmox-ip2tag/issues/2 (Proxmox VE's syslog before qemu-server 9.0.26 said qmp)",
            "Jun 10 16:00:46 home-pve-1 qm[367874]: VM 115 qmp command failed - VM 115 qmp command 'guest-ping' failed - got timeout",
            "qemu-guest-agent-not-answering",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/ionos-cloud/cluster-api-provider-proxmox/blob/main/internal/service/vmservice/vm.go (capmox wraps go-proxmox's ErrTimeout twice, filled in)",
            "\"Reconciler error\" err=\"failed to reconcile VM: error waiting for agent: error waiting for agent: the operation has timed out\" controller=\"proxmoxmachine\"",
            "qemu-guest-agent-not-answering",
            Network,
        ),
        wording(
            PROVIDER,
            "https://github.com/projectbeskar/virtrigaud/pull/262 (a provider that deleted without stopping first)",
            "Proxmox rejects that with `500 \"VM <id> is running - destroy failed\"`.",
            "proxmox-destroy-refused",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/ansible-collections/community.proxmox/issues/60 (proxmox_kvm on an HA guest)",
            "deletion of VM 100 failed with exception: 500 Internal Server Error: unable to remove VM 100 - used in HA resources and purge parameter not set. ",
            "proxmox-destroy-refused",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/ansible-collections/community.general/issues/1488 (a container in HA)",
            "unable to remove CT 108 - used in HA resources and purge parameter not set.",
            "proxmox-destroy-refused",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/2700 (a container created with a systemd warning)",
            "│ Error: All attempts fail:\n│ #1: task \"UPID:pve:00188D93:0186372E:69B66E35:vzcreate:100:terraform@pve!provider:\" failed to complete with exit code: WARNINGS: 1\n│\n│   with proxmox_virtual_environment_container.example,",
            "provider-task-warnings-as-failure",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/316 (provider 0.18.1, a UEFI VM without an EFI disk)",
            "Error: task \"UPID:myhost:00000000:00000000:00000000:qmstart:1000:me@domain:\" on node \"myhost\" failed to complete with error: WARNINGS: 1",
            "provider-task-warnings-as-failure",
            ProviderIncompatibility,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/pull/3001 (a non-root SSH user, a file mode set)",
            "failed to open remote file /var/lib/vz/snippets/stream-upload-2620503886.yaml: permission denied",
            "proxmox-ssh-file-write-refused",
            Permission,
        ),
        wording(
            ACCESS,
            "https://github.com/bpg/terraform-provider-proxmox/issues/1475 (snippets on CephFS with a sudoers rule for /var/lib/vz only)",
            "  │ Error: error transferring file: sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n  │ sudo: a password is required",
            "proxmox-ssh-file-write-refused",
            Permission,
        ),
        wording(
            CONFLICTS,
            "https://github.com/Telmate/proxmox-api-go/pull/33 (Packer on Ceph RBD; params cut)",
            "Build 'proxmox' errored: Error creating VM: 500 error with cfs lock 'storage-cephrbd': rbd create vm-1003-disk-0.<nil>' error: rbd: create error: (17) File exists, error status:  (params: map[agent:1 cores:2 cpu:host",
            "proxmox-volume-already-exists",
            ResourceConflict,
        ),
        // A parameter Proxmox VE's schema does not define for the call the provider made.
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/995 (telmate 3.x sends `pool` in the VM update)",
            "│ Error: error updating VM: 400 Parameter verification failed., error status: {\"data\":null,\"errors\":{\"pool\":\"property is not defined in schema and the schema does not allow additional properties\"}} (params: map[agent:1 bios:seabios boot:order=scsi0 cores:2 cpu:host",
            "proxmox-parameter-not-in-schema",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/424 (`hagroup` sent in a container create)",
            "Error: Error creating LXC container: 400 Parameter verification failed., error status: {\"data\":null,\"errors\":{\"hagroup\":\"property is not defined in schema and the schema does not allow additional properties\"}} (params: {\"arch\":\"amd64\",\"cmode\":\"tty\"",
            "proxmox-parameter-not-in-schema",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/995's answer as a provider's TF_LOG line quotes a diagnostic (`diagnostic_summary=\"...\"`, escaped quotes)",
            "2024-04-25T10:00:00.000Z [ERROR] provider.terraform-provider-proxmox_v3.0.1-rc1: Response contains error diagnostic: diagnostic_severity=ERROR diagnostic_summary=\"error updating VM: 400 Parameter verification failed., error status: {\\\"data\\\":null,\\\"errors\\\":{\\\"pool\\\":\\\"property is not defined in schema and the schema does not allow additional properties\\\"}}\"",
            "proxmox-parameter-not-in-schema",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/Telmate/proxmox-api-go/issues/13 (an SDK's stray `_root` parameter)",
            "response: &{400 Parameter verification failed. 400 HTTP/1.1 1 1 map[Content-Length:[120] Content-Type:[application/json;charset=UTF-8]] {{\"errors\":{\"_root\":\"property is not defined in schema and the schema does not allow additional properties\"},\"data\":null}} 120 [] true false map[] 0xc000228e00 0xc00028e8f0}",
            "proxmox-parameter-not-in-schema",
            ProviderIncompatibility,
        ),
        wording(
            TEMPLATES,
            "https://github.com/ionos-cloud/cluster-api-provider-proxmox/blob/main/pkg/proxmox/goproxmox/api_client.go (`%w: found %d VM templates with tags %q`, filled in)",
            "\"Reconciler error\" err=\"failed to reconcile VM: VM template not found: found 0 VM templates with tags \\\"talos_version_v1.10.3\\\"\"",
            "capmox-template-not-found",
            MissingTemplate,
        ),
        // Proxmox VE's refusals in its own source (qemu-server, pve-container, pve-storage), each format string filled
        // in and relayed as the bpg provider relays an API error.
        wording(
            ACCESS,
            "https://git.proxmox.com/?p=qemu-server.git;a=blob;f=src/PVE/API2/Qemu.pm (`only root can modify '$opt' config for real devices`, filled in)",
            "error updating VM: received an HTTP 500 response - Reason: only root can modify 'hostpci0' config for real devices",
            "proxmox-root-only-setting",
            Permission,
        ),
        wording(
            TEMPLATES,
            "https://git.proxmox.com/?p=pve-container.git;a=blob;f=src/PVE/API2/LXC.pm (`storage '$storage' does not support CT rootdirs`, filled in)",
            "error creating container: received an HTTP 500 response - Reason: storage 'local' does not support CT rootdirs",
            "proxmox-storage-wrong-content",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://git.proxmox.com/?p=pve-storage.git;a=blob;f=src/PVE/Storage.pm (`storage '$storeid' is disabled`, filled in)",
            "error creating VM: received an HTTP 500 response - Reason: storage 'nfs-images' is disabled",
            "proxmox-storage-missing",
            MissingTemplate,
        ),
        wording(
            TEMPLATES,
            "https://git.proxmox.com/?p=qemu-server.git;a=blob;f=src/PVE/API2/Qemu.pm (`parameter 'storage' not allowed for linked clones`)",
            "error cloning VM: received an HTTP 400 response - Reason: parameter 'storage' not allowed for linked clones",
            "proxmox-linked-clone-option-refused",
            Configuration,
        ),
        wording(
            LOCKS,
            "https://git.proxmox.com/?p=qemu-server.git;a=blob;f=src/PVE/API2/Qemu.pm (`Failed to obtain guest migration lock - replication running?`)",
            "error migrating VM: received an HTTP 500 response - Reason: Failed to obtain guest migration lock - replication running?",
            "proxmox-lock-timeout",
            TransientLock,
        ),
        wording(
            CONFLICTS,
            "https://git.proxmox.com/?p=pve-storage.git;a=blob;f=src/PVE/Storage.pm (`base volume '$volname' is still in use by linked clones`, filled in)",
            "error deleting VM: received an HTTP 500 response - Reason: base volume 'base-9000-disk-0' is still in use by linked clones",
            "proxmox-base-volume-in-use",
            ResourceConflict,
        ),
        // The Go client other Proxmox VE tools are built on, refusing a request the API answered with 401 or 403.
        wording(
            ACCESS,
            "https://github.com/luthermonson/go-proxmox/blob/main/proxmox.go (`ErrNotAuthorized`, wrapped as a caller wraps it, filled in)",
            "Error: failed to list nodes: not authorized to access endpoint",
            "go-proxmox-not-authorized",
            Permission,
        ),
        // The plugin SDK's own checks of arguments that go together, as Terraform 0.11 printed them.
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform/blob/v0.11.14/helper/schema/schema.go (`%q: conflicts with %s`, filled in)",
            "Error: proxmox_vm_qemu.guest: \"clone\": conflicts with pxe",
            "provider-argument-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform-plugin-sdk/blob/main/helper/schema/schema.go (`%q: only one of `%s` can be specified, but `%s` were specified.`, filled in)",
            "Error: \"clone\": only one of `clone,iso,pxe` can be specified, but `clone,iso` were specified.",
            "provider-argument-value-refused",
            Configuration,
        ),
        // Terraform 0.9 to 0.11's words, before HCL 2.
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform/blob/v0.11.14/config/module/tree.go (`module %s: not found, may need to run 'terraform init'`, filled in)",
            "Error: module 'lxc': not found, may need to run 'terraform init'",
            "terraform-configuration-invalid-before-0.12",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform/blob/v0.9.11/config/module/tree.go (`module %s: not found, may need to be downloaded using 'terraform get'`, filled in)",
            "Error loading Terraform: module lxc: not found, may need to be downloaded using 'terraform get'",
            "terraform-configuration-invalid-before-0.12",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform/blob/v0.11.14/config/loader.go (`Error parsing %s: %s`, with HCL 1's position, filled in)",
            "Error: Error loading /home/runner/homelab/main.tf: Error parsing /home/runner/homelab/main.tf: At 12:3: Unknown token: 12:3 IDENT proxmox_vm_qemu.guest",
            "terraform-configuration-invalid-before-0.12",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform/blob/v0.11.14/config/config.go (`%s: unknown variable referenced: '%s'; define it with a 'variable' block`, filled in)",
            "Error: resource 'proxmox_vm_qemu.guest' config: unknown variable referenced: 'template'; define it with a 'variable' block",
            "terraform-configuration-invalid-before-0.12",
            Configuration,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/v0.11.14/command/plugins.go (`provider.%s: new or changed plugin executable`, quoted without the init prompt above it, filled in)",
            "Error: 1 error(s) occurred:\n\n* provider.proxmox: new or changed plugin executable",
            "provider-plugins-not-installed",
            ProviderIncompatibility,
        ),
        // OpenTofu's own words where they differ from Terraform's.
        wording(
            BACKEND,
            "https://github.com/opentofu/opentofu/blob/main/internal/encryption/keyprovider.go (its summary, with the detail filled in)",
            "Error: Unable to decode encrypted metadata (did you change your encryption config?)\n\nmetadata decoder for key_provider.pbkdf2.homelab failed with error: unexpected end of JSON input",
            "opentofu-state-encryption-failed",
            StateBackend,
        ),
        wording(
            BACKEND,
            "https://github.com/opentofu/opentofu/blob/main/internal/encryption/base.go (`decryption failed for all provided methods`, under the state's read error, filled in)",
            "Error: Failed to load state: decryption failed for all provided methods: attempted decryption failed for state: cipher: message authentication failed",
            "opentofu-state-encryption-failed",
            StateBackend,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/opentofu/opentofu/blob/main/internal/configs/module_call.go (`Missing required variable in module call`, which has no detail)",
            "Error: Missing required variable in module call\n\n  on main.tf line 1, in module \"lxc\":\n   1: module \"lxc\" {",
            "terraform-configuration-invalid",
            Configuration,
        ),
        // terraform init refusing a provider release this Terraform cannot run or install here.
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/command/init.go (`providerProtocolTooOld`, filled in)",
            "Error: Incompatible provider version\n\nProvider \"registry.terraform.io/telmate/proxmox\" v1.0.0 is not compatible with Terraform 1.0.3.\nProvider version 2.0.0 is the latest compatible version. Select it with the following version constraint:\n\tversion = \"2.0.0\"",
            "provider-release-incompatible-or-withdrawn",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/getproviders/errors.go (`ErrPlatformNotSupported`, under init's \"Failed to install provider\", filled in)",
            "Error: Failed to install provider\n\nError while installing bpg/proxmox v0.70.0: provider bpg/proxmox 0.70.0 is not\navailable for linux_arm",
            "provider-no-package-for-platform",
            ProviderIncompatibility,
        ),
        // Terraform's words for a provider's broken contract, a provider the state needs but the directory lacks, a
        // provider schema it could not load, a lock file it cannot read, a move the configuration contradicts and an
        // S3 backend without a region: the source file that prints each, its format string filled in.
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/terraform/node_resource_abstract_instance.go (`Provider produced invalid object`, filled in)",
            "Error: Provider produced invalid object\n\nProvider \"registry.terraform.io/bpg/proxmox\" planned an invalid value for\nproxmox_virtual_environment_vm.guest during refresh: The returned state\ncontains unknown values.\n\nThis is a bug in the provider, which should be reported in the provider's own\nissue tracker.",
            "provider-inconsistent-result",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/terraform/node_resource_abstract_instance.go (the detail of an inconsistent result after apply, quoted without its summary, filled in)",
            "When applying changes to proxmox_virtual_environment_vm.guest, provider\n\"provider[\\\"registry.terraform.io/bpg/proxmox\\\"]\" produced an unexpected new\nvalue: .started: was true, but now false.",
            "provider-inconsistent-result",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/terraform/context.go (`Missing required provider`, filled in)",
            "Error: Missing required provider\n\nThis state requires provider registry.terraform.io/telmate/proxmox, but that\nprovider isn't available. You may be able to install it automatically by\nrunning:\n  terraform init",
            "provider-plugins-not-installed",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/schemarepo/loadschemas/load.go (`Failed to obtain provider schema`, filled in)",
            "Error: Failed to obtain provider schema\n\nCould not load the schema for provider registry.terraform.io/bpg/proxmox:\nfailed to instantiate provider \"registry.terraform.io/bpg/proxmox\" to obtain\nschema: fork/exec: exec format error.",
            "provider-schema-unavailable",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/depsfile/locks_file.go (`Invalid provider hash string`, filled in)",
            "Error: Invalid provider hash string\n\n  on .terraform.lock.hcl line 7, in provider \"registry.terraform.io/bpg/proxmox\":\n   7:     \"h1:abc\",\n\nCannot interpret \"h1:abc\" as a provider hash: illegal base64 data at input byte 0.",
            "provider-dependency-lock-file-inconsistent",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/hashicorp/terraform/blob/main/internal/refactoring/move_validate.go (`Moved object still exists`, filled in)",
            "Error: Moved object still exists\n\n  on main.tf line 12:\n  12: moved {\n\nThis statement declares a move from proxmox_vm_qemu.guest, but that resource is\nstill declared at main.tf:1,1.\n\nChange your configuration so that this resource will be declared as\nproxmox_virtual_environment_vm.guest instead.",
            "terraform-refactoring-or-lifecycle-refused",
            Configuration,
        ),
        wording(
            BACKEND,
            "https://github.com/hashicorp/terraform/blob/main/internal/backend/remote-state/s3/backend.go (`Missing region value`, filled in)",
            "Error: Missing region value\n\n  on backend.tf line 3, in terraform:\n   3:   backend \"s3\" {\n\nThe \"region\" attribute or the \"AWS_REGION\" or \"AWS_DEFAULT_REGION\" environment\nvariables must be set.",
            "terraform-backend-failed",
            StateBackend,
        ),
        // The categories' tells: a Go crash outside Terraform's plugin frame, and Python's words for a refused
        // connection to the Proxmox VE API.
        wording(
            PROVIDER,
            "https://github.com/Telmate/terraform-provider-proxmox/issues/136 (the provider's debug log, Proxmox VE 6.1)",
            "2019-12-25T00:24:20.942-0500 [DEBUG] plugin.terraform-provider-proxmox: panic: runtime error: invalid memory address or nil pointer dereference\n2019-12-25T00:24:20.942-0500 [DEBUG] plugin.terraform-provider-proxmox: [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0xe5e589]",
            "go-runtime-panic",
            ProviderIncompatibility,
        ),
        wording(
            NETWORK,
            "https://github.com/prometheus-pve/prometheus-pve-exporter/issues/276 (PVE 8.2; container log prefix kept)",
            "pve-exporter  | urllib3.exceptions.NewConnectionError: <urllib3.connection.HTTPSConnection object at 0x7aca965efe90>: Failed to establish a new connection: [Errno 111] Connection refused",
            "connection-failure-words",
            Network,
        ),
        wording(
            NETWORK,
            "https://github.com/prometheus-pve/prometheus-pve-exporter/issues/73",
            "<p>HTTPSConnectionPool(host='localhost', port=8006): Max retries exceeded with url: /api2/json/access/ticket (Caused by NewConnectionError('&lt;urllib3.connection.VerifiedHTTPSConnection object at 0x74f8f7b9c550&gt;: Failed to establish a new connection: [Errno 111] Connection refused',))</p>",
            "connection-failure-words",
            Network,
        ),
    ]
}
