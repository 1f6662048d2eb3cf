//! A deploy whose apply guard does not look at the saved plan reads the plan beside `apply` instead of before it.
//!
//! `show -json PLANFILE` costs a Terraform start and the provider's schema (~150 ms on a small runner, most of what
//! agentlab adds to a bare `init && plan -out && apply`). When the guard needs the plan first (a reviewed plan to
//! compare, a refusal to explain, a retry's destroy list: `guard::reads_the_plan_before_apply`), the order stays
//! plan → show → guard → apply. Otherwise (a first attempt from a terminal, or one allowed unreviewed) the guard
//! could not refuse whatever the plan says, so `show` and `apply` of the same plan file run together: `show` of a
//! plan file reads no state and takes no lock.
//!
//! What must not change with the order: every secret the plan marks sensitive is known to the redactor before any
//! line or event of the apply leaves agentlab (the apply's progress is held in `progress` until the plan is read);
//! the record holds the same plan; a stale plan is still planned again against the saved one; and after a
//! successful apply whose plan could not be read, the facts come from the state, with a warning saying why.

use std::path::Path;
use std::sync::Arc;

use super::{
    CommandOutput, RequestRun, keep_stderr_line, show_plan_arguments, stale_plan, terraform_command,
};
use crate::contracts::{Diagnostic, Severity, TerraformPhase, TerraformRequest};
use crate::planner::agents::AgentError;
use crate::redact::{PrivateKeyLines, SharedRedactor};
use crate::terraform::human::{LogTail, diagnostics_from_human_output};
use crate::terraform::invocation::{Invocation, PlanExit};
use crate::terraform::pipe::run_reading_document;
use crate::terraform::plan::{PlanJsonError, PlanSummary, read_plan_json};
use crate::terraform::process::ProcessEnd;
use crate::terraform::progress::ProgressOutlet;

/// Why the Validator's facts come from the state when the plan that was applied could not be read.
const PLAN_NOT_READ: &str = "the saved plan, read beside the apply, could not be read";

/// What `show -json PLANFILE` beside `apply` gave.
struct PlanReadBeside {
    end: ProcessEnd,
    stderr: String,
    tail: LogTail,
    plan: Option<Result<PlanSummary, PlanJsonError>>,
}

