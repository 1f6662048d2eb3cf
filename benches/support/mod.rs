//! What the benches and the example binaries share: the plan-ingestion path as the Terraform agent and the
//! reporter walk it, and a synthetic UI stream in Terraform's documented shape.
//!
//! Included with `#[path]` by `benches/*.rs` and `examples/*.rs`, so the criterion figures and the whole-process
//! figures (time, peak memory) measure the same code.

#![allow(dead_code)]

use agentlab::contracts::{
    Attempt, ChangeCounts, Outcome, RunContext, RunMode, RunRecord, SCHEMA_VERSION, TerraformPhase,
    TerraformResult,
};
use agentlab::redact::Redactor;
use agentlab::render::RenderOptions;
use agentlab::report::{OutboxSettings, Post, outbox};
use agentlab::terraform::compact::redact_attribute_changes;
use agentlab::terraform::plan::{PlanJsonError, PlanSummary, parse_plan_json, read_plan_json};
use agentlab::terraform::review::plan_identity;

/// What one ingestion produced, for printing and for keeping the optimiser honest.
pub struct Ingested {
    pub changes: usize,
    pub counts: ChangeCounts,
    pub comment: String,
}

/// `show -json` text → parsed plan → redacted result → run record → budgeted PR comment, redacted.
///
/// This is the path of a plan run: `terraform::phases` parses the document, takes the plan's identity (unkeyed
/// here) and teaches the redactor the plan's sensitive values, `into_result` redacts every attribute value, and
/// the reporter renders and redacts the comment.
pub fn ingest_plan(json: &str) -> Result<Ingested, PlanJsonError> {
    Ok(ingest_parsed_plan(parse_plan_json(json)?))
}

/// [`ingest_plan`] of a document read as it streams from `reader` (a pipe, a file), as the Terraform agent reads
/// `show -json` from Terraform's stdout: the text is never held whole.
pub fn ingest_plan_from_reader(reader: impl std::io::Read) -> Result<Ingested, PlanJsonError> {
    Ok(ingest_parsed_plan(read_plan_json(reader)?))
}

fn ingest_parsed_plan(mut plan: PlanSummary) -> Ingested {
    let plan_identity = plan_identity(&plan.identity_material, None);
    // The run keeps the identity, not the material it was made of.
    plan.identity_material = Default::default();
    let mut redactor = Redactor::new();
    for value in plan.sensitive_values.iter() {
        redactor.add_secret_json(value);
    }
    let mut resource_changes = plan.resource_changes;
    redact_attribute_changes(&mut resource_changes, &redactor);
    let changes = resource_changes.len();
    let counts = plan.counts;
    let record = plan_record(TerraformResult {
        ok: true,
        phase: TerraformPhase::Plan,
        exit_code: Some(2),
        cancelled: false,
        changes: plan.counts,
        resource_changes,
        resource_addresses: plan.planned_addresses,
        diagnostics: Vec::new(),
        outputs: plan.planned_outputs,
        log_tail: Vec::new(),
        duration_ms: 0,
        plan_identity: Some(plan_identity),
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    });
    // The text that would be posted first, through the one way out: the Outbox renders, fits and redacts it.
    let settings = OutboxSettings::new(
        RenderOptions::default().full_text_location,
        std::path::PathBuf::from("bench"),
        false,
    );
    let comment = match outbox(std::slice::from_ref(&record), &settings, &redactor)
        .posts
        .swap_remove(0)
    {
        Post::Comment(comment) => comment.bodies.into_iter().next().unwrap_or_default(),
        Post::Incident(incident) => incident.bodies.into_iter().next().unwrap_or_default(),
        Post::Recovery(recovery) => recovery.body,
        Post::Problem(problem) => problem.first_text().to_string(),
    };
    Ingested {
        changes,
        counts,
        comment,
    }
}

fn plan_record(terraform: TerraformResult) -> RunRecord {
    RunRecord {
        schema_version: SCHEMA_VERSION,
        run_id: "bench".to_string(),
        project: "bench".to_string(),
        mode: RunMode::Plan,
        outcome: Outcome::Success,
        failure_reason: None,
        llm_calls: 0,
        cost_usd: 0.0,
        context: RunContext::default(),
        transitions: Vec::new(),
        attempts: vec![Attempt {
            attempt: 1,
            parallelism: 10,
            remediation_applied: None,
            terraform,
            validation: None,
            diagnosis: None,
            validation_ms: None,
            diagnosis_ms: None,
        }],
        held_for_a_person: None,
        check: None,
    }
}

