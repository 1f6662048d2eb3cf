//! Prometheus metrics for every command that runs projects: recorded from the run records, then written to a
//! textfile for node_exporter and/or pushed to a Pushgateway. Metrics never change the exit status: a problem is a
//! warning in the log.

use crate::cli::MetricsArgs;
use crate::contracts::RunRecord;
use crate::eval::report::EvalReport;
use crate::eval::runner::ScenarioRun;
use crate::metrics::RunMetrics;
use crate::metrics::{push_to_gateway, write_textfile};

/// The Pushgateway job of `plan` and `deploy`; each project is its own group, so a run replaces only its own.
pub const RUN_JOB: &str = "agentlab";
/// The Pushgateway job of `eval`, one group for the whole report.
pub const EVAL_JOB: &str = "agentlab-eval";

/// Exports the metrics of `plan`/`deploy` records.
pub async fn export_run_metrics(records: &[RunRecord], args: &MetricsArgs) {
    if let Some(path) = &args.metrics_file {
        let all = RunMetrics::new();
        records.iter().for_each(|record| all.record_run(record));
        if let Err(error) = write_textfile(path, all.registry()) {
            tracing::warn!(%error, "metrics file not written");
        }
    }
    if let Some(url) = &args.pushgateway {
        for record in records {
            let one = RunMetrics::new();
            one.record_run(record);
            let grouping = [("project", record.project.as_str())];
            if let Err(error) = push_to_gateway(url, RUN_JOB, &grouping, one.registry()).await {
                tracing::warn!(%error, project = %record.project, "metrics not pushed");
            }
        }
    }
}

/// The Pushgateway job of `check`: its own, so a check's push never replaces a deploy's group of the same project.
pub const CHECK_JOB: &str = "agentlab-check";

/// Exports the metrics of `check` records: the run counters and the check gauges. A project whose check could not
/// run (`error`) is not pushed, so its group keeps the last successful check's time and findings.
pub async fn export_check_metrics(records: &[RunRecord], args: &MetricsArgs) {
    let record_one = |metrics: &RunMetrics, record: &RunRecord| {
        metrics.record_run(record);
        metrics.record_check(record);
    };
    if let Some(path) = &args.metrics_file {
        let all = RunMetrics::new();
        records.iter().for_each(|record| record_one(&all, record));
        if let Err(error) = write_textfile(path, all.registry()) {
            tracing::warn!(%error, "metrics file not written");
        }
    }
    if let Some(url) = &args.pushgateway {
        for record in records {
            let could_not_run = record
                .check
                .as_ref()
                .is_none_or(|findings| findings.verdict == crate::contracts::CheckVerdict::Error);
            if could_not_run {
                tracing::warn!(project = %record.project, "the check could not run; its metrics group keeps the last successful check");
                continue;
            }
            let one = RunMetrics::new();
            record_one(&one, record);
            let grouping = [("project", record.project.as_str())];
            if let Err(error) = push_to_gateway(url, CHECK_JOB, &grouping, one.registry()).await {
                tracing::warn!(%error, project = %record.project, "metrics not pushed");
            }
        }
    }
}

/// Exports the metrics of an eval: every run, plus the pass ratio and cost of each scenario × model.
pub async fn export_eval_metrics(report: &EvalReport, runs: &[ScenarioRun], args: &MetricsArgs) {
    if args.pushgateway.is_none() && args.metrics_file.is_none() {
        return;
    }
    let metrics = RunMetrics::new();
    for run in runs {
        metrics.record_run(&run.record);
    }
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for result in &report.results {
        if !pairs.contains(&(result.scenario.as_str(), result.model.as_str())) {
            pairs.push((&result.scenario, &result.model));
        }
    }
    for (scenario, model) in pairs {
        let mine: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.scenario == scenario && r.model == model)
            .collect();
        let pass_ratio = mine.iter().filter(|r| r.pass).count() as f64 / mine.len().max(1) as f64;
        let cost = crate::contracts::sum_dollars(mine.iter().map(|r| r.cost_usd));
        if let Err(error) = metrics.record_eval_result(scenario, model, pass_ratio, cost) {
            tracing::warn!(%error, "eval metric not recorded");
        }
    }
    if let Some(path) = &args.metrics_file
        && let Err(error) = write_textfile(path, metrics.registry())
    {
        tracing::warn!(%error, "metrics file not written");
    }
    if let Some(url) = &args.pushgateway
        && let Err(error) = push_to_gateway(url, EVAL_JOB, &[], metrics.registry()).await
    {
        tracing::warn!(%error, "metrics not pushed");
    }
}
