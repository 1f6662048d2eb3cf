//! The command line as a user meets it: help, schemas, configuration errors and exit statuses. Every run is one
//! [`check`] of a fresh folder, the arguments, and the exit status and text it must show.

use std::process::Output;

use crate::support::{agentlab_in, assert_no_panic, text};

/// A run of `agentlab ARGS` in a fresh folder holding `files`, with `env` set.
struct Input<'a> {
    files: &'a [(&'a str, &'a str)],
    args: &'a [&'a str],
    env: &'a [(&'a str, &'a str)],
}

/// The exit status, the whole of stdout (trimmed) when it matters, and what stderr must mention.
struct Expect<'a> {
    exit_code: i32,
    stdout_is: Option<&'a str>,
    stderr_mentions: &'a [&'a str],
}

fn check(input: Input, expect: Expect) -> Output {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in input.files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let mut command = agentlab_in(dir.path());
    command.args(input.args);
    for (name, value) in input.env {
        command.env(name, value);
    }
    let output = command.output().expect("the agentlab binary runs");
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(expect.exit_code),
        "{:?}: {stderr}",
        input.args
    );
    assert_no_panic(&stderr);
    if let Some(stdout) = expect.stdout_is {
        assert_eq!(text(&output.stdout).trim(), stdout, "{:?}", input.args);
    }
    for term in expect.stderr_mentions {
        assert!(
            stderr.contains(term),
            "{:?}: `{term}` not in {stderr}",
            input.args
        );
    }
    output
}

/// `agentlab ARGS` in an empty folder, which must exit 0.
fn succeeds(args: &[&str]) -> Output {
    check(
        Input {
            files: &[],
            args,
            env: &[],
        },
        Expect {
            exit_code: 0,
            stdout_is: None,
            stderr_mentions: &[],
        },
    )
}

#[test]
fn help_lists_every_command() {
    let help = text(&succeeds(&["--help"]).stdout);
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
    let all: serde_json::Value =
        serde_json::from_slice(&succeeds(&["schema"]).stdout).expect("schema prints JSON");
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
    let hypothesis: serde_json::Value =
        serde_json::from_slice(&succeeds(&["schema", "Hypothesis"]).stdout).unwrap();
    assert_eq!(hypothesis["title"], "Hypothesis");
    let categories = &hypothesis["definitions"]["Category"]["enum"];
    assert_eq!(
        categories.as_array().map(Vec::len),
        Some(10),
        "{categories}"
    );
}

/// Runs that refuse with exit 2, and what stderr says about why.
#[test]
fn bad_input_exits_2_saying_what_is_wrong() {
    let no_files: &[(&str, &str)] = &[];
    let cases: [(Input, &[&str]); 5] = [
        // A contract that does not exist.
        (
            Input {
                files: no_files,
                args: &["schema", "Nothing"],
                env: &[],
            },
            &["no contract named `Nothing`"],
        ),
        // A folder of records that is not there.
        (
            Input {
                files: no_files,
                args: &["publish", "--records", "no-such-run"],
                env: &[
                    ("GITHUB_TOKEN", "ghp_not-used-because-nothing-is-posted"),
                    ("GITHUB_REPOSITORY", "homelab/infra"),
                    ("GITHUB_API_URL", "http://127.0.0.1:9"),
                ],
            },
            &["no-such-run is not a folder of run records"],
        ),
        // A typo in the configuration: the key and its line.
        (
            Input {
                files: &[(
                    "agentlab.toml",
                    "[defaults]\nmax_retries = 2\nparalelism = 3\n",
                )],
                args: &["plan", "--list-projects"],
                env: &[],
            },
            &["paralelism", "line 3"],
        ),
        // No configuration at all: where it looked.
        (
            Input {
                files: no_files,
                args: &["plan", "--list-projects"],
                env: &[],
            },
            &["agentlab.toml"],
        ),
        // A record of a schema version this build does not know: the version, before any field is read.
        (
            Input {
                files: &[(
                    "future.json",
                    r#"{"schema_version": 999, "run_id": "r", "a_field_from_the_future": true}"#,
                )],
                args: &["diagnose", "--record", "future.json", "--llm", "catalog"],
                env: &[],
            },
            &["schema_version 999", "future.json"],
        ),
    ];
    for (input, stderr_mentions) in cases {
        check(
            input,
            Expect {
                exit_code: 2,
                stdout_is: None,
                stderr_mentions,
            },
        );
    }
}

#[test]
fn list_projects_prints_a_matrix_ready_json_array() {
    let files = [
        (
            "agentlab.toml",
            "[[project]]\nname = \"a\"\ndir = \"mods/a\"\n[[project]]\nname = \"b\"\ndir = \"mods/b\"\n",
        ),
        ("changed.txt", "mods/b/main.tf\n"),
        ("mods/a/main.tf", ""),
        ("mods/b/main.tf", ""),
    ];
    let all: &[&str] = &["plan", "--list-projects", "--json"];
    let changed: &[&str] = &[
        "plan",
        "--list-projects",
        "--json",
        "--changed-files",
        "changed.txt",
    ];
    for (args, projects) in [(all, r#"["a","b"]"#), (changed, r#"["b"]"#)] {
        check(
            Input {
                files: &files,
                args,
                env: &[],
            },
            Expect {
                exit_code: 0,
                stdout_is: Some(projects),
                stderr_mentions: &[],
            },
        );
    }
}
