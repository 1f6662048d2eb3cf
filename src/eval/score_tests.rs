//! Scoring against ground truth: every expectation can fail, and says why.

use super::*;
use crate::contracts::{
    Attempt, Category, Diagnosis, DiagnosisSource, Diagnostic, Remediation, RunContext, RunMode,
    SCHEMA_VERSION, Severity, TerraformPhase, TerraformResult, Usage,
};
use crate::eval::citations::first_failure_evidence;

fn terraform(ok: bool) -> TerraformResult {
    TerraformResult {
        ok,
        phase: TerraformPhase::Apply,
        exit_code: Some(if ok { 0 } else { 1 }),
        cancelled: false,
        changes: Default::default(),
        resource_changes: vec![],
        resource_addresses: vec![],
        // A failed run has its error, E2 in the rebuilt evidence (E1 is the failing phase).
        diagnostics: if ok {
            vec![]
        } else {
            vec![Diagnostic {
                severity: Severity::Error,
                summary: "error creating container".into(),
                detail: "can't lock file '/var/lock/lxc/lock-901.conf' - got timeout".into(),
                address: None,
            }]
        },
        outputs: Default::default(),
        log_tail: vec![],
        duration_ms: 1,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    }
}

fn diagnosis(
    category: Category,
    remediation: Remediation,
    root_cause: &str,
    calls: usize,
) -> Diagnosis {
    Diagnosis {
        catalogue_signature: None,
        cited_evidence: Vec::new(),
        source: if calls == 0 {
            DiagnosisSource::Catalog
        } else {
            DiagnosisSource::Llm
        },
        hypothesis: Some(Hypothesis {
            category,
            root_cause: root_cause.into(),
            evidence: vec!["E1".into(), "E2".into()],
            remediation,
            confidence: 0.9,
        }),
        detail: None,
        usage: (0..calls)
            .map(|_| Usage {
                provider: "openai-compatible".into(),
                model: "m".into(),
                input_tokens: 1000,
                output_tokens: 50,
                cache_read_tokens: 0,
                cache_write_tokens: 0,
                cost_usd: 0.001,
                price: "test".into(),
                latency_ms: 400,
            })
            .collect(),
    }
}

fn record(outcome: Outcome, attempts: Vec<Attempt>) -> RunRecord {
    let llm_calls = attempts
        .iter()
        .filter_map(|a| a.diagnosis.as_ref())
        .map(Diagnosis::llm_calls)
        .sum();
    let cost_usd = attempts
        .iter()
        .filter_map(|a| a.diagnosis.as_ref())
        .map(Diagnosis::cost_usd)
        .sum();
    RunRecord {
        schema_version: SCHEMA_VERSION,
        run_id: "r".into(),
        project: "p".into(),
        mode: RunMode::Deploy,
        outcome,
        failure_reason: None,
        llm_calls,
        cost_usd,
        context: RunContext::default(),
        transitions: vec![],
        attempts,
        held_for_a_person: None,
        check: None,
    }
}

fn attempt(number: u32, ok: bool, diagnosis: Option<Diagnosis>) -> Attempt {
    Attempt {
        attempt: number,
        parallelism: 10,
        remediation_applied: None,
        terraform: terraform(ok),
        validation: None,
        diagnosis,
        validation_ms: None,
        diagnosis_ms: None,
    }
}

fn scenario(name: &str) -> Scenario {
    Scenario::built_in()
        .unwrap()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap()
}

#[test]
fn a_recovered_lock_timeout_with_the_right_diagnosis_passes() {
    let lock = diagnosis(
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
        "Parallel creation contends for the node lock",
        1,
    );
    let run = record(
        Outcome::Success,
        vec![attempt(1, false, Some(lock)), attempt(2, true, None)],
    );
    let result = score(
        &scenario("parallel-lock-timeout"),
        "m",
        1,
        &run,
        &first_failure_evidence(&run, std::path::PathBuf::new()),
    );
    assert!(result.pass, "{:?}", result.failures);
    assert_eq!(
        (
            result.outcome.as_str(),
            result.llm_calls,
            result.input_tokens
        ),
        ("recovered", 1, 1000)
    );
    assert_eq!(result.category.as_deref(), Some("transient_lock"));
}

#[test]
fn every_wrong_expectation_is_named() {
    let wrong = diagnosis(
        Category::Permission,
        Remediation::Retry,
        "grant the token VM.Allocate",
        2,
    );
    let run = record(Outcome::Failed, vec![attempt(1, false, Some(wrong))]);
    let result = score(
        &scenario("parallel-lock-timeout"),
        "m",
        1,
        &run,
        &first_failure_evidence(&run, std::path::PathBuf::new()),
    );
    assert!(!result.pass);
    let failures = result.failures.join("\n");
    for expected in [
        "outcome failed instead of recovered",
        "category permission instead of transient_lock",
        "root cause does not mention `lock`",
        "root cause does not mention `parallel|concurren`",
        "remediation retry instead of reduce_parallelism",
        "2 LLM calls, more than the 1 allowed",
    ] {
        assert!(
            failures.contains(expected),
            "missing `{expected}` in:\n{failures}"
        );
    }
}

