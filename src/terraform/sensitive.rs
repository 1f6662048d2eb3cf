//! Masking of values Terraform marks as sensitive.
//!
//! `terraform show -json` and the `outputs` event of the machine-readable UI print sensitive values in clear and
//! only say, next to them, which ones are sensitive. This room applies those markers, so that nothing this crate
//! builds from Terraform's JSON (records, comments, prompts) ever carries a sensitive value.

use serde_json::Value;

/// What a sensitive value is replaced with.
pub const SENSITIVE_PLACEHOLDER: &str = "(sensitive value)";

/// Returns `value` with every part that `marker` flags as sensitive replaced by [`SENSITIVE_PLACEHOLDER`].
///
/// `marker` has Terraform's `*_sensitive` shape: `true` marks the whole value; an object or array mirrors the
/// value's structure with `true` at the sensitive leaves; `false`, `null`, `{}` or a missing entry mark nothing.
/// A marker whose shape does not match the value masks the whole value, because guessing wrong would leak.
pub fn mask_sensitive(value: &Value, marker: Option<&Value>) -> Value {
    match marker {
        None | Some(Value::Null) | Some(Value::Bool(false)) => value.clone(),
        Some(Value::Bool(true)) => Value::String(SENSITIVE_PLACEHOLDER.to_owned()),
        Some(Value::Object(marker_fields)) => match value {
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, field)| {
                        (key.clone(), mask_sensitive(field, marker_fields.get(key)))
                    })
                    .collect(),
            ),
            _ if marker_fields.is_empty() => value.clone(),
            _ => Value::String(SENSITIVE_PLACEHOLDER.to_owned()),
        },
        Some(Value::Array(marker_items)) => match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| mask_sensitive(item, marker_items.get(index)))
                    .collect(),
            ),
            _ if marker_items.is_empty() => value.clone(),
            _ => Value::String(SENSITIVE_PLACEHOLDER.to_owned()),
        },
        Some(_) => Value::String(SENSITIVE_PLACEHOLDER.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(value: Value, marker: Value, expected: Value) {
        assert_eq!(mask_sensitive(&value, Some(&marker)), expected);
    }

    #[test]
    fn whole_value_marked_true_is_replaced() {
        check(json!("secret"), json!(true), json!(SENSITIVE_PLACEHOLDER));
        check(json!({"a": 1}), json!(true), json!(SENSITIVE_PLACEHOLDER));
    }

    #[test]
    fn nothing_marked_keeps_the_value() {
        check(json!({"a": 1}), json!(false), json!({"a": 1}));
        check(json!({"a": 1}), json!({}), json!({"a": 1}));
        check(json!([1, 2]), json!([]), json!([1, 2]));
        assert_eq!(mask_sensitive(&json!("x"), None), json!("x"));
    }

    #[test]
    fn nested_markers_mask_only_their_leaves() {
        check(
            json!({"triggers": {"name": "visible", "token": "secret"}, "list": ["a", "b"]}),
            json!({"triggers": {"token": true}, "list": [false, true]}),
            json!({"triggers": {"name": "visible", "token": SENSITIVE_PLACEHOLDER}, "list": ["a", SENSITIVE_PLACEHOLDER]}),
        );
    }

    #[test]
    fn a_marker_that_does_not_fit_the_value_masks_it_all() {
        check(
            json!("secret"),
            json!({"token": true}),
            json!(SENSITIVE_PLACEHOLDER),
        );
        check(json!("secret"), json!([true]), json!(SENSITIVE_PLACEHOLDER));
        check(json!("secret"), json!("odd"), json!(SENSITIVE_PLACEHOLDER));
    }
}
