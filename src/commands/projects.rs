//! Which projects a command runs: named ones, all of them, or those whose `when_modified` globs match the changed
//! files (how a pull request only plans what it touches, and a push only deploys what it changed). A fork's pull
//! request is refused here, before any of these choices, so no way of naming projects runs a fork's code.

use std::path::Path;

use globset::{GlobBuilder, GlobSetBuilder};

use crate::cli::{DeployArgs, PlanArgs};
use crate::commands::{
    CommandContext, CommandError, ExitStatus, PreflightScope, check_before_running, print_stdout,
};
use crate::config::{LoadedConfig, ProjectConfig};
use crate::github::changed_files::resolve_changed_files;
use crate::github::client::GITHUB_RETRY;
use crate::github::event::{ChangedFiles, EventDecision};

/// Reads a changed-files list: one path per line, blank lines and surrounding whitespace ignored.
pub fn read_changed_files(path: &Path) -> Result<Vec<String>, CommandError> {
    let text = std::fs::read_to_string(path).map_err(|source| CommandError::Io {
        action: "read the changed-files list",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(normalise_path)
        .collect())
}

fn normalise_path(path: &str) -> String {
    path.trim_start_matches("./").to_string()
}

/// The projects whose `when_modified` globs (or, without globs, whose directory) match a changed path. Changed
/// paths are relative to the repository's root (as GitHub and `git diff --name-only` give them); globs and
/// project folders are relative to the configuration's folder, so each path is first made relative to that folder
/// (a path outside it starts with `../`). With `agentlab.toml` at the root the two are the same.
pub fn affected_projects<'a>(
    config: &'a LoadedConfig,
    changed: &[String],
) -> Result<Vec<&'a ProjectConfig>, CommandError> {
    let config_folder = config_folder_in_repository(&config.base_dir);
    let changed: Vec<String> = changed
        .iter()
        .map(|path| relative_to_config_folder(path, &config_folder))
        .collect();
    let mut affected = Vec::new();
    for project in &config.config.projects {
        let globs = if project.when_modified.is_empty() {
            vec![format!(
                "{}/**",
                project
                    .dir
                    .display()
                    .to_string()
                    .trim_start_matches("./")
                    .trim_end_matches('/')
            )]
        } else {
            project.when_modified.clone()
        };
        let mut builder = GlobSetBuilder::new();
        for glob in &globs {
            let compiled = GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|error| {
                    CommandError::BadInput(format!(
                        "project `{}`: `{glob}` is not a glob: {error}",
                        project.name
                    ))
                })?;
            builder.add(compiled);
        }
        let set = builder.build().map_err(|error| {
            CommandError::BadInput(format!("project `{}`: {error}", project.name))
        })?;
        if changed.iter().any(|path| set.is_match(path)) {
            affected.push(project);
        }
    }
    Ok(affected)
}

/// The configuration's folder relative to the repository's root (the closest folder above it holding `.git`), as
/// path components; empty when it is the root or no repository is found (then changed paths are taken as they
/// are).
fn config_folder_in_repository(base_dir: &Path) -> Vec<String> {
    let Ok(folder) = base_dir.canonicalize() else {
        return Vec::new();
    };
    let Some(root) = folder
        .ancestors()
        .find(|candidate| candidate.join(".git").exists())
    else {
        return Vec::new();
    };
    folder
        .strip_prefix(root)
        .map(|inside| {
            inside
                .components()
                .map(|component| component.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A repository-relative `path` made relative to the configuration's folder (`config_folder`, from the root).
fn relative_to_config_folder(path: &str, config_folder: &[String]) -> String {
    let parts: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    let shared = config_folder
        .iter()
        .zip(&parts)
        .take_while(|(folder, part)| folder == *part)
        .count();
    let mut relative: Vec<&str> = vec![".."; config_folder.len() - shared];
    relative.extend(&parts[shared..]);
    relative.join("/")
}

/// Resolves `--project` names against the configuration; an unknown name is bad input that lists the known ones.
pub fn named_projects<'a>(
    config: &'a LoadedConfig,
    names: &[String],
) -> Result<Vec<&'a ProjectConfig>, CommandError> {
    names
        .iter()
        .map(|name| {
            config.project(name).ok_or_else(|| {
                CommandError::BadInput(format!(
                    "no project named `{name}` in {}; known: {}",
                    config.path.display(),
                    config.project_names().join(", ")
                ))
            })
        })
        .collect()
}

/// What the command line says about which projects to run; with none of it, the GitHub event decides.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProjectChoice<'a> {
    /// `--project` names.
    pub names: &'a [String],
    /// `--all`.
    pub all: bool,
    /// `--changed-files FILE`.
    pub changed_files: Option<&'a Path>,
}

/// The projects `agentlab plan` runs: see [`choose_projects`].
impl<'a> From<&'a PlanArgs> for ProjectChoice<'a> {
    fn from(args: &'a PlanArgs) -> Self {
        Self {
            names: &args.projects,
            all: args.all,
            changed_files: args.changed_files.as_deref(),
        }
    }
}

