//! `agentlab demo`: the first thing a new user runs. The built-in scenarios on the bundled sandbox with the
//! offline defaults (the known-failure catalogue: no key, no network, $0), the report table, and previews of the
//! PR comments, deploy timelines and incident issues agentlab would have posted.

use std::path::{Path, PathBuf};

use crate::cli::{DemoArgs, GlobalArgs};
use crate::commands::{
    CommandError, ExitStatus, eval_status, optional_config, print_stdout, run_scenarios,
    write_report,
};
use crate::contracts::RunMode;
use crate::eval::runner::ScenarioRun;
use crate::eval::scenario::Scenario;
use crate::redact::process_shared_redactor;
use crate::render::RenderOptions;
use crate::render::comment::render_pr_comment;
use crate::render::issue::{needs_incident, render_incident_issue};
use crate::render::timeline::render_deploy_timeline;

/// The model the demo uses: the offline catalogue.
pub const DEMO_MODEL: &str = "catalog";

/// `agentlab demo [--output DIR]`.
pub async fn demo(global: &GlobalArgs, args: &DemoArgs) -> Result<ExitStatus, CommandError> {
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
    let (report, runs) =
        run_scenarios(&config, &scenarios, &[DEMO_MODEL.to_string()], 1, &output).await?;
    write_report(&report, &output)?;
    let previews = write_previews(&runs, &output.join("previews"))?;
    print_stdout(&report.to_markdown())?;
    let happy_calls: u32 = report
        .results
        .iter()
        .filter(|result| result.kind == crate::eval::scenario::ScenarioKind::Happy)
        .map(|result| result.llm_calls)
        .sum();
    eprintln!(
        "\nHappy paths made {happy_calls} LLM calls. The report is in {}, and {previews} previews of what would \
         have been posted (PR comments, deploy timelines, incident issues) are in {}.",
        output.join("report.md").display(),
        output.join("previews").display()
    );
    Ok(eval_status(&report))
}

/// Writes one Markdown file per thing agentlab would post; returns how many.
fn write_previews(runs: &[ScenarioRun], dir: &Path) -> Result<usize, CommandError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CommandError::Io {
            action: "write the preview",
            path,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let redactor = process_shared_redactor().snapshot();
    let options = RenderOptions {
        full_text_location: "the run record in the demo folder's `records/`".to_string(),
        ..RenderOptions::default()
    };
    let mut written = 0;
    for run in runs {
        let mut previews = vec![("pr-comment", render_pr_comment(&run.record, &options))];
        if run.record.mode == RunMode::Deploy {
            previews.push((
                "deploy-timeline",
                render_deploy_timeline(&run.record, &options),
            ));
        }
        if needs_incident(&run.record) {
            previews.push((
                "incident-issue",
                render_incident_issue(&run.record, &options),
            ));
        }
        for (kind, text) in previews {
            let path = dir.join(format!("{}.{kind}.md", run.scenario));
            std::fs::write(&path, redactor.redact(&text)).map_err(io(&path))?;
            written += 1;
        }
    }
    Ok(written)
}
