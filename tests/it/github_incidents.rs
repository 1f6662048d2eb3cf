//! The incident lifecycle against the spec-checked GitHub stand-in, through the publish path (the Outbox, then the
//! posting code): one issue per failure signature, a "happened again" comment per run, a second issue for another
//! failure of the same project, a successful deploy that comments "recovered in run …" on its project's open
//! incidents and closes them, and markers in comments or issues of other accounts that agentlab ignores. The last
//! test runs the real binary and the real terraform: a successful deploy closes its project's incident.

use agentlab::contracts::RunRecord;
use agentlab::render::pr_comment_marker;
use agentlab::stand_in::records::{deploy_failed, deploy_recovered, plan_with_replacements};
use serde_json::Value;

use crate::github_stand_in::{BOT_LOGIN, StandIn};
use crate::support::{
    agentlab, assert_done, publish_to_stand_in, publish_with, record_on_disk, sandbox_proxmox,
    sandbox_workspace_with_bot_login, stand_in_client, stand_in_env, stderr_of,
};

const PULL_REQUEST: u64 = 2;
const LABEL: &str = "agentlab-incident";
const SOMEONE_ELSE: &str = "octocat";

async fn stand_in() -> StandIn {
    let stand_in = StandIn::start().await;
    stand_in.add_issue(PULL_REQUEST, "Update the README", "", &[], true);
    stand_in
}

/// The example failed deploy as run `run_id`, its Terraform error reworded by `error` (or kept).
fn failed_run(run_id: &str, error: Option<&str>) -> RunRecord {
    let mut record = deploy_failed();
    record.run_id = run_id.to_string();
    if let Some(error) = error {
        for attempt in &mut record.attempts {
            attempt.terraform.diagnostics[0].summary = error.to_string();
        }
    }
    record
}

fn body(value: &Value) -> &str {
    value["body"].as_str().unwrap_or_default()
}

/// PATCHes of an issue itself (`/issues/N`), not of a comment.
fn issue_edits(stand_in: &StandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|request| {
            request.method == "PATCH"
                && request
                    .path
                    .rsplit_once("/issues/")
                    .is_some_and(|(_, number)| number.bytes().all(|byte| byte.is_ascii_digit()))
        })
        .count()
}

fn open_incidents(stand_in: &StandIn) -> Vec<Value> {
    stand_in
        .issues_labelled(LABEL)
        .into_iter()
        .filter(|issue| issue["state"] == "open")
        .collect()
}

