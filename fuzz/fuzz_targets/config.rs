//! Fuzzes the agentlab.toml parser; the property it checks is in `properties/config.rs`.
#![no_main]

#[path = "../properties/config.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::check(data));
