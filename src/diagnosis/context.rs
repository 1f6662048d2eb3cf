//! What the diagnoser is shown about a failure: numbered evidence items, redacted and fitted to a token budget.
//!
//! The items are the failing phase, each Terraform error, the log tail, each failed validator check, the
//! Planner's state log and the project's `.tf` and `.tfvars` files; they are numbered `E1`, `E2`, ... so that a
//! hypothesis can cite them and a citation can be checked. Hypotheses already tried are listed as ruled out.
//! Every text passes through the redactor first, including the values of variables the project itself declares
//! `sensitive`. When it is all too long, the log and the files lose their middle — never the lines that carry an
//! error — and the prompt says how many tokens were kept and dropped. The budget is a hard cap on the prompt:
//! with hundreds of errors the first is kept whole and the rest that do not fit are left out and named.

use std::path::Path;

use crate::contracts::{CheckStatus, CitedEvidence, DiagnosisRequest, Hypothesis};
use crate::planner::category_policy::IncidentFacts;
use crate::redact::Redactor;

use super::project_files::{ProjectFile, read_project_files, sensitive_values};
use super::prompt::{SimilarFailure, answer_rules, similar_failures_block};

/// The longest excerpt of a cited item kept in the diagnosis: its first line, enough to know which item it was.
const EXCERPT_CHARS: usize = 160;

/// Tokens are estimated as characters / 4: close enough for English and logs, and needs no tokenizer.
pub const CHARS_PER_TOKEN: usize = 4;

/// The default of `[llm] token_budget`.
pub const DEFAULT_TOKEN_BUDGET: usize = 6_000;

/// What kind of thing an evidence item is; the catalogue looks at errors and logs, not at source files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    Phase,
    TerraformError,
    LogTail,
    FailedCheck,
    StateLog,
    ProjectFile,
}

/// One numbered piece of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceItem {
    pub id: String,
    pub kind: EvidenceKind,
    pub title: String,
    pub text: String,
}

/// The assembled, redacted, budgeted context of one diagnosis.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisContext {
    pub items: Vec<EvidenceItem>,
    /// Hypotheses of earlier attempts, redacted, shown as ruled out.
    pub ruled_out: Vec<Hypothesis>,
    pub kept_tokens: usize,
    pub dropped_tokens: usize,
    /// Titles of the evidence items left out whole to keep the prompt within the budget (the prompt says so).
    pub left_out: Vec<String>,
    /// The catalogue's closest signatures, set by the diagnosis chain when the catalogue was asked and recognised
    /// nothing; shown as hints.
    pub similar: Vec<SimilarFailure>,
    /// What the run itself shows, which narrows the category rows the model may answer with.
    pub facts: IncidentFacts,
}

impl DiagnosisContext {
    /// Builds the context of `request`, redacting with `redactor` plus the project's own sensitive values.
    pub fn assemble(request: &DiagnosisRequest, redactor: &Redactor, token_budget: usize) -> Self {
        let files = read_project_files(&request.dir);
        let mut redactor = redactor.clone();
        for value in sensitive_values(&files) {
            redactor.add_secret(&value);
        }
        let mut drafts = evidence_drafts(request, &files);
        for draft in &mut drafts {
            draft.text = redactor.redact(&draft.text);
            draft.title = redactor.redact(&draft.title);
        }
        let original_tokens: usize = drafts.iter().map(|draft| tokens(&draft.text)).sum();
        let left_out = fit_to_budget(&mut drafts, token_budget);
        let kept_tokens: usize = drafts.iter().map(|draft| tokens(&draft.text)).sum();
        let items = drafts
            .into_iter()
            .filter(|draft| !draft.text.is_empty())
            .enumerate()
            .map(|(index, draft)| EvidenceItem {
                id: format!("E{}", index + 1),
                kind: draft.kind,
                title: draft.title,
                text: draft.text,
            })
            .collect();
        let ruled_out = request
            .previous
            .iter()
            .map(|hypothesis| Hypothesis {
                root_cause: redactor.redact(&hypothesis.root_cause),
                ..hypothesis.clone()
            })
            .collect();
        Self {
            items,
            ruled_out,
            kept_tokens,
            dropped_tokens: original_tokens.saturating_sub(kept_tokens),
            left_out,
            similar: Vec::new(),
            facts: incident_facts(request),
        }
    }

    pub fn evidence_ids(&self) -> Vec<String> {
        self.items.iter().map(|item| item.id.clone()).collect()
    }

