//! The driver under a remediation policy: a proposal held for a person ends the run with the command to run it by
//! hand, and an allowed `replace` lasts one attempt. The scripted agents are those of `run_tests.rs`.

use std::time::Duration;

use super::tests::{Script, llm_answer, lock_failure, passing_validation, project_run};
use super::*;
use crate::contracts::{Category, HeldRemediation, Remediation};
use crate::planner::policy::{RemediationKind, RemediationPolicy};
use crate::planner::test_fixtures::applied;

#[tokio::test(start_paused = true)]
async fn retry_after_waits_then_runs_again_and_an_allowed_replace_lasts_one_attempt() {
    let script = Script::new(
        vec![Ok(lock_failure()), Ok(lock_failure()), Ok(applied())],
        vec![passing_validation()],
        vec![
            llm_answer(
                Category::TransientLock,
                Remediation::RetryAfter { seconds: 120 },
                "the node is busy",
            ),
            llm_answer(
                Category::ResourceConflict,
                Remediation::Replace {
                    address: "null_resource.guest[1]".into(),
                },
                "guest 902 is half created",
            ),
        ],
    );
    let started = tokio::time::Instant::now();
    let run = ProjectRun {
        policy: RemediationPolicy::allowing(
            RemediationKind::SAFE
                .into_iter()
                .chain([RemediationKind::Replace]),
        ),
        ..project_run(3)
    };
    let record = script.run_with(run).await;
    assert_eq!(record.outcome, Outcome::Success);
    assert_eq!(record.held_for_a_person, None);
    assert!(
        started.elapsed() >= Duration::from_secs(120),
        "the driver waited as asked"
    );
    let requests = script.terraform.requests();
    assert!(requests[1].replace.is_empty());
    assert_eq!(
        requests[2].replace,
        vec!["null_resource.guest[1]".to_string()]
    );
}

/// By default a `replace` needs a person: the run ends FAILED with the hypothesis, Terraform never gets
/// `-replace`, and the record holds the proposal with the command that does it by hand.
#[tokio::test]
async fn a_replace_is_held_for_a_person_by_default_with_the_command_to_run_it() {
    let script = Script::new(
        vec![Ok(lock_failure())],
        vec![],
        vec![llm_answer(
            Category::ResourceConflict,
            Remediation::Replace {
                address: "null_resource.guest[1]".into(),
            },
            "guest 902 is half created",
        )],
    );
    let record = script.run(3).await;
    assert_eq!(record.outcome, Outcome::Failed);
    assert_eq!(
        record.failure_reason.as_deref(),
        Some(
            "a person must decide on `replace`: `replace` is not run unattended ([policy] unattended does not list it)"
        )
    );
    assert!(
        record.final_hypothesis().is_some(),
        "the hypothesis is kept"
    );
    let requests = script.terraform.requests();
    assert_eq!(requests.len(), 1, "no retry ran");
    assert!(requests.iter().all(|request| request.replace.is_empty()));
    assert_eq!(
        record.held_for_a_person,
        Some(HeldRemediation {
            remediation: Remediation::Replace {
                address: "null_resource.guest[1]".into()
            },
            reason: "`replace` is not run unattended ([policy] unattended does not list it)".into(),
            command:
                "terraform -chdir=tests/fixtures/sandbox-ok apply '-replace=null_resource.guest[1]'"
                    .into(),
        })
    );
}
