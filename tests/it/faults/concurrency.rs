//! Two `agentlab deploy` runs of the same project at once, on Terraform's local backend (its state lock is a
//! lock on `terraform.tfstate`): the second fails on the state lock with a message that says so, the first
//! finishes, the state is intact and both runs leave a record.

use agentlab::contracts::Outcome;

use crate::support::{
    agentlab, installed_terraform, record_errors, record_on_disk, rest_of, sandbox_proxmox,
    sandbox_workspace, spawn_until_provisioning, stderr_of, terraform_cli_config,
};

#[tokio::test]
async fn two_deploys_of_one_project_one_fails_on_the_state_lock_and_the_state_is_intact() {
    let workspace = sandbox_workspace();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let mut first_env = proxmox.env.clone();
    // The first run's creates take ten seconds, so its apply holds the lock for as long as the second run needs to
    // start, init and ask for the lock, even on a loaded machine.
    first_env.push(("TF_VAR_create_seconds", "10".to_string()));
    // No --output: each run picks its own folder under .agentlab/runs, as in CI.
    let deploy = ["deploy", "--project", "sandbox-ok", "--no-post"];
    let (mut first, first_seen, first_rest) =
        spawn_until_provisioning(workspace.path(), &deploy, &first_env).await;

    // The sandbox configuration waits 0s for a lock, so the second run fails at once rather than waiting.
    let second = agentlab(workspace.path(), &deploy, &proxmox.env).await;
    let second_stderr = stderr_of(&second);
    assert_eq!(second.status.code(), Some(1), "{second_stderr}");
    assert!(
        second_stderr.contains("Error acquiring the state lock"),
        "the second run says why it failed:\n{second_stderr}"
    );

    let first_stderr = format!("{first_seen}{}", rest_of(first_rest).await);
    let first_status = first.wait().await.unwrap();
    assert_eq!(first_status.code(), Some(0), "{first_stderr}");

    let runs = workspace.path().join(".agentlab/runs");
    let mut records: Vec<agentlab::contracts::RunRecord> = std::fs::read_dir(&runs)
        .unwrap()
        .map(|entry| record_on_disk(&entry.unwrap().path(), "sandbox-ok"))
        .collect();
    assert_eq!(records.len(), 2, "one record per run");
    records.sort_by_key(|record| record.outcome == Outcome::Success);
    let (locked_out, finished) = (&records[0], &records[1]);
    assert_ne!(locked_out.run_id, finished.run_id);
    assert_eq!(finished.outcome, Outcome::Success, "{finished:#?}");
    assert_eq!(locked_out.outcome, Outcome::Failed);
    let lock_error = record_errors(locked_out);
    assert!(
        lock_error.contains("Error acquiring the state lock"),
        "{lock_error}"
    );
    assert_eq!(
        locked_out.attempts.len(),
        1,
        "a held lock is escalated, never retried or force-unlocked"
    );

    // The state is whole: Terraform reads it and it lists every resource the finished run created.
    let state = tokio::process::Command::new(installed_terraform())
        .args(["state", "list"])
        .current_dir(workspace.path().join("sandbox-ok"))
        .env("TF_CLI_CONFIG_FILE", terraform_cli_config())
        .output()
        .await
        .unwrap();
    assert!(state.status.success(), "{}", stderr_of(&state));
    let listed = String::from_utf8_lossy(&state.stdout);
    let mut addresses: Vec<&str> = listed.lines().collect();
    addresses.sort_unstable();
    assert_eq!(
        addresses,
        [
            "null_resource.container[0]",
            "null_resource.container[1]",
            "null_resource.container[2]",
            "null_resource.dns_record",
        ]
    );
}
