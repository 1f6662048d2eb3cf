//! Event detection against real webhook payloads (npm @octokit/webhooks-examples, tests/fixtures/github), and
//! `agentlab plan --list-projects --json` picking projects from a pull request's files through the stand-in.

use std::path::{Path, PathBuf};

use agentlab::contracts::RunMode;
use agentlab::github::event::{
    ChangedFiles, EventDecision, EventRun, detect, detect_from_file, pull_request_from_fork,
    read_payload,
};
use serde_json::{Value, json};

use crate::github_stand_in::{OWNER_REPO, StandIn, TOKEN};
use crate::support::{agentlab_in, config_with_project_folders, fixtures_dir};

fn fixture_path(name: &str) -> PathBuf {
    fixtures_dir().join("github").join(name)
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture_path(name)).unwrap()).unwrap()
}

fn run_of(decision: EventDecision) -> EventRun {
    match decision {
        EventDecision::Run(run) => run,
        EventDecision::Ignore { reason } => panic!("ignored: {reason}"),
    }
}

#[test]
fn pull_requests_opened_synchronized_or_reopened_are_planned() {
    for name in [
        "pull_request.opened.json",
        "pull_request.synchronize.json",
        "pull_request.reopened.json",
    ] {
        let run = run_of(detect_from_file("pull_request", &fixture_path(name)).unwrap());
        assert_eq!(run.mode, RunMode::Plan, "{name}");
        assert_eq!(run.repository, "Codertocat/Hello-World");
        assert_eq!(run.pull_request, Some(2));
        assert_eq!(run.changed_files, ChangedFiles::PullRequest(2));
        assert!(!run.from_fork, "{name}");
    }
    let synchronize =
        run_of(detect("pull_request", &fixture("pull_request.synchronize.json")).unwrap());
    assert_eq!(
        synchronize.commit, "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
        "the head SHA"
    );
}

#[test]
fn a_closed_pull_request_is_ignored_and_a_fork_is_marked() {
    let closed = detect("pull_request", &fixture("pull_request.closed.json")).unwrap();
    assert!(matches!(closed, EventDecision::Ignore { .. }), "{closed:?}");
    let mut fork = fixture("pull_request.opened.json");
    fork["pull_request"]["head"]["repo"]["full_name"] = json!("someone/Hello-World");
    assert!(run_of(detect("pull_request", &fork).unwrap()).from_fork);
    fork["pull_request"]["head"]["repo"] = Value::Null;
    assert!(
        run_of(detect("pull_request", &fork).unwrap()).from_fork,
        "a deleted fork counts as a fork"
    );
}

#[test]
fn only_a_pull_request_event_can_be_a_fork_and_an_unreadable_one_counts_as_one() {
    let opened = fixture("pull_request.opened.json");
    assert!(!pull_request_from_fork("pull_request", Some(&opened)));
    // An unreadable payload (none, or a file that is not there) proves nothing: it counts as a fork.
    assert!(pull_request_from_fork("pull_request", None));
    let unreadable = read_payload(Path::new("/nonexistent/event.json")).ok();
    assert!(pull_request_from_fork(
        "pull_request_target",
        unreadable.as_ref()
    ));
    assert!(!pull_request_from_fork(
        "push",
        Some(&fixture("push.default-branch.json"))
    ));
    assert!(!pull_request_from_fork("workflow_dispatch", None));
}

#[test]
fn a_push_to_the_default_branch_is_deployed_with_the_files_of_its_commits() {
    let payload = fixture("push.default-branch.json");
    let run = run_of(detect("push", &payload).unwrap());
    assert_eq!(run.mode, RunMode::Deploy);
    assert_eq!(run.commit, payload["after"].as_str().unwrap());
    assert_eq!(run.pull_request, None, "found later from the commit");
    assert_eq!(
        run.changed_files,
        ChangedFiles::Pushed {
            commit: run.commit.clone(),
            listed: Some(vec!["README.md".to_string()])
        }
    );
    let tag = detect("push", &fixture("push.tag.json")).unwrap();
    assert!(matches!(tag, EventDecision::Ignore { .. }), "{tag:?}");
    let mut other_branch = payload.clone();
    other_branch["ref"] = json!("refs/heads/feature");
    assert!(matches!(
        detect("push", &other_branch).unwrap(),
        EventDecision::Ignore { .. }
    ));
}

