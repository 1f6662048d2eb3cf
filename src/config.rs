//! `agentlab.toml`: the projects agentlab runs, what the Validator expects of them, and the LLM and budget settings.
//!
//! Parsing is strict: an unknown key or a bad value is an error that names the key and its line, because a typo in
//! a deploy tool's configuration should stop the run, not silently fall back to a default. Values are checked while
//! they are deserialized (`config/values.rs`), so the TOML parser can point at the offending line.
//! Every default is documented here and in the README.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod default_branch;
mod policy;
mod values;

pub use default_branch::{ABSENT_NOTE, DefaultBranchConfig, TrustedSections};
pub use policy::PolicyConfig;
pub use values::{LLM_SPEC_KINDS, check_llm_spec, check_terraform_duration};
use values::{
    at_least_one, at_least_one_token, github_login, glob_list, llm_spec, llm_timeout, max_retries,
    non_negative_dollars, optional_at_least_one, optional_non_negative_dollars, regex, regex_list,
    terraform_duration,
};

/// The example configuration shipped with agentlab (the repository's own `agentlab.toml`).
pub const DEFAULT_CONFIG_FILE: &str = "agentlab.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid configuration {path}: {message}")]
    Invalid { path: PathBuf, message: String },
    /// What the checks made before Terraform runs found, every problem at once.
    #[error(
        "{path}: {} before anything runs:{}",
        problem_count(problems),
        problem_list(problems)
    )]
    Problems {
        path: PathBuf,
        problems: Vec<String>,
    },
}

fn problem_count(problems: &[String]) -> String {
    match problems.len() {
        1 => "1 problem to fix".to_string(),
        count => format!("{count} problems to fix"),
    }
}

fn problem_list(problems: &[String]) -> String {
    problems
        .iter()
        .map(|problem| format!("\n  - {problem}"))
        .collect()
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub llm: LlmConfig,
    #[serde(default)]
    pub proxmox: ProxmoxConfig,
    #[serde(default)]
    pub redact: RedactConfig,
    #[serde(default)]
    pub deploy: DeployConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    #[serde(default)]
    pub github: GitHubConfig,
    #[serde(default, rename = "project")]
    pub projects: Vec<ProjectConfig>,
}

/// `[deploy]`: what a deploy started by a push may apply.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// A push with no reviewed plan (a direct push, a pull request planned before the gate, a project the pull
    /// request did not affect): `refuse` (default) or `apply`.
    #[serde(default)]
    pub unreviewed: Unreviewed,
}

/// `[deploy] unreviewed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreviewed {
    #[default]
    Refuse,
    Apply,
}

/// `[defaults]`: how Terraform runs unless a project or a remediation says otherwise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// The binary: `terraform` (default) or `tofu`, or a path. `AGENTLAB_TERRAFORM` overrides it.
    #[serde(default = "default_terraform")]
    pub terraform: String,
    /// Retries after the first attempt (default 3, at most 10).
    #[serde(default = "default_max_retries", deserialize_with = "max_retries")]
    pub max_retries: u32,
    /// `-parallelism` (default 10, at least 1).
    #[serde(default = "default_parallelism", deserialize_with = "at_least_one")]
    pub parallelism: u32,
    /// `-lock-timeout` (default `5m`): a number followed by `s`, `m` or `h`.
    #[serde(
        default = "default_lock_timeout",
        deserialize_with = "terraform_duration"
    )]
    pub lock_timeout: String,
    /// Projects planned or applied at once (default 2).
    #[serde(default = "default_concurrency", deserialize_with = "at_least_one")]
    pub concurrency: u32,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            terraform: default_terraform(),
            max_retries: default_max_retries(),
            parallelism: default_parallelism(),
            lock_timeout: default_lock_timeout(),
            concurrency: default_concurrency(),
        }
    }
}

