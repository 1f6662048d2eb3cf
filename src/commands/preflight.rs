//! The checks made before any Terraform runs, for every selected project at once: a problem the configuration or
//! the runner's environment already shows is a configuration error (exit 2) listing every problem found, never a
//! run that starts, fails at `init` or after an apply, and asks for a diagnosis of a typo.
//!
//! Checked: the configuration declares a project; each project's folder exists, is a folder and holds Terraform
//! files; each `backend_config` file exists; an explicitly configured `guests_output` is declared by the root
//! module; the Terraform binary can be found; `[proxmox] ca_file` exists; and the variables a run needs are set:
//! `PROXMOX_VE_ENDPOINT` and `PROXMOX_VE_API_TOKEN` when the bpg/proxmox provider reads them or the Validator
//! checks live guests (a guests output that is not the literal empty list), `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` when an S3 backend on a store of your own
//! (MinIO) names no other source of credentials.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::commands::root_module::{RootModule, argument_names, read_root_module};
use crate::commands::{CommandContext, CommandError};
use crate::config::{ConfigError, LoadedConfig, ProjectConfig};
use crate::contracts::RunMode;
use crate::validator::proxmox::{ENDPOINT_ENV, TOKEN_ENV};

/// How much a command is about to do, and so what must be in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreflightScope {
    /// Only choosing projects (`--list-projects`): the files must be right; the credentials belong to later jobs.
    Files,
    /// Running Terraform in this mode: the files, the binary and the environment.
    Run(RunMode),
}

/// The S3 backend's credential variables.
const S3_KEY_VARIABLES: [&str; 2] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
/// Backend arguments that give the S3 backend credentials (or a way to find them) other than the variables.
const S3_CREDENTIAL_SETTINGS: [&str; 6] = [
    "access_key",
    "profile",
    "shared_credentials_file",
    "shared_credentials_files",
    "assume_role_with_web_identity",
    "assume_role",
];
/// Variables through which the AWS SDK finds credentials without the two keys (`AWS_SHARED_CREDENTIALS_FILE` counts
/// only when it names a file with something in it: `/dev/null` is a common way to say "no file").
const S3_CREDENTIAL_VARIABLES: [&str; 4] = [
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
];

/// Runs every check and returns `Err` with all the problems found (exit 2).
pub fn check_before_running(
    context: &CommandContext,
    config: &LoadedConfig,
    projects: &[&ProjectConfig],
    scope: PreflightScope,
) -> Result<(), CommandError> {
    let problems = preflight_problems(context, config, projects, scope);
    if problems.is_empty() {
        return Ok(());
    }
    Err(CommandError::Config(ConfigError::Problems {
        path: config.path.clone(),
        problems,
    }))
}

/// Every problem found, in a stable order: the configuration, then each project, then each missing variable.
pub fn preflight_problems(
    context: &CommandContext,
    config: &LoadedConfig,
    projects: &[&ProjectConfig],
    scope: PreflightScope,
) -> Vec<String> {
    let mut problems = Vec::new();
    if config.config.projects.is_empty() {
        problems.push(
            "it declares no [[project]]: add one per Terraform root module, with `name` and `dir` (the folder, \
             relative to this file)"
                .to_string(),
        );
        return problems;
    }
    // Every project's globs, not only the selected ones': a glob that matches nothing is why a project is not
    // selected.
    for project in &config.config.projects {
        for warning in globs_naming_nothing(config, project) {
            tracing::warn!("{warning}");
        }
    }
    // Which variable is missing, for which projects, and why they need it.
    let mut missing: BTreeMap<&'static str, (Vec<String>, BTreeSet<&'static str>)> =
        BTreeMap::new();
    for project in projects {
        let dir = config.project_dir(project);
        let module = match read_root_module(&dir) {
            Ok(module) => module,
            Err(problem) => {
                problems.push(format!("project `{}`: {problem}", project.name));
                continue;
            }
        };
        let backend_settings = backend_settings(project, &dir, &module, &mut problems);
        if let Some(name) = project.validate.explicit_guests_output()
            && !module.outputs.contains(name)
        {
            problems.push(format!(
                "project `{}`: guests_output = \"{name}\", but {} declares no output \"{name}\" ({})",
                project.name,
                dir.display(),
                declared_outputs(&module)
            ));
        }
        if let PreflightScope::Run(mode) = scope {
            for (variable, why) in
                needed_variables(context, mode, project, &module, &backend_settings)
            {
                let entry = missing.entry(variable).or_default();
                if entry.0.last() != Some(&project.name) {
                    entry.0.push(project.name.clone());
                }
                entry.1.insert(why);
            }
        }
    }
    if let PreflightScope::Run(_) = scope {
        problems.extend(terraform_binary_problem(context, config));
        if let Some(ca_file) = &config.config.proxmox.ca_file {
            let path = config.base_dir.join(ca_file);
            if !path.is_file() {
                problems.push(format!(
                    "[proxmox] ca_file: {} is not a file (the path is relative to the configuration's folder)",
                    path.display()
                ));
            }
        }
    }
    for (variable, (needed_by, why)) in missing {
        problems.push(format!(
            "{variable} is not set; {} {} it ({}){}",
            needed_by
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if needed_by.len() == 1 {
                "needs"
            } else {
                "need"
            },
            why.into_iter().collect::<Vec<_>>().join("; "),
            where_it_comes_from(variable)
        ));
    }
    problems
}

