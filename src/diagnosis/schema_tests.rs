//! Each provider's documented schema rules, written down with their source, checked against the schema agentlab
//! sends that provider.

use serde_json::{Value, json};

use super::*;
use crate::diagnosis::answer::hypothesis_schema;
use crate::planner::category_policy::CategoryTable;

fn sent(dialect: SchemaDialect) -> Value {
    for_dialect(
        &ResponseSchema::new(&["E1".into(), "E2".into()], &CategoryTable::STRICT),
        dialect,
    )
}

/// Every schema object (the root, each property, each `items`, each `anyOf` branch), with its path.
fn schema_objects<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    let Some(map) = value.as_object() else { return };
    out.push((path.clone(), value));
    if let Some(properties) = map.get("properties").and_then(Value::as_object) {
        for (name, inner) in properties {
            schema_objects(inner, format!("{path}.properties.{name}"), out);
        }
    }
    if let Some(items) = map.get("items") {
        schema_objects(items, format!("{path}.items"), out);
    }
    for keyword in ["anyOf", "allOf", "oneOf"] {
        if let Some(branches) = map.get(keyword).and_then(Value::as_array) {
            for (index, branch) in branches.iter().enumerate() {
                schema_objects(branch, format!("{path}.{keyword}[{index}]"), out);
            }
        }
    }
}

fn all_objects(schema: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    schema_objects(schema, "$".into(), &mut out);
    out
}

