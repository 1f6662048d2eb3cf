//! What the real terraform 1.0.3 prints, read by agentlab's reader of its human output and looked up in the
//! catalogue. Terraform wraps a diagnostic's detail at 78 columns when it does not write to a terminal, as on a
//! runner: a provider's lock message (carried here by a variable's validation message, the one error text a
//! configuration can choose) is broken inside its own words, and the catalogue still knows the lock, because it
//! matches the message, not the width it was printed at. The message is bpg/terraform-provider-proxmox#995's
//! wording, which the catalogue's own tests cite. And Terraform's own verdicts on a configuration, in its own words,
//! are a configuration mistake at $0.

use std::path::Path;
use std::process::Output;

use agentlab::contracts::{
    Category, DiagnosisRequest, Diagnostic, RunMode, TerraformPhase, TerraformResult,
};
use agentlab::diagnosis::catalogue::{CatalogueMatch, recognise};
use agentlab::diagnosis::context::DiagnosisContext;
use agentlab::redact::Redactor;
use agentlab::terraform::human::diagnostics_from_human_output;

use crate::support::run_terraform;

/// `plan` and `init` as a runner calls them: never waiting on a terminal, no colour codes.
const PLAN: &[&str] = &["plan", "-input=false", "-no-color"];
const INIT: &[&str] = &["init", "-input=false", "-no-color"];

const LOCK_MESSAGE: &str = "Error updating VM: received an HTTP 500 response - Reason: can't lock file \
'/var/lock/qemu-server/lock-101.conf' - got timeout.";

/// A project directory whose `main.tf` is `config`.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.tf"), config).expect("writes main.tf");
    dir
}

/// Runs `init` and `apply` in `dir`, which must both succeed.
fn init_and_apply(dir: &Path) {
    for args in [
        INIT,
        &["apply", "-input=false", "-no-color", "-auto-approve"][..],
    ] {
        let output = run_terraform(dir, args);
        assert!(output.status.success(), "{args:?}: {output:?}");
    }
}

/// The failed plan of project `homelab` in `dir` whose errors are `diagnostics`.
fn failed_plan(dir: &Path, output: &Output, diagnostics: Vec<Diagnostic>) -> DiagnosisRequest {
    DiagnosisRequest {
        project: "homelab".into(),
        dir: dir.to_path_buf(),
        mode: RunMode::Deploy,
        attempt: 1,
        terraform: TerraformResult {
            ok: false,
            phase: TerraformPhase::Plan,
            exit_code: output.status.code(),
            resource_addresses: Vec::new(),
            diagnostics,
            ..super::ok_result()
        },
        validation: None,
        transitions: Vec::new(),
        previous: Vec::new(),
        spent_usd: 0.0,
        spent_tokens: 0,
    }
}

/// What the catalogue answers for `diagnostics`, as the failed plan of `dir` that printed `output`.
fn catalogue_answer(
    dir: &Path,
    output: &Output,
    diagnostics: Vec<Diagnostic>,
) -> Option<CatalogueMatch> {
    let request = failed_plan(dir, output, diagnostics);
    let context = DiagnosisContext::assemble(&request, &Redactor::new(), 6_000);
    recognise(&request, &context)
}

/// The diagnostics of what terraform printed to stderr.
fn printed(output: &Output) -> Vec<Diagnostic> {
    diagnostics_from_human_output(&String::from_utf8_lossy(&output.stderr), true)
}

/// Runs terraform with `args` in `dir`, which must fail with its first error's summary opening with `summary`, and
/// checks that the catalogue answers it with `signature` and `category`; returns that answer.
fn terraform_fails_and_is_read_as(
    dir: &Path,
    args: &[&str],
    summary: &str,
    signature: &str,
    category: Category,
) -> CatalogueMatch {
    let output = run_terraform(dir, args);
    assert!(!output.status.success(), "{args:?} fails");
    let diagnostics = printed(&output);
    assert!(
        diagnostics[0].summary.starts_with(summary),
        "{args:?}: {}",
        diagnostics[0].summary
    );
    let found = catalogue_answer(dir, &output, diagnostics)
        .unwrap_or_else(|| panic!("the catalogue knows \"{summary}\""));
    assert_eq!(found.signature, signature, "{summary}");
    assert_eq!(found.hypothesis.category, category, "{summary}");
    found
}

