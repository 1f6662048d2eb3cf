//! Checks of the homelab's Terraform in `modules/` and of the projects agentlab.toml declares for it, all without a
//! Proxmox VE or a provider download: only the bpg/proxmox provider, only arguments it documents, described and
//! typed variables, a `guests` output in the validator's shape, MinIO remote state without secrets, and validator
//! patterns that match exactly the addresses these modules create.

mod resource_addresses;
mod state_and_projects;
mod terraform_source;

use std::collections::BTreeSet;

use terraform_source::{
    ROOT_MODULES, TerraformModule, all_module_dirs, attribute, first_label, modules_dir,
    string_attribute, terraform_blocks,
};

use crate::support::crate_root;

/// Arguments Terraform itself defines on every resource; the provider's documentation does not list them.
const RESOURCE_META_ARGUMENTS: [&str; 5] =
    ["count", "for_each", "depends_on", "provider", "lifecycle"];

/// The keys of one entry of the `guests` output (`[project.validate] guests_output` in the README).
const GUEST_KEYS: [&str; 5] = ["vmid", "kind", "node", "name", "ipv4"];

fn all_modules() -> Vec<TerraformModule> {
    all_module_dirs()
        .iter()
        .map(|dir| TerraformModule::load(dir))
        .collect()
}

fn root_module(name: &str) -> TerraformModule {
    TerraformModule::load(&modules_dir().join(name))
}

