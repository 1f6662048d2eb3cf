//! The four checks' verdicts, as pure functions: what the Validator saw goes in, [`CheckResult`]s come out.
//!
//! `resources` is decided here entirely (it only reads addresses). The three guest checks are gathered per guest
//! by `probe` (the part that talks to the network) and summed up here, so a person reads one line per check and
//! finds one evidence line per guest below it, failures first. Keeping the wording here, away from the IO, lets
//! the tests pin it down without a server.

use regex::Regex;

use crate::contracts::{CheckName, CheckResult, CheckStatus, ResourceExpectation, RunMode};

/// How many addresses a failing `resources` check lists, and how many guests a detail line names.
const MAX_LISTED_ADDRESSES: usize = 25;
const MAX_NAMED_GUESTS: usize = 5;

/// One guest's verdict for one check, with the evidence line that supports it (it starts with the guest's label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestVerdict {
    Pass(String),
    Fail(String),
    /// Only in plan mode, for a guest that does not exist yet.
    Skip(String),
}

/// What was found for one guest, one verdict per guest check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestFindings {
    /// `lxc/101 (web-1) on pmx-01`.
    pub label: String,
    pub status: GuestVerdict,
    pub ip: GuestVerdict,
    pub reach: GuestVerdict,
}

impl GuestFindings {
    /// The same verdict for all three checks: a guest that does not exist yet, or that could not be examined.
    pub fn all(label: String, verdict: GuestVerdict) -> Self {
        Self {
            label,
            status: verdict.clone(),
            ip: verdict.clone(),
            reach: verdict,
        }
    }
}

/// `resources`: every expected pattern matches exactly its count of addresses.
pub fn resources_check(
    expectations: &[ResourceExpectation],
    addresses: &[String],
    mode: RunMode,
) -> CheckResult {
    let source = match mode {
        RunMode::Plan => "the plan's planned values",
        RunMode::Deploy | RunMode::Check => "the state",
    };
    if expectations.is_empty() {
        return check(
            CheckName::Resources,
            CheckStatus::Skip,
            "no resource patterns are configured for this project".into(),
            Vec::new(),
        );
    }
    // The failing patterns come first in the evidence: they are what a reader came for.
    let (mut failing, mut passing) = (Vec::new(), Vec::new());
    for expectation in expectations {
        // Anchored: a pattern names whole addresses, so `container\[0\]` must not match `container[0]_extra`.
        let regex = match Regex::new(&format!("^(?:{})$", expectation.pattern)) {
            Ok(regex) => regex,
            Err(error) => {
                failing.push(format!(
                    "pattern `{}` is not a valid regular expression: {error}",
                    expectation.pattern
                ));
                continue;
            }
        };
        let matched: Vec<&String> = addresses.iter().filter(|a| regex.is_match(a)).collect();
        let found = matched.len();
        let expected = expectation.count as usize;
        if found == expected {
            passing.push(format!(
                "pattern `{}`: {found} of {expected} expected in {source}: {}",
                expectation.pattern,
                listed(matched.iter().map(|a| a.as_str()))
            ));
            continue;
        }
        if found == 0 {
            failing.push(format!(
                "pattern `{}` matched nothing (expected {expected}) in {source}; addresses there instead: {}",
                expectation.pattern,
                listed(addresses.iter().map(String::as_str))
            ));
        } else {
            failing.push(format!(
                "pattern `{}` matched {found}, expected {expected}, in {source}: {}",
                expectation.pattern,
                listed(matched.iter().map(|a| a.as_str()))
            ));
        }
    }
    let total = expectations.len();
    let failed = failing.len();
    let evidence: Vec<String> = failing.into_iter().chain(passing).collect();
    if failed == 0 {
        let detail = format!("all {total} expected address patterns found in {source}");
        check(CheckName::Resources, CheckStatus::Pass, detail, evidence)
    } else {
        let detail =
            format!("{failed} of {total} expected address patterns not as expected in {source}");
        check(CheckName::Resources, CheckStatus::Fail, detail, evidence)
    }
}

