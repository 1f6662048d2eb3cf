//! Snapshot tests of every rendering at its levels. Which level fits the size budget is the Outbox's decision,
//! tested in crate::report.

use crate::contracts::{Outcome, RunRecord};
use crate::render::comment::render_pr_comment_at;
use crate::render::issue::{
    incident_marker, incident_project_marker_prefix, incident_title, render_incident_issue_at,
    render_incident_recovery, render_incident_recurrence_at,
};
use crate::render::timeline::render_deploy_timeline_at;
use crate::render::{
    DetailLevel, RenderOptions, code_block, cut_to_budget, inline_code, pr_comment_marker,
};
use crate::report::fingerprint::FailureSignature;
use crate::report::needs_incident;
use crate::stand_in::records::{
    deploy_failed, deploy_recovered, plan_with_replacements, plan_without_changes,
};

/// The incident issue of `record` at full detail, with a placeholder marker and signature.
fn full_incident_issue(record: &RunRecord) -> String {
    render_incident_issue_at(
        record,
        "<!-- marker -->",
        "apply: error",
        DetailLevel::Full,
        &options(),
    )
}

fn options() -> RenderOptions {
    RenderOptions::default()
}

fn render_pr_comment(record: &crate::contracts::RunRecord, options: &RenderOptions) -> String {
    render_pr_comment_at(
        record,
        &pr_comment_marker(&record.project),
        DetailLevel::Full,
        options,
    )
}

#[test]
fn plan_comment_with_replacements() {
    insta::assert_snapshot!(render_pr_comment(&plan_with_replacements(), &options()));
}

#[test]
fn plan_comment_without_changes() {
    insta::assert_snapshot!(render_pr_comment(&plan_without_changes(), &options()));
}

#[test]
fn plan_comment_at_smaller_levels() {
    let record = plan_with_replacements();
    let marker = pr_comment_marker(&record.project);
    insta::assert_snapshot!(
        "addresses_only",
        render_pr_comment_at(&record, &marker, DetailLevel::AddressesOnly, &options())
    );
    insta::assert_snapshot!(
        "counts_only",
        render_pr_comment_at(&record, &marker, DetailLevel::CountsOnly, &options())
    );
}

#[test]
fn deploy_timelines() {
    insta::assert_snapshot!(
        "recovered",
        render_deploy_timeline_at(&deploy_recovered(), DetailLevel::Full, &options())
    );
    insta::assert_snapshot!(
        "failed",
        render_deploy_timeline_at(&deploy_failed(), DetailLevel::Full, &options())
    );
}

#[test]
fn incident_issue_and_recurrence() {
    let record = deploy_failed();
    assert!(needs_incident(&record));
    assert!(!needs_incident(&deploy_recovered()));
    let signature = FailureSignature::of(&record);
    let marker = incident_marker(&record.project, &signature.fingerprint(&record.project));
    assert!(
        marker.starts_with(&incident_project_marker_prefix("lxc-fleet"))
            && marker.starts_with(
                "<!-- agentlab:incident project=lxc-fleet fingerprint=lxc-fleet/apply/error:"
            ),
        "{marker}"
    );
    assert_eq!(
        incident_title(&record, &signature.describe()),
        "agentlab incident: lxc-fleet — apply: error creating container: can't lock file '<name>' - got timeout — The node was…"
    );
    insta::assert_snapshot!(
        "issue",
        render_incident_issue_at(
            &record,
            &marker,
            &signature.describe(),
            DetailLevel::Full,
            &options()
        )
    );
    insta::assert_snapshot!(
        "recurrence",
        render_incident_recurrence_at(&record, DetailLevel::Full)
    );
    insta::assert_snapshot!("recovery", render_incident_recovery(&deploy_recovered()));
}

/// A proposal the policy held for a person: the issue says what was proposed, why it did not run, and the exact
/// command in a code block that nothing in the address can break out of.
#[test]
fn an_incident_shows_a_held_remediation_with_the_command_to_run_it_by_hand() {
    use crate::contracts::{HeldRemediation, Remediation};
    let plain = full_incident_issue(&deploy_failed());
    assert!(!plain.contains("Needs a person"), "{plain}");

    let address = "null_resource.guest[0]` <!-- x --> @octocat";
    let command = format!("terraform -chdir=modules/lxc-fleet apply '-replace={address}'");
    let record = RunRecord {
        held_for_a_person: Some(HeldRemediation {
            remediation: Remediation::Replace {
                address: address.into(),
            },
            reason: "`replace` is not run unattended ([policy] unattended does not list it)".into(),
            command: command.clone(),
        }),
        ..deploy_failed()
    };
    let issue = full_incident_issue(&record);
    let block = issue
        .split("#### Needs a person\n\n")
        .nth(1)
        .and_then(|rest| rest.split("#### Evidence").next())
        .unwrap_or_else(|| panic!("no held block in:\n{issue}"));
    assert!(
        block.starts_with(
            "The diagnosis proposed `replace` of `` null_resource.guest[0]` <!-- x --> @octocat `` "
        ),
        "{block}"
    );
    assert!(
        block.contains("agentlab did not run it: `replace` is not run unattended"),
        "{block}"
    );
    assert!(block.contains("run it by hand:"), "{block}");
    assert!(
        block.contains(&format!("```sh\n{command}\n```\n")),
        "{block}"
    );

    let reinit = RunRecord {
        held_for_a_person: Some(HeldRemediation {
            remediation: Remediation::ReinitUpgrade,
            reason: "`reinit_upgrade` is not run unattended".into(),
            command: "terraform -chdir=modules/lxc-fleet init -upgrade".into(),
        }),
        ..deploy_failed()
    };
    let issue = full_incident_issue(&reinit);
    assert!(
        issue.contains("run it by hand, then deploy again:\n\n```sh\nterraform -chdir=modules/lxc-fleet init -upgrade\n```"),
        "{issue}"
    );
}

