//! The commands: each turns parsed arguments plus the configuration into typed requests, runs the Planner or an
//! agent, and reports. This is the one place where arguments, environment and configuration meet, so that the
//! rooms below never read them directly.

mod check;
mod check_run;
mod configuration;
mod context;
mod demo;
mod demo_checks;
mod diagnose;
mod eval;
mod metrics_export;
mod plan_deploy;
mod preflight;
mod projects;
mod publish;
pub mod report;
mod review;
mod root_module;
mod runs;
mod schema;
mod validate;

pub use configuration::{DEFAULT_BRANCH_CONFIG_VARIABLE, RunConfiguration, load_run_configuration};
pub use context::{ActionsRunner, CommandContext, Environment};
pub use diagnose::{configured_diagnoser, diagnose_record, diagnosis_settings};
pub use eval::{
    configured_terraform, eval_status, optional_config, run_scenario_plans, run_scenarios,
    write_report,
};
pub use metrics_export::{export_check_metrics, export_eval_metrics, export_run_metrics};
pub use preflight::{PreflightScope, check_before_running, preflight_problems};
pub use projects::{affected_projects, read_changed_files};
pub use runs::{RunSettings, project_run, read_record, run_projects, write_record};
pub use validate::{render_table, validator_from_config};

use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::config::{ConfigError, LoadedConfig};

/// The three exit statuses every command ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything succeeded (also after a recovered retry).
    Success,
    /// A run failed (Failed state, plan error, a failing check).
    RunFailed,
    /// Bad input or configuration; nothing was posted.
    BadInput,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::RunFailed => 1,
            Self::BadInput => 2,
        }
    }
}

/// Why a command could not do its job at all (a failed run is not an error: it is an exit status).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    BadInput(String),
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A fault of agentlab's own that the user's input did not cause (a value that cannot be encoded, a loopback
    /// socket that cannot be opened): the run failed (1), and the source chain is kept for the report.
    #[error("{what}")]
    Internal {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl CommandError {
    /// Configuration and input problems are the user's to fix (2); anything else means the run failed (1).
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Self::Config(_) | Self::BadInput(_) => ExitStatus::BadInput,
            Self::Io { .. } | Self::Internal { .. } => ExitStatus::RunFailed,
        }
    }

    /// An internal fault: `what` agentlab was doing, and why it could not.
    pub fn internal(
        what: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Internal {
            what: what.into(),
            source: source.into(),
        }
    }
}

/// Runs one parsed command line in the invocation's context.
pub async fn run(cli: Cli, context: CommandContext) -> Result<ExitStatus, CommandError> {
    let context = &context;
    match cli.command {
        Command::Schema(args) => schema::print_schemas(args.name.as_deref()),
        Command::Plan(args) if args.list_projects => {
            let configuration = load_run_configuration(context, &cli.global.config)?;
            projects::list_projects(context, &configuration.loaded, &args).await
        }
        Command::Plan(args) => plan_deploy::plan(context, &cli.global, &args).await,
        Command::Deploy(args) => plan_deploy::deploy(context, &cli.global, &args).await,
        Command::Validate(args) => {
            let config = LoadedConfig::load(&cli.global.config)?;
            validate::validate(context, &config, &args).await
        }
        Command::Diagnose(args) => diagnose::diagnose_record(context, &cli.global, &args).await,
        Command::Eval(args) => eval::eval(context, &cli.global, &args).await,
        Command::Demo(args) => demo::demo(context, &cli.global, &args).await,
        Command::Publish(args) => publish::publish(context, &cli.global, &args).await,
        Command::Check(args) => check::check(context, &cli.global, &args).await,
    }
}

/// Prints a result on stdout. A closed pipe (`agentlab schema | head`) is not an error worth a panic: the reader
/// has what it wanted.
pub fn print_stdout(text: &str) -> Result<(), CommandError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(text.as_bytes()).and_then(|()| {
        if text.ends_with('\n') {
            Ok(())
        } else {
            stdout.write_all(b"\n")
        }
    });
    match written.and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(CommandError::Io {
            action: "write to",
            path: PathBuf::from("stdout"),
            source,
        }),
    }
}
