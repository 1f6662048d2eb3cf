//! After the records are on disk: tell people. Markdown previews in the output folder, the Actions step summary,
//! step outputs, `::error::` annotations and, with `--post`, the PR comment, the deploy timeline and the incident
//! issue. Nothing here changes the exit status: the run's outcome decides it, and a posting problem is a warning.

use std::path::{Path, PathBuf};

use crate::cli::PostingArgs;
use crate::commands::CommandError;
use crate::contracts::{RunContext, RunMode, RunRecord};
use crate::github::actions::{
    StepOutputs, add_mask_commands, append_to_runner_file, failure_annotation, log_group,
    warning_annotation,
};
use crate::github::client::RetryPolicy;
use crate::github::event::EventRun;
use crate::github::publish::{GitHubSettings, publish_records, run_url_from_environment};
use crate::redact::Redactor;
use crate::render::RenderOptions;
use crate::render::comment::render_pr_comment;
use crate::render::issue::{needs_incident, render_incident_issue};
use crate::render::summary::render_step_summary;
use crate::render::timeline::render_deploy_timeline;

/// Whether to post: `--post`/`--no-post` when given, else only inside GitHub Actions.
pub fn posting_enabled(args: &PostingArgs) -> bool {
    if args.post {
        return true;
    }
    if args.no_post {
        return false;
    }
    in_actions()
}

fn in_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true")
}

/// Checks before the run that posting can work, so a missing token is bad input (exit 2) up front rather than a
/// warning after Terraform ran.
pub fn posting_settings(post: bool) -> Result<Option<GitHubSettings>, CommandError> {
    if !post {
        return Ok(None);
    }
    GitHubSettings::from_environment()
        .map(Some)
        .map_err(|error| CommandError::BadInput(error.to_string()))
}

/// The run context of an event: where links in comments and issues point.
pub fn run_context_for_event(event: &EventRun) -> RunContext {
    RunContext {
        repository: Some(event.repository.clone()),
        commit: (!event.commit.is_empty()).then(|| event.commit.clone()),
        pull_request: event.pull_request,
        run_url: run_url_from_environment(),
    }
}

/// `::add-mask::` for every secret the redactor knows, inside Actions, before any log line could show one.
pub fn mask_known_secrets(redactor: &Redactor) {
    if in_actions() {
        for secret in redactor.known_secrets() {
            for command in add_mask_commands(secret) {
                eprintln!("{command}");
            }
        }
    }
}

/// Everything after the records are written. `record_dir` is where they are (the `record_path` output).
pub async fn report_records(
    records: &[RunRecord],
    record_dir: &Path,
    github: Option<&GitHubSettings>,
    redactor: &Redactor,
) -> Result<(), CommandError> {
    let options = RenderOptions {
        full_text_location: full_text_location(record_dir),
        ..RenderOptions::default()
    };
    write_previews(records, record_dir, &options, redactor)?;
    let summary_path = std::env::var_os("GITHUB_STEP_SUMMARY").map(PathBuf::from);
    let output_path = std::env::var_os("GITHUB_OUTPUT").map(PathBuf::from);
    write_actions_files(
        records,
        record_dir,
        &options,
        redactor,
        RunnerFiles {
            step_summary: summary_path.as_deref(),
            output: output_path.as_deref(),
        },
    )?;
    if in_actions() {
        for record in records {
            for attempt in &record.attempts {
                let title = format!(
                    "terraform {} · {} · attempt {}",
                    record.mode.as_str(),
                    record.project,
                    attempt.attempt
                );
                let lines: Vec<String> = attempt
                    .terraform
                    .log_tail
                    .iter()
                    .map(|line| redactor.redact(line))
                    .collect();
                eprint!("{}", log_group(&title, &lines));
            }
        }
    }
    for record in records {
        if let Some(annotation) = failure_annotation(record) {
            eprintln!("{}", redactor.redact(&annotation));
        }
    }
    if let Some(settings) = github {
        match settings.client(RetryPolicy::default()) {
            Ok(client) => {
                let report = publish_records(&client, records, &options, redactor).await;
                for line in &report.done {
                    tracing::info!("{line}");
                }
                for warning in &report.warnings {
                    tracing::warn!("{warning}");
                    eprintln!(
                        "{}",
                        warning_annotation("agentlab: GitHub", &redactor.redact(warning))
                    );
                }
                if !report.warnings.is_empty() {
                    eprintln!("{}", publish_later_hint(record_dir));
                }
            }
            Err(error) => {
                eprintln!(
                    "{}",
                    warning_annotation("agentlab: GitHub", &redactor.redact(&error.to_string()))
                );
                eprintln!("{}", publish_later_hint(record_dir));
            }
        }
    }
    Ok(())
}

/// What to run once GitHub can be reached again: the records are on disk, so nothing but the posting is lost.
fn publish_later_hint(record_dir: &Path) -> String {
    format!(
        "agentlab: the run records stay in {dir}; post them later with `agentlab publish --records {dir}`",
        dir = record_dir.display()
    )
}

