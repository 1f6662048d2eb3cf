//! `agentlab eval --records DIR`: saved records of failed runs diagnosed again by each model, without Terraform,
//! scored against the folder's expected.toml and reported in the scenario eval's table.

use std::path::Path;

use agentlab::contracts::{Category, Remediation};
use agentlab::stand_in::llm::{LlmStandIn, ScriptedResponse};

use crate::diagnosis::hypothesis;
use crate::support::{agentlab_in, crate_root};

/// `agentlab eval --records DIR ARGS` in an empty folder, with no terraform anywhere it could find; awaited, so
/// that a loopback stand-in on the test's runtime keeps answering.
async fn eval_records(dir: &Path, args: &[&str], base_url: Option<&str>) -> std::process::Output {
    let work = tempfile::tempdir().unwrap();
    let mut command = agentlab_in(work.path());
    command
        .env("AGENTLAB_TERRAFORM", "/nonexistent/terraform")
        .args(["eval", "--records"])
        .arg(dir)
        .arg("--output")
        .arg(work.path().join("out"))
        .args(args);
    if let Some(url) = base_url {
        command.env("AGENTLAB_LLM_BASE_URL", url);
    }
    tokio::process::Command::from(command)
        .output()
        .await
        .expect("the agentlab binary runs")
}

#[tokio::test]
async fn the_shipped_records_replay_through_the_catalogue_in_the_scenario_tables_shape() {
    let output = eval_records(
        &crate_root().join("eval/records"),
        &["--models", "catalog"],
        None,
    )
    .await;
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{table}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        table.starts_with(
            "| scenario | model | pass | outcome | category | LLM calls | tokens in/out | cost | latency |\n"
        ),
        "{table}"
    );
    for (record, category) in [
        ("guest-unreachable", "network"),
        ("parallel-lock-timeout", "transient_lock"),
        ("provider-incompatibility", "provider_incompatibility"),
        ("state-backend-offline", "state_backend"),
        ("validator-pattern-mismatch", "validation_mismatch"),
        ("vmid-conflict", "resource_conflict"),
    ] {
        let row = format!(
            "| {record} | catalog | ✅ | replayed | {category} | 0 | 0/0 | $0.000000 | 0 ms |"
        );
        assert!(table.contains(&row), "no `{row}` in\n{table}");
    }
    assert!(
        table.contains("| catalog | 100% |"),
        "one sample each: no spread, {table}"
    );
    assert!(
        table.contains("| model | expected category | category right | runs |"),
        "{table}"
    );
}

#[tokio::test]
async fn a_model_is_scored_on_category_terms_remediation_and_citations_of_a_saved_record() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate_root().join("eval/records/vmid-conflict.json"),
        dir.path().join("conflict.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("expected.toml"),
        "[records.\"conflict.json\"]\ncategory = \"resource_conflict\"\nroot_cause_terms = [\"901\", \"exist\"]\nremediation = \"escalate\"\n",
    )
    .unwrap();
    let right = hypothesis(
        Category::ResourceConflict,
        Remediation::Escalate,
        "CT 901 already exists on node pmx-01",
        &["E2"],
    );
    // The right words, but cited from the failing phase alone: not checked against the error.
    let unchecked = hypothesis(
        Category::ResourceConflict,
        Remediation::Escalate,
        "CT 901 already exists on node pmx-01",
        &["E1"],
    );
    let stand_in = LlmStandIn::start(vec![
        ScriptedResponse::openai_content(&serde_json::to_string(&right).unwrap(), 900, 60),
        ScriptedResponse::openai_content(&serde_json::to_string(&unchecked).unwrap(), 900, 60),
    ])
    .await
    .unwrap();
    let output = eval_records(
        dir.path(),
        &[
            "--models",
            "openai-compatible:stand-in",
            "--repeat",
            "2",
            "--json",
        ],
        Some(&stand_in.openai_base_url()),
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        stand_in.requests().len(),
        2,
        "one call per diagnosis, no Terraform"
    );
    assert_eq!(results[0]["pass"], true, "{}", results[0]);
    assert_eq!(results[0]["input_tokens"], 900);
    assert_eq!(results[1]["pass"], false);
    assert!(
        results[1]["failures"][0]
            .as_str()
            .unwrap()
            .contains("cites no evidence that shows the failure"),
        "{}",
        results[1]
    );
    // The prompt was built from the record: its first error leads.
    let prompt = stand_in.requests()[0].json()["messages"][1]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(prompt.contains("First error: E2"), "{prompt}");
    assert!(prompt.contains("CT 901 already exists"), "{prompt}");
}

#[tokio::test]
async fn a_folder_without_expectations_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = eval_records(dir.path(), &[], None).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("expected.toml"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
