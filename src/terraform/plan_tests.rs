//! Tests of `show -json` parsing across Terraform 0.13 to 1.15 (hashicorp/terraform-json testdata) and against
//! plans and states recorded from terraform 1.0.3.

use super::*;
use serde_json::json;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../tests/fixtures/terraform-json/", $name))
    };
}

fn plan(json: &str) -> PlanSummary {
    parse_plan_json(json).expect("plan parses")
}

fn counts(add: u32, change: u32, destroy: u32, replace: u32) -> ChangeCounts {
    ChangeCounts {
        add,
        change,
        destroy,
        replace,
    }
}

/// One row per fixture: format version, counts, number of listed (non-no-op) changes, planned addresses.
#[test]
fn every_format_version_from_0_1_to_1_2_is_read() {
    let cases: [(&str, &str, ChangeCounts, usize, usize); 11] = [
        (
            fixture!("013_module_depends_on.plan.json"),
            "0.1",
            counts(2, 0, 0, 0),
            3,
            3,
        ),
        (
            fixture!("110_sensitive_values.plan.json"),
            "0.2",
            counts(7, 0, 0, 0),
            7,
            7,
        ),
        (
            fixture!("120_basic.plan.json"),
            "1.1",
            counts(7, 0, 0, 0),
            7,
            7,
        ),
        (
            fixture!("action_reason.plan.json"),
            "1.2",
            counts(1, 0, 1, 1),
            1,
            1,
        ),
        (
            fixture!("has_checks.plan.json"),
            "1.2",
            counts(2, 0, 0, 0),
            2,
            2,
        ),
        (
            fixture!("identity.plan.json"),
            "1.2",
            counts(0, 1, 0, 0),
            1,
            1,
        ),
        (
            fixture!("moved_block.plan.json"),
            "1.2",
            counts(0, 0, 0, 0),
            0,
            1,
        ),
        (
            fixture!("numerics.plan.json"),
            "1.2",
            counts(1, 0, 0, 0),
            1,
            1,
        ),
        (
            fixture!("tf103-sandbox-ok.plan.json"),
            "0.2",
            counts(4, 0, 0, 0),
            4,
            4,
        ),
        (
            fixture!("tf103-sandbox-ok-replace.plan.json"),
            "0.2",
            counts(1, 0, 1, 1),
            1,
            4,
        ),
        (
            fixture!("tf103-sensitive.plan.json"),
            "0.2",
            counts(1, 0, 0, 0),
            1,
            1,
        ),
    ];
    for (json, format_version, expected_counts, listed, addresses) in cases {
        let summary = plan(json);
        assert_eq!(summary.format_version, format_version);
        assert_eq!(summary.counts, expected_counts, "format {format_version}");
        assert_eq!(
            summary.resource_changes.len(),
            listed,
            "format {format_version}"
        );
        assert_eq!(
            summary.planned_addresses.len(),
            addresses,
            "format {format_version}"
        );
    }
}

#[test]
fn data_source_reads_are_listed_but_not_counted() {
    let summary = plan(fixture!("013_module_depends_on.plan.json"));
    let read = summary
        .resource_changes
        .iter()
        .find(|change| change.address == "module.foo.data.null_data_source.data")
        .expect("data source change");
    assert_eq!(read.action, ChangeAction::Read);
    assert_eq!(summary.counts.add, 2);
}

#[test]
fn replacements_keep_their_order_and_reason() {
    let tainted = plan(fixture!("action_reason.plan.json"));
    assert_eq!(
        tainted.resource_changes[0].action,
        ChangeAction::DeleteCreate
    );
    assert_eq!(
        tainted.resource_changes[0].reason.as_deref(),
        Some("replace_because_tainted")
    );

    let requested = plan(fixture!("tf103-sandbox-ok-replace.plan.json"));
    let change = &requested.resource_changes[0];
    assert_eq!(change.address, "null_resource.container[0]");
    assert_eq!(change.action, ChangeAction::DeleteCreate);
    assert_eq!(change.reason.as_deref(), Some("replace_by_request"));
    assert!(change.action.destroys());
    // A replacement asked for by hand changes no attribute but the id, which is only known after apply: the old id
    // only disappears from the known values, so it is no removal to show, and the new one is a marker.
    assert_eq!(
        change.attributes,
        [crate::contracts::AttributeChange {
            side: crate::contracts::AttributeSide::After,
            path: "id".into(),
            value: crate::contracts::AttributeValue::Unknown,
        }]
    );
}

