//! The error first, the diagnosis second: the line every failure text leads with.
//!
//! A person reading a failed run wants what failed before what agentlab made of it. So the terminal line, the
//! `::error` annotation, the comment's "Why" and the incident's "Why it stopped" all start from [`failure_lead`]:
//! the phase and Terraform's first error (its summary and the first line of its detail), or the failing check.
//! The Planner's reason for stopping (a diagnosis that was unavailable, an escalation, the retry cap) follows as a
//! note, never in the error's place.

use crate::contracts::{Attempt, Outcome, Remediation, RunRecord};
use crate::render::sections::phase_label;
use crate::render::{inline_code, inline_data, plain_text, shorten};

/// The longest first line of an error's detail a lead carries; the whole detail is in the evidence.
const DETAIL_CHARS: usize = 300;

/// The Planner's stop reason when no diagnosis could be had; it is a note after the error.
const DIAGNOSIS_UNAVAILABLE: &str = "diagnosis unavailable";

/// What stopped the run's last attempt, in the words of whatever failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureLead {
    /// Terraform printed an error in `phase`.
    TerraformError {
        phase: &'static str,
        summary: String,
        /// The first non-empty line of the error's detail.
        detail: Option<String>,
        address: Option<String>,
    },
    /// Terraform failed in `phase` without an error it could be quoted by.
    TerraformExit {
        phase: &'static str,
        exit_code: Option<i32>,
    },
    /// Terraform succeeded and a validator check failed.
    Check { name: &'static str, detail: String },
}

/// The lead of a failed run: `None` for a success, a run refused before applying (the refusal is the reason), a
/// cancelled one, or one that ended before any attempt.
pub fn failure_lead(record: &RunRecord) -> Option<FailureLead> {
    if record.outcome != Outcome::Failed {
        return None;
    }
    let attempt = record.last_attempt()?;
    if attempt.terraform.refusal.is_some() {
        return None;
    }
    attempt_lead(attempt)
}

/// What failed in one attempt, if anything did.
pub fn attempt_lead(attempt: &Attempt) -> Option<FailureLead> {
    let terraform = &attempt.terraform;
    if let Some(error) = terraform.errors().next() {
        return Some(FailureLead::TerraformError {
            phase: phase_label(terraform.phase),
            summary: error.summary.trim().to_string(),
            detail: error
                .detail
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty())
                .map(|line| shorten(line, DETAIL_CHARS)),
            address: error.address.clone(),
        });
    }
    if !terraform.ok {
        if terraform.cancelled {
            return None;
        }
        return Some(FailureLead::TerraformExit {
            phase: phase_label(terraform.phase),
            exit_code: terraform.exit_code,
        });
    }
    let check = attempt.validation.as_ref()?.failed_checks().next()?;
    Some(FailureLead::Check {
        name: check.name.as_str(),
        detail: check.detail.clone(),
    })
}

impl FailureLead {
    /// One line of plain text, for the terminal and the `::error` annotation.
    pub fn plain(&self) -> String {
        match self {
            Self::TerraformError {
                phase,
                summary,
                detail,
                address,
            } => {
                let mut line = format!("terraform {phase} failed: {summary}");
                if let Some(address) = address {
                    line.push_str(&format!(" ({address})"));
                }
                if let Some(detail) = detail {
                    line.push_str(&format!(" — {detail}"));
                }
                line
            }
            Self::TerraformExit { phase, exit_code } => format!(
                "terraform {phase} failed ({}) without an error message",
                exit_words(*exit_code)
            ),
            Self::Check { name, detail } => format!("check {name} failed: {detail}"),
        }
    }

    /// One line of Markdown: Terraform's words as inline code (they are data, never rendered).
    pub fn markdown(&self) -> String {
        match self {
            Self::TerraformError {
                phase,
                summary,
                detail,
                address,
            } => {
                let mut line = format!("terraform `{phase}` failed: {}", inline_data(summary));
                if let Some(address) = address {
                    line.push_str(&format!(" at {}", inline_code(address)));
                }
                if let Some(detail) = detail {
                    line.push_str(&format!(" — {}", inline_data(detail)));
                }
                line
            }
            Self::TerraformExit { phase, exit_code } => format!(
                "terraform `{phase}` failed ({}) without an error message; its log is in the run record",
                exit_words(*exit_code)
            ),
            Self::Check { name, detail } => {
                format!("check `{name}` failed: {}", plain_text(detail))
            }
        }
    }
}

fn exit_words(exit_code: Option<i32>) -> String {
    exit_code.map_or("stopped by a signal".to_string(), |code| {
        format!("exit {code}")
    })
}

/// The whole failure on one line of plain text: the error, then the Planner's reason for stopping. `None` for a
/// success.
pub fn failure_line(record: &RunRecord) -> Option<String> {
    if record.outcome != Outcome::Failed {
        return None;
    }
    let reason = record.failure_reason.as_deref();
    match (failure_lead(record), reason) {
        (Some(lead), Some(reason)) => Some(format!("{}; {reason}", lead.plain())),
        (Some(lead), None) => Some(lead.plain()),
        (None, Some(reason)) => Some(reason.to_string()),
        (None, None) => Some("the run failed".to_string()),
    }
}

