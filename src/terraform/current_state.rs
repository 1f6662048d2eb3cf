//! What exists now, the facts the Validator reads. After a successful apply they come from the saved plan and the
//! apply's stream when those can tell (`applied_facts`), else from `terraform show -json` of the state. For
//! `agentlab validate --mode live` without `--state` they are the state's, with `terraform init` first when the
//! working directory needs it (never initialised, or `show` says it must be); nothing is planned or applied then,
//! and the state lock is not taken.
//!
//! It is a child of `phases`, so it runs its commands through the request's run: the same binary, environment,
//! cancellation, redaction of what Terraform prints, and sensitive values learned from the state.

use super::{ProcessEnd, RequestRun};
use crate::contracts::{FactsSource, TerraformPhase};
use crate::planner::agents::AgentError;
use crate::terraform::applied_facts::{ApplyStreamFacts, PlannedFacts, facts_after_apply};
use crate::terraform::plan::read_state_json;

/// Why the facts came from the state: recorded in the result.
const READ_BY_VALIDATE: &str = "`agentlab validate --mode live` reads the deployed state";

impl RequestRun<'_> {
    /// After a successful apply: the addresses and the outputs that exist now. The saved plan and the apply's
    /// stream answer when every planned change completed (`applied_facts`); only when they cannot (a partial
    /// apply, an output unknown at plan time and absent from the stream) is the state read with `show -json`,
    /// whose outputs carry their `sensitive` flags, so the outputs cost no Terraform start of their own.
    pub(super) async fn read_state_and_outputs(
        &mut self,
        apply_end: &ProcessEnd,
        applied: &ApplyStreamFacts,
    ) -> Result<(), AgentError> {
        self.finish(apply_end, true);
        let planned = PlannedFacts {
            changes: &self.result.resource_changes,
            addresses: &self.result.resource_addresses,
            known_outputs: &self.result.outputs,
            unknown_outputs: &self.result.unknown_outputs,
        };
        let reason = match facts_after_apply(planned, applied) {
            Ok(facts) => {
                tracing::info!(project = %self.request.project, "the Validator's facts come from the saved plan and the apply's stream; the state is not read");
                self.result.resource_addresses = facts.resource_addresses;
                self.result.outputs = facts.outputs;
                self.result.unknown_outputs = Vec::new();
                self.result.facts_source = Some(FactsSource::PlanAndApplyStream);
                return Ok(());
            }
            Err(reason) => reason,
        };
        self.read_the_state_for_the_facts(reason).await
    }

    /// After a successful apply whose facts the saved plan and the apply's stream cannot tell (`reason`): `show
    /// -json` of the state.
    pub(super) async fn read_the_state_for_the_facts(
        &mut self,
        reason: String,
    ) -> Result<(), AgentError> {
        tracing::info!(project = %self.request.project, %reason, "the Validator's facts come from `show -json` of the state");
        self.result.facts_source = Some(FactsSource::State { reason });
        let show = [
            "show".to_owned(),
            "-json".to_owned(),
            "-no-color".to_owned(),
        ];
        let Some(state) = self
            .document_command(&show, |pipe| read_state_json(pipe))
            .await?
        else {
            return Ok(());
        };
        match state {
            Ok(state) => {
                self.learn_secrets(&state.sensitive_values);
                self.result.resource_addresses = state.resource_addresses;
                self.result.outputs = state.outputs;
                self.result.unknown_outputs = Vec::new();
            }
            Err(error) => self.document_error(error.to_string()),
        }
        Ok(())
    }

    /// `init` when needed, then `show -json` of the state; the result holds the state's addresses and outputs.
    pub(in crate::terraform) async fn read_current_state(&mut self) -> Result<(), AgentError> {
        let show = [
            "show".to_owned(),
            "-json".to_owned(),
            "-no-color".to_owned(),
        ];
        let initialised = self.request.dir.join(".terraform").is_dir();
        if !initialised
            && !self
                .text_command(TerraformPhase::Init, &self.init_arguments())
                .await?
        {
            return Ok(());
        }
        self.result.phase = TerraformPhase::Apply;
        let (end, stderr, document) = self
            .run_document(&show, |pipe| read_state_json(pipe))
            .await?;
        let state = if end.exit_code == Some(0) && !end.cancelled {
            self.finish(&end, true);
            match document {
                Some(state) => state,
                None => {
                    self.document_error("`terraform show -json` printed no document".to_owned());
                    return Ok(());
                }
            }
        } else if initialised && !end.cancelled {
            // An initialised folder can still need `init` (a provider or the backend changed): run it, then `show`
            // once more; a second failure is the answer.
            tracing::info!(project = %self.request.project, "`terraform show` failed; running `terraform init` and trying again");
            if !self
                .text_command(TerraformPhase::Init, &self.init_arguments())
                .await?
            {
                return Ok(());
            }
            self.result.phase = TerraformPhase::Apply;
            let Some(state) = self
                .document_command(&show, |pipe| read_state_json(pipe))
                .await?
            else {
                return Ok(());
            };
            self.result.exit_code = Some(0);
            self.result.ok = true;
            state
        } else {
            let diagnostics = super::diagnostics_from_human_output(&stderr, !end.cancelled);
            self.add_diagnostics(diagnostics);
            self.finish(&end, false);
            return Ok(());
        };
        match state {
            Ok(state) => {
                self.learn_secrets(&state.sensitive_values);
                self.result.resource_addresses = state.resource_addresses;
                self.result.outputs = state.outputs;
                self.result.facts_source = Some(FactsSource::State {
                    reason: READ_BY_VALIDATE.to_owned(),
                });
            }
            Err(error) => self.document_error(error.to_string()),
        }
        Ok(())
    }
}
