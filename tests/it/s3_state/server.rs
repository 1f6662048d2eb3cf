//! The S3-compatible store the remote-state tests run against: moto's `moto_server` (S3 + DynamoDB, installed into
//! `.tools/moto` by scripts/install-s3-stand-in) on a free loopback port, stopped when the test ends; plain HTTP
//! calls to create the bucket and the lock table and to read what Terraform left there; and a loopback switch in
//! front of it that can make the store unreachable (connections refused) and bring it back with its data, the way
//! a NAS drops off the network.
//!
//! moto does not check signatures, so the calls carry an `Authorization` header only to name the service (S3 or
//! DynamoDB) and the region, as a signed request would.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// The lock table every S3 test project names (`dynamodb_table`).
pub const LOCK_TABLE: &str = "tf-locks";
/// The state bucket every S3 test project names.
pub const BUCKET: &str = "tfstate";

fn moto_server_binary() -> PathBuf {
    let binary = std::env::var_os("AGENTLAB_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/moto/bin/moto_server")
        });
    assert!(
        binary.is_file(),
        "moto_server not found at {}: run scripts/install-s3-stand-in first",
        binary.display()
    );
    binary
}

/// A free port on 127.0.0.1 (the listener is closed again, so another process can take it).
fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// A running `moto_server`, killed when dropped.
pub struct MotoServer {
    child: Child,
    port: u16,
    http: reqwest::Client,
}

impl MotoServer {
    /// Starts the server on a free loopback port and waits until it answers.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// [`MotoServer::start`] with moto settings in its environment.
    async fn start_with(environment: &[(&str, &str)]) -> Self {
        let binary = moto_server_binary();
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_loopback_port();
            let child = Command::new(&binary)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .envs(environment.iter().copied())
                .spawn()
                .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
            let mut server = Self {
                child,
                port,
                http: reqwest::Client::builder()
                    .no_proxy()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .expect("HTTP client"),
            };
            match server.wait_until_ready().await {
                Ok(()) => return server,
                Err(error) => last_error = error,
            }
        }
        panic!("moto_server did not start: {last_error}");
    }

    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("moto_server exited with {status}"));
            }
            // A TCP connection, not a request: moto counts requests when it lets the first ones through unchecked.
            if TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("no answer within 30 s".into())
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn authorization(service: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, \
             SignedHeaders=host, Signature=0"
        )
    }

    /// Sends a signed S3 request for `path` below the endpoint (`/BUCKET` or `/BUCKET/KEY`).
    async fn s3(&self, method: reqwest::Method, path: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .request(method, format!("{}{path}", self.endpoint()))
            .header("authorization", Self::authorization("s3"))
            .send()
            .await
    }

    pub async fn create_bucket(&self, bucket: &str) {
        let response = self
            .s3(reqwest::Method::PUT, &format!("/{bucket}"))
            .await
            .expect("create bucket");
        assert!(response.status().is_success(), "{response:?}");
    }

    async fn dynamodb(&self, operation: &str, body: serde_json::Value) -> serde_json::Value {
        let response = self
            .http
            .post(self.endpoint())
            .header("authorization", Self::authorization("dynamodb"))
            .header("x-amz-target", format!("DynamoDB_20120810.{operation}"))
            .header("content-type", "application/x-amz-json-1.0")
            .body(body.to_string())
            .send()
            .await
            .expect("DynamoDB call");
        let status = response.status();
        let text = response.text().await.expect("DynamoDB answer");
        assert!(status.is_success(), "{operation}: {status} {text}");
        serde_json::from_str(&text).expect("DynamoDB answers JSON")
    }

    /// The lock table Terraform's S3 backend expects: partition key `LockID`, a string.
    pub async fn create_lock_table(&self, table: &str) {
        self.dynamodb(
            "CreateTable",
            serde_json::json!({
                "TableName": table,
                "AttributeDefinitions": [{"AttributeName": "LockID", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "LockID", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            }),
        )
        .await;
    }

    /// The lock infos held in `table` right now (the `Info` JSON of each lock; digest items are left out).
    pub async fn held_locks(&self, table: &str) -> Vec<serde_json::Value> {
        let answer = self
            .dynamodb("Scan", serde_json::json!({ "TableName": table }))
            .await;
        answer["Items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["Info"]["S"].as_str())
            .map(|info| serde_json::from_str(info).expect("lock info is JSON"))
            .collect()
    }

    /// The object at `key` in `bucket`, `None` when there is none.
    pub async fn object(&self, bucket: &str, key: &str) -> Option<String> {
        let response = self
            .s3(reqwest::Method::GET, &format!("/{bucket}/{key}"))
            .await
            .expect("get object");
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return None;
        }
        assert!(response.status().is_success(), "{response:?}");
        Some(response.text().await.expect("object body"))
    }

    /// The Terraform state at `key`, parsed.
    pub async fn state(&self, key: &str) -> Option<serde_json::Value> {
        self.object(BUCKET, key)
            .await
            .map(|text| serde_json::from_str(&text).expect("the state object is JSON"))
    }

    /// A server with the bucket and the lock table that then checks credentials like a real store: moto lets
    /// the first two requests (the bucket, the table) through, then answers every request whose access key no
    /// IAM user of its own holds with 403 `InvalidAccessKeyId`, as MinIO does for an unknown key.
    pub async fn ready_checking_credentials() -> Self {
        let server = Self::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "2")]).await;
        server.create_bucket(BUCKET).await;
        server.create_lock_table(LOCK_TABLE).await;
        server
    }

    /// A server with the bucket and the lock table, ready for Terraform.
    pub async fn ready() -> Self {
        let server = Self::start().await;
        server.create_bucket(BUCKET).await;
        server.create_lock_table(LOCK_TABLE).await;
        server
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback TCP switch in front of a server: Terraform talks to the switch's port; `go_offline` closes it (new
/// connections are refused, open ones are cut) and `go_online` opens the same port again.
pub struct LoopbackSwitch {
    port: u16,
    target: u16,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl LoopbackSwitch {
    pub async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("listener");
        let port = listener.local_addr().expect("address").port();
        let switch = Self {
            port,
            target,
            tasks: Arc::default(),
        };
        switch.serve(listener);
        switch
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn serve(&self, listener: TcpListener) {
        let tasks = Arc::clone(&self.tasks);
        let target = self.target;
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let connection = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", target)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().expect("tasks").push(connection.abort_handle());
            }
        });
        self.tasks
            .lock()
            .expect("tasks")
            .push(accept.abort_handle());
    }

    /// The store drops off the network: the port refuses connections and open connections are cut.
    pub async fn go_offline(&self) {
        for task in self.tasks.lock().expect("tasks").drain(..) {
            task.abort();
        }
        // Aborting drops the listener at the task's next poll; wait until the port really refuses.
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
            assert!(Instant::now() < deadline, "the switch still accepts");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The store is back on the same address.
    pub async fn go_online(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("the switch's port is free again");
        self.serve(listener);
    }
}

impl Drop for LoopbackSwitch {
    fn drop(&mut self) {
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.drain(..).for_each(|task| task.abort());
        }
    }
}
