//! Fault injection (issue 10, items 2, 3, 4 and 6): every fault ends with the run in SUCCESS or FAILED, the record
//! on disk and no panic. Faults already covered elsewhere are listed here with the test that covers them; the
//! submodules add only what was missing.
//!
//! | Fault | Test |
//! |---|---|
//! | GitHub 500 / 502 | `faults::github::server_errors_500_and_502_are_retried_then_the_comment_is_posted` |
//! | GitHub 403 secondary rate limit with `retry-after` | `faults::github::a_secondary_rate_limit_403_is_waited_out_as_retry_after_says` |
//! | GitHub 429 | `github_flows::a_rate_limit_is_waited_out_then_the_comment_is_posted`, `github_flows::a_posting_failure_is_a_warning_not_an_error` |
//! | GitHub 422 oversized body | `github_flows::a_422_on_an_oversized_body_falls_back_to_a_shorter_one` |
//! | GitHub timeout | `faults::github::a_github_that_never_answers_times_out_into_a_warning` |
//! | GitHub connection refused mid-run; a later run posts the record | `faults::github::a_refused_connection_keeps_the_record_and_publish_posts_it_later` |
//! | LLM 429 with `retry-after`, 529 overloaded | `diagnosis::calls::rate_limits_and_overload_are_retried_honouring_retry_after` |
//! | LLM timeout | `faults::llm::an_llm_that_never_answers_times_out_and_the_run_fails_with_the_record_written` |
//! | LLM invalid JSON twice | `faults::llm::an_answer_that_is_not_json_twice_fails_the_run`; schema-invalid twice: `diagnosis::calls::injected_instructions_cannot_produce_a_remediation_outside_the_enum` |
//! | LLM answer citing unknown evidence | `diagnosis::calls::an_unknown_evidence_id_gets_one_repair_request` |
//! | LLM spend limit | the budget: `diagnosis::calls::no_diagnoser_and_a_spent_budget_make_no_call`; the provider's: `faults::llm::the_providers_spend_limit_fails_the_run_without_a_retry` |
//! | Proxmox VE 401 | `validator::an_authentication_failure_fails_the_guest_checks_with_a_clear_message_and_no_token`; through a deploy: `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE 403 with a permission message | `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE 500 lock timeout | `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE 595 | `validator::a_node_that_is_down_fails_with_the_595_reason`; through a deploy: `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE slow past the timeout | `validator::one_hanging_guest_cannot_stall_the_others_past_the_deadline`; through a deploy: `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Terraform killed mid-apply by SIGTERM; the next run plans without force-unlock | `terraform::a_cancelled_apply_releases_the_state_lock`, `terraform::a_sigterm_to_agentlab_is_forwarded_to_terraform`; the real binary end to end: `faults::terraform::a_sigterm_mid_deploy_writes_the_record_and_the_next_plan_needs_no_unlock` |
//! | Terraform state lock held by another process | `faults::concurrency::two_deploys_of_one_project_one_fails_on_the_state_lock_and_the_state_is_intact` |
//! | Terraform binary missing | `terraform::a_missing_binary_is_an_agent_fault_that_says_what_to_do`; the real binary: `faults::terraform::a_missing_terraform_fails_the_run_with_the_record_written` |
//! | Terraform binary printing garbage | `terraform::a_truncated_json_line_is_a_clear_error_naming_the_line`; random bytes: `faults::terraform::a_terraform_printing_garbage_fails_the_run_without_a_panic` |
//! | Terraform printing 50 MB | in lines: `faults::terraform::fifty_megabytes_of_output_keep_memory_and_the_record_bounded`; without a newline: `faults::terraform::fifty_megabytes_without_a_newline_are_cut_and_memory_stays_bounded` |
//! | Prompt injection in Terraform output and `.tf` comments | `diagnosis::calls::injected_instructions_cannot_produce_a_remediation_outside_the_enum`; the comment and the caps: `faults::injection::injected_instructions_stay_data_and_change_neither_the_cap_nor_the_budget` |
//! | Prompt injection of another project's comment or incident marker | `faults::injection::an_injected_marker_does_not_hijack_another_projects_comment_or_incident` |
//! | Secrets end to end (plan, deploy, failure, diagnosis, incident) | `diagnosis::canaries::no_canary_reaches_the_llm_request_or_the_record` (the planner); the real binary: `faults::canaries::no_canary_leaves_the_process_in_any_request_record_summary_or_log` |
//! | Two deploys of one project at once | `faults::concurrency::two_deploys_of_one_project_one_fails_on_the_state_lock_and_the_state_is_intact` |

mod canaries;
mod concurrency;
mod github;
mod injection;
mod llm;
mod proxmox;
mod terraform;

