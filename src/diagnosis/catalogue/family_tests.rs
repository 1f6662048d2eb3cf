//! The catalogue's failure families, each in at least two real wordings copied from public issue trackers (the
//! source is named beside each text), and agentlab's own wordings of other failures, which no family may claim.
//! A wording must be recognised by the named signature with that signature's category; the root cause must have
//! every capture filled in.

use std::collections::BTreeMap;

use super::family_wordings::{
    ACCESS, BACKEND, CONFIGURATION, CONFLICTS, LOCKS, NETWORK, PROVIDER, TEMPLATES, wordings,
};
use super::*;
use crate::contracts::{CheckName, CheckResult, CheckStatus, RunMode, ValidationResult};
use crate::diagnosis::test_fixtures;
use crate::redact::Redactor;

fn request_with_error(detail: &str) -> DiagnosisRequest {
    test_fixtures::request_with_error("Error", detail)
}

fn recognised(request: &DiagnosisRequest) -> Option<CatalogueMatch> {
    let context = DiagnosisContext::assemble(request, &Redactor::new(), 6_000);
    recognise(request, &context)
}

/// Parentheses a root cause's capture groups left empty: "( )".
static EMPTY_PARENTHESES: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\(\s*\)").expect("valid"));

#[test]
fn every_family_is_recognised_in_its_real_wordings() {
    let mut failures = Vec::new();
    for wording in wordings() {
        match recognised(&request_with_error(wording.text)) {
            Some(found)
                if found.signature == wording.signature
                    && found.hypothesis.category == wording.category
                    && !found.hypothesis.root_cause.contains('$')
                    && !EMPTY_PARENTHESES.is_match(&found.hypothesis.root_cause) => {}
            other => failures.push(format!(
                "{} ({}): {:?} gave {:?}",
                wording.family,
                wording.source,
                wording.text,
                other.map(|found| (found.signature, found.hypothesis.category))
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_family_has_at_least_two_real_wordings_with_a_source() {
    let mut per_family: BTreeMap<&str, usize> = BTreeMap::new();
    for wording in wordings() {
        assert!(!wording.source.is_empty(), "{}", wording.text);
        *per_family.entry(wording.family).or_default() += 1;
    }
    for family in [
        LOCKS,
        TEMPLATES,
        ACCESS,
        PROVIDER,
        BACKEND,
        NETWORK,
        CONFLICTS,
        CONFIGURATION,
    ] {
        let count = per_family.get(family).copied().unwrap_or(0);
        assert!(count >= 2, "{family} has {count} wordings");
    }
}

#[test]
fn agentlabs_own_wordings_of_other_failures_are_not_claimed() {
    // The validator's guest-status wording names a lock, but the failure is a guest that is not running: the
    // lock family must not take it.
    let own_wordings = [
        "lxc/901 on pmx-01: status is `stopped`, locked (backup), not `running` (GET /nodes/pmx-01/lxc/901/status/current)",
        "1 of 2 guests are not running: lxc/901 on pmx-01",
        "pattern `proxmox_lxc\\.container\\[\\d+\\]` matched nothing (expected 1) in the state; addresses there instead: module.fleet.proxmox_virtual_environment_container.container[0]",
        "runs after apply: 2 guests do not exist yet",
        // The validator's reachability and address wordings (src/validator/net.rs, probe.rs): no family may claim
        // them as a dropped API connection or an empty ipv4_addresses.
        "lxc/901 on pmx-01: no IPv4 address to connect to (see ip-assigned)",
        "lxc/901 on pmx-01: 10.0.0.5:22: no connection within 3000 ms (guest down, wrong address or dropped by a firewall)",
        "qemu/300 on pmx-01: lists no IPv4 address on any interface but lo",
    ];
    for text in own_wordings {
        assert_eq!(
            recognised(&request_with_error(text)).map(|found| found.signature),
            None,
            "{text}"
        );
    }
}

#[test]
fn words_a_widened_rule_shares_with_another_failure_do_not_make_it_answer() {
    // Terraform 0.11's words for a plugin that died are no dropped API connection (Telmate/terraform-provider-proxmox
    // issue 5): Go's EOF answers only after a request's URL. A start task's "trying to acquire lock... OK" took its
    // lock. A checksum file the registry could not fetch in time is the network's, not a broken release's.
    let texts = [
        ("* proxmox_vm_qemu.test: unexpected EOF", None),
        ("trying to acquire lock...\n OK", None),
        // A lock file that cannot be opened is a missing lock directory, not contention
        // (https://github.com/yuhongwei380/Promox-docs/issues/12).
        (
            "can't lock file '/var/lock/pve-manager/vzdump* - can't open file - No such file or directory (500)",
            None,
        ),
        (
            "failed to retrieve authentication checksums for provider: the request failed after 2 attempts",
            None,
        ),
        (
            "Error: 403 Forbidden: Permission check failed",
            Some("proxmox-permission-denied"),
        ),
        // A refused volume reference that quotes a name Proxmox VE gives a guest's disks was assembled by the
        // provider or tool, not written in the configuration, and the words alone do not say whose fault it is
        // (Telmate/terraform-provider-proxmox issue 158, lnxbil/docker-machine-driver-proxmox-ve issue 19).
        (
            "Error: 500 unable to parse directory volume name 'vm-106-disk-1'",
            None,
        ),
        (
            "invalid format - unable to parse volume ID 'vm-104-disk-1'",
            None,
        ),
        // The same reference's refusal by Proxmox VE's parameter check: a tool's volume id in a field that takes
        // a format (pve-common's JSONSchema.pm enumeration wording, filled in).
        (
            "received an HTTP 400 response - Reason: Parameter verification failed. (scsi0: invalid format - format error\nscsi0.format: value 'local-lvm:vm-101-disk-0' does not have a value in the enumeration 'raw, cow, qcow, qed, qcow2, vmdk, cloop')",
            None,
        ),
        // A name that already exists, refused as a parameter (pve-firewall's src/PVE/API2/Firewall/Aliases.pm
        // raises "alias '...' already exists" as a parameter error; the bpg provider's wording of a 400, filled
        // in), is a conflict, not a value to fix.
        (
            "Error: error creating alias: received an HTTP 400 response - Reason: Parameter verification failed. (name: alias 'dmz' already exists)",
            Some("resource-already-exists"),
        ),
    ];
    for (text, expected) in texts {
        assert_eq!(
            recognised(&request_with_error(text)).map(|found| found.signature),
            expected,
            "{text}"
        );
    }
}

#[test]
fn the_guest_status_checks_missing_guest_is_not_taken_for_a_missing_template() {
    // The validator's guest-status check (src/validator/probe.rs) quotes Proxmox VE's answer for a guest missing
    // after an apply; the same words from Terraform mean a clone template on another node.
    let missing_guest = "lxc/905 on pmx-01: GET /api2/json/nodes/pmx-01/lxc/905/status/current → 500 Configuration file 'nodes/pmx-01/lxc/905.conf' does not exist";
    let mut request = request_with_error("");
    request.terraform.ok = true;
    request.terraform.diagnostics.clear();
    request.validation = Some(ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::GuestStatus,
        status: CheckStatus::Fail,
        detail: "1 of 1 guests are not running".into(),
        evidence: vec![missing_guest.into()],
    }]));
    assert_eq!(recognised(&request).map(|found| found.signature), None);

    let from_terraform = request_with_error(
        "Error: 500 Configuration file 'nodes/pmx-01/qemu-server/9000.conf' does not exist",
    );
    assert_eq!(
        recognised(&from_terraform).map(|found| found.signature),
        Some("proxmox-guest-config-missing")
    );
}

fn resources_request(mode: RunMode, detail: &str, evidence: Vec<String>) -> DiagnosisRequest {
    let mut request = request_with_error("");
    request.mode = mode;
    request.terraform.ok = true;
    request.terraform.diagnostics.clear();
    request.terraform.resource_addresses = vec![
        "module.fleet.proxmox_virtual_environment_container.container[0]".into(),
        "module.fleet.proxmox_virtual_environment_container.container[1]".into(),
    ];
    request.validation = Some(ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::Resources,
        status: CheckStatus::Fail,
        detail: detail.into(),
        evidence,
    }]));
    request
}

