//! Remediation by policy, not by guess: which remediations each failure category allows, and the one the policy
//! falls back to. A model names the category, the root cause and the evidence; the remediation it proposes must be
//! in its category's row of this table, or the answer is repaired once (naming the allowed actions) and then given
//! the category's default. The same rows shape the prompt's category list and the per-category schema branches, so
//! the model is never offered an action that would be refused.
//!
//! | category | allowed remediations | default |
//! |---|---|---|
//! | `transient_lock` | `reduce_parallelism`, `retry_after` | `reduce_parallelism` (1) |
//! | `network` | `retry_after`, `escalate` | `escalate` |
//! | `state_backend`, `permission`, `configuration`, `provider_incompatibility`, `resource_conflict`, `missing_template`, `validation_mismatch`, `unknown` | `escalate` | `escalate` |
//!
//! `network` allows one wait: a second `retry_after` for the same failure repeats the first hypothesis, and the
//! Planner's repeated-hypothesis rule ends the run for a person.
//!
//! Two rows narrow by what the run itself shows (`IncidentFacts`), so that a model is not asked to guess what the
//! run already knows: a failure the validator found after Terraform succeeded has had its wait (the checks waited
//! for the guests, `[project.validate] settle_seconds`), so `network` allows `escalate` only; Terraform failing at
//! several resources at once means the run's own operations contend, so `transient_lock` allows
//! `reduce_parallelism` only. And one category is ruled out by it: `validation_mismatch` is a validator check that
//! failed, so when none failed (Terraform itself failed) the prompt, the schema and the validation leave it out.
//!
//! Two rows widen only when the operator lets the action run without a person (`[policy] unattended`, checked in
//! `policy.rs`): `resource_conflict` also allows `replace` when `replace` is listed there, and
//! `provider_incompatibility` also allows `reinit_upgrade` when `reinit_upgrade` is. Without that opt-in, a model that
//! proposed either would only hand a person a command to run, which is what `escalate` does with the evidence; with
//! it, the destroy guard and the "only a resource whose create or update failed" rule still apply.

use crate::contracts::{Category, Remediation};
use crate::planner::policy::{RemediationKind, RemediationPolicy};

/// The rows in force for one invocation: the strict table, widened by what `[policy] unattended` runs unattended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CategoryTable {
    /// `resource_conflict` allows `replace`.
    replace: bool,
    /// `provider_incompatibility` allows `reinit_upgrade`.
    reinit_upgrade: bool,
    /// `network` allows `escalate` only: the validator found the failure after its wait.
    waited: bool,
    /// `transient_lock` allows `reduce_parallelism` only: Terraform failed at several resources at once.
    contended: bool,
    /// `validation_mismatch` is ruled out: no validator check failed in this run.
    no_check_failed: bool,
}

/// What the failed run itself shows about the failure, before any model reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IncidentFacts {
    /// Terraform succeeded and the validator's checks failed (after waiting for the guests, on a deploy).
    pub found_by_validator: bool,
    /// A validator check failed, after an apply or on a plan.
    pub check_failed: bool,
    /// How many distinct resources Terraform reported an error at.
    pub failed_resources: usize,
}

impl CategoryTable {
    /// The table as the docs state it: no row allows `replace` or `reinit_upgrade`.
    pub const STRICT: CategoryTable = CategoryTable {
        replace: false,
        reinit_upgrade: false,
        waited: false,
        contended: false,
        no_check_failed: false,
    };

    /// The strict table, widened for the actions `policy` runs unattended.
    pub fn for_policy(policy: &RemediationPolicy) -> Self {
        Self {
            replace: policy.allows(RemediationKind::Replace),
            reinit_upgrade: policy.allows(RemediationKind::ReinitUpgrade),
            ..Self::STRICT
        }
    }

    /// These rows, narrowed by what the run shows (`facts`).
    pub fn for_incident(self, facts: &IncidentFacts) -> Self {
        Self {
            waited: facts.found_by_validator,
            contended: facts.failed_resources >= 2,
            no_check_failed: !facts.check_failed,
            ..self
        }
    }

