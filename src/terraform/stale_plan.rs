//! A saved plan that went stale between `plan` and `apply`: another run (a second deploy racing on the same
//! remote state) applied in between, and Terraform refuses the plan file with `Saved plan is stale`. That is not a
//! failure to diagnose: the Terraform agent plans once more and applies the new plan, at no cost and without the
//! LLM, as long as the new plan asks for nothing the saved one did not. A new plan with a change of its own (an
//! address, an action, or values before or after that the saved plan did not have: the other run changed what
//! this one would change) is refused: that change was never reviewed.
//!
//! It is a child of `phases`, so it drives the same commands (`plan`, `show`, `apply`) through the request's run.
//! The result records what happened: the stale-plan error becomes a warning that says the plan was made again,
//! so the record shows it and nothing downstream (catalogue, LLM, incident) treats it as a failure.

use std::path::Path;

use super::RequestRun;
use crate::contracts::{ChangeAction, Diagnostic, ResourceChange, Severity, TerraformPhase};
use crate::planner::agents::AgentError;
use crate::terraform::applied_facts::ApplyStreamFacts;
use crate::terraform::invocation::PlanExit;

/// Terraform's summary when `apply PLANFILE` finds that the state changed after the plan was made (Terraform
/// 1.0 to 1.11 print the same words).
pub const STALE_PLAN_SUMMARY: &str = "Saved plan is stale";

/// The summary of the warning left in the result after a stale plan was made again and applied.
pub const REPLANNED_SUMMARY: &str =
    "The saved plan was stale: agentlab planned again and applied the new plan";

/// Whether the apply failed only because its saved plan went stale.
pub(super) fn apply_failed_on_a_stale_plan(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|diagnostic| {
        diagnostic.severity == Severity::Error && diagnostic.summary.trim() == STALE_PLAN_SUMMARY
    })
}

/// The changes of `new_plan` that `saved_plan` did not have (the same address, action and attribute lines, values
/// before and after), as `address (action)`; empty when the new plan only repeats (part of) the saved one.
pub fn changes_beyond_the_saved_plan(
    saved_plan: &[ResourceChange],
    new_plan: &[ResourceChange],
) -> Vec<String> {
    new_plan
        .iter()
        .filter(|change| change.action != ChangeAction::NoOp)
        .filter(|change| {
            !saved_plan.iter().any(|saved| {
                saved.address == change.address
                    && saved.action == change.action
                    && saved.attributes == change.attributes
            })
        })
        .map(|change| format!("{} ({})", change.address, action_name(change.action)))
        .collect()
}

/// The action as the plan JSON and the record spell it (`create`, `delete_create`, ...).
fn action_name(action: ChangeAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{action:?}"))
}

