//! The GitHub Actions runner's text formats: the `$GITHUB_OUTPUT` entries and the workflow commands `::error::`,
//! `::warning::`, `::group::`/`::endgroup::` and `::add-mask::`, escaped so that no value can start a command of
//! its own. Pure formatting: the commands write these texts where the runner reads them.
//!
//! Workflow commands are plain lines the runner reads from the step's output; the runner reads stderr as well as
//! stdout, and agentlab writes them to stderr so `--json` keeps stdout machine-readable.

/// The `$GITHUB_OUTPUT` text for `outputs` (name, value): each value uses the multi-line form with a delimiter
/// that does not occur in it, so a value with a newline cannot inject another output.
pub fn output_file_text(outputs: &[(&str, &str)]) -> String {
    outputs
        .iter()
        .map(|(name, value)| output_entry(name, value))
        .collect()
}

fn output_entry(name: &str, value: &str) -> String {
    let mut delimiter = "AGENTLAB_EOF".to_string();
    while value.contains(&delimiter) {
        delimiter.push('_');
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

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

    #[test]
    fn outputs_use_delimited_values() {
        assert_eq!(
            output_file_text(&[("outcome", "failed"), ("record_path", "out/run-1")]),
            "outcome<<AGENTLAB_EOF\nfailed\nAGENTLAB_EOF\nrecord_path<<AGENTLAB_EOF\nout/run-1\nAGENTLAB_EOF\n"
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
    }
}
