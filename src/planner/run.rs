//! The Planner's driver: executes what the state machine commands, with the sub-agents, and writes it all down.
//!
//! The machine (`planner::machine`) decides; this loop acts. It owns the current [`TerraformRequest`], applies an
//! accepted remediation to it before the next attempt, builds the [`ValidationRequest`] and [`DiagnosisRequest`]
//! from what the agents answered, and returns the [`RunRecord`]. The agents sit behind traits so that tests and the
//! eval harness can swap in scripted ones; only the diagnoser ever reaches an LLM, and only when the machine is in
//! DIAGNOSING.

use std::time::Duration;

use async_trait::async_trait;

use crate::contracts::{
    Attempt, ChangeAction, Diagnosis, DiagnosisRequest, Guest, Outcome, Remediation,
    ResourceExpectation, RunContext, RunMode, RunRecord, SCHEMA_VERSION, TerraformRequest,
    TerraformResult, ValidationMode, ValidationRequest, ValidationResult,
};
use crate::planner::machine::{Command, DiagnosisOutcome, Event, Machine};

/// A fault of an agent's own (it could not do its job at all), as opposed to a failed plan or check, which is data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{agent} agent: {message}")]
pub struct AgentError {
    pub agent: &'static str,
    pub message: String,
}

/// Runs Terraform for one request: `init` + `plan` (+ `apply` in apply mode).
#[async_trait]
pub trait TerraformAgent: Send + Sync {
    async fn run(&self, request: &TerraformRequest) -> Result<TerraformResult, AgentError>;
}

/// Runs the four checks.
#[async_trait]
pub trait Validator: Send + Sync {
    async fn validate(&self, request: &ValidationRequest) -> Result<ValidationResult, AgentError>;
}

/// Explains a failure. It never errs: when it cannot answer it says so with [`Diagnosis::unavailable`].
#[async_trait]
pub trait Diagnoser: Send + Sync {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis;
}

/// The three agents one project's run uses.
#[derive(Clone, Copy)]
pub struct Agents<'a> {
    pub terraform: &'a dyn TerraformAgent,
    pub validator: &'a dyn Validator,
    pub diagnoser: &'a dyn Diagnoser,
}

/// What the Validator expects of a project, from its `[project.validate]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationPlan {
    pub resources: Vec<ResourceExpectation>,
    pub guests_output: String,
    pub default_node: String,
    pub port: u16,
}

/// Everything one project's run needs, built once from config and arguments.
#[derive(Debug, Clone)]
pub struct ProjectRun {
    pub run_id: String,
    pub mode: RunMode,
    pub first_request: TerraformRequest,
    pub validation: ValidationPlan,
    pub max_retries: u32,
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
    let mut machine = Machine::new(run.max_retries);
    let mut request = run.first_request.clone();
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut command = machine.step(Event::Start);
    loop {
        command = match command {
            Command::RunTerraform {
                attempt,
                remediation,
            } => {
                apply_remediation(
                    &mut request,
                    remediation.as_ref(),
                    attempt,
                    run.longest_wait,
                )
                .await;
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
                        let validation_request = validation_request(&run, &current.terraform);
                        match agents.validator.validate(&validation_request).await {
                            Ok(result) => {
                                let event = validation_event(&result);
                                current.validation = Some(result);
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
                        };
                        let diagnosis = agents.diagnoser.diagnose(&diagnosis_request).await;
                        let outcome = match (&diagnosis.hypothesis, &diagnosis.detail) {
                            (Some(hypothesis), _) => {
                                DiagnosisOutcome::Hypothesis(hypothesis.clone())
                            }
                            (None, Some(detail)) => DiagnosisOutcome::Unavailable {
                                reason: detail.clone(),
                            },
                            (None, None) => DiagnosisOutcome::Unavailable {
                                reason: "no hypothesis".into(),
                            },
                        };
                        let plan_addresses = plan_addresses(&current.terraform);
                        current.diagnosis = Some(diagnosis);
                        Event::DiagnosisFinished {
                            outcome,
                            plan_addresses,
                        }
                    }
                    None => Event::Fault {
                        reason: "internal: diagnosis before any terraform run".into(),
                    },
                };
                machine.step(event)
            }
            Command::Finish { outcome, reason } => {
                return finish_record(&run, &machine, attempts, outcome, reason);
            }
            Command::Ignore { why } => machine.step(Event::Fault {
                reason: format!("internal: {why}"),
            }),
        };
    }
}

/// Applies an accepted remediation to the request of the next attempt. `replace` and `reinit_upgrade` hold for
/// one attempt; a reduced parallelism stays reduced.
async fn apply_remediation(
    request: &mut TerraformRequest,
    remediation: Option<&Remediation>,
    attempt: u32,
    longest_wait: Duration,
) {
    request.attempt = attempt;
    request.replace.clear();
    request.reinit_upgrade = false;
    match remediation {
        None | Some(Remediation::Retry) | Some(Remediation::Escalate) => {}
        Some(Remediation::RetryAfter { seconds }) => {
            let wait = Duration::from_secs(u64::from(*seconds)).min(longest_wait);
            tracing::info!(
                seconds,
                waiting_ms = wait.as_millis() as u64,
                "waiting before the retry, as the diagnosis asked"
            );
            tokio::time::sleep(wait).await;
        }
        Some(Remediation::ReduceParallelism { parallelism }) => {
            request.parallelism = request.parallelism.min(*parallelism).max(1);
        }
        Some(Remediation::ReinitUpgrade) => request.reinit_upgrade = true,
        Some(Remediation::Replace { address }) => request.replace = vec![address.clone()],
    }
}

fn terraform_event(result: &TerraformResult) -> Event {
    if result.cancelled {
        return Event::Cancelled;
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

fn validation_event(result: &ValidationResult) -> Event {
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

/// Builds the Validator's request from the project's expectations and what Terraform reported.
pub fn validation_request(run: &ProjectRun, terraform: &TerraformResult) -> ValidationRequest {
    let mode = match run.mode {
        RunMode::Plan => ValidationMode::Plan,
        RunMode::Deploy => ValidationMode::Live,
    };
    let (guests, guests_problem) = read_guests(terraform, &run.validation.guests_output, mode);
    ValidationRequest {
        project: run.first_request.project.clone(),
        mode,
        resources: run.validation.resources.clone(),
        resource_addresses: terraform.resource_addresses.clone(),
        guests,
        guests_problem,
        planned_creates: terraform
            .resource_changes
            .iter()
            .filter(|change| {
                matches!(
                    change.action,
                    ChangeAction::Create | ChangeAction::CreateDelete | ChangeAction::DeleteCreate
                )
            })
            .map(|change| change.address.clone())
            .collect(),
        default_node: run.validation.default_node.clone(),
        port: run.validation.port,
    }
}

/// Reads the guests output. In plan mode an absent output is normal (its values are unknown until apply).
fn read_guests(
    terraform: &TerraformResult,
    output: &str,
    mode: ValidationMode,
) -> (Vec<Guest>, Option<String>) {
    match terraform.outputs.get(output) {
        None if mode == ValidationMode::Plan => (Vec::new(), None),
        None => (
            Vec::new(),
            Some(format!(
                "the project has no `{output}` output; the live checks need it"
            )),
        ),
        Some(value) => match serde_json::from_value::<Vec<Guest>>(value.clone()) {
            Ok(guests) => (guests, None),
            Err(error) => (
                Vec::new(),
                Some(format!(
                    "the `{output}` output is not a list of {{vmid, kind, node?, name?, ipv4?}}: {error}"
                )),
            ),
        },
    }
}

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

fn finish_record(
    run: &ProjectRun,
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
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
