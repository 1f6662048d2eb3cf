//! The Validator's request, built from what the project expects and what Terraform reported.
//!
//! The Planner builds it in VALIDATING and `agentlab validate` builds it from a `terraform show -json` document,
//! through the same function, so both check the same facts: the expected resources of `[project.validate]`, the
//! addresses Terraform knows, the guests of the project's guests output, and the plan's creates.

use crate::contracts::{
    ChangeAction, Guest, ResourceExpectation, RunMode, TerraformResult, ValidationRequest,
};
use crate::validator::checks::RUNS_AFTER_APPLY;

/// What the Validator expects of a project, from its `[project.validate]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationPlan {
    pub resources: Vec<ResourceExpectation>,
    pub guests_output: String,
    /// `guests_output` was set explicitly: a project without that output fails instead of skipping the live checks.
    pub guests_output_required: bool,
    pub default_node: String,
    pub port: u16,
    /// How long the live checks wait for the guests to settle (`[project.validate] settle_seconds`).
    pub settle_seconds: u64,
}

/// Builds the Validator's request for `project` from its expectations and what Terraform reported.
pub fn validation_request(
    project: &str,
    mode: RunMode,
    plan: &ValidationPlan,
    terraform: &TerraformResult,
) -> ValidationRequest {
    let (guests, guests_problem, guests_skip_reason) = match read_guests(terraform, plan, mode) {
        GuestsOutput::Guests(guests) => (guests, None, None),
        GuestsOutput::NothingToCheck(reason) => (Vec::new(), None, Some(reason)),
        GuestsOutput::Unusable(problem) => (Vec::new(), Some(problem), None),
    };
    ValidationRequest {
        project: project.to_string(),
        mode,
        resources: plan.resources.clone(),
        resource_addresses: terraform.resource_addresses.clone(),
        guests,
        guests_problem,
        guests_skip_reason,
        planned_creates: planned_creates(terraform),
        default_node: plan.default_node.clone(),
        port: plan.port,
        // Only right after an apply are guests new enough to be still booting; a plan has none yet and a check
        // reports them as they are.
        settle_seconds: if mode == RunMode::Deploy {
            plan.settle_seconds
        } else {
            0
        },
    }
}

/// What the guests output gives the live checks.
enum GuestsOutput {
    Guests(Vec<Guest>),
    /// No guests to look at, and nothing wrong: why (the three live checks skip with it).
    NothingToCheck(String),
    /// The output cannot be used: a failure, with why.
    Unusable(String),
}

/// Reads the guests output. A project without one has no guests to check, unless `guests_output` names it
/// explicitly; an output that is not known until apply is normal in a plan.
fn read_guests(terraform: &TerraformResult, plan: &ValidationPlan, mode: RunMode) -> GuestsOutput {
    let output = plan.guests_output.as_str();
    let Some(value) = terraform.outputs.get(output) else {
        let unknown = terraform.unknown_outputs.iter().any(|name| name == output);
        return match (unknown, mode) {
            (true, RunMode::Plan) => GuestsOutput::NothingToCheck(format!(
                "{RUNS_AFTER_APPLY}: the `{output}` output is not known until apply"
            )),
            (true, RunMode::Deploy | RunMode::Check) => GuestsOutput::Unusable(format!(
                "the `{output}` output has no known value; the live checks need it"
            )),
            (false, _) if plan.guests_output_required => GuestsOutput::Unusable(format!(
                "the project has no `{output}` output, which `[project.validate] guests_output` names; the live \
                 checks need it"
            )),
            (false, _) => {
                GuestsOutput::NothingToCheck(format!("the project has no `{output}` output"))
            }
        };
    };
    match serde_json::from_value::<Vec<Guest>>(value.clone()) {
        Ok(guests) if guests.is_empty() => {
            GuestsOutput::NothingToCheck(format!("the `{output}` output lists no guests"))
        }
        Ok(guests) => GuestsOutput::Guests(guests),
        Err(error) => GuestsOutput::Unusable(format!(
            "the `{output}` output is not a list of {{vmid, kind, node?, name?, ipv4?}}: {error}"
        )),
    }
}

