//! The Outbox's decisions, tested by table: which texts each kind of record produces, the size budget's steps,
//! the step summary, and one redaction at the exit.

use std::path::PathBuf;

use crate::contracts::{RunMode, RunRecord};
use crate::redact::Redactor;
use crate::render::DetailLevel;
use crate::report::{
    COMMENT_BUDGET_CHARS, CommentKind, CommentTarget, OutboxSettings, Post, needs_incident, outbox,
};
use crate::stand_in::records::{
    deploy_failed, deploy_recovered, plan_with_many_resources, plan_with_replacements,
    plan_without_changes,
};

fn settings() -> OutboxSettings {
    OutboxSettings::new(
        "the run's step summary and its run record".to_string(),
        PathBuf::from("out/run-1"),
        false,
    )
}

fn first_body(record: &RunRecord) -> String {
    match &outbox(std::slice::from_ref(record), &settings(), &Redactor::new()).posts[0] {
        Post::Comment(comment) => comment.bodies[0].clone(),
        Post::Incident(_) | Post::Recovery(_) | Post::Problem(_) => {
            panic!("the first post of a record is its comment")
        }
    }
}

/// What each record produces: (record, expected posts as (kind, target)).
#[test]
fn each_mode_and_outcome_produces_its_texts() {
    let failed_plan = {
        let mut record = deploy_failed();
        record.mode = RunMode::Plan;
        record.context.pull_request = Some(7);
        record
    };
    let check = |record: RunRecord, expected: &[(&str, Option<CommentTarget>)]| {
        let produced = outbox(std::slice::from_ref(&record), &settings(), &Redactor::new());
        let kinds: Vec<(&str, Option<CommentTarget>)> = produced
            .posts
            .iter()
            .map(|post| match post {
                Post::Comment(comment) => (comment.kind.as_str(), Some(comment.target.clone())),
                Post::Incident(_) => ("incident-issue", None),
                Post::Recovery(_) => ("incident-recovery", None),
                Post::Problem(problem) => (problem.preview_kind(), None),
            })
            .collect();
        assert_eq!(kinds, expected, "{} ({:?})", record.project, record.mode);
        let previews: Vec<&str> = produced
            .previews()
            .iter()
            .map(|preview| preview.kind)
            .collect();
        let expected_previews: Vec<&str> = expected.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(previews, expected_previews, "one preview per post, no more");
        assert_eq!(produced.terminal_lines.len(), 1);
    };
    check(
        plan_with_replacements(),
        &[("pr-comment", Some(plan_target(&plan_with_replacements())))],
    );
    check(
        failed_plan,
        &[("pr-comment", Some(CommentTarget::PullRequest(7)))],
    );
    check(
        deploy_recovered(),
        &[
            ("deploy-timeline", Some(deploy_target(&deploy_recovered()))),
            ("incident-recovery", None),
        ],
    );
    check(
        deploy_failed(),
        &[
            ("deploy-timeline", Some(deploy_target(&deploy_failed()))),
            ("incident-issue", None),
        ],
    );
    let mut direct_push = deploy_failed();
    direct_push.context.pull_request = None;
    let commit = direct_push
        .context
        .commit
        .clone()
        .expect("the example deploy has a commit");
    check(
        direct_push,
        &[
            (
                "deploy-timeline",
                Some(CommentTarget::MergedPullRequestOf(commit)),
            ),
            ("incident-issue", None),
        ],
    );
    assert!(!needs_incident(&plan_without_changes()));
    assert_eq!(CommentKind::DeployTimeline.as_str(), "deploy-timeline");
}

fn plan_target(record: &RunRecord) -> CommentTarget {
    record
        .context
        .pull_request
        .map_or(CommentTarget::Nowhere, CommentTarget::PullRequest)
}

fn deploy_target(record: &RunRecord) -> CommentTarget {
    match (record.context.pull_request, &record.context.commit) {
        (Some(number), _) => CommentTarget::PullRequest(number),
        (None, Some(commit)) => CommentTarget::MergedPullRequestOf(commit.clone()),
        (None, None) => CommentTarget::Nowhere,
    }
}

