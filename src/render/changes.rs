//! The plan part of a comment: change counts, the banner of resources that will be destroyed, and the changed
//! resources with attribute-level before/after.
//!
//! Attribute diffs arrive as the change's compact form (`terraform::compact` flattened both sides to `path =
//! value` lines and kept only the lines that differ), so a reviewer sees only what changes. Sensitive values
//! arrive as markers (the Terraform room applies the plan's `*_sensitive` markers and the redactor); they are shown
//! as `(sensitive)`.

use crate::contracts::{
    AttributeChange, AttributeSide, AttributeValue, ChangeAction, ChangeCounts, ResourceChange,
    TerraformResult,
};
use crate::render::{DetailLevel, code_block, inline_code};

/// "**Plan:** 2 to add, 1 to change, 1 to destroy (1 of them a replacement)."
pub fn counts_line(counts: &ChangeCounts) -> String {
    format!("**Plan:** {}.", counts_words(counts))
}

/// The counts as Terraform's own `Plan:` line says them: a replacement is one add and one destroy there, so it is
/// named inside the destroys ("3 to destroy (1 of them a replacement)"), never as a fourth count.
pub fn counts_words(counts: &ChangeCounts) -> String {
    let mut words = format!(
        "{} to add, {} to change, {} to destroy",
        counts.add, counts.change, counts.destroy
    );
    match counts.replace {
        0 => {}
        1 => words.push_str(" (1 of them a replacement)"),
        many => words.push_str(&format!(" ({many} of them replacements)")),
    }
    words
}

/// Resources with a real change (no-ops and reads are left out).
pub fn changed_resources(result: &TerraformResult) -> Vec<&ResourceChange> {
    result
        .resource_changes
        .iter()
        .filter(|change| !matches!(change.action, ChangeAction::NoOp | ChangeAction::Read))
        .collect()
}

/// A warning listing every resource that is destroyed, also as part of a replacement. Empty when none is.
/// The list is never shortened at [`DetailLevel::AddressesOnly`]: it is the part a reviewer must not miss.
pub fn destroy_banner(result: &TerraformResult, level: DetailLevel) -> String {
    let destroyed: Vec<&ResourceChange> = result
        .resource_changes
        .iter()
        .filter(|change| change.action.destroys())
        .collect();
    if destroyed.is_empty() {
        return String::new();
    }
    let mut banner = format!(
        "> [!WARNING]\n> This plan **destroys or replaces {} resource{}**.\n",
        destroyed.len(),
        if destroyed.len() == 1 { "" } else { "s" }
    );
    if level < DetailLevel::CountsOnly {
        for change in destroyed {
            banner.push_str(&format!(
                "> - {} — {}\n",
                inline_code(&change.address),
                action_label(change.action)
            ));
        }
    }
    banner
}

/// The changed resources inside `<details>`, with attribute diffs at [`DetailLevel::Full`]. Empty at
/// [`DetailLevel::CountsOnly`] or when nothing changes.
pub fn changed_resources_section(result: &TerraformResult, level: DetailLevel) -> String {
    let mut section = String::new();
    push_changed_resources_section(&mut section, result, level);
    section
}

/// [`changed_resources_section`] written at the end of `text`, followed by an empty line when there is a section.
/// At thousands of resources the section is megabytes: written in place, it is never held twice (once on its
/// own, once copied into the comment).
pub fn push_changed_resources_section(
    text: &mut String,
    result: &TerraformResult,
    level: DetailLevel,
) {
    let changed = changed_resources(result);
    if changed.is_empty() || level == DetailLevel::CountsOnly {
        return;
    }
    text.push_str(&format!(
        "<details><summary>Changed resources ({})</summary>\n\n",
        changed.len()
    ));
    for change in changed {
        match level {
            DetailLevel::Full => text.push_str(&resource_detail(change)),
            DetailLevel::AddressesOnly | DetailLevel::CountsOnly => text.push_str(&format!(
                "- {} {}\n",
                action_symbol(change.action),
                inline_code(&change.address)
            )),
        }
    }
    text.push_str("\n</details>\n");
}

fn resource_detail(change: &ResourceChange) -> String {
    let mut text = format!(
        "**{} {}** — {}",
        action_symbol(change.action),
        inline_code(&change.address),
        action_label(change.action)
    );
    if let Some(reason) = &change.reason {
        text.push_str(&format!(" ({})", reason.replace('_', " ")));
    }
    text.push_str("\n\n");
    let diff = attribute_diff(&change.attributes);
    if !diff.is_empty() {
        text.push_str(&code_block("diff", &diff));
        text.push('\n');
    }
    text
}

