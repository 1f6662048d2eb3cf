//! The eval report: per-result rows and per-model totals, as Markdown for people and JSON for dashboards.
//!
//! Totals per model: pass rate with its standard error (binomial, over every scenario × repeat the model ran), cost
//! per incident (failure scenarios), cost per correct diagnosis (failure scenarios that passed) and the median
//! latency of the runs that called a model.

use serde::{Deserialize, Serialize};

use crate::eval::scenario::ScenarioKind;
use crate::eval::score::EvalResult;

/// What ✅ in the `pass` column means, printed under the table: a failure scenario passes when the run fails (or
/// recovers) the way the scenario intends and the diagnosis is right.
pub const PASS_LEGEND: &str = "\n`pass` ✅ means the run did what its scenario expects: a happy path succeeded with no LLM \
call; a failure scenario ended as intended (`failed` or `recovered`) and its diagnosis named the expected category, \
cause and remediation. A failed deploy can pass: the failure is the scenario, the diagnosis is what is measured. The \
pass rate has a spread (±) only when each scenario ran more than once (`--repeat`).\n";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub model: String,
    pub pass_rate: f64,
    pub stderr: f64,
    pub cost_per_incident_usd: f64,
    /// `None` when the model diagnosed no incident correctly.
    pub cost_per_correct_usd: Option<f64>,
    pub median_latency_ms: u64,
}

/// The whole report; its JSON is a stable interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub results: Vec<EvalResult>,
    pub models: Vec<ModelSummary>,
}

impl EvalReport {
    /// Builds the totals from the results, models in the order they first appear.
    pub fn from_results(results: Vec<EvalResult>) -> Self {
        let mut model_names: Vec<&str> = Vec::new();
        for result in &results {
            if !model_names.contains(&result.model.as_str()) {
                model_names.push(&result.model);
            }
        }
        let models = model_names
            .iter()
            .map(|model| summarise(model, &results))
            .collect();
        Self { results, models }
    }

    /// True when every result passed.
    pub fn all_passed(&self) -> bool {
        self.results.iter().all(|result| result.pass)
    }

    pub fn to_markdown(&self) -> String {
        let mut text = String::from(
            "| scenario | model | pass | outcome | category | LLM calls | tokens in/out | cost | latency |\n",
        );
        text.push_str("|---|---|---|---|---|---:|---:|---:|---:|\n");
        for result in &self.results {
            let repeat = if self.results.iter().any(|other| other.repeat > 1) {
                format!(" #{}", result.repeat)
            } else {
                String::new()
            };
            text.push_str(&format!(
                "| {}{repeat} | {} | {} | {} | {} | {} | {}/{} | ${:.6} | {} ms |\n",
                result.scenario,
                result.model,
                if result.pass { "✅" } else { "❌" },
                result.outcome,
                result.category.as_deref().unwrap_or("–"),
                result.llm_calls,
                result.input_tokens,
                result.output_tokens,
                result.cost_usd,
                result.latency_ms,
            ));
        }
        text.push_str(PASS_LEGEND);
        let repeated = self.results.iter().any(|result| result.repeat > 1);
        text.push_str("\n| model | pass rate | cost per incident | cost per correct diagnosis | median latency |\n");
        text.push_str("|---|---:|---:|---:|---:|\n");
        for model in &self.models {
            // One run per scenario is one sample: a spread over it would measure nothing.
            let spread = if repeated {
                format!(" ± {:.0}%", model.stderr * 100.0)
            } else {
                String::new()
            };
            text.push_str(&format!(
                "| {} | {:.0}%{spread} | ${:.6} | {} | {} ms |\n",
                model.model,
                model.pass_rate * 100.0,
                model.cost_per_incident_usd,
                model
                    .cost_per_correct_usd
                    .map_or("–".to_string(), |cost| format!("${cost:.6}")),
                model.median_latency_ms,
            ));
        }
        text.push_str(&self.category_accuracy_markdown());
        let failed: Vec<&EvalResult> = self.results.iter().filter(|result| !result.pass).collect();
        if !failed.is_empty() {
            text.push_str("\nWhy results did not pass:\n\n");
            for result in failed {
                text.push_str(&format!(
                    "- {} × {} (#{}): {}\n",
                    result.scenario,
                    result.model,
                    result.repeat,
                    result.failures.join("; ")
                ));
            }
        }
        text
    }
}

impl EvalReport {
    /// Per model and expected category: how many runs named the right category. Pass rate alone hides a model
    /// that names categories well and picks actions badly, or the reverse.
    fn category_accuracy_markdown(&self) -> String {
        let mut rows: std::collections::BTreeMap<(&str, &str), (usize, usize)> = Default::default();
        for result in &self.results {
            let Some(expected) = result.expected_category.as_deref() else {
                continue;
            };
            let entry = rows.entry((result.model.as_str(), expected)).or_default();
            entry.1 += 1;
            if result.category.as_deref() == Some(expected) {
                entry.0 += 1;
            }
        }
        if rows.is_empty() {
            return String::new();
        }
        let mut text = String::from(
            "\n| model | expected category | category right | runs |\n|---|---|---:|---:|\n",
        );
        for ((model, category), (right, runs)) in rows {
            text.push_str(&format!("| {model} | {category} | {right} | {runs} |\n"));
        }
        text
    }
}

