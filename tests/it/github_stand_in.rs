//! A stand-in for GitHub's REST API, kept honest by GitHub's own OpenAPI description.
//!
//! The recording server below keeps issues, comments and pull requests in memory and answers the operations
//! agentlab uses, building every answer from the example objects in GitHub's description (so the shapes are
//! GitHub's, not ours). What agentlab creates is authored by [`BOT_LOGIN`], the workflow token's account, as on
//! GitHub; what a test plants as someone else keeps the examples' `octocat`. It sits behind `prism proxy --errors`, which checks every request agentlab sends and every
//! response this server returns against the description; the tests read Prism's log and fail on any violation.
//! Install Prism and the trimmed description with `scripts/install-github-stand-in`.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentlab::stand_in::http::{HttpReply, HttpRequest, LoopbackServer};
use serde_json::{Value, json};
use tokio::net::TcpStream;

pub const OWNER_REPO: &str = "Codertocat/Hello-World";
pub const TOKEN: &str = "ghs_standInTokenForTests0000000000000000";
/// The account GitHub shows as the author of what the workflow's token creates.
pub const BOT_LOGIN: &str = "github-actions[bot]";

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

/// A scripted answer, served instead of the real one to the next matching request.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub method: &'static str,
    pub path_contains: &'static str,
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    /// The request is carried out first, as GitHub does before a gateway error or a lost answer: with a 2xx
    /// `status` the real answer is served, otherwise `status` with an error body.
    pub processed: bool,
    /// How long to hold the answer back: longer than agentlab's request timeout makes the answer lost.
    pub delay: Duration,
}

#[derive(Debug, Default)]
pub struct State {
    pub requests: Vec<Recorded>,
    /// Issue number → (issue JSON, its comments).
    pub issues: Vec<(Value, Vec<Value>)>,
    pub next_id: u64,
    /// Files the pull request files API lists.
    pub pull_request_files: Vec<String>,
    /// The commits-to-pulls endpoint lists no pull request for any commit: every push is a direct push.
    pub direct_pushes: bool,
    /// Bodies longer than this are refused with GitHub's 422 "body is too long".
    pub max_body_chars: usize,
    pub scripted: VecDeque<Scripted>,
    /// Set by a scripted answer with a delay; the server waits this long before answering.
    pub pending_delay: Duration,
}

pub struct StandIn {
    pub state: Arc<Mutex<State>>,
    /// Prism's address: what agentlab's `GITHUB_API_URL` points at.
    pub api_url: String,
    prism: Child,
    prism_log: PathBuf,
    /// The recording server behind Prism; dropping it stops it.
    _upstream: LoopbackServer,
    _log_dir: tempfile::TempDir,
    examples: Arc<Value>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.prism.kill();
        let _ = self.prism.wait();
    }
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn installed(variable: &str, relative: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_root().join(relative));
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-github-stand-in (or set {variable})",
        path.display()
    );
    path
}

