//! The Validator end to end: the real client over HTTP against the loopback Proxmox VE world, real TCP
//! connections to loopback listeners, and the Planner taking a failed check to DIAGNOSING.

use std::time::Duration;

use agentlab::contracts::{
    CheckName, CheckResult, CheckStatus, Guest, GuestKind, ResourceExpectation, RunMode,
    ValidationRequest, ValidationResult,
};
use agentlab::stand_in::proxmox::{AgentState, NodeState, PveWorld, PveWorldServer, WorldGuest};
use agentlab::validator::proxmox::{ProxmoxClient, ProxmoxClientSettings, ProxmoxConnection};
use agentlab::validator::{ProxmoxValidator, ValidatorSettings};
use secrecy::SecretString;
use tokio::net::TcpListener;

const TOKEN: &str = "agentlab@pve!validator=0b7f3c1e-5a52-4d4f-8f0e-2c4a9d1e7b66";
const NODE: &str = "pmx-01";
const ADDRESS: &str = "proxmox_virtual_environment_container.container[0]";

fn settings() -> ValidatorSettings {
    ValidatorSettings {
        client: ProxmoxClientSettings {
            request_timeout: Duration::from_secs(5),
            max_attempts: 2,
            retry_backoff: Duration::from_millis(1),
        },
        connect_timeout: Duration::from_secs(5),
        concurrency: 4,
        guest_deadline: Duration::from_secs(30),
    }
}

fn validator(server: &PveWorldServer, settings: ValidatorSettings) -> ProxmoxValidator {
    let connection = ProxmoxConnection {
        endpoint: server.endpoint(),
        token: SecretString::from(TOKEN),
        insecure: false,
        ca_file: None,
    };
    ProxmoxValidator::new(
        ProxmoxClient::new(&connection, settings.client).unwrap(),
        settings,
    )
}

fn guest(kind: GuestKind, vmid: u32) -> Guest {
    Guest {
        vmid,
        kind,
        node: None,
        name: None,
        ipv4: None,
    }
}

fn request(mode: RunMode, guests: Vec<Guest>, port: u16) -> ValidationRequest {
    ValidationRequest {
        project: "lxc-fleet".into(),
        mode,
        resources: vec![ResourceExpectation {
            pattern: r"proxmox_virtual_environment_container\.container\[\d+\]".into(),
            count: 1,
        }],
        resource_addresses: vec![ADDRESS.into()],
        guests,
        guests_problem: None,
        planned_creates: Vec::new(),
        default_node: NODE.into(),
        port,
    }
}

/// A loopback listener that accepts connections: what `reachable` connects to.
async fn listening_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

fn check(result: &ValidationResult, name: CheckName) -> &CheckResult {
    result
        .checks
        .iter()
        .find(|check| check.name == name)
        .unwrap_or_else(|| panic!("no {name:?} check in {result:#?}"))
}

fn statuses(result: &ValidationResult) -> Vec<(CheckName, CheckStatus)> {
    result
        .checks
        .iter()
        .map(|check| (check.name, check.status))
        .collect()
}

fn evidence_of(result: &ValidationResult, name: CheckName) -> String {
    check(result, name).evidence.join("\n")
}

/// A container and a VM, both running, with addresses from the API (LXC interfaces, QEMU guest agent).
fn healthy_world() -> PveWorld {
    PveWorld::new()
        .with_token(TOKEN)
        .with_guest(WorldGuest::container(NODE, 101, "127.0.0.1/8").named("web-1"))
        .with_guest(WorldGuest::vm(NODE, 201, "127.0.0.1/8").named("db-1"))
}

#[tokio::test]
async fn all_four_checks_pass_against_a_healthy_world() {
    let server = PveWorldServer::start(healthy_world()).await.unwrap();
    let (_listener, port) = listening_port().await;
    let guests = vec![guest(GuestKind::Lxc, 101), guest(GuestKind::Qemu, 201)];
    let result = validator(&server, settings())
        .check(&request(RunMode::Deploy, guests, port))
        .await;
    assert!(result.ok, "{result:#?}");
    assert_eq!(
        statuses(&result),
        [
            (CheckName::Resources, CheckStatus::Pass),
            (CheckName::GuestStatus, CheckStatus::Pass),
            (CheckName::IpAssigned, CheckStatus::Pass),
            (CheckName::Reachable, CheckStatus::Pass),
        ]
    );
    assert_eq!(
        check(&result, CheckName::GuestStatus).detail,
        "2 of 2 guests are running"
    );
    let ip = evidence_of(&result, CheckName::IpAssigned);
    assert!(
        ip.contains(
            "lxc/101 on pmx-01: 127.0.0.1 (from GET /api2/json/nodes/pmx-01/lxc/101/interfaces)"
        ),
        "{ip}"
    );
    assert!(ip.contains("qemu/201 on pmx-01: 127.0.0.1 (from GET /api2/json/nodes/pmx-01/qemu/201/agent/network-get-interfaces)"), "{ip}");
    assert!(
        evidence_of(&result, CheckName::Reachable)
            .contains(&format!("127.0.0.1:{port} accepted a TCP connection"))
    );
    for recorded in server.requests() {
        assert_eq!(
            recorded.authorization.as_deref(),
            Some(format!("PVEAPIToken={TOKEN}").as_str())
        );
    }
}

