//! Serves the Proxmox VE stand-in on loopback for `scripts/bench`'s deploy timings: the sandbox's containers
//! (three by default: VMIDs 200–202, `sandbox-0`…`sandbox-2`) running on `pmx-01` at 127.0.0.1, plus a TCP
//! listener standing in for the guests' service port, so `agentlab deploy` of `sandbox-ok` validates green without
//! a real node.
//!
//! Usage: `pve_stand_in TOKEN [GUESTS]`. Prints `ENDPOINT PORT` on one line, then serves until it is killed.

use std::io::Write;
use std::process::ExitCode;

use agentlab::stand_in::proxmox::{NodeState, PveWorld, PveWorldServer, WorldGuest};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(token) = std::env::args().nth(1) else {
        eprintln!("usage: pve_stand_in TOKEN [GUESTS]");
        return ExitCode::from(2);
    };
    let mut world = PveWorld::new()
        .with_token(&token)
        .with_node("pmx-01", NodeState::Online);
    let guests = match std::env::args().nth(2).map(|count| count.parse::<u32>()) {
        None => 3,
        Some(Ok(count)) => count,
        Some(Err(_)) => {
            eprintln!("usage: pve_stand_in TOKEN [GUESTS]");
            return ExitCode::from(2);
        }
    };
    for index in 0..guests {
        world = world.with_guest(
            WorldGuest::container("pmx-01", 200 + index, "127.0.0.1/8")
                .named(&format!("sandbox-{index}")),
        );
    }
    let server = match PveWorldServer::start(world).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("pve_stand_in: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("pve_stand_in: cannot listen: {error}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener
        .local_addr()
        .map(|address| address.port())
        .unwrap_or(0);
    println!("{} {port}", server.endpoint());
    let _ = std::io::stdout().flush();
    loop {
        // Accepting is all the reachability check needs; the connection is dropped at once.
        if listener.accept().await.is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}