/// `[llm]`: which diagnoser answers failures, and what it may spend.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmConfig {
    /// `catalog` (default: offline, $0), `anthropic:MODEL`, `openai:MODEL`, `ollama:MODEL`,
    /// `openai-compatible:MODEL` or `none`.
    #[serde(default = "default_llm_spec", deserialize_with = "llm_spec")]
    pub spec: String,
    /// Seconds one LLM request may take (default 60).
    #[serde(default = "default_llm_timeout", deserialize_with = "llm_timeout")]
    pub timeout_seconds: u64,
    /// Stop asking once an incident has cost this much (default $0.05).
    #[serde(default = "default_budget", deserialize_with = "non_negative_dollars")]
    pub budget_usd_per_incident: f64,
    /// Ask the known-failure catalogue first (default true).
    #[serde(default = "default_true")]
    pub catalog: bool,
    /// Tokens the diagnosis context may use (default 6000).
    #[serde(default = "default_token_budget", deserialize_with = "at_least_one")]
    pub token_budget: u32,
    /// Tokens an incident may spend on a model without a known price (default 40000): such a model is held to
    /// tokens instead of being costed at $0.
    #[serde(
        default = "default_unpriced_tokens_per_incident",
        deserialize_with = "at_least_one_token"
    )]
    pub unpriced_tokens_per_incident: u64,
    /// Base URL of the LLM API; `AGENTLAB_LLM_BASE_URL` overrides it.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Price overrides per model, USD per million tokens.
    #[serde(default)]
    pub prices: BTreeMap<String, PriceOverride>,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            spec: default_llm_spec(),
            timeout_seconds: default_llm_timeout(),
            budget_usd_per_incident: default_budget(),
            catalog: true,
            token_budget: default_token_budget(),
            unpriced_tokens_per_incident: default_unpriced_tokens_per_incident(),
            base_url: None,
            prices: BTreeMap::new(),
        }
    }
}

/// `[llm.prices."MODEL"]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceOverride {
    #[serde(deserialize_with = "non_negative_dollars")]
    pub input_per_mtok: f64,
    #[serde(deserialize_with = "non_negative_dollars")]
    pub output_per_mtok: f64,
    #[serde(default, deserialize_with = "optional_non_negative_dollars")]
    pub cache_read_per_mtok: Option<f64>,
    #[serde(default, deserialize_with = "optional_non_negative_dollars")]
    pub cache_write_per_mtok: Option<f64>,
}

/// `[proxmox]`: the node guests live on unless the guests output names another. The endpoint and token come from
/// `PROXMOX_VE_ENDPOINT` and `PROXMOX_VE_API_TOKEN`, never from this file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxmoxConfig {
    #[serde(default = "default_node")]
    pub node: String,
    /// A PEM file with the CA that signed the node's certificate (self-signed homelabs).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Seconds one API request may take (default 10).
    #[serde(default = "default_proxmox_timeout", deserialize_with = "llm_timeout")]
    pub timeout_seconds: u64,
}

impl Default for ProxmoxConfig {
    fn default() -> Self {
        Self {
            node: default_node(),
            ca_file: None,
            timeout_seconds: default_proxmox_timeout(),
        }
    }
}

/// `[redact]`: secrets beyond the built-in ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactConfig {
    /// Regular expressions whose matches are hidden everywhere.
    #[serde(default, deserialize_with = "regex_list")]
    pub patterns: Vec<String>,
    /// Names of environment variables whose values are secrets.
    #[serde(default)]
    pub env: Vec<String>,
}

/// `[github]`: who agentlab is on GitHub. Only comments and issues written by this account are agentlab's, so a
/// marker someone else writes is never taken for one of agentlab's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitHubConfig {
    /// The login the token posts as: `github-actions[bot]` (default, the workflow's token) or `APP[bot]` for a
    /// GitHub App's installation token.
    #[serde(default = "default_bot_login", deserialize_with = "github_login")]
    pub bot_login: String,
}

impl Default for GitHubConfig {
    fn default() -> Self {
        Self {
            bot_login: default_bot_login(),
        }
    }
}

fn default_bot_login() -> String {
    crate::github::identity::DEFAULT_BOT_LOGIN.to_string()
}

/// One `[[project]]`: a Terraform root module.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    pub name: String,
    /// The root module, relative to the configuration file.
    pub dir: PathBuf,
    /// Globs (relative to the repository root) whose changes make this project affected.
    #[serde(default, deserialize_with = "glob_list")]
    pub when_modified: Vec<String>,
    /// `-backend-config` arguments for `init`, e.g. a `.tfbackend` file relative to the project.
    #[serde(default)]
    pub backend_config: Vec<String>,
    /// Overrides `[defaults] parallelism` for this project.
    #[serde(default, deserialize_with = "optional_at_least_one")]
    pub parallelism: Option<u32>,
    #[serde(default)]
    pub validate: ValidateConfig,
}

/// `[project.validate]`: what the Validator expects.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "ValidateConfigKeys")]
pub struct ValidateConfig {
    pub resources: Vec<ResourcePattern>,
    /// The output listing the guests (`guests` unless set).
    pub guests_output: String,
    /// True when `guests_output` was set explicitly: then a project without that output fails the live checks
    /// instead of skipping them.
    pub guests_output_required: bool,
    pub port: u16,
    /// How long the live checks wait for a new guest to run, get an address and accept the port.
    pub settle_seconds: u64,
}

