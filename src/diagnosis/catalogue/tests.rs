//! The catalogue's first tests: the eight scenarios' failures and the S3 backend's texts against moto, each with
//! its source, and the structural rules over failed checks.

use super::*;
use crate::contracts::{CheckName, CheckStatus};
use crate::redact::Redactor;

use super::super::context::DiagnosisContext;
use super::super::test_fixtures::request_with_error;

/// The catalogue's answer for a failed apply whose error is `text` (as Terraform would show it), if any.
fn answer(text: &str) -> Option<CatalogueMatch> {
    let request = request_with_error("Error", text);
    let context = DiagnosisContext::assemble(&request, &Redactor::new(), 6_000);
    recognise(&request, &context)
}

/// The signature that recognises `text`, if any.
fn recognised(text: &str) -> Option<&'static str> {
    answer(text).map(|found| found.signature)
}

/// Asserts that `text` (as Terraform would show it) is recognised by `signature` with `category`/`remediation`.
fn check(text: &str, signature: &str, category: Category, remediation: Remediation) {
    let found = answer(text).unwrap_or_else(|| panic!("not recognised: {text}"));
    assert_eq!(found.signature, signature, "{text}");
    assert_eq!(found.hypothesis.category, category, "{text}");
    assert_eq!(found.hypothesis.remediation, remediation, "{text}");
    assert_eq!(found.hypothesis.evidence, vec!["E2".to_string()]);
    assert!(
        !found.hypothesis.root_cause.contains('$'),
        "{}",
        found.hypothesis.root_cause
    );
}

#[test]
fn proxmox_lock_timeouts() {
    // https://github.com/Telmate/terraform-provider-proxmox/issues/173
    check(
        "Error: 500 can't lock file '/var/lock/qemu-server/lock-104.conf' - got timeout",
        "proxmox-node-lock-timeout",
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
    );
    // https://github.com/bpg/terraform-provider-proxmox/issues/995
    check(
        "error waiting for VM start: task \"UPID:prox-srv2:003EB904:2E8895E0:65C0FA88:qmstart:129:root@pam:\" failed to complete with exit code: can't lock file '/var/lock/qemu-server/lock-129.conf' - got timeout",
        "proxmox-node-lock-timeout",
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
    );
    // The sandbox project fault-parallel-lock, through terraform's local-exec error.
    check(
        "Error running command 'sh ./create-container.sh 902 pmx-01 /tmp/lock 2': exit status 1. Output: error creating container: received an HTTP 500 response - Reason: can't lock file '/var/lock/lxc/lock-902.conf' - got timeout",
        "proxmox-node-lock-timeout",
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
    );
}

#[test]
fn telmate_on_proxmox_ve_9() {
    // https://github.com/Telmate/terraform-provider-proxmox/issues/1379 (and #1408); the sandbox fault-permission.
    check(
        "permissions for user/token terraform@pam!agentlab are not sufficient, please provide also the following permissions that are missing: [VM.Monitor]",
        "telmate-vm-monitor-on-pve9",
        Category::ProviderIncompatibility,
        Remediation::Escalate,
    );
}

