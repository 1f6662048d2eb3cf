//! Example run records: a plan with replacements, a clean plan, a recovered deploy, a failed deploy and plans too
//! large for one comment. The render snapshots, the report and Actions unit tests and the GitHub flow tests
//! (tests/it) share them, so they live in the library, but only in test builds and with the `test-support`
//! feature: nothing shipped renders them.

use serde_json::json;

use crate::contracts::{
    Attempt, Category, ChangeAction, ChangeCounts, CheckName, CheckResult, CheckStatus,
    CitedEvidence, Diagnosis, DiagnosisSource, Diagnostic, Hypothesis, Outcome, Remediation,
    ResourceChange, RunContext, RunMode, RunRecord, SCHEMA_VERSION, Severity, StateName,
    TerraformPhase, TerraformResult, Transition, Usage, ValidationResult,
};

fn context(pull_request: Option<u64>) -> RunContext {
    RunContext {
        repository: Some("Codertocat/Hello-World".to_string()),
        commit: Some("ec26c3e57ca3a959ca5aad62de7213c562f8c821".to_string()),
        pull_request,
        run_url: Some("https://github.com/Codertocat/Hello-World/actions/runs/42".to_string()),
        review_stamp: None,
        configuration_note: None,
        started_at: None,
        finished_at: None,
    }
}

fn terraform_ok(phase: TerraformPhase, changes: Vec<ResourceChange>) -> TerraformResult {
    let mut counts = ChangeCounts::default();
    for change in &changes {
        match change.action {
            ChangeAction::Create => counts.add += 1,
            ChangeAction::Update => counts.change += 1,
            ChangeAction::Delete => counts.destroy += 1,
            ChangeAction::DeleteCreate | ChangeAction::CreateDelete => counts.replace += 1,
            _ => {}
        }
    }
    TerraformResult {
        ok: true,
        phase,
        exit_code: Some(0),
        cancelled: false,
        changes: counts,
        resource_changes: changes,
        resource_addresses: Vec::new(),
        diagnostics: Vec::new(),
        outputs: Default::default(),
        log_tail: Vec::new(),
        duration_ms: 1200,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    }
}

fn lock_timeout_failure() -> TerraformResult {
    let mut result = terraform_ok(TerraformPhase::Apply, fleet_changes());
    result.ok = false;
    result.exit_code = Some(1);
    result.diagnostics = vec![Diagnostic {
        severity: Severity::Error,
        summary: "error creating container: can't lock file '/var/lock/qemu-server/lock-103.conf' - got timeout".to_string(),
        detail: "The node was busy cloning another guest.".to_string(),
        address: Some("proxmox_virtual_environment_container.container[2]".to_string()),
    }];
    result
}

fn fleet_changes() -> Vec<ResourceChange> {
    vec![
        ResourceChange {
            address: "proxmox_virtual_environment_container.container[0]".to_string(),
            action: ChangeAction::Create,
            reason: None,
            attributes: crate::terraform::compact::attribute_changes_of(None, Some(json!({"node_name": "pmx-01", "vm_id": 101, "started": true,
                "initialization": {"hostname": "web-0", "user_account": {"password": "[REDACTED]"}}})).as_ref()),
        },
        ResourceChange {
            address: "proxmox_virtual_environment_container.container[1]".to_string(),
            action: ChangeAction::Update,
            reason: None,
            attributes: crate::terraform::compact::attribute_changes_of(Some(
                json!({"node_name": "pmx-01", "vm_id": 102, "cpu": {"cores": 1}, "tags": ["web"]}),
            ).as_ref(), Some(
                json!({"node_name": "pmx-01", "vm_id": 102, "cpu": {"cores": 2}, "tags": ["web", "prod"]}),
            ).as_ref()),
        },
        ResourceChange {
            address: "proxmox_virtual_environment_container.container[2]".to_string(),
            action: ChangeAction::DeleteCreate,
            reason: Some("replace_because_cannot_update".to_string()),
            attributes: crate::terraform::compact::attribute_changes_of(Some(
                json!({"node_name": "pmx-01", "vm_id": 103, "operating_system": {"template_file_id": "local:vztmpl/debian-12.tar.zst"}}),
            ).as_ref(), Some(
                json!({"node_name": "pmx-01", "vm_id": 103, "operating_system": {"template_file_id": "local:vztmpl/debian-13.tar.zst"}}),
            ).as_ref()),
        },
        ResourceChange {
            address: "null_resource.old_marker".to_string(),
            action: ChangeAction::Delete,
            reason: None,
            attributes: crate::terraform::compact::attribute_changes_of(Some(json!({"id": "123"})).as_ref(), None),
        },
        ResourceChange {
            address: "data.proxmox_virtual_environment_nodes.all".to_string(),
            action: ChangeAction::Read,
            reason: None,
            attributes: crate::terraform::compact::attribute_changes_of(None, None),
        },
    ]
}

