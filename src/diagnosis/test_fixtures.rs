//! Test fixtures shared by the diagnosis tests: a failed apply with one error diagnostic, and a first-attempt
//! deploy request that carries it.

use std::path::PathBuf;

use crate::contracts::{
    DiagnosisRequest, Diagnostic, RunMode, Severity, TerraformPhase, TerraformResult,
};

/// A failed apply (exit 1) whose only diagnostic is an error with `summary` and `detail` and no address.
pub(crate) fn failed_apply(summary: &str, detail: &str) -> TerraformResult {
    TerraformResult {
        ok: false,
        phase: TerraformPhase::Apply,
        exit_code: Some(1),
        cancelled: false,
        changes: Default::default(),
        resource_changes: Vec::new(),
        resource_addresses: Vec::new(),
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            address: None,
        }],
        outputs: Default::default(),
        log_tail: Vec::new(),
        duration_ms: 1,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    }
}

/// A first-attempt deploy of project `p` in a directory that does not exist, failed as [`failed_apply`].
pub(crate) fn request_with_error(summary: &str, detail: &str) -> DiagnosisRequest {
    DiagnosisRequest {
        project: "p".into(),
        dir: PathBuf::from("/nonexistent"),
        mode: RunMode::Deploy,
        attempt: 1,
        terraform: failed_apply(summary, detail),
        validation: None,
        transitions: Vec::new(),
        previous: Vec::new(),
        spent_usd: 0.0,
        spent_tokens: 0,
    }
}
