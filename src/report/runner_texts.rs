//! The texts for the Actions runner and the terminal: the step summary (every project in full detail), the step
//! outputs, the workflow commands (Terraform's log in collapsible groups, an `::error::` annotation per failed
//! project) and one summary line per project.

use std::path::Path;

use crate::contracts::{Outcome, RunRecord, sum_dollars};
use crate::render::cut_to_budget;
use crate::render::failure::failure_line;
use crate::report::actions::{error_annotation, log_group, output_file_text};

/// `$GITHUB_STEP_SUMMARY` takes at most 1 MiB per step; a little is kept back for the truncation note.
pub const STEP_SUMMARY_BUDGET_BYTES: usize = 1024 * 1024 - 1024;

/// The full-detail texts one after another, cut at a line boundary when they pass the summary's limit.
pub fn step_summary(full_texts: &[String], full_text_location: &str) -> String {
    let total: usize = full_texts.iter().map(|part| part.len() + 1).sum();
    let mut text = String::with_capacity(total.min(STEP_SUMMARY_BUDGET_BYTES + 1));
    for part in full_texts {
        // Past the limit only the head is kept: the texts are joined up to the end of the line that passes it,
        // which is all the cut below reads (a plan of thousands of resources is not copied whole to be cut).
        let room = (STEP_SUMMARY_BUDGET_BYTES + 1).saturating_sub(text.len());
        if part.len() < room {
            text.push_str(part);
            text.push('\n');
            continue;
        }
        let end = part.as_bytes()[room..]
            .iter()
            .position(|byte| *byte == b'\n')
            .map_or(part.len(), |newline| room + newline + 1);
        text.push_str(&part[..end]);
        if end == part.len() {
            text.push('\n');
        }
        break;
    }
    if text.len() <= STEP_SUMMARY_BUDGET_BYTES {
        return text;
    }
    // Characters are at most four bytes: a character budget of a quarter of the bytes always fits.
    cut_to_budget(&text, STEP_SUMMARY_BUDGET_BYTES / 4, full_text_location)
}

/// `outcome` (`success` when every project succeeded, else `failed`), `llm_calls`, `cost_usd` and
/// `record_path`.
pub fn step_outputs(records: &[RunRecord], record_dir: &Path) -> String {
    let failed = records
        .iter()
        .any(|record| record.outcome == Outcome::Failed);
    let cost = sum_dollars(records.iter().map(|record| record.cost_usd));
    // A sum over no calls is -0.0 in floating point; a workflow should never read "-0.000000".
    let cost = format!("{:.6}", if cost == 0.0 { 0.0 } else { cost });
    let llm_calls = records
        .iter()
        .map(|record| record.llm_calls)
        .sum::<u32>()
        .to_string();
    let record_path = record_dir.display().to_string();
    output_file_text(&[
        ("outcome", if failed { "failed" } else { "success" }),
        ("llm_calls", &llm_calls),
        ("cost_usd", &cost),
        ("record_path", &record_path),
    ])
}

/// Terraform's log of every attempt in a collapsible group, then an `::error::` annotation per failed project.
pub fn workflow_commands(records: &[RunRecord]) -> Vec<String> {
    let mut commands = Vec::new();
    for record in records {
        for attempt in &record.attempts {
            let title = format!(
                "terraform {} · {} · attempt {}",
                record.mode.as_str(),
                record.project,
                attempt.attempt
            );
            commands.push(log_group(&title, &attempt.terraform.log_tail));
        }
    }
    commands.extend(records.iter().filter_map(failure_annotation));
    commands
}

/// The error annotation for a failed project, `None` for a successful one.
pub fn failure_annotation(record: &RunRecord) -> Option<String> {
    if record.outcome != Outcome::Failed {
        return None;
    }
    let reason = failure_line(record)?;
    Some(format!(
        "{}\n",
        error_annotation(
            &format!("agentlab {} {}", record.mode.as_str(), record.project),
            &reason,
        )
    ))
}

/// One line per project for the terminal.
pub fn terminal_line(record: &RunRecord) -> String {
    if let Some(findings) = &record.check {
        return check_terminal_line(record, findings);
    }
    let changes = record
        .attempts
        .last()
        .map(|attempt| attempt.terraform.changes)
        .unwrap_or_default();
    let counts = crate::render::changes::counts_words(&changes);
    match record.outcome {
        Outcome::Success => format!(
            "{}: success after {} ({counts})",
            record.project,
            attempts_words(record.attempts.len())
        ),
        Outcome::Failed => format!(
            "{}: FAILED after {}: {}",
            record.project,
            attempts_words(record.attempts.len()),
            failure_line(record).unwrap_or_else(|| "no reason recorded".to_string())
        ),
    }
}

/// A check's line: the verdict words, then what they are about (the error first when the check could not run).
fn check_terminal_line(record: &RunRecord, findings: &crate::contracts::CheckFindings) -> String {
    let words = crate::render::check::check_words(record);
    let mut facts = Vec::new();
    if let Some(error) = &findings.error {
        facts.push(error.clone());
    }
    if findings.is_drifted() {
        facts.push(format!(
            "would change {}",
            findings.drifted_resources.join(", ")
        ));
    }
    if findings.is_unhealthy() {
        let mut failed = format!("failed {}", findings.failed_checks.join(", "));
        if !findings.unhealthy_guests.is_empty() {
            failed.push_str(&format!(" for {}", findings.unhealthy_guests.join(", ")));
        }
        facts.push(failed);
    }
    if facts.is_empty() {
        format!("{}: {words}", record.project)
    } else {
        format!("{}: {words}: {}", record.project, facts.join("; "))
    }
}

/// "1 attempt", "3 attempts".
fn attempts_words(count: usize) -> String {
    format!("{count} attempt{}", if count == 1 { "" } else { "s" })
}