fn validation(statuses: &[(CheckName, CheckStatus, &str)]) -> ValidationResult {
    ValidationResult::from_checks(
        statuses
            .iter()
            .map(|(name, status, detail)| CheckResult {
                name: *name,
                status: *status,
                detail: detail.to_string(),
                evidence: if *status == CheckStatus::Fail {
                    vec![
                        "GET /nodes/pmx-01/lxc/103/status/current → status \"stopped\"".to_string(),
                    ]
                } else {
                    Vec::new()
                },
            })
            .collect(),
    )
}

fn plan_validation() -> ValidationResult {
    validation(&[
        (
            CheckName::Resources,
            CheckStatus::Pass,
            "3 of 3 expected `container[N]` addresses planned",
        ),
        (
            CheckName::GuestStatus,
            CheckStatus::Skip,
            "guests do not exist before apply",
        ),
        (
            CheckName::IpAssigned,
            CheckStatus::Skip,
            "guests do not exist before apply",
        ),
        (
            CheckName::Reachable,
            CheckStatus::Skip,
            "guests do not exist before apply",
        ),
    ])
}

fn transitions(path: &[(StateName, StateName, &str)]) -> Vec<Transition> {
    path.iter()
        .map(|(from, to, reason)| Transition {
            from: *from,
            to: *to,
            reason: reason.to_string(),
        })
        .collect()
}

fn usage(input: u64, output: u64, cost: f64) -> Usage {
    Usage {
        provider: "anthropic".to_string(),
        model: "claude-haiku-4-5".to_string(),
        input_tokens: input,
        output_tokens: output,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        cost_usd: cost,
        price: "claude-haiku-4-5: $1.00 in / $5.00 out per MTok (table 2026-11)".to_string(),
        latency_ms: 900,
    }
}

/// What the lock hypothesis cites, as the diagnosis was shown it.
fn lock_evidence() -> Vec<CitedEvidence> {
    vec![
        CitedEvidence {
            id: "E1".to_string(),
            title: "failing phase".to_string(),
            excerpt: "project lxc-fleet, deploy run, attempt 1: terraform apply failed (last Terraform phase: apply, exit code 1)".to_string(),
        },
        CitedEvidence {
            id: "E3".to_string(),
            title: "Terraform stderr and log tail".to_string(),
            excerpt: "proxmox_virtual_environment_container.container[2]: Creating...".to_string(),
        },
    ]
}

fn lock_hypothesis() -> Hypothesis {
    Hypothesis {
        category: Category::TransientLock,
        root_cause: "Parallel container creation held the node's config lock past the timeout."
            .to_string(),
        evidence: vec!["E1".to_string(), "E3".to_string()],
        remediation: Remediation::ReduceParallelism { parallelism: 1 },
        confidence: 0.85,
    }
}

/// Attempt 1 of a deploy at parallelism 10, its apply stopped by the lock timeout, diagnosed as `diagnosis`.
fn first_attempt_timed_out(diagnosis: Diagnosis) -> Attempt {
    Attempt {
        attempt: 1,
        parallelism: 10,
        remediation_applied: None,
        terraform: lock_timeout_failure(),
        validation: None,
        diagnosis: Some(diagnosis),
        validation_ms: None,
        diagnosis_ms: Some(900),
    }
}

fn record(mode: RunMode, outcome: Outcome, attempts: Vec<Attempt>) -> RunRecord {
    let llm_calls = attempts
        .iter()
        .filter_map(|attempt| attempt.diagnosis.as_ref())
        .map(Diagnosis::llm_calls)
        .sum();
    let cost_usd = attempts
        .iter()
        .filter_map(|attempt| attempt.diagnosis.as_ref())
        .map(Diagnosis::cost_usd)
        .sum();
    RunRecord {
        schema_version: SCHEMA_VERSION,
        run_id: "run-0001".to_string(),
        project: "lxc-fleet".to_string(),
        mode,
        outcome,
        failure_reason: None,
        llm_calls,
        cost_usd,
        context: context(Some(2)),
        transitions: Vec::new(),
        attempts,
        held_for_a_person: None,
        check: None,
    }
}

