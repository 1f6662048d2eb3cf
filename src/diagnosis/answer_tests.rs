use serde_json::json;

use super::*;
use crate::contracts::Remediation;

fn ids() -> Vec<String> {
    vec!["E1".into(), "E2".into()]
}

fn valid() -> serde_json::Value {
    json!({"category": "transient_lock", "root_cause": "node lock contention", "evidence": ["E2"],
           "remediation": {"action": "reduce_parallelism", "parallelism": 1}, "confidence": 0.8})
}

#[test]
fn a_valid_answer_becomes_a_hypothesis() {
    let hypothesis = validate_answer(&AnswerContent::Json(valid()), &ids()).unwrap();
    assert_eq!(
        hypothesis.remediation,
        Remediation::ReduceParallelism { parallelism: 1 }
    );
    let fenced = format!("Here you go:\n```json\n{}\n```", valid());
    assert_eq!(
        validate_answer(&AnswerContent::Text(fenced), &ids()).unwrap(),
        hypothesis
    );
}

#[test]
fn invalid_answers_are_refused_with_a_reason() {
    let check = |value: serde_json::Value, expected: &str| {
        let problem = validate_answer(&AnswerContent::Json(value), &ids())
            .unwrap_err()
            .to_string();
        assert!(problem.contains(expected), "{problem}");
    };
    let mut unknown_id = valid();
    unknown_id["evidence"] = json!(["E2", "E9"]);
    check(unknown_id, "not presented: E9");
    let mut destroy = valid();
    destroy["remediation"] = json!({"action": "destroy", "address": "null_resource.container[0]"});
    check(destroy, "hypothesis schema");
    let mut shell = valid();
    shell["remediation"] = json!({"action": "retry", "command": "rm -rf /"});
    check(shell, "hypothesis schema");
    let mut bad_category = valid();
    bad_category["category"] = json!("cosmic_rays");
    check(bad_category, "hypothesis schema");
    let mut no_evidence = valid();
    no_evidence["evidence"] = json!([]);
    check(no_evidence, "cites no evidence");
    let mut huge_confidence = valid();
    huge_confidence["confidence"] = json!(1e15);
    check(huge_confidence, "confidence");
    let problem =
        validate_answer(&AnswerContent::Text("I think it is a lock".into()), &ids()).unwrap_err();
    assert!(matches!(problem, AnswerProblem::NotJson(_)));
}

#[test]
fn a_percent_confidence_is_read_as_percent() {
    let mut answer = valid();
    answer["confidence"] = json!(80);
    assert_eq!(
        validate_answer(&AnswerContent::Json(answer), &ids())
            .unwrap()
            .confidence,
        0.8
    );
}

#[test]
fn the_schema_closes_the_remediation_union_and_the_evidence_ids() {
    let schema = hypothesis_schema(&ids());
    let actions: Vec<String> = schema["properties"]["remediation"]["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|option| {
            option["properties"]["action"]["enum"][0]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "retry",
            "retry_after",
            "reduce_parallelism",
            "reinit_upgrade",
            "replace",
            "escalate"
        ]
    );
    assert_eq!(
        schema["properties"]["evidence"]["items"]["enum"],
        json!(["E1", "E2"])
    );
    assert_eq!(schema["additionalProperties"], json!(false));
}
