//! A GitHub client for the spec-checked GitHub stand-in (tests/it/github_stand_in.rs), or for a server that fails
//! on purpose: the stand-in's token and repository, and retries in milliseconds so a test waits for nothing. Also
//! what runs of the binary need to post to the stand-in: its environment, and a sandbox checkout started with it.

use std::time::Duration;

use agentlab::contracts::RunRecord;
use agentlab::github::client::DEFAULT_REQUEST_TIMEOUT;
use agentlab::github::client::GitHubClient;
use agentlab::github::publish::{PublishReport, publish_posts};
use agentlab::http_retry::HttpRetryPolicy;
use agentlab::redact::Redactor;
use agentlab::render::RenderOptions;
use agentlab::report::{Outbox, OutboxSettings, outbox};
use secrecy::SecretString;

use crate::github_stand_in::{OWNER_REPO, Scripted, StandIn, TOKEN};
use crate::support::{ProxmoxStandIn, sandbox_proxmox, sandbox_workspace};

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

/// A client of the stand-in: 3 attempts, the default per-request timeout.
pub fn stand_in_client(stand_in: &StandIn) -> GitHubClient {
    github_client(&stand_in.api_url, 3, DEFAULT_REQUEST_TIMEOUT)
}

/// Publishes `records` to the stand-in (see [`publish_with`]) and fails the test, with Prism's log, on any warning.
pub async fn publish_to_stand_in(stand_in: &StandIn, records: &[RunRecord]) -> PublishReport {
    let report = publish_with(&stand_in_client(stand_in), records).await;
    assert!(
        report.warnings.is_empty(),
        "{report:?}\nPrism:\n{}",
        stand_in.prism_log()
    );
    report
}

/// The environment that points a run of the binary at the stand-in: its API address, token and repository.
pub fn stand_in_env(stand_in: &StandIn) -> [(&'static str, String); 3] {
    [
        ("GITHUB_API_URL", stand_in.api_url.clone()),
        ("GITHUB_TOKEN", TOKEN.to_string()),
        ("GITHUB_REPOSITORY", OWNER_REPO.to_string()),
    ]
}

/// A copy of the sandbox projects with their Proxmox stand-in, and the GitHub stand-in holding pull request 2:
/// `env` points a run of the binary at both.
pub struct SandboxWithGitHub {
    pub workspace: tempfile::TempDir,
    pub proxmox: ProxmoxStandIn,
    pub stand_in: StandIn,
    pub env: Vec<(&'static str, String)>,
}

impl SandboxWithGitHub {
    pub async fn start() -> Self {
        let workspace = sandbox_workspace();
        let proxmox = sandbox_proxmox(workspace.path()).await;
        let stand_in = StandIn::start().await;
        stand_in.add_issue(2, "Update the README", "", &[], true);
        let mut env = proxmox.env.clone();
        env.extend(stand_in_env(&stand_in));
        Self {
            workspace,
            proxmox,
            stand_in,
            env,
        }
    }
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
