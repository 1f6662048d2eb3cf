//! Proxmox VE API faults met while validating a deploy: the real Validator over HTTP against the Proxmox VE
//! stand-in, inside the Planner's driver. `validator` checks the wording of each answer; here each fault is
//! followed to its end: the check fails with a message that says what to do, the deploy ends FAILED (no
//! diagnoser in these tests) and the record is on disk, with no token in it.

use std::time::Duration;

use agentlab::commands::write_record;
use agentlab::contracts::{CheckName, CheckStatus, Diagnosis, DiagnosisRequest, Outcome};
use agentlab::planner::agents::{Agents, Diagnoser};
use agentlab::planner::run::run_project;
use agentlab::redact::Redactor;
use agentlab::stand_in::proxmox::{NodeState, PveWorld, PveWorldServer, WorldGuest};
use agentlab::validator::{ProxmoxValidator, ValidatorSettings};
use async_trait::async_trait;

use crate::support::{
    AppliedTerraform, check_named, listening_port, proxmox_validator, quick_validator_settings,
    record_on_disk, validated_fleet_deploy,
};

const TOKEN: &str = "agentlab@pve!faults=4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8";
const NODE: &str = "pmx-01";

/// No diagnoser is configured: the run ends after the first failing check.
struct NoDiagnoser;

#[async_trait]
impl Diagnoser for NoDiagnoser {
    async fn diagnose(&self, _request: &DiagnosisRequest) -> Diagnosis {
        Diagnosis::unavailable("no diagnoser configured")
    }
}

fn validator(server: &PveWorldServer) -> ProxmoxValidator {
    let settings = ValidatorSettings {
        guest_deadline: Duration::from_secs(20),
        ..quick_validator_settings(Duration::from_millis(400))
    };
    proxmox_validator(server, TOKEN, settings)
}

fn container() -> WorldGuest {
    WorldGuest::container(NODE, 101, "127.0.0.1/8")
}

#[tokio::test]
async fn proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written() {
    let (_listener, port) = listening_port().await;
    let status_path = "/lxc/101/status/current";
    let cases: Vec<(&str, PveWorld, &str)> = vec![
        (
            "401",
            PveWorld::new()
                .with_token("agentlab@pve!faults=another-secret")
                .with_guest(container()),
            "→ 401 Authentication failed!: the API token was refused; check PROXMOX_VE_API_TOKEN",
        ),
        (
            "403",
            PveWorld::new()
                .with_token(TOKEN)
                .with_guest(container())
                .with_fault(
                    status_path,
                    403,
                    "Permission check failed (/vms/101, VM.Audit)",
                    None,
                ),
            "the API token lacks the privilege VM.Audit on /vms/101",
        ),
        (
            "500 lock timeout",
            PveWorld::new()
                .with_token(TOKEN)
                .with_guest(container())
                .with_fault(
                    status_path,
                    500,
                    "can't lock file '/var/lock/lxc/lock-101.conf' - got timeout",
                    None,
                ),
            "→ 500 can't lock file '/var/lock/lxc/lock-101.conf' - got timeout",
        ),
        (
            "595",
            PveWorld::new()
                .with_token(TOKEN)
                .with_guest(container())
                .with_node(
                    NODE,
                    NodeState::Down {
                        reason: "Connection refused".into(),
                    },
                ),
            "→ 595 Connection refused",
        ),
        (
            "slow past the timeout",
            PveWorld::new()
                .with_token(TOKEN)
                .with_guest(container().hanging()),
            "no answer within 400 ms",
        ),
    ];
    for (fault, world, expected) in cases {
        let server = PveWorldServer::start(world).await.unwrap();
        let record = run_project(
            validated_fleet_deploy("faults-proxmox", port),
            Agents {
                terraform: &AppliedTerraform,
                validator: &validator(&server),
                diagnoser: &NoDiagnoser,
            },
        )
        .await;
        assert_eq!(record.outcome, Outcome::Failed, "{fault}: {record:#?}");
        let validation = record.attempts[0]
            .validation
            .as_ref()
            .unwrap_or_else(|| panic!("{fault}: the deploy was validated"));
        let guest_status = check_named(validation, CheckName::GuestStatus);
        assert_eq!(guest_status.status, CheckStatus::Fail, "{fault}");
        let evidence = guest_status.evidence.join("\n");
        assert!(evidence.contains(expected), "{fault}: {evidence}");

        let out = tempfile::tempdir().unwrap();
        let mut redactor = Redactor::new();
        redactor.add_secret(TOKEN);
        write_record(out.path(), &record, &redactor).expect("the record is written");
        let on_disk = record_on_disk(out.path(), "lxc-fleet");
        assert_eq!(on_disk.outcome, Outcome::Failed, "{fault}");
        let text = std::fs::read_to_string(out.path().join("lxc-fleet.json")).unwrap();
        assert!(!text.contains("4e5f6a7b-8c9d"), "{fault}: the token leaked");
        assert!(
            !text.contains("another-secret"),
            "{fault}: the token leaked"
        );
    }
}
