//! What the GitHub event that started this run asks for: plan a pull request, deploy a push to the default
//! branch, or whatever a `workflow_dispatch` names. Read from the event's name and the JSON payload the runner
//! wrote (the command layer passes `GITHUB_EVENT_NAME` and `GITHUB_EVENT_PATH`, read once per invocation);
//! parsed tolerantly (only the fields used are read), refused clearly when a field agentlab needs is missing.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::contracts::RunMode;

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("{variable} is not set: agentlab cannot tell which GitHub event started this run")]
    MissingVariable { variable: &'static str },
    #[error("cannot read the event payload {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the event payload {path} is not JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("the {event} payload has no `{field}`")]
    MissingField { event: String, field: &'static str },
    #[error("workflow_dispatch input `mode` is `{0}`; use `plan` or `deploy`")]
    BadDispatchMode(String),
    #[error(
        "agentlab does not handle `{0}` events; trigger it on pull_request, push or workflow_dispatch"
    )]
    Unsupported(String),
}

/// Which files changed, as far as the event tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedFiles {
    /// Ask the pull request files API.
    PullRequest(u64),
    /// A push to the default branch: the files of the pull request it merged (looked up from `commit`), else the
    /// files its commits list in the payload (`None` when the payload cannot tell: no commits, or 20 or more, since
    /// the payload lists at most 20).
    Pushed {
        commit: String,
        listed: Option<Vec<String>>,
    },
    /// Unknown: run every project (a dispatch lists none).
    Unknown,
}

impl ChangedFiles {
    /// The files the payload itself lists, without asking GitHub: a push's commits' files.
    pub fn listed_in_payload(&self) -> Option<&[String]> {
        match self {
            ChangedFiles::Pushed {
                listed: Some(files),
                ..
            } => Some(files),
            _ => None,
        }
    }
}

/// A run the event asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRun {
    pub mode: RunMode,
    /// `OWNER/NAME`.
    pub repository: String,
    /// The commit to plan or deploy (the PR's head, or the pushed commit).
    pub commit: String,
    /// The pull request a plan comments on; `None` for deploys (the merged PR is looked up from the commit).
    pub pull_request: Option<u64>,
    pub changed_files: ChangedFiles,
    /// True when the PR's head lives in another repository: its code must not run on a self-hosted runner
    /// unless someone allowed it.
    pub from_fork: bool,
}

/// What an event means for agentlab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventDecision {
    Run(EventRun),
    /// An event agentlab is subscribed to but that needs no run (a closed PR, a tag push).
    Ignore {
        reason: String,
    },
}

/// The push payload lists at most this many commits; with more, its file list is incomplete.
const PUSH_PAYLOAD_COMMIT_LIMIT: usize = 20;

/// Reads the payload at `path` (`GITHUB_EVENT_PATH`) of the event `event_name` (`GITHUB_EVENT_NAME`).
pub fn detect_from_file(event_name: &str, path: &Path) -> Result<EventDecision, EventError> {
    detect(event_name, &read_payload(path)?)
}

