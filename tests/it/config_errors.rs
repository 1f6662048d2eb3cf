//! Configuration errors are configuration errors, seen from the binary: every problem the pre-run checks find is
//! listed at once with exit status 2 before Terraform or the Validator runs and before any record is written; a
//! pull request's run takes its projects from its own file and says in the comment when the default branch has no
//! configuration yet; records go to a `.agentlab/` folder that ignores itself.

use std::path::Path;

use crate::support::{
    agentlab, agentlab_in, sandbox_proxmox, sandbox_workspace, stderr_of, text,
    with_installed_terraform,
};

/// The sandbox's configuration with three broken projects added after the working ones.
fn with_broken_projects(workspace: &Path) {
    let config = workspace.join("agentlab-sandbox.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        r#"
[[project]]
name = "renamed-folder"
dir = "sandbox-okay"

[[project]]
name = "points-at-a-file"
dir = "sandbox-ok/main.tf"

[[project]]
name = "empty-folder"
dir = "empty"
backend_config = ["../backend/missing.s3.tfbackend"]
"#,
    );
    std::fs::write(&config, text).unwrap();
    std::fs::create_dir(workspace.join("empty")).unwrap();
}

#[tokio::test]
async fn every_broken_project_is_listed_with_exit_2_before_terraform_runs() {
    let workspace = sandbox_workspace();
    with_broken_projects(workspace.path());
    let output = agentlab(
        workspace.path(),
        &["plan", "--all", "--no-post", "--output", "out"],
        &[],
    )
    .await;
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for expected in [
        "3 problems to fix before anything runs",
        "project `renamed-folder`: the folder ",
        "sandbox-okay does not exist",
        "project `points-at-a-file`: ",
        "sandbox-ok/main.tf is not a folder",
        "project `empty-folder`: ",
        "empty holds no Terraform file",
    ] {
        assert!(stderr.contains(expected), "`{expected}` in:\n{stderr}");
    }
    assert!(
        !stderr.contains("missing.s3.tfbackend"),
        "an empty folder's backend file is not looked at twice:\n{stderr}"
    );
    assert!(!stderr.contains("cannot run terraform"), "{stderr}");
    assert!(
        !workspace.path().join("out").exists(),
        "no record was written"
    );
    assert!(
        !workspace.path().join("sandbox-ok/.terraform").exists(),
        "terraform never ran, not even for the projects that are fine"
    );
}

#[tokio::test]
async fn a_deploy_without_the_proxmox_variables_is_refused_before_it_applies() {
    let workspace = sandbox_workspace();
    let output = agentlab(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
        ],
        &[],
    )
    .await;
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("PROXMOX_VE_ENDPOINT is not set; `sandbox-ok` needs it")
            && stderr.contains("PROXMOX_VE_API_TOKEN is not set; `sandbox-ok` needs it"),
        "{stderr}"
    );
    assert!(
        !workspace
            .path()
            .join("sandbox-ok/terraform.tfstate")
            .exists()
    );
    assert!(
        !workspace.path().join("out").exists(),
        "no record, no incident"
    );

    // With the variables (a Proxmox VE stand-in on loopback) the same deploy runs and succeeds.
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let output = agentlab(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
        ],
        &proxmox.env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[tokio::test]
async fn an_undeclared_guests_output_and_a_configuration_without_projects_are_found_at_plan_time() {
    let workspace = sandbox_workspace();
    let config = workspace.path().join("agentlab-sandbox.toml");
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "guests_output = \"guests\"",
        "guests_output = \"guest\"",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let output = agentlab(
        workspace.path(),
        &["plan", "--project", "sandbox-ok", "--no-post"],
        &[],
    )
    .await;
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("project `sandbox-ok`: guests_output = \"guest\"")
            && stderr.contains("its outputs: \"guests\""),
        "{stderr}"
    );

    std::fs::write(&config, "[defaults]\nmax_retries = 1\n").unwrap();
    let output = agentlab(workspace.path(), &["plan", "--all", "--no-post"], &[]).await;
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("declares no [[project]]"), "{stderr}");
}

#[tokio::test]
async fn a_first_pull_request_is_planned_with_its_own_projects_and_its_comment_says_so() {
    let workspace = sandbox_workspace();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let mut env = proxmox.env.clone();
    env.push(("AGENTLAB_DEFAULT_BRANCH_CONFIG", "none".to_string()));
    let output = agentlab(
        workspace.path(),
        &[
            "plan",
            "--project",
            "sandbox-ok",
            "--no-post",
            "--output",
            "out",
        ],
        &env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let comment =
        std::fs::read_to_string(workspace.path().join("out/sandbox-ok.pr-comment.md")).unwrap();
    let notes: Vec<&str> = comment
        .lines()
        .filter(|line| line.contains("The default branch has no `agentlab.toml` yet"))
        .collect();
    assert_eq!(notes.len(), 1, "one line says so:\n{comment}");
    assert!(
        notes[0].contains("offline known-failure catalogue"),
        "{comment}"
    );

    // A default branch copy that does not parse stops the run: it decides where secrets may go.
    std::fs::write(
        workspace.path().join("main.toml"),
        "[llm]\nspec = \"gpt\"\n",
    )
    .unwrap();
    let output = agentlab(
        workspace.path(),
        &["plan", "--project", "sandbox-ok", "--no-post"],
        &[(
            "AGENTLAB_DEFAULT_BRANCH_CONFIG",
            workspace.path().join("main.toml").display().to_string(),
        )],
    )
    .await;
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("default branch's copy"), "{stderr}");
}

#[test]
fn a_configuration_in_a_subfolder_lists_the_projects_its_changed_files_touch() {
    let repository = tempfile::tempdir().unwrap();
    std::fs::create_dir(repository.path().join(".git")).unwrap();
    let infra = repository.path().join("infra");
    std::fs::create_dir_all(infra.join("modules/dns")).unwrap();
    std::fs::create_dir_all(infra.join("modules/lxc")).unwrap();
    std::fs::write(infra.join("modules/dns/main.tf"), "").unwrap();
    std::fs::write(infra.join("modules/lxc/main.tf"), "").unwrap();
    std::fs::write(
        infra.join("agentlab.toml"),
        "[[project]]\nname = \"dns\"\ndir = \"modules/dns\"\n\
         [[project]]\nname = \"lxc\"\ndir = \"modules/lxc\"\n",
    )
    .unwrap();
    // As GitHub lists them: relative to the repository's root.
    std::fs::write(
        infra.join("changed.txt"),
        "infra/modules/lxc/main.tf\nREADME.md\n",
    )
    .unwrap();
    let mut command = agentlab_in(&infra);
    let output = with_installed_terraform(&mut command)
        .args([
            "plan",
            "--changed-files",
            "changed.txt",
            "--list-projects",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(text(&output.stdout).trim(), r#"["lxc"]"#);
}

#[tokio::test]
async fn the_default_record_folder_ignores_itself() {
    let workspace = sandbox_workspace();
    let proxmox = sandbox_proxmox(workspace.path()).await;
    let output = agentlab(
        workspace.path(),
        &["plan", "--project", "sandbox-ok", "--no-post"],
        &proxmox.env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let ignore = std::fs::read_to_string(workspace.path().join(".agentlab/.gitignore")).unwrap();
    assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
    assert!(workspace.path().join(".agentlab/runs").is_dir());
}
