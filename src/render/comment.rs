//! The sticky PR comment: one per project, found again by its hidden marker and edited in place.
//!
//! Layout: marker, status line, failure reason, change counts, the destroy banner, the changed resources in
//! `<details>`, the validator table, the diagnosis when there is one, and the footer. It is rendered at one
//! [`DetailLevel`] at a time: which level fits GitHub's size limit is decided by the Outbox (crate::report), and
//! a smaller level says what it left out and where the full text is.

use crate::contracts::RunRecord;
use crate::contracts::{Refusal, RefusalKind};
use crate::render::changes::{counts_line, destroy_banner, push_changed_resources_section};
use crate::render::failure::why_paragraphs;
use crate::render::sections::{diagnosis_section, footer, validation_table};
use crate::render::{DetailLevel, RenderOptions, inline_code, inline_data, status_line};

/// The PR comment at one detail level, with `marker` as its first line.
pub fn render_pr_comment_at(
    record: &RunRecord,
    marker: &str,
    level: DetailLevel,
    options: &RenderOptions,
) -> String {
    render_record_comment(record, marker, level, options, None)
}

/// A record's comment under `marker`: the status line, then `lead_section` when there is one (the deploy
/// timeline puts its steps there), then the plan, the validator table, the diagnoses and the footer.
pub fn render_record_comment(
    record: &RunRecord,
    marker: &str,
    level: DetailLevel,
    options: &RenderOptions,
    lead_section: Option<&str>,
) -> String {
    let mut text = format!("{marker}\n");
    // Only the plan comment vouches for a reviewed plan; a timeline on the same pull request never does.
    if record.mode == crate::contracts::RunMode::Plan
        && let Some(line) = super::review::review_line(record)
    {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&status_line(record));
    text.push_str("\n\n");
    // The error first: a failed run says what failed before its timeline and everything else.
    text.push_str(&why_paragraphs(record, "Why"));
    if let Some(section) = lead_section {
        text.push_str(section);
    }
    if let Some(refusal) = record
        .last_attempt()
        .and_then(|attempt| attempt.terraform.refusal.as_ref())
    {
        text.push_str(&refusal_section(record, refusal));
    }
    // The plan shown is the first one made, the one reviewers saw; retries' plans are in the timeline, so the
    // banner never announces destroys that the first plan did not ask for.
    if let Some(planned) = record
        .attempts
        .iter()
        .find(|attempt| {
            attempt.terraform.plan_identity.is_some()
                || !attempt.terraform.resource_changes.is_empty()
        })
        .or(record.attempts.first())
    {
        let terraform = &planned.terraform;
        if terraform.ok || !terraform.resource_changes.is_empty() {
            text.push_str(&counts_line(&terraform.changes));
            text.push_str("\n\n");
        }
        let banner = destroy_banner(terraform, level);
        if !banner.is_empty() {
            text.push_str(&banner);
            text.push('\n');
        }
        let before = text.len();
        push_changed_resources_section(&mut text, terraform, level);
        if text.len() > before {
            text.push('\n');
        }
    }
    if let Some(validation) = record
        .last_attempt()
        .and_then(|attempt| attempt.validation.as_ref())
    {
        text.push_str(&validation_table(validation));
        text.push('\n');
    }
    for attempt in &record.attempts {
        if let Some(diagnosis) = &attempt.diagnosis {
            text.push_str(&diagnosis_section(attempt, diagnosis));
            text.push('\n');
        }
    }
    if let Some(note) = left_out_note(level, &options.full_text_location) {
        text.push_str(&note);
    }
    if record.mode == crate::contracts::RunMode::Plan
        && let Some(note) = &record.context.configuration_note
    {
        text.push_str(&format!("_{}_\n", note.trim()));
    }
    text.push_str(&footer(record));
    text
}

/// What the apply guard refused, what differs, and how a person applies it after looking.
fn refusal_section(record: &RunRecord, refusal: &Refusal) -> String {
    let title = match refusal.kind {
        RefusalKind::PlanChangedSinceReview => "The plan changed since review: nothing was applied",
        RefusalKind::Unreviewed => "No reviewed plan: nothing was applied",
        RefusalKind::DestroysOutsideReview => {
            "The retry would destroy what the reviewed plan keeps: nothing was applied"
        }
    };
    let mut text = format!("#### {title}\n\n");
    if !refusal.details.is_empty() {
        let listed = match refusal.kind {
            RefusalKind::PlanChangedSinceReview => "What differs from the reviewed plan:",
            RefusalKind::Unreviewed => "The plan that was not applied:",
            RefusalKind::DestroysOutsideReview => "What it would have destroyed or replaced:",
        };
        text.push_str(listed);
        text.push_str("\n\n");
        for detail in refusal.details.iter().take(MAX_REFUSAL_DETAILS) {
            text.push_str(&format!("- {}\n", inline_data(detail)));
        }
        if refusal.details.len() > MAX_REFUSAL_DETAILS {
            text.push_str(&format!(
                "- … and {} more\n",
                refusal.details.len() - MAX_REFUSAL_DETAILS
            ));
        }
        text.push('\n');
    }
    if refusal.kind != RefusalKind::DestroysOutsideReview {
        text.push_str(&format!(
            "To apply it after looking: run the deploy workflow by hand with its `allow-unreviewed` input, or \
             {} on the runner; or open a pull request so the plan is reviewed again.\n\n",
            inline_code(&format!(
                "agentlab deploy --project {} --allow-unreviewed",
                record.project
            ))
        ));
    }
    text
}

/// A refusal lists at most this many differences; the record holds them all.
const MAX_REFUSAL_DETAILS: usize = 40;

/// Says what a smaller detail level left out, so nobody takes a short comment for a small plan.
pub fn left_out_note(level: DetailLevel, full_text_location: &str) -> Option<String> {
    let left_out = match level {
        DetailLevel::Full => return None,
        DetailLevel::AddressesOnly => "the attribute-level changes",
        DetailLevel::CountsOnly => "the list of changed resources and their attributes",
    };
    Some(format!(
        "> [!NOTE]\n> To stay under GitHub's comment size limit, {left_out} were left out here. The full text is in {full_text_location}.\n"
    ))
}
