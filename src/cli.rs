//! The command line: clap definitions only. The doc comments are the help text.
//!
//! Nothing here runs anything: `commands` turns these parsed arguments plus the configuration into requests.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::contracts::RunMode;

/// Plans, applies and validates Terraform for a Proxmox VE homelab, and asks an LLM only when something broke.
///
/// Exit status: 0 success (also after a recovered retry), 1 the run failed, 2 bad input or configuration.
#[derive(Debug, Parser)]
#[command(
    name = "agentlab",
    version,
    propagate_version = true,
    max_term_width = 110
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The configuration file.
    #[arg(
        long,
        global = true,
        env = "AGENTLAB_CONFIG",
        default_value = "agentlab.toml"
    )]
    pub config: PathBuf,
    /// Log line format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// More log output (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Plan the affected projects and validate the plans (pull requests).
    Plan(PlanArgs),
    /// Plan, apply and validate the projects, diagnosing and retrying failures (merges to main).
    Deploy(DeployArgs),
    /// Run the Validator's four checks for one project.
    ///
    /// Without --state it reads Terraform's facts itself: `terraform init` when the folder needs it, then `terraform
    /// show -json` of the state (--mode live) or of a fresh saved plan (--mode plan). Nothing is applied.
    Validate(ValidateArgs),
    /// Re-diagnose a recorded failed run, for example with another model. Runs no Terraform.
    Diagnose(DiagnoseArgs),
    /// Run the fixed scenarios across models and score the diagnoses.
    Eval(EvalArgs),
    /// Run the built-in scenarios on the bundled sandbox with the offline defaults.
    Demo(DemoArgs),
    /// Print the JSON Schema of the contracts (all of them, or the one named).
    Schema(SchemaArgs),
    /// Post the run records a plan or deploy wrote, when that run could not reach GitHub (or, with --no-post, write
    /// the previews of what would be posted). Runs no Terraform.
    Publish(PublishArgs),
    /// Find drift and sick guests: a refresh-and-plan that is never applied, and the live checks, per project.
    ///
    /// Each project is `in-sync`, `drifted`, `unhealthy` or `error`. With --post, a drifted or unhealthy project
    /// has one issue per problem (labels agentlab-drift, agentlab-health), kept current and closed once fine.
    /// Exit status: 0 all in sync and healthy, 1 drift, a sick guest or a check that could not run, 2 bad input.
    #[command(visible_alias = "drift")]
    Check(CheckArgs),
}

