//! Which projects a change touches: the changed files (from the pull request files API or the push payload)
//! matched against each project's `when_modified` globs.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::github::client::{GitHubClient, GitHubError};
use crate::github::event::ChangedFiles;

#[derive(Debug, thiserror::Error)]
#[error("project `{project}`: when_modified pattern `{pattern}` is not a valid glob: {source}")]
pub struct GlobError {
    pub project: String,
    pub pattern: String,
    #[source]
    pub source: globset::Error,
}

/// A project's name and its `when_modified` globs (paths relative to the repository root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPaths {
    pub name: String,
    pub when_modified: Vec<String>,
}

/// The projects any of `files` touches, in the order given. `None` for files means "unknown": every project.
pub fn affected_projects(
    projects: &[ProjectPaths],
    files: Option<&[String]>,
) -> Result<Vec<String>, GlobError> {
    let Some(files) = files else {
        return Ok(projects
            .iter()
            .map(|project| project.name.clone())
            .collect());
    };
    let mut affected = Vec::new();
    for project in projects {
        let globs = glob_set(project)?;
        if files.iter().any(|file| globs.is_match(file)) {
            affected.push(project.name.clone());
        }
    }
    Ok(affected)
}

fn glob_set(project: &ProjectPaths) -> Result<GlobSet, GlobError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in &project.when_modified {
        // `*` stops at `/` and `**` crosses it, as in .gitignore and GitHub's own path filters.
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|source| GlobError {
                project: project.name.clone(),
                pattern: pattern.clone(),
                source,
            })?;
        builder.add(glob);
    }
    builder.build().map_err(|source| GlobError {
        project: project.name.clone(),
        pattern: project.when_modified.join(", "),
        source,
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn projects() -> Vec<ProjectPaths> {
        vec![
            ProjectPaths {
                name: "lxc-fleet".to_string(),
                when_modified: vec![
                    "modules/lxc-fleet/**".to_string(),
                    "modules/lxc/**".to_string(),
                ],
            },
            ProjectPaths {
                name: "ubuntu-vm".to_string(),
                when_modified: vec!["modules/ubuntu-vm/**".to_string(), "*.tfvars".to_string()],
            },
        ]
    }

    fn check(files: Option<&[&str]>, expected: &[&str]) {
        let files: Option<Vec<String>> =
            files.map(|files| files.iter().map(|file| file.to_string()).collect());
        let affected = affected_projects(&projects(), files.as_deref()).unwrap();
        assert_eq!(affected, expected, "{files:?}");
    }

    #[test]
    fn files_select_projects_by_glob() {
        check(Some(&["modules/lxc/main.tf"]), &["lxc-fleet"]);
        check(
            Some(&["modules/ubuntu-vm/a/b.tf", "README.md"]),
            &["ubuntu-vm"],
        );
        check(
            Some(&["prod.tfvars", "modules/lxc-fleet/x.tf"]),
            &["lxc-fleet", "ubuntu-vm"],
        );
        check(Some(&["README.md"]), &[]);
        check(Some(&["env/prod.tfvars"]), &[]);
        check(Some(&[]), &[]);
        check(None, &["lxc-fleet", "ubuntu-vm"]);
    }

    #[test]
    fn a_bad_glob_names_its_project() {
        let bad = vec![ProjectPaths {
            name: "broken".to_string(),
            when_modified: vec!["modules/[".to_string()],
        }];
        let error = affected_projects(&bad, Some(&["x".to_string()])).unwrap_err();
        assert!(error.to_string().contains("broken"), "{error}");
    }
}
