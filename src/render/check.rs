//! The texts of a scheduled check (mode `check`): the drift issue (what the plan would change, rendered like a
//! pull request's plan), the health issue (which guest, which check, the evidence), the comment added to an open
//! one when what is wrong changed, the comment that closes it, and the full-detail text of one project's check
//! for the step summary.
//!
//! One open issue per project and problem kind. The body opens with a hidden marker naming the kind and the
//! project (found again by the posting code, among agentlab's own issues only), then a hidden state line carrying
//! since when the problem stands and a short digest of what is wrong, which the next check reads back to keep the
//! date and to comment only when the digest changed. Pure: the time comes in as a number.

use crate::contracts::{CheckFindings, CheckVerdict, DiagnosisSource, RunRecord};
use crate::render::changes::{changed_resources_section, counts_line};
use crate::render::sections::{attempt_error, diagnosis_section, footer, validation_table};
use crate::render::{DetailLevel, RenderOptions, code_block, inline_code, marker_safe};

/// The label of every drift issue.
pub const DRIFT_LABEL: &str = "agentlab-drift";
/// The label of every health issue.
pub const HEALTH_LABEL: &str = "agentlab-health";

/// The two problems a check files an issue about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    Drift,
    Health,
}

impl ProblemKind {
    pub const ALL: [Self; 2] = [Self::Drift, Self::Health];

    pub fn label(self) -> &'static str {
        match self {
            Self::Drift => DRIFT_LABEL,
            Self::Health => HEALTH_LABEL,
        }
    }

    /// `drift` or `health`: the marker word and the preview file's kind.
    pub fn word(self) -> &'static str {
        match self {
            Self::Drift => "drift",
            Self::Health => "health",
        }
    }

    /// Whether `findings` show this problem.
    pub fn present_in(self, findings: &CheckFindings) -> bool {
        match self {
            Self::Drift => findings.is_drifted(),
            Self::Health => findings.is_unhealthy(),
        }
    }
}

/// The hidden first line of a project's issue of `kind`.
pub fn problem_issue_marker(kind: ProblemKind, project: &str) -> String {
    format!(
        "<!-- agentlab:{} project={} -->",
        kind.word(),
        marker_safe(project)
    )
}

/// The hidden second line: since when (Unix seconds) and a digest of what is wrong.
pub fn problem_state_line(since_unix: u64, digest: &str) -> String {
    format!(
        "<!-- agentlab:check-state since={since_unix} problem={} -->",
        marker_safe(digest)
    )
}

/// Reads [`problem_state_line`] back from an issue body: `(since, digest)`.
pub fn parse_problem_state(body: &str) -> Option<(u64, String)> {
    let line = body
        .lines()
        .find_map(|line| line.trim().strip_prefix("<!-- agentlab:check-state "))?;
    let line = line.strip_suffix("-->")?.trim();
    let mut since = None;
    let mut digest = None;
    for part in line.split_whitespace() {
        if let Some(value) = part.strip_prefix("since=") {
            since = value.parse().ok();
        } else if let Some(value) = part.strip_prefix("problem=") {
            digest = Some(value.to_string());
        }
    }
    Some((since?, digest?))
}

/// The marker of the "what is wrong changed" comment one run adds.
pub fn problem_change_comment_marker(run_id: &str) -> String {
    format!("<!-- agentlab:check-change run={} -->", marker_safe(run_id))
}

/// The marker of the comment one run adds before closing the issue.
pub fn problem_resolved_comment_marker(run_id: &str) -> String {
    format!(
        "<!-- agentlab:check-resolved run={} -->",
        marker_safe(run_id)
    )
}

/// `2026-12-01 15:04 UTC` for Unix seconds (the proleptic Gregorian calendar, days from civil).
pub fn utc_minute(unix_seconds: u64) -> String {
    crate::utc::UtcTime::from_unix_seconds(unix_seconds).minute_text()
}

