//! `agentlab plan` and `agentlab deploy`: the selected projects through the Planner with the real agents (the
//! Terraform runner, the Proxmox Validator, the configured diagnoser), their records written to `--output` before
//! anything else, then printed (`--json`: a JSON array of run records on stdout) or summarised on stderr.
//!
//! SIGINT and SIGTERM are turned into cancellation requests here, once per process: the Terraform runner forwards
//! the first to Terraform as SIGINT (it stops and releases the state lock) and kills it on the second.

use std::path::PathBuf;

use crate::cli::{DeployArgs, DiagnoserArgs, GlobalArgs, MetricsArgs, PlanArgs, PostingArgs};
use crate::commands::projects::{named_projects, plan_projects};
use crate::commands::report::{
    mask_known_secrets, posting_enabled, posting_settings, report_records, run_context_for_event,
};
use crate::commands::runs::{RunSettings, new_run_id, project_run, run_projects, write_record};
use crate::commands::{
    CommandError, ExitStatus, configured_diagnoser, configured_redactor, export_run_metrics,
    print_stdout, validator_from_config,
};
use crate::config::{LoadedConfig, ProjectConfig};
use crate::contracts::{Outcome, RunContext, RunMode, RunRecord};
use crate::github::event::{EventDecision, detect_from_environment};
use crate::planner::agents::Agents;
use crate::terraform::{Cancellation, TerraformRunner, terraform_binary};

/// `agentlab plan`: init + plan + validation of the plan for each selected project.
pub async fn plan(global: &GlobalArgs, args: &PlanArgs) -> Result<ExitStatus, CommandError> {
    let config = LoadedConfig::load(&global.config)?;
    let projects = plan_projects(&config, args).await?;
    let invocation = Invocation {
        mode: RunMode::Plan,
        posting: &args.posting,
        diagnoser: &args.diagnoser,
        max_retries: None,
        json: args.json,
        metrics: &args.metrics,
    };
    run_and_report(&config, projects, invocation).await
}

/// `agentlab deploy`: init + plan + apply + validation of the live guests for each selected project.
pub async fn deploy(global: &GlobalArgs, args: &DeployArgs) -> Result<ExitStatus, CommandError> {
    let config = LoadedConfig::load(&global.config)?;
    let projects = if args.projects.is_empty() {
        config.config.projects.iter().collect()
    } else {
        named_projects(&config, &args.projects)?
    };
    let invocation = Invocation {
        mode: RunMode::Deploy,
        posting: &args.posting,
        diagnoser: &args.diagnoser,
        max_retries: args.max_retries,
        json: args.json,
        metrics: &args.metrics,
    };
    run_and_report(&config, projects, invocation).await
}

/// What `plan` and `deploy` share of their arguments.
struct Invocation<'a> {
    mode: RunMode,
    posting: &'a PostingArgs,
    diagnoser: &'a DiagnoserArgs,
    max_retries: Option<u32>,
    json: bool,
    metrics: &'a MetricsArgs,
}

/// Links for comments and issues: from the triggering event inside GitHub Actions (the pull request, the head
/// commit), else from the variables Actions sets; empty in a terminal.
fn run_context() -> RunContext {
    if std::env::var_os("GITHUB_EVENT_NAME").is_some()
        && let Ok(EventDecision::Run(event)) = detect_from_environment()
    {
        return run_context_for_event(&event);
    }
    run_context_from_environment()
}

fn run_context_from_environment() -> RunContext {
    let variable = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let run_url = match (
        variable("GITHUB_SERVER_URL"),
        variable("GITHUB_REPOSITORY"),
        variable("GITHUB_RUN_ID"),
    ) {
        (Some(server), Some(repository), Some(run)) => {
            Some(format!("{server}/{repository}/actions/runs/{run}"))
        }
        _ => None,
    };
    RunContext {
        repository: variable("GITHUB_REPOSITORY"),
        commit: variable("GITHUB_SHA"),
        pull_request: None,
        run_url,
    }
}

