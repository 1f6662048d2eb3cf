//! One project's check with scripted agents: drift is reported and never diagnosed, a failed live check names its
//! guest and asks the diagnoser once, a plan that could not run is an `error` with Terraform's error first, and
//! the Terraform agent is only ever asked to plan.

use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::json;

use super::*;
use crate::contracts::{
    ChangeAction, CheckName, CheckResult, DiagnosisSource, Diagnostic, Outcome, ResourceChange,
    Severity,
};
use crate::planner::agents::{AgentError, Diagnoser, TerraformAgent, Validator};

struct OneTerraform(
    Result<TerraformResult, AgentError>,
    Mutex<Vec<TerraformRequest>>,
);

#[async_trait]
impl TerraformAgent for OneTerraform {
    async fn run(&self, request: &TerraformRequest) -> Result<TerraformResult, AgentError> {
        self.1.lock().unwrap().push(request.clone());
        self.0.clone()
    }
}

struct OneValidator(ValidationResult);

#[async_trait]
impl Validator for OneValidator {
    async fn validate(&self, request: &ValidationRequest) -> Result<ValidationResult, AgentError> {
        assert_eq!(
            request.mode,
            RunMode::Check,
            "live checks on the refreshed state"
        );
        Ok(self.0.clone())
    }
}

#[derive(Default)]
struct CountingDiagnoser(Mutex<u32>);

#[async_trait]
impl Diagnoser for CountingDiagnoser {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis {
        assert_eq!(request.mode, RunMode::Check);
        *self.0.lock().unwrap() += 1;
        Diagnosis {
            source: DiagnosisSource::Catalog,
            hypothesis: None,
            detail: Some("known-failure catalogue: nothing matched".into()),
            usage: Vec::new(),
            catalogue_signature: None,
            cited_evidence: Vec::new(),
        }
    }
}

fn check() -> ProjectCheck {
    ProjectCheck {
        run_id: "check-1".into(),
        request: TerraformRequest {
            project: "lxc-fleet".into(),
            dir: "modules/lxc-fleet".into(),
            mode: RunMode::Check,
            plan_file: None,
            vars: Default::default(),
            backend_config: Vec::new(),
            parallelism: 10,
            lock_timeout: "5m".into(),
            replace: Vec::new(),
            reinit_upgrade: false,
            attempt: 1,
            guard: Default::default(),
        },
        validation: ValidationPlan {
            resources: Vec::new(),
            guests_output: "guests".into(),
            guests_output_required: false,
            default_node: "pmx-01".into(),
            port: 22,
            settle_seconds: 0,
        },
        context: RunContext::default(),
        checked_at_unix: 1_796_134_020,
    }
}

fn planned(changes: Vec<ResourceChange>) -> TerraformResult {
    TerraformResult {
        ok: true,
        phase: TerraformPhase::Plan,
        exit_code: Some(if changes.is_empty() { 0 } else { 2 }),
        cancelled: false,
        changes: Default::default(),
        resource_changes: changes,
        resource_addresses: vec!["null_resource.container[0]".into()],
        diagnostics: Vec::new(),
        outputs: [(
            "guests".to_string(),
            json!([{"vmid": 101, "kind": "lxc", "name": "web-1"}]),
        )]
        .into(),
        log_tail: Vec::new(),
        duration_ms: 1200,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    }
}

fn validation(guest_status: CheckStatus) -> ValidationResult {
    let failed = guest_status == CheckStatus::Fail;
    ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::GuestStatus,
        status: guest_status,
        detail: if failed {
            "1 of 1 guests are not running: lxc/101 (web-1) on pmx-01".into()
        } else {
            "1 of 1 guests are running".into()
        },
        evidence: vec![if failed {
            "lxc/101 (web-1) on pmx-01: status is `stopped`, not `running`".into()
        } else {
            "lxc/101 (web-1) on pmx-01: running".into()
        }],
    }])
}

async fn run(
    terraform: Result<TerraformResult, AgentError>,
    live: ValidationResult,
) -> (RunRecord, u32, Vec<TerraformRequest>) {
    let terraform = OneTerraform(terraform, Mutex::new(Vec::new()));
    let validator = OneValidator(live);
    let diagnoser = CountingDiagnoser::default();
    let agents = Agents {
        terraform: &terraform,
        validator: &validator,
        diagnoser: &diagnoser,
    };
    let record = check_project(check(), agents).await;
    let calls = *diagnoser.0.lock().unwrap();
    let requests = terraform.1.lock().unwrap().clone();
    (record, calls, requests)
}

#[tokio::test]
async fn in_sync_and_healthy_is_a_success_with_nothing_diagnosed() {
    let (record, diagnoses, requests) =
        run(Ok(planned(Vec::new())), validation(CheckStatus::Pass)).await;
    let findings = record.check.clone().unwrap();
    assert_eq!(findings.verdict, CheckVerdict::InSync);
    assert_eq!(record.outcome, Outcome::Success);
    assert_eq!(record.failure_reason, None);
    assert_eq!(diagnoses, 0);
    assert_eq!(requests.len(), 1);
    assert!(!requests[0].mode.applies(), "a check never applies");
}

