//! `agentlab.toml`: strict parsing must refuse bad input with an error, never a panic, and whatever it accepts
//! must hold the invariants the rest of agentlab relies on.
//!
//! Shared by the fuzz target of the same name and by the seed replay in the main test suite
//! (`tests/it/fuzz_seeds.rs`), so the CI smoke checks the same properties the fuzzer does.

use std::path::{Path, PathBuf};

use agentlab::config::LoadedConfig;

/// Panics when the property does not hold for `data`.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match LoadedConfig::parse(text, Path::new("fuzz.toml"), PathBuf::from(".")) {
        Ok(loaded) => {
            let config = &loaded.config;
            assert!(
                config.defaults.max_retries <= 10,
                "max_retries above the cap"
            );
            assert!(config.defaults.parallelism >= 1);
            assert!(config.defaults.concurrency >= 1);
            assert!(config.llm.budget_usd_per_incident >= 0.0);
            for pattern in &config.redact.patterns {
                assert!(
                    regex_compiles(pattern),
                    "accepted redact pattern {pattern:?} does not compile"
                );
            }
            for name in loaded.project_names() {
                assert!(loaded.project(name).is_some());
            }
        }
        Err(error) => {
            assert!(
                error.to_string().contains("fuzz.toml"),
                "the error names the file: {error}"
            );
        }
    }
}

fn regex_compiles(pattern: &str) -> bool {
    let mut redactor = agentlab::redact::Redactor::new();
    redactor.add_pattern(pattern).is_ok()
}
