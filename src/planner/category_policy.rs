//! Remediation by policy, not by guess: which remediations each failure category allows, and the one the policy
//! falls back to. A model names the category, the root cause and the evidence; the remediation it proposes must be
//! in its category's row of this table, or the answer is repaired once (naming the allowed actions) and then given
//! the category's default. This table is checked before `[policy] unattended` (`policy.rs`), which still decides
//! whether an allowed action runs without a person: `replace` and `reinit_upgrade` appear in no row, and even if a
//! row allowed them they would need a person by default.
//!
//! | category | allowed remediations | default |
//! |---|---|---|
//! | `transient_lock` | `reduce_parallelism`, `retry_after` | `reduce_parallelism` (1) |
//! | `network` | `retry_after`, `escalate` | `escalate` |
//! | `resource_conflict` | `escalate`, `replace` (a person approves it by default) | `escalate` |
//! | `provider_incompatibility` | `escalate`, `reinit_upgrade` (a person approves it by default) | `escalate` |
//! | `state_backend`, `permission`, `configuration`, `missing_template`, `validation_mismatch`, `unknown` | `escalate` | `escalate` |
//!
//! `network` allows one wait: a second `retry_after` for the same failure repeats the first hypothesis, and the
//! Planner's repeated-hypothesis rule ends the run for a person.

use crate::contracts::{Category, Remediation};

/// The action names (as `Remediation::action_name` spells them) that `category` allows, most preferred first.
pub fn allowed_actions(category: Category) -> &'static [&'static str] {
    match category {
        Category::TransientLock => &["reduce_parallelism", "retry_after"],
        Category::Network => &["retry_after", "escalate"],
        Category::ResourceConflict => &["escalate", "replace"],
        Category::ProviderIncompatibility => &["escalate", "reinit_upgrade"],
        Category::StateBackend
        | Category::Permission
        | Category::Configuration
        | Category::MissingTemplate
        | Category::ValidationMismatch
        | Category::Unknown => &["escalate"],
    }
}

/// Whether `remediation` is one that `category` allows.
pub fn allows(category: Category, remediation: &Remediation) -> bool {
    allowed_actions(category).contains(&remediation.action_name())
}

/// What the policy does for `category` when the model's remediation stays outside the table after the repair.
pub fn default_remediation(category: Category) -> Remediation {
    match category {
        Category::TransientLock => Remediation::ReduceParallelism { parallelism: 1 },
        _ => Remediation::Escalate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as the docs state it, row by row: every category, every remediation, allowed or not.
    #[test]
    fn the_table_allows_exactly_what_the_docs_say() {
        let every_remediation = [
            Remediation::Retry,
            Remediation::RetryAfter { seconds: 60 },
            Remediation::ReduceParallelism { parallelism: 1 },
            Remediation::ReinitUpgrade,
            Remediation::Replace {
                address: "a.b".into(),
            },
            Remediation::Escalate,
        ];
        let expected: [(Category, &[&str], Remediation); 10] = [
            (
                Category::TransientLock,
                &["retry_after", "reduce_parallelism"],
                Remediation::ReduceParallelism { parallelism: 1 },
            ),
            (
                Category::Network,
                &["retry_after", "escalate"],
                Remediation::Escalate,
            ),
            (Category::StateBackend, &["escalate"], Remediation::Escalate),
            (Category::Permission, &["escalate"], Remediation::Escalate),
            (
                Category::Configuration,
                &["escalate"],
                Remediation::Escalate,
            ),
            (
                Category::ProviderIncompatibility,
                &["escalate", "reinit_upgrade"],
                Remediation::Escalate,
            ),
            (
                Category::ResourceConflict,
                &["escalate", "replace"],
                Remediation::Escalate,
            ),
            (
                Category::MissingTemplate,
                &["escalate"],
                Remediation::Escalate,
            ),
            (
                Category::ValidationMismatch,
                &["escalate"],
                Remediation::Escalate,
            ),
            (Category::Unknown, &["escalate"], Remediation::Escalate),
        ];
        assert_eq!(expected.len(), Category::ALL.len());
        for (category, allowed, default) in expected {
            for remediation in &every_remediation {
                assert_eq!(
                    allows(category, remediation),
                    allowed.contains(&remediation.action_name()),
                    "{} / {}",
                    category.as_str(),
                    remediation.action_name()
                );
            }
            assert_eq!(
                default_remediation(category),
                default,
                "{}",
                category.as_str()
            );
            assert!(allows(category, &default_remediation(category)));
        }
    }

    #[test]
    fn replace_and_reinit_upgrade_are_never_a_default_and_need_a_person_under_the_default_policy() {
        use crate::planner::policy::{RemediationKind, RemediationPolicy};
        for category in Category::ALL {
            let default = default_remediation(category).action_name();
            assert_ne!(default, "replace");
            assert_ne!(default, "reinit_upgrade");
        }
        let policy = RemediationPolicy::default();
        assert!(!policy.allows(RemediationKind::Replace));
        assert!(!policy.allows(RemediationKind::ReinitUpgrade));
    }
}