impl RequestRun<'_> {
    /// `plan -json -out=PLANFILE`, then `show -json PLANFILE` and `apply PLANFILE` together; the result as if they
    /// had run one after the other.
    pub(super) async fn apply_beside_reading_the_plan(
        &mut self,
        plan_file: &Path,
    ) -> Result<(), AgentError> {
        let (plan_end, _) = self
            .json_stream_command(TerraformPhase::Plan, &self.plan_arguments(plan_file))
            .await?;
        if plan_end.cancelled || PlanExit::from_exit_code(plan_end.exit_code) == PlanExit::Failed {
            self.finish(&plan_end, false);
            return Ok(());
        }

        self.progress.hold();
        let reading = read_the_plan_beside(
            self.invocation,
            self.request,
            self.redactor.clone(),
            Arc::clone(&self.progress),
            self.tail.empty_like(),
            plan_file,
        );
        let apply_arguments = self.apply_arguments(plan_file);
        let applying = self.json_stream_command(TerraformPhase::Apply, &apply_arguments);
        // `apply` is the longer of the two: it is started first.
        let (applied, read) = tokio::join!(applying, reading);
        let mut read = read.map_err(|error| self.invocation.cannot_start(error).message);
        let apply_cancelled = applied.as_ref().map_or(true, |(end, _)| end.cancelled);
        if !apply_cancelled && !plan_was_read(&read) {
            // Terraform before 1.2 reads a local state file even to show a plan file, and `apply` rewrites that
            // file as it goes: a read caught mid-write fails. Once `apply` has ended, the plan is read as it would
            // have been before it (the apply's progress is still held: the plan's secrets are not known yet).
            tracing::info!(project = %self.request.project, "`terraform show` of the saved plan failed beside `apply`; reading it again");
            if let Ok(failed) = read {
                self.tail.append(failed.tail);
            }
            read = read_the_plan_beside(
                self.invocation,
                self.request,
                self.redactor.clone(),
                Arc::clone(&self.progress),
                self.tail.empty_like(),
                plan_file,
            )
            .await
            .map_err(|error| self.invocation.cannot_start(error).message);
        }
        // A plan that was read let the progress out once its secrets were learned; one that could not be read
        // taught nothing more, and what the apply printed leaves now.
        self.progress.release();
        let (apply_end, output): (ProcessEnd, CommandOutput) = applied?;
        let applied_in_full = !apply_end.cancelled && apply_end.exit_code == Some(0);
        let plan_read = self.keep_the_plan_read_beside(read, applied_in_full);

        if !apply_end.cancelled
            && stale_plan::apply_failed_on_a_stale_plan(&self.result.diagnostics)
        {
            return self.plan_again_after_a_stale_plan(plan_file).await;
        }
        if !applied_in_full {
            self.finish(&apply_end, false);
            return Ok(());
        }
        if !plan_read {
            self.finish(&apply_end, true);
            return self
                .read_the_state_for_the_facts(PLAN_NOT_READ.to_owned())
                .await;
        }
        self.read_state_and_outputs(&apply_end, &output.applied)
            .await
    }

    /// Keeps what the reading beside `apply` gave: its log lines, and the plan, or why it could not be read (an
    /// error when the apply failed as well, a warning after an apply that succeeded: the deploy happened). Returns
    /// whether the plan was read.
    fn keep_the_plan_read_beside(
        &mut self,
        read: Result<PlanReadBeside, String>,
        applied_in_full: bool,
    ) -> bool {
        let mut problems = match read {
            Err(message) => vec![unread(message)],
            Ok(read) => {
                self.tail.append(read.tail);
                match read.plan {
                    _ if read.end.cancelled || read.end.exit_code != Some(0) => {
                        diagnostics_from_human_output(&read.stderr, !read.end.cancelled)
                    }
                    Some(Ok(plan)) => {
                        self.keep_plan(plan);
                        return true;
                    }
                    Some(Err(error)) => vec![unread(error.to_string())],
                    None => vec![unread(
                        "`terraform show -json` printed no document".to_owned(),
                    )],
                }
            }
        };
        if applied_in_full {
            problems.iter_mut().for_each(|problem| {
                problem.severity = Severity::Warning;
            });
            problems.push(Diagnostic {
                severity: Severity::Warning,
                summary: "The plan was applied, but agentlab could not read it".to_owned(),
                detail: "`terraform show -json` of the saved plan ran beside `apply` and failed (above), so this \
                         record lists no planned changes; the Validator's facts come from the state."
                    .to_owned(),
                address: None,
            });
        }
        self.add_diagnostics(problems);
        false
    }
}

/// Whether `show -json PLANFILE` ran to the end and its plan could be read.
fn plan_was_read(read: &Result<PlanReadBeside, String>) -> bool {
    read.as_ref().is_ok_and(|read| {
        !read.end.cancelled && read.end.exit_code == Some(0) && matches!(read.plan, Some(Ok(_)))
    })
}

/// A reading failure as a diagnostic, worded as the plan-first order words it.
fn unread(detail: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        summary: "agentlab could not read Terraform's JSON".to_owned(),
        detail,
        address: None,
    }
}

/// `show -json PLANFILE` on its own, beside the apply: its stderr goes to a tail of its own; once the plan is read,
/// its sensitive values are taught to the redactor and then the held progress is let out.
async fn read_the_plan_beside(
    invocation: &Invocation,
    request: &TerraformRequest,
    redactor: SharedRedactor,
    progress: Arc<ProgressOutlet>,
    mut tail: LogTail,
    plan_file: &Path,
) -> std::io::Result<PlanReadBeside> {
    let command = terraform_command(invocation, request, &show_plan_arguments(plan_file));
    let mut stderr = String::new();
    let mut keys = PrivateKeyLines::default();
    let outcome = run_reading_document(
        command,
        &invocation.cancellation,
        |pipe| read_plan_json(pipe),
        |line| keep_stderr_line(&mut stderr, &mut tail, &mut keys, &progress, line),
    )
    .await;
    if let Ok((end, Some(Ok(plan)))) = &outcome
        && end.exit_code == Some(0)
    {
        plan.sensitive_values
            .iter()
            .for_each(|value| redactor.add_secret_json(value));
        progress.release();
    }
    let (end, plan) = outcome?;
    Ok(PlanReadBeside {
        end,
        stderr,
        tail,
        plan,
    })
}