/// The issue title.
pub fn problem_issue_title(kind: ProblemKind, record: &RunRecord) -> String {
    let findings = record.check.as_ref();
    match kind {
        ProblemKind::Drift => {
            let count = findings.map_or(0, |findings| findings.drifted_resources.len());
            let noun = if count == 1 { "resource" } else { "resources" };
            format!(
                "agentlab: `{}` has drifted from its code ({count} {noun})",
                record.project
            )
        }
        ProblemKind::Health => {
            let guests = findings.map_or(0, |findings| findings.unhealthy_guests.len());
            let checks = findings
                .map(|findings| findings.failed_checks.join(", "))
                .unwrap_or_default();
            if guests > 0 {
                let noun = if guests == 1 { "guest" } else { "guests" };
                format!(
                    "agentlab: `{}` is unhealthy ({guests} {noun}: {checks})",
                    record.project
                )
            } else {
                format!("agentlab: `{}` is unhealthy ({checks})", record.project)
            }
        }
    }
}

/// The issue body at `level`: marker, state line, the current state and since when, the details, a footer.
pub fn render_problem_issue_at(
    kind: ProblemKind,
    record: &RunRecord,
    since_unix: u64,
    digest: &str,
    level: DetailLevel,
    options: &RenderOptions,
) -> String {
    let mut text = format!(
        "{}\n{}\n",
        problem_issue_marker(kind, &record.project),
        problem_state_line(since_unix, digest)
    );
    let checked = record.check.as_ref().map_or(0, |f| f.checked_at_unix);
    let headline = match kind {
        ProblemKind::Drift => format!("### 🔀 `{}` has drifted from its code", record.project),
        ProblemKind::Health => format!("### 🩺 `{}` is unhealthy", record.project),
    };
    text.push_str(&headline);
    text.push_str(&format!(
        "\n\n**Since:** {} · **Last checked:** {}\n\n",
        utc_minute(since_unix),
        utc_minute(checked)
    ));
    text.push_str(&problem_details(kind, record, level));
    if level != DetailLevel::Full {
        text.push_str(&format!(
            "\n_Shortened to fit; the full text is in {}._\n",
            options.full_text_location
        ));
    }
    text.push_str(&footer(record));
    text
}

/// What is wrong, without markers: the body's middle, the change comment's content.
fn problem_details(kind: ProblemKind, record: &RunRecord, level: DetailLevel) -> String {
    let Some(attempt) = record.last_attempt() else {
        return String::new();
    };
    let mut text = String::new();
    match kind {
        ProblemKind::Drift => {
            text.push_str(&format!(
                "A refresh-and-plan of the default branch's code would change what is deployed: {}\n\n",
                counts_line(&attempt.terraform.changes)
            ));
            text.push_str(&changed_resources_section(&attempt.terraform, level));
            text.push_str(&format!(
                "\nEither apply the code again (`agentlab deploy --project {project}`, or a manual run of the \
                 deploy workflow), or change the code to keep what is there now. Nothing was applied by this check.\n",
                project = record.project
            ));
        }
        ProblemKind::Health => {
            if let Some(validation) = &attempt.validation {
                text.push_str(&validation_table(validation));
            }
            if let Some(diagnosis) = &attempt.diagnosis
                && diagnosis.hypothesis.is_some()
            {
                if diagnosis.source == DiagnosisSource::Catalog {
                    text.push_str(
                        "\nThis looks like a known failure (the catalogue, no LLM call):\n\n",
                    );
                }
                text.push('\n');
                text.push_str(&diagnosis_section(attempt, diagnosis));
            }
        }
    }
    text
}

/// The comment on an open issue whose problem changed since the last check.
pub fn render_problem_change_comment(kind: ProblemKind, record: &RunRecord) -> String {
    let mut text = format!(
        "{}\nWhat is wrong changed (check `{}`):\n\n",
        problem_change_comment_marker(&record.run_id),
        record.run_id
    );
    text.push_str(&problem_summary(kind, record));
    text
}