#[test]
fn workflow_dispatch_runs_the_mode_its_inputs_name() {
    let mut payload = fixture("workflow_dispatch.json");
    let missing = detect("workflow_dispatch", &payload)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("inputs.mode"), "{missing}");
    payload["inputs"] = json!({"mode": "deploy"});
    let run = run_of(detect("workflow_dispatch", &payload).unwrap());
    assert_eq!(
        (run.mode, run.changed_files),
        (RunMode::Deploy, ChangedFiles::Unknown)
    );
    payload["inputs"] = json!({"mode": "destroy"});
    let refused = detect("workflow_dispatch", &payload)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("`destroy`"), "{refused}");
    let unsupported = detect("issues", &payload).unwrap_err().to_string();
    assert!(unsupported.contains("issues"), "{unsupported}");
}

#[test]
fn a_payload_missing_what_agentlab_needs_is_a_clear_error() {
    let mut payload = fixture("pull_request.opened.json");
    payload["pull_request"]["head"]
        .as_object_mut()
        .unwrap()
        .remove("sha");
    let error = detect("pull_request", &payload).unwrap_err().to_string();
    assert!(error.contains("pull_request.head.sha"), "{error}");
}

const CONFIG: &str = r#"
[[project]]
name = "lxc-fleet"
dir = "modules/lxc-fleet"
when_modified = ["modules/lxc-fleet/**", "modules/lxc/**"]
[[project]]
name = "ubuntu-vm"
dir = "modules/ubuntu-vm"
"#;

fn list_projects(
    stand_in: &StandIn,
    dir: &Path,
    event: &str,
    payload: &Path,
    fork_allowed: bool,
) -> std::process::Output {
    config_with_project_folders(dir, CONFIG);
    let mut command = agentlab_in(dir);
    command
        .args(["plan", "--list-projects", "--json"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", payload)
        .env("GITHUB_API_URL", &stand_in.api_url)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", OWNER_REPO);
    if fork_allowed {
        command.env("AGENTLAB_ALLOW_FORKS", "true");
    }
    command.output().unwrap()
}

// The binary runs synchronously while the stand-in serves on another worker thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_projects_reads_the_pull_requests_files_for_a_matrix() {
    let stand_in = StandIn::start().await;
    stand_in.add_issue(2, "Update the README with new information.", "", &[], true);
    stand_in.state.lock().unwrap().pull_request_files =
        vec!["modules/lxc/main.tf".to_string(), "README.md".to_string()];
    let dir = tempfile::tempdir().unwrap();
    let output = list_projects(
        &stand_in,
        dir.path(),
        "pull_request",
        &fixture_path("pull_request.opened.json"),
        false,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        r#"["lxc-fleet"]"#,
        "{stderr}"
    );
    assert_eq!(stand_in.count("GET", "/pulls/2/files"), 1);

    // A push that merged pull request 2 runs what the pull request changed, although its own commit only lists
    // README.md, which touches no project.
    let push = fixture_path("push.default-branch.json");
    let output = list_projects(&stand_in, dir.path(), "push", &push, false);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        r#"["lxc-fleet"]"#,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stand_in.count("GET", "/pulls/2/files"), 2);
    // A direct push merged no pull request: the files its commits list in the payload decide.
    stand_in.state.lock().unwrap().direct_pushes = true;
    let output = list_projects(&stand_in, dir.path(), "push", &push, false);
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "[]");
    assert_eq!(stand_in.count("GET", "/pulls/2/files"), 2);
    stand_in.assert_no_violations();
}

// The binary runs synchronously while the stand-in serves on another worker thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fork_pull_request_is_refused_unless_allowed() {
    let stand_in = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut payload = fixture("pull_request.opened.json");
    payload["pull_request"]["head"]["repo"]["full_name"] = json!("someone/Hello-World");
    let path = dir.path().join("event.json");
    std::fs::write(&path, payload.to_string()).unwrap();
    let refused = list_projects(&stand_in, dir.path(), "pull_request", &path, false);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("fork"));
    assert_eq!(stand_in.requests().len(), 0, "nothing was asked of GitHub");
    let allowed = list_projects(&stand_in, dir.path(), "pull_request", &path, true);
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
    stand_in.assert_no_violations();
}

#[test]
fn an_event_that_names_no_change_needs_the_projects_named() {
    let dir = tempfile::tempdir().unwrap();
    config_with_project_folders(dir.path(), CONFIG);
    std::fs::write(dir.path().join("event.json"), "{}").unwrap();
    let run = |args: &[&str]| {
        agentlab_in(dir.path())
            .args(args)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "schedule")
            .env("GITHUB_EVENT_PATH", dir.path().join("event.json"))
            .output()
            .unwrap()
    };
    let refused = run(&["deploy", "--no-post"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("schedule") && stderr.contains("--all"),
        "{stderr}"
    );
    let listed = run(&["plan", "--all", "--list-projects", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).trim(),
        r#"["lxc-fleet","ubuntu-vm"]"#,
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
}
