//! The Terraform agent: runs `init`, `plan` and (in apply mode) `apply` for one [`TerraformRequest`] with the real
//! `terraform` or `tofu` binary, and answers a [`TerraformResult`].
//!
//! Commands, in order: `init -input=false [-upgrade] [-backend-config=...]`; `plan -json -out=PLANFILE
//! -detailed-exitcode` with `-parallelism`, `-lock-timeout` and `-replace`; `show -json PLANFILE`; in apply mode
//! `apply -json PLANFILE`, then `show -json` (the state) and `output -json`. All with `-no-color` and
//! `TF_IN_AUTOMATION=1`. The plan's exit status says 0 no changes, 2 changes, anything else an error — "changes"
//! is success. A failed command is data (`ok: false` with Terraform's diagnostics); `Err` means agentlab could not
//! run Terraform at all. Variables go in as `TF_VAR_*` environment variables, so their values never appear in a
//! process listing, and every text kept (diagnostics, log tail) passes through the redactor.

use std::path::{Path, PathBuf};
use std::time::Instant;

use async_trait::async_trait;
use tokio::process::Command;
use tokio::sync::mpsc::UnboundedSender;

use super::human::{LogTail, diagnostics_from_human_output};
use super::plan::{parse_outputs_json, parse_plan_json, parse_state_json};
use super::process::{Cancellation, OutputStream, ProcessEnd, run_streaming};
use super::ui::{UiEvent, UiEventKind, parse_ui_line};
use crate::contracts::{
    Diagnostic, Severity, TerraformMode, TerraformPhase, TerraformRequest, TerraformResult,
};
use crate::planner::run::{AgentError, TerraformAgent};
use crate::redact::Redactor;

/// Environment variable naming the Terraform binary; it wins over the configuration.
pub const TERRAFORM_BINARY_ENV: &str = "AGENTLAB_TERRAFORM";

/// Lines of Terraform output a result keeps.
const LOG_TAIL_LINES: usize = 60;

/// Bytes of one command's stderr kept for reading its error blocks.
const MAX_STDERR_BYTES: usize = 64 * 1024;

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

/// The binary to run: `AGENTLAB_TERRAFORM` when set, else the configured one, else `terraform`.
pub fn terraform_binary(configured: Option<&str>) -> PathBuf {
    std::env::var_os(TERRAFORM_BINARY_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            configured
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from("terraform"))
}

/// Runs Terraform for the Planner. One runner serves every project of a run.
#[derive(Debug, Clone)]
pub struct TerraformRunner {
    binary: PathBuf,
    redactor: Redactor,
    cancellation: Cancellation,
    events: Option<UnboundedSender<UiEvent>>,
    environment: Vec<(String, String)>,
}

impl TerraformRunner {
    pub fn new(binary: impl Into<PathBuf>, redactor: Redactor, cancellation: Cancellation) -> Self {
        Self {
            binary: binary.into(),
            redactor,
            cancellation,
            events: None,
            environment: Vec::new(),
        }
    }

    /// Sets an environment variable for every Terraform command (for example `TF_CLI_CONFIG_FILE`), on top of
    /// agentlab's own environment.
    pub fn with_environment(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.environment.push((name.into(), value.into()));
        self
    }

