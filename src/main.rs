//! The `agentlab` binary: parse the command line, set up logging, run one command, and map the result to the exit
//! status in one place (0 success, 1 the run failed, 2 bad input or configuration).

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use agentlab::cli::{Cli, Command};
use agentlab::commands::{self, ExitStatus};
use agentlab::error_chain::error_chain;
use agentlab::logging::{LogDetail, init_logging};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let detail = match cli.command {
        Command::Demo(_) | Command::Eval(_) => LogDetail::Quiet,
        _ => LogDetail::Progress,
    };
    init_logging(cli.global.log_format, cli.global.verbose, detail);
    let outcome = tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")
        .map(|runtime| runtime.block_on(commands::run(cli)));
    let status = match outcome {
        Ok(Ok(status)) => status,
        Ok(Err(error)) => {
            eprintln!(
                "error: {}",
                agentlab::redact::redact_with_process_redactor(&error_chain(&error))
            );
            error.exit_status()
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitStatus::RunFailed
        }
    };
    ExitCode::from(status.code())
}