    /// The items `ids` name, each with its title and first line, for the texts that print the ids: an id this
    /// context never presented is left out (the answer's validation refuses those anyway).
    pub fn cited(&self, ids: &[String]) -> Vec<CitedEvidence> {
        ids.iter()
            .filter_map(|id| self.items.iter().find(|item| &item.id == id))
            .map(|item| CitedEvidence {
                id: item.id.clone(),
                title: item.title.clone(),
                excerpt: crate::render::shorten(telling_line(&item.text), EXCERPT_CHARS),
            })
            .collect()
    }

    /// The first error: the first Terraform error, else the first failed check.
    pub fn first_error(&self) -> Option<&EvidenceItem> {
        self.items
            .iter()
            .find(|item| item.kind == EvidenceKind::TerraformError)
            .or_else(|| {
                self.items
                    .iter()
                    .find(|item| item.kind == EvidenceKind::FailedCheck)
            })
    }

    /// The user message: the failing phase and the first error first, then every item under its id, the hints,
    /// the ruled-out hypotheses, the budget note and the answer's rules last.
    pub fn render_prompt(&self) -> String {
        let mut prompt = String::from("A Terraform run failed.\n");
        if let Some(phase) = self
            .items
            .iter()
            .find(|item| item.kind == EvidenceKind::Phase)
        {
            prompt.push_str(&format!("Failing phase ({}): {}\n", phase.id, phase.text));
        }
        let first = self.first_error();
        // The items that carry the error itself: Terraform's errors, else the failed checks.
        let carriers: Vec<&str> = first.map_or_else(Vec::new, |first| {
            self.items
                .iter()
                .filter(|item| item.kind == first.kind)
                .map(|item| item.id.as_str())
                .collect()
        });
        if let Some(first) = first {
            prompt.push_str(&format!(
                "First error: {} · {} ({} in all: {})\n{}\n",
                first.id,
                first.title,
                if first.kind == EvidenceKind::TerraformError {
                    "Terraform errors"
                } else {
                    "failed checks"
                },
                carriers.join(", "),
                excerpt(&first.text, FIRST_ERROR_EXCERPT_CHARS)
            ));
        }
        prompt.push_str("\nThe numbered evidence follows.\n\n");
        let mut not_repeated_tokens = 0;
        for item in &self.items {
            // When other items carry the error, the log tail around it (init, plan, "Creating...") only repeats
            // it at length, and a small model reads the noise instead of the error. It stays in the context (the
            // catalogue reads it) and in the run record; only the prompt leaves it out.
            let text = if item.kind == EvidenceKind::LogTail && !carriers.is_empty() {
                not_repeated_tokens += tokens(&item.text);
                format!(
                    "(not repeated here: {} log lines; the error is in {} above)",
                    item.text.lines().count(),
                    carriers.join(", ")
                )
            } else {
                item.text.clone()
            };
            prompt.push_str(&format!(
                "=== {} · {} ===\n{}\n\n",
                item.id, item.title, text
            ));
        }
        prompt.push_str(&similar_failures_block(&self.similar));
        if self.ruled_out.is_empty() {
            prompt.push_str("No hypothesis has been tried yet in this run.\n");
        } else {
            prompt.push_str("Ruled out (already tried in this run and the failure persisted; do not propose these again):\n");
            for (index, hypothesis) in self.ruled_out.iter().enumerate() {
                prompt.push_str(&format!(
                    "- {}. {} / {}: {}\n",
                    index + 1,
                    hypothesis.category.as_str(),
                    hypothesis.remediation.action_name(),
                    hypothesis.root_cause
                ));
            }
        }
        // The budget line counts what this prompt shows: a log tail it does not repeat is in neither number.
        prompt.push_str(&format!(
            "\nContext budget: {} tokens kept, {} tokens dropped (long logs and files lost their middle; error lines were kept){}.\n",
            self.kept_tokens.saturating_sub(not_repeated_tokens),
            self.dropped_tokens,
            if not_repeated_tokens > 0 {
                format!("; the log tail ({not_repeated_tokens} tokens) is not repeated")
            } else {
                String::new()
            }
        ));
        if !self.left_out.is_empty() {
            const LISTED: usize = 5;
            let listed: Vec<&str> = self
                .left_out
                .iter()
                .take(LISTED)
                .map(String::as_str)
                .collect();
            prompt.push_str(&format!(
                "Left out whole to stay within the budget: {} evidence item(s) ({}{}); the first error is shown whole.\n",
                self.left_out.len(),
                listed.join("; "),
                if self.left_out.len() > LISTED { "; …" } else { "" }
            ));
        }
        prompt.push('\n');
        if let Some(words) = first.and_then(|first| own_words(&first.text)) {
            prompt.push_str(&format!("The first error in its own words: {words}\n"));
        }
        prompt.push_str(&answer_rules(
            first.map(|item| item.id.as_str()),
            &self.evidence_ids(),
        ));
        prompt
    }
}

