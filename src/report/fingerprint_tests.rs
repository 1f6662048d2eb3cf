//! The normalisation table (real error texts from the fixtures, providers and Terraform) and the fingerprints of
//! the example records: the same failure keeps its fingerprint when only volatile details change, a different
//! failure gets another, and the model's category never counts.

use super::*;
use crate::contracts::{
    Category, CheckName, CheckResult, CheckStatus, Diagnosis, DiagnosisSource, ValidationResult,
};
use crate::stand_in::records::{deploy_failed, deploy_recovered};

#[test]
fn volatile_parts_of_real_error_texts_become_placeholders() {
    let cases = [
        // Proxmox VE through bpg/proxmox (tests/fixtures/fault-parallel-lock/create-container.sh).
        (
            "error creating container: received an HTTP 500 response - Reason: can't lock file '/var/lock/lxc/lock-101.conf' - got timeout",
            "error creating container: received an HTTP 500 response - Reason: can't lock file '<name>' - got timeout",
        ),
        // tests/fixtures/terraform-json/tf103-fault-vmid-conflict.apply.jsonl: the provisioner's detail.
        (
            "local-exec provisioner error — Error running command 'sh ./create-container.sh 901 pmx-01 true': exit status 1. Output: error creating container: received an HTTP 500 response - Reason: unable to create CT 901 - CT 901 already exists on node 'pmx-01'",
            "local-exec provisioner error — Error running command '<name>': exit status <n>. Output: error creating container: received an HTTP 500 response - Reason: unable to create CT <n> - CT <n> already exists on node '<name>'",
        ),
        (
            "error creating VM: received an HTTP 403 response - Reason: Permission check failed (/vms/105, VM.Allocate)",
            "error creating VM: received an HTTP 403 response - Reason: Permission check failed (<path>, VM.Allocate)",
        ),
        // The S3 backend on MinIO, unreachable.
        (
            "Error refreshing state: RequestError: send request failed caused by: Get \"http://192.168.1.20:9000/tfstate?x-id=GetObject\": dial tcp 192.168.1.20:9000: connect: connection refused",
            "Error refreshing state: RequestError: send request failed caused by: Get \"<name>\": dial tcp <ip>: connect: connection refused",
        ),
        (
            "Failed to query available provider packages — provider bpg/proxmox: could not connect to registry.terraform.io: failed to request discovery document: Get https://registry.terraform.io/.well-known/terraform.json: dial tcp [2606:4700::6810:e0e]:443: i/o timeout",
            "Failed to query available provider packages — provider bpg/proxmox: could not connect to registry.terraform.io: failed to request discovery document: Get <url>: dial tcp [<ip>]:<n>: i/o timeout",
        ),
        (
            "Unsupported argument — An argument named \"cores\" is not expected here.",
            "Unsupported argument — An argument named \"<name>\" is not expected here.",
        ),
        (
            "error waiting for task UPID:pmx-01:0003A1F2:01B2C3D4:6745A1B2:vzcreate:101:root@pam: to complete",
            "error waiting for task UPID:pmx-<n>:<hex>:<hex>:<hex>:vzcreate:<n>:root@pam: to complete",
        ),
        (
            "Error acquiring the state lock — Lock Info: ID: 9f0c7e5a-1b2c-4d3e-8f9a-0b1c2d3e4f5a Path: tfstate/homelab.tfstate Created: 2026-11-25 12:03:37.873935 +0000 UTC",
            "Error acquiring the state lock — Lock Info: ID: <uuid> Path: tfstate/homelab.tfstate Created: <time> +<n> UTC",
        ),
        (
            "the cached package for registry.terraform.io/bpg/proxmox 0.66.1 does not match any of the checksums recorded in the dependency lock file: h1:3f9a1c2b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4",
            "the cached package for registry.terraform.io/bpg/proxmox <n> does not match any of the checksums recorded in the dependency lock file: h<n>:<hex>",
        ),
        (
            "guests do not accept TCP connections on port 22:\n  10.0.0.21:22 connection refused   after 3.5s",
            "guests do not accept TCP connections on port <n>: <ip> connection refused after <n>s",
        ),
        (
            "request failed (request id 7fQk2LzP9xW3mN8vB1cD) with status code 401",
            "request failed (request id <id>) with status code 401",
        ),
        // Words made of hex letters are words.
        ("the disk was defaced", "the disk was defaced"),
    ];
    for (input, expected) in cases {
        assert_eq!(normalise_error_text(input), expected, "{input}");
    }
    assert_eq!(
        normalise_error_text(&"x ".repeat(400)).chars().count(),
        NORMALISED_MAX_CHARS
    );
}

fn failed_record_with_error(summary: &str, detail: &str) -> RunRecord {
    let mut record = deploy_failed();
    for attempt in &mut record.attempts {
        attempt.terraform.diagnostics[0].summary = summary.to_string();
        attempt.terraform.diagnostics[0].detail = detail.to_string();
    }
    record
}

