//! The live checks wait for new guests to settle, end to end: `agentlab deploy` of `sandbox-ok` with the real
//! terraform, the Proxmox VE stand-in, and the guests' port opened by the test. A port that opens five seconds
//! after the apply passes after a wait the evidence states; one that never opens fails once `settle_seconds` are
//! over; a SIGTERM during the wait ends it at once and the run is recorded as cancelled.

use std::path::Path;
use std::time::{Duration, Instant};

use agentlab::contracts::{CheckName, CheckStatus, RunRecord};
use agentlab::stand_in::proxmox::{NodeState, PveWorld, PveWorldServer, WorldGuest};
use tokio::net::TcpListener;

use crate::support::{
    PROXMOX_TOKEN, agentlab_command, assert_failed_because, assert_no_panic, check_named,
    free_loopback_port, record_on_disk, rest_of, sandbox_workspace, stderr_until,
};

/// The Proxmox VE world of `sandbox-ok`'s containers, all running.
async fn sandbox_world() -> PveWorldServer {
    let mut world = PveWorld::new()
        .with_token(PROXMOX_TOKEN)
        .with_node("pmx-01", NodeState::Online);
    for vmid in 200..203 {
        world = world.with_guest(
            WorldGuest::container("pmx-01", vmid, "127.0.0.1/8")
                .named(&format!("sandbox-{}", vmid - 200)),
        );
    }
    PveWorldServer::start(world).await.expect("stand-in starts")
}

/// Sets every project's `reachable` port, and `settle_seconds` when given, in the workspace's configuration.
fn configure(workspace: &Path, port: u16, settle_seconds: Option<u64>) {
    let config = workspace.join("agentlab-sandbox.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let settle = settle_seconds
        .map(|seconds| format!("settle_seconds = {seconds}\n"))
        .unwrap_or_default();
    let text = text.replace(
        "[project.validate]\n",
        &format!("[project.validate]\nport = {port}\n{settle}"),
    );
    std::fs::write(&config, text).expect("config written");
}

/// Starts `agentlab deploy --project sandbox-ok` and reads its log until the apply is complete: the child and what
/// it printed so far, with the rest of its stderr.
async fn deploy_until_applied(
    workspace: &Path,
    server: &PveWorldServer,
) -> (
    tokio::process::Child,
    String,
    impl std::future::Future<Output = String>,
) {
    let env = [
        ("PROXMOX_VE_ENDPOINT", server.endpoint()),
        ("PROXMOX_VE_API_TOKEN", PROXMOX_TOKEN.to_string()),
    ];
    let mut child = agentlab_command(
        workspace,
        &[
            "deploy",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
            "--llm",
            "none",
            "--max-retries",
            "0",
        ],
        &env,
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .expect("agentlab starts");
    let (seen, rest) = stderr_until(&mut child, "Apply complete!").await;
    (child, seen, rest_of(rest))
}

/// The `reachable` check of the deploy's validation, and its first evidence line.
fn reachable(record: &RunRecord) -> (CheckStatus, String) {
    let validation = record.attempts[0]
        .validation
        .as_ref()
        .expect("the deploy was validated");
    let check = check_named(validation, CheckName::Reachable);
    (check.status, check.evidence.join("\n"))
}

/// The seconds and probes of an evidence line's `waited S s of T s, N probes`.
fn waited(evidence: &str) -> (f64, u32) {
    let after = evidence
        .split("waited ")
        .nth(1)
        .unwrap_or_else(|| panic!("no wait in {evidence}"));
    let seconds: f64 = after.split(' ').next().unwrap().parse().unwrap();
    let probes: u32 = after
        .split(", ")
        .nth(1)
        .and_then(|probes| probes.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no probe count in {evidence}"));
    (seconds, probes)
}

#[tokio::test]
async fn a_port_that_opens_five_seconds_after_the_apply_passes_after_the_wait() {
    let workspace = sandbox_workspace();
    let server = sandbox_world().await;
    let port = free_loopback_port();
    configure(workspace.path(), port, None);
    let (mut child, seen, rest) = deploy_until_applied(workspace.path(), &server).await;
    let opener = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the guests' port opens");
        // Keep accepting until the test ends.
        loop {
            let _ = listener.accept().await;
        }
    });
    let stderr = format!("{seen}{}", rest.await);
    let status = child.wait().await.unwrap();
    opener.abort();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let record = record_on_disk(&workspace.path().join("out"), "sandbox-ok");
    let (check, evidence) = reachable(&record);
    assert_eq!(check, CheckStatus::Pass, "{evidence}");
    for line in evidence.lines() {
        let (seconds, probes) = waited(line);
        assert!(seconds >= 4.0, "{line}");
        assert!(probes >= 3, "{line}");
        assert!(
            line.contains(" s of 180 s, "),
            "the default settle time: {line}"
        );
    }
}

#[tokio::test]
async fn a_port_that_never_opens_fails_once_settle_seconds_are_over() {
    let workspace = sandbox_workspace();
    let server = sandbox_world().await;
    let port = free_loopback_port();
    configure(workspace.path(), port, Some(3));
    let (mut child, seen, rest) = deploy_until_applied(workspace.path(), &server).await;
    let applied = Instant::now();
    let stderr = format!("{seen}{}", rest.await);
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(applied.elapsed() < Duration::from_secs(30), "{stderr}");
    let record = record_on_disk(&workspace.path().join("out"), "sandbox-ok");
    let (check, evidence) = reachable(&record);
    assert_eq!(check, CheckStatus::Fail, "{evidence}");
    for line in evidence.lines() {
        assert!(line.contains("connection refused"), "{line}");
        let (seconds, probes) = waited(line);
        assert!((3.0..10.0).contains(&seconds), "{line}");
        assert!(probes >= 3, "{line}");
    }
    // The guests are running all along: only the port check waited in vain.
    let validation = record.attempts[0].validation.as_ref().unwrap();
    assert_eq!(
        check_named(validation, CheckName::GuestStatus).status,
        CheckStatus::Pass
    );
}

#[tokio::test]
async fn a_sigterm_ends_the_wait_at_once_and_the_run_is_cancelled() {
    let workspace = sandbox_workspace();
    let server = sandbox_world().await;
    let port = free_loopback_port();
    configure(workspace.path(), port, Some(600));
    let (mut child, seen, rest) = deploy_until_applied(workspace.path(), &server).await;
    // The validator is waiting for the port by now.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pid = i32::try_from(child.id().expect("running")).unwrap();
    let signalled = Instant::now();
    // SAFETY: kill(2) on the agentlab child this test started, which has not been reaped yet.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let stderr = format!("{seen}{}", rest.await);
    let status = child.wait().await.unwrap();
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "the wait ended at once: {:?}",
        signalled.elapsed()
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_no_panic(&stderr);
    let record = record_on_disk(&workspace.path().join("out"), "sandbox-ok");
    assert_failed_because(&record, &["cancelled"]);
    let validation = record.attempts[0].validation.as_ref().unwrap();
    assert!(validation.cancelled);
    assert!(
        record.attempts[0].diagnosis.is_none(),
        "no diagnosis after a stop request"
    );
    let (_, evidence) = reachable(&record);
    assert!(evidence.contains("the wait was cancelled"), "{evidence}");
}
