//! `agentlab check` end to end: the real binary, the real terraform 1.0.3, the Proxmox VE stand-in and the
//! spec-checked GitHub stand-in. A deployed project in sync and healthy posts nothing and exits 0; a resource lost
//! from the state is `drifted` with that resource, a guest the stand-in reports `stopped` is `unhealthy`; their
//! issues are opened once, updated in place on the next run (a comment only when what is wrong changed) and closed
//! with a comment once the project is fixed. A check whose plan cannot run is `error`, with Terraform's error first.

use std::path::Path;
use std::process::Output;

use agentlab::contracts::{CheckVerdict, RunMode, RunRecord};
use serde_json::Value;

use crate::github_stand_in::{OWNER_REPO, StandIn, TOKEN};
use crate::support::{
    agentlab, installed_terraform, records_from_stdout, sandbox_proxmox, sandbox_workspace,
    sandbox_workspace_with_bot_login, stderr_of, terraform_cli_config,
};

const DRIFT: &str = "agentlab-drift";
const HEALTH: &str = "agentlab-health";

fn github_env(stand_in: &StandIn, run: u32) -> Vec<(&'static str, String)> {
    vec![
        ("GITHUB_API_URL", stand_in.api_url.clone()),
        ("GITHUB_TOKEN", TOKEN.to_string()),
        ("GITHUB_REPOSITORY", OWNER_REPO.to_string()),
        ("GITHUB_SERVER_URL", "https://github.com".to_string()),
        ("GITHUB_RUN_ID", run.to_string()),
        ("GITHUB_RUN_ATTEMPT", "1".to_string()),
    ]
}

/// `agentlab check --project sandbox-ok --post --json`; returns the run and its one record.
async fn check(workspace: &Path, env: &[(&str, String)]) -> (Output, RunRecord) {
    let run = agentlab(
        workspace,
        &[
            "check",
            "--project",
            "sandbox-ok",
            "--post",
            "--json",
            "--output",
            "check-out",
        ],
        env,
    )
    .await;
    let records = records_from_stdout(&run);
    assert_eq!(records.len(), 1, "{}", stderr_of(&run));
    let record = records.into_iter().next().unwrap();
    assert_eq!(record.mode, RunMode::Check);
    (run, record)
}

/// `agentlab deploy --project sandbox-ok --no-post --output deploy-out`, which must succeed.
async fn deploy(workspace: &Path, env: &[(&str, String)]) {
    let run = agentlab(
        workspace,
        &[
            "deploy",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "deploy-out",
        ],
        env,
    )
    .await;
    assert_eq!(run.status.code(), Some(0), "{}", stderr_of(&run));
}

fn verdict(record: &RunRecord) -> CheckVerdict {
    record
        .check
        .as_ref()
        .expect("a check record has findings")
        .verdict
}

fn body(value: &Value) -> String {
    value["body"].as_str().unwrap_or_default().to_string()
}

fn state_line(issue: &Value) -> String {
    body(issue).lines().nth(1).unwrap_or_default().to_string()
}

