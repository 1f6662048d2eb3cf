//! The destroy guard: the last check between a retry's saved plan and `apply`.
//!
//! A retry is planned afresh, after a diagnosis changed something; its plan may destroy or replace what the
//! first (reviewed) plan left alone. The Planner says what a retry's plan may delete or replace
//! (`ApplyGuard::may_destroy`: the reviewed plan's own deletes and replaces, and what this run created); here the
//! plan is held against that list, and anything else it would delete or replace refuses the apply. Pure, so the
//! Terraform agent's only part is to call it after `show -json` and stop.

use crate::contracts::{ApplyGuard, Refusal, RefusalKind, ResourceChange, ReviewGate};

/// Whether the apply guard of `guard` must read the saved plan before `apply` may start: the reviewed-plan gate
/// compares the plan's fingerprint (`Reviewed`) or refuses with it (`Refuse`), and the destroy guard holds the
/// plan's deletes and replaces against its list. Otherwise nothing between the plan and `apply` looks at the plan,
/// so its `show -json` may run beside `apply` (see `phases`): the guard could not refuse whatever the plan says.
pub fn reads_the_plan_before_apply(guard: &ApplyGuard) -> bool {
    guard.may_destroy.is_some()
        || match guard.review {
            ReviewGate::Reviewed(_) | ReviewGate::Refuse { .. } => true,
            ReviewGate::NotChecked | ReviewGate::AllowUnreviewed { .. } => false,
        }
}

/// The refusal to apply a plan whose deletes or replaces go beyond `guard.may_destroy`; `None` when the guard
/// sets no limit (a first attempt) or the plan stays within it.
pub fn destroys_outside_review(
    guard: &ApplyGuard,
    resource_changes: &[ResourceChange],
) -> Option<Refusal> {
    let may_destroy = guard.may_destroy.as_ref()?;
    let mut outside: Vec<String> = resource_changes
        .iter()
        .filter(|change| change.action.destroys())
        .filter(|change| !may_destroy.contains(&change.address))
        .map(|change| change.address.clone())
        .collect();
    outside.sort();
    outside.dedup();
    if outside.is_empty() {
        return None;
    }
    let count = outside.len();
    Some(Refusal {
        kind: RefusalKind::DestroysOutsideReview,
        reason: format!(
            "this retry's plan would delete or replace {count} resource{} that existed before the run and that \
             the reviewed plan did not delete or replace; nothing was applied",
            if count == 1 { "" } else { "s" }
        ),
        details: outside,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::ChangeAction::{self, *};
    use crate::contracts::ReviewedPlan;
    use crate::terraform::review::review_refusal;

    #[test]
    fn the_plan_is_read_before_apply_whenever_a_guard_could_refuse_it() {
        let reviewed = ReviewGate::Reviewed(ReviewedPlan {
            pull_request: 2,
            head_sha: "ec26c3e".to_owned(),
            mac: "not-a-mac".to_owned(),
            digest: Vec::new(),
        });
        let refuse = ReviewGate::Refuse {
            why: "no comment".to_owned(),
        };
        let allow = ReviewGate::AllowUnreviewed {
            why: "no comment".to_owned(),
        };
        // Plans a guard would refuse if it looked: a replace of what existed, and one the review never saw.
        let plans = [
            plan(&[("null_resource.container[0]", DeleteCreate)]),
            plan(&[
                ("null_resource.gone", Delete),
                ("null_resource.new", Create),
            ]),
        ];
        for review in [ReviewGate::NotChecked, allow, reviewed, refuse] {
            for may_destroy in [None, Some(&[][..])] {
                let guard = ApplyGuard {
                    review: review.clone(),
                    ..guard(may_destroy)
                };
                let could_refuse = plans.iter().any(|changes| {
                    review_refusal(&guard.review, "p", None, None).is_some()
                        || destroys_outside_review(&guard, changes).is_some()
                });
                assert_eq!(
                    reads_the_plan_before_apply(&guard),
                    could_refuse,
                    "{guard:?}"
                );
            }
        }
    }

    fn plan(changes: &[(&str, ChangeAction)]) -> Vec<ResourceChange> {
        crate::planner::test_fixtures::planned_changes(changes)
    }

    fn guard(may_destroy: Option<&[&str]>) -> ApplyGuard {
        ApplyGuard {
            may_destroy: may_destroy.map(|list| list.iter().map(|a| a.to_string()).collect()),
            ..ApplyGuard::default()
        }
    }

    /// (name, may_destroy, the plan's changes, the addresses refused).
    type GuardCase<'a> = (
        &'a str,
        Option<&'a [&'a str]>,
        &'a [(&'a str, ChangeAction)],
        &'a [&'a str],
    );

    #[test]
    fn only_deletes_and_replaces_outside_the_list_refuse_the_apply() {
        let tainted = "null_resource.container[1]";
        let healthy = "null_resource.container[0]";
        let cases: &[GuardCase] = &[
            (
                "a first attempt sets no limit",
                None,
                &[(healthy, Delete)],
                &[],
            ),
            (
                "the run's own tainted create is re-created",
                Some(&[tainted]),
                &[(tainted, DeleteCreate), (healthy, NoOp)],
                &[],
            ),
            (
                "creates, updates, reads and no-ops never refuse",
                Some(&[]),
                &[
                    ("null_resource.new", Create),
                    (healthy, Update),
                    ("data.x.y", Read),
                    ("null_resource.z", NoOp),
                    ("null_resource.gone", Forget),
                ],
                &[],
            ),
            (
                "a replace of what existed before the run",
                Some(&[tainted]),
                &[(tainted, DeleteCreate), (healthy, DeleteCreate)],
                &[healthy],
            ),
            (
                "a create-before-destroy replace counts too",
                Some(&[]),
                &[(healthy, CreateDelete)],
                &[healthy],
            ),
            (
                "a delete, sorted with the others",
                Some(&["null_resource.other"]),
                &[("null_resource.b", Delete), ("null_resource.a", Delete)],
                &["null_resource.a", "null_resource.b"],
            ),
        ];
        for (name, may_destroy, changes, refused) in cases {
            let refusal = destroys_outside_review(&guard(*may_destroy), &plan(changes));
            let details: Vec<&str> = refusal
                .iter()
                .flat_map(|refusal| refusal.details.iter().map(String::as_str))
                .collect();
            assert_eq!(details, *refused, "{name}");
            if let Some(refusal) = refusal {
                assert_eq!(refusal.kind, RefusalKind::DestroysOutsideReview, "{name}");
                assert!(refusal.reason.contains("nothing was applied"), "{name}");
            }
        }
    }
}