/// `[project.validate]` as written, before the defaults are filled in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateConfigKeys {
    #[serde(default)]
    resources: Vec<ResourcePattern>,
    #[serde(default)]
    guests_output: Option<String>,
    #[serde(default = "default_port")]
    port: u16,
    #[serde(default = "default_settle_seconds")]
    settle_seconds: u64,
}

impl From<ValidateConfigKeys> for ValidateConfig {
    fn from(keys: ValidateConfigKeys) -> Self {
        Self {
            resources: keys.resources,
            guests_output_required: keys.guests_output.is_some(),
            guests_output: keys
                .guests_output
                .unwrap_or_else(|| DEFAULT_GUESTS_OUTPUT.to_string()),
            port: keys.port,
            settle_seconds: keys.settle_seconds,
        }
    }
}

/// The guests output a project reads when `guests_output` is not set.
pub const DEFAULT_GUESTS_OUTPUT: &str = "guests";

impl ValidateConfig {
    /// The name of the guests output: the configured one, else `guests`.
    pub fn guests_output_name(&self) -> &str {
        &self.guests_output
    }

    /// The guests output's name when the configuration sets it explicitly (then the root module must declare it).
    pub fn explicit_guests_output(&self) -> Option<&str> {
        self.guests_output_required
            .then_some(self.guests_output.as_str())
    }
}

impl Default for ValidateConfig {
    fn default() -> Self {
        Self {
            resources: Vec::new(),
            guests_output: DEFAULT_GUESTS_OUTPUT.to_string(),
            guests_output_required: false,
            port: default_port(),
            settle_seconds: default_settle_seconds(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourcePattern {
    #[serde(deserialize_with = "regex")]
    pub pattern: String,
    pub count: u32,
}

/// A parsed configuration and where it came from: project directories resolve against `base_dir`.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub base_dir: PathBuf,
    pub config: Config,
}

impl LoadedConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let base_dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Self::parse(&text, path, base_dir)
    }

    /// Parses configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path, base_dir: PathBuf) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|error| ConfigError::Parse {
            path: path.to_path_buf(),
            message: error.to_string(),
        })?;
        check_projects(&config.projects).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            base_dir,
            config,
        })
    }

    pub fn project(&self, name: &str) -> Option<&ProjectConfig> {
        self.config
            .projects
            .iter()
            .find(|project| project.name == name)
    }

    /// The project's root module directory, resolved against the configuration file's folder.
    pub fn project_dir(&self, project: &ProjectConfig) -> PathBuf {
        self.base_dir.join(&project.dir)
    }

    pub fn project_names(&self) -> Vec<&str> {
        self.config
            .projects
            .iter()
            .map(|project| project.name.as_str())
            .collect()
    }
}

fn check_projects(projects: &[ProjectConfig]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for project in projects {
        let valid_name = !project.name.is_empty()
            && project
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_name {
            return Err(format!(
                "project name `{}` may only contain letters, digits, `-`, `_` and `.`",
                project.name
            ));
        }
        if !seen.insert(project.name.as_str()) {
            return Err(format!("project `{}` is declared twice", project.name));
        }
    }
    Ok(())
}

fn default_terraform() -> String {
    "terraform".to_string()
}
fn default_max_retries() -> u32 {
    3
}
fn default_parallelism() -> u32 {
    10
}
fn default_lock_timeout() -> String {
    "5m".to_string()
}
fn default_concurrency() -> u32 {
    2
}
fn default_llm_spec() -> String {
    "catalog".to_string()
}
fn default_llm_timeout() -> u64 {
    60
}
fn default_proxmox_timeout() -> u64 {
    10
}
fn default_budget() -> f64 {
    0.05
}
fn default_true() -> bool {
    true
}
fn default_token_budget() -> u32 {
    6000
}
fn default_unpriced_tokens_per_incident() -> u64 {
    crate::diagnosis::llm::DEFAULT_UNPRICED_TOKENS_PER_INCIDENT
}
fn default_node() -> String {
    "pmx-01".to_string()
}
fn default_port() -> u16 {
    22
}
/// Long enough for a new container or VM to boot, get its DHCP lease and start sshd.
fn default_settle_seconds() -> u64 {
    180
}

impl fmt::Display for ProjectConfig {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} ({})", self.name, self.dir.display())
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
