//! The pre-run checks against real folders: each kind of problem is found, named with its project and path, and
//! all of them are reported together.

use super::*;
use crate::commands::{Environment, ExitStatus};

/// A repository in a temporary folder: `files` (path → text) and an `agentlab.toml` of `config`.
fn repository(config: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, LoadedConfig) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let config_path = dir.path().join("agentlab.toml");
    std::fs::write(&config_path, config).unwrap();
    let loaded = LoadedConfig::load(&config_path).unwrap();
    (dir, loaded)
}

/// A context whose Terraform binary exists (so only the problems a test sets up are found), plus `pairs`.
fn context_with(pairs: &[(&str, &str)]) -> CommandContext {
    let mut variables: Vec<(String, String)> = pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    if !pairs.iter().any(|(name, _)| *name == "AGENTLAB_TERRAFORM") {
        variables.push(("AGENTLAB_TERRAFORM".into(), "/bin/sh".into()));
    }
    CommandContext::new(Environment::from_pairs(variables))
}

fn problems_of(
    config: &LoadedConfig,
    context: &CommandContext,
    scope: PreflightScope,
) -> Vec<String> {
    let projects: Vec<&ProjectConfig> = config.config.projects.iter().collect();
    preflight_problems(context, config, &projects, scope)
}

const THREE_BROKEN: &str = r#"
[[project]]
name = "gone"
dir = "modules/gone"
[[project]]
name = "a-file"
dir = "modules/main.tf"
[[project]]
name = "empty"
dir = "modules/empty"
[[project]]
name = "fine"
dir = "modules/fine"
"#;

#[test]
fn every_missing_folder_file_and_empty_folder_is_listed_at_once_with_its_project_and_path() {
    let (dir, config) = repository(
        THREE_BROKEN,
        &[
            ("modules/main.tf", ""),
            ("modules/empty/README.md", "no code here"),
            (
                "modules/fine/main.tf",
                "resource \"null_resource\" \"x\" {}\n",
            ),
        ],
    );
    let problems = problems_of(&config, &context_with(&[]), PreflightScope::Files);
    let root = dir.path().display().to_string();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].starts_with("project `gone`: the folder ")
            && problems[0].contains(&format!("{root}/modules/gone"))
            && problems[0].ends_with("does not exist"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].starts_with("project `a-file`: ") && problems[1].ends_with("is not a folder"),
        "{}",
        problems[1]
    );
    assert!(
        problems[2].starts_with("project `empty`: ")
            && problems[2].contains("holds no Terraform file"),
        "{}",
        problems[2]
    );

    let projects: Vec<&ProjectConfig> = config.config.projects.iter().collect();
    let error = check_before_running(
        &context_with(&[]),
        &config,
        &projects,
        PreflightScope::Files,
    )
    .unwrap_err();
    assert_eq!(error.exit_status(), ExitStatus::BadInput);
    let text = error.to_string();
    assert!(
        text.contains("3 problems to fix before anything runs"),
        "{text}"
    );
    assert!(
        text.contains("\n  - project `gone`") && text.contains("\n  - project `empty`"),
        "{text}"
    );
}

#[test]
fn a_configuration_without_projects_is_a_problem_whatever_is_selected() {
    let (_dir, config) = repository("[defaults]\nmax_retries = 1\n", &[]);
    let problems = problems_of(
        &config,
        &context_with(&[]),
        PreflightScope::Run(RunMode::Plan),
    );
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("declares no [[project]]"),
        "{problems:?}"
    );
}

#[test]
fn a_missing_backend_config_file_and_an_undeclared_guests_output_are_found_before_terraform() {
    let (_dir, config) = repository(
        r#"
[[project]]
name = "typo"
dir = "modules/lxc"
backend_config = ["../backend/minio.s3.tfbackends", "key=lxc/terraform.tfstate"]
[project.validate]
guests_output = "guest"
[[project]]
name = "no-guests-by-default"
dir = "modules/dns"
"#,
        &[
            (
                "modules/lxc/main.tf",
                "output \"guests\" {\n  value = []\n}\noutput \"ids\" {\n  value = []\n}\n",
            ),
            (
                "modules/dns/main.tf",
                "resource \"null_resource\" \"x\" {}\n",
            ),
            (
                "modules/backend/minio.s3.tfbackend",
                "bucket = \"tfstate\"\n",
            ),
        ],
    );
    let problems = problems_of(&config, &context_with(&[]), PreflightScope::Files);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0]
            .starts_with("project `typo`: backend_config file \"../backend/minio.s3.tfbackends\"")
            && problems[0].contains("it does not exist"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("guests_output = \"guest\"")
            && problems[1].contains("its outputs: \"guests\", \"ids\""),
        "{}",
        problems[1]
    );
}

