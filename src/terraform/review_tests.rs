//! The reviewed-plan gate's tests: fingerprints that ignore order, unknowns and data sources, differences listed
//! line by line, sensitive values only keyed, and the gate's verdicts.

use super::*;

fn key() -> ReviewKey {
    ReviewKey::new(SecretString::from("runner-only-key".to_string()))
}

/// The identity of a `show -json` plan of `changes`, through the same streaming parser a run uses.
fn identity_of(document: &str, key: Option<&ReviewKey>) -> PlanIdentity {
    let plan = crate::terraform::plan::parse_plan_json(document).expect("a plan document");
    plan_identity(&plan.identity_material, key)
}

fn plan(changes: &str) -> String {
    format!(r#"{{"format_version": "1.0", "resource_changes": [{changes}]}}"#)
}

const CREATE_A: &str = r#"{"address": "null_resource.a", "mode": "managed", "change": {"actions": ["create"],
    "after": {"triggers": {"n": "1"}, "id": null}, "after_unknown": {"id": true}, "after_sensitive": {}}}"#;
const CREATE_B: &str = r#"{"address": "null_resource.b", "mode": "managed", "change": {"actions": ["create"],
    "after": {"triggers": {"n": "2"}}, "after_unknown": {"id": true}, "after_sensitive": {}}}"#;
const READ_DATA: &str = r#"{"address": "data.external.clock", "mode": "data", "change": {"actions": ["read"],
    "after": {"result": {"now": "12:00"}}}}"#;

#[test]
fn the_fingerprint_hashed_line_by_line_is_that_of_the_joined_canonical_text() {
    let lines: Vec<String> = ["a create", "a.triggers = 0123456789ab", "b delete"]
        .map(str::to_owned)
        .to_vec();
    let canonical = lines.join("\n");
    assert_eq!(
        fingerprint_of_sorted_lines(&lines, Some(&key())),
        format!("v1:{}", key().mac(&["fingerprint", &canonical]))
    );
    assert_eq!(
        fingerprint_of_sorted_lines(&lines, None),
        format!(
            "v1-unkeyed:{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        )
    );
    assert_eq!(
        fingerprint_of_sorted_lines(&[], None),
        format!("v1-unkeyed:{}", hex::encode(Sha256::digest(b"")))
    );
}

#[test]
fn order_unknowns_and_data_sources_do_not_change_the_fingerprint() {
    let one = identity_of(&plan(&format!("{CREATE_A},{CREATE_B}")), Some(&key()));
    let other = identity_of(
        &plan(&format!("{READ_DATA},{CREATE_B},{CREATE_A}")),
        Some(&key()),
    );
    assert_eq!(one, other);
    assert!(one.fingerprint.starts_with("v1:"));
    assert!(one.digest.contains(&"null_resource.a create".to_string()));
    assert!(
        !one.digest.iter().any(|line| line.contains(".id =")),
        "unknown values are left out"
    );
}

#[test]
fn a_changed_value_or_action_changes_the_fingerprint_and_is_listed() {
    let reviewed = identity_of(&plan(CREATE_A), Some(&key()));
    let check = |changes: &str, expected: &[&str]| {
        let current = identity_of(&plan(changes), Some(&key()));
        assert_ne!(current.fingerprint, reviewed.fingerprint, "{changes}");
        assert_eq!(
            digest_difference(&reviewed.digest, &current.digest),
            expected
        );
    };
    check(
        &CREATE_A.replace(r#""n": "1""#, r#""n": "9""#),
        &["~ null_resource.a.triggers: planned value changed"],
    );
    check(
        &CREATE_A.replace(r#"["create"]"#, r#"["delete", "create"]"#),
        &["~ null_resource.a: actions create → delete,create"],
    );
    check(
        &format!("{CREATE_A},{CREATE_B}"),
        &[
            "+ null_resource.b create: added to the plan",
            "+ null_resource.b.triggers: attribute now planned",
        ],
    );
}

#[test]
fn sensitive_values_are_never_shown_and_enter_the_fingerprint_only_keyed() {
    let secret = |value: &str| {
        plan(&format!(
            r#"{{"address": "null_resource.s", "change": {{"actions": ["create"], "after": {{"password": "{value}"}},
            "after_sensitive": {{"password": true}}}}}}"#
        ))
    };
    let keyed = identity_of(&secret("hunter2"), Some(&key()));
    assert_eq!(
        keyed.digest,
        [
            "null_resource.s create",
            "null_resource.s.password = (sensitive)"
        ]
    );
    assert!(!format!("{keyed:?}").contains("hunter2"));
    let other = identity_of(&secret("hunter3"), Some(&key()));
    assert_ne!(
        keyed.fingerprint, other.fingerprint,
        "a keyed fingerprint sees a changed secret"
    );
    let unkeyed = identity_of(&secret("hunter2"), None);
    assert_eq!(unkeyed, identity_of(&secret("hunter3"), None));
    assert!(unkeyed.fingerprint.starts_with("v1-unkeyed:"));
}

#[test]
fn the_gate_applies_only_the_reviewed_plan_of_the_reviewed_commit() {
    let identity = identity_of(&plan(CREATE_A), Some(&key()));
    let reviewed = |head: &str, mac: String| {
        ReviewGate::Reviewed(ReviewedPlan {
            pull_request: 7,
            head_sha: head.to_string(),
            mac,
            digest: identity.digest.clone(),
        })
    };
    let good_mac = key().review_mac("lxc", 7, "abc123", &identity.fingerprint);
    let check = |gate: ReviewGate, key: Option<&ReviewKey>, expected: Option<RefusalKind>| {
        let refusal = review_refusal(&gate, "lxc", Some(&identity), key);
        assert_eq!(
            refusal.as_ref().map(|refusal| refusal.kind),
            expected,
            "{gate:?}"
        );
    };
    check(reviewed("abc123", good_mac.clone()), Some(&key()), None);
    // The same fingerprint under another commit, project or key never counts as reviewed.
    let stale = reviewed("0ld5ha", good_mac.clone());
    check(
        stale,
        Some(&key()),
        Some(RefusalKind::PlanChangedSinceReview),
    );
    let other_key = ReviewKey::new(SecretString::from("another".to_string()));
    check(
        reviewed("abc123", good_mac.clone()),
        Some(&other_key),
        Some(RefusalKind::PlanChangedSinceReview),
    );
    check(
        reviewed("abc123", "not hex".into()),
        Some(&key()),
        Some(RefusalKind::PlanChangedSinceReview),
    );
    check(
        reviewed("abc123", good_mac),
        None,
        Some(RefusalKind::Unreviewed),
    );
    check(
        ReviewGate::Refuse {
            why: "direct push".into(),
        },
        Some(&key()),
        Some(RefusalKind::Unreviewed),
    );
    check(
        ReviewGate::AllowUnreviewed {
            why: "direct push".into(),
        },
        None,
        None,
    );
    check(ReviewGate::NotChecked, None, None);
    assert!(!format!("{:?}", key()).contains("runner-only-key"));
}
