//! The hypothesis schema as each provider accepts it. agentlab's own schema (`answer::hypothesis_schema`) is plain
//! JSON Schema with lengths and ranges, which llama.cpp and Ollama turn into a grammar as it is. OpenAI's strict
//! structured outputs and Anthropic's tool `input_schema` accept a narrower set of keywords, and a schema outside
//! it is refused with a 400 before the model says anything; so those two get the same shape without the length
//! and range keywords, and agentlab enforces lengths and ranges itself when it validates the answer (`answer`).

use serde_json::{Value, json};

use crate::contracts::Category;
use crate::planner::category_policy::CategoryTable;

/// Which provider's schema rules the schema must keep to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaDialect {
    /// OpenAI `response_format: json_schema` with `strict: true`.
    OpenAiStrict,
    /// Anthropic Messages API, a tool's `input_schema`.
    AnthropicTool,
    /// Ollama: plain JSON Schema.
    PlainJsonSchema,
    /// llama.cpp's server, vLLM and other OpenAI-compatible servers: plain JSON Schema with one branch per category
    /// (a root `anyOf`), each allowing only that category's remediations (`planner::category_policy`), so the
    /// grammar a local model decodes under cannot pair a category with a remediation the policy refuses.
    PerCategoryBranches,
}

/// Keywords that constrain lengths, ranges and string shapes: outside OpenAI's strict subset, and left out for
/// Anthropic's tools as well (its strict tool use lists them as unsupported); agentlab checks them itself.
pub const CONSTRAINT_KEYWORDS: [&str; 10] = [
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "pattern",
    "format",
    "maxItems",
];

/// `plain` (agentlab's own schema) as `dialect` accepts it.
pub fn for_dialect(plain: &Value, dialect: SchemaDialect) -> Value {
    match dialect {
        SchemaDialect::PlainJsonSchema => plain.clone(),
        SchemaDialect::PerCategoryBranches => per_category_branches(plain),
        SchemaDialect::OpenAiStrict | SchemaDialect::AnthropicTool => without_constraints(plain),
    }
}

/// One copy of `plain` per category, its `category` fixed and its `remediation` branches cut to that category's
/// allowed actions. `plain` already holds only the actions the table in force offers (`hypothesis_schema`), and
/// each action that a widened table adds belongs to one row, so cutting by the widest rows gives the rows in force.
fn per_category_branches(plain: &Value) -> Value {
    let branches: Vec<Value> = Category::ALL
        .iter()
        .map(|category| {
            let mut branch = plain.clone();
            branch["properties"]["category"] =
                json!({"type": "string", "enum": [category.as_str()]});
            let allowed = CategoryTable::WIDEST.allowed_actions(*category);
            if let Some(actions) = branch["properties"]["remediation"]["anyOf"].as_array_mut() {
                actions.retain(|action| {
                    action["properties"]["action"]["enum"][0]
                        .as_str()
                        .is_some_and(|name| allowed.contains(&name))
                });
            }
            branch
        })
        .collect();
    json!({"anyOf": branches})
}

fn without_constraints(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !CONSTRAINT_KEYWORDS.contains(&key.as_str()))
                .map(|(key, inner)| {
                    // A `properties` map holds property names, not keywords: a property named `format` stays.
                    let inner = match (key.as_str(), inner) {
                        ("properties", Value::Object(properties)) => Value::Object(
                            properties
                                .iter()
                                .map(|(name, schema)| (name.clone(), without_constraints(schema)))
                                .collect(),
                        ),
                        _ => without_constraints(inner),
                    };
                    (key.clone(), inner)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_constraints).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
