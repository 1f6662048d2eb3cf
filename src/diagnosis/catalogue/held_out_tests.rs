//! The held-out measurement: real failure texts from public issue trackers that no rule was written from
//! (`eval/held-out/failures.toml`, each with its source and the categories a person would accept), tried against
//! the catalogue. The catalogue may say nothing — an honest "I don't know" at $0, which the LLM then gets — but
//! it must never name a category a person would not accept. The rate of acceptable answers is printed and held
//! at its measured floor, so a rule change that loses ground fails here.

use serde::Deserialize;

use super::*;
use crate::diagnosis::test_fixtures;
use crate::redact::Redactor;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeldOut {
    failure: Vec<HeldOutFailure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeldOutFailure {
    source: String,
    error: String,
    acceptable: Vec<Category>,
}

/// Acceptable answers the catalogue gave on the held-out texts when this floor was set (2026-12-02): 351 of 452
/// (78 %), none wrong. The first 32 texts: 31 of 32 after the families were widened from other public wordings
/// (before: 20). The second batch of 34, found after that widening: 20 of 34 and one wrong at its first run, 25 of
/// 34 after the rule changes it prompted. The third batch of 13: 7 of 13 and one wrong at its first run, 11 of 13
/// after. The fourth batch of 30: 22 of 30 and none wrong at its first run, 29 of 30 after. The fifth batch of 47:
/// 33 of 47 and three wrong at its first run (two of them a list widened afterwards, as for the first batch), 39
/// of 47 and none wrong after. The sixth batch of 45: 24 of 45 and three wrong at its first run, 27 of 45 after
/// three lists were widened (no rule changed). Matching a message across Terraform's 78-column wrap (a behaviour of
/// the real binary, tested in tests/it/diagnosis/terraform_words.rs) then added two texts wrapped inside a known
/// wording.
/// The seventh batch of 31 (14 more the finder brought were cited by rule tests, so they were left out): 14 of 31
/// and two wrong at its first run, 16 of 31 after two rules were re-read. The fourth widening
/// (family_wordings_toolchain.rs, written from other public reports and the providers' and Proxmox VE's sources for
/// the families the silent texts belong to) then took the whole set to 201. The eighth batch of 40, found after
/// that widening: 24 of 40 and three wrong at its first run, 27 of 40 after three rules were made to agree with the
/// prompt's guide (one list widened); a last-resort rule for anything that "already exists", the resource_conflict
/// category's own definition, took the whole set to 231, and the fifth widening (other public reports and sources
/// for the families of the eighth batch's silent texts) to 240. The ninth batch of 40: 24 of 40 and four wrong at
/// its first run, 25 of 40 after one rule was narrowed and one split (no list changed); the categories' tells
/// (Terraform's own verdicts on a configuration, a Go crash, Python's refused connection) then took the whole set to
/// 268. The tenth batch of 40: 30 of 40 and three wrong at its first run, 31 of 40 after two rules read what they
/// had missed and one was narrowed (which silenced two earlier texts; no list changed). The eleventh batch of 20,
/// mostly from tools around Proxmox VE: 7 of 20 and two wrong at its first run, 7 of 20 and none wrong after two
/// rules were narrowed (which silenced one earlier text). The sixth widening (Terraform's own verdicts run against
/// the real binary, the plugin libraries' refusals, undecodable answers; family_wordings_refusals.rs) then took the
/// whole set to 304. The twelfth batch of 40: 24 of 40 and none wrong at its first run; more rules written afterwards
/// from other public reports (a parameter's value refused without the 400 line, a missing bridge or cluster node, a
/// cluster without quorum, full LVM or ZFS storage, a skewed clock) answered none of its silent texts, and the
/// parameter rule at first took one earlier text (a list element of Proxmox VE's own answer) wrongly, until it was
/// made to leave list elements alone; the seventh widening (Python's read timeouts, DynamoDB's access refusal) took the
/// whole set to 332. The thirteenth batch of 40, heavy on provider regressions: 18 of 40 and four wrong at its first
/// run, 20 of 40 after a rule for the privilege Proxmox VE 9 dropped, "already exists" left to the conflict rule, and
/// tool-made volume names left alone (which silenced one earlier text; no list changed). EVAL.md keeps the first-run
/// numbers, which are the honest measure of generalisation.
const ACCEPTABLE_FLOOR: usize = 351;

/// The held-out file only grows: a text is never dropped to make the rate look better.
const HELD_OUT_TEXTS_AT_LEAST: usize = 452;

#[test]
fn the_catalogue_names_an_acceptable_category_or_nothing_on_failures_it_never_saw() {
    let held_out: HeldOut = toml::from_str(include_str!("../../../eval/held-out/failures.toml"))
        .expect("eval/held-out/failures.toml parses");
    let total = held_out.failure.len();
    let (mut acceptable, mut silent) = (0usize, 0usize);
    let mut wrong = Vec::new();
    // agentlab only ever reads Terraform's (or OpenTofu's) failures; the file also holds other tools' texts, so the
    // rate is printed for the first kind apart (EVAL.md splits each batch's first run the same way).
    let terraform_words =
        regex::Regex::new(r"(?i)terraform|opentofu|\btofu\b|terragrunt|atlantis").expect("valid");
    let (mut terraform_total, mut terraform_acceptable) = (0usize, 0usize);
    for failure in &held_out.failure {
        let from_terraform =
            terraform_words.is_match(&failure.source) || terraform_words.is_match(&failure.error);
        terraform_total += usize::from(from_terraform);
        let (summary, detail) = failure
            .error
            .split_once('\n')
            .unwrap_or((failure.error.as_str(), ""));
        let request = test_fixtures::request_with_error(summary, detail);
        let context = DiagnosisContext::assemble(&request, &Redactor::new(), 6_000);
        match recognise(&request, &context) {
            Some(found) if failure.acceptable.contains(&found.hypothesis.category) => {
                acceptable += 1;
                terraform_acceptable += usize::from(from_terraform);
                eprintln!("acceptable  {:<28} {}", found.signature, failure.source);
            }
            Some(found) => {
                wrong.push(format!(
                    "{}: {} ({}) for {:?}",
                    failure.source,
                    found.signature,
                    found.hypothesis.category.as_str(),
                    failure.error
                ));
            }
            None => {
                silent += 1;
                eprintln!("no answer   {:<28} {}", "", failure.source);
            }
        }
    }
    eprintln!(
        "held-out: {acceptable} of {total} acceptable ({:.0} %), {silent} without an answer, {} wrong",
        acceptable as f64 * 100.0 / total as f64,
        wrong.len()
    );
    eprintln!(
        "of them from Terraform or OpenTofu runs: {terraform_acceptable} of {terraform_total} acceptable ({:.0} %)",
        terraform_acceptable as f64 * 100.0 / terraform_total.max(1) as f64
    );
    assert!(total >= HELD_OUT_TEXTS_AT_LEAST, "{total} held-out texts");
    assert!(wrong.is_empty(), "wrong answers:\n{}", wrong.join("\n"));
    assert!(
        acceptable >= ACCEPTABLE_FLOOR,
        "{acceptable} acceptable, fewer than the floor of {ACCEPTABLE_FLOOR}"
    );
}
