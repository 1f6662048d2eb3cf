//! `agentlab eval` and the shared machinery of `agentlab demo`: the scenarios × models through the real Planner,
//! the report written to `--output`, and the metrics exported.
//!
//! Every model SPEC is measured alone: the known-failure catalogue only answers where `catalog` is the SPEC.

use std::path::{Path, PathBuf};

use crate::cli::{DiagnoserArgs, EvalArgs, GlobalArgs};
use crate::commands::{CommandContext, CommandError, ExitStatus, diagnosis_settings, print_stdout};
use crate::commands::{export_eval_metrics, read_record, write_record};
use crate::config::{Config, LoadedConfig};
use crate::diagnosis::{LlmSpec, build_diagnoser};
use crate::eval::records;
use crate::eval::report::EvalReport;
use crate::eval::runner::{EvalOptions, ScenarioRun, run_eval};
use crate::eval::scenario::{Scenario, ScenarioKind};
use crate::planner::agents::Diagnoser;
use crate::redact::Redactor;
use crate::terraform::{Cancellation, TerraformRunner};

/// `agentlab eval`.
pub async fn eval(
    context: &CommandContext,
    global: &GlobalArgs,
    args: &EvalArgs,
) -> Result<ExitStatus, CommandError> {
    let config = optional_config(&global.config)?;
    if let Some(dir) = &args.records {
        return eval_records(context, &config, args, dir).await;
    }
    let scenarios = match &args.scenarios {
        Some(dir) => Scenario::load_dir(dir),
        None => Scenario::built_in(),
    }
    .map_err(|error| CommandError::BadInput(error.to_string()))?;
    let output = match &args.output {
        Some(output) => output.clone(),
        None => {
            crate::commands::runs::ignored_agentlab_folder(Path::new(
                crate::commands::runs::AGENTLAB_FOLDER,
            ))?;
            PathBuf::from(".agentlab/eval")
        }
    };
    let terraform = configured_terraform(context, &config);
    let (report, runs) = run_scenarios(
        context,
        &config,
        &terraform,
        &scenarios,
        &args.models,
        args.repeat,
        &output,
    )
    .await?;
    write_report(&report, &output)?;
    write_run_records(&runs, &output, &context.redactor.snapshot())?;
    export_eval_metrics(&report, &runs, &args.metrics).await;
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|error| CommandError::internal("cannot encode the report", error))?;
        print_stdout(&text)?;
    } else {
        print_stdout(&report.to_markdown())?;
        eprintln!("report written to {}", output.join("report.md").display());
    }
    Ok(eval_status(&report))
}

/// `agentlab eval --records DIR`: the saved incidents of `dir` diagnosed again by each model, scored against
/// the folder's expected.toml, reported like the scenario eval (report.md, report.json, the same table).
async fn eval_records(
    context: &CommandContext,
    config: &Config,
    args: &EvalArgs,
    dir: &Path,
) -> Result<ExitStatus, CommandError> {
    for model in &args.models {
        LlmSpec::parse(model).map_err(|error| CommandError::BadInput(error.to_string()))?;
    }
    let bad = |error: records::RecordsError| CommandError::BadInput(error.to_string());
    let (_, expectations) = records::read_expectations(dir).map_err(bad)?;
    let mut incidents = Vec::new();
    for (file, expect) in expectations {
        let record = read_record(&dir.join(&file))?;
        incidents.push(records::SavedIncident {
            file,
            record,
            expect,
        });
    }
    context.learn_configured_secrets(config)?;
    let diagnoser_for = |spec: &str| eval_diagnoser(context, config, spec);
    let report = records::run_records_eval(&incidents, &args.models, args.repeat, &diagnoser_for)
        .await
        .map_err(bad)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(".agentlab/eval"));
    write_report(&report, &output)?;
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|error| CommandError::internal("cannot encode the report", error))?;
        print_stdout(&text)?;
    } else {
        print_stdout(&report.to_markdown())?;
        eprintln!("report written to {}", output.join("report.md").display());
    }
    Ok(ExitStatus::Success)
}

/// The configuration when there is one; the eval and the demo also run from any folder on the defaults.
pub fn optional_config(path: &Path) -> Result<Config, CommandError> {
    if path.exists() {
        Ok(LoadedConfig::load(path)?.config)
    } else {
        Ok(Config::default())
    }
}

