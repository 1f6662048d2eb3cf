//! What a homelab owner copies and reads agrees with itself: every variable and secret the workflows use is named,
//! with the same kind, in the README and the getting-started page; the example workflows use the action by its
//! repository and a pinned placeholder, pass only inputs the action has, and are checked like this repository's
//! own; and the action's preparation step hands agentlab the default branch's configuration, or says there is
//! none, for a configuration at the root or in a subfolder.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use regex::Regex;

use crate::support::{crate_root, text};

fn read(path: &str) -> String {
    std::fs::read_to_string(crate_root().join(path)).unwrap()
}

/// The workflows an infrastructure repository runs: the examples and this repository's own plan, deploy and
/// check (ci and eval test agentlab itself).
const WORKFLOWS: [&str; 6] = [
    "examples/workflows/plan.yml",
    "examples/workflows/deploy.yml",
    "examples/workflows/check.yml",
    ".github/workflows/plan.yml",
    ".github/workflows/deploy.yml",
    ".github/workflows/check.yml",
];

/// `(kind, NAME)` of every `${{ secrets.NAME }}` and `${{ vars.NAME }}` in `text`.
fn names_used(text: &str) -> BTreeSet<(String, String)> {
    let pattern = Regex::new(r"\$\{\{\s*(secrets|vars)\.([A-Z0-9_]+)\s*\}\}").unwrap();
    pattern
        .captures_iter(text)
        .map(|found| {
            let kind = if &found[1] == "vars" {
                "variable"
            } else {
                "secret"
            };
            (kind.to_string(), found[2].to_string())
        })
        .collect()
}

/// The kind a Markdown table row gives `name` (`| `NAME` | variable |` or `| `A`, `B` | secrets |`).
fn documented_kind(document: &str, name: &str) -> Option<String> {
    document.lines().find_map(|line| {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let named = cells
            .get(1)
            .is_some_and(|cell| cell.split(", ").any(|item| item == format!("`{name}`")));
        named
            .then(|| {
                cells
                    .get(2)
                    .map(|kind| kind.trim_end_matches('s').to_string())
            })
            .flatten()
    })
}

#[test]
fn every_variable_and_secret_the_workflows_use_is_documented_with_the_same_kind() {
    let readme = read("README.md");
    let getting_started = read("docs/getting-started.md");
    let mut used = BTreeSet::new();
    for workflow in WORKFLOWS {
        used.extend(names_used(&read(workflow)));
    }
    assert!(used.contains(&("variable".to_string(), "PROXMOX_VE_ENDPOINT".to_string())));
    assert!(used.contains(&("secret".to_string(), "MINIO_ACCESS_KEY_ID".to_string())));
    for (kind, name) in &used {
        for (document_name, document) in [
            ("README.md", &readme),
            ("docs/getting-started.md", &getting_started),
        ] {
            assert_eq!(
                documented_kind(document, name).as_deref(),
                Some(kind.as_str()),
                "{document_name} documents {name} as a {kind}"
            );
        }
    }
}

#[test]
fn the_example_workflows_pin_the_action_pass_only_its_inputs_and_are_checked_like_the_others() {
    let action = read("action.yml");
    let inputs_section = action
        .split("\ninputs:\n")
        .nth(1)
        .and_then(|rest| rest.split("\noutputs:\n").next())
        .unwrap();
    let input = Regex::new(r"(?m)^  ([a-z-]+):$").unwrap();
    let inputs: BTreeSet<&str> = input
        .captures_iter(inputs_section)
        .map(|found| found.get(1).unwrap().as_str())
        .collect();
    assert!(inputs.contains("working-directory") && inputs.contains("review-key"));
    for workflow in &WORKFLOWS[..3] {
        let text = read(workflow);
        let steps = action_steps(&text);
        assert!(!steps.is_empty(), "{workflow} uses the action");
        for (uses, keys) in steps {
            assert_eq!(
                uses, "OWNER/agentlab@0000000000000000000000000000000000000000 # vX.Y.Z",
                "{workflow}"
            );
            for key in keys {
                assert!(
                    inputs.contains(key.as_str()),
                    "{workflow}: `{key}` is not an input of action.yml"
                );
            }
        }
    }
    let checker = read("scripts/check-workflows");
    assert_eq!(
        checker.matches("examples/workflows/*.yml").count(),
        2,
        "zizmor and the run: script extraction both cover the examples"
    );
    let getting_started = read("docs/getting-started.md");
    assert!(
        getting_started
            .contains("OWNER/agentlab@0000000000000000000000000000000000000000 # vX.Y.Z")
            && getting_started.contains("Terraform 1.10 or later"),
        "the placeholder and the Terraform version are explained"
    );
}

