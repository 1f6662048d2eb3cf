//! Prometheus metrics: what every command counts, and the two ways the counts leave the process.
//!
//! A command builds one [`RunMetrics`], hands it every [`RunRecord`](crate::contracts::RunRecord) it finishes
//! ([`RunMetrics::record_run`]) and, for `eval`, every scenario × model result
//! ([`RunMetrics::record_eval_result`]). At the end it pushes the registry to a Pushgateway
//! ([`push_to_gateway`]) or writes it for node_exporter's textfile collector ([`write_textfile`]).
//!
//! The registry is `prometheus-client`'s, encoded as OpenMetrics text. Neither the Pushgateway (1.5) nor promtool
//! nor node_exporter parse OpenMetrics: they read the classic Prometheus text format and would turn every counter
//! into an untyped sample without help. [`exposition`] converts one into the other so both exports carry typed,
//! documented series.
//!
//! Label values are bounded by design: project, mode, outcome, state names, Terraform phases, check names and
//! statuses, token directions, LLM provider and model, eval scenario. A run id, hypothesis text or error text is
//! never a label value: each would make a new series per run and put free text into a monitoring system.

mod export;
pub mod exposition;
mod registry;

pub use export::{
    DEFAULT_PUSH_TIMEOUT, push_to_gateway, push_to_gateway_with_timeout, write_textfile,
};
pub use exposition::encode_prometheus_text;
pub use registry::RunMetrics;

use std::path::PathBuf;
use std::time::Duration;

/// Why metrics could not be recorded, encoded or exported. Metrics are never worth failing a deployment over:
/// callers log these and carry on.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("could not encode the metrics registry as text")]
    Encode(#[from] std::fmt::Error),

    #[error(
        "the metrics exposition has a `{metric_type}` metric ({name}), which the Prometheus text format cannot carry"
    )]
    UnsupportedMetricType { name: String, metric_type: String },

    #[error("eval result for scenario `{scenario}`, model `{model}`: {problem}")]
    InvalidEvalResult {
        scenario: String,
        model: String,
        problem: String,
    },

    #[error("Pushgateway URL `{url}` is not usable: {problem}")]
    InvalidPushgatewayUrl { url: String, problem: String },

    #[error("Pushgateway grouping: {problem}")]
    InvalidGrouping { problem: String },

    #[error(
        "Pushgateway grouping label {label}=`{grouping_value}` conflicts with metrics labelled {label}=`{metric_value}`: \
         the Pushgateway would overwrite their label; push each {label} separately or leave {label} out of the grouping"
    )]
    GroupingConflict {
        label: String,
        grouping_value: String,
        metric_value: String,
    },

    #[error("Pushgateway at {url} did not answer within {timeout:?}")]
    PushTimedOut { url: String, timeout: Duration },

    /// `reason` is the whole chain of causes (connection refused, DNS, TLS), which the caller needs to act on.
    #[error("could not push metrics to the Pushgateway at {url}: {reason}")]
    PushFailed { url: String, reason: String },

    #[error("Pushgateway at {url} refused the metrics with HTTP {status}: {body}")]
    PushRejected {
        url: String,
        status: u16,
        body: String,
    },

    #[error("metrics file path `{path}` names no file")]
    TextfilePathHasNoFileName { path: PathBuf },

    #[error("could not write the metrics file {path}: {source}")]
    TextfileWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
