//! The reviewed-plan gate end to end: the real binary and terraform, the spec-checked GitHub stand-in. A pull
//! request's plan leaves a review stamp in its comment; the deploy of the merged commit applies only that plan.

use std::path::Path;

use agentlab::contracts::{Outcome, Refusal, RefusalKind, RunRecord};

use crate::github_stand_in::StandIn;
use crate::support::{
    SandboxWithGitHub, agentlab, crate_root, pull_request_event, record_on_disk, stderr_of,
};

const PROJECT: &str = "sandbox-ok";
const REVIEW_KEY: &str = "review-key-only-the-runner-holds";

struct Repository {
    workspace: tempfile::TempDir,
    stand_in: StandIn,
    env: Vec<(&'static str, String)>,
    _proxmox: crate::support::ProxmoxStandIn,
}

impl Repository {
    async fn new() -> Self {
        let SandboxWithGitHub {
            workspace,
            proxmox,
            stand_in,
            mut env,
        } = SandboxWithGitHub::start().await;
        env.push(("AGENTLAB_REVIEW_KEY", REVIEW_KEY.to_string()));
        Self {
            workspace,
            stand_in,
            env,
            _proxmox: proxmox,
        }
    }

    fn path(&self) -> &Path {
        self.workspace.path()
    }

    /// `agentlab plan` of the pull request (the webhook example's PR 2), posting its comment.
    async fn plan_the_pull_request(&self) {
        let mut env = self.env.clone();
        env.extend([
            ("GITHUB_EVENT_NAME", "pull_request".to_string()),
            (
                "GITHUB_EVENT_PATH",
                pull_request_event().display().to_string(),
            ),
        ]);
        let args = [
            "plan",
            "--project",
            PROJECT,
            "--post",
            "--output",
            "planned",
        ];
        let output = agentlab(self.path(), &args, &env).await;
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    }

    /// `agentlab deploy` of the push that merged it, with `extra` arguments; its exit code and record.
    async fn deploy_the_push(&self, extra: &[&str]) -> (Option<i32>, RunRecord, String) {
        let mut env = self.env.clone();
        env.extend([
            ("GITHUB_EVENT_NAME", "push".to_string()),
            (
                "GITHUB_EVENT_PATH",
                crate_root()
                    .join("tests/fixtures/github/push.default-branch.json")
                    .display()
                    .to_string(),
            ),
        ]);
        let mut args = vec![
            "deploy",
            "--project",
            PROJECT,
            "--post",
            "--output",
            "deployed",
        ];
        args.extend_from_slice(extra);
        let output = agentlab(self.path(), &args, &env).await;
        let record = record_on_disk(&self.path().join("deployed"), PROJECT);
        (output.status.code(), record, stderr_of(&output))
    }

    /// The resources in the project's local state, or none when nothing was applied.
    fn state_resources(&self) -> Vec<String> {
        let path = self.path().join(PROJECT).join("terraform.tfstate");
        let Ok(text) = std::fs::read_to_string(path) else {
            return Vec::new();
        };
        let state: serde_json::Value = serde_json::from_str(&text).unwrap();
        state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|resource| {
                format!(
                    "{}.{}",
                    resource["type"].as_str().unwrap(),
                    resource["name"].as_str().unwrap()
                )
            })
            .collect()
    }
}

/// What the guard refused in the run's first attempt; fails the test when it refused nothing.
fn first_refusal(record: &RunRecord) -> Refusal {
    record.attempts[0]
        .terraform
        .refusal
        .clone()
        .expect("a refusal")
}

