//! Secrets end to end through the real binary: canaries planted in a sensitive variable, a sensitive output, the
//! environment (Proxmox VE, GitHub and LLM tokens), a private key and a URL with a password go through a plan
//! posted to a pull request, then a deploy that fails, is diagnosed by the LLM stand-in and files an incident.
//! None may appear in any request body sent to GitHub or the LLM, in a record or preview, in the step summary or
//! the step outputs, or in agentlab's logs.
//!
//! The runs believe they are inside GitHub Actions, so the log groups and annotations are checked too. There
//! agentlab prints `::add-mask::SECRET` so that the runner hides the value from its log; those lines carry the
//! secret by design, never reach the log, and are the only lines left out of the search.

use std::path::Path;

use agentlab::contracts::{Category, Outcome, Remediation};

use crate::diagnosis::{hypothesis, llm_answering};
use crate::github_stand_in::{OWNER_REPO, StandIn};
use crate::support::{
    agentlab, fixture_workspace, proxmox_for, pull_request_event, record_on_disk, stderr_of,
};

/// Where each canary was planted, and the canary.
const CANARIES: [(&str, &str); 9] = [
    (
        "sensitive variable in terraform.tfvars",
        "canary-tfvars-2b7e41",
    ),
    (
        "sensitive output (base64 of the variable, in no file)",
        "Y2FuYXJ5LXRmdmFycy0yYjdlNDE=",
    ),
    (
        "PROXMOX_VE_API_TOKEN secret",
        "6c1f2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
    ),
    ("GITHUB_TOKEN", "ghs_canaryGitHubToken0000000000000000000"),
    ("ANTHROPIC_API_KEY", "sk-ant-api03-canaryLlmKey-7f3e9a1b2c"),
    ("private key body", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUcanary"),
    ("password in a backend URL", "canary-url-pw-8e4d"),
    ("PROXMOX_VE_API_TOKEN whole", "terraform@pam!ci=6c1f2a3b"),
    ("token secret's tail", "9c0d1e2f3a4b"),
];

fn assert_no_canary(place: &str, text: &str) {
    for (planted_in, canary) in CANARIES {
        assert!(
            !text.contains(canary),
            "the {planted_in} ({canary}) leaked into {place}:\n{text}"
        );
    }
}

/// Every file under `dir`, recursively, with its path. A missing folder fails the test: nothing would be checked.
fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            files.push((path.display().to_string(), text));
        }
    }
    files
}

