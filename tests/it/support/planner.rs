//! The Planner's input as the tests build it by hand: a deploy of the `lxc-fleet` project, for tests that drive
//! `run_project` with scripted agents.

use std::path::PathBuf;

use agentlab::contracts::{RunContext, RunMode, TerraformMode, TerraformRequest};
use agentlab::planner::run::{LONGEST_WAIT, ProjectRun, ValidationPlan};

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
            ..terraform_request(&dir, TerraformMode::Apply)
        },
        validation: ValidationPlan {
            resources: Vec::new(),
            guests_output: "guests".into(),
            default_node: "pmx-01".into(),
            port: 22,
        },
        max_retries: 3,
        context: RunContext::default(),
        longest_wait: LONGEST_WAIT,
    }
}
