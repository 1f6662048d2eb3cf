//! `agentlab validate` getting Terraform's facts itself (no `--state`), and a project without guests deployed and
//! validated end to end: the real binary, the real terraform 1.0.3 on the sandbox projects, the Proxmox VE
//! stand-in.

use std::path::Path;
use std::process::Output;

use agentlab::contracts::{CheckName, CheckStatus, ValidationResult};

use crate::support::{
    agentlab, agentlab_in, records_from_stdout, sandbox_proxmox, sandbox_workspace, stderr_of, text,
};

/// `agentlab validate --project PROJECT ARGS --json` in `workspace`, and its result.
async fn validate(
    workspace: &Path,
    project: &str,
    args: &[&str],
    env: &[(&str, String)],
) -> (Output, ValidationResult) {
    let mut all = vec!["validate", "--project", project, "--json"];
    all.extend(args);
    let output = agentlab(workspace, &all, env).await;
    let result = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", stderr_of(&output)));
    (output, result)
}

fn status_of(result: &ValidationResult, name: CheckName) -> (CheckStatus, String) {
    let check = result
        .checks
        .iter()
        .find(|check| check.name == name)
        .expect("every check is there");
    (check.status, check.detail.clone())
}

const LIVE_CHECKS: [CheckName; 3] = [
    CheckName::GuestStatus,
    CheckName::IpAssigned,
    CheckName::Reachable,
];

#[tokio::test]
async fn a_project_without_guests_deploys_and_validates_with_the_live_checks_skipped() {
    let workspace = sandbox_workspace();
    let deploy = agentlab(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "sandbox-no-guests",
            "--no-post",
            "--json",
            "--output",
            "out",
            "--llm",
            "none",
        ],
        &[],
    )
    .await;
    assert_eq!(deploy.status.code(), Some(0), "{}", stderr_of(&deploy));
    let records = records_from_stdout(&deploy);
    let attempt = &records[0].attempts[0];
    assert!(
        attempt.diagnosis.is_none(),
        "a clean deploy asks for nothing"
    );
    let validation = attempt.validation.as_ref().expect("validated");
    assert_eq!(
        status_of(validation, CheckName::Resources).0,
        CheckStatus::Pass
    );
    for name in LIVE_CHECKS {
        assert_eq!(
            status_of(validation, name),
            (
                CheckStatus::Skip,
                "the project has no `guests` output".to_string()
            ),
            "{name:?}"
        );
    }

    // The same facts without --state, live and from a fresh plan.
    for mode in ["live", "plan"] {
        let (output, result) = validate(
            workspace.path(),
            "sandbox-no-guests",
            &["--mode", mode],
            &[],
        )
        .await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{mode}: {}",
            stderr_of(&output)
        );
        assert_eq!(
            status_of(&result, CheckName::Resources).0,
            CheckStatus::Pass
        );
        for name in LIVE_CHECKS {
            assert_eq!(
                status_of(&result, name).1,
                "the project has no `guests` output",
                "{mode} {name:?}"
            );
        }
    }
}

#[tokio::test]
async fn validate_without_state_reads_the_deployed_state_or_a_fresh_plan() {
    let workspace = sandbox_workspace();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let project = workspace.path().join("sandbox-ok");

    // Never initialised: `validate --mode plan` runs init, plans, and checks the plan.
    let (output, result) = validate(
        workspace.path(),
        "sandbox-ok",
        &["--mode", "plan"],
        &proxmox.env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(project.join(".terraform").is_dir(), "init ran");
    assert!(
        status_of(&result, CheckName::Resources)
            .1
            .contains("in the plan's planned values"),
        "{result:?}"
    );
    assert!(
        !project.join("terraform.tfstate").exists(),
        "a plan applies nothing"
    );

    // Nothing deployed yet: the state has no containers and no `guests` output, which sandbox-ok names explicitly.
    let (output, result) = validate(workspace.path(), "sandbox-ok", &[], &proxmox.env).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert_eq!(
        status_of(&result, CheckName::Resources).0,
        CheckStatus::Fail
    );
    let (status, _) = status_of(&result, CheckName::GuestStatus);
    assert_eq!(status, CheckStatus::Fail);
    assert!(
        format!("{result:?}").contains("the project has no `guests` output, which"),
        "{result:?}"
    );

    let deploy = agentlab(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
            "--llm",
            "none",
        ],
        &proxmox.env,
    )
    .await;
    assert_eq!(deploy.status.code(), Some(0), "{}", stderr_of(&deploy));
    let (output, result) = validate(workspace.path(), "sandbox-ok", &[], &proxmox.env).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        result
            .checks
            .iter()
            .all(|check| check.status == CheckStatus::Pass),
        "{result:?}"
    );
    assert!(
        status_of(&result, CheckName::Resources)
            .1
            .contains("in the state"),
        "{result:?}"
    );

    // An initialised folder that lost its providers: `show` fails, `init` runs, and `show` answers.
    std::fs::remove_dir_all(project.join(".terraform/providers")).expect("providers removed");
    let (output, result) = validate(workspace.path(), "sandbox-ok", &[], &proxmox.env).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("running `terraform init` and trying again"),
        "{}",
        stderr_of(&output)
    );
    assert!(result.ok, "{result:?}");
}

#[tokio::test]
async fn validate_says_why_when_terraform_cannot_give_the_facts() {
    let workspace = sandbox_workspace();
    // The backend points at a port where nothing listens: `init` fails.
    let (output, _) = {
        let output = agentlab(
            workspace.path(),
            &["validate", "--project", "fault-backend-offline"],
            &[],
        )
        .await;
        (output, ())
    };
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Terraform could not give the facts of `fault-backend-offline`"),
        "{stderr}"
    );
}

#[test]
fn the_help_and_the_readme_agree_on_validate() {
    let help = agentlab_in(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["validate", "--help"])
        .output()
        .expect("agentlab runs");
    let help = text(&help.stdout);
    for option in [
        "--project <NAME>",
        "--mode <MODE>",
        "--state <FILE>",
        "--json",
    ] {
        assert!(help.contains(option), "{option}: {help}");
    }
    assert!(
        help.contains("Without --state it reads Terraform's facts itself"),
        "{help}"
    );
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    assert!(
        readme.contains(
            "  validate  --project NAME [--mode plan|live] [--state FILE] [--json]   (without --state it reads the facts itself)"
        ),
        "the README's synopsis of validate"
    );
}
