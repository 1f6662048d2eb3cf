//! The incident posts of the Outbox: the issue (or the "happened again" comment) a failed deploy files under its
//! fingerprint, and the recovery a successful deploy sends to every open incident of its project. Pure: which
//! issues are open is the posting code's business (crate::github::issue), which finds them by the markers made
//! here and posts the texts rendered here.

use crate::contracts::{Outcome, RunMode, RunRecord};
use crate::render::issue::{
    INCIDENT_LABEL, incident_marker, incident_project_marker_prefix, incident_title,
    legacy_incident_marker_prefix, recovery_comment_marker, recurrence_comment_marker,
    render_incident_issue_at, render_incident_recovery, render_incident_recurrence_at,
};
use crate::render::{DetailLevel, RenderOptions};
use crate::report::fingerprint::FailureSignature;
use crate::report::{OutboxSettings, ladder};

/// An incident: a new issue, or a comment on the open one with the same marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentPost {
    pub record_index: usize,
    pub project: String,
    pub label: &'static str,
    /// The hidden first line of the issue body, carrying the project and the fingerprint.
    pub marker: String,
    pub fingerprint: String,
    pub title: String,
    /// The issue body, most detailed first; never empty.
    pub bodies: Vec<String>,
    /// The hidden first line of the "happened again" comment, naming this run.
    pub recurrence_marker: String,
    /// The comment for an open issue of the same failure, most detailed first; never empty.
    pub recurrence_bodies: Vec<String>,
}

/// A deploy of the project succeeded: comment on each of its open incidents, then close them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryPost {
    pub record_index: usize,
    pub project: String,
    pub label: &'static str,
    /// An open issue whose body starts with one of these is an incident of this project.
    pub issue_marker_prefixes: Vec<String>,
    /// The hidden first line of the comment, naming this run.
    pub marker: String,
    /// "recovered in run …", with the run's link.
    pub body: String,
}

/// Whether a record closes its project's open incidents: a deploy that ended in Success (first time or after a
/// retry). A plan proves nothing about what runs.
pub fn closes_incidents(record: &RunRecord) -> bool {
    record.mode == RunMode::Deploy && record.outcome == Outcome::Success
}

pub(crate) fn incident_post(
    record_index: usize,
    record: &RunRecord,
    settings: &OutboxSettings,
    options: &RenderOptions,
) -> IncidentPost {
    let signature = FailureSignature::of(record);
    let fingerprint = signature.fingerprint(&record.project);
    let described = signature.describe();
    let marker = incident_marker(&record.project, &fingerprint);
    let issue =
        |level: DetailLevel| render_incident_issue_at(record, &marker, &described, level, options);
    let recurrence = |level: DetailLevel| render_incident_recurrence_at(record, level);
    IncidentPost {
        record_index,
        project: record.project.clone(),
        label: INCIDENT_LABEL,
        title: incident_title(record, &described),
        bodies: ladder::bodies(
            &issue(DetailLevel::Full),
            issue,
            settings.budget_chars,
            &settings.full_text_location,
        ),
        recurrence_marker: recurrence_comment_marker(&record.run_id),
        recurrence_bodies: ladder::bodies(
            &recurrence(DetailLevel::Full),
            recurrence,
            settings.budget_chars,
            &settings.full_text_location,
        ),
        marker,
        fingerprint,
    }
}

pub(crate) fn recovery_post(record_index: usize, record: &RunRecord) -> RecoveryPost {
    RecoveryPost {
        record_index,
        project: record.project.clone(),
        label: INCIDENT_LABEL,
        issue_marker_prefixes: vec![
            incident_project_marker_prefix(&record.project),
            legacy_incident_marker_prefix(&record.project),
        ],
        marker: recovery_comment_marker(&record.run_id),
        body: render_incident_recovery(record),
    }
}
