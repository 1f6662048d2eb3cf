//! A Proxmox VE "world" served on loopback: nodes, guests, their statuses, addresses and guest agents, answered
//! in the documented shapes of the Proxmox VE API (REFERENCE.md), with failures that can be injected.
//!
//! Tests and the eval harness describe a world as data ([`PveWorld`]), start it with [`PveWorldServer::start`],
//! point the client at [`PveWorldServer::endpoint`], and may change the world while it runs. Every request is
//! recorded with its `Authorization` header so tests can check what the client sent. Errors come back as Proxmox
//! VE sends them: `{"data": null}` with the reason in the HTTP status line (and, when asked, as `message` too).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::{Value, json};

use crate::contracts::GuestKind;
use crate::validator::pve_world_answers::{agent_interfaces, container_interfaces, status_current};
use crate::validator::pve_world_http::{HttpReply, HttpRequest, percent_decode, serve};

/// The state of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeState {
    Online,
    /// Requests proxied to it fail with 595 and this reason (`No route to host`, `Connection refused`).
    Down {
        reason: String,
    },
}

/// Whether a VM's QEMU guest agent answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentState {
    Running,
    NotRunning,
    NotConfigured,
    TimesOut,
}

/// One network interface of a guest; `ipv4` in CIDR form (`10.0.0.5/24`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldInterface {
    pub name: String,
    pub ipv4: Option<String>,
}

/// One guest of the world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldGuest {
    pub node: String,
    pub kind: GuestKind,
    pub vmid: u32,
    pub name: String,
    /// `running` or `stopped`.
    pub status: String,
    pub lock: Option<String>,
    /// Besides `lo`, which every guest has.
    pub interfaces: Vec<WorldInterface>,
    /// Only read for VMs.
    pub agent: AgentState,
    /// Never answers any request about this guest (a hung node daemon).
    pub hangs: bool,
}

impl WorldGuest {
    /// A running container with `eth0` at `ipv4` (CIDR).
    pub fn container(node: &str, vmid: u32, ipv4: &str) -> Self {
        Self::new(node, GuestKind::Lxc, vmid, ipv4)
    }

    /// A running VM with a running guest agent and `eth0` at `ipv4` (CIDR).
    pub fn vm(node: &str, vmid: u32, ipv4: &str) -> Self {
        Self::new(node, GuestKind::Qemu, vmid, ipv4)
    }

    fn new(node: &str, kind: GuestKind, vmid: u32, ipv4: &str) -> Self {
        Self {
            node: node.into(),
            kind,
            vmid,
            name: format!("{}-{vmid}", kind.api_segment()),
            status: "running".into(),
            lock: None,
            interfaces: vec![WorldInterface {
                name: "eth0".into(),
                ipv4: Some(ipv4.into()),
            }],
            agent: AgentState::Running,
            hangs: false,
        }
    }

    pub fn named(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    pub fn stopped(mut self) -> Self {
        self.status = "stopped".into();
        self
    }

    pub fn without_ipv4(mut self) -> Self {
        for interface in &mut self.interfaces {
            interface.ipv4 = None;
        }
        self
    }

    pub fn with_agent(mut self, agent: AgentState) -> Self {
        self.agent = agent;
        self
    }

    pub fn hanging(mut self) -> Self {
        self.hangs = true;
        self
    }
}

/// A failure answered instead of the world's own answer, for requests whose path contains `path_contains`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFault {
    pub path_contains: String,
    pub status: u16,
    pub reason: String,
    /// How many requests it answers; `None`: all of them.
    pub remaining: Option<u32>,
}

/// Who may ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldAuth {
    /// Only `Authorization: PVEAPIToken=<this>`.
    Token(String),
    Anyone,
}

/// The whole world, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PveWorld {
    pub nodes: BTreeMap<String, NodeState>,
    pub guests: Vec<WorldGuest>,
    pub auth: WorldAuth,
    pub faults: Vec<InjectedFault>,
    /// Newer Proxmox VE versions repeat the error reason as `message` in the body; older ones only have it in the
    /// status line, which is the harder case for a client and so the default.
    pub message_in_body: bool,
}

