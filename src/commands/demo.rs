//! `agentlab demo`: the first thing a new user runs. The built-in scenarios on the bundled sandbox with the
//! offline defaults (the known-failure catalogue: no key, no network, $0), each run twice as a user meets it: as a
//! pull request's plan (the comment reviewers read before merging) and as the deploy after the merge (the
//! timeline on the merged pull request, and the incident issue when it fails). Then two scheduled checks
//! (`demo_checks`: a drifted project and a stopped guest) and the drift and health issues they would open.
//!
//! The previews are the Outbox's texts, named by what they are; a text that would never be posted (a recovery
//! comment with no open incident to close) gets none. The demo runs the Terraform bundled in `.tools/` when there
//! is one, whatever `terraform` is on PATH, and says which binary it used.

use std::path::{Path, PathBuf};

use crate::cli::{DemoArgs, GlobalArgs};
use crate::commands::demo_checks::run_demo_checks;
use crate::commands::{
    CommandContext, CommandError, ExitStatus, configured_terraform, eval_status, optional_config,
    print_stdout, run_scenario_plans, run_scenarios, write_report,
};
use crate::config::Config;
use crate::contracts::RunRecord;
use crate::eval::runner::ScenarioRun;
use crate::eval::scenario::{Scenario, ScenarioKind};
use crate::report::{OutboxSettings, outbox};
use crate::terraform::TerraformRunner;

/// The model the demo uses: the offline catalogue.
pub const DEMO_MODEL: &str = "catalog";

/// Where `scripts/setup` installs the Terraform the scenarios were written for, under the checkout.
const BUNDLED_TERRAFORM: &str = ".tools/bin/terraform";
/// The CLI configuration that points the bundled Terraform at its offline provider mirror.
const BUNDLED_TERRAFORM_CONFIG: &str = ".tools/terraformrc";

/// What the demo says about each kind of preview, in the order a reader meets them.
const PREVIEW_KINDS: [(&str, &str); 5] = [
    (
        "pr-comment",
        "the plan comment on the pull request (`agentlab plan`), before merging",
    ),
    (
        "deploy-timeline",
        "the deploy's timeline on the merged pull request",
    ),
    (
        "incident-issue",
        "the issue a failed deploy opens (failed deploys only)",
    ),
    ("drift-issue", "the issue a scheduled check opens for drift"),
    (
        "health-issue",
        "the issue a scheduled check opens for an unhealthy guest",
    ),
];

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
    let terraform = demo_terraform(context, &config).await;
    eprintln!(
        "agentlab demo: {} scenarios, each as a pull request's plan and as the deploy after the merge, through \
         the real Planner and terraform; diagnoses from the offline catalogue ($0, no key)",
        scenarios.len()
    );
    let plans = run_scenario_plans(
        context, &config, &terraform, &scenarios, DEMO_MODEL, &output,
    )
    .await?;
    let (report, deploys) = run_scenarios(
        context,
        &config,
        &terraform,
        &scenarios,
        &[DEMO_MODEL.to_string()],
        1,
        &output,
    )
    .await?;
    write_report(&report, &output)?;
    let previews_dir = output.join("previews");
    let mut written = write_scenario_previews(context, &plans, &previews_dir)?;
    written.extend(write_scenario_previews(context, &deploys, &previews_dir)?);
    print_stdout(&report.to_markdown())?;
    eprintln!(
        "\nagentlab demo: two scheduled checks (`agentlab check`) after changes behind Git's back"
    );
    let check_records = run_demo_checks(context, &config, &terraform, &output).await?;
    written.extend(write_check_previews(
        context,
        &check_records,
        &previews_dir,
    )?);
    let happy_calls: u32 = report
        .results
        .iter()
        .filter(|result| result.kind == ScenarioKind::Happy)
        .map(|result| result.llm_calls)
        .sum();
    eprintln!("\n{}", previews_guide(&previews_dir, &written, &scenarios));
    eprintln!(
        "Happy paths made {happy_calls} LLM calls. The scored report is in {}.",
        output.join("report.md").display()
    );
    Ok(eval_status(&report))
}

/// The Terraform the demo runs: `AGENTLAB_TERRAFORM` when set, else the bundled one in the checkout (with its
/// offline provider mirror), else the configured one from PATH; printed either way, with a warning when it is
/// not the bundled one (the scenarios' outcomes depend on the release).
async fn demo_terraform(context: &CommandContext, config: &Config) -> TerraformRunner {
    let chosen_by_variable = context
        .environment
        .get(crate::terraform::TERRAFORM_BINARY_ENV)
        .is_some();
    let bundled = (!chosen_by_variable)
        .then(|| {
            std::env::current_dir().ok().and_then(|here| {
                here.ancestors()
                    .map(|folder| folder.join(BUNDLED_TERRAFORM))
                    .find(|path| path.is_file())
            })
        })
        .flatten();
    let (runner, how) = match &bundled {
        Some(binary) => {
            let mut runner = TerraformRunner::new(
                binary.clone(),
                context.redactor.clone(),
                crate::terraform::Cancellation::new(),
            );
            let mirror = binary
                .ancestors()
                .nth(3)
                .map(|checkout| checkout.join(BUNDLED_TERRAFORM_CONFIG))
                .filter(|path| path.is_file());
            if let (Some(mirror), None) = (mirror, context.environment.get("TF_CLI_CONFIG_FILE")) {
                runner =
                    runner.with_environment("TF_CLI_CONFIG_FILE", mirror.display().to_string());
            }
            (runner, "the bundled one (scripts/setup installs it)")
        }
        None if chosen_by_variable => (
            configured_terraform(context, config),
            "from AGENTLAB_TERRAFORM; the scenarios were written for the bundled 1.0.3, results depend on it",
        ),
        None => (
            configured_terraform(context, config),
            "NOT the bundled one (none in .tools/: run scripts/demo to install it); the scenarios were written \
             for terraform 1.0.3 and results depend on the release",
        ),
    };
    let version = runner.version().await.map_or_else(
        || "version unknown".to_string(),
        |version| format!("{}.{}", version.major, version.minor),
    );
    eprintln!(
        "agentlab demo: terraform {} ({version}), {how}",
        runner.binary().display()
    );
    runner
}

