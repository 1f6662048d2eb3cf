//! Creating a comment or an issue exactly once. A POST whose answer was lost (a timeout, a dropped connection, a
//! 5xx from a gateway after GitHub wrote) may have created the thing: sending it again would post it twice. So the
//! create is sent without blind retries ([`GitHubClient::post_json_once`]), and after such an answer the thing is
//! looked up by its marker first; only when it is not there is the POST sent again, within the client's retry
//! policy.

use std::future::Future;

use crate::github::client::{GitHubClient, GitHubError};

/// What [`create_once`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Creation<T> {
    /// GitHub answered the POST.
    Created(T),
    /// A POST whose answer was lost had created it; found by its marker.
    FoundAfterUnsureAnswer(T),
}

impl<T> Creation<T> {
    pub fn into_inner(self) -> T {
        match self {
            Self::Created(value) | Self::FoundAfterUnsureAnswer(value) => value,
        }
    }
}

/// Runs `post` (a single [`GitHubClient::post_json_once`]) until GitHub answers; after an answer that leaves open
/// whether it was done, runs `find` (the lookup by marker) first and stops when it finds the thing.
pub async fn create_once<T, Find, FindFuture, Post, PostFuture>(
    client: &GitHubClient,
    mut find: Find,
    mut post: Post,
) -> Result<Creation<T>, GitHubError>
where
    Find: FnMut() -> FindFuture,
    FindFuture: Future<Output = Result<Option<T>, GitHubError>>,
    Post: FnMut() -> PostFuture,
    PostFuture: Future<Output = Result<T, GitHubError>>,
{
    let policy = client.retry_policy();
    let mut attempt = 1;
    loop {
        if attempt > 1 {
            if let Some(found) = find().await? {
                tracing::info!(
                    attempt,
                    "GitHub had done what an unanswered request asked; not sending it again"
                );
                return Ok(Creation::FoundAfterUnsureAnswer(found));
            }
        }
        match post().await {
            Ok(created) => return Ok(Creation::Created(created)),
            Err(error) if error.may_have_been_processed() && attempt < policy.attempts() => {
                let wait = policy.backoff(attempt);
                tracing::warn!(%error, attempt, "GitHub's answer to a create was lost; looking it up before sending it again");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}
