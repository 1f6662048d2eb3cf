//! After the records are on disk: deliver the run's Outbox (crate::report). The previews go to the output folder,
//! the step summary and outputs to the runner's files, the workflow commands and summary lines to stderr and,
//! with `--post`, the posts to GitHub. Every text comes from the Outbox as it is; nothing is rendered or
//! redacted here. Nothing here changes the exit status: the run's outcome decides it, and a posting problem is
//! a warning.

use std::path::{Path, PathBuf};

use crate::commands::{CommandContext, CommandError};
use crate::contracts::RunRecord;
use crate::github::client::GITHUB_RETRY;
use crate::github::publish::{GitHubSettings, PublishReport, publish_posts};
use crate::redact::Redactor;
use crate::report::actions::{add_mask_commands, warning_annotation};
use crate::report::{Outbox, OutboxSettings, outbox};

/// `::add-mask::` for every secret the redactor knows, inside Actions, before any log line could show one.
pub fn mask_known_secrets(context: &CommandContext) {
    if context.actions.active {
        for secret in context.redactor.snapshot().known_secrets() {
            for command in add_mask_commands(secret) {
                eprintln!("{command}");
            }
        }
    }
}

/// The Outbox of a run whose records are in `record_dir`.
pub fn run_outbox(
    context: &CommandContext,
    records: &[RunRecord],
    record_dir: &Path,
    redactor: &Redactor,
) -> Outbox {
    let settings = OutboxSettings::new(
        full_text_location(context, record_dir),
        record_dir.to_path_buf(),
        context.actions.active,
    )
    .with_repository_root(repository_root(context));
    outbox(records, &settings, redactor)
}

