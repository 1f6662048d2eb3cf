//! Fuzzes the redactor (no planted secret survives); the property it checks is in `properties/redactor.rs`.
#![no_main]

#[path = "../properties/redactor.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::check(data));
