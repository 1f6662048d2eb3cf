//! What makes two failures the same incident. An incident is a project plus a stable signature of how it failed:
//! the failing phase (`init`, `plan`, `apply`, `validate`) and the known-failure catalogue's signature when the
//! catalogue recognised it, else Terraform's first error with everything that changes from run to run (numbers,
//! hex ids, UUIDs, IP addresses, URLs, paths, quoted names) replaced by placeholders, else the first failed check.
//! The model's chosen category never counts: two answers about one failure must not open two issues.
//!
//! The fingerprint that goes into the issue's hidden marker keeps the catalogue's and the checks' names as they are
//! and replaces a normalised error text by a short stable hash, so the marker holds nothing the redactor could
//! change and stays short however long the error is. The readable form ([`FailureSignature::describe`]) goes into
//! the issue body.

use std::sync::OnceLock;

use regex::{Captures, Regex};

use crate::contracts::{DiagnosisSource, RunRecord, TerraformPhase};

/// The longest normalised error text kept; what follows is the same failure in practice.
const NORMALISED_MAX_CHARS: usize = 240;

/// How a run failed, in terms that stay the same when the same failure happens again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureSignature {
    /// `init`, `plan`, `apply`, `validate`, or `run` when no attempt ran (a fault of agentlab's own).
    pub phase: &'static str,
    pub kind: SignatureKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureKind {
    /// The known-failure catalogue's signature name.
    Catalogue(String),
    /// Terraform's first error (summary, then the first line of its detail), normalised.
    Error(String),
    /// The first failed check of the Validator.
    Check(String),
    /// Nothing more specific was recorded: the reason the run stopped, normalised.
    Reason(String),
}

impl FailureSignature {
    /// The signature of `record`'s final failure: its last attempt, and that attempt's diagnosis.
    pub fn of(record: &RunRecord) -> Self {
        let Some(attempt) = record.last_attempt() else {
            return Self {
                phase: "run",
                kind: SignatureKind::Reason(normalise_error_text(
                    record.failure_reason.as_deref().unwrap_or("no attempt ran"),
                )),
            };
        };
        let phase = if attempt.terraform.ok {
            "validate"
        } else {
            phase_name(attempt.terraform.phase)
        };
        if let Some(name) = attempt.diagnosis.as_ref().and_then(catalogue_signature) {
            return Self {
                phase,
                kind: SignatureKind::Catalogue(name),
            };
        }
        if !attempt.terraform.ok {
            if let Some(error) = attempt.terraform.errors().next() {
                let mut text = error.summary.clone();
                if let Some(first_line) = error.detail.lines().find(|line| !line.trim().is_empty())
                {
                    text.push_str(" — ");
                    text.push_str(first_line);
                }
                return Self {
                    phase,
                    kind: SignatureKind::Error(normalise_error_text(&text)),
                };
            }
        }
        let failed_check = attempt
            .validation
            .as_ref()
            .and_then(|validation| validation.failed_checks().next());
        if let Some(check) = failed_check {
            return Self {
                phase,
                kind: SignatureKind::Check(check.name.as_str().to_string()),
            };
        }
        let reason = match (&record.failure_reason, attempt.terraform.exit_code) {
            (Some(reason), _) => reason.clone(),
            (None, Some(code)) => format!("terraform exited with {code} and printed no error"),
            (None, None) => "terraform was stopped and printed no error".to_string(),
        };
        Self {
            phase,
            kind: SignatureKind::Reason(normalise_error_text(&reason)),
        }
    }

    /// `PROJECT/PHASE/…`: what makes two failures the same incident. Only marker-safe characters besides the
    /// project's name: catalogue and check names are lowercase words, texts are hashed.
    pub fn fingerprint(&self, project: &str) -> String {
        let signature = match &self.kind {
            SignatureKind::Catalogue(name) => format!("catalogue:{name}"),
            SignatureKind::Check(name) => format!("check:{name}"),
            SignatureKind::Error(text) => format!("error:{}", stable_hash(text)),
            SignatureKind::Reason(text) => format!("reason:{}", stable_hash(text)),
        };
        format!("{project}/{}/{signature}", self.phase)
    }

    /// The signature for people: `apply: known failure proxmox-node-lock-timeout`, `apply: <error text>`.
    pub fn describe(&self) -> String {
        match &self.kind {
            SignatureKind::Catalogue(name) => format!("{}: known failure {name}", self.phase),
            SignatureKind::Check(name) => format!("{}: check {name} failed", self.phase),
            SignatureKind::Error(text) | SignatureKind::Reason(text) => {
                // The normalised text was cut at a length for the fingerprint; people get it cut at a word.
                let shown = if text.chars().count() >= NORMALISED_MAX_CHARS {
                    crate::render::shorten(text, NORMALISED_MAX_CHARS - 1)
                } else {
                    text.clone()
                };
                format!("{}: {shown}", self.phase)
            }
        }
    }
}