impl PveWorld {
    /// An empty world that lets anyone in.
    pub fn new() -> Self {
        Self {
            nodes: BTreeMap::new(),
            guests: Vec::new(),
            auth: WorldAuth::Anyone,
            faults: Vec::new(),
            message_in_body: false,
        }
    }

    pub fn with_token(mut self, token: &str) -> Self {
        self.auth = WorldAuth::Token(token.into());
        self
    }

    /// Adds a guest, and its node as online if the world does not know the node yet.
    pub fn with_guest(mut self, guest: WorldGuest) -> Self {
        self.nodes
            .entry(guest.node.clone())
            .or_insert(NodeState::Online);
        self.guests.push(guest);
        self
    }

    pub fn with_node(mut self, node: &str, state: NodeState) -> Self {
        self.nodes.insert(node.into(), state);
        self
    }

    pub fn with_fault(
        mut self,
        path_contains: &str,
        status: u16,
        reason: &str,
        remaining: Option<u32>,
    ) -> Self {
        self.faults.push(InjectedFault {
            path_contains: path_contains.into(),
            status,
            reason: reason.into(),
            remaining,
        });
        self
    }

    pub fn with_messages_in_body(mut self) -> Self {
        self.message_in_body = true;
        self
    }

    /// The world's answer to one request; `None` means it never answers.
    pub fn answer(
        &mut self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
    ) -> Option<(u16, String, Value)> {
        let Some(api_path) = path.strip_prefix("/api2/json") else {
            return Some(error(404, "Not Found"));
        };
        match (&self.auth, authorization) {
            (_, None) if self.auth != WorldAuth::Anyone => return Some(error(401, "No ticket")),
            (WorldAuth::Token(token), Some(header)) if header != format!("PVEAPIToken={token}") => {
                return Some(error(401, "Authentication failed!"));
            }
            _ => {}
        }
        if let Some(fault) = self
            .faults
            .iter_mut()
            .find(|fault| path.contains(&fault.path_contains) && fault.remaining != Some(0))
        {
            if let Some(remaining) = &mut fault.remaining {
                *remaining -= 1;
            }
            return Some(error(fault.status, &fault.reason.clone()));
        }
        if method != "GET" {
            return Some(error(
                501,
                &format!("Method '{method} {api_path}' not implemented"),
            ));
        }
        // Split first, decode second: an encoded `/` inside a node name stays inside that segment.
        let decoded: Vec<String> = api_path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(percent_decode)
            .collect();
        let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["version"] => Some(ok(
                json!({"version": "9.2.11", "release": "9.2", "repoid": "5c2bd5c1"}),
            )),
            ["cluster", "resources"] => Some(ok(self.cluster_resources())),
            ["nodes", node, kind, vmid, rest @ ..] => {
                self.answer_guest(node, kind, vmid, rest, api_path)
            }
            _ => Some(error(
                501,
                &format!("Method 'GET {api_path}' not implemented"),
            )),
        }
    }

    fn answer_guest(
        &self,
        node: &str,
        kind: &str,
        vmid: &str,
        rest: &[&str],
        api_path: &str,
    ) -> Option<(u16, String, Value)> {
        let not_implemented = || {
            Some(error(
                501,
                &format!("Method 'GET {api_path}' not implemented"),
            ))
        };
        let kind = match kind {
            "lxc" => GuestKind::Lxc,
            "qemu" => GuestKind::Qemu,
            _ => return not_implemented(),
        };
        let Ok(vmid) = vmid.parse::<u32>() else {
            return Some(error(400, "Parameter verification failed."));
        };
        match self.nodes.get(node) {
            None => return Some(error(595, "no such cluster node")),
            Some(NodeState::Down { reason }) => return Some(error(595, reason)),
            Some(NodeState::Online) => {}
        }
        let config_dir = match kind {
            GuestKind::Lxc => "lxc",
            GuestKind::Qemu => "qemu-server",
        };
        let Some(guest) = self
            .guests
            .iter()
            .find(|guest| guest.node == node && guest.kind == kind && guest.vmid == vmid)
        else {
            let reason = format!(
                "Configuration file 'nodes/{node}/{config_dir}/{vmid}.conf' does not exist"
            );
            return Some(error(500, &reason));
        };
        if guest.hangs {
            return None;
        }
        let running = guest.status == "running";
        match (kind, rest) {
            (_, ["status", "current"]) => Some(ok(status_current(guest))),
            (GuestKind::Lxc, ["interfaces"]) if running => Some(ok(container_interfaces(guest))),
            (GuestKind::Lxc, ["interfaces"]) => Some(ok(Value::Null)),
            (GuestKind::Qemu, ["agent", "network-get-interfaces"]) => {
                if !running {
                    return Some(error(500, &format!("VM {vmid} is not running")));
                }
                Some(match guest.agent {
                    AgentState::Running => ok(json!({"result": agent_interfaces(guest)})),
                    AgentState::NotRunning => error(500, "QEMU guest agent is not running"),
                    AgentState::NotConfigured => error(500, "No QEMU guest agent configured"),
                    AgentState::TimesOut => error(
                        500,
                        &format!(
                            "VM {vmid} qga command 'guest-network-get-interfaces' failed - got timeout"
                        ),
                    ),
                })
            }
            _ => not_implemented(),
        }
    }

    fn cluster_resources(&self) -> Value {
        let entries: Vec<Value> = self
            .guests
            .iter()
            .map(|guest| {
                let kind = guest.kind.api_segment();
                json!({
                    "id": format!("{kind}/{}", guest.vmid), "type": kind, "vmid": guest.vmid,
                    "node": guest.node, "name": guest.name, "status": guest.status,
                    "maxmem": 536870912u64, "maxdisk": 8589934592u64, "maxcpu": 1,
                })
            })
            .collect();
        Value::Array(entries)
    }
}