/// Each step of `workflow` that uses agentlab: what follows `uses:`, and the keys of its `with:` (commented-out
/// ones too, since a user uncomments them).
fn action_steps(workflow: &str) -> Vec<(String, Vec<String>)> {
    let indent_of = |line: &str| line.len() - line.trim_start().len();
    let lines: Vec<&str> = workflow.lines().collect();
    let mut steps = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(uses) = line.trim().trim_start_matches("- ").strip_prefix("uses: ") else {
            continue;
        };
        if !uses.contains("agentlab@") {
            continue;
        }
        let step_indent = indent_of(line) + if line.trim().starts_with("- ") { 2 } else { 0 };
        let mut keys = Vec::new();
        let mut in_with = false;
        for next in &lines[index + 1..] {
            if next.trim().is_empty() {
                continue;
            }
            let indent = indent_of(next);
            if indent < step_indent || (indent == step_indent && next.trim().starts_with("- ")) {
                break;
            }
            if indent == step_indent {
                in_with = next.trim() == "with:";
            } else if in_with && indent == step_indent + 2 {
                let key = next.trim().trim_start_matches("# ");
                if let Some((key, _)) = key.split_once(':') {
                    keys.push(key.to_string());
                }
            }
        }
        steps.push((uses.to_string(), keys));
    }
    steps
}

/// The `run: |` script of the action step named `name`.
fn action_step(name: &str) -> String {
    let action = read("action.yml");
    let mut lines = action
        .lines()
        .skip_while(|line| line.trim() != format!("- name: {name}"))
        .skip_while(|line| line.trim() != "run: |")
        .skip(1);
    let first = lines.next().unwrap();
    let indent = first.len() - first.trim_start().len();
    std::iter::once(first)
        .chain(lines.take_while(|line| {
            line.trim().is_empty() || line.len() - line.trim_start().len() >= indent
        }))
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        text(&output.stderr)
    );
}

/// A clone whose `origin/main` has `main_files`, checked out on a pull request branch that adds `pr_files`.
fn pull_request_checkout(
    main_files: &[(&str, &str)],
    pr_files: &[(&str, &str)],
) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let origin = root.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    std::fs::write(origin.join("README.md"), "infra\n").unwrap();
    for (path, content) in main_files {
        let path = origin.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-q", "-m", "main"]);
    git(root.path(), &["clone", "-q", "origin", "checkout"]);
    let checkout = root.path().join("checkout");
    git(&checkout, &["checkout", "-q", "-b", "pr"]);
    for (path, content) in pr_files {
        let path = checkout.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    root
}

/// Runs the preparation step in `dir` and returns what it hands agentlab: the configuration path and the default
/// branch's copy (its text) or `none`. The copy must sit in the private folder the cleanup step removes.
fn prepare(dir: &Path, config: &str) -> (String, String, String) {
    let runner_temp = tempfile::tempdir().unwrap();
    let outputs = runner_temp.path().join("outputs");
    let output = Command::new("bash")
        .arg("-c")
        .arg(action_step(
            "Prepare a private temporary folder and the trusted configuration",
        ))
        .current_dir(dir)
        .env("EVENT_NAME", "pull_request")
        .env("DEFAULT_BRANCH", "main")
        .env("AGENTLAB_CONFIG", config)
        .env("RUNNER_TEMP", runner_temp.path())
        .env("GITHUB_OUTPUT", &outputs)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let values = std::fs::read_to_string(&outputs).unwrap();
    let named = |name: &str| {
        values
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_default()
            .to_string()
    };
    let default_branch = match named("default_branch_config").as_str() {
        "none" => "none".to_string(),
        path => {
            assert!(
                path.starts_with(&runner_temp.path().display().to_string()),
                "{path}"
            );
            std::fs::read_to_string(path).unwrap()
        }
    };
    (named("config"), default_branch, text(&output.stdout))
}

#[test]
fn the_action_hands_agentlab_the_default_branch_copy_or_says_there_is_none() {
    let main_config = "[llm]\nspec = \"catalog\"\n";
    let pr_config = "[llm]\nspec = \"openai-compatible:elsewhere\"\n";

    let with_main = pull_request_checkout(
        &[("agentlab.toml", main_config)],
        &[("agentlab.toml", pr_config)],
    );
    let (config, default_branch, _) = prepare(&with_main.path().join("checkout"), "agentlab.toml");
    assert_eq!(default_branch, main_config);
    assert_eq!(
        config, "agentlab.toml",
        "agentlab reads the pull request's own file for the projects"
    );

    let first = pull_request_checkout(&[], &[("agentlab.toml", pr_config)]);
    let (_, default_branch, stdout) = prepare(&first.path().join("checkout"), "agentlab.toml");
    assert_eq!(default_branch, "none");
    assert!(
        stdout.contains("::notice title=agentlab::main has no agentlab.toml yet"),
        "{stdout}"
    );

    let subfolder = pull_request_checkout(
        &[("infra/agentlab.toml", main_config)],
        &[("infra/agentlab.toml", pr_config)],
    );
    let (_, default_branch, _) = prepare(&subfolder.path().join("checkout/infra"), "agentlab.toml");
    assert_eq!(
        default_branch, main_config,
        "read relative to the working directory"
    );
}
