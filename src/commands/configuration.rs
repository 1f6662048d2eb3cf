//! The configuration a command that runs projects uses: `--config`, and for a pull request the default branch's
//! secret-sensitive sections on top (see `config::default_branch`). The action writes the default branch's copy
//! to a private file and names it in `AGENTLAB_DEFAULT_BRANCH_CONFIG`, or sets that variable to `none` when the
//! default branch has no `agentlab.toml` yet.

use std::path::Path;

use crate::commands::{CommandContext, CommandError};
use crate::config::{ConfigError, DefaultBranchConfig, LoadedConfig, TrustedSections};
use crate::github::event::EventDecision;

/// The variable naming the default branch's `agentlab.toml` for a pull request's run (or `none`).
pub const DEFAULT_BRANCH_CONFIG_VARIABLE: &str = "AGENTLAB_DEFAULT_BRANCH_CONFIG";

/// The configuration of one run and where its secret-sensitive sections came from.
#[derive(Debug, Clone)]
pub struct RunConfiguration {
    pub loaded: LoadedConfig,
    pub default_branch: DefaultBranchConfig,
}

impl RunConfiguration {
    /// The note a pull request's comment carries about the configuration, if any.
    pub fn note(&self) -> Option<String> {
        self.default_branch.note().map(str::to_string)
    }
}

/// Loads `path`, then applies the default branch's sections named by `AGENTLAB_DEFAULT_BRANCH_CONFIG`.
pub fn load_run_configuration(
    context: &CommandContext,
    path: &Path,
) -> Result<RunConfiguration, CommandError> {
    let loaded = LoadedConfig::load(path)?;
    let default_branch = match context.environment.get(DEFAULT_BRANCH_CONFIG_VARIABLE) {
        None => {
            if is_pull_request(context) {
                tracing::warn!(
                    "this pull request's run uses its own {} whole: {DEFAULT_BRANCH_CONFIG_VARIABLE} names no \
                     default branch copy for [llm], [redact], [proxmox] and the Terraform binary (the action \
                     sets it)",
                    path.display()
                );
            }
            DefaultBranchConfig::NotApplicable
        }
        Some("none") => DefaultBranchConfig::Absent,
        Some(trusted) => {
            let sections = TrustedSections::load(Path::new(trusted)).map_err(|error| {
                CommandError::Config(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message: format!(
                        "the default branch's copy, which decides [llm], [redact], [proxmox] and the \
                         Terraform binary for pull requests, is not usable: {error}"
                    ),
                })
            })?;
            DefaultBranchConfig::Sections(Box::new(sections))
        }
    };
    if let DefaultBranchConfig::Absent = default_branch {
        tracing::info!(
            "the default branch has no agentlab.toml yet: planning with this pull request's projects and the \
             offline known-failure catalogue"
        );
    }
    Ok(RunConfiguration {
        loaded: loaded.with_default_branch_sections(&default_branch),
        default_branch,
    })
}

fn is_pull_request(context: &CommandContext) -> bool {
    matches!(&context.event, Some(Ok(EventDecision::Run(run))) if run.pull_request.is_some())
        && context
            .environment
            .get("GITHUB_EVENT_NAME")
            .is_some_and(|name| name.starts_with("pull_request"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Environment;

    const PULL_REQUEST_CONFIG: &str = r#"
[defaults]
terraform = "/tmp/pr-terraform"
max_retries = 1
[llm]
spec = "openai-compatible:stolen"
base_url = "https://attacker.example/v1"
[redact]
patterns = ["pr-secret-[0-9]+"]
[proxmox]
node = "elsewhere"
[[project]]
name = "new-project"
dir = "modules/new"
[project.validate]
resources = [{ pattern = '^a$', count = 4 }]
"#;

    fn configuration(default_branch: Option<&str>) -> (RunConfiguration, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("agentlab.toml");
        std::fs::write(&config, PULL_REQUEST_CONFIG).unwrap();
        let trusted = dir.path().join("default-branch.toml");
        std::fs::write(
            &trusted,
            "[defaults]\nterraform = \"terraform\"\n[llm]\nspec = \"anthropic:claude-haiku-4-5\"\n\
             [redact]\npatterns = [\"main-secret-[0-9]+\"]\n[proxmox]\nnode = \"pmx-01\"\n\
             [[project]]\nname = \"old\"\ndir = \"modules/old\"\n",
        )
        .unwrap();
        let value = default_branch.map(|value| match value {
            "file" => trusted.display().to_string(),
            other => other.to_string(),
        });
        let context = CommandContext::new(Environment::from_pairs(
            value.map(|value| (DEFAULT_BRANCH_CONFIG_VARIABLE, value)),
        ));
        (load_run_configuration(&context, &config).unwrap(), dir)
    }

    #[test]
    fn a_pull_request_keeps_its_projects_and_takes_the_secret_sensitive_sections_from_the_default_branch()
     {
        let (run, _dir) = configuration(Some("file"));
        let config = &run.loaded.config;
        assert_eq!(run.loaded.project_names(), ["new-project"]);
        assert_eq!(config.projects[0].validate.resources[0].count, 4);
        assert_eq!(config.defaults.max_retries, 1, "retries are the PR's");
        assert_eq!(config.defaults.terraform, "terraform");
        assert_eq!(config.llm.spec, "anthropic:claude-haiku-4-5");
        assert_eq!(config.llm.base_url, None);
        assert_eq!(config.proxmox.node, "pmx-01");
        assert_eq!(
            config.redact.patterns,
            ["main-secret-[0-9]+", "pr-secret-[0-9]+"],
            "a pull request may hide more, never less"
        );
        assert_eq!(run.note(), None);
    }

    #[test]
    fn without_a_default_branch_config_the_defaults_and_the_catalogue_apply_and_the_comment_says_so()
     {
        let (run, _dir) = configuration(Some("none"));
        let config = &run.loaded.config;
        assert_eq!(run.loaded.project_names(), ["new-project"]);
        assert_eq!(config.llm.spec, "catalog");
        assert_eq!(config.llm.base_url, None);
        assert_eq!(config.defaults.terraform, "terraform");
        assert_eq!(config.proxmox.node, "pmx-01");
        assert!(
            run.note()
                .is_some_and(|note| note.contains("no `agentlab.toml` yet"))
        );
    }

    #[test]
    fn outside_a_pull_request_the_configuration_is_used_whole() {
        let (run, _dir) = configuration(None);
        assert_eq!(run.loaded.config.llm.spec, "openai-compatible:stolen");
        assert_eq!(run.loaded.config.defaults.terraform, "/tmp/pr-terraform");
    }

    #[test]
    fn a_broken_default_branch_copy_is_a_configuration_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("agentlab.toml");
        std::fs::write(&config, PULL_REQUEST_CONFIG).unwrap();
        let trusted = dir.path().join("main.toml");
        std::fs::write(&trusted, "[llm]\nspecc = \"catalog\"\n").unwrap();
        let context = CommandContext::new(Environment::from_pairs([(
            DEFAULT_BRANCH_CONFIG_VARIABLE,
            trusted.display().to_string(),
        )]));
        let error = load_run_configuration(&context, &config).unwrap_err();
        assert_eq!(error.exit_status(), crate::commands::ExitStatus::BadInput);
        assert!(error.to_string().contains("specc"), "{error}");
    }
}