#[test]
fn every_action_list_maps_to_one_action() {
    let cases = [
        (vec!["no-op"], ChangeAction::NoOp),
        (vec!["create"], ChangeAction::Create),
        (vec!["read"], ChangeAction::Read),
        (vec!["update"], ChangeAction::Update),
        (vec!["delete"], ChangeAction::Delete),
        (vec!["delete", "create"], ChangeAction::DeleteCreate),
        (vec!["create", "delete"], ChangeAction::CreateDelete),
        (vec!["forget"], ChangeAction::Forget),
    ];
    for (actions, expected) in cases {
        let actions: Vec<String> = actions.into_iter().map(str::to_owned).collect();
        assert_eq!(
            change_action("a.b", &actions).unwrap(),
            expected,
            "{actions:?}"
        );
    }
    let error = change_action("a.b", &["create".to_owned(), "explode".to_owned()]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("resource a.b in the plan has actions"),
        "{error}"
    );
}

#[test]
fn create_before_destroy_counts_as_a_replacement() {
    let json = json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "a.b", "mode": "managed", "change": {"actions": ["create", "delete"], "before": {"x": 1}, "after": {"x": 2}}},
            {"address": "a.c", "mode": "managed", "change": {"actions": ["delete"], "before": {"x": 1}, "after": null}},
            {"address": "a.d", "mode": "managed", "change": {"actions": ["no-op"], "before": {}, "after": {}}}
        ]
    });
    let summary = plan(&json.to_string());
    assert_eq!(summary.counts, counts(1, 0, 2, 1));
    assert_eq!(
        summary.resource_changes[0].action,
        ChangeAction::CreateDelete
    );
    assert_eq!(
        summary.resource_changes[1].attributes,
        [],
        "a delete shows no attributes"
    );
    assert_eq!(summary.resource_changes.len(), 2, "no-ops are not listed");
}

#[test]
fn child_module_addresses_are_walked() {
    let summary = plan(fixture!("has_checks.plan.json"));
    assert_eq!(
        summary.planned_addresses,
        [
            r#"module.files.local_file.foo["file1.txt"]"#,
            r#"module.files.local_file.foo["file2.txt"]"#
        ]
    );
    let state = parse_state_json(fixture!("110_sensitive_values.state.json")).unwrap();
    assert!(
        state
            .resource_addresses
            .contains(&"module.foo.null_resource.aliased".to_owned())
    );
    assert!(
        state
            .resource_addresses
            .contains(&"null_resource.baz[2]".to_owned())
    );
    assert_eq!(state.resource_addresses.len(), 7);
}

#[test]
fn sensitive_values_never_come_out_of_a_plan() {
    let summary = plan(fixture!("tf103-sensitive.plan.json"));
    let shown = crate::render::changes::attribute_diff(&summary.resource_changes[0].attributes);
    assert!(
        shown.contains("+ triggers.token = (sensitive)\n"),
        "{shown}"
    );
    assert!(
        shown.contains("+ triggers.name = \"visible-name\"\n"),
        "{shown}"
    );
    assert_eq!(summary.planned_outputs["token"], SENSITIVE_PLACEHOLDER);
    assert_eq!(summary.planned_outputs["name"], "visible-name");
    assert!(!format!("{summary:?}").contains("SECRET-TOKEN-VALUE"));

    let older = plan(fixture!("110_sensitive_values.plan.json"));
    assert_eq!(older.planned_outputs["foo"], SENSITIVE_PLACEHOLDER);
}

#[test]
fn masked_values_are_handed_back_for_the_redactor() {
    let secret = json!("SECRET-TOKEN-VALUE");
    let plan = plan(fixture!("tf103-sensitive.plan.json"));
    assert_eq!(plan.sensitive_values.iter().collect::<Vec<_>>(), [&secret]);
    let state = parse_state_json(fixture!("tf103-sensitive.state.json")).unwrap();
    assert_eq!(state.sensitive_values.iter().collect::<Vec<_>>(), [&secret]);
    let healthy = parse_state_json(fixture!("tf103-sandbox-ok.state.json")).unwrap();
    assert!(healthy.sensitive_values.is_empty());
}

