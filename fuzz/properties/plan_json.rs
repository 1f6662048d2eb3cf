//! The JSON of `terraform show -json` (plans and states). Besides not panicking on
//! any input, an output marked sensitive must come out masked.
//!
//! Shared by the fuzz target of the same name and by the seed replay in the main test suite
//! (`tests/it/fuzz_seeds.rs`), so the CI smoke checks the same properties the fuzzer does.

use agentlab::contracts::{AttributeSide, AttributeValue};
use agentlab::terraform::plan::{parse_plan_json, parse_state_json};
use agentlab::terraform::sensitive::SENSITIVE_PLACEHOLDER;
use serde_json::Value;

/// Names of the outputs in `outputs` (a `{NAME: {sensitive, value}}` object) marked sensitive with a value.
fn sensitive_output_names(outputs: Option<&Value>) -> Vec<String> {
    let Some(Value::Object(outputs)) = outputs else {
        return Vec::new();
    };
    outputs
        .iter()
        .filter(|(_, output)| {
            output.get("sensitive") == Some(&Value::Bool(true))
                && output.get("value").is_some_and(|value| !value.is_null())
        })
        .map(|(name, _)| name.clone())
        .collect()
}

fn assert_masked(
    document: &str,
    outputs: &std::collections::BTreeMap<String, Value>,
    names: &[String],
) {
    for name in names {
        let value = outputs.get(name).and_then(Value::as_str);
        assert_eq!(
            value,
            Some(SENSITIVE_PLACEHOLDER),
            "{document}: sensitive output {name} is not masked"
        );
    }
}

/// Panics when the property does not hold for `data`.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let raw: Option<Value> = serde_json::from_str(text).ok();
    let raw_field = |name: &str| raw.as_ref().and_then(|raw| raw.get(name));

    if let Ok(plan) = parse_plan_json(text) {
        let planned = raw_field("planned_values").and_then(|values| values.get("outputs"));
        assert_masked(
            "plan",
            &plan.planned_outputs,
            &sensitive_output_names(planned),
        );
        for change in &plan.resource_changes {
            // The parser keeps whatever it was given for `after`; with a marker of `true` it must be masked. The
            // markers are read from the document parsed as a whole, which can fail where the streaming parser
            // does not (a lone surrogate escape in a part it skips): with no raw change to read, nothing is
            // known to be marked.
            let raw_changes: Vec<&Value> = raw_field("resource_changes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|raw_change| {
                    raw_change.get("address").and_then(Value::as_str) == Some(&change.address)
                })
                .collect();
            let marked_whole = !raw_changes.is_empty()
                && raw_changes.iter().all(|raw_change| {
                    raw_change.pointer("/change/after_sensitive") == Some(&Value::Bool(true))
                });
            if marked_whole {
                assert!(
                    change.attributes.iter().all(|attribute| {
                        attribute.side == AttributeSide::Before
                            || matches!(
                                attribute.value,
                                AttributeValue::Sensitive | AttributeValue::Unknown
                            )
                    }),
                    "after of {}",
                    change.address
                );
            }
        }
    }
    if let Ok(state) = parse_state_json(text) {
        let outputs = raw_field("values").and_then(|values| values.get("outputs"));
        assert_masked("state", &state.outputs, &sensitive_output_names(outputs));
    }
}