async fn run_and_report(
    config: &LoadedConfig,
    projects: Vec<&ProjectConfig>,
    invocation: Invocation<'_>,
) -> Result<ExitStatus, CommandError> {
    // Checked before Terraform runs, so a missing token is bad input (exit 2), not a warning afterwards.
    let github = posting_settings(posting_enabled(invocation.posting))?;
    if projects.is_empty() {
        eprintln!("no project is affected: nothing to run");
        if invocation.json {
            print_stdout("[]")?;
        }
        return Ok(ExitStatus::Success);
    }
    let run_id = new_run_id();
    let output_dir = invocation
        .posting
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(".agentlab/runs").join(&run_id));
    let settings = RunSettings {
        run_id,
        mode: invocation.mode,
        output_dir: output_dir.clone(),
        max_retries: invocation.max_retries,
        context: run_context(),
    };
    std::fs::create_dir_all(&output_dir).map_err(|source| CommandError::Io {
        action: "create the output folder",
        path: output_dir.clone(),
        source,
    })?;

    let redactor = configured_redactor(&config.config)?;
    mask_known_secrets(&redactor.snapshot());
    let diagnoser = configured_diagnoser(&config.config, invocation.diagnoser, redactor.clone())?;
    let validator = validator_from_config(config);
    let cancellation = Cancellation::new();
    cancellation
        .forward_process_signals()
        .map_err(|source| CommandError::Io {
            action: "listen for signals on",
            path: PathBuf::from("SIGINT/SIGTERM"),
            source,
        })?;
    let terraform = TerraformRunner::new(
        terraform_binary(Some(&config.config.defaults.terraform)),
        redactor.clone(),
        cancellation,
    );
    let agents = Agents {
        terraform: &terraform,
        validator: &validator,
        diagnoser: diagnoser.as_ref(),
    };
    let runs = projects
        .iter()
        .map(|project| project_run(config, project, &settings))
        .collect();
    let concurrency = usize::try_from(config.config.defaults.concurrency).unwrap_or(1);
    let records = run_projects(runs, agents, concurrency).await;

    // Record first, then tell: every record is on disk before anything is printed.
    let snapshot = redactor.snapshot();
    for record in &records {
        let path = write_record(&output_dir, record, &snapshot)?;
        tracing::info!(project = %record.project, record = %path.display(), "run record written");
    }
    if invocation.json {
        let value = serde_json::to_value(&records).map_err(|error| {
            CommandError::BadInput(format!("cannot encode the run records: {error}"))
        })?;
        let text =
            serde_json::to_string_pretty(&snapshot.redact_json(&value)).map_err(|error| {
                CommandError::BadInput(format!("cannot encode the run records: {error}"))
            })?;
        print_stdout(&text)?;
    }
    for record in &records {
        eprintln!("{}", snapshot.redact(&summary_line(record)));
    }
    report_records(&records, &output_dir, github.as_ref(), &snapshot).await?;
    export_run_metrics(&records, invocation.metrics).await;
    let all_succeeded = records
        .iter()
        .all(|record| record.outcome == Outcome::Success);
    Ok(if all_succeeded {
        ExitStatus::Success
    } else {
        ExitStatus::RunFailed
    })
}

/// One line per project for the terminal.
fn summary_line(record: &RunRecord) -> String {
    let changes = record
        .attempts
        .last()
        .map(|attempt| attempt.terraform.changes)
        .unwrap_or_default();
    let counts = format!(
        "{} to add, {} to change, {} to destroy",
        changes.add, changes.change, changes.destroy
    );
    match record.outcome {
        Outcome::Success => format!(
            "{}: success after {} attempt(s) ({counts})",
            record.project,
            record.attempts.len()
        ),
        Outcome::Failed => format!(
            "{}: FAILED after {} attempt(s): {}",
            record.project,
            record.attempts.len(),
            record
                .failure_reason
                .as_deref()
                .unwrap_or("no reason recorded")
        ),
    }
}
