//! The one small HTTP/1.1 server every stand-in is served with: the Proxmox VE world, the scripted LLM APIs and,
//! in tests/it, the GitHub stand-in behind Prism. Each brings only its routing, a closure from an [`HttpRequest`]
//! to an [`HttpReply`]; the wire format lives here once.
//!
//! It is deliberately tiny: `127.0.0.1` on a free port, one request per connection (`connection: close`), a
//! request line, headers and a `Content-Length` body, and one reply whose status line carries a free reason phrase
//! (Proxmox VE puts its error messages there, which general-purpose servers do not let a handler set). A handler
//! may take its time (a slow API) or decline to answer at all (`None`: a hung node daemon, a silent proxy); such
//! connections stay open until the client gives up or the server is dropped, which closes every connection.

use std::future::Future;
use std::net::SocketAddr;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Requests with larger heads or bodies are answered 400: nothing a stand-in serves needs more.
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// One request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// The request target as sent: the path and, when there is one, `?` and the query.
    pub target: String,
    /// The path as sent (still percent-encoded), without the query.
    pub path: String,
    pub query: Option<String>,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as text; bytes that are not UTF-8 become U+FFFD.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One reply. `content-length` and `connection: close` are added when it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    /// The status line's reason phrase; line breaks become spaces on the wire.
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpReply {
    /// A reply with the usual reason phrase for `status` and no headers yet.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            reason: standard_reason(status).to_string(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The reason phrase servers usually send with `status`; `Status` for codes the stand-ins have no name for.
pub fn standard_reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        529 => "Overloaded",
        _ => "Status",
    }
}

/// A server on `127.0.0.1` on a free port, answering with a handler until it is dropped; dropping it also closes
/// the connections it holds open.
pub struct LoopbackServer {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl LoopbackServer {
    /// Binds a free loopback port and serves every connection on its own task with `handler`; `None` from the
    /// handler means: never answer this request.
    pub async fn start<Handler, Answer>(handler: Handler) -> std::io::Result<Self>
    where
        Handler: Fn(HttpRequest) -> Answer + Clone + Send + Sync + 'static,
        Answer: Future<Output = Option<HttpReply>> + Send + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let task = tokio::spawn(serve(listener, handler));
        Ok(Self { address, task })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections until the future is dropped; each connection is served on its own task, and those tasks
/// end with it.
async fn serve<Handler, Answer>(listener: TcpListener, handler: Handler)
where
    Handler: Fn(HttpRequest) -> Answer + Clone + Send + Sync + 'static,
    Answer: Future<Output = Option<HttpReply>> + Send + 'static,
{
    let mut connections = JoinSet::new();
    loop {
        // Reap finished connections as we go so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, typically: wait a little instead of spinning.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
        };
        let handler = handler.clone();
        connections.spawn(async move {
            serve_connection(stream, handler).await;
        });
    }
}

async fn serve_connection<Handler, Answer>(mut stream: TcpStream, handler: Handler)
where
    Handler: Fn(HttpRequest) -> Answer,
    Answer: Future<Output = Option<HttpReply>>,
{
    let reply = match read_request(&mut stream).await {
        Ok(Some(request)) => match handler(request).await {
            Some(reply) => reply,
            None => return std::future::pending().await,
        },
        Ok(None) => return,
        Err(why) => HttpReply::new(400, json!({"data": null, "message": why}).to_string())
            .with_header("content-type", "application/json"),
    };
    let _ = stream.write_all(&encode_reply(&reply)).await;
    let _ = stream.shutdown().await;
}

/// A status line or header cannot hold a line break (Proxmox VE messages sometimes end with one).
fn one_line(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.trim().to_string()
}

fn encode_reply(reply: &HttpReply) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, one_line(&reply.reason));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{}: {}\r\n", one_line(name), one_line(value)));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        reply.body.len()
    ));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(reply.body.as_bytes());
    bytes
}

/// Reads what the client has sent next (at most 4 KiB) onto `buffer`; 0 when the client closed the connection.
async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<usize, String> {
    let mut chunk = [0u8; 4096];
    let read = stream
        .read(&mut chunk)
        .await
        .map_err(|error| error.to_string())?;
    buffer.extend_from_slice(&chunk[..read]);
    Ok(read)
}

