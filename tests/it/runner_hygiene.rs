//! What the binary itself does against another job's code on the same self-hosted runner: a fork's pull request is
//! refused whichever way the projects are named (`--project`, `--all`, `--changed-files`, for `plan` and `deploy`),
//! before anything is asked of GitHub or run; and a running agentlab is non-dumpable, so a process of the same user
//! cannot read its environment from `/proc/<pid>/environ`.

use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{
    agentlab_in, config_with_project_folders, fixtures_dir, refused_url, stderr_of, text,
};

const CONFIG: &str = r#"
[[project]]
name = "lxc-fleet"
dir = "modules/lxc-fleet"
[[project]]
name = "ubuntu-vm"
dir = "modules/ubuntu-vm"
"#;

/// GitHub's example pull request event, changed by `change`, written to `dir/event.json`.
fn pull_request_event(dir: &Path, change: impl FnOnce(&mut Value)) -> PathBuf {
    let mut payload: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures_dir().join("github/pull_request.opened.json")).unwrap(),
    )
    .unwrap();
    change(&mut payload);
    let path = dir.join("event.json");
    std::fs::write(&path, payload.to_string()).unwrap();
    path
}

fn from_a_fork(payload: &mut Value) {
    payload["pull_request"]["head"]["repo"]["full_name"] = json!("someone/Hello-World");
}

struct ForkCase {
    name: &'static str,
    args: &'static [&'static str],
    event: fn(&mut Value),
    /// What `--list-projects` prints once forks are allowed; `None` for deploys, which are not run then.
    allowed_lists: Option<&'static str>,
}

