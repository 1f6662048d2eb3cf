//! Fuzzes the plan, state and output JSON parsers; the property it checks is in `properties/plan_json.rs`.
#![no_main]

#[path = "../properties/plan_json.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::check(data));
