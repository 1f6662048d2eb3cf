use std::path::PathBuf;

use super::*;
use crate::contracts::{
    CheckName, CheckResult, Diagnostic, RunMode, Severity, StateName, TerraformResult, Transition,
    ValidationResult,
};
use crate::diagnosis::test_fixtures;
use crate::planner::category_policy::IncidentFacts;

fn failed_apply(detail: &str, log: Vec<String>) -> TerraformResult {
    let mut terraform = test_fixtures::failed_apply("local-exec provisioner error", detail);
    terraform.diagnostics[0].address = Some("null_resource.container[1]".into());
    terraform.log_tail = log;
    terraform.duration_ms = 10;
    terraform
}

pub(crate) fn request(dir: PathBuf, terraform: TerraformResult) -> DiagnosisRequest {
    DiagnosisRequest {
        project: "lxc-fleet".into(),
        dir,
        mode: RunMode::Deploy,
        attempt: 1,
        terraform,
        validation: None,
        transitions: vec![Transition {
            from: StateName::Running,
            to: StateName::Diagnosing,
            reason: "apply failed".into(),
        }],
        previous: Vec::new(),
        spent_usd: 0.0,
        spent_tokens: 0,
    }
}

/// The context of `request` with the default budget and no secrets beyond the project's own.
fn assembled(request: &DiagnosisRequest) -> DiagnosisContext {
    DiagnosisContext::assemble(request, &Redactor::new(), DEFAULT_TOKEN_BUDGET)
}

#[test]
fn items_are_numbered_redacted_and_include_the_project_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "variable \"pw\" {\n  sensitive = true\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("terraform.tfvars"),
        "pw = \"tfvars-canary-9\"\n",
    )
    .unwrap();
    let terraform = failed_apply(
        "Output: login with tfvars-canary-9 failed",
        vec!["stderr env-canary-1".into()],
    );
    let mut redactor = Redactor::new();
    redactor.add_secret("env-canary-1");
    let context = DiagnosisContext::assemble(
        &request(dir.path().into(), terraform),
        &redactor,
        DEFAULT_TOKEN_BUDGET,
    );
    let ids = context.evidence_ids();
    assert_eq!(ids, ["E1", "E2", "E3", "E4", "E5", "E6"]);
    let kinds: Vec<EvidenceKind> = context.items.iter().map(|item| item.kind).collect();
    assert_eq!(
        kinds,
        [
            EvidenceKind::Phase,
            EvidenceKind::TerraformError,
            EvidenceKind::LogTail,
            EvidenceKind::StateLog,
            EvidenceKind::ProjectFile,
            EvidenceKind::ProjectFile
        ]
    );
    let prompt = context.render_prompt();
    assert!(
        !prompt.contains("tfvars-canary-9") && !prompt.contains("env-canary-1"),
        "{prompt}"
    );
    assert!(
        prompt.contains("=== E2 · Terraform error at null_resource.container[1] ==="),
        "{prompt}"
    );
    assert!(prompt.contains("0 tokens dropped"), "{prompt}");
}

#[test]
fn a_long_log_loses_its_middle_but_never_its_error_lines() {
    let mut log: Vec<String> = (0..2_000)
        .map(|i| format!("2026-01-01T00:00:{i:04} provider: polling task status"))
        .collect();
    log[1_000] = "Error: can't lock file '/var/lock/lxc/lock-902.conf' - got timeout".into();
    let terraform = failed_apply("exit status 1", log);
    let context = DiagnosisContext::assemble(
        &request(PathBuf::from("/nonexistent"), terraform),
        &Redactor::new(),
        1_000,
    );
    let tail = context
        .items
        .iter()
        .find(|item| item.kind == EvidenceKind::LogTail)
        .unwrap();
    assert!(tail.text.contains("lock-902.conf' - got timeout"));
    assert!(tail.text.contains("lines omitted"));
    assert!(tail.text.starts_with("2026-01-01T00:00:0000"));
    assert!(context.kept_tokens <= 1_100, "kept {}", context.kept_tokens);
    assert!(
        context.dropped_tokens > 10_000,
        "dropped {}",
        context.dropped_tokens
    );
    assert!(
        context
            .render_prompt()
            .contains(&format!("{} tokens dropped", context.dropped_tokens))
    );
}

