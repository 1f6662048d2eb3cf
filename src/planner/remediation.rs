//! What an accepted remediation does to the next attempt: the TerraformRequest it runs with, and the wait before it.
//!
//! The policy (`policy`) decides whether a remediation may be acted on; this file says what acting on it means.
//! `replace` and `reinit_upgrade` hold for one attempt; a reduced parallelism stays reduced; `retry_after` waits
//! what it asked, but never longer than the run allows. A retry also carries the destroy guard
//! ([`retry_may_destroy`]): what its plan may delete or replace, so that a retry never destroys what existed
//! before the run unless the first (reviewed) plan did. Pure, so every rule is one row of a table test.

use std::time::Duration;

use crate::contracts::{Attempt, ChangeAction, Remediation, TerraformRequest};

/// The request of attempt `attempt`: the previous one with the one-attempt changes undone and `remediation`
/// applied.
pub fn next_request(
    previous: &TerraformRequest,
    remediation: Option<&Remediation>,
    attempt: u32,
) -> TerraformRequest {
    let mut request = previous.clone();
    request.attempt = attempt;
    request.replace.clear();
    request.reinit_upgrade = false;
    match remediation {
        None
        | Some(Remediation::Retry)
        | Some(Remediation::Escalate)
        | Some(Remediation::RetryAfter { .. }) => {}
        Some(Remediation::ReduceParallelism { parallelism }) => {
            request.parallelism = request.parallelism.min(*parallelism).max(1);
        }
        Some(Remediation::ReinitUpgrade) => request.reinit_upgrade = true,
        Some(Remediation::Replace { address }) => request.replace = vec![address.clone()],
    }
    request
}

/// What a retry's plan may delete or replace (`ApplyGuard::may_destroy`), from the attempts so far: the first
/// attempt's plan's own deletes and replaces (what was reviewed), every resource a plan of this run created (this
/// run made it, so a create that failed half-way and left it tainted may be re-created: that is how a lock
/// timeout recovers), and the address of an accepted `replace` (only ever one whose create or update failed, when
/// `[policy] unattended` allows `replace`). Anything else the retry's plan would destroy existed before the run:
/// the Terraform agent refuses to apply it. Sorted, each once.
pub fn retry_may_destroy(attempts: &[Attempt], remediation: Option<&Remediation>) -> Vec<String> {
    let reviewed = attempts.first().into_iter().flat_map(|first| {
        first
            .terraform
            .resource_changes
            .iter()
            .filter(|change| change.action.destroys())
    });
    let created_by_this_run = attempts.iter().flat_map(|attempt| {
        attempt
            .terraform
            .resource_changes
            .iter()
            .filter(|change| change.action == ChangeAction::Create)
    });
    let mut addresses: Vec<String> = reviewed
        .chain(created_by_this_run)
        .map(|change| change.address.clone())
        .collect();
    if let Some(Remediation::Replace { address }) = remediation {
        addresses.push(address.clone());
    }
    addresses.sort();
    addresses.dedup();
    addresses
}

/// A wait the diagnosis asked for before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestedWait {
    /// What the remediation asked, as the record keeps it.
    pub asked_seconds: u32,
    /// What is waited: the ask, at most `longest_wait`.
    pub wait: Duration,
}

