//! The redactor's promise: a secret it was told about, or one of the secret shapes it knows, does not survive
//! redaction, wherever it sits in the text and whatever surrounds it.
//!
//! The input plants up to three exact secrets and one secret of a built-in shape in arbitrary surrounding text.
//! A planted secret is only excused when it could be spelled by the placeholder itself (it contains a bracket,
//! or it is part of "REDACTED PRIVATE KEY"): the redactor cannot help that text reads like its own placeholder.
//!
//! Shared by the fuzz target of the same name and by the seed replay in the main test suite
//! (`tests/it/fuzz_seeds.rs`), so the CI smoke checks the same properties the fuzzer does.

use agentlab::redact::{MIN_SECRET_LENGTH, Redactor};

#[derive(Debug)]
enum PlantedShape {
    /// `user@realm!tokenid=UUID` (the secret is the UUID).
    ProxmoxToken { user: Vec<u8>, uuid: [u8; 16] },
    /// `PVEAPIToken=SECRET`.
    ProxmoxHeader { secret: Vec<u8> },
    /// `scheme://user:PASSWORD@host`.
    UrlPassword { password: Vec<u8> },
    /// `Authorization: Bearer SECRET`.
    Bearer { secret: Vec<u8> },
    /// `sk-ant-SECRET` (the whole key is the secret).
    AnthropicKey { secret: Vec<u8> },
    /// `ghp_SECRET`.
    GitHubToken { secret: Vec<u8> },
}

#[derive(Debug)]
struct Input {
    secrets: Vec<String>,
    shape: PlantedShape,
    pieces: [String; 5],
}

impl Input {
    /// Reads the input from bytes split at 0xFF (a byte UTF-8 never uses, so each field can be any text): the
    /// shape (its kind in the first byte, its secret after), up to three secrets, then five pieces of
    /// surrounding text. Missing fields are empty.
    fn decode(data: &[u8]) -> Self {
        let mut fields = data.split(|byte| *byte == 0xFF);
        let shape_field = fields.next().unwrap_or_default();
        let (kind, shape_bytes) = shape_field
            .split_first()
            .map_or((0, &[][..]), |(kind, rest)| (*kind, rest));
        let shape_bytes = shape_bytes.to_vec();
        let shape = match kind % 6 {
            0 => {
                let mut uuid = [0u8; 16];
                shape_bytes
                    .iter()
                    .zip(uuid.iter_mut())
                    .for_each(|(byte, slot)| *slot = *byte);
                let user = shape_bytes.get(16..).unwrap_or_default().to_vec();
                PlantedShape::ProxmoxToken { user, uuid }
            }
            1 => PlantedShape::ProxmoxHeader {
                secret: shape_bytes,
            },
            2 => PlantedShape::UrlPassword {
                password: shape_bytes,
            },
            3 => PlantedShape::Bearer {
                secret: shape_bytes,
            },
            4 => PlantedShape::AnthropicKey {
                secret: shape_bytes,
            },
            _ => PlantedShape::GitHubToken {
                secret: shape_bytes,
            },
        };
        let mut text = || String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
        let secrets = vec![text(), text(), text()];
        let pieces = [text(), text(), text(), text(), text()];
        Self {
            secrets,
            shape,
            pieces,
        }
    }
}

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Bytes mapped onto `alphabet`, at least `minimum` long (padded with the first letter).
fn spelled(bytes: &[u8], alphabet: &[u8], minimum: usize) -> String {
    let mut text: String = bytes
        .iter()
        .map(|byte| alphabet[*byte as usize % alphabet.len()] as char)
        .collect();
    while text.len() < minimum {
        text.push(alphabet[0] as char);
    }
    text
}

