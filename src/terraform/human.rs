//! What Terraform prints for humans: its error blocks on stderr and the bounded log tail a result keeps.
//!
//! `terraform init` (before 1.9) has no JSON output, and some failures of `plan -json`/`apply -json` (bad flags,
//! a crash, a backend error) are printed as text on stderr. This room turns that text into diagnostics, so a
//! failed init carries the backend's real error in the record just like a failed apply does.

use std::collections::VecDeque;

use crate::contracts::{Diagnostic, Severity};

/// Characters kept of one log line; longer lines are cut and marked.
const MAX_LOG_LINE_CHARS: usize = 400;

/// The last lines of what Terraform printed, bounded in count and width.
#[derive(Debug, Clone)]
pub struct LogTail {
    lines: VecDeque<String>,
    max_lines: usize,
    dropped: usize,
}

impl LogTail {
    pub fn new(max_lines: usize) -> Self {
        Self {
            lines: VecDeque::with_capacity(max_lines.min(1024)),
            max_lines,
            dropped: 0,
        }
    }

    pub fn push(&mut self, line: &str) {
        let line = line.trim_end();
        if line.is_empty() || self.max_lines == 0 {
            return;
        }
        if self.lines.len() == self.max_lines {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(cut_line(line));
    }

    /// An empty tail that keeps as many lines as this one, for a command whose lines join this tail later.
    pub fn empty_like(&self) -> Self {
        Self::new(self.max_lines)
    }

    /// Adds the lines of `other` after these, and counts what `other` dropped.
    pub fn append(&mut self, other: LogTail) {
        self.dropped += other.dropped;
        other.lines.iter().for_each(|line| self.push(line));
    }

    /// The kept lines, oldest first, preceded by a note when earlier lines were dropped.
    pub fn into_lines(self) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.lines.len() + 1);
        if self.dropped > 0 {
            lines.push(format!("[{} earlier lines not kept]", self.dropped));
        }
        lines.extend(self.lines);
        lines
    }
}

fn cut_line(line: &str) -> String {
    if line.chars().count() <= MAX_LOG_LINE_CHARS {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(MAX_LOG_LINE_CHARS).collect();
    cut.push_str(" […]");
    cut
}

/// Reads the diagnostics out of Terraform's human-readable error output.
///
/// Terraform prints each diagnostic as `Error: SUMMARY` or `Warning: SUMMARY` followed by the detail, with or
/// without the `╷ │ ╵` frame newer versions draw around it. Some errors (a backend that cannot be reached during
/// `init`) are printed without that prefix: when a failed command printed no recognisable block, its whole
/// output becomes one error, first line as summary.
pub fn diagnostics_from_human_output(text: &str, command_failed: bool) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut detail_lines: Vec<&str> = Vec::new();
    for raw_line in text.lines() {
        let line = strip_frame(raw_line);
        let heading = line
            .strip_prefix("Error: ")
            .map(|summary| (Severity::Error, summary))
            .or_else(|| {
                line.strip_prefix("Warning: ")
                    .map(|summary| (Severity::Warning, summary))
            });
        match heading {
            Some((severity, summary)) => {
                finish_detail(diagnostics.last_mut(), &detail_lines);
                detail_lines.clear();
                diagnostics.push(Diagnostic {
                    severity,
                    summary: summary.trim().to_owned(),
                    detail: String::new(),
                    address: None,
                });
            }
            None if !diagnostics.is_empty() => detail_lines.push(line),
            None => {}
        }
    }
    finish_detail(diagnostics.last_mut(), &detail_lines);
    put_init_preamble_last(&mut diagnostics);

    let has_error = diagnostics
        .iter()
        .any(|diagnostic| diagnostic.severity == Severity::Error);
    if command_failed && !has_error {
        let mut lines = text
            .lines()
            .map(strip_frame)
            .filter(|line| !line.trim().is_empty());
        if let Some(summary) = lines.next() {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                summary: summary.trim().to_owned(),
                detail: lines.collect::<Vec<_>>().join("\n"),
                address: None,
            });
        }
    }
    diagnostics
}

/// Terraform 1.9 and later open a failed `init` with a generic error ("Terraform encountered problems during
/// initialisation, including problems with the configuration, described below.") before the real ones; 1.0 prints
/// only the real ones. The generic one goes after them, so the first error is the one that says what is wrong.
fn put_init_preamble_last(diagnostics: &mut Vec<Diagnostic>) {
    let is_preamble = |diagnostic: &Diagnostic| {
        diagnostic.severity == Severity::Error
            && diagnostic
                .summary
                .starts_with("Terraform encountered problems during initiali")
    };
    let real_errors = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error && !is_preamble(diagnostic))
        .count();
    if real_errors == 0 {
        return;
    }
    let (preambles, mut rest): (Vec<_>, Vec<_>) = diagnostics.drain(..).partition(is_preamble);
    rest.extend(preambles);
    *diagnostics = rest;
}

