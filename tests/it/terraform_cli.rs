//! `agentlab plan` and `agentlab deploy` end to end: the real binary, the real terraform 1.0.3 on the sandbox
//! projects declared in tests/fixtures/agentlab-sandbox.toml, the real Validator against the Proxmox VE stand-in on
//! loopback, and the known-failure catalogue with `--llm none`. Records come out on stdout (`--json`) and in
//! `--output DIR`; the exit status is 0 when every project succeeded and 1 when one failed. Every test is one
//! [`check`] of a run against the records it must leave, plus what is particular to it.

use std::ops::Range;

use TerraformPhase::{Apply, Init, Plan};
use agentlab::contracts::{
    DiagnosisSource, Outcome, Remediation, RunRecord, StateName, TerraformPhase,
};

use crate::support::{
    PROXMOX_TOKEN, ProxmoxStandIn, agentlab, proxmox_for, record_errors, record_on_disk,
    records_from_stdout, sandbox_workspace, stderr_of, unreached_proxmox_env,
};

/// One run on a fresh sandbox workspace: `agentlab COMMAND --project P… --no-post --json --output out` (deploys
/// with `--llm none`).
struct Input {
    command: &'static str,
    projects: &'static [&'static str],
    /// The containers the Proxmox VE world runs on pmx-01 (VMIDs, name prefix), with a listener for `reachable`;
    /// `None`: no Proxmox VE settings at all.
    proxmox: Option<(Range<u32>, &'static str)>,
}

/// One attempt: Terraform's last phase and exit code, whether it succeeded, and the attempt's parallelism.
type Attempt = (TerraformPhase, Option<i32>, bool, u32);

/// What one project's record must show.
struct Record {
    project: &'static str,
    outcome: Outcome,
    attempts: Vec<Attempt>,
    /// Text Terraform's errors must contain; empty when nothing is asked of them.
    errors_mention: &'static str,
    last_state: StateName,
}

/// The exit status and the records, in the order of the projects. No run here spends anything on a model.
struct Expect {
    exit_code: i32,
    records: Vec<Record>,
}

struct Checked {
    workspace: tempfile::TempDir,
    records: Vec<RunRecord>,
    stderr: String,
    _proxmox: Option<ProxmoxStandIn>,
}

async fn check(input: Input, expect: Expect) -> Checked {
    let workspace = sandbox_workspace();
    let proxmox = match input.proxmox {
        Some((vmids, prefix)) => {
            Some(proxmox_for(workspace.path(), PROXMOX_TOKEN, vmids, prefix).await)
        }
        None => None,
    };
    let mut args = vec![input.command];
    for project in input.projects {
        args.extend(["--project", project]);
    }
    args.extend(["--no-post", "--json", "--output", "out"]);
    if input.command == "deploy" {
        args.extend(["--llm", "none"]);
    }
    // Without a stand-in the deploys fail before the Validator runs; they still need the variables to start.
    let env = proxmox
        .as_ref()
        .map(|proxmox| proxmox.env.clone())
        .unwrap_or_else(|| unreached_proxmox_env().to_vec());
    let output = agentlab(workspace.path(), &args, &env).await;
    let records = records_from_stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(expect.exit_code),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(records.len(), expect.records.len());
    for (record, expected) in records.iter().zip(&expect.records) {
        let project = expected.project;
        assert_eq!(record.project, project);
        assert_eq!(record.outcome, expected.outcome, "{project}: {record:#?}");
        assert_eq!(
            record.failure_reason.is_some(),
            expected.outcome == Outcome::Failed,
            "{project}: {:?}",
            record.failure_reason
        );
        let attempts: Vec<Attempt> = record
            .attempts
            .iter()
            .map(|attempt| {
                let terraform = &attempt.terraform;
                (
                    terraform.phase,
                    terraform.exit_code,
                    terraform.ok,
                    attempt.parallelism,
                )
            })
            .collect();
        assert_eq!(
            attempts, expected.attempts,
            "{project}: (phase, exit code, ok, parallelism)"
        );
        assert!(
            record_errors(record).contains(expected.errors_mention),
            "{project}: {}",
            record_errors(record)
        );
        assert_eq!(
            record.transitions.last().map(|transition| transition.to),
            Some(expected.last_state),
            "{project}"
        );
        assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0), "{project}");
        let on_disk = record_on_disk(&workspace.path().join("out"), project);
        assert_eq!(on_disk.run_id, record.run_id, "{project}");
    }
    Checked {
        workspace,
        records,
        stderr: stderr_of(&output),
        _proxmox: proxmox,
    }
}