/// OpenAI strict structured outputs, as the guide documents them ("Structured model outputs", section "Supported
/// schemas", https://platform.openai.com/docs/guides/structured-outputs#supported-schemas, read 2026-12):
/// - "Root objects must not be anyOf and must be an object";
/// - "All fields must be required", and "additionalProperties: false must always be set in objects";
/// - supported types: string, number, boolean, integer, object, array, enum, anyOf; `$defs`/`$ref` definitions;
/// - "Supported properties": for strings `pattern` and `format`; for numbers `multipleOf`, `maximum`,
///   `exclusiveMaximum`, `minimum`, `exclusiveMinimum`; for arrays `minItems`, `maxItems`. String lengths
///   (`minLength`, `maxLength`) are not among them, and fine-tuned models take none of these constraints;
/// - not supported: `allOf`, `not`, `dependentRequired`, `dependentSchemas`, `if`, `then`, `else`;
/// - at most 5 levels of nesting.
///
/// agentlab sends OpenAI none of the constraint keywords (it checks ranges itself), which keeps to the subset for
/// every model, fine-tuned ones included.
#[test]
fn the_openai_schema_keeps_to_the_strict_subset() {
    let schema = sent(SchemaDialect::OpenAiStrict);
    assert_eq!(schema["type"], "object");
    assert!(schema.get("anyOf").is_none());
    let allowed = [
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "$ref",
        "$defs",
        "description",
        // Documented as supported for base models, left out by agentlab for fine-tuned ones.
        "pattern",
        "format",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "minItems",
        "maxItems",
    ];
    for (path, object) in all_objects(&schema) {
        for keyword in [
            "minLength",
            "maxLength",
            "allOf",
            "not",
            "if",
            "then",
            "else",
        ] {
            assert!(
                object.get(keyword).is_none(),
                "{path}: `{keyword}` is outside the subset"
            );
        }
        for keyword in CONSTRAINT_KEYWORDS {
            assert!(
                object.get(keyword).is_none(),
                "{path}: `{keyword}` is not supported for fine-tuned models"
            );
        }
        let depth = path.matches(".properties.").count();
        assert!(depth <= 5, "{path}: more than 5 levels of nesting");
    }
    for (path, object) in all_objects(&schema) {
        let map = object.as_object().unwrap();
        for key in map.keys() {
            assert!(
                allowed.contains(&key.as_str()),
                "{path}: `{key}` is outside OpenAI's strict subset"
            );
        }
        if map.get("type") == Some(&json!("object")) {
            assert_eq!(
                map.get("additionalProperties"),
                Some(&json!(false)),
                "{path}"
            );
            let properties: Vec<&String> = map["properties"].as_object().unwrap().keys().collect();
            let required: Vec<&str> = map["required"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            for property in properties {
                assert!(
                    required.contains(&property.as_str()),
                    "{path}: `{property}` is not required"
                );
            }
        }
    }
}

/// Anthropic tool use: a tool's `input_schema` is a JSON Schema object with `type: "object"` at its root
/// (https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use). Strict tool use and JSON
/// outputs share the "JSON Schema limitations" of https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations:
/// every object sets `additionalProperties: false`, and numeric and string-length constraints are not supported;
/// the API answers a schema with one of them with a 400 such as "For 'integer' type, property 'minimum' is not
/// supported" (reported in https://github.com/agentjido/req_llm/issues/302 for claude-haiku-4-5).
#[test]
fn the_anthropic_schema_is_an_object_root_without_length_or_range_keywords() {
    let schema = sent(SchemaDialect::AnthropicTool);
    assert_eq!(schema["type"], "object");
    assert!(schema["properties"].is_object());
    for (path, object) in all_objects(&schema) {
        for keyword in CONSTRAINT_KEYWORDS {
            assert!(object.get(keyword).is_none(), "{path}: `{keyword}`");
        }
        if object.get("type") == Some(&json!("object")) {
            assert_eq!(
                object.get("additionalProperties"),
                Some(&json!(false)),
                "{path}"
            );
        }
    }
}

/// llama.cpp's server converts the `json_schema` of a `/chat/completions` `response_format` to a grammar and
/// supports a subset of JSON Schema, string lengths and integer ranges included
/// (https://github.com/ggml-org/llama.cpp/blob/master/grammars/README.md, "JSON Schemas → GBNF"). Ollama gets
/// agentlab's plain schema unchanged, ranges included.
#[test]
fn local_servers_get_the_plain_schema_with_its_ranges() {
    let schema = sent(SchemaDialect::PlainJsonSchema);
    assert_eq!(
        schema,
        hypothesis_schema(&["E1".into(), "E2".into()], &CategoryTable::STRICT)
    );
    assert_eq!(schema["properties"]["confidence"]["maximum"], 1);
    assert!(schema["properties"]["root_cause"]["maxLength"].is_number());
}

#[test]
fn a_property_named_like_a_keyword_is_not_dropped() {
    let plain =
        json!({"type": "object", "properties": {"format": {"type": "string", "maxLength": 3}}});
    let stripped = for_dialect(
        &ResponseSchema {
            plain,
            table: CategoryTable::STRICT,
        },
        SchemaDialect::OpenAiStrict,
    );
    assert_eq!(stripped["properties"]["format"], json!({"type": "string"}));
}

/// llama.cpp converts a root `anyOf` into an alternation of grammars (the same README's "JSON Schemas → GBNF"
/// supports `anyOf`/`oneOf`): each category's branch allows exactly its row of the policy table.
#[test]
fn compatible_servers_get_one_branch_per_category_with_only_its_allowed_remediations() {
    use crate::contracts::Category;
    use crate::planner::category_policy::allowed_actions;
    let schema = sent(SchemaDialect::PerCategoryBranches);
    let branches = schema["anyOf"].as_array().expect("a root anyOf");
    assert_eq!(branches.len(), Category::ALL.len());
    for (branch, category) in branches.iter().zip(Category::ALL) {
        assert_eq!(
            branch["properties"]["category"]["enum"],
            json!([category.as_str()])
        );
        let actions: Vec<&str> = branch["properties"]["remediation"]["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|action| action["properties"]["action"]["enum"][0].as_str().unwrap())
            .collect();
        let mut expected: Vec<&str> = allowed_actions(category).to_vec();
        let mut got = actions.clone();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{}", category.as_str());
        assert_eq!(
            branch["properties"]["confidence"]["maximum"], 1,
            "ranges stay for local servers"
        );
    }
}

/// Models write the fields in the schema's order, so the order is part of the prompt: the category first, then the
/// remediation its row allows, then the root cause, the citations and the confidence. What every dialect sends
/// keeps it.
#[test]
fn every_dialect_sends_the_fields_category_first_and_the_explanation_after_the_remediation() {
    let order = [
        "category",
        "remediation",
        "root_cause",
        "evidence",
        "confidence",
    ];
    assert_eq!(FIELD_ORDER, order);
    let positions = |text: &str| -> Vec<usize> {
        order
            .iter()
            .map(|key| text.find(&format!("\"{key}\":")).expect(key))
            .collect()
    };
    for dialect in [
        SchemaDialect::OpenAiStrict,
        SchemaDialect::AnthropicTool,
        SchemaDialect::PlainJsonSchema,
        SchemaDialect::PerCategoryBranches,
    ] {
        let schema = sent(dialect);
        let text = serde_json::to_string(&FieldOrdered(&schema)).unwrap();
        let at = positions(&text);
        assert!(at.is_sorted(), "{dialect:?}: {text}");
        // Only the order changed: the text reads back as the same schema.
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), schema);
        let required = if dialect == SchemaDialect::PerCategoryBranches {
            &schema["anyOf"][0]["required"]
        } else {
            &schema["required"]
        };
        assert_eq!(required, &json!(order), "{dialect:?}");
    }
    // Without the ordering, serde_json's sorted maps would put the confidence first.
    let plain = serde_json::to_string(&sent(SchemaDialect::PlainJsonSchema)).unwrap();
    assert!(!positions(&plain).is_sorted());
}

/// The branches follow the rows in force for the incident, not the docs' table: after the validator's wait a
/// network answer may only escalate, and a lock at several resources may only reduce parallelism.
#[test]
fn the_branches_follow_the_rows_narrowed_by_the_incident() {
    use crate::contracts::Category;
    use crate::planner::category_policy::IncidentFacts;
    let table = CategoryTable::STRICT.for_incident(&IncidentFacts {
        found_by_validator: true,
        check_failed: true,
        failed_resources: 3,
    });
    let schema = for_dialect(
        &ResponseSchema::new(&["E1".into()], &table),
        SchemaDialect::PerCategoryBranches,
    );
    let actions_of = |category: Category| -> Vec<String> {
        schema["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|branch| branch["properties"]["category"]["enum"][0] == category.as_str())
            .unwrap()["properties"]["remediation"]["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|action| {
                action["properties"]["action"]["enum"][0]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(actions_of(Category::Network), ["escalate"]);
    assert_eq!(actions_of(Category::TransientLock), ["reduce_parallelism"]);
    assert_eq!(actions_of(Category::StateBackend), ["escalate"]);
}
