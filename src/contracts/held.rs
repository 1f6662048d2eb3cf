//! A remediation the Planner did not run because it needs a person: what was proposed, why it was held, and the
//! exact command a person runs by hand after checking it.
//!
//! `replace` destroys and re-creates a resource; `reinit_upgrade` moves providers to newer versions. Neither runs
//! unattended unless `[policy] unattended` says so, so a model's answer, or a line of text injected into
//! Terraform's output, can never destroy a guest on its own. The record keeps the held proposal so the incident
//! issue can show it to a person.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Remediation;

/// What the diagnosis proposed and the policy held for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldRemediation {
    /// The proposal, as the diagnosis made it.
    pub remediation: Remediation,
    /// Why it was not run unattended.
    pub reason: String,
    /// The command that does it by hand, e.g. `terraform -chdir=DIR apply -replace='ADDRESS'`.
    pub command: String,
}