    /// Sends every UI event of `plan` and `apply` to `events` as it arrives (live logs, progress, tests).
    pub fn with_event_observer(mut self, events: UnboundedSender<UiEvent>) -> Self {
        self.events = Some(events);
        self
    }

    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// Runs the request to the end and reports what happened.
    pub async fn run_request(
        &self,
        request: &TerraformRequest,
    ) -> Result<TerraformResult, AgentError> {
        let started = Instant::now();
        let mut redactor = self.redactor.clone();
        request
            .vars
            .values()
            .for_each(|value| redactor.add_secret(value));
        let mut run = RequestRun {
            runner: self,
            request,
            redactor,
            result: TerraformResult {
                ok: false,
                phase: TerraformPhase::Init,
                exit_code: None,
                cancelled: false,
                changes: Default::default(),
                resource_changes: Vec::new(),
                resource_addresses: Vec::new(),
                diagnostics: Vec::new(),
                outputs: Default::default(),
                log_tail: Vec::new(),
                duration_ms: 0,
            },
            tail: LogTail::new(LOG_TAIL_LINES),
        };
        let (plan_file, owned_plan_dir) = plan_file_for(request)?;
        let outcome = run.all_phases(&plan_file).await;
        if let Some(dir) = owned_plan_dir {
            // The plan file holds every value in clear, sensitive ones included: never leave it behind.
            let _ = std::fs::remove_dir_all(dir);
        }
        outcome?;
        let mut result = run.result;
        result.log_tail = run
            .tail
            .into_lines()
            .iter()
            .map(|line| run.redactor.redact(line))
            .collect();
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

fn agent_error(message: String) -> AgentError {
    AgentError {
        agent: "terraform",
        message,
    }
}

/// The state of one request while its commands run.
struct RequestRun<'a> {
    runner: &'a TerraformRunner,
    request: &'a TerraformRequest,
    redactor: Redactor,
    result: TerraformResult,
    tail: LogTail,
}

/// What one command printed that the result needs.
#[derive(Default)]
struct CommandOutput {
    stdout_document: String,
    stderr: String,
    diagnostics: Vec<Diagnostic>,
    unreadable_lines: Vec<String>,
}

impl RequestRun<'_> {
    async fn all_phases(&mut self, plan_file: &Path) -> Result<(), AgentError> {
        let request = self.request;
        let mut init = vec![
            "init".to_owned(),
            "-input=false".to_owned(),
            "-no-color".to_owned(),
        ];
        if request.reinit_upgrade {
            init.push("-upgrade".to_owned());
        }
        init.extend(
            request
                .backend_config
                .iter()
                .map(|setting| format!("-backend-config={setting}")),
        );
        if !self.text_command(TerraformPhase::Init, &init).await? {
            return Ok(());
        }

        let mut plan = vec![
            "plan".to_owned(),
            "-input=false".to_owned(),
            "-no-color".to_owned(),
            "-json".to_owned(),
            "-detailed-exitcode".to_owned(),
            format!("-out={}", plan_file.display()),
            format!("-parallelism={}", request.parallelism.max(1)),
            format!("-lock-timeout={}", request.lock_timeout),
        ];
        plan.extend(
            request
                .replace
                .iter()
                .map(|address| format!("-replace={address}")),
        );
        let (end, _) = self
            .json_stream_command(TerraformPhase::Plan, &plan)
            .await?;
        let plan_exit = PlanExit::from_exit_code(end.exit_code);
        if end.cancelled || plan_exit == PlanExit::Failed {
            self.finish(&end, false);
            return Ok(());
        }
        if !self.read_plan(plan_file).await? {
            return Ok(());
        }
        if request.mode == TerraformMode::Plan {
            self.finish(&end, true);
            return Ok(());
        }

        let apply = vec![
            "apply".to_owned(),
            "-input=false".to_owned(),
            "-no-color".to_owned(),
            "-json".to_owned(),
            format!("-parallelism={}", request.parallelism.max(1)),
            format!("-lock-timeout={}", request.lock_timeout),
            plan_file.display().to_string(),
        ];
        let (end, _) = self
            .json_stream_command(TerraformPhase::Apply, &apply)
            .await?;
        if end.cancelled || end.exit_code != Some(0) {
            self.finish(&end, false);
            return Ok(());
        }
        self.read_state_and_outputs(&end).await
    }

    /// Records how the last command ended.
    fn finish(&mut self, end: &ProcessEnd, ok: bool) {
        self.result.exit_code = end.exit_code;
        self.result.cancelled = end.cancelled;
        self.result.ok = ok && !end.cancelled;
    }

    /// Runs a command whose output is text for humans (`init`). Returns whether it succeeded.
    async fn text_command(
        &mut self,
        phase: TerraformPhase,
        args: &[String],
    ) -> Result<bool, AgentError> {
        self.result.phase = phase;
        let (end, output) = self.command(args, false).await?;
        let failed = end.cancelled || end.exit_code != Some(0);
        let diagnostics = diagnostics_from_human_output(&output.stderr, failed);
        self.add_diagnostics(diagnostics);
        if failed {
            self.finish(&end, false);
        }
        Ok(!failed)
    }