#[tokio::test]
async fn the_reviewed_plan_is_applied_after_merge() {
    let repository = Repository::new().await;
    repository.plan_the_pull_request().await;
    let comment = repository.stand_in.comments_on(2)[0]["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        comment
            .lines()
            .nth(1)
            .is_some_and(|line| line.starts_with("<!-- agentlab:review pr=2 head=ec26c3e")),
        "the plan comment carries the review stamp under its marker:\n{comment}"
    );
    assert!(!comment.contains(REVIEW_KEY));
    let planned = record_on_disk(&repository.path().join("planned"), PROJECT);
    assert!(
        planned.context.review_stamp.is_some(),
        "the record keeps the stamp"
    );

    let (code, record, stderr) = repository.deploy_the_push(&[]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(record.outcome, Outcome::Success);
    assert!(record.attempts[0].terraform.refusal.is_none());
    assert!(
        repository
            .state_resources()
            .iter()
            .any(|resource| resource == "null_resource.container"),
        "{:?}",
        repository.state_resources()
    );
    repository.stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_resource_added_on_main_after_review_is_refused_with_the_difference() {
    let repository = Repository::new().await;
    repository.plan_the_pull_request().await;
    // Main moves on after the review: another change adds a resource to the project.
    let main_tf = repository.path().join(PROJECT).join("main.tf");
    let mut source = std::fs::read_to_string(&main_tf).unwrap();
    source.push_str("\nresource \"null_resource\" \"added_after_review\" {\n  triggers = { why = \"not reviewed\" }\n}\n");
    std::fs::write(&main_tf, source).unwrap();

    let (code, record, stderr) = repository.deploy_the_push(&[]).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(record.outcome, Outcome::Failed);
    assert!(
        record
            .failure_reason
            .as_deref()
            .is_some_and(|reason| reason.starts_with("plan changed since review")),
        "{:?}",
        record.failure_reason
    );
    let refusal = first_refusal(&record);
    assert_eq!(refusal.kind, RefusalKind::PlanChangedSinceReview);
    assert!(
        refusal.details.iter().any(|line| line.contains("null_resource.added_after_review create: added to the plan")),
        "{:?}",
        refusal.details
    );
    assert_eq!(record.attempts.len(), 1, "no retry");
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0), "no LLM call");
    assert!(
        repository.state_resources().is_empty(),
        "nothing was applied"
    );
    assert!(
        repository
            .stand_in
            .issues_labelled("agentlab-incident")
            .is_empty(),
        "nothing broke: no incident"
    );
    let timeline = repository
        .stand_in
        .comments_on(2)
        .into_iter()
        .filter_map(|comment| comment["body"].as_str().map(str::to_string))
        .find(|body| body.starts_with("<!-- agentlab:deploy project=sandbox-ok"))
        .expect("the pull request's timeline says what differs");
    assert!(
        timeline.contains("The plan changed since review"),
        "{timeline}"
    );
    assert!(
        timeline.contains("null_resource.added_after_review"),
        "{timeline}"
    );
    assert!(timeline.contains("--allow-unreviewed"), "{timeline}");
    repository.stand_in.assert_no_violations();
}

#[tokio::test]
async fn a_direct_push_is_refused_by_default_and_applied_when_allowed() {
    let repository = Repository::new().await;
    repository.stand_in.state.lock().unwrap().direct_pushes = true;

    let (code, record, stderr) = repository.deploy_the_push(&[]).await;
    assert_eq!(code, Some(1), "{stderr}");
    let refusal = first_refusal(&record);
    assert_eq!(refusal.kind, RefusalKind::Unreviewed);
    assert!(
        refusal.reason.contains("pushed without a pull request"),
        "{}",
        refusal.reason
    );
    assert!(
        refusal
            .details
            .iter()
            .any(|line| line.starts_with("null_resource.container[0] create")),
        "the refusal shows the plan that was not applied: {:?}",
        refusal.details
    );
    assert!(repository.state_resources().is_empty());

    let (code, record, stderr) = repository.deploy_the_push(&["--allow-unreviewed"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(record.outcome, Outcome::Success);
    assert!(!repository.state_resources().is_empty());
}

#[tokio::test]
async fn a_deploy_from_a_terminal_applies_and_says_no_review_was_checked() {
    let repository = Repository::new().await;
    let env: Vec<(&str, String)> = repository
        .env
        .iter()
        .filter(|(name, _)| !name.starts_with("GITHUB_"))
        .cloned()
        .collect();
    let args = [
        "deploy",
        "--project",
        PROJECT,
        "--no-post",
        "--output",
        "by-hand",
    ];
    let output = agentlab(repository.path(), &args, &env).await;
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("no review was checked"), "{stderr}");
}
