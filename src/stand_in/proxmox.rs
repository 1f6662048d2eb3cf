//! A Proxmox VE stand-in served on loopback for tests, the eval and the demo: a world of nodes and guests
//! ([`PveWorld`], built in `proxmox_world`, answered in `proxmox_answers`) behind the shared loopback server.
//!
//! Callers describe a world as data, start it with [`PveWorldServer::start`], point the client at
//! [`PveWorldServer::endpoint`], and may change the world while it runs. Every request is recorded with its
//! `Authorization` header so tests can check what the client sent. Errors come back as Proxmox VE sends them:
//! `{"data": null}` with the reason in the HTTP status line (and, when asked, as `message` too).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::json;

use crate::stand_in::http::{HttpReply, HttpRequest, LoopbackServer};
pub use crate::stand_in::proxmox_world::{
    AgentState, InjectedFault, NodeState, PveWorld, WorldAuth, WorldGuest, WorldInterface,
};

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
}

/// A [`PveWorld`] served on `127.0.0.1` on a free port; it stops when dropped.
pub struct PveWorldServer {
    server: LoopbackServer,
    world: Arc<Mutex<PveWorld>>,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl PveWorldServer {
    pub async fn start(world: PveWorld) -> std::io::Result<Self> {
        let world = Arc::new(Mutex::new(world));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (shared_world, shared_requests) = (world.clone(), requests.clone());
        let handler = move |request: HttpRequest| {
            let (world, requests) = (shared_world.clone(), shared_requests.clone());
            async move { answer_request(&world, &requests, request) }
        };
        Ok(Self {
            server: LoopbackServer::start(handler).await?,
            world,
            requests,
        })
    }

    /// The endpoint as the bpg provider and `PROXMOX_VE_ENDPOINT` take it: `http://127.0.0.1:PORT/`.
    pub fn endpoint(&self) -> String {
        format!("{}/", self.server.url())
    }

    pub fn address(&self) -> SocketAddr {
        self.server.address()
    }

    /// The running world, to change it between requests.
    pub fn world(&self) -> MutexGuard<'_, PveWorld> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn answer_request(
    world: &Mutex<PveWorld>,
    requests: &Mutex<Vec<RecordedRequest>>,
    request: HttpRequest,
) -> Option<HttpReply> {
    let authorization = request.header("authorization").map(str::to_string);
    requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(RecordedRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            authorization: authorization.clone(),
        });
    let mut world = world.lock().unwrap_or_else(PoisonError::into_inner);
    let (status, reason, mut body) =
        world.answer(&request.method, &request.path, authorization.as_deref())?;
    if status >= 400 && world.message_in_body {
        if let Some(object) = body.as_object_mut() {
            object.insert("message".into(), json!(format!("{reason}\n")));
        }
    }
    Some(
        HttpReply::new(status, body.to_string())
            .with_reason(reason)
            .with_header("content-type", "application/json;charset=UTF-8"),
    )
}
