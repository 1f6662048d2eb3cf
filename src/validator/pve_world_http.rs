//! A deliberately tiny HTTP/1.1 server over a tokio `TcpListener`, enough to serve the Proxmox VE stand-in on
//! loopback: one request per connection (`Connection: close`), a request line, headers, a `Content-Length` body,
//! and a reply whose status line carries a free reason phrase (Proxmox VE puts its error messages there, which
//! general-purpose servers do not let a handler set).
//!
//! A handler may also decline to answer at all, to play a guest or node that hangs; such connections stay open
//! until the client gives up or the server is dropped.

use std::future::Future;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Requests with larger heads or bodies are answered 400: nothing the stand-in serves needs more.
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpRequest {
    pub method: String,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpReply {
    pub status: u16,
    pub reason: String,
    pub body: String,
}

/// Accepts connections until the returned future is dropped; each connection is served on its own task, and
/// those tasks end with it. `None` from the handler means: never answer this request.
pub(crate) async fn serve<Handler, Answer>(listener: TcpListener, handler: Handler)
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
        Err(why) => HttpReply {
            status: 400,
            reason: "Bad Request".into(),
            body: format!("{{\"data\":null,\"message\":\"{why}\"}}"),
        },
    };
    let _ = stream.write_all(&encode_reply(&reply)).await;
    let _ = stream.shutdown().await;
}

fn encode_reply(reply: &HttpReply) -> Vec<u8> {
    // A reason phrase cannot hold a line break; Proxmox VE messages sometimes end with one.
    let reason: String = reply
        .reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut bytes = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reason.trim(),
        reply.body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(reply.body.as_bytes());
    bytes
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
        let mut chunk = [0u8; 4096];
        let read = stream
            .read(&mut chunk)
            .await
            .map_err(|error| error.to_string())?;
        if read == 0 {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err("connection closed inside the request head".into())
            };
        }
        buffer.extend_from_slice(&chunk[..read]);
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
        let mut chunk = [0u8; 4096];
        let read = stream
            .read(&mut chunk)
            .await
            .map_err(|error| error.to_string())?;
        if read == 0 {
            return Err("connection closed inside the body".into());
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (target, None),
    };
    Ok(Some(HttpRequest {
        method: method.to_string(),
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
    fn a_reply_keeps_its_reason_on_one_line() {
        let reply = HttpReply {
            status: 595,
            reason: "no such cluster node\n".into(),
            body: "{\"data\":null}".into(),
        };
        let text = String::from_utf8(encode_reply(&reply)).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 595 no such cluster node\r\n"),
            "{text}"
        );
        assert!(text.ends_with("\r\n\r\n{\"data\":null}"), "{text}");
    }
}
