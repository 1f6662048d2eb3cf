//! The files a change touches, from the pull request files API or the push payload. The command layer matches
//! them against each project's `when_modified` globs (commands::affected_projects).

use serde::Deserialize;

use crate::github::client::{GitHubClient, GitHubError};
use crate::github::event::ChangedFiles;

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
        ChangedFiles::Listed(files) => Ok(Some(files.clone())),
        ChangedFiles::Unknown => Ok(None),
        ChangedFiles::PullRequest(number) => {
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
            Ok(Some(names))
        }
    }
}
