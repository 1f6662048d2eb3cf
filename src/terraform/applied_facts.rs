//! What exists after a successful apply, told from what agentlab already holds, so a deploy runs `terraform show
//! -json` once (of the saved plan) instead of twice.
//!
//! After `apply PLANFILE` succeeds, the resources are the saved plan's planned values, provided every change the
//! plan made was carried out: the apply's stream confirms each one with an `apply_complete` event. The outputs are
//! the apply's own `outputs` message (values included, sensitive ones masked), or, when the stream has none, the
//! plan's known outputs. When those cannot answer — an apply that errored or stopped part-way (a partial apply), a
//! change with no completion event, an output that was unknown at plan time and is not in the stream — the caller
//! reads the state with `show -json` instead, and [`facts_after_apply`] says why. Both ways give the same facts:
//! `tests/it/applied_facts.rs` compares them on every sandbox project.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::ui::UiEventKind;
use crate::contracts::{ChangeAction, ResourceChange};

/// How many addresses a reason names before it says "and N more".
const MAX_NAMED: usize = 5;

/// What the apply's stream said that the facts need, gathered event by event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyStreamFacts {
    /// Addresses with an `apply_complete` event.
    completed: BTreeSet<String>,
    /// Addresses with an `apply_errored` event.
    errored: BTreeSet<String>,
    /// The `outputs` message, when there was one: each output's value (`None`: the message gave none).
    outputs: Option<BTreeMap<String, Option<Value>>>,
}

impl ApplyStreamFacts {
    /// Takes what one event of the apply's stream adds.
    pub fn observe(&mut self, event: &UiEventKind) {
        match event {
            UiEventKind::ApplyComplete(hook) => {
                self.completed.insert(hook.resource.addr.clone());
            }
            UiEventKind::ApplyErrored(hook) => {
                self.errored.insert(hook.resource.addr.clone());
            }
            UiEventKind::Outputs(outputs) => {
                let values = outputs
                    .iter()
                    .map(|(name, output)| (name.clone(), output.value.clone()))
                    .collect();
                self.outputs = Some(values);
            }
            _ => {}
        }
    }
}

/// What the saved plan said, as the Terraform agent keeps it.
#[derive(Debug, Clone, Copy)]
pub struct PlannedFacts<'a> {
    /// Every change except no-ops.
    pub changes: &'a [ResourceChange],
    /// The planned values' addresses.
    pub addresses: &'a [String],
    /// The outputs known at plan time, sensitive ones masked.
    pub known_outputs: &'a BTreeMap<String, Value>,
    /// The outputs only known after apply.
    pub unknown_outputs: &'a [String],
}

/// The facts after a successful apply: what the state's `show -json` would have said.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedFacts {
    pub resource_addresses: Vec<String>,
    pub outputs: BTreeMap<String, Value>,
}

/// The facts after a successful apply from the saved plan and the apply's stream, or why they cannot be told
/// from those (then the state must be read).
pub fn facts_after_apply(
    planned: PlannedFacts<'_>,
    stream: &ApplyStreamFacts,
) -> Result<AppliedFacts, String> {
    if !stream.errored.is_empty() {
        return Err(format!(
            "a partial apply: the apply reported errors for {}",
            named(stream.errored.iter())
        ));
    }
    let unconfirmed: Vec<&String> = planned
        .changes
        .iter()
        .filter(|change| change.action != ChangeAction::NoOp)
        .map(|change| &change.address)
        .filter(|address| !stream.completed.contains(*address))
        .collect();
    if !unconfirmed.is_empty() {
        return Err(format!(
            "a partial apply: the apply's stream confirms no completion of {} of {} planned changes: {}",
            unconfirmed.len(),
            planned.changes.len(),
            named(unconfirmed.into_iter())
        ));
    }
    let outputs = match &stream.outputs {
        Some(streamed) => outputs_from_the_stream(streamed, planned.known_outputs)?,
        None if planned.unknown_outputs.is_empty() => planned.known_outputs.clone(),
        None => {
            return Err(format!(
                "the apply's stream has no `outputs` message, and {} {} not known at plan time",
                named(planned.unknown_outputs.iter()),
                if planned.unknown_outputs.len() == 1 {
                    "was"
                } else {
                    "were"
                }
            ));
        }
    };
    Ok(AppliedFacts {
        resource_addresses: planned.addresses.to_vec(),
        outputs,
    })
}

/// The `outputs` message's values. An output without a value is null (the state keeps no null outputs), unless
/// the plan knew a value for it: then the message is not telling everything, and the state must say.
fn outputs_from_the_stream(
    streamed: &BTreeMap<String, Option<Value>>,
    known_at_plan_time: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, String> {
    let mut outputs = BTreeMap::new();
    for (name, value) in streamed {
        match value {
            Some(value) if !value.is_null() => {
                outputs.insert(name.clone(), value.clone());
            }
            _ if known_at_plan_time
                .get(name)
                .is_some_and(|known| !known.is_null()) =>
            {
                return Err(format!(
                    "the apply's `outputs` message gives no value for `{name}`, which the plan knew"
                ));
            }
            _ => {}
        }
    }
    Ok(outputs)
}

fn named<'a>(addresses: impl Iterator<Item = &'a String>) -> String {
    let addresses: Vec<&str> = addresses.map(String::as_str).collect();
    let shown = addresses[..addresses.len().min(MAX_NAMED)].join(", ");
    match addresses.len().saturating_sub(MAX_NAMED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
#[path = "applied_facts_tests.rs"]
mod tests;
