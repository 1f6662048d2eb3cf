//! The CI smoke of the fuzz targets: every committed seed and every regression of a past finding, run through the
//! same property the fuzzer checks (`fuzz/properties/`), as an ordinary test, then (`mutations`) a few seconds of
//! inputs mutated from them. Coverage-guided fuzzing is `scripts/fuzz`; this keeps what it found fixed without
//! building the instrumented targets on every CI run.

use std::path::PathBuf;

use crate::support::crate_root;

#[path = "../../fuzz/properties/config.rs"]
mod config;
#[path = "../../fuzz/properties/llm_answer.rs"]
mod llm_answer;
#[path = "../../fuzz/properties/plan_json.rs"]
mod plan_json;
#[path = "../../fuzz/properties/redactor.rs"]
mod redactor;
#[path = "../../fuzz/properties/ui_line.rs"]
mod ui_line;

mod mutations;

/// The inputs of one target: its seeds, its regressions and any extra folders of recorded data.
fn inputs(target: &str, extra_folders: &[&str]) -> Vec<PathBuf> {
    let folders = [
        format!("fuzz/seeds/{target}"),
        format!("fuzz/regressions/{target}"),
    ];
    let mut files: Vec<PathBuf> = folders
        .iter()
        .map(String::as_str)
        .chain(extra_folders.iter().copied())
        .filter_map(|folder| std::fs::read_dir(crate_root().join(folder)).ok())
        .flatten()
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, extra_folders: &[&str], minimum: usize, check: fn(&[u8])) {
    let files = inputs(target, extra_folders);
    assert!(
        files.len() >= minimum,
        "{target}: expected at least {minimum} inputs, found {files:?}"
    );
    for file in files {
        let data = std::fs::read(&file).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{target}: {} breaks the property",
            file.display()
        );
    }
}

#[test]
fn ui_line_seeds_keep_their_property() {
    replay(
        "ui_line",
        &["tests/fixtures/terraform-json"],
        2,
        ui_line::check,
    );
}

#[test]
fn plan_json_seeds_keep_their_property() {
    replay(
        "plan_json",
        &["tests/fixtures/terraform-json"],
        3,
        plan_json::check,
    );
}

#[test]
fn config_seeds_keep_their_property() {
    replay("config", &[], 2, config::check);
}

#[test]
fn llm_answer_seeds_keep_their_property() {
    replay("llm_answer", &[], 3, llm_answer::check);
}

#[test]
fn redactor_seeds_keep_their_property() {
    replay("redactor", &[], 4, redactor::check);
}