use std::path::{Path, PathBuf};
use std::process::Output;

use agentlab::contracts::RunRecord;

pub use crate::terraform_cli::{agentlab, agentlab_command};

/// A server on loopback that accepts connections and never answers (a hung proxy, an overloaded API): its address,
/// and the task holding the connections open, to abort when the test is done.
pub async fn silent_server() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    (address, held)
}

pub fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The record a run wrote to `DIR/PROJECT.json`; fails the test when it is missing or not a record.
pub fn record_on_disk(dir: &Path, project: &str) -> RunRecord {
    let path = dir.join(format!("{project}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("no record at {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not a run record: {error}", path.display()))
}

/// Writes an executable shell script standing in for terraform.
pub fn fake_terraform(dir: &Path, name: &str, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, script).expect("write the fake terraform");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// The webhook payload of pull request 2 (GitHub's example), for runs that should comment on it.
pub fn pull_request_event() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github/pull_request.opened.json")
}

/// The Proxmox VE API token the sandbox runs present to [`sandbox_proxmox`].
pub const PROXMOX_TOKEN: &str = "agentlab@pve!faults=7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

/// A Proxmox VE stand-in where the sandbox-ok containers (200–202) run on pmx-01 at 127.0.0.1, a listener for the
/// reachable check (the workspace's configuration points at its port), and the environment that reaches both.
pub async fn sandbox_proxmox(
    workspace: &Path,
) -> (
    agentlab::stand_in::proxmox::PveWorldServer,
    tokio::net::TcpListener,
    Vec<(&'static str, String)>,
) {
    proxmox_for(workspace, 200..203, PROXMOX_TOKEN).await
}

/// As [`sandbox_proxmox`], with the containers `vmids` (named `sandbox-N` from 0) and the API token `token`.
pub async fn proxmox_for(
    workspace: &Path,
    vmids: std::ops::Range<u32>,
    token: &str,
) -> (
    agentlab::stand_in::proxmox::PveWorldServer,
    tokio::net::TcpListener,
    Vec<(&'static str, String)>,
) {
    use agentlab::stand_in::proxmox::{NodeState, PveWorld, PveWorldServer, WorldGuest};
    let first = vmids.start;
    let mut world = PveWorld::new()
        .with_token(token)
        .with_node("pmx-01", NodeState::Online);
    for vmid in vmids {
        world = world.with_guest(
            WorldGuest::container("pmx-01", vmid, "127.0.0.1/8")
                .named(&format!("sandbox-{}", vmid - first)),
        );
    }
    let server = PveWorldServer::start(world).await.expect("stand-in starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = workspace.join("agentlab-sandbox.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace(
            "[project.validate]\n",
            &format!("[project.validate]\nport = {port}\n"),
        ),
    )
    .expect("config written");
    let env = vec![
        ("PROXMOX_VE_ENDPOINT", server.endpoint()),
        ("PROXMOX_VE_API_TOKEN", token.to_string()),
    ];
    (server, listener, env)
}

/// Reads `child`'s stderr until a line contains `marker`; returns what was read and the rest of the stream.
pub async fn stderr_until(
    child: &mut tokio::process::Child,
    marker: &str,
) -> (
    String,
    tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
) {
    use tokio::io::AsyncBufReadExt;
    let mut lines =
        tokio::io::BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
    let mut seen = String::new();
    while let Some(line) = lines.next_line().await.expect("stderr reads") {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(marker) {
            return (seen, lines);
        }
    }
    panic!("agentlab ended without printing `{marker}`:\n{seen}");
}

/// The rest of a stderr stream.
pub async fn rest_of(
    mut lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
) -> String {
    let mut rest = String::new();
    while let Some(line) = lines.next_line().await.expect("stderr reads") {
        rest.push_str(&line);
        rest.push('\n');
    }
    rest
}

/// A workspace with the fixture `project` and an `agentlab-sandbox.toml` made of `config` plus the project.
pub fn fixture_workspace(project: &str, config: &str) -> tempfile::TempDir {
    let workspace = tempfile::tempdir().expect("temp dir");
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(project);
    let target = workspace.path().join(project);
    std::fs::create_dir_all(&target).unwrap();
    for entry in std::fs::read_dir(&source).expect("fixture exists") {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
    }
    std::fs::write(
        workspace.path().join("agentlab-sandbox.toml"),
        format!(
            "{config}\n[[project]]\nname = \"{project}\"\ndir = \"{project}\"\n[project.validate]\n\
             resources = [{{ pattern = '^null_resource\\.container$', count = 1 }}]\n"
        ),
    )
    .unwrap();
    workspace
}
