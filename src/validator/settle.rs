//! Waiting for a new guest to settle: right after an apply a container or VM is still booting, getting its DHCP
//! lease and starting sshd, so one look would fail a healthy deploy. The live checks probe each guest again, with
//! a growing pause, until it runs, has an address and accepts the connection, or until `settle_seconds` have
//! passed; only then does a check fail. Each guest's evidence says how long it was watched and how many probes
//! that took.
//!
//! The wait ends early when waiting cannot help (the API cannot be asked, refuses the token, does not have the
//! guest), and at once when agentlab is asked to stop (SIGINT/SIGTERM): the findings so far are kept and the
//! result says it was cancelled. Every probe runs under the guest deadline, so a hung API cannot stretch the wait
//! past `settle_seconds` plus one deadline.

use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::contracts::Guest;
use crate::terraform::Cancellation;
use crate::validator::checks::{GuestFindings, GuestVerdict};
use crate::validator::probe::{ProbeContext, Probed, guest_label, probe_guest};

/// The first pause between two probes of a guest; each later one doubles, up to [`LONGEST_PAUSE`].
pub const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// The longest pause between two probes: a guest that comes up is seen within this of doing so.
pub const LONGEST_PAUSE: Duration = Duration::from_secs(10);

/// How one guest is watched.
pub struct SettlePolicy<'a> {
    /// How long to keep probing a guest that is not settled yet; zero: one probe.
    pub settle: Duration,
    /// Limit of one probe.
    pub probe_deadline: Duration,
    /// Probes running at once across all guests: the API of a small node is not flooded.
    pub probes_at_once: &'a Semaphore,
    pub cancellation: Option<&'a Cancellation>,
}

/// One guest, watched until it settles: its last findings, and whether a cancellation ended the wait.
pub struct Watched {
    pub findings: GuestFindings,
    pub cancelled: bool,
}

/// Probes `guest` until it settles, waiting cannot help, the settle time is over, or a cancellation arrives.
pub async fn watch_guest(
    guest: &Guest,
    context: &ProbeContext<'_>,
    policy: &SettlePolicy<'_>,
) -> Watched {
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut probes = 0u32;
    loop {
        let probed = probe_once(guest, context, policy).await;
        probes += 1;
        let waited = started.elapsed();
        let settled = !has_failure(&probed.findings);
        let over = policy.settle.saturating_sub(waited);
        if settled || !probed.waiting_may_help || over.is_zero() {
            return Watched {
                findings: with_the_wait(probed.findings, policy.settle, probes, waited, None),
                cancelled: false,
            };
        }
        let sleep = tokio::time::sleep(pause.min(over));
        let cancelled = match policy.cancellation {
            Some(cancellation) => tokio::select! {
                () = sleep => false,
                () = cancellation.requested() => true,
            },
            None => {
                sleep.await;
                false
            }
        };
        if cancelled {
            let waited = started.elapsed();
            let note = "the wait was cancelled: agentlab was asked to stop";
            return Watched {
                findings: with_the_wait(probed.findings, policy.settle, probes, waited, Some(note)),
                cancelled: true,
            };
        }
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

/// One probe under the deadline, holding one of the shared permits.
async fn probe_once(
    guest: &Guest,
    context: &ProbeContext<'_>,
    policy: &SettlePolicy<'_>,
) -> Probed {
    // The semaphore is never closed, so a permit always comes; without one the probe still runs.
    let _permit = policy.probes_at_once.acquire().await.ok();
    match tokio::time::timeout(policy.probe_deadline, probe_guest(guest, context)).await {
        Ok(probed) => probed,
        Err(_) => {
            let label = guest_label(guest, context.default_node);
            let line = format!(
                "{label}: no verdict within {} s (the API or the guest is too slow)",
                policy.probe_deadline.as_secs_f64()
            );
            Probed {
                findings: GuestFindings::all(label, GuestVerdict::Fail(line)),
                waiting_may_help: true,
            }
        }
    }
}

fn has_failure(findings: &GuestFindings) -> bool {
    [&findings.status, &findings.ip, &findings.reach]
        .into_iter()
        .any(|verdict| matches!(verdict, GuestVerdict::Fail(_)))
}

/// Adds how the guest was watched to each of its evidence lines, when it was watched at all (a settle time is
/// set): `…; waited 5.2 s, 4 probes`.
fn with_the_wait(
    findings: GuestFindings,
    settle: Duration,
    probes: u32,
    waited: Duration,
    note: Option<&str>,
) -> GuestFindings {
    if settle.is_zero() {
        return findings;
    }
    let probes_said = if probes == 1 {
        "1 probe".to_string()
    } else {
        format!("{probes} probes")
    };
    let mut suffix = format!(
        "; waited {:.1} s of {} s, {probes_said}",
        waited.as_secs_f64(),
        settle.as_secs()
    );
    if let Some(note) = note {
        suffix.push_str("; ");
        suffix.push_str(note);
    }
    let extend = |verdict: GuestVerdict| match verdict {
        GuestVerdict::Pass(line) => GuestVerdict::Pass(line + &suffix),
        GuestVerdict::Fail(line) => GuestVerdict::Fail(line + &suffix),
        GuestVerdict::Skip(line) => GuestVerdict::Skip(line + &suffix),
    };
    GuestFindings {
        label: findings.label,
        status: extend(findings.status),
        ip: extend(findings.ip),
        reach: extend(findings.reach),
    }
}

#[cfg(test)]
#[path = "settle_tests.rs"]
mod tests;
