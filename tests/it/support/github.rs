//! A GitHub client for the spec-checked GitHub stand-in (tests/it/github_stand_in.rs), or for a server that fails
//! on purpose: the stand-in's token and repository, and retries in milliseconds so a test waits for nothing.

use std::time::Duration;

use agentlab::contracts::RunRecord;
use agentlab::github::client::GitHubClient;
use agentlab::github::publish::{PublishReport, publish_posts};
use agentlab::http_retry::HttpRetryPolicy;
use agentlab::redact::Redactor;
use agentlab::render::RenderOptions;
use agentlab::report::{Outbox, OutboxSettings, outbox};
use secrecy::SecretString;

use crate::github_stand_in::{OWNER_REPO, Scripted, StandIn, TOKEN};

/// `max_attempts` tries, 20 ms apart at first, and at most 5 s of waiting for a `retry-after`.
fn quick_github_retries(max_attempts: u32) -> HttpRetryPolicy {
    HttpRetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(5),
    }
}

/// A client of `api_url` with [`quick_github_retries`]`(max_attempts)` and a per-request `timeout`.
pub fn github_client(api_url: &str, max_attempts: u32, timeout: Duration) -> GitHubClient {
    GitHubClient::with_request_timeout(
        api_url,
        &SecretString::from(TOKEN.to_string()),
        OWNER_REPO,
        quick_github_retries(max_attempts),
        timeout,
    )
    .expect("a GitHub client")
}

/// The Outbox of `records` as a run outside Actions builds it: default rendering, a fresh redactor.
pub fn records_outbox(records: &[RunRecord]) -> Outbox {
    let settings = OutboxSettings::new(
        RenderOptions::default().full_text_location,
        std::path::PathBuf::from(".agentlab/runs/test"),
        false,
    );
    outbox(records, &settings, &Redactor::new())
}

/// Publishes `records` through `client` as `agentlab publish` would: through the Outbox (which renders, fits and
/// redacts every text), then the posting code, which only posts the strings it is handed.
pub async fn publish_with(client: &GitHubClient, records: &[RunRecord]) -> PublishReport {
    publish_posts(client, &records_outbox(records).posts).await
}

/// Fails the test unless a line of what `report` says it did contains `text`.
pub fn assert_done(report: &PublishReport, text: &str) {
    assert!(
        report.done.iter().any(|line| line.contains(text)),
        "nothing done says `{text}`: {report:?}"
    );
}

/// Makes the GitHub stand-in answer the next `method` on pull request 2's comments with `status` and, when given,
/// a `retry-after` of that many seconds, instead of serving it.
pub fn script_comment_answer(
    stand_in: &StandIn,
    method: &'static str,
    status: u16,
    retry_after: Option<&str>,
) {
    stand_in.state.lock().unwrap().scripted.push_back(Scripted {
        method,
        path_contains: "/issues/2/comments",
        status,
        headers: retry_after
            .map(|seconds| vec![("retry-after", seconds.to_string())])
            .unwrap_or_default(),
        processed: false,
        delay: Duration::ZERO,
    });
}
