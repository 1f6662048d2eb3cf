//! Sticky comments: find the comment carrying a marker on an issue or pull request (every page of comments) and
//! edit it in place, else create it, so a re-run never adds a second comment. Only agentlab's own comments count
//! (crate::github::identity): a marker in someone else's comment is text, not a comment to edit. A create whose
//! answer was lost is looked up before it is sent again (crate::github::create_once).
//!
//! The body comes as a list of candidates from most to least detailed, rendered and redacted by the Outbox
//! (crate::report). GitHub's size limit is counted in ways its documentation does not pin down, so a 422 on one
//! candidate moves to the next instead of failing. Nothing here renders.

use serde::{Deserialize, Serialize};

use crate::github::client::{GitHubClient, GitHubError};
use crate::github::create_once::create_once;
use crate::github::identity::Author;

#[derive(Debug, Deserialize)]
pub struct IssueComment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    /// Who wrote it; `null` for a deleted account.
    #[serde(default)]
    pub user: Option<Author>,
}

#[derive(Serialize)]
struct CommentBody<'a> {
    body: &'a str,
}

/// What posting did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentAction {
    Created { id: u64 },
    Updated { id: u64 },
}

/// A posted comment, and which candidate (0 = the most detailed) GitHub took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedComment {
    pub action: CommentAction,
    pub candidate: usize,
}

/// Finds agentlab's own comment on issue/PR `number` whose body starts with `marker`. Only the start counts: the
/// body quotes Terraform's errors, which anyone who can make a provisioner print can fill with another project's
/// marker; and only agentlab's account counts: anyone who can comment can write a marker.
pub async fn find_comment_by_marker(
    client: &GitHubClient,
    number: u64,
    marker: &str,
) -> Result<Option<IssueComment>, GitHubError> {
    let comments: Vec<IssueComment> = client
        .get_all_pages(&client.repo_path(&format!("/issues/{number}/comments")))
        .await?;
    let identity = client.identity();
    Ok(comments.into_iter().find(|comment| {
        identity.wrote(comment.user.as_ref())
            && comment
                .body
                .as_deref()
                .is_some_and(|body| body.trim_start().starts_with(marker))
    }))
}

/// Creates a comment on issue/PR `number` that starts with `marker`, once: after an answer that leaves open whether
/// GitHub created it, the comment is looked up by its marker before the POST is sent again.
pub async fn create_marked_comment(
    client: &GitHubClient,
    number: u64,
    marker: &str,
    body: &str,
) -> Result<IssueComment, GitHubError> {
    let path = client.repo_path(&format!("/issues/{number}/comments"));
    let payload = CommentBody { body };
    let created = create_once(
        client,
        || find_comment_by_marker(client, number, marker),
        || client.post_json_once::<_, IssueComment>(&path, &payload),
    )
    .await?
    .into_inner();
    client.identity().learn(created.user.as_ref());
    Ok(created)
}

/// Edits the marked comment or creates it, trying `candidates` in order while GitHub answers 422. Every
/// candidate must contain `marker`, or the next run would not find the comment.
pub async fn upsert_marked_comment(
    client: &GitHubClient,
    number: u64,
    marker: &str,
    candidates: &[String],
) -> Result<PostedComment, GitHubError> {
    let existing = find_comment_by_marker(client, number, marker).await?;
    let mut last_error = None;
    for (index, body) in candidates.iter().enumerate() {
        let payload = CommentBody { body };
        let result = match &existing {
            Some(comment) => client
                .patch_json::<_, IssueComment>(
                    &client.repo_path(&format!("/issues/comments/{}", comment.id)),
                    &payload,
                )
                .await
                .map(|posted| CommentAction::Updated { id: posted.id }),
            None => create_marked_comment(client, number, marker, body)
                .await
                .map(|posted| CommentAction::Created { id: posted.id }),
        };
        match result {
            Ok(action) => {
                return Ok(PostedComment {
                    action,
                    candidate: index,
                });
            }
            Err(error) if error.status() == Some(422) => {
                tracing::warn!(%error, candidate = index, "GitHub refused the comment; trying a shorter one");
                last_error = Some(error);
            }
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| GitHubError::Client("no comment body to post".to_string())))
}
