//! agentlab: plans, applies and validates Terraform for a Proxmox VE homelab, and asks an LLM only when something
//! broke.
//!
//! The binary in `src/main.rs` only parses arguments and maps results to exit statuses; everything else lives in
//! this library so tests reach it. ARCHITECTURE.md has the map of the rooms below.

pub mod cli;
pub mod commands;
pub mod config;
pub mod contracts;
pub mod diagnosis;
pub mod error_chain;
pub mod eval;
pub mod github;
pub mod http_retry;
pub mod logging;
pub mod metrics;
pub mod planner;
pub mod redact;
pub mod render;
pub mod report;
pub mod stand_in;
pub mod terraform;
pub mod utc;
pub mod validator;
