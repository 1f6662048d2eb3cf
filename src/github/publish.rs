//! Tells GitHub about finished runs: the sticky plan comment on the pull request, the deploy timeline on the
//! merged pull request, and the incident issue on a final failure. Every failure to post becomes a warning in
//! the [`PublishReport`]; none fails the run.

use secrecy::SecretString;
use serde::Deserialize;

use crate::contracts::{RunMode, RunRecord};
use crate::github::client::{DEFAULT_API_URL, GitHubClient, GitHubError};
use crate::github::comment::{CommentAction, comment_candidates, upsert_marked_comment};
use crate::github::issue::{IncidentAction, report_incident};
use crate::http_retry::HttpRetryPolicy;
use crate::redact::Redactor;
use crate::render::comment::render_pr_comment_at;
use crate::render::timeline::render_deploy_timeline_at;
use crate::render::{RenderOptions, deploy_comment_marker, pr_comment_marker};

/// Where and as whom to post, from the Actions environment.
#[derive(Debug, Clone)]
pub struct GitHubSettings {
    pub api_url: String,
    pub token: SecretString,
    /// `OWNER/NAME`.
    pub repository: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{0} is not set; posting to GitHub needs it (or pass --no-post)")]
    Missing(&'static str),
}

impl GitHubSettings {
    /// `GITHUB_API_URL` (default `https://api.github.com`), `GITHUB_TOKEN`, `GITHUB_REPOSITORY`.
    pub fn from_environment() -> Result<Self, SettingsError> {
        let read = |name: &'static str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
                .ok_or(SettingsError::Missing(name))
        };
        Ok(Self {
            api_url: read("GITHUB_API_URL").unwrap_or_else(|_| DEFAULT_API_URL.to_string()),
            token: SecretString::from(read("GITHUB_TOKEN")?),
            repository: read("GITHUB_REPOSITORY")?,
        })
    }

    pub fn client(&self, retry: HttpRetryPolicy) -> Result<GitHubClient, GitHubError> {
        GitHubClient::new(&self.api_url, &self.token, &self.repository, retry)
    }
}

/// The Actions run URL, `{GITHUB_SERVER_URL}/{GITHUB_REPOSITORY}/actions/runs/{GITHUB_RUN_ID}`, when known.
pub fn run_url_from_environment() -> Option<String> {
    let server = std::env::var("GITHUB_SERVER_URL").ok()?;
    let repository = std::env::var("GITHUB_REPOSITORY").ok()?;
    let run_id = std::env::var("GITHUB_RUN_ID").ok()?;
    Some(format!(
        "{}/{repository}/actions/runs/{run_id}",
        server.trim_end_matches('/')
    ))
}

/// What was posted, and what could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishReport {
    pub done: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PullRequestSummary {
    number: u64,
    #[serde(default)]
    merged_at: Option<String>,
    #[serde(default)]
    merge_commit_sha: Option<String>,
}

/// Posts everything the records call for. Returns what happened; never errs.
pub async fn publish_records(
    client: &GitHubClient,
    records: &[RunRecord],
    options: &RenderOptions,
    redactor: &Redactor,
) -> PublishReport {
    let mut report = PublishReport::default();
    for record in records {
        match record.mode {
            RunMode::Plan => publish_plan(client, record, options, redactor, &mut report).await,
            RunMode::Deploy => publish_deploy(client, record, options, redactor, &mut report).await,
        }
    }
    report
}

async fn publish_plan(
    client: &GitHubClient,
    record: &RunRecord,
    options: &RenderOptions,
    redactor: &Redactor,
    report: &mut PublishReport,
) {
    let Some(number) = record.context.pull_request else {
        report.warnings.push(format!(
            "{}: no pull request to comment on; the plan is in the step summary",
            record.project
        ));
        return;
    };
    let marker = pr_comment_marker(&record.project);
    let candidates = comment_candidates(record, &marker, options, redactor, render_pr_comment_at);
    match upsert_marked_comment(client, number, &marker, &candidates).await {
        Ok(posted) => report.done.push(describe(
            &record.project,
            number,
            &posted.action,
            posted.candidate,
        )),
        Err(error) => report.warnings.push(format!(
            "{}: could not post the plan comment: {error}",
            record.project
        )),
    }
}

async fn publish_deploy(
    client: &GitHubClient,
    record: &RunRecord,
    options: &RenderOptions,
    redactor: &Redactor,
    report: &mut PublishReport,
) {
    let merged_pull_request = match (record.context.pull_request, &record.context.commit) {
        (Some(number), _) => Some(number),
        (None, Some(commit)) => match merged_pull_request_for(client, commit).await {
            Ok(found) => found,
            Err(error) => {
                report.warnings.push(format!(
                    "{}: could not look up the merged pull request of {commit}: {error}",
                    record.project
                ));
                None
            }
        },
        (None, None) => None,
    };
    if let Some(number) = merged_pull_request {
        let marker = deploy_comment_marker(&record.project);
        let candidates = comment_candidates(
            record,
            &marker,
            options,
            redactor,
            render_deploy_timeline_at,
        );
        match upsert_marked_comment(client, number, &marker, &candidates).await {
            Ok(posted) => report.done.push(describe(
                &record.project,
                number,
                &posted.action,
                posted.candidate,
            )),
            Err(error) => report.warnings.push(format!(
                "{}: could not post the deploy timeline: {error}",
                record.project
            )),
        }
    }
    match report_incident(client, record, options, redactor).await {
        Ok(IncidentAction::NotNeeded) => {}
        Ok(IncidentAction::Opened { issue }) => report.done.push(format!(
            "{}: opened incident issue #{issue}",
            record.project
        )),
        Ok(IncidentAction::Commented { issue }) => report.done.push(format!(
            "{}: the same failure is open as issue #{issue}; commented on it",
            record.project
        )),
        Err(error) => report.warnings.push(format!(
            "{}: could not file the incident issue: {error}",
            record.project
        )),
    }
}

/// The pull request that `commit` was merged by, if any.
pub async fn merged_pull_request_for(
    client: &GitHubClient,
    commit: &str,
) -> Result<Option<u64>, GitHubError> {
    // The SHA goes into a URL path: accept only what a SHA can be.
    if commit.is_empty() || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(GitHubError::Client(format!(
            "`{commit}` is not a commit SHA"
        )));
    }
    let pulls: Vec<PullRequestSummary> = client
        .get_json(&client.repo_path(&format!("/commits/{commit}/pulls")))
        .await?;
    let merged = || pulls.iter().filter(|pull| pull.merged_at.is_some());
    Ok(merged()
        .find(|pull| pull.merge_commit_sha.as_deref() == Some(commit))
        .or_else(|| merged().next())
        .map(|pull| pull.number))
}

fn describe(project: &str, number: u64, action: &CommentAction, candidate: usize) -> String {
    let verb = match action {
        CommentAction::Created { .. } => "created",
        CommentAction::Updated { .. } => "updated",
    };
    let shortened = if candidate > 0 {
        " (shortened after GitHub refused a longer body)"
    } else {
        ""
    };
    format!("{project}: {verb} the comment on #{number}{shortened}")
}
