//! What agentlab can learn about a project's root module by reading its files, before Terraform runs: whether the
//! folder holds Terraform code at all, which outputs it declares, which backend it keeps its state in and with
//! which settings, and whether it configures the bpg/proxmox provider in the file or leaves it to the provider's
//! environment variables. The pre-run checks use these facts to report a typo or a missing variable up front, not
//! after an apply.
//!
//! This is a reader of declarations, not an HCL parser: comments are skipped, strings are respected while blocks
//! are matched, and anything it cannot read counts as "not declared". Every conclusion drawn from it errs towards
//! running Terraform (which then says what is wrong) rather than refusing a module that is fine.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

/// The file name endings Terraform and OpenTofu read as configuration.
pub const TERRAFORM_FILE_ENDINGS: [&str; 4] = [".tf", ".tf.json", ".tofu", ".tofu.json"];

/// What the root module's files declare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootModule {
    /// The outputs declared (`output "NAME" {`).
    pub outputs: BTreeSet<String>,
    /// The outputs whose value is the literal empty list (`value = []`): a guests output that lists no guest.
    pub empty_list_outputs: BTreeSet<String>,
    /// The backend type of the `terraform { backend "TYPE" {} }` block, when there is one.
    pub backend: Option<String>,
    /// The arguments set inside that backend block.
    pub backend_settings: BTreeSet<String>,
    /// A `required_providers` entry names `bpg/proxmox`, or a `provider "proxmox"` block exists.
    pub uses_proxmox_provider: bool,
    /// The arguments set inside `provider "proxmox"` blocks (`endpoint`, `api_token`, ...).
    pub proxmox_provider_settings: BTreeSet<String>,
}

/// Why a project's folder cannot be a root module.
#[derive(Debug, thiserror::Error)]
pub enum RootModuleProblem {
    #[error("the folder {} does not exist", .0.display())]
    Missing(PathBuf),
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("{} holds no Terraform file (*.tf, *.tf.json)", .0.display())]
    NoTerraformFiles(PathBuf),
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Reads the root module in `dir` (its own files; child modules are Terraform's business).
pub fn read_root_module(dir: &Path) -> Result<RootModule, RootModuleProblem> {
    let metadata = match std::fs::metadata(dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(RootModuleProblem::Missing(dir.to_path_buf()));
        }
        Err(source) => {
            return Err(RootModuleProblem::Unreadable {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    if !metadata.is_dir() {
        return Err(RootModuleProblem::NotAFolder(dir.to_path_buf()));
    }
    let unreadable = |source| RootModuleProblem::Unreadable {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_file()
            && TERRAFORM_FILE_ENDINGS
                .iter()
                .any(|ending| name.ends_with(ending))
        {
            files.push((name, path));
        }
    }
    if files.is_empty() {
        return Err(RootModuleProblem::NoTerraformFiles(dir.to_path_buf()));
    }
    files.sort();
    let mut module = RootModule::default();
    for (name, path) in files {
        // A file Terraform could not read either is Terraform's to report, with its own words.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if name.ends_with(".json") {
            read_json_declarations(&text, &mut module);
        } else {
            read_native_declarations(&text, &mut module);
        }
    }
    Ok(module)
}

static OUTPUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t]*output[ \t]+"?([A-Za-z_][A-Za-z0-9_-]*)"?[ \t]*\{"#).expect("valid")
});
static BACKEND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t]*backend[ \t]+"?([A-Za-z0-9_-]+)"?[ \t]*\{"#).expect("valid")
});
static PROXMOX_PROVIDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*provider[ \t]+"?proxmox"?[ \t]*\{"#).expect("valid"));
static EMPTY_LIST_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*value[ \t]*=[ \t]*\[[ \t]*\][ \t]*$").expect("valid"));
static ARGUMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=").expect("valid"));

/// The argument names set at the top level of a block body or a `.tfbackend` file.
pub fn argument_names(text: &str) -> BTreeSet<String> {
    let text = without_comments(text);
    let mut names = BTreeSet::new();
    let mut depth = 0usize;
    for line in text.lines() {
        if depth == 0
            && let Some(found) = ARGUMENT.captures(line)
        {
            names.insert(found[1].to_string());
        }
        depth = (depth + line.matches(['{', '[']).count())
            .saturating_sub(line.matches(['}', ']']).count());
    }
    names
}

fn read_native_declarations(text: &str, module: &mut RootModule) {
    let text = without_comments(text);
    for found in OUTPUT.captures_iter(&text) {
        let name = found[1].to_string();
        let body_start = found.get(0).map_or(0, |whole| whole.end());
        if EMPTY_LIST_VALUE.is_match(block_body(&text, body_start)) {
            module.empty_list_outputs.insert(name.clone());
        }
        module.outputs.insert(name);
    }
    if let Some(found) = BACKEND.captures(&text) {
        module.backend = Some(found[1].to_string());
        let body_start = found.get(0).map_or(0, |whole| whole.end());
        module.backend_settings = argument_names(block_body(&text, body_start));
    }
    if text.contains("\"bpg/proxmox\"") {
        module.uses_proxmox_provider = true;
    }
    for found in PROXMOX_PROVIDER.find_iter(&text) {
        module.uses_proxmox_provider = true;
        module
            .proxmox_provider_settings
            .extend(argument_names(block_body(&text, found.end())));
    }
}

fn read_json_declarations(text: &str, module: &mut RootModule) {
    let Ok(document) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    if let Some(outputs) = document.get("output").and_then(|value| value.as_object()) {
        for (name, output) in outputs {
            if output.get("value") == Some(&serde_json::json!([])) {
                module.empty_list_outputs.insert(name.clone());
            }
            module.outputs.insert(name.clone());
        }
    }
    let blocks = |value: Option<&serde_json::Value>| -> Vec<serde_json::Value> {
        match value {
            Some(serde_json::Value::Array(items)) => items.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        }
    };
    for terraform in blocks(document.get("terraform")) {
        for backend in blocks(terraform.get("backend")) {
            if let Some((kind, settings)) = backend.as_object().and_then(|map| map.iter().next()) {
                module.backend = Some(kind.clone());
                if let Some(settings) = settings.as_object() {
                    module.backend_settings = settings.keys().cloned().collect();
                }
            }
        }
        if terraform.to_string().contains("\"bpg/proxmox\"") {
            module.uses_proxmox_provider = true;
        }
    }
    if let Some(provider) = document
        .get("provider")
        .and_then(|value| value.get("proxmox"))
    {
        module.uses_proxmox_provider = true;
        for block in blocks(Some(provider)) {
            if let Some(settings) = block.as_object() {
                module
                    .proxmox_provider_settings
                    .extend(settings.keys().cloned());
            }
        }
    }
}

/// The text of the block whose `{` ends just before `start`, up to its matching `}` (strings respected).
fn block_body(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for (index, character) in rest.char_indices() {
        if in_string {
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match character {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &rest[..index];
                }
            }
            _ => {}
        }
    }
    rest
}