fn summarise(model: &str, results: &[EvalResult]) -> ModelSummary {
    let mine: Vec<&EvalResult> = results
        .iter()
        .filter(|result| result.model == model)
        .collect();
    let runs = mine.len() as f64;
    let passed = mine.iter().filter(|result| result.pass).count() as f64;
    let pass_rate = if runs > 0.0 { passed / runs } else { 0.0 };
    let stderr = if runs > 0.0 {
        (pass_rate * (1.0 - pass_rate) / runs).sqrt()
    } else {
        0.0
    };
    let incidents: Vec<&&EvalResult> = mine
        .iter()
        .filter(|result| result.kind == ScenarioKind::Failure)
        .collect();
    let incident_cost =
        crate::contracts::sum_dollars(incidents.iter().map(|result| result.cost_usd));
    let correct = incidents.iter().filter(|result| result.pass).count();
    let mut latencies: Vec<u64> = mine
        .iter()
        .filter(|result| result.llm_calls > 0)
        .map(|result| result.latency_ms)
        .collect();
    latencies.sort_unstable();
    ModelSummary {
        model: model.to_string(),
        pass_rate,
        stderr,
        cost_per_incident_usd: if incidents.is_empty() {
            0.0
        } else {
            incident_cost / incidents.len() as f64
        },
        cost_per_correct_usd: if correct == 0 {
            None
        } else {
            Some(incident_cost / correct as f64)
        },
        median_latency_ms: median(&latencies),
    }
}

fn median(sorted: &[u64]) -> u64 {
    match sorted.len() {
        0 => 0,
        length if length % 2 == 1 => sorted[length / 2],
        length => (sorted[length / 2 - 1] + sorted[length / 2]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(
        model: &str,
        kind: ScenarioKind,
        pass: bool,
        cost: f64,
        latency: u64,
        calls: u32,
    ) -> EvalResult {
        EvalResult {
            scenario: "s".into(),
            model: model.into(),
            kind,
            repeat: 1,
            pass,
            outcome: "failed".into(),
            category: None,
            expected_category: None,
            llm_calls: calls,
            input_tokens: 0,
            output_tokens: 0,
            cost_usd: cost,
            latency_ms: latency,
            failures: if pass {
                vec![]
            } else {
                vec!["category unknown instead of network".into()]
            },
        }
    }

    #[test]
    fn totals_per_model() {
        let report = EvalReport::from_results(vec![
            result("a", ScenarioKind::Happy, true, 0.0, 0, 0),
            result("a", ScenarioKind::Failure, true, 0.002, 300, 1),
            result("a", ScenarioKind::Failure, false, 0.004, 500, 1),
            result("a", ScenarioKind::Failure, true, 0.0, 700, 1),
            result("b", ScenarioKind::Failure, false, 0.0, 0, 0),
        ]);
        let a = &report.models[0];
        assert_eq!(a.pass_rate, 0.75);
        assert!((a.stderr - (0.75f64 * 0.25 / 4.0).sqrt()).abs() < 1e-12);
        assert!((a.cost_per_incident_usd - 0.002).abs() < 1e-12);
        assert!((a.cost_per_correct_usd.unwrap() - 0.003).abs() < 1e-12);
        assert_eq!(a.median_latency_ms, 500);
        let b = &report.models[1];
        assert_eq!((b.pass_rate, b.cost_per_correct_usd), (0.0, None));
        assert!(!report.all_passed());
        let markdown = report.to_markdown();
        assert!(
            markdown.contains("| a | 75% |"),
            "one run per scenario, no spread: {markdown}"
        );
        assert!(markdown.contains("category unknown instead of network"));
        assert!(markdown.contains("A failed deploy can pass"), "{markdown}");

        let mut repeated = report.clone();
        repeated.results[1].repeat = 2;
        let markdown = repeated.to_markdown();
        assert!(markdown.contains("| a | 75% ± 22% |"), "{markdown}");
    }

    #[test]
    fn the_report_shows_per_category_accuracy() {
        let with = |model: &str, expected: &str, got: Option<&str>| EvalResult {
            expected_category: Some(expected.into()),
            category: got.map(str::to_string),
            ..result(model, ScenarioKind::Failure, false, 0.0, 0, 1)
        };
        let report = EvalReport::from_results(vec![
            with("m", "network", Some("network")),
            with("m", "network", Some("transient_lock")),
            with("m", "state_backend", None),
            result("m", ScenarioKind::Happy, true, 0.0, 0, 0),
        ]);
        let markdown = report.to_markdown();
        assert!(markdown.contains("| m | network | 1 | 2 |"), "{markdown}");
        assert!(
            markdown.contains("| m | state_backend | 0 | 1 |"),
            "{markdown}"
        );
    }

    #[test]
    fn the_json_has_the_documented_fields() {
        let report =
            EvalReport::from_results(vec![result("a", ScenarioKind::Happy, true, 0.0, 0, 0)]);
        let value = serde_json::to_value(&report).unwrap();
        let row = value["results"][0].as_object().unwrap();
        for key in [
            "scenario",
            "model",
            "kind",
            "repeat",
            "pass",
            "outcome",
            "category",
            "expected_category",
            "llm_calls",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "latency_ms",
            "failures",
        ] {
            assert!(row.contains_key(key), "{key}");
        }
        let model = value["models"][0].as_object().unwrap();
        for key in [
            "model",
            "pass_rate",
            "stderr",
            "cost_per_incident_usd",
            "cost_per_correct_usd",
            "median_latency_ms",
        ] {
            assert!(model.contains_key(key), "{key}");
        }
        assert_eq!(value["results"][0]["kind"], "happy");
    }
}
