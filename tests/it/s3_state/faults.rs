//! The store's parts taken away, with the real answers Terraform gets: a bucket that does not exist, a lock table
//! that does not exist, the whole store gone between plan and apply, and gone in the middle of an apply. Each ends
//! FAILED with Terraform's own error text in the record and the catalogue's state-backend diagnosis at $0, and the
//! state in the bucket is what it was.

use agentlab::contracts::{Category, DiagnosisSource, Outcome, RunRecord, TerraformPhase};

use super::locking::{deploy_gated, wait_for_apply_lock};
use super::server::{BUCKET, LOCK_TABLE, LoopbackSwitch, MotoServer};
use super::{S3Workspace, only_record, serial, state_revisions};
use crate::support::record_errors;

const STATE_KEY: &str = "s3-fleet/terraform.tfstate";

fn assert_state_backend_failure(record: &RunRecord, phase: TerraformPhase, text: &str) {
    assert_eq!(record.outcome, Outcome::Failed, "{record:#?}");
    assert_eq!(record.attempts[0].terraform.phase, phase, "{record:#?}");
    assert!(
        record_errors(record).contains(text),
        "{}",
        record_errors(record)
    );
    let diagnosis = record.attempts[0].diagnosis.as_ref().expect("diagnosed");
    assert_eq!(diagnosis.source, DiagnosisSource::Catalog);
    assert_eq!(
        diagnosis
            .hypothesis
            .as_ref()
            .map(|hypothesis| hypothesis.category),
        Some(Category::StateBackend),
        "{diagnosis:#?}"
    );
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
    assert_eq!(record.attempts.len(), 1, "nothing to retry");
}

/// The fleet deployed through a switch that can take the whole store off the network, and the state it left.
async fn fleet_deployed_behind_a_switch()
-> (MotoServer, LoopbackSwitch, S3Workspace, serde_json::Value) {
    let server = MotoServer::ready().await;
    let switch = LoopbackSwitch::start(server.port()).await;
    let workspace = S3Workspace::new(&switch.endpoint());
    workspace.deploy_successfully("s3-fleet").await;
    let before = server.state(STATE_KEY).await.expect("state");
    (server, switch, workspace, before)
}

/// The record of a deploy of the fleet from a fresh checkout on `server`'s store.
async fn fleet_deploy_on(server: &MotoServer) -> RunRecord {
    let workspace = S3Workspace::new(&server.endpoint());
    only_record(&workspace.run("deploy", &["s3-fleet"]).await)
}

#[tokio::test]
async fn a_missing_bucket_fails_init_with_the_real_error() {
    let server = MotoServer::start().await;
    server.create_lock_table(LOCK_TABLE).await;
    let record = fleet_deploy_on(&server).await;
    assert_state_backend_failure(&record, TerraformPhase::Init, "S3 bucket does not exist");
    assert!(
        record
            .final_hypothesis()
            .is_some_and(|hypothesis| hypothesis.root_cause.contains("bucket")),
        "{record:#?}"
    );
}

#[tokio::test]
async fn a_missing_lock_table_fails_before_anything_changes() {
    let server = MotoServer::start().await;
    server.create_bucket(BUCKET).await;
    let record = fleet_deploy_on(&server).await;
    assert_state_backend_failure(
        &record,
        TerraformPhase::Plan,
        "ResourceNotFoundException: Requested resource not found",
    );
    assert!(
        record
            .final_hypothesis()
            .is_some_and(|hypothesis| hypothesis.root_cause.contains("lock table")),
        "{record:#?}"
    );
    assert_eq!(server.state(STATE_KEY).await, None, "nothing was written");
}

#[tokio::test]
async fn credentials_the_store_does_not_know_fail_init_as_a_state_backend_problem() {
    let server = MotoServer::ready_checking_credentials().await;
    let record = fleet_deploy_on(&server).await;
    assert_eq!(record.outcome, Outcome::Failed, "{record:#?}");
    assert_eq!(record.attempts[0].terraform.phase, TerraformPhase::Init);
    assert!(
        record_errors(&record).contains(
            "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records"
        ),
        "{}",
        record_errors(&record)
    );
    let hypothesis = record.final_hypothesis().expect("diagnosed");
    assert_eq!(hypothesis.category, Category::StateBackend);
    assert!(
        hypothesis.root_cause.contains("AWS_ACCESS_KEY_ID"),
        "{}",
        hypothesis.root_cause
    );
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
}