    /// Runs `plan -json` or `apply -json`, reading its UI stream.
    async fn json_stream_command(
        &mut self,
        phase: TerraformPhase,
        args: &[String],
    ) -> Result<(ProcessEnd, CommandOutput), AgentError> {
        self.result.phase = phase;
        let (end, mut output) = self.command(args, true).await?;
        let failed = end.cancelled || !matches!(end.exit_code, Some(0) | Some(2));
        let stream_diagnostics = std::mem::take(&mut output.diagnostics);
        let stream_has_error = stream_diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error);
        self.add_diagnostics(stream_diagnostics);
        // Errors Terraform could not print as JSON (bad flags, a crash) are only on stderr.
        if failed && !stream_has_error {
            let from_stderr = diagnostics_from_human_output(&output.stderr, !end.cancelled);
            self.add_diagnostics(from_stderr);
        }
        let severity = if failed {
            Severity::Error
        } else {
            Severity::Warning
        };
        let unreadable: Vec<Diagnostic> = output
            .unreadable_lines
            .drain(..)
            .map(|error| Diagnostic {
                severity,
                summary: "agentlab could not read a line of Terraform's JSON output".to_owned(),
                detail: error,
                address: None,
            })
            .collect();
        self.add_diagnostics(unreadable);
        Ok((end, output))
    }

    /// Runs `show -json PLANFILE` and keeps the changes. Returns whether the plan could be read.
    async fn read_plan(&mut self, plan_file: &Path) -> Result<bool, AgentError> {
        let args = [
            "show".to_owned(),
            "-json".to_owned(),
            "-no-color".to_owned(),
            plan_file.display().to_string(),
        ];
        let Some(document) = self.document_command(&args).await? else {
            return Ok(false);
        };
        match parse_plan_json(&document) {
            Ok(plan) => {
                self.result.changes = plan.counts;
                self.result.resource_changes = plan
                    .resource_changes
                    .into_iter()
                    .map(|mut change| {
                        change.before =
                            change.before.map(|value| self.redactor.redact_json(&value));
                        change.after = change.after.map(|value| self.redactor.redact_json(&value));
                        change
                    })
                    .collect();
                self.result.resource_addresses = plan.planned_addresses;
                self.result.outputs = self.redacted_outputs(plan.planned_outputs);
                Ok(true)
            }
            Err(error) => {
                self.document_error(error.to_string());
                Ok(false)
            }
        }
    }

    /// After a successful apply: the addresses in the state and the outputs.
    async fn read_state_and_outputs(&mut self, apply_end: &ProcessEnd) -> Result<(), AgentError> {
        self.finish(apply_end, true);
        let show = [
            "show".to_owned(),
            "-json".to_owned(),
            "-no-color".to_owned(),
        ];
        let Some(state) = self.document_command(&show).await? else {
            return Ok(());
        };
        match parse_state_json(&state) {
            Ok(state) => self.result.resource_addresses = state.resource_addresses,
            Err(error) => {
                self.document_error(error.to_string());
                return Ok(());
            }
        }
        let output = [
            "output".to_owned(),
            "-json".to_owned(),
            "-no-color".to_owned(),
        ];
        let Some(outputs) = self.document_command(&output).await? else {
            return Ok(());
        };
        match parse_outputs_json(&outputs) {
            Ok(outputs) => self.result.outputs = self.redacted_outputs(outputs),
            Err(error) => self.document_error(error.to_string()),
        }
        Ok(())
    }

    /// Runs a command that prints one JSON document. `None` when it failed (the result says why).
    async fn document_command(&mut self, args: &[String]) -> Result<Option<String>, AgentError> {
        let (end, output) = self.command(args, false).await?;
        if end.cancelled || end.exit_code != Some(0) {
            let diagnostics = diagnostics_from_human_output(&output.stderr, !end.cancelled);
            self.add_diagnostics(diagnostics);
            self.finish(&end, false);
            return Ok(None);
        }
        Ok(Some(output.stdout_document))
    }

    fn document_error(&mut self, message: String) {
        self.add_diagnostics(vec![Diagnostic {
            severity: Severity::Error,
            summary: "agentlab could not read Terraform's JSON".to_owned(),
            detail: message,
            address: None,
        }]);
        self.result.ok = false;
    }

    fn redacted_outputs(
        &self,
        outputs: std::collections::BTreeMap<String, serde_json::Value>,
    ) -> std::collections::BTreeMap<String, serde_json::Value> {
        outputs
            .into_iter()
            .map(|(name, value)| (name, self.redactor.redact_json(&value)))
            .collect()
    }

    fn add_diagnostics(&mut self, diagnostics: Vec<Diagnostic>) {
        for diagnostic in diagnostics {
            let diagnostic = Diagnostic {
                severity: diagnostic.severity,
                summary: self.redactor.redact(&diagnostic.summary),
                detail: self.redactor.redact(&diagnostic.detail),
                address: diagnostic.address,
            };
            if !self.result.diagnostics.contains(&diagnostic) {
                self.result.diagnostics.push(diagnostic);
            }
        }
    }

    /// Runs one Terraform command in the project directory. With `ui_stream`, stdout is read as the
    /// machine-readable UI; without, it is one document kept whole (`show -json`, `output -json`) or, for `init`,
    /// text that goes to the log tail.
    async fn command(
        &mut self,
        args: &[String],
        ui_stream: bool,
    ) -> Result<(ProcessEnd, CommandOutput), AgentError> {
        let runner = self.runner;
        let request = self.request;
        let mut command = Command::new(&runner.binary);
        command
            .args(args)
            .current_dir(&request.dir)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .envs(runner.environment.iter().map(|(name, value)| (name, value)));
        for (name, value) in &request.vars {
            command.env(format!("TF_VAR_{name}"), value);
        }
        let keeps_document = !ui_stream
            && args
                .first()
                .is_some_and(|verb| verb == "show" || verb == "output");
        tracing::debug!(binary = %runner.binary.display(), ?args, dir = %request.dir.display(), "running terraform");

        let mut output = CommandOutput::default();
        let tail = &mut self.tail;
        let mut line_number = 0usize;
        let events = runner.events.as_ref();
        let end = run_streaming(command, &runner.cancellation, |stream, line| match stream {
            OutputStream::Stderr => {
                if output.stderr.len() < MAX_STDERR_BYTES {
                    output.stderr.push_str(&line);
                    output.stderr.push('\n');
                }
                tail.push(&line);
            }
            OutputStream::Stdout if keeps_document => {
                output.stdout_document.push_str(&line);
                output.stdout_document.push('\n');
            }
            OutputStream::Stdout if ui_stream => {
                line_number += 1;
                match parse_ui_line(line_number, &line) {
                    Ok(Some(event)) => {
                        tail.push(&event.message);
                        if let UiEventKind::Diagnostic(diagnostic) = &event.kind {
                            output.diagnostics.push(Diagnostic {
                                severity: if diagnostic.severity == "warning" {
                                    Severity::Warning
                                } else {
                                    Severity::Error
                                },
                                summary: diagnostic.summary.clone(),
                                detail: diagnostic.detail.clone(),
                                address: diagnostic.address.clone(),
                            });
                        }
                        if let Some(events) = events {
                            let _ = events.send(event);
                        }
                    }
                    Ok(None) => {}
                    Err(error) => {
                        tail.push(&line);
                        output.unreadable_lines.push(error.to_string());
                    }
                }
            }
            OutputStream::Stdout => tail.push(&line),
        })
        .await
        .map_err(|error| {
            agent_error(format!(
                "cannot run `{}` ({error}); install Terraform (scripts/install-terraform) or point {TERRAFORM_BINARY_ENV} \
                 or `terraform` in agentlab.toml at the binary",
                runner.binary.display()
            ))
        })?;
        if end.cancelled {
            self.tail.push(if end.killed {
                "agentlab: terraform was killed after a second cancellation request"
            } else {
                "agentlab: terraform was interrupted (SIGINT) because agentlab was asked to stop"
            });
        }
        Ok((end, output))
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
