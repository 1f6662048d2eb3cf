//! Tells GitHub about finished runs: posts what the Outbox (crate::report) holds, the sticky plan comment on the
//! pull request, the deploy timeline on the merged pull request, the incident issue on a final failure and the
//! recovery of a project's open incidents on a successful deploy, as the strings it is handed. Every failure to post becomes a warning in the [`PublishReport`]; none fails the run.

use secrecy::SecretString;

use crate::github::client::{DEFAULT_API_URL, GitHubClient, GitHubError};
use crate::github::comment::{CommentAction, upsert_marked_comment};
use crate::github::identity::DEFAULT_BOT_LOGIN;
use crate::github::issue::{IncidentAction, close_recovered_incidents, report_incident};
use crate::github::problem_issue::{ProblemIssueAction, publish_problem_issue};
use crate::github::review::merged_pull_request_of;
use crate::http_retry::HttpRetryPolicy;
use crate::report::{
    CommentKind, CommentPost, CommentTarget, IncidentPost, Post, ProblemIssuePost, RecoveryPost,
};

/// Where and as whom to post: `GITHUB_API_URL` (default `https://api.github.com`), `GITHUB_TOKEN` and
/// `GITHUB_REPOSITORY`, looked up by the command layer, and the login the token posts as (`[github] bot_login`).
#[derive(Debug, Clone)]
pub struct GitHubSettings {
    pub api_url: String,
    pub token: SecretString,
    /// `OWNER/NAME`.
    pub repository: String,
    /// The account the token posts as: only its comments and issues are agentlab's.
    pub bot_login: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{0} is not set; posting to GitHub needs it (or pass --no-post)")]
    Missing(&'static str),
}

impl GitHubSettings {
    /// Reads the settings through `lookup` (the invocation's environment): empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let read = |name: &'static str| {
            lookup(name)
                .filter(|value| !value.trim().is_empty())
                .ok_or(SettingsError::Missing(name))
        };
        Ok(Self {
            api_url: read("GITHUB_API_URL").unwrap_or_else(|_| DEFAULT_API_URL.to_string()),
            token: SecretString::from(read("GITHUB_TOKEN")?),
            repository: read("GITHUB_REPOSITORY")?,
            bot_login: DEFAULT_BOT_LOGIN.to_string(),
        })
    }

    /// These settings, posting as `login` (from `[github] bot_login`).
    pub fn with_bot_login(self, login: &str) -> Self {
        Self {
            bot_login: login.to_string(),
            ..self
        }
    }

    pub fn client(&self, retry: HttpRetryPolicy) -> Result<GitHubClient, GitHubError> {
        Ok(
            GitHubClient::new(&self.api_url, &self.token, &self.repository, retry)?
                .with_bot_login(&self.bot_login),
        )
    }
}

/// What was posted, and what could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishReport {
    pub done: Vec<String>,
    pub warnings: Vec<String>,
}

/// Posts every post of an Outbox, in order. Returns what happened; never errs.
pub async fn publish_posts(client: &GitHubClient, posts: &[Post]) -> PublishReport {
    let mut report = PublishReport::default();
    for post in posts {
        match post {
            Post::Comment(comment) => publish_comment(client, comment, &mut report).await,
            Post::Incident(incident) => publish_incident(client, incident, &mut report).await,
            Post::Recovery(recovery) => publish_recovery(client, recovery, &mut report).await,
            Post::Problem(problem) => publish_problem(client, problem, &mut report).await,
        }
    }
    if let Some(learned) = client.identity().mismatch() {
        report.warnings.push(format!(
            "GitHub shows agentlab posting as `{learned}`, but [github] bot_login is `{}`: set bot_login = \"{learned}\" in agentlab.toml, or the next run will not find what this one posted",
            client.identity().configured()
        ));
    }
    report
}

async fn publish_recovery(
    client: &GitHubClient,
    recovery: &RecoveryPost,
    report: &mut PublishReport,
) {
    match close_recovered_incidents(client, recovery).await {
        Ok(closed) => {
            for issue in closed {
                report.done.push(format!(
                    "{}: recovered; closed incident issue #{issue}",
                    recovery.project
                ));
            }
        }
        Err(error) => report.warnings.push(format!(
            "{}: could not close the recovered incident issues: {error}",
            recovery.project
        )),
    }
}

async fn publish_problem(
    client: &GitHubClient,
    problem: &ProblemIssuePost,
    report: &mut PublishReport,
) {
    let what = problem.kind.word();
    match publish_problem_issue(client, problem).await {
        Ok(ProblemIssueAction::Opened { issue }) => report
            .done
            .push(format!("{}: opened {what} issue #{issue}", problem.project)),
        Ok(ProblemIssueAction::Updated { issue, commented }) => report.done.push(format!(
            "{}: updated {what} issue #{issue}{}",
            problem.project,
            if commented {
                " and commented: what is wrong changed"
            } else {
                ""
            }
        )),
        Ok(ProblemIssueAction::Closed { issue }) => report.done.push(format!(
            "{}: {what} resolved; closed issue #{issue}",
            problem.project
        )),
        Err(error) => report.warnings.push(format!(
            "{}: could not keep the {what} issue current: {error}",
            problem.project
        )),
    }
}

async fn publish_comment(client: &GitHubClient, comment: &CommentPost, report: &mut PublishReport) {
    let what = match comment.kind {
        CommentKind::PlanComment => "the plan comment",
        CommentKind::DeployTimeline => "the deploy timeline",
    };
    let number = match &comment.target {
        CommentTarget::PullRequest(number) => *number,
        CommentTarget::MergedPullRequestOf(commit) => {
            match merged_pull_request_for(client, commit).await {
                Ok(Some(number)) => number,
                // A direct push merged no pull request: there is nowhere to put a timeline.
                Ok(None) => return,
                Err(error) => {
                    report.warnings.push(format!(
                        "{}: could not look up the merged pull request of {commit}: {error}",
                        comment.project
                    ));
                    return;
                }
            }
        }
        CommentTarget::Nowhere => {
            if comment.kind == CommentKind::PlanComment {
                report.warnings.push(format!(
                    "{}: no pull request to comment on; the plan is in the step summary",
                    comment.project
                ));
            }
            return;
        }
    };
    match upsert_marked_comment(client, number, &comment.marker, &comment.bodies).await {
        Ok(posted) => report.done.push(describe(
            &comment.project,
            number,
            &posted.action,
            posted.candidate,
        )),
        Err(error) => report.warnings.push(format!(
            "{}: could not post {what}: {error}",
            comment.project
        )),
    }
}

async fn publish_incident(
    client: &GitHubClient,
    incident: &IncidentPost,
    report: &mut PublishReport,
) {
    match report_incident(client, incident).await {
        Ok(IncidentAction::Opened { issue }) => report.done.push(format!(
            "{}: opened incident issue #{issue}",
            incident.project
        )),
        Ok(IncidentAction::Commented { issue }) => report.done.push(format!(
            "{}: the same failure is open as issue #{issue}; commented on it",
            incident.project
        )),
        Ok(IncidentAction::AlreadyCommented { issue }) => report.done.push(format!(
            "{}: the same failure is open as issue #{issue}, which already has this run's comment",
            incident.project
        )),
        Err(error) => report.warnings.push(format!(
            "{}: could not file the incident issue: {error}",
            incident.project
        )),
    }
}

/// The number of the pull request that `commit` was merged by, if any (the lookup itself is the review gate's).
pub async fn merged_pull_request_for(
    client: &GitHubClient,
    commit: &str,
) -> Result<Option<u64>, GitHubError> {
    Ok(merged_pull_request_of(client, commit)
        .await?
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