#[test]
fn a_lock_message_that_terraform_wrapped_is_still_a_lock() {
    let dir = project(&format!(
        "variable \"vm\" {{\n  default = \"a\"\n  validation {{\n    condition     = var.vm == \"b\"\n    \
             error_message = \"{LOCK_MESSAGE}\"\n  }}\n}}\n"
    ));
    let output = run_terraform(dir.path(), PLAN);
    assert!(
        !output.status.success(),
        "the validation rule fails the plan"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    let diagnostics = diagnostics_from_human_output(&stderr, true);
    let detail = &diagnostics.first().expect("one diagnostic").detail;
    assert!(
        detail.contains("can't lock file\n'/var/lock/qemu-server/lock-101.conf'"),
        "terraform wrapped the message inside the lock wording: {detail}"
    );

    let found = catalogue_answer(dir.path(), &output, diagnostics)
        .expect("the catalogue knows the wrapped lock");
    assert_eq!(found.signature, "proxmox-node-lock-timeout");
    assert_eq!(found.hypothesis.category, Category::TransientLock);
    assert!(
        found
            .hypothesis
            .root_cause
            .contains("/var/lock/qemu-server/lock-101.conf"),
        "{}",
        found.hypothesis.root_cause
    );
}

#[test]
fn terraforms_own_verdicts_on_a_configuration_are_a_configuration_mistake() {
    for (config, summary) in [
        (
            "output \"a\" { value = local.nope }",
            "Reference to undeclared local value",
        ),
        (
            "output \"a\" { value = nofunc(1) }",
            "Call to unknown function",
        ),
        ("output \"a\" { value = 1 + }", "Invalid expression"),
        (
            "locals {\n  a = local.b\n  b = local.a\n}\noutput \"a\" { value = local.a }",
            // The order of the cycle's members varies from run to run (Go's map order): the prefix is checked.
            "Cycle: ",
        ),
        (
            "variable \"n\" {\n  type    = number\n  default = \"two\"\n}",
            "Invalid default value for variable",
        ),
        (
            "variable \"b\" { default = true }\noutput \"a\" { value = var.b ? \"a\" : [\"b\"] }",
            "Inconsistent conditional result types",
        ),
        ("locals { l = [\"a\" \"b\"] }", "Missing item separator"),
        ("locals {\n  a = 1\n  a = 2\n}", "Attribute redefined"),
        ("locals { a = 1 ; b = 2 }", "Invalid character"),
    ] {
        terraform_refuses(config, "validate", summary);
    }
}

#[test]
fn terraforms_verdicts_while_planning_are_a_configuration_mistake_too() {
    for (config, summary) in [
        (
            "variable \"token\" {}\noutput \"a\" { value = var.token }",
            "No value for required variable",
        ),
        (
            "variable \"o\" {\n  type    = object({ a = string })\n  default = null\n}\noutput \"a\" { value = var.o.a }",
            "Attempt to get attribute from null value",
        ),
        (
            "locals { l = [] }\noutput \"a\" { value = local.l[2] }",
            "Invalid index",
        ),
        (
            "variable \"s\" {\n  default   = \"x\"\n  sensitive = true\n}\noutput \"a\" { value = var.s }",
            "Output refers to sensitive values",
        ),
    ] {
        terraform_refuses(config, "plan", summary);
    }
}

#[test]
fn hcls_detail_alone_is_still_a_configuration_mistake() {
    // A report, a CI log or a wrapper often quotes Terraform's detail without the "Error: ..." line above it.
    for (config, detail, signature, named) in [
        (
            "variable \"a\" { nope = 1 }",
            "An argument named \"nope\" is not expected here.",
            "terraform-argument-unsupported",
            "\"nope\"",
        ),
        (
            "variable \"a\" {\n  cloudinit {}\n}",
            "Blocks of type \"cloudinit\" are not expected here.",
            "terraform-argument-unsupported",
            "\"cloudinit\"",
        ),
        (
            "variable \"a\" {\n  validation {}\n}",
            "The argument \"condition\" is required, but no definition was found.",
            "terraform-configuration-invalid",
            "The argument \"condition\" is required",
        ),
    ] {
        let dir = project(&format!("{config}\n"));
        let output = run_terraform(dir.path(), &["validate", "-no-color"]);
        assert!(!output.status.success(), "{config} is refused");
        let shown = printed(&output);
        assert!(shown[0].detail.contains(detail), "{config}: {:?}", shown[0]);

        // The same detail, relayed without its summary.
        let relayed = vec![Diagnostic {
            summary: detail.to_string(),
            detail: String::new(),
            ..shown[0].clone()
        }];
        let found = catalogue_answer(dir.path(), &output, relayed)
            .expect("the catalogue knows HCL's detail");
        assert_eq!(found.signature, signature, "{config}");
        assert_eq!(found.hypothesis.category, Category::Configuration);
        assert!(
            found.hypothesis.root_cause.contains(named),
            "{}",
            found.hypothesis.root_cause
        );
    }
}

#[test]
fn a_working_directory_that_needs_init_is_the_backends_or_the_providers() {
    for (config, summary, signature, category) in [
        (
            "terraform {\n  backend \"local\" {}\n}",
            "Backend initialization required",
            "terraform-backend-init-required",
            Category::StateBackend,
        ),
        (
            "terraform {\n  required_providers {\n    null = { source = \"hashicorp/null\" }\n  }\n}\nresource \"null_resource\" \"a\" {}",
            "Could not load plugin",
            "provider-plugins-not-installed",
            Category::ProviderIncompatibility,
        ),
    ] {
        let dir = project(&format!("{config}\n"));
        // No `terraform init` first: what a run in a directory initialised for another configuration meets.
        terraform_fails_and_is_read_as(dir.path(), PLAN, summary, signature, category);
    }
}

#[test]
fn a_state_that_outlived_its_provider_or_its_provider_configuration_is_named() {
    let dir = project(
        "terraform {\n  required_providers {\n    null = { source = \"hashicorp/null\" }\n  }\n}\nresource \"null_resource\" \"a\" {}\n",
    );
    init_and_apply(dir.path());
    let state_path = dir.path().join("terraform.tfstate");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state_path).expect("state")).expect("state JSON");

    // The object as a newer release of the provider would have written it (a schema version it does not know).
    let mut newer = written.clone();
    newer["resources"][0]["instances"][0]["schema_version"] = serde_json::json!(7);
    newer["serial"] = serde_json::json!(written["serial"].as_u64().expect("serial") + 1);
    // An object whose provider configuration (an alias) the configuration no longer has.
    let mut orphaned = written.clone();
    let mut orphan = written["resources"][0].clone();
    orphan["name"] = serde_json::json!("gone");
    orphan["provider"] =
        serde_json::json!("provider[\"registry.terraform.io/hashicorp/null\"].other");
    orphaned["resources"]
        .as_array_mut()
        .expect("resources")
        .push(orphan);
    orphaned["serial"] = serde_json::json!(written["serial"].as_u64().expect("serial") + 1);

    for (state, summary, signature, category) in [
        (
            newer,
            "Resource instance managed by newer provider version",
            "provider-older-than-its-state",
            Category::ProviderIncompatibility,
        ),
        (
            orphaned,
            "Provider configuration not present",
            "terraform-configuration-invalid",
            Category::Configuration,
        ),
    ] {
        std::fs::write(&state_path, serde_json::to_vec(&state).expect("JSON")).expect("state");
        terraform_fails_and_is_read_as(dir.path(), PLAN, summary, signature, category);
    }
}