/// A happy path that fails means the setup is broken (terraform missing, a regression): that fails the command.
/// Failure scenarios that a model gets wrong are results, not errors.
pub fn eval_status(report: &EvalReport) -> ExitStatus {
    let broken_happy_path = report
        .results
        .iter()
        .any(|result| result.kind == ScenarioKind::Happy && !result.pass);
    if broken_happy_path {
        ExitStatus::RunFailed
    } else {
        ExitStatus::Success
    }
}

/// The Terraform agent on the binary `AGENTLAB_TERRAFORM` or `[defaults] terraform` names.
pub fn configured_terraform(context: &CommandContext, config: &Config) -> TerraformRunner {
    TerraformRunner::new(
        context.terraform_binary(Some(&config.defaults.terraform)),
        context.redactor.clone(),
        Cancellation::new(),
    )
}

/// Runs the scenarios for every model with the real Terraform agent `terraform`.
pub async fn run_scenarios(
    context: &CommandContext,
    config: &Config,
    terraform: &TerraformRunner,
    scenarios: &[Scenario],
    models: &[String],
    repeat: u32,
    output: &Path,
) -> Result<(EvalReport, Vec<ScenarioRun>), CommandError> {
    for model in models {
        LlmSpec::parse(model).map_err(|error| CommandError::BadInput(error.to_string()))?;
    }
    context.learn_configured_secrets(config)?;
    let diagnoser_for = |spec: &str| eval_diagnoser(context, config, spec);
    let options = EvalOptions {
        models: models.to_vec(),
        repeat,
        work_dir: output.join("sandboxes"),
        terraform,
        terraform_version: terraform.version().await,
        diagnoser_for: &diagnoser_for,
        node: config.proxmox.node.clone(),
    };
    run_eval(scenarios, &options)
        .await
        .map_err(|error| CommandError::BadInput(error.to_string()))
}

/// Every scenario once as a pull request's plan with `model`, on `terraform` (the demo's plan comments).
pub async fn run_scenario_plans(
    context: &CommandContext,
    config: &Config,
    terraform: &TerraformRunner,
    scenarios: &[Scenario],
    model: &str,
    output: &Path,
) -> Result<Vec<ScenarioRun>, CommandError> {
    let diagnoser_for = |spec: &str| eval_diagnoser(context, config, spec);
    let options = EvalOptions {
        models: vec![model.to_string()],
        repeat: 1,
        work_dir: output.join("sandboxes"),
        terraform,
        terraform_version: terraform.version().await,
        diagnoser_for: &diagnoser_for,
        node: config.proxmox.node.clone(),
    };
    crate::eval::runner::run_plans(scenarios, model, &options)
        .await
        .map_err(|error| CommandError::BadInput(error.to_string()))
}

/// The diagnoser for one SPEC measured alone: the catalogue only when the SPEC is `catalog`.
fn eval_diagnoser(
    context: &CommandContext,
    config: &Config,
    spec: &str,
) -> Result<Box<dyn Diagnoser>, String> {
    let arguments = DiagnoserArgs {
        llm: Some(spec.to_string()),
        no_catalog: true,
    };
    let settings =
        diagnosis_settings(context, config, &arguments).map_err(|error| error.to_string())?;
    build_diagnoser(&settings, context.api_keys(), context.redactor.clone())
        .map_err(|error| error.to_string())
}

/// Writes `report.md` and `report.json`.
pub fn write_report(report: &EvalReport, output: &Path) -> Result<(), CommandError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CommandError::Io {
            action: "write",
            path,
            source,
        }
    };
    std::fs::create_dir_all(output).map_err(io(output))?;
    let markdown = output.join("report.md");
    std::fs::write(&markdown, report.to_markdown()).map_err(io(&markdown))?;
    let json = output.join("report.json");
    let text = serde_json::to_string_pretty(report)
        .map_err(|error| CommandError::internal("cannot encode the report", error))?;
    std::fs::write(&json, text).map_err(io(&json))?;
    Ok(())
}

/// Writes every run's record under `records/MODEL-REPEAT/SCENARIO.json`, redacted like any record.
pub fn write_run_records(
    runs: &[ScenarioRun],
    output: &Path,
    redactor: &Redactor,
) -> Result<(), CommandError> {
    for run in runs {
        let slug: String = run
            .model
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let dir = output
            .join("records")
            .join(format!("{slug}-{}", run.repeat));
        write_record(&dir, &run.record, redactor)?;
    }
    Ok(())
}
