//! The Terraform agent against the real terraform 1.0.3 and the sandbox projects in tests/fixtures/: plan counts,
//! apply and state, failing applies with the provider's real error text, a backend that fails `init`, cancellation
//! that lets Terraform release its state lock, and a binary that prints malformed JSON.

use std::path::{Path, PathBuf};

use agentlab::contracts::{
    ChangeAction, RunMode, Severity, TerraformPhase, TerraformRequest, TerraformResult,
};
use agentlab::planner::agents::AgentError;
use agentlab::redact::{Redactor, SharedRedactor};
use agentlab::terraform::ui::UiEventKind;
use agentlab::terraform::{Cancellation, TerraformRunner};

use crate::support::{
    fake_terraform, fixtures_dir, runner, runner_with_redactor, sandbox_copy, terraform_errors,
    terraform_request,
};

async fn run(request: &TerraformRequest) -> TerraformResult {
    runner(Cancellation::new())
        .run_request(request)
        .await
        .expect("terraform runs")
}

#[tokio::test]
async fn plan_counts_the_sandbox_changes_and_knows_its_outputs() {
    let sandbox = sandbox_copy("sandbox-ok");
    let result = run(&terraform_request(sandbox.path(), RunMode::Plan)).await;
    assert!(result.ok, "{}", terraform_errors(&result));
    assert_eq!(result.phase, TerraformPhase::Plan);
    assert_eq!(result.exit_code, Some(2), "-detailed-exitcode: changes");
    assert_eq!(
        (
            result.changes.add,
            result.changes.change,
            result.changes.destroy
        ),
        (4, 0, 0)
    );
    assert!(
        result
            .resource_changes
            .iter()
            .all(|change| change.action == ChangeAction::Create)
    );
    assert_eq!(result.resource_addresses.len(), 4);
    assert_eq!(result.outputs["guests"][2]["vmid"], 202);
    assert!(
        result
            .log_tail
            .iter()
            .any(|line| line.contains("Plan: 4 to add"))
    );
    assert!(
        !sandbox.path().join("terraform.tfstate").exists(),
        "a plan writes no state"
    );
}

#[tokio::test]
async fn apply_reads_the_state_and_a_second_plan_has_no_changes() {
    let sandbox = sandbox_copy("sandbox-ok");
    let applied = run(&terraform_request(sandbox.path(), RunMode::Deploy)).await;
    assert!(applied.ok, "{}", terraform_errors(&applied));
    assert_eq!(
        (applied.phase, applied.exit_code),
        (TerraformPhase::Apply, Some(0))
    );
    assert_eq!(
        applied.resource_addresses,
        [
            "null_resource.container[0]",
            "null_resource.container[1]",
            "null_resource.container[2]",
            "null_resource.dns_record"
        ]
    );
    let guests = applied.outputs["guests"].as_array().expect("guests list");
    assert_eq!(guests.len(), 3);
    assert_eq!(guests[0]["name"], "sandbox-0");
    assert_eq!(guests[0]["kind"], "lxc");

    let replan = run(&terraform_request(sandbox.path(), RunMode::Plan)).await;
    assert!(replan.ok, "{}", terraform_errors(&replan));
    assert_eq!(replan.exit_code, Some(0), "-detailed-exitcode: no changes");
    assert_eq!(replan.changes, Default::default());
    assert!(replan.resource_changes.is_empty());

    let mut replace = terraform_request(sandbox.path(), RunMode::Plan);
    replace.replace = vec!["null_resource.container[0]".to_owned()];
    replace.reinit_upgrade = true;
    let replaced = run(&replace).await;
    assert!(replaced.ok, "{}", terraform_errors(&replaced));
    assert_eq!(replaced.changes.replace, 1);
    assert_eq!(
        replaced.resource_changes[0].action,
        ChangeAction::DeleteCreate
    );
    assert_eq!(
        replaced.resource_changes[0].reason.as_deref(),
        Some("replace_by_request")
    );
}

/// Runs `mode` on a fresh copy of the sandbox `project`, which must fail in `phase` with exit code 1 and not as
/// cancelled; returns the result and the copy.
async fn run_failing(
    project: &str,
    mode: RunMode,
    phase: TerraformPhase,
) -> (TerraformResult, tempfile::TempDir) {
    let sandbox = sandbox_copy(project);
    let result = run(&terraform_request(sandbox.path(), mode)).await;
    assert!(!result.ok, "{project} must fail");
    assert_eq!(
        (result.phase, result.exit_code, result.cancelled),
        (phase, Some(1), false),
        "{project}: {}",
        terraform_errors(&result)
    );
    (result, sandbox)
}

