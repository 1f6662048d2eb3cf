//! The action's steps, run as bash runs them on a runner, their scripts read out of `action.yml`. The build: `cargo`
//! is a stand-in that writes a new binary each time, and GitHub's cache (which a pull request's job cannot write for
//! the default branch) is a map kept by the test; a planted binary in the shared tool cache is never the one that
//! runs, whatever build id sits beside it, and an untouched cached build is reused without building. The run: the
//! `terraform` input overrides the configuration's `[defaults] terraform` only when the user set it.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{crate_root, text};

/// The `run: |` script of the step named `name` in action.yml.
fn step_script(name: &str) -> String {
    let action = std::fs::read_to_string(crate_root().join("action.yml")).unwrap();
    let mut lines = action
        .lines()
        .skip_while(|line| line.trim() != format!("- name: {name}"))
        .skip(1)
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

/// Runs `script` with bash and `env`; returns its `$GITHUB_OUTPUT` values and its stdout.
fn run_step(script: &str, env: &[(&str, &Path)], path: &Path) -> (HashMap<String, String>, String) {
    let outputs = tempfile::NamedTempFile::new().unwrap();
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .envs(env.iter().copied())
        .env("GITHUB_OUTPUT", outputs.path())
        .env(
            "PATH",
            format!("{}:{}", path.display(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{script}\n{}",
        text(&output.stderr)
    );
    let values = std::fs::read_to_string(outputs.path())
        .unwrap()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    (values, text(&output.stdout))
}

/// One runner: its shared tool cache, the stand-in cargo, and GitHub's cache of checksums.
struct Runner {
    tool_cache: tempfile::TempDir,
    bin: tempfile::TempDir,
    github_cache: HashMap<String, String>,
}

/// What one job ran.
struct Job {
    binary: String,
    built: bool,
    warned: bool,
}

impl Runner {
    fn new() -> Self {
        let bin = tempfile::tempdir().unwrap();
        let cargo = bin.path().join("cargo");
        // `cargo build --release --locked --target-dir DIR`: a binary that differs from every other build.
        std::fs::write(
            &cargo,
            "#!/usr/bin/env bash\nset -eu\nmkdir -p \"$5/release\"\n\
             echo \"built $(od -An -N8 -tx1 /dev/urandom | tr -d ' \\n')\" > \"$5/release/agentlab\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
        Self {
            tool_cache: tempfile::tempdir().unwrap(),
            bin,
            github_cache: HashMap::new(),
        }
    }

    /// The action's find, restore, build and record steps, in a fresh job.
    fn job(&mut self) -> Job {
        let runner_temp = tempfile::tempdir().unwrap();
        let run_temp = runner_temp.path().join("agentlab.run");
        std::fs::create_dir(&run_temp).unwrap();
        let checksum_dir = runner_temp.path().join("agentlab-checksum");
        let root = crate_root();
        let (found, _) = run_step(
            &step_script("Find the cached build of this source"),
            &[
                ("ACTION_PATH", &root),
                ("RUNNER_TOOL_CACHE", self.tool_cache.path()),
            ],
            self.bin.path(),
        );
        let key = |id: &str| format!("agentlab-sha256-{}-{id}", found["source_key"]);
        if let Some(recorded) = self.github_cache.get(&key(&found["build_id"])) {
            std::fs::create_dir_all(&checksum_dir).unwrap();
            std::fs::write(checksum_dir.join("agentlab.sha256"), recorded).unwrap();
        }
        let cache_dir = PathBuf::from(&found["cache_dir"]);
        let (built, stdout) = run_step(
            &step_script("Build agentlab or reuse the cached build once its checksum matches"),
            &[
                ("ACTION_PATH", &root),
                ("CACHE_DIR", &cache_dir),
                ("RUN_TEMP", &run_temp),
                ("CHECKSUM_DIR", &checksum_dir),
            ],
            self.bin.path(),
        );
        let new_id = &built["new_build_id"];
        if !new_id.is_empty() {
            let recorded = std::fs::read_to_string(checksum_dir.join("agentlab.sha256")).unwrap();
            self.github_cache.insert(key(new_id), recorded);
        }
        assert_eq!(PathBuf::from(&built["binary"]), run_temp.join("agentlab"));
        Job {
            binary: std::fs::read_to_string(&built["binary"]).unwrap(),
            built: !new_id.is_empty(),
            warned: stdout.contains("::warning"),
        }
    }

    fn cached(&self) -> PathBuf {
        let entries: Vec<PathBuf> = std::fs::read_dir(self.tool_cache.path().join("agentlab"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        assert_eq!(entries.len(), 1, "one build per source: {entries:?}");
        entries[0].clone()
    }

    /// What a plan job can do: write the tool cache.
    fn plant(&self, build_id: Option<&str>) {
        std::fs::write(self.cached().join("agentlab"), "planted by a plan job\n").unwrap();
        if let Some(id) = build_id {
            std::fs::write(self.cached().join("build-id"), format!("{id}\n")).unwrap();
        }
    }
}

#[test]
fn the_cached_binary_runs_only_while_it_matches_the_checksum_recorded_outside_the_runner() {
    let mut runner = Runner::new();
    let first = runner.job();
    assert!(first.built && !first.warned && first.binary.starts_with("built "));
    let first_id = std::fs::read_to_string(runner.cached().join("build-id")).unwrap();

    let reused = runner.job();
    assert!(!reused.built, "an untouched build is reused");
    assert_eq!(reused.binary, first.binary);

    runner.plant(None);
    let after_plant = runner.job();
    assert!(
        after_plant.built && after_plant.warned,
        "a changed binary is noticed"
    );
    assert!(
        after_plant.binary.starts_with("built "),
        "{}",
        after_plant.binary
    );

    // A planted binary beside the id of an earlier build, an unknown id, or an id that is not one.
    for id in [
        first_id.trim(),
        "0123456789abcdef0123456789abcdef",
        "../../x",
    ] {
        runner.plant(Some(id));
        let job = runner.job();
        assert!(job.built, "{id}: rebuilt");
        assert!(job.binary.starts_with("built "), "{id}: {}", job.binary);
    }
    let last = runner.job();
    assert!(
        !last.built && !last.warned,
        "the rebuilt binary is reused again"
    );
}

#[test]
fn the_terraform_input_overrides_the_configuration_only_when_set() {
    let action = std::fs::read_to_string(crate_root().join("action.yml")).unwrap();
    assert!(
        !action.contains("AGENTLAB_TERRAFORM: ${{"),
        "no input is exported as AGENTLAB_TERRAFORM unconditionally"
    );
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("agentlab");
    std::fs::write(
        &fake,
        "#!/usr/bin/env bash\necho \"$* terraform=${AGENTLAB_TERRAFORM-unset}\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = step_script("Run agentlab");
    for (input, expected) in [("", "terraform=unset"), ("tofu", "terraform=tofu")] {
        let output = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .env_remove("AGENTLAB_TERRAFORM")
            .env("AGENTLAB_BIN", &fake)
            .env("AGENTLAB_MODE", "auto")
            .env("EVENT_NAME", "push")
            .env("AGENTLAB_POST", "false")
            .env("TERRAFORM_INPUT", input)
            .envs(
                ["AGENTLAB_PROJECT", "AGENTLAB_LLM", "AGENTLAB_MAX_RETRIES"].map(|name| (name, "")),
            )
            .env("GITHUB_OUTPUT", dir.path().join("output"))
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(
            text(&output.stdout).trim(),
            format!("deploy --no-post {expected}"),
            "input `{input}`"
        );
    }
}
