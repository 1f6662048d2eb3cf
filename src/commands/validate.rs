//! `agentlab validate --project NAME [--mode plan|live] [--state FILE] [--json]`: the Validator's four checks for
//! one project, printed as a table (or the `ValidationResult` as JSON), exit 0 when none failed and 1 when one did.
//!
//! The request is built by the same function the Planner uses in VALIDATING, from the project's configuration and
//! Terraform's facts. Without `--state` the command gets those facts itself through the Terraform agent: `init`
//! when the folder needs it and `show -json` of the state (live), or `init`, a fresh saved plan and its `show
//! -json` (plan); nothing is ever applied. With `--state FILE` it reads a `terraform show -json` document the user
//! already has and runs no Terraform.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::cli::ValidateArgs;
use crate::commands::projects::named_projects;
use crate::commands::runs::{RunSettings, project_run, terraform_runner};
use crate::commands::{CommandContext, CommandError, ExitStatus, print_stdout};
use crate::config::LoadedConfig;
use crate::contracts::{
    CheckStatus, RunContext, RunMode, TerraformPhase, TerraformRequest, TerraformResult,
    ValidationResult,
};
use crate::planner::events::terraform_summary;
use crate::planner::validation_facts::validation_request;
use crate::redact::SharedRedactor;
use crate::terraform::TerraformRunner;
use crate::terraform::plan::{parse_plan_json, parse_state_json};
use crate::validator::proxmox::ProxmoxClientSettings;
use crate::validator::{ProxmoxValidator, ValidatorSettings};

/// Runs the command.
pub async fn validate(
    context: &CommandContext,
    config: &LoadedConfig,
    args: &ValidateArgs,
) -> Result<ExitStatus, CommandError> {
    context.learn_configured_secrets(&config.config)?;
    let project = named_projects(config, std::slice::from_ref(&args.project))?
        .into_iter()
        .next()
        .ok_or_else(|| CommandError::BadInput(format!("no project named `{}`", args.project)))?;
    let settings = RunSettings {
        run_id: "validate".into(),
        mode: args.mode,
        output_dir: config.base_dir.join(".agentlab"),
        max_retries: None,
        context: RunContext::default(),
    };
    let run = project_run(config, project, &settings);
    let mut validator = validator_from_config(context, config);
    let terraform = match &args.state {
        Some(state_path) => read_terraform_facts(state_path, args.mode, &context.redactor)?,
        None => {
            let runner = terraform_runner(context, config)?;
            validator = validator.with_cancellation(runner.cancellation().clone());
            let facts = terraform_reads_the_facts(&runner, &run.first_request).await?;
            if !facts.ok {
                eprintln!(
                    "{}",
                    context.redactor.redact(&format!(
                        "agentlab validate: Terraform could not give the facts of `{}` ({}): {}",
                        run.first_request.project,
                        run.first_request.dir.display(),
                        terraform_summary(&facts)
                    ))
                );
                return Ok(ExitStatus::RunFailed);
            }
            facts
        }
    };
    let request = validation_request(
        &run.first_request.project,
        run.mode,
        &run.validation,
        &terraform,
    );
    let result = validator.check(&request).await;
    let text = if args.json {
        serde_json::to_string_pretty(&result)
            .map_err(|error| CommandError::internal("cannot encode the validation result", error))?
    } else {
        render_table(&result)
    };
    print_stdout(&context.redactor.redact(&text))?;
    Ok(if result.ok {
        ExitStatus::Success
    } else {
        ExitStatus::RunFailed
    })
}

/// Terraform's facts without `--state`: the deployed state (live), or a fresh saved plan (plan). A live request
/// is never run as a deploy: only its state is read.
async fn terraform_reads_the_facts(
    runner: &TerraformRunner,
    request: &TerraformRequest,
) -> Result<TerraformResult, CommandError> {
    let answer = if request.mode.checks_live_guests() {
        runner.read_state(request).await
    } else {
        runner.run_request(request).await
    };
    answer.map_err(|error| CommandError::internal("cannot run terraform for the facts", error))
}

