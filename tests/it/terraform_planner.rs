//! The real Terraform agent driven by the Planner on the sandbox projects: each fault ends FAILED with the
//! provider's real error text in the record, and the parallel-lock fault recovers when a diagnosis asks for
//! `-parallelism=1`. The Validator and the diagnoser are scripted here (their own rooms test the real ones): the
//! validator passes when Terraform reported resources, and the diagnoser knows the lock timeout and nothing else,
//! as the known-failure catalogue would with `--llm none`.

use async_trait::async_trait;

use agentlab::contracts::{
    Category, CheckName, CheckResult, CheckStatus, Diagnosis, DiagnosisRequest, DiagnosisSource,
    Hypothesis, Outcome, Remediation, RunContext, RunMode, RunRecord, StateName, TerraformMode,
    ValidationRequest, ValidationResult,
};
use agentlab::planner::run::{
    AgentError, Agents, Diagnoser, ProjectRun, ValidationPlan, Validator, run_project,
};
use agentlab::terraform::Cancellation;

use crate::terraform::{request, runner, sandbox_copy};

/// Passes when Terraform reported at least one resource address; says how many it saw.
struct AddressesReportedValidator;

#[async_trait]
impl Validator for AddressesReportedValidator {
    async fn validate(&self, request: &ValidationRequest) -> Result<ValidationResult, AgentError> {
        let status = if request.resource_addresses.is_empty() {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        Ok(ValidationResult::from_checks(vec![CheckResult {
            name: CheckName::Resources,
            status,
            detail: format!("{} addresses", request.resource_addresses.len()),
            evidence: request.resource_addresses.clone(),
        }]))
    }
}

/// Recognises Proxmox's lock timeout in Terraform's diagnostics and asks for parallelism 1; knows nothing else.
struct LockTimeoutDiagnoser;

#[async_trait]
impl Diagnoser for LockTimeoutDiagnoser {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis {
        let lock_timeout = request.terraform.errors().any(|diagnostic| {
            diagnostic.detail.contains("can't lock file")
                && diagnostic.detail.contains("got timeout")
        });
        if !lock_timeout {
            return Diagnosis::unavailable("no LLM configured (--llm none)");
        }
        Diagnosis {
            source: DiagnosisSource::Catalog,
            hypothesis: Some(Hypothesis {
                category: Category::TransientLock,
                root_cause: "concurrent creates on one node time out on its config lock".to_owned(),
                evidence: vec!["E1".to_owned()],
                remediation: Remediation::ReduceParallelism { parallelism: 1 },
                confidence: 0.9,
            }),
            detail: None,
            usage: Vec::new(),
        }
    }
}

async fn deploy(project: &str) -> RunRecord {
    let sandbox = sandbox_copy(project);
    let terraform = runner(Cancellation::new());
    let run = ProjectRun {
        run_id: format!("it-{project}"),
        mode: RunMode::Deploy,
        first_request: request(sandbox.path(), TerraformMode::Apply),
        validation: ValidationPlan {
            resources: Vec::new(),
            guests_output: "guests".to_owned(),
            default_node: "pmx-01".to_owned(),
            port: 22,
        },
        max_retries: 2,
        context: RunContext::default(),
    };
    let agents = Agents {
        terraform: &terraform,
        validator: &AddressesReportedValidator,
        diagnoser: &LockTimeoutDiagnoser,
    };
    run_project(run, agents).await
}

fn record_errors(record: &RunRecord) -> String {
    record
        .attempts
        .iter()
        .flat_map(|attempt| attempt.terraform.errors())
        .map(|diagnostic| diagnostic.detail.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_healthy_sandbox_deploys_first_time() {
    let record = deploy("sandbox-ok").await;
    assert_eq!(record.outcome, Outcome::Success, "{record:#?}");
    assert_eq!(record.attempts.len(), 1);
    let terraform = &record.attempts[0].terraform;
    assert_eq!(terraform.changes.add, 4);
    assert_eq!(terraform.resource_addresses.len(), 4);
    assert_eq!(record.llm_calls, 0);
    assert_eq!(
        record.transitions.last().map(|transition| transition.to),
        Some(StateName::Success)
    );
}

#[tokio::test]
async fn the_parallel_lock_fault_recovers_with_parallelism_1() {
    let record = deploy("fault-parallel-lock").await;
    assert_eq!(record.outcome, Outcome::Success, "{record:#?}");
    assert_eq!(record.attempts.len(), 2);
    let first = &record.attempts[0];
    assert!(!first.terraform.ok);
    assert!(
        record_errors(&record).contains("got timeout"),
        "the first attempt's record keeps the real error"
    );
    assert_eq!(first.parallelism, 10);
    assert_eq!(record.attempts[1].parallelism, 1);
    assert!(record.attempts[1].terraform.ok);
}

#[tokio::test]
async fn each_other_fault_ends_failed_with_its_real_error_text() {
    for (project, text) in [
        (
            "fault-vmid-conflict",
            "CT 901 already exists on node 'pmx-01'",
        ),
        (
            "fault-permission",
            "please provide also the following permissions that are missing: [VM.Monitor]",
        ),
        (
            "fault-backend-offline",
            "dial tcp 127.0.0.1:1: connect: connection refused",
        ),
    ] {
        let record = deploy(project).await;
        assert_eq!(record.outcome, Outcome::Failed, "{project}");
        assert_eq!(
            record.attempts.len(),
            1,
            "{project}: no retry without a diagnosis"
        );
        assert!(
            record_errors(&record).contains(text),
            "{project}: {}",
            record_errors(&record)
        );
        assert!(record.failure_reason.is_some(), "{project}");
    }
}
