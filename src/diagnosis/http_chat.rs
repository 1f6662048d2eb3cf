//! The one way agentlab asks an LLM provider over HTTP: build the body, post it through the transport (retries,
//! typed errors), read the answer and its usage.
//!
//! What differs between providers is only their wire format: the endpoint, the headers that carry the key, the
//! request body and the shape of the response. Each provider file (`anthropic`, `openai`) describes that as a
//! [`WireFormat`]; [`HttpChat`] runs the exchange for any of them and is the [`StructuredChat`] the diagnoser
//! asks. Checking the answer and the one repair request are the diagnoser's (`llm`), the same for every provider.

use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::answer::AnswerContent;
use super::cost::TokenCounts;
use super::llm::{ChatAnswer, Conversation, Role, StructuredChat};
use super::schema::ResponseSchema;
use super::transport::{LlmError, RequestHeader, post_json};
use crate::http_retry::HttpRetryPolicy;

/// One provider's side of the exchange.
pub trait WireFormat: Send + Sync {
    /// The provider's name, as usage records and notes show it.
    fn provider(&self) -> &'static str;
    /// The environment variable of the provider's key, named when the provider refuses it.
    fn key_variable(&self) -> &'static str;
    /// The endpoint, appended to the base URL.
    fn path(&self) -> &'static str;
    /// The headers of a request, the key among them; `Err` when the provider needs a key and there is none.
    fn headers(&self, api_key: Option<&SecretString>) -> Result<Vec<RequestHeader>, LlmError>;
    /// The request body for `conversation`, asking for an answer shaped by `schema`.
    fn request_body(
        &self,
        model: &str,
        conversation: &Conversation,
        schema: &ResponseSchema,
    ) -> Value;
    /// The answer's content and token counts, read from the response body.
    fn parse_response(&self, body: &Value) -> Result<(AnswerContent, TokenCounts), LlmError>;
}

/// A model of one provider, reached over HTTP.
pub struct HttpChat<Wire> {
    pub client: reqwest::Client,
    pub base_url: String,
    pub model: String,
    pub api_key: Option<SecretString>,
    pub retry: HttpRetryPolicy,
    pub wire: Wire,
}

#[async_trait]
impl<Wire: WireFormat> StructuredChat for HttpChat<Wire> {
    fn provider(&self) -> &'static str {
        self.wire.provider()
    }

    fn model(&self) -> &str {
        &self.model
    }

    async fn ask(
        &self,
        conversation: &Conversation,
        schema: &ResponseSchema,
    ) -> Result<ChatAnswer, LlmError> {
        let headers = self.wire.headers(self.api_key.as_ref())?;
        let url = format!(
            "{}{}",
            self.base_url.trim_end_matches('/'),
            self.wire.path()
        );
        let body = self.wire.request_body(&self.model, conversation, schema);
        let answer = post_json(
            &self.client,
            &url,
            headers,
            &body,
            &self.retry,
            self.wire.key_variable(),
        )
        .await?;
        let (content, tokens) = self.wire.parse_response(&answer.body)?;
        Ok(ChatAnswer {
            content,
            tokens,
            latency_ms: answer.latency_ms,
        })
    }
}

/// The conversation's turns as `{role, content}` messages, the form both providers take.
pub fn turn_messages(conversation: &Conversation) -> impl Iterator<Item = Value> + '_ {
    conversation.turns.iter().map(|turn| {
        let role = match turn.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        json!({"role": role, "content": turn.text})
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::llm::Turn;

    #[test]
    fn turns_keep_their_order_and_roles() {
        let mut conversation = Conversation::new("system".into(), "evidence".into());
        conversation.turns.push(Turn {
            role: Role::Assistant,
            text: "{}".into(),
        });
        conversation.turns.push(Turn {
            role: Role::User,
            text: "repair".into(),
        });
        assert_eq!(
            turn_messages(&conversation).collect::<Vec<_>>(),
            vec![
                json!({"role": "user", "content": "evidence"}),
                json!({"role": "assistant", "content": "{}"}),
                json!({"role": "user", "content": "repair"}),
            ]
        );
    }
}