#[test]
fn a_variables_file_that_is_not_there_is_a_configuration_mistake() {
    let dir = project("output \"a\" { value = 1 }\n");
    terraform_fails_and_is_read_as(
        dir.path(),
        &[
            "plan",
            "-input=false",
            "-no-color",
            "-var-file=homelab.tfvars",
        ],
        "Failed to read variables file",
        "terraform-configuration-invalid",
        Category::Configuration,
    );
}

#[test]
fn a_provider_the_runners_mirror_lacks_is_named() {
    // The test machine installs providers from a filesystem mirror that holds only hashicorp/null, as an offline
    // runner's CLI configuration would.
    let dir = project(
        "terraform {\n  required_providers {\n    proxmox = { source = \"bpg/proxmox\" }\n  }\n}\n",
    );
    let found = terraform_fails_and_is_read_as(
        dir.path(),
        INIT,
        "Failed to query available provider packages",
        "provider-missing-from-installation-sources",
        Category::ProviderIncompatibility,
    );
    assert!(
        found
            .hypothesis
            .root_cause
            .contains("registry.terraform.io/bpg/proxmox"),
        "{}",
        found.hypothesis.root_cause
    );
}

#[test]
fn init_after_the_backend_block_changed_is_the_backends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let backend = |path: &str| {
        format!("terraform {{\n  backend \"local\" {{\n    path = \"{path}\"\n  }}\n}}\n")
    };
    std::fs::write(dir.path().join("main.tf"), backend("a.tfstate")).expect("writes main.tf");
    let first = run_terraform(dir.path(), INIT);
    assert!(first.status.success(), "{first:?}");
    std::fs::write(dir.path().join("main.tf"), backend("b.tfstate")).expect("writes main.tf");
    terraform_fails_and_is_read_as(
        dir.path(),
        INIT,
        "Backend configuration changed",
        "terraform-backend-init-required",
        Category::StateBackend,
    );
}

