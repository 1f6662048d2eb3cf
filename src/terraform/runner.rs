//! The Terraform agent: runs `init`, `plan` and (in apply mode) `apply` for one [`TerraformRequest`] with the real
//! `terraform` or `tofu` binary, and answers a [`TerraformResult`].
//!
//! Commands, in order: `init -input=false [-upgrade] [-backend-config=...]`; `plan -json -out=PLANFILE
//! -detailed-exitcode` with `-parallelism`, `-lock-timeout` and `-replace`; `show -json PLANFILE`; in apply mode
//! `apply -json PLANFILE`, then `show -json` of the state only when the saved plan and the apply's stream cannot
//! tell what exists (`applied_facts`). All with `-no-color` and
//! `TF_IN_AUTOMATION=1`. The plan's exit status says 0 no changes, 2 changes, anything else an error — "changes"
//! is success. A failed command is data (`ok: false` with Terraform's diagnostics); `Err` means agentlab could not
//! run Terraform at all. Variables go in as `TF_VAR_*` environment variables, so their values never appear in a
//! process listing, and every text kept (diagnostics, log tail, values) passes through the shared redactor, which
//! also learns the values Terraform marks sensitive in plans, states and outputs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use async_trait::async_trait;
use tokio::sync::mpsc::UnboundedSender;

use super::invocation::{Invocation, agent_error};
use super::phases::RequestRun;
use super::process::Cancellation;
use super::ui::UiEvent;
use crate::contracts::{TerraformRequest, TerraformResult};
use crate::planner::agents::{AgentError, TerraformAgent};
use crate::redact::SharedRedactor;

/// Lines of Terraform output a result keeps.
const LOG_TAIL_LINES: usize = 60;

/// The binary to run: `AGENTLAB_TERRAFORM` (`from_environment`, passed in by the command layer) when set, else
/// the configured one, else `terraform`.
pub fn choose_terraform_binary(
    from_environment: Option<&str>,
    configured: Option<&str>,
) -> PathBuf {
    from_environment
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            configured
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from("terraform"))
}

/// Runs Terraform for the Planner. One runner serves every project of a run.
#[derive(Debug, Clone)]
pub struct TerraformRunner {
    pub(super) invocation: Invocation,
    redactor: SharedRedactor,
}

impl TerraformRunner {
    pub fn new(
        binary: impl Into<PathBuf>,
        redactor: SharedRedactor,
        cancellation: Cancellation,
    ) -> Self {
        Self {
            invocation: Invocation::new(binary.into(), cancellation),
            redactor,
        }
    }

    /// Sets an environment variable for every Terraform command (for example `TF_CLI_CONFIG_FILE`), on top of
    /// agentlab's own environment.
    pub fn with_environment(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.invocation
            .environment
            .push((name.into(), value.into()));
        self
    }

    /// Sends every UI event of `plan` and `apply` to `events` as it arrives (live logs, progress, tests). The
    /// events are as Terraform printed them, sensitive outputs masked but nothing else redacted: pass their text
    /// through the redactor before it leaves the process.
    pub fn with_event_observer(mut self, events: UnboundedSender<UiEvent>) -> Self {
        self.invocation.events = Some(events);
        self
    }

    /// The key that authenticates reviewed plans: with it the agent fingerprints every saved plan with an HMAC,
    /// and a deploy whose request carries a reviewed plan applies only that plan.
    pub fn with_review_key(mut self, key: Option<super::review::ReviewKey>) -> Self {
        self.invocation.review_key = key;
        self
    }

    pub fn binary(&self) -> &Path {
        &self.invocation.binary
    }

    /// The stop requests this runner forwards to Terraform, for the other agents that must stop with it.
    pub fn cancellation(&self) -> &Cancellation {
        &self.invocation.cancellation
    }

    /// Runs the request to the end and reports what happened.
    pub async fn run_request(
        &self,
        request: &TerraformRequest,
    ) -> Result<TerraformResult, AgentError> {
        let started = Instant::now();
        let mut run = self.request_run(request);
        let (plan_file, owned_plan_dir) = plan_file_for(request)?;
        let outcome = run.all_phases(&plan_file).await;
        if let Some(dir) = owned_plan_dir {
            // The plan file holds every value in clear, sensitive ones included: never leave it behind.
            let _ = std::fs::remove_dir_all(dir);
        }
        outcome?;
        let mut result = run.into_result();
        result.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(result)
    }
}

