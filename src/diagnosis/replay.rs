//! `agentlab diagnose --record FILE`: the diagnosis request of a recorded failed run, rebuilt so another model
//! can be asked about the same failure without running Terraform again; and the request of a run's first failure
//! (`agentlab eval --records`, and the eval's scoring of evidence citations), which a recovered run has too.

use std::path::PathBuf;

use crate::contracts::{DiagnosisRequest, Outcome, RunRecord};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error(
        "the record of {project} (run {run_id}) is a successful run: there is no failure to diagnose"
    )]
    NotFailed { project: String, run_id: String },
    #[error(
        "the record of {project} (run {run_id}) has no attempt: the run failed before Terraform ran ({reason})"
    )]
    NoAttempt {
        project: String,
        run_id: String,
        reason: String,
    },
}

/// The request for the last attempt of `record`. Hypotheses of the earlier attempts are passed as ruled out, as
/// they were in the original run; `dir` is the project's directory (from the configuration), whose files are
/// part of the context.
pub fn request_from_record(
    record: &RunRecord,
    dir: PathBuf,
) -> Result<DiagnosisRequest, ReplayError> {
    if record.outcome == Outcome::Success {
        return Err(ReplayError::NotFailed {
            project: record.project.clone(),
            run_id: record.run_id.clone(),
        });
    }
    let (last, earlier) = record
        .attempts
        .split_last()
        .ok_or_else(|| ReplayError::NoAttempt {
            project: record.project.clone(),
            run_id: record.run_id.clone(),
            reason: record
                .failure_reason
                .clone()
                .unwrap_or_else(|| "no reason recorded".into()),
        })?;
    let previous = earlier
        .iter()
        .filter_map(|attempt| attempt.diagnosis.as_ref())
        .filter_map(|diagnosis| diagnosis.hypothesis.clone())
        .collect();
    let spent_before: f64 = earlier
        .iter()
        .filter_map(|attempt| attempt.diagnosis.as_ref())
        .map(|diagnosis| diagnosis.cost_usd())
        .sum();
    // The state log up to the moment the last attempt entered DIAGNOSING, as the original diagnoser saw it.
    let cut = record
        .transitions
        .iter()
        .rposition(|t| t.to == crate::contracts::StateName::Diagnosing)
        .map_or(record.transitions.len(), |index| index + 1);
    Ok(DiagnosisRequest {
        project: record.project.clone(),
        dir,
        mode: record.mode,
        attempt: last.attempt,
        terraform: last.terraform.clone(),
        validation: last.validation.clone(),
        transitions: record.transitions[..cut].to_vec(),
        previous,
        spent_usd: spent_before,
        spent_tokens: earlier
            .iter()
            .filter_map(|attempt| attempt.diagnosis.as_ref())
            .map(crate::contracts::Diagnosis::tokens)
            .sum(),
    })
}

/// The request of the first attempt that failed and was diagnosed, as the original diagnoser saw it: no earlier
/// hypotheses, the state log up to the first DIAGNOSING. `None` when no attempt of the run was diagnosed (a clean
/// run, or a failure before Terraform ran).
pub fn request_for_first_failure(record: &RunRecord, dir: PathBuf) -> Option<DiagnosisRequest> {
    let first = record
        .attempts
        .iter()
        .find(|attempt| attempt.diagnosis.is_some())?;
    let cut = record
        .transitions
        .iter()
        .position(|t| t.to == crate::contracts::StateName::Diagnosing)
        .map_or(record.transitions.len(), |index| index + 1);
    Some(DiagnosisRequest {
        project: record.project.clone(),
        dir,
        mode: record.mode,
        attempt: first.attempt,
        terraform: first.terraform.clone(),
        validation: first.validation.clone(),
        transitions: record.transitions[..cut].to_vec(),
        previous: Vec::new(),
        spent_usd: 0.0,
        spent_tokens: 0,
    })
}
