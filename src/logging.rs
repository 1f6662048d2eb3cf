//! Logs: `tracing` to stderr, one line per event, through the redactor.
//!
//! Results a person must read (tables, summaries) are printed by the commands; this is only for what happened
//! along the way. Colour only on a terminal and never with `NO_COLOR`; `--log-format json` for log shippers.

use std::io::{IsTerminal, Write};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::cli::LogFormat;
use crate::redact::SharedRedactor;

/// How much a command logs without `-v`: `Progress` (info: Terraform's progress, what was posted) for the
/// commands that run in CI, `Quiet` (warnings only) for the ones whose report is the point (`demo`, `eval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogDetail {
    Progress,
    Quiet,
}

/// How logs look, from the command line and the invocation's environment.
#[derive(Debug, Clone)]
pub struct LogSettings {
    pub format: LogFormat,
    /// The number of `-v` flags.
    pub verbosity: u8,
    pub detail: LogDetail,
    /// `AGENTLAB_LOG`: an env-filter directive that overrides the verbosity.
    pub filter: Option<String>,
    /// `NO_COLOR` is set.
    pub no_color: bool,
}

/// Installs the global subscriber, writing through `redactor` (the invocation's, so that every secret the run
/// learns is hidden in its logs too).
pub fn init_logging(settings: &LogSettings, redactor: SharedRedactor) {
    let LogSettings {
        format,
        verbosity,
        detail,
        ..
    } = *settings;
    let default_level = match (verbosity, detail) {
        (0, LogDetail::Quiet) => "agentlab=warn",
        (0, LogDetail::Progress) => "agentlab=info",
        (1, _) => "agentlab=debug",
        _ => "agentlab=trace",
    };
    let filter = settings
        .filter
        .as_deref()
        .and_then(|directive| EnvFilter::try_new(directive).ok())
        .unwrap_or_else(|| EnvFilter::new(default_level));
    let colour = std::io::stderr().is_terminal() && !settings.no_color;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactingStderr { redactor })
        .with_target(false);
    let installed = match format {
        LogFormat::Text => builder.with_ansi(colour).try_init(),
        LogFormat::Json => builder.json().with_ansi(false).try_init(),
    };
    // A subscriber already installed (tests) is fine: logs go there.
    drop(installed);
}

/// Writes each formatted log event to stderr after redaction.
#[derive(Debug, Clone)]
pub struct RedactingStderr {
    redactor: SharedRedactor,
}

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingStderr;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Write for RedactingStderr {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buffer);
        std::io::stderr().write_all(self.redactor.redact(&text).as_bytes())?;
        Ok(buffer.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