#[test]
fn the_same_error_with_other_ids_keeps_its_fingerprint_and_the_category_never_counts() {
    let record = deploy_failed();
    let signature = FailureSignature::of(&record);
    assert_eq!(
        signature,
        FailureSignature {
            phase: "apply",
            kind: SignatureKind::Error(
                "error creating container: can't lock file '<name>' - got timeout — The node was busy cloning another guest."
                    .to_string()
            ),
        }
    );
    let fingerprint = signature.fingerprint(&record.project);
    assert!(
        fingerprint.starts_with("lxc-fleet/apply/error:")
            && fingerprint.len() == "lxc-fleet/apply/error:".len() + 16,
        "{fingerprint}"
    );

    let other_guest = failed_record_with_error(
        "error creating container: can't lock file '/var/lock/qemu-server/lock-117.conf' - got timeout",
        "The node was busy cloning another guest.",
    );
    assert_eq!(
        FailureSignature::of(&other_guest).fingerprint("lxc-fleet"),
        fingerprint
    );

    let mut other_category = deploy_failed();
    for attempt in &mut other_category.attempts {
        if let Some(hypothesis) = attempt
            .diagnosis
            .as_mut()
            .and_then(|d| d.hypothesis.as_mut())
        {
            hypothesis.category = Category::Network;
        }
    }
    assert_eq!(
        FailureSignature::of(&other_category).fingerprint("lxc-fleet"),
        fingerprint
    );

    let other_failure = failed_record_with_error(
        "error creating container: storage 'local-zfs' does not exist",
        "",
    );
    assert_ne!(
        FailureSignature::of(&other_failure).fingerprint("lxc-fleet"),
        fingerprint
    );
    assert_ne!(
        FailureSignature::of(&record).fingerprint("other-project"),
        fingerprint
    );
}

#[test]
fn a_catalogue_match_a_failed_check_and_a_fault_have_their_own_signatures() {
    // The recovered deploy's first attempt was recognised by the catalogue; end the run there.
    let mut catalogued = deploy_recovered();
    catalogued.attempts.truncate(1);
    let signature = FailureSignature::of(&catalogued);
    assert_eq!(
        signature.fingerprint("lxc-fleet"),
        "lxc-fleet/apply/catalogue:proxmox-node-lock-timeout"
    );
    assert_eq!(
        signature.describe(),
        "apply: known failure proxmox-node-lock-timeout"
    );

    // A record written before the signature was recorded: the catalogue's detail names it.
    let diagnosis = catalogued.attempts[0].diagnosis.as_mut().unwrap();
    diagnosis.catalogue_signature = None;
    diagnosis.detail = Some("known-failure catalogue: proxmox-node-lock-timeout".to_string());
    assert_eq!(FailureSignature::of(&catalogued), signature);

    // An LLM diagnosis never contributes a catalogue signature, even with one in its detail.
    let diagnosis = catalogued.attempts[0].diagnosis.as_mut().unwrap();
    diagnosis.source = DiagnosisSource::Llm;
    assert!(matches!(
        FailureSignature::of(&catalogued).kind,
        SignatureKind::Error(_)
    ));

    let mut unreachable = deploy_recovered();
    unreachable.attempts[1].diagnosis = Some(Diagnosis::unavailable("no diagnoser configured"));
    unreachable.attempts[1].validation = Some(ValidationResult::from_checks(vec![
        CheckResult {
            name: CheckName::GuestStatus,
            status: CheckStatus::Pass,
            detail: "3 guests running".to_string(),
            evidence: Vec::new(),
        },
        CheckResult {
            name: CheckName::Reachable,
            status: CheckStatus::Fail,
            detail: "0 of 3 answered on port 22".to_string(),
            evidence: Vec::new(),
        },
    ]));
    assert_eq!(
        FailureSignature::of(&unreachable).fingerprint("lxc-fleet"),
        "lxc-fleet/validate/check:reachable"
    );

    let mut fault = deploy_failed();
    fault.attempts.clear();
    fault.failure_reason =
        Some("cannot spawn terraform: No such file or directory (os error 2)".to_string());
    let signature = FailureSignature::of(&fault);
    assert_eq!(signature.phase, "run");
    assert_eq!(
        signature.describe(),
        "run: cannot spawn terraform: No such file or directory (os error <n>)"
    );
}

#[test]
fn a_long_error_is_described_cut_at_a_word() {
    let long = format!(
        "error creating container: {}",
        "the node answered slowly ".repeat(20)
    );
    let signature = FailureSignature {
        phase: "apply",
        kind: SignatureKind::Error(normalise_error_text(&long)),
    };
    let described = signature.describe();
    assert!(described.ends_with(" the node…"), "{described}");
    assert!(
        described.chars().count() <= "apply: ".len() + 240,
        "{described}"
    );
}
