use super::*;
use crate::stand_in::proxmox::{AgentState, NodeState, PveWorld, PveWorldServer, WorldGuest};
use std::net::Ipv4Addr;
use std::path::PathBuf;

const TOKEN: &str = "agentlab@pve!validator=6f1c2b7e-0d1a-4c55-9b8e-51d0c1f0a9e3";

fn fast_settings() -> ProxmoxClientSettings {
    ProxmoxClientSettings {
        request_timeout: Duration::from_millis(500),
        max_attempts: 3,
        retry_backoff: Duration::from_millis(1),
    }
}

fn connection(endpoint: &str) -> ProxmoxConnection {
    ProxmoxConnection {
        endpoint: endpoint.into(),
        token: SecretString::from(TOKEN),
        insecure: false,
        ca_file: None,
    }
}

fn client_for(server: &PveWorldServer) -> ProxmoxClient {
    ProxmoxClient::new(&connection(&server.endpoint()), fast_settings()).unwrap()
}

#[test]
fn endpoints_with_or_without_slash_or_api_path_give_the_same_base() {
    for endpoint in [
        "https://pve.lan:8006",
        "https://pve.lan:8006/",
        "https://pve.lan:8006/api2/json",
        "https://pve.lan:8006/api2/json/",
    ] {
        assert_eq!(
            api_base(endpoint).unwrap().as_str(),
            "https://pve.lan:8006/api2/json",
            "{endpoint}"
        );
    }
    assert_eq!(
        api_base("http://127.0.0.1:8080/").unwrap().as_str(),
        "http://127.0.0.1:8080/api2/json"
    );
}

#[test]
fn endpoints_that_are_not_http_addresses_are_refused_with_the_reason() {
    for (endpoint, why) in [
        ("pve.lan:8006", "scheme"),
        ("ftp://pve.lan/", "scheme must be http or https"),
        ("https://pve.lan:8006/?x=1", "query"),
        ("not a url", "relative URL"),
    ] {
        let error = api_base(endpoint).unwrap_err().to_string();
        assert!(error.contains(endpoint), "{error}");
        assert!(error.contains(why), "{endpoint}: {error}");
    }
}

#[test]
fn malformed_tokens_are_refused_without_showing_them() {
    for token in [
        "secret-only-value",
        "user@pve=abc",
        "userpve!id=abc",
        "user@pve!id=",
        "user@pve!=abc",
    ] {
        let error = authorization_header(&SecretString::from(token)).unwrap_err();
        assert_eq!(error, ProxmoxConfigError::TokenShape);
        assert!(!error.to_string().contains(token));
    }
    let header = authorization_header(&SecretString::from(TOKEN)).unwrap();
    assert!(header.is_sensitive());
    assert_eq!(header.to_str().unwrap(), format!("PVEAPIToken={TOKEN}"));
}

#[test]
fn debug_prints_of_the_connection_and_client_never_show_the_token() {
    let connection = connection("https://pve.lan:8006/");
    let client = ProxmoxClient::new(&connection, fast_settings()).unwrap();
    for printed in [format!("{connection:?}"), format!("{client:?}")] {
        assert!(!printed.contains("6f1c2b7e"), "{printed}");
        assert!(printed.contains("[REDACTED]"), "{printed}");
    }
}

