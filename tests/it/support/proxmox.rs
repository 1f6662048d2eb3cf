//! The Proxmox VE side of a test: the loopback Proxmox VE world with the guests a sandbox creates, the listener its
//! `reachable` check connects to, and the real Validator pointed at the world with a token.

use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use agentlab::stand_in::proxmox::{NodeState, PveWorld, PveWorldServer, WorldGuest};
use agentlab::validator::proxmox::{ProxmoxClient, ProxmoxClientSettings, ProxmoxConnection};
use agentlab::validator::{ProxmoxValidator, ValidatorSettings};
use secrecy::SecretString;
use tokio::net::TcpListener;

use super::servers::listening_port;

/// The Proxmox VE API token the sandbox runs present to [`sandbox_proxmox`].
pub const PROXMOX_TOKEN: &str = "agentlab@pve!faults=7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

/// The environment that reaches a running Proxmox VE world, and the listener of the guests' port; both live as
/// long as this does.
pub struct ProxmoxStandIn {
    pub env: Vec<(&'static str, String)>,
    _server: PveWorldServer,
    _listener: TcpListener,
}

impl ProxmoxStandIn {
    /// The running world, to change between two runs (a guest stopped by hand, started again).
    pub fn world(&self) -> std::sync::MutexGuard<'_, PveWorld> {
        self._server.world()
    }
}

/// Points every project's `reachable` check in `<workspace>/agentlab-sandbox.toml` at `port`.
fn use_port(workspace: &Path, port: u16) {
    let config = workspace.join("agentlab-sandbox.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace(
            "[project.validate]\n",
            &format!("[project.validate]\nport = {port}\n"),
        ),
    )
    .expect("config written");
}

/// A Proxmox VE world that accepts `token`, where the containers `vmids` run on pmx-01 at 127.0.0.1, named
/// `{name_prefix}-N` from 0; the workspace's projects check reachability on a listener of the test's own.
pub async fn proxmox_for(
    workspace: &Path,
    token: &str,
    vmids: Range<u32>,
    name_prefix: &str,
) -> ProxmoxStandIn {
    let first = vmids.start;
    let mut world = PveWorld::new()
        .with_token(token)
        .with_node("pmx-01", NodeState::Online);
    for vmid in vmids {
        world = world.with_guest(
            WorldGuest::container("pmx-01", vmid, "127.0.0.1/8")
                .named(&format!("{name_prefix}-{}", vmid - first)),
        );
    }
    let server = PveWorldServer::start(world).await.expect("stand-in starts");
    let (listener, port) = listening_port().await;
    use_port(workspace, port);
    let env = vec![
        ("PROXMOX_VE_ENDPOINT", server.endpoint()),
        ("PROXMOX_VE_API_TOKEN", token.to_string()),
    ];
    ProxmoxStandIn {
        env,
        _server: server,
        _listener: listener,
    }
}

/// [`proxmox_for`] the guests of `sandbox-ok` (containers 200–202, `sandbox-0` to `sandbox-2`).
pub async fn sandbox_proxmox(workspace: &Path) -> ProxmoxStandIn {
    proxmox_for(workspace, PROXMOX_TOKEN, 200..203, "sandbox").await
}

/// The real Validator, talking to `server` with `token` and `settings`.
pub fn proxmox_validator(
    server: &PveWorldServer,
    token: &str,
    settings: ValidatorSettings,
) -> ProxmoxValidator {
    let connection = ProxmoxConnection {
        endpoint: server.endpoint(),
        token: SecretString::from(token),
        insecure: false,
        ca_file: None,
    };
    ProxmoxValidator::new(
        ProxmoxClient::new(&connection, settings.client).expect("a client of the stand-in"),
        settings,
    )
}

/// The default Validator settings, with requests bounded by `request_timeout`, tried twice, 1 ms apart.
pub fn quick_validator_settings(request_timeout: Duration) -> ValidatorSettings {
    ValidatorSettings {
        client: ProxmoxClientSettings {
            request_timeout,
            max_attempts: 2,
            retry_backoff: Duration::from_millis(1),
        },
        ..ValidatorSettings::default()
    }
}

/// `PROXMOX_VE_ENDPOINT` (a loopback port nothing listens on) and `PROXMOX_VE_API_TOKEN` for deploys that fail
/// before the Validator runs: a deploy needs both to start at all, and these never reach the API.
pub fn unreached_proxmox_env() -> [(&'static str, String); 2] {
    [
        ("PROXMOX_VE_ENDPOINT", super::refused_url()),
        ("PROXMOX_VE_API_TOKEN", PROXMOX_TOKEN.to_string()),
    ]
}