/// The wait before the next attempt, when the remediation asks for one.
pub fn requested_wait(
    remediation: Option<&Remediation>,
    longest_wait: Duration,
) -> Option<RequestedWait> {
    match remediation {
        Some(Remediation::RetryAfter { seconds }) => Some(RequestedWait {
            asked_seconds: *seconds,
            wait: Duration::from_secs(u64::from(*seconds)).min(longest_wait),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::test_fixtures::first_request;

    /// A second attempt's request, from a first one that ran with parallelism 10 and carried one-attempt changes.
    fn previous() -> TerraformRequest {
        TerraformRequest {
            replace: vec!["null_resource.guest[0]".into()],
            reinit_upgrade: true,
            ..first_request()
        }
    }

    /// (parallelism, replace, reinit_upgrade) of the next request.
    fn check(remediation: Option<Remediation>, expected: (u32, &[&str], bool)) {
        let next = next_request(&previous(), remediation.as_ref(), 2);
        let replace: Vec<&str> = next.replace.iter().map(String::as_str).collect();
        assert_eq!(
            (next.parallelism, replace.as_slice(), next.reinit_upgrade),
            expected,
            "{remediation:?}"
        );
        assert_eq!(next.attempt, 2, "{remediation:?}");
        let unchanged = TerraformRequest {
            attempt: 1,
            guard: Default::default(),
            parallelism: 10,
            replace: vec!["null_resource.guest[0]".into()],
            reinit_upgrade: true,
            ..next
        };
        assert_eq!(
            unchanged,
            previous(),
            "only the remediation's fields change"
        );
    }

    #[test]
    fn what_each_remediation_does_to_the_next_request() {
        let reduce = |parallelism| Some(Remediation::ReduceParallelism { parallelism });
        let wait = |seconds| Some(Remediation::RetryAfter { seconds });
        let replace = |address: &str| {
            Some(Remediation::Replace {
                address: address.into(),
            })
        };
        check(None, (10, &[], false));
        check(Some(Remediation::Retry), (10, &[], false));
        check(Some(Remediation::Escalate), (10, &[], false));
        check(wait(30), (10, &[], false));
        check(reduce(2), (2, &[], false));
        check(reduce(50), (10, &[], false));
        check(reduce(0), (1, &[], false));
        check(Some(Remediation::ReinitUpgrade), (10, &[], true));
        check(
            replace("null_resource.guest[1]"),
            (10, &["null_resource.guest[1]"], false),
        );
    }

    fn attempt_planning(changes: &[(&str, ChangeAction)]) -> Attempt {
        let mut terraform = crate::planner::test_fixtures::applied();
        terraform.resource_changes = crate::planner::test_fixtures::planned_changes(changes);
        Attempt {
            attempt: 1,
            parallelism: 10,
            remediation_applied: None,
            terraform,
            validation: None,
            diagnosis: None,
            validation_ms: None,
            diagnosis_ms: None,
        }
    }

    #[test]
    fn a_retry_may_destroy_what_was_reviewed_and_what_this_run_created_and_nothing_else() {
        use ChangeAction::*;
        let first = attempt_planning(&[
            ("null_resource.created", Create),
            ("null_resource.reviewed_delete", Delete),
            ("null_resource.reviewed_replace", DeleteCreate),
            ("null_resource.reviewed_swap", CreateDelete),
            ("null_resource.existing_update", Update),
            ("null_resource.existing", NoOp),
            ("null_resource.read", Read),
        ]);
        let second = attempt_planning(&[
            ("null_resource.created", DeleteCreate),
            ("null_resource.existing", Delete),
            ("null_resource.second_create", Create),
        ]);
        let check = |attempts: &[Attempt], remediation: Option<Remediation>, expected: &[&str]| {
            assert_eq!(
                retry_may_destroy(attempts, remediation.as_ref()),
                expected.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                "{remediation:?}"
            );
        };
        check(
            std::slice::from_ref(&first),
            Some(Remediation::ReduceParallelism { parallelism: 1 }),
            &[
                "null_resource.created",
                "null_resource.reviewed_delete",
                "null_resource.reviewed_replace",
                "null_resource.reviewed_swap",
            ],
        );
        // A later attempt's delete of something that existed never becomes allowed; its creates do.
        check(
            &[first.clone(), second],
            Some(Remediation::Retry),
            &[
                "null_resource.created",
                "null_resource.reviewed_delete",
                "null_resource.reviewed_replace",
                "null_resource.reviewed_swap",
                "null_resource.second_create",
            ],
        );
        check(
            std::slice::from_ref(&first),
            Some(Remediation::Replace {
                address: "null_resource.existing_update".into(),
            }),
            &[
                "null_resource.created",
                "null_resource.existing_update",
                "null_resource.reviewed_delete",
                "null_resource.reviewed_replace",
                "null_resource.reviewed_swap",
            ],
        );
        check(&[], Some(Remediation::Retry), &[]);
    }

    #[test]
    fn a_reduced_parallelism_stays_reduced() {
        let reduced = next_request(
            &previous(),
            Some(&Remediation::ReduceParallelism { parallelism: 1 }),
            2,
        );
        let after = next_request(&reduced, Some(&Remediation::Retry), 3);
        assert_eq!((after.parallelism, after.attempt), (1, 3));
    }

    #[test]
    fn only_retry_after_waits_and_never_past_the_longest_wait() {
        let check = |remediation: Option<Remediation>, expected: Option<(u32, u64)>| {
            let wait = requested_wait(remediation.as_ref(), Duration::from_secs(60));
            assert_eq!(
                wait.map(|wait| (wait.asked_seconds, wait.wait.as_secs())),
                expected,
                "{remediation:?}"
            );
        };
        check(None, None);
        check(Some(Remediation::Retry), None);
        check(Some(Remediation::ReinitUpgrade), None);
        check(Some(Remediation::RetryAfter { seconds: 0 }), Some((0, 0)));
        check(
            Some(Remediation::RetryAfter { seconds: 45 }),
            Some((45, 45)),
        );
        check(
            Some(Remediation::RetryAfter { seconds: 600 }),
            Some((600, 60)),
        );
    }
}
