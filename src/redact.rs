//! The one redactor every outgoing text passes through: PR comments, issues, step summaries, logs, records and
//! LLM prompts.
//!
//! It knows two kinds of secret. Exact values (the contents of secret environment variables, the values Terraform
//! marks sensitive) are replaced wherever they appear. Shapes (Proxmox API tokens, private key blocks, passwords in
//! URLs, `Authorization` headers, API keys of the LLM providers, and patterns the user configures) are found by
//! regular expression. Both become a stable placeholder, so the text still reads and a reviewer can see that
//! something was hidden.

use std::sync::{Arc, OnceLock, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::Serialize;

/// What a secret is replaced with.
pub const PLACEHOLDER: &str = "[REDACTED]";

/// Exact values shorter than this are not redacted: replacing every `1` or `yes` would destroy the text and
/// protect nothing.
pub const MIN_SECRET_LENGTH: usize = 6;

/// A line of a multi-line secret is known on its own only from this length on.
const MIN_LINE_OF_SECRET_LENGTH: usize = 16;

/// Environment variables whose values are always treated as secrets when set.
pub const SECRET_ENV_VARS: &[&str] = &[
    "GITHUB_TOKEN",
    "AGENTLAB_REVIEW_KEY",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "PROXMOX_VE_API_TOKEN",
    "PROXMOX_VE_PASSWORD",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

#[derive(Debug, thiserror::Error)]
#[error("redaction pattern `{pattern}` is not a valid regular expression: {source}")]
pub struct PatternError {
    pub pattern: String,
    #[source]
    pub source: regex::Error,
}

/// Replaces secrets in text. Cheap to clone; one per invocation (shared as a [`SharedRedactor`]), values added as
/// they are discovered.
#[derive(Clone, Default)]
pub struct Redactor {
    values: Vec<String>,
    user_patterns: Vec<Regex>,
    /// One automaton over `values`, built when first needed after a secret was added, so that a text is read
    /// once however many secrets are known (a plan with a sensitive value per resource teaches hundreds).
    matcher: OnceLock<Option<AhoCorasick>>,
}

/// Says how much the redactor knows, never what: a `{:?}` in a log line must not print the secrets.
impl std::fmt::Debug for Redactor {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Redactor")
            .field("secrets", &self.values.len())
            .field("user_patterns", &self.user_patterns.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor that knows the built-in shapes and nothing else.
    pub fn new() -> Self {
        Self::default()
    }

    /// A redactor seeded with the values of [`SECRET_ENV_VARS`] and of `extra_env_vars`, read through `lookup`
    /// (the invocation's environment, which the command layer reads once).
    pub fn from_environment_lookup(
        extra_env_vars: &[String],
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let mut redactor = Self::new();
        let names = SECRET_ENV_VARS
            .iter()
            .map(|name| name.to_string())
            .chain(extra_env_vars.iter().cloned());
        for name in names {
            if let Some(value) = lookup(&name) {
                redactor.add_secret(&value);
            }
        }
        redactor
    }

    /// Adds an exact secret value. A Proxmox token `user@realm!id=SECRET` also adds its secret part alone.
    ///
    /// The value is also known in the forms it takes on the way out: each line of a multi-line secret (a comment
    /// cut to GitHub's size limit may keep only some of its lines), and the value as JSON and Rust's `Debug`
    /// escape it (`--log-format json`, a `?field` in a log line), where a quote or a newline inside it no longer
    /// matches the raw value.
    pub fn add_secret(&mut self, value: &str) {
        let value = value.trim();
        if !self.push_value(value) {
            return;
        }
        if value.contains('\n') {
            // A line alone is only worth knowing when it is long enough not to be common text
            // (`kind: Config`, a PEM footer).
            for line in value.lines().map(str::trim) {
                if line.chars().count() >= MIN_LINE_OF_SECRET_LENGTH {
                    self.push_value(line);
                }
            }
        }
        if let Ok(json) = serde_json::to_string(value) {
            self.push_value(&json[1..json.len() - 1]);
        }
        let debug = format!("{value:?}");
        self.push_value(&debug[1..debug.len() - 1]);
        if let Some((_, secret)) = value.split_once('=') {
            self.add_secret(secret);
        }
    }

    /// Knows `value` as it is; returns false when it is too short to redact or already known.
    fn push_value(&mut self, value: &str) -> bool {
        if value.chars().count() < MIN_SECRET_LENGTH
            || self.values.iter().any(|known| known == value)
        {
            return false;
        }
        self.values.push(value.to_string());
        self.matcher = OnceLock::new();
        true
    }

    /// Adds every string leaf of a JSON value (a sensitive output or variable) as a secret.
    pub fn add_secret_json(&mut self, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(text) => self.add_secret(text),
            serde_json::Value::Number(number) => self.add_secret(&number.to_string()),
            serde_json::Value::Array(items) => {
                items.iter().for_each(|item| self.add_secret_json(item))
            }
            serde_json::Value::Object(map) => {
                map.values().for_each(|item| self.add_secret_json(item))
            }
            serde_json::Value::Bool(_) | serde_json::Value::Null => {}
        }
    }

    /// Adds a user-configured pattern (`[redact] patterns` in agentlab.toml).
    pub fn add_pattern(&mut self, pattern: &str) -> Result<(), PatternError> {
        let regex = Regex::new(pattern).map_err(|source| PatternError {
            pattern: pattern.to_string(),
            source,
        })?;
        self.user_patterns.push(regex);
        Ok(())
    }

    /// The secret values known so far (for `::add-mask::`).
    pub fn known_secrets(&self) -> &[String] {
        &self.values
    }

    /// Returns `text` with every known secret and every secret-shaped substring replaced.
    ///
    /// Every rule looks at the original text, and what any of them would hide is hidden: the spans are merged and
    /// replaced once, at the end. Replacing rule by rule would let one rule's placeholder break the context
    /// another rule needs (an exact value inside `user:password@` hid the `user:` the URL shape looks for, and
    /// the password went out), and would leave the rest of a secret visible when two secrets overlap. A secret
    /// found by its shape is also hidden where it appears again without that shape (a token logged bare after
    /// its `Authorization:` line).
    pub fn redact(&self, text: &str) -> String {
        let mut spans: Vec<HiddenSpan> = Vec::new();
        match self.secrets_matcher() {
            // Overlapping matches: two secrets that share characters are both hidden whole.
            Some(matcher) => spans.extend(
                matcher
                    .find_overlapping_iter(text)
                    .map(|found| HiddenSpan::plain(found.start(), found.end())),
            ),
            None => {
                for value in &self.values {
                    spans.extend(
                        text.match_indices(value.as_str())
                            .map(|(start, found)| HiddenSpan::plain(start, start + found.len())),
                    );
                }
            }
        }
        let mut found_by_shape: Vec<&str> = Vec::new();
        for shape in built_in_shapes() {
            // The next search starts just inside the secret, not after it: a secret that runs on without a space
            // may swallow the context of the next one (`Bearer x…Authorization: Bearer y`), and that one must be
            // found too.
            let mut search_from = 0;
            while let Some(captures) = shape.regex.captures_at(text, search_from) {
                let Some(secret) = captures.name("secret") else {
                    break;
                };
                spans.push(HiddenSpan {
                    start: secret.start(),
                    end: secret.end(),
                    placeholder: shape.placeholder,
                });
                if secret.as_str().chars().count() >= MIN_SECRET_LENGTH {
                    found_by_shape.push(secret.as_str());
                }
                // When the shape has context before the secret, the secret's own start is already past this
                // match's start, and may be where the next header begins (`Bearer Authorization: Bearer y`).
                let whole_start = captures.get(0).map_or(0, |whole| whole.start());
                search_from = if secret.start() > whole_start {
                    secret.start()
                } else {
                    secret.start() + secret.as_str().chars().next().map_or(1, char::len_utf8)
                };
            }
        }
        for secret in found_by_shape {
            spans.extend(
                text.match_indices(secret)
                    .map(|(start, found)| HiddenSpan::plain(start, start + found.len())),
            );
        }
        for pattern in &self.user_patterns {
            spans.extend(
                pattern
                    .find_iter(text)
                    .filter(|found| !found.is_empty())
                    .map(|found| HiddenSpan::plain(found.start(), found.end())),
            );
        }
        replace_spans(text, spans)
    }

    fn secrets_matcher(&self) -> Option<&AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                if self.values.is_empty() {
                    return None;
                }
                match AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&self.values)
                {
                    Ok(matcher) => Some(matcher),
                    Err(error) => {
                        // Only a pattern set past the automaton's size limits fails; fall back to one search
                        // per secret rather than hide nothing.
                        tracing::debug!(%error, "the secrets automaton could not be built");
                        None
                    }
                }
            })
            .as_ref()
    }

    /// Serialises `value` (a run record, a diagnosis) and redacts every string in it: what a record writer puts on
    /// disk.
    pub fn redact_serialized<T: Serialize>(
        &self,
        value: &T,
    ) -> Result<serde_json::Value, serde_json::Error> {
        Ok(self.redact_json(&serde_json::to_value(value)?))
    }

    /// Redacts every string inside a JSON value, keys included.
    pub fn redact_json(&self, value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::String(text) => serde_json::Value::String(self.redact(text)),
            // A list of lines (a log tail) is redacted as one text, so that a secret spanning lines — a private
            // key block — is found whole; the redacted text is split back into lines.
            serde_json::Value::Array(items)
                if items.len() > 1 && items.iter().all(serde_json::Value::is_string) =>
            {
                let joined = items
                    .iter()
                    .filter_map(serde_json::Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n");
                self.redact(&joined)
                    .split('\n')
                    .map(|line| serde_json::Value::String(line.to_string()))
                    .collect()
            }
            serde_json::Value::Array(items) => {
                items.iter().map(|item| self.redact_json(item)).collect()
            }
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(key, item)| (self.redact(key), self.redact_json(item)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
            other => other.clone(),
        }
    }
}

