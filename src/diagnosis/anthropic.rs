//! The Anthropic Messages API (`POST {base}/v1/messages`) with a forced tool call whose input schema is the
//! Hypothesis: the portable way to get one structured answer from every Claude model.

use secrecy::SecretString;
use serde_json::{Value, json};

use super::answer::{AnswerContent, HYPOTHESIS_TOOL_NAME};
use super::cost::TokenCounts;
use super::http_chat::{HttpChat, WireFormat, turn_messages};
use super::llm::Conversation;
use super::schema::{ResponseSchema, SchemaDialect, for_dialect};
use super::transport::{LlmError, RequestHeader};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const API_VERSION: &str = "2023-06-01";
pub const KEY_VARIABLE: &str = "ANTHROPIC_API_KEY";

/// Enough for a hypothesis; a longer answer is a rambling one.
const MAX_TOKENS: u32 = 1024;

/// The Messages API's wire format.
pub struct AnthropicMessages;

/// A Claude model over the Messages API.
pub type AnthropicChat = HttpChat<AnthropicMessages>;

/// The request body. No `temperature`: the newest models refuse it, and a forced tool keeps answers tight anyway.
pub fn request_body(model: &str, conversation: &Conversation, schema: &ResponseSchema) -> Value {
    let messages: Vec<Value> = turn_messages(conversation).collect();
    json!({
        "model": model,
        "max_tokens": MAX_TOKENS,
        "system": conversation.system,
        "messages": messages,
        "tools": [{
            "name": HYPOTHESIS_TOOL_NAME,
            "description": "Report the single most likely hypothesis for the failure.",
            "input_schema": for_dialect(schema, SchemaDialect::AnthropicTool),
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
    // A valid answer without a usage block is kept; its tokens and cost are recorded as unknown.
    let Some(usage) = body.get("usage") else {
        return Ok((
            content,
            TokenCounts {
                unreported: true,
                ..TokenCounts::default()
            },
        ));
    };
    let count = |key: &str| usage.get(key).and_then(Value::as_u64).unwrap_or(0);
    Ok((
        content,
        TokenCounts {
            input: count("input_tokens"),
            output: count("output_tokens"),
            cache_read: count("cache_read_input_tokens"),
            cache_write: count("cache_creation_input_tokens"),
            unreported: false,
        },
    ))
}

impl WireFormat for AnthropicMessages {
    fn provider(&self) -> &'static str {
        "anthropic"
    }

    fn key_variable(&self) -> &'static str {
        KEY_VARIABLE
    }

    fn path(&self) -> &'static str {
        "/v1/messages"
    }

    fn headers(&self, api_key: Option<&SecretString>) -> Result<Vec<RequestHeader>, LlmError> {
        let api_key = api_key.cloned().ok_or(LlmError::MissingApiKey {
            variable: KEY_VARIABLE,
        })?;
        Ok(vec![
            RequestHeader::Secret("x-api-key", api_key),
            RequestHeader::Plain("anthropic-version", API_VERSION.to_string()),
        ])
    }

    fn request_body(
        &self,
        model: &str,
        conversation: &Conversation,
        schema: &ResponseSchema,
    ) -> Value {
        request_body(model, conversation, schema)
    }

    fn parse_response(&self, body: &Value) -> Result<(AnswerContent, TokenCounts), LlmError> {
        parse_response(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::category_policy::CategoryTable;

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
                cache_write: 10,
                unreported: false
            }
        );
        assert!(parse_response(&json!({"type": "message"})).is_err());
    }

    #[test]
    fn the_worst_case_budget_check_covers_the_output_this_format_asks_for() {
        assert!(u64::from(MAX_TOKENS) <= crate::diagnosis::llm::WORST_CASE_OUTPUT_TOKENS);
    }

    #[test]
    fn the_request_forces_the_hypothesis_tool() {
        let conversation = Conversation::new("system text".into(), "evidence".into());
        let schema = ResponseSchema::new(&["E1".into()], &CategoryTable::STRICT);
        let body = request_body("claude-haiku-5-5", &conversation, &schema);
        assert_eq!(
            body["tool_choice"],
            json!({"type": "tool", "name": HYPOTHESIS_TOOL_NAME})
        );
        assert_eq!(
            body["tools"][0]["input_schema"],
            for_dialect(&schema, SchemaDialect::AnthropicTool)
        );
        assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
        assert_eq!(body["system"], "system text");
        assert_eq!(
            body["messages"][0],
            json!({"role": "user", "content": "evidence"})
        );
        assert!(body.get("temperature").is_none());
    }

    #[test]
    fn the_key_and_the_api_version_are_headers_and_a_missing_key_is_said() {
        let key = SecretString::from("sk-ant-test".to_string());
        let headers = AnthropicMessages.headers(Some(&key)).unwrap();
        let names: Vec<&str> = headers
            .iter()
            .map(|header| match header {
                RequestHeader::Secret(name, value) => {
                    assert_eq!(secrecy::ExposeSecret::expose_secret(value), "sk-ant-test");
                    *name
                }
                RequestHeader::Plain(name, value) => {
                    assert_eq!(value, API_VERSION);
                    *name
                }
            })
            .collect();
        assert_eq!(names, ["x-api-key", "anthropic-version"]);
        assert!(matches!(
            AnthropicMessages.headers(None),
            Err(LlmError::MissingApiKey {
                variable: KEY_VARIABLE
            })
        ));
    }
}