#[tokio::test]
async fn an_address_in_the_guests_output_is_used_without_asking_the_api() {
    let server = PveWorldServer::start(healthy_world()).await.unwrap();
    let (_listener, port) = listening_port().await;
    let mut from_output = guest(GuestKind::Qemu, 201);
    from_output.ipv4 = Some("127.0.0.1/8".into());
    let result = validator(&server, settings())
        .check(&request(RunMode::Deploy, vec![from_output], port))
        .await;
    assert!(result.ok, "{result:#?}");
    assert!(
        evidence_of(&result, CheckName::IpAssigned).contains("127.0.0.1 (from the guests output)")
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.contains("/agent/"))
    );
}

#[tokio::test]
async fn a_stopped_guest_fails_guest_status_with_its_status() {
    let world =
        healthy_world().with_guest(WorldGuest::container(NODE, 102, "127.0.0.1/8").stopped());
    let server = PveWorldServer::start(world).await.unwrap();
    let (_listener, port) = listening_port().await;
    let guests = vec![guest(GuestKind::Lxc, 101), guest(GuestKind::Lxc, 102)];
    let result = validator(&server, settings())
        .check(&request(RunMode::Deploy, guests, port))
        .await;
    assert!(!result.ok);
    let status = check(&result, CheckName::GuestStatus);
    assert_eq!(status.status, CheckStatus::Fail);
    assert_eq!(
        status.detail,
        "1 of 2 guests are not running: lxc/102 on pmx-01"
    );
    assert_eq!(
        status.evidence[0],
        "lxc/102 on pmx-01: status is `stopped`, not `running` (GET /api2/json/nodes/pmx-01/lxc/102/status/current)"
    );
    assert!(evidence_of(&result, CheckName::IpAssigned).contains("lxc/102 on pmx-01: GET /api2/json/nodes/pmx-01/lxc/102/interfaces answers null (the container is not running)"));
}

#[tokio::test]
async fn a_guest_without_an_ipv4_address_fails_ip_assigned_and_reachable() {
    let world =
        healthy_world().with_guest(WorldGuest::container(NODE, 103, "unused").without_ipv4());
    let server = PveWorldServer::start(world).await.unwrap();
    let (_listener, port) = listening_port().await;
    let result = validator(&server, settings())
        .check(&request(
            RunMode::Deploy,
            vec![guest(GuestKind::Lxc, 103)],
            port,
        ))
        .await;
    assert_eq!(
        statuses(&result)[1..],
        [
            (CheckName::GuestStatus, CheckStatus::Pass),
            (CheckName::IpAssigned, CheckStatus::Fail),
            (CheckName::Reachable, CheckStatus::Fail),
        ]
    );
    assert_eq!(
        evidence_of(&result, CheckName::IpAssigned),
        "lxc/103 on pmx-01: GET /api2/json/nodes/pmx-01/lxc/103/interfaces lists no IPv4 address on any interface but lo"
    );
    assert_eq!(
        evidence_of(&result, CheckName::Reachable),
        "lxc/103 on pmx-01: no IPv4 address to connect to (see ip-assigned)"
    );
}

#[tokio::test]
async fn a_guest_agent_that_is_not_running_fails_ip_assigned_with_the_api_answer() {
    let world = healthy_world()
        .with_guest(WorldGuest::vm(NODE, 202, "127.0.0.1/8").with_agent(AgentState::NotRunning));
    let server = PveWorldServer::start(world).await.unwrap();
    let (_listener, port) = listening_port().await;
    let result = validator(&server, settings())
        .check(&request(
            RunMode::Deploy,
            vec![guest(GuestKind::Qemu, 201), guest(GuestKind::Qemu, 202)],
            port,
        ))
        .await;
    let ip = check(&result, CheckName::IpAssigned);
    assert_eq!(ip.status, CheckStatus::Fail);
    assert_eq!(
        ip.evidence[0],
        "qemu/202 on pmx-01: GET /api2/json/nodes/pmx-01/qemu/202/agent/network-get-interfaces → 500 QEMU guest agent is not running"
    );
    assert_eq!(
        check(&result, CheckName::GuestStatus).status,
        CheckStatus::Pass
    );
}

