//! The state backend of the root modules and the projects agentlab.toml declares for them: MinIO settings without
//! secrets, one state key per project, validator patterns that match exactly the addresses the modules create, and
//! `when_modified` globs that catch every directory a project reads.

use std::collections::BTreeSet;
use std::path::Path;

use super::object_key_name;
use super::resource_addresses::resource_addresses_of_root_module;
use super::terraform_source::{
    ROOT_MODULES, TerraformModule, attribute, first_label, modules_dir, string_attribute,
    terraform_blocks,
};
use crate::support::crate_root;

fn root_module(name: &str) -> TerraformModule {
    TerraformModule::load(&modules_dir().join(name))
}

fn agentlab_projects() -> Vec<toml::Value> {
    let text =
        std::fs::read_to_string(crate_root().join("agentlab.toml")).expect("agentlab.toml exists");
    let config: toml::Value = toml::from_str(&text).expect("agentlab.toml is TOML");
    config["project"]
        .as_array()
        .expect("agentlab.toml has [[project]] tables")
        .clone()
}

#[test]
fn every_root_module_keeps_its_state_in_s3_under_its_own_key_without_credentials() {
    for name in ROOT_MODULES {
        let module = root_module(name);
        let backends: Vec<&hcl::Block> = terraform_blocks(&module)
            .into_iter()
            .flat_map(|terraform| terraform.body().blocks())
            .filter(|block| block.identifier() == "backend")
            .collect();
        assert_eq!(backends.len(), 1, "modules/{name} needs one backend block");
        assert_eq!(first_label(backends[0]), Some("s3"), "modules/{name}");
        let settings: Vec<&str> = backends[0]
            .body()
            .attributes()
            .map(|attribute| attribute.key())
            .collect();
        assert_eq!(
            settings,
            ["key"],
            "modules/{name}: the store's settings belong in the .tfbackend file"
        );
        let expected_key = format!("{name}/terraform.tfstate");
        assert_eq!(
            string_attribute(backends[0].body(), "key"),
            Some(expected_key.as_str())
        );

        for provider in module.blocks("provider") {
            let settings: Vec<&str> = provider
                .body()
                .attributes()
                .map(|attribute| attribute.key())
                .collect();
            assert!(
                settings.is_empty(),
                "modules/{name}: provider settings {settings:?} belong in the environment"
            );
        }
    }
}

#[test]
fn the_minio_backend_settings_suit_an_s3_compatible_store_and_hold_no_secret() {
    let path = modules_dir().join("backend/minio.s3.tfbackend");
    let text = std::fs::read_to_string(&path).expect("modules/backend/minio.s3.tfbackend exists");
    let settings = hcl::parse(&text).expect("the .tfbackend file is HCL");
    assert!(string_attribute(&settings, "bucket").is_some_and(|bucket| !bucket.is_empty()));
    assert!(
        string_attribute(&settings, "region").is_some(),
        "the S3 client needs some region"
    );
    let Some(hcl::Expression::Object(endpoints)) = attribute(&settings, "endpoints") else {
        panic!("endpoints = {{ s3 = \"http://...\" }} is missing");
    };
    assert!(endpoints.keys().any(|key| object_key_name(key) == "s3"));
    for flag in [
        "use_path_style",
        "skip_credentials_validation",
        "skip_requesting_account_id",
        "skip_metadata_api_check",
        "skip_region_validation",
        "use_lockfile",
    ] {
        assert_eq!(
            attribute(&settings, flag),
            Some(&hcl::Expression::Bool(true)),
            "{flag} must be true"
        );
    }
    for forbidden in ["key", "access_key", "secret_key", "token", "dynamodb_table"] {
        assert!(
            attribute(&settings, forbidden).is_none(),
            "{forbidden} must not be in the shared backend file"
        );
    }
}

