//! `agentlab plan` and `agentlab deploy` end to end: the real binary, the real terraform 1.0.3 on the sandbox
//! projects declared in tests/fixtures/agentlab-sandbox.toml, the real Validator against the Proxmox VE stand-in on
//! loopback, and the known-failure catalogue with `--llm none`. Records come out on stdout (`--json`) and in
//! `--output DIR`; the exit status is 0 when every project succeeded and 1 when one failed.

use std::path::Path;
use std::process::Output;

use agentlab::contracts::{
    DiagnosisSource, Outcome, Remediation, RunRecord, StateName, TerraformPhase,
};
use agentlab::stand_in::proxmox::{NodeState, PveWorld, PveWorldServer, WorldGuest};

use crate::terraform::{installed_terraform, sandbox_workspace, terraform_cli_config};

const TOKEN: &str = "agentlab@pve!deploy=5d0c8a4e-7f1b-4c2d-9e3a-6b5c4d3e2f10";

/// `agentlab ARGS --config <workspace>/agentlab-sandbox.toml` with the installed terraform, none of the
/// developer's GitHub, Proxmox or LLM settings, and `env` on top.
pub fn agentlab_command(
    workspace: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_agentlab"));
    command
        .args(args)
        .arg("--config")
        .arg(workspace.join("agentlab-sandbox.toml"))
        .current_dir(workspace)
        .env("AGENTLAB_TERRAFORM", installed_terraform())
        .env("TF_CLI_CONFIG_FILE", terraform_cli_config())
        .env("NO_COLOR", "1");
    for name in [
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
        "PROXMOX_VE_ENDPOINT",
        "PROXMOX_VE_API_TOKEN",
        "ANTHROPIC_API_KEY",
        "OPENAI_API_KEY",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

pub async fn agentlab(workspace: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    agentlab_command(workspace, args, env)
        .output()
        .await
        .expect("the agentlab binary runs")
}

/// [`agentlab`], with the Proxmox VE stand-in at `proxmox` when there is one.
async fn agentlab_with(workspace: &Path, args: &[&str], proxmox: Option<&str>) -> Output {
    let env: Vec<(&str, String)> = proxmox
        .map(|endpoint| {
            vec![
                ("PROXMOX_VE_ENDPOINT", endpoint.to_string()),
                ("PROXMOX_VE_API_TOKEN", TOKEN.to_string()),
            ]
        })
        .unwrap_or_default();
    agentlab(workspace, args, &env).await
}

fn records(output: &Output) -> Vec<RunRecord> {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not a JSON array of run records ({error}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn errors_of(record: &RunRecord) -> String {
    record
        .attempts
        .iter()
        .flat_map(|attempt| attempt.terraform.errors())
        .map(|diagnostic| format!("{}: {}", diagnostic.summary, diagnostic.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Proxmox VE stand-in where the given containers run on pmx-01 at 127.0.0.1.
async fn proxmox_with(guests: &[(u32, &str)]) -> PveWorldServer {
    let mut world = PveWorld::new()
        .with_token(TOKEN)
        .with_node("pmx-01", NodeState::Online);
    for (vmid, name) in guests {
        world = world.with_guest(WorldGuest::container("pmx-01", *vmid, "127.0.0.1/8").named(name));
    }
    PveWorldServer::start(world).await.expect("stand-in starts")
}

/// Points every project's reachable check at `port` (where the test listens).
fn use_port(workspace: &Path, port: u16) {
    let path = workspace.join("agentlab-sandbox.toml");
    let text = std::fs::read_to_string(&path).expect("config");
    let text = text.replace(
        "[project.validate]\n",
        &format!("[project.validate]\nport = {port}\n"),
    );
    std::fs::write(&path, text).expect("config written");
}

#[tokio::test]
async fn plan_prints_the_record_with_the_real_change_counts() {
    let workspace = sandbox_workspace();
    let out = workspace.path().join("out");
    // The guests do not exist yet: the stand-in knows none of them, so the guest checks skip in plan mode.
    let proxmox = proxmox_with(&[]).await;
    let output = agentlab_with(
        workspace.path(),
        &[
            "plan",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--json",
            "--output",
            "out",
        ],
        Some(&proxmox.endpoint()),
    )
    .await;
    let records = records(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(
        (record.project.as_str(), record.outcome),
        ("sandbox-ok", Outcome::Success)
    );
    let terraform = &record.attempts[0].terraform;
    assert_eq!(
        (terraform.phase, terraform.exit_code),
        (TerraformPhase::Plan, Some(2))
    );
    assert_eq!((terraform.changes.add, terraform.changes.destroy), (4, 0));
    let validation = record.attempts[0]
        .validation
        .as_ref()
        .expect("the plan was validated");
    assert!(validation.ok, "{validation:?}");
    let states: Vec<StateName> = record
        .transitions
        .iter()
        .map(|transition| transition.to)
        .collect();
    assert_eq!(
        states,
        [
            StateName::Running,
            StateName::Validating,
            StateName::Success
        ]
    );
    assert_eq!(record.llm_calls, 0);
    let on_disk: RunRecord = serde_json::from_str(
        &std::fs::read_to_string(out.join("sandbox-ok.json")).expect("record file"),
    )
    .expect("record parses");
    assert_eq!(on_disk.run_id, record.run_id);
    let preview = std::fs::read_to_string(out.join("sandbox-ok.pr-comment.md"))
        .expect("a Markdown preview of the PR comment is written with --no-post");
    assert!(
        preview.contains("<!-- agentlab") && preview.contains("4 to add"),
        "{preview}"
    );
    assert!(
        !out.join("sandbox-ok.incident-issue.md").exists(),
        "a successful plan previews no incident issue"
    );
    assert!(
        std::fs::read_dir(&out).unwrap().all(|entry| !entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tfplan")),
        "no plan file (which holds sensitive values in clear) is left next to the records"
    );
    assert!(
        !workspace
            .path()
            .join("sandbox-ok/terraform.tfstate")
            .exists(),
        "a plan applies nothing"
    );
}

#[tokio::test]
async fn deploy_applies_and_validates_the_live_guests() {
    let workspace = sandbox_workspace();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    use_port(
        workspace.path(),
        listener.local_addr().expect("address").port(),
    );
    let proxmox = proxmox_with(&[(200, "sandbox-0"), (201, "sandbox-1"), (202, "sandbox-2")]).await;
    let output = agentlab_with(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--llm",
            "none",
            "--json",
            "--output",
            "out",
        ],
        Some(&proxmox.endpoint()),
    )
    .await;
    let records = records(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let record = &records[0];
    assert_eq!(record.outcome, Outcome::Success, "{record:#?}");
    let attempt = &record.attempts[0];
    assert_eq!(
        (attempt.terraform.phase, attempt.terraform.exit_code),
        (TerraformPhase::Apply, Some(0))
    );
    assert_eq!(attempt.terraform.resource_addresses.len(), 4);
    assert!(
        attempt
            .validation
            .as_ref()
            .is_some_and(|validation| validation.ok)
    );
    assert!(
        workspace
            .path()
            .join("sandbox-ok/terraform.tfstate")
            .exists()
    );
}

#[tokio::test]
async fn each_fault_fails_the_deploy_with_its_real_error_text() {
    let workspace = sandbox_workspace();
    let output = agentlab_with(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "fault-vmid-conflict",
            "--project",
            "fault-permission",
            "--project",
            "fault-backend-offline",
            "--no-post",
            "--llm",
            "none",
            "--json",
            "--output",
            "out",
        ],
        None,
    )
    .await;
    let records = records(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = [
        (
            "fault-vmid-conflict",
            TerraformPhase::Apply,
            "CT 901 already exists on node 'pmx-01'",
        ),
        (
            "fault-permission",
            TerraformPhase::Apply,
            "please provide also the following permissions that are missing: [VM.Monitor]",
        ),
        (
            "fault-backend-offline",
            TerraformPhase::Init,
            "dial tcp 127.0.0.1:1: connect: connection refused",
        ),
    ];
    assert_eq!(records.len(), expected.len());
    for (record, (project, phase, text)) in records.iter().zip(expected) {
        assert_eq!(record.project, project);
        assert_eq!(record.outcome, Outcome::Failed, "{project}");
        assert!(record.failure_reason.is_some(), "{project}");
        assert_eq!(record.attempts[0].terraform.phase, phase, "{project}");
        assert!(
            errors_of(record).contains(text),
            "{project}: {}",
            errors_of(record)
        );
        assert_eq!(
            record.transitions.last().map(|transition| transition.to),
            Some(StateName::Failed),
            "{project}"
        );
        assert!(
            workspace
                .path()
                .join("out")
                .join(format!("{project}.json"))
                .exists()
        );
    }
}

#[tokio::test]
async fn the_parallel_lock_fault_deploys_at_parallelism_1() {
    let workspace = sandbox_workspace();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    use_port(
        workspace.path(),
        listener.local_addr().expect("address").port(),
    );
    let proxmox = proxmox_with(&[(901, "fleet-0"), (902, "fleet-1"), (903, "fleet-2")]).await;
    let output = agentlab_with(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "fault-parallel-lock-serial",
            "--no-post",
            "--llm",
            "none",
            "--json",
            "--output",
            "out",
        ],
        Some(&proxmox.endpoint()),
    )
    .await;
    let records = records(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(records[0].outcome, Outcome::Success, "{:#?}", records[0]);
    assert_eq!(records[0].attempts.len(), 1);
    assert_eq!(records[0].attempts[0].parallelism, 1);
}

#[tokio::test]
async fn the_parallel_lock_fault_fails_at_parallelism_10_and_the_catalogue_retries_it_at_1() {
    let workspace = sandbox_workspace();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    use_port(
        workspace.path(),
        listener.local_addr().expect("address").port(),
    );
    let proxmox = proxmox_with(&[(901, "fleet-0"), (902, "fleet-1"), (903, "fleet-2")]).await;
    let output = agentlab_with(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "fault-parallel-lock",
            "--no-post",
            "--llm",
            "none",
            "--json",
            "--output",
            "out",
        ],
        Some(&proxmox.endpoint()),
    )
    .await;
    let records = records(&output);
    let record = &records[0];
    let first = &record.attempts[0];
    assert!(!first.terraform.ok);
    assert_eq!(first.parallelism, 10);
    assert!(
        errors_of(record).contains("can't lock file '/var/lock/lxc/lock-90"),
        "{}",
        errors_of(record)
    );
    // The known-failure catalogue answers first even with `--llm none`: it reduces the parallelism to 1, at no
    // cost, and the second attempt succeeds.
    assert_eq!(record.outcome, Outcome::Success, "{record:#?}");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(record.attempts.len(), 2);
    let diagnosis = first.diagnosis.as_ref().expect("the failure was diagnosed");
    assert_eq!(diagnosis.source, DiagnosisSource::Catalog);
    assert_eq!(
        record.attempts[1].remediation_applied,
        Some(Remediation::ReduceParallelism { parallelism: 1 })
    );
    assert_eq!(record.attempts[1].parallelism, 1);
    assert!(record.attempts[1].terraform.ok);
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
}
