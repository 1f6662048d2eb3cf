//! A check's posts, decided from its record and agentlab's open drift and health issues: open when none is open,
//! update in place (keeping since when, a comment only when what is wrong changed), close when fine, nothing for
//! a project that is fine or a check that could not run, another project's issue never touched.

use std::path::PathBuf;

use super::*;
use crate::contracts::{CheckFindings, RunMode};
use crate::redact::Redactor;
use crate::render::check::problem_state_line;
use crate::report::{Post, outbox};
use crate::stand_in::records::{plan_with_replacements, plan_without_changes};

fn check_record(drifted: bool, unhealthy: bool, run_id: &str) -> RunRecord {
    let mut record = if drifted {
        plan_with_replacements()
    } else {
        plan_without_changes()
    };
    record.mode = RunMode::Check;
    record.run_id = run_id.to_string();
    let drifted_resources = if drifted {
        vec!["proxmox_virtual_environment_container.web[0] (delete_create)".to_string()]
    } else {
        Vec::new()
    };
    let failed_checks = if unhealthy {
        vec!["guest-status".to_string()]
    } else {
        Vec::new()
    };
    record.check = Some(CheckFindings {
        verdict: match (drifted, unhealthy) {
            (_, true) => CheckVerdict::Unhealthy,
            (true, false) => CheckVerdict::Drifted,
            (false, false) => CheckVerdict::InSync,
        },
        checked_at_unix: 1_796_134_020,
        drifted_resources,
        unhealthy_guests: if unhealthy {
            vec!["lxc/101 (web-1) on pmx-01".to_string()]
        } else {
            Vec::new()
        },
        failed_checks,
        error: None,
    });
    record
}

fn posts(record: &RunRecord, open: Vec<OpenProblemIssue>) -> Vec<ProblemIssuePost> {
    let settings = OutboxSettings {
        open_problem_issues: open,
        ..OutboxSettings::new("the record".into(), PathBuf::from("out"), false)
    };
    outbox(std::slice::from_ref(record), &settings, &Redactor::new())
        .posts
        .into_iter()
        .map(|post| match post {
            Post::Problem(problem) => problem,
            other => panic!("a check posts only its issues, not {other:?}"),
        })
        .collect()
}

fn open_issue(
    number: u64,
    kind: ProblemKind,
    project: &str,
    since: u64,
    digest: &str,
) -> OpenProblemIssue {
    OpenProblemIssue {
        number,
        body: format!(
            "{}\n{}\n### old text",
            problem_issue_marker(kind, project),
            problem_state_line(since, digest)
        ),
    }
}

#[test]
fn a_new_problem_opens_one_issue_per_kind_and_a_fine_project_posts_nothing() {
    let record = check_record(true, true, "check-1");
    let opened = posts(&record, Vec::new());
    let kinds: Vec<&str> = opened.iter().map(ProblemIssuePost::preview_kind).collect();
    assert_eq!(kinds, ["drift-issue", "health-issue"]);
    for post in &opened {
        let ProblemAction::Open { title, bodies } = &post.action else {
            panic!("{post:?}")
        };
        assert!(bodies[0].starts_with(&post.marker), "{}", bodies[0]);
        assert!(bodies[0].contains("since=1796134020"), "{}", bodies[0]);
        assert!(title.contains("lxc-fleet"), "{title}");
        assert_eq!(post.label, post.kind.label());
    }
    assert!(posts(&check_record(false, false, "check-1"), Vec::new()).is_empty());
}

#[test]
fn an_open_issue_is_updated_in_place_and_commented_only_when_what_is_wrong_changed() {
    let record = check_record(true, false, "check-2");
    let digest = problem_digest(ProblemKind::Drift, &record);
    let same = posts(
        &record,
        vec![open_issue(7, ProblemKind::Drift, "lxc-fleet", 100, &digest)],
    );
    assert_eq!(same.len(), 1);
    let ProblemAction::Update {
        issue,
        bodies,
        change_comment,
        ..
    } = &same[0].action
    else {
        panic!("{:?}", same[0])
    };
    assert_eq!(*issue, 7);
    assert!(change_comment.is_none(), "nothing changed: no comment");
    assert!(
        bodies[0].contains("since=100 ") && bodies[0].contains("1970-01-01 00:01 UTC"),
        "{}",
        bodies[0]
    );

    let changed = posts(
        &record,
        vec![open_issue(7, ProblemKind::Drift, "lxc-fleet", 100, "0000")],
    );
    let ProblemAction::Update { change_comment, .. } = &changed[0].action else {
        panic!("{:?}", changed[0])
    };
    let comment = change_comment.as_ref().expect("what is wrong changed");
    assert!(comment.body.starts_with(&comment.marker) && comment.marker.contains("check-2"));
    assert!(comment.body.contains("web[0]"), "{}", comment.body);
}

#[test]
fn a_fine_project_closes_its_open_issues_and_leaves_other_projects_alone() {
    let record = check_record(false, false, "check-3");
    let open = vec![
        open_issue(7, ProblemKind::Drift, "lxc-fleet", 100, "a"),
        open_issue(8, ProblemKind::Health, "lxc-fleet", 100, "b"),
        open_issue(9, ProblemKind::Drift, "lxc-fleet-2", 100, "c"),
    ];
    let closing = posts(&record, open);
    let closed: Vec<(u64, &str)> = closing
        .iter()
        .map(|post| match &post.action {
            ProblemAction::Close { issue, comment } => (*issue, comment.body.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(closed.len(), 2, "{closed:?}");
    assert_eq!(closed[0].0, 7);
    assert!(closed[0].1.contains("back in sync") && closed[0].1.contains("Closing."));
    assert_eq!(closed[1].0, 8);
    assert!(closed[1].1.contains("healthy again"));
}

#[test]
fn a_check_that_could_not_run_leaves_every_issue_as_it_is() {
    let mut record = check_record(false, false, "check-4");
    if let Some(findings) = record.check.as_mut() {
        findings.verdict = CheckVerdict::Error;
        findings.error = Some("terraform init: backend unreachable".into());
    }
    let open = vec![open_issue(7, ProblemKind::Drift, "lxc-fleet", 100, "a")];
    assert!(posts(&record, open).is_empty());
}

#[test]
fn the_texts_of_a_check_are_redacted_once_at_the_exit() {
    let mut record = check_record(true, true, "check-5");
    if let Some(findings) = record.check.as_mut() {
        findings.unhealthy_guests = vec!["lxc/101 (secret-canary-991) on pmx-01".into()];
    }
    let mut redactor = Redactor::new();
    redactor.add_secret("secret-canary-991");
    let settings = OutboxSettings::new("the record".into(), PathBuf::from("out"), false);
    let sealed = outbox(std::slice::from_ref(&record), &settings, &redactor);
    let mut texts: Vec<String> = sealed.terminal_lines.clone();
    texts.push(sealed.step_summary.clone());
    for post in &sealed.posts {
        if let Post::Problem(problem) = post {
            texts.push(problem.first_text().to_string());
            if let ProblemAction::Open { title, .. } = &problem.action {
                texts.push(title.clone());
            }
        }
    }
    assert!(
        texts.iter().any(|text| text.contains("[REDACTED]")),
        "{texts:#?}"
    );
    assert!(texts.iter().all(|text| !text.contains("secret-canary-991")));
}