#[test]
fn outputs_known_only_after_apply_are_absent() {
    let summary = plan(fixture!("120_basic.plan.json"));
    assert!(!summary.planned_outputs.contains_key("interpolated"));
    assert_eq!(summary.planned_outputs["list"], json!(["foo", "bar"]));
    // Named apart, so "not known yet" is not mistaken for "the project has no such output".
    assert_eq!(
        summary.unknown_outputs,
        [
            "interpolated",
            "interpolated_deep",
            "referenced",
            "referenced_deep"
        ]
    );
    let sandbox = plan(fixture!("tf103-sandbox-ok.plan.json"));
    assert_eq!(sandbox.planned_outputs["guests"][2]["name"], "sandbox-2");
    assert!(sandbox.unknown_outputs.is_empty());
}

#[test]
fn states_of_every_format_are_read_with_outputs_masked() {
    for (json, format_version, addresses) in [
        (fixture!("110_sensitive_values.state.json"), "0.2", 7),
        (fixture!("has_checks.state.json"), "1.0", 2),
        (fixture!("identity.state.json"), "1.0", 2),
        (fixture!("tf103-sandbox-ok.state.json"), "0.2", 4),
        (fixture!("tf103-sensitive.state.json"), "0.2", 1),
    ] {
        let state = parse_state_json(json).unwrap();
        assert_eq!(state.format_version, format_version);
        assert_eq!(
            state.resource_addresses.len(),
            addresses,
            "state {format_version}"
        );
        assert!(!format!("{state:?}").contains("SECRET-TOKEN-VALUE"));
    }
    let state = parse_state_json(fixture!("tf103-sandbox-ok.state.json")).unwrap();
    assert_eq!(state.outputs["guests"][0]["vmid"], 200);
}

#[test]
fn an_empty_state_has_no_addresses() {
    let state =
        parse_state_json(r#"{"format_version":"0.2","terraform_version":"1.0.3"}"#).unwrap();
    assert!(state.resource_addresses.is_empty());
    assert!(state.outputs.is_empty());
}

#[test]
fn broken_documents_are_clear_errors() {
    let invalid_plan = parse_plan_json(fixture!("invalid.plan.json")).unwrap_err();
    assert!(
        matches!(
            invalid_plan,
            PlanJsonError::Malformed {
                document: "plan",
                ..
            }
        ),
        "{invalid_plan}"
    );
    assert!(
        invalid_plan.to_string().contains("line"),
        "names the position: {invalid_plan}"
    );
    let invalid_state = parse_state_json(fixture!("invalid.state.json")).unwrap_err();
    assert!(matches!(
        invalid_state,
        PlanJsonError::Malformed {
            document: "state",
            ..
        }
    ));
    let missing = parse_plan_json(r#"{"resource_changes": []}"#).unwrap_err();
    assert!(
        missing.to_string().contains("no format_version"),
        "{missing}"
    );
}

#[test]
fn format_version_2_is_refused_clearly() {
    for found in ["2.0", "10.1", "x.y"] {
        let json = json!({"format_version": found, "resource_changes": []}).to_string();
        let error = parse_plan_json(&json).unwrap_err();
        assert!(
            matches!(&error, PlanJsonError::UnsupportedFormatVersion { found: seen, .. } if seen == found),
            "{error}"
        );
        assert!(error.to_string().contains("reads 0.x and 1.x"), "{error}");
    }
}

#[test]
fn the_refreshed_prior_state_is_read_beside_the_planned_values() {
    // What a check validates: the resources and outputs that exist now, not what the code would make.
    let summary = plan(
        r#"{
          "format_version": "1.0",
          "planned_values": {"outputs": {"guests": {"sensitive": false, "value": []}},
            "root_module": {"resources": [
              {"address": "null_resource.container[0]"}, {"address": "null_resource.dns_record"}]}},
          "prior_state": {"format_version": "1.0", "values": {
            "outputs": {"guests": {"sensitive": false, "value": [{"vmid": 200, "kind": "lxc"}]},
                        "token": {"sensitive": true, "value": "prior-secret-77"}},
            "root_module": {"resources": [{"address": "null_resource.container[0]"}]}}},
          "resource_changes": [{"address": "null_resource.dns_record", "change": {"actions": ["create"]}}]
        }"#,
    );
    assert_eq!(summary.prior_addresses, ["null_resource.container[0]"]);
    assert_eq!(summary.prior_outputs["guests"][0]["vmid"], 200);
    assert_ne!(summary.prior_outputs["token"], json!("prior-secret-77"));
    assert!(
        summary
            .sensitive_values
            .iter()
            .any(|value| value == &json!("prior-secret-77")),
        "a sensitive prior output goes to the redactor"
    );
    assert_eq!(summary.planned_addresses.len(), 2);
}
