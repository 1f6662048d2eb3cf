//! The bodies the Proxmox VE world answers with, built from its data in the documented shapes (REFERENCE.md):
//! `status/current`, the LXC `interfaces` list and the QEMU guest agent's `network-get-interfaces` result.
//!
//! Every guest also gets the `lo` interface a real one has, so clients are tested on skipping it.

use serde_json::{Value, json};

use crate::contracts::GuestKind;
use crate::validator::pve_world::{AgentState, WorldGuest};

pub(crate) fn status_current(guest: &WorldGuest) -> Value {
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

pub(crate) fn container_interfaces(guest: &WorldGuest) -> Value {
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

pub(crate) fn agent_interfaces(guest: &WorldGuest) -> Value {
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
