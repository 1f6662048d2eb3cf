use serde_json::json;

use super::*;
use crate::contracts::Remediation;
use crate::planner::category_policy::CategoryTable;

fn ids() -> Vec<String> {
    vec!["E1".into(), "E2".into()]
}

fn valid() -> serde_json::Value {
    json!({"category": "transient_lock", "root_cause": "node lock contention", "evidence": ["E2"],
           "remediation": {"action": "reduce_parallelism", "parallelism": 1}, "confidence": 0.8})
}

#[test]
fn a_valid_answer_becomes_a_hypothesis() {
    let hypothesis = validate_answer(
        &AnswerContent::Json(valid()),
        &ids(),
        &CategoryTable::STRICT,
    )
    .unwrap();
    assert_eq!(
        hypothesis.remediation,
        Remediation::ReduceParallelism { parallelism: 1 }
    );
    let fenced = format!("Here you go:\n```json\n{}\n```", valid());
    assert_eq!(
        validate_answer(&AnswerContent::Text(fenced), &ids(), &CategoryTable::STRICT).unwrap(),
        hypothesis
    );
}

#[test]
fn invalid_answers_are_refused_with_a_reason() {
    let check = |value: serde_json::Value, expected: &str| {
        let problem = validate_answer(&AnswerContent::Json(value), &ids(), &CategoryTable::STRICT)
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
    let problem = validate_answer(
        &AnswerContent::Text("I think it is a lock".into()),
        &ids(),
        &CategoryTable::STRICT,
    )
    .unwrap_err();
    assert!(matches!(problem, AnswerProblem::NotJson(_)));
}

#[test]
fn a_percent_confidence_is_read_as_percent() {
    let mut answer = valid();
    answer["confidence"] = json!(80);
    assert_eq!(
        validate_answer(&AnswerContent::Json(answer), &ids(), &CategoryTable::STRICT)
            .unwrap()
            .confidence,
        0.8
    );
}

#[test]
fn the_schema_closes_the_remediation_union_and_the_evidence_ids() {
    let actions_of = |schema: &serde_json::Value| -> Vec<String> {
        schema["properties"]["remediation"]["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|option| {
                option["properties"]["action"]["enum"][0]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // The strict table: only what some row allows (no `retry`, no destructive action).
    let schema = hypothesis_schema(&ids(), &CategoryTable::STRICT);
    assert_eq!(
        actions_of(&schema),
        ["retry_after", "reduce_parallelism", "escalate"]
    );
    // `[policy] unattended` with both destructive kinds widens two rows, and the union with them.
    let widened =
        CategoryTable::for_policy(&crate::planner::policy::RemediationPolicy::allowing([
            crate::planner::policy::RemediationKind::Replace,
            crate::planner::policy::RemediationKind::ReinitUpgrade,
        ]));
    assert_eq!(
        actions_of(&hypothesis_schema(&ids(), &widened)),
        [
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
    // At most one citation per item shown: unbounded, Qwen2.5-Coder-1.5B under llama.cpp's grammar repeated
    // `"E1", ` until its 800-token limit cut the answer off.
    assert_eq!(schema["properties"]["evidence"]["maxItems"], json!(2));
    assert_eq!(schema["additionalProperties"], json!(false));
}

#[test]
fn an_item_cited_twice_is_kept_once_in_the_order_first_cited() {
    let mut repeated = valid();
    repeated["evidence"] = json!(["E2", "E1", "E2", "E2", "E1"]);
    let hypothesis = validate_answer(
        &AnswerContent::Json(repeated),
        &ids(),
        &CategoryTable::STRICT,
    )
    .unwrap();
    assert_eq!(
        hypothesis.evidence,
        vec!["E2".to_string(), "E1".to_string()]
    );
}

#[test]
fn a_remediation_outside_the_categorys_row_is_repaired_naming_the_allowed_actions_then_defaulted() {
    let mut state_backend_retry = valid();
    state_backend_retry["category"] = json!("state_backend");
    state_backend_retry["remediation"] = json!({"action": "reinit_upgrade"});
    let problem = validate_answer(
        &AnswerContent::Json(state_backend_retry),
        &ids(),
        &CategoryTable::STRICT,
    )
    .unwrap_err();
    assert_eq!(
        problem.to_string(),
        "the remediation `reinit_upgrade` is not allowed for the category `state_backend` (allowed: escalate)"
    );
    let repair = repair_request(&problem, &ids(), &CategoryTable::STRICT);
    assert!(
        repair
            .contains("for the category `state_backend` the remediation must be one of: escalate"),
        "{repair}"
    );
    let defaulted = problem.fallback_hypothesis().expect("a policy default");
    assert_eq!(defaulted.category, Category::StateBackend);
    assert_eq!(defaulted.remediation, Remediation::Escalate);
    assert_eq!(defaulted.evidence, vec!["E2".to_string()]);

    let mut lock_escalated = valid();
    lock_escalated["remediation"] = json!({"action": "escalate"});
    let problem = validate_answer(
        &AnswerContent::Json(lock_escalated),
        &ids(),
        &CategoryTable::STRICT,
    )
    .unwrap_err();
    assert!(
        repair_request(&problem, &ids(), &CategoryTable::STRICT)
            .contains("must be one of: reduce_parallelism, retry_after"),
        "{problem}"
    );
    assert_eq!(
        problem
            .fallback_hypothesis()
            .map(|hypothesis| hypothesis.remediation),
        Some(Remediation::ReduceParallelism { parallelism: 1 })
    );

    let mut network_wait = valid();
    network_wait["category"] = json!("network");
    network_wait["remediation"] = json!({"action": "retry_after", "seconds": 60});
    assert!(
        validate_answer(
            &AnswerContent::Json(network_wait),
            &ids(),
            &CategoryTable::STRICT
        )
        .is_ok()
    );
    assert_eq!(
        AnswerProblem::NoEvidence.fallback_hypothesis(),
        None,
        "only a remediation outside the table has a policy default"
    );
}

#[test]
fn the_system_prompt_states_each_categorys_allowed_remediations() {
    let prompt = system_prompt(&CategoryTable::STRICT);
    for category in crate::contracts::Category::ALL {
        let line = prompt
            .lines()
            .find(|line| line.starts_with(&format!("- {}: ", category.as_str())))
            .unwrap_or_else(|| panic!("no line for {}", category.as_str()));
        let allowed = crate::planner::category_policy::allowed_actions(category).join(" or ");
        assert!(line.contains(&format!("→ {allowed} (")), "{line}");
    }
}

#[test]
fn ranges_left_out_of_a_providers_schema_are_enforced_here() {
    let mut too_long_a_wait = valid();
    too_long_a_wait["remediation"] = json!({"action": "retry_after", "seconds": 601});
    assert_eq!(
        validate_answer(
            &AnswerContent::Json(too_long_a_wait),
            &ids(),
            &CategoryTable::STRICT
        )
        .unwrap_err()
        .to_string(),
        "the remediation is out of range: retry_after 601 s is more than 600 s"
    );
    let mut no_parallelism = valid();
    no_parallelism["remediation"] = json!({"action": "reduce_parallelism", "parallelism": 0});
    assert!(matches!(
        validate_answer(
            &AnswerContent::Json(no_parallelism),
            &ids(),
            &CategoryTable::STRICT
        ),
        Err(AnswerProblem::OutOfRange(_))
    ));
    let mut long_cause = valid();
    long_cause["root_cause"] = json!("x".repeat(LONGEST_ROOT_CAUSE_CHARS + 50));
    let cut = validate_answer(
        &AnswerContent::Json(long_cause),
        &ids(),
        &CategoryTable::STRICT,
    )
    .unwrap();
    assert_eq!(cut.root_cause.chars().count(), LONGEST_ROOT_CAUSE_CHARS + 1);
}

#[test]
fn a_root_cause_that_repeats_the_guide_is_refused_once_and_told_what_to_write() {
    let mut value = valid();
    // The transient_lock guide's definition, as a small model gives it back.
    value["root_cause"] = json!(
        "Proxmox VE or the provider timed out waiting for a lock that another running operation holds"
    );
    let hypothesis =
        validate_answer(&AnswerContent::Json(value), &ids(), &CategoryTable::STRICT).unwrap();
    let shown = vec![crate::diagnosis::context::EvidenceItem {
        id: "E2".into(),
        kind: crate::diagnosis::context::EvidenceKind::TerraformError,
        title: "terraform error".into(),
        text: "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout".into(),
    }];
    let problem = check_own_words(hypothesis.clone(), &shown).unwrap_err();
    assert!(
        matches!(
            problem,
            AnswerProblem::CopiedGuide {
                copied: Category::TransientLock,
                ..
            }
        ),
        "{problem:?}"
    );
    let repair = repair_request(&problem, &ids(), &CategoryTable::STRICT);
    assert!(
        repair.contains("repeats the prompt's guide to `transient_lock`"),
        "{repair}"
    );
    assert!(repair.contains("quote its words"), "{repair}");
    // With no valid repair, the answer is kept as it was: its category, evidence and remediation were valid.
    assert_eq!(problem.fallback_hypothesis(), Some(hypothesis));
    assert_eq!(problem.fallback_note(), "the answer was kept as it is");

    // The run's own words are not a copy.
    let mut own = valid();
    own["root_cause"] = json!(
        "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout: parallel clones"
    );
    let own = validate_answer(&AnswerContent::Json(own), &ids(), &CategoryTable::STRICT).unwrap();
    assert_eq!(check_own_words(own.clone(), &shown), Ok(own));
}

#[test]
fn a_validation_mismatch_without_a_failed_check_is_refused() {
    use crate::planner::category_policy::IncidentFacts;
    let terraform_failed = CategoryTable::STRICT.for_incident(&IncidentFacts::default());
    let answer = json!({"category": "validation_mismatch", "root_cause": "the pattern matched nothing",
                        "evidence": ["E2"], "remediation": {"action": "escalate"}, "confidence": 0.5});
    let problem = validate_answer(
        &AnswerContent::Json(answer.clone()),
        &ids(),
        &terraform_failed,
    )
    .unwrap_err();
    assert_eq!(
        problem,
        AnswerProblem::CategoryRuledOut(Category::ValidationMismatch)
    );
    assert!(
        problem.to_string().contains("no check failed in this run"),
        "{problem}"
    );
    // The schema does not offer it either.
    let schema = hypothesis_schema(&ids(), &terraform_failed);
    let categories = schema["properties"]["category"]["enum"].as_array().unwrap();
    assert!(
        !categories.contains(&json!("validation_mismatch")),
        "{categories:?}"
    );
    assert_eq!(categories.len(), Category::ALL.len() - 1);
    // A run whose check failed may be one.
    let checked = CategoryTable::STRICT.for_incident(&IncidentFacts {
        check_failed: true,
        ..IncidentFacts::default()
    });
    assert!(validate_answer(&AnswerContent::Json(answer), &ids(), &checked).is_ok());
}
