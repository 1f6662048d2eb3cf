//! Locking on a real S3 + DynamoDB store: two deploys of one project racing round after round (the state's serial
//! goes up by one per round and nothing is ever left locked), a saved plan made stale by another deploy (planned
//! again and applied at no cost, or refused when the other deploy changed what this one would change), and a lock
//! left behind by a run killed with SIGKILL during apply (the next deploy names the lock and the exact
//! `terraform force-unlock` command, and never runs it).

use std::path::Path;
use std::time::{Duration, Instant};

use agentlab::contracts::{Category, DiagnosisSource, Outcome, Remediation, RunRecord, Severity};

use super::server::{LOCK_TABLE, MotoServer};
use super::{S3Workspace, only_record, real_terraform, serial, state_addresses, state_revisions};
use crate::support::record_errors;

const STATE_KEY: &str = "s3-fleet/terraform.tfstate";

/// A terraform in front of the real one that holds `apply` until the test opens the gate: the time between a
/// deploy's plan and its apply, made as long as a test needs.
pub struct ApplyGate {
    dir: tempfile::TempDir,
}

impl ApplyGate {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let gate = dir.path().display().to_string();
        let script = format!(
            "#!/bin/sh\n\
             if [ \"$1\" = apply ] && [ ! -e '{gate}/open' ]; then\n\
             \x20 : > '{gate}/apply-waiting'\n\
             \x20 while [ ! -e '{gate}/open' ]; do sleep 0.05; done\n\
             fi\n\
             exec '{}' \"$@\"\n",
            real_terraform().display()
        );
        let path = dir.path().join("terraform");
        std::fs::write(&path, script).expect("wrapper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        Self { dir }
    }

    /// `AGENTLAB_TERRAFORM` for the gated deploy.
    pub fn terraform(&self) -> (&'static str, String) {
        (
            "AGENTLAB_TERRAFORM",
            self.dir.path().join("terraform").display().to_string(),
        )
    }

    /// Waits until the gated deploy has planned and is about to apply.
    pub async fn wait_for_apply(&self) {
        wait_for(
            || self.dir.path().join("apply-waiting").exists(),
            "the gated deploy to reach apply",
        )
        .await;
    }

    pub fn open(&self) {
        std::fs::write(self.dir.path().join("open"), "").expect("open the gate");
    }
}

