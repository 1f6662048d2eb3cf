//! A scripted LLM server for tests and the eval harness: a small HTTP/1.1 server on 127.0.0.1 that answers each
//! request with the next scripted response (the documented Anthropic and OpenAI bodies, errors, 429s with
//! `retry-after`) and records every request so a test can count calls and search bodies for canary secrets.
//!
//! It is deliberately minimal — one request per connection, `content-length` bodies only — which is all that
//! reqwest sends for a JSON POST.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::contracts::Hypothesis;

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
                "content": [{"type": "tool_use", "id": "toolu_stand_in", "name": super::answer::HYPOTHESIS_TOOL_NAME, "input": input}],
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
    address: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    task: JoinHandle<()>,
}

impl LlmStandIn {
    /// Starts serving `script` in order. Requests past the end of the script get a 500 that says so, so that an
    /// unexpected extra call fails the test that made it.
    pub async fn start(script: Vec<ScriptedResponse>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(std::collections::VecDeque::from(script)));
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = Arc::clone(&recorded);
                let script = Arc::clone(&script);
                tokio::spawn(async move {
                    let _ = serve_one(stream, recorded, script).await;
                });
            }
        });
        Ok(Self {
            address,
            requests,
            task,
        })
    }

    /// `http://127.0.0.1:PORT` — the Anthropic base URL; OpenAI-style clients take [`LlmStandIn::openai_base_url`].
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn openai_base_url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for LlmStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Script = Arc<Mutex<std::collections::VecDeque<ScriptedResponse>>>;

async fn serve_one(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<RecordedRequest>>>,
    script: Script,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let end = buffer.len().min(header_end + length);
    let body = String::from_utf8_lossy(&buffer[header_end..end]).into_owned();
    if let Ok(mut all) = recorded.lock() {
        all.push(RecordedRequest {
            method,
            path,
            headers,
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
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        response.body.len()
    ));
    out.push_str(&response.body);
    stream.write_all(out.as_bytes()).await?;
    stream.shutdown().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        529 => "Overloaded",
        _ => "Status",
    }
}