#[tokio::test]
async fn an_authentication_failure_fails_the_guest_checks_with_a_clear_message_and_no_token() {
    let world = healthy_world().with_token("agentlab@pve!validator=some-other-secret");
    let server = PveWorldServer::start(world).await.unwrap();
    let (_listener, port) = listening_port().await;
    let result = validator(&server, settings())
        .check(&request(
            RunMode::Deploy,
            vec![guest(GuestKind::Lxc, 101)],
            port,
        ))
        .await;
    let status = check(&result, CheckName::GuestStatus);
    assert_eq!(status.status, CheckStatus::Fail);
    assert!(
        status.evidence[0].contains(
            "→ 401 Authentication failed!: the API token was refused; check PROXMOX_VE_API_TOKEN"
        ),
        "{:?}",
        status.evidence
    );
    let everything = serde_json::to_string(&result).unwrap();
    assert!(
        !everything.contains("0b7f3c1e"),
        "the token leaked: {everything}"
    );
    assert!(!everything.contains("some-other-secret"), "{everything}");
}

#[tokio::test]
async fn a_node_that_is_down_fails_with_the_595_reason() {
    let world = healthy_world().with_node(
        "pmx-02",
        NodeState::Down {
            reason: "No route to host".into(),
        },
    );
    let server = PveWorldServer::start(world).await.unwrap();
    let (_listener, port) = listening_port().await;
    let mut on_dead_node = guest(GuestKind::Lxc, 301);
    on_dead_node.node = Some("pmx-02".into());
    let result = validator(&server, settings())
        .check(&request(
            RunMode::Deploy,
            vec![guest(GuestKind::Lxc, 101), on_dead_node],
            port,
        ))
        .await;
    let status = check(&result, CheckName::GuestStatus);
    assert_eq!(status.status, CheckStatus::Fail);
    assert_eq!(
        status.evidence[0],
        "lxc/301 on pmx-02: GET /api2/json/nodes/pmx-02/lxc/301/status/current → 595 No route to host"
    );
    // The healthy guest on the other node is still checked and passes.
    assert!(
        status.evidence[1].starts_with("lxc/101 on pmx-01: running"),
        "{:?}",
        status.evidence
    );
}

#[tokio::test]
async fn a_port_that_refuses_fails_reachable_with_the_address() {
    let server = PveWorldServer::start(healthy_world()).await.unwrap();
    let (listener, port) = listening_port().await;
    drop(listener);
    let result = validator(&server, settings())
        .check(&request(
            RunMode::Deploy,
            vec![guest(GuestKind::Lxc, 101)],
            port,
        ))
        .await;
    let reachable = check(&result, CheckName::Reachable);
    assert_eq!(reachable.status, CheckStatus::Fail);
    assert_eq!(
        reachable.evidence[0],
        format!(
            "lxc/101 on pmx-01: 127.0.0.1:{port}: connection refused (nothing listens on the port, or a firewall rejects it)"
        )
    );
    assert_eq!(
        check(&result, CheckName::IpAssigned).status,
        CheckStatus::Pass
    );
}

#[tokio::test]
async fn a_resources_pattern_that_matches_nothing_names_the_addresses_there_instead() {
    let server = PveWorldServer::start(healthy_world()).await.unwrap();
    let (_listener, port) = listening_port().await;
    let mut telmate = request(RunMode::Deploy, vec![guest(GuestKind::Lxc, 101)], port);
    telmate.resources[0].pattern = r"proxmox_lxc\.container\[\d+\]".into();
    let result = validator(&server, settings()).check(&telmate).await;
    let resources = check(&result, CheckName::Resources);
    assert_eq!(resources.status, CheckStatus::Fail);
    assert!(
        resources.evidence[0].ends_with(&format!("addresses there instead: {ADDRESS}")),
        "{:?}",
        resources.evidence
    );
    assert!(!result.ok);
}