fn listed<'a>(addresses: impl Iterator<Item = &'a str>) -> String {
    let addresses: Vec<&str> = addresses.collect();
    if addresses.is_empty() {
        return "(none)".into();
    }
    let shown = addresses[..addresses.len().min(MAX_LISTED_ADDRESSES)].join(", ");
    match addresses.len().saturating_sub(MAX_LISTED_ADDRESSES) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// `guest-status`, `ip-assigned` and `reachable` from the per-guest findings.
pub fn guest_checks(findings: &[GuestFindings], port: u16) -> Vec<CheckResult> {
    let accepts = format!("accepts TCP connections on port {port}");
    let accept = format!("accept TCP connections on port {port}");
    let refuses = format!("does not accept TCP connections on port {port}");
    let refuse = format!("do not accept TCP connections on port {port}");
    vec![
        summarise(
            CheckName::GuestStatus,
            findings.iter().map(|f| (&f.label, &f.status)),
            (
                ("is running", "are running"),
                ("is not running", "are not running"),
            ),
        ),
        summarise(
            CheckName::IpAssigned,
            findings.iter().map(|f| (&f.label, &f.ip)),
            (
                ("has an IPv4 address", "have an IPv4 address"),
                ("has no IPv4 address", "have no IPv4 address"),
            ),
        ),
        summarise(
            CheckName::Reachable,
            findings.iter().map(|f| (&f.label, &f.reach)),
            ((&accepts, &accept), (&refuses, &refuse)),
        ),
    ]
}

/// A verb phrase in the singular and the plural ("is running", "are running").
type Agreeing<'a> = (&'a str, &'a str);

/// "1 of 1 guest is running", "1 of 2 guests is running", "2 of 2 guests are running": the noun agrees with the
/// total, the verb with the count.
fn count_of_guests(count: usize, total: usize, (one, many): Agreeing<'_>) -> String {
    format!(
        "{count} of {total} guest{} {}",
        if total == 1 { "" } else { "s" },
        if count == 1 { one } else { many }
    )
}

fn summarise<'a>(
    name: CheckName,
    verdicts: impl Iterator<Item = (&'a String, &'a GuestVerdict)>,
    (pass_phrase, fail_phrase): (Agreeing<'_>, Agreeing<'_>),
) -> CheckResult {
    let (mut failed, mut passed, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for (label, verdict) in verdicts {
        match verdict {
            GuestVerdict::Fail(line) => failed.push((label.as_str(), line.clone())),
            GuestVerdict::Pass(line) => passed.push(line.clone()),
            GuestVerdict::Skip(line) => skipped.push(line.clone()),
        }
    }
    let total = failed.len() + passed.len() + skipped.len();
    let skipped_note = match skipped.len() {
        0 => String::new(),
        n => format!("; {n} skipped (not created yet, runs after apply)"),
    };
    let (status, detail) = if !failed.is_empty() {
        let labels: Vec<&str> = failed.iter().map(|(label, _)| *label).collect();
        let named = labels[..labels.len().min(MAX_NAMED_GUESTS)].join(", ");
        let more = labels.len().saturating_sub(MAX_NAMED_GUESTS);
        let named = if more > 0 {
            format!("{named} and {more} more")
        } else {
            named
        };
        (
            CheckStatus::Fail,
            format!(
                "{}: {named}{skipped_note}",
                count_of_guests(failed.len(), total, fail_phrase)
            ),
        )
    } else if passed.is_empty() {
        (
            CheckStatus::Skip,
            match skipped.len() {
                1 => "runs after apply: the guest does not exist yet".to_string(),
                many => format!("runs after apply: {many} guests do not exist yet"),
            },
        )
    } else {
        (
            CheckStatus::Pass,
            format!(
                "{}{skipped_note}",
                count_of_guests(passed.len(), total, pass_phrase)
            ),
        )
    };
    let evidence = failed
        .into_iter()
        .map(|(_, line)| line)
        .chain(passed)
        .chain(skipped)
        .collect();
    check(name, status, detail, evidence)
}

/// How a skip reason starts when the guests are only known once the plan is applied; such a skip lists the plan's
/// creates as its evidence.
pub const RUNS_AFTER_APPLY: &str = "runs after apply";

/// The three guest checks when there are no guests to look at: the output cannot be used (a failure, with its
/// reason as evidence), or there is nothing to check (`skip_reason`: no guests output, not known until apply,
/// an empty list).
pub fn guest_checks_without_guests(
    guests_problem: Option<&str>,
    skip_reason: Option<&str>,
    mode: RunMode,
    planned_creates: &[String],
) -> Vec<CheckResult> {
    let guest_names = [
        CheckName::GuestStatus,
        CheckName::IpAssigned,
        CheckName::Reachable,
    ];
    if let Some(problem) = guests_problem {
        let skipped = |name| {
            check(
                name,
                CheckStatus::Skip,
                "no guests to check: the guests output cannot be used (see guest-status)".into(),
                Vec::new(),
            )
        };
        return vec![
            check(
                CheckName::GuestStatus,
                CheckStatus::Fail,
                "the guests output cannot be used".into(),
                vec![problem.to_string()],
            ),
            skipped(CheckName::IpAssigned),
            skipped(CheckName::Reachable),
        ];
    }
    let detail = skip_reason
        .unwrap_or("the guests output lists no guests")
        .to_string();
    let evidence = if mode == RunMode::Plan
        && detail.starts_with(RUNS_AFTER_APPLY)
        && !planned_creates.is_empty()
    {
        vec![format!(
            "the plan creates {}",
            listed(planned_creates.iter().map(String::as_str))
        )]
    } else {
        Vec::new()
    };
    guest_names
        .into_iter()
        .map(|name| check(name, CheckStatus::Skip, detail.clone(), evidence.clone()))
        .collect()
}

fn check(
    name: CheckName,
    status: CheckStatus,
    detail: String,
    evidence: Vec<String>,
) -> CheckResult {
    CheckResult {
        name,
        status,
        detail,
        evidence,
    }
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
