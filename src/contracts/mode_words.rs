//! The words two contracts use on the wire for the run's mode, kept as they were before agentlab had one mode type.
//!
//! In code there is one mode, [`RunMode`] (plan or deploy). A [`TerraformRequest`](super::TerraformRequest) spells
//! deploy as Terraform does, `apply`; a [`ValidationRequest`](super::ValidationRequest) spells it as the Validator
//! sees it, `live`. Those words are in the published JSON Schemas (where the types are still called
//! `TerraformMode` and `ValidationMode`) and in requests written before, so each of the two fields is written and
//! read through its words here, and nothing outside this file knows them.

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

/// A contract's two words for the run's mode.
pub(super) trait ModeWords:
    Copy + PartialEq + Serialize + for<'de> Deserialize<'de>
{
    const PLAN: Self;
    const DEPLOY: Self;

    /// A check plans without applying (`plan` to Terraform) and checks live guests (`live` to the Validator).
    fn from_mode(mode: RunMode) -> Self;

    fn mode(self) -> RunMode {
        if self == Self::PLAN {
            RunMode::Plan
        } else {
            RunMode::Deploy
        }
    }
}

impl ModeWords for TerraformMode {
    const PLAN: Self = Self::Plan;
    const DEPLOY: Self = Self::Apply;

    fn from_mode(mode: RunMode) -> Self {
        if mode.applies() {
            Self::DEPLOY
        } else {
            Self::PLAN
        }
    }
}

impl ModeWords for ValidationMode {
    const PLAN: Self = Self::Plan;
    const DEPLOY: Self = Self::Live;

    fn from_mode(mode: RunMode) -> Self {
        if mode.checks_live_guests() {
            Self::DEPLOY
        } else {
            Self::PLAN
        }
    }
}

/// Writes `mode` in the words of `Words` (a contract field's `serialize_with`).
pub(super) fn serialize_in<Words: ModeWords, S: Serializer>(
    mode: &RunMode,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Words::from_mode(*mode).serialize(serializer)
}

/// Reads a mode written in the words of `Words` (a contract field's `deserialize_with`); any other word is
/// refused, as before.
pub(super) fn deserialize_from<'de, Words: ModeWords, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<RunMode, D::Error> {
    Words::deserialize(deserializer).map(Words::mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each contract's words for each mode, both ways, and the other contract's words refused.
    #[test]
    fn each_contract_keeps_its_words() {
        let check = |mode: RunMode, terraform: &str, validation: &str| {
            let terraform_json = serde_json::to_value(TerraformMode::from_mode(mode)).unwrap();
            let validation_json = serde_json::to_value(ValidationMode::from_mode(mode)).unwrap();
            assert_eq!(
                (terraform_json.clone(), validation_json.clone()),
                (terraform.into(), validation.into()),
                "{mode:?}"
            );
            let read_back: TerraformMode = serde_json::from_value(terraform_json).unwrap();
            assert_eq!(read_back.mode(), mode);
            let read_back: ValidationMode = serde_json::from_value(validation_json).unwrap();
            assert_eq!(read_back.mode(), mode);
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
