//! Markdown for everything agentlab tells people: the sticky PR comment, the deploy timeline on a merged PR, the
//! incident issue and its follow-ups.
//!
//! Every function here is pure: a [`RunRecord`](crate::contracts::RunRecord), a [`DetailLevel`] and
//! [`RenderOptions`] in, a `String` out. Nothing in this room touches the network, the clock or the environment,
//! so the output is snapshot-tested with insta. Which texts a run produces, which level fits GitHub's size limit
//! and the redaction are decided in one place after this room, the Outbox (crate::report).

pub mod changes;
pub mod check;
pub mod comment;
pub mod failure;
pub mod issue;
pub mod prose;
pub mod review;
pub mod sections;
#[cfg(test)]
mod tests;
pub mod timeline;

pub use prose::{plain_text, shorten};

use crate::contracts::{Outcome, RunRecord};

/// GitHub refuses an issue or PR comment body over 65,536 characters, and its documentation and behaviour
/// disagree on how they are counted, so comments aim well below it.
pub const COMMENT_BUDGET_CHARS: usize = 60_000;

/// `$GITHUB_STEP_SUMMARY` takes at most 1 MiB per step; a little is kept back for the truncation note.
pub const STEP_SUMMARY_BUDGET_BYTES: usize = 1024 * 1024 - 1024;

/// How much of a plan a comment shows. The Outbox starts at [`DetailLevel::Full`] and steps down while the text
/// is over budget; the posting code also steps down when GitHub answers 422 anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DetailLevel {
    /// Attribute-level before/after for every changed resource.
    Full,
    /// Resource addresses and actions, no attributes.
    AddressesOnly,
    /// Change counts only.
    CountsOnly,
}

impl DetailLevel {
    /// The next smaller level, `None` below counts.
    pub fn smaller(self) -> Option<Self> {
        match self {
            Self::Full => Some(Self::AddressesOnly),
            Self::AddressesOnly => Some(Self::CountsOnly),
            Self::CountsOnly => None,
        }
    }
}

/// What a rendering needs besides the record and the level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Where the full text can be read when a comment had to leave something out (Markdown), e.g. "the step
    /// summary of [this run](...) and the `agentlab-record` artifact".
    pub full_text_location: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            full_text_location: "the run's step summary and its run record".to_string(),
        }
    }
}

/// The hidden marker that identifies a project's sticky PR comment, so later runs find and edit it.
pub fn pr_comment_marker(project: &str) -> String {
    format!("<!-- agentlab:plan project={} -->", marker_safe(project))
}

/// The hidden marker of a project's deploy timeline comment on the merged pull request.
pub fn deploy_comment_marker(project: &str) -> String {
    format!("<!-- agentlab:deploy project={} -->", marker_safe(project))
}

/// Project names come from config; keep them from closing the HTML comment early.
pub(crate) fn marker_safe(text: &str) -> String {
    text.replace("--", "-\u{2060}-").replace('>', "&gt;")
}

/// The one-line verdict: what happened, and whether a retry was needed to get there.
pub fn status_line(record: &RunRecord) -> String {
    let mode = record.mode.as_str();
    let project = &record.project;
    let attempts = record.attempts.len();
    match record.outcome {
        Outcome::Success if attempts > 1 => {
            format!("### 🔁 agentlab {mode} · `{project}` recovered after {attempts} attempts")
        }
        Outcome::Success => format!("### ✅ agentlab {mode} · `{project}` succeeded"),
        Outcome::Failed => format!("### ❌ agentlab {mode} · `{project}` failed"),
    }
}

/// Escapes text for a Markdown table cell: one line, no column breaks.
pub fn table_cell(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.replace('|', "\\|")
}

/// Inline code that survives backticks inside the text.
pub fn inline_code(text: &str) -> String {
    let longest_run = longest_backtick_run(text);
    let fence = "`".repeat(longest_run + 1);
    if longest_run == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

/// Text from outside agentlab (Terraform's errors, which a provider, a provisioner or a `.tf` file can fill with
/// anything, instructions to a model included) as one line of inline code in a list item: shown as data, so
/// Markdown, HTML comments, mentions and links in it are never rendered or acted on.
pub fn inline_data(text: &str) -> String {
    inline_code(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A fenced code block whose fence is longer than any backtick run inside, so log text cannot close it early.
pub fn code_block(language: &str, text: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(text).max(2) + 1);
    let body = text.trim_end_matches('\n');
    format!("{fence}{language}\n{body}\n{fence}\n")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Dollars with four decimals: incident costs are fractions of a cent.
pub fn dollars(amount: f64) -> String {
    // A sum over no calls is -0.0 in floating point; nobody should read "$-0.0000".
    let amount = if amount == 0.0 { 0.0 } else { amount };
    format!("${amount:.4}")
}

/// The first 7 characters of a commit SHA, as GitHub shows them.
pub fn short_sha(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

/// Cuts a Markdown text to `budget` characters at a line boundary and says so. Only the last resort, after the
/// detail levels: it keeps the head (status, banner, counts) and the note names where the rest is.
pub fn cut_to_budget(text: &str, budget: usize, full_text_location: &str) -> String {
    if text.chars().count() <= budget {
        return text.to_string();
    }
    let note = format!(
        "\n\n> [!NOTE]\n> This text was cut to fit GitHub's size limit. The full text is in {full_text_location}.\n"
    );
    let room = budget.saturating_sub(note.chars().count() + 16);
    let mut kept = String::new();
    // Counted as lines are added: counting `kept` again for every line was quadratic in the budget (a second
    // and more at a step summary's quarter of a million characters).
    let mut kept_chars = 0;
    let mut open_fence: Option<&str> = None;
    for line in text.lines() {
        let line_chars = line.chars().count();
        if kept_chars + line_chars + 1 > room {
            break;
        }
        kept.push_str(line);
        kept.push('\n');
        kept_chars += line_chars + 1;
        let backticks = line.len() - line.trim_start_matches('`').len();
        if backticks >= 3 {
            match open_fence {
                Some(fence) if line.trim_end() == fence => open_fence = None,
                Some(_) => {}
                None => open_fence = Some(&line[..backticks]),
            }
        }
    }
    // A cut inside a code fence or <details> would swallow the note; close what is still open.
    if let Some(fence) = open_fence {
        kept.push_str(fence);
        kept.push('\n');
    }
    let open_details = kept.matches("<details>").count();
    let closed_details = kept.matches("</details>").count();
    for _ in closed_details..open_details {
        kept.push_str("</details>\n");
    }
    kept.push_str(&note);
    kept
}