/// The projects `agentlab deploy` runs: `--project` names, else all with `--all`, else (on a push) the projects
/// the push changed, as `plan` picks them for a pull request; see [`choose_projects`].
impl<'a> From<&'a DeployArgs> for ProjectChoice<'a> {
    fn from(args: &'a DeployArgs) -> Self {
        Self {
            names: &args.projects,
            all: args.all,
            changed_files: None,
        }
    }
}

/// A fork's pull request is refused first, whatever was asked for. Then: `--project` names, else all with
/// `--all`, else `--changed-files` matches, else, inside GitHub Actions, the projects the triggering event's
/// changed files touch (a pull request's files; for a push, its merged pull request's files, else its commits'),
/// else every project: outside Actions a person chose to run, and an event whose files cannot be known runs
/// everything rather than miss a change.
pub async fn choose_projects<'a>(
    context: &CommandContext,
    config: &'a LoadedConfig,
    choice: ProjectChoice<'_>,
) -> Result<Vec<&'a ProjectConfig>, CommandError> {
    context.refuse_fork_pull_request()?;
    if !choice.names.is_empty() {
        return named_projects(config, choice.names);
    }
    if choice.all {
        return Ok(config.config.projects.iter().collect());
    }
    if let Some(path) = choice.changed_files {
        return affected_projects(config, &read_changed_files(path)?);
    }
    match event_changed_files(context).await? {
        Some(changed) => {
            let affected = affected_projects(config, &changed)?;
            tracing::info!(
                changed = changed.len(),
                affected = affected.len(),
                "projects chosen from the event's changed files"
            );
            Ok(affected)
        }
        None => Ok(config.config.projects.iter().collect()),
    }
}

/// The changed files of the GitHub event that started this run; `None` outside Actions or when the event does
/// not tell (then every project runs, the safe side).
async fn event_changed_files(
    context: &CommandContext,
) -> Result<Option<Vec<String>>, CommandError> {
    let run = match &context.event {
        None => return Ok(None),
        // A `schedule` or `issues` event names no change: the projects must be named.
        Some(Err(why)) => {
            return Err(CommandError::BadInput(format!(
                "{why}; or name the projects with --project or --all"
            )));
        }
        Some(Ok(EventDecision::Run(run))) => run,
        Some(Ok(EventDecision::Ignore { reason })) => {
            tracing::info!("nothing to run: {reason}");
            return Ok(Some(Vec::new()));
        }
    };
    let payload_files = || {
        run.changed_files
            .listed_in_payload()
            .map(<[String]>::to_vec)
    };
    let client = match context
        .github_settings()
        .map(|settings| settings.client(GITHUB_RETRY))
    {
        Ok(Ok(client)) => client,
        Ok(Err(error)) => return Err(CommandError::BadInput(error.to_string())),
        Err(error) if matches!(run.changed_files, ChangedFiles::PullRequest(_)) => {
            return Err(error);
        }
        Err(_) => return Ok(payload_files()),
    };
    match resolve_changed_files(&client, &run.changed_files).await {
        Ok(files) => Ok(files),
        Err(error) => match payload_files() {
            Some(files) => {
                tracing::warn!(
                    "cannot find the pull request this push merged ({error}); using the files its commits list"
                );
                Ok(Some(files))
            }
            None => {
                tracing::warn!("cannot list the changed files ({error}); running every project");
                Ok(None)
            }
        },
    }
}

