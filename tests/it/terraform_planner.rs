//! The real Terraform agent driven by the Planner on the sandbox projects, each run built from
//! tests/fixtures/agentlab-sandbox.toml by the same conversion the CLI uses: each fault ends FAILED with the
//! provider's real error text in the record, and the parallel-lock fault succeeds at `-parallelism=1`, whether the
//! configuration says so or a diagnosis asks for it. The Validator and the diagnoser are scripted here (their own rooms test the real ones): the
//! validator passes when Terraform reported resources, and the diagnoser knows the lock timeout and nothing else,
//! as the known-failure catalogue would with `--llm none`.

use async_trait::async_trait;

use agentlab::commands::{RunSettings, project_run};
use agentlab::config::LoadedConfig;
use agentlab::contracts::{
    Category, CheckName, CheckResult, CheckStatus, Diagnosis, DiagnosisRequest, DiagnosisSource,
    Hypothesis, Outcome, Remediation, RunContext, RunMode, RunRecord, StateName, ValidationRequest,
    ValidationResult,
};
use agentlab::planner::agents::{AgentError, Agents, Diagnoser, Validator};
use agentlab::planner::run::run_project;
use agentlab::terraform::Cancellation;

use crate::support::{record_errors, runner, sandbox_workspace};
use agentlab::terraform::ui::UiEventKind;

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
            catalogue_signature: None,
            cited_evidence: Vec::new(),
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

/// The run of `project` as `agentlab deploy` builds it from the sandbox configuration in `workspace`.
fn deploy_run(workspace: &std::path::Path, project: &str) -> agentlab::planner::run::ProjectRun {
    let config = LoadedConfig::load(&workspace.join("agentlab-sandbox.toml"))
        .expect("the sandbox configuration parses");
    let project_config = config
        .config
        .projects
        .iter()
        .find(|candidate| candidate.name == project)
        .expect("project declared");
    let settings = RunSettings {
        run_id: format!("it-{project}"),
        mode: RunMode::Deploy,
        output_dir: workspace.join("out"),
        max_retries: None,
        context: RunContext::default(),
    };
    std::fs::create_dir_all(&settings.output_dir).expect("output dir");
    project_run(&config, project_config, &settings)
}

async fn deploy(project: &str) -> RunRecord {
    let workspace = sandbox_workspace();
    let run = deploy_run(workspace.path(), project);
    let terraform = runner(Cancellation::new());
    let agents = Agents {
        terraform: &terraform,
        validator: &AddressesReportedValidator,
        diagnoser: &LockTimeoutDiagnoser,
    };
    run_project(run, agents).await
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
    // The retry re-creates what the first attempt created and left tainted: the destroy guard lets it through,
    // since this run created it.
    let recreated: Vec<&str> = record.attempts[1]
        .terraform
        .resource_changes
        .iter()
        .filter(|change| change.action.destroys())
        .map(|change| change.address.as_str())
        .collect();
    assert!(!recreated.is_empty(), "{record:#?}");
    assert!(recreated.iter().all(|address| {
        first.terraform.resource_changes.iter().any(|change| {
            change.address == *address && change.action == agentlab::contracts::ChangeAction::Create
        })
    }));
    assert_eq!(record.attempts[1].terraform.refusal, None);
}

#[tokio::test]
async fn the_parallel_lock_project_configured_with_parallelism_1_succeeds_first_time() {
    let record = deploy("fault-parallel-lock-serial").await;
    assert_eq!(record.outcome, Outcome::Success, "{record:#?}");
    assert_eq!(record.attempts.len(), 1);
    assert_eq!(record.attempts[0].parallelism, 1);
    assert_eq!(record.attempts[0].terraform.resource_addresses.len(), 3);
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

#[tokio::test]
async fn a_cancelled_deploy_ends_failed_as_cancelled_without_a_retry() {
    let workspace = sandbox_workspace();
    let mut run = deploy_run(workspace.path(), "sandbox-ok");
    run.first_request
        .vars
        .insert("create_seconds".to_owned(), "3".to_owned());
    let cancellation = Cancellation::new();
    let (events, mut received) = tokio::sync::mpsc::unbounded_channel();
    let terraform = runner(cancellation.clone()).with_event_observer(events);
    let trigger = cancellation.clone();
    let watcher = tokio::spawn(async move {
        while let Some(event) = received.recv().await {
            if matches!(event.kind, UiEventKind::ProvisionStart(_)) {
                trigger.request();
                break;
            }
        }
    });
    let agents = Agents {
        terraform: &terraform,
        validator: &AddressesReportedValidator,
        diagnoser: &LockTimeoutDiagnoser,
    };
    let record = run_project(run, agents).await;
    watcher.await.expect("watcher");
    assert_eq!(record.outcome, Outcome::Failed);
    assert_eq!(record.failure_reason.as_deref(), Some("cancelled"));
    assert_eq!(record.attempts.len(), 1);
    assert!(record.attempts[0].terraform.cancelled);
    assert!(
        record.attempts[0].diagnosis.is_none(),
        "a cancellation is not diagnosed"
    );
}