/// The comment that closes an issue: the project is back in sync (drift) or healthy (health).
pub fn render_problem_resolved_comment(kind: ProblemKind, record: &RunRecord) -> String {
    let state = match kind {
        ProblemKind::Drift => "back in sync with its code",
        ProblemKind::Health => "healthy again: every live check passed",
    };
    let run = match &record.context.run_url {
        Some(url) => format!("[check {}]({url})", record.run_id),
        None => format!("check `{}`", record.run_id),
    };
    format!(
        "{}\n✅ `{}` is {state} ({run}, {}). Closing.",
        problem_resolved_comment_marker(&record.run_id),
        record.project,
        utc_minute(record.check.as_ref().map_or(0, |f| f.checked_at_unix))
    )
}

/// A few lines naming what is wrong now.
fn problem_summary(kind: ProblemKind, record: &RunRecord) -> String {
    let Some(findings) = &record.check else {
        return String::new();
    };
    match kind {
        ProblemKind::Drift => findings
            .drifted_resources
            .iter()
            .map(|resource| format!("- {}\n", inline_code(resource)))
            .collect(),
        ProblemKind::Health => {
            let mut text: String = findings
                .failed_checks
                .iter()
                .map(|check| format!("- check {} failed\n", inline_code(check)))
                .collect();
            if !findings.unhealthy_guests.is_empty() {
                text.push_str(&format!(
                    "- guests: {}\n",
                    findings
                        .unhealthy_guests
                        .iter()
                        .map(|guest| inline_code(guest))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            text
        }
    }
}

/// One project's check in full detail, for the step summary and the terminal's preview.
pub fn render_check_summary(record: &RunRecord, level: DetailLevel) -> String {
    let verdict = record
        .check
        .as_ref()
        .map_or(CheckVerdict::Error, |f| f.verdict);
    let mut text = format!(
        "### agentlab check · `{}`: {}\n\n",
        record.project,
        check_words(record)
    );
    if verdict == CheckVerdict::Error {
        let error = record
            .check
            .as_ref()
            .and_then(|findings| findings.error.clone())
            .or_else(|| record.last_attempt().and_then(attempt_error))
            .unwrap_or_else(|| "the check could not run".to_string());
        text.push_str(&code_block("text", &error));
        text.push('\n');
    }
    for kind in ProblemKind::ALL {
        if record.check.as_ref().is_some_and(|f| kind.present_in(f)) {
            text.push_str(&problem_details(kind, record, level));
            text.push('\n');
        }
    }
    text.push_str(&footer(record));
    text
}

/// `in-sync`, `drifted`, `unhealthy`, `drifted, unhealthy` or `error`: the terminal's words for one project.
pub fn check_words(record: &RunRecord) -> String {
    let Some(findings) = &record.check else {
        return CheckVerdict::Error.as_str().to_string();
    };
    if findings.verdict == CheckVerdict::Error || findings.verdict == CheckVerdict::InSync {
        return findings.verdict.as_str().to_string();
    }
    ProblemKind::ALL
        .iter()
        .filter(|kind| kind.present_in(findings))
        .map(|kind| match kind {
            ProblemKind::Drift => "drifted",
            ProblemKind::Health => "unhealthy",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_minutes_follow_the_calendar() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_minute(1_796_134_020), "2026-12-01 14:07 UTC");
    }

    #[test]
    fn the_state_line_reads_back_and_markers_stay_closed() {
        let line = problem_state_line(1234, "abc123");
        let body = format!("<!-- agentlab:drift project=x -->\n{line}\n### text");
        assert_eq!(
            parse_problem_state(&body),
            Some((1234, "abc123".to_string()))
        );
        assert_eq!(parse_problem_state("no state here"), None);
        let marker = problem_issue_marker(ProblemKind::Health, "a-->b");
        assert!(
            marker.ends_with(" -->") && !marker[..marker.len() - 4].contains("-->"),
            "{marker}"
        );
    }
}
