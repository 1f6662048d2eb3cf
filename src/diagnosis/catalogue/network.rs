//! Network: DNS failures, the Proxmox VE API (port 8006) refusing, dropping or not answering, HTTP 595/596 from a
//! proxied node, 599 from a busy one, deadlines exceeded, the provider registry out of reach, and guests that never
//! get an address (an empty `ipv4_addresses`) or never accept the port. A passing outage may be waited out once; a
//! guest that refuses its port needs a person.

use crate::contracts::{Category, Remediation};

use super::Signature;

/// Guest-side signatures: they must answer before the generic connection rules, whose words they share.
pub(super) fn guests() -> Vec<Signature> {
    vec![
        Signature {
            // The validator's own wording (src/validator/checks.rs): guests run and have addresses, yet the port
            // refuses. A retry will not start a service.
            name: "guest-port-refused",
            pattern: r"(?:do|does) not accept TCP connections on port (\d+)[\s\S]*?connection refused",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The guests run and have addresses, but nothing accepts TCP connections on port $1 (connection refused): the service (sshd) is not running in the guest or a firewall rejects the port; fix the guest image or the firewall rule, a retry cannot help.",
        },
        Signature {
            // The validator's wording when the port does not answer at all, and Terraform's provisioner giving up
            // on a guest's SSH port.
            name: "guest-port-unanswered",
            pattern: r"(?:(?:do|does) not accept TCP connections on port (\d+)|timeout - last error: dial tcp ([^\s]+): (?:connect: )?[a-z /]+)",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The guests never answered on their port $1$2: the guest did not finish booting, got no or another address, or a firewall drops the port; check the guest's console and network settings.",
        },
        Signature {
            // Packer's communicator step (packer-plugin-sdk) when the build's guest never accepted SSH or WinRM
            // before ssh_timeout/winrm_timeout: the installer or boot command did not finish, the guest reported
            // no address, or the credentials or a firewall kept the communicator out.
            name: "packer-communicator-timeout",
            pattern: r"(Timeout waiting for (?:SSH|WinRM))\.",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The build's guest never accepted a connection before the communicator's timeout ($1): the installer or boot command did not finish (check the guest's console), the guest reported no address (install and start qemu-guest-agent in it, or set the host), or the username, password or a firewall kept the connection out; a retry repeats the same build.",
        },
        Signature {
            // A guest whose agent does not answer is a guest without an address to anyone who reads it: the same
            // family as a guest that never reports one (`network`), though the fix is usually in the template.
            name: "qemu-guest-agent-not-answering",
            pattern: r"((?:QEMU )?guest agent is not running|No QEMU guest agent configured|(?:qga|qmp) command 'guest-[^']+' failed - got timeout|qga command '[^']+' failed - got timeout|timeout while waiting for the QEMU agent|error waiting for agent: (?:error waiting for agent: )?the operation has timed out)",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The VM's QEMU guest agent does not answer ($1), so no IP address can be read; install and enable qemu-guest-agent in the template, or raise agent.timeout.",
        },
        Signature {
            // The validator's wording (checks.rs) and telmate's, for guests that run but report no address.
            name: "guest-without-address",
            pattern: r"(?i)(?:guests? (?:have|has) no IPv4 address|cannot find any IP address|timeout while waiting for container IP addresses)",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The guests run but never got an IPv4 address: DHCP on their bridge/VLAN does not answer, or the static ip_config is missing; check the guest's network configuration.",
        },
        Signature {
            // The configuration read a guest's address from the provider's `ipv4_addresses` and found the list
            // empty: the guest agent reported no address (yet).
            name: "guest-address-list-empty",
            pattern: r"(?s)\bipv4_addresses\b.{0,600}?(?:is empty (?:list|tuple)|the collection has no elements|with an empty list)",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The guest's ipv4_addresses was empty when the configuration read it: the guest got no address (DHCP on its bridge/VLAN, a static ip_config) or its guest agent had not reported one yet; check the guest's network and agent, and read the address only once the provider waited for it.",
        },
    ]
}

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            name: "provider-registry-unreachable",
            pattern: r"(?s)(?:could not connect to (registry\.terraform\.io|registry\.opentofu\.org)|could not query\s+provider\s+registry\s+for\s+(\S+?):)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            // A registry (or the release host it sends Terraform to) that answered "404 Not Found" was reached: the
            // provider, its namespace or the version is not there, which no wait brings back.
            unless: Some(r"\b404 Not Found\b"),
            root_cause: "terraform init could not reach the provider registry $1$2; this is usually a passing network or registry outage, so wait and run again (a provider mirror avoids it for good).",
        },
        Signature {
            // pve-cluster's refusal to write while the cluster has lost quorum (a node of a small cluster is down or
            // cut off): /etc/pve is read-only until the nodes see each other again.
            name: "proxmox-cluster-without-quorum",
            pattern: r"cluster not ready - no quorum\?",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: None,
            root_cause: "The Proxmox VE cluster has lost quorum (\"cluster not ready - no quorum?\"): a node is down or the nodes cannot reach each other, and the cluster file system refuses every change until they do; bring the missing node or its link back, then run again.",
        },
        Signature {
            name: "proxmox-node-unreachable",
            // Clients that spell the status out print AnyEvent::HTTP's names for it (proxmoxer: "595 Errors during
            // connection establishment, proxy handshake: No route to host"). A 596 that is a certificate failure is
            // taken earlier by the TLS rule. AnyEvent::HTTP's 599 "Too many redirections" is pveproxy losing its
            // connection to the API daemon behind it, typically while the node is busy with many tasks at once.
            pattern: r"(?:HTTP (59[569]) response|\b(59[56]) (?:No route to host|Connection refused|Connection timed out|Errors during (?:connection establishment|TLS negotiation))|\b(599) Too many redirections)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: None,
            root_cause: "The Proxmox VE API answered $1$2$3: the node the request was proxied to, or the API daemon behind pveproxy, did not answer (595/596: unreachable; 599: the connection broke, usually while the node was busy); wait for it to come back, then run again.",
        },
        Signature {
            name: "dns-lookup-failed",
            // Go's resolver ("dial tcp: lookup HOST on DNS: ", and its DNSError alone, "lookup HOST on DNS: no such
            // host", where a program resolves a name itself, as the bpg provider does for a node's SSH address),
            // Proxmox VE's ("hostname lookup 'HOST' failed"), and the C library's words other clients print
            // (Python's "[Errno -3] Temporary failure in name resolution").
            pattern: r"(?:dial tcp: lookup ([^\s]+?)(?: on \S+)?: |hostname lookup '([^']+)' failed|(Temporary failure in name resolution|Name or service not known)|\blookup ([^\s]+?)(?: on \S+)?: (?:no such host|server misbehaving))",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "A name could not be resolved ($1$2$3$4): the endpoint's hostname is wrong, or the runner's (or the node's) DNS does not know it or does not answer; use the address or fix the DNS entry.",
        },
        Signature {
            name: "endpoint-connection-failed",
            pattern: r"dial tcp ([^\s]+): (?:connect: |getsockopt: )?(connection refused|no route to host|i/o timeout|connection timed out|network is unreachable)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: Some(super::STATE_BACKEND_OR_UNCONFIGURED_CLIENT),
            root_cause: "$1 could not be reached ($2): the Proxmox VE API (port 8006) or the endpoint is down, restarting or firewalled; wait once and run again, and check the endpoint's address and port if it persists.",
        },
        Signature {
            // A connection that was opened, then cut or never finished its TLS handshake. Go's `EOF` right after a
            // request's URL is left alone: a server that closes without answering is as often a plain http://
            // request to a TLS port (the endpoint rule reads that for Proxmox VE's 8006) or a server release the
            // client does not speak as a network fault (a bare "unexpected EOF" is a plugin that died).
            name: "endpoint-connection-dropped",
            pattern: r#"(read: connection reset by peer|net/http: TLS handshake timeout|write: broken pipe|use of closed network connection)"#,
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "The connection to the API was dropped ($1): the Proxmox VE API (port 8006), a proxy, VPN or firewall on the way closed it; wait once and run again, and check what sits between the runner and the endpoint if it persists.",
        },
        Signature {
            name: "request-deadline-exceeded",
            pattern: r"(context deadline exceeded|Client\.Timeout exceeded while awaiting headers)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "A request to the API did not answer in time ($1): the Proxmox VE node is overloaded or unreachable; wait once and run again, then check the node if it persists.",
        },
        Signature {
            // The bpg provider (and danitso's before it) when its login request got no answer at all: the
            // transport failed (the cause follows after a colon from v0.21 on, and a more specific rule above
            // takes it), never a wrong password, which is a 401.
            name: "provider-login-unanswered",
            pattern: r"(?i)(failed to retrieve authentication response)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: None,
            root_cause: "The provider's login to the Proxmox VE API got no answer ($1): the endpoint's address or port (8006) is wrong, or the API is down or not reachable from the runner; check PROXMOX_VE_ENDPOINT, wait once and run again.",
        },
    ]
}
