//! The parts comments and issues share: the validator table, the diagnosis, the retry history and the footer.

use crate::contracts::{
    Attempt, CheckStatus, Diagnosis, DiagnosisSource, Hypothesis, Remediation, RunRecord,
    TerraformPhase, ValidationResult,
};
use crate::render::{
    dollars, inline_code, inline_data, plain_text, short_sha, shorten, table_cell,
};

/// Longest error text a table cell carries; the full text is in the record.
const CELL_CHARS: usize = 160;

/// The validator's checks as a table. Evidence is listed under the table for failed checks only, where a person
/// needs it; passing checks keep their one-line detail.
pub fn validation_table(validation: &ValidationResult) -> String {
    let mut text = String::from("#### Validation\n\n| check | status | detail |\n|---|---|---|\n");
    for check in &validation.checks {
        text.push_str(&format!(
            "| {} | {} | {} |\n",
            check.name.as_str(),
            check_status_label(check.status),
            table_cell(&check.detail)
        ));
    }
    for check in validation.failed_checks() {
        if check.evidence.is_empty() {
            continue;
        }
        text.push_str(&format!("\nEvidence for `{}`:\n", check.name.as_str()));
        for item in &check.evidence {
            text.push_str(&format!("- {}\n", table_cell(item)));
        }
    }
    text
}

fn check_status_label(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "✅ pass",
        CheckStatus::Fail => "❌ fail",
        CheckStatus::Skip => "⏭️ skip",
    }
}

