//! Terraform faults through the real `agentlab` binary: a SIGTERM in the middle of an apply, a missing binary, and
//! binaries that print random bytes or 50 MB (a table of what they print and what the record keeps of it). Each
//! ends with exit status 1, the record on disk and no panic.

use std::path::Path;
use std::process::Stdio;

use agentlab::contracts::{Outcome, TerraformPhase, TerraformResult};

use crate::support::{
    agentlab, agentlab_in, assert_failed_because, assert_no_panic, fake_terraform, record_on_disk,
    rest_of, sandbox_proxmox, sandbox_workspace, spawn_until_provisioning, stderr_of,
};

/// `agentlab deploy` of the healthy sandbox project, its record in `out/`.
const DEPLOY_SANDBOX: [&str; 6] = [
    "deploy",
    "--project",
    "sandbox-ok",
    "--no-post",
    "--output",
    "out",
];

#[tokio::test]
async fn a_sigterm_mid_deploy_writes_the_record_and_the_next_plan_needs_no_unlock() {
    let workspace = sandbox_workspace();
    let out = workspace.path().join("out");
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let mut slow_env = proxmox.env.clone();
    // Each create takes five seconds, so the apply is still running when the signal arrives (the signal is sent the
    // moment Terraform reports the provisioner started). Terraform lets running provisioners finish, so this is
    // also how long the interrupted apply lasts.
    slow_env.push(("TF_VAR_create_seconds", "5".to_string()));
    // Signal once Terraform logs that a provisioner started: it is inside the apply, holding the state lock.
    let (mut child, seen, rest) =
        spawn_until_provisioning(workspace.path(), &DEPLOY_SANDBOX, &slow_env).await;
    let pid = i32::try_from(child.id().expect("running")).unwrap();
    // SAFETY: kill(2) on the agentlab child this test started, which has not been reaped yet.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let stderr = format!("{seen}{}", rest_of(rest).await);
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_no_panic(&stderr);
    assert!(stderr.contains("signal received"), "{stderr}");
    let record = record_on_disk(&out, "sandbox-ok");
    assert_failed_because(&record, &["cancelled"]);
    assert_eq!(
        record.attempts.len(),
        1,
        "a cancelled deploy is not retried"
    );
    let terraform = &record.attempts[0].terraform;
    assert!(terraform.cancelled && terraform.phase == TerraformPhase::Apply);
    assert!(
        !workspace
            .path()
            .join("sandbox-ok/.terraform.tfstate.lock.info")
            .exists(),
        "Terraform released the state lock"
    );

    // The sandbox configuration's lock_timeout is 0s: a lock left behind would fail this plan at once.
    let replan = agentlab(
        workspace.path(),
        &[
            "plan",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "replan",
        ],
        &proxmox.env,
    )
    .await;
    assert_eq!(replan.status.code(), Some(0), "{}", stderr_of(&replan));
    let replanned = record_on_disk(&workspace.path().join("replan"), "sandbox-ok");
    assert_eq!(replanned.outcome, Outcome::Success);
    assert!(
        replanned.attempts[0].terraform.changes.add > 0,
        "the interrupted apply left work to do"
    );
}

#[tokio::test]
async fn a_missing_terraform_is_a_configuration_error_before_anything_runs() {
    let workspace = sandbox_workspace();
    let missing = workspace.path().join("no-terraform-here");
    let output = agentlab(
        workspace.path(),
        &DEPLOY_SANDBOX,
        &[("AGENTLAB_TERRAFORM", missing.display().to_string())],
    )
    .await;
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_no_panic(&stderr);
    assert!(
        stderr.contains("no-terraform-here is not a file"),
        "{stderr}"
    );
    assert!(
        !workspace.path().join("out").exists(),
        "no run started, so no record"
    );
}

/// The largest resident set of the agentlab child, from wait4(2) (kilobytes on Linux).
fn wait_for_max_rss_kib(pid: i32) -> (i32, i64) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for the child this test spawned; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    assert!(libc::WIFEXITED(status), "agentlab was killed: {status}");
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

/// Runs `agentlab plan` with a terraform whose `init` works and whose plan prints what `output` (a shell snippet)
/// prints and exits 1; returns the exit status, agentlab's peak resident set in KiB and the end of its log.
async fn plan_printing(workspace: &Path, output: &str) -> (i32, i64, String) {
    let terraform = fake_terraform(
        workspace,
        "terraform-fake",
        &format!(
            "#!/bin/bash\nif [ \"$1\" = init ]; then echo 'Terraform has been successfully initialized!'; exit 0; fi\n\
             {output}\nexit 1\n"
        ),
    );
    let log = std::fs::File::create(workspace.join("agentlab.log")).unwrap();
    // wait4 below needs a child nobody else reaps: a plain std child, never waited for through std.
    let mut command = agentlab_in(workspace);
    command
        .args([
            "plan",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
            "--config",
        ])
        .arg(workspace.join("agentlab-sandbox.toml"))
        .env("AGENTLAB_TERRAFORM", terraform)
        .stdout(Stdio::null())
        .stderr(Stdio::from(log));
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 below, which also reports its peak memory"
    )]
    let spawned = command.spawn().expect("agentlab starts");
    let pid = i32::try_from(spawned.id()).unwrap();
    let (code, max_rss_kib) = tokio::task::spawn_blocking(move || wait_for_max_rss_kib(pid))
        .await
        .unwrap();
    let log = std::fs::read(workspace.join("agentlab.log")).unwrap();
    let log_end = String::from_utf8_lossy(&log[log.len().saturating_sub(20_000)..]).into_owned();
    (code, max_rss_kib, log_end)
}

