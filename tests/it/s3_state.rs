//! Deploys whose state lives in a real S3-compatible store: the real `agentlab` binary and terraform 1.0.3 against
//! moto's S3 + DynamoDB server on loopback (`server`), with the store's settings passed from `agentlab.toml`'s
//! `backend_config` the way a homelab passes its MinIO file. Here: plan and deploy end to end, and two projects
//! in one bucket at once; `locking` races deploys of one project, a stale saved plan and a lock left by a killed
//! run; `faults` takes the store's parts away (bucket, lock table, the whole server before and during apply).
//!
//! Each test starts its own server and copies tests/fixtures/s3-state/ into a temporary workspace (one per
//! "checkout": two racing deploys run from two workspaces on the same bucket, as two CI runners would).

mod faults;
mod locking;
mod server;

use std::path::{Path, PathBuf};
use std::process::Output;

use agentlab::contracts::{Outcome, RunRecord, TerraformPhase};

use crate::support::installed_terraform;
use crate::support::{agentlab_command, records_from_stdout};
use server::MotoServer;

/// Any non-empty keys: moto does not check them, the S3 backend insists on having some.
const ACCESS_KEY: &str = "agentlab-test-access-key";
const SECRET_KEY: &str = "agentlab-test-secret-key";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/s3-state")
}

fn copy_dir(source: &Path, target: &Path) {
    std::fs::create_dir_all(target).expect("create dir");
    for entry in std::fs::read_dir(source).expect("fixture exists") {
        let entry = entry.expect("dir entry");
        if entry.file_type().expect("file type").is_file() {
            std::fs::copy(entry.path(), target.join(entry.file_name())).expect("copy");
        }
    }
}

/// One checkout of the S3 projects, its backend file pointing at `endpoint`.
pub struct S3Workspace {
    dir: tempfile::TempDir,
}

