//! Test services that run as processes of their own: a Prometheus Pushgateway on a free loopback port, and the
//! binaries (the Pushgateway, promtool) that scripts/install-test-services unpacks into `.tools/bin/`. A missing
//! one fails the test with the command that installs it; nothing is skipped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::servers::free_loopback_port;

/// How to install the test services.
pub const INSTALL_HINT: &str = "run scripts/install-test-services (it unpacks the Debian packages \
     prometheus-pushgateway and prometheus into .tools/, touching nothing else)";

/// A binary from `env_var`, else `.tools/bin/NAME` (scripts/install-test-services), else from PATH, else from
/// `/usr/bin`; a missing one fails the test with the fix.
pub fn service_binary(env_var: &str, name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env_var) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{env_var}={} is not a file: {INSTALL_HINT}",
            path.display()
        );
        return path;
    }
    let installed = super::crate_root().join(".tools/bin").join(name);
    if installed.is_file() {
        return installed;
    }
    let on_path = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|folder| folder.join(name))
        .find(|candidate| candidate.is_file());
    let fallback = Path::new("/usr/bin").join(name);
    match on_path {
        Some(found) => found,
        None if fallback.is_file() => fallback,
        None => panic!("`{name}` not found (set {env_var} or put it on PATH): {INSTALL_HINT}"),
    }
}

/// A Pushgateway of our own on a free loopback port, keeping nothing on disk; killed when dropped, also when a test
/// fails halfway.
pub struct PushgatewayProcess {
    child: Child,
    pub url: String,
    _log_folder: tempfile::TempDir,
}

impl PushgatewayProcess {
    pub async fn start() -> Self {
        let binary = service_binary("AGENTLAB_PUSHGATEWAY", "prometheus-pushgateway");
        // The port is free when asked for but could be taken before the Pushgateway binds it: try a few.
        for _ in 0..5 {
            let port = free_loopback_port();
            let log_folder = tempfile::tempdir().unwrap();
            let log = std::fs::File::create(log_folder.path().join("pushgateway.log")).unwrap();
            let child = Command::new(&binary)
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                // An empty persistence file keeps everything in memory: nothing survives the test.
                .arg("--persistence.file=")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap_or_else(|error| {
                    panic!("cannot start {}: {error}; {INSTALL_HINT}", binary.display())
                });
            let mut process = Self {
                child,
                url: format!("http://127.0.0.1:{port}"),
                _log_folder: log_folder,
            };
            if process.wait_until_ready().await {
                return process;
            }
        }
        panic!("the Pushgateway did not start on any of 5 free ports");
    }

    /// Polls `/-/ready`; false when the process exited (port taken) so the caller tries another port.
    async fn wait_until_ready(&mut self) -> bool {
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                let log = std::fs::read_to_string(self._log_folder.path().join("pushgateway.log"))
                    .unwrap_or_default();
                eprintln!("the Pushgateway exited with {status}:\n{log}");
                return false;
            }
            let ready = client.get(format!("{}/-/ready", self.url)).send().await;
            if ready.is_ok_and(|response| response.status().is_success()) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the Pushgateway at {} never became ready", self.url);
    }

    pub async fn exposition(&self) -> String {
        let response = reqwest::get(format!("{}/metrics", self.url)).await.unwrap();
        assert!(response.status().is_success());
        response.text().await.unwrap()
    }
}

impl Drop for PushgatewayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