#[test]
fn state_backend_failures() {
    // Printed by terraform 1.0.3 with an S3 backend at a closed port (the sandbox fault-backend-offline).
    check(
        "Error refreshing state: RequestError: send request failed\ncaused by: Get \"http://127.0.0.1:1/tfstate/lxc-fleet/terraform.tfstate\": dial tcp 127.0.0.1:1: connect: connection refused",
        "s3-backend-unreachable",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // Printed by terraform 1.0.3 on a machine without a route to AWS, with an S3 backend that does not skip the
    // credentials check.
    check(
        "Error: error configuring S3 Backend: error validating provider credentials: error calling sts:GetCallerIdentity: RequestError: send request failed\ncaused by: Post \"https://sts.amazonaws.com/\": dial tcp: lookup sts.amazonaws.com on 10.255.255.53:53: no such host",
        "s3-backend-setup-unreachable",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // A connection to the backend that failed in words only the network rules know (the AWS SDK's timeout) is still
    // the backend's failure: the network rules leave a text that names the state to the backend's last resort.
    check(
        "Error: Failed to save state\n\nError saving state: failed to upload state: RequestCanceled: request context canceled\ncaused by: context deadline exceeded",
        "terraform-backend-failed",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // Go's JSON decoder failing on the state object, not on a provider's answer, is the backend's failure.
    check(
        "Error: Error loading state: json: cannot unmarshal string into Go value of type map[string]interface {}",
        "terraform-backend-failed",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // https://github.com/Genaker/TerraformMagentoCloud/issues/22 and hashicorp/terraform#22410
    check(
        "Error acquiring the state lock\n\nError message: ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID:        f9763602-b03f-e35c-da30-4083cdbb99ae",
        "terraform-state-lock-held",
        Category::StateBackend,
        Remediation::Escalate,
    );
}

#[test]
fn s3_backend_failures_on_an_s3_compatible_store() {
    // terraform 1.0.3 against moto's S3 + DynamoDB server (tests/it/s3_state.rs), a lock held by an apply.
    let held_by = |detail: &str| {
        let request = request_with_error("Error acquiring the state lock", detail);
        let context = DiagnosisContext::assemble(&request, &Redactor::new(), 6_000);
        recognise(&request, &context).expect("recognised")
    };
    let found = held_by(
        "Error message: ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID:        11111111-2222-3333-4444-555555555555\n  Path:      tfstate/p1/terraform.tfstate\n  Operation: OperationTypeApply\n  Who:       runner@ci\n  Version:   1.0.3\n  Created:   2026-12-01 00:00:00 +0000 UTC\n  Info:      \n",
    );
    assert_eq!(found.signature, "terraform-state-lock-held-by");
    assert_eq!(found.hypothesis.category, Category::StateBackend);
    assert_eq!(found.hypothesis.remediation, Remediation::Escalate);
    assert!(
        found
            .hypothesis
            .root_cause
            .contains("`terraform force-unlock 11111111-2222-3333-4444-555555555555`")
            && found
                .hypothesis
                .root_cause
                .contains("OperationTypeApply by runner@ci"),
        "{}",
        found.hypothesis.root_cause
    );
    // terraform 1.11.4 with use_lockfile = true against the same server: HTTP 412 from the conditional PUT, as
    // Terraform prints it for people (wrapped).
    let found = held_by(
        "Error message: operation error S3: PutObject, https response error\nStatusCode: 412, RequestID:\nXC2cmdSpFx47cXLEdQPYF8wYBOIJSA4djTOttVgIZojJnY9JfvJh, HostID:\n9Gjjt1m+cjU4OPvX9O9/8RuvnG41MRb/18Oux2o5H5MY7ISNTlXN+Dz9IG62/ILVxhAGI0qyPfg=,\napi error PreconditionFailed: At least one of the pre-conditions you\nspecified did not hold\nLock Info:\n  ID:        50cbe463-05c9-ae1e-ead6-8f439fb3b905\n  Path:      tfstate/p11/terraform.tfstate\n  Operation: OperationTypeApply\n  Who:       root@vm\n  Version:   1.11.4\n",
    );
    assert_eq!(found.signature, "terraform-state-lock-held-by");
    assert!(
        found
            .hypothesis
            .root_cause
            .contains("terraform force-unlock 50cbe463-05c9-ae1e-ead6-8f439fb3b905"),
        "{}",
        found.hypothesis.root_cause
    );
    // terraform 1.0.3 with keys the store does not know (moto checking credentials, like MinIO).
    check(
        "Error refreshing state: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\n\tstatus code: 403, request id: P5LjljAYWuK9nUDt4JnuVg5JDP7EaWMW6r4OBwijwdwFvqJ0Wu91, host id: ",
        "s3-backend-credentials-rejected",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // terraform 1.0.3, two deploys racing for the DynamoDB lock (the racing-deploy test here; also
    // hashicorp/terraform#32690): the holder let go between the failed put and the read of its lock info.
    check(
        "Error acquiring the state lock\nError message: 2 errors occurred:\n\t* ConditionalCheckFailedException: The conditional request failed\n\t* unexpected end of JSON input\n\n\n\nTerraform acquires a state lock to protect the state from being written\nby multiple users at the same time.",
        "terraform-state-lock-released-while-read",
        Category::StateBackend,
        Remediation::RetryAfter { seconds: 10 },
    );
    // terraform 1.0.3, dynamodb_table naming a table that does not exist.
    check(
        "Error acquiring the state lock\nError message: 2 errors occurred:\n\t* ResourceNotFoundException: Requested resource not found\n\t* ResourceNotFoundException: Requested resource not found\n",
        "s3-backend-lock-table-missing",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // terraform 1.0.3, init with a bucket that does not exist.
    check(
        "Failed to get existing workspaces: S3 bucket does not exist.\n\nThe referenced S3 bucket must have been previously created. If the S3 bucket\nwas created within the last minute, please wait for a minute or two and try\nagain.\n\nError: NoSuchBucket: The specified bucket does not exist\n\tstatus code: 404",
        "s3-backend-bucket-missing",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // terraform 1.0.3: the store went away between plan and apply, so apply cannot take the lock.
    check(
        "Error acquiring the state lock\nError message: 2 errors occurred:\n\t* RequestError: send request failed\ncaused by: Post \"http://127.0.0.1:45112/\": dial tcp 127.0.0.1:45112: connect: connection refused\n",
        "s3-backend-unreachable",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // terraform 1.11.4 with skip_requesting_account_id = true, the store offline (the sandbox
    // fault-backend-offline's 1.6+ variant).
    check(
        "Failed to get existing workspaces: Unable to list objects in S3 bucket \"tfstate\" with prefix \"env:/\": operation error S3: ListObjectsV2, exceeded maximum number of attempts, 1, https response error StatusCode: 0, RequestID: , HostID: , request send failed, Get \"http://127.0.0.1:1/tfstate?list-type=2&max-keys=1000&prefix=env%3A%2F\": dial tcp 127.0.0.1:1: connect: connection refused",
        "s3-backend-unreachable",
        Category::StateBackend,
        Remediation::Escalate,
    );
    // terraform 1.11.4 with the 1.0-style backend block (no skip_requesting_account_id): it asks AWS for the
    // account before it looks at the store. Also hashicorp/terraform#33983 (MinIO after upgrading to 1.6).
    check(
        "Retrieving AWS account details: AWS account ID not previously found and failed retrieving via all available methods.\n\nSee https://www.terraform.io/docs/providers/aws/index.html#skip_requesting_account_id for workaround and implications.\nErrors: 3 errors occurred:\n\t* retrieving account information via iam:GetUser: operation error IAM: GetUser, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://iam.amazonaws.com/\": dial tcp: lookup iam.amazonaws.com on 10.255.255.53:53: no such host",
        "s3-backend-account-id-lookup",
        Category::StateBackend,
        Remediation::Escalate,
    );
}

#[test]
fn registry_and_tls_failures() {
    // https://github.com/hashicorp/terraform/issues/26161
    check(
        "Could not retrieve the list of available versions for provider hashicorp/aws:\ncould not connect to registry.terraform.io: Failed to request discovery\ndocument: Get \"https://registry.terraform.io/.well-known/terraform.json\":\ncontext deadline exceeded (Client.Timeout exceeded while awaiting headers)",
        "provider-registry-unreachable",
        Category::Network,
        Remediation::RetryAfter { seconds: 60 },
    );
    // https://github.com/hashicorp/terraform-provider-aws/issues/19995
    check(
        "could not query\nprovider registry for registry.terraform.io/hashicorp/aws: the request failed after 2 attempts",
        "provider-registry-unreachable",
        Category::Network,
        Remediation::RetryAfter { seconds: 60 },
    );
    // https://github.com/Telmate/proxmox-api-go/issues/217
    check(
        "Post \"https://192.168.200.211:8006/api2/json/access/ticket\": x509: certificate signed by unknown authority",
        "tls-certificate-untrusted",
        Category::Permission,
        Remediation::Escalate,
    );
    // https://github.com/rgl/terraform-proxmox-talos/issues/2
    check(
        "error listing files from datastore local: received an HTTP 596 response - Reason: error:0A000086:SSL routines::certificate verify failed",
        "proxmox-node-tls-failed",
        Category::Network,
        Remediation::Escalate,
    );
}

#[test]
fn proxmox_refusals() {
    // The sandbox fault-vmid-conflict (Proxmox VE's pct create wording through the bpg provider).
    check(
        "error creating container: received an HTTP 500 response - Reason: unable to create CT 901 - CT 901 already exists on node 'pmx-01'",
        "proxmox-vmid-conflict",
        Category::ResourceConflict,
        Remediation::Escalate,
    );
    // https://github.com/hashicorp/packer-plugin-proxmox/issues/213
    check(
        "Error creating VM: error creating VM: 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use), error status: {\"data\":null}",
        "proxmox-permission-check-failed",
        Category::Permission,
        Remediation::Escalate,
    );
    check(
        "received an HTTP 401 response - Reason: authentication failure",
        "proxmox-authentication-failed",
        Category::Permission,
        Remediation::Escalate,
    );
    // https://github.com/danitso/terraform-provider-proxmox/issues/2
    check(
        "TASK ERROR: unable to create VM 2040 - storage 'local-lvm' does not exist",
        "proxmox-storage-missing",
        Category::MissingTemplate,
        Remediation::Escalate,
    );
    // https://github.com/Telmate/proxmox-api-go/issues/157
    check(
        "Error: vm 'ubuntu-2004-cloudinit-template' not found",
        "proxmox-template-missing",
        Category::MissingTemplate,
        Remediation::Escalate,
    );
    check(
        "received an HTTP 500 response - Reason: volume 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst' does not exist",
        "proxmox-template-missing",
        Category::MissingTemplate,
        Remediation::Escalate,
    );
    // https://github.com/Telmate/terraform-provider-proxmox/issues/1413
    check(
        "{\"data\":null,\"message\":\"QEMU guest agent is not running\\n\"}",
        "qemu-guest-agent-not-answering",
        Category::Network,
        Remediation::Escalate,
    );
    check(
        "received an HTTP 595 response - Reason: No route to host",
        "proxmox-node-unreachable",
        Category::Network,
        Remediation::RetryAfter { seconds: 60 },
    );
}

#[test]
fn unknown_failures_and_source_comments_are_not_recognised() {
    // A provider's own failure with no telling words (a gRPC error of unknown code).
    let request = request_with_error(
        "Error: Plugin error",
        "The plugin returned an unexpected error from plugin.(*GRPCProvider).ApplyResourceChange: rpc error: code = Unknown desc = unexpected response from the server",
    );
    let context = DiagnosisContext::assemble(&request, &Redactor::new(), 6_000);
    assert_eq!(recognise(&request, &context), None);
}

#[test]
fn a_guest_configuration_missing_while_a_guest_is_read_or_updated_is_not_a_missing_template() {
    // While a guest is cloned or created, the message means the template is on another node
    // (https://github.com/teamzuzu/kopsrox/issues/50).
    assert_eq!(
        recognised(
            "proxmoxer.core.ResourceException: 500 Internal Server Error: Configuration file 'nodes/dustbin/qemu-server/550.conf' does not exist"
        ),
        Some("proxmox-guest-config-missing")
    );
    // While a guest is looked up, read or updated, it moved or its VMID went elsewhere: no category fits as a
    // whole, and the catalogue says nothing. capmox looking for a VM whose clone had failed
    // (https://github.com/ionos-cloud/cluster-api-provider-proxmox/issues/389), and the bpg provider reading a VM
    // (`error retrieving VM %d: %w` in proxmox/nodes/vms/vms.go, filled in).
    for text in [
        "\"unable to find vm\" err=\"cannot find vm with id 117: 500 Configuration file 'nodes/pve-mp/qemu-server/117.conf' does not exist\"",
        "Error: error retrieving VM 100: received an HTTP 500 response - Reason: Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist",
        "Error: error updating VM: 500 Configuration file 'nodes/pve2/qemu-server/227.conf' does not exist, error status: {\"data\":null}",
    ] {
        assert_eq!(recognised(text), None, "{text}");
    }
}

#[test]
fn an_api_method_the_release_lacks_is_the_providers_but_an_address_in_its_path_is_not() {
    // Proxmox VE's router for a path it does not serve (bpg's 501 wording around pve-http-server's
    // `Method '%s %s' not implemented`, filled in).
    assert_eq!(
        recognised(
            "Error: error retrieving mappings: received an HTTP 501 response - Reason: Method 'GET /cluster/mapping/dir' not implemented"
        ),
        Some("proxmox-api-method-missing")
    );
    // A node setting that holds the API's address instead of the node's name puts a URL in the path: the project's
    // configuration, which this rule leaves to others (and here nobody answers); so is a path sent below an
    // endpoint that already held the API's own path.
    for text in [
        "Error: received an HTTP 501 response - Reason: Method 'GET /nodes/https://pve.lan:8006/qemu/100/config' not implemented",
        "Error: received an HTTP 501 response - Reason: Method 'GET /api2/json/version' not implemented",
    ] {
        assert_eq!(recognised(text), None, "{text}");
    }
}

#[test]
fn a_refused_value_a_tool_assembled_is_not_read_as_the_configurations() {
    // An empty value or a property string with broken syntax: a provider, module or script built it, and whether
    // from a mistake of the user's or its own the message does not say. A conversion script run with a command line
    // that broke at a stray `\ ` (https://github.com/my5t3ry/machine-to-proxmox-lxc-ct-converter/issues/5), and a
    // hosting module's `net0` (https://github.com/The-Network-Crew/Proxmox-VE-for-WHMCS/issues/122). And an early
    // bpg (danitso) release that sent an empty `pool` for every VM without `pool_id`
    // (https://github.com/danitso/terraform-provider-proxmox/issues/2, a provider defect as its issue 41 says): this
    // text was once a rule test expecting `configuration`, which was wrong.
    for text in [
        "Error: Received an HTTP 400 response - Reason: Parameter verification failed. (pool: invalid format - pool name '' contains invalid characters)",
        "400 Parameter verification failed.\nrootfs: invalid format - format error\nrootfs.volume: property is missing and it is not optional\n\nmemory: type check ('integer') failed - got ''\nvmid: type check ('integer') failed - got ''\nnet0: invalid format - missing key in comma-separated list property\n\nstorage: invalid format - storage ID '' contains illegal characters",
        "PVE2 API: This API Request Failed.\nHTTP CODE: 400,\nHTTP ERROR: HTTP/1.1 400 Parameter verification failed.,\nREPLY INFO: {\"message\":\"Parameter verification failed.\\n\",\"errors\":{\"net0\":\"invalid format - value without key, but schema does not define a default key\\n\"},\"data\":null}",
    ] {
        assert_eq!(recognised(text), None, "{text}");
    }
    // A download into `import` refused for its file name: a disk image on a node before Proxmox VE 8.4, or a cloud
    // image named `.img` on a later one (pve-storage's src/PVE/API2/Storage/Status.pm and the history of its
    // UPLOAD_IMPORT_EXT_RE_1), which the message does not tell apart.
    assert_eq!(
        recognised(
            "Error: error downloading file: received an HTTP 400 response - Reason: Parameter verification failed. (filename: invalid filename or wrong extension)"
        ),
        None
    );
    // A value the configuration wrote is still the configuration's.
    assert_eq!(
        recognised(
            "Error: received an HTTP 400 response - Reason: Parameter verification failed. (cpu: value 'kvm65' does not have a value in the enumeration 'host, kvm64, x86-64-v2')"
        )
        .map(|name| name.starts_with("proxmox-parameter")),
        Some(true)
    );
}

#[test]
fn a_required_version_no_release_reaches_is_not_read_as_a_pin() {
    // The runner's binary older than the constraint: a version pin in the toolchain (Terraform's own wording).
    let pin = "Error: Unsupported Terraform Core version\n\n  on versions.tf line 2, in terraform:\n   2:   required_version = \">= 1.9.0\"\n\nThis configuration does not support Terraform version 1.0.3.";
    assert_eq!(recognised(pin), Some("terraform-core-version-unsupported"));
    // A lower bound no Terraform release has reached is a mistake in the constraint (a provider's version written
    // there, as the hcloud provider's 1.45 would be), not a pin; the catalogue leaves it.
    let mistake = pin.replace(">= 1.9.0", ">= 1.45.0");
    assert_eq!(recognised(&mistake), None);
    assert_eq!(recognised(&pin.replace(">= 1.9.0", "~> 3.0")), None);
}

#[test]
fn a_guests_own_disk_that_does_not_exist_is_not_a_missing_template() {
    // A template volume, as `proxmox_refusals` checks it.
    assert_eq!(
        recognised(
            "received an HTTP 500 response - Reason: volume 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst' does not exist"
        ),
        Some("proxmox-template-missing")
    );
    // The guest's own disk or cloud-init drive, in Proxmox VE's volume names (`vm-ID-disk-N`, `vm-ID-cloudinit`):
    // https://github.com/bpg/terraform-provider-proxmox/issues/1599 was a provider regression resizing a clone's disk
    // before the clone had it, labelled so upstream.
    for text in [
        "volume 'Pure-NFS:115/vm-115-disk-0.raw' does not exist",
        "Error: volume 'local-lvm:vm-100-disk-0' does not exist",
        "Error: volume 'nfs:100/vm-100-disk-0.qcow2' does not exist",
        "Error: volume 'local-zfs:vm-101-cloudinit' does not exist",
    ] {
        assert_eq!(recognised(text), None, "{text}");
    }
}

#[test]
fn a_resources_pattern_for_another_provider_is_a_validation_mismatch() {
    let mut request = request_with_error("", "");
    request.terraform.ok = true;
    request.terraform.diagnostics.clear();
    request.terraform.resource_addresses = vec![
        "module.fleet.proxmox_virtual_environment_container.container[0]".into(),
        "module.fleet.proxmox_virtual_environment_container.container[1]".into(),
    ];
    request.validation = Some(crate::contracts::ValidationResult::from_checks(vec![
        crate::contracts::CheckResult {
            name: CheckName::Resources,
            status: CheckStatus::Fail,
            detail: "pattern `proxmox_lxc\\.container\\[\\d+\\]` matched 0 of 2 expected addresses"
                .into(),
            evidence: Vec::new(),
        },
    ]));
    let context = DiagnosisContext::assemble(&request, &Redactor::new(), 6_000);
    let found = recognise(&request, &context).unwrap();
    assert_eq!(found.hypothesis.category, Category::ValidationMismatch);
    assert_eq!(found.hypothesis.remediation, Remediation::Escalate);
    assert!(
        found
            .hypothesis
            .root_cause
            .contains("proxmox_virtual_environment_container"),
        "{}",
        found.hypothesis.root_cause
    );
    assert!(
        found
            .hypothesis
            .root_cause
            .contains("`proxmox_lxc\\.container\\[\\d+\\]`"),
        "the hypothesis names the expectation that matched nothing: {}",
        found.hypothesis.root_cause
    );
    assert_eq!(resource_type("data.proxmox_x.y"), Some("proxmox_x"));
}

#[test]
fn a_guest_port_that_refuses_is_a_network_problem_for_a_person() {
    let mut request = request_with_error("", "");
    request.terraform.ok = true;
    request.terraform.diagnostics.clear();
    request.validation = Some(crate::contracts::ValidationResult::from_checks(vec![
        crate::contracts::CheckResult {
            name: CheckName::Reachable,
            status: CheckStatus::Fail,
            detail: "2 of 2 guests do not accept TCP connections on port 22: lxc/901 on pmx-01, lxc/902 on pmx-01"
                .into(),
            evidence: vec![
                "lxc/901 on pmx-01: 10.0.0.5:22: connection refused (nothing listens on the port, or a firewall rejects it)"
                    .into(),
            ],
        },
    ]));
    let context = DiagnosisContext::assemble(&request, &Redactor::new(), 6_000);
    let found = recognise(&request, &context).expect("recognised");
    assert_eq!(found.signature, "guest-port-refused");
    assert_eq!(found.hypothesis.category, Category::Network);
    assert_eq!(found.hypothesis.remediation, Remediation::Escalate);
    assert!(
        found.hypothesis.root_cause.contains("port 22"),
        "{}",
        found.hypothesis.root_cause
    );
}

/// `TERRAFORM_ONLY` names signatures by name: a name that no signature has (a typo, a renamed rule) would silently
/// change nothing. Each signature's own exclusion (`unless`) is compiled with its pattern.
#[test]
fn every_signature_the_side_table_names_exists_and_every_exclusion_compiles() {
    let names: Vec<&str> = signatures()
        .iter()
        .map(|signature| signature.name)
        .collect();
    for name in TERRAFORM_ONLY {
        assert!(names.contains(name), "no signature is named {name}");
    }
    // Compiling panics on a pattern or an exclusion that is not a valid expression.
    assert_eq!(compiled().len(), names.len());
}

#[test]
fn a_refused_connection_to_the_runners_own_port_80_is_no_server_down() {
    // Where a Go client goes when no endpoint was configured (Kubernetes clients fall back to http://localhost): the
    // refusal says the provider is unconfigured, not that a server is down, so the network rules leave it alone.
    // hashicorp/terraform-provider-helm#19 and #362 are two reports of it (a kubeconfig the provider did not load);
    // the first was once read here as a server that was down.
    for text in [
        "* provider.helm: error installing: Post http://localhost/apis/extensions/v1beta1/namespaces/kube-system/deployments: dial tcp [::1]:80: getsockopt: connection refused",
        "Error: Get http://localhost/api/v1/namespaces/kube-system/serviceaccounts/tiller: dial tcp 127.0.0.1:80: connect: connection refused",
    ] {
        assert_eq!(recognised(text), None, "{text}");
    }
    // The Proxmox VE API's own port refusing is still a network failure.
    assert_eq!(
        recognised(
            "Error: Post \"https://127.0.0.1:8006/api2/json/access/ticket\": dial tcp 127.0.0.1:8006: connect: connection refused"
        ),
        Some("endpoint-connection-failed")
    );
}

#[test]
fn terraforms_verdict_on_a_downloaded_modules_code_is_left_alone() {
    // A verdict located in `.terraform/modules/...` is on a dependency's code:
    // CrowdStrike/terraform-provider-crowdstrike#423 met it with a provider release older than the module's (once read
    // here as a mistake in the project's code).
    let text = "Error: Unsupported argument\n\n  on .terraform/modules/crowdstrike.crowdstrike_registration/main.tf line 51, in resource \"crowdstrike_cloud_google_registration\" \"main\":\n  51:   dspm = {\n\nAn argument named \"dspm\" is not expected here.";
    assert_eq!(recognised(text), None, "{text}");
    // The same verdict on the project's own file is still the project's mistake.
    let own = text.replace(
        ".terraform/modules/crowdstrike.crowdstrike_registration/",
        "",
    );
    assert_eq!(
        recognised(&own),
        Some("terraform-argument-unsupported"),
        "{own}"
    );
    // A count or for_each there is still the caller's: its value comes from the inputs the project gives the module.
    let count = "Error: Invalid for_each argument\n\n  on .terraform/modules/lxc/main.tf line 9, in resource \"proxmox_virtual_environment_container\" \"ct\":\n   9:   for_each = toset(var.names)\n\nThe \"for_each\" value depends on resource attributes that cannot be determined until apply";
    assert_eq!(
        recognised(count),
        Some("terraform-count-or-for-each-invalid"),
        "{count}"
    );
}

#[test]
fn a_refusal_whose_words_say_denied_but_not_for_the_callers_rights_is_left_alone() {
    // Docker answers an image name that does not exist with the same words as a registry login it needs, and Google
    // answers 403 for an API the project has not enabled: the permission tell leaves both alone.
    for text in [
        "Error: Unable to create container with image docker_image.ubuntu.latest: unable to pull image: Error response from daemon: pull access denied for docker_image.ubuntu.latest, repository does not exist or may require 'docker login'",
        "Error: Error creating instance: googleapi: Error 403: Compute Engine API has not been used in project 1234 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/compute.googleapis.com/overview?project=1234 then retry., accessNotConfigured",
    ] {
        assert_eq!(recognised(text), None, "{text}");
    }
    assert_eq!(
        recognised("Error: open /home/runner/.ssh/id_ed25519: permission denied"),
        Some("permission-refused-words")
    );
}

#[test]
fn aws_codes_another_service_shares_are_the_backends_only_beside_its_words() {
    // AccessDenied and InvalidClientTokenId (AWS's common error codes) come from any AWS service: the backend's rule
    // takes them only with the backend's words around, and another AWS provider's call is a permission failure.
    for (text, signature) in [
        (
            "Error: Error loading state: AccessDenied: Access Denied\n\tstatus code: 403, request id: 1A2B",
            "s3-backend-credentials-rejected",
        ),
        (
            "Error: creating IAM Role (homelab-dns): InvalidClientTokenId: The security token included in the request is invalid.\n\tstatus code: 403",
            "cloud-provider-credentials-refused",
        ),
        (
            "Error: AccessDenied: Access Denied\n\tstatus code: 403, request id: 1A2B, host id: 3C4D",
            "cloud-provider-credentials-refused",
        ),
    ] {
        assert_eq!(recognised(text), Some(signature), "{text}");
    }
}

#[test]
fn a_cycle_through_objects_being_destroyed_is_left_alone() {
    // Terraform's destroy graph has made such cycles in releases a plain configuration did not cause (a provider
    // configured from a module's outputs); a cycle of the configuration's own objects is still the project's.
    let destroying = "Error: Cycle: module.lab.output.endpoint, provider[\"registry.terraform.io/bpg/proxmox\"], module.lab.proxmox_virtual_environment_vm.guest (destroy)";
    assert_eq!(recognised(destroying), None, "{destroying}");
    assert_eq!(
        recognised("Error: Cycle: local.a, local.b"),
        Some("terraform-configuration-invalid")
    );
}
