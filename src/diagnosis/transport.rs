//! The HTTP exchange with an LLM provider: one JSON POST, retried when the provider says "later", and typed errors
//! that tell a person what to fix when it says "no".
//!
//! 429 (unless it is a spend limit), 529 and other 5xx answers, timeouts and refused connections are retried a
//! bounded number of times, waiting what `retry-after` asks (capped) or an exponential backoff. 400, 401, 403, 404
//! and spend limits are final: retrying cannot fix a wrong key or an empty account.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::schema::FieldOrdered;
use crate::error_chain::error_chain;
use crate::http_retry::{HttpRetryPolicy, retry_after_seconds};

/// The LLM providers' retries: three attempts, one second doubled, no wait past thirty seconds.
pub const LLM_RETRY: HttpRetryPolicy = HttpRetryPolicy {
    max_attempts: 3,
    base_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(30),
};

/// Why an LLM call gave no answer. Each message says what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error("{variable} is not set: export the API key, or choose another diagnoser with --llm")]
    MissingApiKey { variable: &'static str },
    #[error(
        "the provider refused the request ({status}): {message}; check the model name in --llm / [llm] spec"
    )]
    BadRequest { status: u16, message: String },
    #[error("the provider rejected the API key ({status}): {message}; check {variable}")]
    Unauthorized {
        status: u16,
        message: String,
        variable: &'static str,
    },
    #[error(
        "the provider's spend limit is reached: {message}; raise the limit or add credit, then re-run (agentlab diagnose --record)"
    )]
    SpendLimit { message: String },
    #[error(
        "the provider refused the response schema ({status}): {message}; this is agentlab's schema, not an outage: report it"
    )]
    SchemaRefused { status: u16, message: String },
    #[error("gave up after {attempts} attempts: {last}")]
    RetriesExhausted { attempts: u32, last: String },
    #[error("the provider's answer is not the documented shape: {message}")]
    InvalidResponse { message: String },
    #[error("cannot build the HTTP client: {message}")]
    Client { message: String },
}

/// A successful exchange: the JSON body and how long the answering request took.
#[derive(Debug, Clone)]
pub struct JsonAnswer {
    pub body: serde_json::Value,
    pub latency_ms: u64,
}