#[test]
fn a_happy_path_with_any_llm_call_fails_hard() {
    let clean = record(Outcome::Success, vec![attempt(1, true, None)]);
    assert!(
        score(
            &scenario("happy-single-lxc"),
            "m",
            1,
            &clean,
            &first_failure_evidence(&clean, std::path::PathBuf::new())
        )
        .pass
    );
    let mut costly = clean.clone();
    costly.llm_calls = 1;
    let result = score(
        &scenario("happy-single-lxc"),
        "m",
        1,
        &costly,
        &first_failure_evidence(&costly, std::path::PathBuf::new()),
    );
    assert!(!result.pass);
    assert!(
        result.failures[0].contains("must make none"),
        "{:?}",
        result.failures
    );
}

#[test]
fn no_hypothesis_fails_a_failure_scenario() {
    let run = record(
        Outcome::Failed,
        vec![attempt(
            1,
            false,
            Some(Diagnosis::unavailable("no diagnoser configured")),
        )],
    );
    let result = score(
        &scenario("state-backend-offline"),
        "none",
        1,
        &run,
        &first_failure_evidence(&run, std::path::PathBuf::new()),
    );
    assert!(!result.pass);
    assert!(
        result.failures.iter().any(|f| f.contains("no hypothesis")),
        "{:?}",
        result.failures
    );
}

#[test]
fn alternatives_in_terms() {
    assert!(mentions(
        "The MinIO endpoint refused the connection",
        "backend|state|S3|MinIO"
    ));
    assert!(!mentions("a lock", "parallel|concurren"));
}

#[test]
fn terms_match_whole_words_or_stems_and_not_their_negation() {
    assert!(mentions("VMID 901 already exists on node pmx-01", "exist"));
    assert!(!mentions("the template does not exist", "exist"));
    assert!(!mentions("the template doesn't exist", "exist"));
    assert!(mentions(
        "it does not exist here, but CT 901 exists there",
        "exist"
    ));
    assert!(mentions("concurrent creates contend", "parallel|concurren"));
    assert!(!mentions("see the report", "port"));
    assert!(mentions("nothing accepts port 22", "port"));
    assert!(mentions(
        "the telmate provider needs VM.Monitor",
        "VM.Monitor"
    ));
    assert!(mentions("pattern `proxmox_lxc\\.container`", "proxmox_lxc"));
    assert!(!mentions("the 9015 guest", "901"));
}

#[test]
fn a_right_diagnosis_citing_evidence_that_does_not_show_the_failure_loses_the_point() {
    let mut lock = diagnosis(
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
        "Parallel creation contends for the node lock",
        1,
    );
    // Only the failing phase: the hypothesis was not checked against the error.
    lock.hypothesis.as_mut().unwrap().evidence = vec!["E1".into()];
    let run = record(
        Outcome::Success,
        vec![
            attempt(1, false, Some(lock.clone())),
            attempt(2, true, None),
        ],
    );
    let result = score(
        &scenario("parallel-lock-timeout"),
        "m",
        1,
        &run,
        &first_failure_evidence(&run, std::path::PathBuf::new()),
    );
    assert!(!result.pass);
    assert!(
        result
            .failures
            .iter()
            .any(|f| f.contains("cites no evidence that shows the failure")),
        "{:?}",
        result.failures
    );
    // An id the run never showed (a project file at most, which the record does not keep) does not support it.
    lock.hypothesis.as_mut().unwrap().evidence = vec!["E2".into(), "E7".into()];
    let run = record(
        Outcome::Success,
        vec![attempt(1, false, Some(lock)), attempt(2, true, None)],
    );
    let result = score(
        &scenario("parallel-lock-timeout"),
        "m",
        1,
        &run,
        &first_failure_evidence(&run, std::path::PathBuf::new()),
    );
    assert!(
        result.failures.iter().any(|f| f.contains("E7")),
        "{:?}",
        result.failures
    );
}

