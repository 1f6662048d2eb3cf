//! A GitHub client for the spec-checked GitHub stand-in (tests/it/github_stand_in.rs), or for a server that fails
//! on purpose: the stand-in's token and repository, and retries in milliseconds so a test waits for nothing.

use std::time::Duration;

use agentlab::contracts::RunRecord;
use agentlab::github::client::{GitHubClient, RetryPolicy};
use agentlab::github::publish::{PublishReport, publish_records};
use agentlab::redact::Redactor;
use agentlab::render::RenderOptions;
use secrecy::SecretString;

use crate::github_stand_in::{OWNER_REPO, Scripted, StandIn, TOKEN};

/// `max_attempts` tries, 20 ms apart at first, and at most 5 s of waiting for a `retry-after`.
fn quick_github_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(20),
        max_wait: Duration::from_secs(5),
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

/// Publishes `records` through `client` as `agentlab publish` would: default rendering, a fresh redactor.
pub async fn publish_with(client: &GitHubClient, records: &[RunRecord]) -> PublishReport {
    publish_records(client, records, &RenderOptions::default(), &Redactor::new()).await
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
    });
}