#[test]
fn a_backend_setting_the_backend_does_not_take_is_the_backends() {
    let dir = project("terraform {\n  backend \"local\" {}\n}\n");
    // A -backend-config key the backend type does not have (as an S3 setting given to another backend).
    terraform_fails_and_is_read_as(
        dir.path(),
        &[
            "init",
            "-input=false",
            "-no-color",
            "-backend-config=skip_requesting_account_id=true",
        ],
        "Invalid backend configuration argument",
        "terraform-backend-failed",
        Category::StateBackend,
    );
}

#[test]
fn a_module_source_init_cannot_resolve_is_a_configuration_mistake() {
    // A local module written without its "./": Terraform reads it as a registry address it cannot resolve.
    terraform_refuses_as(
        "module \"lxc\" {\n  source = \"lxc\"\n}",
        "init",
        "Module not found",
        "terraform-module-call-invalid",
    );
    // A module call whose directory `init` never installed.
    terraform_refuses_as(
        "module \"lxc\" { source = \"./lxc\" }",
        "validate",
        "Module not installed",
        "terraform-module-call-invalid",
    );
}

/// Runs `terraform <command>` on a one-file configuration, which must fail with `summary` opening its first error, and
/// checks that the catalogue reads that verdict as a configuration mistake and names it.
fn terraform_refuses(config: &str, command: &str, summary: &str) {
    terraform_refuses_as(config, command, summary, "terraform-configuration-invalid");
}

/// As `terraform_refuses`, read by the configuration rule named `signature`.
fn terraform_refuses_as(config: &str, command: &str, summary: &str, signature: &str) {
    let dir = project(&format!("{config}\n"));
    // `validate` takes no -input flag; `plan` must not wait for a variable's value on a terminal.
    let args: &[&str] = match command {
        "plan" => PLAN,
        "init" => INIT,
        _ => &[command, "-no-color"],
    };
    let found = terraform_fails_and_is_read_as(
        dir.path(),
        args,
        summary,
        signature,
        Category::Configuration,
    );
    assert!(
        found.hypothesis.root_cause.contains(summary),
        "{}",
        found.hypothesis.root_cause
    );
}

#[test]
fn more_of_terraforms_verdicts_on_the_code_are_a_configuration_mistake() {
    // Summaries found in Terraform's source (internal/configs, internal/lang and internal/command) that the real 1.0.3
    // prints for these one-file configurations; 1.11 prints the same words.
    for (config, command, summary) in [
        ("variable \"1a\" {}", "validate", "Invalid variable name"),
        (
            "variable \"a\" { type = \"string\" }",
            "validate",
            "Invalid quoted type constraints",
        ),
        (
            "locals { a = local.a }",
            "validate",
            "Self-referencing local value",
        ),
        (
            "resource \"null_resource\" \"1a\" {}",
            "validate",
            "Invalid resource name",
        ),
        (
            "resource \"null_resource\" \"a\" {\n  provisioner \"chef\" {}\n}",
            "validate",
            "The \"chef\" provisioner has been removed",
        ),
        (
            "resource \"null_resource\" \"a\" {\n  connection {}\n  connection {}\n}",
            "validate",
            "Duplicate connection block",
        ),
        (
            "locals {\n  a = 1\n}\nlocals {\n  a = 2\n}",
            "validate",
            "Duplicate local value definition",
        ),
        (
            "variable \"a\" {\n  validation {\n    condition     = true\n    error_message = \"Not a.\"\n  }\n}",
            "validate",
            "Invalid variable validation condition",
        ),
        (
            "variable \"a\" {\n  validation {\n    condition     = var.a == \"\"\n    error_message = \"x\"\n  }\n}",
            "validate",
            "Invalid validation error message",
        ),
    ] {
        terraform_refuses(config, command, summary);
    }
}

