//! The deploy timeline posted on the merged pull request: plan → apply → validate (→ diagnosis → retry), one line
//! per step, then the same plan and diagnosis sections as the PR comment.

use crate::contracts::{Attempt, DiagnosisSource, RunRecord, TerraformPhase};
use crate::render::changes::counts_words;
use crate::render::comment::render_record_comment;
use crate::render::sections::{phase_label, remediation_text};
use crate::render::{DetailLevel, RenderOptions, deploy_comment_marker, inline_data};

/// The timeline comment at one detail level: the PR comment's shape under the deploy marker, with the timeline
/// section right under the status line, before the plan details.
pub fn render_deploy_timeline_at(
    record: &RunRecord,
    level: DetailLevel,
    options: &RenderOptions,
) -> String {
    let section = timeline_section(record);
    render_record_comment(
        record,
        &deploy_comment_marker(&record.project),
        level,
        options,
        Some(&section),
    )
}

/// `#### Timeline` and one numbered line per step.
pub fn timeline_section(record: &RunRecord) -> String {
    format!("#### Timeline\n\n{}\n", timeline_lines(record))
}

fn timeline_lines(record: &RunRecord) -> String {
    let mut lines = Vec::new();
    for attempt in &record.attempts {
        lines.extend(attempt_steps(attempt));
    }
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| format!("{}. {line}\n", index + 1))
        .collect()
}

fn attempt_steps(attempt: &Attempt) -> Vec<String> {
    let number = attempt.attempt;
    let terraform = &attempt.terraform;
    let mut steps = Vec::new();
    if let Some(remediation) = &attempt.remediation_applied {
        steps.push(format!(
            "🔁 retry (attempt {number}) with {}",
            remediation_text(remediation)
        ));
    }
    let reached = |phase: TerraformPhase| phase_rank(terraform.phase) >= phase_rank(phase);
    let failed_at = |phase: TerraformPhase| !terraform.ok && terraform.phase == phase;
    if failed_at(TerraformPhase::Init) {
        steps.push(format!(
            "❌ init (attempt {number}){}",
            first_error(attempt)
        ));
    }
    if reached(TerraformPhase::Plan) {
        if failed_at(TerraformPhase::Plan) {
            steps.push(format!(
                "❌ plan (attempt {number}){}",
                first_error(attempt)
            ));
        } else {
            steps.push(format!(
                "✅ plan (attempt {number}): {}",
                counts_words(&terraform.changes)
            ));
        }
    }
    if reached(TerraformPhase::Apply) {
        if failed_at(TerraformPhase::Apply) {
            steps.push(format!(
                "❌ apply (attempt {number}){}",
                first_error(attempt)
            ));
        } else {
            steps.push(format!("✅ apply (attempt {number})"));
        }
    }
    if let Some(validation) = &attempt.validation {
        let failed: Vec<&str> = validation
            .failed_checks()
            .map(|check| check.name.as_str())
            .collect();
        if failed.is_empty() {
            steps.push(format!("✅ validate (attempt {number})"));
        } else {
            steps.push(format!(
                "❌ validate (attempt {number}): {} failed",
                failed.join(", ")
            ));
        }
    }
    if let Some(diagnosis) = &attempt.diagnosis {
        let step = match (&diagnosis.hypothesis, diagnosis.source) {
            (Some(hypothesis), source) => format!(
                "🔎 diagnosis ({}): `{}`, {}",
                if source == DiagnosisSource::Llm {
                    "LLM"
                } else {
                    "catalogue"
                },
                hypothesis.category.as_str(),
                remediation_text(&hypothesis.remediation)
            ),
            (None, _) => "🔎 diagnosis unavailable".to_string(),
        };
        steps.push(step);
    }
    steps
}

fn phase_rank(phase: TerraformPhase) -> u8 {
    match phase {
        TerraformPhase::Init => 0,
        TerraformPhase::Plan => 1,
        TerraformPhase::Apply => 2,
    }
}

fn first_error(attempt: &Attempt) -> String {
    attempt
        .terraform
        .errors()
        .next()
        .map(|diagnostic| format!(": {}", inline_data(&diagnostic.summary)))
        .unwrap_or_else(|| {
            format!(
                ": {} exited with {}",
                phase_label(attempt.terraform.phase),
                attempt
                    .terraform
                    .exit_code
                    .map_or("a signal".to_string(), |code| code.to_string())
            )
        })
}
