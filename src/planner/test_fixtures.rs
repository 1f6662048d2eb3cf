//! The requests, results and planned changes the planner's unit tests (and the apply guard's) start from, so each
//! test names only what it changes.

use crate::contracts::{
    ChangeAction, ChangeCounts, ResourceChange, RunMode, TerraformPhase, TerraformRequest,
    TerraformResult,
};

/// The first request of a deploy of the `sandbox` project, with parallelism 10.
pub fn first_request() -> TerraformRequest {
    TerraformRequest {
        project: "sandbox".into(),
        dir: "tests/fixtures/sandbox-ok".into(),
        mode: RunMode::Deploy,
        plan_file: None,
        vars: Default::default(),
        backend_config: vec![],
        parallelism: 10,
        lock_timeout: "5m".into(),
        replace: vec![],
        reinit_upgrade: false,
        attempt: 1,
        guard: Default::default(),
    }
}

/// A successful apply that added two guests and lists one of them in its `guests` output.
pub fn applied() -> TerraformResult {
    TerraformResult {
        ok: true,
        phase: TerraformPhase::Apply,
        exit_code: Some(0),
        cancelled: false,
        changes: ChangeCounts {
            add: 2,
            ..ChangeCounts::default()
        },
        resource_changes: vec![],
        resource_addresses: vec![
            "null_resource.guest[0]".into(),
            "null_resource.guest[1]".into(),
        ],
        diagnostics: vec![],
        outputs: [(
            "guests".to_string(),
            serde_json::json!([{"vmid": 901, "kind": "lxc", "ipv4": "127.0.0.1"}]),
        )]
        .into_iter()
        .collect(),
        log_tail: vec![],
        duration_ms: 10,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    }
}

/// A plan's resource changes: each address with its action, no reason and no values.
pub fn planned_changes(changes: &[(&str, ChangeAction)]) -> Vec<ResourceChange> {
    changes
        .iter()
        .map(|(address, action)| ResourceChange {
            address: address.to_string(),
            action: *action,
            reason: None,
            attributes: crate::terraform::compact::attribute_changes_of(None, None),
        })
        .collect()
}