/// The Validator as configured: `[proxmox] timeout_seconds` and `ca_file` (relative to the configuration file),
/// endpoint and token from the invocation's environment. A missing or malformed variable does not stop the
/// Validator: `resources` needs no API, and the guest checks report the problem as their evidence.
pub fn validator_from_config(context: &CommandContext, config: &LoadedConfig) -> ProxmoxValidator {
    let proxmox = &config.config.proxmox;
    let settings = ValidatorSettings {
        client: ProxmoxClientSettings {
            request_timeout: Duration::from_secs(proxmox.timeout_seconds.max(1)),
            ..ProxmoxClientSettings::default()
        },
        ..ValidatorSettings::default()
    };
    let connection = context.proxmox_connection().map(|mut connection| {
        if let Some(ca_file) = &proxmox.ca_file {
            connection.ca_file = Some(config.base_dir.join(ca_file));
        }
        connection
    });
    ProxmoxValidator::from_connection(connection, settings)
}

/// One line per check, its evidence indented below it.
pub fn render_table(result: &ValidationResult) -> String {
    let mut lines = vec![format!("{:<13} {:<6} DETAIL", "CHECK", "STATUS")];
    for check in &result.checks {
        let status = match check.status {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Skip => "skip",
        };
        lines.push(format!(
            "{:<13} {status:<6} {}",
            check.name.as_str(),
            check.detail
        ));
        for evidence in &check.evidence {
            lines.push(format!("    - {evidence}"));
        }
    }
    let failed = result.failed_checks().count();
    lines.push(if failed == 0 {
        "all checks passed (skips allowed)".to_string()
    } else {
        format!("{failed} check(s) failed")
    });
    lines.join("\n")
}

/// Reads the facts the Validator needs from `terraform show -json`: every resource address (child modules
/// included), the known outputs (sensitive values masked), and, for a plan, the resources it creates.
/// The values Terraform marks sensitive are added to `redactor`, the invocation's own.
fn read_terraform_facts(
    path: &Path,
    mode: RunMode,
    redactor: &SharedRedactor,
) -> Result<TerraformResult, CommandError> {
    let text = std::fs::read_to_string(path).map_err(|source| CommandError::Io {
        action: "read the Terraform JSON",
        path: path.to_path_buf(),
        source,
    })?;
    terraform_facts(&text, mode, redactor)
        .map_err(|why| CommandError::BadInput(format!("{}: {why}", path.display())))
}

/// Tells a plan from a state (the two commands print different documents) and reads it with the Terraform room's
/// parsers: addresses through child modules, known outputs with sensitive values masked, and the plan's creates.
fn terraform_facts(
    text: &str,
    mode: RunMode,
    redactor: &SharedRedactor,
) -> Result<TerraformResult, String> {
    let document: Value = serde_json::from_str(text)
        .map_err(|error| format!("not JSON from `terraform show -json`: {error}"))?;
    if document
        .get("format_version")
        .and_then(Value::as_str)
        .is_none()
    {
        return Err("no format_version; is it the output of `terraform show -json`?".into());
    }
    let is_plan =
        document.get("planned_values").is_some() || document.get("resource_changes").is_some();
    let (phase, resource_addresses, outputs, resource_changes) = match (mode, is_plan) {
        (RunMode::Plan, true) => {
            let plan = parse_plan_json(text).map_err(|error| error.to_string())?;
            plan.sensitive_values
                .iter()
                .for_each(|value| redactor.add_secret_json(value));
            (
                TerraformPhase::Plan,
                plan.planned_addresses,
                plan.planned_outputs,
                plan.resource_changes,
            )
        }
        (RunMode::Deploy | RunMode::Check, false) => {
            let state = parse_state_json(text).map_err(|error| error.to_string())?;
            state
                .sensitive_values
                .iter()
                .for_each(|value| redactor.add_secret_json(value));
            (
                TerraformPhase::Apply,
                state.resource_addresses,
                state.outputs,
                Vec::new(),
            )
        }
        (RunMode::Plan, false) => {
            return Err(
                "this is a state, but --mode plan needs `terraform show -json PLANFILE`".into(),
            );
        }
        (RunMode::Deploy | RunMode::Check, true) => {
            return Err(
                "this is a plan, but --mode live needs `terraform show -json` of the state".into(),
            );
        }
    };
    Ok(TerraformResult {
        ok: true,
        phase,
        exit_code: Some(0),
        cancelled: false,
        changes: Default::default(),
        resource_changes,
        resource_addresses,
        diagnostics: Vec::new(),
        outputs,
        log_tail: Vec::new(),
        duration_ms: 0,
        plan_identity: None,
        refusal: None,
        unknown_outputs: Vec::new(),
        facts_source: None,
    })
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