impl RequestRun<'_> {
    /// After `apply` refused a stale plan: plan again into the same file, then apply the new plan when it asks
    /// for nothing beyond the saved one (or finish at once when nothing is left to do). Runs once: a second stale
    /// plan is a failure like any other.
    pub(super) async fn plan_again_after_a_stale_plan(
        &mut self,
        plan_file: &Path,
    ) -> Result<(), AgentError> {
        let saved_plan: Vec<ResourceChange> = self.result.resource_changes.clone();
        let stale_error = self
            .result
            .diagnostics
            .iter()
            .position(|diagnostic| {
                diagnostic.severity == Severity::Error
                    && diagnostic.summary.trim() == STALE_PLAN_SUMMARY
            })
            .map(|index| self.result.diagnostics.remove(index));
        let stale_detail = stale_error
            .map(|diagnostic| diagnostic.detail)
            .unwrap_or_default();

        let Some(end) = self.plan_and_read_plan(plan_file).await? else {
            return Ok(());
        };
        let plan_exit = PlanExit::from_exit_code(end.exit_code);
        let beyond = changes_beyond_the_saved_plan(&saved_plan, &self.result.resource_changes);
        if !beyond.is_empty() {
            self.add_diagnostics(vec![Diagnostic {
                severity: Severity::Error,
                summary: "The saved plan was stale and the new plan has changes the saved plan did not".to_owned(),
                detail: format!(
                    "Another run changed the state after this run's plan was made ({stale_detail}). agentlab planned \
                     again, but the new plan also wants {}: changes nobody reviewed, so nothing was applied. Plan \
                     the project again and review the new plan.",
                    beyond.join(", ")
                ),
                address: None,
            }]);
            self.finish(&end, false);
            return Ok(());
        }
        self.add_diagnostics(vec![Diagnostic {
            severity: Severity::Warning,
            summary: REPLANNED_SUMMARY.to_owned(),
            detail: format!(
                "Terraform refused the saved plan: {stale_detail} agentlab planned again; the new plan has {} \
                 change(s), all of them in the saved plan, and {}.",
                self.result.resource_changes.len(),
                if plan_exit == PlanExit::NoChanges {
                    "nothing was left to apply (the other run had applied them)"
                } else {
                    "it was applied"
                }
            ),
            address: None,
        }]);
        self.result.phase = TerraformPhase::Apply;
        if plan_exit == PlanExit::NoChanges {
            // Nothing to apply: the new plan's planned values are what exists.
            return self
                .read_state_and_outputs(&end, &ApplyStreamFacts::default())
                .await;
        }
        // The new plan is applied only if it is still the reviewed one.
        if self.refused_by_the_guard(&end) {
            return Ok(());
        }
        let (end, output) = self
            .json_stream_command(TerraformPhase::Apply, &self.apply_arguments(plan_file))
            .await?;
        if end.cancelled || end.exit_code != Some(0) {
            self.finish(&end, false);
            return Ok(());
        }
        self.read_state_and_outputs(&end, &output.applied).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(address: &str, action: ChangeAction) -> ResourceChange {
        ResourceChange {
            address: address.to_owned(),
            action,
            reason: None,
            attributes: Vec::new(),
        }
    }

    #[test]
    fn a_new_plan_within_the_saved_one_is_accepted() {
        let saved = [
            change("null_resource.a", ChangeAction::DeleteCreate),
            change("null_resource.b", ChangeAction::Create),
        ];
        assert!(changes_beyond_the_saved_plan(&saved, &[]).is_empty());
        assert!(
            changes_beyond_the_saved_plan(
                &saved,
                &[change("null_resource.b", ChangeAction::Create)]
            )
            .is_empty()
        );
        assert!(
            changes_beyond_the_saved_plan(&saved, &[change("null_resource.c", ChangeAction::NoOp)])
                .is_empty()
        );
    }

    #[test]
    fn the_same_change_from_another_starting_point_is_refused() {
        let replacement = |before: &str| ResourceChange {
            attributes: crate::terraform::compact::attribute_changes_of(
                Some(&serde_json::json!({"triggers": {"revision": before}})),
                Some(&serde_json::json!({"triggers": {"revision": "4"}})),
            ),
            ..change("null_resource.a", ChangeAction::DeleteCreate)
        };
        let (saved, new) = (replacement("1"), replacement("3"));
        assert_eq!(
            changes_beyond_the_saved_plan(&[saved], &[new]),
            vec!["null_resource.a (delete_create)".to_owned()]
        );
    }

    #[test]
    fn a_new_address_or_a_new_action_is_refused() {
        let saved = [change("null_resource.a", ChangeAction::Update)];
        assert_eq!(
            changes_beyond_the_saved_plan(
                &saved,
                &[
                    change("null_resource.a", ChangeAction::Delete),
                    change("null_resource.c", ChangeAction::Create),
                ]
            ),
            vec![
                "null_resource.a (delete)".to_owned(),
                "null_resource.c (create)".to_owned()
            ]
        );
    }

    #[test]
    fn only_the_stale_plan_error_counts_as_stale() {
        let diagnostic = |severity, summary: &str| Diagnostic {
            severity,
            summary: summary.to_owned(),
            detail: String::new(),
            address: None,
        };
        assert!(apply_failed_on_a_stale_plan(&[diagnostic(
            Severity::Error,
            "Saved plan is stale"
        )]));
        assert!(!apply_failed_on_a_stale_plan(&[diagnostic(
            Severity::Warning,
            "Saved plan is stale"
        )]));
        assert!(!apply_failed_on_a_stale_plan(&[diagnostic(
            Severity::Error,
            "Error acquiring the state lock"
        )]));
    }
}
