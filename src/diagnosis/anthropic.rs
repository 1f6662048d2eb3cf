//! The Anthropic Messages API (`POST {base}/v1/messages`) with a forced tool call whose input schema is the
//! Hypothesis: the portable way to get one structured answer from every Claude model.

use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::answer::{AnswerContent, HYPOTHESIS_TOOL_NAME};
use super::cost::TokenCounts;
use super::llm::{ChatAnswer, Conversation, Role, StructuredChat};
use super::transport::{LlmError, RequestHeader, post_json};
use crate::http_retry::HttpRetryPolicy;

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const API_VERSION: &str = "2023-06-01";
pub const KEY_VARIABLE: &str = "ANTHROPIC_API_KEY";

/// Enough for a hypothesis; a longer answer is a rambling one.
const MAX_TOKENS: u32 = 1024;

pub struct AnthropicChat {
    pub client: reqwest::Client,
    pub base_url: String,
    pub model: String,
    pub api_key: Option<SecretString>,
    pub retry: HttpRetryPolicy,
}

/// The request body. No `temperature`: the newest models refuse it, and a forced tool keeps answers tight anyway.
pub fn request_body(model: &str, conversation: &Conversation, schema: &Value) -> Value {
    let messages: Vec<Value> = conversation
        .turns
        .iter()
        .map(|turn| {
            let role = match turn.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({"role": role, "content": turn.text})
        })
        .collect();
    json!({
        "model": model,
        "max_tokens": MAX_TOKENS,
        "system": conversation.system,
        "messages": messages,
        "tools": [{
            "name": HYPOTHESIS_TOOL_NAME,
            "description": "Report the single most likely hypothesis for the failure.",
            "input_schema": schema,
        }],
        "tool_choice": {"type": "tool", "name": HYPOTHESIS_TOOL_NAME},
    })
}

/// Reads a Messages API response: the forced tool's `input`, else the text blocks; and the usage.
pub fn parse_response(body: &Value) -> Result<(AnswerContent, TokenCounts), LlmError> {
    let invalid = |message: &str| LlmError::InvalidResponse {
        message: message.to_string(),
    };
    let blocks = body
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("no `content` array"))?;
    let tool_input = blocks.iter().find_map(|block| {
        (block.get("type").and_then(Value::as_str) == Some("tool_use"))
            .then(|| block.get("input").cloned())
            .flatten()
    });
    let content = match tool_input {
        Some(input) => AnswerContent::Json(input),
        None => AnswerContent::Text(
            blocks
                .iter()
                .filter_map(|block| block.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    };
    let usage = body.get("usage").ok_or_else(|| invalid("no `usage`"))?;
    let count = |key: &str| usage.get(key).and_then(Value::as_u64).unwrap_or(0);
    Ok((
        content,
        TokenCounts {
            input: count("input_tokens"),
            output: count("output_tokens"),
            cache_read: count("cache_read_input_tokens"),
            cache_write: count("cache_creation_input_tokens"),
        },
    ))
}

#[async_trait]
impl StructuredChat for AnthropicChat {
    fn provider(&self) -> &'static str {
        "anthropic"
    }

    fn model(&self) -> &str {
        &self.model
    }

    async fn ask(
        &self,
        conversation: &Conversation,
        schema: &Value,
    ) -> Result<ChatAnswer, LlmError> {
        let api_key = self.api_key.clone().ok_or(LlmError::MissingApiKey {
            variable: KEY_VARIABLE,
        })?;
        let url = format!("{}/v1/messages", self.base_url.trim_end_matches('/'));
        let headers = vec![
            RequestHeader::Secret("x-api-key", api_key),
            RequestHeader::Plain("anthropic-version", API_VERSION.to_string()),
        ];
        let body = request_body(&self.model, conversation, schema);
        let answer = post_json(
            &self.client,
            &url,
            headers,
            &body,
            &self.retry,
            KEY_VARIABLE,
        )
        .await?;
        let (content, tokens) = parse_response(&answer.body)?;
        Ok(ChatAnswer {
            content,
            tokens,
            latency_ms: answer.latency_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_response_gives_the_tool_input_and_all_usage_fields() {
        // Shape of a Messages API response with a forced tool call (docs.anthropic.com, "Tool use").
        let body = json!({
            "id": "msg_01Aq9w938a90dw8q", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
            "content": [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": HYPOTHESIS_TOOL_NAME,
                         "input": {"category": "transient_lock"}}],
            "stop_reason": "tool_use", "stop_sequence": null,
            "usage": {"input_tokens": 2095, "output_tokens": 503, "cache_creation_input_tokens": 10, "cache_read_input_tokens": 20}
        });
        let (content, tokens) = parse_response(&body).unwrap();
        assert_eq!(
            content,
            AnswerContent::Json(json!({"category": "transient_lock"}))
        );
        assert_eq!(
            tokens,
            TokenCounts {
                input: 2095,
                output: 503,
                cache_read: 20,
                cache_write: 10
            }
        );
        assert!(parse_response(&json!({"type": "message"})).is_err());
    }

    #[test]
    fn the_request_forces_the_hypothesis_tool() {
        let conversation = Conversation::new("system text".into(), "evidence".into());
        let body = request_body(
            "claude-haiku-5-5",
            &conversation,
            &json!({"type": "object"}),
        );
        assert_eq!(
            body["tool_choice"],
            json!({"type": "tool", "name": HYPOTHESIS_TOOL_NAME})
        );
        assert_eq!(body["tools"][0]["input_schema"], json!({"type": "object"}));
        assert_eq!(body["system"], "system text");
        assert_eq!(
            body["messages"][0],
            json!({"role": "user", "content": "evidence"})
        );
        assert!(body.get("temperature").is_none());
    }
}
