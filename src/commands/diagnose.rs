//! The diagnosis room as the commands see it: the one conversion from `[llm]`, `[redact]` and the `--llm` /
//! `--no-catalog` arguments to a configured diagnoser, and `agentlab diagnose --record FILE`, which asks it about
//! a recorded failure without running Terraform.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{DiagnoseArgs, DiagnoserArgs, GlobalArgs};
use crate::commands::runs::read_record;
use crate::commands::{CommandError, ExitStatus, print_stdout};
use crate::config::{Config, LlmConfig, LoadedConfig};
use crate::contracts::DiagnosisSource;
use crate::diagnosis::cost::Price;
use crate::diagnosis::replay::request_from_record;
use crate::diagnosis::{ApiKeys, DiagnosisSettings, LlmSpec, build_diagnoser};
use crate::planner::agents::Diagnoser;
use crate::redact::{SharedRedactor, process_shared_redactor};

/// The diagnosis settings of one invocation: `--llm` over `[llm] spec`, `--no-catalog` over `[llm] catalog`.
pub fn diagnosis_settings(
    llm: &LlmConfig,
    args: &DiagnoserArgs,
) -> Result<DiagnosisSettings, CommandError> {
    let spec_text = args.llm.as_deref().unwrap_or(&llm.spec);
    let spec =
        LlmSpec::parse(spec_text).map_err(|error| CommandError::BadInput(error.to_string()))?;
    let mut settings = DiagnosisSettings::with_spec(spec);
    settings.catalog = llm.catalog && !args.no_catalog;
    settings.timeout = Duration::from_secs(llm.timeout_seconds);
    settings.budget_usd_per_incident = llm.budget_usd_per_incident;
    settings.token_budget = usize::try_from(llm.token_budget).unwrap_or(usize::MAX);
    settings.base_url = llm.base_url.clone();
    settings.price_overrides = llm
        .prices
        .iter()
        .map(|(model, price)| {
            (
                model.clone(),
                Price {
                    input_per_mtok: price.input_per_mtok,
                    output_per_mtok: price.output_per_mtok,
                    // Without a cache price, cached tokens cost what input tokens cost: never an understatement.
                    cache_read_per_mtok: price.cache_read_per_mtok.unwrap_or(price.input_per_mtok),
                    cache_write_per_mtok: price
                        .cache_write_per_mtok
                        .unwrap_or(price.input_per_mtok),
                },
            )
        })
        .collect();
    Ok(settings)
}

/// The process-wide redactor with the configuration's secret environment variables and patterns added.
pub fn configured_redactor(config: &Config) -> Result<SharedRedactor, CommandError> {
    let redactor = process_shared_redactor().clone();
    for name in &config.redact.env {
        if let Ok(value) = std::env::var(name) {
            redactor.add_secret(&value);
        }
    }
    for pattern in &config.redact.patterns {
        redactor
            .add_pattern(pattern)
            .map_err(|error| CommandError::BadInput(error.to_string()))?;
    }
    Ok(redactor)
}

/// The diagnoser `plan` and `deploy` use in DIAGNOSING: the catalogue, then the configured LLM.
pub fn configured_diagnoser(
    config: &Config,
    args: &DiagnoserArgs,
    redactor: SharedRedactor,
) -> Result<Box<dyn Diagnoser>, CommandError> {
    let settings = diagnosis_settings(&config.llm, args)?;
    build_diagnoser(&settings, ApiKeys::from_environment(), redactor)
        .map_err(|error| CommandError::BadInput(error.to_string()))
}

/// `agentlab diagnose --record FILE [--llm SPEC] [--no-catalog] [--json]`. Exit 0 with a hypothesis, 1 without.
pub async fn diagnose_record(
    global: &GlobalArgs,
    args: &DiagnoseArgs,
) -> Result<ExitStatus, CommandError> {
    // A record can be re-diagnosed away from the repository it came from: without a configuration the defaults
    // apply and the project's files are simply not part of the context.
    let loaded = if global.config.exists() {
        Some(LoadedConfig::load(&global.config)?)
    } else {
        None
    };
    let config = loaded
        .as_ref()
        .map(|loaded| loaded.config.clone())
        .unwrap_or_default();
    let record = read_record(&args.record)?;
    let dir = loaded
        .as_ref()
        .and_then(|loaded| {
            let project = loaded
                .config
                .projects
                .iter()
                .find(|p| p.name == record.project)?;
            Some(loaded.project_dir(project))
        })
        .unwrap_or_else(|| PathBuf::from(""));
    let request = request_from_record(&record, dir)
        .map_err(|error| CommandError::BadInput(error.to_string()))?;
    let redactor = configured_redactor(&config)?;
    let diagnoser = configured_diagnoser(&config, &args.diagnoser, redactor.clone())?;
    let diagnosis = diagnoser.diagnose(&request).await;
    if args.json {
        let value = redactor
            .snapshot()
            .redact_serialized(&diagnosis)
            .map_err(|error| {
                CommandError::BadInput(format!("cannot serialise the diagnosis: {error}"))
            })?;
        print_stdout(&serde_json::to_string_pretty(&value).unwrap_or_default())?;
    }
    let summary = match &diagnosis.hypothesis {
        Some(hypothesis) => format!(
            "{} ({:?}): {} — remediation {} — {} LLM call(s), ${:.6}",
            hypothesis.category.as_str(),
            diagnosis.source,
            hypothesis.root_cause,
            hypothesis.remediation.action_name(),
            diagnosis.llm_calls(),
            diagnosis.cost_usd()
        ),
        None => format!(
            "diagnosis unavailable: {} — {} LLM call(s), ${:.6}",
            diagnosis.detail.as_deref().unwrap_or("no reason given"),
            diagnosis.llm_calls(),
            diagnosis.cost_usd()
        ),
    };
    eprintln!("{}", redactor.redact(&summary));
    Ok(match diagnosis.source {
        DiagnosisSource::Unavailable => ExitStatus::RunFailed,
        DiagnosisSource::Catalog | DiagnosisSource::Llm => ExitStatus::Success,
    })
}
