//! The Terraform agent's room: everything that runs `terraform` (or `tofu`) and reads what it prints.
//!
//! `runner` is the agent the Planner calls, and `phases` the commands it runs in order (init, plan, show, apply,
//! output; `show` beside `apply` when no guard reads the plan first, with the apply's progress held in `progress`
//! until the plan's secrets are known); `invocation` is what both share (how each command is started: binary, environment, cancellation; and
//! the plan's exit status), so the arrows run runner → phases → invocation. `process` spawns one Terraform process
//! and forwards cancellation to it as SIGINT; `ui` reads the machine-readable UI stream of `plan -json`/`apply
//! -json` line by line; `plan` reads the JSON of `show -json` (plans and states, with their outputs) as it streams
//! from the pipe (`pipe`), each change reduced to its compact form (`compact`); `human` reads the error blocks
//! Terraform prints for people; `applied_facts` tells what exists after a successful apply from the saved plan and
//! the apply's stream, so the state is read only when those cannot answer; `guard` is the destroy guard a retry's
//! plan must pass before
//! `apply`; `sensitive` masks what Terraform marks as sensitive, so nothing built here carries a secret; `review`
//! fingerprints a saved plan and holds the reviewed-plan gate; `version` reads which release a binary is. No other
//! room spawns processes.

pub mod applied_facts;
pub mod compact;
pub mod guard;
pub mod human;
pub mod invocation;
mod phases;
pub mod pipe;
pub mod plan;
pub mod process;
mod progress;
pub mod review;
pub mod runner;
pub mod sensitive;
pub mod ui;
pub mod version;

pub use invocation::TERRAFORM_BINARY_ENV;
pub use process::Cancellation;
pub use runner::{TerraformRunner, choose_terraform_binary};