/// The planted text and the part of it that must not survive.
fn plant(shape: &PlantedShape) -> (String, String) {
    match shape {
        PlantedShape::ProxmoxToken { user, uuid } => {
            let hex: String = uuid.iter().map(|byte| format!("{byte:02x}")).collect();
            let uuid = format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            );
            let user = spelled(user, ALPHANUMERIC, 1);
            (format!("{user}@pam!ci={uuid}"), uuid)
        }
        PlantedShape::ProxmoxHeader { secret } => {
            let secret = spelled(secret, ALPHANUMERIC, MIN_SECRET_LENGTH);
            (format!("PVEAPIToken={secret}"), secret)
        }
        PlantedShape::UrlPassword { password } => {
            let password = spelled(password, ALPHANUMERIC, MIN_SECRET_LENGTH);
            (
                format!("https://admin:{password}@minio:9000/state"),
                password,
            )
        }
        PlantedShape::Bearer { secret } => {
            let secret = spelled(secret, ALPHANUMERIC, MIN_SECRET_LENGTH);
            (format!("Authorization: Bearer {secret}"), secret)
        }
        PlantedShape::AnthropicKey { secret } => {
            let key = format!("sk-ant-{}", spelled(secret, ALPHANUMERIC, 16));
            (key.clone(), key)
        }
        PlantedShape::GitHubToken { secret } => {
            let token = format!("ghp_{}", spelled(secret, ALPHANUMERIC, 30));
            (token.clone(), token)
        }
    }
}

fn excused(secret: &str) -> bool {
    secret.contains('[') || secret.contains(']') || "REDACTED PRIVATE KEY".contains(secret)
}

/// Panics when a planted secret survives redaction.
pub fn check(data: &[u8]) {
    let input = Input::decode(data);
    let mut redactor = Redactor::new();
    let mut must_vanish = Vec::new();
    for secret in &input.secrets {
        redactor.add_secret(secret);
        let trimmed = secret.trim();
        if trimmed.chars().count() >= MIN_SECRET_LENGTH {
            must_vanish.push(trimmed.to_string());
        }
    }
    let (planted_shape, shape_secret) = plant(&input.shape);
    must_vanish.push(shape_secret);

    let [p0, p1, p2, p3, p4] = &input.pieces;
    let [s0, s1, s2] = [&input.secrets[0], &input.secrets[1], &input.secrets[2]];
    // The shape ends at a space: without one, where a secret of a shape like `PVEAPIToken=...` ends is a matter
    // of what follows it, and the redactor rightly hides (and learns) the longer text.
    let text = format!("{p0}{s0}{p1}{s1}{p2}{s2}{p3}{planted_shape} {p4}");
    let redacted = redactor.redact(&text);
    for secret in must_vanish.iter().filter(|secret| !excused(secret)) {
        assert!(
            !redacted.contains(secret.as_str()),
            "secret {secret:?} survived redaction\n  text:     {text:?}\n  redacted: {redacted:?}"
        );
    }
    // The same text as a log tail (lines of a JSON array) and inside an object must not let it through either.
    // The strings are checked, not the serialised JSON, whose escapes (`\u0001`) could spell a secret themselves.
    let lines: Vec<serde_json::Value> = text.split('\n').map(|line| line.into()).collect();
    let as_json = redactor.redact_json(&serde_json::json!({ "tail": lines, "message": text }));
    let mut strings = Vec::new();
    collect_strings(&as_json, &mut strings);
    let tail_joined = as_json["tail"]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    strings.push(&tail_joined);
    for secret in must_vanish.iter().filter(|secret| !excused(secret)) {
        for string in &strings {
            assert!(
                !string.contains(secret.as_str()),
                "secret {secret:?} survived JSON redaction\n  text:     {text:?}\n  redacted: {string:?}"
            );
        }
    }
}

fn collect_strings<'a>(value: &'a serde_json::Value, strings: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(text) => strings.push(text),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| collect_strings(item, strings))
        }
        serde_json::Value::Object(map) => map.iter().for_each(|(key, item)| {
            strings.push(key);
            collect_strings(item, strings);
        }),
        _ => {}
    }
}
