//! What a deploy checks before it applies, and why it may refuse: the reviewed-plan gate and the destroy guard.
//!
//! A refusal is not a failure to diagnose. Nothing broke: the plan asks for something nobody approved (a plan that
//! changed since the pull request was reviewed, a plan nobody reviewed, a retry that would destroy what existed
//! before the run), so the run ends FAILED at once, with no LLM call and no incident, and says what a person must
//! look at.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the Terraform agent checks between the saved plan and `apply`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyGuard {
    /// The reviewed-plan gate of this attempt.
    #[serde(default)]
    pub review: ReviewGate,
    /// When set, the only addresses the plan may delete or replace (the reviewed plan's own deletes and replaces,
    /// and what this run created itself); a plan that deletes or replaces anything else is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub may_destroy: Option<Vec<String>>,
}

/// Whether the plan must be the one reviewed on the pull request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "gate", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReviewGate {
    /// No review is checked: a plan, a person's own deploy from a terminal, or a retry (the destroy guard holds).
    #[default]
    NotChecked,
    /// Apply only a plan whose fingerprint the pull request's reviewed comment vouches for.
    Reviewed(ReviewedPlan),
    /// No reviewed plan was found (`why`); plan, show the plan, and refuse to apply.
    Refuse { why: String },
    /// No reviewed plan was found (`why`), and the configuration or `--allow-unreviewed` says to apply anyway.
    AllowUnreviewed { why: String },
}

/// The review a pull request's sticky comment carries for one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewedPlan {
    /// The pull request the plan was reviewed on.
    pub pull_request: u64,
    /// The head commit that was planned: a plan of an older commit never counts.
    pub head_sha: String,
    /// HMAC-SHA256 over the project, the head commit and the plan's fingerprint, with a key only the runner holds.
    pub mac: String,
    /// The reviewed plan, one line per resource action and planned attribute (values hashed), to list what differs.
    #[serde(default)]
    pub digest: Vec<String>,
}

/// What a plan run on a pull request vouches for: HMAC(project, head commit, fingerprint) with the review key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewStamp {
    pub head_sha: String,
    pub mac: String,
}

/// A plan's identity: computed by the Terraform agent from the saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanIdentity {
    /// `v1:HEX`: SHA-256 over every resource change's address, actions and known planned values, in a stable
    /// order; sensitive values enter it only as keyed hashes. Never printed where people can edit it.
    pub fingerprint: String,
    /// One line per resource action and planned top-level attribute, sorted; values as short hashes, sensitive
    /// ones as `(sensitive)`.
    #[serde(default)]
    pub digest: Vec<String>,
}

/// Why the agent did not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// One line a person reads first.
    pub reason: String,
    /// What differs, or what would have been destroyed: one item per line.
    #[serde(default)]
    pub details: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// The fresh plan is not the one reviewed on the pull request.
    PlanChangedSinceReview,
    /// No reviewed plan was found and the configuration refuses unreviewed deploys.
    Unreviewed,
    /// A retry's plan would delete or replace something that existed before the run and that the reviewed plan
    /// did not delete or replace.
    DestroysOutsideReview,
}
