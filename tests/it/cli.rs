//! The command line as a user meets it: help, schemas, configuration errors and exit statuses.

use std::process::Output;

use crate::support::{agentlab_in, text};

fn agentlab(args: &[&str], dir: &std::path::Path) -> Output {
    agentlab_in(dir)
        .args(args)
        .output()
        .expect("the agentlab binary runs")
}

#[test]
fn help_lists_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let output = agentlab(&["--help"], dir.path());
    assert!(output.status.success());
    let help = text(&output.stdout);
    for command in [
        "plan", "deploy", "validate", "diagnose", "eval", "demo", "schema", "publish",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "--help misses {command}:\n{help}"
        );
    }
}

#[test]
fn schema_prints_a_json_schema_for_every_contract() {
    let dir = tempfile::tempdir().unwrap();
    let output = agentlab(&["schema"], dir.path());
    assert!(output.status.success(), "{}", text(&output.stderr));
    let all: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("schema prints JSON");
    for name in [
        "TerraformRequest",
        "TerraformResult",
        "ValidationRequest",
        "ValidationResult",
        "Hypothesis",
        "Remediation",
        "Diagnosis",
        "Usage",
        "Transition",
        "Attempt",
        "RunRecord",
    ] {
        assert_eq!(
            all[name]["$schema"], "http://json-schema.org/draft-07/schema#",
            "{name}"
        );
    }
    let one = agentlab(&["schema", "Hypothesis"], dir.path());
    let hypothesis: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(hypothesis["title"], "Hypothesis");
    let categories = &hypothesis["definitions"]["Category"]["enum"];
    assert_eq!(
        categories.as_array().map(Vec::len),
        Some(10),
        "{categories}"
    );

    let unknown = agentlab(&["schema", "Nothing"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no contract named `Nothing`"));
}

#[test]
fn publish_of_a_folder_that_is_not_there_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = agentlab_in(dir.path())
        .args(["publish", "--records", "no-such-run"])
        .env("GITHUB_TOKEN", "ghp_not-used-because-nothing-is-posted")
        .env("GITHUB_REPOSITORY", "homelab/infra")
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .output()
        .expect("the agentlab binary runs");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no-such-run is not a folder of run records"),
        "{stderr}"
    );
}

#[test]
fn a_typo_in_the_configuration_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentlab.toml"),
        "[defaults]\nmax_retries = 2\nparalelism = 3\n",
    )
    .unwrap();
    let output = agentlab(&["plan", "--list-projects"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("paralelism") && stderr.contains("line 3"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_missing_configuration_exits_2_saying_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let output = agentlab(&["plan", "--list-projects"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("agentlab.toml"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn list_projects_prints_a_matrix_ready_json_array() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentlab.toml"),
        "[[project]]\nname = \"a\"\ndir = \"mods/a\"\n[[project]]\nname = \"b\"\ndir = \"mods/b\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("changed.txt"), "mods/b/main.tf\n").unwrap();
    let all = agentlab(&["plan", "--list-projects", "--json"], dir.path());
    assert_eq!(text(&all.stdout).trim(), r#"["a","b"]"#);
    let changed = agentlab(
        &[
            "plan",
            "--list-projects",
            "--json",
            "--changed-files",
            "changed.txt",
        ],
        dir.path(),
    );
    assert_eq!(text(&changed.stdout).trim(), r#"["b"]"#);
}
