//! The order of `show -json PLANFILE` and `apply` in a deploy, against the real terraform 1.0.3 behind a shell
//! wrapper that logs when each command starts and ends. With no guard that reads the plan first, the plan is read
//! beside `apply` and none of the apply's progress reaches the event observer before the plan (and its secrets)
//! has been read; a guard that needs the plan still has it before `apply` starts; a plan that could not be read
//! beside `apply` is read again after it, and when it never can be, the deploy stands with a warning and the
//! state's facts.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use agentlab::contracts::{
    ApplyGuard, ChangeAction, FactsSource, RunMode, Severity, TerraformRequest, TerraformResult,
};
use agentlab::redact::SharedRedactor;
use agentlab::terraform::ui::{UiEvent, UiEventKind};
use agentlab::terraform::{Cancellation, TerraformRunner};

use crate::support::{
    fake_terraform, installed_terraform, sandbox_copy, terraform_cli_config, terraform_errors,
    terraform_request,
};

/// How `show PLANFILE` behaves in the wrapper.
#[derive(Clone, Copy)]
enum ShowOfThePlan {
    /// Sleeps this many seconds, then runs.
    Slow(u32),
    /// Fails its first run with an error on stderr, then runs.
    FailsOnce,
    /// Always fails.
    AlwaysFails,
}

/// A terraform that logs `start|end COMMAND NANOSECONDS` around each run of the installed one, `show PLANFILE`
/// (four arguments) behaving as `show` says.
fn logging_terraform(dir: &Path, log: &Path, show: ShowOfThePlan) -> PathBuf {
    let marker = dir.join("show-failed-once");
    let show_of_the_plan = match show {
        ShowOfThePlan::Slow(seconds) => format!("sleep {seconds}"),
        ShowOfThePlan::FailsOnce => format!(
            "if [ ! -e '{marker}' ]; then touch '{marker}'; echo 'Error: Failed to load state: unexpected EOF' >&2; \
             echo \"end $1 $(date +%s%N)\" >> '{log}'; exit 1; fi",
            marker = marker.display(),
            log = log.display()
        ),
        ShowOfThePlan::AlwaysFails => format!(
            "echo 'Error: Failed to load state: unexpected EOF' >&2; echo \"end $1 $(date +%s%N)\" >> '{}'; exit 1",
            log.display()
        ),
    };
    fake_terraform(
        dir,
        "logging-terraform",
        &format!(
            "#!/bin/sh\necho \"start $1 $(date +%s%N)\" >> '{log}'\n\
             if [ \"$1\" = show ] && [ $# -eq 4 ]; then {show_of_the_plan}; fi\n\
             '{terraform}' \"$@\"\ncode=$?\necho \"end $1 $(date +%s%N)\" >> '{log}'\nexit $code\n",
            log = log.display(),
            terraform = installed_terraform().display()
        ),
    )
}

/// The logged `(start|end, command, nanoseconds)` lines, in order.
fn logged(log: &Path) -> Vec<(String, String, u128)> {
    std::fs::read_to_string(log)
        .expect("the wrapper's log")
        .lines()
        .map(|line| {
            let parts: Vec<&str> = line.split(' ').collect();
            (
                parts[0].to_owned(),
                parts[1].to_owned(),
                parts[2].parse().expect("nanoseconds"),
            )
        })
        .collect()
}

/// When the `nth` (from 0) logged `what` (`start`/`end`) of `command` happened.
fn when(log: &[(String, String, u128)], what: &str, command: &str, nth: usize) -> u128 {
    log.iter()
        .filter(|(edge, name, _)| edge == what && name == command)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {what} #{nth} of {command} in {log:?}"))
        .2
}

fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos()
}

/// Runs `request` through `binary`, each UI event stamped with when the observer received it.
async fn run_observed(
    binary: PathBuf,
    request: &TerraformRequest,
) -> (TerraformResult, Vec<(u128, UiEvent)>) {
    let (events, mut received) = tokio::sync::mpsc::unbounded_channel();
    let observer = tokio::spawn(async move {
        let mut stamped = Vec::new();
        while let Some(event) = received.recv().await {
            stamped.push((now_nanos(), event));
        }
        stamped
    });
    let runner = TerraformRunner::new(binary, SharedRedactor::default(), Cancellation::new())
        .with_environment(
            "TF_CLI_CONFIG_FILE",
            terraform_cli_config().display().to_string(),
        )
        .with_event_observer(events);
    let result = runner.run_request(request).await.expect("terraform runs");
    drop(runner);
    (result, observer.await.expect("the observer"))
}