/// The line of an item that says the most: the first that names an error (a log tail opens with "Initializing
/// the backend..."), else the first that is not empty.
fn telling_line(text: &str) -> &str {
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    let first = lines.clone().next().unwrap_or_default();
    lines
        .find(|line| line.to_ascii_lowercase().contains("error"))
        .unwrap_or(first)
}

#[derive(Debug, Clone)]
struct Draft {
    kind: EvidenceKind,
    title: String,
    text: String,
}

/// What `request` itself shows: whether a validator check failed (and whether after Terraform succeeded), and at how
/// many distinct resources Terraform failed.
fn incident_facts(request: &DiagnosisRequest) -> IncidentFacts {
    let terraform = &request.terraform;
    let check_failed = request.validation.as_ref().is_some_and(|validation| {
        validation
            .checks
            .iter()
            .any(|check| check.status == CheckStatus::Fail)
    });
    let found_by_validator = terraform.ok && check_failed;
    let failed_resources = terraform
        .errors()
        .filter_map(|error| error.address.as_deref())
        .collect::<std::collections::BTreeSet<&str>>()
        .len();
    IncidentFacts {
        found_by_validator,
        check_failed,
        failed_resources,
    }
}

fn evidence_drafts(request: &DiagnosisRequest, files: &[ProjectFile]) -> Vec<Draft> {
    let terraform = &request.terraform;
    let mut drafts = Vec::new();
    let phase = format!("{:?}", terraform.phase).to_lowercase();
    let failing = if terraform.ok {
        "validation".to_string()
    } else {
        format!("terraform {phase}")
    };
    drafts.push(Draft {
        kind: EvidenceKind::Phase,
        title: "failing phase".into(),
        text: format!(
            "project {}, {} run, attempt {}: {failing} failed (last Terraform phase: {phase}, exit code {})",
            request.project,
            request.mode.as_str(),
            request.attempt,
            terraform
                .exit_code
                .map_or_else(|| "none (stopped by a signal)".to_string(), |code| code.to_string())
        ),
    });
    for error in terraform.errors() {
        let mut text = error.summary.clone();
        if !error.detail.trim().is_empty() {
            text.push('\n');
            text.push_str(error.detail.trim());
        }
        drafts.push(Draft {
            kind: EvidenceKind::TerraformError,
            title: match &error.address {
                Some(address) => format!("Terraform error at {address}"),
                None => "Terraform error".into(),
            },
            text,
        });
    }
    if !terraform.log_tail.is_empty() {
        drafts.push(Draft {
            kind: EvidenceKind::LogTail,
            title: "Terraform stderr and log tail".into(),
            text: terraform.log_tail.join("\n"),
        });
    }
    if let Some(validation) = &request.validation {
        for check in validation
            .checks
            .iter()
            .filter(|check| check.status == CheckStatus::Fail)
        {
            let mut text = check.detail.clone();
            for line in &check.evidence {
                text.push_str("\n- ");
                text.push_str(line);
            }
            if check.name == crate::contracts::CheckName::Resources {
                text.push_str("\nresource addresses Terraform reports:");
                for address in &terraform.resource_addresses {
                    text.push_str("\n- ");
                    text.push_str(address);
                }
            }
            drafts.push(Draft {
                kind: EvidenceKind::FailedCheck,
                title: format!("failed validator check `{}`", check.name.as_str()),
                text,
            });
        }
    }
    if !request.transitions.is_empty() {
        let log = request
            .transitions
            .iter()
            .map(|t| format!("{} -> {}: {}", t.from.as_str(), t.to.as_str(), t.reason))
            .collect::<Vec<_>>()
            .join("\n");
        drafts.push(Draft {
            kind: EvidenceKind::StateLog,
            title: "Planner state log".into(),
            text: log,
        });
    }
    for file in files {
        drafts.push(Draft {
            kind: EvidenceKind::ProjectFile,
            title: format!("project file {}", display_name(&file.relative_path)),
            text: file.text.clone(),
        });
    }
    drafts
}

