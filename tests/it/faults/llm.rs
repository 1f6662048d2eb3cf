//! LLM faults `diagnosis::calls` does not cover: a provider that never answers, answers that are not JSON at all,
//! and the provider's own spend limit. Each drives a failing deploy through the Planner with the real diagnosis
//! chain over HTTP, ends FAILED with a reason a person can act on, and writes the record.

use std::time::Duration;

use agentlab::commands::write_record;
use agentlab::redact::{Redactor, SharedRedactor};
use agentlab::stand_in::llm::{LlmStandIn, ScriptedResponse};

use crate::diagnosis::{LockContendedTerraform, deploy, diagnoser, no_dir, set_price, settings};
use crate::support::{assert_failed_because, record_on_disk, silent_server};

/// Deploys the always-failing lock-contended project with `diagnoser`, writes the record and reads it back.
async fn failing_deploy_on_disk(
    diagnoser: &dyn agentlab::planner::agents::Diagnoser,
) -> (agentlab::contracts::RunRecord, usize) {
    let mut terraform = LockContendedTerraform::new();
    terraform.always_fail = true;
    let record = deploy(&terraform, diagnoser, no_dir()).await;
    let out = tempfile::tempdir().unwrap();
    write_record(out.path(), &record, &Redactor::new()).expect("the record is written");
    let on_disk = record_on_disk(out.path(), &record.project);
    assert_eq!(on_disk.outcome, record.outcome);
    (on_disk, terraform.runs().len())
}

#[tokio::test]
async fn an_llm_that_never_answers_times_out_and_the_run_fails_with_the_record_written() {
    let (address, held) = silent_server().await;
    let mut hanging = settings(
        "anthropic:claude-haiku-5-5",
        &format!("http://{address}"),
        false,
    );
    hanging.timeout = Duration::from_millis(300);
    let diagnoser = diagnoser(&hanging, SharedRedactor::default());
    let (record, terraform_runs) = failing_deploy_on_disk(diagnoser.as_ref()).await;
    held.abort();
    assert_failed_because(&record, &["diagnosis unavailable", "timed out"]);
    assert_eq!(terraform_runs, 1, "no retry without a diagnosis");
    assert_eq!(record.llm_calls, 0);
}

#[tokio::test]
async fn an_answer_that_is_not_json_twice_fails_the_run() {
    let server = LlmStandIn::start(vec![
        ScriptedResponse::openai_content("{\"category\": \"transient_lock\", \"root_cau", 900, 40),
        ScriptedResponse::openai_content("Sure! Here is the JSON you asked for:", 950, 20),
    ])
    .await
    .unwrap();
    let mut compatible = settings(
        "openai-compatible:qwen2.5-coder",
        &server.openai_base_url(),
        false,
    );
    set_price(&mut compatible, "qwen2.5-coder", 0.5, 2.0);
    let diagnoser = diagnoser(&compatible, SharedRedactor::default());
    let (record, terraform_runs) = failing_deploy_on_disk(diagnoser.as_ref()).await;
    assert_failed_because(&record, &["invalid twice"]);
    assert_eq!(server.requests().len(), 2, "one repair request, no more");
    assert_eq!(terraform_runs, 1, "no remediation ran");
    assert_eq!(record.llm_calls, 2, "both answers had usage and count");
}

#[tokio::test]
async fn the_providers_spend_limit_fails_the_run_without_a_retry() {
    let server = LlmStandIn::start(vec![ScriptedResponse::anthropic_error(
        400,
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    )])
    .await
    .unwrap();
    let diagnoser = diagnoser(
        &settings("anthropic:claude-haiku-5-5", &server.base_url(), false),
        SharedRedactor::default(),
    );
    let (record, terraform_runs) = failing_deploy_on_disk(diagnoser.as_ref()).await;
    assert_failed_because(
        &record,
        &["spend limit is reached", "agentlab diagnose --record"],
    );
    assert_eq!(server.requests().len(), 1, "a spend limit is not retried");
    assert_eq!(terraform_runs, 1);
}
