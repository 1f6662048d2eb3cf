//! Incident issues: open one issue with the incident's label, or, when an open one carries the same marker
//! (project and fingerprint), comment on it; and when a deploy of the project succeeds, comment "recovered" on each
//! of the project's open incidents and close them. Only issues and comments of agentlab's own account count
//! (crate::github::identity), and every create is looked up by its marker before it is sent again
//! (crate::github::create_once). The title and bodies come from the Outbox (crate::report), rendered and redacted;
//! nothing here renders.

use serde::{Deserialize, Serialize};

use crate::github::client::{GitHubClient, GitHubError};
use crate::github::comment::{create_marked_comment, find_comment_by_marker};
use crate::github::create_once::create_once;
use crate::github::identity::Author;
use crate::report::{IncidentPost, RecoveryPost};

#[derive(Debug, Deserialize)]
struct Issue {
    number: u64,
    #[serde(default)]
    body: Option<String>,
    /// Present when the "issue" is a pull request: the issues list returns both.
    #[serde(default)]
    pull_request: Option<serde_json::Value>,
    /// Who opened it; `null` for a deleted account.
    #[serde(default)]
    user: Option<Author>,
}

/// The body of `POST /repos/{owner}/{repo}/issues`: every issue agentlab opens carries one label.
#[derive(Serialize)]
pub(crate) struct NewIssue<'a> {
    pub(crate) title: &'a str,
    pub(crate) body: &'a str,
    pub(crate) labels: [&'a str; 1],
}

#[derive(Serialize)]
struct IssueState {
    state: &'static str,
    state_reason: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentAction {
    Opened {
        issue: u64,
    },
    Commented {
        issue: u64,
    },
    /// This run's comment was already on the issue (the records were published before).
    AlreadyCommented {
        issue: u64,
    },
}

/// Comments on the open issue of the same incident, or opens a new one.
pub async fn report_incident(
    client: &GitHubClient,
    incident: &IncidentPost,
) -> Result<IncidentAction, GitHubError> {
    if let Some(issue) = find_open_incident(client, incident.label, &incident.marker).await? {
        if find_comment_by_marker(client, issue, &incident.recurrence_marker)
            .await?
            .is_some()
        {
            return Ok(IncidentAction::AlreadyCommented { issue });
        }
        post_first_accepted(&incident.recurrence_bodies, |body| async move {
            create_marked_comment(client, issue, &incident.recurrence_marker, &body).await
        })
        .await?;
        return Ok(IncidentAction::Commented { issue });
    }
    let issue = post_first_accepted(&incident.bodies, |body| async move {
        create_incident_issue(client, incident, &body).await
    })
    .await?;
    Ok(IncidentAction::Opened { issue })
}

/// Opens the issue once: after an answer that leaves open whether GitHub created it, the open incident with the
/// marker is looked up before the POST is sent again.
async fn create_incident_issue(
    client: &GitHubClient,
    incident: &IncidentPost,
    body: &str,
) -> Result<u64, GitHubError> {
    let path = client.repo_path("/issues");
    let post = || async {
        let created: Issue = client
            .post_json_once(
                &path,
                &NewIssue {
                    title: &incident.title,
                    body,
                    labels: [incident.label],
                },
            )
            .await?;
        client.identity().learn(created.user.as_ref());
        Ok(created.number)
    };
    let find = || find_open_incident(client, incident.label, &incident.marker);
    Ok(create_once(client, find, post).await?.into_inner())
}

/// Comments "recovered in run …" on every open incident of the project (unless this run's comment is already
/// there), then closes it as completed. Returns the issues closed.
pub async fn close_recovered_incidents(
    client: &GitHubClient,
    recovery: &RecoveryPost,
) -> Result<Vec<u64>, GitHubError> {
    let issues = own_open_incidents(client, recovery.label, |body| {
        recovery
            .issue_marker_prefixes
            .iter()
            .any(|prefix| body.starts_with(prefix.as_str()))
    })
    .await?;
    let mut closed = Vec::with_capacity(issues.len());
    for issue in issues {
        if find_comment_by_marker(client, issue, &recovery.marker)
            .await?
            .is_none()
        {
            create_marked_comment(client, issue, &recovery.marker, &recovery.body).await?;
        }
        close_issue(client, issue).await?;
        closed.push(issue);
    }
    Ok(closed)
}

/// agentlab's open issue labelled `label` whose body starts with `marker`.
async fn find_open_incident(
    client: &GitHubClient,
    label: &str,
    marker: &str,
) -> Result<Option<u64>, GitHubError> {
    Ok(
        own_open_incidents(client, label, |body| body.starts_with(marker))
            .await?
            .into_iter()
            .next(),
    )
}

/// The numbers of agentlab's own open issues labelled `label` whose body (leading whitespace aside) `matches`. The
/// marker opens the body; elsewhere it could be quoted from a Terraform error (see comment.rs). Someone else's
/// issue with agentlab's label and marker is not an incident.
async fn own_open_incidents(
    client: &GitHubClient,
    label: &str,
    matches: impl Fn(&str) -> bool,
) -> Result<Vec<u64>, GitHubError> {
    Ok(own_open_issues(client, label)
        .await?
        .into_iter()
        .filter(|(_, body)| matches(body.trim_start()))
        .map(|(number, _)| number)
        .collect())
}

/// agentlab's own open issues labelled `label` (pull requests and other people's issues left out), with their
/// bodies: the incidents, and a check's drift and health issues (crate::github::problem_issue).
pub(crate) async fn own_open_issues(
    client: &GitHubClient,
    label: &str,
) -> Result<Vec<(u64, String)>, GitHubError> {
    let issues: Vec<Issue> = client
        .get_all_pages(&client.repo_path(&format!("/issues?state=open&labels={label}")))
        .await?;
    let identity = client.identity();
    Ok(issues
        .into_iter()
        .filter(|issue| issue.pull_request.is_none() && identity.wrote(issue.user.as_ref()))
        .filter_map(|issue| Some((issue.number, issue.body?)))
        .collect())
}

/// Closes `issue` as completed. Closing twice is harmless: a PATCH may be retried as the client likes.
pub(crate) async fn close_issue(client: &GitHubClient, issue: u64) -> Result<(), GitHubError> {
    let _: serde_json::Value = client
        .patch_json(
            &client.repo_path(&format!("/issues/{issue}")),
            &IssueState {
                state: "closed",
                state_reason: "completed",
            },
        )
        .await?;
    Ok(())
}

/// Posts the bodies in order until GitHub takes one: a 422 (too long, however GitHub counted) moves to the next,
/// shorter one; any other answer ends the attempt.
pub(crate) async fn post_first_accepted<T, F, Fut>(
    bodies: &[String],
    mut post: F,
) -> Result<T, GitHubError>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, GitHubError>>,
{
    let mut last_error = None;
    for (index, body) in bodies.iter().enumerate() {
        match post(body.clone()).await {
            Err(error) if error.status() == Some(422) => {
                tracing::warn!(%error, candidate = index, "GitHub refused the incident text; trying a shorter one");
                last_error = Some(error);
            }
            other => return other,
        }
    }
    Err(last_error.unwrap_or_else(|| GitHubError::Client("no incident text to post".to_string())))
}
