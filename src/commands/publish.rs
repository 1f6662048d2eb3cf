//! `agentlab publish`: posts run records already on disk, for a run that could not reach GitHub when it finished
//! (a refused connection, an outage that outlasted the retries). The run wrote its records before it tried to
//! post, so nothing is lost but the comment, and this command posts it later from the same folder. With
//! `--no-post` it writes the previews of what it would post instead (to look before posting, or to read a run
//! copied from a runner). It runs no Terraform and asks no LLM.

use std::path::{Path, PathBuf};

use crate::cli::{GlobalArgs, PublishArgs};
use crate::commands::report::write_previews;
use crate::commands::runs::read_record;
use crate::commands::{CommandContext, CommandError, ExitStatus, optional_config};
use crate::contracts::{RunMode, RunRecord};
use crate::github::client::GITHUB_RETRY;
use crate::github::problem_issue::open_problem_issues;
use crate::github::publish::publish_posts;
use crate::report::{OutboxSettings, outbox};

/// Reads every record in `--records DIR` and posts what each calls for, through the same Outbox a run uses. Exit
/// 0 when everything was posted, 1 when something could not be (the warnings say what), 2 when the folder or the
/// GitHub settings are unusable. With `--no-post`, writes the previews and needs no GitHub settings.
pub async fn publish(
    context: &CommandContext,
    global: &GlobalArgs,
    args: &PublishArgs,
) -> Result<ExitStatus, CommandError> {
    let config = optional_config(&global.config)?;
    context.learn_configured_secrets(&config)?;
    let records = read_records(&args.records)?;
    if records.is_empty() {
        return Err(CommandError::BadInput(format!(
            "{} holds no run record (PROJECT.json)",
            args.records.display()
        )));
    }
    if args.no_post {
        return write_previews_of_records(context, args, &records);
    }
    let client = context
        .posting_github_settings(&config)?
        .client(GITHUB_RETRY)
        .map_err(|error| CommandError::BadInput(error.to_string()))?;
    // A check's posts depend on the drift and health issues already open: read them first, as the check does.
    let open_problem_issues = if records.iter().any(|record| record.mode == RunMode::Check) {
        open_problem_issues(&client).await.map_err(|error| {
            CommandError::BadInput(format!(
                "cannot read agentlab's open drift and health issues, so the check records are not posted: {}",
                context.redactor.redact(&error.to_string())
            ))
        })?
    } else {
        Vec::new()
    };
    let outbox_settings = OutboxSettings {
        open_problem_issues,
        ..OutboxSettings::new(
            format!("the run record `{}`", args.records.display()),
            args.records.clone(),
            context.actions.active,
        )
    }
    .with_repository_root(crate::commands::report::repository_root(context));
    let outbox = outbox(&records, &outbox_settings, &context.redactor.snapshot());
    let report = publish_posts(&client, &outbox.posts).await;
    for line in &report.done {
        eprintln!("{}", context.redactor.redact(line));
    }
    for warning in &report.warnings {
        eprintln!("warning: {}", context.redactor.redact(warning));
    }
    Ok(if report.warnings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::RunFailed
    })
}

/// `--no-post`: the previews of what publishing would post, in `--output` (default: the records folder), named
/// as a run names them. A check's issues are previewed as the check would open them (the open issues are not
/// read: nothing here talks to GitHub).
fn write_previews_of_records(
    context: &CommandContext,
    args: &PublishArgs,
    records: &[RunRecord],
) -> Result<ExitStatus, CommandError> {
    let folder = args.output.as_deref().unwrap_or(&args.records);
    let settings = OutboxSettings::new(
        format!("the run record `{}`", args.records.display()),
        args.records.clone(),
        context.actions.active,
    );
    let outbox = outbox(records, &settings, &context.redactor.snapshot());
    let written = write_previews(&outbox, folder, |preview| preview.project.to_string())?;
    eprintln!(
        "agentlab: wrote {written} preview{} of what would be posted to {}; nothing was posted",
        if written == 1 { "" } else { "s" },
        folder.display()
    );
    Ok(ExitStatus::Success)
}

/// The records `plan`/`deploy` wrote to `dir` (`PROJECT.json`), in project order. Previews, temporary files and
/// other JSON are skipped; a `PROJECT.json` that is not a record is bad input.
fn read_records(dir: &Path) -> Result<Vec<RunRecord>, CommandError> {
    if !dir.is_dir() {
        return Err(CommandError::BadInput(format!(
            "{} is not a folder of run records; pass the --output folder of the run that could not post",
            dir.display()
        )));
    }
    let entries = std::fs::read_dir(dir).map_err(|source| CommandError::Io {
        action: "read the records folder",
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
                && path
                    .file_name()
                    .is_some_and(|name| !name.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    paths.iter().map(|path| read_record(path)).collect()
}