impl Default for PveWorld {
    fn default() -> Self {
        Self::new()
    }
}

fn ok(data: Value) -> (u16, String, Value) {
    (200, "OK".into(), json!({ "data": data }))
}

fn error(status: u16, reason: &str) -> (u16, String, Value) {
    (status, reason.into(), json!({ "data": null }))
}

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
}

/// A [`PveWorld`] served on `127.0.0.1` on a free port; it stops when dropped.
pub struct PveWorldServer {
    address: SocketAddr,
    world: Arc<Mutex<PveWorld>>,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl PveWorldServer {
    pub async fn start(world: PveWorld) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let world = Arc::new(Mutex::new(world));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (shared_world, shared_requests) = (world.clone(), requests.clone());
        let handler = move |request: HttpRequest| {
            let (world, requests) = (shared_world.clone(), shared_requests.clone());
            async move { answer_request(&world, &requests, request) }
        };
        let task = tokio::spawn(serve(listener, handler));
        Ok(Self {
            address,
            world,
            requests,
            task,
        })
    }

    /// The endpoint as the bpg provider and `PROXMOX_VE_ENDPOINT` take it: `http://127.0.0.1:PORT/`.
    pub fn endpoint(&self) -> String {
        format!("http://{}/", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The running world, to change it between requests.
    pub fn world(&self) -> MutexGuard<'_, PveWorld> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for PveWorldServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn answer_request(
    world: &Mutex<PveWorld>,
    requests: &Mutex<Vec<RecordedRequest>>,
    request: HttpRequest,
) -> Option<HttpReply> {
    let authorization = request.header("authorization").map(str::to_string);
    requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(RecordedRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            authorization: authorization.clone(),
        });
    let mut world = world.lock().unwrap_or_else(PoisonError::into_inner);
    let (status, reason, mut body) =
        world.answer(&request.method, &request.path, authorization.as_deref())?;
    if status >= 400 && world.message_in_body {
        if let Some(object) = body.as_object_mut() {
            object.insert("message".into(), json!(format!("{reason}\n")));
        }
    }
    Some(HttpReply {
        status,
        reason,
        body: body.to_string(),
    })
}

#[cfg(test)]
#[path = "pve_world_tests.rs"]
mod tests;