/// One header of a request; secrets stay wrapped until the header is built, and are marked sensitive there.
pub enum RequestHeader {
    Plain(&'static str, String),
    Secret(&'static str, SecretString),
}

/// What to do with one answer.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Retry { wait: Duration, why: String },
    Fail(LlmError),
}

/// POSTs `body` to `url`, retrying as `policy` allows. `key_variable` names the environment variable of
/// the key, for the 401/403 message.
pub async fn post_json(
    client: &reqwest::Client,
    url: &str,
    headers: Vec<RequestHeader>,
    body: &serde_json::Value,
    policy: &HttpRetryPolicy,
    key_variable: &'static str,
) -> Result<JsonAnswer, LlmError> {
    let header_map = build_headers(headers)?;
    let attempts = policy.attempts();
    let mut last = String::new();
    for attempt in 1..=attempts {
        let started = Instant::now();
        let sent = client
            .post(url)
            .headers(header_map.clone())
            .json(&FieldOrdered(body))
            .send()
            .await;
        let verdict = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = retry_after_header(response.headers());
                let text = response.text().await.unwrap_or_default();
                let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                if (200..300).contains(&status) {
                    return serde_json::from_str(&text)
                        .map(|body| JsonAnswer { body, latency_ms })
                        .map_err(|error| LlmError::InvalidResponse {
                            message: format!(
                                "status {status} with a body that is not JSON: {error}"
                            ),
                        });
                }
                judge_status(status, retry_after, &text, attempt, policy, key_variable)
            }
            Err(error) => Verdict::Retry {
                wait: policy.backoff(attempt),
                why: if error.is_timeout() {
                    "the request timed out ([llm] timeout_seconds)".to_string()
                } else {
                    format!("cannot reach {url}: {}", error_chain(&error))
                },
            },
        };
        match verdict {
            Verdict::Fail(error) => return Err(error),
            Verdict::Retry { wait, why } => {
                last = why;
                if attempt < attempts {
                    tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, reason = %last, "LLM call failed, retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
    Err(LlmError::RetriesExhausted { attempts, last })
}

fn build_headers(headers: Vec<RequestHeader>) -> Result<HeaderMap, LlmError> {
    let mut map = HeaderMap::new();
    for header in headers {
        let (name, mut value) = match header {
            RequestHeader::Plain(name, value) => (name, HeaderValue::from_str(&value)),
            RequestHeader::Secret(name, value) => {
                (name, HeaderValue::from_str(value.expose_secret()))
            }
        };
        // The error of `from_str` never contains the value, so it is safe to show.
        let value = value.as_mut().map_err(|error| LlmError::Client {
            message: format!("header {name} is not a valid header value: {error}"),
        })?;
        value.set_sensitive(name == "x-api-key" || name == "authorization");
        map.insert(HeaderName::from_static(name), value.clone());
    }
    Ok(map)
}

fn judge_status(
    status: u16,
    retry_after: Option<Duration>,
    body: &str,
    attempt: u32,
    policy: &HttpRetryPolicy,
    key_variable: &'static str,
) -> Verdict {
    let message = error_message(body);
    match status {
        401 | 403 => Verdict::Fail(LlmError::Unauthorized {
            status,
            message,
            variable: key_variable,
        }),
        429 if is_spend_limit(body) => Verdict::Fail(LlmError::SpendLimit { message }),
        400 if is_spend_limit(body) => Verdict::Fail(LlmError::SpendLimit { message }),
        400 | 422 if is_schema_refusal(&message) => {
            Verdict::Fail(LlmError::SchemaRefused { status, message })
        }
        408 | 409 | 429 | 500..=599 => Verdict::Retry {
            wait: policy.wait_capped(retry_after, attempt),
            why: format!("status {status}: {message}"),
        },
        _ => Verdict::Fail(LlmError::BadRequest { status, message }),
    }
}

/// `retry-after` in seconds (the form both providers send). An HTTP date falls back to the backoff.
pub fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    retry_after_seconds(headers.get("retry-after")?.to_str().ok()?)
}

/// The provider's own words: Anthropic's `{error: {type, message}}`, OpenAI's `{error: {message, code}}`, or
/// the start of whatever came back.
pub fn error_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let from_json = parsed.as_ref().and_then(|value| {
        let error = value.get("error")?;
        match error.get("message").and_then(|m| m.as_str()) {
            Some(message) => {
                let kind = error
                    .get("type")
                    .and_then(|t| t.as_str())
                    .map(|t| format!("{t}: "))
                    .unwrap_or_default();
                Some(format!("{kind}{message}"))
            }
            None => error.as_str().map(str::to_string),
        }
    });
    from_json.unwrap_or_else(|| {
        let text: String = body.chars().take(200).collect();
        if text.trim().is_empty() {
            "(empty body)".to_string()
        } else {
            text
        }
    })
}

/// A 400 that is about the schema sent ("Invalid schema for response_format ...", "input_schema: ... is not
/// supported"), not about the model name or the request otherwise.
fn is_schema_refusal(message: &str) -> bool {
    let lower = message.to_lowercase();
    (lower.contains("schema"))
        && [
            "invalid",
            "not permitted",
            "not supported",
            "unsupported",
            "not allowed",
        ]
        .iter()
        .any(|word| lower.contains(word))
}

/// Anthropic says so in the message of a 429/400; OpenAI uses the code `insufficient_quota`.
fn is_spend_limit(body: &str) -> bool {
    let lower = body.to_lowercase();
    [
        "spend limit",
        "usage limit",
        "credit balance",
        "insufficient_quota",
        "exceeded your current quota",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_from_the_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after_header(&headers), None);
        headers.insert("retry-after", HeaderValue::from_static("12"));
        assert_eq!(retry_after_header(&headers), Some(Duration::from_secs(12)));
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after_header(&headers), None);
    }

    #[test]
    fn statuses_are_judged_as_documented() {
        let judge = |status: u16, body: &str| {
            judge_status(status, None, body, 1, &LLM_RETRY, "ANTHROPIC_API_KEY")
        };
        let anthropic = |kind: &str, message: &str| {
            serde_json::json!({"type": "error", "error": {"type": kind, "message": message}})
                .to_string()
        };
        assert!(matches!(
            judge(
                429,
                &anthropic(
                    "rate_limit_error",
                    "Number of requests has exceeded your rate limit"
                )
            ),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            judge(529, &anthropic("overloaded_error", "Overloaded")),
            Verdict::Retry { .. }
        ));
        assert!(matches!(judge(500, "oops"), Verdict::Retry { .. }));
        match judge(401, &anthropic("authentication_error", "invalid x-api-key")) {
            Verdict::Fail(error) => {
                let text = error.to_string();
                assert!(
                    text.contains("check ANTHROPIC_API_KEY") && text.contains("invalid x-api-key"),
                    "{text}"
                );
            }
            other => panic!("401 must not be retried: {other:?}"),
        }
        assert!(matches!(
            judge(403, &anthropic("permission_error", "no")),
            Verdict::Fail(LlmError::Unauthorized { .. })
        ));
        assert!(matches!(
            judge(400, &anthropic("invalid_request_error", "model: not found")),
            Verdict::Fail(LlmError::BadRequest { .. })
        ));
        let openai_schema = serde_json::json!({"error": {"message": "Invalid schema for response_format 'report_hypothesis': In context=('properties', 'root_cause'), 'maxLength' is not permitted.", "type": "invalid_request_error", "param": "response_format", "code": null}}).to_string();
        match judge(400, &openai_schema) {
            Verdict::Fail(error @ LlmError::SchemaRefused { .. }) => assert!(
                error
                    .to_string()
                    .starts_with("the provider refused the response schema (400): "),
                "{error}"
            ),
            other => panic!("a schema 400 is a schema refusal, not an outage: {other:?}"),
        }
        assert!(matches!(
            judge(
                400,
                &anthropic(
                    "invalid_request_error",
                    "tools.0.custom.input_schema: JSON schema is invalid"
                )
            ),
            Verdict::Fail(LlmError::SchemaRefused { .. })
        ));
        assert!(matches!(
            judge(
                429,
                &anthropic(
                    "rate_limit_error",
                    "You have reached your specified API usage limits"
                )
            ),
            Verdict::Fail(LlmError::SpendLimit { .. })
        ));
        let openai_quota = serde_json::json!({"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}).to_string();
        assert!(matches!(
            judge(429, &openai_quota),
            Verdict::Fail(LlmError::SpendLimit { .. })
        ));
    }
}
