//! A small Proxmox VE API client: the three read-only endpoints the Validator needs, token authentication, bounded
//! retries, and errors a person can act on.
//!
//! Proxmox VE wraps every answer in `{"data": ...}` and puts the reason of an error in the HTTP status line (newer
//! versions repeat it as `message` in the body), so the reason is read from the body first and the status line
//! second. The API token is held as a [`SecretString`] and only ever copied into a header marked sensitive: it never
//! appears in a `Debug` print, an error or a log line.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::contracts::GuestKind;

/// The environment variables the client reads; the first three are the ones the bpg provider reads too.
pub const ENDPOINT_ENV: &str = "PROXMOX_VE_ENDPOINT";
pub const TOKEN_ENV: &str = "PROXMOX_VE_API_TOKEN";
pub const INSECURE_ENV: &str = "PROXMOX_VE_INSECURE";
/// A PEM file with the CA that signed a self-signed Proxmox VE certificate.
pub const CA_FILE_ENV: &str = "AGENTLAB_PROXMOX_CA_FILE";

/// How the client talks to the API: timeouts and the retry bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxmoxClientSettings {
    /// Limit for one HTTP request, connection included.
    pub request_timeout: Duration,
    /// Tries per API call, the first one included (at least 1).
    pub max_attempts: u32,
    /// Wait before the second try; it doubles for each further try.
    pub retry_backoff: Duration,
}

impl Default for ProxmoxClientSettings {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            max_attempts: 3,
            retry_backoff: Duration::from_millis(500),
        }
    }
}

/// Where the API is and how to trust it, before any connection is made.
pub struct ProxmoxConnection {
    /// The endpoint as the bpg provider takes it (`https://host:8006/`), without `/api2/json`.
    pub endpoint: String,
    /// `USER@REALM!TOKENID=SECRET`.
    pub token: SecretString,
    /// Accept any certificate (self-signed ones without a CA file).
    pub insecure: bool,
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for ProxmoxConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxmoxConnection")
            .field("endpoint", &self.endpoint)
            .field("token", &"[REDACTED]")
            .field("insecure", &self.insecure)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl ProxmoxConnection {
    /// Reads the connection from variables looked up by `lookup` (the process environment in production).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ProxmoxConfigError> {
        let present = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let endpoint = present(ENDPOINT_ENV).ok_or(ProxmoxConfigError::Missing(ENDPOINT_ENV))?;
        let token = present(TOKEN_ENV).ok_or(ProxmoxConfigError::Missing(TOKEN_ENV))?;
        let insecure = match present(INSECURE_ENV) {
            None => false,
            Some(value) => parse_flag(&value).ok_or(ProxmoxConfigError::InsecureFlag(value))?,
        };
        Ok(Self {
            endpoint: endpoint.trim().to_string(),
            token: SecretString::from(token.trim().to_string()),
            insecure,
            ca_file: present(CA_FILE_ENV).map(PathBuf::from),
        })
    }

    pub fn from_environment() -> Result<Self, ProxmoxConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Why a client could not be built. None of these carries the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxmoxConfigError {
    #[error("{0} is not set; the Proxmox VE checks need it")]
    Missing(&'static str),
    #[error(
        "{ENDPOINT_ENV} `{endpoint}` is not an http:// or https:// address like https://pve.example:8006/: {why}"
    )]
    Endpoint { endpoint: String, why: String },
    #[error("{TOKEN_ENV} is not of the form USER@REALM!TOKENID=SECRET (its value is not shown)")]
    TokenShape,
    #[error("{INSECURE_ENV} is `{0}`; use true or false")]
    InsecureFlag(String),
    #[error("cannot use the CA file {path}: {why}")]
    CaFile { path: PathBuf, why: String },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// Why an API call failed. Every variant names the request, so it can stand as evidence on its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxmoxError {
    #[error(
        "GET {path} → {status} {reason}: the API token was refused; check {TOKEN_ENV} (USER@REALM!TOKENID=SECRET) and that the token exists and has not expired"
    )]
    Unauthorized {
        path: String,
        status: u16,
        reason: String,
    },
    #[error("GET {path} → 403 {reason}: {advice}")]
    Forbidden {
        path: String,
        reason: String,
        advice: String,
    },
    /// The API answered with an error status (a missing guest is a 500 here).
    #[error("GET {path} → {status} {reason}")]
    Status {
        path: String,
        status: u16,
        reason: String,
    },
    #[error("GET {path}: no answer within {timeout_ms} ms")]
    Timeout { path: String, timeout_ms: u128 },
    #[error("GET {path}: cannot connect to the Proxmox VE API: {why}")]
    Connection { path: String, why: String },
    #[error("GET {path}: the answer is not the documented shape: {why}")]
    Shape { path: String, why: String },
    /// A node name (from the guests output or config) that cannot be a path segment.
    #[error("`{segment}` cannot be used as a node name in an API path")]
    BadSegment { segment: String },
}

