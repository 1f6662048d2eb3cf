//! Terraform's machine-readable UI (`plan -json`, `apply -json`), read as a stream.
//!
//! Terraform prints one JSON object per line while it works. This room turns one line into one typed
//! [`UiEvent`], so the runner can react to each event as it arrives (count changes, note errors, keep a log tail)
//! without ever holding the whole output. Newer Terraform and OpenTofu versions add fields and event types: extra
//! fields are ignored and unknown event types are kept as [`UiEventKind::Unknown`] with their raw JSON, never an
//! error. A line that is not a JSON object, or a known event whose body does not have the documented shape, is a
//! [`UiLineError`] naming the line number.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Deserialize;
use serde_json::Value;

use super::sensitive::SENSITIVE_PLACEHOLDER;

/// One line of the machine-readable UI.
#[derive(Debug, Clone, PartialEq)]
pub struct UiEvent {
    /// 1-based line number in the stream, for error messages and logs.
    pub line_number: usize,
    /// `@level`: `info`, `warn`, `error`, `trace`, ...
    pub level: String,
    /// `@message`: the human-readable text Terraform would have printed.
    pub message: String,
    /// `@module`: `terraform.ui` (Terraform) or `tofu.ui` (OpenTofu).
    pub module: String,
    /// `@timestamp`, as printed.
    pub timestamp: Option<String>,
    pub kind: UiEventKind,
}

/// The typed body of a UI event, by its `type` field.
#[derive(Debug, Clone, PartialEq)]
pub enum UiEventKind {
    /// The first line: which program printed the stream and which UI version it speaks.
    Version(VersionInfo),
    PlannedChange(PlannedChange),
    /// A change made outside Terraform that the refresh found.
    ResourceDrift(PlannedChange),
    ChangeSummary(ChangeSummary),
    /// Output values. Sensitive values are already replaced by [`SENSITIVE_PLACEHOLDER`].
    Outputs(BTreeMap<String, OutputEvent>),
    ApplyStart(ResourceHook),
    ApplyProgress(ResourceHook),
    ApplyComplete(ResourceHook),
    ApplyErrored(ResourceHook),
    ProvisionStart(ResourceHook),
    ProvisionProgress(ResourceHook),
    ProvisionComplete(ResourceHook),
    ProvisionErrored(ResourceHook),
    RefreshStart(ResourceHook),
    RefreshComplete(ResourceHook),
    Diagnostic(UiDiagnostic),
    /// A plain log line; the text is in [`UiEvent::message`].
    Log,
    /// An event type this version of agentlab does not know, kept whole.
    Unknown {
        event_type: String,
        raw: Value,
    },
}

