//! The Planner's driver: executes what the state machine commands, with the sub-agents, and writes it all down.
//!
//! The machine (`planner::machine`) decides; this loop acts. It owns the current [`TerraformRequest`] and the
//! attempts so far, calls the agents (the ports of `agents`, so tests and the eval harness can swap in scripted
//! ones), turns each answer into the machine's next event (`events`), applies an accepted remediation before the
//! next attempt (`remediation`, with the destroy guard a retry carries), builds the Validator's request (`validation_facts`) and the [`DiagnosisRequest`],
//! and returns the [`RunRecord`]. Only the diagnoser ever reaches an LLM, and only when the machine is in
//! DIAGNOSING. Waiting is the one thing done here that the pure rooms cannot: a `retry_after` is slept out.

use std::time::{Duration, Instant, SystemTime};

use crate::contracts::{
    Attempt, Diagnosis, DiagnosisRequest, HeldRemediation, Outcome, ReviewGate, RunContext,
    RunMode, RunRecord, SCHEMA_VERSION, TerraformPhase, TerraformRequest,
};
use crate::planner::agents::Agents;
use crate::planner::by_hand::manual_command;
use crate::planner::events::{diagnosis_event, terraform_event, validation_event};
use crate::planner::machine::{Command, Event, Machine};
use crate::planner::policy::RemediationPolicy;
use crate::planner::remediation::{next_request, requested_wait, retry_may_destroy};
use crate::planner::validation_facts::{ValidationPlan, validation_request};

/// Everything one project's run needs, built once from config and arguments.
#[derive(Debug, Clone)]
pub struct ProjectRun {
    pub run_id: String,
    pub mode: RunMode,
    pub first_request: TerraformRequest,
    pub validation: ValidationPlan,
    pub max_retries: u32,
    /// The remediation kinds that run unattended (`[policy] unattended`); the others end the run for a person.
    pub policy: RemediationPolicy,
    pub context: RunContext,
    /// The longest a `retry_after` remediation is waited out in this run: [`LONGEST_WAIT`] (the policy's limit)
    /// for real runs; the eval sets it short, since its sandbox has nothing to wait for and a model that asks for
    /// ten minutes would otherwise cost ten minutes of wall time per scenario. The record keeps what was asked.
    pub longest_wait: Duration,
}

/// The policy's limit on a `retry_after` wait, as a duration: what real runs wait at the most.
pub const LONGEST_WAIT: Duration =
    Duration::from_secs(crate::planner::policy::MAX_RETRY_AFTER_SECONDS as u64);

