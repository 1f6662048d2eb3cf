//! The compact form of a planned resource change: only the attribute paths whose value differs, each with its
//! value as one line of JSON or a sensitive or unknown marker ([`crate::contracts::AttributeChange`]).
//!
//! `plan` builds it for each change as `show -json` streams by, from the change's `before`/`after` and Terraform's
//! `*_sensitive` and `after_unknown` markers, and then drops the values: a plan of thousands of resources is held
//! as the few lines a reviewer reads, not as `serde_json::Value` trees (which cost about ten times the JSON they
//! came from). Both sides are flattened to `path = value` lines, sorted, and diffed line by line (Myers, as the
//! comment always showed them), so the comment's diff is exactly what it was when it was computed at render time.

use serde_json::Value;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::sensitive::SensitiveValues;
use crate::contracts::{AttributeChange, AttributeSide, AttributeValue, ResourceChange};
use crate::redact::{PLACEHOLDER, Redactor};

/// What the comment shows for a sensitive value.
const SENSITIVE_TEXT: &str = "(sensitive)";

/// One flattened leaf: `path = value` (the text sorted and diffed), and where its path ends.
struct Leaf {
    text: String,
    path_bytes: usize,
    sensitive: bool,
}

impl Leaf {
    fn new(path: &str, value: Option<&Value>) -> Self {
        let shown = match value {
            Some(value) => value.to_string(),
            None => SENSITIVE_TEXT.to_string(),
        };
        Self {
            text: format!("{path} = {shown}"),
            path_bytes: path.len(),
            sensitive: value.is_none(),
        }
    }

    fn into_change(self, side: AttributeSide) -> AttributeChange {
        let value = if self.sensitive {
            AttributeValue::Sensitive
        } else {
            AttributeValue::Known(self.text[self.path_bytes + 3..].into())
        };
        let mut path = self.text;
        path.truncate(self.path_bytes);
        AttributeChange {
            side,
            path: path.into_boxed_str(),
            value,
        }
    }
}

/// The attribute lines of one change, from its values as `show -json` prints them (sensitive values in clear)
/// and Terraform's markers. Every value a marker flags is added to `sensitive` and kept only as a marker.
pub fn attribute_changes(
    before: Option<&Value>,
    after: Option<&Value>,
    markers: ChangeMarkers<'_>,
    sensitive: &mut SensitiveValues,
) -> Vec<AttributeChange> {
    let mut before_leaves = Vec::new();
    // An attribute `after` leaves out is known only after apply (a replaced resource's `id`): it only disappears
    // from the known values, so it is not a removal to show.
    let known_before = match (before, after) {
        (Some(before), Some(after)) => Some(without_keys_after_leaves_out(before, after)),
        _ => None,
    };
    if let Some(before) = known_before.as_ref().or(before) {
        flatten_masked(
            &mut String::new(),
            before,
            markers.before_sensitive,
            &mut before_leaves,
            sensitive,
        );
    }
    // A delete (or nothing after) shows nothing: the address says it all. Its sensitive values were still
    // collected above, for the redactor.
    let Some(after) = after.filter(|value| !value.is_null()) else {
        return Vec::new();
    };
    let mut after_leaves = Vec::new();
    flatten_masked(
        &mut String::new(),
        after,
        markers.after_sensitive,
        &mut after_leaves,
        sensitive,
    );
    let mut changes = diff_leaves(before_leaves, after_leaves);
    if let Some(unknown) = markers.after_unknown {
        let mut paths = Vec::new();
        unknown_paths(&mut String::new(), unknown, &mut paths);
        paths.sort();
        changes.extend(paths.into_iter().map(|path| AttributeChange {
            side: AttributeSide::After,
            path: path.into_boxed_str(),
            value: AttributeValue::Unknown,
        }));
    }
    // Kept for the life of the plan: no spare capacity.
    changes.shrink_to_fit();
    changes
}

/// `before` without the object keys `after` leaves out, at every depth. An array that got shorter is a real
/// removal and stays; a key `after` sets to null stays too (its value really goes).
fn without_keys_after_leaves_out(before: &Value, after: &Value) -> Value {
    match (before, after) {
        (Value::Object(fields), Value::Object(after_fields)) => Value::Object(
            fields
                .iter()
                .filter_map(|(key, value)| {
                    after_fields
                        .get(key)
                        .map(|after| (key.clone(), without_keys_after_leaves_out(value, after)))
                })
                .collect(),
        ),
        (Value::Array(items), Value::Array(after_items)) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| match after_items.get(index) {
                    Some(after) => without_keys_after_leaves_out(item, after),
                    None => item.clone(),
                })
                .collect(),
        ),
        (value, _) => value.clone(),
    }
}

/// Terraform's markers of one change: which values are sensitive, which are only known after apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeMarkers<'a> {
    pub before_sensitive: Option<&'a Value>,
    pub after_sensitive: Option<&'a Value>,
    pub after_unknown: Option<&'a Value>,
}

/// The compact form of values that carry no markers, where a string holding the redaction placeholder is
/// sensitive: for records built by hand (tests, stand-ins) and for code that only has the values.
pub fn attribute_changes_of(before: Option<&Value>, after: Option<&Value>) -> Vec<AttributeChange> {
    attribute_changes(
        before,
        after,
        ChangeMarkers::default(),
        &mut SensitiveValues::default(),
    )
}