impl UiEventKind {
    /// Whether the event belongs to the compact progress view a person watches (without `-v`): one line per
    /// resource change as it is planned, found drifted, made or failed, the change summary and the diagnostics.
    /// Starts, "still creating" ticks, refreshes, provisioner output and the rest are detail.
    pub fn shows_progress(&self) -> bool {
        matches!(
            self,
            Self::PlannedChange(_)
                | Self::ResourceDrift(_)
                | Self::ApplyComplete(_)
                | Self::ApplyErrored(_)
                | Self::ProvisionErrored(_)
                | Self::ChangeSummary(_)
                | Self::Diagnostic(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VersionInfo {
    /// Set when Terraform printed the stream.
    #[serde(default)]
    pub terraform: Option<String>,
    /// Set when OpenTofu printed the stream.
    #[serde(default)]
    pub tofu: Option<String>,
    /// Version of the machine-readable UI format (0.1.0 in terraform 1.0.x).
    pub ui: String,
}

/// The resource an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UiResource {
    pub addr: String,
    #[serde(default)]
    pub module: String,
    #[serde(default)]
    pub resource: String,
    #[serde(default)]
    pub implied_provider: String,
    #[serde(default)]
    pub resource_type: String,
    #[serde(default)]
    pub resource_name: String,
    /// The count index (a number) or `for_each` key (a string); absent or null for single resources.
    #[serde(default)]
    pub resource_key: Option<Value>,
}

/// An action as the stream names it. Unknown names from newer versions are kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum UiAction {
    Noop,
    Create,
    Read,
    Update,
    Replace,
    Delete,
    Move,
    Import,
    Remove,
    Other(String),
}

impl From<String> for UiAction {
    fn from(name: String) -> Self {
        match name.as_str() {
            "noop" => Self::Noop,
            "create" => Self::Create,
            "read" => Self::Read,
            "update" => Self::Update,
            "replace" => Self::Replace,
            "delete" => Self::Delete,
            "move" => Self::Move,
            "import" => Self::Import,
            "remove" => Self::Remove,
            _ => Self::Other(name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PlannedChange {
    pub resource: UiResource,
    pub action: UiAction,
    /// Why Terraform chose this action (`tainted`, `requested`, `cannot_update`, ...), when it says.
    #[serde(default)]
    pub reason: Option<String>,
    /// For a moved resource, where it was before.
    #[serde(default)]
    pub previous_resource: Option<UiResource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChangeSummary {
    pub add: u32,
    pub change: u32,
    pub remove: u32,
    /// Imports (Terraform 1.5+).
    #[serde(default)]
    pub import: Option<u32>,
    /// `plan`, `apply` or `destroy`.
    pub operation: String,
}

/// One entry of an `outputs` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OutputEvent {
    #[serde(default)]
    pub sensitive: bool,
    /// The value after apply; absent in a plan. Sensitive values are replaced by the placeholder.
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(rename = "type", default)]
    pub value_type: Option<Value>,
    /// In a plan: what happens to the output (`create`, `update`, `delete`, `noop`).
    #[serde(default)]
    pub action: Option<UiAction>,
}

/// The body of the hook events (apply, provision and refresh). Which fields are set depends on the event type.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ResourceHook {
    pub resource: UiResource,
    #[serde(default)]
    pub action: Option<UiAction>,
    #[serde(default)]
    pub elapsed_seconds: Option<f64>,
    #[serde(default)]
    pub id_key: Option<String>,
    #[serde(default)]
    pub id_value: Option<String>,
    /// Provisioner type (`local-exec`, ...) for provision events.
    #[serde(default)]
    pub provisioner: Option<String>,
    /// One line of provisioner output for `provision_progress`.
    #[serde(default)]
    pub output: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UiDiagnostic {
    /// `error` or `warning`.
    pub severity: String,
    pub summary: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub range: Option<DiagnosticRange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DiagnosticRange {
    pub filename: String,
    pub start: DiagnosticPosition,
    pub end: DiagnosticPosition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct DiagnosticPosition {
    pub line: u32,
    pub column: u32,
    #[serde(default)]
    pub byte: u32,
}

/// Why a line of the stream could not be read. Always names the line.
#[derive(Debug, thiserror::Error)]
pub enum UiLineError {
    #[error(
        "line {line_number} of Terraform's JSON output is not valid JSON ({source}): {excerpt}"
    )]
    NotJson {
        line_number: usize,
        excerpt: String,
        source: serde_json::Error,
    },
    #[error("line {line_number} of Terraform's JSON output is not a JSON object: {excerpt}")]
    NotAnObject { line_number: usize, excerpt: String },
    #[error("line {line_number} of Terraform's JSON output has no \"type\" field: {excerpt}")]
    MissingType { line_number: usize, excerpt: String },
    #[error(
        "line {line_number} of Terraform's JSON output is a \"{event_type}\" event without its documented fields ({source})"
    )]
    BadEventBody {
        line_number: usize,
        event_type: String,
        source: serde_json::Error,
    },
    #[error("reading line {line_number} of Terraform's output failed: {source}")]
    Read {
        line_number: usize,
        source: std::io::Error,
    },
}

/// How much of a bad line an error message quotes.
const EXCERPT_CHARS: usize = 120;

fn excerpt(line: &str) -> String {
    let mut quoted: String = line.chars().take(EXCERPT_CHARS).collect();
    if line.chars().count() > EXCERPT_CHARS {
        quoted.push('…');
    }
    quoted
}

/// Lines Terraform prints as plain text even in `-json` mode: while `plan`/`apply` waits for a held state lock,
/// terraform 1.0.3 prints the first on stdout (seen against an S3 backend with a DynamoDB lock table).
const PLAIN_LINES_IN_THE_JSON_STREAM: &[&str] = &[
    "Acquiring state lock. This may take a few moments...",
    "Releasing state lock. This may take a few moments...",
];

/// Parses one line of the stream. Blank lines give `Ok(None)`; Terraform's known plain-text lines are log events.
pub fn parse_ui_line(line_number: usize, line: &str) -> Result<Option<UiEvent>, UiLineError> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if PLAIN_LINES_IN_THE_JSON_STREAM.contains(&trimmed) {
        return Ok(Some(UiEvent {
            line_number,
            level: "info".to_owned(),
            message: trimmed.to_owned(),
            module: String::new(),
            timestamp: None,
            kind: UiEventKind::Log,
        }));
    }
    let parsed: Value = serde_json::from_str(trimmed).map_err(|source| UiLineError::NotJson {
        line_number,
        excerpt: excerpt(trimmed),
        source,
    })?;
    let Value::Object(mut fields) = parsed else {
        return Err(UiLineError::NotAnObject {
            line_number,
            excerpt: excerpt(trimmed),
        });
    };
    let Some(Value::String(event_type)) = fields.get("type").cloned() else {
        return Err(UiLineError::MissingType {
            line_number,
            excerpt: excerpt(trimmed),
        });
    };
    let text_field = |fields: &serde_json::Map<String, Value>, name: &str| {
        fields.get(name).and_then(Value::as_str).map(str::to_owned)
    };
    let level = text_field(&fields, "@level").unwrap_or_default();
    let message = text_field(&fields, "@message").unwrap_or_default();
    let module = text_field(&fields, "@module").unwrap_or_default();
    let timestamp = text_field(&fields, "@timestamp");

    let body = |fields: &mut serde_json::Map<String, Value>, name: &str| {
        fields.remove(name).unwrap_or(Value::Null)
    };
    let bad_body = |source| UiLineError::BadEventBody {
        line_number,
        event_type: event_type.clone(),
        source,
    };
    let hook = |fields: &mut serde_json::Map<String, Value>| -> Result<ResourceHook, UiLineError> {
        serde_json::from_value(body(fields, "hook")).map_err(bad_body)
    };

    let kind = match event_type.as_str() {
        "version" => UiEventKind::Version(
            serde_json::from_value(Value::Object(fields.clone())).map_err(bad_body)?,
        ),
        "planned_change" => UiEventKind::PlannedChange(
            serde_json::from_value(body(&mut fields, "change")).map_err(bad_body)?,
        ),
        "resource_drift" => UiEventKind::ResourceDrift(
            serde_json::from_value(body(&mut fields, "change")).map_err(bad_body)?,
        ),
        "change_summary" => UiEventKind::ChangeSummary(
            serde_json::from_value(body(&mut fields, "changes")).map_err(bad_body)?,
        ),
        "outputs" => {
            let mut outputs: BTreeMap<String, OutputEvent> =
                serde_json::from_value(body(&mut fields, "outputs")).map_err(bad_body)?;
            for output in outputs.values_mut() {
                if output.sensitive && output.value.is_some() {
                    output.value = Some(Value::String(SENSITIVE_PLACEHOLDER.to_owned()));
                }
            }
            UiEventKind::Outputs(outputs)
        }
        "apply_start" => UiEventKind::ApplyStart(hook(&mut fields)?),
        "apply_progress" => UiEventKind::ApplyProgress(hook(&mut fields)?),
        "apply_complete" => UiEventKind::ApplyComplete(hook(&mut fields)?),
        "apply_errored" => UiEventKind::ApplyErrored(hook(&mut fields)?),
        "provision_start" => UiEventKind::ProvisionStart(hook(&mut fields)?),
        "provision_progress" => UiEventKind::ProvisionProgress(hook(&mut fields)?),
        "provision_complete" => UiEventKind::ProvisionComplete(hook(&mut fields)?),
        "provision_errored" => UiEventKind::ProvisionErrored(hook(&mut fields)?),
        "refresh_start" => UiEventKind::RefreshStart(hook(&mut fields)?),
        "refresh_complete" => UiEventKind::RefreshComplete(hook(&mut fields)?),
        "diagnostic" => UiEventKind::Diagnostic(
            serde_json::from_value(body(&mut fields, "diagnostic")).map_err(bad_body)?,
        ),
        "log" => UiEventKind::Log,
        _ => UiEventKind::Unknown {
            event_type: event_type.clone(),
            raw: Value::Object(fields),
        },
    };
    Ok(Some(UiEvent {
        line_number,
        level,
        message,
        module,
        timestamp,
        kind,
    }))
}

/// The values an `outputs` line marks sensitive, in clear, for the redactor to learn (the event itself carries
/// them masked). Any other line gives none. After a whole apply this is where the redactor learns the sensitive
/// outputs that were not known at plan time, since the state is not read then.
pub fn sensitive_output_values(line: &str) -> Vec<Value> {
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(line.trim()) else {
        return Vec::new();
    };
    if fields.get("type").and_then(Value::as_str) != Some("outputs") {
        return Vec::new();
    }
    let Some(Value::Object(outputs)) = fields.get("outputs") else {
        return Vec::new();
    };
    outputs
        .values()
        .filter(|output| output.get("sensitive").and_then(Value::as_bool) == Some(true))
        .filter_map(|output| output.get("value").cloned())
        .collect()
}

/// Reads a UI stream from any buffered reader, one line at a time.
///
/// The runner reads Terraform's stdout asynchronously and calls [`parse_ui_line`] itself; this iterator serves
/// recorded streams (files, tests) the same way.
pub struct UiEventReader<R> {
    reader: R,
    line_number: usize,
    buffer: String,
}

impl<R: BufRead> UiEventReader<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            line_number: 0,
            buffer: String::new(),
        }
    }
}

impl<R: BufRead> Iterator for UiEventReader<R> {
    type Item = Result<UiEvent, UiLineError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buffer.clear();
            self.line_number += 1;
            match self.reader.read_line(&mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => match parse_ui_line(self.line_number, &self.buffer) {
                    Ok(Some(event)) => return Some(Ok(event)),
                    Ok(None) => continue,
                    Err(error) => return Some(Err(error)),
                },
                Err(source) => {
                    return Some(Err(UiLineError::Read {
                        line_number: self.line_number,
                        source,
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "ui_tests.rs"]
mod tests;
