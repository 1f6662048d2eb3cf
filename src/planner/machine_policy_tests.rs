//! The machine under a remediation policy: what it holds for a person, and the one `replace` an allowed policy lets
//! run (the address that failed). The transition table itself is in `machine_tests.rs`.

use super::tests::{diagnosed, drive, hypothesis, terraform};
use super::*;
use crate::contracts::Category;
use crate::planner::policy::RemediationKind;

/// A remediation held for a person is remembered with its reason, so the record can show the command to run it.
#[test]
fn a_held_remediation_is_kept_and_an_allowed_replace_runs_only_for_a_failed_address() {
    let replace = |address: &str| {
        diagnosed(hypothesis(
            Category::ResourceConflict,
            Remediation::Replace {
                address: address.into(),
            },
            "half-created guest",
        ))
    };
    let (held, _) = drive(
        3,
        vec![
            Event::Start,
            terraform(false),
            replace("null_resource.guest[0]"),
        ],
    );
    assert_eq!(
        held.held_for_a_person(),
        Some((
            &Remediation::Replace {
                address: "null_resource.guest[0]".into()
            },
            "`replace` is not run unattended ([policy] unattended does not list it)"
        ))
    );

    let allowing_replace =
        || Machine::with_policy(3, RemediationPolicy::allowing([RemediationKind::Replace]));
    let mut machine = allowing_replace();
    let _ = machine.step(Event::Start);
    let _ = machine.step(terraform(false));
    assert_eq!(
        machine.step(replace("null_resource.guest[0]")),
        Command::RunTerraform {
            attempt: 2,
            remediation: Some(Remediation::Replace {
                address: "null_resource.guest[0]".into()
            }),
        },
        "the failed address may be replaced when the policy allows replace"
    );
    assert_eq!(machine.held_for_a_person(), None);

    let mut machine = allowing_replace();
    let _ = machine.step(Event::Start);
    let _ = machine.step(terraform(false));
    let healthy = "null_resource.healthy";
    let reason = format!(
        "`replace` may only name a resource whose create or update failed in this attempt, and `{healthy}` did not fail"
    );
    assert_eq!(
        machine.step(replace(healthy)),
        Command::Finish {
            outcome: Outcome::Failed,
            reason: Some(format!("a person must decide on `replace`: {reason}")),
        }
    );
    assert_eq!(
        machine.held_for_a_person().map(|(_, why)| why.to_string()),
        Some(reason)
    );
}