fn phase_name(phase: TerraformPhase) -> &'static str {
    match phase {
        TerraformPhase::Init => "init",
        TerraformPhase::Plan => "plan",
        TerraformPhase::Apply => "apply",
    }
}

/// The catalogue signature a diagnosis came from: the recorded one, or, in records written before it was recorded,
/// the name the catalogue wrote into the detail.
fn catalogue_signature(diagnosis: &crate::contracts::Diagnosis) -> Option<String> {
    if diagnosis.source != DiagnosisSource::Catalog {
        return None;
    }
    diagnosis.catalogue_signature.clone().or_else(|| {
        diagnosis
            .detail
            .as_deref()
            .and_then(|detail| detail.strip_prefix("known-failure catalogue: "))
            .map(|name| name.trim().to_string())
            .filter(|name| {
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
    })
}

/// One rule of [`normalise_error_text`]: what to find, and what replaces it.
struct Rule {
    regex: Regex,
    replace: fn(&Captures) -> String,
}

fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let rule = |pattern: &str, replace: fn(&Captures) -> String| Rule {
            regex: Regex::new(pattern).expect("normalisation patterns are valid"),
            replace,
        };
        vec![
            // Quoted names: "x", `x`, and 'x' when the quote does not sit inside a word (can't, node's).
            rule(r#""[^"\n]*""#, |_| "\"<name>\"".to_string()),
            rule(r"`[^`\n]*`", |_| "`<name>`".to_string()),
            rule(r"(^|[^A-Za-z0-9])'[^'\n]*'", |captures| {
                format!("{}'<name>'", &captures[1])
            }),
            rule(
                r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s,;)'\x22]*[^\s,;)'\x22:.]",
                |_| "<url>".to_string(),
            ),
            rule(
                r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?::\d{1,5})?\b",
                |_| "<ip>".to_string(),
            ),
            // Timestamps and times of day, before the IPv6 rule could take 12:03:37 for an address.
            rule(
                r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b|\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b",
                |_| "<time>".to_string(),
            ),
            rule(
                r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
                |_| "<uuid>".to_string(),
            ),
            rule(
                r"(?i)\b(?:[0-9a-f]{1,4}:(?::)?){2,7}[0-9a-f]{1,4}\b",
                |_| "<ip>".to_string(),
            ),
            // Absolute and relative paths with at least two parts: /var/lock/x, ./modules/lxc, ~/x.
            rule(
                r"(^|[\s(=:,\[])(?:~|\.{1,2})?/[A-Za-z0-9._@+-]+(?:/[A-Za-z0-9._@+-]*)+",
                |captures| format!("{}<path>", &captures[1]),
            ),
            // Hex ids (0x1f, 3f9a1c2b, sha256 digests): a digit and a letter; all-letter words and plain numbers stay.
            rule(r"(?i)\b(?:0x[0-9a-f]+|[0-9a-f]{6,})\b", |captures| {
                placeholder_if_mixed(&captures[0], "<hex>")
            }),
            // Long random tokens (request ids) mixing letters and digits.
            rule(r"\b[A-Za-z0-9_-]{16,}\b", |captures| {
                placeholder_if_mixed(&captures[0], "<id>")
            }),
            // Numbers, except an HTTP status, which tells failures apart (401 is not 500).
            rule(
                r"(?i)\b(http(?:\s+response)?|status(?:\s+code)?)(\s*:?\s*)(\d{3})\b|\d+(?:\.\d+)*",
                |captures| match captures.get(3) {
                    Some(_) => captures[0].to_string(),
                    None => "<n>".to_string(),
                },
            ),
        ]
    })
}

/// `placeholder` for a token that mixes digits and letters (an id), else the token itself (a word, a number).
fn placeholder_if_mixed(token: &str, placeholder: &str) -> String {
    let digit = token.bytes().any(|byte| byte.is_ascii_digit());
    let letter = token.bytes().any(|byte| byte.is_ascii_alphabetic());
    if digit && letter {
        placeholder.to_string()
    } else {
        token.to_string()
    }
}

/// `text` with what changes between two runs of the same failure replaced by placeholders, whitespace collapsed,
/// at most [`NORMALISED_MAX_CHARS`] characters.
pub fn normalise_error_text(text: &str) -> String {
    let mut normalised = text.to_string();
    for rule in rules() {
        normalised = rule
            .regex
            .replace_all(&normalised, |captures: &Captures| (rule.replace)(captures))
            .into_owned();
    }
    let collapsed = normalised.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(NORMALISED_MAX_CHARS).collect()
}

/// FNV-1a, 64 bits, as 16 hex digits: stable across Rust releases and platforms, unlike `DefaultHasher`.
pub(crate) fn stable_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
#[path = "fingerprint_tests.rs"]
mod tests;
