//! Eval scenarios as data: which sandbox project runs, against which Proxmox VE world, with which fault, and the
//! ground truth a diagnosis is scored against. One TOML file per scenario, under `eval/scenarios/`; the fixed set
//! is built into the binary so `agentlab demo` and `agentlab eval` work from any folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::contracts::{Category, GuestKind, ResourceExpectation, RunMode};

/// The scenarios shipped with agentlab: (file name, TOML text).
pub const BUILT_IN_SCENARIOS: &[(&str, &str)] = &[
    (
        "happy-single-lxc.toml",
        include_str!("../../eval/scenarios/happy-single-lxc.toml"),
    ),
    (
        "happy-fleet-of-five.toml",
        include_str!("../../eval/scenarios/happy-fleet-of-five.toml"),
    ),
    (
        "provider-incompatibility.toml",
        include_str!("../../eval/scenarios/provider-incompatibility.toml"),
    ),
    (
        "validator-pattern-mismatch.toml",
        include_str!("../../eval/scenarios/validator-pattern-mismatch.toml"),
    ),
    (
        "parallel-lock-timeout.toml",
        include_str!("../../eval/scenarios/parallel-lock-timeout.toml"),
    ),
    (
        "state-backend-offline.toml",
        include_str!("../../eval/scenarios/state-backend-offline.toml"),
    ),
    (
        "vmid-conflict.toml",
        include_str!("../../eval/scenarios/vmid-conflict.toml"),
    ),
    (
        "guest-unreachable.toml",
        include_str!("../../eval/scenarios/guest-unreachable.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenarios from {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("scenario {file}: {message}")]
    Invalid { file: String, message: String },
}

/// Happy paths must make no LLM call at all; failures are where diagnosis is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioKind {
    Happy,
    Failure,
}

/// How a scenario's run must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedOutcome {
    /// Success on the first attempt.
    Success,
    /// Success after at least one diagnosed retry.
    Recovered,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub kind: ScenarioKind,
    pub description: String,
    /// The sandbox project (a folder name among the bundled sandbox projects).
    pub project: String,
    #[serde(default = "default_mode")]
    pub mode: RunMode,
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    #[serde(default = "default_parallelism")]
    pub parallelism: u32,
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    #[serde(default)]
    pub validate: ScenarioValidation,
    #[serde(default)]
    pub world: World,
    pub expect: Expectation,
}

fn default_mode() -> RunMode {
    RunMode::Deploy
}
fn default_parallelism() -> u32 {
    10
}
fn default_max_retries() -> u32 {
    2
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioValidation {
    #[serde(default)]
    pub resources: Vec<ResourceExpectation>,
    /// Whether something listens on the guests' port (false: the `reachable` check fails).
    #[serde(default = "default_true")]
    pub listening: bool,
}

impl Default for ScenarioValidation {
    fn default() -> Self {
        Self {
            resources: Vec::new(),
            listening: true,
        }
    }
}

fn default_true() -> bool {
    true
}

/// The Proxmox VE node as the scenario's guests find it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    #[serde(default)]
    pub guests: Vec<WorldGuest>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldGuest {
    pub vmid: u32,
    pub kind: GuestKind,
    #[serde(default = "default_status")]
    pub status: String,
    #[serde(default)]
    pub ipv4: Option<String>,
    /// For QEMU guests: whether the guest agent answers.
    #[serde(default = "default_true")]
    pub agent: bool,
}

fn default_status() -> String {
    "running".to_string()
}

/// The ground truth.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub outcome: ExpectedOutcome,
    #[serde(default)]
    pub category: Option<Category>,
    /// Words a correct root cause mentions (case-insensitive; `a|b` accepts either).
    #[serde(default)]
    pub root_cause_terms: Vec<String>,
    /// The remediation's `action` a correct diagnosis proposes.
    #[serde(default)]
    pub remediation: Option<String>,
    pub max_llm_calls: u32,
}

impl Scenario {
    /// Parses one scenario and checks what serde cannot: happy paths expect success and no LLM call, failures name
    /// the category they are about.
    pub fn parse(file: &str, text: &str) -> Result<Self, ScenarioError> {
        let invalid = |message: String| ScenarioError::Invalid {
            file: file.to_string(),
            message,
        };
        let scenario: Scenario =
            toml::from_str(text).map_err(|error| invalid(error.to_string()))?;
        match scenario.kind {
            ScenarioKind::Happy if scenario.expect.outcome != ExpectedOutcome::Success => {
                return Err(invalid(
                    "a happy path must expect outcome = \"success\"".into(),
                ));
            }
            ScenarioKind::Happy if scenario.expect.max_llm_calls != 0 => {
                return Err(invalid("a happy path must expect max_llm_calls = 0".into()));
            }
            ScenarioKind::Failure if scenario.expect.category.is_none() => {
                return Err(invalid(
                    "a failure scenario must name the expected category".into(),
                ));
            }
            _ => {}
        }
        Ok(scenario)
    }

    /// The built-in scenarios, in their fixed order.
    pub fn built_in() -> Result<Vec<Self>, ScenarioError> {
        BUILT_IN_SCENARIOS
            .iter()
            .map(|(file, text)| Self::parse(file, text))
            .collect()
    }

    /// Every `*.toml` in a folder, sorted by file name.
    pub fn load_dir(dir: &Path) -> Result<Vec<Self>, ScenarioError> {
        let read_error = |source| ScenarioError::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_error)?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "toml")
            })
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
                    path: path.clone(),
                    source,
                })?;
                Self::parse(&path.display().to_string(), &text)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_scenarios_parse_and_cover_the_fixed_set() {
        let scenarios = Scenario::built_in().unwrap();
        let happy = scenarios
            .iter()
            .filter(|s| s.kind == ScenarioKind::Happy)
            .count();
        let failures = scenarios
            .iter()
            .filter(|s| s.kind == ScenarioKind::Failure)
            .count();
        assert!(
            happy >= 2 && failures >= 4,
            "{happy} happy, {failures} failures"
        );
        let categories: Vec<Category> =
            scenarios.iter().filter_map(|s| s.expect.category).collect();
        for needed in [
            Category::ProviderIncompatibility,
            Category::ValidationMismatch,
            Category::TransientLock,
            Category::StateBackend,
        ] {
            assert!(categories.contains(&needed), "no scenario for {needed:?}");
        }
        let mut names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), scenarios.len(), "scenario names are unique");
    }

    #[test]
    fn inconsistent_ground_truth_is_refused() {
        let happy_with_calls = r#"
name = "x"
kind = "happy"
description = "d"
project = "sandbox-ok"
[expect]
outcome = "success"
max_llm_calls = 1
"#;
        let error = Scenario::parse("x.toml", happy_with_calls)
            .unwrap_err()
            .to_string();
        assert!(error.contains("max_llm_calls = 0"), "{error}");
        let typo =
            happy_with_calls.replace("max_llm_calls = 1", "max_llm_calls = 0\nmax_calls = 1");
        assert!(
            Scenario::parse("x.toml", &typo)
                .unwrap_err()
                .to_string()
                .contains("max_calls")
        );
    }
}