impl ProxmoxError {
    /// Whether Proxmox said the guest's configuration file does not exist: the guest is not there (yet).
    pub fn is_missing_guest(&self) -> bool {
        matches!(self, Self::Status { status: 500, reason, .. } if reason.contains("does not exist"))
    }

    /// Transient failures worth another try: a node that is briefly unreachable, a busy proxy, a lost connection,
    /// or a handler that timed out on a lock. Other 500s (a missing guest, an agent that is not running) will
    /// give the same answer a second later, so they are not retried.
    fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, reason, .. } => match status {
                502..=504 | 595 | 596 => true,
                500 => reason.contains("timeout") || reason.contains("can't lock"),
                _ => false,
            },
            Self::Timeout { .. } | Self::Connection { .. } => true,
            Self::Unauthorized { .. }
            | Self::Forbidden { .. }
            | Self::Shape { .. }
            | Self::BadSegment { .. } => false,
        }
    }
}

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

#[derive(Deserialize)]
struct AgentResult {
    result: Vec<AgentInterface>,
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

/// The client. Cheap to clone (the HTTP connection pool is shared).
#[derive(Clone)]
pub struct ProxmoxClient {
    http: reqwest::Client,
    /// `{endpoint}/api2/json`, without a trailing slash.
    api_base: Url,
    authorization: HeaderValue,
    settings: ProxmoxClientSettings,
}

impl std::fmt::Debug for ProxmoxClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxmoxClient")
            .field("api_base", &self.api_base.as_str())
            .field("authorization", &"PVEAPIToken=[REDACTED]")
            .field("settings", &self.settings)
            .finish()
    }
}