#[tokio::test]
async fn a_vmid_conflict_fails_the_apply_with_the_real_error_text() {
    let (result, _sandbox) = run_failing(
        "fault-vmid-conflict",
        RunMode::Deploy,
        TerraformPhase::Apply,
    )
    .await;
    let error = result.errors().next().expect("an error diagnostic");
    assert_eq!(error.severity, Severity::Error);
    assert_eq!(error.summary, "local-exec provisioner error");
    assert_eq!(error.address.as_deref(), Some("null_resource.container[1]"));
    assert!(
        error
            .detail
            .contains("unable to create CT 901 - CT 901 already exists on node 'pmx-01'"),
        "{}",
        error.detail
    );
    assert_eq!(result.changes.add, 3, "the plan's counts are kept");
}

#[tokio::test]
async fn the_permission_fault_carries_telmates_vm_monitor_text() {
    let (result, _sandbox) =
        run_failing("fault-permission", RunMode::Deploy, TerraformPhase::Apply).await;
    assert!(
        terraform_errors(&result).contains(
            "permissions for user/token terraform@pam!agentlab are not sufficient, please provide also the \
             following permissions that are missing: [VM.Monitor]"
        ),
        "{}",
        terraform_errors(&result)
    );
}

#[tokio::test]
async fn parallel_creates_collide_on_the_node_lock_and_parallelism_1_recovers() {
    // Concurrent creates collide.
    let (first, sandbox) = run_failing(
        "fault-parallel-lock",
        RunMode::Deploy,
        TerraformPhase::Apply,
    )
    .await;
    let details = terraform_errors(&first);
    assert!(
        details.contains("can't lock file '/var/lock/lxc/lock-90")
            && details.contains(".conf' - got timeout"),
        "{details}"
    );

    let mut serial = terraform_request(sandbox.path(), RunMode::Deploy);
    serial.parallelism = 1;
    serial.attempt = 2;
    let second = run(&serial).await;
    assert!(second.ok, "{}", terraform_errors(&second));
    assert_eq!(second.resource_addresses.len(), 3);
}

#[tokio::test]
async fn an_offline_s3_backend_fails_init_with_the_sdk_error() {
    let (result, _sandbox) =
        run_failing("fault-backend-offline", RunMode::Plan, TerraformPhase::Init).await;
    let error = result.errors().next().expect("an error diagnostic");
    assert_eq!(
        error.summary,
        "Error refreshing state: RequestError: send request failed"
    );
    assert!(
        error
            .detail
            .contains("dial tcp 127.0.0.1:1: connect: connection refused"),
        "{}",
        error.detail
    );
}

/// Applies the sandbox project in `sandbox` slowly (each create takes 3 s) under `cancellation`, calls `interrupt`
/// once Terraform reports that a provisioner started (it is inside the apply, holding the state lock), and returns
/// the apply's result.
async fn slow_apply_interrupted(
    sandbox: &Path,
    cancellation: Cancellation,
    interrupt: impl FnOnce(&Cancellation),
) -> TerraformResult {
    let mut slow = terraform_request(sandbox, RunMode::Deploy);
    slow.vars
        .insert("create_seconds".to_owned(), "3".to_owned());
    let (events, mut received) = tokio::sync::mpsc::unbounded_channel();
    let runner = runner(cancellation.clone()).with_event_observer(events);
    let apply = tokio::spawn(async move { runner.run_request(&slow).await });
    while let Some(event) = received.recv().await {
        if matches!(event.kind, UiEventKind::ProvisionStart(_)) {
            interrupt(&cancellation);
            break;
        }
    }
    apply.await.expect("task").expect("terraform runs")
}

#[tokio::test]
async fn a_cancelled_apply_releases_the_state_lock() {
    let sandbox = sandbox_copy("sandbox-ok");
    // Cancel once Terraform is inside the apply, holding the state lock.
    let cancelled = slow_apply_interrupted(sandbox.path(), Cancellation::new(), |cancellation| {
        cancellation.request()
    })
    .await;
    assert!(cancelled.cancelled && !cancelled.ok);
    assert_eq!(cancelled.phase, TerraformPhase::Apply);
    assert!(
        cancelled
            .log_tail
            .iter()
            .any(|line| line.contains("interrupted (SIGINT)"))
    );

    // lock_timeout is 0s: a lock left behind would fail this plan at once.
    let replan = run(&terraform_request(sandbox.path(), RunMode::Plan)).await;
    assert!(replan.ok, "{}", terraform_errors(&replan));
    assert!(!sandbox.path().join(".terraform.tfstate.lock.info").exists());
    // Terraform stopped before the DNS record, which waits for the containers: the apply really was interrupted.
    assert_eq!(replan.exit_code, Some(2));
    assert!(
        replan
            .resource_changes
            .iter()
            .any(|change| change.address == "null_resource.dns_record")
    );
}

