//! `[policy]`: which remediations a diagnosis may make agentlab run without a person.
//!
//! Kept apart from the rest of `agentlab.toml`'s keys because it is the one setting that decides whether an
//! unattended deploy may destroy and re-create a guest. Parsed as strictly as the other keys: an unknown kind, or
//! one named twice, stops the run with the line it is on.

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer};

use crate::planner::policy::{RemediationKind, RemediationPolicy};

/// `[policy]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// The remediation kinds that run unattended, within the retry cap. Default: `["retry", "retry_after",
    /// "reduce_parallelism"]`. `replace` and `reinit_upgrade` may be added; even then a `replace` may only name a
    /// resource whose create or update failed in the attempt diagnosed. Any other proposal ends the run, and the
    /// incident issue shows the command to run it by hand.
    #[serde(default = "default_unattended", deserialize_with = "remediation_kinds")]
    pub unattended: Vec<RemediationKind>,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self {
            unattended: default_unattended(),
        }
    }
}

impl PolicyConfig {
    /// The Planner's policy these settings describe.
    pub fn remediation_policy(&self) -> RemediationPolicy {
        RemediationPolicy::allowing(self.unattended.iter().copied())
    }
}

fn default_unattended() -> Vec<RemediationKind> {
    RemediationKind::SAFE.to_vec()
}

fn remediation_kinds<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<RemediationKind>, D::Error> {
    let kinds = Vec::<RemediationKind>::deserialize(deserializer)?;
    let mut seen = BTreeSet::new();
    for kind in &kinds {
        if !seen.insert(*kind) {
            return Err(serde::de::Error::custom(format!(
                "`{}` is listed twice",
                kind.as_str()
            )));
        }
    }
    Ok(kinds)
}
