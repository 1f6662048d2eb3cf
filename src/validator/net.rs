//! The `reachable` check's one network act: open a TCP connection to a guest's address and port, within a time
//! limit, and say plainly what happened.
//!
//! The connection is closed as soon as it is made; nothing is sent. A refused connection and one that never
//! answers mean different things to the person reading the evidence (a service down versus a firewall or a wrong
//! address), so they stay apart.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpStream;

/// Why a TCP connection did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReachError {
    #[error(
        "{address}: connection refused (nothing listens on the port, or a firewall rejects it)"
    )]
    Refused { address: SocketAddr },
    #[error(
        "{address}: no connection within {timeout_ms} ms (guest down, wrong address or dropped by a firewall)"
    )]
    TimedOut {
        address: SocketAddr,
        timeout_ms: u128,
    },
    #[error("{address}: {why}")]
    Other { address: SocketAddr, why: String },
}

/// Connects to `ip:port` and closes the connection again; an error says why it failed.
pub async fn connect_tcp(ip: IpAddr, port: u16, timeout: Duration) -> Result<(), ReachError> {
    let address = SocketAddr::new(ip, port);
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Ok(Ok(stream)) => {
            drop(stream);
            Ok(())
        }
        Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(ReachError::Refused { address })
        }
        Ok(Err(error)) => Err(ReachError::Other {
            address,
            why: error.to_string(),
        }),
        Err(_) => Err(ReachError::TimedOut {
            address,
            timeout_ms: timeout.as_millis(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[tokio::test]
    async fn a_listening_port_is_reachable() {
        let listener = tokio::net::TcpListener::bind((LOOPBACK, 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        assert_eq!(
            connect_tcp(LOOPBACK, port, Duration::from_secs(5)).await,
            Ok(())
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_refused_with_the_address_in_the_message() {
        let listener = tokio::net::TcpListener::bind((LOOPBACK, 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let error = connect_tcp(LOOPBACK, port, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(matches!(error, ReachError::Refused { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("127.0.0.1:{port}: connection refused"))
        );
    }
}