/// The arguments the backend gets: its block's, each `-backend-config` file's and each `KEY=VALUE`. A file that
/// does not exist is a problem.
fn backend_settings(
    project: &ProjectConfig,
    dir: &Path,
    module: &RootModule,
    problems: &mut Vec<String>,
) -> BTreeSet<String> {
    let mut settings = module.backend_settings.clone();
    for argument in &project.backend_config {
        if let Some((key, _)) = argument.split_once('=') {
            settings.insert(key.trim().to_string());
            continue;
        }
        // Terraform runs with -chdir=DIR, so a backend file is relative to the project's folder.
        let path = dir.join(argument);
        match std::fs::read_to_string(&path) {
            Ok(text) => settings.extend(argument_names(&text)),
            Err(_) if path.is_dir() => problems.push(format!(
                "project `{}`: backend_config \"{argument}\" is a folder, not a file ({})",
                project.name,
                path.display()
            )),
            Err(error) => problems.push(format!(
                "project `{}`: backend_config file \"{argument}\" cannot be read: {} ({}; the path is relative \
                 to the project's folder)",
                project.name,
                error_kind(&error),
                path.display()
            )),
        }
    }
    settings
}

/// The `when_modified` globs whose fixed leading folder does not exist under the configuration's folder: most
/// likely written relative to the repository's root while the configuration sits in a subfolder, so they would
/// match nothing. A warning, not a problem: a glob may name files that do not exist yet.
pub fn globs_naming_nothing(config: &LoadedConfig, project: &ProjectConfig) -> Vec<String> {
    project
        .when_modified
        .iter()
        .filter_map(|glob| {
            let fixed = glob
                .find(['*', '?', '[', '{'])
                .map_or(glob.as_str(), |first_pattern| &glob[..first_pattern]);
            let folder = fixed.rsplit_once('/').map(|(folder, _)| folder)?;
            (!folder.is_empty() && !config.base_dir.join(folder).exists()).then(|| {
                format!(
                    "project `{}`: when_modified \"{glob}\" can match nothing: {} does not exist (globs are \
                     relative to the configuration's folder, like `dir`)",
                    project.name,
                    config.base_dir.join(folder).display()
                )
            })
        })
        .collect()
}

fn error_kind(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".to_string(),
        _ => error.to_string(),
    }
}