    /// Whether `category` can be this incident's: `validation_mismatch` only when a validator check failed.
    pub fn possible(&self, category: Category) -> bool {
        !(self.no_check_failed && category == Category::ValidationMismatch)
    }

    /// The categories this incident can be, in the taxonomy's order.
    pub fn possible_categories(&self) -> Vec<Category> {
        Category::ALL
            .into_iter()
            .filter(|category| self.possible(*category))
            .collect()
    }

    /// Why `category`'s row is narrower than the docs' table for this incident, when it is.
    pub fn narrowing_reason(&self, category: Category) -> Option<&'static str> {
        match category {
            Category::Network if self.waited => Some(
                "escalate: the validator already waited for the guests, so a person fixes the guest, its service or a firewall",
            ),
            Category::TransientLock if self.contended => Some(
                "reduce_parallelism with parallelism 1: Terraform failed at several resources at once, so the run's own parallel operations contend for the lock",
            ),
            _ => None,
        }
    }

    /// The action names (as `Remediation::action_name` spells them) that `category` allows, most preferred first.
    pub fn allowed_actions(&self, category: Category) -> &'static [&'static str] {
        match category {
            Category::TransientLock if self.contended => &["reduce_parallelism"],
            Category::TransientLock => &["reduce_parallelism", "retry_after"],
            Category::Network if self.waited => &["escalate"],
            Category::Network => &["retry_after", "escalate"],
            Category::ResourceConflict if self.replace => &["escalate", "replace"],
            Category::ProviderIncompatibility if self.reinit_upgrade => {
                &["escalate", "reinit_upgrade"]
            }
            Category::ResourceConflict
            | Category::ProviderIncompatibility
            | Category::StateBackend
            | Category::Permission
            | Category::Configuration
            | Category::MissingTemplate
            | Category::ValidationMismatch
            | Category::Unknown => &["escalate"],
        }
    }

    /// Whether some row allows `action`: the hypothesis schema offers only these.
    pub fn offers(&self, action: &str) -> bool {
        Category::ALL
            .iter()
            .any(|category| self.allowed_actions(*category).contains(&action))
    }

    /// Whether `remediation` is one that `category` allows.
    pub fn allows(&self, category: Category, remediation: &Remediation) -> bool {
        self.allowed_actions(category)
            .contains(&remediation.action_name())
    }
}

/// The strict table's row of `category` (the docs' table).
pub fn allowed_actions(category: Category) -> &'static [&'static str] {
    CategoryTable::STRICT.allowed_actions(category)
}

