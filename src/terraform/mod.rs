//! The Terraform agent's room: everything that runs `terraform` (or `tofu`) and reads what it prints.
//!
//! `ui` reads the machine-readable UI stream of `plan -json`/`apply -json` line by line; `plan` reads the JSON of
//! `show -json` (plans and states) and `output -json`; `sensitive` masks what Terraform marks as sensitive, so
//! nothing built here carries a secret. No other room spawns processes.

pub mod plan;
pub mod sensitive;
pub mod ui;
