//! GitHub faults the stateful flows in `github_flows` do not cover: server errors, a secondary rate limit, a GitHub
//! that never answers, answers lost after GitHub created the comment or the issue (looked up, never posted twice),
//! and one that refuses the connection after the run, whose record a later `agentlab publish` posts.

use std::time::Duration;

use agentlab::contracts::Outcome;
use agentlab::github::publish::PublishReport;
use agentlab::stand_in::records::{deploy_failed, deploy_recovered, plan_with_replacements};

use crate::github_stand_in::{OWNER_REPO, Scripted, StandIn, TOKEN};
use crate::support::{
    agentlab, github_client, publish_with, pull_request_event, record_on_disk, refused_url,
    sandbox_proxmox, sandbox_workspace, script_comment_answer, silent_server, stderr_of,
};

const PULL_REQUEST: u64 = 2;

async fn stand_in_with_pull_request() -> StandIn {
    let stand_in = StandIn::start().await;
    stand_in.add_issue(PULL_REQUEST, "Update the README", "", &[], true);
    stand_in
}

/// Publishes the example plan record (a comment on PR #2) through a client of `api_url` with `timeout`.
async fn publish_plan(api_url: &str, timeout: Duration) -> PublishReport {
    publish_with(
        &github_client(api_url, 3, timeout),
        &[plan_with_replacements()],
    )
    .await
}

#[tokio::test]
async fn server_errors_500_and_502_are_retried_then_the_comment_is_posted() {
    let stand_in = stand_in_with_pull_request().await;
    script_comment_answer(&stand_in, "POST", 502, None);
    script_comment_answer(&stand_in, "POST", 500, None);
    let report = publish_plan(&stand_in.api_url, Duration::from_secs(10)).await;
    assert_eq!(
        report.done,
        ["lxc-fleet: created the comment on #2"],
        "{report:?}"
    );
    assert!(report.warnings.is_empty(), "{report:?}");
    assert_eq!(stand_in.count("POST", "/issues/2/comments"), 3);
    assert_eq!(stand_in.comments_on(PULL_REQUEST).len(), 1);
    // GitHub's description documents neither status for this operation, so Prism reports the two scripted answers;
    // nothing else may be outside the description.
    let (undocumented_status, unexpected): (Vec<String>, Vec<String>) = stand_in
        .violations()
        .into_iter()
        .partition(|line| line.contains("Unable to match the returned status code"));
    assert_eq!(undocumented_status.len(), 2, "{}", stand_in.prism_log());
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}

/// Makes the stand-in carry out the next `method` on a path containing `path_contains`, then answer `status` (a
/// 2xx serves the real answer) after `delay`.
fn script_processed(
    stand_in: &StandIn,
    method: &'static str,
    path_contains: &'static str,
    status: u16,
    delay: Duration,
) {
    stand_in.state.lock().unwrap().scripted.push_back(Scripted {
        method,
        path_contains,
        status,
        headers: Vec::new(),
        processed: true,
        delay,
    });
}

#[tokio::test]
async fn a_comment_post_that_timed_out_after_github_created_it_yields_one_comment() {
    let stand_in = stand_in_with_pull_request().await;
    // GitHub creates the comment, and its answer arrives after agentlab stopped waiting.
    script_processed(
        &stand_in,
        "POST",
        "/issues/2/comments",
        201,
        Duration::from_millis(1500),
    );
    let report = publish_plan(&stand_in.api_url, Duration::from_millis(500)).await;
    assert_eq!(
        report.done,
        ["lxc-fleet: created the comment on #2"],
        "{report:?}"
    );
    assert!(report.warnings.is_empty(), "{report:?}");
    assert_eq!(stand_in.comments_on(PULL_REQUEST).len(), 1);
    assert_eq!(
        stand_in.count("POST", "/issues/2/comments"),
        1,
        "looked up, not posted again"
    );
    // The next run edits that comment.
    let next = publish_plan(&stand_in.api_url, Duration::from_secs(10)).await;
    assert_eq!(
        next.done,
        ["lxc-fleet: updated the comment on #2"],
        "{next:?}"
    );
    assert_eq!(stand_in.comments_on(PULL_REQUEST).len(), 1);
}