#[test]
fn failed_checks_list_the_addresses_terraform_reports_and_earlier_hypotheses_are_ruled_out() {
    let mut terraform = failed_apply("", Vec::new());
    terraform.ok = true;
    terraform.diagnostics.clear();
    terraform.resource_addresses =
        vec!["proxmox_virtual_environment_container.container[0]".into()];
    let mut request = request(PathBuf::from("/nonexistent"), terraform);
    request.validation = Some(ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::Resources,
        status: CheckStatus::Fail,
        detail: "pattern `proxmox_lxc\\.fleet\\[\\d+\\]` matched 0 addresses, expected 3".into(),
        evidence: Vec::new(),
    }]));
    request.previous = vec![Hypothesis {
        category: crate::contracts::Category::Configuration,
        root_cause: "a wrong guess".into(),
        evidence: vec!["E1".into()],
        remediation: crate::contracts::Remediation::Retry,
        confidence: 0.3,
    }];
    let context = assembled(&request);
    let check = context
        .items
        .iter()
        .find(|item| item.kind == EvidenceKind::FailedCheck)
        .unwrap();
    assert!(
        check
            .text
            .contains("- proxmox_virtual_environment_container.container[0]"),
        "{}",
        check.text
    );
    assert!(
        context.render_prompt().contains("Ruled out")
            && context
                .render_prompt()
                .contains("configuration / retry: a wrong guess")
    );
}

/// What the run shows is read from the request, not from the model: a failure the validator found after Terraform
/// succeeded, and the number of distinct resources Terraform failed at (two errors at one resource count once).
#[test]
fn the_incident_facts_come_from_the_run_and_the_answer_rules_name_the_first_error() {
    let mut terraform = failed_apply(
        "can't lock file '/var/lock/lxc/lock-902.conf' - got timeout",
        Vec::new(),
    );
    let mut second = terraform.diagnostics[0].clone();
    second.address = Some("null_resource.container[2]".into());
    let mut again = terraform.diagnostics[0].clone();
    again.summary = "another error at the same resource".into();
    terraform.diagnostics.push(second);
    terraform.diagnostics.push(again);
    let context = assembled(&request(PathBuf::from("/nonexistent"), terraform));
    assert_eq!(
        context.facts,
        IncidentFacts {
            found_by_validator: false,
            check_failed: false,
            failed_resources: 2
        }
    );
    let prompt = context.render_prompt();
    assert!(
        prompt.contains("4. evidence: E2 (the first error) and any other item from E1, E2,"),
        "{prompt}"
    );

    let mut terraform = failed_apply("", Vec::new());
    terraform.ok = true;
    terraform.diagnostics.clear();
    let mut request = request(PathBuf::from("/nonexistent"), terraform);
    request.validation = Some(ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::Reachable,
        status: CheckStatus::Fail,
        detail: "1 of 1 guests do not accept TCP connections on port 22".into(),
        evidence: Vec::new(),
    }]));
    let context = assembled(&request);
    assert!(context.facts.found_by_validator);
    assert_eq!(context.facts.failed_resources, 0);
    // A passing validation is not a failure the validator found.
    request.validation = Some(ValidationResult::from_checks(vec![CheckResult {
        name: CheckName::Reachable,
        status: CheckStatus::Pass,
        detail: "1 of 1 guests accept TCP connections on port 22".into(),
        evidence: Vec::new(),
    }]));
    let context = assembled(&request);
    assert!(!context.facts.found_by_validator);
}

#[test]
fn trim_middle_keeps_short_texts_whole() {
    assert_eq!(trim_middle("a\nb", 10), "a\nb");
}

#[test]
fn three_hundred_errors_stay_within_the_token_budget_with_the_first_error_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"null_resource\" \"x\" {}\n".repeat(200),
    )
    .unwrap();
    let first = "error creating container: received an HTTP 500 response - Reason: can't lock file '/var/lock/lxc/lock-901.conf' - got timeout";
    let mut terraform = failed_apply(first, (0..400).map(|i| format!("log line {i}")).collect());
    for index in 1..300 {
        terraform.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            summary: format!("error number {index}"),
            detail: format!("error creating container {index}: received an HTTP 500 response - Reason: can't lock file '/var/lock/lxc/lock-{index}.conf' - got timeout, and a long tail of words to make the item bigger than a line"),
            address: Some(format!("null_resource.container[{index}]")),
        });
    }
    for budget in [2_000, 6_000] {
        let context = DiagnosisContext::assemble(
            &request(dir.path().to_path_buf(), terraform.clone()),
            &Redactor::new(),
            budget,
        );
        let prompt = context.render_prompt();
        let used = tokens(&prompt);
        eprintln!(
            "budget {budget}: prompt {used} tokens, {} items left out",
            context.left_out.len()
        );
        assert!(
            used <= budget + budget / 20,
            "{used} tokens for a budget of {budget}"
        );
        assert!(prompt.contains(first), "the first error is whole");
        assert!(!context.left_out.is_empty());
        assert!(
            prompt.contains(&format!(
                "Left out whole to stay within the budget: {} evidence item(s)",
                context.left_out.len()
            )),
            "{prompt}"
        );
    }
}