#[test]
fn terraforms_verdicts_on_the_command_line_and_the_directory_are_a_configuration_mistake() {
    let dir = tempfile::tempdir().expect("temp dir");
    // No .tf file at all: a project path that points at the wrong directory.
    terraform_fails_and_is_read_as(
        dir.path(),
        PLAN,
        "No configuration files",
        "terraform-configuration-invalid",
        Category::Configuration,
    );
    std::fs::write(dir.path().join("main.tf"), "output \"a\" { value = 1 }\n").expect("main.tf");
    for (extra, summary) in [
        ("-var=nope", "Invalid -var option"),
        (
            "-target=null_resource.a[",
            "Invalid target \"null_resource.a[\"",
        ),
    ] {
        let args = [PLAN, &[extra]].concat();
        terraform_fails_and_is_read_as(
            dir.path(),
            &args,
            summary,
            "terraform-configuration-invalid",
            Category::Configuration,
        );
    }
}

#[test]
fn terraforms_verdicts_on_provider_requirements_module_calls_and_lifecycle_are_a_configuration_mistake()
 {
    for (config, command, summary, signature) in [
        (
            "terraform {\n  required_providers {\n    proxmox = { source = \"bpg//proxmox\" }\n  }\n}",
            "validate",
            "Invalid provider source string",
            "terraform-provider-requirements-invalid",
        ),
        (
            "terraform {\n  required_providers {\n    proxmox = {\n      source  = \"bpg/proxmox\"\n      version = \"~> 0.x\"\n    }\n  }\n}",
            "validate",
            "Invalid version constraint",
            "terraform-provider-requirements-invalid",
        ),
        (
            "terraform {\n  required_version = \"one point zero\"\n}",
            "validate",
            "Invalid version constraint",
            "terraform-provider-requirements-invalid",
        ),
        (
            "provider \"null\" {\n  alias = \"pve 01\"\n}",
            "validate",
            "Invalid provider configuration alias",
            "terraform-provider-requirements-invalid",
        ),
        (
            "resource \"null_resource\" \"a\" {\n  lifecycle {}\n  lifecycle {}\n}",
            "validate",
            "Duplicate lifecycle block",
            "terraform-refactoring-or-lifecycle-refused",
        ),
        (
            // A module directory that is not there (a path written wrongly, or a module not committed).
            "module \"lxc\" {\n  source = \"./modules/lxc\"\n}",
            "init",
            "Unreadable module directory",
            "terraform-module-call-invalid",
        ),
    ] {
        terraform_refuses_as(config, command, summary, signature);
    }
}

#[test]
fn a_resource_type_the_provider_does_not_have_is_a_configuration_mistake() {
    // Telmate's resource types under the bpg provider are the common case; here, a type hashicorp/null lacks.
    let dir = project(
        "terraform {\n  required_providers {\n    null = { source = \"hashicorp/null\" }\n  }\n}\nresource \"null_vm_qemu\" \"a\" {}\n",
    );
    let init = run_terraform(dir.path(), INIT);
    assert!(init.status.success(), "{init:?}");
    let found = terraform_fails_and_is_read_as(
        dir.path(),
        PLAN,
        "Invalid resource type",
        "terraform-provider-requirements-invalid",
        Category::Configuration,
    );
    assert!(
        found
            .hypothesis
            .root_cause
            .contains("Invalid resource type"),
        "{}",
        found.hypothesis.root_cause
    );
}