/// Hides in every known value what `redactor` knows, the last step before a plan's changes leave the Terraform
/// agent: a value that held a secret becomes a sensitive marker, and a removed and an added line of the same path
/// that both became sensitive are dropped (the diff would show nothing to read).
pub fn redact_attribute_changes(changes: &mut [ResourceChange], redactor: &Redactor) {
    for change in changes {
        let mut redacted_any = false;
        for attribute in &mut change.attributes {
            if let AttributeValue::Known(text) = &attribute.value {
                let redacted = redactor.redact(text);
                if redacted.contains(PLACEHOLDER) {
                    attribute.value = AttributeValue::Sensitive;
                    redacted_any = true;
                }
            }
        }
        if redacted_any {
            drop_lines_that_became_equal(&mut change.attributes);
        }
    }
}

fn drop_lines_that_became_equal(attributes: &mut Vec<AttributeChange>) {
    let equal_pair = |attributes: &[AttributeChange], attribute: &AttributeChange| {
        attribute.value == AttributeValue::Sensitive
            && attributes.iter().any(|other| {
                other.path == attribute.path
                    && other.side != attribute.side
                    && other.value == AttributeValue::Sensitive
            })
    };
    let keep: Vec<bool> = attributes
        .iter()
        .map(|attribute| !equal_pair(attributes, attribute))
        .collect();
    let mut index = 0;
    attributes.retain(|_| {
        index += 1;
        keep[index - 1]
    });
}

/// Flattens `value` to leaves, masking what `marker` flags the way `sensitive::mask_sensitive` does: `true` marks
/// the whole value; an object or array marker mirrors the value; `false`, `null`, `{}` or a missing entry mark
/// nothing; a marker whose shape does not fit masks the whole value. Nulls are left out (Terraform's "not set").
fn flatten_masked(
    path: &mut String,
    value: &Value,
    marker: Option<&Value>,
    leaves: &mut Vec<Leaf>,
    sensitive: &mut SensitiveValues,
) {
    match (marker, value) {
        (None | Some(Value::Null) | Some(Value::Bool(false)), _) => {
            flatten_masked_fields(path, value, None, leaves, sensitive);
        }
        (Some(Value::Object(_)), Value::Object(_)) | (Some(Value::Array(_)), Value::Array(_)) => {
            flatten_masked_fields(path, value, marker, leaves, sensitive);
        }
        (Some(Value::Object(fields)), _) if fields.is_empty() => {
            flatten_masked_fields(path, value, None, leaves, sensitive);
        }
        (Some(Value::Array(items)), _) if items.is_empty() => {
            flatten_masked_fields(path, value, None, leaves, sensitive);
        }
        _ => {
            sensitive.push(value);
            leaves.push(Leaf::new(path, None));
        }
    }
}

/// The children of `value` (or `value` itself, a leaf), each with its part of `marker`.
fn flatten_masked_fields(
    path: &mut String,
    value: &Value,
    marker: Option<&Value>,
    leaves: &mut Vec<Leaf>,
    sensitive: &mut SensitiveValues,
) {
    let length = path.len();
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (key, field) in fields {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let field_marker = marker.and_then(|marker| marker.get(key));
                flatten_masked(path, field, field_marker, leaves, sensitive);
                path.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push_str(&format!("[{index}]"));
                let item_marker = marker.and_then(|marker| marker.get(index));
                flatten_masked(path, item, item_marker, leaves, sensitive);
                path.truncate(length);
            }
        }
        Value::String(text) if text.contains(PLACEHOLDER) => leaves.push(Leaf::new(path, None)),
        leaf => leaves.push(Leaf::new(path, Some(leaf))),
    }
}

/// The lines that differ between the sorted leaves of both sides, in the order a line diff lists them.
fn diff_leaves(mut before: Vec<Leaf>, mut after: Vec<Leaf>) -> Vec<AttributeChange> {
    before.sort_by(|one, other| one.text.cmp(&other.text));
    after.sort_by(|one, other| one.text.cmp(&other.text));
    let ops = {
        let before_texts: Vec<&str> = before.iter().map(|leaf| leaf.text.as_str()).collect();
        let after_texts: Vec<&str> = after.iter().map(|leaf| leaf.text.as_str()).collect();
        capture_diff_slices(Algorithm::Myers, &before_texts, &after_texts)
    };
    let mut before: Vec<Option<Leaf>> = before.into_iter().map(Some).collect();
    let mut after: Vec<Option<Leaf>> = after.into_iter().map(Some).collect();
    fn take(
        leaves: &mut [Option<Leaf>],
        start: usize,
        length: usize,
        side: AttributeSide,
        out: &mut Vec<AttributeChange>,
    ) {
        for leaf in leaves[start..start + length].iter_mut() {
            if let Some(leaf) = leaf.take() {
                out.push(leaf.into_change(side));
            }
        }
    }
    let mut changes = Vec::new();
    for op in ops {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => take(
                &mut before,
                old_index,
                old_len,
                AttributeSide::Before,
                &mut changes,
            ),
            DiffOp::Insert {
                new_index, new_len, ..
            } => take(
                &mut after,
                new_index,
                new_len,
                AttributeSide::After,
                &mut changes,
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                take(
                    &mut before,
                    old_index,
                    old_len,
                    AttributeSide::Before,
                    &mut changes,
                );
                take(
                    &mut after,
                    new_index,
                    new_len,
                    AttributeSide::After,
                    &mut changes,
                );
            }
        }
    }
    changes
}

/// The paths `after_unknown` marks `true`.
fn unknown_paths(path: &mut String, marker: &Value, paths: &mut Vec<String>) {
    let length = path.len();
    match marker {
        Value::Bool(true) if !path.is_empty() => paths.push(path.clone()),
        Value::Object(fields) => {
            for (key, field) in fields {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                unknown_paths(path, field, paths);
                path.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push_str(&format!("[{index}]"));
                unknown_paths(path, item, paths);
                path.truncate(length);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[path = "compact_tests.rs"]
mod tests;
