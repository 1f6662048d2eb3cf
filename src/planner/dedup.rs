//! Telling a repeated hypothesis from a new one.
//!
//! A diagnosis loop that hears the same idea twice is not converging: the Planner ends the run instead of paying
//! for a third opinion. Two hypotheses are the same when they name the same category and the same remediation, or
//! when their root causes, normalised, are at least [`SIMILARITY_THRESHOLD`] alike word by word (`similar`'s ratio).

use similar::{Algorithm, TextDiff};

use crate::contracts::Hypothesis;

/// Word-level similarity ratio from which two root causes count as the same idea.
pub const SIMILARITY_THRESHOLD: f32 = 0.85;

/// Why a hypothesis counts as a repeat of an earlier one.
#[derive(Debug, Clone, PartialEq)]
pub enum RepeatReason {
    SameCategoryAndRemediation {
        earlier_attempt_index: usize,
    },
    SimilarRootCause {
        earlier_attempt_index: usize,
        ratio: f32,
    },
}

impl RepeatReason {
    pub fn describe(&self) -> String {
        match self {
            Self::SameCategoryAndRemediation {
                earlier_attempt_index,
            } => format!(
                "same category and remediation as hypothesis {}",
                earlier_attempt_index + 1
            ),
            Self::SimilarRootCause {
                earlier_attempt_index,
                ratio,
            } => format!(
                "root cause {:.0}% similar to hypothesis {}",
                ratio * 100.0,
                earlier_attempt_index + 1
            ),
        }
    }
}

/// Lower-cases, turns every run of digits into `#` (so `VM 901` and `VM 902` read alike) and keeps only words.
pub fn normalise_root_cause(text: &str) -> String {
    let mut normalised = String::with_capacity(text.len());
    let mut previous_was_digit = false;
    for character in text.chars() {
        if character.is_ascii_digit() {
            if !previous_was_digit {
                normalised.push('#');
            }
            previous_was_digit = true;
            continue;
        }
        previous_was_digit = false;
        if character.is_alphanumeric() {
            normalised.extend(character.to_lowercase());
        } else {
            normalised.push(' ');
        }
    }
    normalised.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Word-level similarity of two normalised texts, 0.0 to 1.0.
pub fn root_cause_similarity(left: &str, right: &str) -> f32 {
    let left = normalise_root_cause(left);
    let right = normalise_root_cause(right);
    if left.is_empty() && right.is_empty() {
        return 1.0;
    }
    TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_words(left.as_str(), right.as_str())
        .ratio()
}

/// Returns why `candidate` repeats one of `earlier`, or `None` when it is a new idea.
pub fn find_repeat(candidate: &Hypothesis, earlier: &[Hypothesis]) -> Option<RepeatReason> {
    for (index, previous) in earlier.iter().enumerate() {
        if previous.category == candidate.category && previous.remediation == candidate.remediation
        {
            return Some(RepeatReason::SameCategoryAndRemediation {
                earlier_attempt_index: index,
            });
        }
        let ratio = root_cause_similarity(&previous.root_cause, &candidate.root_cause);
        if ratio >= SIMILARITY_THRESHOLD {
            return Some(RepeatReason::SimilarRootCause {
                earlier_attempt_index: index,
                ratio,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::{Category, Remediation};

    fn hypothesis(category: Category, remediation: Remediation, root_cause: &str) -> Hypothesis {
        Hypothesis {
            category,
            root_cause: root_cause.to_string(),
            evidence: vec!["E1".into()],
            remediation,
            confidence: 0.5,
        }
    }

    #[test]
    fn normalisation_folds_case_digits_and_punctuation() {
        assert_eq!(
            normalise_root_cause("Can't lock file '/var/lock/lxc/lock-901.conf' - got TIMEOUT!"),
            "can t lock file var lock lxc lock # conf got timeout"
        );
        assert_eq!(normalise_root_cause("  "), "");
    }

    #[test]
    fn same_category_and_remediation_is_a_repeat_whatever_the_words() {
        let first = hypothesis(
            Category::TransientLock,
            Remediation::Retry,
            "the node was busy",
        );
        let second = hypothesis(
            Category::TransientLock,
            Remediation::Retry,
            "a completely different story",
        );
        assert_eq!(
            find_repeat(&second, std::slice::from_ref(&first)),
            Some(RepeatReason::SameCategoryAndRemediation {
                earlier_attempt_index: 0
            })
        );
    }

    #[test]
    fn near_identical_root_causes_are_a_repeat_across_categories() {
        let first = hypothesis(
            Category::TransientLock,
            Remediation::ReduceParallelism { parallelism: 2 },
            "Parallel creation of containers 901 and 902 contends for the Proxmox node lock file",
        );
        let second = hypothesis(
            Category::ResourceConflict,
            Remediation::Retry,
            "parallel creation of containers 903 and 904 contends for the proxmox node lock file.",
        );
        match find_repeat(&second, &[first]) {
            Some(RepeatReason::SimilarRootCause { ratio, .. }) => {
                assert!(ratio >= SIMILARITY_THRESHOLD)
            }
            other => panic!("expected a similar root cause, got {other:?}"),
        }
    }

    #[test]
    fn a_different_idea_is_not_a_repeat() {
        let first = hypothesis(
            Category::TransientLock,
            Remediation::ReduceParallelism { parallelism: 1 },
            "parallel creation contends for the node lock",
        );
        let second = hypothesis(
            Category::Permission,
            Remediation::Escalate,
            "the API token lacks VM.Allocate on /vms",
        );
        assert_eq!(find_repeat(&second, &[first]), None);
        assert!(root_cause_similarity("a b c d", "w x y z") < SIMILARITY_THRESHOLD);
    }
}
