//! Round trips of every contract, the wire formats the contracts promise, and the inputs they must refuse.

use super::*;
use serde_json::json;

fn round_trip<T>(value: &T)
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).expect("contracts serialize");
    let back: T = serde_json::from_str(&text).expect("contracts deserialize what they serialize");
    assert_eq!(&back, value, "round trip changed the value: {text}");
}

pub(crate) fn sample_terraform_result() -> TerraformResult {
    TerraformResult {
        ok: false,
        phase: TerraformPhase::Apply,
        exit_code: Some(1),
        cancelled: false,
        changes: ChangeCounts {
            add: 5,
            change: 1,
            destroy: 1,
            replace: 1,
        },
        resource_changes: vec![ResourceChange {
            address: "null_resource.guest[\"901\"]".into(),
            action: ChangeAction::DeleteCreate,
            reason: Some("replace_because_tainted".into()),
            attributes: crate::terraform::compact::attribute_changes_of(
                Some(json!({"id": "1"})).as_ref(),
                None,
            ),
        }],
        resource_addresses: vec!["null_resource.guest[\"901\"]".into()],
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            summary: "local-exec provisioner error".into(),
            detail: "can't lock file '/var/lock/lxc/lock-901.conf' - got timeout".into(),
            address: Some("null_resource.guest[\"901\"]".into()),
        }],
        outputs: BTreeMap::from([("guests".to_string(), json!([]))]),
        log_tail: vec!["Error: exit status 1".into()],
        duration_ms: 1234,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    }
}

fn sample_hypothesis() -> Hypothesis {
    Hypothesis {
        category: Category::TransientLock,
        root_cause: "parallel container creation contends for the node's lock".into(),
        evidence: vec!["E1".into()],
        remediation: Remediation::ReduceParallelism { parallelism: 1 },
        confidence: 0.8,
    }
}

fn sample_record() -> RunRecord {
    RunRecord {
        schema_version: SCHEMA_VERSION,
        run_id: "r1".into(),
        project: "lxc-fleet".into(),
        mode: RunMode::Deploy,
        outcome: Outcome::Success,
        failure_reason: None,
        llm_calls: 1,
        cost_usd: 0.0004,
        context: RunContext {
            commit: Some("abc123".into()),
            ..RunContext::default()
        },
        transitions: vec![Transition {
            from: StateName::Init,
            to: StateName::Running,
            reason: "start, attempt 1".into(),
        }],
        attempts: vec![Attempt {
            attempt: 1,
            parallelism: 10,
            remediation_applied: None,
            terraform: sample_terraform_result(),
            validation: Some(ValidationResult::from_checks(vec![CheckResult {
                name: CheckName::GuestStatus,
                status: CheckStatus::Skip,
                detail: "runs after apply".into(),
                evidence: vec![],
            }])),
            diagnosis: Some(Diagnosis {
                catalogue_signature: None,
                cited_evidence: Vec::new(),
                source: DiagnosisSource::Llm,
                hypothesis: Some(sample_hypothesis()),
                detail: None,
                usage: vec![Usage {
                    provider: "anthropic".into(),
                    model: "claude-haiku-4-5".into(),
                    input_tokens: 1500,
                    output_tokens: 120,
                    cache_read_tokens: 0,
                    cache_write_tokens: 0,
                    cost_usd: 0.0021,
                    price: "claude-haiku-4-5: $1.00 in / $5.00 out per MTok".into(),
                    latency_ms: 900,
                }],
            }),
            validation_ms: Some(420),
            diagnosis_ms: Some(910),
        }],
        held_for_a_person: None,
        check: None,
    }
}

#[test]
fn every_contract_survives_a_json_round_trip() {
    let record = sample_record();
    round_trip(&record);
    let held = RunRecord {
        outcome: Outcome::Failed,
        held_for_a_person: Some(HeldRemediation {
            remediation: Remediation::Replace {
                address: "null_resource.guest[0]".into(),
            },
            reason: "`replace` is not run unattended".into(),
            command: "terraform -chdir=modules/p apply '-replace=null_resource.guest[0]'".into(),
        }),
        ..sample_record()
    };
    round_trip(&held);
    // A record written before the field existed still reads, and one without a held remediation does not
    // mention it.
    let text = serde_json::to_string(&record).unwrap();
    assert!(!text.contains("held_for_a_person"), "{text}");
    assert_eq!(serde_json::from_str::<RunRecord>(&text).unwrap(), record);
    round_trip(&sample_terraform_result());
    round_trip(&sample_hypothesis());
    let terraform_request = TerraformRequest {
        project: "p".into(),
        dir: "modules/p".into(),
        mode: RunMode::Deploy,
        plan_file: Some("p.tfplan".into()),
        vars: BTreeMap::new(),
        backend_config: vec!["backend.tfbackend".into()],
        parallelism: 10,
        lock_timeout: "5m".into(),
        replace: vec!["a.b".into()],
        reinit_upgrade: true,
        attempt: 2,
        guard: Default::default(),
    };
    round_trip(&terraform_request);
    let validation_request = ValidationRequest {
        project: "p".into(),
        mode: RunMode::Deploy,
        resources: vec![ResourceExpectation {
            pattern: r"a\.b".into(),
            count: 1,
        }],
        resource_addresses: vec!["a.b".into()],
        guests: vec![Guest {
            vmid: 901,
            kind: GuestKind::Lxc,
            node: None,
            name: Some("ct-901".into()),
            ipv4: Some("10.0.0.5".into()),
        }],
        guests_problem: None,
        guests_skip_reason: None,
        planned_creates: vec![],
        default_node: "pmx-01".into(),
        port: 22,
        settle_seconds: 180,
    };
    round_trip(&validation_request);
    // Deploy keeps each contract's own word on the wire, and the run record's.
    let mode_on_the_wire = |value: serde_json::Value| value["mode"].clone();
    assert_eq!(
        mode_on_the_wire(serde_json::to_value(&terraform_request).unwrap()),
        "apply"
    );
    assert_eq!(
        mode_on_the_wire(serde_json::to_value(&validation_request).unwrap()),
        "live"
    );
    assert_eq!(
        mode_on_the_wire(serde_json::to_value(&record).unwrap()),
        "deploy"
    );
    for remediation in [
        Remediation::Retry,
        Remediation::RetryAfter { seconds: 30 },
        Remediation::ReduceParallelism { parallelism: 1 },
        Remediation::ReinitUpgrade,
        Remediation::Replace {
            address: "a.b".into(),
        },
        Remediation::Escalate,
    ] {
        round_trip(&remediation);
    }
}

