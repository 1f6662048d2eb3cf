//! One project's scheduled check, driven through the same agents a deploy uses: the Terraform agent in mode
//! `check` (init, a refresh-and-plan with `-detailed-exitcode`, never an apply, never `-lock=false`), then the
//! Validator's live checks on the refreshed state, then, only for a failing check or a check that could not run,
//! the diagnoser the command chose (the known-failure catalogue at $0 unless `--diagnose` asked for the LLM).
//! Drift is not a failure: it is never diagnosed. The result is a [`RunRecord`] of mode `check` whose
//! [`CheckFindings`] say `in-sync`, `drifted`, `unhealthy` or `error`, with the real error first.

use crate::contracts::{
    Attempt, CheckFindings, CheckStatus, CheckVerdict, Diagnosis, DiagnosisRequest, Outcome,
    RunContext, RunMode, RunRecord, SCHEMA_VERSION, StateName, TerraformPhase, TerraformRequest,
    TerraformResult, Transition, ValidationRequest, ValidationResult,
};
use crate::planner::agents::Agents;
use crate::planner::validation_facts::{ValidationPlan, validation_request};
use crate::validator::guest_label;

/// What one project's check needs.
#[derive(Debug, Clone)]
pub struct ProjectCheck {
    pub run_id: String,
    /// Mode `check`: plans, never applies.
    pub request: TerraformRequest,
    pub validation: ValidationPlan,
    pub context: RunContext,
    /// When the check started, Unix seconds (UTC).
    pub checked_at_unix: u64,
}

/// Runs one project's check. Never errs: an agent that could not do its job makes an `error` verdict.
pub async fn check_project(check: ProjectCheck, agents: Agents<'_>) -> RunRecord {
    debug_assert_eq!(check.request.mode, RunMode::Check);
    let mut log = TransitionLog::default();
    log.push(
        StateName::Init,
        StateName::Running,
        "check: refresh and plan the default branch's code (never applied)",
    );
    let terraform = match agents.terraform.run(&check.request).await {
        Ok(result) => result,
        Err(error) => {
            let reason = error.to_string();
            log.push(StateName::Running, StateName::Failed, &reason);
            return record(&check, log, Vec::new(), error_findings(&check, reason));
        }
    };
    let mut attempt = Attempt {
        attempt: 1,
        parallelism: check.request.parallelism,
        remediation_applied: None,
        terraform,
        validation: None,
        diagnosis: None,
        validation_ms: None,
        diagnosis_ms: None,
    };
    if !attempt.terraform.ok {
        let reason = terraform_error(&attempt.terraform);
        log.push(StateName::Running, StateName::Diagnosing, &reason);
        attempt.diagnosis = Some(diagnose(&check, &attempt, &log, agents).await);
        log.push(
            StateName::Diagnosing,
            StateName::Failed,
            "the check could not run; nothing is retried on a schedule",
        );
        return record(&check, log, vec![attempt], error_findings(&check, reason));
    }
    log.push(
        StateName::Running,
        StateName::Validating,
        "plan read; live checks on the refreshed state",
    );
    let request = validation_request(
        &check.request.project,
        RunMode::Check,
        &check.validation,
        &attempt.terraform,
    );
    let validation = match agents.validator.validate(&request).await {
        Ok(validation) => validation,
        Err(error) => {
            let reason = error.to_string();
            log.push(StateName::Validating, StateName::Failed, &reason);
            return record(&check, log, vec![attempt], error_findings(&check, reason));
        }
    };
    let findings = findings(&check, &attempt.terraform, &request, &validation);
    attempt.validation = Some(validation);
    if findings.is_unhealthy() {
        log.push(
            StateName::Validating,
            StateName::Diagnosing,
            &format!("live checks failed: {}", findings.failed_checks.join(", ")),
        );
        attempt.diagnosis = Some(diagnose(&check, &attempt, &log, agents).await);
        log.push(StateName::Diagnosing, StateName::Failed, "unhealthy");
    } else if findings.is_drifted() {
        log.push(
            StateName::Validating,
            StateName::Failed,
            "drifted: the plan would change what is deployed (not diagnosed: drift is not a failure)",
        );
    } else {
        log.push(
            StateName::Validating,
            StateName::Success,
            "in sync and healthy",
        );
    }
    record(&check, log, vec![attempt], findings)
}

/// The facts of a check that ran: what the plan would change, which checks failed and for which guests.
pub fn findings(
    check: &ProjectCheck,
    terraform: &TerraformResult,
    request: &ValidationRequest,
    validation: &ValidationResult,
) -> CheckFindings {
    let drifted_resources: Vec<String> = terraform
        .resource_changes
        .iter()
        .filter(|change| change.action != crate::contracts::ChangeAction::Read)
        .map(|change| format!("{} ({})", change.address, action_word(change.action)))
        .collect();
    let failed_checks: Vec<String> = validation
        .failed_checks()
        .map(|check| check.name.as_str().to_string())
        .collect();
    let unhealthy_guests = unhealthy_guest_labels(request, validation);
    let verdict = if !failed_checks.is_empty() {
        CheckVerdict::Unhealthy
    } else if !drifted_resources.is_empty() {
        CheckVerdict::Drifted
    } else {
        CheckVerdict::InSync
    };
    CheckFindings {
        verdict,
        checked_at_unix: check.checked_at_unix,
        drifted_resources,
        unhealthy_guests,
        failed_checks,
        error: None,
    }
}

