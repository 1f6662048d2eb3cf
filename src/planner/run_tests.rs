//! The driver with scripted agents: who is called, how often, and what the record says.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::contracts::{
    Category, CheckName, CheckResult, CheckStatus, DiagnosisSource, Diagnostic, Hypothesis,
    Remediation, Severity, StateName, TerraformResult, Usage, ValidationRequest, ValidationResult,
};
use crate::planner::agents::{AgentError, Diagnoser, TerraformAgent, Validator};
use crate::planner::test_fixtures::{applied, first_request};

pub(super) struct ScriptedTerraform {
    results: Mutex<VecDeque<Result<TerraformResult, AgentError>>>,
    requests: Mutex<Vec<TerraformRequest>>,
}

impl ScriptedTerraform {
    fn new(results: Vec<Result<TerraformResult, AgentError>>) -> Self {
        Self {
            results: Mutex::new(results.into()),
            requests: Mutex::new(Vec::new()),
        }
    }

    pub(super) fn requests(&self) -> Vec<TerraformRequest> {
        self.requests.lock().unwrap().clone()
    }
}

#[async_trait]
impl TerraformAgent for ScriptedTerraform {
    async fn run(&self, request: &TerraformRequest) -> Result<TerraformResult, AgentError> {
        self.requests.lock().unwrap().push(request.clone());
        self.results
            .lock()
            .unwrap()
            .pop_front()
            .expect("the script has a result for every terraform run")
    }
}

struct ScriptedValidator {
    results: Mutex<VecDeque<ValidationResult>>,
    requests: Mutex<Vec<ValidationRequest>>,
}

#[async_trait]
impl Validator for ScriptedValidator {
    async fn validate(&self, request: &ValidationRequest) -> Result<ValidationResult, AgentError> {
        self.requests.lock().unwrap().push(request.clone());
        Ok(self
            .results
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(passing_validation))
    }
}

/// Answers with its script and remembers every request, so tests can count calls.
struct ScriptedDiagnoser {
    answers: Mutex<VecDeque<Diagnosis>>,
    requests: Mutex<Vec<DiagnosisRequest>>,
}

#[async_trait]
impl Diagnoser for ScriptedDiagnoser {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis {
        self.requests.lock().unwrap().push(request.clone());
        let last = request
            .transitions
            .last()
            .expect("a diagnosis follows a transition");
        assert_eq!(
            last.to,
            StateName::Diagnosing,
            "the diagnoser is only called in DIAGNOSING"
        );
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("the script has an answer for every diagnosis")
    }
}

/// Attempt 1 of a fleet of two: `guest[0]` created, `guest[1]` failed on the node lock (left tainted).
pub(super) fn lock_failure() -> TerraformResult {
    let create = |address: &str| crate::contracts::ResourceChange {
        address: address.into(),
        action: crate::contracts::ChangeAction::Create,
        reason: None,
        attributes: crate::terraform::compact::attribute_changes_of(None, None),
    };
    TerraformResult {
        ok: false,
        resource_changes: vec![
            create("null_resource.guest[0]"),
            create("null_resource.guest[1]"),
        ],
        exit_code: Some(1),
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            summary: "local-exec provisioner error".into(),
            detail: "\ncan't lock file '/var/lock/lxc/lock-902.conf' - got timeout\n".into(),
            address: Some("null_resource.guest[1]".into()),
        }],
        ..applied()
    }
}

pub(super) fn passing_validation() -> ValidationResult {
    ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::Resources,
        status: CheckStatus::Pass,
        detail: "2 of 2".into(),
        evidence: vec![],
    }])
}

fn failing_validation() -> ValidationResult {
    ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::Reachable,
        status: CheckStatus::Fail,
        detail: "127.0.0.1:22 refused".into(),
        evidence: vec!["connect: connection refused".into()],
    }])
}

pub(super) fn llm_answer(
    category: Category,
    remediation: Remediation,
    root_cause: &str,
) -> Diagnosis {
    Diagnosis {
        catalogue_signature: None,
        cited_evidence: Vec::new(),
        source: DiagnosisSource::Llm,
        hypothesis: Some(Hypothesis {
            category,
            root_cause: root_cause.into(),
            evidence: vec!["E1".into()],
            remediation,
            confidence: 0.8,
        }),
        detail: None,
        usage: vec![Usage {
            provider: "anthropic".into(),
            model: "claude-haiku-4-5".into(),
            input_tokens: 1000,
            output_tokens: 100,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            cost_usd: 0.0015,
            price: "test".into(),
            latency_ms: 5,
        }],
    }
}

pub(super) fn project_run(max_retries: u32) -> ProjectRun {
    ProjectRun {
        run_id: "run-1".into(),
        mode: RunMode::Deploy,
        first_request: first_request(),
        validation: ValidationPlan {
            resources: vec![],
            guests_output: "guests".into(),
            guests_output_required: false,
            default_node: "pmx-01".into(),
            port: 22,
            settle_seconds: 0,
        },
        max_retries,
        policy: Default::default(),
        context: RunContext::default(),
        longest_wait: crate::planner::run::LONGEST_WAIT,
    }
}

