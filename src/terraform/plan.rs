//! Terraform's JSON view of a saved plan or of the state (`terraform show -json [PLANFILE]`).
//!
//! Plans carry what the PR comment and the Validator need: which resources change and how, the resource addresses
//! the plan will leave, and the planned outputs. States carry the addresses and outputs after an apply. Formats
//! 0.1 (Terraform 0.12–1.0.0) to 1.2 (1.5+ and OpenTofu) are read tolerantly; a major version 2 or later is
//! refused with a clear error, since its meaning may have changed. `show -json` prints sensitive values in clear:
//! everything this room returns has them replaced by a placeholder or a marker, using Terraform's own
//! `*_sensitive` markers, and hands the masked values back separately ([`SensitiveValues`]) for the redactor.
//!
//! The document is read as it streams ([`read_plan_json`] from Terraform's pipe): each resource change is reduced
//! to its compact form (`compact`) and its fingerprint material as soon as it is read, and each planned resource
//! to its address, so memory follows what is kept, not the size of the JSON.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::compact::{ChangeMarkers, attribute_changes};
use super::review::IdentityMaterial;
use super::sensitive::{SENSITIVE_PLACEHOLDER, SensitiveValues, mask_sensitive_collecting};
use crate::contracts::{ChangeAction, ChangeCounts, ResourceChange};

/// The highest major `format_version` this parser understands.
const SUPPORTED_FORMAT_MAJOR: u64 = 1;

/// What agentlab keeps of `terraform show -json PLANFILE`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    pub format_version: String,
    pub terraform_version: Option<String>,
    /// Counts in Terraform's own sense: a replacement counts once in `add` and once in `destroy` (as in
    /// "Plan: 1 to add, 0 to change, 1 to destroy") and once more in `replace`. Data source reads are not counted.
    pub counts: ChangeCounts,
    /// Every resource change except no-ops, in plan order, in compact form (`compact`): no values but the
    /// attribute lines that differ, sensitive ones as markers.
    pub resource_changes: Vec<ResourceChange>,
    /// Every resource address in the planned values, child modules included, sorted.
    pub planned_addresses: Vec<String>,
    /// Planned outputs whose values are known before apply, sensitive ones masked. Outputs that are only known
    /// after apply are absent.
    pub planned_outputs: BTreeMap<String, Value>,
    /// Names of the planned outputs whose values are only known after apply.
    pub unknown_outputs: Vec<String>,
    /// The refreshed state the plan started from (`prior_state`): every resource address there, sorted. What a
    /// check validates: the real world as Terraform just read it, not what the code would make of it.
    pub prior_addresses: Vec<String>,
    /// The prior state's outputs, sensitive ones masked.
    pub prior_outputs: BTreeMap<String, Value>,
    /// Everything masked above, plus the values of variables declared `sensitive`: for the redactor only.
    pub sensitive_values: SensitiveValues,
    /// What the plan's fingerprint is made of, taken while the changes stream by (`review::plan_identity`).
    pub identity_material: IdentityMaterial,
}

/// What agentlab keeps of `terraform show -json` (the state).
#[derive(Debug, Clone, PartialEq)]
pub struct StateSummary {
    pub format_version: String,
    pub terraform_version: Option<String>,
    /// Every resource address in the state, child modules included, sorted. Empty for an empty state.
    pub resource_addresses: Vec<String>,
    /// Outputs, sensitive ones masked.
    pub outputs: BTreeMap<String, Value>,
    /// Sensitive outputs and resource attributes of the state: for the redactor only.
    pub sensitive_values: SensitiveValues,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanJsonError {
    #[error("Terraform's {document} JSON could not be read: {source}")]
    Malformed {
        document: &'static str,
        source: serde_json::Error,
    },
    #[error(
        "Terraform's {document} JSON has no format_version; is it really the output of `terraform show -json`?"
    )]
    MissingFormatVersion { document: &'static str },
    #[error(
        "Terraform's {document} JSON has format_version {found}, which agentlab cannot read (it reads 0.x and 1.x); \
         use a Terraform or OpenTofu version whose `show -json` prints format 1.x, or upgrade agentlab"
    )]
    UnsupportedFormatVersion {
        document: &'static str,
        found: String,
    },
    #[error(
        "resource {address} in the plan has actions {actions:?}, a combination agentlab does not know"
    )]
    UnknownActions {
        address: String,
        actions: Vec<String>,
    },
}

