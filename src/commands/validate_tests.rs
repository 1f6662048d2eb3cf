use super::*;
use crate::contracts::{CheckName, CheckResult};
use crate::terraform::sensitive::SENSITIVE_PLACEHOLDER;

/// The shape of `terraform show -json` of a state: a root module with a child module, and outputs.
const STATE: &str = r#"{
  "format_version": "1.0", "terraform_version": "1.5.7",
  "values": {
    "outputs": {
      "guests": {"sensitive": false, "type": ["list", "object"], "value": [{"vmid": 101, "kind": "lxc", "node": "pmx-01", "name": "web-1", "ipv4": "10.0.0.5"}]},
      "root_password": {"sensitive": true, "type": "string", "value": "hunter2-hunter2"}
    },
    "root_module": {
      "resources": [{"address": "null_resource.marker", "mode": "managed", "type": "null_resource", "name": "marker"}],
      "child_modules": [{
        "address": "module.fleet",
        "resources": [{"address": "module.fleet.proxmox_virtual_environment_container.container[0]", "mode": "managed"}],
        "child_modules": [{"address": "module.fleet.module.inner", "resources": [{"address": "module.fleet.module.inner.null_resource.x"}]}]
      }]
    }
  }
}"#;

/// The shape of `terraform show -json PLANFILE`: the guests output is unknown until apply, so it has no value.
const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {
    "outputs": {"guests": {"sensitive": false}},
    "root_module": {"resources": [{"address": "proxmox_virtual_environment_container.container[0]"}]}
  },
  "resource_changes": [
    {"address": "proxmox_virtual_environment_container.container[0]", "change": {"actions": ["create"]}},
    {"address": "null_resource.kept", "change": {"actions": ["no-op"]}},
    {"address": "null_resource.swapped", "change": {"actions": ["delete", "create"]}}
  ]
}"#;

#[test]
fn a_state_gives_every_address_through_child_modules_and_masked_outputs() {
    let redactor = SharedRedactor::default();
    let facts = terraform_facts(STATE, RunMode::Deploy, &redactor).unwrap();
    assert_eq!(
        facts.resource_addresses,
        [
            "module.fleet.module.inner.null_resource.x",
            "module.fleet.proxmox_virtual_environment_container.container[0]",
            "null_resource.marker",
        ]
    );
    assert_eq!(facts.outputs["guests"][0]["vmid"], 101);
    assert_eq!(facts.outputs["root_password"], SENSITIVE_PLACEHOLDER);
    assert_eq!(
        redactor.redact("password hunter2-hunter2"),
        "password [REDACTED]",
        "the sensitive value is learned by the invocation's redactor"
    );
    assert!(facts.resource_changes.is_empty());
}

#[test]
fn a_plan_gives_planned_addresses_creates_and_no_unknown_outputs() {
    let facts = terraform_facts(PLAN, RunMode::Plan, &SharedRedactor::default()).unwrap();
    assert_eq!(
        facts.resource_addresses,
        ["proxmox_virtual_environment_container.container[0]"]
    );
    assert!(facts.outputs.is_empty());
    let creates: Vec<&str> = facts
        .resource_changes
        .iter()
        .map(|c| c.address.as_str())
        .collect();
    assert_eq!(
        creates,
        [
            "proxmox_virtual_environment_container.container[0]",
            "null_resource.swapped"
        ]
    );
}

#[test]
fn documents_of_the_wrong_kind_or_version_are_refused_with_the_reason() {
    let cases = [
        (STATE, RunMode::Plan, "this is a state"),
        (PLAN, RunMode::Deploy, "this is a plan"),
        (
            r#"{"format_version": "2.0", "values": {}}"#,
            RunMode::Deploy,
            "format_version 2.0",
        ),
        (r#"{"values": {}}"#, RunMode::Deploy, "no format_version"),
        ("Error: no state", RunMode::Deploy, "not JSON"),
    ];
    for (text, mode, why) in cases {
        let error = terraform_facts(text, mode, &SharedRedactor::default()).unwrap_err();
        assert!(error.contains(why), "{why}: {error}");
    }
    // An empty state (nothing applied yet) has no `values` at all: no addresses, no outputs.
    let empty = terraform_facts(
        r#"{"format_version": "1.0"}"#,
        RunMode::Deploy,
        &SharedRedactor::default(),
    )
    .unwrap();
    assert!(empty.resource_addresses.is_empty() && empty.outputs.is_empty());
}

#[test]
fn the_table_shows_each_check_with_its_evidence() {
    let result = ValidationResult::from_checks(vec![
        CheckResult {
            name: CheckName::Resources,
            status: CheckStatus::Pass,
            detail: "all 1 expected address patterns found in the state".into(),
            evidence: vec!["pattern `a`: 1 of 1".into()],
        },
        CheckResult {
            name: CheckName::GuestStatus,
            status: CheckStatus::Fail,
            detail: "1 of 1 guests are not running: lxc/101 on pmx-01".into(),
            evidence: vec!["lxc/101 on pmx-01: status is `stopped`".into()],
        },
    ]);
    assert_eq!(
        render_table(&result),
        "CHECK         STATUS DETAIL\n\
         resources     pass   all 1 expected address patterns found in the state\n    - pattern `a`: 1 of 1\n\
         guest-status  FAIL   1 of 1 guests are not running: lxc/101 on pmx-01\n    - lxc/101 on pmx-01: status is `stopped`\n\
         1 check(s) failed"
    );
}