pub(super) struct Script {
    pub(super) terraform: ScriptedTerraform,
    validator: ScriptedValidator,
    diagnoser: ScriptedDiagnoser,
}

impl Script {
    pub(super) fn new(
        terraform: Vec<Result<TerraformResult, AgentError>>,
        validations: Vec<ValidationResult>,
        answers: Vec<Diagnosis>,
    ) -> Self {
        Self {
            terraform: ScriptedTerraform::new(terraform),
            validator: ScriptedValidator {
                results: Mutex::new(validations.into()),
                requests: Mutex::default(),
            },
            diagnoser: ScriptedDiagnoser {
                answers: Mutex::new(answers.into()),
                requests: Mutex::default(),
            },
        }
    }

    pub(super) async fn run(&self, max_retries: u32) -> RunRecord {
        self.run_with(project_run(max_retries)).await
    }

    pub(super) async fn run_with(&self, run: ProjectRun) -> RunRecord {
        let agents = Agents {
            terraform: &self.terraform,
            validator: &self.validator,
            diagnoser: &self.diagnoser,
        };
        run_project(run, agents).await
    }

    fn diagnoser_calls(&self) -> usize {
        self.diagnoser.requests.lock().unwrap().len()
    }
}

fn path(record: &RunRecord) -> Vec<StateName> {
    let mut names = vec![StateName::Init];
    names.extend(record.transitions.iter().map(|transition| transition.to));
    names
}

#[tokio::test]
async fn a_happy_run_never_calls_the_diagnoser_and_costs_nothing() {
    let script = Script::new(vec![Ok(applied())], vec![passing_validation()], vec![]);
    let record = script.run(3).await;
    assert_eq!(record.outcome, Outcome::Success);
    assert_eq!(script.diagnoser_calls(), 0);
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
    assert!(
        record.cost_usd.is_sign_positive(),
        "a clean run costs $0.00, not $-0.00"
    );
    use StateName::*;
    assert_eq!(path(&record), vec![Init, Running, Validating, Success]);
    let validation = script.validator.requests.lock().unwrap()[0].clone();
    assert_eq!(validation.mode, RunMode::Deploy);
    assert_eq!(validation.guests[0].vmid, 901);
    assert_eq!(validation.resource_addresses.len(), 2);
}

#[tokio::test]
async fn a_lock_timeout_recovers_with_reduced_parallelism_after_one_diagnosis() {
    let script = Script::new(
        vec![Ok(lock_failure()), Ok(applied())],
        vec![passing_validation()],
        vec![llm_answer(
            Category::TransientLock,
            Remediation::ReduceParallelism { parallelism: 1 },
            "parallel creation contends for the node lock",
        )],
    );
    let record = script.run(3).await;
    assert_eq!(record.outcome, Outcome::Success);
    assert_eq!(script.diagnoser_calls(), 1);
    assert_eq!(record.llm_calls, 1);
    assert!((record.cost_usd - 0.0015).abs() < 1e-12);
    let requests = script.terraform.requests();
    assert_eq!(
        requests
            .iter()
            .map(|r| (r.attempt, r.parallelism))
            .collect::<Vec<_>>(),
        vec![(1, 10), (2, 1)]
    );
    assert_eq!(
        requests[0].guard.may_destroy, None,
        "the first attempt is the reviewed plan"
    );
    assert_eq!(
        requests[1].guard.may_destroy,
        Some(vec![
            "null_resource.guest[0]".to_string(),
            "null_resource.guest[1]".to_string()
        ]),
        "a retry may re-create what this run created, nothing else"
    );
    assert_eq!(
        record.attempts[1].remediation_applied,
        Some(Remediation::ReduceParallelism { parallelism: 1 })
    );
    let diagnosis_request = script.diagnoser.requests.lock().unwrap()[0].clone();
    assert_eq!(
        diagnosis_request.terraform.diagnostics.len(),
        1,
        "the failure's diagnostics reach the diagnoser"
    );
    assert!(
        record.transitions[1]
            .reason
            .contains("can't lock file '/var/lock/lxc/lock-902.conf' - got timeout")
    );
}

#[tokio::test]
async fn a_failing_check_is_diagnosed_with_the_validation_result() {
    let script = Script::new(
        vec![Ok(applied())],
        vec![failing_validation()],
        vec![llm_answer(
            Category::Network,
            Remediation::Escalate,
            "sshd is not listening",
        )],
    );
    let record = script.run(3).await;
    assert_eq!(record.outcome, Outcome::Failed);
    assert_eq!(script.diagnoser_calls(), 1);
    let request = script.diagnoser.requests.lock().unwrap()[0].clone();
    assert_eq!(request.validation, Some(failing_validation()));
    assert_eq!(
        record.failure_reason.as_deref(),
        Some("escalated to a human (network): sshd is not listening")
    );
}

