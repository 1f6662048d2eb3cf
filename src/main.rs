//! The `agentlab` binary: parse the command line, read the environment once into the invocation's context, set up
//! logging, run one command, and map the result to the exit status in one place (0 success, 1 the run failed, 2
//! bad input or configuration).
//!
//! Before anything else the process makes itself non-dumpable, so that the code a plan runs (a provider, a
//! `local-exec`, as the same user) cannot read agentlab's environment, memory or file descriptors through
//! `/proc/<pid>/` or attach a debugger to it; SECURITY.md says what this does not cover.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use agentlab::cli::{Cli, Command};
use agentlab::commands::{self, CommandContext, Environment, ExitStatus};
use agentlab::error_chain::error_chain;
use agentlab::logging::{LogDetail, LogSettings, init_logging};

fn main() -> ExitCode {
    refuse_inspection_by_the_same_user();
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

/// `prctl(PR_SET_DUMPABLE, 0)`: the kernel then gives `/proc/<pid>/` to root and refuses `ptrace` to processes of
/// the same user. The setting is not inherited across `execve`, so Terraform and its providers stay ordinary
/// processes. A failure (not Linux, a seccomp filter) only loses this protection: it is logged, never fatal.
#[cfg(target_os = "linux")]
fn refuse_inspection_by_the_same_user() {
    // SAFETY: PR_SET_DUMPABLE takes one integer argument and touches no memory of this process.
    let status = unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    if status != 0 {
        eprintln!(
            "warning: cannot make agentlab non-dumpable ({}); processes of the same user can read its environment",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn refuse_inspection_by_the_same_user() {}