#[test]
fn the_connection_is_read_from_the_environment_names_of_the_bpg_provider() {
    let lookup = |values: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    };
    let full = ProxmoxConnection::from_lookup(lookup(&[
        (ENDPOINT_ENV, "https://pve.lan:8006/"),
        (TOKEN_ENV, TOKEN),
        (INSECURE_ENV, "true"),
        (CA_FILE_ENV, "/etc/pve-ca.pem"),
    ]))
    .unwrap();
    assert!(full.insecure);
    assert_eq!(full.ca_file, Some(PathBuf::from("/etc/pve-ca.pem")));
    assert_eq!(
        ProxmoxConnection::from_lookup(lookup(&[(TOKEN_ENV, TOKEN)])).unwrap_err(),
        ProxmoxConfigError::Missing(ENDPOINT_ENV)
    );
    assert_eq!(
        ProxmoxConnection::from_lookup(lookup(&[(ENDPOINT_ENV, "https://pve/"), (TOKEN_ENV, " ")]))
            .unwrap_err(),
        ProxmoxConfigError::Missing(TOKEN_ENV)
    );
    let flag = ProxmoxConnection::from_lookup(lookup(&[
        (ENDPOINT_ENV, "https://pve/"),
        (TOKEN_ENV, TOKEN),
        (INSECURE_ENV, "maybe"),
    ]))
    .unwrap_err();
    assert_eq!(flag, ProxmoxConfigError::InsecureFlag("maybe".into()));
}

#[test]
fn a_ca_file_that_is_missing_or_not_pem_is_a_clear_error() {
    let directory = tempfile::tempdir().unwrap();
    let missing = directory.path().join("absent.pem");
    let not_pem = directory.path().join("garbage.pem");
    std::fs::write(&not_pem, "this is not a certificate").unwrap();
    for path in [missing, not_pem] {
        let mut connection = connection("https://pve.lan:8006/");
        connection.ca_file = Some(path.clone());
        let error = ProxmoxClient::new(&connection, fast_settings()).unwrap_err();
        assert!(
            matches!(&error, ProxmoxConfigError::CaFile { path: named, .. } if *named == path),
            "{error:?}"
        );
    }
}

#[test]
fn error_reasons_come_from_the_body_then_the_status_line_then_the_code() {
    let status = StatusCode::INTERNAL_SERVER_ERROR;
    assert_eq!(
        error_reason(
            status,
            Some("from line".into()),
            br#"{"data":null,"message":"from body\n"}"#
        ),
        "from body"
    );
    assert_eq!(
        error_reason(status, Some("from line".into()), br#"{"data":null}"#),
        "from line"
    );
    assert_eq!(error_reason(status, None, b""), "Internal Server Error");
    assert_eq!(
        error_reason(
            StatusCode::BAD_REQUEST,
            Some("Parameter verification failed.".into()),
            br#"{"data":null,"errors":{"vmid":"invalid format - value does not look like a valid VM ID\n"}}"#
        ),
        "Parameter verification failed. (vmid: invalid format - value does not look like a valid VM ID)"
    );
}

#[test]
fn the_permission_named_by_a_403_is_found() {
    assert_eq!(
        permission_named("Permission check failed (/vms/100, VM.Audit)"),
        Some(("/vms/100".into(), "VM.Audit".into()))
    );
    assert_eq!(permission_named("Permission check failed"), None);
}

#[test]
fn ipv4_addresses_come_from_any_interface_but_lo() {
    assert_eq!(
        parse_ipv4_or_cidr("10.0.0.5/24"),
        Some(Ipv4Addr::new(10, 0, 0, 5))
    );
    assert_eq!(
        parse_ipv4_or_cidr(" 10.0.0.5 "),
        Some(Ipv4Addr::new(10, 0, 0, 5))
    );
    assert_eq!(parse_ipv4_or_cidr("dhcp"), None);
    assert_eq!(parse_ipv4_or_cidr("fe80::1/64"), None);
    let interfaces: Vec<ContainerInterface> = serde_json::from_str(
        r#"[{"name":"lo","inet":"127.0.0.1/8"},
            {"name":"eth0","inet6":"fe80::1/64","ip-addresses":[{"ip-address":"fe80::1","ip-address-type":"inet6","prefix":64}]},
            {"name":"eth1","ip-addresses":[{"ip-address":"192.168.7.9","ip-address-type":"inet","prefix":24}]}]"#,
    )
    .unwrap();
    assert_eq!(
        first_container_ipv4(&interfaces),
        Some(Ipv4Addr::new(192, 168, 7, 9))
    );
    assert_eq!(first_container_ipv4(&interfaces[..2]), None);
    let agent: Vec<AgentInterface> = serde_json::from_str(
        r#"[{"name":"lo","ip-addresses":[{"ip-address":"127.0.0.1","ip-address-type":"ipv4","prefix":8}]},
            {"name":"ens18","ip-addresses":[{"ip-address":"fe80::2","ip-address-type":"ipv6","prefix":64},
                                             {"ip-address":"127.0.0.1","ip-address-type":"ipv4","prefix":8}]}]"#,
    )
    .unwrap();
    // A loopback-range address on a real interface counts: only the interface named `lo` is skipped.
    assert_eq!(first_agent_ipv4(&agent), Some(Ipv4Addr::LOCALHOST));
    assert_eq!(first_agent_ipv4(&agent[..1]), None);
}

