//! Where the Proxmox VE API is and how to reach it, read from the environment the bpg provider reads too, before
//! any connection is made; and why that could fail, in words that never include the token.

use std::path::PathBuf;

use secrecy::SecretString;

/// The environment variables the client reads; the first three are the ones the bpg provider reads too.
pub const ENDPOINT_ENV: &str = "PROXMOX_VE_ENDPOINT";
pub const TOKEN_ENV: &str = "PROXMOX_VE_API_TOKEN";
pub const INSECURE_ENV: &str = "PROXMOX_VE_INSECURE";
/// A PEM file with the CA that signed a self-signed Proxmox VE certificate.
pub const CA_FILE_ENV: &str = "AGENTLAB_PROXMOX_CA_FILE";

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
    /// Reads the connection from variables looked up by `lookup` (the invocation's environment in production).
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