const PROXMOX_AND_MINIO: &str = r#"
[[project]]
name = "lxc"
dir = "modules/lxc"
backend_config = ["../backend/minio.s3.tfbackend"]
[[project]]
name = "vm"
dir = "modules/vm"
backend_config = ["../backend/minio.s3.tfbackend"]
[[project]]
name = "sandbox"
dir = "sandbox"
[[project]]
name = "no-guests-yet"
dir = "dns"
"#;

const BPG_MODULE: &str = r#"
terraform {
  required_providers {
    proxmox = { source = "bpg/proxmox" }
  }
  backend "s3" {
    key = "lxc/terraform.tfstate"
  }
}
output "guests" { value = [] }
"#;

fn proxmox_and_minio() -> (tempfile::TempDir, LoadedConfig) {
    repository(
        PROXMOX_AND_MINIO,
        &[
            ("modules/lxc/main.tf", BPG_MODULE),
            ("modules/vm/main.tf", BPG_MODULE),
            (
                "modules/backend/minio.s3.tfbackend",
                "bucket = \"tfstate\"\nendpoints = { s3 = \"http://nas.lan:9000\" }\n",
            ),
            (
                "sandbox/main.tf",
                "resource \"null_resource\" \"x\" {}\noutput \"guests\" {\n  value = [{ vmid = 100 }]\n}\n",
            ),
            (
                "dns/main.tf",
                "resource \"null_resource\" \"x\" {}\noutput \"guests\" {\n  value = []\n}\n",
            ),
        ],
    )
}

#[test]
fn each_missing_variable_is_named_once_with_the_projects_that_need_it_and_where_it_comes_from() {
    let (_dir, config) = proxmox_and_minio();
    let problems = problems_of(
        &config,
        &context_with(&[]),
        PreflightScope::Run(RunMode::Deploy),
    );
    assert_eq!(problems.len(), 4, "{problems:#?}");
    let named = |variable: &str| {
        problems
            .iter()
            .find(|problem| problem.starts_with(&format!("{variable} is not set")))
            .unwrap_or_else(|| panic!("{variable} in {problems:#?}"))
            .clone()
    };
    let endpoint = named("PROXMOX_VE_ENDPOINT");
    assert!(
        endpoint.contains("`lxc`, `vm`, `sandbox` need it")
            && endpoint.contains("the bpg/proxmox provider reads it")
            && endpoint.contains("the Validator checks the live guests")
            && endpoint.contains("variable PROXMOX_VE_ENDPOINT"),
        "{endpoint}"
    );
    assert!(named("PROXMOX_VE_API_TOKEN").contains("secret PROXMOX_VE_API_TOKEN"));
    let key = named("AWS_ACCESS_KEY_ID");
    assert!(
        key.contains("`lxc`, `vm` need it") && key.contains("secret MINIO_ACCESS_KEY_ID"),
        "{key}"
    );
    assert!(named("AWS_SECRET_ACCESS_KEY").contains("MINIO_SECRET_ACCESS_KEY"));
}

