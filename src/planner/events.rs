//! What the agents' answers mean to the state machine: one [`Event`] per answer, with the one-line reason the
//! transition will record.
//!
//! The driver (`run`) hands each answer here and feeds the event to the machine; nothing here waits or does IO, so
//! every mapping is checked by a table test.

use crate::contracts::{
    ChangeAction, Diagnosis, TerraformPhase, TerraformResult, ValidationResult,
};
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

/// A validation result as an event, naming the failed checks; cancelled when a stop request ended the wait for
/// the guests to settle.
pub fn validation_event(result: &ValidationResult) -> Event {
    if result.cancelled {
        return Event::Cancelled;
    }
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

/// A diagnosis as an event: its hypothesis, or why there is none; with the addresses whose create or update failed
/// in the Terraform result it diagnosed, the only ones a `replace` may name.
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
        failed_addresses: failed_addresses(diagnosed),
    }
}

/// The resources whose create or update failed during `apply`: an error diagnostic names them (Terraform's
/// `address`), and the plan created, updated or re-created them. Never a resource that merely sits in the plan
/// or the state: a failed plan or a failing check names none. Sorted, each once.
pub fn failed_addresses(terraform: &TerraformResult) -> Vec<String> {
    if terraform.phase != TerraformPhase::Apply {
        return Vec::new();
    }
    let created_or_updated = |address: &str| {
        terraform.resource_changes.iter().any(|change| {
            change.address == address
                && matches!(
                    change.action,
                    ChangeAction::Create
                        | ChangeAction::Update
                        | ChangeAction::DeleteCreate
                        | ChangeAction::CreateDelete
                )
        })
    };
    let mut addresses: Vec<String> = terraform
        .errors()
        .filter_map(|diagnostic| diagnostic.address.as_deref())
        .filter(|address| created_or_updated(address))
        .map(str::to_string)
        .collect();
    addresses.sort();
    addresses.dedup();
    addresses
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
