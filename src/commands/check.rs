//! `agentlab check` (alias `drift`): every project (or the `--project`s named; the affected filter does not apply)
//! checked for drift and health on the checked-out code, its records written before anything else, printed
//! (`--json`), and delivered through the run's Outbox: the previews show the issues a check would open, and with
//! `--post` each drifted or unhealthy project's issue is opened, kept current or closed (see crate::report).
//!
//! No LLM by default: the diagnoser is the known-failure catalogue ($0) unless `--diagnose` asks for the
//! configured one. Exit 0 when every project is in sync and healthy, else 1.

use futures::StreamExt;

use crate::cli::{CheckArgs, DiagnoserArgs, GlobalArgs};
use crate::commands::check_run::{ProjectCheck, check_project};
use crate::commands::projects::named_projects;
use crate::commands::report::{deliver, mask_known_secrets, run_outbox_with_open_issues};
use crate::commands::runs::{
    RunSettings, project_run, run_output_folder, terraform_runner, write_record,
};
use crate::commands::{
    CommandContext, CommandError, ExitStatus, PreflightScope, check_before_running,
    configured_diagnoser, export_check_metrics, print_stdout, validator_from_config,
};
use crate::config::LoadedConfig;
use crate::contracts::{CheckVerdict, RunMode};
use crate::github::client::GITHUB_RETRY;
use crate::github::problem_issue::open_problem_issues;
use crate::planner::agents::Agents;
use crate::report::OpenProblemIssue;

/// `agentlab check`.
pub async fn check(
    context: &CommandContext,
    global: &GlobalArgs,
    args: &CheckArgs,
) -> Result<ExitStatus, CommandError> {
    let config = LoadedConfig::load(&global.config)?;
    context.refuse_fork_pull_request()?;
    if !args.diagnose && (args.diagnoser.llm.is_some() || args.diagnoser.no_catalog) {
        return Err(CommandError::BadInput(
            "--llm and --no-catalog choose the diagnoser of `check --diagnose`; add --diagnose (without it a \
             check asks only the known-failure catalogue, at $0)"
                .to_string(),
        ));
    }
    let projects = if args.projects.is_empty() {
        config.config.projects.iter().collect()
    } else {
        named_projects(&config, &args.projects)?
    };
    let github = context.posting_settings(
        context.posting_enabled(args.posting.post, args.posting.no_post),
        &config.config,
    )?;
    check_before_running(
        context,
        &config,
        &projects,
        PreflightScope::Run(RunMode::Check),
    )?;
    if projects.is_empty() {
        eprintln!("no project is configured: nothing to check");
        if args.json {
            print_stdout("[]")?;
        }
        return Ok(ExitStatus::Success);
    }
    let (run_id, output_dir) = run_output_folder(context, args.posting.output.as_deref())?;
    context.learn_configured_secrets(&config.config)?;
    mask_known_secrets(context);

    let catalogue_only = DiagnoserArgs {
        llm: Some("catalog".to_string()),
        no_catalog: false,
    };
    let diagnoser_args = if args.diagnose {
        &args.diagnoser
    } else {
        &catalogue_only
    };
    let diagnoser = configured_diagnoser(context, &config.config, diagnoser_args)?;
    let terraform = terraform_runner(context, &config)?;
    let validator =
        validator_from_config(context, &config).with_cancellation(terraform.cancellation().clone());
    let agents = Agents {
        terraform: &terraform,
        validator: &validator,
        diagnoser: diagnoser.as_ref(),
    };
    let settings = RunSettings {
        run_id: run_id.clone(),
        mode: RunMode::Check,
        output_dir: output_dir.clone(),
        max_retries: Some(0),
        context: context.run_context(),
    };
    let checked_at_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    let checks: Vec<ProjectCheck> = projects
        .iter()
        .map(|project| {
            let run = project_run(&config, project, &settings);
            ProjectCheck {
                run_id: run.run_id,
                request: run.first_request,
                validation: run.validation,
                context: run.context,
                checked_at_unix,
            }
        })
        .collect();
    let concurrency = usize::try_from(config.config.defaults.concurrency)
        .unwrap_or(1)
        .max(1);
    let records: Vec<_> = futures::stream::iter(checks)
        .map(|check| check_project(check, agents))
        .buffered(concurrency)
        .collect()
        .await;

    // Record first, then tell: every record is on disk before anything is printed or posted.
    let snapshot = context.redactor.snapshot();
    for record in &records {
        let path = write_record(&output_dir, record, &snapshot)?;
        tracing::info!(project = %record.project, record = %path.display(), "check record written");
    }
    if args.json {
        let value = serde_json::to_value(&records)
            .map_err(|error| CommandError::internal("cannot encode the check records", error))?;
        let text = serde_json::to_string_pretty(&snapshot.redact_json(&value))
            .map_err(|error| CommandError::internal("cannot encode the check records", error))?;
        print_stdout(&text)?;
    }
    // The open issues are read before the Outbox decides: it keeps their "since" and comments only on a change.
    // When they cannot be read nothing is posted (a blind post could open a second issue for one problem).
    let mut github = github;
    let mut open_issues: Vec<OpenProblemIssue> = Vec::new();
    if let Some(settings) = &github {
        match read_open_issues(settings).await {
            Ok(found) => open_issues = found,
            Err(why) => {
                let why = context.redactor.redact(&why);
                tracing::warn!(
                    "cannot read agentlab's open drift and health issues, so nothing is posted: {why}"
                );
                github = None;
            }
        }
    }
    let outbox =
        run_outbox_with_open_issues(context, &records, &output_dir, &snapshot, open_issues);
    for line in &outbox.terminal_lines {
        eprintln!("{line}");
    }
    deliver(context, &outbox, &output_dir, github.as_ref()).await?;
    export_check_metrics(&records, &args.metrics).await;
    let all_fine = records.iter().all(|record| {
        record
            .check
            .as_ref()
            .is_some_and(|findings| findings.verdict == CheckVerdict::InSync)
    });
    Ok(if all_fine {
        ExitStatus::Success
    } else {
        ExitStatus::RunFailed
    })
}

async fn read_open_issues(
    settings: &crate::github::publish::GitHubSettings,
) -> Result<Vec<OpenProblemIssue>, String> {
    let client = settings
        .client(GITHUB_RETRY)
        .map_err(|error| error.to_string())?;
    open_problem_issues(&client)
        .await
        .map_err(|error| error.to_string())
}
