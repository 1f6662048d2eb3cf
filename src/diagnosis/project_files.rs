//! The project's own files as diagnosis evidence, and the secrets hiding in them.
//!
//! The root module's `.tf` and `.tfvars` files are part of what the diagnoser sees (the seed's lesson: the model
//! was right when it saw everything). A `.tfvars` file may hold the value of a variable the module declares
//! `sensitive = true`, or a password under an obvious name; those values are found here so that the redactor hides
//! them everywhere in the prompt — in the file itself and wherever Terraform echoed them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

/// Larger files are skipped: a generated file is not something a person wrote and would crowd out the rest.
const LARGEST_FILE_BYTES: u64 = 256 * 1024;

/// One file of the root module.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFile {
    pub relative_path: PathBuf,
    pub text: String,
}

/// The `.tf`, `.tfvars` and `.tfvars.json` files directly in `dir`, sorted by name. A missing or unreadable
/// directory gives no files: the diagnosis goes on with the rest of the evidence.
pub fn read_project_files(dir: &Path) -> Vec<ProjectFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<ProjectFile> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            (name.ends_with(".tf") || name.ends_with(".tfvars") || name.ends_with(".tfvars.json"))
                && entry
                    .metadata()
                    .is_ok_and(|meta| meta.is_file() && meta.len() <= LARGEST_FILE_BYTES)
        })
        .filter_map(|entry| {
            let text = std::fs::read_to_string(entry.path()).ok()?;
            Some(ProjectFile {
                relative_path: PathBuf::from(entry.file_name()),
                text,
            })
        })
        .collect();
    files.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    files
}

/// Values to treat as secrets: assignments in `.tfvars` files to variables declared `sensitive = true` (or
/// named like a password, token or key), and the defaults of sensitive variables.
pub fn sensitive_values(files: &[ProjectFile]) -> Vec<String> {
    let mut sensitive_names = Vec::new();
    let mut values = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.relative_path.extension().is_some_and(|e| e == "tf"))
    {
        for (name, body) in variable_blocks(&file.text) {
            if sensitive_marker().is_match(&body) {
                if let Some(default) = quoted_assignment(&body, "default") {
                    values.push(default);
                }
                sensitive_names.push(name);
            }
        }
    }
    for file in files
        .iter()
        .filter(|f| f.relative_path.extension().is_none_or(|e| e != "tf"))
    {
        if file.relative_path.to_string_lossy().ends_with(".json") {
            if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&file.text) {
                for (name, value) in map {
                    if sensitive_names.contains(&name) || secret_like_name(&name) {
                        collect_json_strings(&value, &mut values);
                    }
                }
            }
            continue;
        }
        for capture in tfvars_assignment().captures_iter(&file.text) {
            let name = &capture[1];
            if sensitive_names.iter().any(|known| known == name) || secret_like_name(name) {
                values.push(capture[2].to_string());
            }
        }
    }
    values
}

fn collect_json_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|item| collect_json_strings(item, out)),
        serde_json::Value::Object(map) => map
            .values()
            .for_each(|item| collect_json_strings(item, out)),
        _ => {}
    }
}

fn secret_like_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "private_key",
        "access_key",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// `variable "NAME" { ... }` blocks with their bodies, found by counting braces (quoted braces are rare enough
/// in variable blocks not to matter here).
fn variable_blocks(text: &str) -> Vec<(String, String)> {
    static START: OnceLock<Regex> = OnceLock::new();
    let start =
        START.get_or_init(|| Regex::new(r#"variable\s+"([^"]+)"\s*\{"#).expect("valid regex"));
    let mut blocks = Vec::new();
    for capture in start.captures_iter(text) {
        let Some(whole) = capture.get(0) else {
            continue;
        };
        let mut depth = 1usize;
        let mut end = text.len();
        for (offset, character) in text[whole.end()..].char_indices() {
            match character {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = whole.end() + offset;
                        break;
                    }
                }
                _ => {}
            }
        }
        blocks.push((capture[1].to_string(), text[whole.end()..end].to_string()));
    }
    blocks
}

fn sensitive_marker() -> &'static Regex {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    MARKER.get_or_init(|| Regex::new(r"(?m)^\s*sensitive\s*=\s*true\b").expect("valid regex"))
}

fn tfvars_assignment() -> &'static Regex {
    static ASSIGNMENT: OnceLock<Regex> = OnceLock::new();
    ASSIGNMENT.get_or_init(|| {
        Regex::new(r#"(?m)^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*"((?:[^"\\]|\\.)*)""#)
            .expect("valid regex")
    })
}

fn quoted_assignment(body: &str, key: &str) -> Option<String> {
    tfvars_assignment()
        .captures_iter(body)
        .find(|capture| &capture[1] == key)
        .map(|capture| capture[2].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> ProjectFile {
        ProjectFile {
            relative_path: PathBuf::from(name),
            text: text.to_string(),
        }
    }

    #[test]
    fn values_of_sensitive_and_secret_looking_variables_are_found() {
        let files = vec![
            file(
                "variables.tf",
                r#"
variable "root_password" {
  type      = string
  sensitive = true
}
variable "ssh_key_comment" {
  type      = string
  sensitive = true
  default   = "default-canary-7"
}
variable "node" {
  type    = string
  default = "pmx-01"
}
"#,
            ),
            file(
                "terraform.tfvars",
                "root_password = \"tfvars-canary-1\"\nnode = \"pmx-02\"\nminio_secret_key = \"tfvars-canary-2\"\n",
            ),
            file(
                "extra.tfvars.json",
                r#"{"api_token": "json-canary-3", "node": "pmx-03"}"#,
            ),
        ];
        let mut values = sensitive_values(&files);
        values.sort();
        assert_eq!(
            values,
            vec![
                "default-canary-7",
                "json-canary-3",
                "tfvars-canary-1",
                "tfvars-canary-2"
            ]
        );
    }

    #[test]
    fn only_terraform_files_of_the_root_module_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            "resource \"null_resource\" \"a\" {}",
        )
        .unwrap();
        std::fs::write(dir.path().join("prod.tfvars"), "x = \"1\"").unwrap();
        std::fs::write(dir.path().join("notes.md"), "not evidence").unwrap();
        std::fs::create_dir(dir.path().join(".terraform")).unwrap();
        let names: Vec<String> = read_project_files(dir.path())
            .into_iter()
            .map(|f| f.relative_path.to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["main.tf", "prod.tfvars"]);
        assert!(read_project_files(Path::new("/nonexistent/agentlab")).is_empty());
    }
}
