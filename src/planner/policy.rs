//! The Planner's rules for what a diagnosis may make it do.
//!
//! "The LLM proposes, policy disposes": a remediation is only ever one of the closed enum's variants (serde refuses
//! anything else before it gets here), and this module decides whether the Planner acts on it. It is pure and
//! small on purpose, so that a reader can check every rule at a glance.

use crate::contracts::Remediation;

/// The longest wait a `retry_after` may ask for.
pub const MAX_RETRY_AFTER_SECONDS: u32 = 600;

/// What the Planner does with a proposed remediation.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyVerdict {
    /// Apply it to the next TerraformRequest and run again.
    Accept,
    /// The remediation itself says a human must act: the run ends.
    Escalate,
    /// The remediation breaks a rule: the run ends with this reason.
    Refuse { reason: String },
}

/// Judges `remediation` against the rules. `plan_addresses` are the resource addresses of the latest plan: the
/// only addresses a `replace` may name.
pub fn judge_remediation(remediation: &Remediation, plan_addresses: &[String]) -> PolicyVerdict {
    match remediation {
        Remediation::Retry | Remediation::ReinitUpgrade => PolicyVerdict::Accept,
        Remediation::RetryAfter { seconds } if *seconds <= MAX_RETRY_AFTER_SECONDS => {
            PolicyVerdict::Accept
        }
        Remediation::RetryAfter { seconds } => PolicyVerdict::Refuse {
            reason: format!(
                "retry_after of {seconds} s exceeds the {MAX_RETRY_AFTER_SECONDS} s limit"
            ),
        },
        Remediation::ReduceParallelism { parallelism } if *parallelism >= 1 => {
            PolicyVerdict::Accept
        }
        Remediation::ReduceParallelism { .. } => PolicyVerdict::Refuse {
            reason: "reduce_parallelism needs a parallelism of at least 1".to_string(),
        },
        Remediation::Replace { address } if plan_addresses.iter().any(|known| known == address) => {
            PolicyVerdict::Accept
        }
        Remediation::Replace { address } => PolicyVerdict::Refuse {
            reason: format!("replace names `{address}`, which is not an address in the plan"),
        },
        Remediation::Escalate => PolicyVerdict::Escalate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(remediation: Remediation, expected: &PolicyVerdict) {
        let plan = vec!["null_resource.guest[0]".to_string()];
        assert_eq!(
            &judge_remediation(&remediation, &plan),
            expected,
            "{remediation:?}"
        );
    }

    #[test]
    fn every_rule_of_the_policy() {
        let refuse = |reason: &str| PolicyVerdict::Refuse {
            reason: reason.to_string(),
        };
        check(Remediation::Retry, &PolicyVerdict::Accept);
        check(Remediation::ReinitUpgrade, &PolicyVerdict::Accept);
        check(
            Remediation::RetryAfter { seconds: 0 },
            &PolicyVerdict::Accept,
        );
        check(
            Remediation::RetryAfter { seconds: 600 },
            &PolicyVerdict::Accept,
        );
        check(
            Remediation::RetryAfter { seconds: 601 },
            &refuse("retry_after of 601 s exceeds the 600 s limit"),
        );
        check(
            Remediation::ReduceParallelism { parallelism: 1 },
            &PolicyVerdict::Accept,
        );
        check(
            Remediation::ReduceParallelism { parallelism: 0 },
            &refuse("reduce_parallelism needs a parallelism of at least 1"),
        );
        check(
            Remediation::Replace {
                address: "null_resource.guest[0]".into(),
            },
            &PolicyVerdict::Accept,
        );
        check(
            Remediation::Replace {
                address: "null_resource.other".into(),
            },
            &refuse("replace names `null_resource.other`, which is not an address in the plan"),
        );
        check(Remediation::Escalate, &PolicyVerdict::Escalate);
    }
}