pub async fn wait_for(mut ready: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until an apply holds the project's lock; answers the lock's ID.
pub async fn wait_for_apply_lock(server: &MotoServer) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let locks = server.held_locks(LOCK_TABLE).await;
        if let Some(lock) = locks
            .iter()
            .find(|lock| lock["Operation"] == "OperationTypeApply")
        {
            return lock["ID"].as_str().expect("lock ID").to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no apply took the lock: {locks:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The processes below `pid` (children first found, then theirs), read from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let parent_of = |process: &Path| -> Option<(u32, u32)> {
        let stat = std::fs::read_to_string(process.join("stat")).ok()?;
        let after_name = &stat[stat.rfind(')')? + 2..];
        let parent = after_name.split_whitespace().nth(1)?.parse().ok()?;
        let pid = process.file_name()?.to_str()?.parse().ok()?;
        Some((pid, parent))
    };
    let table: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|entry| parent_of(&entry.ok()?.path()))
        .collect();
    let mut found = vec![pid];
    let mut index = 0;
    while index < found.len() {
        let parent = found[index];
        found.extend(
            table
                .iter()
                .filter(|(_, of)| *of == parent)
                .map(|(child, _)| *child),
        );
        index += 1;
    }
    found.remove(0);
    found
}

/// SIGKILL for a process and everything below it, as when the runner's machine dies.
fn kill_tree(pid: u32) {
    let mut tree = descendants(pid);
    tree.insert(0, pid);
    for process in tree {
        // SAFETY: kill(2) with a pid this test started (or one of its descendants) and a valid signal.
        unsafe {
            libc::kill(process as libc::pid_t, libc::SIGKILL);
        }
    }
}

fn assert_held_lock_failure(record: &RunRecord) {
    assert_eq!(record.outcome, Outcome::Failed, "{record:#?}");
    assert!(
        record_errors(record).contains("Error acquiring the state lock"),
        "{}",
        record_errors(record)
    );
    let hypothesis = record.final_hypothesis().expect("diagnosed");
    assert_eq!(hypothesis.category, Category::StateBackend);
    assert!(matches!(
        hypothesis.remediation,
        Remediation::Escalate | Remediation::RetryAfter { .. }
    ));
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
}

#[tokio::test]
async fn racing_deploys_of_one_project_never_corrupt_the_state() {
    let server = MotoServer::ready().await;
    let first = S3Workspace::new(&server.endpoint());
    let second = S3Workspace::new(&server.endpoint());
    first.deploy_successfully("s3-fleet").await;
    let initial = server.state(STATE_KEY).await.expect("state");
    let lineage = initial["lineage"].clone();
    let mut last_serial = serial(&initial);

    for round in 1..=5 {
        // Rounds 1-3 wait for the other run's lock; rounds 4-5 do not wait at all, so the loser may fail on it.
        let timeout = if round <= 3 { "30s" } else { "0s" };
        let revision = format!("round-{round}");
        for workspace in [&first, &second] {
            workspace.set_revision("s3-fleet", &revision, 0);
            workspace.set_lock_timeout(timeout);
        }
        let (a, b) = tokio::join!(
            first.command("deploy", &["s3-fleet"], &[]).output(),
            second.command("deploy", &["s3-fleet"], &[]).output(),
        );
        let records = [
            only_record(&a.expect("agentlab runs")),
            only_record(&b.expect("agentlab runs")),
        ];
        for record in &records {
            let terraform = &record.last_attempt().expect("an attempt").terraform;
            eprintln!(
                "round {round}: {:?} after {} attempt(s), at {:?}; {}",
                record.outcome,
                record.attempts.len(),
                terraform.phase,
                terraform
                    .diagnostics
                    .iter()
                    .map(|diagnostic| diagnostic.summary.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
        let succeeded = records
            .iter()
            .filter(|record| record.outcome == Outcome::Success)
            .count();
        assert!(succeeded >= 1, "round {round}: {records:#?}");
        for record in records
            .iter()
            .filter(|record| record.outcome != Outcome::Success)
        {
            assert_held_lock_failure(record);
        }
        if timeout == "30s" {
            assert_eq!(
                succeeded, 2,
                "round {round}: the loser waits for the lock: {records:#?}"
            );
        }
        // One deploy replaced the resources (serial + 1). The other found nothing left to do; its apply of the
        // empty plan may still write the state once more (terraform 1.0.3 drops the provider's empty `private`
        // data on refresh): never more writes than successful applies, never a lost or doubled change.
        let state = server.state(STATE_KEY).await.expect("state");
        let serial_now = serial(&state);
        assert!(
            serial_now > last_serial && serial_now <= last_serial + succeeded as u64,
            "round {round}: serial {last_serial} -> {serial_now} with {succeeded} successful applies"
        );
        assert_eq!(
            state["lineage"], lineage,
            "round {round}: the same state, never a new one"
        );
        assert_eq!(state_addresses(&state), super::FLEET_ADDRESSES);
        assert!(
            state_revisions(&state)
                .iter()
                .all(|value| *value == revision),
            "round {round}: {state}"
        );
        assert!(
            server.held_locks(LOCK_TABLE).await.is_empty(),
            "round {round}"
        );
        last_serial = serial(&state);
    }
}

/// Deploys from `workspace` with its apply held at a gate, runs `meanwhile`, then opens the gate.
pub async fn deploy_gated(
    workspace: &S3Workspace,
    meanwhile: impl std::future::Future<Output = ()>,
) -> std::process::Output {
    let gate = ApplyGate::new();
    let deploy = workspace
        .command("deploy", &["s3-fleet"], &[gate.terraform()])
        .spawn()
        .expect("agentlab starts");
    gate.wait_for_apply().await;
    meanwhile.await;
    gate.open();
    deploy.wait_with_output().await.expect("agentlab ends")
}

/// Two checkouts on one store, the fleet deployed from `other`: a stale plan's test deploys from `this`.
async fn two_checkouts_of_a_deployed_fleet() -> (MotoServer, S3Workspace, S3Workspace) {
    let server = MotoServer::ready().await;
    let other = S3Workspace::new(&server.endpoint());
    let this = S3Workspace::new(&server.endpoint());
    other.deploy_successfully("s3-fleet").await;
    (server, other, this)
}

#[tokio::test]
async fn a_stale_saved_plan_is_planned_again_and_applied_at_no_cost() {
    let (server, other, this) = two_checkouts_of_a_deployed_fleet().await;
    let before = serial(&server.state(STATE_KEY).await.expect("state"));

    // This deploy plans revision 2; meanwhile the other one applies an output of its own, which changes the
    // state (so the saved plan is stale) but none of the resources this plan replaces.
    this.set_revision("s3-fleet", "2", 0);
    let main_tf = other.path().join("s3-fleet/main.tf");
    let mut source = std::fs::read_to_string(&main_tf).expect("main.tf");
    source.push_str("\noutput \"note\" {\n  value = \"from the other deploy\"\n}\n");
    std::fs::write(&main_tf, source).expect("main.tf");
    let output = deploy_gated(&this, other.deploy_successfully("s3-fleet")).await;

    let record = only_record(&output);
    assert_eq!(record.outcome, Outcome::Success, "{record:#?}");
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
    assert_eq!(
        record.attempts.len(),
        1,
        "planned again inside the attempt, not retried"
    );
    let terraform = &record.attempts[0].terraform;
    assert!(
        terraform.ok && terraform.errors().next().is_none(),
        "{terraform:#?}"
    );
    assert!(
        terraform
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Warning
                && diagnostic.summary.contains("The saved plan was stale")),
        "the record says the plan was made again: {:#?}",
        terraform.diagnostics
    );
    assert!(
        !this.path().join("out/s3-fleet.incident-issue.md").exists(),
        "no incident"
    );
    let state = server.state(STATE_KEY).await.expect("state");
    assert_eq!(serial(&state), before + 2, "the other apply, then this one");
    assert!(
        state_revisions(&state).iter().all(|value| value == "2"),
        "{state}"
    );
    assert!(state["outputs"].get("note").is_none(), "{state}");
}

#[tokio::test]
async fn a_stale_plan_whose_changes_were_overtaken_is_not_applied() {
    let (server, other, this) = two_checkouts_of_a_deployed_fleet().await;

    // This deploy plans revision 2 from revision 1; meanwhile the other one applies revision 3. Planning again
    // would now replace revision 3 with 2: not the change that was planned (and reviewed), so nothing is applied.
    this.set_revision("s3-fleet", "2", 0);
    other.set_revision("s3-fleet", "3", 0);
    let output = deploy_gated(&this, other.deploy_successfully("s3-fleet")).await;

    let record = only_record(&output);
    assert_eq!(record.outcome, Outcome::Failed, "{record:#?}");
    assert!(
        record_errors(&record).contains("the new plan has changes the saved plan did not"),
        "{}",
        record_errors(&record)
    );
    let hypothesis = record.final_hypothesis().expect("diagnosed");
    assert_eq!(
        (hypothesis.category, &hypothesis.remediation),
        (Category::StateBackend, &Remediation::Escalate)
    );
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
    let state = server.state(STATE_KEY).await.expect("state");
    assert!(
        state_revisions(&state).iter().all(|value| value == "3"),
        "{state}"
    );
}

#[tokio::test]
async fn a_lock_left_by_a_killed_deploy_is_named_with_the_force_unlock_command() {
    let server = MotoServer::ready().await;
    let workspace = S3Workspace::new(&server.endpoint());
    workspace.deploy_successfully("s3-fleet").await;
    let before = server.state(STATE_KEY).await.expect("state");

    workspace.set_revision("s3-fleet", "2", 60);
    let deploy = workspace
        .command("deploy", &["s3-fleet"], &[])
        .spawn()
        .expect("agentlab starts");
    let lock_id = wait_for_apply_lock(&server).await;
    kill_tree(deploy.id().expect("running"));
    let _ = deploy.wait_with_output().await;

    workspace.set_revision("s3-fleet", "2", 0);
    let output = workspace.run("deploy", &["s3-fleet"]).await;
    let record = only_record(&output);
    assert_held_lock_failure(&record);
    assert!(
        record_errors(&record).contains(&lock_id),
        "{}",
        record_errors(&record)
    );
    let command = format!("terraform force-unlock {lock_id}");
    let hypothesis = record.final_hypothesis().expect("diagnosed");
    assert_eq!(hypothesis.remediation, Remediation::Escalate);
    assert!(
        hypothesis.root_cause.contains(&command),
        "{}",
        hypothesis.root_cause
    );
    assert_eq!(
        record.attempts[0]
            .diagnosis
            .as_ref()
            .map(|diagnosis| diagnosis.source),
        Some(DiagnosisSource::Catalog)
    );
    let issue = std::fs::read_to_string(workspace.path().join("out/s3-fleet.incident-issue.md"))
        .expect("an incident preview");
    assert!(issue.contains(&command), "{issue}");

    let locks = server.held_locks(LOCK_TABLE).await;
    assert_eq!(
        locks.len(),
        1,
        "agentlab never releases the lock itself: {locks:?}"
    );
    assert_eq!(locks[0]["ID"], lock_id.as_str());
    let after = server
        .state(STATE_KEY)
        .await
        .expect("the state is still there");
    assert_eq!(after["lineage"], before["lineage"]);
    assert_eq!(state_addresses(&after), super::FLEET_ADDRESSES);
}
