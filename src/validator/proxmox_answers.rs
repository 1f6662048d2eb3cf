//! The Proxmox VE API answers the Validator reads, as serde types with the field names Proxmox VE uses, and how an
//! IPv4 address is found in them.
//!
//! Only the fields the checks need are declared; Proxmox VE sends many more, and unknown fields are ignored on
//! purpose so a newer Proxmox VE version does not break the checks. The LXC endpoint says `inet` where the QEMU
//! guest agent says `ipv4`; both are accepted, and the interface named `lo` is skipped whatever its address.

use std::net::Ipv4Addr;

use serde::Deserialize;

/// `GET /nodes/{node}/{lxc|qemu}/{vmid}/status/current`, the fields the checks read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GuestStatus {
    pub status: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub uptime: Option<u64>,
    #[serde(default)]
    pub lock: Option<String>,
    #[serde(default)]
    pub qmpstatus: Option<String>,
}

/// One entry of `GET /nodes/{node}/lxc/{vmid}/interfaces`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ContainerInterface {
    pub name: String,
    /// `10.0.0.5/24`.
    #[serde(default)]
    pub inet: Option<String>,
    #[serde(default, rename = "ip-addresses")]
    pub ip_addresses: Vec<InterfaceAddress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InterfaceAddress {
    #[serde(rename = "ip-address")]
    pub ip_address: String,
    /// `inet` on the LXC endpoint, `ipv4` from the QEMU guest agent; `inet6` / `ipv6` otherwise.
    #[serde(rename = "ip-address-type")]
    pub ip_address_type: String,
}

/// One entry of the guest agent's `network-get-interfaces` result.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AgentInterface {
    pub name: String,
    #[serde(default, rename = "ip-addresses")]
    pub ip_addresses: Vec<InterfaceAddress>,
}

/// The agent's answer wraps the interfaces: `{"data": {"result": [...]}}`.
#[derive(Deserialize)]
pub(crate) struct AgentResult {
    pub result: Vec<AgentInterface>,
}

/// The first IPv4 address of an interface other than `lo`, whatever its range.
pub fn first_container_ipv4(interfaces: &[ContainerInterface]) -> Option<Ipv4Addr> {
    interfaces
        .iter()
        .filter(|interface| interface.name != "lo")
        .find_map(|interface| {
            let from_inet = interface.inet.as_deref().and_then(parse_ipv4_or_cidr);
            from_inet.or_else(|| ipv4_of(&interface.ip_addresses))
        })
}

/// The first IPv4 address the guest agent reports on an interface other than `lo`.
pub fn first_agent_ipv4(interfaces: &[AgentInterface]) -> Option<Ipv4Addr> {
    interfaces
        .iter()
        .filter(|interface| interface.name != "lo")
        .find_map(|interface| ipv4_of(&interface.ip_addresses))
}

fn ipv4_of(addresses: &[InterfaceAddress]) -> Option<Ipv4Addr> {
    addresses
        .iter()
        .filter(|address| matches!(address.ip_address_type.as_str(), "inet" | "ipv4"))
        .find_map(|address| parse_ipv4_or_cidr(&address.ip_address))
}

/// `10.0.0.5` or `10.0.0.5/24` → `10.0.0.5`; anything else (`dhcp`, an IPv6 address) → `None`.
pub fn parse_ipv4_or_cidr(text: &str) -> Option<Ipv4Addr> {
    let address = text.trim().split('/').next().unwrap_or_default();
    address.parse().ok()
}