#[derive(Deserialize)]
struct PlanDocument {
    format_version: Option<String>,
    terraform_version: Option<String>,
    #[serde(default)]
    planned_values: Option<ValuesDocument>,
    #[serde(default)]
    resource_changes: ReadChanges,
    /// Root module variable values, in clear even when declared sensitive.
    #[serde(default)]
    variables: BTreeMap<String, OutputDocument>,
    #[serde(default)]
    configuration: Option<ConfigurationDocument>,
    /// The state the plan was made against, after refresh.
    #[serde(default)]
    prior_state: Option<StateDocument>,
}

#[derive(Deserialize)]
struct ConfigurationDocument {
    #[serde(default)]
    root_module: Option<ConfigurationModuleDocument>,
}

#[derive(Deserialize)]
struct ConfigurationModuleDocument {
    #[serde(default)]
    variables: BTreeMap<String, ConfigurationVariableDocument>,
}

#[derive(Deserialize)]
struct ConfigurationVariableDocument {
    #[serde(default)]
    sensitive: bool,
}

#[derive(Deserialize)]
struct StateDocument {
    format_version: Option<String>,
    terraform_version: Option<String>,
    #[serde(default)]
    values: Option<ValuesDocument>,
}

/// The `values` representation shared by `planned_values` and the state's `values`.
#[derive(Deserialize)]
struct ValuesDocument {
    #[serde(default)]
    outputs: BTreeMap<String, OutputDocument>,
    #[serde(default)]
    root_module: Option<ModuleDocument>,
}

#[derive(Deserialize)]
struct OutputDocument {
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    value: Option<Value>,
}

#[derive(Deserialize)]
struct ModuleDocument {
    #[serde(default)]
    resources: ReadResources,
    #[serde(default)]
    child_modules: Vec<ModuleDocument>,
}

#[derive(Deserialize)]
struct ModuleResourceDocument {
    address: String,
    #[serde(default)]
    values: Option<Value>,
    #[serde(default)]
    sensitive_values: Option<Value>,
}

#[derive(Deserialize)]
struct ResourceChangeDocument {
    address: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    action_reason: Option<String>,
    change: ChangeDocument,
}

#[derive(Deserialize)]
struct ChangeDocument {
    actions: Vec<String>,
    #[serde(default)]
    before: Option<Value>,
    #[serde(default)]
    after: Option<Value>,
    #[serde(default)]
    before_sensitive: Option<Value>,
    #[serde(default)]
    after_sensitive: Option<Value>,
    #[serde(default)]
    after_unknown: Option<Value>,
}

/// `resource_changes`, read one change at a time. Each change is counted, masked and kept (or dropped, for a
/// no-op) as soon as it is read, so the document's own before/after values never all exist at once next to their
/// masked copies: for a plan of thousands of resources that is most of the memory a plan takes.
#[derive(Default)]
struct ReadChanges {
    counts: ChangeCounts,
    /// Every change except no-ops, in plan order, in compact form.
    kept: Vec<ResourceChange>,
    sensitive: SensitiveValues,
    /// What each managed change contributes to the plan's fingerprint, read before its values are masked.
    identity: IdentityMaterial,
    /// The first change whose actions agentlab does not know: the whole plan is refused for it.
    unknown_actions: Option<(String, Vec<String>)>,
}

impl ReadChanges {
    fn take(&mut self, change: ResourceChangeDocument) {
        if self.unknown_actions.is_some() {
            return;
        }
        let action = match change_action(&change.address, &change.change.actions) {
            Ok(action) => action,
            Err(_) => {
                self.unknown_actions = Some((change.address, change.change.actions));
                return;
            }
        };
        if change.mode.as_deref() != Some("data") {
            count_action(&mut self.counts, action);
        }
        if action == ChangeAction::NoOp {
            return;
        }
        if change.mode.as_deref() != Some("data") {
            self.identity.add(
                &change.address,
                &change.change.actions,
                change.change.after.as_ref(),
                change.change.after_unknown.as_ref(),
                change.change.after_sensitive.as_ref(),
            );
        }
        let attributes = attribute_changes(
            change.change.before.as_ref(),
            change.change.after.as_ref(),
            ChangeMarkers {
                before_sensitive: change.change.before_sensitive.as_ref(),
                after_sensitive: change.change.after_sensitive.as_ref(),
                after_unknown: change.change.after_unknown.as_ref(),
            },
            &mut self.sensitive,
        );
        // The change's values end here: only the compact form is kept.
        self.kept.push(ResourceChange {
            address: change.address,
            action,
            reason: change.action_reason,
            attributes,
        });
    }
}