#[test]
fn a_cited_item_is_kept_with_its_title_and_its_most_telling_line() {
    let context = DiagnosisContext {
        items: vec![
            EvidenceItem {
                id: "E1".into(),
                kind: EvidenceKind::Phase,
                title: "failing phase".into(),
                text: "project p, deploy run, attempt 1: terraform init failed".into(),
            },
            EvidenceItem {
                id: "E2".into(),
                kind: EvidenceKind::LogTail,
                title: "Terraform stderr and log tail".into(),
                text:
                    "Initializing the backend...\n\nError: No valid credential sources found\nmore"
                        .into(),
            },
        ],
        ruled_out: Vec::new(),
        kept_tokens: 0,
        dropped_tokens: 0,
        left_out: Vec::new(),
        similar: Vec::new(),
        facts: Default::default(),
    };
    let cited = context.cited(&["E2".to_string(), "E9".to_string(), "E1".to_string()]);
    let ids: Vec<&str> = cited.iter().map(|item| item.id.as_str()).collect();
    assert_eq!(ids, ["E2", "E1"], "an id never presented is left out");
    assert_eq!(cited[0].title, "Terraform stderr and log tail");
    assert_eq!(cited[0].excerpt, "Error: No valid credential sources found");
    assert_eq!(
        cited[1].excerpt,
        "project p, deploy run, attempt 1: terraform init failed"
    );
}

#[test]
fn the_prompt_leaves_out_the_log_tail_when_other_items_carry_the_error_and_quotes_its_own_words() {
    let log = vec![
        "Initializing the backend...".to_string(),
        "null_resource.container[1]: Creating...".to_string(),
        "null_resource.container[1]: (local-exec): received an HTTP 500 response".to_string(),
    ];
    let terraform = failed_apply(
        "Error running command 'sh ./create-container.sh 902': exit status 1. Output: error creating container: \
received an HTTP 500 response - Reason: can't lock file '/var/lock/lxc/lock-902.conf' - got timeout",
        log.clone(),
    );
    let context = assembled(&request(PathBuf::from("/nonexistent"), terraform));
    // The catalogue still reads the whole log tail: only the prompt leaves it out.
    let tail = context
        .items
        .iter()
        .find(|item| item.kind == EvidenceKind::LogTail)
        .unwrap();
    assert!(tail.text.contains("Creating..."));
    let prompt = context.render_prompt();
    assert!(!prompt.contains("Creating..."), "{prompt}");
    assert!(
        prompt.contains(&format!(
            "=== {} · Terraform stderr and log tail ===\n(not repeated here: 3 log lines; the error is in E2 above)",
            tail.id
        )),
        "{prompt}"
    );
    assert!(
        prompt.contains(
            "The first error in its own words: can't lock file '/var/lock/lxc/lock-902.conf' - got timeout\n"
        ),
        "{prompt}"
    );
    // The budget line counts what the prompt shows, and says the log tail was not repeated.
    let tail_tokens = tokens(&tail.text);
    assert!(
        prompt.contains(&format!(
            "Context budget: {} tokens kept, 0 tokens dropped (long logs and files lost their middle; error lines were \
kept); the log tail ({tail_tokens} tokens) is not repeated.\n",
            context.kept_tokens - tail_tokens
        )),
        "{prompt}"
    );

    // With nothing else carrying the error (Terraform failed without a parsed error), the log is the evidence.
    let mut terraform = failed_apply("", log);
    terraform.diagnostics.clear();
    let context = assembled(&request(PathBuf::from("/nonexistent"), terraform));
    let prompt = context.render_prompt();
    assert!(
        prompt.contains("null_resource.container[1]: Creating..."),
        "{prompt}"
    );
    assert!(!prompt.contains("not repeated here"), "{prompt}");
    assert!(!prompt.contains("is not repeated"), "{prompt}");
    assert!(
        prompt.contains(&format!(
            "Context budget: {} tokens kept",
            context.kept_tokens
        )),
        "{prompt}"
    );
    assert!(!prompt.contains("in its own words"), "{prompt}");
}

#[test]
fn own_words_are_what_a_wrapped_error_says_itself() {
    assert_eq!(
        own_words("local-exec provisioner error\nError running command 'x': exit status 1. Output: unable to create CT 901 - CT 901 already exists on node 'pmx-01'").as_deref(),
        Some("unable to create CT 901 - CT 901 already exists on node 'pmx-01'")
    );
    assert_eq!(
        own_words("error updating VM: received an HTTP 500 response - Reason: can't lock file\n'/var/lock/qemu-server/lock-101.conf' - got timeout").as_deref(),
        Some("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout")
    );
    // Not wrapped, or wrapped around nothing: the first error's line already says it.
    assert_eq!(
        own_words("Error refreshing state: RequestError: send request failed"),
        None
    );
    assert_eq!(own_words("exit status 1. Output: "), None);
    let long = format!("Output: {}", "x".repeat(500));
    assert!(own_words(&long).unwrap().chars().count() <= OWN_WORDS_CHARS + 1);
}
