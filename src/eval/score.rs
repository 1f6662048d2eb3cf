//! Deterministic scoring of one run against its scenario's ground truth, and the eval's stable JSON result shape.
//!
//! A result passes only when every expectation holds; each one that does not is named in `failures`, so a reader
//! sees why without reading the record. A happy path that made any LLM call fails hard: that is the promise of
//! ADR-001 under test.

use serde::{Deserialize, Serialize};

use crate::contracts::{Category, Hypothesis, Outcome, RunRecord};
use crate::diagnosis::context::EvidenceItem;
use crate::diagnosis::prompt::copied_guide_text;
use crate::eval::citations::citation_problem;
use crate::eval::scenario::{ExpectedOutcome, Scenario, ScenarioKind};
pub use crate::eval::terms::mentions;

/// One scenario × model × repeat. The field names are a stable interface: dashboards read them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    pub scenario: String,
    pub model: String,
    pub kind: ScenarioKind,
    pub repeat: u32,
    pub pass: bool,
    /// `success`, `recovered` or `failed`.
    pub outcome: String,
    pub category: Option<String>,
    pub expected_category: Option<String>,
    pub llm_calls: u32,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
    pub latency_ms: u64,
    pub failures: Vec<String>,
}

/// How the run ended, in the scenario's terms.
pub fn observed_outcome(record: &RunRecord) -> ExpectedOutcome {
    match record.outcome {
        Outcome::Success if record.attempts.len() > 1 => ExpectedOutcome::Recovered,
        Outcome::Success => ExpectedOutcome::Success,
        Outcome::Failed => ExpectedOutcome::Failed,
    }
}

pub fn outcome_name(outcome: ExpectedOutcome) -> &'static str {
    match outcome {
        ExpectedOutcome::Success => "success",
        ExpectedOutcome::Recovered => "recovered",
        ExpectedOutcome::Failed => "failed",
    }
}

/// The hypothesis that explained the original failure: the first one of the run.
pub fn first_hypothesis(record: &RunRecord) -> Option<&Hypothesis> {
    record
        .attempts
        .iter()
        .filter_map(|attempt| attempt.diagnosis.as_ref())
        .find_map(|diagnosis| diagnosis.hypothesis.as_ref())
}

/// What a correct hypothesis of one failure looks like: a scenario's or a saved record's ground truth.
pub struct HypothesisExpectation<'a> {
    pub category: Category,
    pub root_cause_terms: &'a [String],
    pub remediation: Option<&'a str>,
}

/// Every way `hypothesis` misses `expect`: its category, the terms its root cause must mention, its remediation,
/// and its evidence citations (`citations`), judged against the items the diagnoser was shown.
pub fn hypothesis_failures(
    expect: &HypothesisExpectation<'_>,
    hypothesis: Option<&Hypothesis>,
    evidence: &[EvidenceItem],
) -> Vec<String> {
    let mut failures = Vec::new();
    let Some(found) = hypothesis else {
        failures.push(format!(
            "no hypothesis (expected category {})",
            expect.category.as_str()
        ));
        return failures;
    };
    if found.category != expect.category {
        failures.push(format!(
            "category {} instead of {}",
            found.category.as_str(),
            expect.category.as_str()
        ));
    }
    for term in expect.root_cause_terms {
        if !mentions(&found.root_cause, term) {
            failures.push(format!("root cause does not mention `{term}`"));
        }
    }
    if let Some(copied) = copied_guide_text(&found.root_cause, evidence) {
        failures.push(format!(
            "root cause repeats the prompt's guide to `{}` instead of describing this failure",
            copied.as_str()
        ));
    }
    if let Some(expected) = expect.remediation
        && found.remediation.action_name() != expected
    {
        failures.push(format!(
            "remediation {} instead of {expected}",
            found.remediation.action_name()
        ));
    }
    if let Some(problem) = citation_problem(&found.evidence, evidence, expect.root_cause_terms) {
        failures.push(problem);
    }
    failures
}

/// Scores one run; `evidence` is what its first diagnosis was shown (`citations::first_failure_evidence`).
pub fn score(
    scenario: &Scenario,
    model: &str,
    repeat: u32,
    record: &RunRecord,
    evidence: &[EvidenceItem],
) -> EvalResult {
    let expect = &scenario.expect;
    let mut failures = Vec::new();
    let outcome = observed_outcome(record);
    if outcome != expect.outcome {
        failures.push(format!(
            "outcome {} instead of {} ({})",
            outcome_name(outcome),
            outcome_name(expect.outcome),
            record
                .failure_reason
                .as_deref()
                .unwrap_or("no failure reason")
        ));
    }
    let hypothesis = first_hypothesis(record);
    if let Some(expected) = expect.category {
        failures.extend(hypothesis_failures(
            &HypothesisExpectation {
                category: expected,
                root_cause_terms: &expect.root_cause_terms,
                remediation: expect.remediation.as_deref(),
            },
            hypothesis,
            evidence,
        ));
    }
    if scenario.kind == ScenarioKind::Happy && record.llm_calls > 0 {
        failures.push(format!(
            "a happy path made {} LLM calls; it must make none",
            record.llm_calls
        ));
    } else if record.llm_calls > expect.max_llm_calls {
        failures.push(format!(
            "{} LLM calls, more than the {} allowed",
            record.llm_calls, expect.max_llm_calls
        ));
    }
    let usages = || {
        record
            .attempts
            .iter()
            .filter_map(|a| a.diagnosis.as_ref())
            .flat_map(|d| d.usage.iter())
    };
    EvalResult {
        scenario: scenario.name.clone(),
        model: model.to_string(),
        kind: scenario.kind,
        repeat,
        pass: failures.is_empty(),
        outcome: outcome_name(outcome).to_string(),
        category: hypothesis.map(|found| found.category.as_str().to_string()),
        expected_category: expect
            .category
            .map(|category| category.as_str().to_string()),
        llm_calls: record.llm_calls,
        input_tokens: usages().map(|usage| usage.input_tokens).sum(),
        output_tokens: usages().map(|usage| usage.output_tokens).sum(),
        cost_usd: record.cost_usd,
        latency_ms: usages().map(|usage| usage.latency_ms).sum(),
        failures,
    }
}

#[cfg(test)]
#[path = "score_tests.rs"]
mod tests;
