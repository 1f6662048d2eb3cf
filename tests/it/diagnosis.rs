//! The diagnosis room end to end: the Planner's driver with the real diagnosis chain, talking real HTTP to a
//! local LLM stand-in that answers with the documented Anthropic and OpenAI bodies. What is counted: requests to
//! the LLM server, usage and cost in the record, and canary secrets that must never reach a request or a record.

mod calls;
mod canaries;
mod replay_cli;
mod terraform_words;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use agentlab::contracts::{
    Category, Diagnostic, Hypothesis, Remediation, RunRecord, Severity, TerraformPhase,
    TerraformRequest, TerraformResult, ValidationRequest, ValidationResult,
};
use agentlab::diagnosis::{ApiKeys, DiagnosisSettings, LlmSpec, build_diagnoser};
use agentlab::http_retry::HttpRetryPolicy;
use agentlab::planner::agents::{AgentError, Agents, Diagnoser, TerraformAgent, Validator};
use agentlab::planner::run::{ProjectRun, run_project};
use agentlab::redact::SharedRedactor;
use agentlab::stand_in::llm::{LlmStandIn, ScriptedResponse};
use async_trait::async_trait;

use crate::support::lxc_fleet_deploy;

/// The lock-timeout text of the sandbox project `fault-parallel-lock`, as terraform's local-exec reports it.
pub const LOCK_TIMEOUT: &str = "Error running command 'sh ./create-container.sh 902 pmx-01 /tmp/lock 2': exit status 1. Output: error creating container: received an HTTP 500 response - Reason: can't lock file '/var/lock/lxc/lock-902.conf' - got timeout";

/// A Terraform stand-in that behaves like `fault-parallel-lock`: concurrent creates (parallelism > 1) collide
/// on the node lock, one at a time they succeed. `always_fail` makes every attempt fail.
pub struct LockContendedTerraform {
    pub always_fail: bool,
    pub failure_detail: String,
    pub log_tail: Vec<String>,
    pub requests: Mutex<Vec<TerraformRequest>>,
}

impl LockContendedTerraform {
    pub fn new() -> Self {
        Self {
            always_fail: false,
            failure_detail: LOCK_TIMEOUT.into(),
            log_tail: Vec::new(),
            requests: Mutex::new(Vec::new()),
        }
    }

    pub fn runs(&self) -> Vec<TerraformRequest> {
        self.requests.lock().unwrap().clone()
    }
}

pub fn ok_result() -> TerraformResult {
    TerraformResult {
        ok: true,
        phase: TerraformPhase::Apply,
        exit_code: Some(0),
        cancelled: false,
        changes: Default::default(),
        resource_changes: Vec::new(),
        resource_addresses: vec!["null_resource.container[0]".into()],
        diagnostics: Vec::new(),
        outputs: Default::default(),
        log_tail: Vec::new(),
        duration_ms: 5,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    }
}

#[async_trait]
impl TerraformAgent for LockContendedTerraform {
    async fn run(&self, request: &TerraformRequest) -> Result<TerraformResult, AgentError> {
        self.requests.lock().unwrap().push(request.clone());
        if !self.always_fail && request.parallelism == 1 {
            return Ok(ok_result());
        }
        Ok(TerraformResult {
            ok: false,
            exit_code: Some(1),
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                summary: "local-exec provisioner error".into(),
                detail: self.failure_detail.clone(),
                address: Some("null_resource.container[1]".into()),
            }],
            log_tail: self.log_tail.clone(),
            ..ok_result()
        })
    }
}

/// Every check passes (the live checks are not what these tests are about).
pub struct PassingValidator;

#[async_trait]
impl Validator for PassingValidator {
    async fn validate(&self, _: &ValidationRequest) -> Result<ValidationResult, AgentError> {
        Ok(ValidationResult::from_checks(Vec::new()))
    }
}

/// Settings pointing `spec` at `base_url`, with millisecond backoffs so retries do not slow the tests.
pub fn settings(spec: &str, base_url: &str, catalog: bool) -> DiagnosisSettings {
    let mut settings = DiagnosisSettings::with_spec(LlmSpec::parse(spec).unwrap());
    settings.catalog = catalog;
    settings.base_url = Some(base_url.to_string());
    settings.retry = HttpRetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    };
    settings
}

/// Prices `model` at `input_per_mtok` and `output_per_mtok` dollars per million tokens, as `[llm.prices]` in
/// agentlab.toml would.
pub fn set_price(
    settings: &mut DiagnosisSettings,
    model: &str,
    input_per_mtok: f64,
    output_per_mtok: f64,
) {
    settings.price_overrides.insert(
        model.into(),
        agentlab::diagnosis::cost::Price {
            input_per_mtok,
            output_per_mtok,
            cache_read_per_mtok: 0.0,
            cache_write_per_mtok: 0.0,
        },
    );
}

pub fn keys() -> ApiKeys {
    ApiKeys {
        anthropic: Some("sk-ant-test-key-not-real".to_string().into()),
        openai: Some("sk-test-openai-not-real".to_string().into()),
    }
}

pub fn diagnoser(settings: &DiagnosisSettings, redactor: SharedRedactor) -> Box<dyn Diagnoser> {
    build_diagnoser(settings, keys(), redactor).unwrap()
}

/// A deploy of `lxc-fleet` in `dir` ([`lxc_fleet_deploy`]) with `terraform`, `diagnoser` and passing checks.
pub async fn deploy(
    terraform: &LockContendedTerraform,
    diagnoser: &dyn Diagnoser,
    dir: PathBuf,
) -> RunRecord {
    deploy_run(terraform, diagnoser, lxc_fleet_deploy(dir)).await
}

/// `run` with `terraform`, `diagnoser` and passing checks.
pub async fn deploy_run(
    terraform: &LockContendedTerraform,
    diagnoser: &dyn Diagnoser,
    run: ProjectRun,
) -> RunRecord {
    run_project(
        run,
        Agents {
            terraform,
            validator: &PassingValidator,
            diagnoser,
        },
    )
    .await
}

pub fn hypothesis(
    category: Category,
    remediation: Remediation,
    root_cause: &str,
    evidence: &[&str],
) -> Hypothesis {
    Hypothesis {
        category,
        root_cause: root_cause.into(),
        evidence: evidence.iter().map(|id| id.to_string()).collect(),
        remediation,
        confidence: 0.8,
    }
}

/// An LLM stand-in on loopback whose one answer, in Anthropic's format, is `answer` with this usage.
pub async fn llm_answering(
    answer: &Hypothesis,
    input_tokens: u64,
    output_tokens: u64,
) -> LlmStandIn {
    LlmStandIn::start(vec![ScriptedResponse::anthropic_hypothesis(
        answer,
        input_tokens,
        output_tokens,
    )])
    .await
    .expect("the LLM stand-in starts")
}

pub fn no_dir() -> PathBuf {
    PathBuf::from("/nonexistent/agentlab-project")
}