#[test]
fn every_comment_starts_with_its_marker_and_names_no_secret() {
    for record in [
        plan_with_replacements(),
        deploy_recovered(),
        deploy_failed(),
    ] {
        let text = render_pr_comment(&record, &options());
        assert!(text.starts_with(&pr_comment_marker(&record.project)));
        assert!(text.contains("(sensitive)") || record.outcome == Outcome::Failed);
        assert!(
            !text.contains("[REDACTED]"),
            "placeholder leaked raw: {text}"
        );
    }
}

#[test]
fn the_last_resort_cut_closes_what_it_opened_and_says_where_the_rest_is() {
    let long_log = (0..5000)
        .map(|line| format!("line {line}\n"))
        .collect::<String>();
    let text = format!(
        "<details><summary>x</summary>\n\n{}",
        code_block("text", &long_log)
    );
    let cut = cut_to_budget(&text, 2000, "the step summary");
    assert!(cut.chars().count() <= 2000);
    assert_eq!(cut.matches("```").count(), 2, "{cut}");
    assert!(cut.contains("</details>"));
    assert!(cut.ends_with("The full text is in the step summary.\n"));
}

#[test]
fn code_and_inline_code_cannot_be_closed_from_inside() {
    assert_eq!(inline_code("a`b"), "`` a`b ``");
    assert_eq!(code_block("", "x ``` y"), "````\nx ``` y\n````\n");
}

/// `text` with its inline code spans taken out: what GitHub renders as Markdown.
fn outside_code_spans(text: &str) -> String {
    let mut outside = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        outside.push_str(&rest[..open]);
        let run = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let fence = "`".repeat(run);
        let after = &rest[open + run..];
        match after.find(fence.as_str()) {
            Some(close) => rest = &after[close + run..],
            None => {
                rest = after;
            }
        }
    }
    outside.push_str(rest);
    outside
}

#[test]
fn model_prose_is_plain_text_that_links_and_notifies_no_one() {
    let hostile = "Ignöre thé ✅ wẅw: @octocat see #12, [click](https://evil.example/x) or www.evil.example \
                   <img src=x onerror=alert(1)> **bold** | col `code` and terraform@pam!agentlab";
    let plain = crate::render::plain_text(hostile);
    let rendered = outside_code_spans(&plain);
    for live in [
        "@octocat", "#12", "[click]", "https://", "www.evil", "<img", "**bold", "|", "@pam",
    ] {
        assert!(
            !rendered.contains(live),
            "`{live}` is still live in {plain}"
        );
    }
    assert!(
        !plain.contains('\u{2060}') && !plain.contains('\\'),
        "{plain}"
    );
    assert!(plain.contains("`terraform@pam!agentlab`"), "{plain}");
    let visible: String = plain.chars().filter(|c| *c != '`').collect();
    let expected: String = hostile
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| *c != '`')
        .collect();
    assert_eq!(visible, expected);
}

#[test]
fn a_model_root_cause_in_an_incident_cannot_mention_anyone() {
    let mut record = deploy_failed();
    if let Some(hypothesis) = record
        .attempts
        .last_mut()
        .and_then(|attempt| attempt.diagnosis.as_mut())
        .and_then(|diagnosis| diagnosis.hypothesis.as_mut())
    {
        hypothesis.root_cause = "cc @admin-team and see https://evil.example".to_string();
    } else {
        panic!("the example failed deploy has no hypothesis");
    }
    let issue = full_incident_issue(&record);
    assert!(
        issue.contains("cc `@admin-team` and see `https://evil.example`"),
        "{issue}"
    );
    let rendered = outside_code_spans(&issue);
    assert!(
        !rendered.contains("@admin-team") && !rendered.contains("https://evil"),
        "{issue}"
    );
}
