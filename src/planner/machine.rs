//! The Planner's state machine: pure, synchronous, and the only place run decisions are made.
//!
//! INIT → RUNNING → VALIDATING → SUCCESS; a Terraform failure or a failing check goes to DIAGNOSING, which either
//! retries into RUNNING with a remediation the policy accepted, or ends in FAILED. This module never awaits, never
//! reads a clock and never does IO: the driver (`planner::run`) feeds it [`Event`]s and executes the [`Command`]s it
//! returns. Every state change is recorded as a [`Transition`] with its reason, and the record of a run is exactly
//! this log.

use crate::contracts::{Hypothesis, Outcome, Remediation, StateName, Transition};
use crate::planner::dedup::find_repeat;
use crate::planner::policy::{PolicyVerdict, RemediationPolicy, judge_remediation};

/// Reason recorded when the same idea comes back from the diagnosis.
pub const REPEATED_HYPOTHESIS: &str = "repeated hypothesis";

/// What failed and sent the run to DIAGNOSING.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Terraform,
    Validation,
}

/// The states, each carrying what is valid in it.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Init,
    Running { attempt: u32 },
    Validating { attempt: u32 },
    Diagnosing { attempt: u32, failure: FailureKind },
    Success,
    Failed { reason: String },
}

impl State {
    pub fn name(&self) -> StateName {
        match self {
            Self::Init => StateName::Init,
            Self::Running { .. } => StateName::Running,
            Self::Validating { .. } => StateName::Validating,
            Self::Diagnosing { .. } => StateName::Diagnosing,
            Self::Success => StateName::Success,
            Self::Failed { .. } => StateName::Failed,
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(self, Self::Success | Self::Failed { .. })
    }
}

/// What the diagnosis room answered.
#[derive(Debug, Clone, PartialEq)]
pub enum DiagnosisOutcome {
    Hypothesis(Hypothesis),
    Unavailable { reason: String },
}

/// Something that happened, fed to the machine by the driver.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Start,
    /// Terraform finished; `summary` is a one-line account (first error, or change counts).
    TerraformFinished {
        ok: bool,
        summary: String,
    },
    ValidationFinished {
        ok: bool,
        summary: String,
    },
    /// The diagnosis answered. `failed_addresses` are the resources whose create or update failed in the
    /// diagnosed attempt, the only ones a `replace` may name.
    DiagnosisFinished {
        outcome: DiagnosisOutcome,
        failed_addresses: Vec<String>,
    },
    /// The Terraform agent made a plan and refused to apply it (a plan that changed since review, a plan nobody
    /// reviewed, a retry that would destroy what existed before the run): a person must look, so the run ends
    /// without a diagnosis.
    Refused {
        reason: String,
    },
    /// The user interrupted the run (SIGINT/SIGTERM).
    Cancelled,
    /// An agent could not do its job for a reason of our own (cannot spawn terraform, cannot reach the disk).
    Fault {
        reason: String,
    },
}

/// What the driver must do next. `Ignore` is the explicit "nothing to do", so a caller cannot drop a command by
/// accident with `?` on an `Option`.
#[must_use]
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    RunTerraform {
        attempt: u32,
        remediation: Option<Remediation>,
    },
    Validate {
        attempt: u32,
    },
    Diagnose {
        attempt: u32,
        failure: FailureKind,
    },
    Finish {
        outcome: Outcome,
        reason: Option<String>,
    },
    /// The event does not apply to the current state; nothing changed.
    Ignore {
        why: String,
    },
}

/// The Planner's state plus what it remembers across attempts.
#[derive(Debug, Clone)]
pub struct Machine {
    state: State,
    max_attempts: u32,
    policy: RemediationPolicy,
    hypotheses: Vec<Hypothesis>,
    transitions: Vec<Transition>,
    /// The remediation the policy held for a person, with why: the run ended on it.
    held_for_a_person: Option<(Remediation, String)>,
}

impl Machine {
    /// `max_retries` is the number of retries after the first attempt, so at most `max_retries + 1` attempts run.
    pub fn new(max_retries: u32) -> Self {
        Self::with_policy(max_retries, RemediationPolicy::default())
    }