/// Asserts that `found`'s root cause starts with `start`, contains each of `present` and none of `absent`.
fn assert_root_cause(found: &CatalogueMatch, start: &str, present: &[&str], absent: &[&str]) {
    let root_cause = &found.hypothesis.root_cause;
    assert!(root_cause.starts_with(start), "{root_cause}");
    for text in present {
        assert!(root_cause.contains(text), "{text}: {root_cause}");
    }
    for text in absent {
        assert!(!root_cause.contains(text), "{text}: {root_cause}");
    }
}

#[test]
fn a_resources_check_tells_a_wrong_type_from_a_changed_count_and_a_plan_from_an_apply() {
    let wrong_type = resources_request(
        RunMode::Plan,
        "1 of 1 expected address patterns not as expected in the plan's planned values",
        vec!["pattern `proxmox_lxc\\.container\\[\\d+\\]` matched nothing (expected 2) in the plan's planned values; addresses there instead: module.fleet.proxmox_virtual_environment_container.container[0]".into()],
    );
    let found = recognised(&wrong_type).expect("recognised");
    assert_eq!(found.signature, "validator-resources-pattern-mismatch");
    assert_root_cause(&found, "Terraform planned cleanly", &[], &["applied"]);

    let changed_count = resources_request(
        RunMode::Deploy,
        "1 of 1 expected address patterns not as expected in the state",
        vec!["pattern `module\\.fleet\\.proxmox_virtual_environment_container\\.container\\[\\d+\\]` matched 2, expected 3, in the state: module.fleet.proxmox_virtual_environment_container.container[0], module.fleet.proxmox_virtual_environment_container.container[1]".into()],
    );
    let found = recognised(&changed_count).expect("recognised");
    assert_eq!(found.signature, "validator-resources-count-mismatch");
    assert_eq!(found.hypothesis.category, Category::ValidationMismatch);
    assert_eq!(found.hypothesis.remediation, Remediation::Escalate);
    assert_root_cause(
        &found,
        "Terraform applied cleanly",
        &["matched 2, expected 3"],
        &["matches none"],
    );
}

#[test]
fn catalogue_remediations_keep_to_the_policy_table_but_for_the_one_documented_exception() {
    // A lock that was released while Terraform read it is free again: a retry is right, although the table lets a
    // model answer nothing but escalate for state_backend.
    let exceptions = ["terraform-state-lock-released-while-read"];
    for signature in signatures() {
        let allowed =
            crate::planner::category_policy::allows(signature.category, &signature.remediation);
        assert_eq!(
            allowed,
            !exceptions.contains(&signature.name),
            "{}: {} with {}",
            signature.name,
            signature.category.as_str(),
            signature.remediation.action_name()
        );
    }
}
