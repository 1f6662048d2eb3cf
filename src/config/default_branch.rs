//! A pull request is planned with two configurations: its own `agentlab.toml`, whose projects, globs and
//! expectations are part of the change under review, and the default branch's, which alone decides the settings
//! that could leak or redirect a secret: `[llm]` (which model, which base URL the API key is sent to, what it may
//! spend), `[redact]` (what is hidden), `[proxmox]` (where the Validator sends the Proxmox VE token) and
//! `[defaults] terraform` (the binary that runs with every credential). Without this split the very first pull
//! request (no configuration on the default branch yet) could not be planned, and a pull request that adds a
//! project or changes an expected count was checked against the old file.
//!
//! A pull request can add `[redact]` entries of its own (they can only hide more); it cannot remove one.

use std::path::Path;

use crate::config::{ConfigError, LlmConfig, LoadedConfig, ProxmoxConfig, RedactConfig};

/// Where the secret-sensitive sections of this run come from.
#[derive(Debug, Clone)]
pub enum DefaultBranchConfig {
    /// Not a pull request: the configuration is used whole.
    NotApplicable,
    /// The default branch's `agentlab.toml`, already parsed and checked.
    Sections(Box<TrustedSections>),
    /// The default branch has no `agentlab.toml` yet: the sections keep their defaults, and the diagnosis is the
    /// offline known-failure catalogue.
    Absent,
}

/// The sections a pull request may not change, as the default branch has them.
#[derive(Debug, Clone)]
pub struct TrustedSections {
    pub llm: LlmConfig,
    pub redact: RedactConfig,
    pub proxmox: ProxmoxConfig,
    pub terraform: String,
}

impl TrustedSections {
    /// Reads the default branch's copy. It is checked as strictly as any configuration: a broken file on the
    /// default branch is a configuration error, not a reason to trust the pull request's.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let loaded = LoadedConfig::load(path)?;
        let config = loaded.config;
        Ok(Self {
            llm: config.llm,
            redact: config.redact,
            proxmox: config.proxmox,
            terraform: config.defaults.terraform,
        })
    }

    /// The defaults, as a default branch without `agentlab.toml` implies them.
    pub fn defaults() -> Self {
        let config = crate::config::Config::default();
        Self {
            llm: config.llm,
            redact: config.redact,
            proxmox: config.proxmox,
            terraform: config.defaults.terraform,
        }
    }
}

impl DefaultBranchConfig {
    /// The line a pull request's comment carries when its plan did not use a default branch configuration.
    pub fn note(&self) -> Option<&'static str> {
        match self {
            Self::Absent => Some(ABSENT_NOTE),
            Self::NotApplicable | Self::Sections(_) => None,
        }
    }
}

/// Said once in the plan comment of a pull request planned before the default branch had an `agentlab.toml`.
pub const ABSENT_NOTE: &str = "The default branch has no `agentlab.toml` yet: planned with this pull request's \
projects, the offline known-failure catalogue and the default `[llm]`, `[redact]`, `[proxmox]` and Terraform \
settings; the pull request's own values for those apply once it is merged.";

impl LoadedConfig {
    /// This configuration with the secret-sensitive sections taken from the default branch: the pull request's
    /// projects, globs, expectations, retries and policy stay; `[llm]`, `[proxmox]` and `[defaults] terraform`
    /// are the default branch's; `[redact]` is the default branch's plus what the pull request adds.
    pub fn with_default_branch_sections(mut self, default_branch: &DefaultBranchConfig) -> Self {
        let trusted = match default_branch {
            DefaultBranchConfig::NotApplicable => return self,
            DefaultBranchConfig::Sections(sections) => sections.as_ref().clone(),
            DefaultBranchConfig::Absent => TrustedSections::defaults(),
        };
        let config = &mut self.config;
        let mut redact = trusted.redact;
        for pattern in std::mem::take(&mut config.redact.patterns) {
            if !redact.patterns.contains(&pattern) {
                redact.patterns.push(pattern);
            }
        }
        for name in std::mem::take(&mut config.redact.env) {
            if !redact.env.contains(&name) {
                redact.env.push(name);
            }
        }
        config.redact = redact;
        config.llm = trusted.llm;
        config.proxmox = trusted.proxmox;
        config.defaults.terraform = trusted.terraform;
        self
    }
}
