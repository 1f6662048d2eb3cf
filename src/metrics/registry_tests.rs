//! What a sample run record turns into, and that no free text ever becomes a label value.

use super::*;
use crate::metrics::exposition::{encode_prometheus_text, sample_labels};

const RUN_ID: &str = "run-7f3c2a91-4d0e-4b7a-9a51-2c8e1f6b0d33";
const ROOT_CAUSE: &str = "Parallel clones contend for the node's configuration lock";
const FAILURE_REASON: &str = "ip-assigned failed after 2 attempts";
const TERRAFORM_ERROR: &str = "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout";
const TRANSITION_REASON: &str = "terraform apply failed with 1 error";
const CHECK_DETAIL: &str = "guest 101 has no IPv4 address on eth0";

fn sample_record() -> RunRecord {
    let record = serde_json::json!({
        "schema_version": 1,
        "run_id": RUN_ID,
        "project": "lxc-fleet",
        "mode": "deploy",
        "outcome": "failed",
        "failure_reason": FAILURE_REASON,
        "llm_calls": 2,
        "cost_usd": 0.0058,
        "transitions": [
            {"from": "init", "to": "running", "reason": "start"},
            {"from": "running", "to": "diagnosing", "reason": TRANSITION_REASON},
            {"from": "diagnosing", "to": "running", "reason": ROOT_CAUSE},
            {"from": "running", "to": "validating", "reason": "apply succeeded"},
            {"from": "validating", "to": "diagnosing", "reason": CHECK_DETAIL},
            {"from": "diagnosing", "to": "failed", "reason": FAILURE_REASON}
        ],
        "attempts": [
            {
                "attempt": 1,
                "parallelism": 10,
                "terraform": {
                    "ok": false, "phase": "apply", "exit_code": 1, "duration_ms": 90500,
                    "diagnostics": [{"severity": "error", "summary": TERRAFORM_ERROR}]
                },
                "diagnosis": {
                    "source": "llm",
                    "hypothesis": {
                        "category": "transient_lock", "root_cause": ROOT_CAUSE, "evidence": ["E1"],
                        "remediation": {"action": "reduce_parallelism", "parallelism": 2}, "confidence": 0.8
                    },
                    "usage": [
                        {"provider": "anthropic", "model": "claude-haiku-4-5", "input_tokens": 1200,
                         "output_tokens": 300, "cache_read_tokens": 800, "cost_usd": 0.0031,
                         "price": "claude-haiku-4-5: $1.00 in / $5.00 out per MTok", "latency_ms": 2100},
                        {"provider": "anthropic", "model": "claude-haiku-4-5", "input_tokens": 1500,
                         "output_tokens": 250, "cache_write_tokens": 40, "cost_usd": 0.0027,
                         "price": "claude-haiku-4-5: $1.00 in / $5.00 out per MTok", "latency_ms": 1900}
                    ]
                }
            },
            {
                "attempt": 2,
                "parallelism": 2,
                "remediation_applied": {"action": "reduce_parallelism", "parallelism": 2},
                "terraform": {"ok": true, "phase": "apply", "exit_code": 0, "duration_ms": 45000},
                "validation": {
                    "ok": false,
                    "checks": [
                        {"name": "resources", "status": "pass", "detail": "3 of 3"},
                        {"name": "guest-status", "status": "pass", "detail": "running"},
                        {"name": "ip-assigned", "status": "fail", "detail": CHECK_DETAIL,
                         "evidence": [TERRAFORM_ERROR]},
                        {"name": "reachable", "status": "skip", "detail": "no address"}
                    ]
                },
                "diagnosis": {"source": "catalog", "detail": "known failure"}
            }
        ]
    });
    serde_json::from_value(record).expect("the sample record matches the contract")
}

fn exposition(metrics: &RunMetrics) -> String {
    encode_prometheus_text(metrics.registry()).expect("the registry encodes")
}