/// The diagnosis of one attempt: category, root cause, cited evidence, remediation, confidence, source and cost.
/// The evidence ids point at the numbered items the diagnosis was shown; Terraform's errors of that attempt are
/// listed with them, since they are what the items were made of.
pub fn diagnosis_section(attempt: &Attempt, diagnosis: &Diagnosis) -> String {
    let mut text = format!("#### Diagnosis (attempt {})\n\n", attempt.attempt);
    match &diagnosis.hypothesis {
        Some(hypothesis) => {
            text.push_str(&format!(
                "- **Category:** `{}`\n- **Root cause:** {}\n- **Evidence cited:**{}- **Remediation:** {}\n- **Confidence:** {}\n",
                hypothesis.category.as_str(),
                plain_text(&hypothesis.root_cause),
                cited_evidence_list(hypothesis, diagnosis, "  "),
                remediation_text(&hypothesis.remediation),
                confidence_text(hypothesis, diagnosis),
            ));
        }
        None => {
            text.push_str("- **No hypothesis.**\n");
        }
    }
    text.push_str(&format!(
        "- **Source:** {}\n- **Cost:** {} ({} LLM call{})\n",
        source_label(diagnosis.source),
        dollars(diagnosis.cost_usd()),
        diagnosis.llm_calls(),
        if diagnosis.llm_calls() == 1 { "" } else { "s" }
    ));
    // A catalogue match's note only names its signature, which the confidence line already shows.
    let signature_shown =
        diagnosis.source == DiagnosisSource::Catalog && diagnosis.catalogue_signature.is_some();
    if let Some(detail) = diagnosis.detail.as_ref().filter(|_| !signature_shown) {
        text.push_str(&format!("- **Note:** {}\n", plain_text(detail)));
    }
    let errors: Vec<String> = attempt
        .terraform
        .errors()
        .map(|diagnostic| {
            let mut line = format!("- {}", inline_data(&diagnostic.summary));
            if !diagnostic.detail.is_empty() {
                line.push_str(&format!(": {}", inline_data(&diagnostic.detail)));
            }
            if let Some(address) = &diagnostic.address {
                line.push_str(&format!(" ({})", inline_code(address)));
            }
            line
        })
        .collect();
    if !errors.is_empty() {
        text.push_str("\nTerraform errors of this attempt:\n");
        for line in errors {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}

/// The evidence a hypothesis cites, each id next to what it names: ` none\n` when it cites nothing, else a list
/// (indented by `indent`) of `E2` · title — first line. An older record without the items says so instead of
/// printing bare ids.
pub fn cited_evidence_list(hypothesis: &Hypothesis, diagnosis: &Diagnosis, indent: &str) -> String {
    if hypothesis.evidence.is_empty() {
        return " none\n".to_string();
    }
    if diagnosis.cited_evidence.is_empty() {
        return format!(
            " {} item{} (this record does not keep what they were)\n",
            hypothesis.evidence.len(),
            if hypothesis.evidence.len() == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    let mut text = String::from("\n");
    for item in &diagnosis.cited_evidence {
        text.push_str(&format!(
            "{indent}- {} {}",
            inline_code(&item.id),
            plain_text(&item.title)
        ));
        if !item.excerpt.is_empty() {
            text.push_str(&format!(": {}", inline_data(&item.excerpt)));
        }
        text.push('\n');
    }
    text
}

/// How sure the diagnosis is: a catalogue match is a known signature (it has no measured confidence); a model's
/// answer says its own confidence.
pub fn confidence_text(hypothesis: &Hypothesis, diagnosis: &Diagnosis) -> String {
    match (diagnosis.source, &diagnosis.catalogue_signature) {
        (DiagnosisSource::Catalog, Some(signature)) => {
            format!("known signature {}", inline_code(signature))
        }
        (DiagnosisSource::Catalog, None) => "known signature".to_string(),
        _ => format!(
            "{:.0}% (the model's own estimate)",
            hypothesis.confidence.clamp(0.0, 1.0) * 100.0
        ),
    }
}

pub fn source_label(source: DiagnosisSource) -> &'static str {
    match source {
        DiagnosisSource::Catalog => "known-failure catalogue (no LLM call)",
        DiagnosisSource::Llm => "LLM",
        DiagnosisSource::Unavailable => "unavailable",
    }
}

/// A remediation in words a reviewer reads, with its parameter.
pub fn remediation_text(remediation: &Remediation) -> String {
    match remediation {
        Remediation::Retry => "`retry`: run the same thing again".to_string(),
        Remediation::RetryAfter { seconds } => {
            format!("`retry_after`: wait {seconds} s, then run again")
        }
        Remediation::ReduceParallelism { parallelism } => {
            format!("`reduce_parallelism`: run again with `-parallelism={parallelism}`")
        }
        Remediation::ReinitUpgrade => {
            "`reinit_upgrade`: run `init -upgrade`, then again".to_string()
        }
        Remediation::Replace { address } => {
            format!(
                "`replace`: run again with {}",
                inline_code(&format!("-replace={address}"))
            )
        }
        Remediation::Escalate => {
            "`escalate`: a person must change code or configuration".to_string()
        }
    }
}

/// What went wrong in an attempt, in one line: the first Terraform error, else the first failed check.
pub fn attempt_error(attempt: &Attempt) -> Option<String> {
    if let Some(diagnostic) = attempt.terraform.errors().next() {
        return Some(diagnostic.summary.clone());
    }
    if !attempt.terraform.ok {
        return Some(format!(
            "terraform {} failed (exit {})",
            phase_label(attempt.terraform.phase),
            attempt
                .terraform
                .exit_code
                .map_or("none".to_string(), |code| code.to_string())
        ));
    }
    let validation = attempt.validation.as_ref()?;
    let check = validation.failed_checks().next()?;
    Some(format!("{}: {}", check.name.as_str(), check.detail))
}

/// The phase an attempt stopped in; a passing Terraform run that failed its checks stopped in `validate`.
pub fn attempt_phase(attempt: &Attempt) -> &'static str {
    if attempt.terraform.ok && attempt.validation.is_some() {
        "validate"
    } else {
        phase_label(attempt.terraform.phase)
    }
}

pub fn phase_label(phase: TerraformPhase) -> &'static str {
    match phase {
        TerraformPhase::Init => "init",
        TerraformPhase::Plan => "plan",
        TerraformPhase::Apply => "apply",
    }
}

/// The retry history: one row per attempt.
pub fn retry_history_table(record: &RunRecord) -> String {
    let mut text = String::from(
        "| attempt | phase | error | hypothesis | remediation | tokens | cost |\n|---|---|---|---|---|---|---|\n",
    );
    for attempt in &record.attempts {
        let diagnosis = attempt.diagnosis.as_ref();
        let hypothesis = diagnosis.and_then(|diagnosis| diagnosis.hypothesis.as_ref());
        let tokens: u64 = diagnosis
            .map(|diagnosis| {
                diagnosis
                    .usage
                    .iter()
                    .map(|usage| usage.input_tokens + usage.output_tokens)
                    .sum()
            })
            .unwrap_or(0);
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            attempt.attempt,
            attempt_phase(attempt),
            attempt_error(attempt)
                .map(|error| table_cell(&inline_data(&shorten(&error, CELL_CHARS))))
                .unwrap_or_else(|| "—".to_string()),
            match (diagnosis, hypothesis) {
                (_, Some(hypothesis)) => format!(
                    "`{}`: {}",
                    hypothesis.category.as_str(),
                    table_cell(&plain_text(&shorten(&hypothesis.root_cause, CELL_CHARS)))
                ),
                (Some(diagnosis), None) => source_label(diagnosis.source).to_string(),
                (None, None) => "—".to_string(),
            },
            hypothesis
                .map(|hypothesis| format!("`{}`", hypothesis.remediation.action_name()))
                .unwrap_or_else(|| "—".to_string()),
            tokens,
            dollars(diagnosis.map_or(0.0, Diagnosis::cost_usd)),
        ));
    }
    text
}

/// The footer every comment and issue ends with: commit, run link, LLM calls and cost.
pub fn footer(record: &RunRecord) -> String {
    let mut parts = Vec::new();
    if let Some(commit) = &record.context.commit {
        parts.push(format!("commit `{}`", short_sha(commit)));
    }
    match &record.context.run_url {
        Some(url) => parts.push(format!("[run {}]({url})", record.run_id)),
        None => parts.push(format!("run `{}`", record.run_id)),
    }
    parts.push(format!("LLM calls: {}", record.llm_calls));
    parts.push(format!("cost: {}", dollars(record.cost_usd)));
    format!("\n---\n<sub>{}</sub>\n", parts.join(" · "))
}