/// The JSON payload the runner wrote for the event.
pub fn read_payload(path: &Path) -> Result<Value, EventError> {
    let text = std::fs::read_to_string(path).map_err(|source| EventError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| EventError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// The decision for an event name and its payload.
pub fn detect(event_name: &str, payload: &Value) -> Result<EventDecision, EventError> {
    match event_name {
        "pull_request" | "pull_request_target" => pull_request(event_name, payload),
        "push" => push(payload),
        "workflow_dispatch" => workflow_dispatch(payload),
        other => Err(EventError::Unsupported(other.to_string())),
    }
}

/// Whether `event_name` is a pull request event whose head lives in another repository (a fork), whatever its
/// action (a closed or labelled fork pull request is still a fork's code). A pull request event whose payload
/// cannot be read or lacks the repositories counts as a fork: nothing proves otherwise. Other events are not.
pub fn pull_request_from_fork(event_name: &str, payload: Option<&Value>) -> bool {
    event_name.starts_with("pull_request") && payload.is_none_or(head_is_another_repository)
}

/// The pull request's head repository differs from the base repository; a deleted fork has no head repository
/// and counts as a fork, the cautious answer.
fn head_is_another_repository(payload: &Value) -> bool {
    let base = payload
        .pointer("/repository/full_name")
        .and_then(Value::as_str);
    let head = payload
        .pointer("/pull_request/head/repo/full_name")
        .and_then(Value::as_str);
    base.is_none() || head != base
}

fn pull_request(event: &str, payload: &Value) -> Result<EventDecision, EventError> {
    let action = text(event, payload, "/action", "action")?;
    if !matches!(action, "opened" | "synchronize" | "reopened") {
        return Ok(EventDecision::Ignore {
            reason: format!(
                "pull request {action}: only opened, synchronize and reopened are planned"
            ),
        });
    }
    let number = payload
        .pointer("/pull_request/number")
        .or_else(|| payload.pointer("/number"))
        .and_then(Value::as_u64)
        .ok_or_else(|| missing(event, "pull_request.number"))?;
    let head_sha = text(
        event,
        payload,
        "/pull_request/head/sha",
        "pull_request.head.sha",
    )?;
    let repository = repository_name(event, payload)?;
    Ok(EventDecision::Run(EventRun {
        mode: RunMode::Plan,
        repository: repository.to_string(),
        commit: head_sha.to_string(),
        pull_request: Some(number),
        changed_files: ChangedFiles::PullRequest(number),
        from_fork: head_is_another_repository(payload),
    }))
}

fn push(payload: &Value) -> Result<EventDecision, EventError> {
    let event = "push";
    let reference = text(event, payload, "/ref", "ref")?;
    let default_branch = text(
        event,
        payload,
        "/repository/default_branch",
        "repository.default_branch",
    )?;
    if reference != format!("refs/heads/{default_branch}") {
        return Ok(EventDecision::Ignore {
            reason: format!("push to {reference}: only pushes to {default_branch} are deployed"),
        });
    }
    if payload.get("deleted").and_then(Value::as_bool) == Some(true) {
        return Ok(EventDecision::Ignore {
            reason: "the default branch was deleted".to_string(),
        });
    }
    let commit = text(event, payload, "/after", "after")?;
    let repository = repository_name(event, payload)?;
    let commits = payload
        .get("commits")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let listed = if commits.is_empty() || commits.len() >= PUSH_PAYLOAD_COMMIT_LIMIT {
        None
    } else {
        let mut files: Vec<String> = commits
            .iter()
            .flat_map(|commit| {
                ["added", "modified", "removed"]
                    .into_iter()
                    .flat_map(move |key| {
                        commit
                            .get(key)
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                    })
            })
            .map(str::to_string)
            .collect();
        files.sort();
        files.dedup();
        Some(files)
    };
    let changed_files = ChangedFiles::Pushed {
        commit: commit.to_string(),
        listed,
    };
    Ok(EventDecision::Run(EventRun {
        mode: RunMode::Deploy,
        repository: repository.to_string(),
        commit: commit.to_string(),
        pull_request: None,
        changed_files,
        from_fork: false,
    }))
}

fn workflow_dispatch(payload: &Value) -> Result<EventDecision, EventError> {
    let event = "workflow_dispatch";
    let mode = match payload.pointer("/inputs/mode").and_then(Value::as_str) {
        Some("plan") => RunMode::Plan,
        Some("deploy") => RunMode::Deploy,
        Some(other) => return Err(EventError::BadDispatchMode(other.to_string())),
        None => return Err(missing(event, "inputs.mode")),
    };
    let repository = repository_name(event, payload)?;
    // The dispatch payload names a ref, not a commit: the caller fills in the checkout's HEAD (GITHUB_SHA).
    Ok(EventDecision::Run(EventRun {
        mode,
        repository: repository.to_string(),
        commit: String::new(),
        pull_request: None,
        changed_files: ChangedFiles::Unknown,
        from_fork: false,
    }))
}

fn text<'a>(
    event: &str,
    payload: &'a Value,
    pointer: &str,
    field: &'static str,
) -> Result<&'a str, EventError> {
    payload
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| missing(event, field))
}

/// The payload's `repository.full_name` (`OWNER/NAME`).
fn repository_name<'a>(event: &str, payload: &'a Value) -> Result<&'a str, EventError> {
    text(
        event,
        payload,
        "/repository/full_name",
        "repository.full_name",
    )
}

fn missing(event: &str, field: &'static str) -> EventError {
    EventError::MissingField {
        event: event.to_string(),
        field,
    }
}