/// The Markdown paragraphs of a failure under `label` ("Why", "Why it stopped"): the error, then the stop reason
/// as a note. Empty for a success.
pub fn why_paragraphs(record: &RunRecord, label: &str) -> String {
    if record.outcome != Outcome::Failed {
        return String::new();
    }
    let reason = record.failure_reason.as_deref();
    let Some(lead) = failure_lead(record) else {
        return match reason {
            Some(reason) => format!("**{label}:** {}\n\n", plain_text(reason)),
            None => String::new(),
        };
    };
    let mut text = format!("**{label}:** {}\n\n", lead.markdown());
    if let Some(reason) = reason {
        text.push_str(&stop_note(record, reason));
    }
    text
}

/// The Planner's reason for stopping, after the error: a missing diagnosis is a note; an escalation points at the
/// diagnosis (which holds the root cause); anything else is said as it is.
fn stop_note(record: &RunRecord, reason: &str) -> String {
    if reason.starts_with(DIAGNOSIS_UNAVAILABLE) {
        return format!(
            "**Note:** {}.\n\n",
            plain_text(reason.trim_end_matches('.'))
        );
    }
    let escalated = record
        .final_hypothesis()
        .filter(|hypothesis| hypothesis.remediation == Remediation::Escalate)
        .filter(|_| reason.starts_with("escalated to a human"));
    if let Some(hypothesis) = escalated {
        return format!(
            "**Stopped:** the diagnosis (`{}`) says a person must fix this; see below.\n\n",
            hypothesis.category.as_str()
        );
    }
    format!("**Stopped:** {}\n\n", plain_text(reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::{
        CheckName, CheckResult, CheckStatus, Refusal, RefusalKind, ValidationResult,
    };
    use crate::stand_in::records::{deploy_failed, deploy_recovered};

    #[test]
    fn a_terraform_error_leads_with_phase_summary_address_and_first_detail_line() {
        let record = deploy_failed();
        assert_eq!(
            failure_line(&record).unwrap(),
            "terraform apply failed: error creating container: can't lock file \
             '/var/lock/qemu-server/lock-103.conf' - got timeout \
             (proxmox_virtual_environment_container.container[2]) — The node was busy cloning another guest.; \
             repeated hypothesis: transient_lock with reduce_parallelism was already tried"
        );
        let why = why_paragraphs(&record, "Why");
        assert!(
            why.starts_with("**Why:** terraform `apply` failed: `error creating"),
            "{why}"
        );
        assert!(
            why.contains("\n\n**Stopped:** repeated hypothesis"),
            "{why}"
        );
    }

    #[test]
    fn a_missing_diagnosis_is_a_note_after_the_error() {
        let mut record = deploy_failed();
        record.failure_reason =
            Some("diagnosis unavailable: LLM call failed: ANTHROPIC_API_KEY is not set".into());
        let why = why_paragraphs(&record, "Why it stopped");
        let (error, note) = why.split_once("\n\n").unwrap();
        assert!(
            error.starts_with("**Why it stopped:** terraform `apply` failed"),
            "{why}"
        );
        assert!(
            note.starts_with(
                "**Note:** diagnosis unavailable: LLM call failed: `ANTHROPIC_API_KEY` is not set."
            ),
            "{why}"
        );
    }

    #[test]
    fn a_failed_check_leads_when_terraform_succeeded() {
        let mut record = deploy_recovered();
        record.outcome = Outcome::Failed;
        record.failure_reason = Some("escalated to a human (network): nothing listens".into());
        let last = record.attempts.last_mut().unwrap();
        last.validation = Some(ValidationResult::from_checks(vec![CheckResult {
            name: CheckName::Reachable,
            status: CheckStatus::Fail,
            detail: "1 of 3 guests does not accept TCP connections on port 22: lxc/103".into(),
            evidence: Vec::new(),
        }]));
        assert_eq!(
            failure_lead(&record).unwrap().plain(),
            "check reachable failed: 1 of 3 guests does not accept TCP connections on port 22: lxc/103"
        );
    }

    #[test]
    fn successes_refusals_and_runs_without_attempts_have_no_lead() {
        assert_eq!(failure_lead(&deploy_recovered()), None);
        assert_eq!(why_paragraphs(&deploy_recovered(), "Why"), "");
        let mut refused = deploy_failed();
        refused.attempts.last_mut().unwrap().terraform.refusal = Some(Refusal {
            kind: RefusalKind::Unreviewed,
            reason: "no reviewed plan for this commit".into(),
            details: Vec::new(),
        });
        refused.failure_reason = Some("no reviewed plan for this commit".into());
        assert_eq!(failure_lead(&refused), None);
        assert_eq!(
            why_paragraphs(&refused, "Why"),
            "**Why:** no reviewed plan for this commit\n\n"
        );
        let mut nothing_ran = deploy_failed();
        nothing_ran.attempts.clear();
        nothing_ran.failure_reason = Some("cannot run terraform: not found".into());
        assert_eq!(
            failure_line(&nothing_ran).unwrap(),
            "cannot run terraform: not found"
        );
    }
}
