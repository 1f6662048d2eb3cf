//! Looks at one guest: its status from the Proxmox VE API, its IPv4 address, and a TCP connection to it.
//!
//! The three steps are independent on purpose: a guest the API cannot be asked about may still have an address in
//! the guests output and still answer on its port, and the evidence should say so rather than stop at the first
//! problem. Every step's outcome becomes a [`GuestVerdict`] whose line names the guest and what was asked.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use crate::contracts::{Guest, GuestKind, RunMode};
use crate::validator::checks::{GuestFindings, GuestVerdict};
use crate::validator::net::connect_tcp;
use crate::validator::proxmox::{
    ProxmoxClient, ProxmoxError, first_agent_ipv4, first_container_ipv4, parse_ipv4_or_cidr,
};

/// What one probe needs besides the guest.
pub struct ProbeContext<'a> {
    /// The client, or why there is none (the endpoint or token is not configured).
    pub api: Result<&'a ProxmoxClient, &'a str>,
    pub mode: RunMode,
    pub default_node: &'a str,
    pub port: u16,
    pub connect_timeout: Duration,
}

/// `lxc/101 (web-1) on pmx-01`.
pub fn guest_label(guest: &Guest, default_node: &str) -> String {
    let node = guest.node.as_deref().unwrap_or(default_node);
    match &guest.name {
        Some(name) => format!(
            "{}/{} ({name}) on {node}",
            guest.kind.api_segment(),
            guest.vmid
        ),
        None => format!("{}/{} on {node}", guest.kind.api_segment(), guest.vmid),
    }
}

/// What one probe found, and whether looking again later may find better.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    pub findings: GuestFindings,
    /// False when the API cannot be asked, refuses the token, or does not have the guest: no wait changes that.
    pub waiting_may_help: bool,
}

/// Runs the three steps for one guest.
pub async fn probe_guest(guest: &Guest, context: &ProbeContext<'_>) -> Probed {
    let label = guest_label(guest, context.default_node);
    let node = guest.node.as_deref().unwrap_or(context.default_node);
    let mut waiting_may_help = true;
    let status = match context.api {
        Err(why) => {
            waiting_may_help = false;
            GuestVerdict::Fail(format!(
                "{label}: the Proxmox VE API cannot be asked: {why}"
            ))
        }
        Ok(api) => match api.guest_status(node, guest.kind, guest.vmid).await {
            Ok(answer) if answer.status == "running" => GuestVerdict::Pass(format!(
                "{label}: running{}",
                answer
                    .uptime
                    .map(|seconds| format!(", up {seconds} s"))
                    .unwrap_or_default()
            )),
            Ok(answer) => {
                let lock = answer
                    .lock
                    .map(|lock| format!(", locked ({lock})"))
                    .unwrap_or_default();
                GuestVerdict::Fail(format!(
                    "{label}: status is `{}`{lock}, not `running` ({})",
                    answer.status,
                    status_path(api, node, guest)
                ))
            }
            Err(error) if error.is_missing_guest() && context.mode == RunMode::Plan => {
                // The plan has not created it yet: nothing to look at until apply.
                return Probed {
                    findings: GuestFindings::all(
                        label.clone(),
                        GuestVerdict::Skip(format!(
                            "{label}: runs after apply (the guest does not exist yet: {error})"
                        )),
                    ),
                    waiting_may_help: false,
                };
            }
            Err(error) => {
                waiting_may_help = !error.outlasts_a_wait();
                GuestVerdict::Fail(format!("{label}: {error}"))
            }
        },
    };
    let (ip, address) = find_ipv4(guest, node, &label, context).await;
    let reach = match address {
        None => GuestVerdict::Fail(format!(
            "{label}: no IPv4 address to connect to (see ip-assigned)"
        )),
        Some(address) => {
            match connect_tcp(IpAddr::V4(address), context.port, context.connect_timeout).await {
                Ok(()) => GuestVerdict::Pass(format!(
                    "{label}: {address}:{} accepted a TCP connection",
                    context.port
                )),
                Err(error) => GuestVerdict::Fail(format!("{label}: {error}")),
            }
        }
    };
    Probed {
        findings: GuestFindings {
            label,
            status,
            ip,
            reach,
        },
        waiting_may_help,
    }
}

fn status_path(api: &ProxmoxClient, node: &str, guest: &Guest) -> String {
    let vmid = guest.vmid.to_string();
    let path = api.display_path(&[
        "nodes",
        node,
        guest.kind.api_segment(),
        &vmid,
        "status",
        "current",
    ]);
    format!("GET {path}")
}

/// The guest's IPv4 address: from the guests output, else from the container's interfaces, else from the QEMU
/// guest agent.
async fn find_ipv4(
    guest: &Guest,
    node: &str,
    label: &str,
    context: &ProbeContext<'_>,
) -> (GuestVerdict, Option<Ipv4Addr>) {
    let mut note = String::new();
    if let Some(text) = &guest.ipv4 {
        match parse_ipv4_or_cidr(text) {
            Some(address) => {
                let line = format!("{label}: {address} (from the guests output)");
                return (GuestVerdict::Pass(line), Some(address));
            }
            None => note = format!(" (the guests output gives `{text}`, not an IPv4 address)"),
        }
    }
    let api = match context.api {
        Ok(api) => api,
        Err(why) => {
            let line = format!(
                "{label}: no IPv4 address in the guests output{note}, and the Proxmox VE API cannot be asked: {why}"
            );
            return (GuestVerdict::Fail(line), None);
        }
    };
    let vmid = guest.vmid.to_string();
    // Ok(Err(why)): the API answered, but with no usable address.
    let found: Result<Result<Ipv4Addr, &str>, ProxmoxError> = match guest.kind {
        GuestKind::Lxc => api
            .container_interfaces(node, guest.vmid)
            .await
            .map(|interfaces| match interfaces {
                None => Err("answers null (the container is not running)"),
                Some(interfaces) => first_container_ipv4(&interfaces)
                    .ok_or("lists no IPv4 address on any interface but lo"),
            }),
        GuestKind::Qemu => api
            .agent_interfaces(node, guest.vmid)
            .await
            .map(|interfaces| {
                first_agent_ipv4(&interfaces).ok_or("lists no IPv4 address on any interface but lo")
            }),
    };
    let source = match guest.kind {
        GuestKind::Lxc => api.display_path(&["nodes", node, "lxc", &vmid, "interfaces"]),
        GuestKind::Qemu => api.display_path(&[
            "nodes",
            node,
            "qemu",
            &vmid,
            "agent",
            "network-get-interfaces",
        ]),
    };
    match found {
        Ok(Ok(address)) => (
            GuestVerdict::Pass(format!("{label}: {address} (from GET {source})")),
            Some(address),
        ),
        Ok(Err(why)) => (
            GuestVerdict::Fail(format!("{label}: GET {source} {why}{note}")),
            None,
        ),
        Err(error) => (GuestVerdict::Fail(format!("{label}: {error}{note}")), None),
    }
}
