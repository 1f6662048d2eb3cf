//! `agentlab schema [NAME]`: the JSON Schemas of the contracts, for people and tools that read the records.

use crate::commands::{CommandError, ExitStatus, print_stdout};
use crate::contracts::schemas;

/// Prints every schema as one JSON object keyed by name, or the one named.
pub fn print_schemas(name: Option<&str>) -> Result<ExitStatus, CommandError> {
    let all = schemas();
    let text = match name {
        None => {
            let map: serde_json::Map<String, serde_json::Value> = all
                .into_iter()
                .map(|(name, schema)| {
                    (
                        name.to_string(),
                        serde_json::to_value(schema).unwrap_or_default(),
                    )
                })
                .collect();
            serde_json::to_string_pretty(&map)
        }
        Some(wanted) => match all
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
        {
            Some((_, schema)) => serde_json::to_string_pretty(&schema),
            None => {
                let names: Vec<&str> = schemas().into_iter().map(|(name, _)| name).collect();
                return Err(CommandError::BadInput(format!(
                    "no contract named `{wanted}`; known: {}",
                    names.join(", ")
                )));
            }
        },
    };
    let text =
        text.map_err(|error| CommandError::BadInput(format!("cannot print the schema: {error}")))?;
    print_stdout(&text)?;
    Ok(ExitStatus::Success)
}
