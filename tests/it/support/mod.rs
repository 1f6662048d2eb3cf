//! What the integration tests share, in one place so no topic file keeps its own copy: where the checkout and its
//! fixtures are, the installed terraform and sandbox copies, the `agentlab` binary with a clean environment, servers
//! on loopback port 0 (the Proxmox VE world among them), and readers of the records a run leaves. Topic files hold
//! only their scenarios, mostly as tables of cases.

mod binary;
mod github;
mod planner;
mod proxmox;
mod records;
mod servers;
mod services;
mod terraform;

use std::path::{Path, PathBuf};

pub use binary::{
    agentlab, agentlab_command, agentlab_in, assert_no_panic, rest_of, spawn_until_provisioning,
    stderr_of, stderr_until, text, with_installed_terraform,
};
pub use github::{
    SandboxWithGitHub, assert_done, github_client, publish_to_stand_in, publish_with,
    records_outbox, script_comment_answer, stand_in_client, stand_in_env,
};
pub use planner::{AppliedTerraform, lxc_fleet_deploy, validated_fleet_deploy};
pub use proxmox::{
    PROXMOX_TOKEN, ProxmoxStandIn, proxmox_for, proxmox_validator, quick_validator_settings,
    sandbox_proxmox, unreached_proxmox_env,
};
pub use records::{
    assert_failed_because, check_named, record_errors, record_on_disk, records_from_stdout,
    terraform_errors,
};
pub use servers::{free_loopback_port, listening_port, refused_url, silent_server};
pub use services::{INSTALL_HINT, PushgatewayProcess, service_binary};
pub use terraform::{
    fake_terraform, fixture_workspace, installed_terraform, run_terraform, runner,
    runner_with_redactor, sandbox_copy, sandbox_workspace, sandbox_workspace_with_bot_login,
    terraform_cli_config, terraform_request,
};

/// The crate's checkout: fixtures, scripts, modules and `.tools/` (where scripts/install-terraform puts its tools).
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/`, the sandbox projects, webhook payloads and recorded data the tests read.
pub fn fixtures_dir() -> PathBuf {
    crate_root().join("tests/fixtures")
}

/// The webhook payload of pull request 2 (GitHub's example), for runs that should comment on it.
pub fn pull_request_event() -> PathBuf {
    fixtures_dir().join("github/pull_request.opened.json")
}

/// Writes `config` as `dir/agentlab.toml` and an empty `main.tf` into each project folder it names (`dir = "..."`),
/// so that the checks made before anything runs find the folders a test's projects only pretend to have.
pub fn config_with_project_folders(dir: &Path, config: &str) {
    std::fs::write(dir.join("agentlab.toml"), config).unwrap();
    for line in config.lines() {
        if let Some(folder) = line
            .trim()
            .strip_prefix("dir = \"")
            .and_then(|rest| rest.strip_suffix('"'))
        {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
            std::fs::write(dir.join(folder).join("main.tf"), "").unwrap();
        }
    }
}
