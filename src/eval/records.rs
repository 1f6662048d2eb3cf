//! `agentlab eval --records DIR`: measure models on saved incidents instead of the built-in scenarios. The folder
//! holds run records of failed (or recovered) runs and one `expected.toml` (or `expected.json`) saying, per record
//! file, the category a correct diagnosis names and optionally the terms its root cause mentions, its remediation
//! and how many LLM calls it may take. Each record's first failure is diagnosed again by each model SPEC — no
//! Terraform runs — and scored like a scenario (category, terms, remediation, evidence citations, calls), into
//! the same report and table.
//!
//! ```toml
//! [records."vmid-conflict.json"]
//! category = "resource_conflict"
//! root_cause_terms = ["901", "exist"]   # optional: words a correct root cause mentions (`a|b`: either)
//! remediation = "escalate"             # optional
//! max_llm_calls = 1                    # optional, default 1
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::contracts::{Category, RunRecord};
use crate::diagnosis::context::{DEFAULT_TOKEN_BUDGET, DiagnosisContext};
use crate::diagnosis::replay::request_for_first_failure;
use crate::eval::report::EvalReport;
use crate::eval::runner::DiagnoserFactory;
use crate::eval::scenario::ScenarioKind;
use crate::eval::score::{EvalResult, HypothesisExpectation, hypothesis_failures};
use crate::redact::Redactor;

/// The ground-truth file names looked for in the folder, in this order.
pub const EXPECTED_FILES: [&str; 2] = ["expected.toml", "expected.json"];

/// The remediation names a ground truth may expect.
const ACTIONS: [&str; 6] = [
    "retry",
    "retry_after",
    "reduce_parallelism",
    "reinit_upgrade",
    "replace",
    "escalate",
];

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error(
        "{dir} has no expected.toml or expected.json saying which category each record's failure is (see `agentlab eval --help`)"
    )]
    NoExpectations { dir: PathBuf },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The ground truth of one saved incident.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordExpectation {
    pub category: Category,
    #[serde(default)]
    pub root_cause_terms: Vec<String>,
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default = "one_call")]
    pub max_llm_calls: u32,
}

fn one_call() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectationsFile {
    records: BTreeMap<String, RecordExpectation>,
}

/// Where the ground truth of `dir` is, and what it says: record file name → expectation, sorted by file name.
pub fn read_expectations(
    dir: &Path,
) -> Result<(PathBuf, BTreeMap<String, RecordExpectation>), RecordsError> {
    let path = EXPECTED_FILES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| RecordsError::NoExpectations {
            dir: dir.to_path_buf(),
        })?;
    let invalid = |message: String| RecordsError::Invalid {
        path: path.clone(),
        message,
    };
    let text = std::fs::read_to_string(&path).map_err(|error| invalid(error.to_string()))?;
    let parsed: ExpectationsFile = if path.extension().is_some_and(|ext| ext == "json") {
        serde_json::from_str(&text).map_err(|error| invalid(error.to_string()))?
    } else {
        toml::from_str(&text).map_err(|error| invalid(error.to_string()))?
    };
    if parsed.records.is_empty() {
        return Err(invalid("no [records.\"FILE\"] entry".into()));
    }
    for (file, expectation) in &parsed.records {
        if let Some(action) = &expectation.remediation
            && !ACTIONS.contains(&action.as_str())
        {
            return Err(invalid(format!(
                "{file}: remediation `{action}` is not one of {}",
                ACTIONS.join(", ")
            )));
        }
        if file.contains('/') || file.contains('\\') || file.starts_with('.') {
            return Err(invalid(format!(
                "{file}: name a record file in the folder itself"
            )));
        }
    }
    Ok((path, parsed.records))
}

/// One saved incident: its file name, its record and what a correct diagnosis says.
#[derive(Debug, Clone)]
pub struct SavedIncident {
    pub file: String,
    pub record: RunRecord,
    pub expect: RecordExpectation,
}

