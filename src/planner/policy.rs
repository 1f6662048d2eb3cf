//! The Planner's rules for what a diagnosis may make it do, and what needs a person instead.
//!
//! "The LLM proposes, policy disposes": a remediation is only ever one of the closed enum's variants (serde refuses
//! anything else before it gets here), and this module decides whether the Planner acts on it unattended. Two kinds
//! exist: the safe ones (`retry`, `retry_after`, `reduce_parallelism`) run unattended within the retry cap; `replace`
//! (destroys and re-creates a resource) and `reinit_upgrade` (moves providers to newer versions) need a person unless
//! `[policy] unattended` allows them, and even then a `replace` may only name a resource whose create or update
//! failed in the attempt that was diagnosed. It is pure and small on purpose, so a reader can check every rule.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::contracts::Remediation;

/// The longest wait a `retry_after` may ask for.
pub const MAX_RETRY_AFTER_SECONDS: u32 = 600;

/// A remediation's kind, as `[policy] unattended` names it (`escalate` is never a thing to run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationKind {
    Retry,
    RetryAfter,
    ReduceParallelism,
    Replace,
    ReinitUpgrade,
}

impl RemediationKind {
    /// The kinds that run unattended by default: none of them destroys or upgrades anything.
    pub const SAFE: [RemediationKind; 3] = [Self::Retry, Self::RetryAfter, Self::ReduceParallelism];

    /// The kind of `remediation`; `None` for `escalate`.
    pub fn of(remediation: &Remediation) -> Option<Self> {
        match remediation {
            Remediation::Retry => Some(Self::Retry),
            Remediation::RetryAfter { .. } => Some(Self::RetryAfter),
            Remediation::ReduceParallelism { .. } => Some(Self::ReduceParallelism),
            Remediation::Replace { .. } => Some(Self::Replace),
            Remediation::ReinitUpgrade => Some(Self::ReinitUpgrade),
            Remediation::Escalate => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retry => "retry",
            Self::RetryAfter => "retry_after",
            Self::ReduceParallelism => "reduce_parallelism",
            Self::Replace => "replace",
            Self::ReinitUpgrade => "reinit_upgrade",
        }
    }
}

/// Which remediation kinds the Planner runs without a person (`[policy] unattended`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemediationPolicy {
    unattended: BTreeSet<RemediationKind>,
}

impl Default for RemediationPolicy {
    /// The safe kinds only.
    fn default() -> Self {
        Self::allowing(RemediationKind::SAFE)
    }
}

impl RemediationPolicy {
    pub fn allowing(kinds: impl IntoIterator<Item = RemediationKind>) -> Self {
        Self {
            unattended: kinds.into_iter().collect(),
        }
    }

    pub fn allows(&self, kind: RemediationKind) -> bool {
        self.unattended.contains(&kind)
    }
}

/// What the Planner does with a proposed remediation.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyVerdict {
    /// Apply it to the next TerraformRequest and run again.
    Accept,
    /// The remediation itself says a human must act: the run ends.
    Escalate,
    /// The remediation breaks a rule (a wait too long, a parallelism of 0): the run ends with this reason.
    Refuse { reason: String },
    /// The remediation may be right, but it is not run unattended: the run ends, and the incident shows a person
    /// what was proposed and the command to run it by hand.
    NeedsAPerson { reason: String },
}