impl<'de> Deserialize<'de> for ReadChanges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ChangesVisitor;
        impl<'de> Visitor<'de> for ChangesVisitor {
            type Value = ReadChanges;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a list of resource changes")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut changes: A) -> Result<ReadChanges, A::Error> {
                let mut read = ReadChanges::default();
                while let Some(change) = changes.next_element::<ResourceChangeDocument>()? {
                    read.take(change);
                }
                // Kept for the life of the plan: no spare capacity.
                read.kept.shrink_to_fit();
                Ok(read)
            }
        }
        deserializer.deserialize_seq(ChangesVisitor)
    }
}

/// A module's `resources`, read one resource at a time: only the address and the sensitive attribute values are
/// kept; the attribute values themselves are dropped as soon as their sensitive parts are found.
#[derive(Default)]
struct ReadResources {
    addresses: Vec<String>,
    sensitive: SensitiveValues,
}

impl<'de> Deserialize<'de> for ReadResources {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ResourcesVisitor;
        impl<'de> Visitor<'de> for ResourcesVisitor {
            type Value = ReadResources;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a list of resources")
            }

            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut resources: A,
            ) -> Result<ReadResources, A::Error> {
                let mut read = ReadResources::default();
                while let Some(resource) = resources.next_element::<ModuleResourceDocument>()? {
                    if let Some(values) = &resource.values {
                        mask_sensitive_collecting(
                            values,
                            resource.sensitive_values.as_ref(),
                            &mut read.sensitive,
                        );
                    }
                    read.addresses.push(resource.address);
                }
                Ok(read)
            }
        }
        deserializer.deserialize_seq(ResourcesVisitor)
    }
}

const PLAN_DOCUMENT: &str = "plan";
const STATE_DOCUMENT: &str = "state";

/// Parses `terraform show -json PLANFILE` from a text in memory.
pub fn parse_plan_json(json: &str) -> Result<PlanSummary, PlanJsonError> {
    let plan = serde_json::from_str(json).map_err(|source| PlanJsonError::Malformed {
        document: PLAN_DOCUMENT,
        source,
    })?;
    summarize_plan(plan)
}

/// Reads `terraform show -json PLANFILE` as it streams from `reader` (the pipe from Terraform): each resource
/// change is reduced to its compact form as soon as it is read, and the document is never held whole.
pub fn read_plan_json(reader: impl std::io::Read) -> Result<PlanSummary, PlanJsonError> {
    let plan = serde_json::from_reader(std::io::BufReader::with_capacity(64 * 1024, reader))
        .map_err(|source| PlanJsonError::Malformed {
            document: PLAN_DOCUMENT,
            source,
        })?;
    summarize_plan(plan)
}