/// The documented argument paths per resource type, from the copy of the provider's documentation index.
fn documented_arguments() -> serde_json::Value {
    let path = crate_root().join("tests/fixtures/bpg-proxmox-arguments.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("the arguments fixture is JSON")
}

#[test]
fn every_root_module_has_the_standard_files() {
    let all_dirs = all_module_dirs();
    assert!(
        all_dirs.len() >= ROOT_MODULES.len(),
        "found only {all_dirs:?}"
    );
    for name in ROOT_MODULES {
        for file in [
            "versions.tf",
            "variables.tf",
            "main.tf",
            "outputs.tf",
            "README.md",
        ] {
            let path = modules_dir().join(name).join(file);
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
}

#[test]
fn every_input_and_output_of_a_root_module_is_in_its_readme() {
    for name in ROOT_MODULES {
        let module = root_module(name);
        let readme =
            std::fs::read_to_string(modules_dir().join(name).join("README.md")).expect("README.md");
        for kind in ["variable", "output"] {
            for block in module.blocks(kind) {
                let label = first_label(block).unwrap_or_default();
                assert!(
                    readme.contains(&format!("| `{label}` |")),
                    "modules/{name}/README.md lacks {kind} {label}"
                );
            }
        }
    }
}

#[test]
fn only_the_bpg_provider_is_required_and_configured() {
    for module in all_modules() {
        let mut required = 0;
        for terraform in terraform_blocks(&module) {
            for providers in terraform
                .body()
                .blocks()
                .filter(|block| block.identifier() == "required_providers")
            {
                for provider in providers.body().attributes() {
                    let hcl::Expression::Object(settings) = provider.expr() else {
                        panic!(
                            "{}: provider {} must name its source and version",
                            module.name(),
                            provider.key()
                        );
                    };
                    let setting = |key: &str| {
                        settings
                            .iter()
                            .find_map(|(name, value)| match (name, value) {
                                (
                                    hcl::ObjectKey::Identifier(name),
                                    hcl::Expression::String(value),
                                ) if name.as_str() == key => Some(value.clone()),
                                _ => None,
                            })
                    };
                    assert_eq!(
                        provider.key(),
                        "proxmox",
                        "{}: unexpected provider",
                        module.name()
                    );
                    assert_eq!(
                        setting("source").as_deref(),
                        Some("bpg/proxmox"),
                        "{}",
                        module.name()
                    );
                    let version = setting("version").unwrap_or_default();
                    assert!(
                        accepts_bpg_0_73_or_newer_only(&version),
                        "{}: version {version:?}",
                        module.name()
                    );
                    required += 1;
                }
            }
        }
        assert_eq!(
            required,
            1,
            "{} must require bpg/proxmox exactly once",
            module.name()
        );
        for provider in module.blocks("provider") {
            assert_eq!(first_label(provider), Some("proxmox"), "{}", module.name());
        }
        for kind in ["resource", "data"] {
            for block in module.blocks(kind) {
                let resource_type = first_label(block).unwrap_or_default();
                assert!(
                    resource_type.starts_with("proxmox_virtual_environment_"),
                    "{}: {kind} {resource_type} is not a bpg/proxmox type",
                    module.name()
                );
            }
        }
    }
    // The telmate names must not appear anywhere, not even in a comment that someone could copy.
    for dir in all_module_dirs() {
        for entry in std::fs::read_dir(&dir).expect("module directory") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|extension| extension == "tf") {
                let text = std::fs::read_to_string(&path).expect("readable");
                for forbidden in ["proxmox_lxc", "proxmox_vm_qemu", "telmate"] {
                    assert!(
                        !text.contains(forbidden),
                        "{} mentions {forbidden}",
                        path.display()
                    );
                }
            }
        }
    }
}

/// `~> 0.N` with N ≥ 73, or `>= 0.N` with N ≥ 73: the versions that know Proxmox VE 9's privileges.
fn accepts_bpg_0_73_or_newer_only(constraint: &str) -> bool {
    let Some(rest) = constraint
        .strip_prefix("~> 0.")
        .or_else(|| constraint.strip_prefix(">= 0."))
    else {
        return false;
    };
    let minor = rest.split('.').next().unwrap_or_default();
    minor.parse::<u32>().is_ok_and(|minor| minor >= 73)
}

#[test]
fn the_version_rule_accepts_0_73_and_newer_only() {
    for (constraint, accepted) in [
        ("~> 0.73", true),
        ("~> 0.111.1", true),
        (">= 0.80", true),
        ("~> 0.72", false),
        ("2.9.14", false),
        ("", false),
    ] {
        assert_eq!(
            accepts_bpg_0_73_or_newer_only(constraint),
            accepted,
            "{constraint:?}"
        );
    }
}

#[test]
fn every_variable_has_a_description_and_a_type() {
    let mut variables = 0;
    for module in all_modules() {
        for variable in module.blocks("variable") {
            let name = first_label(variable).unwrap_or_default();
            let description = string_attribute(variable.body(), "description").unwrap_or_default();
            assert!(
                !description.trim().is_empty(),
                "{}: variable {name} has no description",
                module.name()
            );
            assert!(
                attribute(variable.body(), "type").is_some(),
                "{}: variable {name} has no type",
                module.name()
            );
            variables += 1;
        }
    }
    assert!(
        variables > 30,
        "only {variables} variables found; is modules/ complete?"
    );
}

#[test]
fn vmids_and_hostnames_are_validated() {
    for module in all_modules() {
        for variable in module.blocks("variable") {
            let name = first_label(variable).unwrap_or_default();
            let guards_identity =
                name.ends_with("vm_id") || ["hostname", "hostname_prefix", "name"].contains(&name);
            let has_validation = variable
                .body()
                .blocks()
                .any(|block| block.identifier() == "validation");
            assert!(
                !guards_identity || has_validation,
                "{}: variable {name} needs a validation block",
                module.name()
            );
        }
    }
}

#[test]
fn every_root_module_outputs_guests_in_the_validator_shape() {
    for name in ROOT_MODULES {
        let module = root_module(name);
        assert!(
            module.block_labelled("output", "guests").is_some(),
            "modules/{name} has no `guests` output"
        );
    }
    // Each guest object is written out in one place per kind; check every object literal in those outputs.
    let mut guest_objects = 0;
    for module in all_modules() {
        for output in module.blocks("output") {
            if !matches!(first_label(output), Some("guest" | "guests")) {
                continue;
            }
            let value = attribute(output.body(), "value").expect("an output has a value");
            for object in object_literals(value) {
                let keys: BTreeSet<String> = object.keys().map(object_key_name).collect();
                let expected: BTreeSet<String> =
                    GUEST_KEYS.iter().map(|key| key.to_string()).collect();
                assert_eq!(
                    keys,
                    expected,
                    "{}: a guest has the wrong keys",
                    module.name()
                );
                let kind = object
                    .iter()
                    .find(|(key, _)| object_key_name(key) == "kind")
                    .map(|(_, value)| value);
                assert!(
                    matches!(kind, Some(hcl::Expression::String(kind)) if kind == "lxc" || kind == "qemu"),
                    "{}: kind must be \"lxc\" or \"qemu\"",
                    module.name()
                );
                guest_objects += 1;
            }
        }
    }
    assert_eq!(
        guest_objects, 2,
        "expected one guest object for containers and one for the VM"
    );
}

fn object_key_name(key: &hcl::ObjectKey) -> String {
    match key {
        hcl::ObjectKey::Identifier(identifier) => identifier.to_string(),
        hcl::ObjectKey::Expression(hcl::Expression::String(name)) => name.clone(),
        other => panic!("unexpected object key {other:?}"),
    }
}

fn object_literals(
    expression: &hcl::Expression,
) -> Vec<&hcl::Object<hcl::ObjectKey, hcl::Expression>> {
    match expression {
        hcl::Expression::Object(object) => vec![object],
        hcl::Expression::Array(items) => items.iter().flat_map(object_literals).collect(),
        hcl::Expression::ForExpr(for_expr) => object_literals(&for_expr.value_expr),
        hcl::Expression::Parenthesis(inner) => object_literals(inner),
        _ => Vec::new(),
    }
}

/// Every argument path (`initialization.ip_config.ipv4.address`) used on a resource, outside Terraform's own.
fn argument_paths(body: &hcl::Body, prefix: &str, paths: &mut Vec<String>) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    for argument in body.attributes() {
        if prefix.is_empty() && RESOURCE_META_ARGUMENTS.contains(&argument.key()) {
            continue;
        }
        paths.push(join(argument.key()));
    }
    for block in body.blocks() {
        if prefix.is_empty() && RESOURCE_META_ARGUMENTS.contains(&block.identifier()) {
            continue;
        }
        if block.identifier() == "dynamic" {
            let name = first_label(block).expect("a dynamic block names its block type");
            paths.push(join(name));
            let content = block
                .body()
                .blocks()
                .find(|inner| inner.identifier() == "content");
            if let Some(content) = content {
                argument_paths(content.body(), &join(name), paths);
            }
            continue;
        }
        paths.push(join(block.identifier()));
        argument_paths(block.body(), &join(block.identifier()), paths);
    }
}