/// Reads one request; `Ok(None)` when the client closed the connection without sending one.
async fn read_request(stream: &mut TcpStream) -> Result<Option<HttpRequest>, String> {
    let mut buffer = Vec::with_capacity(1024);
    let head_end = loop {
        if let Some(position) = find(&buffer, b"\r\n\r\n") {
            break position;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Err("request head too large".into());
        }
        if read_more(stream, &mut buffer).await? == 0 {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err("connection closed inside the request head".into())
            };
        }
    };
    let head = std::str::from_utf8(&buffer[..head_end]).map_err(|_| "request head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("malformed request line `{request_line}`"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("unsupported version `{version}`"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("malformed header line `{line}`"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let length = match headers.iter().find(|(name, _)| name == "content-length") {
        None => 0,
        Some((_, value)) => value
            .parse::<usize>()
            .map_err(|_| format!("bad Content-Length `{value}`"))?,
    };
    if length > MAX_BODY_BYTES {
        return Err("request body too large".into());
    }
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        if read_more(stream, &mut body).await? == 0 {
            return Err("connection closed inside the body".into());
        }
    }
    body.truncate(length);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (target, None),
    };
    Ok(Some(HttpRequest {
        method: method.to_string(),
        target: target.to_string(),
        path: path.to_string(),
        query,
        headers,
        body,
    }))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_plain_text_and_decodes_escapes() {
        assert_eq!(percent_decode("/nodes/pmx-01"), "/nodes/pmx-01");
        assert_eq!(percent_decode("/nodes/a%2Fb"), "/nodes/a/b");
        assert_eq!(percent_decode("/bad%zz"), "/bad%zz");
    }

    #[test]
    fn a_reply_keeps_its_reason_and_headers_on_one_line_each() {
        let reply = HttpReply::new(595, "{\"data\":null}")
            .with_reason("no such cluster node\n")
            .with_header("retry-after", "3\r\nx-injected: 1");
        let text = String::from_utf8(encode_reply(&reply)).unwrap();
        assert!(
            text.starts_with(
                "HTTP/1.1 595 no such cluster node\r\nretry-after: 3  x-injected: 1\r\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("content-length: 13\r\nconnection: close\r\n\r\n{\"data\":null}"),
            "{text}"
        );
    }

    #[test]
    fn standard_reasons_name_the_common_statuses_and_fall_back_to_status() {
        assert_eq!(HttpReply::new(429, "").reason, "Too Many Requests");
        assert_eq!(standard_reason(201), "Created");
        assert_eq!(standard_reason(599), "Status");
    }

    async fn exchange(server: &LoopbackServer, request: &str) -> String {
        let mut stream = TcpStream::connect(server.address()).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    #[tokio::test]
    async fn the_handler_sees_the_request_and_its_reply_goes_back_whole() {
        let server = LoopbackServer::start(|request: HttpRequest| async move {
            let echo = format!(
                "{} {} {:?} {:?} {}",
                request.method,
                request.target,
                request.query,
                request.header("X-Probe"),
                request.body_text()
            );
            Some(HttpReply::new(201, echo).with_header("x-seen", request.path))
        })
        .await
        .unwrap();
        let answer = exchange(
            &server,
            "POST /a%2Fb?page=2 HTTP/1.1\r\nX-Probe: yes\r\nContent-Length: 5\r\n\r\nhello",
        )
        .await;
        assert!(
            answer.starts_with("HTTP/1.1 201 Created\r\nx-seen: /a%2Fb\r\n"),
            "{answer}"
        );
        assert!(
            answer.ends_with("\r\n\r\nPOST /a%2Fb?page=2 Some(\"page=2\") Some(\"yes\") hello"),
            "{answer}"
        );
    }

    #[tokio::test]
    async fn a_malformed_request_gets_400_and_a_declined_one_no_answer() {
        let server = LoopbackServer::start(|request: HttpRequest| async move {
            (request.path != "/silent").then(|| HttpReply::new(200, "{}"))
        })
        .await
        .unwrap();
        let answer = exchange(&server, "NONSENSE\r\n\r\n").await;
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
        let mut stream = TcpStream::connect(server.address()).await.unwrap();
        stream
            .write_all(b"GET /silent HTTP/1.1\r\n\r\n")
            .await
            .unwrap();
        let mut byte = [0u8; 1];
        let waited = tokio::time::timeout(
            std::time::Duration::from_millis(200),
            stream.read(&mut byte),
        )
        .await;
        assert!(waited.is_err(), "a declined request must not be answered");
        drop(server);
        let closed =
            tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut byte))
                .await
                .expect("dropping the server closes its connections");
        assert!(matches!(closed, Ok(0) | Err(_)), "{closed:?}");
    }
}
