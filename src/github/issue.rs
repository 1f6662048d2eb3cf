//! Incident issues: open one issue with the incident's label, or, when an open one carries the same marker
//! (fingerprint), comment on it. The title and bodies come from the Outbox (crate::report), rendered and
//! redacted; nothing here renders.

use serde::{Deserialize, Serialize};

use crate::github::client::{GitHubClient, GitHubError};
use crate::report::IncidentPost;

#[derive(Debug, Deserialize)]
struct Issue {
    number: u64,
    #[serde(default)]
    body: Option<String>,
    /// Present when the "issue" is a pull request: the issues list returns both.
    #[serde(default)]
    pull_request: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct NewIssue<'a> {
    title: &'a str,
    body: &'a str,
    labels: [&'a str; 1],
}

#[derive(Serialize)]
struct CommentBody<'a> {
    body: &'a str,
}

/// An issue or comment GitHub created; comments have no number.
#[derive(Debug, Deserialize)]
struct Created {
    #[serde(default)]
    number: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentAction {
    Opened { issue: u64 },
    Commented { issue: u64 },
}

/// Comments on the open issue of the same incident, or opens a new one.
pub async fn report_incident(
    client: &GitHubClient,
    incident: &IncidentPost,
) -> Result<IncidentAction, GitHubError> {
    if let Some(issue) = find_open_incident(client, incident.label, &incident.marker).await? {
        let path = client.repo_path(&format!("/issues/{issue}/comments"));
        post_first_accepted(&incident.recurrence_bodies, |body| {
            let path = path.clone();
            async move {
                client
                    .post_json::<_, Created>(&path, &CommentBody { body: &body })
                    .await
            }
        })
        .await?;
        return Ok(IncidentAction::Commented { issue });
    }
    let created = post_first_accepted(&incident.bodies, |body| async move {
        client
            .post_json::<_, Created>(
                &client.repo_path("/issues"),
                &NewIssue {
                    title: &incident.title,
                    body: &body,
                    labels: [incident.label],
                },
            )
            .await
    })
    .await?;
    Ok(IncidentAction::Opened {
        issue: created.number.unwrap_or_default(),
    })
}

/// The open issue labelled `label` whose body starts with `marker`.
async fn find_open_incident(
    client: &GitHubClient,
    label: &str,
    marker: &str,
) -> Result<Option<u64>, GitHubError> {
    let issues: Vec<Issue> = client
        .get_all_pages(&client.repo_path(&format!("/issues?state=open&labels={label}")))
        .await?;
    Ok(issues
        .into_iter()
        .filter(|issue| issue.pull_request.is_none())
        .find(|issue| {
            issue
                .body
                .as_deref()
                // The marker opens the body; elsewhere it could be quoted from a Terraform error (see comment.rs).
                .is_some_and(|body| body.trim_start().starts_with(marker))
        })
        .map(|issue| issue.number))
}

/// Posts the bodies in order until GitHub takes one: a 422 (too long, however GitHub counted) moves to the next,
/// shorter one; any other answer ends the attempt.
async fn post_first_accepted<T, F, Fut>(bodies: &[String], mut post: F) -> Result<T, GitHubError>
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
