//! The real `agentlab` binary as the tests start it: in a folder of the test's own, with none of the developer's
//! GitHub, Proxmox VE or LLM settings leaking in, and the helpers that read what it printed.

use std::path::Path;
use std::process::Output;

use super::terraform::{installed_terraform, terraform_cli_config};

/// Variables agentlab reads that a developer's shell or CI may have set; every run starts without them and a test
/// sets only what it means to.
const DEVELOPER_VARIABLES: [&str; 25] = [
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_API_URL",
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_SERVER_URL",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_OUTPUT",
    "AGENTLAB_CONFIG",
    "AGENTLAB_ALLOW_FORKS",
    "AGENTLAB_DEFAULT_BRANCH_CONFIG",
    "AGENTLAB_LLM_BASE_URL",
    "AGENTLAB_PROXMOX_CA_FILE",
    "AGENTLAB_PUSHGATEWAY",
    "AGENTLAB_TERRAFORM",
    "PROXMOX_VE_ENDPOINT",
    "PROXMOX_VE_API_TOKEN",
    "PROXMOX_VE_INSECURE",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "TF_CLI_CONFIG_FILE",
];

/// `agentlab` started in `dir` with none of [`DEVELOPER_VARIABLES`] and no colour. A plain std command, for
/// tests that wait for it synchronously or need its process id; see [`agentlab_command`] for the sandbox runs.
pub fn agentlab_in(dir: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_agentlab"));
    command.current_dir(dir).env("NO_COLOR", "1");
    for name in DEVELOPER_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// Points `command` at the installed terraform and the offline provider mirror.
pub fn with_installed_terraform(command: &mut std::process::Command) -> &mut std::process::Command {
    command
        .env("AGENTLAB_TERRAFORM", installed_terraform())
        .env("TF_CLI_CONFIG_FILE", terraform_cli_config())
}

/// `agentlab ARGS --config <workspace>/agentlab-sandbox.toml` in `workspace`, with the installed terraform, a clean
/// environment ([`agentlab_in`]) and `env` on top.
pub fn agentlab_command(
    workspace: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> tokio::process::Command {
    let mut command = agentlab_in(workspace);
    with_installed_terraform(&mut command)
        .args(args)
        .arg("--config")
        .arg(workspace.join("agentlab-sandbox.toml"));
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::process::Command::from(command)
}

/// Runs [`agentlab_command`] to its end.
pub async fn agentlab(workspace: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    agentlab_command(workspace, args, env)
        .output()
        .await
        .expect("the agentlab binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn stderr_of(output: &Output) -> String {
    text(&output.stderr)
}

/// Fails the test when agentlab's log shows a panic.
pub fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "agentlab panicked:\n{stderr}"
    );
}

type StderrLines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>;

/// Reads `child`'s stderr until a line contains `marker`; returns what was read and the rest of the stream.
pub async fn stderr_until(
    child: &mut tokio::process::Child,
    marker: &str,
) -> (String, StderrLines) {
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
pub async fn rest_of(mut lines: StderrLines) -> String {
    let mut rest = String::new();
    while let Some(line) = lines.next_line().await.expect("stderr reads") {
        rest.push_str(&line);
        rest.push('\n');
    }
    rest
}

/// Starts [`agentlab_command`] with stderr piped and reads its log until Terraform reports that a provisioner
/// started (it is inside the apply, holding the state lock): the child, what it printed so far, and the rest of its
/// stderr. Terraform's every line is logged (`AGENTLAB_LOG`): the compact progress view shows no provisioner start.
pub async fn spawn_until_provisioning(
    workspace: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> (tokio::process::Child, String, StderrLines) {
    let mut env = env.to_vec();
    env.push((
        "AGENTLAB_LOG",
        "agentlab=info,agentlab::terraform=debug".to_string(),
    ));
    let mut child = agentlab_command(workspace, args, &env)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("agentlab starts");
    let (seen, rest) = stderr_until(&mut child, "Provisioning with 'local-exec'").await;
    (child, seen, rest)
}