/// Where results go: posted to GitHub, or written as Markdown previews.
#[derive(Debug, Clone, Args)]
pub struct PostingArgs {
    /// Post comments and issues to GitHub (the default inside GitHub Actions).
    #[arg(long, conflicts_with = "no_post")]
    pub post: bool,
    /// Do not post; write Markdown previews to --output (the default outside GitHub Actions).
    #[arg(long)]
    pub no_post: bool,
    /// Folder for run records and previews [default: .agentlab/runs/RUN_ID].
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Where Prometheus metrics go (both may be given; neither: no metrics are exported).
#[derive(Debug, Clone, Default, Args)]
pub struct MetricsArgs {
    /// Push the metrics to this Prometheus Pushgateway (grouped by job and project).
    #[arg(long, value_name = "URL")]
    pub pushgateway: Option<String>,
    /// Write the metrics to this file (node_exporter textfile format, written atomically).
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,
}

/// Which diagnoser answers failures.
#[derive(Debug, Clone, Args)]
pub struct DiagnoserArgs {
    /// catalog, none, anthropic:MODEL, openai:MODEL, ollama:MODEL or openai-compatible:MODEL [default: from the
    /// configuration's [llm] spec].
    #[arg(long, value_name = "SPEC")]
    pub llm: Option<String>,
    /// Send failures straight to the LLM, skipping the known-failure catalogue.
    #[arg(long)]
    pub no_catalog: bool,
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// Only this project (repeatable).
    #[arg(long = "project", value_name = "NAME")]
    pub projects: Vec<String>,
    /// Every project in the configuration.
    #[arg(long, conflicts_with = "changed_files")]
    pub all: bool,
    /// A file listing changed paths, one per line; the projects whose when_modified globs match are planned.
    #[arg(long, value_name = "FILE")]
    pub changed_files: Option<PathBuf>,
    /// Print the affected projects and exit (with --json: a JSON array for a GitHub Actions matrix).
    #[arg(long)]
    pub list_projects: bool,
    #[command(flatten)]
    pub posting: PostingArgs,
    #[command(flatten)]
    pub diagnoser: DiagnoserArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    /// Print the run records as a JSON array on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    /// Only this project (repeatable) [default: on a push in GitHub Actions, the projects the push changed (its
    /// merged pull request's files, else its commits'); outside Actions, every project].
    #[arg(long = "project", value_name = "NAME")]
    pub projects: Vec<String>,
    /// Every project in the configuration, whatever the push changed.
    #[arg(long, conflicts_with = "projects")]
    pub all: bool,
    #[command(flatten)]
    pub posting: PostingArgs,
    /// Retries after the first attempt [default: from the configuration].
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    #[command(flatten)]
    pub diagnoser: DiagnoserArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    /// Print the run records as a JSON array on stdout.
    #[arg(long)]
    pub json: bool,
    /// Apply even when no reviewed plan is found for a push (a direct push, a pull request planned before the
    /// gate); a plan that differs from the reviewed one is still refused. In a manual run of the deploy workflow
    /// (workflow_dispatch) it applies the current plan whatever was reviewed: the person has looked.
    #[arg(long)]
    pub allow_unreviewed: bool,
}

/// `--mode plan|live`: the words `validate` uses for the run's two modes (live is what a deploy checks).
fn validation_mode_words() -> impl TypedValueParser<Value = RunMode> {
    PossibleValuesParser::new(["plan", "live"]).map(|word| match word.as_str() {
        "plan" => RunMode::Plan,
        _ => RunMode::Deploy,
    })
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// The project to check.
    #[arg(long, value_name = "NAME")]
    pub project: String,
    /// plan: check a fresh plan (guests that do not exist yet are skipped); live: check the deployed guests.
    #[arg(long, value_parser = validation_mode_words(), default_value = "live")]
    pub mode: RunMode,
    /// Terraform's facts about the project, when you have them already: the output of `terraform show -json` (of
    /// the state for --mode live, of the saved plan for --mode plan). Without it agentlab runs Terraform for them.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Print the ValidationResult as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DiagnoseArgs {
    /// A run record (JSON) written by plan or deploy.
    #[arg(long, value_name = "FILE")]
    pub record: PathBuf,
    #[command(flatten)]
    pub diagnoser: DiagnoserArgs,
    /// Print the diagnosis as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Folder of scenario files [default: the built-in scenarios].
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Folder of saved run records of failed runs and an expected.toml (or expected.json) naming each one's
    /// category: their failures are diagnosed again by each model and scored, without running Terraform.
    #[arg(long, value_name = "DIR", conflicts_with = "scenarios")]
    pub records: Option<PathBuf>,
    /// Comma-separated LLM SPECs, each measured alone.
    #[arg(
        long,
        value_name = "SPEC,SPEC,...",
        value_delimiter = ',',
        default_value = "catalog"
    )]
    pub models: Vec<String>,
    /// Runs of each scenario × model pair.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Folder for report.md and report.json [default: .agentlab/eval].
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Folder for the report and the previews [default: target/agentlab-demo].
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Only this project (repeatable) [default: every project in the configuration].
    #[arg(long = "project", value_name = "NAME")]
    pub projects: Vec<String>,
    #[command(flatten)]
    pub posting: PostingArgs,
    /// Ask the configured diagnoser (the LLM) about a failing check or a check that could not run. Without it only
    /// the known-failure catalogue is asked ($0); drift is never diagnosed.
    #[arg(long)]
    pub diagnose: bool,
    #[command(flatten)]
    pub diagnoser: DiagnoserArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    /// Print one run record (mode `check`) per project as a JSON array on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    /// The folder a plan or deploy wrote its records to (its --output, or the `record_path` step output).
    #[arg(long, value_name = "DIR")]
    pub records: PathBuf,
    /// Do not post: write the Markdown previews of what would be posted, byte for byte, to --output.
    #[arg(long)]
    pub no_post: bool,
    /// Folder for the previews of --no-post [default: the --records folder].
    #[arg(long, value_name = "DIR", requires = "no_post")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// One contract, e.g. Hypothesis or RunRecord.
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_design_invocations_parse() {
        let parse =
            |line: &str| Cli::try_parse_from(line.split_whitespace()).map_err(|e| e.to_string());
        let cli =
            parse("agentlab plan --project a --project b --no-post --json --llm none").unwrap();
        let Command::Plan(plan) = cli.command else {
            panic!("plan")
        };
        assert_eq!(plan.projects, ["a", "b"]);
        assert!(plan.posting.no_post && plan.json);
        assert_eq!(plan.diagnoser.llm.as_deref(), Some("none"));
        let Command::Deploy(deploy) = parse("agentlab deploy --all").unwrap().command else {
            panic!("deploy")
        };
        assert!(deploy.all && deploy.projects.is_empty());
        assert!(
            parse("agentlab deploy --all --project a").is_err(),
            "--all and --project contradict each other"
        );
        let cli = parse("agentlab --config x.toml deploy --max-retries 1 --no-catalog").unwrap();
        assert_eq!(cli.global.config, PathBuf::from("x.toml"));
        let cli =
            parse("agentlab eval --models catalog,openai-compatible:qwen --repeat 3").unwrap();
        let Command::Eval(eval) = cli.command else {
            panic!("eval")
        };
        assert_eq!(eval.models, ["catalog", "openai-compatible:qwen"]);
        assert!(parse("agentlab plan --post --no-post").is_err());
        let publish = parse("agentlab publish --records out --no-post --output previews").unwrap();
        assert!(matches!(publish.command, Command::Publish(ref args) if args.no_post));
        assert!(
            parse("agentlab publish --records out --output previews").is_err(),
            "--output only with --no-post"
        );
        let Command::Check(check) = parse("agentlab drift --project a --post --json")
            .unwrap()
            .command
        else {
            panic!("drift is check's alias")
        };
        assert!(check.posting.post && check.json && !check.diagnose);
        assert_eq!(check.projects, ["a"]);
        assert!(parse("agentlab plan --all --changed-files f").is_err());
        assert!(
            parse("agentlab validate --mode live").is_err(),
            "validate needs --project"
        );
    }
}