/// The scenario eval scores a run with the project's files its diagnoser was shown: a citation of one of them is
/// judged by what the file says, not refused as evidence the scorer cannot see.
#[test]
fn a_cited_project_file_is_judged_by_its_content_when_the_project_folder_is_given() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("main.tf"),
        "resource \"null_resource\" \"container\" {\n  count = 3 # created in parallel: each create takes the node lock\n}\n",
    )
    .unwrap();
    let mut lock = diagnosis(
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
        "Parallel creation contends for the node lock",
        1,
    );
    // The lock scenario's run: diagnosed once, then a clean apply.
    let recovered = |diagnosed: &crate::contracts::Diagnosis| {
        record(
            Outcome::Success,
            vec![
                attempt(1, false, Some(diagnosed.clone())),
                attempt(2, true, None),
            ],
        )
    };
    let without = first_failure_evidence(&recovered(&lock), std::path::PathBuf::new());
    let with = first_failure_evidence(&recovered(&lock), project.path().to_path_buf());
    let file = with
        .iter()
        .find(|item| item.kind == crate::diagnosis::context::EvidenceKind::ProjectFile)
        .expect("the project's file is among the evidence");
    assert!(
        without.iter().all(|item| item.id != file.id),
        "without the folder, {} is not rebuilt",
        file.id
    );
    // Citing the failure and the file: judged by the file's words ("lock", "parallel").
    let first_error = with
        .iter()
        .find(|item| item.kind == crate::diagnosis::context::EvidenceKind::TerraformError)
        .map(|item| item.id.clone());
    lock.hypothesis.as_mut().unwrap().evidence =
        first_error.into_iter().chain([file.id.clone()]).collect();
    let cited = recovered(&lock);
    let scored_with = score(&scenario("parallel-lock-timeout"), "m", 1, &cited, &with);
    assert!(scored_with.pass, "{:?}", scored_with.failures);
    let scored_without = score(&scenario("parallel-lock-timeout"), "m", 1, &cited, &without);
    assert!(
        scored_without
            .failures
            .iter()
            .any(|failure| failure.contains("not among the evidence the record rebuilds")),
        "{:?}",
        scored_without.failures
    );
}

#[test]
fn a_root_cause_that_repeats_the_prompts_guide_loses_the_point() {
    // Qwen2.5-Coder-1.5B's answer to the provider scenario before root causes quoted the error: the definition,
    // which mentions `provider` and (through the example) `VM.Monitor`, so the terms alone would pass it.
    let copied = "The Terraform provider does not work with this Proxmox VE or Terraform release: it crashes, \
demands a privilege the release no longer has. Example: the telmate provider on Proxmox VE 9 demands VM.Monitor.";
    assert_eq!(
        copied_guide_text(copied, &[]),
        Some(Category::ProviderIncompatibility)
    );
    let mut hypothesis = diagnosis(
        Category::ProviderIncompatibility,
        Remediation::Escalate,
        copied,
        1,
    )
    .hypothesis
    .unwrap();
    hypothesis.evidence = vec!["E2".into()];
    let terms = vec!["VM.Monitor".to_string(), "telmate|provider|bpg".to_string()];
    let failures = hypothesis_failures(
        &HypothesisExpectation {
            category: Category::ProviderIncompatibility,
            root_cause_terms: &terms,
            remediation: Some("escalate"),
        },
        Some(&hypothesis),
        &[],
    );
    assert!(
        failures.contains(
            &"root cause repeats the prompt's guide to `provider_incompatibility` instead of describing this failure"
                .to_string()
        ),
        "{failures:?}"
    );
    // Quoting the run's own error, or saying it in other words, is not a copy.
    for own in [
        "permissions for user/token terraform@pam!agentlab are not sufficient, please provide also the following \
permissions that are missing: [VM.Monitor]",
        "Unable to create CT 901 - CT 901 already exists on node 'pmx-01'",
        "can't lock file '/var/lock/lxc/lock-903.conf' - got timeout",
        "Error refreshing state: RequestError: send request failed caused by: Get \
\"http://127.0.0.1:1/tfstate/lxc-fleet/terraform.tfstate\": dial tcp 127.0.0.1:1: connect: connection refused",
        "pattern `^proxmox_lxc\\.container\\[\\d+\\]$` matched nothing (expected 2) in the state",
        "The telmate provider asks for VM.Monitor, which Proxmox VE 9 no longer has.",
    ] {
        assert_eq!(copied_guide_text(own, &[]), None, "{own}");
    }
    // The validator's own wording of a closed port is also the `network` example: quoting it from the evidence
    // the diagnoser was shown is describing this failure, not copying the guide.
    let quote =
        "2 of 2 guests do not accept TCP connections on port 37275: lxc/901 (sandbox-0) on pmx-01";
    assert_eq!(copied_guide_text(quote, &[]), Some(Category::Network));
    let shown = EvidenceItem {
        id: "E2".into(),
        kind: crate::diagnosis::context::EvidenceKind::FailedCheck,
        title: "failed validator check `reachable`".into(),
        text: "2 of 2 guests do not accept TCP connections on port 37275: lxc/901 (sandbox-0) on pmx-01, \
lxc/902 (sandbox-1) on pmx-01"
            .into(),
    };
    assert_eq!(copied_guide_text(quote, &[shown]), None);
}
