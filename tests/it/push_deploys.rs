//! `agentlab deploy` with no `--project` on a push to the default branch deploys only what the push changed: the
//! files of the pull request it merged (the commits-to-pulls endpoint, then the pull request files API of the
//! spec-checked GitHub stand-in), else the files its commits list in the payload; `--all` deploys every project.
//! Each case is a real deploy (terraform 1.0.3, the Proxmox VE stand-in) of a workspace with two projects, and
//! the records say which ran.

use std::path::Path;

use agentlab::contracts::Outcome;
use serde_json::{Value, json};

use crate::github_stand_in::{OWNER_REPO, StandIn, TOKEN};
use crate::support::{
    PROXMOX_TOKEN, agentlab_in, fixtures_dir, proxmox_for, records_from_stdout, stderr_of,
    with_installed_terraform,
};

/// Two copies of the sandbox-ok project, each deployed when its own folder changes.
const TWO_PROJECTS: &str = r#"
[defaults]
max_retries = 0
[llm]
spec = "none"
[proxmox]
node = "pmx-01"

[[project]]
name = "sandbox-ok"
dir = "sandbox-ok"
when_modified = ["sandbox-ok/**"]
[project.validate]
resources = [{ pattern = '^null_resource\.container\[\d+\]$', count = 3 }]
guests_output = "guests"

[[project]]
name = "sandbox-twin"
dir = "sandbox-twin"
when_modified = ["sandbox-twin/**"]
[project.validate]
resources = [{ pattern = '^null_resource\.container\[\d+\]$', count = 3 }]
guests_output = "guests"
"#;

struct Case {
    name: &'static str,
    /// The files of pull request 2; `None`: the push merged no pull request (a direct push).
    merged_pull_request_files: Option<&'static [&'static str]>,
    /// What the push payload's one commit modified.
    pushed_files: &'static [&'static str],
    all: bool,
    deployed: &'static [&'static str],
    /// Requests for the merged pull request's files.
    files_requests: usize,
}

const CASES: [Case; 4] = [
    Case {
        name: "the merged pull request's files choose, not the push's own commit",
        merged_pull_request_files: Some(&["sandbox-twin/main.tf", "README.md"]),
        pushed_files: &["sandbox-ok/main.tf"],
        all: false,
        deployed: &["sandbox-twin"],
        files_requests: 1,
    },
    Case {
        name: "a direct push deploys what its commits list",
        merged_pull_request_files: None,
        pushed_files: &["sandbox-ok/main.tf", "docs/notes.md"],
        all: false,
        deployed: &["sandbox-ok"],
        files_requests: 0,
    },
    Case {
        name: "a push that touches no project deploys nothing",
        merged_pull_request_files: Some(&["README.md"]),
        pushed_files: &["sandbox-ok/main.tf"],
        all: false,
        deployed: &[],
        files_requests: 1,
    },
    Case {
        name: "--all deploys every project without asking what changed",
        merged_pull_request_files: Some(&["README.md"]),
        pushed_files: &["README.md"],
        all: true,
        deployed: &["sandbox-ok", "sandbox-twin"],
        files_requests: 0,
    },
];

fn two_project_workspace() -> tempfile::TempDir {
    let workspace = tempfile::tempdir().unwrap();
    for project in ["sandbox-ok", "sandbox-twin"] {
        std::fs::create_dir_all(workspace.path().join(project)).unwrap();
        std::fs::copy(
            fixtures_dir().join("sandbox-ok/main.tf"),
            workspace.path().join(project).join("main.tf"),
        )
        .unwrap();
    }
    std::fs::write(workspace.path().join("agentlab-sandbox.toml"), TWO_PROJECTS).unwrap();
    workspace
}

/// GitHub's example push to the default branch, its one commit modifying `files`.
fn push_payload(dir: &Path, files: &[&str]) -> std::path::PathBuf {
    let mut payload: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures_dir().join("github/push.default-branch.json")).unwrap(),
    )
    .unwrap();
    payload["commits"][0]["added"] = json!([]);
    payload["commits"][0]["modified"] = json!(files);
    let path = dir.join("push.json");
    std::fs::write(&path, payload.to_string()).unwrap();
    path
}

// The binary runs while the stand-ins serve on other worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_deploys_only_the_projects_it_changed_and_all_deploys_every_one() {
    for case in &CASES {
        let stand_in = StandIn::start().await;
        {
            let mut state = stand_in.state.lock().unwrap();
            state.direct_pushes = case.merged_pull_request_files.is_none();
            state.pull_request_files = case
                .merged_pull_request_files
                .unwrap_or_default()
                .iter()
                .map(|file| file.to_string())
                .collect();
        }
        let workspace = two_project_workspace();
        let proxmox = proxmox_for(workspace.path(), PROXMOX_TOKEN, 200..203, "sandbox").await;
        let event = push_payload(workspace.path(), case.pushed_files);
        let mut command = agentlab_in(workspace.path());
        with_installed_terraform(&mut command)
            // Which projects a push deploys is the point here, not the review of their plans (tests/it/review_gate.rs).
            .args([
                "deploy",
                "--no-post",
                "--json",
                "--output",
                "out",
                "--allow-unreviewed",
            ])
            .args(case.all.then_some("--all"))
            .arg("--config")
            .arg(workspace.path().join("agentlab-sandbox.toml"))
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "push")
            .env("GITHUB_EVENT_PATH", &event)
            .env("GITHUB_API_URL", &stand_in.api_url)
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", OWNER_REPO)
            .envs(proxmox.env.iter().map(|(name, value)| (name, value)));
        let output = tokio::process::Command::from(command)
            .output()
            .await
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(0), "{}: {stderr}", case.name);
        let records = records_from_stdout(&output);
        let deployed: Vec<&str> = records
            .iter()
            .map(|record| record.project.as_str())
            .collect();
        assert_eq!(deployed, case.deployed, "{}: {stderr}", case.name);
        assert!(
            records
                .iter()
                .all(|record| record.outcome == Outcome::Success),
            "{}: {stderr}",
            case.name
        );
        for project in ["sandbox-ok", "sandbox-twin"] {
            assert_eq!(
                workspace
                    .path()
                    .join(project)
                    .join("terraform.tfstate")
                    .exists(),
                case.deployed.contains(&project),
                "{}: {project} was applied only if chosen",
                case.name
            );
        }
        let commits_asked = stand_in.count("GET", "/pulls") - stand_in.count("GET", "/files");
        assert_eq!(
            commits_asked,
            usize::from(!case.all),
            "{}: the merged pull request is looked up once, and not at all with --all",
            case.name
        );
        assert_eq!(
            stand_in.count("GET", "/pulls/2/files"),
            case.files_requests,
            "{}",
            case.name
        );
        stand_in.assert_no_violations();
    }
}
