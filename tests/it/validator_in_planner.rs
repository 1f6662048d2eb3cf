//! The Planner with the real Validator in VALIDATING: a failing check sends a deploy run to DIAGNOSING, and the
//! diagnoser is handed that check with its evidence; a healthy world ends in SUCCESS without a diagnosis.

use std::sync::Mutex;
use std::time::Duration;

use agentlab::contracts::{
    CheckName, CheckStatus, Diagnosis, DiagnosisRequest, Outcome, RunRecord, StateName,
};
use agentlab::planner::agents::{Agents, Diagnoser};
use agentlab::planner::run::run_project;
use agentlab::stand_in::proxmox::{PveWorld, PveWorldServer, WorldGuest};
use agentlab::validator::ProxmoxValidator;
use async_trait::async_trait;

use crate::support::{
    AppliedTerraform, check_named, listening_port, proxmox_validator, quick_validator_settings,
    validated_fleet_deploy,
};

const TOKEN: &str = "agentlab@pve!deploy=9c1d2e3f-4a5b-4c6d-8e7f-001122334455";

/// Remembers what it was asked and gives no hypothesis, so the run ends after one diagnosis.
#[derive(Default)]
struct RecordingDiagnoser {
    requests: Mutex<Vec<DiagnosisRequest>>,
}

#[async_trait]
impl Diagnoser for RecordingDiagnoser {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis {
        self.requests.lock().unwrap().push(request.clone());
        Diagnosis::unavailable("no diagnoser in this test")
    }
}

fn validator(server: &PveWorldServer) -> ProxmoxValidator {
    proxmox_validator(
        server,
        TOKEN,
        quick_validator_settings(Duration::from_secs(5)),
    )
}

/// Deploys with the scripted apply against `world` (a guest's port listening) and the real Validator; returns the
/// record and what the diagnoser was asked.
async fn deploy_against(world: PveWorld) -> (RunRecord, Vec<DiagnosisRequest>) {
    let server = PveWorldServer::start(world).await.unwrap();
    let (_listener, port) = listening_port().await;
    let validator = validator(&server);
    let diagnoser = RecordingDiagnoser::default();
    let agents = Agents {
        terraform: &AppliedTerraform,
        validator: &validator,
        diagnoser: &diagnoser,
    };
    let record = run_project(validated_fleet_deploy("run-validate", port), agents).await;
    let requests = diagnoser.requests.lock().unwrap().clone();
    (record, requests)
}

#[tokio::test]
async fn a_stopped_guest_after_apply_moves_the_run_to_diagnosing_with_the_check_as_evidence() {
    let world = PveWorld::new().with_token(TOKEN).with_guest(
        WorldGuest::container("pmx-01", 101, "127.0.0.1/8")
            .named("web-1")
            .stopped(),
    );
    let (record, requests) = deploy_against(world).await;

    assert_eq!(record.outcome, Outcome::Failed);
    let validating_to_diagnosing = record
        .transitions
        .iter()
        .find(|t| t.from == StateName::Validating)
        .expect("a transition out of VALIDATING");
    assert_eq!(validating_to_diagnosing.to, StateName::Diagnosing);
    assert!(
        validating_to_diagnosing.reason.contains("guest-status"),
        "{validating_to_diagnosing:?}"
    );

    assert_eq!(requests.len(), 1);
    let validation = requests[0]
        .validation
        .as_ref()
        .expect("the diagnosis sees the validation");
    let failed = check_named(validation, CheckName::GuestStatus);
    assert_eq!(failed.status, CheckStatus::Fail);
    assert_eq!(
        failed.evidence,
        [
            "lxc/101 on pmx-01: status is `stopped`, not `running` (GET /api2/json/nodes/pmx-01/lxc/101/status/current)"
        ]
    );
    let record_text = serde_json::to_string(&record).unwrap();
    assert!(
        !record_text.contains("9c1d2e3f"),
        "the token leaked into the record"
    );
}

#[tokio::test]
async fn a_healthy_world_ends_in_success_without_a_diagnosis() {
    let world = PveWorld::new()
        .with_token(TOKEN)
        .with_guest(WorldGuest::container("pmx-01", 101, "127.0.0.1/8"));
    let (record, requests) = deploy_against(world).await;
    assert_eq!(record.outcome, Outcome::Success, "{record:#?}");
    assert!(requests.is_empty());
    let validation = record.attempts[0].validation.as_ref().unwrap();
    assert!(
        validation
            .checks
            .iter()
            .all(|check| check.status == CheckStatus::Pass),
        "{validation:#?}"
    );
}
