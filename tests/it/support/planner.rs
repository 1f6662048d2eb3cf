//! The Planner's input as the tests build it by hand: a deploy of the `lxc-fleet` project, for tests that drive
//! `run_project` with scripted agents, and the scripted apply whose guests the real Validator then checks.

use std::path::PathBuf;

use agentlab::contracts::{
    ChangeCounts, ResourceExpectation, RunContext, RunMode, TerraformPhase, TerraformRequest,
    TerraformResult,
};
use agentlab::planner::agents::{AgentError, TerraformAgent};
use agentlab::planner::run::{LONGEST_WAIT, ProjectRun};
use agentlab::planner::validation_facts::ValidationPlan;
use async_trait::async_trait;

use super::terraform::terraform_request;

/// A deploy of `lxc-fleet` in `dir`: apply at parallelism 10 waiting up to 5 minutes for a lock, up to 3 retries,
/// no resource patterns, guests from the `guests` output on pmx-01, port 22.
pub fn lxc_fleet_deploy(dir: PathBuf) -> ProjectRun {
    ProjectRun {
        run_id: "it-run".into(),
        mode: RunMode::Deploy,
        first_request: TerraformRequest {
            project: "lxc-fleet".into(),
            lock_timeout: "5m".into(),
            ..terraform_request(&dir, RunMode::Deploy)
        },
        validation: ValidationPlan {
            resources: Vec::new(),
            guests_output: "guests".into(),
            guests_output_required: false,
            default_node: "pmx-01".into(),
            port: 22,
            settle_seconds: 0,
        },
        max_retries: 3,
        policy: Default::default(),
        context: RunContext::default(),
        longest_wait: LONGEST_WAIT,
    }
}

/// An apply that succeeded and created one container, whose guests output lists it.
pub struct AppliedTerraform;

#[async_trait]
impl TerraformAgent for AppliedTerraform {
    async fn run(&self, _request: &TerraformRequest) -> Result<TerraformResult, AgentError> {
        Ok(TerraformResult {
            ok: true,
            phase: TerraformPhase::Apply,
            exit_code: Some(0),
            cancelled: false,
            changes: ChangeCounts {
                add: 1,
                ..ChangeCounts::default()
            },
            resource_changes: Vec::new(),
            resource_addresses: vec!["proxmox_virtual_environment_container.container[0]".into()],
            diagnostics: Vec::new(),
            outputs: [(
                "guests".to_string(),
                serde_json::json!([{"vmid": 101, "kind": "lxc"}]),
            )]
            .into_iter()
            .collect(),
            log_tail: Vec::new(),
            duration_ms: 5,
            plan_identity: None,
            refusal: None,
            unknown_outputs: Vec::new(),
            facts_source: None,
        })
    }
}

/// A deploy of the fleet module whose Terraform is scripted: the validator then looks for one container and
/// checks the guests on `port`.
pub fn validated_fleet_deploy(run_id: &str, port: u16) -> ProjectRun {
    let mut run = lxc_fleet_deploy("modules/lxc-fleet".into());
    run.run_id = run_id.into();
    run.validation.resources = vec![ResourceExpectation {
        pattern: r"proxmox_virtual_environment_container\.container\[\d+\]".into(),
        count: 1,
    }];
    run.validation.port = port;
    run.max_retries = 2;
    run
}
