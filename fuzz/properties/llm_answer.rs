//! The LLM's answer: text (possibly fenced, possibly prose around JSON) or a tool call's JSON input. The model is
//! not trusted; whatever it says, the result is a refusal with a reason or a hypothesis that keeps every promise
//! the Planner relies on.
//!
//! Shared by the fuzz target of the same name and by the seed replay in the main test suite
//! (`tests/it/fuzz_seeds.rs`), so the CI smoke checks the same properties the fuzzer does.

use agentlab::diagnosis::answer::{
    AnswerContent, LONGEST_ROOT_CAUSE_CHARS, repair_request, validate_answer,
};
use agentlab::planner::category_policy::CategoryTable;

fn check_content(content: AnswerContent, presented: &[String]) {
    match validate_answer(&content, presented, &CategoryTable::STRICT) {
        Ok(hypothesis) => {
            assert!(
                !hypothesis.evidence.is_empty(),
                "a hypothesis without evidence"
            );
            assert!(
                hypothesis.evidence.iter().all(|id| presented.contains(id)),
                "cites ids that were not presented: {:?}",
                hypothesis.evidence
            );
            assert!(!hypothesis.root_cause.is_empty());
            assert_eq!(
                hypothesis.root_cause.trim_start(),
                hypothesis.root_cause,
                "root cause not trimmed"
            );
            assert!(hypothesis.root_cause.chars().count() <= LONGEST_ROOT_CAUSE_CHARS + 1);
            assert!(
                (0.0..=1.0).contains(&hypothesis.confidence),
                "confidence {}",
                hypothesis.confidence
            );
        }
        Err(problem) => {
            let repair = repair_request(&problem, presented, &CategoryTable::STRICT);
            assert!(repair.contains("E1"));
        }
    }
}

/// Panics when the property does not hold for `data`.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let presented = vec!["E1".to_string(), "E2".to_string(), "E3".to_string()];
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        check_content(AnswerContent::Json(value), &presented);
    }
    check_content(AnswerContent::Text(text.to_string()), &presented);
}