/// A `plan -json` UI stream of `resources` creates, in the shape Terraform 1.0.x prints (docs: "Machine-Readable
/// UI"): version, one planned_change per resource, then apply_start/apply_complete per resource, change_summary.
pub fn ui_stream(resources: usize) -> String {
    let mut stream = String::new();
    stream.push_str(r#"{"@level":"info","@message":"Terraform 1.0.3","@module":"terraform.ui","@timestamp":"2026-11-30T22:00:00.000000Z","terraform":"1.0.3","type":"version","ui":"0.1.0"}"#);
    stream.push('\n');
    for index in 0..resources {
        let resource = format!(
            r#"{{"addr":"null_resource.guest[{index}]","module":"","resource":"null_resource.guest[{index}]","implied_provider":"null","resource_type":"null_resource","resource_name":"guest","resource_key":{index}}}"#
        );
        stream.push_str(&format!(
            r#"{{"@level":"info","@message":"null_resource.guest[{index}]: Plan to create","@module":"terraform.ui","@timestamp":"2026-11-30T22:00:00.000000Z","change":{{"resource":{resource},"action":"create"}},"type":"planned_change"}}"#
        ));
        stream.push('\n');
        stream.push_str(&format!(
            r#"{{"@level":"info","@message":"null_resource.guest[{index}]: Creating...","@module":"terraform.ui","@timestamp":"2026-11-30T22:00:00.000000Z","hook":{{"resource":{resource},"action":"create"}},"type":"apply_start"}}"#
        ));
        stream.push('\n');
        stream.push_str(&format!(
            r#"{{"@level":"info","@message":"null_resource.guest[{index}]: Creation complete after 0s [id=4242]","@module":"terraform.ui","@timestamp":"2026-11-30T22:00:00.000000Z","hook":{{"resource":{resource},"action":"create","id_key":"id","id_value":"4242","elapsed_seconds":0}},"type":"apply_complete"}}"#
        ));
        stream.push('\n');
    }
    stream.push_str(&format!(
        r#"{{"@level":"info","@message":"Apply complete! Resources: {resources} added, 0 changed, 0 destroyed.","@module":"terraform.ui","@timestamp":"2026-11-30T22:00:00.000000Z","changes":{{"add":{resources},"change":0,"remove":0,"operation":"apply"}},"type":"change_summary"}}"#
    ));
    stream.push('\n');
    stream
}

/// A `terraform show -json PLANFILE` document of `resources` null_resource creates, in the shape Terraform 1.0.3
/// prints (format 0.2): the same keys and nesting as a plan of `count = N` null resources made by
/// `scripts/bench`, for benches that must run without Terraform.
pub fn synthetic_plan(resources: usize) -> String {
    synthetic_plan_of(resources, false)
}

/// [`synthetic_plan`] where every resource also has its own sensitive trigger (a per-guest password), marked the
/// way Terraform marks a value built from a `sensitive` variable.
pub fn synthetic_plan_with_secrets(resources: usize) -> String {
    synthetic_plan_of(resources, true)
}

fn synthetic_plan_of(resources: usize, secrets: bool) -> String {
    use serde_json::{Value, json};
    let triggers = |index: usize| {
        let mut triggers = json!({"cores": "2", "memory": "2048", "name": format!("guest-{index}"),
            "node": "pmx-01", "vmid": (1000 + index).to_string()});
        if secrets {
            triggers["password"] = json!(format!(
                "guest-{index}-s3cr3t-{:08x}",
                index * 2_654_435_761 % (1 << 32)
            ));
        }
        triggers
    };
    let marker = if secrets {
        json!({"triggers": {"password": true}})
    } else {
        json!({"triggers": {}})
    };
    let planned: Vec<Value> = (0..resources)
        .map(|index| {
            json!({"address": format!("null_resource.guest[{index}]"), "mode": "managed",
                   "type": "null_resource", "name": "guest", "index": index,
                   "provider_name": "registry.terraform.io/hashicorp/null", "schema_version": 0,
                   "values": {"triggers": triggers(index)}, "sensitive_values": marker.clone()})
        })
        .collect();
    let changes: Vec<Value> = (0..resources)
        .map(|index| {
            json!({"address": format!("null_resource.guest[{index}]"), "mode": "managed",
                   "type": "null_resource", "name": "guest", "index": index,
                   "provider_name": "registry.terraform.io/hashicorp/null",
                   "change": {"actions": ["create"], "before": null, "after": {"triggers": triggers(index)},
                              "after_unknown": {"id": true, "triggers": {}}, "before_sensitive": false,
                              "after_sensitive": marker.clone()}})
        })
        .collect();
    json!({
        "format_version": "0.2",
        "terraform_version": "1.0.3",
        "variables": {"n": {"value": resources.to_string()}},
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"null": {"name": "null", "version_constraint": "2.1.2"}},
            "root_module": {"resources": [{"address": "null_resource.guest", "mode": "managed",
                "type": "null_resource", "name": "guest", "provider_config_key": "null",
                "expressions": {"triggers": {"references": ["count.index", "count.index"]}},
                "schema_version": 0, "count_expression": {"references": ["var.n"]}}],
                "variables": {"n": {}}}}
    })
    .to_string()
}