fn summarize_plan(plan: PlanDocument) -> Result<PlanSummary, PlanJsonError> {
    const DOCUMENT: &str = PLAN_DOCUMENT;
    let format_version = check_format_version(DOCUMENT, plan.format_version)?;

    let ReadChanges {
        counts,
        kept: mut resource_changes,
        mut sensitive,
        identity: mut identity_material,
        unknown_actions,
    } = plan.resource_changes;
    if let Some((address, actions)) = unknown_actions {
        return Err(PlanJsonError::UnknownActions { address, actions });
    }
    // Both lists grew while the changes streamed by and are kept as they are now: no spare room.
    resource_changes.shrink_to_fit();
    identity_material.shrink_to_fit();

    let declared_sensitive = plan
        .configuration
        .and_then(|configuration| configuration.root_module)
        .map(|module| module.variables)
        .unwrap_or_default();
    for (name, variable) in &plan.variables {
        let is_sensitive = declared_sensitive
            .get(name)
            .is_some_and(|declared| declared.sensitive);
        if let (true, Some(value)) = (is_sensitive, &variable.value) {
            sensitive.push(value);
        }
    }

    let unknown_outputs = plan
        .planned_values
        .as_ref()
        .map(|values| {
            values
                .outputs
                .iter()
                .filter(|(_, output)| output.value.is_none())
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default();
    let (planned_addresses, planned_outputs) =
        addresses_and_outputs(plan.planned_values, &mut sensitive);
    let (prior_addresses, prior_outputs) = addresses_and_outputs(
        plan.prior_state.and_then(|state| state.values),
        &mut sensitive,
    );
    Ok(PlanSummary {
        prior_addresses,
        prior_outputs,
        format_version,
        terraform_version: plan.terraform_version,
        counts,
        resource_changes,
        planned_addresses,
        planned_outputs,
        unknown_outputs,
        sensitive_values: sensitive,
        identity_material,
    })
}

/// Parses `terraform show -json` of the state from a text in memory.
pub fn parse_state_json(json: &str) -> Result<StateSummary, PlanJsonError> {
    let state = serde_json::from_str(json).map_err(|source| PlanJsonError::Malformed {
        document: STATE_DOCUMENT,
        source,
    })?;
    summarize_state(state)
}

/// Reads `terraform show -json` of the state as it streams from `reader`, one resource at a time.
pub fn read_state_json(reader: impl std::io::Read) -> Result<StateSummary, PlanJsonError> {
    let state = serde_json::from_reader(std::io::BufReader::with_capacity(64 * 1024, reader))
        .map_err(|source| PlanJsonError::Malformed {
            document: STATE_DOCUMENT,
            source,
        })?;
    summarize_state(state)
}

fn summarize_state(state: StateDocument) -> Result<StateSummary, PlanJsonError> {
    const DOCUMENT: &str = STATE_DOCUMENT;
    let format_version = check_format_version(DOCUMENT, state.format_version)?;
    let mut sensitive_values = SensitiveValues::default();
    let (resource_addresses, outputs) = addresses_and_outputs(state.values, &mut sensitive_values);
    Ok(StateSummary {
        format_version,
        terraform_version: state.terraform_version,
        resource_addresses,
        outputs,
        sensitive_values,
    })
}

fn check_format_version(
    document: &'static str,
    found: Option<String>,
) -> Result<String, PlanJsonError> {
    let found = found.ok_or(PlanJsonError::MissingFormatVersion { document })?;
    let major = found
        .split('.')
        .next()
        .and_then(|major| major.parse::<u64>().ok());
    match major {
        Some(major) if major <= SUPPORTED_FORMAT_MAJOR => Ok(found),
        _ => Err(PlanJsonError::UnsupportedFormatVersion { document, found }),
    }
}

fn change_action(address: &str, actions: &[String]) -> Result<ChangeAction, PlanJsonError> {
    let names: Vec<&str> = actions.iter().map(String::as_str).collect();
    let action = match names.as_slice() {
        ["no-op"] => ChangeAction::NoOp,
        ["create"] => ChangeAction::Create,
        ["read"] => ChangeAction::Read,
        ["update"] => ChangeAction::Update,
        ["delete"] => ChangeAction::Delete,
        ["delete", "create"] => ChangeAction::DeleteCreate,
        ["create", "delete"] => ChangeAction::CreateDelete,
        ["forget"] => ChangeAction::Forget,
        _ => {
            return Err(PlanJsonError::UnknownActions {
                address: address.to_owned(),
                actions: actions.to_vec(),
            });
        }
    };
    Ok(action)
}

fn count_action(counts: &mut ChangeCounts, action: ChangeAction) {
    match action {
        ChangeAction::Create => counts.add += 1,
        ChangeAction::Update => counts.change += 1,
        ChangeAction::Delete => counts.destroy += 1,
        ChangeAction::DeleteCreate | ChangeAction::CreateDelete => {
            counts.add += 1;
            counts.destroy += 1;
            counts.replace += 1;
        }
        ChangeAction::NoOp | ChangeAction::Read | ChangeAction::Forget => {}
    }
}

fn addresses_and_outputs(
    values: Option<ValuesDocument>,
    sensitive: &mut SensitiveValues,
) -> (Vec<String>, BTreeMap<String, Value>) {
    let Some(values) = values else {
        return (Vec::new(), BTreeMap::new());
    };
    let mut addresses = Vec::new();
    if let Some(root) = &values.root_module {
        walk_resources(root, &mut addresses, sensitive);
    }
    addresses.sort();
    (addresses, known_outputs(values.outputs, sensitive))
}

/// Collects the addresses of a module and its children, and the sensitive attribute values of their resources
/// (already found while the resources were read), in the order of the document.
fn walk_resources(
    module: &ModuleDocument,
    addresses: &mut Vec<String>,
    sensitive: &mut SensitiveValues,
) {
    addresses.extend(module.resources.addresses.iter().cloned());
    for value in module.resources.sensitive.iter() {
        sensitive.push(value);
    }
    for child in &module.child_modules {
        walk_resources(child, addresses, sensitive);
    }
}

fn known_outputs(
    outputs: BTreeMap<String, OutputDocument>,
    sensitive: &mut SensitiveValues,
) -> BTreeMap<String, Value> {
    outputs
        .into_iter()
        .filter_map(|(name, output)| {
            let value = output.value?;
            let value = if output.sensitive {
                sensitive.push(&value);
                Value::String(SENSITIVE_PLACEHOLDER.to_owned())
            } else {
                value
            };
            Some((name, value))
        })
        .collect()
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