/// Judges `remediation` against the rules. `failed_addresses` are the resources whose create or update failed in
/// the diagnosed attempt (Terraform's diagnostics): the only addresses an allowed `replace` may name.
pub fn judge_remediation(
    remediation: &Remediation,
    policy: &RemediationPolicy,
    failed_addresses: &[String],
) -> PolicyVerdict {
    let needs_a_person = |reason: String| PolicyVerdict::NeedsAPerson { reason };
    let not_unattended = |kind: RemediationKind| {
        needs_a_person(format!(
            "`{}` is not run unattended ([policy] unattended does not list it)",
            kind.as_str()
        ))
    };
    let Some(kind) = RemediationKind::of(remediation) else {
        return PolicyVerdict::Escalate;
    };
    match remediation {
        Remediation::RetryAfter { seconds } if *seconds > MAX_RETRY_AFTER_SECONDS => {
            return PolicyVerdict::Refuse {
                reason: format!(
                    "retry_after of {seconds} s exceeds the {MAX_RETRY_AFTER_SECONDS} s limit"
                ),
            };
        }
        Remediation::ReduceParallelism { parallelism: 0 } => {
            return PolicyVerdict::Refuse {
                reason: "reduce_parallelism needs a parallelism of at least 1".to_string(),
            };
        }
        _ => {}
    }
    if !policy.allows(kind) {
        return not_unattended(kind);
    }
    match remediation {
        Remediation::Replace { address }
            if !failed_addresses.iter().any(|failed| failed == address) =>
        {
            needs_a_person(format!(
                "`replace` may only name a resource whose create or update failed in this attempt, and `{address}` did not fail"
            ))
        }
        _ => PolicyVerdict::Accept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "null_resource.guest[1]";
    const HEALTHY: &str = "null_resource.guest[0]";

    fn replace(address: &str) -> Remediation {
        Remediation::Replace {
            address: address.into(),
        }
    }

    fn check(policy: &RemediationPolicy, remediation: Remediation, expected: &PolicyVerdict) {
        let failed = vec![FAILED.to_string()];
        assert_eq!(
            &judge_remediation(&remediation, policy, &failed),
            expected,
            "{remediation:?} under {policy:?}"
        );
    }

    fn refuse(reason: &str) -> PolicyVerdict {
        PolicyVerdict::Refuse {
            reason: reason.to_string(),
        }
    }

    fn person(reason: &str) -> PolicyVerdict {
        PolicyVerdict::NeedsAPerson {
            reason: reason.to_string(),
        }
    }

    #[test]
    fn the_default_policy_runs_only_the_safe_kinds() {
        let policy = RemediationPolicy::default();
        check(&policy, Remediation::Retry, &PolicyVerdict::Accept);
        check(
            &policy,
            Remediation::RetryAfter { seconds: 0 },
            &PolicyVerdict::Accept,
        );
        check(
            &policy,
            Remediation::RetryAfter { seconds: 600 },
            &PolicyVerdict::Accept,
        );
        check(
            &policy,
            Remediation::RetryAfter { seconds: 601 },
            &refuse("retry_after of 601 s exceeds the 600 s limit"),
        );
        check(
            &policy,
            Remediation::ReduceParallelism { parallelism: 1 },
            &PolicyVerdict::Accept,
        );
        check(
            &policy,
            Remediation::ReduceParallelism { parallelism: 0 },
            &refuse("reduce_parallelism needs a parallelism of at least 1"),
        );
        check(
            &policy,
            Remediation::ReinitUpgrade,
            &person(
                "`reinit_upgrade` is not run unattended ([policy] unattended does not list it)",
            ),
        );
        for address in [FAILED, HEALTHY, "null_resource.nowhere"] {
            check(
                &policy,
                replace(address),
                &person("`replace` is not run unattended ([policy] unattended does not list it)"),
            );
        }
        check(&policy, Remediation::Escalate, &PolicyVerdict::Escalate);
    }

    #[test]
    fn an_allowed_replace_may_only_name_what_failed_in_this_attempt() {
        let policy = RemediationPolicy::allowing(
            RemediationKind::SAFE
                .into_iter()
                .chain([RemediationKind::Replace, RemediationKind::ReinitUpgrade]),
        );
        check(&policy, replace(FAILED), &PolicyVerdict::Accept);
        check(&policy, Remediation::ReinitUpgrade, &PolicyVerdict::Accept);
        for address in [HEALTHY, "null_resource.nowhere", ""] {
            check(
                &policy,
                replace(address),
                &person(&format!(
                    "`replace` may only name a resource whose create or update failed in this attempt, and `{address}` did not fail"
                )),
            );
        }
        check(&policy, Remediation::Escalate, &PolicyVerdict::Escalate);
    }

    #[test]
    fn a_policy_without_a_safe_kind_holds_it_for_a_person_but_still_refuses_broken_ones() {
        let policy = RemediationPolicy::allowing([RemediationKind::Retry]);
        check(&policy, Remediation::Retry, &PolicyVerdict::Accept);
        check(
            &policy,
            Remediation::RetryAfter { seconds: 30 },
            &person("`retry_after` is not run unattended ([policy] unattended does not list it)"),
        );
        check(
            &policy,
            Remediation::RetryAfter { seconds: 6000 },
            &refuse("retry_after of 6000 s exceeds the 600 s limit"),
        );
        check(
            &policy,
            Remediation::ReduceParallelism { parallelism: 2 },
            &person(
                "`reduce_parallelism` is not run unattended ([policy] unattended does not list it)",
            ),
        );
    }
}
