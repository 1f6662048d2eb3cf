//! The real terraform the tests run (never the one on PATH) and the sandbox projects of tests/fixtures/, always
//! copied into a fresh temporary directory so no state is ever written into the checkout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use agentlab::contracts::{RunMode, TerraformRequest};
use agentlab::redact::{Redactor, SharedRedactor};
use agentlab::terraform::{Cancellation, TerraformRunner};

use super::{crate_root, fixtures_dir};

/// The installed terraform: `AGENTLAB_TERRAFORM`, else `.tools/bin/terraform`. Fails (never skips) without it.
pub fn installed_terraform() -> PathBuf {
    let binary = std::env::var_os("AGENTLAB_TERRAFORM")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_root().join(".tools/bin/terraform"));
    assert!(
        binary.is_file() || binary.components().count() == 1,
        "terraform not found at {}: run scripts/install-terraform first",
        binary.display()
    );
    binary
}

/// The CLI config with the offline provider mirror. Always the checkout's own: an inherited
/// `TF_CLI_CONFIG_FILE` may point anywhere (or nowhere).
pub fn terraform_cli_config() -> PathBuf {
    let config = crate_root().join(".tools/terraformrc");
    assert!(
        config.is_file(),
        "{} not found: run scripts/install-terraform first",
        config.display()
    );
    config
}

/// Runs the installed terraform in `dir` with the checkout's CLI config, as a runner would (no terminal, in
/// automation), and returns what it printed.
pub fn run_terraform(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(installed_terraform())
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", terraform_cli_config())
        .env("TF_IN_AUTOMATION", "1")
        .args(args)
        .output()
        .expect("terraform runs")
}

/// The sandbox projects in tests/fixtures/, as declared in tests/fixtures/agentlab-sandbox.toml.
const SANDBOX_PROJECTS: [&str; 6] = [
    "sandbox-ok",
    "sandbox-no-guests",
    "fault-parallel-lock",
    "fault-permission",
    "fault-backend-offline",
    "fault-vmid-conflict",
];

fn copy_files(source: &Path, target: &Path) {
    std::fs::create_dir_all(target).expect("create dir");
    for entry in std::fs::read_dir(source)
        .unwrap_or_else(|error| panic!("fixture {}: {error}", source.display()))
    {
        let entry = entry.expect("dir entry");
        if entry.file_type().expect("file type").is_file() {
            std::fs::copy(entry.path(), target.join(entry.file_name())).expect("copy");
        }
    }
}

/// Copies a sandbox project into a fresh temporary directory.
pub fn sandbox_copy(project: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir");
    copy_files(&fixtures_dir().join(project), copy.path());
    copy
}

/// Copies every sandbox project and `agentlab-sandbox.toml` into a fresh temporary directory; the configuration
/// is at `<copy>/agentlab-sandbox.toml`.
pub fn sandbox_workspace() -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir");
    for project in SANDBOX_PROJECTS {
        copy_files(&fixtures_dir().join(project), &copy.path().join(project));
    }
    std::fs::copy(
        fixtures_dir().join("agentlab-sandbox.toml"),
        copy.path().join("agentlab-sandbox.toml"),
    )
    .expect("copy config");
    copy
}

/// [`sandbox_workspace`] whose configuration names the posting account, `bot_login = "github-actions[bot]"`, as a
/// user of a GitHub App (here: the workflow's) would.
pub fn sandbox_workspace_with_bot_login() -> tempfile::TempDir {
    let workspace = sandbox_workspace();
    let config = workspace.path().join("agentlab-sandbox.toml");
    let mut text = std::fs::read_to_string(&config).expect("read config");
    text.push_str("\n[github]\nbot_login = \"github-actions[bot]\"\n");
    std::fs::write(&config, text).expect("write config");
    workspace
}

/// A workspace with the fixture `project` and an `agentlab-sandbox.toml` made of `config` plus the project.
pub fn fixture_workspace(project: &str, config: &str) -> tempfile::TempDir {
    let workspace = tempfile::tempdir().expect("temp dir");
    copy_files(
        &fixtures_dir().join(project),
        &workspace.path().join(project),
    );
    std::fs::write(
        workspace.path().join("agentlab-sandbox.toml"),
        format!(
            "{config}\n[[project]]\nname = \"{project}\"\ndir = \"{project}\"\n[project.validate]\n\
             resources = [{{ pattern = '^null_resource\\.container$', count = 1 }}]\n"
        ),
    )
    .expect("config written");
    workspace
}

/// The Terraform agent on the installed terraform and the offline provider mirror, redacting with `redactor`.
pub fn runner_with_redactor(
    redactor: SharedRedactor,
    cancellation: Cancellation,
) -> TerraformRunner {
    TerraformRunner::new(installed_terraform(), redactor, cancellation).with_environment(
        "TF_CLI_CONFIG_FILE",
        terraform_cli_config().display().to_string(),
    )
}

/// [`runner_with_redactor`] with a redactor of its own.
pub fn runner(cancellation: Cancellation) -> TerraformRunner {
    runner_with_redactor(SharedRedactor::new(Redactor::new()), cancellation)
}

/// A first attempt at `mode` on the project in `dir`: parallelism 10, no lock wait, no variables.
pub fn terraform_request(dir: &Path, mode: RunMode) -> TerraformRequest {
    TerraformRequest {
        project: dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        dir: dir.to_path_buf(),
        mode,
        plan_file: None,
        vars: BTreeMap::new(),
        backend_config: Vec::new(),
        parallelism: 10,
        lock_timeout: "0s".to_owned(),
        replace: Vec::new(),
        reinit_upgrade: false,
        attempt: 1,
        guard: Default::default(),
    }
}

/// Writes an executable shell script `dir/name` standing in for terraform.
pub fn fake_terraform(dir: &Path, name: &str, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, script).expect("write the fake terraform");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}