fn declared_outputs(module: &RootModule) -> String {
    if module.outputs.is_empty() {
        return "it declares no outputs".to_string();
    }
    format!(
        "its outputs: {}",
        module
            .outputs
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The variables this project's run needs and does not have, each with the reason.
fn needed_variables(
    context: &CommandContext,
    mode: RunMode,
    project: &ProjectConfig,
    module: &RootModule,
    backend_settings: &BTreeSet<String>,
) -> Vec<(&'static str, &'static str)> {
    let environment = &context.environment;
    let mut needed = Vec::new();
    if module.uses_proxmox_provider {
        let provider = &module.proxmox_provider_settings;
        if !provider.contains("endpoint") {
            needed.push((ENDPOINT_ENV, "the bpg/proxmox provider reads it"));
        }
        let other_login = ["api_token", "username", "auth_ticket"]
            .iter()
            .any(|setting| provider.contains(*setting))
            || environment.get("PROXMOX_VE_USERNAME").is_some()
            || environment.get("PROXMOX_VE_AUTH_TICKET").is_some();
        if !other_login {
            needed.push((TOKEN_ENV, "the bpg/proxmox provider reads it"));
        }
    }
    // A guests output that is the literal empty list names no guest to ask the API about.
    let guests_output = project.validate.guests_output_name();
    let checks_live_guests = matches!(mode, RunMode::Deploy | RunMode::Check)
        && module.outputs.contains(guests_output)
        && !module.empty_list_outputs.contains(guests_output);
    if checks_live_guests {
        let why = "the Validator checks the live guests through the Proxmox VE API";
        needed.push((ENDPOINT_ENV, why));
        needed.push((TOKEN_ENV, why));
    }
    let own_store = ["endpoint", "endpoints"]
        .iter()
        .any(|setting| backend_settings.contains(*setting));
    let other_credentials = S3_CREDENTIAL_SETTINGS
        .iter()
        .any(|setting| backend_settings.contains(*setting))
        || S3_CREDENTIAL_VARIABLES
            .iter()
            .any(|variable| environment.get(variable).is_some())
        || environment
            .get("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| {
                environment
                    .get("HOME")
                    .map(|home| Path::new(home).join(".aws/credentials"))
            })
            .is_some_and(|file| has_content(&file));
    if module.backend.as_deref() == Some("s3") && own_store && !other_credentials {
        for variable in S3_KEY_VARIABLES {
            needed.push((variable, "the S3 backend reads it to reach the state store"));
        }
    }
    needed.retain(|(variable, _)| environment.get(variable).is_none());
    needed
}

/// Where the example workflows take each variable from, so the message says what to create.
fn where_it_comes_from(variable: &str) -> &'static str {
    match variable {
        "PROXMOX_VE_ENDPOINT" => {
            "; in the example workflows it is the environment's variable PROXMOX_VE_ENDPOINT"
        }
        "PROXMOX_VE_API_TOKEN" => {
            "; in the example workflows it is the environment's secret PROXMOX_VE_API_TOKEN"
        }
        "AWS_ACCESS_KEY_ID" => {
            "; in the example workflows it is the environment's secret MINIO_ACCESS_KEY_ID"
        }
        "AWS_SECRET_ACCESS_KEY" => {
            "; in the example workflows it is the environment's secret MINIO_SECRET_ACCESS_KEY"
        }
        _ => "",
    }
}

/// The Terraform binary cannot be found: a path that is not a file, or a name on no folder of `PATH`.
fn terraform_binary_problem(context: &CommandContext, config: &LoadedConfig) -> Option<String> {
    let binary = context.terraform_binary(Some(&config.config.defaults.terraform));
    if binary.components().count() > 1 {
        return (!binary.is_file()).then(|| {
            format!(
                "the Terraform binary {} is not a file (AGENTLAB_TERRAFORM, the action's `terraform` input or \
                 [defaults] terraform)",
                binary.display()
            )
        });
    }
    let path = context.environment.get("PATH")?;
    let found = std::env::split_paths(path).any(|folder| is_executable_file(&folder.join(&binary)));
    (!found).then(|| {
        format!(
            "the Terraform binary `{}` is not on PATH; install it on the runner (the modules using the MinIO \
             backend file need Terraform 1.10 or later), or name it with [defaults] terraform, the action's \
             `terraform` input or AGENTLAB_TERRAFORM",
            binary.display()
        )
    })
}

fn has_content(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file() && metadata.len() > 0)
}

fn is_executable_file(path: &PathBuf) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
#[path = "preflight_tests.rs"]
mod tests;