/// The repository a run is about, for showing paths relative to it: `GITHUB_WORKSPACE` inside Actions, else the
/// nearest folder from the current one up that holds `.git`, else none (paths stay as they are).
pub fn repository_root(context: &CommandContext) -> Option<PathBuf> {
    if let Some(workspace) = context.environment.get("GITHUB_WORKSPACE") {
        return Some(PathBuf::from(workspace));
    }
    let here = std::env::current_dir().ok()?;
    here.ancestors()
        .find(|folder| folder.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The Outbox of a check, which also needs agentlab's open drift and health issues (empty when not posting: the
/// previews then show the issues the check would open).
pub fn run_outbox_with_open_issues(
    context: &CommandContext,
    records: &[RunRecord],
    record_dir: &Path,
    redactor: &Redactor,
    open_problem_issues: Vec<crate::report::OpenProblemIssue>,
) -> Outbox {
    let settings = OutboxSettings {
        open_problem_issues,
        ..OutboxSettings::new(
            full_text_location(context, record_dir),
            record_dir.to_path_buf(),
            context.actions.active,
        )
    }
    .with_repository_root(repository_root(context));
    outbox(records, &settings, redactor)
}

/// Everything after the records are written: previews, runner files, workflow commands, posting.
pub async fn deliver(
    context: &CommandContext,
    outbox: &Outbox,
    record_dir: &Path,
    github: Option<&GitHubSettings>,
) -> Result<(), CommandError> {
    write_previews(outbox, record_dir, |preview| preview.project.to_string())?;
    write_runner_files(context, outbox)?;
    for command in &outbox.workflow_commands {
        eprint!("{command}");
    }
    if let Some(settings) = github {
        let report = post(settings, outbox).await;
        for line in &report.done {
            tracing::info!("{line}");
        }
        for warning in &report.warnings {
            // GitHub's answers are not ours: they go through the redactor like any log line.
            let warning = context.redactor.redact(warning);
            tracing::warn!("{warning}");
            // Workflow commands only where a runner reads them; in a terminal the log line says it.
            if context.actions.active {
                eprintln!("{}", warning_annotation("agentlab: GitHub", &warning));
            }
        }
        if !report.warnings.is_empty() {
            eprintln!("{}", publish_later_hint(record_dir));
        }
    }
    Ok(())
}

/// Posts the Outbox's posts; a client that cannot be built is one warning.
pub async fn post(settings: &GitHubSettings, outbox: &Outbox) -> PublishReport {
    match settings.client(GITHUB_RETRY) {
        Ok(client) => publish_posts(&client, &outbox.posts).await,
        Err(error) => PublishReport {
            done: Vec::new(),
            // The client's error names the URL or the header that is wrong, never the token.
            warnings: vec![format!("cannot reach GitHub: {error}")],
        },
    }
}

/// What to run once GitHub can be reached again: the records are on disk, so nothing but the posting is lost.
fn publish_later_hint(record_dir: &Path) -> String {
    format!(
        "agentlab: the run records stay in {dir}; post them later with `agentlab publish --records {dir}`",
        dir = record_dir.display()
    )
}

fn full_text_location(context: &CommandContext, record_dir: &Path) -> String {
    let mut places = Vec::new();
    if let Some(url) = &context.run_url {
        places.push(format!("the step summary of [this run]({url})"));
    }
    places.push(format!("the run record `{}`", record_dir.display()));
    places.join(" and ")
}

/// `DIR/NAME.KIND.md` for every post of the Outbox (`pr-comment`, `deploy-timeline`, `incident-issue`,
/// `incident-recovery`, a check's `drift-issue`, `health-issue`, `drift-resolved`, `health-resolved`), byte for
/// byte what would be posted first. `name` picks NAME (the project; the demo names the scenario). Returns how many
/// files were written.
pub fn write_previews<'a>(
    outbox: &'a Outbox,
    dir: &Path,
    name: impl Fn(&crate::report::Preview<'a>) -> String,
) -> Result<usize, CommandError> {
    std::fs::create_dir_all(dir).map_err(|source| io_error("create", dir, source))?;
    let previews = outbox.previews();
    for preview in &previews {
        let path = dir.join(preview.file_name(&name(preview)));
        std::fs::write(&path, preview.file_text())
            .map_err(|source| io_error("write", &path, source))?;
    }
    Ok(previews.len())
}

/// `$GITHUB_STEP_SUMMARY` (every project in full) and `$GITHUB_OUTPUT`, when the runner set them.
fn write_runner_files(context: &CommandContext, outbox: &Outbox) -> Result<(), CommandError> {
    if let Some(path) = &context.actions.step_summary {
        append_to_runner_file(path, &outbox.step_summary)?;
    }
    if let Some(path) = &context.actions.output {
        append_to_runner_file(path, &outbox.step_outputs)?;
    }
    Ok(())
}

/// Appends to a runner file: other steps' content must survive.
fn append_to_runner_file(path: &Path, text: &str) -> Result<(), CommandError> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|source| io_error("append to", path, source))
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
    use crate::commands::{ActionsRunner, Environment};
    use crate::stand_in::records::{deploy_failed, plan_with_replacements};

    #[test]
    fn the_step_summary_and_outputs_are_appended_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let summary = dir.path().join("summary.md");
        let output = dir.path().join("output");
        std::fs::write(&summary, "earlier step\n").unwrap();
        let mut context = CommandContext::new(Environment::default());
        context.actions = ActionsRunner {
            active: false,
            step_summary: Some(summary.clone()),
            output: Some(output.clone()),
        };
        let mut redactor = Redactor::new();
        redactor.add_secret("local:vztmpl/debian-13.tar.zst");
        let records = [plan_with_replacements(), deploy_failed()];
        let outbox = run_outbox(&context, &records, Path::new("out/run-1"), &redactor);
        write_runner_files(&context, &outbox).unwrap();
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
    fn previews_are_the_posted_texts_with_an_issue_only_for_a_failed_deploy() {
        let dir = tempfile::tempdir().unwrap();
        let mut redactor = Redactor::new();
        redactor.add_secret("pmx-01");
        let mut failed = deploy_failed();
        failed.project = "failed-one".to_string();
        let records = [plan_with_replacements(), failed];
        let context = CommandContext::new(Environment::default());
        let outbox = run_outbox(&context, &records, dir.path(), &redactor);
        let written =
            write_previews(&outbox, dir.path(), |preview| preview.project.to_string()).unwrap();
        assert_eq!(written, 3);
        let comment = std::fs::read_to_string(dir.path().join("lxc-fleet.pr-comment.md")).unwrap();
        assert!(comment.contains("agentlab plan"));
        assert!(!comment.contains("pmx-01"), "redacted: {comment}");
        assert!(!dir.path().join("lxc-fleet.incident-issue.md").exists());
        let issue =
            std::fs::read_to_string(dir.path().join("failed-one.incident-issue.md")).unwrap();
        assert!(issue.contains("Retry history"));
        let timeline =
            std::fs::read_to_string(dir.path().join("failed-one.deploy-timeline.md")).unwrap();
        let posted = outbox
            .posts
            .iter()
            .find_map(|post| match post {
                crate::report::Post::Comment(comment) if comment.project == "failed-one" => {
                    Some(comment.bodies[0].clone())
                }
                _ => None,
            })
            .unwrap();
        assert_eq!(timeline, posted, "a preview is what would be posted");
    }
}
