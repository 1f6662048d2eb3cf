//! The GitHub Actions runner's file and log protocols: `$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`, and the
//! workflow commands `::error::`, `::group::`/`::endgroup::` and `::add-mask::`.
//!
//! Workflow commands are plain lines the runner reads from the step's output; the runner reads stderr as well as
//! stdout, and agentlab writes them to stderr so `--json` keeps stdout machine-readable.

use std::io::Write;
use std::path::Path;

use crate::contracts::{Outcome, RunRecord};

/// The step outputs agentlab sets.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutputs {
    /// `success` when every project succeeded, else `failed`.
    pub outcome: &'static str,
    pub llm_calls: u32,
    pub cost_usd: f64,
    /// The records' folder (one JSON file per project).
    pub record_path: String,
}

impl StepOutputs {
    pub fn from_records(records: &[RunRecord], record_path: &Path) -> Self {
        let failed = records
            .iter()
            .any(|record| record.outcome == Outcome::Failed);
        Self {
            outcome: if failed { "failed" } else { "success" },
            llm_calls: records.iter().map(|record| record.llm_calls).sum(),
            cost_usd: crate::contracts::sum_dollars(records.iter().map(|record| record.cost_usd)),
            record_path: record_path.display().to_string(),
        }
    }

    /// The lines for `$GITHUB_OUTPUT`. Each value uses the multi-line form with a delimiter that does not occur
    /// in it, so a path with a newline cannot inject another output.
    pub fn to_output_file_text(&self) -> String {
        let cost = format!(
            "{:.6}",
            if self.cost_usd == 0.0 {
                0.0
            } else {
                self.cost_usd
            }
        );
        let llm_calls = self.llm_calls.to_string();
        [
            ("outcome", self.outcome),
            ("llm_calls", llm_calls.as_str()),
            ("cost_usd", cost.as_str()),
            ("record_path", self.record_path.as_str()),
        ]
        .iter()
        .map(|(name, value)| output_entry(name, value))
        .collect()
    }
}

fn output_entry(name: &str, value: &str) -> String {
    let mut delimiter = "AGENTLAB_EOF".to_string();
    while value.contains(&delimiter) {
        delimiter.push('_');
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// Appends to a runner file (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`): other steps' content must survive.
pub fn append_to_runner_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// `::error title=...::message`, escaped as the runner expects (`%`, CR and LF in the message; also `:` and `,`
/// in properties).
pub fn error_annotation(title: &str, message: &str) -> String {
    format!(
        "::error title={}::{}",
        escape_property(title),
        escape_data(message)
    )
}

pub fn warning_annotation(title: &str, message: &str) -> String {
    format!(
        "::warning title={}::{}",
        escape_property(title),
        escape_data(message)
    )
}

/// `::add-mask::VALUE`: the runner hides VALUE in every later log line. One line per secret line, since the
/// runner masks line by line.
pub fn add_mask_commands(secret: &str) -> Vec<String> {
    secret
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| format!("::add-mask::{}", escape_data(line)))
        .collect()
}

/// A collapsible log group around `lines`.
pub fn log_group(title: &str, lines: &[String]) -> String {
    let mut text = format!("::group::{}\n", escape_data(title));
    for line in lines {
        // A log line that is itself a workflow command would be obeyed; `::stop-commands::` is heavier than
        // breaking the leading `::`.
        if line.starts_with("::") {
            text.push(' ');
        }
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("::endgroup::\n");
    text
}

/// The error annotation for a failed project, `None` for a successful one.
pub fn failure_annotation(record: &RunRecord) -> Option<String> {
    if record.outcome != Outcome::Failed {
        return None;
    }
    let reason = record
        .failure_reason
        .clone()
        .unwrap_or_else(|| "the run failed".to_string());
    Some(error_annotation(
        &format!("agentlab {} {}", record.mode.as_str(), record.project),
        &reason,
    ))
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stand_in::records::{deploy_failed, deploy_recovered};

    #[test]
    fn outputs_use_delimited_values() {
        let outputs = StepOutputs::from_records(
            &[deploy_recovered(), deploy_failed()],
            Path::new(".agentlab/runs/run-0001"),
        );
        assert_eq!(
            outputs.to_output_file_text(),
            "outcome<<AGENTLAB_EOF\nfailed\nAGENTLAB_EOF\nllm_calls<<AGENTLAB_EOF\n2\nAGENTLAB_EOF\n\
             cost_usd<<AGENTLAB_EOF\n0.008300\nAGENTLAB_EOF\nrecord_path<<AGENTLAB_EOF\n.agentlab/runs/run-0001\nAGENTLAB_EOF\n"
        );
        assert_eq!(
            output_entry("x", "a\nAGENTLAB_EOF\nb"),
            "x<<AGENTLAB_EOF_\na\nAGENTLAB_EOF\nb\nAGENTLAB_EOF_\n"
        );
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(
            error_annotation("agentlab deploy: a,b", "50% done\nline two"),
            "::error title=agentlab deploy%3A a%2Cb::50%25 done%0Aline two"
        );
        assert_eq!(
            add_mask_commands("s3cret\nline2\n"),
            ["::add-mask::s3cret", "::add-mask::line2"]
        );
        assert_eq!(
            log_group(
                "terraform apply",
                &["ok".to_string(), "::error::fake".to_string()]
            ),
            "::group::terraform apply\nok\n ::error::fake\n::endgroup::\n"
        );
        assert!(failure_annotation(&deploy_recovered()).is_none());
        assert!(
            failure_annotation(&deploy_failed())
                .unwrap()
                .starts_with("::error title=agentlab deploy lxc-fleet::repeated")
        );
    }

    #[test]
    fn runner_files_are_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        append_to_runner_file(&path, "one\n").unwrap();
        append_to_runner_file(&path, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    }
}
