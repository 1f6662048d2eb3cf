//! Reading what a run left: the records on disk or on stdout, and the error text of Terraform's diagnostics.

use std::path::Path;
use std::process::Output;

use agentlab::contracts::{CheckName, CheckResult, RunRecord, TerraformResult, ValidationResult};

/// The record a run wrote to `DIR/PROJECT.json`; fails the test when it is missing or not a record.
pub fn record_on_disk(dir: &Path, project: &str) -> RunRecord {
    let path = dir.join(format!("{project}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("no record at {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not a run record: {error}", path.display()))
}

/// The records `agentlab … --json` printed; fails the test, with both streams, when stdout is anything else.
pub fn records_from_stdout(output: &Output) -> Vec<RunRecord> {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not a JSON array of run records ({error}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Every error diagnostic of one Terraform run, a line each: `summary: detail`.
pub fn terraform_errors(result: &TerraformResult) -> String {
    result
        .errors()
        .map(|diagnostic| format!("{}: {}", diagnostic.summary, diagnostic.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`terraform_errors`] of every attempt of a run.
pub fn record_errors(record: &RunRecord) -> String {
    record
        .attempts
        .iter()
        .map(|attempt| terraform_errors(&attempt.terraform))
        .filter(|errors| !errors.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails the test unless the run failed with a reason that mentions every one of `terms`.
pub fn assert_failed_because(record: &RunRecord, terms: &[&str]) {
    assert_eq!(
        record.outcome,
        agentlab::contracts::Outcome::Failed,
        "{record:#?}"
    );
    let reason = record.failure_reason.as_deref().unwrap_or_default();
    for term in terms {
        assert!(
            reason.contains(term),
            "`{term}` not in the reason: {reason}"
        );
    }
}

/// The check `name` of a validation; fails the test, with the whole result, when there is none.
pub fn check_named(result: &ValidationResult, name: CheckName) -> &CheckResult {
    result
        .checks
        .iter()
        .find(|check| check.name == name)
        .unwrap_or_else(|| panic!("no {name:?} check in {result:#?}"))
}
