//! The reviewed-plan gate, on the Terraform agent's side: what a saved plan is (its fingerprint and digest), and
//! whether a deploy may apply it.
//!
//! The fingerprint covers what the plan would do: every managed resource change's address, its actions and its
//! known planned values (top-level attributes; values Terraform only learns during apply are left out, so a
//! `timestamp()` does not make two plans of the same change differ). Lines are sorted, so the order of
//! `resource_changes` does not matter either. With the review key (`AGENTLAB_REVIEW_KEY`, which only the runner
//! holds) the fingerprint is an HMAC-SHA256, so neither it nor the hashed values in the digest can be guessed back
//! from what the comment shows, sensitive values included; and the pull request's comment carries
//! HMAC(project, head commit, fingerprint), which a person who can edit comments cannot forge.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::contracts::{PlanIdentity, Refusal, RefusalKind, ReviewGate, ReviewedPlan};

type HmacSha256 = Hmac<Sha256>;

/// The key that authenticates reviewed plans. Never printed.
#[derive(Clone)]
pub struct ReviewKey(SecretString);

impl ReviewKey {
    pub fn new(key: SecretString) -> Self {
        Self(key)
    }

    fn keyed(&self, parts: &[&str]) -> HmacSha256 {
        // HMAC takes a key of any length, so this cannot fail; an empty MAC state is never used.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(self.0.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        for part in parts {
            mac.update(part.as_bytes());
            // A separator no part contains, so `ab|c` and `a|bc` never authenticate the same.
            mac.update(&[0]);
        }
        mac
    }

    fn mac(&self, parts: &[&str]) -> String {
        hex::encode(self.keyed(parts).finalize().into_bytes())
    }

    /// What pull request `pull_request`'s comment carries for `project` planned at `head_sha` with
    /// `fingerprint`.
    pub fn review_mac(
        &self,
        project: &str,
        pull_request: u64,
        head_sha: &str,
        fingerprint: &str,
    ) -> String {
        let pull_request = pull_request.to_string();
        self.mac(&[
            "agentlab-review-v2",
            project,
            &pull_request,
            head_sha,
            fingerprint,
        ])
    }

    /// Whether `mac` is [`ReviewKey::review_mac`] of these, compared in constant time.
    pub fn verify(
        &self,
        mac: &str,
        project: &str,
        pull_request: u64,
        head_sha: &str,
        fingerprint: &str,
    ) -> bool {
        let Ok(given) = hex::decode(mac.trim()) else {
            return false;
        };
        let pull_request = pull_request.to_string();
        self.keyed(&[
            "agentlab-review-v2",
            project,
            &pull_request,
            head_sha,
            fingerprint,
        ])
        .verify_slice(&given)
        .is_ok()
    }
}

impl std::fmt::Debug for ReviewKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("ReviewKey([REDACTED])")
    }
}

/// What the managed resource changes contribute to the plan's identity, taken while `show -json` streams by
/// (`terraform::plan`), before their values are masked: for each change the address, the actions, and for every
/// known top-level planned attribute its name, a SHA-256 of its JSON and whether Terraform marks it sensitive. The
/// hash of a sensitive value never leaves the process: it enters the fingerprint only under the review key.
///
/// Held flat (one text for every name, one list of changes, one of attributes) rather than as a few small
/// allocations per change: at thousands of resources those cost more than the names themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityMaterial {
    /// Every change's address and actions and its attributes' names, one after the other.
    text: String,
    changes: Vec<MaterialChange>,
    attributes: Vec<MaterialAttribute>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MaterialChange {
    /// Where the address ends in `text` (it starts where the previous change's last name ended).
    address_end: usize,
    actions_end: usize,
    /// Where this change's attributes end in `attributes`.
    attributes_end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MaterialAttribute {
    name_end: usize,
    sha256: [u8; 32],
    sensitive: bool,
}

/// One change of [`IdentityMaterial`]: address, actions (joined by commas) and attributes.
struct ChangeMaterial<'a> {
    address: &'a str,
    actions: &'a str,
    attributes: Vec<(&'a str, &'a [u8; 32], bool)>,
}