/// Drives one project from INIT to SUCCESS or FAILED and returns its record.
pub async fn run_project(run: ProjectRun, agents: Agents<'_>) -> RunRecord {
    let started_at = utc_timestamp(SystemTime::now());
    let mut machine = Machine::with_policy(run.max_retries, run.policy.clone());
    let mut request = run.first_request.clone();
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut command = machine.step(Event::Start);
    loop {
        command = match command {
            Command::RunTerraform {
                attempt,
                remediation,
            } => {
                if let Some(asked) = requested_wait(remediation.as_ref(), run.longest_wait) {
                    tracing::info!(
                        seconds = asked.asked_seconds,
                        waiting_ms = asked.wait.as_millis() as u64,
                        "waiting before the retry, as the diagnosis asked"
                    );
                    tokio::time::sleep(asked.wait).await;
                }
                request = next_request(&request, remediation.as_ref(), attempt);
                // Once an apply has started, the state is no longer the one the reviewed plan was made on: a
                // retry's plan is held by the destroy guard instead of the reviewed fingerprint.
                if attempts
                    .iter()
                    .any(|earlier| earlier.terraform.phase == TerraformPhase::Apply)
                {
                    request.guard.review = ReviewGate::NotChecked;
                }
                if attempt > 1 {
                    // The destroy guard: a retry never destroys what existed before the run unless the first
                    // (reviewed) plan did; the Terraform agent refuses a plan that would.
                    request.guard.may_destroy =
                        Some(retry_may_destroy(&attempts, remediation.as_ref()));
                }
                tracing::info!(project = %request.project, attempt, "running terraform");
                let event = match agents.terraform.run(&request).await {
                    Ok(result) => {
                        let event = terraform_event(&result);
                        attempts.push(Attempt {
                            attempt,
                            parallelism: request.parallelism,
                            remediation_applied: remediation,
                            terraform: result,
                            validation: None,
                            diagnosis: None,
                            validation_ms: None,
                            diagnosis_ms: None,
                        });
                        event
                    }
                    Err(error) => Event::Fault {
                        reason: error.to_string(),
                    },
                };
                machine.step(event)
            }
            Command::Validate { .. } => {
                let event = match attempts.last_mut() {
                    Some(current) => {
                        let validation_request = validation_request(
                            &run.first_request.project,
                            run.mode,
                            &run.validation,
                            &current.terraform,
                        );
                        let validating = Instant::now();
                        match agents.validator.validate(&validation_request).await {
                            Ok(result) => {
                                let event = validation_event(&result);
                                current.validation = Some(result);
                                current.validation_ms = Some(elapsed_ms(validating));
                                event
                            }
                            Err(error) => Event::Fault {
                                reason: error.to_string(),
                            },
                        }
                    }
                    None => Event::Fault {
                        reason: "internal: validation before any terraform run".into(),
                    },
                };
                machine.step(event)
            }
            Command::Diagnose { attempt, .. } => {
                let spent_usd = crate::contracts::sum_dollars(
                    attempts
                        .iter()
                        .filter_map(|a| a.diagnosis.as_ref())
                        .map(Diagnosis::cost_usd),
                );
                let spent_tokens = attempts
                    .iter()
                    .filter_map(|a| a.diagnosis.as_ref())
                    .map(Diagnosis::tokens)
                    .sum();
                let event = match attempts.last_mut() {
                    Some(current) => {
                        let diagnosis_request = DiagnosisRequest {
                            project: request.project.clone(),
                            dir: request.dir.clone(),
                            mode: run.mode,
                            attempt,
                            terraform: current.terraform.clone(),
                            validation: current.validation.clone(),
                            transitions: machine.transitions().to_vec(),
                            previous: machine.hypotheses().to_vec(),
                            spent_usd,
                            spent_tokens,
                        };
                        let diagnosing = Instant::now();
                        let diagnosis = agents.diagnoser.diagnose(&diagnosis_request).await;
                        let event = diagnosis_event(&diagnosis, &current.terraform);
                        current.diagnosis = Some(diagnosis);
                        current.diagnosis_ms = Some(elapsed_ms(diagnosing));
                        event
                    }
                    None => Event::Fault {
                        reason: "internal: diagnosis before any terraform run".into(),
                    },
                };
                machine.step(event)
            }
            Command::Finish { outcome, reason } => {
                let mut record = finish_record(&run, &request, &machine, attempts, outcome, reason);
                record.context.started_at = Some(started_at);
                record.context.finished_at = Some(utc_timestamp(SystemTime::now()));
                return record;
            }
            Command::Ignore { why } => machine.step(Event::Fault {
                reason: format!("internal: {why}"),
            }),
        };
    }
}

fn finish_record(
    run: &ProjectRun,
    request: &TerraformRequest,
    machine: &Machine,
    attempts: Vec<Attempt>,
    outcome: Outcome,
    reason: Option<String>,
) -> RunRecord {
    let diagnoses = || {
        attempts
            .iter()
            .filter_map(|attempt| attempt.diagnosis.as_ref())
    };
    RunRecord {
        schema_version: SCHEMA_VERSION,
        run_id: run.run_id.clone(),
        project: run.first_request.project.clone(),
        mode: run.mode,
        outcome,
        failure_reason: reason,
        llm_calls: diagnoses().map(Diagnosis::llm_calls).sum(),
        cost_usd: crate::contracts::sum_dollars(diagnoses().map(Diagnosis::cost_usd)),
        context: run.context.clone(),
        transitions: machine.transitions().to_vec(),
        attempts,
        held_for_a_person: machine.held_for_a_person().map(|(remediation, reason)| {
            HeldRemediation {
                remediation: remediation.clone(),
                reason: reason.to_string(),
                command: manual_command(remediation, &request.dir),
            }
        }),
        check: None,
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// `time` as RFC 3339 in UTC to the second (`2026-12-01T17:38:14Z`), the form the record keeps.
pub fn utc_timestamp(time: SystemTime) -> String {
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    crate::utc::UtcTime::from_unix_seconds(seconds).rfc3339()
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "run_policy_tests.rs"]
mod policy_tests;
