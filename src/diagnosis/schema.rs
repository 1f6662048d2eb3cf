//! The hypothesis schema as each provider accepts it. agentlab's own schema (`answer::hypothesis_schema`) is plain
//! JSON Schema with lengths and ranges, which llama.cpp and Ollama turn into a grammar as it is. OpenAI's strict
//! structured outputs and Anthropic's tool `input_schema` accept a narrower set of keywords, and a schema outside
//! it is refused with a 400 before the model says anything; so those two get the same shape without the length
//! and range keywords, and agentlab enforces lengths and ranges itself when it validates the answer (`answer`).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

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

/// The hypothesis fields in the order a model should write them: models write the fields in the order the schema
/// lists them (llama.cpp's grammar and OpenAI's structured outputs both follow it), so the order is part of the
/// prompt. The category comes first, as the prompt asks, then the remediation its row allows, then the explanation
/// and the citations.
pub const FIELD_ORDER: [&str; 5] = [
    "category",
    "remediation",
    "root_cause",
    "evidence",
    "confidence",
];

/// A JSON value serialised with the hypothesis fields first, in `FIELD_ORDER`, wherever an object holds them (the
/// schema's `properties`); every other key keeps its place. `serde_json`'s own maps are sorted by key, which would
/// put `confidence` first and the category after the explanation.
pub struct FieldOrdered<'a>(pub &'a Value);

impl Serialize for FieldOrdered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                // A stable sort: the hypothesis fields move to the front, the rest keep their order.
                keys.sort_by_key(|key| {
                    FIELD_ORDER
                        .iter()
                        .position(|field| field == key)
                        .unwrap_or(FIELD_ORDER.len())
                });
                let mut out = serializer.serialize_map(Some(keys.len()))?;
                for key in keys {
                    out.serialize_entry(key, &FieldOrdered(&map[key]))?;
                }
                out.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(FieldOrdered)),
            other => other.serialize(serializer),
        }
    }
}

/// The answer's schema for one call: agentlab's own schema (`answer::hypothesis_schema`) and the category rows in
/// force for this incident, which cut the per-category branches.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSchema {
    pub plain: Value,
    pub table: CategoryTable,
}

impl ResponseSchema {
    /// The schema of an answer citing `presented_ids`, under the rows of `table`.
    pub fn new(presented_ids: &[String], table: &CategoryTable) -> Self {
        Self {
            plain: super::answer::hypothesis_schema(presented_ids, table),
            table: *table,
        }
    }
}

/// `schema` as `dialect` accepts it.
pub fn for_dialect(schema: &ResponseSchema, dialect: SchemaDialect) -> Value {
    let plain = &schema.plain;
    match dialect {
        SchemaDialect::PlainJsonSchema => plain.clone(),
        SchemaDialect::PerCategoryBranches => per_category_branches(plain, &schema.table),
        SchemaDialect::OpenAiStrict | SchemaDialect::AnthropicTool => without_constraints(plain),
    }
}

/// One copy of `plain` per category the incident can be, its `category` fixed and its `remediation` branches cut to
/// the actions that category's row in `table` allows.
fn per_category_branches(plain: &Value, table: &CategoryTable) -> Value {
    let branches: Vec<Value> = table
        .possible_categories()
        .iter()
        .map(|category| {
            let mut branch = plain.clone();
            branch["properties"]["category"] =
                json!({"type": "string", "enum": [category.as_str()]});
            let allowed = table.allowed_actions(*category);
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