#[test]
fn every_text_is_redacted_once_at_the_exit() {
    let mut redactor = Redactor::new();
    redactor.add_secret("lxc-fleet-secret-value");
    let mut record = deploy_failed();
    record.failure_reason = Some("token lxc-fleet-secret-value refused".to_string());
    let mut in_actions = settings();
    in_actions.in_actions = true;
    let produced = outbox(&[record], &in_actions, &redactor);
    let mut texts = vec![produced.step_summary.clone(), produced.step_outputs.clone()];
    texts.extend(produced.workflow_commands.iter().cloned());
    texts.extend(produced.terminal_lines.iter().cloned());
    for post in &produced.posts {
        match post {
            Post::Comment(comment) => texts.extend(comment.bodies.iter().cloned()),
            Post::Incident(incident) => {
                texts.push(incident.title.clone());
                texts.extend(incident.bodies.iter().cloned());
                texts.extend(incident.recurrence_bodies.iter().cloned());
            }
            Post::Recovery(recovery) => texts.push(recovery.body.clone()),
            Post::Problem(problem) => texts.push(problem.first_text().to_string()),
        }
    }
    assert!(texts.len() > 8);
    assert!(
        texts
            .iter()
            .any(|text| text.contains("token [REDACTED] refused"))
    );
    assert!(
        texts
            .iter()
            .all(|text| !text.contains("lxc-fleet-secret-value"))
    );
    assert!(
        produced
            .workflow_commands
            .iter()
            .any(|command| command.starts_with("::error ")),
        "a failed deploy is annotated inside Actions"
    );
    assert!(
        outbox(&[deploy_failed()], &settings(), &redactor)
            .workflow_commands
            .is_empty(),
        "no workflow commands outside Actions"
    );
}

#[test]
fn every_body_of_a_ladder_keeps_the_marker_on_its_first_line() {
    let record = plan_with_many_resources(2000, 10);
    let produced = outbox(std::slice::from_ref(&record), &settings(), &Redactor::new());
    let Post::Comment(comment) = &produced.posts[0] else {
        panic!("the first post is the comment");
    };
    assert!(
        comment.bodies.last().unwrap().chars().count() <= crate::report::STUB_BUDGET_CHARS,
        "the ladder ends with the stub"
    );
    for body in &comment.bodies {
        assert!(body.starts_with(&comment.marker), "{}", &body[..80]);
        assert!(body.chars().count() <= COMMENT_BUDGET_CHARS);
    }
    assert!(
        !comment.bodies[0].contains("```diff"),
        "2,000 resources do not fit in full detail"
    );
}

/// The budget's steps: each level is used exactly when the one above it does not fit, and the comment says what
/// it left out.
#[test]
fn oversized_plans_shrink_step_by_step() {
    let check =
        |record, expect_level: DetailLevel| {
            let text = first_body(&record);
            assert!(
                text.chars().count() <= COMMENT_BUDGET_CHARS,
                "{} chars",
                text.len()
            );
            match expect_level {
                DetailLevel::Full => {
                    assert!(text.contains("```diff"));
                    assert!(!text.contains("left out"));
                }
                DetailLevel::AddressesOnly => {
                    assert!(!text.contains("```diff"));
                    assert!(text.contains("- + `null_resource.bulk[1]`"));
                    assert!(text.contains("the attribute-level changes were left out"));
                    assert!(text.contains("the run's step summary and its run record"));
                }
                DetailLevel::CountsOnly => {
                    assert!(!text.contains("null_resource.bulk[1]"));
                    assert!(text.contains("**Plan:** 1960 to add, 0 to change, 40 to destroy"));
                    assert!(text.contains("destroys or replaces 40 resources"));
                    assert!(text.contains(
                        "the list of changed resources and their attributes were left out"
                    ));
                }
            }
        };
    check(plan_with_many_resources(20, 100), DetailLevel::Full);
    check(
        plan_with_many_resources(200, 400),
        DetailLevel::AddressesOnly,
    );
    check(plan_with_many_resources(2000, 10), DetailLevel::CountsOnly);
}

#[test]
fn step_summary_holds_every_project_in_full() {
    let big = plan_with_many_resources(200, 400);
    let summary = outbox(&[big, deploy_failed()], &settings(), &Redactor::new()).step_summary;
    assert!(summary.contains("```diff"), "the summary keeps full detail");
    assert!(summary.contains("null_resource.bulk[199]"));
    assert!(summary.contains("#### Timeline"));
}