/// The argument paths of a resource that the provider does not document (or everything, for an unknown type).
fn undocumented_arguments(
    documented: &serde_json::Value,
    resource_type: &str,
    body: &hcl::Body,
) -> Vec<String> {
    let mut paths = Vec::new();
    argument_paths(body, "", &mut paths);
    let Some(known) = documented["resources"][resource_type]["arguments"].as_array() else {
        return vec![format!("{resource_type} (not a documented resource type)")];
    };
    paths
        .into_iter()
        .filter(|path| !known.iter().any(|known| known.as_str() == Some(path)))
        .collect()
}

#[test]
fn every_argument_on_a_bpg_resource_is_documented_by_the_provider() {
    let documented = documented_arguments();
    let mut checked = 0;
    for module in all_modules() {
        for resource in module.blocks("resource") {
            let resource_type = first_label(resource).unwrap_or_default();
            let unknown = undocumented_arguments(&documented, resource_type, resource.body());
            assert!(
                unknown.is_empty(),
                "{}: {resource_type} uses undocumented {unknown:?}",
                module.name()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "expected the container and the VM resource");
}

#[test]
fn the_argument_check_names_what_the_provider_does_not_document() {
    let documented = documented_arguments();
    let body = hcl::parse(
        r#"
        count = 2
        node_name = "pmx-01"
        hostname = "telmate-style"
        initialization {
          hostname = "fine"
          ip_config {
            ipv4 {
              address = "dhcp"
              netmask = "24"
            }
          }
        }
        dynamic "network_interface" {
          for_each = [1]
          content {
            bridge = "vmbr0"
            model  = "virtio"
          }
        }
        lifecycle { ignore_changes = [tags] }
        "#,
    )
    .expect("valid HCL");
    let unknown =
        undocumented_arguments(&documented, "proxmox_virtual_environment_container", &body);
    assert_eq!(
        unknown,
        [
            "hostname",
            "initialization.ip_config.ipv4.netmask",
            "network_interface.model"
        ],
        "count and lifecycle are Terraform's own; the rest in source order"
    );
    assert_eq!(
        undocumented_arguments(&documented, "proxmox_lxc", &body).len(),
        1
    );
}

#[test]
fn the_template_script_explains_itself_and_rejects_bad_usage() {
    let script = crate_root().join("scripts/build-ubuntu-template.sh");
    let help = std::process::Command::new("bash")
        .arg(&script)
        .arg("--help")
        .output()
        .expect("bash runs");
    assert_eq!(help.status.code(), Some(0));
    let help_text = String::from_utf8_lossy(&help.stdout);
    assert!(
        help_text.contains("--vmid") && help_text.contains("9000"),
        "{help_text}"
    );

    for arguments in [
        &["--vmid", "12"][..],
        &["--frobnicate"][..],
        &["--storage"][..],
    ] {
        let run = std::process::Command::new("bash")
            .arg(&script)
            .args(arguments)
            .output()
            .expect("bash runs");
        assert_eq!(run.status.code(), Some(2), "{arguments:?}");
        assert!(
            String::from_utf8_lossy(&run.stderr).contains("--help"),
            "{arguments:?}"
        );
    }
}