fn full_text_location(record_dir: &Path) -> String {
    let mut places = Vec::new();
    if let Some(url) = run_url_from_environment() {
        places.push(format!("the step summary of [this run]({url})"));
    }
    places.push(format!("the run record `{}`", record_dir.display()));
    places.join(" and ")
}

/// `DIR/PROJECT.comment.md` for every record and `DIR/PROJECT.issue.md` for an incident: what would be posted.
fn write_previews(
    records: &[RunRecord],
    dir: &Path,
    options: &RenderOptions,
    redactor: &Redactor,
) -> Result<(), CommandError> {
    std::fs::create_dir_all(dir).map_err(|source| io_error("create", dir, source))?;
    for record in records {
        let comment = match record.mode {
            RunMode::Plan => render_pr_comment(record, options),
            RunMode::Deploy => render_deploy_timeline(record, options),
        };
        write_file(
            &dir.join(format!("{}.comment.md", record.project)),
            &redactor.redact(&comment),
        )?;
        if needs_incident(record) {
            write_file(
                &dir.join(format!("{}.issue.md", record.project)),
                &redactor.redact(&render_incident_issue(record, options)),
            )?;
        }
    }
    Ok(())
}

/// The runner's files, when it set them.
#[derive(Debug, Clone, Copy)]
struct RunnerFiles<'a> {
    step_summary: Option<&'a Path>,
    output: Option<&'a Path>,
}

/// `$GITHUB_STEP_SUMMARY` (every project in full) and `$GITHUB_OUTPUT` (`outcome`, `llm_calls`, `cost_usd`,
/// `record_path`).
fn write_actions_files(
    records: &[RunRecord],
    record_dir: &Path,
    options: &RenderOptions,
    redactor: &Redactor,
    files: RunnerFiles<'_>,
) -> Result<(), CommandError> {
    if let Some(path) = files.step_summary {
        let summary = render_step_summary(records, &options.full_text_location);
        append_to_runner_file(path, &redactor.redact(&summary))
            .map_err(|source| io_error("append to", path, source))?;
    }
    if let Some(path) = files.output {
        let outputs = StepOutputs::from_records(records, record_dir);
        append_to_runner_file(path, &redactor.redact(&outputs.to_output_file_text()))
            .map_err(|source| io_error("append to", path, source))?;
    }
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<(), CommandError> {
    std::fs::write(path, text).map_err(|source| io_error("write", path, source))
}

fn io_error(action: &'static str, path: &Path, source: std::io::Error) -> CommandError {
    CommandError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stand_in::records::{deploy_failed, plan_with_replacements};

    #[test]
    fn the_step_summary_and_outputs_are_appended_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let summary = dir.path().join("summary.md");
        let output = dir.path().join("output");
        std::fs::write(&summary, "earlier step\n").unwrap();
        let mut redactor = Redactor::new();
        redactor.add_secret("local:vztmpl/debian-13.tar.zst");
        let records = [plan_with_replacements(), deploy_failed()];
        let files = RunnerFiles {
            step_summary: Some(&summary),
            output: Some(&output),
        };
        write_actions_files(
            &records,
            Path::new("out/run-1"),
            &RenderOptions::default(),
            &redactor,
            files,
        )
        .unwrap();
        let summary = std::fs::read_to_string(&summary).unwrap();
        assert!(summary.starts_with("earlier step\n<!-- agentlab:plan project=lxc-fleet -->"));
        assert!(summary.contains("#### Timeline") && summary.contains("```diff"));
        assert!(!summary.contains("debian-13"), "redacted");
        let output = std::fs::read_to_string(&output).unwrap();
        assert!(
            output.contains("outcome<<AGENTLAB_EOF\nfailed\n"),
            "{output}"
        );
        assert!(
            output.contains("record_path<<AGENTLAB_EOF\nout/run-1\n"),
            "{output}"
        );
    }

    #[test]
    fn previews_are_written_redacted_with_an_issue_only_for_failures() {
        let dir = tempfile::tempdir().unwrap();
        let mut redactor = Redactor::new();
        redactor.add_secret("pmx-01");
        let mut failed = deploy_failed();
        failed.project = "failed-one".to_string();
        let records = [plan_with_replacements(), failed];
        let options = RenderOptions::default();
        write_previews(&records, dir.path(), &options, &redactor).unwrap();
        let comment = std::fs::read_to_string(dir.path().join("lxc-fleet.comment.md")).unwrap();
        assert!(comment.contains("agentlab plan"));
        assert!(!comment.contains("pmx-01"), "redacted: {comment}");
        assert!(!dir.path().join("lxc-fleet.issue.md").exists());
        let issue = std::fs::read_to_string(dir.path().join("failed-one.issue.md")).unwrap();
        assert!(issue.contains("Retry history"));
    }
}