/// `line` without the `╷ │ ╵` frame Terraform draws around a diagnostic.
pub(crate) fn strip_frame(line: &str) -> &str {
    let trimmed = line.trim_start();
    for frame in ["│ ", "│", "╷", "╵"] {
        if let Some(rest) = trimmed.strip_prefix(frame) {
            return rest;
        }
    }
    line
}

fn finish_detail(diagnostic: Option<&mut Diagnostic>, lines: &[&str]) {
    if let Some(diagnostic) = diagnostic {
        diagnostic.detail = lines.join("\n").trim().to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_error_blocks_from_terraform_1_0() {
        let stderr = "There are some problems with the configuration, described below.\n\n\
                      Error: Invalid expression\n\n  on main.tf line 2, in resource \"null_resource\" \"x\":\n   \
                      2:   triggers = \n\nExpected the start of an expression.\n\n\
                      Warning: Deprecated\n\nold syntax\n";
        let diagnostics = diagnostics_from_human_output(stderr, true);
        assert_eq!(diagnostics.len(), 2);
        assert_eq!(diagnostics[0].severity, Severity::Error);
        assert_eq!(diagnostics[0].summary, "Invalid expression");
        assert!(diagnostics[0].detail.starts_with("on main.tf line 2"));
        assert!(
            diagnostics[0]
                .detail
                .ends_with("Expected the start of an expression.")
        );
        assert_eq!(diagnostics[1].severity, Severity::Warning);
        assert_eq!(diagnostics[1].detail, "old syntax");
    }

    #[test]
    fn framed_error_blocks_from_newer_versions() {
        let stderr =
            "╷\n│ Error: error acquiring the state lock\n│ \n│ ConditionalCheckFailed\n╵\n";
        let diagnostics = diagnostics_from_human_output(stderr, true);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].summary, "error acquiring the state lock");
        assert_eq!(diagnostics[0].detail, "ConditionalCheckFailed");
    }

    #[test]
    fn unprefixed_backend_error_becomes_one_error() {
        // Verbatim from terraform 1.0.3 with an S3 backend on a closed port.
        let stderr = "Error refreshing state: RequestError: send request failed\ncaused by: Get \
                      \"http://127.0.0.1:1/tfstate/lxc-fleet/terraform.tfstate\": dial tcp 127.0.0.1:1: connect: connection refused\n";
        let diagnostics = diagnostics_from_human_output(stderr, true);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].summary,
            "Error refreshing state: RequestError: send request failed"
        );
        assert!(
            diagnostics[0]
                .detail
                .contains("connect: connection refused")
        );
    }

    /// Terraform 1.11.4's stderr for `init -no-color` of a module whose last block is cut off (run by hand on this
    /// project's development machine); terraform 1.0.3 prints only the second block, as "Invalid expression".
    #[test]
    fn the_generic_init_error_of_newer_terraform_comes_after_the_real_one() {
        let stderr = "\nError: Terraform encountered problems during initialisation, including problems\n\
with the configuration, described below.\n\nThe Terraform configuration must be valid before initialization so \
that\nTerraform can determine which modules and providers need to be installed.\n\n\nError: Missing expression\n\n  \
on broken.tf line 3, in resource \"null_resource\" \"broken\":\n   3: \n\nExpected the start of an expression, but \
found the end of the file.\n";
        let diagnostics = diagnostics_from_human_output(stderr, true);
        let summaries: Vec<&str> = diagnostics
            .iter()
            .map(|diagnostic| diagnostic.summary.as_str())
            .collect();
        assert_eq!(summaries[0], "Missing expression", "{summaries:?}");
        assert!(summaries[1].starts_with("Terraform encountered problems"));
        // Alone, the generic error is still the error.
        let alone = diagnostics_from_human_output(
            "Error: Terraform encountered problems during initialization\n",
            true,
        );
        assert_eq!(alone.len(), 1);
    }

    #[test]
    fn a_successful_command_with_noise_has_no_diagnostics() {
        assert!(diagnostics_from_human_output("Initializing the backend...\n", false).is_empty());
        assert!(diagnostics_from_human_output("", true).is_empty());
    }

    #[test]
    fn warnings_alone_do_not_hide_a_failure() {
        let diagnostics =
            diagnostics_from_human_output("Warning: old\n\nsomething\nkilled\n", true);
        assert_eq!(diagnostics.len(), 2);
        assert_eq!(diagnostics[1].severity, Severity::Error);
        assert_eq!(diagnostics[1].summary, "Warning: old");
    }

    #[test]
    fn log_tail_keeps_the_last_lines_and_says_how_many_it_dropped() {
        let mut tail = LogTail::new(3);
        for number in 1..=5 {
            tail.push(&format!("line {number}\n"));
        }
        tail.push("   ");
        tail.push(&"x".repeat(1000));
        let lines = tail.into_lines();
        assert_eq!(lines[0], "[3 earlier lines not kept]");
        assert_eq!(&lines[1..3], ["line 4", "line 5"]);
        assert!(lines[3].ends_with(" […]"));
        assert!(lines[3].chars().count() < 450);
    }
}
