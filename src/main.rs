//! The `agentlab` binary: parse the command line, read the environment once into the invocation's context, set up
//! logging, run one command, and map the result to the exit status in one place (0 success, 1 the run failed, 2
//! bad input or configuration).

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use agentlab::cli::{Cli, Command};
use agentlab::commands::{self, CommandContext, Environment, ExitStatus};
use agentlab::error_chain::error_chain;
use agentlab::logging::{LogDetail, LogSettings, init_logging};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let context = CommandContext::new(Environment::from_process());
    let log_settings = LogSettings {
        format: cli.global.log_format,
        verbosity: cli.global.verbose,
        detail: match cli.command {
            Command::Demo(_) | Command::Eval(_) => LogDetail::Quiet,
            _ => LogDetail::Progress,
        },
        filter: context.environment.get("AGENTLAB_LOG").map(str::to_string),
        no_color: context.environment.get("NO_COLOR").is_some(),
    };
    init_logging(&log_settings, context.redactor.clone());
    let redactor = context.redactor.clone();
    let outcome = tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")
        .map(|runtime| runtime.block_on(commands::run(cli, context)));
    let status = match outcome {
        Ok(Ok(status)) => status,
        Ok(Err(error)) => {
            eprintln!("error: {}", redactor.redact(&error_chain(&error)));
            error.exit_status()
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitStatus::RunFailed
        }
    };
    ExitCode::from(status.code())
}
