//! Integration tests: the real `agentlab` binary, the real terraform, local servers on loopback.

mod action_build;
mod cli;
mod diagnosis;
mod eval;
mod faults;
mod fuzz_seeds;
mod github_events;
mod github_flows;
mod github_incidents;
mod github_routes;
mod github_stand_in;
mod metrics;
mod modules;
mod publishing;
mod push_deploys;
mod review_gate;
mod runner_hygiene;
mod s3_state;
mod scripts;
mod support;
mod terraform;
mod terraform_cli;
mod terraform_planner;
mod validator;
mod validator_cli;
mod validator_in_planner;