impl ProxmoxClient {
    pub fn new(
        connection: &ProxmoxConnection,
        settings: ProxmoxClientSettings,
    ) -> Result<Self, ProxmoxConfigError> {
        let api_base = api_base(&connection.endpoint)?;
        let authorization = authorization_header(&connection.token)?;
        let mut builder = reqwest::Client::builder()
            .timeout(settings.request_timeout)
            .user_agent(concat!("agentlab/", env!("CARGO_PKG_VERSION")))
            .danger_accept_invalid_certs(connection.insecure);
        if let Some(path) = &connection.ca_file {
            let ca_error = |why: String| ProxmoxConfigError::CaFile {
                path: path.clone(),
                why,
            };
            let pem = std::fs::read(path).map_err(|error| ca_error(error.to_string()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| ca_error(format!("not PEM certificates: {error}")))?;
            if certificates.is_empty() {
                return Err(ca_error("it holds no PEM certificate".into()));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().map_err(|error| match &connection.ca_file {
            // The certificates are only parsed here, so a broken one shows up as a build error.
            Some(path) => ProxmoxConfigError::CaFile {
                path: path.clone(),
                why: error_chain(&error),
            },
            None => ProxmoxConfigError::Client(error_chain(&error)),
        })?;
        Ok(Self {
            http,
            api_base,
            authorization,
            settings: ProxmoxClientSettings {
                max_attempts: settings.max_attempts.max(1),
                ..settings
            },
        })
    }

    /// `GET /nodes/{node}/{lxc|qemu}/{vmid}/status/current`.
    pub async fn guest_status(
        &self,
        node: &str,
        kind: GuestKind,
        vmid: u32,
    ) -> Result<GuestStatus, ProxmoxError> {
        let vmid = vmid.to_string();
        let segments = [
            "nodes",
            node,
            kind.api_segment(),
            vmid.as_str(),
            "status",
            "current",
        ];
        self.get(&segments).await
    }

    /// `GET /nodes/{node}/lxc/{vmid}/interfaces`; `None` when Proxmox answers `null` (a stopped container).
    pub async fn container_interfaces(
        &self,
        node: &str,
        vmid: u32,
    ) -> Result<Option<Vec<ContainerInterface>>, ProxmoxError> {
        let vmid = vmid.to_string();
        self.get(&["nodes", node, "lxc", vmid.as_str(), "interfaces"])
            .await
    }

    /// `GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces`.
    pub async fn agent_interfaces(
        &self,
        node: &str,
        vmid: u32,
    ) -> Result<Vec<AgentInterface>, ProxmoxError> {
        let vmid = vmid.to_string();
        let segments = [
            "nodes",
            node,
            "qemu",
            vmid.as_str(),
            "agent",
            "network-get-interfaces",
        ];
        let answer: AgentResult = self.get(&segments).await?;
        Ok(answer.result)
    }

    /// The path as evidence shows it: `/api2/json/nodes/...`.
    pub fn display_path(&self, segments: &[&str]) -> String {
        match self.url(segments) {
            Ok(url) => url.path().to_string(),
            Err(_) => format!("{}/{}", self.api_base.path(), segments.join("/")),
        }
    }

    fn url(&self, segments: &[&str]) -> Result<Url, ProxmoxError> {
        // Segments are percent-encoded, so a `/` in a node name from a Terraform output cannot walk the path;
        // `.` and `..` would be dropped silently, and an empty one would change the path's shape.
        if let Some(bad) = segments.iter().find(|s| matches!(**s, "" | "." | "..")) {
            return Err(ProxmoxError::BadSegment {
                segment: bad.to_string(),
            });
        }
        let mut url = self.api_base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        Ok(url)
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        segments: &[&str],
    ) -> Result<T, ProxmoxError> {
        let url = self.url(segments)?;
        let mut backoff = self.settings.retry_backoff;
        let mut attempt = 1;
        loop {
            match self.get_once(&url).await {
                Err(error) if error.is_transient() && attempt < self.settings.max_attempts => {
                    tracing::debug!(%error, attempt, "retrying a Proxmox VE API call");
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn get_once<T: serde::de::DeserializeOwned>(&self, url: &Url) -> Result<T, ProxmoxError> {
        let path = url.path().to_string();
        let sent = self
            .http
            .get(url.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return Err(transport_error(path, &error, self.settings)),
        };
        let status = response.status();
        let status_line_reason = response
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|reason| String::from_utf8_lossy(reason.as_bytes()).into_owned());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => return Err(transport_error(path, &error, self.settings)),
        };
        if !status.is_success() {
            let reason = error_reason(status, status_line_reason, &body);
            return Err(status_error(path, status, reason));
        }
        #[derive(Deserialize)]
        struct Envelope<T> {
            data: T,
        }
        serde_json::from_slice::<Envelope<T>>(&body)
            .map(|envelope| envelope.data)
            .map_err(|error| ProxmoxError::Shape {
                path,
                why: error.to_string(),
            })
    }
}

fn api_base(endpoint: &str) -> Result<Url, ProxmoxConfigError> {
    let invalid = |why: &str| ProxmoxConfigError::Endpoint {
        endpoint: endpoint.to_string(),
        why: why.to_string(),
    };
    let mut url = Url::parse(endpoint.trim()).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("there is no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a query or fragment is not allowed"));
    }
    // The bpg provider takes the bare endpoint; accept one that already ends in /api2/json too.
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/api2/json").unwrap_or(path);
    url.set_path(&format!("{path}/api2/json"));
    Ok(url)
}

fn authorization_header(token: &SecretString) -> Result<HeaderValue, ProxmoxConfigError> {
    let token = token.expose_secret();
    let well_formed = token.split_once('=').is_some_and(|(id, secret)| {
        !secret.is_empty()
            && id
                .split_once('!')
                .is_some_and(|(user, name)| user.contains('@') && !name.is_empty())
    });
    if !well_formed {
        return Err(ProxmoxConfigError::TokenShape);
    }
    let mut value = HeaderValue::from_str(&format!("PVEAPIToken={token}"))
        .map_err(|_| ProxmoxConfigError::TokenShape)?;
    value.set_sensitive(true);
    Ok(value)
}

/// The reason of an error answer: the body's `message` (newer Proxmox VE), else the status line's reason phrase,
/// else the standard phrase of the status code. Parameter errors add their per-parameter messages.
fn error_reason(status: StatusCode, status_line: Option<String>, body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        errors: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    }
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|body| body.message.as_deref())
        .map(str::trim)
        .filter(|message| !message.is_empty())
        .map(str::to_string);
    let mut reason = message
        .or(status_line.filter(|reason| !reason.trim().is_empty()))
        .or_else(|| status.canonical_reason().map(str::to_string))
        .unwrap_or_else(|| "no reason given".to_string());
    if let Some(errors) = parsed.and_then(|body| body.errors) {
        let details: Vec<String> = errors
            .iter()
            .map(|(parameter, why)| match why.as_str() {
                Some(why) => format!("{parameter}: {}", why.trim()),
                None => format!("{parameter}: {why}"),
            })
            .collect();
        if !details.is_empty() {
            reason = format!("{reason} ({})", details.join("; "));
        }
    }
    reason
}

fn status_error(path: String, status: StatusCode, reason: String) -> ProxmoxError {
    match status.as_u16() {
        401 => ProxmoxError::Unauthorized {
            path,
            status: 401,
            reason,
        },
        403 => {
            let advice = match permission_named(&reason) {
                Some((acl_path, privilege)) => format!(
                    "the API token lacks the privilege {privilege} on {acl_path}; grant it to the token (tokens with privilege separation need their own ACL entry)"
                ),
                None => "the API token lacks a privilege; grant it to the token (tokens with privilege separation need their own ACL entry)".to_string(),
            };
            ProxmoxError::Forbidden {
                path,
                reason,
                advice,
            }
        }
        code => ProxmoxError::Status {
            path,
            status: code,
            reason,
        },
    }
}

/// `Permission check failed (/vms/100, VM.Audit)` → (`/vms/100`, `VM.Audit`).
fn permission_named(reason: &str) -> Option<(String, String)> {
    let inside = reason.rsplit_once('(')?.1.split_once(')')?.0;
    let (acl_path, privilege) = inside.split_once(',')?;
    let (acl_path, privilege) = (acl_path.trim(), privilege.trim());
    (acl_path.starts_with('/') && !privilege.is_empty())
        .then(|| (acl_path.to_string(), privilege.to_string()))
}

fn transport_error(
    path: String,
    error: &reqwest::Error,
    settings: ProxmoxClientSettings,
) -> ProxmoxError {
    if error.is_timeout() {
        return ProxmoxError::Timeout {
            path,
            timeout_ms: settings.request_timeout.as_millis(),
        };
    }
    ProxmoxError::Connection {
        path,
        why: error_chain(error),
    }
}

/// reqwest's own message is generic ("error sending request"); the cause chain says what happened.
fn error_chain(error: &reqwest::Error) -> String {
    let mut why = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        why = format!("{why}: {cause}");
        source = cause.source();
    }
    why
}

#[cfg(test)]
#[path = "proxmox_tests.rs"]
mod tests;