#[test]
fn a_plan_needs_no_api_for_guests_the_files_only_scope_no_variables_and_set_ones_are_not_missing() {
    let (_dir, config) = proxmox_and_minio();
    let plan = problems_of(
        &config,
        &context_with(&[]),
        PreflightScope::Run(RunMode::Plan),
    );
    assert!(
        plan.iter()
            .any(|problem| problem.contains("PROXMOX_VE_ENDPOINT is not set; `lxc`, `vm` need it")),
        "a plan's provider still needs the endpoint, the sandbox's guests do not: {plan:#?}"
    );
    assert!(problems_of(&config, &context_with(&[]), PreflightScope::Files).is_empty());
    let everything = context_with(&[
        ("PROXMOX_VE_ENDPOINT", "https://pve.lan:8006/"),
        ("PROXMOX_VE_API_TOKEN", "terraform@pve!agentlab=0000"),
        ("AWS_ACCESS_KEY_ID", "minio"),
        ("AWS_SECRET_ACCESS_KEY", "minio-secret"),
    ]);
    assert!(problems_of(&config, &everything, PreflightScope::Run(RunMode::Deploy)).is_empty());
    let profile = context_with(&[
        ("PROXMOX_VE_ENDPOINT", "https://pve.lan:8006/"),
        ("PROXMOX_VE_API_TOKEN", "terraform@pve!agentlab=0000"),
        ("AWS_PROFILE", "minio"),
    ]);
    assert!(
        problems_of(&config, &profile, PreflightScope::Run(RunMode::Deploy)).is_empty(),
        "a profile is another source of S3 credentials"
    );
    let credentials = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(credentials.path(), "[default]\naws_access_key_id = minio\n").unwrap();
    let credentials = credentials.path().display().to_string();
    for (file, keys_needed) in [("/dev/null", true), (credentials.as_str(), false)] {
        let context = context_with(&[
            ("PROXMOX_VE_ENDPOINT", "https://pve.lan:8006/"),
            ("PROXMOX_VE_API_TOKEN", "terraform@pve!agentlab=0000"),
            ("AWS_SHARED_CREDENTIALS_FILE", file),
        ]);
        let problems = problems_of(&config, &context, PreflightScope::Run(RunMode::Deploy));
        assert_eq!(
            problems
                .iter()
                .any(|problem| problem.starts_with("AWS_ACCESS_KEY_ID")),
            keys_needed,
            "{file}: {problems:#?}"
        );
    }
}

#[test]
fn a_provider_block_that_sets_the_endpoint_needs_no_variable_for_it() {
    let (_dir, config) = repository(
        "[[project]]\nname = \"p\"\ndir = \"p\"\n",
        &[(
            "p/main.tf",
            "provider \"proxmox\" {\n  endpoint = var.endpoint\n  api_token = var.token\n}\n",
        )],
    );
    assert!(
        problems_of(
            &config,
            &context_with(&[]),
            PreflightScope::Run(RunMode::Plan)
        )
        .is_empty()
    );
}

#[test]
fn a_terraform_binary_that_cannot_be_found_is_named() {
    let (_dir, config) = repository(
        "[[project]]\nname = \"p\"\ndir = \"p\"\n",
        &[("p/main.tf", "")],
    );
    let empty_path = tempfile::tempdir().unwrap();
    let on_path = context_with(&[
        ("AGENTLAB_TERRAFORM", "tofu-typo"),
        ("PATH", &empty_path.path().display().to_string()),
    ]);
    let problems = problems_of(&config, &on_path, PreflightScope::Run(RunMode::Plan));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("`tofu-typo` is not on PATH"),
        "{}",
        problems[0]
    );
    let missing_file = context_with(&[("AGENTLAB_TERRAFORM", "/nowhere/terraform")]);
    let problems = problems_of(&config, &missing_file, PreflightScope::Run(RunMode::Plan));
    assert!(
        problems[0].contains("/nowhere/terraform is not a file"),
        "{problems:#?}"
    );
    assert!(
        problems_of(&config, &on_path, PreflightScope::Files).is_empty(),
        "listing projects runs no Terraform"
    );
}

#[test]
fn a_glob_whose_folder_does_not_exist_is_warned_about() {
    let (_dir, config) = repository(
        r#"
[[project]]
name = "lxc"
dir = "modules/lxc"
when_modified = ["infra/modules/lxc/**", "modules/lxc/**", "modules/backend/*.tfbackend", "*.tfvars"]
"#,
        &[("modules/lxc/main.tf", "")],
    );
    let warnings = globs_naming_nothing(&config, &config.config.projects[0]);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].contains("\"infra/modules/lxc/**\" can match nothing")
            && warnings[0].contains("infra/modules/lxc does not exist"),
        "{}",
        warnings[0]
    );
    assert!(warnings[1].contains("modules/backend"), "{}", warnings[1]);
}