impl S3Workspace {
    pub fn new(endpoint: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = fixtures();
        copy_dir(&source.join("s3-fleet"), &dir.path().join("s3-fleet"));
        copy_dir(&source.join("s3-fleet"), &dir.path().join("s3-other"));
        std::fs::create_dir_all(dir.path().join("s3-backend")).expect("backend dir");
        let backend =
            std::fs::read_to_string(source.join("s3-backend/moto-terraform-1.0.s3.tfbackend"))
                .expect("backend fixture")
                .replace("@ENDPOINT@", endpoint);
        std::fs::write(dir.path().join("s3-backend/moto.s3.tfbackend"), backend)
            .expect("backend file");
        std::fs::copy(
            source.join("agentlab-s3.toml"),
            dir.path().join("agentlab-sandbox.toml"),
        )
        .expect("config");
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets the project's `revision` (a new value replaces all three resources) and how long the slow one takes.
    pub fn set_revision(&self, project: &str, revision: &str, apply_seconds: u32) {
        std::fs::write(
            self.path().join(project).join("terraform.auto.tfvars"),
            format!("revision = \"{revision}\"\napply_seconds = {apply_seconds}\n"),
        )
        .expect("tfvars");
    }

    /// Sets `[defaults] lock_timeout`.
    pub fn set_lock_timeout(&self, timeout: &str) {
        let path = self.path().join("agentlab-sandbox.toml");
        let text = std::fs::read_to_string(&path).expect("config");
        let text = regex::Regex::new(r#"lock_timeout = "[^"]*""#)
            .expect("pattern")
            .replace(&text, format!("lock_timeout = \"{timeout}\""))
            .into_owned();
        std::fs::write(path, text).expect("config written");
    }

    /// `agentlab MODE --project P --no-post --llm none --json --output out`, with the store's keys and `env`.
    pub fn command(
        &self,
        mode: &str,
        projects: &[&str],
        env: &[(&str, String)],
    ) -> tokio::process::Command {
        let mut args = vec![mode];
        for project in projects {
            args.extend(["--project", project]);
        }
        args.extend(["--no-post", "--llm", "none", "--json", "--output", "out"]);
        let mut environment = vec![
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
            // Nothing of the developer's AWS setup may steer the backend elsewhere.
            ("AWS_CONFIG_FILE", "/dev/null".to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_string()),
            ("NO_PROXY", "127.0.0.1".to_string()),
        ];
        environment.extend(env.iter().cloned());
        let mut command = agentlab_command(self.path(), &args, &environment);
        // Spawned deploys hand their records back like `output()` does; a failing test leaves none running.
        command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        for name in [
            "AWS_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
        ] {
            command.env_remove(name);
        }
        command
    }

    /// The real terraform in `project`'s folder with the store's keys: what a person runs to recover.
    pub async fn terraform(&self, project: &str, args: &[&str]) -> Output {
        tokio::process::Command::new(real_terraform())
            .args(args)
            .current_dir(self.path().join(project))
            .env("TF_CLI_CONFIG_FILE", crate::support::terraform_cli_config())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .output()
            .await
            .expect("terraform runs")
    }

    pub async fn run(&self, mode: &str, projects: &[&str]) -> Output {
        self.command(mode, projects, &[])
            .output()
            .await
            .expect("agentlab runs")
    }

    /// Deploys `project` and asserts that the deploy succeeded: where the tests that change something next start.
    pub async fn deploy_successfully(&self, project: &str) {
        let output = self.run("deploy", &[project]).await;
        assert_eq!(only_record(&output).outcome, Outcome::Success);
    }
}

pub fn only_record(output: &Output) -> RunRecord {
    let mut records = records_from_stdout(output);
    assert_eq!(records.len(), 1, "{records:#?}");
    records.remove(0)
}

/// The addresses of the managed resources in a state document, sorted.
pub fn state_addresses(state: &serde_json::Value) -> Vec<String> {
    let mut addresses: Vec<String> = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|resource| {
            let base = format!(
                "{}.{}",
                resource["type"].as_str().unwrap_or_default(),
                resource["name"].as_str().unwrap_or_default()
            );
            resource["instances"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |instance| match instance["index_key"].as_u64() {
                    Some(index) => format!("{base}[{index}]"),
                    None => base.clone(),
                })
        })
        .collect();
    addresses.sort();
    addresses
}

/// The `revision` trigger of every resource in a state document.
pub fn state_revisions(state: &serde_json::Value) -> Vec<String> {
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|resource| resource["instances"].as_array().into_iter().flatten())
        .map(|instance| {
            instance["attributes"]["triggers"]["revision"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// The `id` of every resource instance in a state document, in state order.
fn resource_ids(state: &serde_json::Value) -> Vec<String> {
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|resource| resource["instances"].as_array().into_iter().flatten())
        .map(|instance| instance["attributes"]["id"].to_string())
        .collect()
}

pub fn serial(state: &serde_json::Value) -> u64 {
    state["serial"].as_u64().expect("the state has a serial")
}

pub const FLEET_ADDRESSES: [&str; 3] = [
    "null_resource.container[0]",
    "null_resource.container[1]",
    "null_resource.slow",
];

fn assert_succeeded(output: &Output, record: &RunRecord) {
    assert_eq!(
        (record.outcome, output.status.code()),
        (Outcome::Success, Some(0)),
        "{}\n{record:#?}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!((record.llm_calls, record.cost_usd), (0, 0.0));
}

#[tokio::test]
async fn plan_and_deploy_keep_the_state_in_the_bucket_and_a_second_deploy_changes_nothing() {
    let server = MotoServer::ready().await;
    let workspace = S3Workspace::new(&server.endpoint());

    let plan = workspace.run("plan", &["s3-fleet"]).await;
    let planned = only_record(&plan);
    assert_succeeded(&plan, &planned);
    assert_eq!(server.state("s3-fleet/terraform.tfstate").await, None);

    // The same project on local state (its backend block taken out) plans the same changes and the same comment.
    let local = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures().join("s3-fleet"), local.path());
    let main_tf = local.path().join("main.tf");
    let source = std::fs::read_to_string(&main_tf).expect("main.tf");
    std::fs::write(&main_tf, source.replace("backend \"s3\" {}", "")).expect("main.tf");
    let local_plan = crate::support::runner(agentlab::terraform::Cancellation::new())
        .run_request(&crate::support::terraform_request(
            local.path(),
            agentlab::contracts::RunMode::Plan,
        ))
        .await
        .expect("terraform runs");
    let remote_plan = &planned.attempts[0].terraform;
    assert_eq!(remote_plan.changes, local_plan.changes);
    assert_eq!(remote_plan.resource_changes, local_plan.resource_changes);
    assert_eq!(
        (remote_plan.changes.add, remote_plan.changes.destroy),
        (3, 0)
    );
    let comment = std::fs::read_to_string(workspace.path().join("out/s3-fleet.pr-comment.md"))
        .expect("the comment preview");
    assert!(comment.contains("3 to add"), "{comment}");
    // The comment the same record would get with the local plan in it is the posted one, byte for byte: where
    // the state lives changes nothing a reviewer reads.
    let mut with_local_plan = planned.clone();
    with_local_plan.attempts[0].terraform.resource_changes = local_plan.resource_changes.clone();
    with_local_plan.attempts[0].terraform.changes = local_plan.changes;
    let local_comment = match &crate::support::records_outbox(&[with_local_plan]).posts[0] {
        agentlab::report::Post::Comment(comment) => comment.bodies[0].clone(),
        other => panic!("the first post of a plan is its comment, not {other:?}"),
    };
    let remote_comment =
        match &crate::support::records_outbox(std::slice::from_ref(&planned)).posts[0] {
            agentlab::report::Post::Comment(comment) => comment.bodies[0].clone(),
            other => panic!("the first post of a plan is its comment, not {other:?}"),
        };
    assert_eq!(local_comment, remote_comment);

    let first = workspace.run("deploy", &["s3-fleet"]).await;
    let deployed = only_record(&first);
    assert_succeeded(&first, &deployed);
    assert_eq!(deployed.attempts[0].terraform.phase, TerraformPhase::Apply);
    let state = server
        .state("s3-fleet/terraform.tfstate")
        .await
        .expect("the state object is in the bucket");
    assert_eq!(state_addresses(&state), FLEET_ADDRESSES);
    assert_eq!(state["terraform_version"], "1.0.3");
    assert!(
        !workspace.path().join("s3-fleet/terraform.tfstate").exists(),
        "no local state beside the project"
    );

    let second = workspace.run("deploy", &["s3-fleet"]).await;
    let again = only_record(&second);
    assert_succeeded(&second, &again);
    let terraform = &again.attempts[0].terraform;
    assert_eq!(terraform.changes, Default::default(), "{terraform:#?}");
    // The same resources with the same ids: nothing was replaced. (Terraform 1.0.3 writes the refreshed state
    // back once, which drops the providers' empty `private` data and bumps the serial: its own bookkeeping.)
    let unchanged = server
        .state("s3-fleet/terraform.tfstate")
        .await
        .expect("state");
    assert_eq!(unchanged["lineage"], state["lineage"]);
    assert_eq!(resource_ids(&unchanged), resource_ids(&state));
    assert!(server.held_locks(server::LOCK_TABLE).await.is_empty());
}

#[tokio::test]
async fn two_projects_in_one_bucket_deploy_at_the_same_time() {
    let server = MotoServer::ready().await;
    let workspace = S3Workspace::new(&server.endpoint());
    let (fleet, other) = tokio::join!(
        workspace.command("deploy", &["s3-fleet"], &[]).output(),
        workspace.command("deploy", &["s3-other"], &[]).output(),
    );
    for (output, key) in [
        (fleet.expect("agentlab runs"), "s3-fleet/terraform.tfstate"),
        (other.expect("agentlab runs"), "s3-other/terraform.tfstate"),
    ] {
        let record = only_record(&output);
        assert_succeeded(&output, &record);
        let state = server.state(key).await.expect("each project has its state");
        assert_eq!(state_addresses(&state), FLEET_ADDRESSES, "{key}");
    }
    assert!(server.held_locks(server::LOCK_TABLE).await.is_empty());
}

/// The real terraform binary, for the wrapper scripts the lock and fault tests put in front of it.
pub fn real_terraform() -> PathBuf {
    let binary = installed_terraform();
    std::fs::canonicalize(&binary).unwrap_or(binary)
}