/// The output is up to 50 MB; keeping it, or a diagnostic per line, would need more than this several times over.
/// (Measured on 2026-12-02 with a debug build: 49-52 MiB for random bytes, most of it the known-failure catalogue's
/// compiled patterns and their matching caches after it grew to some 150 families; 48 MiB had been set when it was
/// smaller.)
const MAX_RSS_KIB: i64 = 64 * 1024;

/// What a terraform prints (a shell snippet, after a working `init`), and what agentlab must keep of it.
struct Printing {
    output: &'static str,
    kept: Kept,
}

/// What agentlab must have made of the output, found in the record's Terraform result.
enum Kept {
    /// A diagnostic whose summary contains this.
    DiagnosticSummary(&'static str),
    /// A diagnostic whose detail contains this.
    DiagnosticDetail(&'static str),
    /// A line of the log tail that starts with this.
    LogLineStarting(&'static str),
}

impl Kept {
    fn is_in(&self, terraform: &TerraformResult) -> bool {
        match self {
            Kept::DiagnosticSummary(text) => terraform
                .errors()
                .any(|diagnostic| diagnostic.summary.contains(text)),
            Kept::DiagnosticDetail(text) => terraform
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.detail.contains(text)),
            Kept::LogLineStarting(text) => {
                terraform.log_tail.iter().any(|line| line.starts_with(text))
            }
        }
    }
}

/// Random bytes on both streams: invalid UTF-8, control characters, lines of any length.
const GARBAGE: Printing = Printing {
    output: "head -c 300000 /dev/urandom; head -c 100000 /dev/urandom >&2",
    kept: Kept::DiagnosticSummary("could not read a line"),
};

/// 50 MB of lines that are not Terraform's JSON, 1 kB each, on stdout, and a little on stderr.
const FIFTY_MEGABYTES_OF_LINES: Printing = Printing {
    output: "line=$(printf 'not json: %01010d' 0); yes \"$line\" | head -c 50000000; echo 'Error: the end' >&2",
    kept: Kept::DiagnosticDetail("more lines of Terraform's JSON output"),
};

/// One 25 MB line on each stream.
const FIFTY_MEGABYTES_WITHOUT_A_NEWLINE: Printing = Printing {
    output: "yes x | tr -d '\\n' | head -c 25000000 >&2; yes y | tr -d '\\n' | head -c 25000000",
    kept: Kept::LogLineStarting("xxxx"),
};

/// A plan whose terraform prints `printing.output` fails with exit 1 and no panic, within [`MAX_RSS_KIB`], leaving
/// a small record (under 300 kB, at most 61 log lines and 10 diagnostics) of a plan that exited 1 and kept
/// `printing.kept`.
async fn check(printing: Printing) {
    let workspace = sandbox_workspace();
    let (code, max_rss_kib, log_end) = plan_printing(workspace.path(), printing.output).await;
    assert_eq!(code, 1, "{log_end}");
    assert_no_panic(&log_end);
    let record_bytes = std::fs::metadata(workspace.path().join("out/sandbox-ok.json"))
        .unwrap()
        .len();
    assert!(
        record_bytes < 300_000,
        "the record holds {record_bytes} bytes"
    );
    let record = record_on_disk(&workspace.path().join("out"), "sandbox-ok");
    assert_eq!(record.outcome, Outcome::Failed);
    let terraform = &record.attempts[0].terraform;
    assert_eq!(
        (terraform.phase, terraform.exit_code),
        (TerraformPhase::Plan, Some(1))
    );
    assert!(
        terraform.log_tail.len() <= 61,
        "{}",
        terraform.log_tail.len()
    );
    assert!(
        terraform.diagnostics.len() <= 10,
        "{}",
        terraform.diagnostics.len()
    );
    assert!(
        printing.kept.is_in(terraform),
        "{:?}\n{:?}",
        terraform.diagnostics,
        terraform.log_tail
    );
    assert!(
        max_rss_kib < MAX_RSS_KIB,
        "agentlab's resident set peaked at {max_rss_kib} KiB"
    );
}

#[tokio::test]
async fn a_terraform_printing_garbage_fails_the_run_without_a_panic() {
    check(GARBAGE).await;
}

#[tokio::test]
async fn fifty_megabytes_of_output_keep_memory_and_the_record_bounded() {
    check(FIFTY_MEGABYTES_OF_LINES).await;
}

#[tokio::test]
async fn fifty_megabytes_without_a_newline_are_cut_and_memory_stays_bounded() {
    check(FIFTY_MEGABYTES_WITHOUT_A_NEWLINE).await;
}