/// What every deploy of the sandbox here must have kept of its plan: four creates, planned and confirmed.
fn assert_the_plan_was_kept(result: &TerraformResult) {
    assert!(result.ok, "{}", terraform_errors(result));
    assert_eq!(result.changes.add, 4);
    assert_eq!(result.resource_changes.len(), 4);
    assert!(
        result
            .resource_changes
            .iter()
            .all(|change| change.action == ChangeAction::Create)
    );
    assert!(result.plan_identity.is_some());
    assert_eq!(result.facts_source, Some(FactsSource::PlanAndApplyStream));
    assert_eq!(result.resource_addresses.len(), 4);
    assert_eq!(result.outputs["guests"][2]["vmid"], 202);
}

#[tokio::test]
async fn without_a_gate_the_plan_is_read_beside_apply_and_its_progress_waits_for_the_plan() {
    let sandbox = sandbox_copy("sandbox-ok");
    let log = sandbox.path().join("terraform.log");
    let binary = logging_terraform(sandbox.path(), &log, ShowOfThePlan::Slow(2));
    let request = terraform_request(sandbox.path(), RunMode::Deploy);
    let (result, events) = run_observed(binary, &request).await;
    assert_the_plan_was_kept(&result);

    let log = logged(&log);
    let show_ended = when(&log, "end", "show", 0);
    assert!(
        when(&log, "start", "apply", 0) < show_ended,
        "apply starts while the plan is read: {log:?}"
    );
    assert!(when(&log, "end", "plan", 0) < when(&log, "start", "show", 0));
    let apply_events: Vec<&(u128, UiEvent)> = events
        .iter()
        .filter(|(_, event)| {
            matches!(
                event.kind,
                UiEventKind::ApplyStart(_) | UiEventKind::ApplyComplete(_)
            )
        })
        .collect();
    assert_eq!(apply_events.len(), 8, "every create started and completed");
    assert!(
        apply_events.iter().all(|(at, _)| *at > show_ended),
        "no event of the apply reaches the observer before the plan's secrets are known"
    );
    assert!(
        events
            .iter()
            .any(|(at, event)| *at < show_ended
                && matches!(event.kind, UiEventKind::PlannedChange(_))),
        "the plan's own events are not held"
    );
}

#[tokio::test]
async fn a_guard_that_needs_the_plan_has_read_it_before_apply_starts() {
    let sandbox = sandbox_copy("sandbox-ok");
    let log = sandbox.path().join("terraform.log");
    let binary = logging_terraform(sandbox.path(), &log, ShowOfThePlan::Slow(1));
    // A retry's destroy guard with an empty list: this plan only creates, so it passes, after being read.
    let request = TerraformRequest {
        guard: ApplyGuard {
            may_destroy: Some(Vec::new()),
            ..ApplyGuard::default()
        },
        ..terraform_request(sandbox.path(), RunMode::Deploy)
    };
    let (result, _) = run_observed(binary, &request).await;
    assert_the_plan_was_kept(&result);
    let log = logged(&log);
    assert!(
        when(&log, "end", "show", 0) < when(&log, "start", "apply", 0),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_plan_that_could_not_be_read_beside_apply_is_read_again_after_it() {
    let sandbox = sandbox_copy("sandbox-ok");
    let log = sandbox.path().join("terraform.log");
    let binary = logging_terraform(sandbox.path(), &log, ShowOfThePlan::FailsOnce);
    let request = terraform_request(sandbox.path(), RunMode::Deploy);
    let (result, _) = run_observed(binary, &request).await;
    assert_the_plan_was_kept(&result);
    assert!(
        result
            .diagnostics
            .iter()
            .all(|diagnostic| !diagnostic.summary.contains("could not read")),
        "{:?}",
        result.diagnostics
    );
    let log = logged(&log);
    assert!(
        when(&log, "end", "apply", 0) < when(&log, "start", "show", 1),
        "read again once apply ended: {log:?}"
    );
}

#[tokio::test]
async fn a_plan_never_read_leaves_the_deploy_standing_with_a_warning_and_the_states_facts() {
    let sandbox = sandbox_copy("sandbox-ok");
    let log = sandbox.path().join("terraform.log");
    let binary = logging_terraform(sandbox.path(), &log, ShowOfThePlan::AlwaysFails);
    let request = terraform_request(sandbox.path(), RunMode::Deploy);
    let (result, _) = run_observed(binary, &request).await;
    assert!(result.ok, "the apply happened: {:?}", result.diagnostics);
    assert!(
        result
            .diagnostics
            .iter()
            .all(|diagnostic| diagnostic.severity == Severity::Warning),
        "{:?}",
        result.diagnostics
    );
    assert!(
        result
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.summary
                == "The plan was applied, but agentlab could not read it"),
        "{:?}",
        result.diagnostics
    );
    assert!(
        matches!(&result.facts_source, Some(FactsSource::State { reason }) if reason.contains("could not be read")),
        "{:?}",
        result.facts_source
    );
    assert_eq!(
        result.resource_addresses,
        [
            "null_resource.container[0]",
            "null_resource.container[1]",
            "null_resource.container[2]",
            "null_resource.dns_record"
        ]
    );
    assert!(result.resource_changes.is_empty());
}