#[tokio::test]
async fn the_retry_cap_ends_the_run_with_one_diagnosis_per_failure() {
    let script = Script::new(
        vec![Ok(lock_failure()), Ok(lock_failure())],
        vec![],
        vec![
            llm_answer(
                Category::TransientLock,
                Remediation::Retry,
                "the node was busy creating another guest",
            ),
            llm_answer(
                Category::Network,
                Remediation::RetryAfter { seconds: 0 },
                "the bridge flapped",
            ),
        ],
    );
    let record = script.run(1).await;
    assert_eq!(record.outcome, Outcome::Failed);
    assert_eq!(
        record.failure_reason.as_deref(),
        Some("retry cap reached after 2 attempts")
    );
    assert_eq!(script.diagnoser_calls(), 2);
    assert_eq!(record.llm_calls, 2);
    assert_eq!(record.attempts.len(), 2);
}

#[tokio::test]
async fn a_repeated_hypothesis_ends_the_run_after_two_calls_and_shows_the_first_as_ruled_out() {
    let answer = || {
        llm_answer(
            Category::TransientLock,
            Remediation::ReduceParallelism { parallelism: 1 },
            "parallel creation contends for the node lock",
        )
    };
    let script = Script::new(
        vec![Ok(lock_failure()), Ok(lock_failure())],
        vec![],
        vec![answer(), answer()],
    );
    let record = script.run(3).await;
    assert_eq!(record.outcome, Outcome::Failed);
    assert!(
        record
            .failure_reason
            .as_deref()
            .unwrap()
            .starts_with("repeated hypothesis")
    );
    assert_eq!(script.diagnoser_calls(), 2);
    let second = script.diagnoser.requests.lock().unwrap()[1].clone();
    assert_eq!(second.previous.len(), 1);
    assert!(
        second.spent_usd > 0.0,
        "the budget sees what the incident already cost"
    );
}

#[tokio::test]
async fn an_unavailable_diagnosis_fails_cleanly_with_its_reason() {
    let script = Script::new(
        vec![Ok(lock_failure())],
        vec![],
        vec![Diagnosis::unavailable("no diagnoser configured")],
    );
    let record = script.run(3).await;
    assert_eq!(record.outcome, Outcome::Failed);
    assert_eq!(
        record.failure_reason.as_deref(),
        Some("diagnosis unavailable: no diagnoser configured")
    );
    assert_eq!(record.llm_calls, 0);
}

#[tokio::test]
async fn an_agent_fault_ends_the_run_without_a_diagnosis() {
    let fault = AgentError {
        agent: "terraform",
        message: "cannot start `terraform`: not found".into(),
    };
    let script = Script::new(vec![Err(fault)], vec![], vec![]);
    let record = script.run(3).await;
    assert_eq!(record.outcome, Outcome::Failed);
    assert_eq!(
        record.failure_reason.as_deref(),
        Some("terraform agent: cannot start `terraform`: not found")
    );
    assert_eq!(script.diagnoser_calls(), 0);
    assert!(record.attempts.is_empty());
}

#[tokio::test]
async fn a_cancelled_terraform_run_is_recorded_as_cancelled() {
    let cancelled = TerraformResult {
        cancelled: true,
        exit_code: None,
        ..lock_failure()
    };
    let script = Script::new(vec![Ok(cancelled)], vec![], vec![]);
    let record = script.run(3).await;
    assert_eq!(record.failure_reason.as_deref(), Some("cancelled"));
    assert_eq!(script.diagnoser_calls(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_is_waited_out_at_most_for_the_runs_longest_wait() {
    let script = Script::new(
        vec![Ok(lock_failure()), Ok(applied())],
        vec![passing_validation()],
        vec![llm_answer(
            Category::TransientLock,
            Remediation::RetryAfter { seconds: 600 },
            "the node is busy",
        )],
    );
    let agents = Agents {
        terraform: &script.terraform,
        validator: &script.validator,
        diagnoser: &script.diagnoser,
    };
    let mut run = project_run(2);
    run.longest_wait = Duration::from_secs(1);
    let started = tokio::time::Instant::now();
    let record = run_project(run, agents).await;
    let waited = started.elapsed();
    assert_eq!(record.outcome, Outcome::Success);
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(600),
        "waited {waited:?} instead of the run's longest wait"
    );
    let asked = record.attempts[0]
        .diagnosis
        .as_ref()
        .and_then(|diagnosis| diagnosis.hypothesis.as_ref())
        .map(|hypothesis| hypothesis.remediation.clone());
    assert_eq!(asked, Some(Remediation::RetryAfter { seconds: 600 }));
}

#[test]
fn timestamps_are_utc_rfc_3339() {
    use std::time::{Duration, SystemTime};
    let at =
        |seconds: u64| super::utc_timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds));
    assert_eq!(at(0), "1970-01-01T00:00:00Z");
    assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(at(1_796_139_494), "2026-12-01T15:38:14Z");
    assert_eq!(at(4_107_542_399), "2100-02-28T23:59:59Z");
}