#[tokio::test]
async fn no_canary_leaves_the_process_in_any_request_record_summary_or_log() {
    let workspace = fixture_workspace(
        "fault-canaries",
        "[defaults]\nmax_retries = 2\nlock_timeout = \"0s\"\n[llm]\nspec = \"anthropic:claude-haiku-5-5\"\n\
         catalog = false\n[proxmox]\nnode = \"pmx-01\"\n",
    );
    let github = StandIn::start().await;
    github.add_issue(2, "Update the README", "", &[], true);
    // The model tries to echo secrets back; its answer is redacted like everything else.
    let echoing = hypothesis(
        Category::Permission,
        Remediation::Escalate,
        "the provisioner printed canary-tfvars-2b7e41 and sk-ant-api03-canaryLlmKey-7f3e9a1b2c",
        &["E1"],
    );
    let llm = llm_answering(&echoing, 2_000, 100).await;
    // The Proxmox VE stand-in knows the token and no guest yet: the plan's guest checks skip, as before a first
    // deploy.
    let proxmox_token = format!("terraform@pam!ci={}", CANARIES[2].1);
    let proxmox = proxmox_for(workspace.path(), &proxmox_token, 0..0, "sandbox").await;
    let summary = workspace.path().join("step-summary.md");
    let outputs = workspace.path().join("step-outputs.txt");
    let mut env = proxmox.env.clone();
    env.extend([
        ("GITHUB_ACTIONS", "true".to_string()),
        ("GITHUB_API_URL", github.api_url.clone()),
        ("GITHUB_TOKEN", CANARIES[3].1.to_string()),
        ("GITHUB_REPOSITORY", OWNER_REPO.to_string()),
        ("GITHUB_EVENT_NAME", "pull_request".to_string()),
        (
            "GITHUB_EVENT_PATH",
            pull_request_event().display().to_string(),
        ),
        ("GITHUB_SERVER_URL", "https://github.com".to_string()),
        ("GITHUB_RUN_ID", "4242".to_string()),
        ("GITHUB_RUN_ATTEMPT", "1".to_string()),
        ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
        ("GITHUB_OUTPUT", outputs.display().to_string()),
        ("ANTHROPIC_API_KEY", CANARIES[4].1.to_string()),
        ("AGENTLAB_LLM_BASE_URL", llm.base_url()),
        ("CANARY_URL_PASSWORD", CANARIES[6].1.to_string()),
        ("CANARY_KEY_BODY", CANARIES[5].1.to_string()),
    ]);

    // The plan, posted to the pull request, succeeds; the deploy fails and is diagnosed. Each writes its records
    // to the folder named after its command.
    let mut runs = Vec::new();
    for (command, exit_code, outcome) in [
        ("plan", 0, Outcome::Success),
        ("deploy", 1, Outcome::Failed),
    ] {
        let mut args = vec![
            command,
            "--project",
            "fault-canaries",
            "--post",
            "--output",
            command,
            "--json",
        ];
        // A deploy under a pull request's event is unreviewed (tests/it/review_gate.rs); here it must run and fail
        // on its own fault, so every canary has a path out to check.
        if command == "deploy" {
            args.push("--allow-unreviewed");
        }
        let output = agentlab(workspace.path(), &args, &env).await;
        assert_eq!(
            output.status.code(),
            Some(exit_code),
            "{command}: {}",
            stderr_of(&output)
        );
        let record = record_on_disk(&workspace.path().join(command), "fault-canaries");
        assert_eq!(record.outcome, outcome, "{command}");
        runs.push((command, output, record));
    }
    let record = &runs[1].2;
    assert_eq!(record.llm_calls, 1, "{:?}", record.failure_reason);

    // Every path was exercised: a plan comment, a deploy timeline, an incident, one LLM call.
    assert!(github.count("POST", "/issues/2/comments") >= 1);
    assert_eq!(github.issues_labelled("agentlab-incident").len(), 1);
    assert_eq!(llm.requests().len(), 1);
    let prompt = &llm.requests()[0].body;
    assert!(
        prompt.contains("root_password") && prompt.contains("permission denied"),
        "the prompt carries the failure and the project files, values hidden:\n{prompt}"
    );

    for (index, request) in github.requests().iter().enumerate() {
        assert_no_canary(
            &format!(
                "GitHub request {index} ({} {})",
                request.method, request.path
            ),
            &request.body.to_string(),
        );
    }
    for issue in github.issues_labelled("agentlab-incident") {
        assert_no_canary("the incident issue", &issue.to_string());
    }
    assert_no_canary("the LLM request", prompt);
    for (path, text) in files_under(&workspace.path().join("plan"))
        .into_iter()
        .chain(files_under(&workspace.path().join("deploy")))
    {
        assert_no_canary(&path, &text);
    }
    let summary_text = std::fs::read_to_string(&summary).unwrap();
    assert!(summary_text.contains("fault-canaries"), "{summary_text}");
    assert_no_canary("the step summary", &summary_text);
    assert_no_canary(
        "the step outputs",
        &std::fs::read_to_string(&outputs).unwrap(),
    );
    for (name, output, _) in &runs {
        assert_no_canary(
            &format!("{name}'s stdout"),
            &String::from_utf8_lossy(&output.stdout),
        );
        let stderr = stderr_of(output);
        let (masks, log): (Vec<&str>, Vec<&str>) = stderr
            .lines()
            .partition(|line| line.starts_with("::add-mask::"));
        assert!(
            masks.iter().any(|line| line.contains(CANARIES[3].1)),
            "{name} asks the runner to mask the GitHub token: {masks:?}"
        );
        assert!(
            log.iter().any(|line| line.starts_with("::group::")),
            "{name}'s log has the Actions log groups:\n{stderr}"
        );
        assert_no_canary(&format!("{name}'s stderr"), &log.join("\n"));
    }
}