/// The addresses the plan creates (replacements included): guests that do not exist yet.
fn planned_creates(terraform: &TerraformResult) -> Vec<String> {
    terraform
        .resource_changes
        .iter()
        .filter(|change| {
            matches!(
                change.action,
                ChangeAction::Create | ChangeAction::CreateDelete | ChangeAction::DeleteCreate
            )
        })
        .map(|change| change.address.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::GuestKind;
    use crate::planner::test_fixtures::{applied, planned_changes};

    fn plan() -> ValidationPlan {
        ValidationPlan {
            resources: vec![ResourceExpectation {
                pattern: r"null_resource\.guest\[\d+\]".into(),
                count: 2,
            }],
            guests_output: "guests".into(),
            guests_output_required: false,
            default_node: "pmx-01".into(),
            port: 22,
            settle_seconds: 180,
        }
    }

    /// An apply of guests 0 and 1 with `guests` as its guests output (none when `None`) and `changes` planned.
    fn reported(
        guests: Option<serde_json::Value>,
        changes: &[(&str, ChangeAction)],
    ) -> TerraformResult {
        TerraformResult {
            resource_changes: planned_changes(changes),
            outputs: guests
                .map(|value| ("guests".to_string(), value))
                .into_iter()
                .collect(),
            ..applied()
        }
    }

    #[test]
    fn the_request_carries_the_expectations_and_terraforms_facts() {
        let terraform = reported(
            Some(serde_json::json!([{"vmid": 901, "kind": "lxc", "ipv4": "127.0.0.1"}])),
            &[],
        );
        let request = validation_request("sandbox", RunMode::Deploy, &plan(), &terraform);
        assert_eq!(
            request,
            ValidationRequest {
                project: "sandbox".into(),
                mode: RunMode::Deploy,
                resources: plan().resources,
                resource_addresses: terraform.resource_addresses.clone(),
                guests: vec![Guest {
                    vmid: 901,
                    kind: GuestKind::Lxc,
                    node: None,
                    name: None,
                    ipv4: Some("127.0.0.1".into()),
                }],
                guests_problem: None,
                guests_skip_reason: None,
                planned_creates: vec![],
                default_node: "pmx-01".into(),
                port: 22,
                settle_seconds: 180,
            }
        );
    }

    /// What the request says about the guests: how many, the problem's words, the skip reason's words.
    fn guests_read(
        mode: RunMode,
        plan: &ValidationPlan,
        terraform: &TerraformResult,
    ) -> (usize, Option<String>, Option<String>) {
        let request = validation_request("p", mode, plan, terraform);
        (
            request.guests.len(),
            request.guests_problem,
            request.guests_skip_reason,
        )
    }

    #[test]
    fn the_guests_output_read_in_each_mode() {
        let two = serde_json::json!([{"vmid": 901, "kind": "lxc"}, {"vmid": 902, "kind": "qemu", "node": "pmx-02"}]);
        for mode in [RunMode::Plan, RunMode::Deploy, RunMode::Check] {
            assert_eq!(
                guests_read(mode, &plan(), &reported(Some(two.clone()), &[])),
                (2, None, None)
            );
            let (_, problem, skip) = guests_read(
                mode,
                &plan(),
                &reported(Some(serde_json::json!([{"vmid": "nine hundred"}])), &[]),
            );
            assert!(problem.unwrap().contains("not a list of"), "{mode:?}");
            assert_eq!(skip, None);
            // A list already known (a constant, an empty list) is used as it is, in a plan too.
            assert_eq!(
                guests_read(mode, &plan(), &reported(Some(serde_json::json!([])), &[])),
                (0, None, Some("the `guests` output lists no guests".into()))
            );
        }
    }

    #[test]
    fn a_project_without_a_guests_output_skips_unless_the_output_is_named_explicitly() {
        for mode in [RunMode::Plan, RunMode::Deploy, RunMode::Check] {
            assert_eq!(
                guests_read(mode, &plan(), &reported(None, &[])),
                (0, None, Some("the project has no `guests` output".into())),
                "{mode:?}"
            );
            let required = ValidationPlan {
                guests_output_required: true,
                ..plan()
            };
            let (guests, problem, skip) = guests_read(mode, &required, &reported(None, &[]));
            assert_eq!((guests, skip), (0, None), "{mode:?}");
            assert!(
                problem.as_deref().is_some_and(|problem| problem
                    .starts_with("the project has no `guests` output, which `[project.validate] guests_output` names")),
                "{mode:?}: {problem:?}"
            );
        }
    }

    #[test]
    fn an_output_not_known_until_apply_skips_in_a_plan_only() {
        let unknown = TerraformResult {
            unknown_outputs: vec!["guests".into()],
            ..reported(None, &[("null_resource.guest[0]", ChangeAction::Create)])
        };
        let request = validation_request("p", RunMode::Plan, &plan(), &unknown);
        assert_eq!(
            request.guests_skip_reason.as_deref(),
            Some("runs after apply: the `guests` output is not known until apply")
        );
        assert_eq!(request.planned_creates, vec!["null_resource.guest[0]"]);
        let (_, problem, _) = guests_read(RunMode::Deploy, &plan(), &unknown);
        assert!(problem.unwrap().contains("has no known value"));
    }

    #[test]
    fn only_a_deploy_waits_for_its_guests_to_settle() {
        let terraform = reported(None, &[]);
        for (mode, settle) in [
            (RunMode::Deploy, 180),
            (RunMode::Plan, 0),
            (RunMode::Check, 0),
        ] {
            let request = validation_request("p", mode, &plan(), &terraform);
            assert_eq!(request.settle_seconds, settle, "{mode:?}");
        }
    }

    #[test]
    fn planned_creates_are_the_creates_and_the_replacements() {
        let terraform = reported(
            None,
            &[
                ("a.created", ChangeAction::Create),
                ("a.updated", ChangeAction::Update),
                ("a.replaced_first", ChangeAction::CreateDelete),
                ("a.replaced_after", ChangeAction::DeleteCreate),
                ("a.deleted", ChangeAction::Delete),
                ("a.unchanged", ChangeAction::NoOp),
            ],
        );
        assert_eq!(
            validation_request("p", RunMode::Plan, &plan(), &terraform).planned_creates,
            vec!["a.created", "a.replaced_first", "a.replaced_after"]
        );
    }
}