#[tokio::test]
async fn the_store_gone_between_plan_and_apply_changes_nothing() {
    let (server, switch, workspace, before) = fleet_deployed_behind_a_switch().await;

    workspace.set_revision("s3-fleet", "2", 0);
    let output = deploy_gated(&workspace, switch.go_offline()).await;
    let record = only_record(&output);
    assert_state_backend_failure(
        &record,
        TerraformPhase::Apply,
        "connect: connection refused",
    );

    switch.go_online().await;
    assert_eq!(
        server.state(STATE_KEY).await,
        Some(before),
        "the state is untouched"
    );
    assert!(server.held_locks(LOCK_TABLE).await.is_empty());
}

#[tokio::test]
async fn the_store_gone_during_apply_keeps_the_old_state_and_says_where_the_new_one_is() {
    let (server, switch, workspace, before) = fleet_deployed_behind_a_switch().await;

    workspace.set_revision("s3-fleet", "2", 3);
    let deploy = workspace
        .command("deploy", &["s3-fleet"], &[])
        .spawn()
        .expect("agentlab starts");
    wait_for_apply_lock(&server).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    switch.go_offline().await;
    let output = deploy.wait_with_output().await.expect("agentlab ends");
    let record = only_record(&output);
    eprintln!("the store gone during apply: {}", record_errors(&record));
    assert_state_backend_failure(&record, TerraformPhase::Apply, "connection refused");
    let hypothesis = record.final_hypothesis().expect("diagnosed");
    assert!(
        hypothesis.root_cause.contains("errored.tfstate"),
        "{}",
        hypothesis.root_cause
    );
    let errored = std::fs::read_to_string(workspace.path().join("s3-fleet/errored.tfstate"))
        .expect("Terraform keeps the state it could not upload");
    let errored: serde_json::Value = serde_json::from_str(&errored).expect("state JSON");
    assert!(
        state_revisions(&errored).iter().all(|value| value == "2"),
        "{errored}"
    );

    switch.go_online().await;
    let after = server.state(STATE_KEY).await.expect("state");
    assert_eq!(
        serial(&after),
        serial(&before),
        "the store still holds the last good state"
    );
    assert_eq!(after, before);

    // The store is back. The apply could not release its lock either, and the next plan says so, with the lock's
    // ID and the command to release it.
    let locks = server.held_locks(LOCK_TABLE).await;
    assert_eq!(locks.len(), 1, "{locks:?}");
    let lock_id = locks[0]["ID"].as_str().expect("lock ID").to_string();
    let plan = only_record(&workspace.run("plan", &["s3-fleet"]).await);
    assert_eq!(plan.outcome, Outcome::Failed);
    let hypothesis = plan.final_hypothesis().expect("diagnosed");
    assert!(
        hypothesis
            .root_cause
            .contains(&format!("terraform force-unlock {lock_id}")),
        "{}",
        hypothesis.root_cause
    );
    // What the person does after checking (agentlab never does it): release the lock, upload the state the apply
    // left behind. The next plan then finds everything applied: nothing is left to do.
    for args in [
        vec!["force-unlock", "-force", lock_id.as_str()],
        vec!["state", "push", "errored.tfstate"],
    ] {
        let output = workspace.terraform("s3-fleet", &args).await;
        assert!(output.status.success(), "{args:?}: {output:?}");
    }
    let plan = only_record(&workspace.run("plan", &["s3-fleet"]).await);
    assert_eq!(plan.outcome, Outcome::Success, "{plan:#?}");
    assert_eq!(plan.attempts[0].terraform.changes, Default::default());
    let recovered = server.state(STATE_KEY).await.expect("state");
    assert!(
        state_revisions(&recovered).iter().all(|value| value == "2"),
        "{recovered}"
    );
}
