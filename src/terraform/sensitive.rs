//! Masking of values Terraform marks as sensitive.
//!
//! `terraform show -json` and the `outputs` event of the machine-readable UI print sensitive values in clear and
//! only say, next to them, which ones are sensitive. This room applies those markers, so that nothing this crate
//! builds from Terraform's JSON (records, comments, prompts) ever carries a sensitive value. The values it masks
//! are handed back as [`SensitiveValues`], so the caller can teach the redactor to hide them wherever else they
//! turn up (a provider's error message, a log line).

use serde_json::Value;

/// Values Terraform marked as sensitive, collected while masking them, for the redactor only. Its `Debug` shows
/// how many there are, never what they are.
#[derive(Clone, Default, PartialEq)]
pub struct SensitiveValues(Vec<Value>);

impl SensitiveValues {
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn push(&mut self, value: &Value) {
        if !value.is_null() && !self.0.contains(value) {
            self.0.push(value.clone());
        }
    }
}

impl std::fmt::Debug for SensitiveValues {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "SensitiveValues({} hidden)", self.0.len())
    }
}

/// What a sensitive value is replaced with.
pub const SENSITIVE_PLACEHOLDER: &str = "(sensitive value)";

/// Returns `value` with every part that `marker` flags as sensitive replaced by [`SENSITIVE_PLACEHOLDER`].
///
/// `marker` has Terraform's `*_sensitive` shape: `true` marks the whole value; an object or array mirrors the
/// value's structure with `true` at the sensitive leaves; `false`, `null`, `{}` or a missing entry mark nothing.
/// A marker whose shape does not match the value masks the whole value, because guessing wrong would leak.
pub fn mask_sensitive(value: &Value, marker: Option<&Value>) -> Value {
    mask_sensitive_collecting(value, marker, &mut SensitiveValues::default())
}

/// [`mask_sensitive`], adding every value it masks to `found`.
pub fn mask_sensitive_collecting(
    value: &Value,
    marker: Option<&Value>,
    found: &mut SensitiveValues,
) -> Value {
    let masked = |found: &mut SensitiveValues| {
        found.push(value);
        Value::String(SENSITIVE_PLACEHOLDER.to_owned())
    };
    match marker {
        None | Some(Value::Null) | Some(Value::Bool(false)) => value.clone(),
        Some(Value::Bool(true)) => masked(found),
        Some(Value::Object(marker_fields)) => match value {
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, field)| {
                        let field_marker = marker_fields.get(key);
                        (
                            key.clone(),
                            mask_sensitive_collecting(field, field_marker, found),
                        )
                    })
                    .collect(),
            ),
            _ if marker_fields.is_empty() => value.clone(),
            _ => masked(found),
        },
        Some(Value::Array(marker_items)) => match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        mask_sensitive_collecting(item, marker_items.get(index), found)
                    })
                    .collect(),
            ),
            _ if marker_items.is_empty() => value.clone(),
            _ => masked(found),
        },
        Some(_) => masked(found),
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
    fn masked_values_are_collected_and_never_debug_printed() {
        let mut found = SensitiveValues::default();
        let value = json!({"token": "secret-1", "list": ["a", "secret-2"], "name": "n"});
        let marker = json!({"token": true, "list": [false, true]});
        mask_sensitive_collecting(&value, Some(&marker), &mut found);
        let collected: Vec<&Value> = found.iter().collect();
        assert_eq!(
            collected,
            [&json!("secret-2"), &json!("secret-1")],
            "in key order"
        );
        assert_eq!(format!("{found:?}"), "SensitiveValues(2 hidden)");
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