/// `-`/`+` lines for the attributes that differ (the change's compact form, `terraform::compact`): creates show
/// every known attribute, deletes nothing; values only known after apply are not shown.
pub fn attribute_diff(attributes: &[AttributeChange]) -> String {
    let mut out = String::new();
    for attribute in attributes {
        let value = match &attribute.value {
            AttributeValue::Known(value) => value,
            AttributeValue::Sensitive => "(sensitive)",
            AttributeValue::Unknown => continue,
        };
        out.push_str(match attribute.side {
            AttributeSide::Before => "- ",
            AttributeSide::After => "+ ",
        });
        out.push_str(&attribute.path);
        out.push_str(" = ");
        out.push_str(value);
        out.push('\n');
    }
    out
}

pub fn action_label(action: ChangeAction) -> &'static str {
    match action {
        ChangeAction::NoOp => "no change",
        ChangeAction::Create => "create",
        ChangeAction::Read => "read",
        ChangeAction::Update => "update in place",
        ChangeAction::Delete => "destroy",
        ChangeAction::DeleteCreate => "replace (destroy, then create)",
        ChangeAction::CreateDelete => "replace (create, then destroy)",
        ChangeAction::Forget => "forget",
    }
}

fn action_symbol(action: ChangeAction) -> &'static str {
    match action {
        ChangeAction::Create => "+",
        ChangeAction::Update => "~",
        ChangeAction::Delete => "-",
        ChangeAction::DeleteCreate => "-/+",
        ChangeAction::CreateDelete => "+/-",
        ChangeAction::NoOp | ChangeAction::Read | ChangeAction::Forget => "·",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::compact::attribute_changes_of;
    use serde_json::{Value, json};

    fn check(before: Value, after: Value, expected: &str) {
        let attributes = attribute_changes_of(Some(&before), Some(&after));
        assert_eq!(attribute_diff(&attributes), expected);
    }

    #[test]
    fn only_changed_attributes_are_shown() {
        check(
            json!({"cores": 2, "name": "web", "tags": ["a"]}),
            json!({"cores": 4, "name": "web", "tags": ["a", "b"]}),
            "- cores = 2\n+ cores = 4\n+ tags[1] = \"b\"\n",
        );
    }

    #[test]
    fn sensitive_placeholders_are_shown_as_sensitive() {
        check(
            json!({"password": "[REDACTED]"}),
            json!({"password": "[REDACTED]", "user": "root"}),
            "+ user = \"root\"\n",
        );
        check(
            json!({}),
            json!({"initialization": {"password": "[REDACTED]"}}),
            "+ initialization.password = (sensitive)\n",
        );
    }

    #[test]
    fn attributes_known_only_after_apply_do_not_show_as_removed() {
        // A replacement: the old `id` is gone from `after` (known after apply), `name` really changes.
        check(
            json!({"id": "8412", "name": "web", "nested": {"uuid": "u-1", "size": 8}}),
            json!({"name": "web-2", "nested": {"size": 8}}),
            "- name = \"web\"\n+ name = \"web-2\"\n",
        );
        // A list that got shorter is a real removal.
        check(
            json!({"tags": ["a", "b"]}),
            json!({"tags": ["a"]}),
            "- tags[1] = \"b\"\n",
        );
        // A value set to null is a real removal too.
        check(
            json!({"a": 1, "b": 2}),
            json!({"a": null, "b": 2}),
            "- a = 1\n",
        );
    }

    #[test]
    fn counts_read_like_terraform_s_plan_line() {
        let counts = |add, change, destroy, replace| ChangeCounts {
            add,
            change,
            destroy,
            replace,
        };
        assert_eq!(
            counts_words(&counts(1, 0, 3, 1)),
            "1 to add, 0 to change, 3 to destroy (1 of them a replacement)"
        );
        assert_eq!(
            counts_words(&counts(2, 0, 2, 2)),
            "2 to add, 0 to change, 2 to destroy (2 of them replacements)"
        );
        assert_eq!(
            counts_words(&counts(0, 1, 0, 0)),
            "0 to add, 1 to change, 0 to destroy"
        );
    }

    #[test]
    fn nulls_are_unset_and_deletes_show_nothing() {
        check(json!({"a": null}), json!({"a": 1}), "+ a = 1\n");
        assert_eq!(
            attribute_diff(&attribute_changes_of(Some(&json!({"a": 1})), None)),
            ""
        );
    }
}
