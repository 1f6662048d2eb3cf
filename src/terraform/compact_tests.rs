//! The compact form against the diff the comment showed when it was computed from whole values at render time:
//! the same lines in the same order, sensitive values only as markers, unknown values marked.

use serde_json::{Value, json};
use similar::{ChangeTag, TextDiff};

use super::*;
use crate::render::changes::attribute_diff;

/// The comment's diff as it was computed before the compact form: both sides flattened to sorted `path = value`
/// lines (strings holding the placeholder as `(sensitive)`), then a line diff.
fn diff_of_whole_values(before: Option<&Value>, after: Option<&Value>) -> String {
    fn flatten(path: String, value: &Value, lines: &mut Vec<String>) {
        match value {
            Value::Null => {}
            Value::Object(map) => {
                for (key, item) in map {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    flatten(child, item, lines);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    flatten(format!("{path}[{index}]"), item, lines);
                }
            }
            Value::String(text) if text.contains(PLACEHOLDER) => {
                lines.push(format!("{path} = (sensitive)"))
            }
            leaf => lines.push(format!("{path} = {leaf}")),
        }
    }
    let lines = |value: Option<&Value>| {
        let mut lines = Vec::new();
        if let Some(value) = value {
            flatten(String::new(), value, &mut lines);
        }
        lines.sort();
        lines
    };
    let (before_lines, after_lines) = (lines(before), lines(after));
    if after_lines.is_empty() {
        return String::new();
    }
    let text = |lines: Vec<String>| {
        lines
            .iter()
            .map(|line| format!("{line}\n"))
            .collect::<String>()
    };
    let (before_text, after_text) = (text(before_lines), text(after_lines));
    let diff = TextDiff::from_lines(&before_text, &after_text);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => "-",
            ChangeTag::Insert => "+",
            ChangeTag::Equal => continue,
        };
        out.push_str(&format!("{sign} {}", change.value()));
    }
    out
}

#[test]
fn the_compact_diff_is_the_diff_of_the_whole_values_line_for_line() {
    let cases = [
        (
            None,
            json!({"triggers": {"vmid": 200, "name": "sandbox-0"}, "id": null}),
        ),
        (
            Some(json!({"cores": 2, "name": "web", "tags": ["a"], "disk": [{"size": 8}]})),
            json!({"cores": 4, "name": "web", "tags": ["a", "b"], "disk": [{"size": 16}, {"size": 2}]}),
        ),
        (
            Some(json!({"a": 1, "b": 1, "c": 1, "d": {"e": [1, 2, 3]}})),
            json!({"a": 2, "b": 2, "c": 1, "d": {"e": [3, 2]}}),
        ),
        (
            Some(json!({"password": "[REDACTED]", "user": "admin"})),
            json!({"password": "[REDACTED]", "user": "root", "note": "multi\nline \"quoted\""}),
        ),
        (Some(json!({"a": 1})), json!({"a": 1})),
        (Some(json!({"a": {"b": null}})), json!({"a": {}})),
    ];
    for (before, after) in cases {
        let compact = attribute_changes_of(before.as_ref(), Some(&after));
        assert_eq!(
            attribute_diff(&compact),
            diff_of_whole_values(before.as_ref(), Some(&after)),
            "{before:?} → {after}"
        );
    }
}

#[test]
fn sensitive_values_are_markers_and_collected_for_the_redactor() {
    let mut found = SensitiveValues::default();
    let before = json!({"token": "old-secret", "name": "n"});
    let after = json!({"token": "new-secret", "name": "n", "list": ["a", "hidden-item"]});
    let changes = attribute_changes(
        Some(&before),
        Some(&after),
        ChangeMarkers {
            before_sensitive: Some(&json!({"token": true})),
            after_sensitive: Some(&json!({"token": true, "list": [false, true]})),
            after_unknown: Some(&json!({"id": true, "list": [false, false]})),
        },
        &mut found,
    );
    assert_eq!(
        attribute_diff(&changes),
        "+ list[0] = \"a\"\n+ list[1] = (sensitive)\n",
        "both tokens are `(sensitive)`: nothing to show"
    );
    assert!(!format!("{changes:?}").contains("secret"));
    assert!(!format!("{changes:?}").contains("hidden-item"));
    let collected: Vec<&Value> = found.iter().collect();
    assert_eq!(
        collected,
        [
            &json!("old-secret"),
            &json!("hidden-item"),
            &json!("new-secret")
        ]
    );
    assert_eq!(
        changes.last(),
        Some(&AttributeChange {
            side: AttributeSide::After,
            path: "id".into(),
            value: AttributeValue::Unknown,
        }),
        "unknown values are marked, after the diff"
    );
}

#[test]
fn a_delete_keeps_no_lines_but_its_secrets_are_still_collected() {
    let mut found = SensitiveValues::default();
    let changes = attribute_changes(
        Some(&json!({"password": "gone-secret"})),
        None,
        ChangeMarkers {
            before_sensitive: Some(&json!({"password": true})),
            ..ChangeMarkers::default()
        },
        &mut found,
    );
    assert!(changes.is_empty());
    assert_eq!(found.len(), 1);
}

#[test]
fn redaction_turns_values_holding_a_secret_into_markers() {
    let mut redactor = Redactor::new();
    redactor.add_secret_json(&json!("learned-late-secret"));
    let mut changes = vec![ResourceChange {
        address: "null_resource.a".to_string(),
        action: crate::contracts::ChangeAction::Update,
        reason: None,
        attributes: attribute_changes_of(
            Some(&json!({"url": "https://learned-late-secret@host/a", "n": 1})),
            Some(&json!({"url": "https://learned-late-secret@host/b", "n": 2})),
        ),
    }];
    redact_attribute_changes(&mut changes, &redactor);
    assert_eq!(
        attribute_diff(&changes[0].attributes),
        "- n = 1\n+ n = 2\n",
        "both urls became `(sensitive)`: the pair is dropped"
    );
    assert!(!format!("{changes:?}").contains("learned-late-secret"));
}