impl IdentityMaterial {
    /// Adds one managed resource change, from its planned values as `show -json` prints them.
    pub fn add(
        &mut self,
        address: &str,
        actions: &[String],
        after: Option<&Value>,
        after_unknown: Option<&Value>,
        after_sensitive: Option<&Value>,
    ) {
        self.text.push_str(address);
        let address_end = self.text.len();
        for (index, action) in actions.iter().enumerate() {
            if index > 0 {
                self.text.push(',');
            }
            self.text.push_str(action);
        }
        let actions_end = self.text.len();
        let known = after
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            // Values Terraform only learns during apply do not count (a `timestamp()` differs every plan).
            .filter(|(attribute, _)| {
                after_unknown.and_then(|unknown| unknown.get(*attribute))
                    != Some(&Value::Bool(true))
            });
        for (attribute, value) in known {
            let sensitive = after_sensitive
                .and_then(|sensitive| sensitive.get(attribute))
                .is_some_and(|marker| marker != &Value::Bool(false) && !marker.is_null());
            self.text.push_str(attribute);
            self.attributes.push(MaterialAttribute {
                name_end: self.text.len(),
                sha256: Sha256::digest(value.to_string().as_bytes()).into(),
                sensitive,
            });
        }
        self.changes.push(MaterialChange {
            address_end,
            actions_end,
            attributes_end: self.attributes.len(),
        });
    }

    /// Gives back the room the lists grew into: the material is kept until the plan's identity is taken.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.changes.shrink_to_fit();
        self.attributes.shrink_to_fit();
    }

    /// The changes in the order they were added.
    fn changes(&self) -> impl Iterator<Item = ChangeMaterial<'_>> {
        let mut text_start = 0;
        let mut attributes_start = 0;
        self.changes.iter().map(move |change| {
            let address = &self.text[text_start..change.address_end];
            let actions = &self.text[change.address_end..change.actions_end];
            let mut name_start = change.actions_end;
            let attributes = self.attributes[attributes_start..change.attributes_end]
                .iter()
                .map(|attribute| {
                    let name = &self.text[name_start..attribute.name_end];
                    name_start = attribute.name_end;
                    (name, &attribute.sha256, attribute.sensitive)
                })
                .collect();
            text_start = name_start;
            attributes_start = change.attributes_end;
            ChangeMaterial {
                address,
                actions,
                attributes,
            }
        })
    }
}

/// The identity of a saved plan from its changes' material (`PlanSummary::identity_material`).
pub fn plan_identity(material: &IdentityMaterial, key: Option<&ReviewKey>) -> PlanIdentity {
    let hash_value = |sha256: &[u8; 32]| -> String {
        let hex = hex::encode(sha256);
        match key {
            Some(key) => key.mac(&["value", &hex])[..12].to_string(),
            None => hex[..12].to_string(),
        }
    };
    // The fingerprint's lines first, hashed as they are joined and then dropped, and the digest's lines after:
    // a plan of thousands of resources has tens of thousands of each, and they never exist at once.
    let mut fingerprint_lines = Vec::new();
    for ChangeMaterial {
        address,
        actions,
        attributes,
    } in material.changes()
    {
        fingerprint_lines.push(format!("{address} {actions}"));
        for (attribute, sha256, sensitive) in attributes {
            // Only a keyed hash of a sensitive value may enter the fingerprint: a plain hash of a short secret
            // can be guessed back. Without a key it does not enter at all.
            if !sensitive || key.is_some() {
                fingerprint_lines.push(format!("{address}.{attribute} = {}", hash_value(sha256)));
            }
        }
    }
    fingerprint_lines.sort();
    let fingerprint = fingerprint_of_sorted_lines(&fingerprint_lines, key);
    drop(fingerprint_lines);

    let mut lines = Vec::new();
    for ChangeMaterial {
        address,
        actions,
        attributes,
    } in material.changes()
    {
        lines.push(format!("{address} {actions}"));
        for (attribute, sha256, sensitive) in attributes {
            lines.push(if sensitive {
                format!("{address}.{attribute} = (sensitive)")
            } else {
                format!("{address}.{attribute} = {}", hash_value(sha256))
            });
        }
    }
    lines.sort();
    PlanIdentity {
        fingerprint,
        digest: lines,
    }
}

/// The fingerprint of the sorted lines joined with newlines (the canonical text), hashed line by line so the
/// joined text is never built: `v1:` HMAC under the key, `v1-unkeyed:` SHA-256 without.
fn fingerprint_of_sorted_lines(lines: &[String], key: Option<&ReviewKey>) -> String {
    fn feed(lines: &[String], mut update: impl FnMut(&[u8])) {
        for (index, line) in lines.iter().enumerate() {
            if index > 0 {
                update(b"\n");
            }
            update(line.as_bytes());
        }
    }
    match key {
        Some(key) => {
            // The canonical text is the second part of `mac(["fingerprint", canonical])`, ended by its separator.
            let mut mac = key.keyed(&["fingerprint"]);
            feed(lines, |bytes| mac.update(bytes));
            mac.update(&[0]);
            format!("v1:{}", hex::encode(mac.finalize().into_bytes()))
        }
        None => {
            let mut sha = Sha256::new();
            feed(lines, |bytes| sha.update(bytes));
            format!("v1-unkeyed:{}", hex::encode(sha.finalize()))
        }
    }
}

