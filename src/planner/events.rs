//! What the agents' answers mean to the state machine: one [`Event`] per answer, with the one-line reason the
//! transition will record.
//!
//! The driver (`run`) hands each answer here and feeds the event to the machine; nothing here waits or does IO, so
//! every mapping is checked by a table test.

use crate::contracts::{Diagnosis, TerraformResult, ValidationResult};
use crate::planner::machine::{DiagnosisOutcome, Event};

/// A Terraform result as an event: cancelled, or finished with its summary.
pub fn terraform_event(result: &TerraformResult) -> Event {
    if result.cancelled {
        return Event::Cancelled;
    }
    if let Some(refusal) = &result.refusal {
        return Event::Refused {
            reason: refusal.reason.clone(),
        };
    }
    Event::TerraformFinished {
        ok: result.ok,
        summary: terraform_summary(result),
    }
}

/// One line about a Terraform result: the first error when it failed, the change counts when it did not.
pub fn terraform_summary(result: &TerraformResult) -> String {
    if result.ok {
        let changes = result.changes;
        return format!(
            "{} to add, {} to change, {} to destroy ({} replaced)",
            changes.add, changes.change, changes.destroy, changes.replace
        );
    }
    match result.errors().next() {
        Some(error) => {
            let detail = error
                .detail
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("");
            if detail.is_empty() {
                error.summary.clone()
            } else {
                format!("{}: {}", error.summary, detail.trim())
            }
        }
        None => match result.exit_code {
            Some(code) => format!("{:?} exited with status {code}", result.phase).to_lowercase(),
            None => format!("{:?} was stopped by a signal", result.phase).to_lowercase(),
        },
    }
}

/// A validation result as an event, naming the failed checks.
pub fn validation_event(result: &ValidationResult) -> Event {
    let failed: Vec<&str> = result
        .failed_checks()
        .map(|check| check.name.as_str())
        .collect();
    let summary = if failed.is_empty() {
        format!("{} checks, none failed", result.checks.len())
    } else {
        format!("{} failed", failed.join(", "))
    };
    Event::ValidationFinished {
        ok: result.ok,
        summary,
    }
}

/// A diagnosis as an event: its hypothesis, or why there is none; with the addresses of the Terraform result it
/// diagnosed, the only ones a `replace` may name.
pub fn diagnosis_event(diagnosis: &Diagnosis, diagnosed: &TerraformResult) -> Event {
    let outcome = match (&diagnosis.hypothesis, &diagnosis.detail) {
        (Some(hypothesis), _) => DiagnosisOutcome::Hypothesis(hypothesis.clone()),
        (None, Some(detail)) => DiagnosisOutcome::Unavailable {
            reason: detail.clone(),
        },
        (None, None) => DiagnosisOutcome::Unavailable {
            reason: "no hypothesis".into(),
        },
    };
    Event::DiagnosisFinished {
        outcome,
        plan_addresses: plan_addresses(diagnosed),
    }
}

/// The planned changes' and the known resources' addresses, sorted, each once.
fn plan_addresses(terraform: &TerraformResult) -> Vec<String> {
    let mut addresses: Vec<String> = terraform
        .resource_changes
        .iter()
        .map(|change| change.address.clone())
        .collect();
    addresses.extend(terraform.resource_addresses.iter().cloned());
    addresses.sort();
    addresses.dedup();
    addresses
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
