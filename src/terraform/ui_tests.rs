//! Tests of the UI stream parser against streams recorded from terraform 1.0.3 and hand-written newer events.

use super::*;

const SANDBOX_PLAN: &str =
    include_str!("../../tests/fixtures/terraform-json/tf103-sandbox-ok.plan.jsonl");
const SANDBOX_APPLY: &str =
    include_str!("../../tests/fixtures/terraform-json/tf103-sandbox-ok.apply.jsonl");
const SANDBOX_NOCHANGE: &str =
    include_str!("../../tests/fixtures/terraform-json/tf103-sandbox-ok-nochange.plan.jsonl");
const SANDBOX_REPLACE: &str =
    include_str!("../../tests/fixtures/terraform-json/tf103-sandbox-ok-replace.plan.jsonl");
const VMID_CONFLICT_APPLY: &str =
    include_str!("../../tests/fixtures/terraform-json/tf103-fault-vmid-conflict.apply.jsonl");
const SENSITIVE_APPLY: &str =
    include_str!("../../tests/fixtures/terraform-json/tf103-sensitive.apply.jsonl");

fn events(stream: &str) -> Vec<UiEvent> {
    UiEventReader::new(stream.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("recorded stream parses")
}

fn summary(events: &[UiEvent]) -> ChangeSummary {
    events
        .iter()
        .find_map(|event| match &event.kind {
            UiEventKind::ChangeSummary(summary) => Some(summary.clone()),
            _ => None,
        })
        .expect("a change_summary event")
}

#[test]
fn plan_stream_starts_with_version_and_counts_changes() {
    let events = events(SANDBOX_PLAN);
    let UiEventKind::Version(version) = &events[0].kind else {
        panic!("first event is {:?}", events[0].kind);
    };
    assert_eq!(version.terraform.as_deref(), Some("1.0.3"));
    assert_eq!(version.ui, "0.1.0");
    assert_eq!(events[0].module, "terraform.ui");
    let planned: Vec<_> = events
        .iter()
        .filter_map(|event| match &event.kind {
            UiEventKind::PlannedChange(change) => {
                Some((change.resource.addr.clone(), change.action.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(planned.len(), 4);
    assert!(
        planned
            .iter()
            .all(|(_, action)| *action == UiAction::Create)
    );
    assert!(
        planned
            .iter()
            .any(|(addr, _)| addr == "null_resource.container[2]")
    );
    let summary = summary(&events);
    assert_eq!((summary.add, summary.change, summary.remove), (4, 0, 0));
    assert_eq!(summary.operation, "plan");
}

#[test]
fn apply_stream_has_hooks_provisioners_and_outputs() {
    let events = events(SANDBOX_APPLY);
    let count = |wanted: fn(&UiEventKind) -> bool| {
        events.iter().filter(|event| wanted(&event.kind)).count()
    };
    assert_eq!(count(|kind| matches!(kind, UiEventKind::ApplyStart(_))), 4);
    assert_eq!(
        count(|kind| matches!(kind, UiEventKind::ApplyComplete(_))),
        4
    );
    assert_eq!(
        count(|kind| matches!(kind, UiEventKind::ProvisionStart(_))),
        3
    );
    assert_eq!(
        count(|kind| matches!(kind, UiEventKind::ProvisionComplete(_))),
        3
    );
    let progress_lines: Vec<String> = events
        .iter()
        .filter_map(|event| match &event.kind {
            UiEventKind::ProvisionProgress(hook) => hook.output.clone(),
            _ => None,
        })
        .collect();
    assert!(
        progress_lines
            .iter()
            .any(|line| line == "created CT 201 (sandbox-1) on node pmx-01")
    );
    let complete = events
        .iter()
        .find_map(|event| match &event.kind {
            UiEventKind::ApplyComplete(hook) => Some(hook.clone()),
            _ => None,
        })
        .expect("apply_complete");
    assert_eq!(complete.id_key.as_deref(), Some("id"));
    assert_eq!(complete.action, Some(UiAction::Create));
    let summary = summary(&events);
    assert_eq!((summary.add, summary.operation.as_str()), (4, "apply"));
    let outputs = events
        .iter()
        .find_map(|event| match &event.kind {
            UiEventKind::Outputs(outputs) => Some(outputs.clone()),
            _ => None,
        })
        .expect("outputs event");
    let guests = outputs["guests"].value.as_ref().expect("guests value");
    assert_eq!(guests[1]["vmid"], 201);
}

#[test]
fn refresh_events_in_a_plan_without_changes() {
    let events = events(SANDBOX_NOCHANGE);
    assert!(
        events
            .iter()
            .any(|event| matches!(event.kind, UiEventKind::RefreshStart(_)))
    );
    assert!(
        events
            .iter()
            .any(|event| matches!(event.kind, UiEventKind::RefreshComplete(_)))
    );
    let summary = summary(&events);
    assert_eq!((summary.add, summary.change, summary.remove), (0, 0, 0));
}

#[test]
fn replace_is_its_own_stream_action_with_a_reason() {
    let events = events(SANDBOX_REPLACE);
    let replaced: Vec<_> = events
        .iter()
        .filter_map(|event| match &event.kind {
            UiEventKind::PlannedChange(change) if change.action == UiAction::Replace => {
                Some(change.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(replaced.len(), 1);
    assert_eq!(replaced[0].resource.addr, "null_resource.container[0]");
    assert_eq!(replaced[0].reason.as_deref(), Some("requested"));
}

#[test]
fn failed_apply_has_errored_hook_and_diagnostic_with_the_provider_text() {
    let events = events(VMID_CONFLICT_APPLY);
    let errored: Vec<_> = events
        .iter()
        .filter_map(|event| match &event.kind {
            UiEventKind::ApplyErrored(hook) => Some(hook.resource.addr.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(errored, ["null_resource.container[1]"]);
    let diagnostic = events
        .iter()
        .find_map(|event| match &event.kind {
            UiEventKind::Diagnostic(diagnostic) => Some(diagnostic.clone()),
            _ => None,
        })
        .expect("diagnostic");
    assert_eq!(diagnostic.severity, "error");
    assert_eq!(diagnostic.summary, "local-exec provisioner error");
    assert_eq!(
        diagnostic.address.as_deref(),
        Some("null_resource.container[1]")
    );
    assert!(
        diagnostic
            .detail
            .contains("CT 901 already exists on node 'pmx-01'")
    );
    assert_eq!(
        diagnostic
            .range
            .as_ref()
            .map(|range| range.filename.as_str()),
        Some("main.tf")
    );
}

#[test]
fn sensitive_outputs_never_keep_their_value() {
    let events = events(SENSITIVE_APPLY);
    for event in &events {
        if let UiEventKind::Outputs(outputs) = &event.kind {
            assert_eq!(
                outputs["token"].value.as_ref(),
                Some(&Value::String(SENSITIVE_PLACEHOLDER.to_owned()))
            );
            assert_eq!(
                outputs["name"].value.as_ref(),
                Some(&Value::String("visible-name".to_owned()))
            );
        }
        assert!(!format!("{:?}", event.kind).contains("SECRET-TOKEN-VALUE"));
    }
}

#[test]
fn unknown_event_types_from_newer_versions_are_kept() {
    let line = r#"{"@level":"info","@message":"Tests: 1 passed","@module":"tofu.ui","@timestamp":"2025-01-01T00:00:00Z","test_summary":{"status":"pass","passed":1},"type":"test_summary"}"#;
    let event = parse_ui_line(7, line).expect("parses").expect("an event");
    assert_eq!(event.module, "tofu.ui");
    let UiEventKind::Unknown { event_type, raw } = event.kind else {
        panic!("expected Unknown");
    };
    assert_eq!(event_type, "test_summary");
    assert_eq!(raw["test_summary"]["passed"], 1);
}

#[test]
fn newer_version_fields_are_accepted() {
    let version = r#"{"@level":"info","@message":"OpenTofu 1.8.0","@module":"tofu.ui","tofu":"1.8.0","type":"version","ui":"1.2"}"#;
    let UiEventKind::Version(info) = parse_ui_line(1, version).unwrap().unwrap().kind else {
        panic!("expected version");
    };
    assert_eq!(
        (info.tofu.as_deref(), info.terraform, info.ui.as_str()),
        (Some("1.8.0"), None, "1.2")
    );

    let summary = r#"{"@level":"info","@message":"Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.","@module":"terraform.ui","changes":{"add":0,"change":0,"import":1,"remove":0,"operation":"plan","action_invocation":0},"type":"change_summary"}"#;
    let UiEventKind::ChangeSummary(changes) = parse_ui_line(2, summary).unwrap().unwrap().kind
    else {
        panic!("expected change_summary");
    };
    assert_eq!(changes.import, Some(1));

    let moved = r#"{"@level":"info","@message":"a.b: Plan to move","@module":"terraform.ui","change":{"resource":{"addr":"a.b","module":"","resource":"a.b","implied_provider":"a","resource_type":"a","resource_name":"b","resource_key":null},"previous_resource":{"addr":"a.c","module":"","resource":"a.c","implied_provider":"a","resource_type":"a","resource_name":"c","resource_key":null},"action":"move"},"type":"planned_change"}"#;
    let UiEventKind::PlannedChange(change) = parse_ui_line(3, moved).unwrap().unwrap().kind else {
        panic!("expected planned_change");
    };
    assert_eq!(change.action, UiAction::Move);
    assert_eq!(
        change
            .previous_resource
            .map(|resource| resource.addr)
            .as_deref(),
        Some("a.c")
    );

    let forget = r#"{"@level":"info","@message":"x","@module":"terraform.ui","change":{"resource":{"addr":"a.b"},"action":"forget"},"type":"planned_change"}"#;
    let UiEventKind::PlannedChange(change) = parse_ui_line(4, forget).unwrap().unwrap().kind else {
        panic!("expected planned_change");
    };
    assert_eq!(change.action, UiAction::Other("forget".to_owned()));
}

#[test]
fn log_and_blank_lines() {
    let log =
        r#"{"@level":"info","@message":"Terraform 1.0.3","@module":"terraform.ui","type":"log"}"#;
    let event = parse_ui_line(1, log).unwrap().unwrap();
    assert_eq!(
        (event.kind, event.message.as_str()),
        (UiEventKind::Log, "Terraform 1.0.3")
    );
    assert!(parse_ui_line(2, "   \n").unwrap().is_none());
}

fn error_text(line_number: usize, line: &str) -> String {
    parse_ui_line(line_number, line)
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn malformed_lines_are_errors_naming_the_line() {
    let truncated = &SANDBOX_PLAN.lines().nth(1).unwrap()[..80];
    let message = error_text(2, truncated);
    assert!(
        message.starts_with("line 2 of Terraform's JSON output is not valid JSON"),
        "{message}"
    );
    assert!(
        message.contains("null_resource.container"),
        "quotes the line: {message}"
    );

    assert!(error_text(5, "Error: Failed to load plugin schemas").starts_with("line 5 "));
    assert!(
        error_text(6, "[1, 2]").contains("line 6 of Terraform's JSON output is not a JSON object")
    );
    assert!(
        error_text(7, r#"{"@message": "x"}"#)
            .contains("line 7 of Terraform's JSON output has no \"type\"")
    );
    let bad_body = error_text(
        8,
        r#"{"type": "planned_change", "change": {"action": "create"}}"#,
    );
    assert!(
        bad_body.contains("line 8 of Terraform's JSON output is a \"planned_change\" event"),
        "{bad_body}"
    );
    let bad_hook = error_text(9, r#"{"type": "apply_start"}"#);
    assert!(bad_hook.contains("line 9 "), "{bad_hook}");
}

#[test]
fn long_bad_lines_are_quoted_briefly() {
    let long = "x".repeat(10_000);
    let message = error_text(1, &long);
    assert!(message.len() < 400, "{} chars", message.len());
    assert!(message.ends_with('…'));
}

#[test]
fn the_reader_counts_lines_including_blank_ones() {
    let stream = format!("{}\n\n{{broken\n", SANDBOX_PLAN.lines().next().unwrap());
    let mut reader = UiEventReader::new(stream.as_bytes());
    assert!(matches!(reader.next(), Some(Ok(_))));
    match reader.next() {
        Some(Err(UiLineError::NotJson { line_number, .. })) => assert_eq!(line_number, 3),
        other => panic!("expected an error on line 3, got {other:?}"),
    }
    assert!(reader.next().is_none());
}

#[test]
fn the_state_lock_wait_line_is_a_log_event_not_an_unreadable_line() {
    // terraform 1.0.3 prints it on stdout, outside the JSON, while plan waits for a lock held in DynamoDB.
    let event = parse_ui_line(2, "Acquiring state lock. This may take a few moments...\n")
        .expect("known line")
        .expect("an event");
    assert_eq!(event.kind, UiEventKind::Log);
    assert_eq!(
        event.message,
        "Acquiring state lock. This may take a few moments..."
    );
    assert!(parse_ui_line(3, "Acquiring something else").is_err());
}

#[test]
fn the_sensitive_values_of_an_outputs_line_are_handed_out_for_the_redactor_only() {
    let outputs_line = SENSITIVE_APPLY
        .lines()
        .find(|line| line.contains(r#""type":"outputs""#))
        .expect("the apply prints its outputs");
    assert_eq!(
        sensitive_output_values(outputs_line),
        [serde_json::json!("SECRET-TOKEN-VALUE")]
    );
    // The event itself keeps it masked, and no other line gives anything.
    let event = parse_ui_line(1, outputs_line).unwrap().unwrap();
    assert!(!format!("{event:?}").contains("SECRET-TOKEN-VALUE"));
    for line in SENSITIVE_APPLY
        .lines()
        .filter(|line| !line.contains(r#""type":"outputs""#))
    {
        assert!(sensitive_output_values(line).is_empty(), "{line}");
    }
    assert!(sensitive_output_values("not json").is_empty());
}

#[test]
fn the_compact_progress_view_is_one_line_per_resource_change_the_summary_and_errors() {
    let shown = |stream: &str| -> Vec<String> {
        events(stream)
            .into_iter()
            .filter(|event| event.kind.shows_progress())
            .map(|event| event.message)
            .collect()
    };
    let apply = shown(VMID_CONFLICT_APPLY);
    let completes = apply
        .iter()
        .filter(|line| line.contains("Creation complete"))
        .count();
    assert_eq!(completes, 2, "{apply:#?}");
    assert!(
        apply.iter().any(|line| line.starts_with("Error: ")),
        "the error is shown: {apply:#?}"
    );
    assert!(
        !apply.iter().any(|line| line.ends_with("Creating...")
            || line.contains("Still creating")
            || line.starts_with("Terraform ")),
        "starts, ticks and the version are detail: {apply:#?}"
    );
    let all_apply = events(VMID_CONFLICT_APPLY).len();
    assert!(
        apply.len() < all_apply,
        "{} of {all_apply} lines",
        apply.len()
    );
    let plan = shown(SANDBOX_PLAN);
    assert_eq!(
        plan.iter()
            .filter(|line| line.ends_with("Plan to create"))
            .count(),
        4,
        "{plan:#?}"
    );
    assert!(
        plan.iter().any(|line| line.starts_with("Plan: 4 to add")),
        "{plan:#?}"
    );
    assert!(
        shown(SANDBOX_NOCHANGE)
            .iter()
            .all(|line| !line.contains("Refreshing")),
        "refreshes are detail"
    );
}