/// Writes `SCENARIO.KIND.md` for every text the runs would post, from the same Outbox that posting uses; returns
/// the file names. A recovery comment is left out: with no open incident to close, it is never posted.
fn write_scenario_previews(
    context: &CommandContext,
    runs: &[ScenarioRun],
    dir: &Path,
) -> Result<Vec<String>, CommandError> {
    let records: Vec<RunRecord> = runs.iter().map(|run| run.record.clone()).collect();
    let settings = OutboxSettings::new(
        "the run record in the demo folder's `records/`".to_string(),
        dir.join("records"),
        false,
    )
    .with_repository_root(crate::commands::report::repository_root(context));
    let outbox = outbox(&records, &settings, &context.redactor.snapshot());
    write_chosen_previews(&outbox, dir, |index| runs[index].scenario.clone())
}

/// Writes `CASE.KIND.md` for every issue the demo's checks would open, and prints their summary lines.
fn write_check_previews(
    context: &CommandContext,
    records: &[RunRecord],
    dir: &Path,
) -> Result<Vec<String>, CommandError> {
    let settings = OutboxSettings::new(
        "the check's run record".to_string(),
        dir.join("records"),
        false,
    )
    .with_repository_root(crate::commands::report::repository_root(context));
    let outbox = outbox(records, &settings, &context.redactor.snapshot());
    for line in &outbox.terminal_lines {
        eprintln!("  {line}");
    }
    write_chosen_previews(&outbox, dir, |index| records[index].project.clone())
}

fn write_chosen_previews(
    outbox: &crate::report::Outbox,
    dir: &Path,
    name: impl Fn(usize) -> String,
) -> Result<Vec<String>, CommandError> {
    std::fs::create_dir_all(dir).map_err(|source| CommandError::Io {
        action: "create",
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for preview in outbox.previews() {
        if preview.kind == "incident-recovery" {
            continue;
        }
        let file_name = preview.file_name(&name(preview.record_index));
        let path = dir.join(&file_name);
        std::fs::write(&path, preview.file_text()).map_err(|source| CommandError::Io {
            action: "write",
            path: path.clone(),
            source,
        })?;
        written.push(file_name);
    }
    Ok(written)
}

/// Where the previews are, which to open first, and what each kind of file is.
pub fn previews_guide(dir: &Path, written: &[String], scenarios: &[Scenario]) -> String {
    let exists = |name: &String| written.contains(name);
    let first_plan = scenarios
        .iter()
        .filter(|scenario| scenario.kind == ScenarioKind::Happy)
        .map(|scenario| format!("{}.pr-comment.md", scenario.name))
        .rev()
        .find(exists);
    let first_incident = scenarios
        .iter()
        .filter(|scenario| scenario.kind == ScenarioKind::Failure)
        .map(|scenario| format!("{}.incident-issue.md", scenario.name))
        .find(exists);
    let mut text = format!(
        "{} previews of what agentlab would have posted are in {}/",
        written.len(),
        dir.display()
    );
    let mut order: Vec<String> = first_plan.into_iter().chain(first_incident).collect();
    if !order.is_empty() {
        text.push_str(":\n  open first:  ");
        text.push_str(&order.remove(0));
        if let Some(next) = order.first() {
            text.push_str(&format!("\n  then:        {next}"));
        }
    }
    text.push_str("\n  files are named SCENARIO.KIND.md:");
    for (kind, meaning) in PREVIEW_KINDS {
        let count = written
            .iter()
            .filter(|name| name.ends_with(&format!(".{kind}.md")))
            .count();
        if count > 0 {
            text.push_str(&format!("\n    {kind:<16} {meaning} ({count})"));
        }
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_names_the_folder_the_first_files_and_every_kind_written() {
        let scenarios = Scenario::built_in().unwrap();
        let written: Vec<String> = [
            "happy-single-lxc.pr-comment.md",
            "happy-fleet-of-five.pr-comment.md",
            "happy-fleet-of-five.deploy-timeline.md",
            "vmid-conflict.pr-comment.md",
            "vmid-conflict.deploy-timeline.md",
            "vmid-conflict.incident-issue.md",
        ]
        .map(String::from)
        .to_vec();
        let guide = previews_guide(
            Path::new("target/agentlab-demo/previews"),
            &written,
            &scenarios,
        );
        assert!(guide.starts_with("6 previews of what agentlab would have posted are in target/agentlab-demo/previews/"), "{guide}");
        assert!(
            guide.contains("open first:  happy-fleet-of-five.pr-comment.md"),
            "{guide}"
        );
        assert!(
            guide.contains("then:        vmid-conflict.incident-issue.md"),
            "{guide}"
        );
        assert!(guide.contains("pr-comment       the plan comment on the pull request (`agentlab plan`), before merging (3)"), "{guide}");
        assert!(
            !guide.contains("drift-issue"),
            "no kind that was not written: {guide}"
        );
    }
}