/// Paths under the repository read relative to it in every text for people; the step outputs, which a workflow
/// reads, keep them as they are. An issue's preview carries its title.
#[test]
fn paths_under_the_repository_are_relative_and_an_issue_preview_has_its_title() {
    let root = "/home/runner/work/infra/infra";
    let mut record = deploy_failed();
    for attempt in &mut record.attempts {
        attempt.terraform.diagnostics[0].detail =
            format!("Failed to read file {root}/modules/lxc-fleet/main.tf; see {root}2/other");
    }
    let settings = OutboxSettings::new(
        "the record".into(),
        PathBuf::from(format!("{root}/out")),
        true,
    )
    .with_repository_root(Some(PathBuf::from(format!("{root}/"))));
    let produced = outbox(std::slice::from_ref(&record), &settings, &Redactor::new());
    let mut texts: Vec<String> = produced
        .previews()
        .iter()
        .map(|preview| preview.file_text())
        .collect();
    texts.push(produced.step_summary.clone());
    texts.extend(produced.workflow_commands.clone());
    texts.extend(produced.terminal_lines.clone());
    for text in &texts {
        assert!(!text.contains(&format!("{root}/")), "{text}");
    }
    assert!(
        texts[0].contains("`Failed to read file modules/lxc-fleet/main.tf; see /home/runner/work/infra/infra2/other`"),
        "only paths under the root change: {}",
        texts[0]
    );
    assert!(
        produced.step_outputs.contains(&format!("{root}/out")),
        "{}",
        produced.step_outputs
    );
    let previews = produced.previews();
    let issue = previews
        .iter()
        .find(|preview| preview.kind == "incident-issue")
        .expect("an incident");
    assert!(
        issue
            .file_text()
            .starts_with("# agentlab incident: lxc-fleet — apply: error creating container"),
        "{}",
        issue.file_text()
    );
    assert!(issue.file_text().ends_with(issue.text));
}

/// The length the ladder bounds a level by without rendering it is never more than the rendered text's, for plan
/// comments and deploy timelines, so a level it skips could not have fit.
#[test]
fn the_length_bound_of_a_level_never_exceeds_its_rendered_length() {
    let options = crate::render::RenderOptions::default();
    let records = [
        plan_with_many_resources(200, 400),
        plan_with_many_resources(2000, 10),
        plan_with_replacements(),
        plan_without_changes(),
        deploy_failed(),
        deploy_recovered(),
    ];
    let mut bounded_above_zero = 0;
    for record in &records {
        for level in [
            DetailLevel::Full,
            DetailLevel::AddressesOnly,
            DetailLevel::CountsOnly,
        ] {
            let rendered = match record.mode {
                RunMode::Plan => super::render_pr_comment_at(record, "<!-- m -->", level, &options),
                _ => super::render_deploy_timeline_at(record, level, &options),
            };
            let bound = super::listed_addresses_chars(record, level);
            assert!(
                bound <= rendered.chars().count(),
                "{} at {level:?}: bound {bound}, rendered {}",
                record.project,
                rendered.chars().count()
            );
            bounded_above_zero += usize::from(bound > 0);
        }
    }
    assert!(bounded_above_zero >= 6, "the bound says something");
}

/// The step summary of texts past its limit is cut from their head alone, exactly as from the whole joined text.
#[test]
fn an_oversized_step_summary_is_the_cut_of_the_whole_text() {
    use crate::report::runner_texts::{STEP_SUMMARY_BUDGET_BYTES, step_summary};
    let line = "+ triggers.name = \"guest-ü\"\n";
    let parts = vec![
        "## first\n".repeat(10),
        line.repeat(STEP_SUMMARY_BUDGET_BYTES / line.len() / 2),
        line.repeat(STEP_SUMMARY_BUDGET_BYTES / line.len()),
        "## never read\n".to_string(),
    ];
    let whole: String = parts.iter().map(|part| format!("{part}\n")).collect();
    let expected =
        crate::render::cut_to_budget(&whole, STEP_SUMMARY_BUDGET_BYTES / 4, "the record");
    assert_eq!(step_summary(&parts, "the record"), expected);
    assert!(expected.contains("The full text is in the record."));
    let small = vec!["a\n".to_string(), "b".to_string()];
    assert_eq!(step_summary(&small, "the record"), "a\n\nb\n");
}