fn display_name(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub fn tokens(text: &str) -> usize {
    text.len().div_ceil(CHARS_PER_TOKEN)
}

/// Shrinks the drafts until their total fits `budget`, a hard cap on the prompt whatever the number of errors.
/// Phase, errors and failed checks are what the diagnosis is about: the first error is kept whole (up to half the
/// budget), the others trimmed (middle out, error lines kept) to a third of the budget each and taken in order
/// while they fit; those that do not fit are left out whole and their titles returned, for the prompt to say so.
/// The log tail may use half of what is left, the state log a little, the files the rest; a file that would keep
/// less than a useful minimum is dropped whole. Each item's header counts against the budget too.
fn fit_to_budget(drafts: &mut [Draft], budget: usize) -> Vec<String> {
    let cost = |draft: &Draft| tokens(&draft.text) + tokens(&draft.title) + ITEM_OVERHEAD_TOKENS;
    let total: usize = drafts.iter().map(cost).sum();
    if total + PROMPT_OVERHEAD_TOKENS <= budget {
        return Vec::new();
    }
    let essential_cap = (budget / 3).max(64);
    let first_error_cap = (budget / 2).max(64);
    let first_error = drafts
        .iter()
        .position(|draft| draft.kind == EvidenceKind::TerraformError);
    let mut essential_left = budget.saturating_sub(PROMPT_OVERHEAD_TOKENS);
    let mut left_out = Vec::new();
    // The first error before every other item, then the rest in their order.
    let order: Vec<usize> = first_error
        .into_iter()
        .chain((0..drafts.len()).filter(|index| Some(*index) != first_error))
        .collect();
    for index in order {
        let draft = &mut drafts[index];
        if !is_essential(draft.kind) {
            continue;
        }
        let cap = if Some(index) == first_error {
            first_error_cap
        } else {
            essential_cap
        };
        draft.text = hard_cut(&trim_middle(&draft.text, cap), cap);
        let needed = cost(draft);
        if needed <= essential_left {
            essential_left -= needed;
        } else {
            left_out.push(draft.title.clone());
            draft.text.clear();
        }
    }
    let mut left = essential_left;
    let state_log_share = left / 8;
    for draft in drafts
        .iter_mut()
        .filter(|d| d.kind == EvidenceKind::StateLog)
    {
        let share = state_log_share.saturating_sub(tokens(&draft.title) + ITEM_OVERHEAD_TOKENS);
        draft.text = hard_cut(&trim_middle(&draft.text, share), share);
        left = left.saturating_sub(cost(draft));
    }
    let has_files = drafts.iter().any(|d| d.kind == EvidenceKind::ProjectFile);
    let log_share = if has_files { left / 2 } else { left };
    for draft in drafts
        .iter_mut()
        .filter(|d| d.kind == EvidenceKind::LogTail)
    {
        let share = log_share.saturating_sub(tokens(&draft.title) + ITEM_OVERHEAD_TOKENS);
        draft.text = hard_cut(&trim_middle(&draft.text, share), share);
        left = left.saturating_sub(cost(draft));
    }
    const MINIMUM_USEFUL_FILE_TOKENS: usize = 48;
    let mut files: Vec<&mut Draft> = drafts
        .iter_mut()
        .filter(|d| d.kind == EvidenceKind::ProjectFile)
        .collect();
    // Small files first, so that one huge file does not crowd out the others.
    files.sort_by_key(|d| d.text.len());
    let count = files.len();
    for (index, draft) in files.into_iter().enumerate() {
        let share = left / (count - index).max(1);
        if share < MINIMUM_USEFUL_FILE_TOKENS {
            draft.text.clear();
            continue;
        }
        let share = share.saturating_sub(tokens(&draft.title) + ITEM_OVERHEAD_TOKENS);
        draft.text = hard_cut(&trim_middle(&draft.text, share), share);
        left = left.saturating_sub(cost(draft));
    }
    left_out
}

/// Tokens of an item's header (`=== E12 · … ===` and the blank lines around it), besides its title.
const ITEM_OVERHEAD_TOKENS: usize = 6;

/// Tokens of the prompt's fixed text: its opening lines, the first error's excerpt and its own words, the hints,
/// the ruled-out list's heading, the budget notes and the answer's rules.
const PROMPT_OVERHEAD_TOKENS: usize = 150
    + (FIRST_ERROR_EXCERPT_CHARS + OWN_WORDS_CHARS) / CHARS_PER_TOKEN
    + HINT_TOKENS
    + ANSWER_RULES_TOKENS;

/// The first error is quoted at the top of the prompt up to this many characters (it is whole in its item).
const FIRST_ERROR_EXCERPT_CHARS: usize = 400;

/// The hint block: its heading and at most three signatures' explanations.
const HINT_TOKENS: usize = 250;

/// The closing rules, with the list of evidence ids.
const ANSWER_RULES_TOKENS: usize = 100;

/// What a wrapped error says itself: the text after the last "Output: " (a command run by a provisioner) or
/// "Reason: " (an HTTP error the provider wraps), on one line and cut to `OWN_WORDS_CHARS`; `None` when the error
/// is not wrapped (the first error's line already says it). A small model quotes these words in its root cause
/// instead of the wrapper, or of the category's definition.
pub(crate) fn own_words(text: &str) -> Option<String> {
    let flat = one_line(text);
    let start = ["Output: ", "Reason: "]
        .iter()
        .filter_map(|marker| flat.rfind(marker).map(|at| at + marker.len()))
        .max()?;
    let words = flat[start..].trim();
    (!words.is_empty()).then(|| cut(words, OWN_WORDS_CHARS))
}

/// The longest "in its own words" line.
const OWN_WORDS_CHARS: usize = 200;

/// `text` on one line, cut to `limit` characters.
fn excerpt(text: &str, limit: usize) -> String {
    cut(&one_line(text), limit)
}

/// `text` on one line: every run of whitespace, line breaks included, as one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `line` cut to `limit` characters, with an ellipsis when it was longer.
fn cut(line: &str, limit: usize) -> String {
    if line.chars().count() <= limit {
        return line.to_string();
    }
    let head: String = line.chars().take(limit).collect();
    format!("{head}…")
}

/// `text` cut to at most `max_tokens`, keeping its head: `trim_middle` keeps every error line even past its cap,
/// and a hard budget may not.
fn hard_cut(text: &str, max_tokens: usize) -> String {
    let limit = max_tokens * CHARS_PER_TOKEN;
    if text.len() <= limit {
        return text.to_string();
    }
    let marker = "\n… [cut to fit the token budget]";
    let keep = limit.saturating_sub(marker.len());
    let cut = (0..=keep)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("{}{marker}", &text[..cut])
}

fn is_essential(kind: EvidenceKind) -> bool {
    matches!(
        kind,
        EvidenceKind::Phase | EvidenceKind::TerraformError | EvidenceKind::FailedCheck
    )
}

/// Keeps the head and the tail of `text` and every line that carries an error, within `max_tokens` where the
/// error lines allow it (they are kept even past it), and marks each gap with how many lines it hides.
pub fn trim_middle(text: &str, max_tokens: usize) -> String {
    if tokens(text) <= max_tokens {
        return text.to_string();
    }
    const LONGEST_KEPT_LINE: usize = 400;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.len() > LONGEST_KEPT_LINE {
                let cut = (0..=LONGEST_KEPT_LINE)
                    .rev()
                    .find(|i| line.is_char_boundary(*i))
                    .unwrap_or(0);
                format!("{}…", &line[..cut])
            } else {
                line.to_string()
            }
        })
        .collect();
    let budget_chars = max_tokens * CHARS_PER_TOKEN;
    let mut keep = vec![false; lines.len()];
    let mut used = 0usize;
    for (index, line) in lines.iter().enumerate() {
        if is_error_line(line) {
            keep[index] = true;
            used += line.len() + 1;
        }
    }
    let (mut head, mut tail) = (0usize, lines.len());
    let reserve_for_markers = 40;
    loop {
        let mut progressed = false;
        if head < tail {
            if !keep[head] {
                let cost = lines[head].len() + 1;
                if used + cost + reserve_for_markers > budget_chars {
                    break;
                }
                used += cost;
                keep[head] = true;
            }
            head += 1;
            progressed = true;
        }
        if head < tail {
            tail -= 1;
            if !keep[tail] {
                let cost = lines[tail].len() + 1;
                if used + cost + reserve_for_markers > budget_chars {
                    break;
                }
                used += cost;
                keep[tail] = true;
            }
            progressed = true;
        }
        if !progressed {
            break;
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut hidden = 0usize;
    for (line, kept) in lines.iter().zip(&keep) {
        if *kept {
            if hidden > 0 {
                out.push(format!("[... {hidden} lines omitted ...]"));
                hidden = 0;
            }
            out.push(line.clone());
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        out.push(format!("[... {hidden} lines omitted ...]"));
    }
    out.join("\n")
}

fn is_error_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.contains("error")
        || lower.contains("failed")
        || lower.contains("fatal")
        || lower.contains("panic")
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
