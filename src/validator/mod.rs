//! The Validator: after a plan or an apply, checks that what Terraform reported is what the project expects and
//! that its guests are really up — the four checks: resources, guest-status, ip-assigned, reachable.
//!
//! 1. `resources`: the expected address patterns match their counts (`checks`).
//! 2. `guest-status`: every guest is `running` per the Proxmox VE API (`proxmox`).
//! 3. `ip-assigned`: every guest has an IPv4 address (guests output, LXC interfaces, QEMU guest agent).
//! 4. `reachable`: a TCP connection to each address on the configured port succeeds (`net`).
//!
//! A failed check is data (a [`ValidationResult`] with `ok: false` and evidence), never an `Err`: the Planner
//! moves to DIAGNOSING with it. Guests are watched concurrently, with a bound on the probes running at once; after
//! an apply each is probed again until it settles or `settle_seconds` pass (`settle`), and each probe has a
//! deadline, so one dead guest cannot hold the others back. In plan mode the guest checks skip guests that do not
//! exist yet.

pub mod checks;
pub mod net;
mod probe;
pub mod proxmox;
mod proxmox_answers;
mod proxmox_connection;
pub mod settle;

use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Semaphore;

use crate::contracts::{ValidationRequest, ValidationResult};
use crate::planner::agents::{AgentError, Validator};
use crate::terraform::Cancellation;
use crate::validator::checks::{
    GuestFindings, guest_checks, guest_checks_without_guests, resources_check,
};
use crate::validator::probe::ProbeContext;
pub use crate::validator::probe::guest_label;
use crate::validator::proxmox::{
    ProxmoxClient, ProxmoxClientSettings, ProxmoxConfigError, ProxmoxConnection,
};
use crate::validator::settle::{SettlePolicy, watch_guest};

/// Probes running at the same time: enough for a fleet, few enough not to flood a small node's API.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Limit of the `reachable` check's TCP connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Limit of one probe of one guest: its API calls with their retries and the TCP connection.
pub const DEFAULT_GUEST_DEADLINE: Duration = Duration::from_secs(60);

/// How the Validator paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidatorSettings {
    pub client: ProxmoxClientSettings,
    pub connect_timeout: Duration,
    /// Probes running at the same time (at least 1).
    pub concurrency: usize,
    pub guest_deadline: Duration,
}

impl Default for ValidatorSettings {
    fn default() -> Self {
        Self {
            client: ProxmoxClientSettings::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
            guest_deadline: DEFAULT_GUEST_DEADLINE,
        }
    }
}

/// The Validator of production and of the tests: real HTTP, real TCP.
#[derive(Debug)]
pub struct ProxmoxValidator {
    /// The client, or why there is none; the guest checks report the reason as evidence when they need the API.
    api: Result<ProxmoxClient, String>,
    settings: ValidatorSettings,
    /// Ends a wait for guests to settle at once when agentlab is asked to stop.
    cancellation: Option<Cancellation>,
}

impl ProxmoxValidator {
    pub fn new(api: ProxmoxClient, settings: ValidatorSettings) -> Self {
        Self {
            api: Ok(api),
            settings,
            cancellation: None,
        }
    }

    /// A Validator without API access; `why` is shown wherever a check would have asked the API.
    pub fn without_api(why: impl Into<String>, settings: ValidatorSettings) -> Self {
        Self {
            api: Err(why.into()),
            settings,
            cancellation: None,
        }
    }

    /// Ends the wait for guests to settle when `cancellation` is requested (SIGINT/SIGTERM): the result then says
    /// it was cancelled, and the Planner stops.
    pub fn with_cancellation(mut self, cancellation: Cancellation) -> Self {
        self.cancellation = Some(cancellation);
        self
    }

    /// A Validator for a connection read elsewhere; a connection that could not be read becomes the reason the
    /// guest checks give.
    pub fn from_connection(
        connection: Result<ProxmoxConnection, ProxmoxConfigError>,
        settings: ValidatorSettings,
    ) -> Self {
        let client =
            connection.and_then(|connection| ProxmoxClient::new(&connection, settings.client));
        match client {
            Ok(client) => Self::new(client, settings),
            Err(error) => Self::without_api(error.to_string(), settings),
        }
    }

    /// Runs the four checks for one request.
    pub async fn check(&self, request: &ValidationRequest) -> ValidationResult {
        let mut checks = vec![resources_check(
            &request.resources,
            &request.resource_addresses,
            request.mode,
        )];
        let cancelled = if request.guests_problem.is_some() || request.guests.is_empty() {
            checks.extend(guest_checks_without_guests(
                request.guests_problem.as_deref(),
                request.guests_skip_reason.as_deref(),
                request.mode,
                &request.planned_creates,
            ));
            false
        } else {
            let (findings, cancelled) = self.probe_all(request).await;
            checks.extend(guest_checks(&findings, request.port));
            cancelled
        };
        let mut result = ValidationResult::from_checks(checks);
        result.cancelled = cancelled;
        for check in result.failed_checks() {
            tracing::info!(project = %request.project, check = check.name.as_str(), detail = %check.detail, "check failed");
        }
        result
    }

    /// Watches every guest until it settles (`settle`), all at once, with at most `concurrency` probes running at
    /// a time; the findings come back in the order of the guests output. Also says whether a cancellation ended
    /// the wait.
    async fn probe_all(&self, request: &ValidationRequest) -> (Vec<GuestFindings>, bool) {
        let context = ProbeContext {
            api: self.api.as_ref().map_err(String::as_str),
            mode: request.mode,
            default_node: &request.default_node,
            port: request.port,
            connect_timeout: self.settings.connect_timeout,
        };
        let probes_at_once = Semaphore::new(self.settings.concurrency.max(1));
        let policy = SettlePolicy {
            settle: Duration::from_secs(request.settle_seconds),
            probe_deadline: self.settings.guest_deadline,
            probes_at_once: &probes_at_once,
            cancellation: self.cancellation.as_ref(),
        };
        let watched = futures::future::join_all(
            request
                .guests
                .iter()
                .map(|guest| watch_guest(guest, &context, &policy)),
        )
        .await;
        let cancelled = watched.iter().any(|watched| watched.cancelled);
        (
            watched
                .into_iter()
                .map(|watched| watched.findings)
                .collect(),
            cancelled,
        )
    }
}

#[async_trait]
impl Validator for ProxmoxValidator {
    async fn validate(&self, request: &ValidationRequest) -> Result<ValidationResult, AgentError> {
        Ok(self.check(request).await)
    }
}
