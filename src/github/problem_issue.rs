//! A check's drift and health issues on GitHub: read agentlab's own open ones before the Outbox is built (so it
//! can keep their "since" and comment only when what is wrong changed), then carry out what the Outbox decided:
//! open an issue (looked up by its marker before a create is sent again), rewrite the open one's title and body
//! (after a "what is wrong changed" comment, posted once per run), or comment and close it. Only issues of
//! agentlab's own account count (crate::github::identity); the texts come from the Outbox as they are.

use serde::{Deserialize, Serialize};

use crate::github::client::{GitHubClient, GitHubError};
use crate::github::comment::{create_marked_comment, find_comment_by_marker};
use crate::github::create_once::create_once;
use crate::github::identity::Author;
use crate::github::issue::{NewIssue, close_issue, own_open_issues, post_first_accepted};
use crate::render::check::ProblemKind;
use crate::report::{MarkedComment, OpenProblemIssue, ProblemAction, ProblemIssuePost};

#[derive(Serialize)]
struct IssueEdit<'a> {
    title: &'a str,
    body: &'a str,
}

#[derive(Deserialize)]
struct CreatedIssue {
    number: u64,
    #[serde(default)]
    user: Option<Author>,
}

/// What happened to one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemIssueAction {
    Opened { issue: u64 },
    Updated { issue: u64, commented: bool },
    Closed { issue: u64 },
}

/// agentlab's own open drift and health issues, bodies included.
pub async fn open_problem_issues(
    client: &GitHubClient,
) -> Result<Vec<OpenProblemIssue>, GitHubError> {
    let mut open = Vec::new();
    for kind in ProblemKind::ALL {
        open.extend(
            own_open_issues(client, kind.label())
                .await?
                .into_iter()
                .map(|(number, body)| OpenProblemIssue { number, body }),
        );
    }
    Ok(open)
}

/// Carries out one post of a check.
pub async fn publish_problem_issue(
    client: &GitHubClient,
    post: &ProblemIssuePost,
) -> Result<ProblemIssueAction, GitHubError> {
    match &post.action {
        ProblemAction::Open { title, bodies } => {
            let issue = post_first_accepted(bodies, |body| async move {
                create_problem_issue(client, post, title, &body).await
            })
            .await?;
            Ok(ProblemIssueAction::Opened { issue })
        }
        ProblemAction::Update {
            issue,
            title,
            bodies,
            change_comment,
        } => {
            let commented = match change_comment {
                Some(comment) => comment_once(client, *issue, comment).await?,
                None => false,
            };
            let path = client.repo_path(&format!("/issues/{issue}"));
            post_first_accepted(bodies, |body| {
                let path = path.clone();
                async move {
                    let _: serde_json::Value = client
                        .patch_json(&path, &IssueEdit { title, body: &body })
                        .await?;
                    Ok(())
                }
            })
            .await?;
            Ok(ProblemIssueAction::Updated {
                issue: *issue,
                commented,
            })
        }
        ProblemAction::Close { issue, comment } => {
            comment_once(client, *issue, comment).await?;
            close_issue(client, *issue).await?;
            Ok(ProblemIssueAction::Closed { issue: *issue })
        }
    }
}

/// Posts `comment` unless this run's comment is already there. Returns whether it posted.
async fn comment_once(
    client: &GitHubClient,
    issue: u64,
    comment: &MarkedComment,
) -> Result<bool, GitHubError> {
    if find_comment_by_marker(client, issue, &comment.marker)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    create_marked_comment(client, issue, &comment.marker, &comment.body).await?;
    Ok(true)
}

async fn create_problem_issue(
    client: &GitHubClient,
    post: &ProblemIssuePost,
    title: &str,
    body: &str,
) -> Result<u64, GitHubError> {
    let path = client.repo_path("/issues");
    let send = || async {
        let created: CreatedIssue = client
            .post_json_once(
                &path,
                &NewIssue {
                    title,
                    body,
                    labels: [post.label],
                },
            )
            .await?;
        client.identity().learn(created.user.as_ref());
        Ok(created.number)
    };
    let find = || async {
        Ok(own_open_issues(client, post.label)
            .await?
            .into_iter()
            .find(|(_, existing)| existing.trim_start().starts_with(&post.marker))
            .map(|(number, _)| number))
    };
    Ok(create_once(client, find, send).await?.into_inner())
}