/// Whether the saved plan (`identity`) may be applied under `gate`; the refusal when it may not.
pub fn review_refusal(
    gate: &ReviewGate,
    project: &str,
    identity: Option<&PlanIdentity>,
    key: Option<&ReviewKey>,
) -> Option<Refusal> {
    match gate {
        ReviewGate::NotChecked | ReviewGate::AllowUnreviewed { .. } => None,
        ReviewGate::Refuse { why } => Some(Refusal {
            kind: RefusalKind::Unreviewed,
            reason: format!("no reviewed plan: {why}"),
            details: identity
                .map(|identity| identity.digest.clone())
                .unwrap_or_default(),
        }),
        ReviewGate::Reviewed(reviewed) => reviewed_refusal(reviewed, project, identity, key),
    }
}

fn reviewed_refusal(
    reviewed: &ReviewedPlan,
    project: &str,
    identity: Option<&PlanIdentity>,
    key: Option<&ReviewKey>,
) -> Option<Refusal> {
    let changed = |details: Vec<String>| {
        Some(Refusal {
            kind: RefusalKind::PlanChangedSinceReview,
            reason: format!(
                "plan changed since review: the plan of this commit is not the one reviewed on pull request #{}",
                reviewed.pull_request
            ),
            details,
        })
    };
    let Some(key) = key else {
        return Some(Refusal {
            kind: RefusalKind::Unreviewed,
            reason:
                "no reviewed plan can be checked: AGENTLAB_REVIEW_KEY is not set on this runner"
                    .to_string(),
            details: Vec::new(),
        });
    };
    let Some(identity) = identity else {
        return changed(vec!["the saved plan could not be read".to_string()]);
    };
    if key.verify(
        &reviewed.mac,
        project,
        reviewed.pull_request,
        &reviewed.head_sha,
        &identity.fingerprint,
    ) {
        return None;
    }
    if reviewed.digest.is_empty() {
        return changed(vec![
            "the reviewed plan was too large to keep its digest in the comment, so the differences cannot be \
             listed: compare the pull request's plan with this one"
                .to_string(),
        ]);
    }
    let mut details = digest_difference(&reviewed.digest, &identity.digest);
    if details.is_empty() {
        details.push(
            "the resource actions and visible planned values are the same: a sensitive value, or the reviewed \
             comment itself, differs"
                .to_string(),
        );
    }
    changed(details)
}

/// What differs between the reviewed digest and the current one, one line each: resources added to or removed
/// from the plan, actions that changed, attributes whose planned value changed.
pub fn digest_difference(reviewed: &[String], current: &[String]) -> Vec<String> {
    let reviewed_text = reviewed.join("\n") + "\n";
    let current_text = current.join("\n") + "\n";
    let diff = similar::TextDiff::from_lines(&reviewed_text, &current_text);
    let mut removed: Vec<&str> = Vec::new();
    let mut added: Vec<&str> = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(change.value().trim_end()),
            similar::ChangeTag::Insert => added.push(change.value().trim_end()),
            similar::ChangeTag::Equal => {}
        }
    }
    // An address may hold spaces (`x["a b"]`); actions and hashed values never do, so lines split from the right.
    let key_of = |line: &str| -> String {
        match line.rsplit_once(" = ") {
            Some((attribute, _)) => attribute.to_string(),
            None => line
                .rsplit_once(' ')
                .map_or(line, |(address, _)| address)
                .to_string(),
        }
    };
    let actions_of = |line: &str| {
        line.rsplit_once(' ')
            .map_or("?", |(_, actions)| actions)
            .to_string()
    };
    let mut lines = Vec::new();
    for line in &added {
        let key = key_of(line);
        match removed.iter().find(|old| key_of(old) == key) {
            Some(old) if line.contains(" = ") => {
                lines.push(format!("~ {key}: planned value changed"));
                let _ = old;
            }
            Some(old) => lines.push(format!(
                "~ {key}: actions {} → {}",
                actions_of(old),
                actions_of(line)
            )),
            None if line.contains(" = ") => lines.push(format!("+ {key}: attribute now planned")),
            None => lines.push(format!("+ {line}: added to the plan")),
        }
    }
    for line in &removed {
        let key = key_of(line);
        if added.iter().any(|new| key_of(new) == key) {
            continue;
        }
        if line.contains(" = ") {
            lines.push(format!("- {key}: attribute no longer planned"));
        } else {
            lines.push(format!("- {line}: no longer in the plan"));
        }
    }
    lines
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