/// The value of the sample `name` whose label set is exactly `labels`, or `None`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut wanted: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    wanted.sort();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| line.split(['{', ' ']).next() == Some(name))
        .find(|line| {
            let mut found = sample_labels(line);
            found.sort();
            found == wanted
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[test]
fn a_sample_record_is_counted_once_per_fact() {
    let metrics = RunMetrics::new();
    metrics.record_run(&sample_record());
    let text = exposition(&metrics);
    let check = |name: &str, labels: &[(&str, &str)], expected: f64| {
        let found = sample(&text, name, labels);
        assert_eq!(found, Some(expected), "{name} {labels:?} in\n{text}");
    };
    let project = ("project", "lxc-fleet");
    check(
        "agentlab_runs_total",
        &[project, ("mode", "deploy"), ("outcome", "failed")],
        1.0,
    );
    check(
        "agentlab_retries_total",
        &[project, ("mode", "deploy")],
        1.0,
    );
    for (from, to) in [
        ("init", "running"),
        ("running", "diagnosing"),
        ("diagnosing", "running"),
        ("running", "validating"),
        ("validating", "diagnosing"),
        ("diagnosing", "failed"),
    ] {
        check(
            "agentlab_state_transitions_total",
            &[project, ("from", from), ("to", to)],
            1.0,
        );
    }
    let llm = [
        project,
        ("provider", "anthropic"),
        ("model", "claude-haiku-4-5"),
    ];
    check("agentlab_llm_calls_total", &llm, 2.0);
    for (direction, tokens) in [
        ("input", 2700.0),
        ("output", 550.0),
        ("cache_read", 800.0),
        ("cache_write", 40.0),
    ] {
        let mut labels = llm.to_vec();
        labels.push(("direction", direction));
        check("agentlab_llm_tokens_total", &labels, tokens);
    }
    let cost = sample(&text, "agentlab_llm_cost_dollars_total", &llm).unwrap();
    assert!((cost - 0.0058).abs() < 1e-12, "{cost}");
    let phase = [project, ("phase", "apply")];
    check("agentlab_terraform_duration_seconds_count", &phase, 2.0);
    check("agentlab_terraform_duration_seconds_sum", &phase, 135.5);
    let bucket = |le: &'static str| [project, ("phase", "apply"), ("le", le)];
    check(
        "agentlab_terraform_duration_seconds_bucket",
        &bucket("30.0"),
        0.0,
    );
    check(
        "agentlab_terraform_duration_seconds_bucket",
        &bucket("60.0"),
        1.0,
    );
    check(
        "agentlab_terraform_duration_seconds_bucket",
        &bucket("120.0"),
        2.0,
    );
    for (check_name, status) in [
        ("resources", "pass"),
        ("guest-status", "pass"),
        ("ip-assigned", "fail"),
        ("reachable", "skip"),
    ] {
        check(
            "agentlab_validation_checks_total",
            &[project, ("check", check_name), ("status", status)],
            1.0,
        );
    }
}

#[test]
fn recording_two_runs_adds_up() {
    let metrics = RunMetrics::new();
    let mut second = sample_record();
    second.outcome = Outcome::Success;
    second.attempts.truncate(1);
    metrics.record_run(&sample_record());
    metrics.record_run(&second);
    let text = exposition(&metrics);
    let runs = |outcome| {
        sample(
            &text,
            "agentlab_runs_total",
            &[
                ("project", "lxc-fleet"),
                ("mode", "deploy"),
                ("outcome", outcome),
            ],
        )
    };
    assert_eq!(runs("failed"), Some(1.0));
    assert_eq!(runs("success"), Some(1.0));
    // The second run had no retry: the total stays at the first run's one.
    assert_eq!(
        sample(
            &text,
            "agentlab_retries_total",
            &[("project", "lxc-fleet"), ("mode", "deploy")]
        ),
        Some(1.0)
    );
}

#[test]
fn no_run_id_hypothesis_or_error_text_reaches_the_exposition() {
    let metrics = RunMetrics::new();
    metrics.record_run(&sample_record());
    metrics
        .record_eval_result("lock-timeout", "claude-haiku-4-5", 0.75, 0.02)
        .unwrap();
    let text = exposition(&metrics);
    for free_text in [
        RUN_ID,
        "7f3c2a91",
        ROOT_CAUSE,
        FAILURE_REASON,
        TERRAFORM_ERROR,
        TRANSITION_REASON,
        CHECK_DETAIL,
        "known failure",
        "per MTok",
    ] {
        assert!(
            !text.contains(free_text),
            "`{free_text}` leaked into\n{text}"
        );
    }
    let allowed = [
        "project",
        "mode",
        "outcome",
        "from",
        "to",
        "direction",
        "phase",
        "check",
        "status",
        "model",
        "scenario",
        "provider",
        "le",
    ];
    let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(samples.len() > 20, "{text}");
    for line in samples {
        for (name, _) in sample_labels(line) {
            assert!(allowed.contains(&name.as_str()), "label `{name}` in {line}");
        }
    }
}

#[test]
fn names_follow_prometheus_conventions() {
    let metrics = RunMetrics::new();
    metrics.record_run(&sample_record());
    metrics.record_eval_result("s", "m", 1.0, 0.0).unwrap();
    let text = exposition(&metrics);
    let families: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .collect();
    assert_eq!(families.len(), 14, "{text}");
    for gauge in [
        "agentlab_check_drifted_resources",
        "agentlab_check_unhealthy_guests",
        "agentlab_check_last_success_timestamp_seconds",
        "agentlab_check_verdict",
    ] {
        assert!(
            text.contains(&format!("# TYPE {gauge} gauge")),
            "{gauge} in {text}"
        );
    }
    for (name, metric_type) in families {
        assert!(name.starts_with("agentlab_"), "{name}");
        assert_eq!(name.ends_with("_total"), metric_type == "counter", "{name}");
        assert!(
            text.contains(&format!("# HELP {name} ")),
            "{name} has no help"
        );
    }
    assert!(text.contains("# TYPE agentlab_llm_cost_dollars_total counter"));
    assert!(text.contains("# TYPE agentlab_terraform_duration_seconds histogram"));
}

#[test]
fn configured_label_values_are_escaped() {
    let metrics = RunMetrics::new();
    let mut record = sample_record();
    let awkward = "fleet \"a\" \\ b\nc";
    record.project = awkward.to_owned();
    metrics.record_run(&record);
    let text = exposition(&metrics);
    assert!(!text.contains('\r'));
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("agentlab_runs_total"))
            .count(),
        1
    );
    let runs_line = text
        .lines()
        .find(|l| l.starts_with("agentlab_runs_total"))
        .unwrap();
    assert!(sample_labels(runs_line).contains(&("project".to_owned(), awkward.to_owned())));
}

