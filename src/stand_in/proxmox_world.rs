//! The data of a Proxmox VE stand-in's world: nodes, guests, their statuses, addresses and guest agents, who may
//! ask, and failures to inject. Tests and the eval describe a world with these builders; `proxmox_answers` turns
//! it into the API's answers and `proxmox` serves it, so the types sit here, below both.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::contracts::GuestKind;

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
    /// A guest still coming up: until this instant it is `stopped` and has no address, after it is as described.
    pub boots_until: Option<Instant>,
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
            boots_until: None,
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

    /// A guest that was just created: `stopped`, without an address, for `boot` from now; then running.
    pub fn booting_for(mut self, boot: Duration) -> Self {
        self.boots_until = Some(Instant::now() + boot);
        self
    }

    /// The guest as it is now: a booting guest is stopped until its boot is over.
    pub fn as_of_now(&self) -> std::borrow::Cow<'_, WorldGuest> {
        match self.boots_until {
            Some(until) if Instant::now() < until => {
                std::borrow::Cow::Owned(self.clone().stopped())
            }
            _ => std::borrow::Cow::Borrowed(self),
        }
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
}

impl Default for PveWorld {
    fn default() -> Self {
        Self::new()
    }
}
