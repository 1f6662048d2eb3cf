//! The Planner: one per project, it owns the run's state machine and drives the sub-agents through it.
//!
//! `machine` is the pure decision core (no IO, no async, no clock), `policy` the rules a remediation must pass
//! (and which kinds need a person), `by_hand` the command a person runs for one the policy held, `dedup` how a
//! repeated hypothesis is recognised, `remediation` what an accepted one does to the next attempt (the destroy
//! guard of a retry among it), `events` what each agent's answer means to the machine, and `validation_facts` the
//! Validator's request built from Terraform's facts: all pure. `agents` holds the ports (the Terraform agent, the
//! Validator and the diagnoser, as traits), and `run` the async driver that executes the machine's commands with
//! them.

pub mod agents;
pub mod by_hand;
pub mod category_policy;
pub mod dedup;
pub mod events;
pub mod machine;
pub mod policy;
pub mod remediation;
pub mod run;
pub mod validation_facts;

#[cfg(test)]
pub(crate) mod test_fixtures;
