//! OpenAI-compatible chat completions (`POST {base}/chat/completions`) with a `json_schema` response format:
//! OpenAI itself, Ollama, vLLM, llama.cpp's server and LiteLLM all speak it.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::answer::{AnswerContent, HYPOTHESIS_TOOL_NAME};
use super::cost::TokenCounts;
use super::http_chat::{HttpChat, WireFormat, turn_messages};
use super::llm::Conversation;
use super::schema::{ResponseSchema, SchemaDialect, for_dialect};
use super::transport::{LlmError, RequestHeader};

pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";
pub const OLLAMA_BASE_URL: &str = "http://localhost:11434/v1";
pub const KEY_VARIABLE: &str = "OPENAI_API_KEY";

const MAX_TOKENS: u32 = 800;

/// Which flavour of the API: OpenAI's own models take `max_completion_tokens` and may refuse `temperature`;
/// local servers take the older `max_tokens` and a fixed temperature and seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    OpenAi,
    Ollama,
    Compatible,
}

/// The chat completions wire format, in one of its dialects.
pub struct ChatCompletions {
    pub dialect: Dialect,
}

/// A model behind an OpenAI-compatible chat completions endpoint.
pub type OpenAiChat = HttpChat<ChatCompletions>;

pub fn request_body(
    model: &str,
    dialect: Dialect,
    conversation: &Conversation,
    schema: &ResponseSchema,
) -> Value {
    let mut messages = vec![json!({"role": "system", "content": conversation.system})];
    messages.extend(turn_messages(conversation));
    // OpenAI itself takes only its strict subset; Ollama plain JSON Schema, ranges included; llama.cpp's server and
    // the other compatible servers one branch per category, so the grammar a local model decodes under cannot pair
    // a category with a remediation the policy refuses.
    let schema = match dialect {
        Dialect::OpenAi => for_dialect(schema, SchemaDialect::OpenAiStrict),
        Dialect::Ollama => for_dialect(schema, SchemaDialect::PlainJsonSchema),
        Dialect::Compatible => for_dialect(schema, SchemaDialect::PerCategoryBranches),
    };
    let mut body = json!({
        "model": model,
        "messages": messages,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": HYPOTHESIS_TOOL_NAME, "schema": schema, "strict": true},
        },
    });
    match dialect {
        Dialect::OpenAi => {
            body["max_completion_tokens"] = json!(MAX_TOKENS);
        }
        Dialect::Ollama | Dialect::Compatible => {
            body["max_tokens"] = json!(MAX_TOKENS);
            body["temperature"] = json!(0);
            body["seed"] = json!(0);
        }
    }
    body
}

/// Reads a chat completion: the message content (a JSON string) or the first tool call's arguments; and the
/// usage, with cached prompt tokens taken out of the input count.
pub fn parse_response(body: &Value) -> Result<(AnswerContent, TokenCounts), LlmError> {
    let invalid = |message: &str| LlmError::InvalidResponse {
        message: message.to_string(),
    };
    let message = body
        .pointer("/choices/0/message")
        .ok_or_else(|| invalid("no `choices[0].message`"))?;
    let text = match message.get("content").and_then(Value::as_str) {
        Some(content) if !content.trim().is_empty() => content.to_string(),
        _ => match message
            .pointer("/tool_calls/0/function/arguments")
            .and_then(Value::as_str)
        {
            Some(arguments) => arguments.to_string(),
            None => match message.get("refusal").and_then(Value::as_str) {
                Some(refusal) => format!("(the model refused: {refusal})"),
                None => String::new(),
            },
        },
    };
    // A valid answer without a usage block is kept; its tokens and cost are recorded as unknown.
    let Some(usage) = body.get("usage") else {
        return Ok((
            AnswerContent::Text(text),
            TokenCounts {
                unreported: true,
                ..TokenCounts::default()
            },
        ));
    };
    let prompt = usage
        .get("prompt_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let cached = usage
        .pointer("/prompt_tokens_details/cached_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Ok((
        AnswerContent::Text(text),
        TokenCounts {
            input: prompt.saturating_sub(cached),
            output: usage
                .get("completion_tokens")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            cache_read: cached,
            cache_write: 0,
            unreported: false,
        },
    ))
}