/// `agentlab plan --list-projects [--json]`: the names, one per line, or a JSON array for a matrix.
pub async fn list_projects(
    context: &CommandContext,
    config: &LoadedConfig,
    args: &PlanArgs,
) -> Result<ExitStatus, CommandError> {
    let chosen = choose_projects(context, config, args.into()).await?;
    // The folders and files are checked here already, so a typo fails the job that lists the projects, before
    // any matrix job starts; the credentials belong to those jobs and are checked there.
    check_before_running(context, config, &chosen, PreflightScope::Files)?;
    let names: Vec<&str> = chosen.iter().map(|project| project.name.as_str()).collect();
    let text = if args.json {
        serde_json::Value::from(names).to_string()
    } else {
        names.join("\n")
    };
    print_stdout(&text)?;
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config() -> LoadedConfig {
        LoadedConfig::parse(
            r#"
[[project]]
name = "lxc-fleet"
dir = "modules/lxc-fleet"
when_modified = ["modules/lxc-fleet/**", "modules/lxc/**"]
[[project]]
name = "lxc"
dir = "modules/lxc"
when_modified = ["modules/lxc/*.tf"]
[[project]]
name = "ubuntu-vm"
dir = "./modules/ubuntu-vm/"
"#,
            Path::new("agentlab.toml"),
            PathBuf::from("."),
        )
        .unwrap()
    }

    fn affected(changed: &[&str]) -> Vec<String> {
        let changed: Vec<String> = changed.iter().map(|path| path.to_string()).collect();
        let config = config();
        affected_projects(&config, &changed)
            .unwrap()
            .iter()
            .map(|project| project.name.clone())
            .collect()
    }

    #[test]
    fn changed_paths_select_projects_by_their_globs() {
        assert_eq!(affected(&["modules/lxc/main.tf"]), ["lxc-fleet", "lxc"]);
        assert_eq!(affected(&["modules/lxc/README.md"]), ["lxc-fleet"]);
        assert_eq!(
            affected(&["modules/lxc/sub/x.tf"]),
            ["lxc-fleet"],
            "`*` does not cross a folder"
        );
        assert_eq!(
            affected(&["modules/ubuntu-vm/main.tf"]),
            ["ubuntu-vm"],
            "no globs: the project folder"
        );
        assert!(affected(&["README.md", "src/main.rs"]).is_empty());
    }

    #[test]
    fn a_configuration_in_a_subfolder_matches_repository_paths_against_its_own_folder() {
        let repository = tempfile::tempdir().unwrap();
        std::fs::create_dir(repository.path().join(".git")).unwrap();
        let infra = repository.path().join("infra");
        std::fs::create_dir(&infra).unwrap();
        let config = LoadedConfig::parse(
            r#"
[[project]]
name = "dns"
dir = "modules/dns"
[[project]]
name = "lxc"
dir = "modules/lxc"
when_modified = ["modules/lxc/**", "../common/*.tfvars"]
"#,
            Path::new("infra/agentlab.toml"),
            infra,
        )
        .unwrap();
        let affected = |changed: &[&str]| -> Vec<String> {
            let changed: Vec<String> = changed.iter().map(|path| path.to_string()).collect();
            affected_projects(&config, &changed)
                .unwrap()
                .iter()
                .map(|project| project.name.clone())
                .collect()
        };
        assert_eq!(affected(&["infra/modules/dns/main.tf"]), ["dns"]);
        assert_eq!(affected(&["infra/modules/lxc/main.tf"]), ["lxc"]);
        assert_eq!(
            affected(&["common/lxc.tfvars"]),
            ["lxc"],
            "a path outside the folder is reached with ../"
        );
        assert!(
            affected(&["modules/dns/main.tf", "infrastructure/modules/dns/x.tf"]).is_empty(),
            "paths are the repository's, not the configuration's"
        );
    }

    #[test]
    fn paths_are_made_relative_to_the_configuration_folder() {
        let folder = vec!["infra".to_string(), "prod".to_string()];
        assert_eq!(
            relative_to_config_folder("infra/prod/modules/a.tf", &folder),
            "modules/a.tf"
        );
        assert_eq!(
            relative_to_config_folder("infra/common/b.tf", &folder),
            "../common/b.tf"
        );
        assert_eq!(
            relative_to_config_folder("README.md", &folder),
            "../../README.md"
        );
        assert_eq!(relative_to_config_folder("README.md", &[]), "README.md");
    }

    #[test]
    fn unknown_project_names_list_the_known_ones() {
        let config = config();
        let error = named_projects(&config, &["lxc-flet".to_string()])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("lxc-flet") && error.contains("lxc-fleet, lxc, ubuntu-vm"),
            "{error}"
        );
    }

    #[test]
    fn the_changed_files_list_ignores_blanks_and_leading_dot_slash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("changed.txt");
        std::fs::write(&path, "./modules/lxc/main.tf\n\n  README.md  \n").unwrap();
        assert_eq!(
            read_changed_files(&path).unwrap(),
            ["modules/lxc/main.tf", "README.md"]
        );
        assert!(
            read_changed_files(&dir.path().join("missing"))
                .unwrap_err()
                .to_string()
                .contains("missing")
        );
    }
}
