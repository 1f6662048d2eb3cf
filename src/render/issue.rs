//! The incident issue opened when a deploy ends in Failed, the comment added to it when the same failure happens
//! again, and the comment that closes it when a later deploy of the project succeeds.
//!
//! One open issue per fingerprint (crate::report::fingerprint: the project and a stable signature of the failure).
//! The project and the fingerprint are written into the body as a hidden marker, so the posting code finds the
//! open issue of one failure, or every open issue of one project, without trusting titles people may edit. Each
//! comment carries a marker naming its run, so a post that may have reached GitHub is looked up, never repeated.

use crate::contracts::{Category, Remediation, RunRecord};
use crate::render::sections::{attempt_error, remediation_text, retry_history_table, source_label};
use crate::render::{
    DetailLevel, RenderOptions, code_block, dollars, inline_code, inline_data, marker_safe,
    plain_text, short_sha, shorten, table_cell,
};

/// The label every incident issue carries.
pub const INCIDENT_LABEL: &str = "agentlab-incident";

/// The longest issue title, in characters (GitHub allows 256).
const TITLE_MAX_CHARS: usize = 120;

/// The failure category the diagnosis chose: shown in the body, never part of the fingerprint.
pub fn incident_category(record: &RunRecord) -> Category {
    record
        .final_hypothesis()
        .map_or(Category::Unknown, |hypothesis| hypothesis.category)
}

/// The hidden marker opening the issue body: the project, then the fingerprint.
pub fn incident_marker(project: &str, fingerprint: &str) -> String {
    format!(
        "{}{} -->",
        incident_project_marker_prefix(project),
        marker_safe(fingerprint)
    )
}

/// How every incident marker of `project` begins: finds all of the project's open incidents.
pub fn incident_project_marker_prefix(project: &str) -> String {
    format!(
        "<!-- agentlab:incident project={} fingerprint=",
        marker_safe(project)
    )
}

/// How the markers of incidents opened before the project was part of the marker began
/// (`<!-- agentlab:incident fingerprint=PROJECT/CATEGORY -->`), so a recovery closes those too.
pub fn legacy_incident_marker_prefix(project: &str) -> String {
    format!(
        "<!-- agentlab:incident fingerprint={}/",
        marker_safe(project)
    )
}

/// The marker of the "happened again" comment one run adds.
pub fn recurrence_comment_marker(run_id: &str) -> String {
    format!(
        "<!-- agentlab:incident-recurrence run={} -->",
        marker_safe(run_id)
    )
}

/// The marker of the "recovered" comment one run adds before closing an issue.
pub fn recovery_comment_marker(run_id: &str) -> String {
    format!(
        "<!-- agentlab:incident-recovery run={} -->",
        marker_safe(run_id)
    )
}

/// `agentlab incident: PROJECT — SIGNATURE`, where SIGNATURE is the failure signature for people (phase and
/// catalogue name, normalised error or check). Mentions in it cannot notify anyone.
pub fn incident_title(record: &RunRecord, signature: &str) -> String {
    let title = format!("agentlab incident: {} — {signature}", record.project);
    shorten(&title, TITLE_MAX_CHARS).replace('@', "@\u{2060}")
}

/// The issue body at one detail level: hypothesis, evidence, remediation, retry history, total cost and the run
/// link. Below [`DetailLevel::Full`], Terraform's error details are left out and the body says where they are.
pub fn render_incident_issue_at(
    record: &RunRecord,
    marker: &str,
    signature: &str,
    level: DetailLevel,
    options: &RenderOptions,
) -> String {
    let mut text = format!(
        "{marker}\n### ❌ agentlab {} of `{}` failed\n\n**Failure signature:** {}\n\n",
        record.mode.as_str(),
        record.project,
        inline_data(signature)
    );
    if let Some(reason) = &record.failure_reason {
        text.push_str(&format!("**Why it stopped:** {}\n\n", table_cell(reason)));
    }
    text.push_str(&hypothesis_block(record));
    text.push_str(&held_for_a_person_block(record));
    text.push_str(&evidence_block(record, level));
    text.push_str("#### Retry history\n\n");
    text.push_str(&retry_history_table(record));
    text.push_str(&format!(
        "\n**Total incident cost:** {} over {} LLM call{}.\n",
        dollars(record.cost_usd),
        record.llm_calls,
        if record.llm_calls == 1 { "" } else { "s" }
    ));
    text.push_str(&run_line(record));
    if level != DetailLevel::Full {
        text.push_str(&format!(
            "\n> [!NOTE]\n> Terraform's error details were shortened to stay under GitHub's size limit. The full text is in {}.\n",
            options.full_text_location
        ));
    }
    text
}

fn hypothesis_block(record: &RunRecord) -> String {
    let diagnosis = record
        .attempts
        .iter()
        .rev()
        .find_map(|attempt| attempt.diagnosis.as_ref());
    let Some(hypothesis) = record.final_hypothesis() else {
        let why = diagnosis
            .and_then(|diagnosis| diagnosis.detail.clone())
            .unwrap_or_else(|| "no diagnosis was made".to_string());
        return format!(
            "#### Hypothesis\n\nNo hypothesis: {}.\n\n",
            plain_text(&why)
        );
    };
    format!(
        "#### Hypothesis\n\n- **Category:** `{}`\n- **Root cause:** {}\n- **Remediation:** {}\n- **Confidence:** {:.0}%\n- **Source:** {}\n\n",
        hypothesis.category.as_str(),
        plain_text(&hypothesis.root_cause),
        remediation_text(&hypothesis.remediation),
        hypothesis.confidence.clamp(0.0, 1.0) * 100.0,
        diagnosis.map_or("unavailable", |diagnosis| source_label(diagnosis.source)),
    )
}

