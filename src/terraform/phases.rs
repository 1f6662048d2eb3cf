//! The phases of one Terraform request: the commands in order, what each one's output means, and how the
//! result is assembled from them.
//!
//! `init` prints text for humans (its errors become diagnostics through `human`); `plan -json` and `apply -json`
//! print the machine-readable UI, read line by line through `ui`; `show -json` (of the plan, and of the state when
//! `applied_facts` cannot tell what a successful apply left) prints one document, read through `plan`. Each command may be the last: a failure or a cancellation ends the
//! request with what is known so far, except an apply refused because its saved plan went stale, which plans once
//! more (`stale_plan`). Between the saved plan and `apply` the apply guard may refuse (`review`, `guard`); when no
//! guard reads the plan first, `show` of the saved plan runs beside `apply` instead (`apply_beside_show`).

use std::path::Path;
use std::sync::Arc;

use super::applied_facts::ApplyStreamFacts;
use super::guard::reads_the_plan_before_apply;
use super::human::{LogTail, diagnostics_from_human_output};
use super::invocation::{Invocation, PlanExit};
use super::pipe::run_reading_document;
use super::plan::{PlanSummary, read_plan_json};
use super::process::{LineLength, MAX_STREAM_LINE_BYTES, OutputStream, ProcessEnd, run_streaming};
use super::progress::{Progress, ProgressOutlet};
use super::review::{plan_identity, review_refusal};
use super::sensitive::SensitiveValues;
use super::ui::{UiEventKind, parse_ui_line, sensitive_output_values};
use crate::contracts::{
    Diagnostic, FactsSource, RunMode, Severity, TerraformPhase, TerraformRequest, TerraformResult,
};
use crate::planner::agents::AgentError;
use crate::redact::{PrivateKeyLines, SharedRedactor};

/// Bytes of one command's stderr kept for reading its error blocks.
const MAX_STDERR_BYTES: usize = 64 * 1024;

#[path = "stale_plan.rs"]
mod stale_plan;

#[path = "current_state.rs"]
mod current_state;

#[path = "apply_beside_show.rs"]
mod apply_beside_show;

/// Unreadable lines of the JSON UI stream that each become a diagnostic; the rest are counted. A binary that
/// prints megabytes of garbage must not turn every line into a diagnostic kept in memory and in the record.
const MAX_UNREADABLE_LINES: usize = 5;

/// The state of one request while its commands run.
pub(super) struct RequestRun<'a> {
    invocation: &'a Invocation,
    request: &'a TerraformRequest,
    /// Learns the sensitive values of plans and states as they are read; everything kept is redacted with all it
    /// knows when the result is handed out, so a secret learned late still hides an early log line.
    redactor: SharedRedactor,
    result: TerraformResult,
    tail: LogTail,
    /// The log and the UI event observer, held back while a saved plan read beside `apply` is not read yet.
    progress: Arc<ProgressOutlet>,
}

/// What one command printed that the result needs.
#[derive(Default)]
struct CommandOutput {
    stderr: String,
    diagnostics: Vec<Diagnostic>,
    unreadable_lines: Vec<String>,
    /// Unreadable lines past [`MAX_UNREADABLE_LINES`], only counted.
    unreadable_lines_dropped: usize,
    /// What an apply's stream said about what exists now.
    applied: ApplyStreamFacts,
}