#[test]
fn eval_results_set_gauges_and_refuse_impossible_values() {
    let metrics = RunMetrics::new();
    metrics
        .record_eval_result("lock-timeout", "m1", 0.5, 0.125)
        .unwrap();
    // A gauge holds the latest value: a rerun replaces, not adds.
    metrics
        .record_eval_result("lock-timeout", "m1", 0.75, 0.25)
        .unwrap();
    let text = exposition(&metrics);
    let labels = [("scenario", "lock-timeout"), ("model", "m1")];
    assert_eq!(
        sample(&text, "agentlab_eval_pass_ratio", &labels),
        Some(0.75)
    );
    assert_eq!(
        sample(&text, "agentlab_eval_cost_dollars", &labels),
        Some(0.25)
    );
    for (ratio, cost) in [
        (1.5, 0.0),
        (-0.1, 0.0),
        (f64::NAN, 0.0),
        (0.5, -1.0),
        (0.5, f64::INFINITY),
    ] {
        let error = metrics
            .record_eval_result("s", "m", ratio, cost)
            .unwrap_err();
        assert!(
            matches!(error, MetricsError::InvalidEvalResult { .. }),
            "{error}"
        );
    }
}

#[test]
fn a_negative_cost_never_makes_the_counter_go_down() {
    let metrics = RunMetrics::new();
    let mut record = sample_record();
    let usage = &mut record.attempts[0].diagnosis.as_mut().unwrap().usage;
    usage[0].cost_usd = -5.0;
    usage[1].cost_usd = f64::NAN;
    metrics.record_run(&record);
    let text = exposition(&metrics);
    let labels = [
        ("project", "lxc-fleet"),
        ("provider", "anthropic"),
        ("model", "claude-haiku-4-5"),
    ];
    assert_eq!(
        sample(&text, "agentlab_llm_cost_dollars_total", &labels),
        Some(0.0)
    );
}

#[test]
fn a_check_sets_its_gauges_and_a_check_that_could_not_run_keeps_the_last_success() {
    use crate::contracts::{CheckFindings, CheckVerdict, RunMode};
    let mut record = sample_record();
    record.mode = RunMode::Check;
    record.check = Some(CheckFindings {
        verdict: CheckVerdict::Unhealthy,
        checked_at_unix: 1_796_134_020,
        drifted_resources: vec!["a (create)".into(), "b (update)".into()],
        unhealthy_guests: vec!["lxc/101 (web-1) on pmx-01".into()],
        failed_checks: vec!["guest-status".into()],
        error: None,
    });
    let metrics = RunMetrics::new();
    metrics.record_check(&record);
    let text = exposition(&metrics);
    let project = [("project", "lxc-fleet")];
    assert_eq!(
        sample(&text, "agentlab_check_drifted_resources", &project),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "agentlab_check_unhealthy_guests", &project),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "agentlab_check_last_success_timestamp_seconds",
            &project
        ),
        Some(1_796_134_020.0)
    );
    let verdict = |word| [("project", "lxc-fleet"), ("verdict", word)];
    assert_eq!(
        sample(&text, "agentlab_check_verdict", &verdict("unhealthy")),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "agentlab_check_verdict", &verdict("in-sync")),
        Some(0.0)
    );
    assert!(
        text.contains("# TYPE agentlab_check_drifted_resources gauge"),
        "{text}"
    );
    assert!(
        !text.contains("web-1"),
        "a guest's label is never a label value"
    );

    if let Some(findings) = record.check.as_mut() {
        findings.verdict = CheckVerdict::Error;
    }
    let failed = RunMetrics::new();
    failed.record_check(&record);
    let text = exposition(&failed);
    assert_eq!(
        sample(&text, "agentlab_check_verdict", &verdict("error")),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "agentlab_check_last_success_timestamp_seconds",
            &project
        ),
        None
    );
    assert_eq!(
        sample(&text, "agentlab_check_drifted_resources", &project),
        None
    );
}