#[test]
fn the_design_wire_format_examples_deserialize() {
    let hypothesis: Hypothesis = serde_json::from_str(
        r#"{"category": "transient_lock", "root_cause": "...", "evidence": ["E1"], "remediation": {"action":
  "reduce_parallelism", "parallelism": 1}, "confidence": 0.8}"#,
    )
    .expect("the documented hypothesis example is valid");
    assert_eq!(hypothesis.category, Category::TransientLock);
    assert_eq!(
        hypothesis.remediation,
        Remediation::ReduceParallelism { parallelism: 1 }
    );

    let cases = [
        (r#"{"action": "retry"}"#, Remediation::Retry),
        (
            r#"{"action": "retry_after", "seconds": 600}"#,
            Remediation::RetryAfter { seconds: 600 },
        ),
        (
            r#"{"action": "reduce_parallelism", "parallelism": 1}"#,
            Remediation::ReduceParallelism { parallelism: 1 },
        ),
        (
            r#"{"action": "reinit_upgrade"}"#,
            Remediation::ReinitUpgrade,
        ),
        (
            r#"{"action": "replace", "address": "module.fleet.proxmox_virtual_environment_container.container[0]"}"#,
            Remediation::Replace {
                address: "module.fleet.proxmox_virtual_environment_container.container[0]".into(),
            },
        ),
        (r#"{"action": "escalate"}"#, Remediation::Escalate),
    ];
    for (wire, expected) in cases {
        let parsed: Remediation = serde_json::from_str(wire).expect(wire);
        assert_eq!(parsed, expected, "{wire}");
        assert_eq!(
            serde_json::to_value(&parsed).unwrap(),
            serde_json::from_str::<serde_json::Value>(wire).unwrap()
        );
    }
    for category in Category::ALL {
        let wire = format!("\"{}\"", category.as_str());
        assert_eq!(serde_json::from_str::<Category>(&wire).unwrap(), category);
    }
}

#[test]
fn actions_outside_the_closed_enum_are_refused() {
    for wire in [
        r#"{"action": "destroy"}"#,
        r#"{"action": "force_unlock", "lock_id": "x"}"#,
        r#"{"action": "shell", "command": "rm -rf /"}"#,
        r#"{"action": "reduce_parallelism", "parallelism": 1, "command": "terraform destroy"}"#,
        r#"{"action": "reduce_parallelism", "parallelism": -1}"#,
        r#"{"parallelism": 1}"#,
    ] {
        assert!(
            serde_json::from_str::<Remediation>(wire).is_err(),
            "{wire} was accepted"
        );
    }
    assert!(serde_json::from_str::<Category>("\"destroy_everything\"").is_err());
}

#[test]
fn unknown_fields_are_refused() {
    let mut value = serde_json::to_value(sample_record()).unwrap();
    value["surprise"] = json!(1);
    let error = serde_json::from_value::<RunRecord>(value)
        .unwrap_err()
        .to_string();
    assert!(error.contains("surprise"), "{error}");

    let mut hypothesis = serde_json::to_value(sample_hypothesis()).unwrap();
    hypothesis["remediation_command"] = json!("terraform destroy");
    assert!(serde_json::from_value::<Hypothesis>(hypothesis).is_err());
}

#[test]
fn every_contract_has_a_json_schema() {
    let schemas = schemas();
    assert_eq!(schemas.len(), 12);
    for (name, schema) in schemas {
        let value = serde_json::to_value(&schema).unwrap();
        assert_eq!(
            value["$schema"], "http://json-schema.org/draft-07/schema#",
            "{name}"
        );
        assert_eq!(value["title"], name, "{name}");
    }
}

#[test]
fn validation_result_ok_follows_its_checks() {
    let check = |status| CheckResult {
        name: CheckName::Reachable,
        status,
        detail: String::new(),
        evidence: vec![],
    };
    assert!(
        ValidationResult::from_checks(vec![check(CheckStatus::Pass), check(CheckStatus::Skip)]).ok
    );
    assert!(
        !ValidationResult::from_checks(vec![check(CheckStatus::Pass), check(CheckStatus::Fail)]).ok
    );
}