/// `text` with `#`, `//` and `/* */` comments replaced by spaces (newlines kept), strings left alone.
pub fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    let mut in_string = false;
    let mut escaped = false;
    while let Some(character) = characters.next() {
        if in_string {
            out.push(character);
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match character {
            '"' => {
                in_string = true;
                out.push(character);
            }
            '#' => skip_line(&mut characters, &mut out),
            '/' if characters.peek() == Some(&'/') => skip_line(&mut characters, &mut out),
            '/' if characters.peek() == Some(&'*') => {
                characters.next();
                let mut previous = ' ';
                for inside in characters.by_ref() {
                    if inside == '\n' {
                        out.push('\n');
                    }
                    if previous == '*' && inside == '/' {
                        break;
                    }
                    previous = inside;
                }
            }
            _ => out.push(character),
        }
    }
    out
}

fn skip_line(characters: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    for inside in characters.by_ref() {
        if inside == '\n' {
            out.push('\n');
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module_of(files: &[(&str, &str)]) -> Result<RootModule, RootModuleProblem> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let module = read_root_module(dir.path());
        drop(dir);
        module
    }

    #[test]
    fn outputs_backend_and_provider_settings_are_read_past_comments() {
        let module = module_of(&[
            (
                "main.tf",
                r#"
terraform {
  required_providers {
    proxmox = { source = "bpg/proxmox", version = "0.111.1" } # pinned
  }
  backend "s3" {
    key = "lxc/terraform.tfstate" # the bucket comes from -backend-config
    /* endpoints = { s3 = "x" } */
  }
}
provider "proxmox" {
  insecure = true
  ssh { agent = true }
}
# output "commented_out" {
output "guests" {
  value = [{ note = "a } in a string" }]
}
"#,
            ),
            (
                "outputs.tf.json",
                r#"{"output": {"addresses": {"value": []}, "ids": {"value": [1]}}}"#,
            ),
            ("dns.tf", "output \"records\" {\n  value = []\n}\n"),
            ("README.md", "output \"not_terraform\" {"),
        ])
        .unwrap();
        assert_eq!(
            module
                .outputs
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["addresses", "guests", "ids", "records"]
        );
        assert_eq!(
            module
                .empty_list_outputs
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["addresses", "records"],
            "a list that holds something, or is computed, is not empty"
        );
        assert_eq!(module.backend.as_deref(), Some("s3"));
        assert_eq!(
            module.backend_settings.iter().collect::<Vec<_>>(),
            ["key"],
            "the commented endpoint does not count"
        );
        assert!(module.uses_proxmox_provider);
        assert_eq!(
            module.proxmox_provider_settings.iter().collect::<Vec<_>>(),
            ["insecure"],
            "nested blocks are not arguments of the provider"
        );
    }

    #[test]
    fn a_folder_without_terraform_files_a_file_and_a_missing_path_are_told_apart() {
        assert!(matches!(
            module_of(&[("notes.md", "nothing")]),
            Err(RootModuleProblem::NoTerraformFiles(_))
        ));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.tf");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(
            read_root_module(&file),
            Err(RootModuleProblem::NotAFolder(_))
        ));
        assert!(matches!(
            read_root_module(&dir.path().join("gone")),
            Err(RootModuleProblem::Missing(_))
        ));
        assert!(read_root_module(dir.path()).unwrap().outputs.is_empty());
    }

    #[test]
    fn backend_files_name_their_top_level_arguments() {
        let names = argument_names(
            "bucket = \"tfstate\"\nendpoints = {\n  s3 = \"http://nas:9000\"\n}\n# access_key = \"no\"\nuse_lockfile = true\n",
        );
        assert_eq!(
            names.iter().collect::<Vec<_>>(),
            ["bucket", "endpoints", "use_lockfile"]
        );
    }
}