impl StandIn {
    /// Starts the recording server and Prism in front of it. Pull request 2 exists (the webhook examples' PR) and
    /// is the merged pull request of every commit, unless [`State::direct_pushes`] is set.
    pub async fn start() -> Self {
        let prism = installed(
            "AGENTLAB_PRISM",
            "tools/github-stand-in/node_modules/.bin/prism",
        );
        let spec = installed(
            "AGENTLAB_GITHUB_OPENAPI",
            "tools/github-stand-in/build/github-openapi-trimmed.json",
        );
        let description: Value =
            serde_json::from_str(&std::fs::read_to_string(&spec).unwrap()).unwrap();
        let examples = Arc::new(description["components"]["examples"].clone());
        let state = Arc::new(Mutex::new(State {
            next_id: 1000,
            max_body_chars: 65_536,
            ..State::default()
        }));
        let upstream = recording_server(state.clone(), examples.clone()).await;

        let port = free_port();
        let log_dir = tempfile::tempdir().unwrap();
        let prism_log = log_dir.path().join("prism.log");
        let log = std::fs::File::create(&prism_log).unwrap();
        let child = Command::new(&prism)
            .args([
                "proxy",
                "--errors",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .arg(&spec)
            .arg(upstream.url())
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", prism.display()));
        let stand_in = Self {
            state,
            api_url: format!("http://127.0.0.1:{port}"),
            prism: child,
            prism_log,
            _upstream: upstream,
            _log_dir: log_dir,
            examples,
        };
        stand_in.wait_until_listening(port).await;
        stand_in
    }

    async fn wait_until_listening(&self, port: u16) {
        // Bounded: Prism loads the trimmed description in about two seconds.
        for _ in 0..600 {
            if std::fs::read_to_string(&self.prism_log)
                .unwrap_or_default()
                .contains("Prism is listening")
                && TcpStream::connect(("127.0.0.1", port)).await.is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Prism did not start:\n{}", self.prism_log());
    }

    pub fn prism_log(&self) -> String {
        std::fs::read_to_string(&self.prism_log).unwrap_or_default()
    }

    /// Fails the test when Prism saw a request or a response that GitHub's description does not allow.
    pub fn assert_no_violations(&self) {
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "Prism found violations:\n{}",
            violations.join("\n")
        );
    }

    /// Prism's log lines about traffic outside the description: warnings ("Violation: ...") and, with
    /// `--errors`, the requests it terminated ("✖ error ... VIOLATIONS").
    pub fn violations(&self) -> Vec<String> {
        self.prism_log()
            .lines()
            .filter(|line| line.to_lowercase().contains("violation") || line.contains('✖'))
            .map(str::to_string)
            .collect()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn count(&self, method: &str, path_contains: &str) -> usize {
        self.requests()
            .iter()
            .filter(|request| request.method == method && request.path.contains(path_contains))
            .count()
    }

    /// Adds an issue or pull request directly, as if someone (`octocat`) had opened it.
    pub fn add_issue(&self, number: u64, title: &str, body: &str, labels: &[&str], open: bool) {
        let issue = issue_json(&self.examples, number, title, body, labels, open);
        self.state.lock().unwrap().issues.push((issue, Vec::new()));
    }

    /// Adds an issue as if the account `login` had opened it.
    pub fn add_issue_by(&self, login: &str, number: u64, title: &str, body: &str, labels: &[&str]) {
        let mut issue = issue_json(&self.examples, number, title, body, labels, true);
        issue["user"] = author(&self.examples, login);
        self.state.lock().unwrap().issues.push((issue, Vec::new()));
    }

    /// Adds one comment by the account `login` to issue `number`.
    pub fn add_comment_by(&self, login: &str, number: u64, body: &str) {
        let mut state = self.state.lock().unwrap();
        state.next_id += 1;
        let mut comment = self.examples["issue-comment"]["value"].clone();
        comment["id"] = json!(state.next_id);
        comment["body"] = json!(body);
        comment["user"] = author(&self.examples, login);
        let (_, comments) = state
            .issues
            .iter_mut()
            .find(|(issue, _)| issue["number"] == number)
            .expect("the issue exists");
        comments.push(comment);
    }

    /// The issue (or pull request) `number` and its comments, as the stand-in holds them.
    fn issue_with_comments(&self, number: u64) -> Option<(Value, Vec<Value>)> {
        let state = self.state.lock().unwrap();
        state
            .issues
            .iter()
            .find(|(issue, _)| issue["number"] == number)
            .cloned()
    }

    /// The issue `number` as the stand-in holds it.
    pub fn issue(&self, number: u64) -> Value {
        self.issue_with_comments(number)
            .expect("the issue exists")
            .0
    }

    /// Comments by someone else, made from GitHub's example comment.
    pub fn add_foreign_comments(&self, number: u64, count: u64) {
        let mut state = self.state.lock().unwrap();
        let (_, comments) = state
            .issues
            .iter_mut()
            .find(|(issue, _)| issue["number"] == number)
            .expect("the issue exists");
        for index in 0..count {
            let mut comment = self.examples["issue-comment"]["value"].clone();
            comment["id"] = json!(index + 1);
            comment["body"] = json!(format!("another bot's comment {index}"));
            comments.push(comment);
        }
    }

    pub fn comments_on(&self, number: u64) -> Vec<Value> {
        self.issue_with_comments(number)
            .map(|(_, comments)| comments)
            .unwrap_or_default()
    }

    pub fn issues_labelled(&self, label: &str) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        state
            .issues
            .iter()
            .map(|(issue, _)| issue.clone())
            .filter(|issue| {
                issue["labels"]
                    .as_array()
                    .is_some_and(|labels| labels.iter().any(|l| l["name"] == label))
            })
            .collect()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The recording server on the shared loopback server (one request per connection; Prism's client reconnects
/// as it must): records each request, then answers it from the in-memory issues or the scripted answers.
async fn recording_server(state: Arc<Mutex<State>>, examples: Arc<Value>) -> LoopbackServer {
    let handler = move |request: HttpRequest| {
        let reply = answer(&state, &examples, request);
        let delay = std::mem::take(&mut state.lock().unwrap().pending_delay);
        async move {
            tokio::time::sleep(delay).await;
            Some(reply)
        }
    };
    LoopbackServer::start(handler).await.unwrap()
}

fn answer(state: &Mutex<State>, examples: &Value, request: HttpRequest) -> HttpReply {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let (status, extra_headers, answer) = {
        let mut state = state.lock().unwrap();
        state.requests.push(Recorded {
            method: request.method.clone(),
            path: request.target.clone(),
            authorization: request.header("authorization").map(str::to_string),
            body: body.clone(),
        });
        crate::github_routes::route(
            &mut state,
            examples,
            &request.method,
            &request.target,
            &body,
        )
    };
    let mut reply = HttpReply::new(status, answer.to_string())
        .with_header("content-type", "application/json; charset=utf-8");
    for (name, value) in extra_headers {
        reply = reply.with_header(name, value);
    }
    reply
}

/// GitHub's example user with another login: `type` is `Bot` for an app's `[bot]` account.
pub fn author(examples: &Value, login: &str) -> Value {
    let mut user = examples["issue"]["value"]["user"].clone();
    user["login"] = json!(login);
    user["type"] = json!(if login.ends_with("[bot]") {
        "Bot"
    } else {
        "User"
    });
    user
}

/// An issue built from GitHub's example issue, with our number, title, body, labels and state.
pub fn issue_json(
    examples: &Value,
    number: u64,
    title: &str,
    body: &str,
    labels: &[&str],
    open: bool,
) -> Value {
    let mut issue = examples["issue"]["value"].clone();
    let label_template = issue["labels"][0].clone();
    issue["number"] = json!(number);
    issue["id"] = json!(number * 10);
    issue["title"] = json!(title);
    issue["body"] = json!(body);
    issue["state"] = json!(if open { "open" } else { "closed" });
    issue["labels"] = labels
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let mut label = label_template.clone();
            label["name"] = json!(name);
            label["id"] = json!(index + 1);
            label["default"] = json!(false);
            label
        })
        .collect();
    let object = issue.as_object_mut().unwrap();
    // The example is an issue that is also a pull request; ours are plain issues unless told otherwise.
    object.remove("pull_request");
    issue
}