/// One redactor shared by the parts of a run: the Terraform agent adds the values it finds marked sensitive in
/// plans and states while the run goes on, and every output path (the LLM prompt, the record, comments, logs)
/// redacts with what is known at that moment. Cloning shares the same secrets.
#[derive(Debug, Clone, Default)]
pub struct SharedRedactor {
    inner: Arc<RwLock<Redactor>>,
}

impl SharedRedactor {
    pub fn new(redactor: Redactor) -> Self {
        Self {
            inner: Arc::new(RwLock::new(redactor)),
        }
    }

    pub fn add_secret(&self, value: &str) {
        self.write().add_secret(value);
    }

    pub fn add_secret_json(&self, value: &serde_json::Value) {
        self.write().add_secret_json(value);
    }

    pub fn add_pattern(&self, pattern: &str) -> Result<(), PatternError> {
        self.write().add_pattern(pattern)
    }

    pub fn redact(&self, text: &str) -> String {
        self.read().redact(text)
    }

    pub fn redact_json(&self, value: &serde_json::Value) -> serde_json::Value {
        self.read().redact_json(value)
    }

    /// A copy of what is known now, for a caller that redacts many texts in a row.
    pub fn snapshot(&self) -> Redactor {
        self.read().clone()
    }

    // A panic elsewhere while holding the lock leaves a redactor that is still valid (every mutation is a push),
    // so a poisoned lock is used as it is rather than turned into a panic here.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Redactor> {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Redactor> {
        self.inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A part of the text to hide, in bytes, and what to show instead.
struct HiddenSpan {
    start: usize,
    end: usize,
    placeholder: &'static str,
}

impl HiddenSpan {
    fn plain(start: usize, end: usize) -> Self {
        Self {
            start,
            end,
            placeholder: PLACEHOLDER,
        }
    }
}

/// Replaces the spans, overlapping ones merged into one placeholder (a private key's, when one of them is a
/// private key, since that says more).
fn replace_spans(text: &str, mut spans: Vec<HiddenSpan>) -> String {
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    let mut redacted = String::with_capacity(text.len());
    let mut copied_up_to = 0;
    let mut spans = spans.into_iter().peekable();
    while let Some(first) = spans.next() {
        let mut end = first.end;
        let mut placeholder = first.placeholder;
        while let Some(next) = spans.next_if(|next| next.start < end) {
            end = end.max(next.end);
            if next.placeholder != PLACEHOLDER {
                placeholder = next.placeholder;
            }
        }
        redacted.push_str(&text[copied_up_to..first.start]);
        redacted.push_str(placeholder);
        copied_up_to = end;
    }
    redacted.push_str(&text[copied_up_to..]);
    redacted
}

struct Shape {
    /// Matches the secret with its context; the `secret` group is what is hidden.
    regex: Regex,
    placeholder: &'static str,
}

/// What a private key's lines become when they are seen one at a time.
pub const PRIVATE_KEY_PLACEHOLDER: &str = "[REDACTED PRIVATE KEY]";

/// Hides a private key printed over several lines when the lines are seen one at a time (Terraform's output as it
/// streams to the log and the log tail): every line from `-----BEGIN … PRIVATE KEY-----` to `-----END … PRIVATE
/// KEY-----` is replaced whole. [`Redactor::redact`] finds a key only when the whole block is one text; line by
/// line it would hide the first line and let the key's body through.
#[derive(Debug, Clone, Default)]
pub struct PrivateKeyLines {
    inside: bool,
}

impl PrivateKeyLines {
    /// `line`, or the placeholder when it is part of a private key block.
    pub fn hide<'a>(&mut self, line: &'a str) -> std::borrow::Cow<'a, str> {
        let marks = |edge: &str| line.contains(edge) && line.contains("PRIVATE KEY-----");
        if !(self.inside || marks("-----BEGIN ")) {
            return std::borrow::Cow::Borrowed(line);
        }
        // A block ends on its END line, which may be the BEGIN line itself (a key printed on one line).
        self.inside = !marks("-----END ");
        std::borrow::Cow::Borrowed(PRIVATE_KEY_PLACEHOLDER)
    }
}

