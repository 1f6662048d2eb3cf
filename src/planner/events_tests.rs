//! Every kind of answer, and the event (with its recorded summary) the machine is fed for it.

use super::*;
use crate::contracts::{
    Category, ChangeAction, CheckName, CheckResult, CheckStatus, DiagnosisSource, Diagnostic,
    Hypothesis, Remediation, Severity, TerraformPhase,
};
use crate::planner::test_fixtures::{applied, planned_changes};

fn failed_with(
    diagnostics: Vec<Diagnostic>,
    phase: TerraformPhase,
    exit_code: Option<i32>,
) -> TerraformResult {
    TerraformResult {
        ok: false,
        phase,
        exit_code,
        diagnostics,
        ..applied()
    }
}

fn diagnostic(severity: Severity, summary: &str, detail: &str) -> Diagnostic {
    Diagnostic {
        severity,
        summary: summary.into(),
        detail: detail.into(),
        address: None,
    }
}

fn finished(ok: bool, summary: &str) -> Event {
    Event::TerraformFinished {
        ok,
        summary: summary.into(),
    }
}

#[test]
fn terraform_results_become_finished_or_cancelled() {
    let check = |result: TerraformResult, expected: Event| {
        assert_eq!(terraform_event(&result), expected, "{result:?}");
    };
    check(
        applied(),
        finished(true, "2 to add, 0 to change, 0 to destroy (0 replaced)"),
    );
    check(
        failed_with(
            vec![
                diagnostic(Severity::Warning, "deprecated", "ignored"),
                diagnostic(
                    Severity::Error,
                    "local-exec provisioner error",
                    "\ncan't lock file '/var/lock/lxc/lock-902.conf' - got timeout\n",
                ),
            ],
            TerraformPhase::Apply,
            Some(1),
        ),
        finished(
            false,
            "local-exec provisioner error: can't lock file '/var/lock/lxc/lock-902.conf' - got timeout",
        ),
    );
    check(
        failed_with(
            vec![diagnostic(Severity::Error, "Invalid provider", "  \n")],
            TerraformPhase::Plan,
            Some(1),
        ),
        finished(false, "Invalid provider"),
    );
    check(
        failed_with(vec![], TerraformPhase::Init, Some(1)),
        finished(false, "init exited with status 1"),
    );
    check(
        failed_with(vec![], TerraformPhase::Apply, None),
        finished(false, "apply was stopped by a signal"),
    );
    check(
        TerraformResult {
            cancelled: true,
            ..failed_with(vec![], TerraformPhase::Apply, None)
        },
        Event::Cancelled,
    );
}

#[test]
fn validation_results_name_their_failed_checks() {
    let check_result = |name: CheckName, status: CheckStatus| CheckResult {
        name,
        status,
        detail: String::new(),
        evidence: vec![],
    };
    let check = |checks: Vec<CheckResult>, expected: (bool, &str)| {
        let result = ValidationResult::from_checks(checks);
        assert_eq!(
            validation_event(&result),
            Event::ValidationFinished {
                ok: expected.0,
                summary: expected.1.into()
            },
            "{result:?}"
        );
    };
    check(
        vec![
            check_result(CheckName::Resources, CheckStatus::Pass),
            check_result(CheckName::Reachable, CheckStatus::Skip),
        ],
        (true, "2 checks, none failed"),
    );
    check(
        vec![
            check_result(CheckName::Resources, CheckStatus::Pass),
            check_result(CheckName::GuestStatus, CheckStatus::Fail),
            check_result(CheckName::Reachable, CheckStatus::Fail),
        ],
        (false, "guest-status, reachable failed"),
    );
    // A stop request during the wait for guests to settle ends the run like a stopped Terraform.
    let mut cancelled =
        ValidationResult::from_checks(vec![check_result(CheckName::Reachable, CheckStatus::Fail)]);
    cancelled.cancelled = true;
    assert_eq!(validation_event(&cancelled), Event::Cancelled);
}