#[tokio::test]
async fn requests_carry_the_token_header_and_read_the_documented_shapes() {
    let world = PveWorld::new()
        .with_token(TOKEN)
        .with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24").named("web-1"))
        .with_guest(WorldGuest::vm("pmx-01", 201, "10.0.0.6/24"));
    let server = PveWorldServer::start(world).await.unwrap();
    let client = client_for(&server);
    let status = client
        .guest_status("pmx-01", GuestKind::Lxc, 101)
        .await
        .unwrap();
    assert_eq!(status.status, "running");
    assert_eq!(status.name.as_deref(), Some("web-1"));
    let interfaces = client
        .container_interfaces("pmx-01", 101)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        first_container_ipv4(&interfaces),
        Some(Ipv4Addr::new(10, 0, 0, 5))
    );
    let agent = client.agent_interfaces("pmx-01", 201).await.unwrap();
    assert_eq!(first_agent_ipv4(&agent), Some(Ipv4Addr::new(10, 0, 0, 6)));
    let requests = server.requests();
    let paths: Vec<&str> = requests
        .iter()
        .map(|request| request.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "/api2/json/nodes/pmx-01/lxc/101/status/current",
            "/api2/json/nodes/pmx-01/lxc/101/interfaces",
            "/api2/json/nodes/pmx-01/qemu/201/agent/network-get-interfaces",
        ]
    );
    for request in &requests {
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("PVEAPIToken={TOKEN}").as_str())
        );
    }
}