/// The remediation the policy held for a person: what was proposed, why it did not run, and the exact command
/// that does it by hand. Empty when the run ended for another reason.
fn held_for_a_person_block(record: &RunRecord) -> String {
    let Some(held) = &record.held_for_a_person else {
        return String::new();
    };
    let proposal = match &held.remediation {
        Remediation::Replace { address } => {
            format!(
                "`replace` of {} (destroy it and create it again)",
                inline_code(address)
            )
        }
        Remediation::ReinitUpgrade => {
            "`reinit_upgrade` (move the providers to the newest versions the constraints allow)"
                .to_string()
        }
        other => inline_code(other.action_name()),
    };
    let after = match &held.remediation {
        Remediation::ReinitUpgrade => ", then deploy again",
        _ => "",
    };
    format!(
        "#### Needs a person\n\nThe diagnosis proposed {proposal}. agentlab did not run it: {}.\n\n\
         Nothing was changed for it. If you agree after checking the evidence below, run it by hand{after}:\n\n{}\n",
        plain_text(&held.reason),
        code_block("sh", &held.command)
    )
}

/// The evidence: the ids the hypothesis cited, and what the last attempt printed (Terraform's errors in full at
/// [`DetailLevel::Full`], their summaries only below it; failed checks with their evidence).
fn evidence_block(record: &RunRecord, level: DetailLevel) -> String {
    let mut text = String::from("#### Evidence\n\n");
    if let Some(hypothesis) = record.final_hypothesis() {
        let cited: Vec<String> = hypothesis
            .evidence
            .iter()
            .map(|id| inline_code(id))
            .collect();
        if !cited.is_empty() {
            text.push_str(&format!("Cited by the diagnosis: {}\n\n", cited.join(", ")));
        }
    }
    let Some(attempt) = record.last_attempt() else {
        text.push_str("No attempt ran.\n\n");
        return text;
    };
    for diagnostic in attempt.terraform.errors() {
        text.push_str(&format!("- {}", inline_data(&diagnostic.summary)));
        if let Some(address) = &diagnostic.address {
            text.push_str(&format!(" ({})", inline_code(address)));
        }
        text.push('\n');
        if level == DetailLevel::Full && !diagnostic.detail.is_empty() {
            text.push_str(&format!("  > {}\n", inline_data(&diagnostic.detail)));
        }
    }
    if let Some(validation) = &attempt.validation {
        for check in validation.failed_checks() {
            text.push_str(&format!(
                "- check `{}` failed: {}\n",
                check.name.as_str(),
                table_cell(&check.detail)
            ));
            if level == DetailLevel::Full {
                for item in &check.evidence {
                    text.push_str(&format!("  - {}\n", table_cell(item)));
                }
            }
        }
    }
    if attempt_error(attempt).is_none() {
        text.push_str("The last attempt reported no error text.\n");
    }
    text.push('\n');
    text
}

fn run_line(record: &RunRecord) -> String {
    let mut parts = Vec::new();
    match &record.context.run_url {
        Some(url) => parts.push(format!("**Run:** [{}]({url})", record.run_id)),
        None => parts.push(format!("**Run:** `{}`", record.run_id)),
    }
    if let Some(commit) = &record.context.commit {
        parts.push(format!("commit `{}`", short_sha(commit)));
    }
    if let Some(number) = record.context.pull_request {
        parts.push(format!("pull request #{number}"));
    }
    format!("{}\n", parts.join(" · "))
}

/// The comment added to an open incident issue when the same failure happens again, at one detail level.
pub fn render_incident_recurrence_at(record: &RunRecord, level: DetailLevel) -> String {
    let mut text = format!(
        "{}\n### 🔁 The same failure happened again\n\n{}",
        recurrence_comment_marker(&record.run_id),
        hypothesis_block(record)
    );
    text.push_str(&evidence_block(record, level));
    text.push_str("#### Retry history\n\n");
    text.push_str(&retry_history_table(record));
    text.push_str(&format!(
        "\n**Incident cost of this run:** {}.\n",
        dollars(record.cost_usd)
    ));
    text.push_str(&run_line(record));
    text
}

/// The comment on each open incident of the project when a deploy of it succeeds: it names the run (with its
/// link) and the commit, and says the issue is closed.
pub fn render_incident_recovery(record: &RunRecord) -> String {
    let run = match &record.context.run_url {
        Some(url) => format!("[{}]({url})", record.run_id),
        None => inline_code(&record.run_id),
    };
    let mut text = format!(
        "{}\n### ✅ `{}` recovered in run {run}\n\nA later {} of `{}` succeeded",
        recovery_comment_marker(&record.run_id),
        record.project,
        record.mode.as_str(),
        record.project
    );
    if let Some(commit) = &record.context.commit {
        text.push_str(&format!(" at commit `{}`", short_sha(commit)));
    }
    if record.attempts.len() > 1 {
        text.push_str(&format!(" after {} attempts", record.attempts.len()));
    }
    text.push_str(
        ", so agentlab closes this incident. Should the failure come back, agentlab opens a new one.\n",
    );
    text
}