#[test]
fn diagnoses_become_a_hypothesis_or_a_reason_with_the_failed_addresses() {
    let hypothesis = Hypothesis {
        category: Category::TransientLock,
        root_cause: "the node was busy".into(),
        evidence: vec!["E1".into()],
        remediation: Remediation::Retry,
        confidence: 0.8,
    };
    let diagnosis = |hypothesis: Option<Hypothesis>, detail: Option<&str>| Diagnosis {
        catalogue_signature: None,
        cited_evidence: Vec::new(),
        source: DiagnosisSource::Llm,
        hypothesis,
        detail: detail.map(str::to_string),
        usage: vec![],
    };
    let failed_at = |address: &str| Diagnostic {
        address: Some(address.into()),
        ..diagnostic(Severity::Error, "local-exec provisioner error", "")
    };
    let diagnosed = TerraformResult {
        resource_changes: planned_changes(&[
            ("null_resource.b", ChangeAction::Create),
            ("null_resource.a", ChangeAction::Create),
        ]),
        resource_addresses: vec!["null_resource.a".into(), "null_resource.c".into()],
        ..failed_with(
            vec![failed_at("null_resource.b")],
            TerraformPhase::Apply,
            Some(1),
        )
    };
    let addresses = vec!["null_resource.b".to_string()];
    let check = |diagnosis: Diagnosis, expected: DiagnosisOutcome| {
        assert_eq!(
            diagnosis_event(&diagnosis, &diagnosed),
            Event::DiagnosisFinished {
                outcome: expected,
                failed_addresses: addresses.clone()
            },
            "{diagnosis:?}"
        );
    };
    let unavailable = |reason: &str| DiagnosisOutcome::Unavailable {
        reason: reason.into(),
    };
    check(
        diagnosis(
            Some(hypothesis.clone()),
            Some("anthropic:claude, 1 call(s)"),
        ),
        DiagnosisOutcome::Hypothesis(hypothesis.clone()),
    );
    check(
        diagnosis(Some(hypothesis.clone()), None),
        DiagnosisOutcome::Hypothesis(hypothesis),
    );
    check(
        Diagnosis::unavailable("no diagnoser configured"),
        unavailable("no diagnoser configured"),
    );
    check(diagnosis(None, None), unavailable("no hypothesis"));
}

/// Only a resource that an `apply` tried to create or update, and that an error names, counts as failed.
#[test]
fn failed_addresses_are_the_errors_of_creates_and_updates_during_apply() {
    let error_at = |address: &str| Diagnostic {
        address: Some(address.into()),
        ..diagnostic(Severity::Error, "provisioner error", "")
    };
    let warning_at = |address: &str| Diagnostic {
        address: Some(address.into()),
        ..diagnostic(Severity::Warning, "deprecated", "")
    };
    let changes = planned_changes(&[
        ("null_resource.created", ChangeAction::Create),
        ("null_resource.updated", ChangeAction::Update),
        ("null_resource.replaced", ChangeAction::DeleteCreate),
        ("null_resource.deleted", ChangeAction::Delete),
        ("null_resource.untouched", ChangeAction::NoOp),
    ]);
    let check = |phase: TerraformPhase, diagnostics: Vec<Diagnostic>, expected: &[&str]| {
        let result = TerraformResult {
            resource_changes: changes.clone(),
            ..failed_with(diagnostics.clone(), phase, Some(1))
        };
        assert_eq!(
            failed_addresses(&result),
            expected.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            "{phase:?} {diagnostics:?}"
        );
    };
    let every_error = || {
        [
            "null_resource.updated",
            "null_resource.created",
            "null_resource.replaced",
            "null_resource.deleted",
            "null_resource.untouched",
            "null_resource.not_in_the_plan",
            "null_resource.created",
        ]
        .map(error_at)
        .to_vec()
    };
    check(
        TerraformPhase::Apply,
        every_error(),
        &[
            "null_resource.created",
            "null_resource.replaced",
            "null_resource.updated",
        ],
    );
    check(TerraformPhase::Plan, every_error(), &[]);
    check(TerraformPhase::Init, every_error(), &[]);
    check(
        TerraformPhase::Apply,
        vec![warning_at("null_resource.created")],
        &[],
    );
    check(
        TerraformPhase::Apply,
        vec![diagnostic(Severity::Error, "no address", "")],
        &[],
    );
}
