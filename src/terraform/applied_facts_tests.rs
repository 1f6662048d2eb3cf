//! The facts after apply from recorded terraform 1.0.3 output: the same as the state's `show -json` when the
//! apply went through, and a reason to read the state when it did not.

use serde_json::json;

use super::*;
use crate::terraform::plan::{PlanSummary, parse_plan_json, parse_state_json};
use crate::terraform::ui::UiEventReader;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../tests/fixtures/terraform-json/", $name))
    };
}

fn stream(jsonl: &str) -> ApplyStreamFacts {
    let mut facts = ApplyStreamFacts::default();
    for event in UiEventReader::new(jsonl.as_bytes()) {
        facts.observe(&event.expect("a readable line").kind);
    }
    facts
}

fn planned(plan: &PlanSummary) -> PlannedFacts<'_> {
    PlannedFacts {
        changes: &plan.resource_changes,
        addresses: &plan.planned_addresses,
        known_outputs: &plan.planned_outputs,
        unknown_outputs: &plan.unknown_outputs,
    }
}

#[test]
fn a_whole_apply_gives_what_the_state_says() {
    let plan = parse_plan_json(fixture!("tf103-sandbox-ok.plan.json")).unwrap();
    let state = parse_state_json(fixture!("tf103-sandbox-ok.state.json")).unwrap();
    let facts = facts_after_apply(
        planned(&plan),
        &stream(fixture!("tf103-sandbox-ok.apply.jsonl")),
    )
    .expect("answered without the state");
    assert_eq!(facts.resource_addresses, state.resource_addresses);
    assert_eq!(facts.outputs, state.outputs);
    assert_eq!(facts.outputs["guests"][0]["vmid"], json!(200));
}

#[test]
fn sensitive_outputs_are_masked_the_same_way_as_in_the_state() {
    let plan = parse_plan_json(fixture!("tf103-sensitive.plan.json")).unwrap();
    let state = parse_state_json(fixture!("tf103-sensitive.state.json")).unwrap();
    let facts = facts_after_apply(
        planned(&plan),
        &stream(fixture!("tf103-sensitive.apply.jsonl")),
    )
    .expect("answered without the state");
    assert_eq!(facts.outputs, state.outputs);
    assert!(!format!("{facts:?}").contains("SECRET-TOKEN-VALUE"));
}

#[test]
fn a_partial_apply_needs_the_state() {
    // fault-vmid-conflict: container[1] errored, 0 and 2 were created.
    let changes: Vec<ResourceChange> = (0..3)
        .map(|index| ResourceChange {
            address: format!("null_resource.container[{index}]"),
            action: ChangeAction::Create,
            reason: None,
            attributes: Vec::new(),
        })
        .collect();
    let addresses: Vec<String> = changes.iter().map(|c| c.address.clone()).collect();
    let planned = PlannedFacts {
        changes: &changes,
        addresses: &addresses,
        known_outputs: &BTreeMap::new(),
        unknown_outputs: &[],
    };
    let why = facts_after_apply(
        planned,
        &stream(fixture!("tf103-fault-vmid-conflict.apply.jsonl")),
    )
    .unwrap_err();
    assert_eq!(
        why,
        "a partial apply: the apply reported errors for null_resource.container[1]"
    );
    // A stream that stops before a change completes (no error event at all) is partial too.
    let mut cut = ApplyStreamFacts::default();
    cut.completed.insert("null_resource.container[0]".into());
    let why = facts_after_apply(planned, &cut).unwrap_err();
    assert!(
        why.starts_with("a partial apply: the apply's stream confirms no completion of 2 of 3 planned changes: null_resource.container[1], null_resource.container[2]"),
        "{why}"
    );
}

#[test]
fn an_output_unknown_at_plan_time_comes_from_the_stream_or_from_the_state() {
    let known = BTreeMap::from([("name".to_string(), json!("web"))]);
    let unknown = vec!["address".to_string()];
    let planned = PlannedFacts {
        changes: &[],
        addresses: &[],
        known_outputs: &known,
        unknown_outputs: &unknown,
    };
    let why = facts_after_apply(planned, &ApplyStreamFacts::default()).unwrap_err();
    assert_eq!(
        why,
        "the apply's stream has no `outputs` message, and address was not known at plan time"
    );
    let streamed = ApplyStreamFacts {
        outputs: Some(BTreeMap::from([
            ("name".to_string(), Some(json!("web"))),
            ("address".to_string(), Some(json!("10.0.0.5"))),
        ])),
        ..ApplyStreamFacts::default()
    };
    let facts = facts_after_apply(planned, &streamed).unwrap();
    assert_eq!(facts.outputs["address"], json!("10.0.0.5"));
    // No outputs at all and nothing unknown: the plan's known outputs are the answer.
    let no_unknowns = PlannedFacts {
        unknown_outputs: &[],
        ..planned
    };
    let facts = facts_after_apply(no_unknowns, &ApplyStreamFacts::default()).unwrap();
    assert_eq!(facts.outputs, known);
}

#[test]
fn a_streamed_output_without_the_value_the_plan_knew_needs_the_state() {
    let known = BTreeMap::from([("guests".to_string(), json!([]))]);
    let planned = PlannedFacts {
        changes: &[],
        addresses: &[],
        known_outputs: &known,
        unknown_outputs: &[],
    };
    let valueless = ApplyStreamFacts {
        outputs: Some(BTreeMap::from([("guests".to_string(), None)])),
        ..ApplyStreamFacts::default()
    };
    assert!(
        facts_after_apply(planned, &valueless)
            .unwrap_err()
            .contains("gives no value for `guests`")
    );
    // A null the plan did not know either is simply no output, as in the state.
    let nothing_known = BTreeMap::new();
    let planned = PlannedFacts {
        known_outputs: &nothing_known,
        ..planned
    };
    assert!(
        facts_after_apply(planned, &valueless)
            .unwrap()
            .outputs
            .is_empty()
    );
}