/// A stand-in binary that passes `init` and then prints a version line and a truncated event, as a Terraform
/// killed mid-write would.
fn truncating_terraform(dir: &Path) -> PathBuf {
    fake_terraform(
        dir,
        "terraform-truncating",
        "#!/bin/sh\ncase \"$1\" in\n  init) echo 'Terraform has been successfully initialized!'; exit 0 ;;\n  \
         plan) echo '{\"@level\":\"info\",\"@message\":\"Terraform 1.0.3\",\"@module\":\"terraform.ui\",\"terraform\":\"1.0.3\",\"type\":\"version\",\"ui\":\"0.1.0\"}'\n        \
         printf '%s\\n' '{\"@level\":\"info\",\"@message\":\"null_resource.a: Plan to create\",\"@module\":\"terra'\n        \
         echo 'panic: runtime error' >&2; exit 1 ;;\nesac\nexit 3\n",
    )
}

/// A plan of the project in `dir` by the Terraform agent running `binary` instead of the installed terraform.
async fn plan_with(binary: PathBuf, dir: &Path) -> Result<TerraformResult, AgentError> {
    TerraformRunner::new(
        binary,
        SharedRedactor::new(Redactor::new()),
        Cancellation::new(),
    )
    .run_request(&terraform_request(dir, RunMode::Plan))
    .await
}

#[tokio::test]
async fn a_truncated_json_line_is_a_clear_error_naming_the_line() {
    let work = tempfile::tempdir().expect("temp dir");
    let result = plan_with(truncating_terraform(work.path()), work.path())
        .await
        .expect("runs");
    assert!(!result.ok);
    assert_eq!(
        (result.phase, result.exit_code),
        (TerraformPhase::Plan, Some(1))
    );
    let unreadable = result
        .errors()
        .find(|diagnostic| diagnostic.summary.contains("could not read a line"))
        .expect("a diagnostic about the bad line");
    assert!(
        unreadable
            .detail
            .starts_with("line 2 of Terraform's JSON output is not valid JSON"),
        "{}",
        unreadable.detail
    );
    assert!(
        terraform_errors(&result).contains("panic: runtime error"),
        "stderr is kept"
    );
}

#[tokio::test]
async fn a_missing_binary_is_an_agent_fault_that_says_what_to_do() {
    let work = tempfile::tempdir().expect("temp dir");
    let error = plan_with(work.path().join("no-terraform-here"), work.path())
        .await
        .expect_err("cannot run");
    assert!(
        error.message.contains("scripts/install-terraform"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn secret_variables_never_reach_the_result() {
    let sandbox = sandbox_copy("sandbox-ok");
    let mut with_secret = terraform_request(sandbox.path(), RunMode::Plan);
    // The node name is a variable that ends up in triggers and outputs: pretend it is a secret.
    with_secret
        .vars
        .insert("node".to_owned(), "node-secret-4711".to_owned());
    let result = run(&with_secret).await;
    assert!(result.ok, "{}", terraform_errors(&result));
    let serialized = serde_json::to_string(&result).expect("serializes");
    assert!(!serialized.contains("node-secret-4711"), "{serialized}");
    assert!(serialized.contains(agentlab::redact::PLACEHOLDER));
}

#[tokio::test]
async fn a_sigterm_to_agentlab_is_forwarded_to_terraform() {
    let sandbox = sandbox_copy("sandbox-ok");
    let cancellation = Cancellation::new();
    cancellation
        .forward_process_signals()
        .expect("signal handlers");
    let result = slow_apply_interrupted(sandbox.path(), cancellation.clone(), |_| {
        // SAFETY: signals this test process, whose SIGTERM handler was installed above.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGTERM);
        }
    })
    .await;
    assert_eq!(cancellation.requests(), 1);
    assert!(result.cancelled && !result.ok);
    assert!(
        result
            .errors()
            .any(|diagnostic| diagnostic.summary == "execution halted"),
        "terraform itself reports the interrupt: {:?}",
        result.diagnostics
    );
}

#[tokio::test]
async fn sensitive_values_are_learned_from_the_plan_and_hidden_everywhere() {
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        fixtures_dir().join("terraform-json/sources/sensitive.tf"),
        work.path().join("main.tf"),
    )
    .expect("copy");
    let redactor = SharedRedactor::new(Redactor::new());
    let runner = runner_with_redactor(redactor.clone(), Cancellation::new());
    let result = runner
        .run_request(&terraform_request(work.path(), RunMode::Deploy))
        .await
        .expect("terraform runs");
    assert!(result.ok, "{}", terraform_errors(&result));
    let serialized = serde_json::to_string(&result).expect("serializes");
    assert!(!serialized.contains("SECRET-TOKEN-VALUE"), "{serialized}");
    assert_eq!(result.outputs["name"], "visible-name");
    assert_eq!(
        redactor.redact("a provider said SECRET-TOKEN-VALUE"),
        format!("a provider said {}", agentlab::redact::PLACEHOLDER),
        "the shared redactor learned the value Terraform marked sensitive"
    );
}
