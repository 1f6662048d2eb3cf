//! The stand-ins: loopback imitations of the services agentlab talks to, kept out of the production rooms. Only the
//! eval and demo commands, tests, benches and examples import this room; the Validator, Diagnosis and render rooms
//! never do.
//!
//! - `http`: the one small loopback HTTP/1.1 server every stand-in is served with (also the GitHub stand-in in
//!   tests/it); each stand-in brings only its routing.
//! - `proxmox`: a Proxmox VE world on loopback (its data in `proxmox_world`, its answers in `proxmox_answers`),
//!   shipped because `agentlab eval` and `agentlab demo` validate against it.
//! - `llm`: a scripted Anthropic/OpenAI API that records every request (test builds and `test-support` only).
//! - `records`: example run records for render snapshots and flow tests (test builds and `test-support` only).
//!
//! Module dependencies point one way: `proxmox` → `proxmox_answers` → `proxmox_world`, and every server → `http`.

pub mod http;
#[cfg(any(test, feature = "test-support"))]
pub mod llm;
pub mod proxmox;
mod proxmox_answers;
mod proxmox_world;
#[cfg(any(test, feature = "test-support"))]
pub mod records;
