//! What a deploy reads from GitHub for the reviewed-plan gate: the pull request that merged a commit (with the
//! head commit that was planned), and the body of that pull request's plan comment for a project. Nothing here
//! decides: the command layer turns what is found into the gate.

use serde::Deserialize;

use crate::github::client::{GitHubClient, GitHubError};
use crate::github::comment::find_comment_by_marker;

/// The pull request that merged a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedPullRequest {
    pub number: u64,
    /// The head commit the pull request was planned at when it was merged.
    pub head_sha: String,
}

#[derive(Debug, Deserialize)]
struct PullRequestWithHead {
    number: u64,
    #[serde(default)]
    merged_at: Option<String>,
    #[serde(default)]
    merge_commit_sha: Option<String>,
    head: Head,
}

#[derive(Debug, Deserialize)]
struct Head {
    sha: String,
}

/// The merged pull request of `commit` (the commits-to-pulls endpoint), `None` after a direct push.
pub async fn merged_pull_request_of(
    client: &GitHubClient,
    commit: &str,
) -> Result<Option<MergedPullRequest>, GitHubError> {
    // The SHA goes into a URL path: accept only what a SHA can be.
    if commit.is_empty() || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(GitHubError::Client(format!(
            "`{commit}` is not a commit SHA"
        )));
    }
    let pulls: Vec<PullRequestWithHead> = client
        .get_json(&client.repo_path(&format!("/commits/{commit}/pulls")))
        .await?;
    let merged = || pulls.iter().filter(|pull| pull.merged_at.is_some());
    Ok(merged()
        .find(|pull| pull.merge_commit_sha.as_deref() == Some(commit))
        .or_else(|| merged().next())
        .map(|pull| MergedPullRequest {
            number: pull.number,
            head_sha: pull.head.sha.clone(),
        }))
}

/// The body of the comment on pull request `number` that starts with `marker` (the project's plan comment).
pub async fn plan_comment_body(
    client: &GitHubClient,
    number: u64,
    marker: &str,
) -> Result<Option<String>, GitHubError> {
    Ok(find_comment_by_marker(client, number, marker)
        .await?
        .and_then(|comment| comment.body))
}
