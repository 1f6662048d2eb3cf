//! The Validator's request, built from what the project expects and what Terraform reported.
//!
//! The Planner builds it in VALIDATING and `agentlab validate` builds it from a `terraform show -json` document,
//! through the same function, so both check the same facts: the expected resources of `[project.validate]`, the
//! addresses Terraform knows, the guests of the project's guests output, and the plan's creates.

use crate::contracts::{
    ChangeAction, Guest, ResourceExpectation, RunMode, TerraformResult, ValidationRequest,
};

/// What the Validator expects of a project, from its `[project.validate]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationPlan {
    pub resources: Vec<ResourceExpectation>,
    pub guests_output: String,
    pub default_node: String,
    pub port: u16,
}

/// Builds the Validator's request for `project` from its expectations and what Terraform reported.
pub fn validation_request(
    project: &str,
    mode: RunMode,
    plan: &ValidationPlan,
    terraform: &TerraformResult,
) -> ValidationRequest {
    let (guests, guests_problem) = read_guests(terraform, &plan.guests_output, mode);
    ValidationRequest {
        project: project.to_string(),
        mode,
        resources: plan.resources.clone(),
        resource_addresses: terraform.resource_addresses.clone(),
        guests,
        guests_problem,
        planned_creates: planned_creates(terraform),
        default_node: plan.default_node.clone(),
        port: plan.port,
    }
}

/// Reads the guests output. In plan mode an absent output is normal (its values are unknown until apply).
fn read_guests(
    terraform: &TerraformResult,
    output: &str,
    mode: RunMode,
) -> (Vec<Guest>, Option<String>) {
    match terraform.outputs.get(output) {
        None if mode == RunMode::Plan => (Vec::new(), None),
        None => (
            Vec::new(),
            Some(format!(
                "the project has no `{output}` output; the live checks need it"
            )),
        ),
        Some(value) => match serde_json::from_value::<Vec<Guest>>(value.clone()) {
            Ok(guests) => (guests, None),
            Err(error) => (
                Vec::new(),
                Some(format!(
                    "the `{output}` output is not a list of {{vmid, kind, node?, name?, ipv4?}}: {error}"
                )),
            ),
        },
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
            default_node: "pmx-01".into(),
            port: 22,
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
                planned_creates: vec![],
                default_node: "pmx-01".into(),
                port: 22,
            }
        );
    }

    #[test]
    fn the_guests_output_read_in_each_mode() {
        // (mode, guests output, guests read, the problem's words)
        let check = |mode: RunMode,
                     output: Option<serde_json::Value>,
                     guests: usize,
                     problem: Option<&str>| {
            let request = validation_request("p", mode, &plan(), &reported(output.clone(), &[]));
            assert_eq!(request.guests.len(), guests, "{mode:?} {output:?}");
            match (request.guests_problem.as_deref(), problem) {
                (None, None) => {}
                (Some(said), Some(words)) => assert!(said.contains(words), "{said}"),
                (said, expected) => {
                    panic!("{mode:?} {output:?}: said {said:?}, expected {expected:?}")
                }
            }
        };
        let two = serde_json::json!([{"vmid": 901, "kind": "lxc"}, {"vmid": 902, "kind": "qemu", "node": "pmx-02"}]);
        check(RunMode::Deploy, Some(two.clone()), 2, None);
        check(RunMode::Plan, Some(two), 2, None);
        check(RunMode::Plan, None, 0, None);
        check(RunMode::Deploy, None, 0, Some("has no `guests` output"));
        check(
            RunMode::Deploy,
            Some(serde_json::json!([{"vmid": "nine hundred"}])),
            0,
            Some("not a list of"),
        );
        check(
            RunMode::Plan,
            Some(serde_json::json!({"vmid": 901})),
            0,
            Some("not a list of"),
        );
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