#[tokio::test]
async fn drift_names_its_resources_and_is_never_diagnosed() {
    let change = ResourceChange {
        address: "proxmox_virtual_environment_container.web[0]".into(),
        action: ChangeAction::Update,
        reason: None,
        attributes: crate::terraform::compact::attribute_changes_of(
            Some(json!({"memory": 1024})).as_ref(),
            Some(json!({"memory": 512})).as_ref(),
        ),
    };
    let read = ResourceChange {
        address: "data.proxmox_virtual_environment_nodes.all".into(),
        action: ChangeAction::Read,
        reason: None,
        attributes: crate::terraform::compact::attribute_changes_of(None, None),
    };
    let (record, diagnoses, _) = run(
        Ok(planned(vec![change, read])),
        validation(CheckStatus::Pass),
    )
    .await;
    let findings = record.check.clone().unwrap();
    assert_eq!(findings.verdict, CheckVerdict::Drifted);
    assert_eq!(
        findings.drifted_resources,
        ["proxmox_virtual_environment_container.web[0] (update)"],
        "a data source read is not drift"
    );
    assert_eq!(record.outcome, Outcome::Failed);
    assert_eq!(diagnoses, 0, "drift is not a failure: no diagnosis");
    assert_eq!(record.llm_calls, 0);
}

#[tokio::test]
async fn a_failed_live_check_names_the_guest_and_asks_the_diagnoser_once() {
    let (record, diagnoses, _) = run(Ok(planned(Vec::new())), validation(CheckStatus::Fail)).await;
    let findings = record.check.clone().unwrap();
    assert_eq!(findings.verdict, CheckVerdict::Unhealthy);
    assert_eq!(findings.unhealthy_guests, ["lxc/101 (web-1) on pmx-01"]);
    assert_eq!(findings.failed_checks, ["guest-status"]);
    assert_eq!(diagnoses, 1);
    assert!(
        record
            .failure_reason
            .as_deref()
            .unwrap()
            .starts_with("unhealthy: guest-status failed"),
        "{:?}",
        record.failure_reason
    );
}

#[tokio::test]
async fn a_plan_that_cannot_run_is_an_error_with_terraforms_error_first() {
    let mut failed = planned(Vec::new());
    failed.ok = false;
    failed.exit_code = Some(1);
    failed.diagnostics = vec![Diagnostic {
        severity: Severity::Error,
        summary: "Error acquiring the state lock".into(),
        detail: "ConditionalCheckFailedException: lock held by deploy".into(),
        address: None,
    }];
    let (record, diagnoses, _) = run(Ok(failed), validation(CheckStatus::Pass)).await;
    let findings = record.check.clone().unwrap();
    assert_eq!(findings.verdict, CheckVerdict::Error);
    assert_eq!(
        findings.error.as_deref(),
        Some(
            "terraform plan: Error acquiring the state lock — ConditionalCheckFailedException: lock held by deploy"
        )
    );
    assert_eq!(record.failure_reason, findings.error);
    assert_eq!(diagnoses, 1, "the catalogue may know the failure");
    assert!(!findings.is_drifted() && !findings.is_unhealthy());

    let (record, _, _) = run(
        Err(AgentError {
            agent: "terraform",
            message: "cannot start terraform: No such file or directory".into(),
        }),
        validation(CheckStatus::Pass),
    )
    .await;
    assert_eq!(
        record.check.unwrap().error.as_deref(),
        Some("terraform agent: cannot start terraform: No such file or directory")
    );
}

#[test]
fn a_check_record_reads_back_and_older_records_without_findings_still_read() {
    let record = crate::stand_in::records::deploy_failed();
    let text = serde_json::to_string(&record).unwrap();
    assert!(
        !text.contains("\"check\""),
        "absent unless a check wrote it"
    );
    let read: RunRecord = serde_json::from_str(&text).unwrap();
    assert_eq!(read.check, None);
    let with_findings = RunRecord {
        mode: RunMode::Check,
        check: Some(CheckFindings {
            verdict: CheckVerdict::InSync,
            checked_at_unix: 1,
            drifted_resources: Vec::new(),
            unhealthy_guests: Vec::new(),
            failed_checks: Vec::new(),
            error: None,
        }),
        ..record
    };
    let value = serde_json::to_value(&with_findings).unwrap();
    assert_eq!(value["mode"], "check");
    assert_eq!(value["check"]["verdict"], "in-sync");
    assert_eq!(value["schema_version"], SCHEMA_VERSION);
    assert_eq!(
        serde_json::from_value::<RunRecord>(value).unwrap(),
        with_findings
    );
}