    /// [`Machine::new`] with the remediation kinds `policy` lets run unattended.
    pub fn with_policy(max_retries: u32, policy: RemediationPolicy) -> Self {
        Self {
            state: State::Init,
            max_attempts: max_retries.saturating_add(1),
            policy,
            hypotheses: Vec::new(),
            transitions: Vec::new(),
            held_for_a_person: None,
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// The remediation the policy did not run unattended, and why, when the run ended on one.
    pub fn held_for_a_person(&self) -> Option<(&Remediation, &str)> {
        self.held_for_a_person
            .as_ref()
            .map(|(remediation, reason)| (remediation, reason.as_str()))
    }

    /// The hypotheses heard so far, in order.
    pub fn hypotheses(&self) -> &[Hypothesis] {
        &self.hypotheses
    }

    /// Consumes one event and returns the command that follows from it.
    pub fn step(&mut self, event: Event) -> Command {
        let state = std::mem::replace(&mut self.state, State::Init);
        let decision = self.decide(state.clone(), event);
        if decision.next != state {
            self.transitions.push(Transition {
                from: state.name(),
                to: decision.next.name(),
                reason: decision.reason,
            });
        }
        self.state = decision.next;
        decision.command
    }

    fn decide(&mut self, state: State, event: Event) -> Decision {
        match (state, event) {
            (state, _) if state.is_final() => {
                let why = format!("the run already ended in {}", state.name().as_str());
                Decision::stay(state, why)
            }
            (_, Event::Cancelled) => Decision::fail("cancelled".to_string()),
            (_, Event::Fault { reason }) => Decision::fail(reason),
            (State::Running { .. }, Event::Refused { reason }) => Decision::fail(reason),
            (State::Init, Event::Start) => Decision {
                next: State::Running { attempt: 1 },
                command: Command::RunTerraform {
                    attempt: 1,
                    remediation: None,
                },
                reason: "start, attempt 1".to_string(),
            },
            (State::Running { attempt }, Event::TerraformFinished { ok: true, summary }) => {
                Decision {
                    next: State::Validating { attempt },
                    command: Command::Validate { attempt },
                    reason: format!("terraform succeeded: {summary}"),
                }
            }
            (State::Running { attempt }, Event::TerraformFinished { ok: false, summary }) => {
                Decision::diagnose(
                    attempt,
                    FailureKind::Terraform,
                    format!("terraform failed: {summary}"),
                )
            }
            (State::Validating { .. }, Event::ValidationFinished { ok: true, summary }) => {
                Decision {
                    next: State::Success,
                    command: Command::Finish {
                        outcome: Outcome::Success,
                        reason: None,
                    },
                    reason: format!("validation passed: {summary}"),
                }
            }
            (State::Validating { attempt }, Event::ValidationFinished { ok: false, summary }) => {
                Decision::diagnose(
                    attempt,
                    FailureKind::Validation,
                    format!("validation failed: {summary}"),
                )
            }
            (
                State::Diagnosing { attempt, .. },
                Event::DiagnosisFinished {
                    outcome,
                    failed_addresses,
                },
            ) => self.after_diagnosis(attempt, outcome, &failed_addresses),
            (state, event) => {
                let why = format!(
                    "{} does not apply in {}",
                    event.name(),
                    state.name().as_str()
                );
                Decision::stay(state, why)
            }
        }
    }

    /// The DIAGNOSING decision, in the order a person would check it: is there an answer, is it new, does it
    /// give up, may we do it, may we try again.
    fn after_diagnosis(
        &mut self,
        attempt: u32,
        outcome: DiagnosisOutcome,
        failed_addresses: &[String],
    ) -> Decision {
        let hypothesis = match outcome {
            DiagnosisOutcome::Unavailable { reason } => {
                return Decision::fail(format!("diagnosis unavailable: {reason}"));
            }
            DiagnosisOutcome::Hypothesis(hypothesis) => hypothesis,
        };
        let repeat = find_repeat(&hypothesis, &self.hypotheses);
        self.hypotheses.push(hypothesis.clone());
        if let Some(repeat) = repeat {
            return Decision::fail(format!("{REPEATED_HYPOTHESIS} ({})", repeat.describe()));
        }
        match judge_remediation(&hypothesis.remediation, &self.policy, failed_addresses) {
            PolicyVerdict::Escalate => {
                return Decision::fail(format!(
                    "escalated to a human ({}): {}",
                    hypothesis.category.as_str(),
                    hypothesis.root_cause
                ));
            }
            PolicyVerdict::Refuse { reason } => {
                return Decision::fail(format!("policy refused the remediation: {reason}"));
            }
            PolicyVerdict::NeedsAPerson { reason } => {
                let why = format!(
                    "a person must decide on `{}`: {reason}",
                    hypothesis.remediation.action_name()
                );
                self.held_for_a_person = Some((hypothesis.remediation, reason));
                return Decision::fail(why);
            }
            PolicyVerdict::Accept => {}
        }
        if attempt >= self.max_attempts {
            return Decision::fail(format!("retry cap reached after {attempt} attempts"));
        }
        let next = attempt + 1;
        Decision {
            next: State::Running { attempt: next },
            reason: format!(
                "{}: retry as attempt {next} with {}",
                hypothesis.category.as_str(),
                hypothesis.remediation.action_name()
            ),
            command: Command::RunTerraform {
                attempt: next,
                remediation: Some(hypothesis.remediation),
            },
        }
    }
}

impl Event {
    fn name(&self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::TerraformFinished { .. } => "terraform finished",
            Self::ValidationFinished { .. } => "validation finished",
            Self::DiagnosisFinished { .. } => "diagnosis finished",
            Self::Refused { .. } => "refused",
            Self::Cancelled => "cancelled",
            Self::Fault { .. } => "fault",
        }
    }
}

/// The next state, the command that goes with it, and the reason the transition log keeps.
struct Decision {
    next: State,
    command: Command,
    reason: String,
}

impl Decision {
    fn stay(state: State, why: String) -> Self {
        Self {
            next: state,
            command: Command::Ignore { why: why.clone() },
            reason: why,
        }
    }

    fn diagnose(attempt: u32, failure: FailureKind, reason: String) -> Self {
        Self {
            next: State::Diagnosing { attempt, failure },
            command: Command::Diagnose { attempt, failure },
            reason,
        }
    }

    fn fail(reason: String) -> Self {
        Self {
            next: State::Failed {
                reason: reason.clone(),
            },
            command: Command::Finish {
                outcome: Outcome::Failed,
                reason: Some(reason.clone()),
            },
            reason,
        }
    }
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "machine_policy_tests.rs"]
mod policy_tests;
