//! The scripts in scripts/ as git records them: each must keep its run bit, because scripts/setup and scripts/test
//! call them unconditionally and a checkout without the bit would fail there (CI checks out what git's index says).

use crate::support::crate_root;

/// `(mode, path)` of every file git tracks under scripts/, from `git ls-files -s`.
fn tracked_scripts() -> Vec<(String, String)> {
    let listing = std::process::Command::new("git")
        .args(["ls-files", "-s", "--", "scripts/"])
        .current_dir(crate_root())
        .output()
        .expect("git runs");
    assert!(
        listing.status.success(),
        "git ls-files failed: {}",
        String::from_utf8_lossy(&listing.stderr)
    );
    String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(|line| {
            // `<mode> <object> <stage>\t<path>`
            let (fields, path) = line.split_once('\t').expect("a tab before the path");
            let mode = fields.split(' ').next().unwrap_or_default();
            (mode.to_string(), path.to_string())
        })
        .collect()
}

#[test]
fn every_script_is_executable_in_gits_index() {
    let scripts = tracked_scripts();
    for called in ["scripts/setup", "scripts/test", "scripts/check-workflows"] {
        assert!(
            scripts.iter().any(|(_, path)| path == called),
            "{called} is not tracked: {scripts:?}"
        );
    }
    let not_executable: Vec<&(String, String)> = scripts
        .iter()
        .filter(|(mode, _)| mode != "100755")
        .collect();
    assert!(
        not_executable.is_empty(),
        "scripts without their run bit (fix with `git update-index --chmod=+x PATH`): {not_executable:?}"
    );
}

#[test]
fn setup_and_test_call_their_scripts_without_asking_whether_they_are_executable() {
    for script in ["scripts/setup", "scripts/test"] {
        let text = std::fs::read_to_string(crate_root().join(script)).expect("script readable");
        assert!(
            !text.contains("[[ -x scripts/") && !text.contains("[[ -x \"$installer\""),
            "{script} skips a script that lost its run bit instead of failing"
        );
    }
}

/// The scripts that run the sandbox projects (the demo, the benchmarks, the local-model eval, the tests) point
/// Terraform at the project's CLI config, whose filesystem mirror holds the null provider: a TF_CLI_CONFIG_FILE
/// the machine already sets (a ~/.terraformrc without that mirror) made every init reach for the registry and
/// fail offline, so `scripts/demo` failed on its first run there. All four take it from one sourced file, which is
/// run here with a foreign TF_CLI_CONFIG_FILE.
#[test]
fn the_scripts_that_run_the_sandbox_use_the_projects_terraform_cli_config_whatever_the_environment_says()
 {
    for script in [
        "scripts/demo",
        "scripts/bench",
        "scripts/local-llm",
        "scripts/test",
    ] {
        let text = std::fs::read_to_string(crate_root().join(script)).expect("script readable");
        assert!(
            text.contains("source \"$repo_root/scripts/bundled-terraform-env\""),
            "{script} does not take its Terraform from scripts/bundled-terraform-env"
        );
        assert!(
            !text.contains("TF_CLI_CONFIG_FILE"),
            "{script} sets TF_CLI_CONFIG_FILE itself"
        );
    }
    let output = std::process::Command::new("bash")
        .args([
            "-c",
            "source scripts/bundled-terraform-env scripts/demo && printf '%s\\n' \"$TF_CLI_CONFIG_FILE\"",
        ])
        .current_dir(crate_root())
        .env("TF_CLI_CONFIG_FILE", "/nonexistent/.terraformrc")
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{output:?}");
    let project_config = crate_root().join(".tools/terraformrc");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        project_config.display().to_string()
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(&format!(
            "scripts/demo: using {} (its offline provider mirror) instead of TF_CLI_CONFIG_FILE=/nonexistent/.terraformrc",
            project_config.display()
        )),
        "{output:?}"
    );
}

/// `scripts/local-llm --records DIR` measures the local model on saved incidents; its arguments are checked before
/// anything is installed or built, and the EVAL.md section (the built-in scenarios' measurement) is never written
/// from a records run.
#[test]
fn the_local_model_script_checks_its_records_arguments_before_installing_anything() {
    let run = |args: &[&str]| {
        std::process::Command::new("bash")
            .arg("scripts/local-llm")
            .args(args)
            .current_dir(crate_root())
            .output()
            .expect("bash runs")
    };
    let missing = run(&["--records", "/nonexistent/records"]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("--records /nonexistent/records is not a directory"),
        "{missing:?}"
    );
    let with_eval_md = run(&["--records", "eval/records", "--write-eval-md"]);
    assert_eq!(with_eval_md.status.code(), Some(2), "{with_eval_md:?}");
    assert!(
        String::from_utf8_lossy(&with_eval_md.stderr).contains("does not go with --records"),
        "{with_eval_md:?}"
    );
}
