//! How every Terraform command of a runner is started, and the few words shared by the runner and its phases.
//!
//! [`Invocation`] holds what each command needs whatever its verb: the binary, the extra environment, the
//! cancellation it obeys and the observer of its UI events; [`Invocation::command`] builds the process with
//! agentlab's environment less what Terraform must not see. [`PlanExit`] reads the plan's `-detailed-exitcode`
//! status, and [`agent_error`] makes the Terraform agent's own faults. `runner` and `phases` both import this file
//! and it imports neither, so the arrows between them run one way: runner → phases → invocation.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc::UnboundedSender;

use super::process::Cancellation;
use super::ui::UiEvent;
use crate::planner::agents::AgentError;

/// Environment variable naming the Terraform binary; it wins over the configuration.
pub const TERRAFORM_BINARY_ENV: &str = "AGENTLAB_TERRAFORM";

/// Variables of agentlab's environment that Terraform never needs and must not see: the code a plan runs (a pull
/// request's data sources, a provider it names) could read them. The Proxmox VE and MinIO credentials stay, since
/// the provider and the state backend read them from the environment.
pub const WITHHELD_FROM_TERRAFORM: &[&str] = &[
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    // The review key stamps reviewed plans: the Terraform code a pull request's plan runs must never hold it.
    "AGENTLAB_REVIEW_KEY",
];

/// What the plan's `-detailed-exitcode` status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanExit {
    NoChanges,
    Changes,
    Failed,
}

impl PlanExit {
    /// 0: no changes, 2: changes (also output-only changes), anything else (1, or killed): an error.
    pub fn from_exit_code(exit_code: Option<i32>) -> Self {
        match exit_code {
            Some(0) => Self::NoChanges,
            Some(2) => Self::Changes,
            _ => Self::Failed,
        }
    }
}

/// What every Terraform command of one runner is started with.
#[derive(Debug, Clone)]
pub(super) struct Invocation {
    pub(super) binary: PathBuf,
    pub(super) cancellation: Cancellation,
    pub(super) events: Option<UnboundedSender<UiEvent>>,
    pub(super) environment: Vec<(String, String)>,
    /// Authenticates reviewed plans (the reviewed-plan gate); `None` when the runner holds no key.
    pub(super) review_key: Option<super::review::ReviewKey>,
}

impl Invocation {
    pub(super) fn new(binary: PathBuf, cancellation: Cancellation) -> Self {
        Self {
            binary,
            cancellation,
            events: None,
            environment: Vec::new(),
            review_key: None,
        }
    }

    /// A Terraform command in `dir` with agentlab's environment, less [`WITHHELD_FROM_TERRAFORM`], plus the
    /// automation settings and the runner's own variables.
    pub(super) fn command(&self, dir: &Path) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.binary);
        command.current_dir(dir);
        for name in WITHHELD_FROM_TERRAFORM {
            command.env_remove(name);
        }
        command
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .envs(self.environment.iter().map(|(name, value)| (name, value)));
        command
    }

    /// The fault of a binary that cannot be started, saying where to install or point it.
    pub(super) fn cannot_start(&self, error: impl std::fmt::Display) -> AgentError {
        agent_error(format!(
            "cannot run `{}` ({error}); install Terraform (scripts/install-terraform) or point {TERRAFORM_BINARY_ENV} \
             or `terraform` in agentlab.toml at the binary",
            self.binary.display()
        ))
    }
}

/// A fault of the Terraform agent's own: it could not run Terraform at all.
pub(super) fn agent_error(message: String) -> AgentError {
    AgentError {
        agent: "terraform",
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detailed_exit_codes_are_interpreted() {
        assert_eq!(PlanExit::from_exit_code(Some(0)), PlanExit::NoChanges);
        assert_eq!(PlanExit::from_exit_code(Some(2)), PlanExit::Changes);
        assert_eq!(PlanExit::from_exit_code(Some(1)), PlanExit::Failed);
        assert_eq!(PlanExit::from_exit_code(Some(3)), PlanExit::Failed);
        assert_eq!(PlanExit::from_exit_code(None), PlanExit::Failed);
    }
}
