//! Metrics against the real consumers: a Prometheus Pushgateway started on a free loopback port (pushed, then read
//! back from its `/metrics`) and `promtool check metrics` on the textfile. Both come from
//! `scripts/install-test-services`; without them these tests fail and say so.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use agentlab::contracts::RunRecord;
use agentlab::metrics::exposition::sample_labels;
use agentlab::metrics::{
    MetricsError, RunMetrics, push_to_gateway, push_to_gateway_with_timeout, write_textfile,
};

use crate::support::{INSTALL_HINT, PushgatewayProcess, free_loopback_port, service_binary};

const RUN_ID: &str = "run-0b6d9e27-5c1a-4f0e-8d3b-7e2f4a9c1d50";
const ROOT_CAUSE: &str = "VMID 101 already exists on node pve";

/// Labels of a sample, besides its group's.
type Labels = &'static [(&'static str, &'static str)];

/// The value of the sample `name` whose labels include all of `labels`.
fn sample(exposition: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    exposition
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| line.split(['{', ' ']).next() == Some(name))
        .find(|line| {
            let found = sample_labels(line);
            labels
                .iter()
                .all(|(k, v)| found.iter().any(|(fk, fv)| fk == k && fv == v))
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

fn run_record(project: &str, outcome: &str) -> RunRecord {
    serde_json::from_value(serde_json::json!({
        "schema_version": 1,
        "run_id": RUN_ID,
        "project": project,
        "mode": "deploy",
        "outcome": outcome,
        "failure_reason": ROOT_CAUSE,
        "llm_calls": 1,
        "cost_usd": 0.0042,
        "transitions": [
            {"from": "init", "to": "running", "reason": "start"},
            {"from": "running", "to": "diagnosing", "reason": ROOT_CAUSE},
            {"from": "diagnosing", "to": "failed", "reason": "escalate"}
        ],
        "attempts": [{
            "attempt": 1,
            "parallelism": 4,
            "terraform": {"ok": false, "phase": "apply", "exit_code": 1, "duration_ms": 42250,
                          "diagnostics": [{"severity": "error", "summary": ROOT_CAUSE}]},
            "validation": {"ok": true, "checks": [
                {"name": "resources", "status": "pass", "detail": "2 of 2"}
            ]},
            "diagnosis": {
                "source": "llm",
                "hypothesis": {"category": "resource_conflict", "root_cause": ROOT_CAUSE,
                               "evidence": ["E1"], "remediation": {"action": "escalate"}, "confidence": 0.9},
                "usage": [{"provider": "anthropic", "model": "claude-haiku-4-5", "input_tokens": 2100,
                           "output_tokens": 180, "cache_read_tokens": 0, "cost_usd": 0.0042,
                           "price": "table", "latency_ms": 1500}]
            }
        }]
    }))
    .unwrap()
}

#[tokio::test]
async fn run_metrics_pushed_to_a_real_pushgateway_read_back_typed_and_labelled() {
    let gateway = PushgatewayProcess::start().await;
    let metrics = RunMetrics::new();
    metrics.record_run(&run_record("lxc-fleet", "failed"));
    push_to_gateway(
        &gateway.url,
        "agentlab",
        &[("project", "lxc-fleet")],
        metrics.registry(),
    )
    .await
    .unwrap();

    let exposition = gateway.exposition().await;
    let group = [("job", "agentlab"), ("project", "lxc-fleet")];
    let with_group = |extra: &[(&'static str, &'static str)]| -> Vec<(&str, &str)> {
        group.iter().chain(extra).copied().collect()
    };
    // Typed and documented: the classic text format reached the gateway, not OpenMetrics read as untyped.
    for family in [
        "# TYPE agentlab_runs_total counter",
        "# TYPE agentlab_llm_cost_dollars_total counter",
        "# TYPE agentlab_terraform_duration_seconds histogram",
        "# HELP agentlab_runs_total Project runs finished",
    ] {
        assert!(
            exposition.contains(family),
            "no `{family}` in\n{exposition}"
        );
    }
    // Each sample: its name, its labels besides the group, its value.
    #[rustfmt::skip]
    let samples: [(&str, Labels, f64); 9] = [
        ("agentlab_runs_total", &[("mode", "deploy"), ("outcome", "failed")], 1.0),
        ("agentlab_state_transitions_total", &[("from", "running"), ("to", "diagnosing")], 1.0),
        ("agentlab_llm_calls_total", &[("model", "claude-haiku-4-5")], 1.0),
        ("agentlab_llm_tokens_total", &[("provider", "anthropic"), ("direction", "input")], 2100.0),
        ("agentlab_llm_cost_dollars_total", &[], 0.0042),
        ("agentlab_terraform_duration_seconds_sum", &[("phase", "apply")], 42.25),
        ("agentlab_terraform_duration_seconds_bucket", &[("phase", "apply"), ("le", "60")], 1.0),
        ("agentlab_validation_checks_total", &[("check", "resources"), ("status", "pass")], 1.0),
        ("agentlab_retries_total", &[("mode", "deploy")], 0.0),
    ];
    for (name, labels, expected) in samples {
        assert_eq!(
            sample(&exposition, name, &with_group(labels)),
            Some(expected),
            "{name} {labels:?} in\n{exposition}"
        );
    }
    // The Pushgateway's own record of the push, keyed by the same group.
    assert!(sample(&exposition, "push_time_seconds", &group).is_some());
    assert!(!exposition.contains(RUN_ID) && !exposition.contains(ROOT_CAUSE));
}

#[tokio::test]
async fn each_project_has_its_own_group_and_a_rerun_replaces_it() {
    let gateway = PushgatewayProcess::start().await;
    let push_runs = |project: &'static str, runs: usize| {
        let url = gateway.url.clone();
        async move {
            let metrics = RunMetrics::new();
            for _ in 0..runs {
                metrics.record_run(&run_record(project, "success"));
            }
            push_to_gateway(
                &url,
                "agentlab",
                &[("project", project)],
                metrics.registry(),
            )
            .await
            .unwrap();
        }
    };
    push_runs("lxc-fleet", 1).await;
    push_runs("vm-fleet", 3).await;
    push_runs("lxc-fleet", 2).await;

    let exposition = gateway.exposition().await;
    let runs = |project| {
        sample(
            &exposition,
            "agentlab_runs_total",
            &[
                ("job", "agentlab"),
                ("project", project),
                ("outcome", "success"),
            ],
        )
    };
    // PUT replaces the group: the rerun's 2, not 1 + 2.
    assert_eq!(runs("lxc-fleet"), Some(2.0), "{exposition}");
    assert_eq!(runs("vm-fleet"), Some(3.0), "{exposition}");
}

#[tokio::test]
async fn eval_gauges_reach_the_pushgateway() {
    let gateway = PushgatewayProcess::start().await;
    let metrics = RunMetrics::new();
    metrics
        .record_eval_result("lock-timeout", "claude-haiku-4-5", 0.8, 0.0315)
        .unwrap();
    metrics
        .record_eval_result("missing-template", "qwen2.5:0.5b", 0.4, 0.0)
        .unwrap();
    push_to_gateway(&gateway.url, "agentlab-eval", &[], metrics.registry())
        .await
        .unwrap();

    let exposition = gateway.exposition().await;
    assert!(exposition.contains("# TYPE agentlab_eval_pass_ratio gauge"));
    let value = |name, scenario, model| {
        sample(
            &exposition,
            name,
            &[
                ("job", "agentlab-eval"),
                ("scenario", scenario),
                ("model", model),
            ],
        )
    };
    assert_eq!(
        value(
            "agentlab_eval_pass_ratio",
            "lock-timeout",
            "claude-haiku-4-5"
        ),
        Some(0.8)
    );
    assert_eq!(
        value(
            "agentlab_eval_cost_dollars",
            "lock-timeout",
            "claude-haiku-4-5"
        ),
        Some(0.0315)
    );
    assert_eq!(
        value(
            "agentlab_eval_pass_ratio",
            "missing-template",
            "qwen2.5:0.5b"
        ),
        Some(0.4)
    );
}

#[tokio::test]
async fn a_grouping_that_contradicts_the_metrics_is_refused_before_sending() {
    let gateway = PushgatewayProcess::start().await;
    let metrics = RunMetrics::new();
    metrics.record_run(&run_record("lxc-fleet", "success"));
    let error = push_to_gateway(
        &gateway.url,
        "agentlab",
        &[("project", "vm-fleet")],
        metrics.registry(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, MetricsError::GroupingConflict { label, metric_value, .. }
            if label == "project" && metric_value == "lxc-fleet"),
        "{error}"
    );
    assert!(!gateway.exposition().await.contains("agentlab_runs_total"));
}

#[tokio::test]
async fn a_refusal_by_the_pushgateway_is_a_typed_error_with_its_status() {
    let gateway = PushgatewayProcess::start().await;
    let metrics = RunMetrics::new();
    let error = push_to_gateway(
        &format!("{}/no-such-prefix", gateway.url),
        "agentlab",
        &[],
        metrics.registry(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, MetricsError::PushRejected { status: 404, .. }),
        "{error}"
    );
}

#[tokio::test]
async fn an_unreachable_pushgateway_is_a_typed_error() {
    let port = free_loopback_port();
    let metrics = RunMetrics::new();
    let error = push_to_gateway(
        &format!("http://user:hunter2@127.0.0.1:{port}"),
        "agentlab",
        &[],
        metrics.registry(),
    )
    .await
    .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(&error, MetricsError::PushFailed { reason, .. } if reason.contains("onnection refused")),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[tokio::test]
async fn a_pushgateway_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accept and hold the connection without ever answering.
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let metrics = RunMetrics::new();
    let error = push_to_gateway_with_timeout(
        &url,
        "agentlab",
        &[],
        metrics.registry(),
        Duration::from_millis(300),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, MetricsError::PushTimedOut { .. }),
        "{error}"
    );
    holder.abort();
}