#[tokio::test]
async fn the_reason_of_an_error_is_read_from_the_status_line_or_the_message() {
    for world in [PveWorld::new(), PveWorld::new().with_messages_in_body()] {
        let world = world.with_node("pmx-01", NodeState::Online);
        let server = PveWorldServer::start(world).await.unwrap();
        let error = client_for(&server)
            .guest_status("pmx-01", GuestKind::Lxc, 905)
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "GET /api2/json/nodes/pmx-01/lxc/905/status/current → 500 Configuration file 'nodes/pmx-01/lxc/905.conf' does not exist"
        );
        assert!(error.is_missing_guest());
        // A missing guest stays missing: it is asked about once.
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_node_that_is_briefly_unreachable_is_retried_and_a_dead_one_gives_up_after_the_bound() {
    let world = PveWorld::new()
        .with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24"))
        .with_fault("/nodes/pmx-01/", 595, "No route to host", Some(1));
    let server = PveWorldServer::start(world).await.unwrap();
    let status = client_for(&server)
        .guest_status("pmx-01", GuestKind::Lxc, 101)
        .await;
    assert_eq!(status.unwrap().status, "running");
    assert_eq!(server.requests().len(), 2);

    let world = PveWorld::new().with_node(
        "pmx-02",
        NodeState::Down {
            reason: "No route to host".into(),
        },
    );
    let server = PveWorldServer::start(world).await.unwrap();
    let error = client_for(&server)
        .guest_status("pmx-02", GuestKind::Qemu, 300)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "GET /api2/json/nodes/pmx-02/qemu/300/status/current → 595 No route to host"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn authentication_and_permission_failures_say_what_to_do() {
    let world = PveWorld::new()
        .with_token("agentlab@pve!validator=another-secret-value")
        .with_guest(WorldGuest::vm("pmx-01", 201, "10.0.0.6/24"));
    let server = PveWorldServer::start(world).await.unwrap();
    let error = client_for(&server)
        .guest_status("pmx-01", GuestKind::Qemu, 201)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, ProxmoxError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    assert!(text.contains("401 Authentication failed!"), "{text}");
    assert!(text.contains(TOKEN_ENV), "{text}");
    assert!(!text.contains("6f1c2b7e"), "{text}");
    assert_eq!(server.requests().len(), 1, "a refused token is not retried");

    let world = PveWorld::new()
        .with_guest(WorldGuest::vm("pmx-01", 201, "10.0.0.6/24"))
        .with_fault(
            "/agent/",
            403,
            "Permission check failed (/vms/201, VM.GuestAgent.Audit)",
            None,
        );
    let server = PveWorldServer::start(world).await.unwrap();
    let error = client_for(&server)
        .agent_interfaces("pmx-01", 201)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("403 Permission check failed (/vms/201, VM.GuestAgent.Audit)"),
        "{text}"
    );
    assert!(
        text.contains("lacks the privilege VM.GuestAgent.Audit on /vms/201"),
        "{text}"
    );
}

#[tokio::test]
async fn agent_errors_and_stopped_containers_are_reported_as_the_api_gives_them() {
    let world = PveWorld::new()
        .with_guest(WorldGuest::vm("pmx-01", 201, "10.0.0.6/24").with_agent(AgentState::NotRunning))
        .with_guest(WorldGuest::container("pmx-01", 102, "10.0.0.7/24").stopped());
    let server = PveWorldServer::start(world).await.unwrap();
    let client = client_for(&server);
    let error = client.agent_interfaces("pmx-01", 201).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "GET /api2/json/nodes/pmx-01/qemu/201/agent/network-get-interfaces → 500 QEMU guest agent is not running"
    );
    assert_eq!(
        client.container_interfaces("pmx-01", 102).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_hanging_api_times_out_and_a_closed_port_is_a_connection_error() {
    let world =
        PveWorld::new().with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24").hanging());
    let server = PveWorldServer::start(world).await.unwrap();
    let settings = ProxmoxClientSettings {
        request_timeout: Duration::from_millis(200),
        max_attempts: 2,
        retry_backoff: Duration::from_millis(1),
    };
    let client = ProxmoxClient::new(&connection(&server.endpoint()), settings).unwrap();
    let error = client
        .guest_status("pmx-01", GuestKind::Lxc, 101)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ProxmoxError::Timeout {
                timeout_ms: 200,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 2);

    let endpoint = server.endpoint();
    drop(server);
    let client = ProxmoxClient::new(&connection(&endpoint), settings).unwrap();
    let error = client
        .guest_status("pmx-01", GuestKind::Lxc, 101)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProxmoxError::Connection { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("Connection refused") || error.to_string().contains("connect"),
        "{error}"
    );
}

#[tokio::test]
async fn a_node_name_from_an_output_cannot_walk_the_api_path() {
    let server = PveWorldServer::start(PveWorld::new()).await.unwrap();
    let error = client_for(&server)
        .guest_status("../../access", GuestKind::Lxc, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProxmoxError::Status { status: 595, .. }),
        "{error:?}"
    );
    assert_eq!(
        server.requests()[0].path,
        "/api2/json/nodes/..%2F..%2Faccess/lxc/1/status/current"
    );
    let error = client_for(&server)
        .guest_status("..", GuestKind::Lxc, 1)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ProxmoxError::BadSegment {
            segment: "..".into()
        }
    );
    // Three tries of the unknown node (595 is retried), none for the refused name.
    assert_eq!(server.requests().len(), 3);
}
