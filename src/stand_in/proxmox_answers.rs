//! How a Proxmox VE stand-in's world answers one request, in the documented shapes of the Proxmox VE API:
//! `version`, `cluster/resources`, a guest's `status/current`, the LXC `interfaces` list and the QEMU guest agent's
//! `network-get-interfaces` result. Errors are what Proxmox VE sends: `{"data": null}` with the reason meant for
//! the HTTP status line. Every guest also gets the `lo` interface a real one has, so clients are tested on
//! skipping it.

use serde_json::{Value, json};

use crate::contracts::GuestKind;
use crate::stand_in::http::percent_decode;
use crate::stand_in::proxmox_world::{AgentState, NodeState, PveWorld, WorldAuth, WorldGuest};

impl PveWorld {
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
        let guest = guest.as_of_now();
        let guest = guest.as_ref();
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
                let guest = guest.as_of_now();
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

fn ok(data: Value) -> (u16, String, Value) {
    (200, "OK".into(), json!({ "data": data }))
}

fn error(status: u16, reason: &str) -> (u16, String, Value) {
    (status, reason.into(), json!({ "data": null }))
}

fn status_current(guest: &WorldGuest) -> Value {
    let running = guest.status == "running";
    let mut data = json!({
        "vmid": guest.vmid, "name": guest.name, "status": guest.status,
        "type": guest.kind.api_segment(), "uptime": if running { 4242 } else { 0 },
        "cpu": 0.01, "cpus": 1, "mem": 73400320u64, "maxmem": 536870912u64, "swap": 0,
        "maxswap": 536870912u64, "disk": 1073741824u64, "maxdisk": 8589934592u64, "netin": 1024, "netout": 2048,
        "diskread": 0, "diskwrite": 0, "ha": {"managed": 0},
    });
    if let Some(object) = data.as_object_mut() {
        if let Some(lock) = &guest.lock {
            object.insert("lock".into(), json!(lock));
        }
        if guest.kind == GuestKind::Qemu {
            object.insert("qmpstatus".into(), json!(guest.status));
            object.insert(
                "agent".into(),
                json!(u8::from(guest.agent != AgentState::NotConfigured)),
            );
        }
    }
    data
}

fn container_interfaces(guest: &WorldGuest) -> Value {
    let loopback = json!({
        "name": "lo", "hwaddr": "00:00:00:00:00:00", "inet": "127.0.0.1/8", "inet6": "::1/128",
        "ip-addresses": [
            {"ip-address": "127.0.0.1", "ip-address-type": "inet", "prefix": 8},
            {"ip-address": "::1", "ip-address-type": "inet6", "prefix": 128},
        ],
    });
    let others = guest.interfaces.iter().enumerate().map(|(index, interface)| {
        let mut entry = json!({
            "name": interface.name, "hwaddr": mac_address(guest.vmid, index),
            "inet6": "fe80::be24:11ff:fe00:1/64",
            "ip-addresses": [{"ip-address": "fe80::be24:11ff:fe00:1", "ip-address-type": "inet6", "prefix": 64}],
        });
        if let (Some(cidr), Some(object)) = (&interface.ipv4, entry.as_object_mut()) {
            let (address, prefix) = split_cidr(cidr);
            object.insert("inet".into(), json!(cidr));
            if let Some(Value::Array(addresses)) = object.get_mut("ip-addresses") {
                addresses.insert(0, json!({"ip-address": address, "ip-address-type": "inet", "prefix": prefix}));
            }
        }
        entry
    });
    Value::Array(std::iter::once(loopback).chain(others).collect())
}

fn agent_interfaces(guest: &WorldGuest) -> Value {
    let statistics = json!({"rx-bytes": 1024, "rx-dropped": 0, "rx-errs": 0, "rx-packets": 10,
        "tx-bytes": 2048, "tx-dropped": 0, "tx-errs": 0, "tx-packets": 12});
    let loopback = json!({
        "name": "lo", "hardware-address": "00:00:00:00:00:00",
        "ip-addresses": [
            {"ip-address": "127.0.0.1", "ip-address-type": "ipv4", "prefix": 8},
            {"ip-address": "::1", "ip-address-type": "ipv6", "prefix": 128},
        ],
        "statistics": statistics,
    });
    let others = guest.interfaces.iter().enumerate().map(|(index, interface)| {
        let mut addresses = Vec::new();
        if let Some(cidr) = &interface.ipv4 {
            let (address, prefix) = split_cidr(cidr);
            addresses.push(json!({"ip-address": address, "ip-address-type": "ipv4", "prefix": prefix}));
        }
        addresses.push(json!({"ip-address": "fe80::be24:11ff:fe00:2", "ip-address-type": "ipv6", "prefix": 64}));
        json!({
            "name": interface.name, "hardware-address": mac_address(guest.vmid, index),
            "ip-addresses": addresses, "statistics": statistics,
        })
    });
    Value::Array(std::iter::once(loopback).chain(others).collect())
}

fn split_cidr(cidr: &str) -> (String, u8) {
    match cidr.split_once('/') {
        Some((address, prefix)) => (address.to_string(), prefix.parse().unwrap_or(32)),
        None => (cidr.to_string(), 32),
    }
}

fn mac_address(vmid: u32, index: usize) -> String {
    let [_, _, high, low] = vmid.to_be_bytes();
    format!("bc:24:11:{high:02x}:{low:02x}:{:02x}", index % 256)
}

#[cfg(test)]
#[path = "proxmox_answers_tests.rs"]
mod tests;
