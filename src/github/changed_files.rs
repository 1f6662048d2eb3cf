//! The files a change touches: a pull request's from the pull request files API; a push's from the pull request it
//! merged (found from the pushed commit), else from the push payload. The command layer matches them against each
//! project's `when_modified` globs (commands::affected_projects), so `plan` and `deploy` run the same projects for
//! one change.

use serde::Deserialize;

use crate::github::client::{GitHubClient, GitHubError};
use crate::github::event::ChangedFiles;
use crate::github::publish::merged_pull_request_for;

#[derive(Debug, Deserialize)]
struct PullRequestFile {
    filename: String,
    #[serde(default)]
    previous_filename: Option<String>,
}

/// The changed files an event names, asking GitHub for a pull request's. `None` means unknown.
pub async fn resolve_changed_files(
    client: &GitHubClient,
    changed: &ChangedFiles,
) -> Result<Option<Vec<String>>, GitHubError> {
    match changed {
        ChangedFiles::Unknown => Ok(None),
        ChangedFiles::PullRequest(number) => pull_request_files(client, *number).await.map(Some),
        // The merged pull request lists every file the merge brought, however many commits it had; a direct push
        // has only its own commits.
        ChangedFiles::Pushed { commit, listed } => {
            match merged_pull_request_for(client, commit).await? {
                Some(number) => pull_request_files(client, number).await.map(Some),
                None => Ok(listed.clone()),
            }
        }
    }
}

/// The files of pull request `number`, sorted, a renamed file under both its names.
async fn pull_request_files(
    client: &GitHubClient,
    number: u64,
) -> Result<Vec<String>, GitHubError> {
    let files: Vec<PullRequestFile> = client
        .get_all_pages(&client.repo_path(&format!("/pulls/{number}/files")))
        .await?;
    // A renamed file changes both paths: a project that lost a file is affected too.
    let mut names: Vec<String> = files
        .into_iter()
        .flat_map(|file| std::iter::once(file.filename).chain(file.previous_filename))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}