#[tokio::test]
async fn plan_prints_the_record_with_the_real_change_counts() {
    // The guests do not exist yet: the stand-in knows none of them, so the guest checks skip in plan mode.
    let Checked {
        workspace, records, ..
    } = check(
        Input {
            command: "plan",
            projects: &["sandbox-ok"],
            proxmox: Some((0..0, "sandbox")),
        },
        Expect {
            exit_code: 0,
            records: vec![Record {
                project: "sandbox-ok",
                outcome: Outcome::Success,
                attempts: vec![(Plan, Some(2), true, 10)],
                errors_mention: "",
                last_state: StateName::Success,
            }],
        },
    )
    .await;
    let record = &records[0];
    let terraform = &record.attempts[0].terraform;
    assert_eq!((terraform.changes.add, terraform.changes.destroy), (4, 0));
    let validation = record.attempts[0]
        .validation
        .as_ref()
        .expect("the plan was validated");
    assert!(validation.ok, "{validation:?}");
    let states: Vec<StateName> = record
        .transitions
        .iter()
        .map(|transition| transition.to)
        .collect();
    assert_eq!(
        states,
        [
            StateName::Running,
            StateName::Validating,
            StateName::Success
        ]
    );
    let out = workspace.path().join("out");
    let preview = std::fs::read_to_string(out.join("sandbox-ok.pr-comment.md"))
        .expect("a Markdown preview of the PR comment is written with --no-post");
    assert!(
        preview.contains("<!-- agentlab") && preview.contains("4 to add"),
        "{preview}"
    );
    assert!(
        !out.join("sandbox-ok.incident-issue.md").exists(),
        "a successful plan previews no incident issue"
    );
    assert!(
        std::fs::read_dir(&out).unwrap().all(|entry| !entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tfplan")),
        "no plan file (which holds sensitive values in clear) is left next to the records"
    );
    assert!(
        !workspace
            .path()
            .join("sandbox-ok/terraform.tfstate")
            .exists(),
        "a plan applies nothing"
    );
}

#[tokio::test]
async fn deploy_applies_and_validates_the_live_guests() {
    let Checked {
        workspace,
        records,
        stderr,
        ..
    } = check(
        Input {
            command: "deploy",
            projects: &["sandbox-ok"],
            proxmox: Some((200..203, "sandbox")),
        },
        Expect {
            exit_code: 0,
            records: vec![Record {
                project: "sandbox-ok",
                outcome: Outcome::Success,
                attempts: vec![(Apply, Some(0), true, 10)],
                errors_mention: "",
                last_state: StateName::Success,
            }],
        },
    )
    .await;
    let attempt = &records[0].attempts[0];
    assert_eq!(attempt.terraform.resource_addresses.len(), 4);
    assert!(
        attempt
            .validation
            .as_ref()
            .is_some_and(|validation| validation.ok)
    );
    assert!(
        workspace
            .path()
            .join("sandbox-ok/terraform.tfstate")
            .exists()
    );
    // Outside GitHub Actions and without -v: Terraform's lines as a compact view, one per resource change, and no
    // workflow command.
    let terraform_lines = |text: &str| stderr.lines().filter(|line| line.contains(text)).count();
    assert_eq!(terraform_lines("Creation complete"), 4, "{stderr}");
    assert_eq!(terraform_lines("Creating..."), 0, "{stderr}");
    assert_eq!(
        terraform_lines("Initializing"),
        0,
        "init's chatter is detail: {stderr}"
    );
    assert!(
        !stderr.lines().any(|line| line.starts_with("::")),
        "no workflow command outside Actions: {stderr}"
    );
}

#[tokio::test]
async fn with_v_every_line_terraform_prints_is_shown() {
    let workspace = sandbox_workspace();
    let output = agentlab(
        workspace.path(),
        &[
            "-v",
            "plan",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
        ],
        &[],
    )
    .await;
    // (No Proxmox VE here: the plan's live checks fail, which does not matter to what Terraform printed.)
    let stderr = stderr_of(&output);
    assert!(stderr.contains("Initializing the backend"), "{stderr}");
    assert!(stderr.contains("Plan to create"), "{stderr}");
}

#[tokio::test]
async fn each_fault_fails_the_deploy_with_its_real_error_text() {
    check(
        Input {
            command: "deploy",
            projects: &[
                "fault-vmid-conflict",
                "fault-permission",
                "fault-backend-offline",
            ],
            proxmox: None,
        },
        Expect {
            exit_code: 1,
            records: vec![
                Record {
                    project: "fault-vmid-conflict",
                    outcome: Outcome::Failed,
                    attempts: vec![(Apply, Some(1), false, 10)],
                    errors_mention: "CT 901 already exists on node 'pmx-01'",
                    last_state: StateName::Failed,
                },
                Record {
                    project: "fault-permission",
                    outcome: Outcome::Failed,
                    attempts: vec![(Apply, Some(1), false, 10)],
                    errors_mention: "please provide also the following permissions that are missing: [VM.Monitor]",
                    last_state: StateName::Failed,
                },
                Record {
                    project: "fault-backend-offline",
                    outcome: Outcome::Failed,
                    attempts: vec![(Init, Some(1), false, 10)],
                    errors_mention: "dial tcp 127.0.0.1:1: connect: connection refused",
                    last_state: StateName::Failed,
                },
            ],
        },
    )
    .await;
}

#[tokio::test]
async fn the_parallel_lock_fault_deploys_at_parallelism_1() {
    check(
        Input {
            command: "deploy",
            projects: &["fault-parallel-lock-serial"],
            proxmox: Some((901..904, "fleet")),
        },
        Expect {
            exit_code: 0,
            records: vec![Record {
                project: "fault-parallel-lock-serial",
                outcome: Outcome::Success,
                attempts: vec![(Apply, Some(0), true, 1)],
                errors_mention: "",
                last_state: StateName::Success,
            }],
        },
    )
    .await;
}

#[tokio::test]
async fn the_parallel_lock_fault_fails_at_parallelism_10_and_the_catalogue_retries_it_at_1() {
    // The known-failure catalogue answers first even with `--llm none`: it reduces the parallelism to 1, at no
    // cost, and the second attempt succeeds.
    let Checked { records, .. } = check(
        Input {
            command: "deploy",
            projects: &["fault-parallel-lock"],
            proxmox: Some((901..904, "fleet")),
        },
        Expect {
            exit_code: 0,
            records: vec![Record {
                project: "fault-parallel-lock",
                outcome: Outcome::Success,
                attempts: vec![(Apply, Some(1), false, 10), (Apply, Some(0), true, 1)],
                errors_mention: "can't lock file '/var/lock/lxc/lock-90",
                last_state: StateName::Success,
            }],
        },
    )
    .await;
    let record = &records[0];
    let diagnosis = record.attempts[0]
        .diagnosis
        .as_ref()
        .expect("the failure was diagnosed");
    assert_eq!(diagnosis.source, DiagnosisSource::Catalog);
    assert_eq!(
        record.attempts[1].remediation_applied,
        Some(Remediation::ReduceParallelism { parallelism: 1 })
    );
}
