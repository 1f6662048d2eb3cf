//! Servers and ports on loopback, always on port 0 so parallel tests never collide: a listener that accepts (what
//! the `reachable` check connects to), one that never answers (a hung proxy), and an address that refuses.

use tokio::net::TcpListener;

/// A loopback listener that accepts connections, and its port.
pub async fn listening_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    (listener, port)
}

/// A port that was free a moment ago, for a server started by another process.
pub fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind a loopback port")
        .port()
}

/// `http://127.0.0.1:PORT` where nothing listens any more: every connection is refused.
pub fn refused_url() -> String {
    format!("http://127.0.0.1:{}", free_loopback_port())
}

/// A server on loopback that accepts connections and never answers (a hung proxy, an overloaded API): its address,
/// and the task holding the connections open, to abort when the test is done.
pub async fn silent_server() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let silent = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = silent.local_addr().expect("local address");
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    (address, held)
}
