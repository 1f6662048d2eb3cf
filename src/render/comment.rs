//! The sticky PR comment: one per project, found again by its hidden marker and edited in place.
//!
//! Layout: marker, status line, failure reason, change counts, the destroy banner, the changed resources in
//! `<details>`, the validator table, the diagnosis when there is one, and the footer. When the text is over the
//! budget it is rendered again with less detail (full → addresses only → counts only), and the comment says what
//! was left out and where the full text is.

use crate::contracts::RunRecord;
use crate::render::changes::{changed_resources_section, counts_line, destroy_banner};
use crate::render::sections::{diagnosis_section, footer, validation_table};
use crate::render::{
    DetailLevel, RenderOptions, cut_to_budget, pr_comment_marker, status_line, table_cell,
};

/// The PR comment at the most detailed level that fits the budget.
pub fn render_pr_comment(record: &RunRecord, options: &RenderOptions) -> String {
    fit_to_budget(options, |level| {
        render_pr_comment_at(record, &pr_comment_marker(&record.project), level, options)
    })
}

/// Renders at decreasing detail until `render` fits `options.budget_chars`, then cuts as a last resort.
pub fn fit_to_budget(options: &RenderOptions, render: impl Fn(DetailLevel) -> String) -> String {
    let mut level = DetailLevel::Full;
    loop {
        let text = render(level);
        if text.chars().count() <= options.budget_chars {
            return text;
        }
        match level.smaller() {
            Some(smaller) => level = smaller,
            None => {
                return cut_to_budget(&text, options.budget_chars, &options.full_text_location);
            }
        }
    }
}

/// The PR comment at one detail level, with `marker` as its first line. Deploy timelines reuse it under their own
/// marker; the posting code calls it directly when GitHub refuses a body as too long.
pub fn render_pr_comment_at(
    record: &RunRecord,
    marker: &str,
    level: DetailLevel,
    options: &RenderOptions,
) -> String {
    let mut text = format!("{marker}\n{}\n\n", status_line(record));
    if let Some(reason) = &record.failure_reason {
        text.push_str(&format!("**Why:** {}\n\n", table_cell(reason)));
    }
    if let Some(attempt) = record.last_attempt() {
        let terraform = &attempt.terraform;
        if terraform.ok || !terraform.resource_changes.is_empty() {
            text.push_str(&counts_line(&terraform.changes));
            text.push_str("\n\n");
        }
        let banner = destroy_banner(terraform, level);
        if !banner.is_empty() {
            text.push_str(&banner);
            text.push('\n');
        }
        let changed = changed_resources_section(terraform, level);
        if !changed.is_empty() {
            text.push_str(&changed);
            text.push('\n');
        }
        if let Some(validation) = &attempt.validation {
            text.push_str(&validation_table(validation));
            text.push('\n');
        }
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
    text.push_str(&footer(record));
    text
}

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
