//! The Outbox's posts for a scheduled check (mode `check`): per project and problem kind (drift, health), open an
//! issue, update the open one in place (a comment only when what is wrong changed), close it with a comment once
//! the project is fine again, or post nothing. Pure: the open issues agentlab already filed are read by the
//! posting side (crate::github::problem_issue) before the Outbox is built and handed in as
//! [`OpenProblemIssue`]s; their hidden state line gives since when the problem stands and what it was.
//!
//! A check that could not run (`error`) leaves every issue as it is: it knows nothing new about the project.

use std::collections::BTreeSet;

use crate::contracts::{CheckVerdict, RunRecord};
use crate::render::changes::changed_resources;
use crate::render::check::{
    ProblemKind, parse_problem_state, problem_change_comment_marker, problem_issue_marker,
    problem_issue_title, problem_resolved_comment_marker, render_problem_change_comment,
    render_problem_issue_at, render_problem_resolved_comment,
};
use crate::render::{DetailLevel, RenderOptions};
use crate::report::fingerprint::stable_hash;
use crate::report::{OutboxSettings, ladder};

/// One of agentlab's own open drift or health issues, as the posting side found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenProblemIssue {
    pub number: u64,
    pub body: String,
}

/// An issue post of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemIssuePost {
    pub record_index: usize,
    pub project: String,
    pub kind: ProblemKind,
    pub label: &'static str,
    /// The hidden first line of the issue body.
    pub marker: String,
    pub action: ProblemAction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemAction {
    /// No open issue: open one (looked up by marker before a create is sent again).
    Open {
        title: String,
        /// Most detailed first; never empty.
        bodies: Vec<String>,
    },
    /// The open issue: rewrite its title and body; comment first when what is wrong changed.
    Update {
        issue: u64,
        title: String,
        bodies: Vec<String>,
        change_comment: Option<MarkedComment>,
    },
    /// The project is fine again: comment, then close.
    Close { issue: u64, comment: MarkedComment },
}

/// A comment with the hidden marker its body starts with (naming the run, so it is never posted twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedComment {
    pub marker: String,
    pub body: String,
}

impl ProblemIssuePost {
    /// The preview's kind: `drift-issue`, `health-issue`, `drift-resolved`, `health-resolved`.
    pub fn preview_kind(&self) -> &'static str {
        match (&self.action, self.kind) {
            (ProblemAction::Close { .. }, ProblemKind::Drift) => "drift-resolved",
            (ProblemAction::Close { .. }, ProblemKind::Health) => "health-resolved",
            (_, ProblemKind::Drift) => "drift-issue",
            (_, ProblemKind::Health) => "health-issue",
        }
    }

    /// The title of the issue the post opens or rewrites; `None` for a closing comment.
    pub fn opened_title(&self) -> Option<&str> {
        match &self.action {
            ProblemAction::Open { title, .. } | ProblemAction::Update { title, .. } => Some(title),
            ProblemAction::Close { .. } => None,
        }
    }

    /// The first text the post sends: the issue body, or the closing comment.
    pub fn first_text(&self) -> &str {
        match &self.action {
            ProblemAction::Open { bodies, .. } | ProblemAction::Update { bodies, .. } => &bodies[0],
            ProblemAction::Close { comment, .. } => &comment.body,
        }
    }

    /// Every text through `redact`.
    pub fn redacted(self, redact: &impl Fn(String) -> String) -> Self {
        let comment = |comment: MarkedComment| MarkedComment {
            body: redact(comment.body),
            ..comment
        };
        let action = match self.action {
            ProblemAction::Open { title, bodies } => ProblemAction::Open {
                title: redact(title),
                bodies: bodies.into_iter().map(redact).collect(),
            },
            ProblemAction::Update {
                issue,
                title,
                bodies,
                change_comment,
            } => ProblemAction::Update {
                issue,
                title: redact(title),
                bodies: bodies.into_iter().map(redact).collect(),
                change_comment: change_comment.map(comment),
            },
            ProblemAction::Close { issue, comment: c } => ProblemAction::Close {
                issue,
                comment: comment(c),
            },
        };
        Self { action, ..self }
    }
}

