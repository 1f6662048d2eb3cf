//! The stateful GitHub flows against the spec-checked stand-in: sticky comments, incident issues, the 422
//! fallback and rate limits. Each test ends by asserting that Prism saw no request or response outside GitHub's
//! OpenAPI description.

use crate::github_stand_in::{OWNER_REPO, StandIn, TOKEN};
use crate::support::{
    assert_done, publish_to_stand_in, publish_with, script_comment_answer, stand_in_client,
};
use agentlab::stand_in::records::{
    deploy_failed, deploy_recovered, plan_with_many_resources, plan_with_replacements,
    plan_without_changes,
};

const PULL_REQUEST: u64 = 2;

async fn stand_in() -> StandIn {
    let stand_in = StandIn::start().await;
    stand_in.add_issue(
        PULL_REQUEST,
        "Update the README with new information.",
        "",
        &[],
        true,
    );
    stand_in
}

#[tokio::test]
async fn first_plan_creates_the_comment_and_the_second_edits_it() {
    let stand_in = stand_in().await;
    // Another bot's comments fill more than one page, so finding ours needs pagination.
    stand_in.add_foreign_comments(PULL_REQUEST, 120);
    let first = publish_to_stand_in(&stand_in, &[plan_with_replacements()]).await;
    assert_eq!(first.done, ["lxc-fleet: created the comment on #2"]);
    let second = publish_to_stand_in(&stand_in, &[plan_without_changes()]).await;
    assert_eq!(second.done, ["lxc-fleet: updated the comment on #2"]);

    let ours: Vec<_> = stand_in
        .comments_on(PULL_REQUEST)
        .into_iter()
        .filter(|comment| {
            comment["body"]
                .as_str()
                .unwrap_or("")
                .contains("agentlab:plan project=lxc-fleet")
        })
        .collect();
    assert_eq!(ours.len(), 1, "one comment per project");
    let body = ours[0]["body"].as_str().unwrap();
    assert!(
        body.contains("0 to add, 0 to change"),
        "edited in place: {body}"
    );
    assert_eq!(stand_in.count("POST", "/comments"), 1);
    assert_eq!(stand_in.count("PATCH", "/issues/comments/"), 1);
    assert!(
        stand_in.count("GET", "/issues/2/comments") >= 4,
        "two pages per search"
    );
    for request in stand_in.requests() {
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_failed_deploy_opens_one_incident_and_a_second_failure_comments_on_it() {
    let stand_in = stand_in().await;
    let first = publish_to_stand_in(&stand_in, &[deploy_failed()]).await;
    assert_done(&first, "opened incident issue #3");
    let incidents = stand_in.issues_labelled("agentlab-incident");
    assert_eq!(incidents.len(), 1);
    assert!(
        incidents[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("agentlab incident: lxc-fleet — apply: error creating container"),
        "{}",
        incidents[0]["title"]
    );
    let body = incidents[0]["body"].as_str().unwrap();
    for part in [
        "#### Hypothesis",
        "Parallel container creation",
        "#### Retry history",
        "| 2 | apply |",
        "$0.0083",
        "actions/runs/42",
    ] {
        assert!(body.contains(part), "the issue lacks {part}:\n{body}");
    }

    let sent = stand_in
        .requests()
        .into_iter()
        .find(|request| request.method == "POST" && request.path.ends_with("/issues"))
        .unwrap();
    assert_eq!(
        sent.body["labels"],
        serde_json::json!(["agentlab-incident"])
    );

    let second = publish_to_stand_in(&stand_in, &[deploy_failed()]).await;
    assert_done(&second, "open as issue #3; commented");
    assert_eq!(stand_in.issues_labelled("agentlab-incident").len(), 1);
    assert_eq!(stand_in.comments_on(3).len(), 1);
    assert!(
        stand_in.comments_on(3)[0]["body"]
            .as_str()
            .unwrap()
            .contains("happened again")
    );
    // The deploy timeline went to the merged pull request, edited in place the second time.
    let timelines: Vec<_> = stand_in
        .comments_on(PULL_REQUEST)
        .into_iter()
        .filter(|comment| {
            comment["body"]
                .as_str()
                .unwrap()
                .contains("agentlab:deploy project=lxc-fleet")
        })
        .collect();
    assert_eq!(timelines.len(), 1);
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_closed_incident_does_not_absorb_a_new_failure() {
    let stand_in = stand_in().await;
    stand_in.add_issue(
        7,
        "agentlab incident: lxc-fleet — transient_lock",
        "<!-- agentlab:incident fingerprint=lxc-fleet/transient_lock -->",
        &["agentlab-incident"],
        false,
    );
    let report = publish_to_stand_in(&stand_in, &[deploy_failed()]).await;
    assert_done(&report, "opened incident issue #8");
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_recovered_deploy_opens_no_issue() {
    let stand_in = stand_in().await;
    let report = publish_to_stand_in(&stand_in, &[deploy_recovered()]).await;
    assert_eq!(report.done, ["lxc-fleet: created the comment on #2"]);
    assert_eq!(stand_in.count("POST", "/issues?"), 0);
    assert!(
        stand_in
            .requests()
            .iter()
            .all(|request| !(request.method == "POST" && request.path.ends_with("/issues")))
    );
    assert!(stand_in.issues_labelled("agentlab-incident").is_empty());
    let timeline = stand_in.comments_on(PULL_REQUEST)[0]["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        timeline.contains("🔁 retry (attempt 2)") && timeline.contains("✅ validate (attempt 2)"),
        "{timeline}"
    );
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_422_on_an_oversized_body_falls_back_to_a_shorter_one() {
    let stand_in = stand_in().await;
    // GitHub counts differently from us: pretend its limit is far below our budget.
    stand_in.state.lock().unwrap().max_body_chars = 20_000;
    let record = plan_with_many_resources(150, 300);
    let report = publish_to_stand_in(&stand_in, &[record]).await;
    assert_eq!(
        report.done,
        ["lxc-fleet: created the comment on #2 (shortened after GitHub refused a longer body)"]
    );
    let comments = stand_in.comments_on(PULL_REQUEST);
    assert_eq!(comments.len(), 1);
    let body = comments[0]["body"].as_str().unwrap();
    assert!(body.chars().count() <= 20_000);
    assert!(body.contains("were left out here"), "{body}");
    assert!(stand_in.count("POST", "/issues/2/comments") >= 2);
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_then_the_comment_is_posted() {
    let stand_in = stand_in().await;
    script_comment_answer(&stand_in, "POST", 429, Some("1"));
    let report = publish_to_stand_in(&stand_in, &[plan_with_replacements()]).await;
    assert_eq!(report.done, ["lxc-fleet: created the comment on #2"]);
    assert_eq!(stand_in.count("POST", "/issues/2/comments"), 2);
    assert_eq!(stand_in.comments_on(PULL_REQUEST).len(), 1);
    stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_posting_failure_is_a_warning_not_an_error() {
    let stand_in = stand_in().await;
    for _ in 0..3 {
        script_comment_answer(&stand_in, "GET", 429, Some("0"));
    }
    let report = publish_with(&stand_in_client(&stand_in), &[plan_with_replacements()]).await;
    assert!(report.done.is_empty());
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(report.warnings[0].contains("429"), "{report:?}");
    stand_in.assert_no_violations();
}

/// The checker itself: a request outside the description is refused by Prism, so the flows above could fail.
#[tokio::test]
async fn prism_refuses_a_request_outside_githubs_description() {
    let stand_in = stand_in().await;
    let response = reqwest::Client::new()
        .post(format!("{}/repos/{OWNER_REPO}/issues", stand_in.api_url))
        .header("content-type", "application/json")
        .body(r#"{"labels": ["agentlab-incident"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let headers = format!("{:?}", response.headers());
    let body = response.text().await.unwrap();
    assert!(
        body.contains("title"),
        "Prism names the missing title: {headers}\n{body}"
    );
    assert_eq!(
        stand_in.requests().len(),
        0,
        "the invalid request never reached the stand-in"
    );
}

/// And a response outside the description is reported, so a stand-in that drifted from GitHub's shapes fails.
#[tokio::test]
async fn prism_reports_a_stand_in_response_outside_githubs_description() {
    let stand_in = stand_in().await;
    // A 201 whose body is an error message, not an issue comment.
    script_comment_answer(&stand_in, "POST", 201, None);
    let _ = publish_with(&stand_in_client(&stand_in), &[plan_with_replacements()]).await;
    assert!(
        !stand_in.violations().is_empty(),
        "Prism let a malformed response through:\n{}",
        stand_in.prism_log()
    );
}
