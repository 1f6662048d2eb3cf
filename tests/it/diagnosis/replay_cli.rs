//! `agentlab diagnose --record FILE --llm SPEC`: the real binary re-diagnoses a recorded failure with another
//! model, without Terraform.

use agentlab::contracts::Outcome;
use agentlab::redact::SharedRedactor;

use super::*;
use crate::support::{agentlab_in, text};

#[tokio::test]
async fn a_recorded_failure_is_rediagnosed_with_another_model() {
    // Record a failed run with the catalogue switched off and no diagnoser.
    let none = diagnoser(
        &settings("none", "http://127.0.0.1:9", false),
        SharedRedactor::default(),
    );
    let record = deploy(&LockContendedTerraform::new(), none.as_ref(), no_dir()).await;
    assert_eq!(record.outcome, Outcome::Failed);
    let dir = tempfile::tempdir().unwrap();
    let record_path = dir.path().join("lxc-fleet.json");
    std::fs::write(&record_path, serde_json::to_string(&record).unwrap()).unwrap();

    let answer = hypothesis(
        agentlab::contracts::Category::TransientLock,
        agentlab::contracts::Remediation::ReduceParallelism { parallelism: 1 },
        "node lock contention",
        &["E2"],
    );
    let server = llm_answering(&answer, 700, 60).await;
    let base_url = server.base_url();
    let config = dir.path().join("agentlab.toml");
    let mut command = agentlab_in(dir.path());
    command
        .args([
            "--config",
            config.to_str().unwrap(),
            "diagnose",
            "--record",
            record_path.to_str().unwrap(),
            "--llm",
            "anthropic:claude-haiku-5-5",
            "--no-catalog",
            "--json",
        ])
        .env("AGENTLAB_LLM_BASE_URL", base_url)
        .env("ANTHROPIC_API_KEY", "sk-ant-cli-test-key-0000000000");
    let output = tokio::process::Command::from(command)
        .output()
        .await
        .unwrap();
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    let diagnosis: agentlab::contracts::Diagnosis = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        diagnosis.hypothesis.unwrap().category,
        agentlab::contracts::Category::TransientLock
    );
    assert_eq!(diagnosis.usage.len(), 1);
    assert_eq!(server.requests().len(), 1);
    assert!(
        stderr.contains("transient_lock") && stderr.contains("1 LLM call"),
        "{stderr}"
    );
    assert!(!stderr.contains("sk-ant-cli-test-key"), "{stderr}");
}

#[test]
fn a_successful_record_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let record = serde_json::json!({
        "schema_version": 1, "run_id": "r", "project": "p", "mode": "deploy", "outcome": "success",
        "llm_calls": 0, "cost_usd": 0.0, "transitions": [], "attempts": []
    });
    let path = dir.path().join("p.json");
    std::fs::write(&path, record.to_string()).unwrap();
    let output = agentlab_in(dir.path())
        .args([
            "--config",
            dir.path().join("none.toml").to_str().unwrap(),
            "diagnose",
            "--record",
            path.to_str().unwrap(),
            "--llm",
            "catalog",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("successful run"));
}