/// A plan that creates, updates, replaces and destroys, with passing and skipped checks: 0 LLM calls.
pub fn plan_with_replacements() -> RunRecord {
    let mut record = record(
        RunMode::Plan,
        Outcome::Success,
        vec![Attempt {
            attempt: 1,
            parallelism: 10,
            remediation_applied: None,
            terraform: terraform_ok(TerraformPhase::Plan, fleet_changes()),
            validation: Some(plan_validation()),
            diagnosis: None,
            validation_ms: None,
            diagnosis_ms: None,
        }],
    );
    record.transitions = transitions(&[
        (StateName::Init, StateName::Running, "start, attempt 1"),
        (
            StateName::Running,
            StateName::Validating,
            "terraform succeeded",
        ),
        (
            StateName::Validating,
            StateName::Success,
            "validation passed",
        ),
    ]);
    record
}

/// A plan with nothing to do.
pub fn plan_without_changes() -> RunRecord {
    let mut record = plan_with_replacements();
    record.attempts[0].terraform = terraform_ok(TerraformPhase::Plan, Vec::new());
    record
}

/// A deploy whose apply hit a lock timeout, was diagnosed by the catalogue and recovered with parallelism 1.
pub fn deploy_recovered() -> RunRecord {
    record(
        RunMode::Deploy,
        Outcome::Success,
        vec![
            first_attempt_timed_out(Diagnosis {
                source: DiagnosisSource::Catalog,
                hypothesis: Some(lock_hypothesis()),
                detail: Some("known failure: proxmox lock timeout".to_string()),
                usage: Vec::new(),
                catalogue_signature: Some("proxmox-node-lock-timeout".to_string()),
                cited_evidence: lock_evidence(),
            }),
            Attempt {
                attempt: 2,
                parallelism: 1,
                remediation_applied: Some(Remediation::ReduceParallelism { parallelism: 1 }),
                terraform: terraform_ok(TerraformPhase::Apply, fleet_changes()),
                validation: Some(validation(&[
                    (CheckName::Resources, CheckStatus::Pass, "3 of 3 in state"),
                    (
                        CheckName::GuestStatus,
                        CheckStatus::Pass,
                        "3 guests running",
                    ),
                    (
                        CheckName::IpAssigned,
                        CheckStatus::Pass,
                        "3 guests have an IPv4 address",
                    ),
                    (
                        CheckName::Reachable,
                        CheckStatus::Pass,
                        "3 of 3 answered on port 22",
                    ),
                ])),
                diagnosis: None,
                validation_ms: None,
                diagnosis_ms: None,
            },
        ],
    )
}

/// A deploy that failed twice with the same LLM hypothesis and ended in Failed.
pub fn deploy_failed() -> RunRecord {
    let llm_diagnosis = |input, output, cost| Diagnosis {
        source: DiagnosisSource::Llm,
        hypothesis: Some(lock_hypothesis()),
        detail: None,
        usage: vec![usage(input, output, cost)],
        catalogue_signature: None,
        cited_evidence: lock_evidence(),
    };
    let mut record = record(
        RunMode::Deploy,
        Outcome::Failed,
        vec![
            first_attempt_timed_out(llm_diagnosis(3100, 180, 0.004)),
            Attempt {
                attempt: 2,
                parallelism: 1,
                remediation_applied: Some(Remediation::ReduceParallelism { parallelism: 1 }),
                terraform: lock_timeout_failure(),
                validation: None,
                diagnosis: Some(llm_diagnosis(3400, 170, 0.0043)),
                validation_ms: None,
                diagnosis_ms: Some(1_250),
            },
        ],
    );
    record.failure_reason = Some(
        "repeated hypothesis: transient_lock with reduce_parallelism was already tried".to_string(),
    );
    record.context.started_at = Some("2026-11-30T21:04:09Z".to_string());
    record.context.finished_at = Some("2026-11-30T21:06:47Z".to_string());
    record
}

/// A plan creating `count` resources, each with a large attribute set, to push a comment past its budget.
pub fn plan_with_many_resources(count: usize, attribute_bytes: usize) -> RunRecord {
    let mut record = plan_with_replacements();
    let changes = (0..count)
        .map(|index| ResourceChange {
            address: format!("null_resource.bulk[{index}]"),
            action: if index % 50 == 0 {
                ChangeAction::Delete
            } else {
                ChangeAction::Create
            },
            reason: None,
            attributes: crate::terraform::compact::attribute_changes_of(
                None,
                Some(json!({"triggers": {"payload": "x".repeat(attribute_bytes)}})).as_ref(),
            ),
        })
        .collect();
    record.attempts[0].terraform = terraform_ok(TerraformPhase::Plan, changes);
    record
}
