//! The facts of what is deployed now, for `agentlab validate --mode live` without `--state`: `terraform show
//! -json` of the state, with `terraform init` first when the working directory needs it (never initialised, or
//! `show` says it must be). Nothing is planned or applied, and the state lock is not taken.
//!
//! It is a child of `phases`, so it runs its commands through the request's run: the same binary, environment,
//! cancellation, redaction of what Terraform prints, and sensitive values learned from the state.

use super::RequestRun;
use crate::contracts::{FactsSource, TerraformPhase};
use crate::planner::agents::AgentError;
use crate::terraform::plan::parse_state_json;

/// Why the facts came from the state: recorded in the result.
const READ_BY_VALIDATE: &str = "`agentlab validate --mode live` reads the deployed state";

impl RequestRun<'_> {
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
        let (end, output) = self.command(&show, false).await?;
        let document = if end.exit_code == Some(0) && !end.cancelled {
            output.stdout_document
        } else if initialised && !end.cancelled {
            // An initialised folder can still need `init` (a provider or backend changed): once, then once more.
            tracing::info!(project = %self.request.project, "`terraform show` failed; running `terraform init` and trying again");
            if !self
                .text_command(TerraformPhase::Init, &self.init_arguments())
                .await?
            {
                return Ok(());
            }
            self.result.phase = TerraformPhase::Apply;
            match self.document_command(&show).await? {
                Some(document) => document,
                None => return Ok(()),
            }
        } else {
            let diagnostics = super::diagnostics_from_human_output(&output.stderr, !end.cancelled);
            self.add_diagnostics(diagnostics);
            self.finish(&end, false);
            return Ok(());
        };
        self.finish(&end, true);
        match parse_state_json(&document) {
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
