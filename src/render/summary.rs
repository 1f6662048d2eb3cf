//! The Actions step summary: every project's comment in full detail, one after another, within the 1 MiB a step
//! summary may hold. It is where a trimmed PR comment points for the full text.

use crate::contracts::{RunMode, RunRecord};
use crate::render::comment::render_pr_comment;
use crate::render::timeline::render_deploy_timeline;
use crate::render::{RenderOptions, STEP_SUMMARY_BUDGET_BYTES, cut_to_budget};

pub fn render_step_summary(records: &[RunRecord], full_text_location: &str) -> String {
    let options = RenderOptions {
        // The summary's limit is in bytes; a character budget of the same number could overshoot with
        // multi-byte text, so the cut below works on the byte length.
        budget_chars: usize::MAX,
        full_text_location: full_text_location.to_string(),
    };
    let mut text = String::new();
    for record in records {
        let part = match record.mode {
            RunMode::Plan => render_pr_comment(record, &options),
            RunMode::Deploy => render_deploy_timeline(record, &options),
        };
        text.push_str(&part);
        text.push('\n');
    }
    if text.len() <= STEP_SUMMARY_BUDGET_BYTES {
        return text;
    }
    // Characters are at most four bytes: a character budget of a quarter of the bytes always fits.
    cut_to_budget(&text, STEP_SUMMARY_BUDGET_BYTES / 4, full_text_location)
}
