//! The words two contracts use on the wire for the run's mode, kept as they were before agentlab had one mode type.
//!
//! In code there is one mode, [`RunMode`] (plan or deploy). A [`TerraformRequest`](super::TerraformRequest) spells
//! deploy as Terraform does, `apply`; a [`ValidationRequest`](super::ValidationRequest) spells it as the Validator
//! sees it, `live`. Those words are in the published JSON Schemas (where the types are still called
//! `TerraformMode` and `ValidationMode`) and in requests written before, so each of the two fields goes through a
//! `with` module here, and nothing outside this file knows the words.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::RunMode;

/// What a Terraform run is asked to do: `plan` stops after the plan, `apply` applies the saved plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum TerraformMode {
    Plan,
    Apply,
}

/// Whether the Validator looks at a plan (pull request) or at live guests (after apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum ValidationMode {
    Plan,
    Live,
}

impl From<RunMode> for TerraformMode {
    fn from(mode: RunMode) -> Self {
        match mode {
            RunMode::Plan => Self::Plan,
            RunMode::Deploy => Self::Apply,
        }
    }
}

impl From<TerraformMode> for RunMode {
    fn from(words: TerraformMode) -> Self {
        match words {
            TerraformMode::Plan => Self::Plan,
            TerraformMode::Apply => Self::Deploy,
        }
    }
}

impl From<RunMode> for ValidationMode {
    fn from(mode: RunMode) -> Self {
        match mode {
            RunMode::Plan => Self::Plan,
            RunMode::Deploy => Self::Live,
        }
    }
}

impl From<ValidationMode> for RunMode {
    fn from(words: ValidationMode) -> Self {
        match words {
            ValidationMode::Plan => Self::Plan,
            ValidationMode::Live => Self::Deploy,
        }
    }
}

/// Writes `mode` in the words of `Words`.
fn serialize_in<Words, S>(mode: &RunMode, serializer: S) -> Result<S::Ok, S::Error>
where
    Words: From<RunMode> + Serialize,
    S: Serializer,
{
    Words::from(*mode).serialize(serializer)
}

/// Reads a mode written in the words of `Words`; any other word is refused, as before.
fn deserialize_from<'de, Words, D>(deserializer: D) -> Result<RunMode, D::Error>
where
    Words: Into<RunMode> + Deserialize<'de>,
    D: Deserializer<'de>,
{
    Words::deserialize(deserializer).map(Into::into)
}

/// `TerraformRequest.mode`: `plan` or `apply`.
pub(super) mod terraform {
    use super::{RunMode, TerraformMode};

    pub fn serialize<S: serde::Serializer>(
        mode: &RunMode,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::serialize_in::<TerraformMode, S>(mode, serializer)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<RunMode, D::Error> {
        super::deserialize_from::<TerraformMode, D>(deserializer)
    }
}

/// `ValidationRequest.mode`: `plan` or `live`.
pub(super) mod validation {
    use super::{RunMode, ValidationMode};

    pub fn serialize<S: serde::Serializer>(
        mode: &RunMode,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::serialize_in::<ValidationMode, S>(mode, serializer)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<RunMode, D::Error> {
        super::deserialize_from::<ValidationMode, D>(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each contract's words for each mode, both ways, and the other contract's words refused.
    #[test]
    fn each_contract_keeps_its_words() {
        let check = |mode: RunMode, terraform: &str, validation: &str| {
            let terraform_json = serde_json::to_value(TerraformMode::from(mode)).unwrap();
            let validation_json = serde_json::to_value(ValidationMode::from(mode)).unwrap();
            assert_eq!(
                (terraform_json.clone(), validation_json.clone()),
                (terraform.into(), validation.into()),
                "{mode:?}"
            );
            let read_back: TerraformMode = serde_json::from_value(terraform_json).unwrap();
            assert_eq!(RunMode::from(read_back), mode);
            let read_back: ValidationMode = serde_json::from_value(validation_json).unwrap();
            assert_eq!(RunMode::from(read_back), mode);
        };
        check(RunMode::Plan, "plan", "plan");
        check(RunMode::Deploy, "apply", "live");
        for (word, terraform_reads, validation_reads) in [
            ("deploy", false, false),
            ("live", false, true),
            ("apply", true, false),
        ] {
            assert_eq!(
                serde_json::from_value::<TerraformMode>(word.into()).is_ok(),
                terraform_reads,
                "{word}"
            );
            assert_eq!(
                serde_json::from_value::<ValidationMode>(word.into()).is_ok(),
                validation_reads,
                "{word}"
            );
        }
    }
}