#[tokio::test]
async fn an_issue_post_answered_502_after_github_created_it_yields_one_issue() {
    let stand_in = stand_in_with_pull_request().await;
    // The deploy timeline exists already, so the only POST of the failed deploy is the incident issue's.
    let client = github_client(&stand_in.api_url, 3, Duration::from_secs(10));
    publish_with(&client, &[deploy_recovered()]).await;
    script_processed(&stand_in, "POST", "Hello-World/issues", 502, Duration::ZERO);
    let report = publish_with(&client, &[deploy_failed()]).await;
    assert!(report.warnings.is_empty(), "{report:?}");
    assert!(
        report
            .done
            .iter()
            .any(|line| line == "lxc-fleet: opened incident issue #3"),
        "{report:?}"
    );
    assert_eq!(stand_in.issues_labelled("agentlab-incident").len(), 1);
    assert_eq!(
        stand_in
            .requests()
            .iter()
            .filter(|request| request.method == "POST" && request.path.ends_with("/issues"))
            .count(),
        1
    );

    // A recurrence comment whose answer is lost is not posted twice either.
    script_processed(
        &stand_in,
        "POST",
        "/issues/3/comments",
        201,
        Duration::from_millis(1500),
    );
    let quick = github_client(&stand_in.api_url, 3, Duration::from_millis(500));
    let mut again = deploy_failed();
    again.run_id = "run-0002".to_string();
    let report = publish_with(&quick, &[again]).await;
    assert!(report.warnings.is_empty(), "{report:?}");
    assert_eq!(stand_in.comments_on(3).len(), 1);
    assert_eq!(stand_in.count("POST", "/issues/3/comments"), 1);
}

#[tokio::test]
async fn a_secondary_rate_limit_403_is_waited_out_as_retry_after_says() {
    let stand_in = stand_in_with_pull_request().await;
    script_comment_answer(&stand_in, "POST", 403, Some("1"));
    let report = publish_plan(&stand_in.api_url, Duration::from_secs(10)).await;
    assert_eq!(
        report.done,
        ["lxc-fleet: created the comment on #2"],
        "{report:?}"
    );
    assert_eq!(stand_in.count("POST", "/issues/2/comments"), 2);
    stand_in.assert_no_violations();

    // A 403 that asks for longer than the policy allows is given up on, as a warning that says why.
    script_comment_answer(&stand_in, "GET", 403, Some("3600"));
    let report = publish_plan(&stand_in.api_url, Duration::from_secs(10)).await;
    assert!(report.done.is_empty(), "{report:?}");
    assert!(
        report.warnings[0].contains("rate limited; GitHub asks to wait 3600 s"),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_github_that_never_answers_times_out_into_a_warning() {
    // Accepts connections and never answers: what a hung proxy or an overloaded API looks like.
    let (address, held) = silent_server().await;
    let report = publish_plan(&format!("http://{address}"), Duration::from_millis(300)).await;
    held.abort();
    assert!(report.done.is_empty(), "{report:?}");
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(
        report.warnings[0].starts_with("lxc-fleet: could not post the plan comment")
            && report.warnings[0].contains("cannot reach GitHub"),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_keeps_the_record_and_publish_posts_it_later() {
    let workspace = sandbox_workspace();
    let out = workspace.path().join("out");
    // Nothing listens on this port once the listener is dropped: every connection is refused.
    let refused = refused_url();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let github_env = |api_url: &str| {
        let mut env = proxmox.env.clone();
        env.extend([
            ("GITHUB_API_URL", api_url.to_string()),
            ("GITHUB_TOKEN", TOKEN.to_string()),
            ("GITHUB_REPOSITORY", OWNER_REPO.to_string()),
            ("GITHUB_EVENT_NAME", "pull_request".to_string()),
            (
                "GITHUB_EVENT_PATH",
                pull_request_event().display().to_string(),
            ),
        ]);
        env
    };
    let run = agentlab(
        workspace.path(),
        &[
            "plan",
            "--project",
            "sandbox-ok",
            "--post",
            "--output",
            "out",
        ],
        &github_env(&refused),
    )
    .await;
    let stderr = stderr_of(&run);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the plan itself succeeded:\n{stderr}"
    );
    let record = record_on_disk(&out, "sandbox-ok");
    assert_eq!(record.outcome, Outcome::Success);
    assert_eq!(record.context.pull_request, Some(PULL_REQUEST));
    assert!(
        stderr.contains("could not post the plan comment")
            && stderr.contains("cannot reach GitHub"),
        "{stderr}"
    );
    assert!(
        stderr.contains("agentlab publish --records out"),
        "the run says how to post later:\n{stderr}"
    );
    assert!(
        !stderr.lines().any(|line| line.starts_with("::")),
        "no workflow command outside Actions:\n{stderr}"
    );

    let stand_in = stand_in_with_pull_request().await;
    let later = agentlab(
        workspace.path(),
        &["publish", "--records", "out"],
        &github_env(&stand_in.api_url),
    )
    .await;
    assert_eq!(later.status.code(), Some(0), "{}", stderr_of(&later));
    let comments = stand_in.comments_on(PULL_REQUEST);
    assert_eq!(comments.len(), 1, "{}", stderr_of(&later));
    let body = comments[0]["body"].as_str().unwrap();
    assert!(
        body.contains("agentlab:plan project=sandbox-ok") && body.contains("4 to add"),
        "{body}"
    );
    stand_in.assert_no_violations();

    // With GitHub refusing again, publish says so with exit 1 and leaves the records alone.
    let again = agentlab(
        workspace.path(),
        &["publish", "--records", "out"],
        &github_env(&refused),
    )
    .await;
    assert_eq!(again.status.code(), Some(1), "{}", stderr_of(&again));
    assert_eq!(record_on_disk(&out, "sandbox-ok").run_id, record.run_id);
}
