//! What a scheduled check found for one project, kept in its run record (mode `check`): the verdict in the words
//! people search for (`in-sync`, `drifted`, `unhealthy`, `error`) and the facts behind it, so the JSON a check
//! prints and the metrics it pushes need no second reading of Terraform's plan or the Validator's evidence.
//! Absent in the records of plans and deploys, and in records written before checks existed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A check's verdict on one project. When a project is both drifted and unhealthy, `unhealthy` is its verdict (a
/// guest that is down matters first) and [`CheckFindings::drifted_resources`] still lists the drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum CheckVerdict {
    /// The plan would change nothing and every live check passed.
    #[serde(rename = "in-sync")]
    InSync,
    /// The plan would change something: the real world no longer matches the code.
    #[serde(rename = "drifted")]
    Drifted,
    /// A live check failed: a guest is down, has no address or does not answer.
    #[serde(rename = "unhealthy")]
    Unhealthy,
    /// The check itself could not run (init or plan failed, the Validator could not be asked).
    #[serde(rename = "error")]
    Error,
}

impl CheckVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InSync => "in-sync",
            Self::Drifted => "drifted",
            Self::Unhealthy => "unhealthy",
            Self::Error => "error",
        }
    }
}

/// The facts of one project's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckFindings {
    pub verdict: CheckVerdict,
    /// When the check ran, in seconds since the Unix epoch (UTC).
    pub checked_at_unix: u64,
    /// `ADDRESS (ACTION)` for every resource the plan would change, in plan order.
    #[serde(default)]
    pub drifted_resources: Vec<String>,
    /// The labels of the guests a live check failed for, sorted.
    #[serde(default)]
    pub unhealthy_guests: Vec<String>,
    /// The names of the live checks that failed.
    #[serde(default)]
    pub failed_checks: Vec<String>,
    /// Why the check could not run (`error`): the real error, first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl CheckFindings {
    pub fn is_drifted(&self) -> bool {
        self.verdict != CheckVerdict::Error && !self.drifted_resources.is_empty()
    }

    pub fn is_unhealthy(&self) -> bool {
        self.verdict != CheckVerdict::Error && !self.failed_checks.is_empty()
    }
}