impl<'a> RequestRun<'a> {
    pub(super) fn new(
        invocation: &'a Invocation,
        request: &'a TerraformRequest,
        redactor: SharedRedactor,
        log_tail_lines: usize,
    ) -> Self {
        Self {
            invocation,
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
                plan_identity: None,
                refusal: None,
                unknown_outputs: Vec::new(),
                facts_source: None,
            },
            tail: LogTail::new(log_tail_lines),
            progress: Arc::new(ProgressOutlet::new(
                &request.project,
                invocation.events.clone(),
            )),
        }
    }

    /// The result so far, every text and value in it redacted with everything the redactor knows by now.
    pub(super) fn into_result(self) -> TerraformResult {
        let redactor = &self.redactor;
        let mut result = self.result;
        result.log_tail = self
            .tail
            .into_lines()
            .iter()
            .map(|line| redactor.redact(line))
            .collect();
        for diagnostic in &mut result.diagnostics {
            diagnostic.summary = redactor.redact(&diagnostic.summary);
            diagnostic.detail = redactor.redact(&diagnostic.detail);
        }
        super::compact::redact_attribute_changes(
            &mut result.resource_changes,
            &redactor.snapshot(),
        );
        for value in result.outputs.values_mut() {
            *value = redactor.redact_json(value);
        }
        result
    }

    fn learn_secrets(&self, sensitive: &SensitiveValues) {
        sensitive
            .iter()
            .for_each(|value| self.redactor.add_secret_json(value));
    }

    pub(super) async fn all_phases(&mut self, plan_file: &Path) -> Result<(), AgentError> {
        let request = self.request;
        if !self
            .text_command(TerraformPhase::Init, &self.init_arguments())
            .await?
        {
            return Ok(());
        }

        if request.mode.applies() && !reads_the_plan_before_apply(&request.guard) {
            return self.apply_beside_reading_the_plan(plan_file).await;
        }
        let Some(end) = self.plan_and_read_plan(plan_file).await? else {
            return Ok(());
        };
        if !request.mode.applies() {
            self.finish(&end, true);
            return Ok(());
        }
        if self.refused_by_the_guard(&end) {
            return Ok(());
        }

        let (end, output) = self
            .json_stream_command(TerraformPhase::Apply, &self.apply_arguments(plan_file))
            .await?;
        if !end.cancelled && stale_plan::apply_failed_on_a_stale_plan(&self.result.diagnostics) {
            return self.plan_again_after_a_stale_plan(plan_file).await;
        }
        if end.cancelled || end.exit_code != Some(0) {
            self.finish(&end, false);
            return Ok(());
        }
        self.read_state_and_outputs(&end, &output.applied).await
    }

    /// The apply guard, between the saved plan and `apply`: the reviewed-plan gate (apply only the plan the pull
    /// request's reviewers saw), then the destroy guard (`guard`: a retry's plan that deletes or replaces what
    /// existed before the run, and that the reviewed plan did not, is never applied). Returns whether it
    /// refused; the result then says why.
    pub(super) fn refused_by_the_guard(&mut self, plan_end: &ProcessEnd) -> bool {
        let refusal = review_refusal(
            &self.request.guard.review,
            &self.request.project,
            self.result.plan_identity.as_ref(),
            self.invocation.review_key.as_ref(),
        )
        .or_else(|| {
            super::guard::destroys_outside_review(
                &self.request.guard,
                &self.result.resource_changes,
            )
        });
        if let Some(refusal) = &refusal {
            tracing::warn!(project = %self.request.project, details = ?refusal.details, "{}", refusal.reason);
        }
        match refusal {
            Some(refusal) => {
                self.refuse(plan_end, refusal);
                true
            }
            None => false,
        }
    }

    /// `init -input=false [-upgrade] [-backend-config=...]`.
    fn init_arguments(&self) -> Vec<String> {
        let mut init = vec![
            "init".to_owned(),
            "-input=false".to_owned(),
            "-no-color".to_owned(),
        ];
        if self.request.reinit_upgrade {
            init.push("-upgrade".to_owned());
        }
        init.extend(
            self.request
                .backend_config
                .iter()
                .map(|setting| format!("-backend-config={setting}")),
        );
        init
    }

    /// `plan -json -detailed-exitcode -out=PLANFILE` with the request's parallelism, lock timeout and replaces.
    fn plan_arguments(&self, plan_file: &Path) -> Vec<String> {
        let request = self.request;
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
        plan
    }

    /// `apply -json PLANFILE` with the request's parallelism and lock timeout.
    fn apply_arguments(&self, plan_file: &Path) -> Vec<String> {
        let request = self.request;
        vec![
            "apply".to_owned(),
            "-input=false".to_owned(),
            "-no-color".to_owned(),
            "-json".to_owned(),
            format!("-parallelism={}", request.parallelism.max(1)),
            format!("-lock-timeout={}", request.lock_timeout),
            plan_file.display().to_string(),
        ]
    }

    /// The plan was made and read, and is not applied: the result says why, and is not `ok`.
    fn refuse(&mut self, plan_end: &ProcessEnd, refusal: crate::contracts::Refusal) {
        self.finish(plan_end, false);
        self.result.refusal = Some(refusal);
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
        if output.unreadable_lines_dropped > 0 {
            output.unreadable_lines.push(format!(
                "{} more lines of Terraform's JSON output were not valid either; the log tail shows the last of them",
                output.unreadable_lines_dropped
            ));
        }
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

    /// Runs `plan -json` into `plan_file`, then reads the plan back. Returns the plan's end, or `None` when the
    /// request is over: the plan failed or was cancelled (finished here), or the plan could not be read.
    pub(super) async fn plan_and_read_plan(
        &mut self,
        plan_file: &Path,
    ) -> Result<Option<ProcessEnd>, AgentError> {
        let (end, _) = self
            .json_stream_command(TerraformPhase::Plan, &self.plan_arguments(plan_file))
            .await?;
        let plan_exit = PlanExit::from_exit_code(end.exit_code);
        if end.cancelled || plan_exit == PlanExit::Failed {
            self.finish(&end, false);
            return Ok(None);
        }
        Ok(self.read_plan(plan_file).await?.then_some(end))
    }

    /// Runs `show -json PLANFILE` and keeps the changes. Returns whether the plan could be read.
    async fn read_plan(&mut self, plan_file: &Path) -> Result<bool, AgentError> {
        let Some(plan) = self
            .document_command(&show_plan_arguments(plan_file), |pipe| read_plan_json(pipe))
            .await?
        else {
            return Ok(false);
        };
        match plan {
            Ok(plan) => {
                self.learn_secrets(&plan.sensitive_values);
                self.keep_plan(plan);
                Ok(true)
            }
            Err(error) => {
                self.document_error(error.to_string());
                Ok(false)
            }
        }
    }

    /// Keeps what the result needs of a saved plan whose secrets the redactor already knows.
    fn keep_plan(&mut self, plan: PlanSummary) {
        self.result.plan_identity = Some(plan_identity(
            &plan.identity_material,
            self.invocation.review_key.as_ref(),
        ));
        self.result.changes = plan.counts;
        self.result.resource_changes = plan.resource_changes;
        // A check validates what is there now (the refreshed state); a plan what the code would make.
        if request_checks_the_state(self.request.mode) {
            self.result.resource_addresses = plan.prior_addresses;
            self.result.outputs = plan.prior_outputs;
            self.result.unknown_outputs = Vec::new();
        } else {
            self.result.resource_addresses = plan.planned_addresses;
            self.result.outputs = plan.planned_outputs;
            self.result.unknown_outputs = plan.unknown_outputs;
        }
        self.result.facts_source = Some(FactsSource::SavedPlan);
    }

    /// Runs a command that prints one JSON document, which `read` reads as it streams from the pipe (it is never
    /// held whole). `None` when the command failed (the result says why).
    async fn document_command<T: Send + 'static>(
        &mut self,
        args: &[String],
        read: fn(&mut dyn std::io::Read) -> T,
    ) -> Result<Option<T>, AgentError> {
        let (end, stderr, document) = self.run_document(args, read).await?;
        if end.cancelled || end.exit_code != Some(0) {
            let diagnostics = diagnostics_from_human_output(&stderr, !end.cancelled);
            self.add_diagnostics(diagnostics);
            self.finish(&end, false);
            return Ok(None);
        }
        Ok(document)
    }

    /// Runs a command that prints one JSON document and gives back how it ended, its stderr, and what `read` made
    /// of its stdout, leaving the result alone: for a caller that may try again after a failure.
    async fn run_document<T: Send + 'static>(
        &mut self,
        args: &[String],
        read: fn(&mut dyn std::io::Read) -> T,
    ) -> Result<(ProcessEnd, String, Option<T>), AgentError> {
        let invocation = self.invocation;
        let command = terraform_command(invocation, self.request, args);
        let mut stderr = String::new();
        let mut keys = PrivateKeyLines::default();
        let tail = &mut self.tail;
        let progress = &*self.progress;
        let (end, document) =
            run_reading_document(command, &invocation.cancellation, read, |line| {
                keep_stderr_line(&mut stderr, tail, &mut keys, progress, line)
            })
            .await
            .map_err(|error| invocation.cannot_start(error))?;
        Ok((end, stderr, document))
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

    fn add_diagnostics(&mut self, diagnostics: Vec<Diagnostic>) {
        for diagnostic in diagnostics {
            if !self.result.diagnostics.contains(&diagnostic) {
                self.result.diagnostics.push(diagnostic);
            }
        }
    }

    /// Runs one Terraform command in the project directory. With `ui_stream`, stdout is read as the
    /// machine-readable UI; without, it is one document kept whole (`show -json`) or, for `init`,
    /// text that goes to the log tail.
    async fn command(
        &mut self,
        args: &[String],
        ui_stream: bool,
    ) -> Result<(ProcessEnd, CommandOutput), AgentError> {
        let invocation = self.invocation;
        let command = terraform_command(invocation, self.request, args);
        let mut output = CommandOutput::default();
        let tail = &mut self.tail;
        let redactor = &self.redactor;
        let mut line_number = 0usize;
        // Terraform's progress goes to the log as it happens (through the redacting log writer, `progress`), so a
        // long apply is seen moving; the result keeps only the tail. Without `-v` only the compact view is shown
        // (one line per resource change, the summary, errors on stderr); every other line is debug. Inside
        // Actions the whole tail is also printed in a collapsed group at the end.
        let progress = &*self.progress;
        // A private key printed over several lines is hidden line by line here, before the log or the tail sees
        // it; one tracker per stream, since the streams interleave.
        let mut stderr_keys = PrivateKeyLines::default();
        let mut stdout_keys = PrivateKeyLines::default();
        let end = run_streaming(
            command,
            &invocation.cancellation,
            LineLength::AtMost(MAX_STREAM_LINE_BYTES),
            |stream, line| match stream {
                OutputStream::Stderr => {
                    keep_stderr_line(&mut output.stderr, tail, &mut stderr_keys, progress, line)
                }
                OutputStream::Stdout if ui_stream => {
                    line_number += 1;
                    match parse_ui_line(line_number, &line) {
                        Ok(Some(event)) => {
                            output.applied.observe(&event.kind);
                            if matches!(event.kind, UiEventKind::Outputs(_)) {
                                sensitive_output_values(&line)
                                    .iter()
                                    .for_each(|value| redactor.add_secret_json(value));
                            }
                            let message = stdout_keys.hide(&event.message);
                            tail.push(&message);
                            let shown = event.kind.shows_progress();
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
                            progress.emit(Progress::Line {
                                text: message.into_owned(),
                                shown,
                            });
                            progress.emit_event(event);
                        }
                        Ok(None) => {}
                        Err(error) => {
                            tail.push(&line);
                            if output.unreadable_lines.len() < MAX_UNREADABLE_LINES {
                                output.unreadable_lines.push(error.to_string());
                            } else {
                                output.unreadable_lines_dropped += 1;
                            }
                        }
                    }
                }
                OutputStream::Stdout => {
                    let line = stdout_keys.hide(&line);
                    tail.push(&line);
                    progress.emit(Progress::Line {
                        text: line.into_owned(),
                        shown: false,
                    });
                }
            },
        )
        .await
        .map_err(|error| invocation.cannot_start(error))?;
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

/// Keeps one stderr line: hidden if it is part of a private key, in `stderr` up to [`MAX_STDERR_BYTES`] (for
/// reading its error blocks), in the log as it happens and in the log tail.
fn keep_stderr_line(
    stderr: &mut String,
    tail: &mut LogTail,
    keys: &mut PrivateKeyLines,
    progress: &ProgressOutlet,
    line: String,
) {
    let line = keys.hide(&line);
    if stderr.len() < MAX_STDERR_BYTES {
        let mut end = line.len().min(MAX_STDERR_BYTES - stderr.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        stderr.push_str(&line[..end]);
        stderr.push('\n');
    }
    tail.push(&line);
    progress.emit(Progress::Line {
        text: line.into_owned(),
        shown: true,
    });
}

/// `show -json PLANFILE`.
fn show_plan_arguments(plan_file: &Path) -> [String; 4] {
    [
        "show".to_owned(),
        "-json".to_owned(),
        "-no-color".to_owned(),
        plan_file.display().to_string(),
    ]
}

/// `terraform ARGS` in the request's folder, with its variables as `TF_VAR_`s.
fn terraform_command(
    invocation: &Invocation,
    request: &TerraformRequest,
    args: &[String],
) -> tokio::process::Command {
    let mut command = invocation.command(&request.dir);
    command.args(args);
    for (name, value) in &request.vars {
        command.env(format!("TF_VAR_{name}"), value);
    }
    tracing::debug!(binary = %invocation.binary.display(), ?args, dir = %request.dir.display(), "running terraform");
    command
}

/// Whether a plan-only run reports the refreshed state's addresses and outputs rather than the planned ones: a
/// check (drift and health) plans to see what changed and validates what exists.
fn request_checks_the_state(mode: RunMode) -> bool {
    mode == RunMode::Check
}
