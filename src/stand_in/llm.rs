//! A scripted LLM API for tests: the shared loopback server answering each request with the next scripted
//! response (the documented Anthropic and OpenAI bodies, errors, 429s with `retry-after`) and recording every
//! request so a test can count calls and search bodies for canary secrets.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::contracts::Hypothesis;
use crate::diagnosis::answer::HYPOTHESIS_TOOL_NAME;
use crate::stand_in::http::{HttpReply, HttpRequest, LoopbackServer};

/// One request as received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl ScriptedResponse {
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A Messages API answer whose forced tool call carries `input`.
    pub fn anthropic_tool_use(input: &Value, input_tokens: u64, output_tokens: u64) -> Self {
        Self::json(
            200,
            &json!({
                "id": "msg_stand_in", "type": "message", "role": "assistant", "model": "stand-in",
                "content": [{"type": "tool_use", "id": "toolu_stand_in", "name": HYPOTHESIS_TOOL_NAME, "input": input}],
                "stop_reason": "tool_use", "stop_sequence": null,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                          "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
            }),
        )
    }

    pub fn anthropic_hypothesis(
        hypothesis: &Hypothesis,
        input_tokens: u64,
        output_tokens: u64,
    ) -> Self {
        Self::anthropic_tool_use(
            &serde_json::to_value(hypothesis).unwrap_or(Value::Null),
            input_tokens,
            output_tokens,
        )
    }

    /// Anthropic's error body: `{type: "error", error: {type, message}}`.
    pub fn anthropic_error(status: u16, kind: &str, message: &str) -> Self {
        Self::json(
            status,
            &json!({"type": "error", "error": {"type": kind, "message": message}}),
        )
    }

    /// A chat completion whose message content is `content` (a JSON string when a schema was asked for).
    pub fn openai_content(content: &str, prompt_tokens: u64, completion_tokens: u64) -> Self {
        Self::json(
            200,
            &json!({
                "id": "chatcmpl-stand-in", "object": "chat.completion", "created": 1_700_000_000, "model": "stand-in",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": null}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens}
            }),
        )
    }

    /// OpenAI's error body: `{error: {message, type, code}}`.
    pub fn openai_error(status: u16, kind: &str, code: &str, message: &str) -> Self {
        Self::json(
            status,
            &json!({"error": {"message": message, "type": kind, "param": null, "code": code}}),
        )
    }
}

/// A running stand-in. Dropping it stops the server.
pub struct LlmStandIn {
    server: LoopbackServer,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl LlmStandIn {
    /// Starts serving `script` in order. Requests past the end of the script get a 500 that says so, so that an
    /// unexpected extra call fails the test that made it.
    pub async fn start(script: Vec<ScriptedResponse>) -> std::io::Result<Self> {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let recorded = Arc::clone(&requests);
        let handler = move |request: HttpRequest| {
            let reply = answer(&recorded, &script, request);
            async move { Some(reply) }
        };
        Ok(Self {
            server: LoopbackServer::start(handler).await?,
            requests,
        })
    }

    /// `http://127.0.0.1:PORT` — the Anthropic base URL; OpenAI-style clients take [`LlmStandIn::openai_base_url`].
    pub fn base_url(&self) -> String {
        self.server.url()
    }

    pub fn openai_base_url(&self) -> String {
        format!("{}/v1", self.server.url())
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Records `request` and pops the next scripted response for it.
fn answer(
    recorded: &Mutex<Vec<RecordedRequest>>,
    script: &Mutex<VecDeque<ScriptedResponse>>,
    request: HttpRequest,
) -> HttpReply {
    let body = request.body_text();
    if let Ok(mut all) = recorded.lock() {
        all.push(RecordedRequest {
            method: request.method,
            path: request.target,
            headers: request.headers,
            body,
        });
    }
    let response = script
        .lock()
        .ok()
        .and_then(|mut queue| queue.pop_front())
        .unwrap_or_else(|| {
            ScriptedResponse::json(
                500,
                &json!({"error": {"message": "the LLM stand-in has no scripted response left"}}),
            )
        });
    let mut reply = HttpReply::new(response.status, response.body);
    reply.headers = response.headers;
    reply
}
