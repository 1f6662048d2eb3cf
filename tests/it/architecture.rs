//! The architecture invariants that can be read from the source (ARCHITECTURE.md, "Architecture invariants"):
//! the code map lists every file under `src/`, only `main.rs` and `commands/` read the environment, only the
//! stand-in room names the stand-ins, and nothing in the repository points at documents that are not in it.

use std::path::{Path, PathBuf};

use crate::support::crate_root;

/// Every file under `dir`, relative to `root`, skipping build output and installed tools.
fn files_under(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if [
            "target",
            ".git",
            ".tools",
            "node_modules",
            "build",
            "corpus",
            "artifacts",
        ]
        .contains(&name.as_str())
        {
            continue;
        }
        if path.is_dir() {
            files.extend(files_under(root, &path));
        } else {
            files.push(path.strip_prefix(root).unwrap().to_path_buf());
        }
    }
    assert!(
        !files.is_empty() || dir != root,
        "no files under {}",
        dir.display()
    );
    files
}

fn rust_sources() -> Vec<(String, String)> {
    let root = crate_root().join("src");
    let mut sources: Vec<(String, String)> = files_under(&root, &root)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .map(|path| {
            let text = std::fs::read_to_string(root.join(&path)).unwrap();
            (path.display().to_string(), text)
        })
        .collect();
    sources.sort();
    assert!(sources.len() > 100, "{} sources", sources.len());
    sources
}

#[test]
fn the_code_map_lists_every_file_under_src() {
    let map = std::fs::read_to_string(crate_root().join("ARCHITECTURE.md")).unwrap();
    let missing: Vec<String> = rust_sources()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| {
            let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
            let named = map.contains(&format!("`{path}`"))
                || map.contains(&format!("{path}`"))
                || (map.contains(&format!("`{name}`")) || map.contains(&format!("`{name}` ")))
                    && (folder.is_empty() || map.contains(&format!("{folder}/")));
            !named
        })
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map does not name: {missing:?}"
    );
}

#[test]
fn only_main_and_the_command_layer_read_the_environment() {
    let readers: Vec<String> = rust_sources()
        .into_iter()
        .filter(|(path, _)| path != "main.rs" && !path.starts_with("commands/"))
        .filter(|(_, text)| {
            text.lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .any(|line| {
                    ["env::var(", "env::var_os(", "env::vars(", "env::vars_os("]
                        .iter()
                        .any(|call| line.contains(call))
                })
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        readers.is_empty(),
        "these read the environment below commands/: {readers:?}"
    );
}

#[test]
fn only_the_stand_in_room_names_the_stand_ins() {
    let old_names = ["pve_world", "llm_stand_in", "example_records"];
    let naming: Vec<String> = rust_sources()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("stand_in/"))
        .filter(|(_, text)| old_names.iter().any(|name| text.contains(name)))
        .map(|(path, _)| path)
        .collect();
    assert!(naming.is_empty(), "{naming:?}");
}

#[test]
fn nothing_points_at_documents_outside_the_repository() {
    // Spelled in two parts so this file does not find itself.
    let outside = [
        concat!("DESIGN", ".md"),
        concat!("REFERENCE", ".md"),
        concat!("../", "shared"),
    ];
    let root = crate_root();
    let pointing: Vec<String> = files_under(&root, &root)
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(root.join(&path)).ok()?;
            outside
                .iter()
                .any(|name| text.contains(name))
                .then(|| path.display().to_string())
        })
        .collect();
    assert!(pointing.is_empty(), "{pointing:?}");
}