#[tokio::test]
async fn in_plan_mode_guests_that_do_not_exist_yet_skip_and_existing_ones_are_checked() {
    let server = PveWorldServer::start(healthy_world()).await.unwrap();
    let (_listener, port) = listening_port().await;
    let guests = vec![guest(GuestKind::Lxc, 101), guest(GuestKind::Lxc, 905)];
    let result = validator(&server, settings())
        .check(&request(RunMode::Plan, guests, port))
        .await;
    assert!(result.ok, "{result:#?}");
    let status = check(&result, CheckName::GuestStatus);
    assert_eq!(status.status, CheckStatus::Pass);
    assert_eq!(
        status.detail,
        "1 of 2 guests are running; 1 skipped (not created yet, runs after apply)"
    );
    assert!(status.evidence[1].contains("runs after apply (the guest does not exist yet: GET /api2/json/nodes/pmx-01/lxc/905/status/current → 500 Configuration file 'nodes/pmx-01/lxc/905.conf' does not exist)"), "{:?}", status.evidence);

    let only_new = request(RunMode::Plan, vec![guest(GuestKind::Lxc, 905)], port);
    let result = validator(&server, settings()).check(&only_new).await;
    assert!(
        result.checks[1..]
            .iter()
            .all(|c| c.status == CheckStatus::Skip),
        "{result:#?}"
    );

    // In live mode the same missing guest is a failure.
    let live = request(RunMode::Deploy, vec![guest(GuestKind::Lxc, 905)], port);
    let result = validator(&server, settings()).check(&live).await;
    assert_eq!(
        check(&result, CheckName::GuestStatus).status,
        CheckStatus::Fail
    );
}

#[tokio::test]
async fn a_guests_problem_is_a_failing_check_with_the_problem_as_evidence() {
    let server = PveWorldServer::start(healthy_world()).await.unwrap();
    let mut broken = request(RunMode::Deploy, Vec::new(), 22);
    broken.guests_problem = Some(
        "the `guests` output is not a list of {vmid, kind, node?, name?, ipv4?}: invalid type"
            .into(),
    );
    let result = validator(&server, settings()).check(&broken).await;
    assert!(!result.ok);
    assert_eq!(
        evidence_of(&result, CheckName::GuestStatus),
        broken.guests_problem.unwrap()
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn one_hanging_guest_cannot_stall_the_others_past_the_deadline() {
    let world =
        healthy_world().with_guest(WorldGuest::container(NODE, 104, "127.0.0.1/8").hanging());
    let server = PveWorldServer::start(world).await.unwrap();
    let (_listener, port) = listening_port().await;
    let mut quick = settings();
    quick.client.request_timeout = Duration::from_millis(300);
    quick.concurrency = 1;
    let guests = vec![
        guest(GuestKind::Lxc, 104),
        guest(GuestKind::Lxc, 101),
        guest(GuestKind::Qemu, 201),
    ];
    let result = validator(&server, quick)
        .check(&request(RunMode::Deploy, guests, port))
        .await;
    let status = check(&result, CheckName::GuestStatus);
    assert_eq!(
        status.detail,
        "1 of 3 guests are not running: lxc/104 on pmx-01"
    );
    assert!(
        status.evidence[0].contains("no answer within 300 ms"),
        "{:?}",
        status.evidence
    );
    // The guest deadline bounds a guest whose every step is slow.
    let mut tight = quick;
    tight.guest_deadline = Duration::from_secs(2);
    tight.client.request_timeout = Duration::from_secs(30);
    let result = validator(&server, tight)
        .check(&request(
            RunMode::Deploy,
            vec![guest(GuestKind::Lxc, 104), guest(GuestKind::Lxc, 101)],
            port,
        ))
        .await;
    let status = check(&result, CheckName::GuestStatus);
    assert!(
        status.evidence[0].starts_with("lxc/104 on pmx-01: no verdict within 2 s"),
        "{:?}",
        status.evidence
    );
    assert!(
        status.evidence[1].starts_with("lxc/101 on pmx-01: running"),
        "{:?}",
        status.evidence
    );
}

#[tokio::test]
async fn without_api_settings_the_guest_checks_say_what_is_missing() {
    let (_listener, port) = listening_port().await;
    let mut with_address = guest(GuestKind::Lxc, 101);
    with_address.ipv4 = Some("127.0.0.1".into());
    let validator = ProxmoxValidator::without_api(
        "PROXMOX_VE_ENDPOINT is not set; the Proxmox VE checks need it",
        settings(),
    );
    let result = validator
        .check(&request(RunMode::Deploy, vec![with_address], port))
        .await;
    assert_eq!(
        statuses(&result),
        [
            (CheckName::Resources, CheckStatus::Pass),
            (CheckName::GuestStatus, CheckStatus::Fail),
            (CheckName::IpAssigned, CheckStatus::Pass),
            (CheckName::Reachable, CheckStatus::Pass),
        ]
    );
    assert!(
        evidence_of(&result, CheckName::GuestStatus).contains("PROXMOX_VE_ENDPOINT is not set")
    );
}
