//! A small Proxmox VE API client: the three read-only endpoints the Validator needs, token authentication, bounded
//! retries, and errors a person can act on.
//!
//! Proxmox VE wraps every answer in `{"data": ...}` and puts the reason of an error in the HTTP status line (newer
//! versions repeat it as `message` in the body), so the reason is read from the body first and the status line
//! second. The API token is held as a [`SecretString`] and only ever copied into a header marked sensitive: it never
//! appears in a `Debug` print, an error or a log line.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::contracts::GuestKind;
use crate::error_chain::error_chain;
use crate::validator::proxmox_answers::AgentResult;
pub use crate::validator::proxmox_answers::{
    AgentInterface, ContainerInterface, GuestStatus, InterfaceAddress, first_agent_ipv4,
    first_container_ipv4, parse_ipv4_or_cidr,
};
pub use crate::validator::proxmox_connection::{
    CA_FILE_ENV, ENDPOINT_ENV, INSECURE_ENV, ProxmoxConfigError, ProxmoxConnection, TOKEN_ENV,
};

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

    /// Answers that waiting for a guest to settle will not change: a refused token, a missing privilege, a node
    /// name that cannot be asked about, a guest the node does not have.
    pub fn outlasts_a_wait(&self) -> bool {
        matches!(
            self,
            Self::Unauthorized { .. } | Self::Forbidden { .. } | Self::BadSegment { .. }
        ) || self.is_missing_guest()
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

#[cfg(test)]
#[path = "proxmox_tests.rs"]
mod tests;
