//! Fuzzes the LLM answer parser; the property it checks is in `properties/llm_answer.rs`.
#![no_main]

#[path = "../properties/llm_answer.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::check(data));