impl TerraformRunner {
    /// A run of `request` whose redactor knows the request's variable values (they may be secrets).
    fn request_run<'a>(&'a self, request: &'a TerraformRequest) -> RequestRun<'a> {
        let redactor = self.redactor.clone();
        request
            .vars
            .values()
            .for_each(|value| redactor.add_secret(value));
        RequestRun::new(&self.invocation, request, redactor, LOG_TAIL_LINES)
    }

    /// What is deployed now, for `agentlab validate --mode live`: `init` when the folder needs it, then `show
    /// -json` of the state. Plans nothing, applies nothing, takes no lock; a failure is data, as in a run.
    pub async fn read_state(
        &self,
        request: &TerraformRequest,
    ) -> Result<TerraformResult, AgentError> {
        let started = Instant::now();
        let mut run = self.request_run(request);
        run.read_current_state().await?;
        let mut result = run.into_result();
        result.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(result)
    }
}

#[async_trait]
impl TerraformAgent for TerraformRunner {
    async fn run(&self, request: &TerraformRequest) -> Result<TerraformResult, AgentError> {
        self.run_request(request).await
    }
}

/// Where the plan goes: the request's file, or one in a fresh temporary directory this run deletes afterwards.
fn plan_file_for(request: &TerraformRequest) -> Result<(PathBuf, Option<PathBuf>), AgentError> {
    if let Some(file) = &request.plan_file {
        let absolute = if file.is_absolute() {
            file.clone()
        } else {
            std::env::current_dir()
                .map_err(|error| {
                    agent_error(format!("cannot read the current directory: {error}"))
                })?
                .join(file)
        };
        return Ok((absolute, None));
    }
    let dir = std::env::temp_dir().join(format!("agentlab-plan-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(|error| {
        agent_error(format!(
            "cannot create a directory for the plan file at {}: {error}",
            dir.display()
        ))
    })?;
    Ok((dir.join("terraform.tfplan"), Some(dir)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_does_not_see_the_github_token_or_the_llm_keys() {
        let runner =
            TerraformRunner::new("terraform", SharedRedactor::default(), Cancellation::new())
                .with_environment("TF_CLI_CONFIG_FILE", "/x/terraformrc");
        let command = runner.invocation.command(Path::new("/project"));
        let environment: Vec<(String, Option<String>)> = command
            .as_std()
            .get_envs()
            .map(|(name, value)| {
                (
                    name.to_string_lossy().into_owned(),
                    value.map(|value| value.to_string_lossy().into_owned()),
                )
            })
            .collect();
        for withheld in ["GITHUB_TOKEN", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"] {
            assert!(
                environment.contains(&(withheld.to_string(), None)),
                "{withheld} is not removed: {environment:?}"
            );
        }
        assert!(
            environment.contains(&("TF_CLI_CONFIG_FILE".into(), Some("/x/terraformrc".into())))
        );
        assert!(
            !environment
                .iter()
                .any(|(name, _)| name.starts_with("PROXMOX_VE") || name.starts_with("AWS_")),
            "the provider's and the backend's credentials are left alone"
        );
        assert_eq!(
            command.as_std().get_current_dir(),
            Some(Path::new("/project"))
        );
    }

    #[test]
    fn the_environment_wins_over_the_configuration() {
        let chosen = |environment: Option<&str>, configured: Option<&str>| {
            choose_terraform_binary(environment, configured)
        };
        assert_eq!(
            chosen(Some("/opt/tofu"), Some("terraform")),
            PathBuf::from("/opt/tofu")
        );
        assert_eq!(chosen(None, Some("tofu")), PathBuf::from("tofu"));
        assert_eq!(chosen(Some(""), Some("tofu")), PathBuf::from("tofu"));
        assert_eq!(chosen(None, Some("  ")), PathBuf::from("terraform"));
        assert_eq!(chosen(None, None), PathBuf::from("terraform"));
    }
}
