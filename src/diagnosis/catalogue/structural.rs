//! The structural rule for a failed `resources` check: Terraform succeeded, yet the validator's expectation does
//! not fit what the project manages. "No address matches the pattern" (a wrong resource type, telmate's
//! `proxmox_lxc` for bpg's `proxmox_virtual_environment_container`) and "matched N, expected M" (a count that
//! changed) are different failures with different fixes, and a plan has applied nothing, so it never says so.

use std::sync::OnceLock;

use regex::Regex;

use crate::contracts::Category;
use crate::contracts::{
    CheckName, CheckStatus, DiagnosisRequest, Hypothesis, Remediation, RunMode, ValidationResult,
};

use super::super::context::{DiagnosisContext, EvidenceKind};
use super::{CATALOGUE_CONFIDENCE, CatalogueMatch, resource_type};

/// What the `resources` check reported for one pattern that was not as expected.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternOutcome {
    /// The pattern (in backticks, as the check writes it) matched no address.
    MatchedNothing { pattern: String },
    /// The pattern matched some addresses, but not as many as expected.
    WrongCount {
        pattern: String,
        found: String,
        expected: String,
    },
}

pub(super) fn resources_check_failed(
    request: &DiagnosisRequest,
    context: &DiagnosisContext,
) -> Option<CatalogueMatch> {
    let validation = request.validation.as_ref()?;
    let failed_resources = validation
        .checks
        .iter()
        .any(|check| check.name == CheckName::Resources && check.status == CheckStatus::Fail);
    if !request.terraform.ok || !failed_resources || request.terraform.resource_addresses.is_empty()
    {
        return None;
    }
    let item = context.items.iter().find(|item| {
        item.kind == EvidenceKind::FailedCheck && item.title.contains(CheckName::Resources.as_str())
    })?;
    let done = if request.mode == RunMode::Deploy {
        "applied"
    } else {
        "planned"
    };
    let outcomes = pattern_outcomes(validation);
    let unmatched: Vec<&str> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            PatternOutcome::MatchedNothing { pattern } => Some(pattern.as_str()),
            PatternOutcome::WrongCount { .. } => None,
        })
        .collect();
    let miscounted: Vec<String> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            PatternOutcome::WrongCount {
                pattern,
                found,
                expected,
            } => Some(format!("{pattern} matched {found}, expected {expected}")),
            PatternOutcome::MatchedNothing { .. } => None,
        })
        .collect();
    let (signature, root_cause) = if !unmatched.is_empty() {
        let mut types: Vec<&str> = request
            .terraform
            .resource_addresses
            .iter()
            .filter_map(|address| resource_type(address))
            .collect();
        types.sort();
        types.dedup();
        (
            "validator-resources-pattern-mismatch",
            format!(
                "Terraform {done} cleanly, but the validator's `resources` expectation ({}) matches none of the addresses the project manages (resource types present: {}); the pattern in [project.validate] names another resource type than the project uses — fix the expectation or the module.",
                unmatched.join(", "),
                types.join(", ")
            ),
        )
    } else if !miscounted.is_empty() {
        (
            "validator-resources-count-mismatch",
            format!(
                "Terraform {done} cleanly and the validator's `resources` patterns name the right resources, but not as many as expected ({}): the project's count or for_each changed, or the expectation's count is out of date — fix whichever is wrong.",
                miscounted.join("; ")
            ),
        )
    } else {
        (
            "validator-resources-not-as-expected",
            format!(
                "Terraform {done} cleanly, but the validator's `resources` expectation does not fit the addresses the project manages (see the failed check); compare [project.validate] with the module."
            ),
        )
    };
    Some(CatalogueMatch {
        signature,
        hypothesis: Hypothesis {
            category: Category::ValidationMismatch,
            root_cause,
            evidence: vec![item.id.clone()],
            remediation: Remediation::Escalate,
            confidence: CATALOGUE_CONFIDENCE,
        },
    })
}

/// The patterns the `resources` check reports as not as expected, as the check writes them
/// (src/validator/checks.rs): "pattern `P` matched nothing (expected N)" and "pattern `P` matched F, expected E".
fn pattern_outcomes(validation: &ValidationResult) -> Vec<PatternOutcome> {
    static OUTCOME: OnceLock<Regex> = OnceLock::new();
    let regex = OUTCOME.get_or_init(|| {
        Regex::new(r"pattern (`[^`]+`) matched (?:(?P<nothing>nothing|0\b)|(?P<found>\d+), expected (?P<expected>\d+))")
            .expect("the pattern is valid")
    });
    let mut outcomes: Vec<PatternOutcome> = validation
        .checks
        .iter()
        .filter(|check| check.name == CheckName::Resources)
        .flat_map(|check| std::iter::once(&check.detail).chain(check.evidence.iter()))
        .flat_map(|text| {
            regex
                .captures_iter(text)
                .map(|captures| {
                    let pattern = captures[1].to_string();
                    match (captures.name("found"), captures.name("expected")) {
                        (Some(found), Some(expected)) if captures.name("nothing").is_none() => {
                            PatternOutcome::WrongCount {
                                pattern,
                                found: found.as_str().to_string(),
                                expected: expected.as_str().to_string(),
                            }
                        }
                        _ => PatternOutcome::MatchedNothing { pattern },
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    outcomes.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    outcomes.dedup();
    outcomes
}