const FORK_CASES: [ForkCase; 7] = [
    ForkCase {
        name: "plan --project",
        args: &[
            "plan",
            "--project",
            "ubuntu-vm",
            "--list-projects",
            "--json",
        ],
        event: from_a_fork,
        allowed_lists: Some(r#"["ubuntu-vm"]"#),
    },
    ForkCase {
        name: "plan --all",
        args: &["plan", "--all", "--list-projects", "--json"],
        event: from_a_fork,
        allowed_lists: Some(r#"["lxc-fleet","ubuntu-vm"]"#),
    },
    ForkCase {
        name: "plan --changed-files",
        args: &[
            "plan",
            "--changed-files",
            "changed.txt",
            "--list-projects",
            "--json",
        ],
        event: from_a_fork,
        allowed_lists: Some(r#"["lxc-fleet"]"#),
    },
    ForkCase {
        name: "deploy --project",
        args: &["deploy", "--project", "ubuntu-vm", "--no-post"],
        event: from_a_fork,
        allowed_lists: None,
    },
    ForkCase {
        name: "deploy --all",
        args: &["deploy", "--all", "--no-post"],
        event: from_a_fork,
        allowed_lists: None,
    },
    ForkCase {
        name: "a closed fork pull request is still a fork's code",
        args: &[
            "plan",
            "--project",
            "ubuntu-vm",
            "--list-projects",
            "--json",
        ],
        event: |payload| {
            from_a_fork(payload);
            payload["action"] = json!("closed");
        },
        allowed_lists: Some(r#"["ubuntu-vm"]"#),
    },
    ForkCase {
        name: "a deleted fork has no head repository",
        args: &["plan", "--all", "--list-projects", "--json"],
        event: |payload| payload["pull_request"]["head"]["repo"] = Value::Null,
        allowed_lists: Some(r#"["lxc-fleet","ubuntu-vm"]"#),
    },
];

fn run_in_fork_event(dir: &Path, args: &[&str], event: &Path, allow: bool) -> std::process::Output {
    let mut command = agentlab_in(dir);
    command
        .args(args)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", event)
        // Nothing listens here: a request to GitHub would fail the allowed runs.
        .env("GITHUB_API_URL", refused_url())
        .env("GITHUB_TOKEN", "ghs_forkTestToken000000000000000000000000")
        .env("GITHUB_REPOSITORY", "Codertocat/Hello-World")
        // A terraform that would leave a mark if anything ran it.
        .env("AGENTLAB_TERRAFORM", dir.join("terraform-must-not-run"));
    if allow {
        command.env("AGENTLAB_ALLOW_FORKS", "true");
    }
    command.output().unwrap()
}

#[test]
fn a_fork_pull_request_is_refused_on_every_way_of_naming_projects() {
    for case in &FORK_CASES {
        let dir = tempfile::tempdir().unwrap();
        config_with_project_folders(dir.path(), CONFIG);
        std::fs::write(
            dir.path().join("changed.txt"),
            "modules/lxc-fleet/main.tf\n",
        )
        .unwrap();
        let event = pull_request_event(dir.path(), case.event);
        let refused = run_in_fork_event(dir.path(), case.args, &event, false);
        let stderr = stderr_of(&refused);
        assert_eq!(refused.status.code(), Some(2), "{}: {stderr}", case.name);
        assert!(
            stderr.contains("fork") && stderr.contains("AGENTLAB_ALLOW_FORKS"),
            "{}: {stderr}",
            case.name
        );
        assert!(refused.stdout.is_empty(), "{}: nothing listed", case.name);
        assert!(
            !dir.path().join(".agentlab").exists(),
            "{}: no run started",
            case.name
        );
        if let Some(listed) = case.allowed_lists {
            let allowed = run_in_fork_event(dir.path(), case.args, &event, true);
            assert!(
                allowed.status.success(),
                "{}: {}",
                case.name,
                stderr_of(&allowed)
            );
            assert_eq!(text(&allowed.stdout).trim(), listed, "{}", case.name);
        }
    }
}

const CANARY: &str = "agentlab-environ-canary-5d41402abc4b2a76";
/// The user agentlab and the reading process run as when the tests run as root (root reads any process's
/// environment, so the same-user case needs an ordinary user).
const NOBODY: u32 = 65534;

fn running_as_root() -> bool {
    // SAFETY: geteuid has no arguments and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `command` as the same ordinary user as every other process of this test.
fn as_the_runner_user(command: &mut Command) -> &mut Command {
    if running_as_root() {
        command.uid(NOBODY).gid(NOBODY);
    }
    command
}

/// What a process of the runner's user gets when it reads `/proc/<pid>/environ`: the text, or the error's kind.
fn environ_seen_by_the_same_user(pid: u32) -> Result<String, String> {
    let output = as_the_runner_user(&mut Command::new("cat"))
        .arg(format!("/proc/{pid}/environ"))
        .output()
        .unwrap();
    if output.status.success() {
        Ok(text(&output.stdout))
    } else {
        Err(text(&output.stderr))
    }
}

fn make_fifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `name` is a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o666) }, 0, "mkfifo");
}

/// Opens the write end of the FIFO at `path` once a reader holds it open, failing after 20 s or when `child` ends.
fn writer_once_read(path: &Path, child: &mut Child) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(file) => return file,
            // ENXIO: nobody has opened the FIFO for reading yet.
            Err(error) if error.raw_os_error() == Some(libc::ENXIO) => {}
            Err(error) => panic!("cannot open the FIFO: {error}"),
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "agentlab ended before reading its configuration"
        );
        assert!(Instant::now() < deadline, "agentlab never read the FIFO");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_running_agentlab_hides_its_environment_from_processes_of_the_same_user() {
    let dir = tempfile::tempdir().unwrap();
    let mut permissions = std::fs::metadata(dir.path()).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(dir.path(), permissions).unwrap();

    // The control: an ordinary process of that user, with the same canary, is readable; so the check can fail.
    let mut control = as_the_runner_user(&mut Command::new("sleep"))
        .arg("30")
        .env("AGENTLAB_CANARY", CANARY)
        .spawn()
        .unwrap();
    let control_seen = environ_seen_by_the_same_user(control.id());
    let control_owner = std::fs::metadata(format!("/proc/{}/environ", control.id()))
        .unwrap()
        .uid();
    control.kill().unwrap();
    control.wait().unwrap();
    assert!(
        control_seen
            .as_ref()
            .is_ok_and(|text| text.contains(CANARY)),
        "the same user reads an ordinary process's environment: {control_seen:?}"
    );

    // agentlab, alive and blocked reading its configuration from a FIFO: past its first line of main by then.
    let fifo = dir.path().join("agentlab.toml");
    make_fifo(&fifo);
    let mut agentlab = agentlab_in(dir.path());
    as_the_runner_user(&mut agentlab)
        .args(["plan", "--list-projects", "--config"])
        .arg(&fifo)
        .env("AGENTLAB_CANARY", CANARY)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = agentlab.spawn().unwrap();
    let writer = writer_once_read(&fifo, &mut child);
    let seen = environ_seen_by_the_same_user(child.id());
    let owner = std::fs::metadata(format!("/proc/{}/environ", child.id()))
        .unwrap()
        .uid();
    let direct = std::fs::read(format!("/proc/{}/environ", child.id()));
    drop(writer);
    let _ = child.kill();
    child.wait().unwrap();

    assert!(
        seen.as_ref()
            .is_err_and(|error| error.contains("Permission denied")),
        "a process of the same user read agentlab's environment: {seen:?}"
    );
    // The kernel hands the files in a non-dumpable process's /proc folder to root.
    assert_eq!(owner, 0, "/proc/<agentlab>/environ belongs to root");
    if running_as_root() {
        assert_eq!(
            control_owner, NOBODY,
            "an ordinary process owns its /proc files"
        );
    } else {
        assert_eq!(
            direct.map_err(|error| error.kind()).err(),
            Some(ErrorKind::PermissionDenied),
            "this test's own user cannot read it either"
        );
    }
}
