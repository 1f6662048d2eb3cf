//! Fuzzes the machine-readable UI line parser; the property it checks is in `properties/ui_line.rs`.
#![no_main]

#[path = "../properties/ui_line.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::check(data));
