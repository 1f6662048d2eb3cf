//! The incident issue opened when a deploy ends in Failed, the comment added to it when the same failure happens
//! again, and the comment that closes it when a later deploy of the project succeeds.
//!
//! One open issue per fingerprint (crate::report::fingerprint: the project and a stable signature of the failure).
//! The project and the fingerprint are written into the body as a hidden marker, so the posting code finds the
//! open issue of one failure, or every open issue of one project, without trusting titles people may edit. Each
//! comment carries a marker naming its run, so a post that may have reached GitHub is looked up, never repeated.

use crate::contracts::{Category, DiagnosisSource, Remediation, RunRecord};
use crate::render::failure::why_paragraphs;
use crate::render::sections::{
    attempt_error, cited_evidence_list, confidence_text, phase_label, remediation_text,
    retry_history_table, source_label,
};
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
    quiet_mentions(&shorten(&title, TITLE_MAX_CHARS))
}

/// A word joiner after each `@` that starts a word, where GitHub would see a mention; an `@` inside a word
/// (`terraform@pam!agentlab`, an e-mail address) is no mention and stays as it is, so the name can be copied.
fn quiet_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        out.push(c);
        if c == '@' && !previous.is_some_and(|before| before.is_alphanumeric() || before == '_') {
            out.push('\u{2060}');
        }
        previous = Some(c);
    }
    out
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
        "{marker}\n### ❌ agentlab {} of `{}` failed\n\n",
        record.mode.as_str(),
        record.project,
    );
    text.push_str(&why_paragraphs(record, "Why it stopped"));
    text.push_str(&run_line(record));
    text.push_str(&format!(
        "\n**Failure signature:** {}\n\n",
        inline_data(signature)
    ));
    text.push_str(&hypothesis_block(record));
    text.push_str(&held_for_a_person_block(record));
    text.push_str(&evidence_block(record, level));
    text.push_str(&steps_block(record));
    text.push_str("#### Retry history\n\n");
    text.push_str(&retry_history_table(record));
    text.push_str(&format!(
        "\n**Total incident cost:** {} over {} LLM call{}.\n",
        dollars(record.cost_usd),
        record.llm_calls,
        if record.llm_calls == 1 { "" } else { "s" }
    ));
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
        "#### Hypothesis\n\n- **Category:** `{}`\n- **Root cause:** {}\n- **Remediation:** {}\n- **Confidence:** {}\n- **Source:** {}\n\n",
        hypothesis.category.as_str(),
        plain_text(&hypothesis.root_cause),
        remediation_text(&hypothesis.remediation),
        diagnosis.map_or_else(
            || format!("{:.0}%", hypothesis.confidence.clamp(0.0, 1.0) * 100.0),
            |diagnosis| confidence_text(hypothesis, diagnosis)
        ),
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
    let diagnosis = record
        .attempts
        .iter()
        .rev()
        .find_map(|attempt| attempt.diagnosis.as_ref());
    if let (Some(hypothesis), Some(diagnosis)) = (record.final_hypothesis(), diagnosis)
        && !hypothesis.evidence.is_empty()
    {
        text.push_str(&format!(
            "Cited by the diagnosis:{}\n",
            cited_evidence_list(hypothesis, diagnosis, "")
        ));
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
    if let Some(started) = &record.context.started_at {
        parts.push(format!("started {}", readable_time(started)));
    }
    if let Some(finished) = &record.context.finished_at {
        parts.push(format!("ended {}", readable_time(finished)));
    }
    format!("{}\n", parts.join(" · "))
}

/// `2026-12-01T17:38:14Z` as `2026-12-01 17:38:14 UTC`; anything else as it is.
fn readable_time(timestamp: &str) -> String {
    match timestamp.strip_suffix('Z') {
        Some(utc) => format!("{} UTC", utc.replacen('T', " ", 1)),
        None => timestamp.to_string(),
    }
}

/// Each attempt's steps with how long they took: Terraform (init to the phase it reached), the checks, the
/// diagnosis. Steps an older record did not time are named without a duration.
fn steps_block(record: &RunRecord) -> String {
    if record.attempts.is_empty() {
        return String::new();
    }
    let mut text = String::from("#### Steps\n\n");
    for attempt in &record.attempts {
        let terraform = &attempt.terraform;
        let reached = phase_label(terraform.phase);
        let span = if reached == "init" {
            "init".to_string()
        } else {
            format!("init → {reached}")
        };
        let verdict = if terraform.ok { "ok" } else { "failed" };
        let mut steps = vec![format!(
            "terraform {span} {} ({verdict})",
            duration_words(terraform.duration_ms)
        )];
        if let Some(validation) = &attempt.validation {
            let verdict = if validation.ok { "ok" } else { "failed" };
            steps.push(match attempt.validation_ms {
                Some(ms) => format!("checks {} ({verdict})", duration_words(ms)),
                None => format!("checks ({verdict})"),
            });
        }
        if let Some(diagnosis) = &attempt.diagnosis {
            let by = match diagnosis.source {
                DiagnosisSource::Catalog => "catalogue",
                DiagnosisSource::Llm => "LLM",
                DiagnosisSource::Unavailable => "unavailable",
            };
            steps.push(match attempt.diagnosis_ms {
                Some(ms) => format!("diagnosis ({by}) {}", duration_words(ms)),
                None => format!("diagnosis ({by})"),
            });
        }
        text.push_str(&format!(
            "- attempt {}: {}\n",
            attempt.attempt,
            steps.join(" · ")
        ));
    }
    text.push('\n');
    text
}

/// "850 ms", "12.3 s", "4 min 05 s".
pub fn duration_words(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=119_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {:02} s", ms / 60_000, ms % 60_000 / 1000),
    }
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
