//! The catalogue's near misses: when no signature matches, the signatures that share the most distinctive words
//! with the failure's errors are offered to the model as hints ("these known failures look similar"). A hint is
//! never an answer; it only points a small model at the family the words suggest.

use std::collections::BTreeSet;

use super::super::context::{DiagnosisContext, EvidenceKind};
use super::super::prompt::SimilarFailure;
use super::{Signature, signatures};

/// Words too common in failure texts to say anything about a family.
const COMMON_WORDS: &[&str] = &[
    "error",
    "errors",
    "failed",
    "failure",
    "with",
    "that",
    "this",
    "from",
    "have",
    "been",
    "into",
    "when",
    "could",
    "while",
    "what",
    "does",
    "will",
    "after",
    "before",
    "there",
    "their",
    "which",
    "unable",
    "cannot",
    "proxmox",
    "terraform",
    "provider",
    "response",
    "received",
    "request",
    "http",
    "https",
];

/// How many hints at most.
pub const MOST_HINTS: usize = 3;

/// The distinctive words of a signature: the literal words of its pattern (regex syntax taken out), lower case,
/// at least four letters, without the common ones.
fn signature_words(signature: &Signature) -> BTreeSet<String> {
    let mut literal = String::new();
    let mut chars = signature.pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            // An escape: `\d`, `\s`, `\b` are classes (a space), `\.`, `\(` are the literal character.
            match chars.next() {
                Some(escaped) if escaped.is_ascii_alphanumeric() => literal.push(' '),
                Some(escaped) => literal.push(escaped),
                None => {}
            }
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            literal.push(c);
        } else {
            literal.push(' ');
        }
    }
    words(&literal)
        .into_iter()
        .filter(|word| !word.starts_with("?:"))
        .collect()
}

fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map(|word| word.trim_matches('.').to_lowercase())
        .filter(|word| word.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .filter(|word| !COMMON_WORDS.contains(&word.as_str()))
        .collect()
}

/// The signatures closest to what `context`'s errors, log tail and failed checks say, best first: at least two
/// distinctive words in common and at least a third of the signature's words, at most [`MOST_HINTS`].
pub fn similar_failures(context: &DiagnosisContext) -> Vec<SimilarFailure> {
    let mut text = String::new();
    for item in context.items.iter().filter(|item| {
        matches!(
            item.kind,
            EvidenceKind::TerraformError | EvidenceKind::LogTail | EvidenceKind::FailedCheck
        )
    }) {
        text.push_str(&item.text);
        text.push('\n');
    }
    let seen = words(&text);
    let mut scored: Vec<(usize, f64, &Signature)> = signatures()
        .iter()
        .filter_map(|signature| {
            let own = signature_words(signature);
            if own.is_empty() {
                return None;
            }
            let shared = own.iter().filter(|word| seen.contains(*word)).count();
            let share = shared as f64 / own.len() as f64;
            (shared >= 2 && share >= 1.0 / 3.0).then_some((shared, share, signature))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    scored
        .into_iter()
        .take(MOST_HINTS)
        .map(|(_, _, signature)| SimilarFailure {
            signature: signature.name,
            category: signature.category,
            remediation: signature.remediation.action_name(),
            explanation: shortened(&without_placeholders(signature.root_cause)),
        })
        .collect()
}

/// An explanation cut at its first sentence, and to 240 characters at most.
fn shortened(explanation: &str) -> String {
    const LONGEST: usize = 240;
    let sentence = explanation
        .find(". ")
        .map_or(explanation, |end| &explanation[..=end]);
    if sentence.chars().count() <= LONGEST {
        return sentence.trim().to_string();
    }
    let cut: String = sentence.chars().take(LONGEST).collect();
    format!("{}…", cut.trim_end())
}

/// `$1`, `$2`, ... and the brackets or quotes left empty around them, taken out of a root-cause template.
fn without_placeholders(template: &str) -> String {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('…');
        } else {
            out.push(c);
        }
    }
    out.replace("'…'", "…")
        .replace("(…)", "")
        .replace("……", "…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::context::EvidenceItem;

    fn context_of(text: &str) -> DiagnosisContext {
        DiagnosisContext {
            items: vec![EvidenceItem {
                id: "E2".into(),
                kind: EvidenceKind::TerraformError,
                title: "Terraform error".into(),
                text: text.into(),
            }],
            ruled_out: Vec::new(),
            kept_tokens: 0,
            dropped_tokens: 0,
            left_out: Vec::new(),
            similar: Vec::new(),
            facts: Default::default(),
        }
    }

    #[test]
    fn signature_words_are_the_literal_words_of_the_pattern() {
        let lock = signatures()
            .iter()
            .find(|signature| signature.name == "proxmox-node-lock-timeout")
            .unwrap();
        let own = signature_words(lock);
        assert!(own.contains("lock"), "{own:?}");
        assert!(own.contains("timeout"), "{own:?}");
        assert!(!own.iter().any(|word| word.contains('\\')), "{own:?}");
    }

    #[test]
    fn a_near_miss_of_a_lock_timeout_gets_the_lock_family_as_a_hint() {
        // The lock wording with a path no signature expects: not recognised, but the lock family is the hint.
        let similar = similar_failures(&context_of(
            "can't lock file '/etc/pve/nodes/pve/lxc/105.conf.tmp' - got timeout while creating the container",
        ));
        assert!(!similar.is_empty());
        assert!(similar.len() <= MOST_HINTS);
        assert_eq!(
            similar[0].category,
            crate::contracts::Category::TransientLock,
            "{similar:?}"
        );
        assert!(!similar[0].explanation.contains('$'), "{similar:?}");
    }

    #[test]
    fn unrelated_text_gets_no_hint() {
        assert!(similar_failures(&context_of("the weather is nice today")).is_empty());
    }
}
