//! The Planner: one per project, it owns the run's state machine and drives the sub-agents through it.
//!
//! `machine` is the pure decision core (no IO, no async, no clock), `policy` the rules a remediation must pass,
//! `dedup` how a repeated hypothesis is recognised, and `run` the async driver that executes the machine's
//! commands with the Terraform agent, the Validator and the diagnoser.

pub mod dedup;
pub mod machine;
pub mod policy;
pub mod run;
