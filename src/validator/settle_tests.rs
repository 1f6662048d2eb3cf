//! Watching guests settle against the Proxmox VE stand-in: a booting guest is waited for, a stopped one fails once
//! the settle time is over, a stop request ends the wait at once, and what no wait can change fails at once.

use std::net::Ipv4Addr;

use secrecy::SecretString;
use tokio::net::TcpListener;

use super::*;
use crate::contracts::{GuestKind, RunMode};
use crate::stand_in::proxmox::{PveWorld, PveWorldServer, WorldGuest};
use crate::validator::proxmox::{ProxmoxClient, ProxmoxClientSettings, ProxmoxConnection};

const NODE: &str = "pmx-01";

fn client_for(server: &PveWorldServer) -> ProxmoxClient {
    let connection = ProxmoxConnection {
        endpoint: server.endpoint(),
        token: SecretString::from("agentlab@pve!settle=5c0ffee0-0000-4000-8000-000000000000"),
        insecure: false,
        ca_file: None,
    };
    let settings = ProxmoxClientSettings {
        request_timeout: Duration::from_secs(2),
        max_attempts: 1,
        retry_backoff: Duration::from_millis(1),
    };
    ProxmoxClient::new(&connection, settings).unwrap()
}

fn guest(vmid: u32) -> Guest {
    Guest {
        vmid,
        kind: GuestKind::Lxc,
        node: None,
        name: None,
        ipv4: None,
    }
}

/// A listener on loopback, and its port.
async fn listening() -> (TcpListener, u16) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Watches `vmid` in `world` for up to `settle`, with `cancellation`; returns what was seen and how long it took.
async fn watch(
    world: PveWorld,
    vmid: u32,
    settle: Duration,
    port: u16,
    cancellation: Option<&Cancellation>,
) -> (Watched, Duration) {
    let server = PveWorldServer::start(world).await.unwrap();
    let client = client_for(&server);
    let context = ProbeContext {
        api: Ok(&client),
        mode: RunMode::Deploy,
        default_node: NODE,
        port,
        connect_timeout: Duration::from_secs(1),
    };
    let probes_at_once = Semaphore::new(2);
    let policy = SettlePolicy {
        settle,
        probe_deadline: Duration::from_secs(5),
        probes_at_once: &probes_at_once,
        cancellation,
    };
    let started = Instant::now();
    let watched = watch_guest(&guest(vmid), &context, &policy).await;
    (watched, started.elapsed())
}

fn verdict_line(verdict: &GuestVerdict) -> (&'static str, &str) {
    match verdict {
        GuestVerdict::Pass(line) => ("pass", line),
        GuestVerdict::Fail(line) => ("fail", line),
        GuestVerdict::Skip(line) => ("skip", line),
    }
}

#[tokio::test]
async fn a_booting_guest_is_waited_for_and_the_evidence_says_how_long() {
    let (_listener, port) = listening().await;
    let world = PveWorld::new().with_guest(
        WorldGuest::container(NODE, 301, "127.0.0.1/8").booting_for(Duration::from_millis(1200)),
    );
    let (watched, took) = watch(world, 301, Duration::from_secs(30), port, None).await;
    assert!(!watched.cancelled);
    for verdict in [
        &watched.findings.status,
        &watched.findings.ip,
        &watched.findings.reach,
    ] {
        let (kind, line) = verdict_line(verdict);
        assert_eq!(kind, "pass", "{line}");
        assert!(line.contains(" s of 30 s, "), "{line}");
        let probes: u32 = line
            .rsplit(", ")
            .next()
            .and_then(|tail| tail.strip_suffix(" probes"))
            .and_then(|count| count.parse().ok())
            .unwrap_or_else(|| panic!("no probe count in {line}"));
        assert!(probes >= 2, "{line}");
    }
    assert!(took >= Duration::from_millis(1200), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[tokio::test]
async fn a_guest_that_stays_stopped_fails_once_the_settle_time_is_over() {
    let (_listener, port) = listening().await;
    let world =
        PveWorld::new().with_guest(WorldGuest::container(NODE, 302, "127.0.0.1/8").stopped());
    let (watched, took) = watch(world, 302, Duration::from_secs(2), port, None).await;
    let (kind, line) = verdict_line(&watched.findings.status);
    assert_eq!(kind, "fail");
    assert!(line.contains("status is `stopped`"), "{line}");
    assert!(line.contains(" s of 2 s, "), "{line}");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_stop_request_ends_the_wait_at_once() {
    let (_listener, port) = listening().await;
    let world =
        PveWorld::new().with_guest(WorldGuest::container(NODE, 303, "127.0.0.1/8").stopped());
    let cancellation = Cancellation::new();
    let stopper = cancellation.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        stopper.request();
    });
    let (watched, took) = watch(
        world,
        303,
        Duration::from_secs(120),
        port,
        Some(&cancellation),
    )
    .await;
    assert!(watched.cancelled);
    assert!(took < Duration::from_secs(3), "{took:?}");
    let (kind, line) = verdict_line(&watched.findings.status);
    assert_eq!(kind, "fail");
    assert!(
        line.ends_with("the wait was cancelled: agentlab was asked to stop"),
        "{line}"
    );
}

#[tokio::test]
async fn what_no_wait_can_change_fails_at_the_first_probe() {
    let (_listener, port) = listening().await;
    // The node has no guest 304: a wrong VMID in the guests output stays wrong.
    let world = PveWorld::new().with_guest(WorldGuest::container(NODE, 300, "127.0.0.1/8"));
    let (watched, took) = watch(world, 304, Duration::from_secs(60), port, None).await;
    let (kind, line) = verdict_line(&watched.findings.status);
    assert_eq!(kind, "fail");
    assert!(line.contains("does not exist"), "{line}");
    assert!(line.ends_with(", 1 probe"), "{line}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn without_a_settle_time_one_probe_decides_and_the_evidence_is_as_before() {
    let (listener, port) = listening().await;
    drop(listener);
    let world = PveWorld::new().with_guest(WorldGuest::container(NODE, 305, "127.0.0.1/8"));
    let (watched, _) = watch(world, 305, Duration::ZERO, port, None).await;
    let (kind, line) = verdict_line(&watched.findings.reach);
    assert_eq!(kind, "fail");
    assert!(line.contains("connection refused"), "{line}");
    assert!(!line.contains("waited"), "{line}");
}