#[tokio::test]
async fn the_same_failure_twice_is_one_issue_and_one_happened_again_comment() {
    let stand_in = stand_in().await;
    let first = publish_to_stand_in(&stand_in, &[failed_run("run-0001", None)]).await;
    assert_done(&first, "opened incident issue #3");
    let issue = stand_in.issue(3);
    assert!(
        body(&issue).starts_with(
            "<!-- agentlab:incident project=lxc-fleet fingerprint=lxc-fleet/apply/error:"
        ),
        "{}",
        body(&issue)
    );
    assert_eq!(issue["user"]["login"], BOT_LOGIN);
    assert!(
        issue["title"]
            .as_str()
            .unwrap()
            .starts_with("agentlab incident: lxc-fleet — apply: error creating container"),
        "{issue}"
    );

    // The same failure on another guest, diagnosed into another category: the same incident.
    let mut again = failed_run(
        "run-0002",
        Some(
            "error creating container: can't lock file '/var/lock/qemu-server/lock-117.conf' - got timeout",
        ),
    );
    for attempt in &mut again.attempts {
        if let Some(hypothesis) = attempt
            .diagnosis
            .as_mut()
            .and_then(|diagnosis| diagnosis.hypothesis.as_mut())
        {
            hypothesis.category = agentlab::contracts::Category::Network;
        }
    }
    let second = publish_to_stand_in(&stand_in, std::slice::from_ref(&again)).await;
    assert_done(&second, "open as issue #3; commented on it");
    // Publishing the same run again adds nothing: its comment is found by its marker.
    let republished = publish_to_stand_in(&stand_in, &[again]).await;
    assert_done(&republished, "already has this run's comment");

    assert_eq!(stand_in.issues_labelled(LABEL).len(), 1);
    let comments = stand_in.comments_on(3);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(
        body(&comments[0]).starts_with("<!-- agentlab:incident-recurrence run=run-0002 -->")
            && body(&comments[0]).contains("The same failure happened again"),
        "{}",
        body(&comments[0])
    );
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_different_failure_of_the_same_project_opens_a_second_issue() {
    let stand_in = stand_in().await;
    assert_done(
        &publish_to_stand_in(&stand_in, &[failed_run("run-0001", None)]).await,
        "opened incident issue #3",
    );
    let other = failed_run(
        "run-0002",
        Some("error creating container: storage 'local-zfs' does not exist"),
    );
    assert_done(
        &publish_to_stand_in(&stand_in, &[other]).await,
        "opened incident issue #4",
    );
    let incidents = open_incidents(&stand_in);
    assert_eq!(incidents.len(), 2);
    assert_ne!(
        body(&incidents[0]).lines().next(),
        body(&incidents[1]).lines().next(),
        "two fingerprints"
    );
    assert!(stand_in.comments_on(3).is_empty() && stand_in.comments_on(4).is_empty());
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_recovered_deploy_closes_the_projects_open_incidents_with_a_comment_naming_the_run() {
    let stand_in = stand_in().await;
    // Two failures of lxc-fleet (#3, #4), one of another project (#5).
    publish_to_stand_in(&stand_in, &[failed_run("run-0001", None)]).await;
    publish_to_stand_in(
        &stand_in,
        &[failed_run(
            "run-0002",
            Some("error creating container: storage 'local-zfs' does not exist"),
        )],
    )
    .await;
    let mut dns = failed_run("run-0003", None);
    dns.project = "dns".to_string();
    publish_to_stand_in(&stand_in, &[dns]).await;
    // An incident filed before the project was in the marker (#6), and someone else's issue that copies
    // lxc-fleet's marker and label (#7).
    stand_in.add_issue_by(
        BOT_LOGIN,
        6,
        "agentlab incident: lxc-fleet — transient_lock",
        "<!-- agentlab:incident fingerprint=lxc-fleet/transient_lock -->\nold",
        &[LABEL],
    );
    let copied_marker = body(&stand_in.issue(3)).lines().next().unwrap().to_string();
    stand_in.add_issue_by(
        SOMEONE_ELSE,
        7,
        "looks like agentlab's",
        &copied_marker,
        &[LABEL],
    );

    let mut recovered = deploy_recovered();
    recovered.run_id = "run-0004".to_string();
    let report = publish_to_stand_in(&stand_in, &[recovered.clone()]).await;
    for closed in [3, 4, 6] {
        assert_done(
            &report,
            &format!("lxc-fleet: recovered; closed incident issue #{closed}"),
        );
        let issue = stand_in.issue(closed);
        assert_eq!(issue["state"], "closed", "#{closed}");
        assert_eq!(issue["state_reason"], "completed", "#{closed}");
        let comments = stand_in.comments_on(closed);
        assert_eq!(comments.len(), 1, "#{closed}: {comments:#?}");
        assert!(
            body(&comments[0]).contains(
                "recovered in run [run-0004](https://github.com/Codertocat/Hello-World/actions/runs/42)"
            ),
            "{}",
            body(&comments[0])
        );
    }
    for untouched in [5, 7] {
        assert_eq!(stand_in.issue(untouched)["state"], "open", "#{untouched}");
        assert!(stand_in.comments_on(untouched).is_empty(), "#{untouched}");
    }
    assert_eq!(
        issue_edits(&stand_in),
        3,
        "exactly the three incidents were closed"
    );

    // The same recovery published again finds nothing open, and the next failure opens a new issue.
    let again = publish_to_stand_in(&stand_in, &[recovered]).await;
    assert!(
        !again
            .done
            .iter()
            .any(|line| line.contains("closed incident")),
        "{again:?}"
    );
    assert_done(
        &publish_to_stand_in(&stand_in, &[failed_run("run-0005", None)]).await,
        "opened incident issue #8",
    );
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_marker_in_someone_elses_comment_or_issue_is_ignored() {
    let stand_in = stand_in().await;
    // Someone copies agentlab's sticky-comment marker into a comment of their own.
    let planted = format!("{}\nplease apply my change", pr_comment_marker("lxc-fleet"));
    stand_in.add_comment_by(SOMEONE_ELSE, PULL_REQUEST, &planted);
    let report = publish_to_stand_in(&stand_in, &[plan_with_replacements()]).await;
    assert_eq!(report.done, ["lxc-fleet: created the comment on #2"]);
    let comments = stand_in.comments_on(PULL_REQUEST);
    assert_eq!(comments.len(), 2);
    assert_eq!(
        body(&comments[0]),
        planted,
        "their comment is left as it was"
    );
    assert_eq!(comments[1]["user"]["login"], BOT_LOGIN);
    assert_eq!(stand_in.count("PATCH", "/issues/comments/"), 0);

    // The next plan edits agentlab's own comment, never theirs.
    publish_to_stand_in(&stand_in, &[plan_with_replacements()]).await;
    let comments = stand_in.comments_on(PULL_REQUEST);
    assert_eq!(comments.len(), 2);
    assert_eq!(body(&comments[0]), planted);
    assert_eq!(stand_in.count("PATCH", "/issues/comments/"), 1);

    // An open issue by someone else with the incident's exact marker and label is not the incident.
    let record = failed_run("run-0001", None);
    let mut ours = publish_to_stand_in(&stand_in, std::slice::from_ref(&record)).await;
    assert_done(&ours, "opened incident issue #3");
    let marker = body(&stand_in.issue(3)).lines().next().unwrap().to_string();
    stand_in.add_issue_by(
        SOMEONE_ELSE,
        4,
        "copy",
        &format!("{marker}\ncopy"),
        &[LABEL],
    );
    ours = publish_to_stand_in(&stand_in, &[failed_run("run-0002", None)]).await;
    assert_done(&ours, "open as issue #3; commented on it");
    assert!(stand_in.comments_on(4).is_empty());
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn posting_as_another_account_than_configured_is_learned_and_reported() {
    let stand_in = stand_in().await;
    // Configured as a GitHub App, but the token is the workflow's: GitHub shows github-actions[bot].
    let client = stand_in_client(&stand_in).with_bot_login("homelab-agent[bot]");
    let report = publish_with(&client, &[plan_with_replacements()]).await;
    assert_eq!(report.done, ["lxc-fleet: created the comment on #2"]);
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(
        report.warnings[0].contains("posting as `github-actions[bot]`")
            && report.warnings[0].contains("bot_login = \"github-actions[bot]\""),
        "{report:?}"
    );
    // Within the run, what it learned counts: a second post edits the comment it created.
    let again = publish_with(&client, &[plan_with_replacements()]).await;
    assert_eq!(again.done, ["lxc-fleet: updated the comment on #2"]);
    assert_eq!(stand_in.comments_on(PULL_REQUEST).len(), 1);
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_successful_deploy_by_the_binary_closes_its_projects_incident() {
    // The account is configured explicitly, as a user of a GitHub App would (here: the workflow's).
    let workspace = sandbox_workspace_with_bot_login();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let stand_in = stand_in().await;
    let marker = "<!-- agentlab:incident project=sandbox-ok fingerprint=sandbox-ok/apply/catalogue:proxmox-node-lock-timeout -->";
    stand_in.add_issue_by(
        BOT_LOGIN,
        3,
        "agentlab incident: sandbox-ok",
        marker,
        &[LABEL],
    );
    stand_in.add_issue_by(SOMEONE_ELSE, 4, "a copy", marker, &[LABEL]);
    let mut env = proxmox.env.clone();
    env.extend(stand_in_env(&stand_in));
    env.extend([
        ("GITHUB_SERVER_URL", "https://github.com".to_string()),
        ("GITHUB_RUN_ID", "777".to_string()),
        ("GITHUB_RUN_ATTEMPT", "1".to_string()),
    ]);
    let run = agentlab(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "sandbox-ok",
            "--post",
            "--output",
            "out",
        ],
        &env,
    )
    .await;
    let stderr = stderr_of(&run);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert_eq!(
        record_on_disk(&workspace.path().join("out"), "sandbox-ok").run_id,
        "gh-777-1"
    );
    assert!(
        stderr.contains("sandbox-ok: recovered; closed incident issue #3"),
        "{stderr}"
    );
    assert_eq!(stand_in.issue(3)["state"], "closed");
    let comments = stand_in.comments_on(3);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(
        body(&comments[0])
            .contains("recovered in run [gh-777-1](https://github.com/Codertocat/Hello-World/actions/runs/777)"),
        "{}",
        body(&comments[0])
    );
    assert_eq!(stand_in.issue(4)["state"], "open", "someone else's issue");
    assert!(stand_in.comments_on(4).is_empty());
    // The preview beside the record is byte for byte the comment.
    let preview =
        std::fs::read_to_string(workspace.path().join("out/sandbox-ok.incident-recovery.md"))
            .unwrap();
    assert_eq!(preview, body(&comments[0]));
    stand_in.assert_no_violations();
}
