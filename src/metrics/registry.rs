//! The metric families agentlab keeps, and how a finished run record becomes counts in them.
//!
//! [`RunMetrics`] owns a `prometheus-client` registry with the `agentlab_` prefix. Callers do not touch single
//! metrics: they hand over whole records and eval results, so every command counts the same way and no caller can
//! slip a run id or an error text into a label.

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use std::fmt::Write as _;
use std::sync::atomic::AtomicU64;

use super::MetricsError;
use crate::contracts::{CheckStatus, Outcome, RunRecord, TerraformPhase};

/// Upper bounds of the Terraform duration buckets, in seconds: a no-op plan takes seconds, a fleet of clones tens
/// of minutes.
const TERRAFORM_DURATION_BUCKETS: [f64; 11] = [
    1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0,
];

/// A label value that comes from configuration or an LLM provider (project, model, scenario).
///
/// `prometheus-client` writes label values verbatim; a quote, backslash or newline in a project name would break
/// the exposition, so this type escapes them as both text formats require.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ConfiguredLabelValue(String);

impl ConfiguredLabelValue {
    fn new(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl EncodeLabelValue for ConfiguredLabelValue {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        for character in self.0.chars() {
            match character {
                '\\' => encoder.write_str("\\\\")?,
                '"' => encoder.write_str("\\\"")?,
                '\n' => encoder.write_str("\\n")?,
                other => encoder.write_char(other)?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RunLabels {
    project: ConfiguredLabelValue,
    mode: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ProjectModeLabels {
    project: ConfiguredLabelValue,
    mode: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct TransitionLabels {
    project: ConfiguredLabelValue,
    from: &'static str,
    to: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct LlmLabels {
    project: ConfiguredLabelValue,
    provider: ConfiguredLabelValue,
    model: ConfiguredLabelValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct TokenLabels {
    project: ConfiguredLabelValue,
    provider: ConfiguredLabelValue,
    model: ConfiguredLabelValue,
    direction: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct TerraformLabels {
    project: ConfiguredLabelValue,
    phase: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CheckLabels {
    project: ConfiguredLabelValue,
    check: &'static str,
    status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ProjectLabels {
    project: ConfiguredLabelValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct VerdictLabels {
    project: ConfiguredLabelValue,
    verdict: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EvalLabels {
    scenario: ConfiguredLabelValue,
    model: ConfiguredLabelValue,
}

type HistogramConstructor = fn() -> Histogram;

fn terraform_duration_histogram() -> Histogram {
    Histogram::new(TERRAFORM_DURATION_BUCKETS)
}

/// The metrics of one agentlab process. Create one per command, record every finished project run into it, export
/// it once at the end.
#[derive(Debug)]
pub struct RunMetrics {
    registry: Registry,
    runs: Family<RunLabels, Counter>,
    transitions: Family<TransitionLabels, Counter>,
    retries: Family<ProjectModeLabels, Counter>,
    llm_calls: Family<LlmLabels, Counter>,
    llm_tokens: Family<TokenLabels, Counter>,
    llm_cost_dollars: Family<LlmLabels, Counter<f64, AtomicU64>>,
    terraform_duration: Family<TerraformLabels, Histogram, HistogramConstructor>,
    validation_checks: Family<CheckLabels, Counter>,
    eval_pass_ratio: Family<EvalLabels, Gauge<f64, AtomicU64>>,
    eval_cost_dollars: Family<EvalLabels, Gauge<f64, AtomicU64>>,
    check_drifted_resources: Family<ProjectLabels, Gauge>,
    check_unhealthy_guests: Family<ProjectLabels, Gauge>,
    check_last_success: Family<ProjectLabels, Gauge>,
    check_verdict: Family<VerdictLabels, Gauge>,
}

impl Default for RunMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl RunMetrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("agentlab");
        let runs = Family::<RunLabels, Counter>::default();
        // Counters are registered without `_total`: the OpenMetrics encoder appends it.
        registry.register(
            "runs",
            "Project runs finished, by project, mode and outcome",
            runs.clone(),
        );
        let transitions = Family::<TransitionLabels, Counter>::default();
        registry.register(
            "state_transitions",
            "Planner state transitions, by project and from/to state",
            transitions.clone(),
        );
        let retries = Family::<ProjectModeLabels, Counter>::default();
        registry.register(
            "retries",
            "Terraform attempts after the first one, by project and mode",
            retries.clone(),
        );
        let llm_calls = Family::<LlmLabels, Counter>::default();
        registry.register(
            "llm_calls",
            "LLM calls made for diagnoses, by project, provider and model",
            llm_calls.clone(),
        );
        let llm_tokens = Family::<TokenLabels, Counter>::default();
        registry.register(
            "llm_tokens",
            "LLM tokens, by project, provider, model and direction (input, output, cache_read, cache_write)",
            llm_tokens.clone(),
        );
        let llm_cost_dollars = Family::<LlmLabels, Counter<f64, AtomicU64>>::default();
        registry.register(
            "llm_cost_dollars",
            "LLM spend in US dollars, by project, provider and model",
            llm_cost_dollars.clone(),
        );
        let terraform_duration =
            Family::<TerraformLabels, Histogram, HistogramConstructor>::new_with_constructor(
                terraform_duration_histogram,
            );
        registry.register_with_unit(
            "terraform_duration",
            "Wall-clock time of one Terraform attempt (init up to the phase it stopped in), by project and that phase",
            Unit::Seconds,
            terraform_duration.clone(),
        );
        let validation_checks = Family::<CheckLabels, Counter>::default();
        registry.register(
            "validation_checks",
            "Validator check results, by project, check and status",
            validation_checks.clone(),
        );
        let eval_pass_ratio = Family::<EvalLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "eval_pass_ratio",
            "Share of an eval scenario's runs that passed, by scenario and model (0 to 1)",
            eval_pass_ratio.clone(),
        );
        let eval_cost_dollars = Family::<EvalLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "eval_cost_dollars",
            "LLM spend in US dollars of an eval scenario, by scenario and model",
            eval_cost_dollars.clone(),
        );
        let check_drifted_resources = Family::<ProjectLabels, Gauge>::default();
        registry.register(
            "check_drifted_resources",
            "Resources the last scheduled check's plan would change (drift), by project",
            check_drifted_resources.clone(),
        );
        let check_unhealthy_guests = Family::<ProjectLabels, Gauge>::default();
        registry.register(
            "check_unhealthy_guests",
            "Guests a live check failed for in the last scheduled check, by project",
            check_unhealthy_guests.clone(),
        );
        let check_last_success = Family::<ProjectLabels, Gauge>::default();
        registry.register_with_unit(
            "check_last_success_timestamp",
            "Unix time of the last scheduled check that could run (whatever it found), by project",
            Unit::Seconds,
            check_last_success.clone(),
        );
        let check_verdict = Family::<VerdictLabels, Gauge>::default();
        registry.register(
            "check_verdict",
            "1 for the last scheduled check's verdict (in-sync, drifted, unhealthy, error), 0 for the others, by project",
            check_verdict.clone(),
        );
        Self {
            check_drifted_resources,
            check_unhealthy_guests,
            check_last_success,
            check_verdict,
            registry,
            runs,
            transitions,
            retries,
            llm_calls,
            llm_tokens,
            llm_cost_dollars,
            terraform_duration,
            validation_checks,
            eval_pass_ratio,
            eval_cost_dollars,
        }
    }

    /// The registry to encode or export.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts one finished project run: the run, its transitions, retries, Terraform durations, validator checks
    /// and every LLM call of its diagnoses.
    pub fn record_run(&self, record: &RunRecord) {
        let project = ConfiguredLabelValue::new(&record.project);
        let mode = record.mode.as_str();
        self.runs
            .get_or_create(&RunLabels {
                project: project.clone(),
                mode,
                outcome: outcome_label(record.outcome),
            })
            .inc();
        for transition in &record.transitions {
            self.transitions
                .get_or_create(&TransitionLabels {
                    project: project.clone(),
                    from: transition.from.as_str(),
                    to: transition.to.as_str(),
                })
                .inc();
        }
        let retries = u64::try_from(record.attempts.len().saturating_sub(1)).unwrap_or(u64::MAX);
        // Touch the series even at zero so a dashboard sees "no retries" rather than "no data".
        self.retries
            .get_or_create(&ProjectModeLabels {
                project: project.clone(),
                mode,
            })
            .inc_by(retries);
        for attempt in &record.attempts {
            self.terraform_duration
                .get_or_create(&TerraformLabels {
                    project: project.clone(),
                    phase: phase_label(attempt.terraform.phase),
                })
                .observe(milliseconds_to_seconds(attempt.terraform.duration_ms));
            for check in attempt.validation.iter().flat_map(|v| &v.checks) {
                self.validation_checks
                    .get_or_create(&CheckLabels {
                        project: project.clone(),
                        check: check.name.as_str(),
                        status: check_status_label(check.status),
                    })
                    .inc();
            }
            for usage in attempt.diagnosis.iter().flat_map(|d| &d.usage) {
                let llm = LlmLabels {
                    project: project.clone(),
                    provider: ConfiguredLabelValue::new(&usage.provider),
                    model: ConfiguredLabelValue::new(&usage.model),
                };
                self.llm_calls.get_or_create(&llm).inc();
                self.llm_cost_dollars
                    .get_or_create(&llm)
                    .inc_by(non_negative_dollars(usage.cost_usd));
                for (direction, tokens) in [
                    ("input", usage.input_tokens),
                    ("output", usage.output_tokens),
                    ("cache_read", usage.cache_read_tokens),
                    ("cache_write", usage.cache_write_tokens),
                ] {
                    self.llm_tokens
                        .get_or_create(&TokenLabels {
                            project: llm.project.clone(),
                            provider: llm.provider.clone(),
                            model: llm.model.clone(),
                            direction,
                        })
                        .inc_by(tokens);
                }
            }
        }
    }

    /// Sets the gauges of one project's scheduled check (a record of mode `check`; others are ignored). A check
    /// that could not run sets no drift, health or last-success value: a dashboard keeps showing the last known
    /// ones, and an alert on the age of the last success fires.
    pub fn record_check(&self, record: &RunRecord) {
        use crate::contracts::CheckVerdict;
        let Some(findings) = &record.check else {
            return;
        };
        let project = ConfiguredLabelValue::new(&record.project);
        for verdict in [
            CheckVerdict::InSync,
            CheckVerdict::Drifted,
            CheckVerdict::Unhealthy,
            CheckVerdict::Error,
        ] {
            self.check_verdict
                .get_or_create(&VerdictLabels {
                    project: project.clone(),
                    verdict: verdict.as_str(),
                })
                .set(i64::from(findings.verdict == verdict));
        }
        if findings.verdict == CheckVerdict::Error {
            return;
        }
        let labels = ProjectLabels { project };
        let count = |items: &[String]| i64::try_from(items.len()).unwrap_or(i64::MAX);
        self.check_drifted_resources
            .get_or_create(&labels)
            .set(count(&findings.drifted_resources));
        self.check_unhealthy_guests
            .get_or_create(&labels)
            .set(count(&findings.unhealthy_guests));
        self.check_last_success
            .get_or_create(&labels)
            .set(i64::try_from(findings.checked_at_unix).unwrap_or(i64::MAX));
    }

    /// Sets the eval gauges of one scenario × model: the share of passing runs (0 to 1) and the LLM spend.
    pub fn record_eval_result(
        &self,
        scenario: &str,
        model: &str,
        pass_ratio: f64,
        cost_usd: f64,
    ) -> Result<(), MetricsError> {
        let invalid = |problem: String| MetricsError::InvalidEvalResult {
            scenario: scenario.to_owned(),
            model: model.to_owned(),
            problem,
        };
        if !(0.0..=1.0).contains(&pass_ratio) {
            return Err(invalid(format!(
                "pass ratio {pass_ratio} is not between 0 and 1"
            )));
        }
        if !cost_usd.is_finite() || cost_usd < 0.0 {
            return Err(invalid(format!(
                "cost {cost_usd} is not a non-negative dollar amount"
            )));
        }
        let labels = EvalLabels {
            scenario: ConfiguredLabelValue::new(scenario),
            model: ConfiguredLabelValue::new(model),
        };
        self.eval_pass_ratio.get_or_create(&labels).set(pass_ratio);
        self.eval_cost_dollars.get_or_create(&labels).set(cost_usd);
        Ok(())
    }
}

fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success => "success",
        Outcome::Failed => "failed",
    }
}

fn phase_label(phase: TerraformPhase) -> &'static str {
    match phase {
        TerraformPhase::Init => "init",
        TerraformPhase::Plan => "plan",
        TerraformPhase::Apply => "apply",
    }
}

fn check_status_label(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "pass",
        CheckStatus::Fail => "fail",
        CheckStatus::Skip => "skip",
    }
}

fn milliseconds_to_seconds(milliseconds: u64) -> f64 {
    // Precision loss only past 2^53 ms (285,000 years).
    milliseconds as f64 / 1000.0
}

/// A counter must never go down: a negative or NaN cost (a pricing bug upstream) counts as nothing.
fn non_negative_dollars(cost_usd: f64) -> f64 {
    if cost_usd.is_finite() && cost_usd > 0.0 {
        cost_usd
    } else {
        0.0
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