fn promtool_check_metrics(file: &Path) -> std::process::Output {
    let promtool = service_binary("AGENTLAB_PROMTOOL", "promtool");
    Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(file).unwrap())
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run {}: {error}; {INSTALL_HINT}", promtool.display())
        })
}

#[test]
fn the_textfile_passes_promtool_and_replaces_the_previous_one_whole() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("agentlab.prom");
    let metrics = RunMetrics::new();
    metrics.record_run(&run_record("lxc-fleet", "failed"));
    metrics
        .record_eval_result("lock-timeout", "claude-haiku-4-5", 1.0, 0.01)
        .unwrap();
    write_textfile(&path, metrics.registry()).unwrap();
    metrics.record_run(&run_record("vm-fleet", "success"));
    write_textfile(&path, metrics.registry()).unwrap();

    let output = promtool_check_metrics(&path);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "promtool: {said}");
    assert!(said.trim().is_empty(), "promtool lint findings: {said}");

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("project=\"vm-fleet\""), "{text}");
    assert!(!text.contains("# EOF") && !text.contains(RUN_ID));
    let entries: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(
        entries,
        ["agentlab.prom"],
        "a temporary file was left behind"
    );
}

#[test]
fn raw_openmetrics_is_what_promtool_objects_to() {
    // Why the exports convert: the same registry encoded as OpenMetrics fails promtool's lint.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("openmetrics.prom");
    let metrics = RunMetrics::new();
    metrics.record_run(&run_record("lxc-fleet", "success"));
    let mut openmetrics = String::new();
    prometheus_client::encoding::text::encode(&mut openmetrics, metrics.registry()).unwrap();
    std::fs::write(&path, openmetrics).unwrap();
    let output = promtool_check_metrics(&path);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(3), "promtool: {said}");
    assert!(said.contains("agentlab_runs_total no help text"), "{said}");
}

#[test]
fn a_textfile_in_a_missing_folder_is_a_typed_error() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("no-such-folder").join("agentlab.prom");
    let error = write_textfile(&path, RunMetrics::new().registry()).unwrap_err();
    assert!(
        matches!(&error, MetricsError::TextfileWrite { path: p, .. } if *p == path),
        "{error}"
    );
}