#[test]
fn a_replacement_that_prevent_destroy_forbids_is_a_configuration_mistake() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = |trigger: &str| {
        format!(
            "terraform {{\n  required_providers {{\n    null = {{ source = \"hashicorp/null\" }}\n  }}\n}}\n\
             resource \"null_resource\" \"guest\" {{\n  triggers = {{ template = \"{trigger}\" }}\n  \
             lifecycle {{\n    prevent_destroy = true\n  }}\n}}\n"
        )
    };
    std::fs::write(dir.path().join("main.tf"), config("9000")).expect("writes main.tf");
    init_and_apply(dir.path());
    // A changed argument that forces a replacement, as a new clone template does for a guest.
    std::fs::write(dir.path().join("main.tf"), config("9001")).expect("writes main.tf");
    terraform_fails_and_is_read_as(
        dir.path(),
        PLAN,
        "Instance cannot be destroyed",
        "terraform-refactoring-or-lifecycle-refused",
        Category::Configuration,
    );
}

#[test]
fn a_backend_type_terraform_does_not_have_is_the_backends() {
    let dir = project("terraform {\n  backend \"minio\" {}\n}\n");
    terraform_fails_and_is_read_as(
        dir.path(),
        INIT,
        "Unsupported backend type",
        "terraform-backend-failed",
        Category::StateBackend,
    );
}

#[test]
fn a_provider_release_the_lock_file_pins_but_the_sources_no_longer_have_is_the_providers() {
    let dir = project(
        "terraform {\n  required_providers {\n    null = { source = \"hashicorp/null\" }\n  }\n}\n",
    );
    let first = run_terraform(dir.path(), INIT);
    assert!(first.status.success(), "{first:?}");
    // The lock file selects a release the runner's mirror does not hold (as a registry that withdrew it would).
    let lock_path = dir.path().join(".terraform.lock.hcl");
    let lock = std::fs::read_to_string(&lock_path).expect("lock file");
    let installed = regex::Regex::new(r#"version\s+=\s+"([^"]+)""#)
        .expect("valid")
        .captures(&lock)
        .expect("the lock file names a version")[1]
        .to_string();
    std::fs::write(
        &lock_path,
        lock.replace(&format!("\"{installed}\""), "\"2.0.9\""),
    )
    .expect("lock file");
    std::fs::remove_dir_all(dir.path().join(".terraform")).expect("removes .terraform");
    let found = terraform_fails_and_is_read_as(
        dir.path(),
        INIT,
        "Failed to query available provider packages",
        "provider-release-incompatible-or-withdrawn",
        Category::ProviderIncompatibility,
    );
    assert!(
        found.hypothesis.root_cause.contains("2.0.9"),
        "{}",
        found.hypothesis.root_cause
    );
}

#[test]
fn hcls_and_terraforms_verdicts_on_an_expression_are_a_configuration_mistake() {
    // What HCL's parser and Terraform's evaluation print for these one-line mistakes (the real 1.0.3; the same
    // summaries from 0.12 to 1.11).
    for (config, summary) in [
        ("locals { a = \"abc }", "Invalid multi-line string"),
        (
            "locals { a = { b = 1 c = 2 } }",
            "Missing attribute separator",
        ),
        (
            "locals { a = [for x in null : x] }",
            "Iteration over null value",
        ),
        (
            "output \"a\" { value = [for x in 5 : x] }",
            "Iteration over non-iterable value",
        ),
        ("locals { a = abs(1, 2) }", "Too many function arguments"),
        (
            "locals { a = [for x in [1] x] }",
            "Invalid 'for' expression",
        ),
        (
            "locals { a = {for k, v in {a=1} : k => v if 1} }",
            "Invalid 'for' condition",
        ),
        ("locals { a = \"\\q\" }", "Invalid escape sequence"),
        ("locals { a = (1 + 2 }", "Unbalanced parentheses"),
        ("locals { a = 1 ? 2 : 3 }", "Incorrect condition type"),
        ("locals { a = null[0] }", "Attempt to index null value"),
        ("locals { a = \"%{ else }\" }", "Unexpected else directive"),
        ("resource \"null_resource\" {}", "Missing name for resource"),
        (
            "locals { a = count.index }",
            "Reference to \"count\" in non-counted context",
        ),
        ("locals { a = self.id }", "Invalid \"self\" reference"),
    ] {
        terraform_refuses_as(
            config,
            "validate",
            summary,
            "terraform-expression-or-syntax-invalid",
        );
    }
}