/// The secret shapes recognised without being told. Each keeps the non-secret part that helps a reader (which user,
/// which host) and hides the rest.
fn built_in_shapes() -> &'static [Shape] {
    static SHAPES: OnceLock<Vec<Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let shape = |pattern: &str, placeholder: &'static str| Shape {
            regex: Regex::new(pattern).expect("built-in redaction patterns are valid"),
            placeholder,
        };
        vec![
            // -----BEGIN OPENSSH PRIVATE KEY----- ... -----END OPENSSH PRIVATE KEY-----
            shape(
                r"(?P<secret>-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\z))",
                "[REDACTED PRIVATE KEY]",
            ),
            // Authorization: PVEAPIToken=root@pam!terraform=5f1c...
            shape(r"PVEAPIToken[= ](?P<secret>[^\s'\x22,;]+)", PLACEHOLDER),
            // user@realm!tokenid=UUID (bpg's PROXMOX_VE_API_TOKEN format)
            shape(
                r"[A-Za-z0-9._-]+@[A-Za-z0-9._-]+![A-Za-z0-9._-]+=(?P<secret>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})",
                PLACEHOLDER,
            ),
            // https://user:password@host/
            shape(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:(?P<secret>[^@\s/]+)@", PLACEHOLDER),
            // Authorization: Bearer xyz / token xyz / Basic xyz
            shape(r"(?i)authorization:\s*(?:bearer|token|basic)\s+(?P<secret>[^\s'\x22]+)", PLACEHOLDER),
            // Anthropic and OpenAI keys, GitHub tokens
            shape(r"(?P<secret>sk-ant-[A-Za-z0-9_-]{16,})", PLACEHOLDER),
            shape(r"(?P<secret>sk-(?:proj-)?[A-Za-z0-9_-]{20,})", PLACEHOLDER),
            shape(r"(?P<secret>gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})", PLACEHOLDER),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(redactor: &Redactor, input: &str, expected: &str) {
        assert_eq!(redactor.redact(input), expected, "{input}");
    }

    #[test]
    fn a_secret_is_hidden_cut_to_some_of_its_lines_and_escaped_as_json_or_debug() {
        let mut redactor = Redactor::new();
        let secret = "{\"user\": \"deploy\",\n \"password\": \"correct horse battery\"}";
        redactor.add_secret(secret);
        let cut =
            "the body was cut here:\n \"password\": \"correct horse battery\"}\n(the rest is gone)";
        assert!(
            !redactor.redact(cut).contains("correct horse"),
            "{}",
            redactor.redact(cut)
        );
        let json = serde_json::to_string(secret).unwrap();
        assert!(
            !redactor
                .redact(&format!("log {json}"))
                .contains("correct horse")
        );
        let debug = format!("{secret:?}");
        assert!(
            !redactor
                .redact(&format!("args={debug}"))
                .contains("correct horse")
        );
        // Short lines of a secret are ordinary text and stay readable.
        let mut redactor = Redactor::new();
        redactor.add_secret("apiVersion: v1\nclient-key-data: c2VjcmV0LWtleS1kYXRhLWxvbmc=");
        assert_eq!(redactor.redact("apiVersion: v1"), "apiVersion: v1");
        assert!(
            redactor
                .redact("client-key-data: c2VjcmV0LWtleS1kYXRhLWxvbmc=")
                .contains("[REDACTED]")
        );
    }

    #[test]
    fn built_in_shapes_are_hidden_and_context_kept() {
        let redactor = Redactor::new();
        check(
            &redactor,
            "Authorization: PVEAPIToken=root@pam!terraform=0b1e3c5a-9d2f-4e6a-8b7c-1d2e3f4a5b6c",
            "Authorization: PVEAPIToken=[REDACTED]",
        );
        check(
            &redactor,
            "token root@pam!terraform=0b1e3c5a-9d2f-4e6a-8b7c-1d2e3f4a5b6c rejected",
            "token root@pam!terraform=[REDACTED] rejected",
        );
        check(
            &redactor,
            "endpoint http://admin:hunter22@minio:9000/x",
            "endpoint http://admin:[REDACTED]@minio:9000/x",
        );
        check(
            &redactor,
            "Authorization: Bearer abc.def.ghi",
            "Authorization: Bearer [REDACTED]",
        );
        check(
            &redactor,
            "key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA end",
            "key [REDACTED] end",
        );
        check(
            &redactor,
            "gho_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            "[REDACTED]",
        );
        check(
            &redactor,
            "a\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\nz",
            "a\n[REDACTED PRIVATE KEY]\nz",
        );
        check(
            &redactor,
            "-----BEGIN RSA PRIVATE KEY-----\ncut off",
            "[REDACTED PRIVATE KEY]",
        );
        check(
            &redactor,
            "nothing secret: VM 901 already exists",
            "nothing secret: VM 901 already exists",
        );
    }

    #[test]
    fn exact_values_and_user_patterns_are_hidden() {
        let mut redactor = Redactor::new();
        redactor.add_secret("canary-password-1");
        redactor.add_secret("yes");
        redactor.add_secret_json(&serde_json::json!({"db": ["nested-canary-2"], "port": 5432}));
        redactor.add_pattern(r"INTERNAL-[0-9]{4}").unwrap();
        check(
            &redactor,
            "pw=canary-password-1 other=nested-canary-2 ticket INTERNAL-1234 yes",
            "pw=[REDACTED] other=[REDACTED] ticket [REDACTED] yes",
        );
        assert!(
            redactor
                .add_pattern("(unclosed")
                .unwrap_err()
                .to_string()
                .contains("(unclosed")
        );
    }

    #[test]
    fn a_proxmox_token_value_also_hides_its_secret_part() {
        let mut redactor = Redactor::new();
        redactor.add_secret("root@pam!ci=not-a-uuid-secret");
        check(
            &redactor,
            "secret not-a-uuid-secret leaked",
            "secret [REDACTED] leaked",
        );
    }

    #[test]
    fn a_shared_redactor_sees_secrets_added_through_any_clone() {
        let shared = SharedRedactor::new(Redactor::new());
        let terraform_side = shared.clone();
        terraform_side.add_secret_json(&serde_json::json!({"password": "sensitive-output-4"}));
        assert_eq!(shared.redact("x sensitive-output-4"), "x [REDACTED]");
        assert_eq!(shared.snapshot().redact("sensitive-output-4"), "[REDACTED]");
    }

    #[test]
    fn environment_lookup_adds_known_and_extra_variables() {
        let redactor =
            Redactor::from_environment_lookup(&["MY_TOKEN".to_string()], |name| match name {
                "ANTHROPIC_API_KEY" => Some("env-canary-anthropic".to_string()),
                "MY_TOKEN" => Some("env-canary-extra".to_string()),
                _ => None,
            });
        assert_eq!(
            redactor.redact("env-canary-anthropic env-canary-extra"),
            "[REDACTED] [REDACTED]"
        );
    }

    #[test]
    fn a_private_key_split_over_log_lines_is_hidden_whole() {
        let lines = serde_json::json!([
            "before",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "b3BlbnNzaC1rZXk",
            "-----END OPENSSH PRIVATE KEY-----",
            "after"
        ]);
        assert_eq!(
            Redactor::new().redact_json(&lines),
            serde_json::json!(["before", "[REDACTED PRIVATE KEY]", "after"])
        );
    }

    #[test]
    fn a_private_key_streamed_line_by_line_is_hidden_to_its_end() {
        let mut keys = PrivateKeyLines::default();
        let seen: Vec<String> = [
            "x: (local-exec): before",
            "x: (local-exec): -----BEGIN OPENSSH PRIVATE KEY-----",
            "x: (local-exec): b3BlbnNzaC1rZXk",
            "x: (local-exec): -----END OPENSSH PRIVATE KEY-----",
            "x: (local-exec): after",
            "-----BEGIN RSA PRIVATE KEY----- MIIE -----END RSA PRIVATE KEY-----",
            "still visible",
        ]
        .iter()
        .map(|line| keys.hide(line).into_owned())
        .collect();
        assert_eq!(
            seen,
            [
                "x: (local-exec): before",
                PRIVATE_KEY_PLACEHOLDER,
                PRIVATE_KEY_PLACEHOLDER,
                PRIVATE_KEY_PLACEHOLDER,
                "x: (local-exec): after",
                PRIVATE_KEY_PLACEHOLDER,
                "still visible",
            ]
        );
    }

    #[test]
    fn a_secret_found_by_its_shape_is_hidden_where_it_appears_again() {
        // Found by scripts/fuzz (redactor): the token was hidden after `Bearer` and left in clear a few words
        // earlier.
        check(
            &Redactor::new(),
            "retrying with mAlmnopqrs: Authorization: Bearer mAlmnopqrs",
            "retrying with [REDACTED]: Authorization: Bearer [REDACTED]",
        );
    }

    #[test]
    fn a_header_swallowed_by_the_secret_before_it_is_still_found() {
        // Found by scripts/fuzz (redactor): the first token ran on into a second header, whose token was left in
        // clear because the search went on after the first match.
        check(
            &Redactor::new(),
            "Authorization: Bearer x-Authorization: Bearer second-token rest",
            "Authorization: Bearer [REDACTED] Bearer [REDACTED] rest",
        );
    }

    #[test]
    fn a_header_that_begins_where_the_secret_before_it_begins_is_still_found() {
        // Found by the fuzz smoke (redactor): an empty `Authorization: Bearer ` took the next header's first word
        // as its secret, and the search went on one character into it, past the `A` the next match needed.
        // (`Authorization:`, taken as the first header's secret, is hidden wherever it appears, as any secret.)
        check(
            &Redactor::new(),
            "Authorization: Bearer Authorization: Bearer jklmnopqrs end",
            "[REDACTED] Bearer [REDACTED] Bearer [REDACTED] end",
        );
    }

    #[test]
    fn overlapping_secrets_are_hidden_whole() {
        let mut redactor = Redactor::new();
        redactor.add_secret("abcdefgh");
        redactor.add_secret("ghijklmn");
        check(&redactor, "x abcdefghijklmn y", "x [REDACTED] y");
    }

    #[test]
    fn hundreds_of_secrets_are_all_hidden_and_a_secret_added_later_too() {
        let mut redactor = Redactor::new();
        let secrets: Vec<String> = (0..500)
            .map(|n| format!("sensitive-{n:04}-value"))
            .collect();
        for secret in &secrets {
            redactor.add_secret(secret);
        }
        let text = secrets.join(" and ");
        let hidden = redactor.redact(&text);
        assert!(
            secrets
                .iter()
                .all(|secret| !hidden.contains(secret.as_str())),
            "{hidden}"
        );
        assert_eq!(hidden.matches("[REDACTED]").count(), 500);
        redactor.add_secret("learned-after-the-first-redact");
        assert_eq!(
            redactor.redact("x learned-after-the-first-redact y"),
            "x [REDACTED] y"
        );
    }

    #[test]
    fn debug_output_counts_secrets_and_never_shows_them() {
        let mut redactor = Redactor::new();
        redactor.add_secret("do-not-print-me");
        let debug = format!("{redactor:?}");
        assert!(!debug.contains("do-not-print-me"), "{debug}");
        assert!(debug.contains("secrets: 1"), "{debug}");
    }

    #[test]
    fn json_is_redacted_throughout() {
        let mut redactor = Redactor::new();
        redactor.add_secret("canary-value-3");
        let value = serde_json::json!({"a": ["x canary-value-3"], "canary-value-3": 1});
        let redacted = redactor.redact_json(&value).to_string();
        assert!(!redacted.contains("canary-value-3"), "{redacted}");
    }
}
