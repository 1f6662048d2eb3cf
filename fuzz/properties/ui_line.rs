//! The machine-readable UI stream of `terraform plan -json` / `apply -json`, one line at a time and as a whole
//! stream. Terraform (or a provider's error text inside it) is not trusted: no input may panic the parser, and a
//! sensitive output must never come out with its value.
//!
//! Shared by the fuzz target of the same name and by the seed replay in the main test suite
//! (`tests/it/fuzz_seeds.rs`), so the CI smoke checks the same properties the fuzzer does.

use agentlab::terraform::sensitive::SENSITIVE_PLACEHOLDER;
use agentlab::terraform::ui::{UiEvent, UiEventKind, UiEventReader, parse_ui_line};

fn check_event(event: &UiEvent) {
    if let UiEventKind::Outputs(outputs) = &event.kind {
        for (name, output) in outputs {
            if output.sensitive {
                let value = output.value.as_ref().and_then(|value| value.as_str());
                assert!(
                    output.value.is_none() || value == Some(SENSITIVE_PLACEHOLDER),
                    "sensitive output {name} came out with a value"
                );
            }
        }
    }
}

/// Panics when the property does not hold for `data`.
pub fn check(data: &[u8]) {
    // The stream as the runner reads it: bytes, possibly not UTF-8, possibly without a final newline.
    let mut previous_line = 0;
    for result in UiEventReader::new(data) {
        match result {
            Ok(event) => {
                assert!(
                    event.line_number > previous_line,
                    "line numbers go forwards"
                );
                previous_line = event.line_number;
                check_event(&event);
            }
            Err(error) => {
                // Every error can be shown to a person.
                let _ = error.to_string();
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(Some(event)) = parse_ui_line(1, text) {
            check_event(&event);
        }
    }
}