/// What is wrong, as a short digest: the drifted resources with their actions and changed attribute names, or the
/// failed checks and the guests they failed for. Values and error texts stay out, so a refresh that reads a
/// timestamp anew is not a change worth a comment.
pub fn problem_digest(kind: ProblemKind, record: &RunRecord) -> String {
    let mut parts = BTreeSet::new();
    match kind {
        ProblemKind::Drift => {
            if let Some(attempt) = record.last_attempt() {
                for change in changed_resources(&attempt.terraform) {
                    parts.insert(format!(
                        "{} {:?} {}",
                        change.address,
                        change.action,
                        changed_attribute_names(change)
                    ));
                }
            }
        }
        ProblemKind::Health => {
            if let Some(findings) = &record.check {
                parts.extend(findings.failed_checks.iter().map(|c| format!("check {c}")));
                parts.extend(
                    findings
                        .unhealthy_guests
                        .iter()
                        .map(|g| format!("guest {g}")),
                );
            }
        }
    }
    stable_hash(&parts.into_iter().collect::<Vec<_>>().join("\n"))
}

/// The top-level attributes whose value changes, from the change's compact form; none for a create or a delete
/// (only a change with values on both sides names attributes).
fn changed_attribute_names(change: &crate::contracts::ResourceChange) -> String {
    use crate::contracts::{AttributeValue, ChangeAction};
    if !matches!(
        change.action,
        ChangeAction::Update | ChangeAction::DeleteCreate | ChangeAction::CreateDelete
    ) {
        return String::new();
    }
    let names: BTreeSet<&str> = change
        .attributes
        .iter()
        .filter(|attribute| attribute.value != AttributeValue::Unknown)
        .map(|attribute| {
            let path: &str = &attribute.path;
            path.find(['.', '[']).map_or(path, |end| &path[..end])
        })
        .collect();
    names.into_iter().collect::<Vec<_>>().join(",")
}

/// The posts one check record produces, given agentlab's open drift and health issues.
pub(crate) fn problem_posts(
    record_index: usize,
    record: &RunRecord,
    settings: &OutboxSettings,
    options: &RenderOptions,
) -> Vec<ProblemIssuePost> {
    let Some(findings) = &record.check else {
        return Vec::new();
    };
    if findings.verdict == CheckVerdict::Error {
        return Vec::new();
    }
    let mut posts = Vec::new();
    for kind in ProblemKind::ALL {
        let marker = problem_issue_marker(kind, &record.project);
        let open = settings
            .open_problem_issues
            .iter()
            .find(|issue| issue.body.trim_start().starts_with(&marker));
        let present = kind.present_in(findings);
        let action = match (present, open) {
            (false, None) => continue,
            (false, Some(issue)) => ProblemAction::Close {
                issue: issue.number,
                comment: MarkedComment {
                    marker: problem_resolved_comment_marker(&record.run_id),
                    body: render_problem_resolved_comment(kind, record),
                },
            },
            (true, open) => {
                let digest = problem_digest(kind, record);
                let previous = open.and_then(|issue| parse_problem_state(&issue.body));
                let since = previous
                    .as_ref()
                    .map_or(findings.checked_at_unix, |(since, _)| *since);
                let render = |level: DetailLevel| {
                    render_problem_issue_at(kind, record, since, &digest, level, options)
                };
                let bodies = ladder::bodies(
                    &render(DetailLevel::Full),
                    render,
                    settings.budget_chars,
                    &settings.full_text_location,
                );
                let title = problem_issue_title(kind, record);
                match open {
                    None => ProblemAction::Open { title, bodies },
                    Some(issue) => ProblemAction::Update {
                        issue: issue.number,
                        title,
                        bodies,
                        // An issue whose state line cannot be read (edited by hand) gets the comment: better
                        // told once more than not at all.
                        change_comment: (previous.map(|(_, old)| old) != Some(digest.clone()))
                            .then(|| MarkedComment {
                                marker: problem_change_comment_marker(&record.run_id),
                                body: render_problem_change_comment(kind, record),
                            }),
                    },
                }
            }
        };
        posts.push(ProblemIssuePost {
            record_index,
            project: record.project.clone(),
            kind,
            label: kind.label(),
            marker,
            action,
        });
    }
    posts
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
