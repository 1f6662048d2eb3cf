//! The diagnosis room as the commands see it: the one conversion from `[llm]`, `[policy]`, `[redact]` and the `--llm` /
//! `--no-catalog` arguments to a configured diagnoser, and `agentlab diagnose --record FILE`, which asks it about
//! a recorded failure without running Terraform.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{DiagnoseArgs, DiagnoserArgs, GlobalArgs};
use crate::commands::runs::read_record;
use crate::commands::{CommandContext, CommandError, ExitStatus, print_stdout};
use crate::config::{Config, LoadedConfig};
use crate::contracts::DiagnosisSource;
use crate::diagnosis::cost::Price;
use crate::diagnosis::replay::request_from_record;
use crate::diagnosis::{DiagnosisSettings, LlmSpec, build_diagnoser};
use crate::planner::agents::Diagnoser;
use crate::planner::category_policy::CategoryTable;

/// The diagnosis settings of one invocation: `--llm` over `[llm] spec`, `--no-catalog` over `[llm] catalog`,
/// `AGENTLAB_LLM_BASE_URL` over `[llm] base_url`; the category → remediation rows from `[policy] unattended`.
pub fn diagnosis_settings(
    context: &CommandContext,
    config: &Config,
    args: &DiagnoserArgs,
) -> Result<DiagnosisSettings, CommandError> {
    let llm = &config.llm;
    let spec_text = args.llm.as_deref().unwrap_or(&llm.spec);
    let spec =
        LlmSpec::parse(spec_text).map_err(|error| CommandError::BadInput(error.to_string()))?;
    let mut settings = DiagnosisSettings::with_spec(spec);
    settings.catalog = llm.catalog && !args.no_catalog;
    settings.timeout = Duration::from_secs(llm.timeout_seconds);
    settings.budget_usd_per_incident = llm.budget_usd_per_incident;
    settings.token_budget = usize::try_from(llm.token_budget).unwrap_or(usize::MAX);
    settings.unpriced_tokens_per_incident = llm.unpriced_tokens_per_incident;
    settings.category_table = CategoryTable::for_policy(&config.policy.remediation_policy());
    settings.base_url = context.llm_base_url(llm.base_url.as_deref());
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

/// The diagnoser `plan` and `deploy` use in DIAGNOSING: the catalogue, then the configured LLM.
pub fn configured_diagnoser(
    context: &CommandContext,
    config: &Config,
    args: &DiagnoserArgs,
) -> Result<Box<dyn Diagnoser>, CommandError> {
    let settings = diagnosis_settings(context, config, args)?;
    build_diagnoser(&settings, context.api_keys(), context.redactor.clone())
        .map_err(|error| CommandError::BadInput(error.to_string()))
}

/// `agentlab diagnose --record FILE [--llm SPEC] [--no-catalog] [--json]`. Exit 0 with a hypothesis, 1 without.
pub async fn diagnose_record(
    context: &CommandContext,
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
    context.learn_configured_secrets(&config)?;
    let redactor = &context.redactor;
    let diagnoser = configured_diagnoser(context, &config, &args.diagnoser)?;
    let diagnosis = diagnoser.diagnose(&request).await;
    if args.json {
        let value = redactor
            .snapshot()
            .redact_serialized(&diagnosis)
            .map_err(|error| CommandError::internal("cannot encode the diagnosis", error))?;
        print_stdout(&serde_json::to_string_pretty(&value).unwrap_or_default())?;
    }
    let summary = match &diagnosis.hypothesis {
        Some(hypothesis) => format!(
            "{} ({:?}): {} — remediation {} — {}, ${:.6}",
            hypothesis.category.as_str(),
            diagnosis.source,
            hypothesis.root_cause,
            hypothesis.remediation.action_name(),
            llm_calls_words(diagnosis.llm_calls()),
            diagnosis.cost_usd()
        ),
        None => format!(
            "diagnosis unavailable: {} — {}, ${:.6}",
            diagnosis.detail.as_deref().unwrap_or("no reason given"),
            llm_calls_words(diagnosis.llm_calls()),
            diagnosis.cost_usd()
        ),
    };
    eprintln!("{}", redactor.redact(&summary));
    Ok(match diagnosis.source {
        DiagnosisSource::Unavailable => ExitStatus::RunFailed,
        DiagnosisSource::Catalog | DiagnosisSource::Llm => ExitStatus::Success,
    })
}

/// "1 LLM call", "2 LLM calls".
fn llm_calls_words(calls: u32) -> String {
    format!("{calls} LLM call{}", if calls == 1 { "" } else { "s" })
}
