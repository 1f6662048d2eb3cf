//! The eval harness: fixed scenarios (happy paths and failures) run through the real Planner, the real Terraform
//! agent on the bundled sandbox projects and a Proxmox VE world on loopback, once per model, scored against ground
//! truth. Happy paths are there to prove they make no LLM call; failures measure diagnosis.

pub mod citations;
pub mod records;
pub mod report;
pub mod runner;
pub mod sandbox;
pub mod scenario;
pub mod score;
pub mod terms;
