//! `agentlab plan` and `agentlab deploy`: the selected projects through the Planner with the real agents (the
//! Terraform runner, the Proxmox Validator, the configured diagnoser), their records written to `--output` before
//! anything else, then printed (`--json`: a JSON array of run records on stdout) and delivered through the
//! run's Outbox (previews, step summary, posts).
//!
//! SIGINT and SIGTERM are turned into cancellation requests here, once per process: the Terraform runner forwards
//! the first to Terraform as SIGINT (it stops and releases the state lock) and kills it on the second.

use crate::cli::{DeployArgs, DiagnoserArgs, GlobalArgs, MetricsArgs, PlanArgs, PostingArgs};
use crate::commands::configuration::{RunConfiguration, load_run_configuration};
use crate::commands::preflight::{PreflightScope, preflight_problems};
use crate::commands::projects::choose_projects;
use crate::commands::report::{deliver, mask_known_secrets, run_outbox};
use crate::commands::review::{review_gates, stamp_plan_records};
use crate::commands::runs::{
    RunSettings, project_run, run_output_folder, run_projects, terraform_runner, write_record,
};
use crate::commands::{
    CommandContext, CommandError, ExitStatus, configured_diagnoser, export_run_metrics,
    print_stdout, validator_from_config,
};
use crate::config::{ConfigError, DefaultBranchConfig, ProjectConfig};
use crate::contracts::{Outcome, RunContext, RunMode};
use crate::planner::agents::Agents;

/// `agentlab plan`: init + plan + validation of the plan for each selected project.
pub async fn plan(
    context: &CommandContext,
    global: &GlobalArgs,
    args: &PlanArgs,
) -> Result<ExitStatus, CommandError> {
    let configuration = load_run_configuration(context, &global.config)?;
    let projects = choose_projects(context, &configuration.loaded, args.into()).await?;
    let invocation = Invocation {
        mode: RunMode::Plan,
        posting: &args.posting,
        diagnoser: &args.diagnoser,
        max_retries: None,
        json: args.json,
        metrics: &args.metrics,
        allow_unreviewed: false,
    };
    run_and_report(context, &configuration, projects, invocation).await
}

/// `agentlab deploy`: init + plan + apply + validation of the live guests for each selected project.
pub async fn deploy(
    context: &CommandContext,
    global: &GlobalArgs,
    args: &DeployArgs,
) -> Result<ExitStatus, CommandError> {
    let configuration = load_run_configuration(context, &global.config)?;
    let projects = choose_projects(context, &configuration.loaded, args.into()).await?;
    let invocation = Invocation {
        mode: RunMode::Deploy,
        posting: &args.posting,
        diagnoser: &args.diagnoser,
        max_retries: args.max_retries,
        json: args.json,
        metrics: &args.metrics,
        allow_unreviewed: args.allow_unreviewed,
    };
    run_and_report(context, &configuration, projects, invocation).await
}

/// What `plan` and `deploy` share of their arguments.
struct Invocation<'a> {
    mode: RunMode,
    posting: &'a PostingArgs,
    diagnoser: &'a DiagnoserArgs,
    max_retries: Option<u32>,
    json: bool,
    metrics: &'a MetricsArgs,
    /// `deploy --allow-unreviewed`.
    allow_unreviewed: bool,
}

async fn run_and_report(
    context: &CommandContext,
    configuration: &RunConfiguration,
    projects: Vec<&ProjectConfig>,
    invocation: Invocation<'_>,
) -> Result<ExitStatus, CommandError> {
    let config = &configuration.loaded;
    // Everything that can be checked before Terraform runs is, for every project, and reported at once: a missing
    // token, folder or variable is a configuration error (exit 2), not a failed run afterwards.
    let github = context.posting_settings(
        context.posting_enabled(invocation.posting.post, invocation.posting.no_post),
        &config.config,
    );
    let mut problems = preflight_problems(
        context,
        config,
        &projects,
        PreflightScope::Run(invocation.mode),
    );
    if let Err(error) = &github {
        problems.insert(0, error.to_string());
    }
    if !problems.is_empty() {
        return Err(CommandError::Config(ConfigError::Problems {
            path: config.path.clone(),
            problems,
        }));
    }
    let github = github?;
    if projects.is_empty() {
        eprintln!("no project is affected: nothing to run");
        if invocation.json {
            print_stdout("[]")?;
        }
        return Ok(ExitStatus::Success);
    }
    let (run_id, output_dir) = run_output_folder(context, invocation.posting.output.as_deref())?;
    let settings = RunSettings {
        run_id,
        mode: invocation.mode,
        output_dir: output_dir.clone(),
        max_retries: invocation.max_retries,
        context: RunContext {
            configuration_note: configuration.note(),
            ..context.run_context()
        },
    };

    context.learn_configured_secrets(&config.config)?;
    mask_known_secrets(context);
    // A pull request planned before the default branch has a configuration gets the offline catalogue only:
    // no default branch says which model the API key may be sent to.
    let catalogue_only = DiagnoserArgs {
        llm: Some("catalog".to_string()),
        no_catalog: false,
    };
    let diagnoser_args = match configuration.default_branch {
        DefaultBranchConfig::Absent => &catalogue_only,
        DefaultBranchConfig::NotApplicable | DefaultBranchConfig::Sections(_) => {
            invocation.diagnoser
        }
    };
    let diagnoser = configured_diagnoser(context, &config.config, diagnoser_args)?;
    let review_key = context.review_key();
    let terraform = terraform_runner(context, config)?.with_review_key(review_key.clone());
    // The same stop request that interrupts Terraform ends the wait for new guests to settle.
    let validator =
        validator_from_config(context, config).with_cancellation(terraform.cancellation().clone());
    let agents = Agents {
        terraform: &terraform,
        validator: &validator,
        diagnoser: diagnoser.as_ref(),
    };
    let mut gates = match invocation.mode {
        RunMode::Deploy => {
            review_gates(
                context,
                &config.config,
                &projects,
                invocation.allow_unreviewed,
            )
            .await?
        }
        RunMode::Plan | RunMode::Check => Default::default(),
    };
    let runs = projects
        .iter()
        .map(|project| {
            let mut run = project_run(config, project, &settings);
            if let Some(gate) = gates.remove(&project.name) {
                run.first_request.guard.review = gate;
            }
            run
        })
        .collect();
    let concurrency = usize::try_from(config.config.defaults.concurrency).unwrap_or(1);
    let mut records = run_projects(runs, agents, concurrency).await;
    if invocation.mode == RunMode::Plan {
        stamp_plan_records(&mut records, review_key.as_ref());
    }

    // Record first, then tell: every record is on disk before anything is printed.
    let snapshot = context.redactor.snapshot();
    for record in &records {
        let path = write_record(&output_dir, record, &snapshot)?;
        tracing::info!(project = %record.project, record = %path.display(), "run record written");
    }
    if invocation.json {
        let value = serde_json::to_value(&records)
            .map_err(|error| CommandError::internal("cannot encode the run records", error))?;
        let text = serde_json::to_string_pretty(&snapshot.redact_json(&value))
            .map_err(|error| CommandError::internal("cannot encode the run records", error))?;
        print_stdout(&text)?;
    }
    let outbox = run_outbox(context, &records, &output_dir, &snapshot);
    for line in &outbox.terminal_lines {
        eprintln!("{line}");
    }
    deliver(context, &outbox, &output_dir, github.as_ref()).await?;
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