#[test]
fn the_fleet_is_five_containers_with_vmids_901_to_905_by_default() {
    let addresses = resource_addresses_of_root_module(&modules_dir().join("lxc-fleet"));
    let expected: Vec<String> = (901..=905)
        .map(|vmid| {
            format!("module.fleet[\"lxc-{vmid}\"].proxmox_virtual_environment_container.container")
        })
        .collect();
    assert_eq!(addresses, expected);
}

#[test]
fn the_validator_patterns_in_agentlab_toml_match_exactly_the_addresses_the_modules_create() {
    let projects = agentlab_projects();
    let names: Vec<&str> = projects
        .iter()
        .filter_map(|project| project["name"].as_str())
        .collect();
    assert_eq!(
        names, ROOT_MODULES,
        "agentlab.toml declares one project per root module"
    );
    for project in &projects {
        let name = project["name"].as_str().expect("a project has a name");
        let dir = project["dir"].as_str().expect("a project has a dir");
        assert_eq!(dir, format!("modules/{name}"));
        let addresses = resource_addresses_of_root_module(&crate_root().join(dir));
        let validate = &project["validate"];
        assert_eq!(validate["guests_output"].as_str(), Some("guests"), "{name}");
        assert_eq!(validate["port"].as_integer(), Some(22), "{name}");

        let mut covered = BTreeSet::new();
        for expectation in validate["resources"]
            .as_array()
            .expect("validate.resources is a list")
        {
            let pattern = expectation["pattern"].as_str().expect("a pattern");
            let count = expectation["count"].as_integer().expect("a count");
            let regex = regex::Regex::new(pattern)
                .unwrap_or_else(|error| panic!("{name}: {pattern}: {error}"));
            let matched: Vec<&String> = addresses
                .iter()
                .filter(|address| regex.is_match(address))
                .collect();
            assert_eq!(
                matched.len() as i64,
                count,
                "{name}: {pattern} matched {matched:?} of {addresses:?}"
            );
            covered.extend(matched);
        }
        let uncovered: Vec<&String> = addresses
            .iter()
            .filter(|address| !covered.contains(address))
            .collect();
        assert!(
            uncovered.is_empty(),
            "{name}: no pattern checks {uncovered:?}"
        );
    }
}

#[test]
fn when_modified_covers_every_directory_a_project_reads() {
    for project in agentlab_projects() {
        let name = project["name"].as_str().expect("a project has a name");
        let mut globs = globset::GlobSetBuilder::new();
        for glob in project["when_modified"]
            .as_array()
            .expect("when_modified is a list")
        {
            globs.add(globset::Glob::new(glob.as_str().expect("a glob")).expect("a valid glob"));
        }
        let globs = globs.build().expect("globs build");
        let mut read_dirs = Vec::new();
        local_module_dirs(&modules_dir().join(name), &mut read_dirs);
        read_dirs.push(modules_dir().join("backend"));
        for dir in read_dirs {
            let relative = dir
                .strip_prefix(crate_root())
                .expect("inside the repository");
            let sample = relative.join("main.tf");
            assert!(
                globs.is_match(&sample),
                "{name}: a change to {} would not plan it",
                sample.display()
            );
        }
    }
}

/// The directory of a module and of every local module it calls, transitively.
fn local_module_dirs(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    let dir = dir.canonicalize().expect("module directory exists");
    if found.contains(&dir) {
        return;
    }
    found.push(dir.clone());
    let module = TerraformModule::load(&dir);
    for call in module.blocks("module") {
        if let Some(source) = string_attribute(call.body(), "source") {
            local_module_dirs(&dir.join(source), found);
        }
    }
}

#[test]
fn the_repository_agentlab_toml_loads_with_the_strict_configuration_parser() {
    let loaded = agentlab::config::LoadedConfig::load(&crate_root().join("agentlab.toml"))
        .unwrap_or_else(|error| panic!("agentlab.toml is refused: {error}"));
    assert_eq!(loaded.project_names(), ROOT_MODULES);
    for name in ROOT_MODULES {
        let project = loaded.project(name).expect("declared");
        assert!(
            loaded.project_dir(project).join("versions.tf").is_file(),
            "{name}: dir does not point at the module"
        );
    }
}