impl WireFormat for ChatCompletions {
    fn provider(&self) -> &'static str {
        match self.dialect {
            Dialect::OpenAi => "openai",
            Dialect::Ollama => "ollama",
            Dialect::Compatible => "openai-compatible",
        }
    }

    fn key_variable(&self) -> &'static str {
        KEY_VARIABLE
    }

    fn path(&self) -> &'static str {
        "/chat/completions"
    }

    fn headers(&self, api_key: Option<&SecretString>) -> Result<Vec<RequestHeader>, LlmError> {
        let api_key = match (api_key, self.dialect) {
            (Some(key), _) => Some(key.clone()),
            (None, Dialect::OpenAi) => {
                return Err(LlmError::MissingApiKey {
                    variable: KEY_VARIABLE,
                });
            }
            // Ollama and most local servers want some bearer string and ignore it.
            (None, Dialect::Ollama) => Some(SecretString::from("ollama")),
            (None, Dialect::Compatible) => None,
        };
        Ok(api_key
            .map(|key| {
                RequestHeader::Secret(
                    "authorization",
                    SecretString::from(format!("Bearer {}", key.expose_secret())),
                )
            })
            .into_iter()
            .collect())
    }

    fn request_body(
        &self,
        model: &str,
        conversation: &Conversation,
        schema: &ResponseSchema,
    ) -> Value {
        request_body(model, self.dialect, conversation, schema)
    }

    fn parse_response(&self, body: &Value) -> Result<(AnswerContent, TokenCounts), LlmError> {
        parse_response(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_response_gives_content_and_usage_without_cached_tokens() {
        // Shape of a chat completion (platform.openai.com, "Structured Outputs").
        let body = json!({
            "id": "chatcmpl-abc123", "object": "chat.completion", "created": 1_700_000_000, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "{\"category\":\"network\"}", "refusal": null},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1200, "completion_tokens": 80, "total_tokens": 1280,
                      "prompt_tokens_details": {"cached_tokens": 1024}}
        });
        let (content, tokens) = parse_response(&body).unwrap();
        assert_eq!(
            content,
            AnswerContent::Text("{\"category\":\"network\"}".into())
        );
        assert_eq!(
            tokens,
            TokenCounts {
                input: 176,
                output: 80,
                cache_read: 1024,
                cache_write: 0,
                unreported: false
            }
        );
    }

    #[test]
    fn tool_call_arguments_are_read_when_content_is_empty() {
        let body = json!({
            "choices": [{"message": {"role": "assistant", "content": null,
                "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "x", "arguments": "{\"a\":1}"}}]}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        });
        assert_eq!(
            parse_response(&body).unwrap().0,
            AnswerContent::Text("{\"a\":1}".into())
        );
    }

    #[test]
    fn the_worst_case_budget_check_covers_the_output_this_format_asks_for() {
        assert!(u64::from(MAX_TOKENS) <= crate::diagnosis::llm::WORST_CASE_OUTPUT_TOKENS);
    }

    #[test]
    fn an_answer_without_usage_is_kept_with_its_usage_unknown() {
        let body = json!({"choices": [{"message": {"role": "assistant", "content": "{\"a\":1}"}}]});
        let (content, tokens) = parse_response(&body).unwrap();
        assert_eq!(content, AnswerContent::Text("{\"a\":1}".into()));
        assert!(tokens.unreported);
        assert_eq!((tokens.input, tokens.output), (0, 0));
        let anthropic = json!({"content": [{"type": "tool_use", "name": "report_hypothesis", "input": {"a": 1}}]});
        let (_, tokens) = super::super::anthropic::parse_response(&anthropic).unwrap();
        assert!(tokens.unreported);
    }

    #[test]
    fn the_request_carries_a_strict_json_schema_and_the_dialects_token_limit() {
        let conversation = Conversation::new("sys".into(), "evidence".into());
        let schema = ResponseSchema::new(
            &["E1".into()],
            &crate::planner::category_policy::CategoryTable::STRICT,
        );
        let openai = request_body("gpt-4o-mini", Dialect::OpenAi, &conversation, &schema);
        assert_eq!(
            openai["response_format"]["json_schema"]["strict"],
            json!(true)
        );
        assert_eq!(
            openai["response_format"]["json_schema"]["name"],
            HYPOTHESIS_TOOL_NAME
        );
        assert_eq!(openai["messages"][0]["role"], "system");
        assert!(
            openai.get("max_completion_tokens").is_some() && openai.get("temperature").is_none()
        );
        let ollama = request_body(
            "qwen2.5-coder:1.5b",
            Dialect::Ollama,
            &conversation,
            &schema,
        );
        assert!(ollama.get("max_tokens").is_some() && ollama["temperature"] == json!(0));
        let compatible = request_body("qwen", Dialect::Compatible, &conversation, &schema);
        let sent = &compatible["response_format"]["json_schema"]["schema"];
        assert_eq!(
            sent["anyOf"].as_array().map(Vec::len),
            Some(crate::contracts::Category::ALL.len()),
            "a compatible server gets one branch per category"
        );
        let ollama = request_body("qwen", Dialect::Ollama, &conversation, &schema);
        assert_eq!(
            ollama["response_format"]["json_schema"]["schema"],
            schema.plain
        );
    }

    #[test]
    fn the_key_goes_in_a_bearer_header_as_each_dialect_needs() {
        let key = SecretString::from("sk-test".to_string());
        // (dialect, key given) → the authorization header's value, or the missing key's variable
        let check =
            |dialect: Dialect, key: Option<&SecretString>, expected: Result<Option<&str>, &str>| {
                let bearer = ChatCompletions { dialect }.headers(key).map(|headers| {
                    headers.iter().find_map(|header| match header {
                        RequestHeader::Secret("authorization", value) => {
                            Some(value.expose_secret().to_string())
                        }
                        _ => None,
                    })
                });
                let bearer = match &bearer {
                    Ok(value) => Ok(value.as_deref()),
                    Err(LlmError::MissingApiKey { variable }) => Err(*variable),
                    Err(other) => panic!("{dialect:?}: {other}"),
                };
                assert_eq!(bearer, expected, "{dialect:?}");
            };
        check(Dialect::OpenAi, Some(&key), Ok(Some("Bearer sk-test")));
        check(Dialect::OpenAi, None, Err(KEY_VARIABLE));
        check(Dialect::Ollama, Some(&key), Ok(Some("Bearer sk-test")));
        check(Dialect::Ollama, None, Ok(Some("Bearer ollama")));
        check(Dialect::Compatible, Some(&key), Ok(Some("Bearer sk-test")));
        check(Dialect::Compatible, None, Ok(None));
        assert_eq!(
            ChatCompletions {
                dialect: Dialect::Compatible
            }
            .provider(),
            "openai-compatible"
        );
    }
}
