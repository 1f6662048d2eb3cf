//! `agentlab demo`: the first thing a new user runs. The built-in scenarios on the bundled sandbox with the
//! offline defaults (the known-failure catalogue: no key, no network, $0), the report table, and previews of the
//! PR comments, deploy timelines and incident issues agentlab would have posted; then two scheduled checks
//! (`demo_checks`: a drifted project and a stopped guest) and the drift and health issues they would open.

use std::path::{Path, PathBuf};

use crate::cli::{DemoArgs, GlobalArgs};
use crate::commands::demo_checks::run_demo_checks;
use crate::commands::report::write_previews;
use crate::commands::{
    CommandContext, CommandError, ExitStatus, eval_status, optional_config, print_stdout,
    run_scenarios, write_report,
};
use crate::eval::runner::ScenarioRun;
use crate::eval::scenario::Scenario;
use crate::report::{OutboxSettings, outbox};

/// The model the demo uses: the offline catalogue.
pub const DEMO_MODEL: &str = "catalog";

/// `agentlab demo [--output DIR]`.
pub async fn demo(
    context: &CommandContext,
    global: &GlobalArgs,
    args: &DemoArgs,
) -> Result<ExitStatus, CommandError> {
    let config = optional_config(&global.config)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("target/agentlab-demo"));
    let scenarios =
        Scenario::built_in().map_err(|error| CommandError::BadInput(error.to_string()))?;
    eprintln!(
        "agentlab demo: {} scenarios through the real Planner and terraform, diagnoses from the offline catalogue",
        scenarios.len()
    );
    let (report, runs) = run_scenarios(
        context,
        &config,
        &scenarios,
        &[DEMO_MODEL.to_string()],
        1,
        &output,
    )
    .await?;
    write_report(&report, &output)?;
    let previews = write_scenario_previews(context, &runs, &output)?;
    print_stdout(&report.to_markdown())?;
    eprintln!(
        "\nagentlab demo: two scheduled checks (`agentlab check`) after changes behind Git's back"
    );
    let check_records = run_demo_checks(context, &config, &output).await?;
    let check_previews = write_check_previews(context, &check_records, &output)?;
    let happy_calls: u32 = report
        .results
        .iter()
        .filter(|result| result.kind == crate::eval::scenario::ScenarioKind::Happy)
        .map(|result| result.llm_calls)
        .sum();
    eprintln!(
        "\nHappy paths made {happy_calls} LLM calls. The report is in {}, and {} previews of what would \
         have been posted (PR comments of plans, deploy timelines and incident issues of deploys, drift and \
         health issues of checks) are in {}.",
        output.join("report.md").display(),
        previews + check_previews,
        output.join("previews").display()
    );
    Ok(eval_status(&report))
}

/// Writes `previews/CASE.KIND.md` for every issue the demo's checks would open, and prints their summary lines.
fn write_check_previews(
    context: &CommandContext,
    records: &[crate::contracts::RunRecord],
    output: &Path,
) -> Result<usize, CommandError> {
    let settings = OutboxSettings::new(
        "the check's run record".to_string(),
        output.join("records"),
        false,
    );
    let outbox = outbox(records, &settings, &context.redactor.snapshot());
    for line in &outbox.terminal_lines {
        eprintln!("  {line}");
    }
    write_previews(&outbox, &output.join("previews"), |preview| {
        preview.project.to_string()
    })
}

/// Writes `previews/SCENARIO.KIND.md` for every text the scenario's run would post, from the same Outbox that
/// posting uses; returns how many.
fn write_scenario_previews(
    context: &CommandContext,
    runs: &[ScenarioRun],
    output: &Path,
) -> Result<usize, CommandError> {
    let records: Vec<_> = runs.iter().map(|run| run.record.clone()).collect();
    let settings = OutboxSettings::new(
        "the run record in the demo folder's `records/`".to_string(),
        output.join("records"),
        false,
    );
    let outbox = outbox(&records, &settings, &context.redactor.snapshot());
    write_previews(&outbox, &output.join("previews"), |preview| {
        runs[preview.record_index].scenario.clone()
    })
}