/// Removes `address` from the sandbox project's state, as someone tidying up by hand would.
fn forget_in_state(workspace: &Path, address: &str) {
    let status = std::process::Command::new(installed_terraform())
        .arg(format!("-chdir={}", workspace.join("sandbox-ok").display()))
        .args(["state", "rm", address])
        .env("TF_CLI_CONFIG_FILE", terraform_cli_config())
        .output()
        .expect("terraform runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn set_status(proxmox: &crate::support::ProxmoxStandIn, vmid: u32, status: &str) {
    let mut world = proxmox.world();
    let guest = world
        .guests
        .iter_mut()
        .find(|guest| guest.vmid == vmid)
        .expect("the guest is in the world");
    guest.status = status.to_string();
}

#[tokio::test]
async fn drift_and_a_stopped_guest_open_one_issue_each_updated_then_closed_after_the_fix() {
    let workspace = sandbox_workspace_with_bot_login();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let stand_in = StandIn::start().await;
    deploy(workspace.path(), &proxmox.env).await;

    // In sync and healthy: exit 0, nothing posted.
    let mut env = proxmox.env.clone();
    env.extend(github_env(&stand_in, 101));
    let (run, record) = check(workspace.path(), &env).await;
    assert_eq!(run.status.code(), Some(0), "{}", stderr_of(&run));
    assert_eq!(verdict(&record), CheckVerdict::InSync);
    assert_eq!(record.llm_calls, 0);
    assert!(
        stand_in
            .requests()
            .iter()
            .all(|request| request.method == "GET"),
        "an in-sync project posts nothing: {:?}",
        stand_in.requests()
    );
    assert!(
        stderr_of(&run).contains("sandbox-ok: in-sync"),
        "{}",
        stderr_of(&run)
    );

    // Someone removes a resource from the state and stops a guest by hand.
    forget_in_state(workspace.path(), "null_resource.dns_record");
    set_status(&proxmox, 201, "stopped");
    let mut env = proxmox.env.clone();
    env.extend(github_env(&stand_in, 102));
    let (run, record) = check(workspace.path(), &env).await;
    let stderr = stderr_of(&run);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    let findings = record.check.clone().unwrap();
    assert_eq!(findings.verdict, CheckVerdict::Unhealthy, "{findings:?}");
    assert_eq!(
        findings.drifted_resources,
        ["null_resource.dns_record (create)"]
    );
    assert_eq!(findings.unhealthy_guests, ["lxc/201 (sandbox-1) on pmx-01"]);
    assert!(findings.failed_checks.contains(&"guest-status".to_string()));
    assert_eq!(record.llm_calls, 0, "no LLM by default");
    assert!(stderr.contains("opened drift issue #1"), "{stderr}");
    assert!(stderr.contains("opened health issue #2"), "{stderr}");
    let drift = stand_in.issue(1);
    assert_eq!(drift["labels"][0]["name"], DRIFT, "{drift}");
    assert!(body(&drift).starts_with("<!-- agentlab:drift project=sandbox-ok -->"));
    assert!(
        body(&drift).contains("null_resource.dns_record"),
        "{}",
        body(&drift)
    );
    let health = stand_in.issue(2);
    assert_eq!(health["labels"][0]["name"], HEALTH, "{health}");
    assert!(
        body(&health).contains("lxc/201 (sandbox-1) on pmx-01"),
        "{}",
        body(&health)
    );
    // The preview beside the record is what was posted.
    let preview = std::fs::read_to_string(
        workspace
            .path()
            .join("check-out/sandbox-ok.health-issue.md"),
    )
    .unwrap();
    let (title_line, posted) = preview.split_once("\n\n").expect("a title, then the body");
    assert_eq!(
        title_line,
        format!("# {}", health["title"].as_str().unwrap())
    );
    assert_eq!(posted, body(&health));
    let since = state_line(&health);

    // Unchanged drift, a second guest down: both issues updated in place, a comment on the health issue only.
    set_status(&proxmox, 202, "stopped");
    let mut env = proxmox.env.clone();
    env.extend(github_env(&stand_in, 103));
    let (run, record) = check(workspace.path(), &env).await;
    let stderr = stderr_of(&run);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(record.check.as_ref().unwrap().unhealthy_guests.len(), 2);
    assert!(
        stderr.contains("updated drift issue #1\n") || stderr.contains("updated drift issue #1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("updated health issue #2 and commented"),
        "{stderr}"
    );
    assert_eq!(
        stand_in.issues_labelled(DRIFT).len() + stand_in.issues_labelled(HEALTH).len(),
        2
    );
    assert!(
        stand_in.comments_on(1).is_empty(),
        "the drift did not change"
    );
    let comments = stand_in.comments_on(2);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(
        body(&comments[0]).contains("What is wrong changed"),
        "{}",
        body(&comments[0])
    );
    let health = stand_in.issue(2);
    assert!(
        body(&health).contains("lxc/202 (sandbox-2) on pmx-01"),
        "{}",
        body(&health)
    );
    assert_eq!(
        state_line(&health).split(" problem=").next(),
        since.split(" problem=").next(),
        "the issue keeps since when the problem stands"
    );

    // The fix: the guests are started, the code applied again. Both issues close with a comment.
    set_status(&proxmox, 201, "running");
    set_status(&proxmox, 202, "running");
    deploy(workspace.path(), &proxmox.env).await;
    let mut env = proxmox.env.clone();
    env.extend(github_env(&stand_in, 104));
    let (run, record) = check(workspace.path(), &env).await;
    let stderr = stderr_of(&run);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert_eq!(verdict(&record), CheckVerdict::InSync);
    assert!(
        stderr.contains("drift resolved; closed issue #1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("health resolved; closed issue #2"),
        "{stderr}"
    );
    for issue in [1, 2] {
        assert_eq!(stand_in.issue(issue)["state"], "closed");
        let last = stand_in
            .comments_on(issue)
            .pop()
            .expect("a closing comment");
        assert!(
            body(&last).contains("Closing.") && body(&last).contains("gh-104-1"),
            "{}",
            body(&last)
        );
    }
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_check_whose_plan_cannot_run_is_an_error_with_terraforms_error_first() {
    let workspace = sandbox_workspace();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    // A syntax error in the code: the check cannot even start (terraform init reads the code).
    std::fs::write(
        workspace.path().join("sandbox-ok/broken.tf"),
        "resource \"null_resource\" \"broken\" {\n  triggers = {\n",
    )
    .unwrap();
    let run = agentlab(
        workspace.path(),
        &[
            "drift",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--json",
            "--output",
            "out",
        ],
        &proxmox.env,
    )
    .await;
    let stderr = stderr_of(&run);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    let record = records_from_stdout(&run).pop().unwrap();
    let findings = record.check.unwrap();
    assert_eq!(findings.verdict, CheckVerdict::Error);
    let error = findings.error.unwrap();
    assert!(error.starts_with("terraform "), "{error}");
    // Terraform 1.0 says "Invalid expression"; 1.11 says "Missing expression", after a generic error of its own.
    assert!(
        error.starts_with("terraform init: Invalid expression")
            || error.starts_with("terraform init: Missing expression"),
        "Terraform's own error, first: {error}"
    );
    assert!(stderr.contains("sandbox-ok: error: terraform "), "{stderr}");
    // Nothing would be posted for a check that could not run.
    let previews: Vec<_> = std::fs::read_dir(workspace.path().join("out"))
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".md"))
        .collect();
    assert!(previews.is_empty(), "{previews:?}");
}

/// The scheduled workflow, read as text: a schedule and a manual trigger, least privilege, the deploy's
/// concurrency group per project, and a check that never asks for an unlocked or applied plan.
#[test]
fn the_check_workflow_runs_on_a_schedule_in_the_deploys_concurrency_group_with_least_privilege() {
    let root = crate::support::crate_root();
    let workflow = std::fs::read_to_string(root.join(".github/workflows/check.yml")).unwrap();
    let deploy = std::fs::read_to_string(root.join(".github/workflows/deploy.yml")).unwrap();
    for needed in [
        "schedule:",
        "- cron: ",
        "workflow_dispatch:",
        "permissions: {}",
        "issues: write",
        "contents: read",
        "mode: check",
        "cancel-in-progress: false",
        "runs-on: [self-hosted, linux, homelab]",
    ] {
        assert!(workflow.contains(needed), "check.yml lacks `{needed}`");
    }
    let group = "group: deploy-${{ matrix.project }}";
    assert!(
        workflow.contains(group) && deploy.contains(group),
        "one group per project for both"
    );
    for forbidden in [
        "pull-requests: write",
        "contents: write",
        "-lock=false",
        "deploy --",
    ] {
        assert!(!workflow.contains(forbidden), "check.yml has `{forbidden}`");
    }
    let action = std::fs::read_to_string(root.join("action.yml")).unwrap();
    assert!(action.contains("exec \"$AGENTLAB_BIN\" check \"${args[@]}\""));
}

#[tokio::test]
async fn check_records_published_later_find_the_open_issue_instead_of_opening_another() {
    let workspace = sandbox_workspace_with_bot_login();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    deploy(workspace.path(), &proxmox.env).await;
    set_status(&proxmox, 200, "stopped");
    let run = agentlab(
        workspace.path(),
        &[
            "check",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
        ],
        &proxmox.env,
    )
    .await;
    assert_eq!(run.status.code(), Some(1), "{}", stderr_of(&run));
    assert!(
        workspace
            .path()
            .join("out/sandbox-ok.health-issue.md")
            .is_file()
    );

    let stand_in = StandIn::start().await;
    let env = github_env(&stand_in, 201);
    for expected in ["opened health issue #1", "updated health issue #1"] {
        let published = agentlab(workspace.path(), &["publish", "--records", "out"], &env).await;
        let stderr = stderr_of(&published);
        assert_eq!(published.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
    assert_eq!(stand_in.issues_labelled(HEALTH).len(), 1);
    assert!(
        stand_in.comments_on(1).is_empty(),
        "nothing changed between the two"
    );
    stand_in.assert_no_violations();
}