/// The guests a failed guest check names: its first N evidence lines are its failures ("N of M guests ..."), each
/// opening with the guest's label.
fn unhealthy_guest_labels(
    request: &ValidationRequest,
    validation: &ValidationResult,
) -> Vec<String> {
    let labels: Vec<String> = request
        .guests
        .iter()
        .map(|guest| guest_label(guest, &request.default_node))
        .collect();
    let mut unhealthy = std::collections::BTreeSet::new();
    for check in validation
        .checks
        .iter()
        .filter(|check| check.status == CheckStatus::Fail)
    {
        let failed_count = check
            .detail
            .split_whitespace()
            .next()
            .and_then(|count| count.parse::<usize>().ok())
            .unwrap_or(0);
        for line in check.evidence.iter().take(failed_count) {
            if let Some(label) = labels
                .iter()
                .find(|label| line.starts_with(&format!("{label}: ")))
            {
                unhealthy.insert(label.clone());
            }
        }
    }
    unhealthy.into_iter().collect()
}

fn action_word(action: crate::contracts::ChangeAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{action:?}"))
}

/// Terraform's first error (summary, then detail), else how it ended.
fn terraform_error(result: &TerraformResult) -> String {
    let phase = match result.phase {
        TerraformPhase::Init => "init",
        TerraformPhase::Plan => "plan",
        TerraformPhase::Apply => "apply",
    };
    if let Some(error) = result.errors().next() {
        let detail = error.detail.trim();
        return if detail.is_empty() {
            format!("terraform {phase}: {}", error.summary)
        } else {
            format!("terraform {phase}: {} — {detail}", error.summary)
        };
    }
    match (result.cancelled, result.exit_code) {
        (true, _) => format!("terraform {phase} was stopped before the check finished"),
        (false, Some(code)) => format!("terraform {phase} exited with {code} and printed no error"),
        (false, None) => format!("terraform {phase} was killed and printed no error"),
    }
}

fn error_findings(check: &ProjectCheck, error: String) -> CheckFindings {
    CheckFindings {
        verdict: CheckVerdict::Error,
        checked_at_unix: check.checked_at_unix,
        drifted_resources: Vec::new(),
        unhealthy_guests: Vec::new(),
        failed_checks: Vec::new(),
        error: Some(error),
    }
}

async fn diagnose(
    check: &ProjectCheck,
    attempt: &Attempt,
    log: &TransitionLog,
    agents: Agents<'_>,
) -> Diagnosis {
    let request = DiagnosisRequest {
        project: check.request.project.clone(),
        dir: check.request.dir.clone(),
        mode: RunMode::Check,
        attempt: 1,
        terraform: attempt.terraform.clone(),
        validation: attempt.validation.clone(),
        transitions: log.0.clone(),
        previous: Vec::new(),
        spent_usd: 0.0,
        spent_tokens: 0,
    };
    agents.diagnoser.diagnose(&request).await
}

#[derive(Default)]
struct TransitionLog(Vec<Transition>);

impl TransitionLog {
    fn push(&mut self, from: StateName, to: StateName, reason: &str) {
        self.0.push(Transition {
            from,
            to,
            reason: reason.to_string(),
        });
    }
}

fn record(
    check: &ProjectCheck,
    log: TransitionLog,
    attempts: Vec<Attempt>,
    findings: CheckFindings,
) -> RunRecord {
    let diagnoses = || {
        attempts
            .iter()
            .filter_map(|attempt| attempt.diagnosis.as_ref())
    };
    let in_sync = findings.verdict == CheckVerdict::InSync;
    let failure_reason = match findings.verdict {
        CheckVerdict::InSync => None,
        CheckVerdict::Error => findings.error.clone(),
        CheckVerdict::Drifted | CheckVerdict::Unhealthy => {
            let mut parts = Vec::new();
            if findings.is_unhealthy() {
                parts.push(format!(
                    "unhealthy: {} failed",
                    findings.failed_checks.join(", ")
                ));
            }
            if findings.is_drifted() {
                parts.push(format!(
                    "drifted: the plan would change {}",
                    findings.drifted_resources.join(", ")
                ));
            }
            Some(parts.join("; "))
        }
    };
    RunRecord {
        schema_version: SCHEMA_VERSION,
        run_id: check.run_id.clone(),
        project: check.request.project.clone(),
        mode: RunMode::Check,
        outcome: if in_sync {
            Outcome::Success
        } else {
            Outcome::Failed
        },
        failure_reason,
        llm_calls: diagnoses().map(Diagnosis::llm_calls).sum(),
        cost_usd: crate::contracts::sum_dollars(diagnoses().map(Diagnosis::cost_usd)),
        context: check.context.clone(),
        transitions: log.0,
        attempts,
        held_for_a_person: None,
        check: Some(findings),
    }
}

#[cfg(test)]
#[path = "check_run_tests.rs"]
mod tests;