/// Diagnoses each incident's first failure with each model, `repeat` times, and scores it. A fresh diagnoser per
/// diagnosis, as in the scenario eval; the project's files are not part of the context (a record does not keep
/// them).
pub async fn run_records_eval(
    incidents: &[SavedIncident],
    models: &[String],
    repeat: u32,
    diagnoser_for: DiagnoserFactory<'_>,
) -> Result<EvalReport, RecordsError> {
    let mut results = Vec::new();
    for model in models {
        for incident in incidents {
            let request =
                request_for_first_failure(&incident.record, PathBuf::new()).ok_or_else(|| {
                    RecordsError::Invalid {
                        path: PathBuf::from(&incident.file),
                        message: "the record has no diagnosed failure to diagnose again (a clean run, or one that \
failed before Terraform ran)"
                            .into(),
                    }
                })?;
            let evidence =
                DiagnosisContext::assemble(&request, &Redactor::new(), DEFAULT_TOKEN_BUDGET).items;
            for run in 1..=repeat.max(1) {
                tracing::info!(record = %incident.file, %model, repeat = run, "records eval");
                let diagnoser = diagnoser_for(model).map_err(|why| RecordsError::Invalid {
                    path: PathBuf::from(&incident.file),
                    message: format!("model `{model}`: {why}"),
                })?;
                let diagnosis = diagnoser.diagnose(&request).await;
                let expect = &incident.expect;
                let mut failures = hypothesis_failures(
                    &HypothesisExpectation {
                        category: expect.category,
                        root_cause_terms: &expect.root_cause_terms,
                        remediation: expect.remediation.as_deref(),
                    },
                    diagnosis.hypothesis.as_ref(),
                    &evidence,
                );
                let calls = diagnosis.llm_calls();
                if calls > expect.max_llm_calls {
                    failures.push(format!(
                        "{calls} LLM calls, more than the {} allowed",
                        expect.max_llm_calls
                    ));
                }
                results.push(EvalResult {
                    scenario: incident.file.trim_end_matches(".json").to_string(),
                    model: model.clone(),
                    kind: ScenarioKind::Failure,
                    repeat: run,
                    pass: failures.is_empty(),
                    outcome: "replayed".into(),
                    category: diagnosis
                        .hypothesis
                        .as_ref()
                        .map(|found| found.category.as_str().to_string()),
                    expected_category: Some(expect.category.as_str().to_string()),
                    llm_calls: calls,
                    input_tokens: diagnosis.usage.iter().map(|u| u.input_tokens).sum(),
                    output_tokens: diagnosis.usage.iter().map(|u| u.output_tokens).sum(),
                    cost_usd: diagnosis.cost_usd(),
                    latency_ms: diagnosis.usage.iter().map(|u| u.latency_ms).sum(),
                    failures,
                });
            }
        }
    }
    Ok(EvalReport::from_results(results))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_are_read_from_toml_or_json_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_expectations(dir.path()),
            Err(RecordsError::NoExpectations { .. })
        ));
        std::fs::write(
            dir.path().join("expected.json"),
            r#"{"records": {"a.json": {"category": "network", "remediation": "escalate"}}}"#,
        )
        .unwrap();
        let (_, read) = read_expectations(dir.path()).unwrap();
        assert_eq!(read["a.json"].category, Category::Network);
        assert_eq!(read["a.json"].max_llm_calls, 1);
        std::fs::write(
            dir.path().join("expected.toml"),
            "[records.\"b.json\"]\ncategory = \"transient_lock\"\nremediation = \"unlock\"\n",
        )
        .unwrap();
        let error = read_expectations(dir.path()).unwrap_err().to_string();
        assert!(error.contains("remediation `unlock`"), "{error}");
        std::fs::write(
            dir.path().join("expected.toml"),
            "[records.\"b.json\"]\ncategory = \"transient_lock\"\nroot_cause = \"x\"\n",
        )
        .unwrap();
        let error = read_expectations(dir.path()).unwrap_err().to_string();
        assert!(error.contains("root_cause"), "{error}");
        std::fs::write(
            dir.path().join("expected.toml"),
            "[records.\"../b.json\"]\ncategory = \"network\"\n",
        )
        .unwrap();
        assert!(read_expectations(dir.path()).is_err());
    }
}