/// Whether the strict table allows `remediation` for `category`.
pub fn allows(category: Category, remediation: &Remediation) -> bool {
    CategoryTable::STRICT.allows(category, remediation)
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
                &["escalate"],
                Remediation::Escalate,
            ),
            (
                Category::ResourceConflict,
                &["escalate"],
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
        for category in Category::ALL {
            let default = default_remediation(category).action_name();
            assert_ne!(default, "replace");
            assert_ne!(default, "reinit_upgrade");
        }
        let policy = RemediationPolicy::default();
        assert!(!policy.allows(RemediationKind::Replace));
        assert!(!policy.allows(RemediationKind::ReinitUpgrade));
    }

    /// Only `[policy] unattended` widens a row, and only the one row each action belongs to.
    #[test]
    fn unattended_replace_and_reinit_upgrade_widen_their_own_row_and_no_other() {
        for (kinds, replace, reinit) in [
            (vec![], false, false),
            (vec![RemediationKind::Replace], true, false),
            (vec![RemediationKind::ReinitUpgrade], false, true),
            (
                vec![RemediationKind::Replace, RemediationKind::ReinitUpgrade],
                true,
                true,
            ),
        ] {
            let table = CategoryTable::for_policy(&RemediationPolicy::allowing(kinds.clone()));
            let replace_a = Remediation::Replace {
                address: "a.b".into(),
            };
            assert_eq!(
                table.allows(Category::ResourceConflict, &replace_a),
                replace,
                "{kinds:?}"
            );
            assert_eq!(
                table.allows(
                    Category::ProviderIncompatibility,
                    &Remediation::ReinitUpgrade
                ),
                reinit,
                "{kinds:?}"
            );
            assert_eq!(table.offers("replace"), replace);
            assert_eq!(table.offers("reinit_upgrade"), reinit);
            for category in Category::ALL {
                if category != Category::ResourceConflict {
                    assert!(!table.allows(category, &replace_a), "{}", category.as_str());
                }
                if category != Category::ProviderIncompatibility {
                    assert!(!table.allows(category, &Remediation::ReinitUpgrade));
                }
            }
        }
        assert_eq!(
            CategoryTable::for_policy(&RemediationPolicy::default()),
            CategoryTable::STRICT
        );
    }

    /// What the run shows narrows exactly two rows, each to one action, and nothing else in the table.
    #[test]
    fn the_runs_own_facts_narrow_network_after_the_validators_wait_and_locks_at_several_resources()
    {
        let by_validator = IncidentFacts {
            found_by_validator: true,
            check_failed: true,
            failed_resources: 0,
        };
        let several = IncidentFacts {
            found_by_validator: false,
            check_failed: false,
            failed_resources: 2,
        };
        let one = IncidentFacts {
            found_by_validator: false,
            check_failed: false,
            failed_resources: 1,
        };
        // Both rows the operator may widen, widened.
        let widest = CategoryTable {
            replace: true,
            reinit_upgrade: true,
            ..CategoryTable::STRICT
        };
        for (facts, network, lock) in [
            (
                IncidentFacts::default(),
                &["retry_after", "escalate"][..],
                &["reduce_parallelism", "retry_after"][..],
            ),
            (
                by_validator,
                &["escalate"][..],
                &["reduce_parallelism", "retry_after"][..],
            ),
            (
                several,
                &["retry_after", "escalate"][..],
                &["reduce_parallelism"][..],
            ),
            (
                one,
                &["retry_after", "escalate"][..],
                &["reduce_parallelism", "retry_after"][..],
            ),
        ] {
            for base in [CategoryTable::STRICT, widest] {
                let table = base.for_incident(&facts);
                assert_eq!(
                    table.allowed_actions(Category::Network),
                    network,
                    "{facts:?}"
                );
                assert_eq!(
                    table.allowed_actions(Category::TransientLock),
                    lock,
                    "{facts:?}"
                );
                for category in Category::ALL {
                    if !matches!(category, Category::Network | Category::TransientLock) {
                        assert_eq!(
                            table.allowed_actions(category),
                            base.allowed_actions(category),
                            "{}",
                            category.as_str()
                        );
                        assert_eq!(table.narrowing_reason(category), None);
                    }
                    // The policy's default is always in the narrowed row.
                    assert!(table.allows(category, &default_remediation(category)));
                }
                assert_eq!(
                    table.narrowing_reason(Category::Network).is_some(),
                    facts.found_by_validator
                );
                assert_eq!(
                    table.narrowing_reason(Category::TransientLock).is_some(),
                    facts.failed_resources >= 2
                );
            }
        }
    }

    /// `validation_mismatch` is a validator check that failed: when none failed, the incident cannot be one.
    #[test]
    fn a_run_without_a_failed_check_rules_out_a_validation_mismatch() {
        let terraform_failed = CategoryTable::STRICT.for_incident(&IncidentFacts {
            failed_resources: 1,
            ..IncidentFacts::default()
        });
        assert!(!terraform_failed.possible(Category::ValidationMismatch));
        assert_eq!(
            terraform_failed.possible_categories().len(),
            Category::ALL.len() - 1
        );
        for facts in [
            IncidentFacts {
                found_by_validator: true,
                check_failed: true,
                failed_resources: 0,
            },
            // A check that failed on a plan (Terraform planned, the pattern matched nothing).
            IncidentFacts {
                check_failed: true,
                ..IncidentFacts::default()
            },
        ] {
            let table = CategoryTable::STRICT.for_incident(&facts);
            assert_eq!(table.possible_categories(), Category::ALL.to_vec());
        }
        // The table as the docs state it rules nothing out.
        assert_eq!(
            CategoryTable::STRICT.possible_categories(),
            Category::ALL.to_vec()
        );
    }
}
