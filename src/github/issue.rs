//! Incident issues: on a final Failed, open one issue labelled `agentlab-incident`, or, when an open one with the
//! same fingerprint (project + category) exists, comment on it. A recovered run files nothing.

use serde::{Deserialize, Serialize};

use crate::contracts::RunRecord;
use crate::github::client::{GitHubClient, GitHubError};
use crate::redact::Redactor;
use crate::render::issue::{
    INCIDENT_LABEL, incident_fingerprint, incident_marker, incident_title, needs_incident,
    render_incident_issue, render_incident_recurrence,
};
use crate::render::{RenderOptions, cut_to_budget};

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
    /// The run did not end in Failed.
    NotNeeded,
    Opened {
        issue: u64,
    },
    Commented {
        issue: u64,
    },
}

/// Files the incident for a failed record, or does nothing for any other.
pub async fn report_incident(
    client: &GitHubClient,
    record: &RunRecord,
    options: &RenderOptions,
    redactor: &Redactor,
) -> Result<IncidentAction, GitHubError> {
    if !needs_incident(record) {
        return Ok(IncidentAction::NotNeeded);
    }
    let marker = incident_marker(&incident_fingerprint(record));
    if let Some(issue) = find_open_incident(client, &marker).await? {
        let body = redactor.redact(&render_incident_recurrence(record, options));
        post_with_fallback(&body, options, |body| async move {
            client
                .post_json::<_, Created>(
                    &client.repo_path(&format!("/issues/{issue}/comments")),
                    &CommentBody { body: &body },
                )
                .await
        })
        .await?;
        return Ok(IncidentAction::Commented { issue });
    }
    let title = redactor.redact(&incident_title(record));
    let body = redactor.redact(&render_incident_issue(record, options));
    let created = post_with_fallback(&body, options, |body| {
        let title = title.clone();
        async move {
            client
                .post_json::<_, Created>(
                    &client.repo_path("/issues"),
                    &NewIssue {
                        title: &title,
                        body: &body,
                        labels: [INCIDENT_LABEL],
                    },
                )
                .await
        }
    })
    .await?;
    Ok(IncidentAction::Opened {
        issue: created.number.unwrap_or_default(),
    })
}

/// The open issue labelled `agentlab-incident` whose body carries `marker`.
async fn find_open_incident(
    client: &GitHubClient,
    marker: &str,
) -> Result<Option<u64>, GitHubError> {
    let issues: Vec<Issue> = client
        .get_all_pages(&client.repo_path(&format!("/issues?state=open&labels={INCIDENT_LABEL}")))
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

/// Posts `body`; on 422 (too long, however GitHub counted) posts it cut to a quarter of the budget, keeping the
/// marker at the top so the issue is still found next time.
async fn post_with_fallback<T, F, Fut>(
    body: &str,
    options: &RenderOptions,
    mut post: F,
) -> Result<T, GitHubError>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, GitHubError>>,
{
    match post(body.to_string()).await {
        Err(error) if error.status() == Some(422) => {
            tracing::warn!(%error, "GitHub refused the incident text; posting a shorter one");
            let shorter =
                cut_to_budget(body, options.budget_chars / 4, &options.full_text_location);
            post(shorter).await
        }
        other => other,
    }
}
