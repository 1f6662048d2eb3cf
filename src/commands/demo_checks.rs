//! The demo's scheduled checks: the bundled healthy sandbox deployed for real (terraform, a loopback Proxmox VE
//! world), then changed behind Git's back and checked as `agentlab check` would: `drifted-fleet` loses a resource
//! from its state (someone tidied up by hand), `stopped-guest` has a container stopped in the web UI. Their records
//! go through the same Outbox as a real check, so the previews are the issues a check would open. The catalogue is
//! the only diagnoser: $0, no network.

use std::path::{Path, PathBuf};

use tokio::net::TcpListener;

use crate::cli::DiagnoserArgs;
use crate::commands::check_run::{ProjectCheck, check_project};
use crate::commands::{CommandContext, CommandError, configured_diagnoser};
use crate::config::Config;
use crate::contracts::{ResourceExpectation, RunContext, RunMode, RunRecord, TerraformRequest};
use crate::eval::sandbox::write_sandbox_project;
use crate::planner::agents::{Agents, TerraformAgent};
use crate::planner::validation_facts::ValidationPlan;
use crate::stand_in::proxmox::{PveWorld, PveWorldServer, WorldGuest};
use crate::terraform::TerraformRunner;
use crate::validator::proxmox::{ProxmoxClient, ProxmoxClientSettings, ProxmoxConnection};
use crate::validator::{ProxmoxValidator, ValidatorSettings};

/// The token the demo's Proxmox VE worlds accept; they exist only on loopback for the length of one check.
const WORLD_TOKEN: &str = "agentlab-demo@pve!check=00000000-0000-4000-8000-000000000000";
/// The sandbox's containers: VMIDs 200 to 202, as its defaults create them.
const SANDBOX_VMIDS: std::ops::Range<u32> = 200..203;

/// One demo check: what changes behind Git's back after the deploy.
struct DemoCheck {
    name: &'static str,
    /// A resource removed from the state after the deploy.
    forget: Option<&'static str>,
    /// A container the world reports `stopped`.
    stopped: Option<u32>,
}

const DEMO_CHECKS: [DemoCheck; 2] = [
    DemoCheck {
        name: "drifted-fleet",
        forget: Some("null_resource.dns_record"),
        stopped: None,
    },
    DemoCheck {
        name: "stopped-guest",
        forget: None,
        stopped: Some(201),
    },
];

/// Deploys and checks every demo case; returns the check records, in order.
pub async fn run_demo_checks(
    context: &CommandContext,
    config: &Config,
    terraform: &TerraformRunner,
    output: &Path,
) -> Result<Vec<RunRecord>, CommandError> {
    let diagnoser = configured_diagnoser(
        context,
        config,
        &DiagnoserArgs {
            llm: Some("catalog".to_string()),
            no_catalog: false,
        },
    )?;
    let mut records = Vec::with_capacity(DEMO_CHECKS.len());
    for case in &DEMO_CHECKS {
        let dir = output.join("check-sandboxes").join(case.name);
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        write_sandbox_project("sandbox-ok", &dir)
            .map_err(|error| CommandError::internal("cannot write the demo sandbox", error))?;
        let record = deploy_then_check(case, &dir, config, terraform, diagnoser.as_ref()).await;
        // The copy holds an initialised provider and state: tens of megabytes nobody reads again.
        let _ = std::fs::remove_dir_all(&dir);
        records.push(record?);
    }
    Ok(records)
}

async fn deploy_then_check(
    case: &DemoCheck,
    dir: &Path,
    config: &Config,
    terraform: &TerraformRunner,
    diagnoser: &dyn crate::planner::agents::Diagnoser,
) -> Result<RunRecord, CommandError> {
    let node = config.proxmox.node.clone();
    let mut world = PveWorld::new().with_token(WORLD_TOKEN);
    for vmid in SANDBOX_VMIDS {
        let guest = WorldGuest::container(&node, vmid, "127.0.0.1/8")
            .named(&format!("sandbox-{}", vmid - SANDBOX_VMIDS.start));
        world = world.with_guest(if case.stopped == Some(vmid) {
            guest.stopped()
        } else {
            guest
        });
    }
    let loopback =
        |error| CommandError::internal("cannot start the demo's loopback services", error);
    let server = PveWorldServer::start(world).await.map_err(loopback)?;
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(loopback)?;
    let port = listener.local_addr().map_err(loopback)?.port();
    let accepting = tokio::spawn(async move {
        while let Ok((connection, _)) = listener.accept().await {
            drop(connection);
        }
    });

    let request = |mode: RunMode| TerraformRequest {
        project: case.name.to_string(),
        dir: dir.to_path_buf(),
        mode,
        plan_file: None,
        vars: Default::default(),
        backend_config: Vec::new(),
        parallelism: 10,
        lock_timeout: "30s".to_string(),
        replace: Vec::new(),
        reinit_upgrade: false,
        attempt: 1,
        guard: Default::default(),
    };
    let deployed = terraform
        .run(&request(RunMode::Deploy))
        .await
        .map_err(|error| CommandError::internal("the demo's deploy could not run", error))?;
    if !deployed.ok {
        return Err(CommandError::Internal {
            what: format!("the demo's deploy of {} failed", case.name),
            source: format!("{:?}", deployed.errors().next()).into(),
        });
    }
    if let Some(address) = case.forget {
        forget_in_local_state(&dir.join("terraform.tfstate"), address)?;
    }
    let connection = ProxmoxConnection {
        endpoint: server.endpoint(),
        token: WORLD_TOKEN.to_string().into(),
        insecure: false,
        ca_file: None,
    };
    let client = ProxmoxClient::new(&connection, ProxmoxClientSettings::default())
        .map_err(|error| CommandError::internal("cannot reach the demo's world", error))?;
    let validator = ProxmoxValidator::new(client, ValidatorSettings::default());
    let check = ProjectCheck {
        run_id: format!("demo-check-{}", case.name),
        request: request(RunMode::Check),
        validation: ValidationPlan {
            resources: vec![ResourceExpectation {
                pattern: r"^null_resource\.container\[\d+\]$".to_string(),
                count: 3,
            }],
            guests_output: "guests".to_string(),
            guests_output_required: false,
            default_node: node,
            port,
            settle_seconds: 0,
        },
        context: RunContext::default(),
        checked_at_unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or_default(),
    };
    let agents = Agents {
        terraform,
        validator: &validator,
        diagnoser,
    };
    let record = check_project(check, agents).await;
    accepting.abort();
    Ok(record)
}

/// Removes the managed resource `address` (`TYPE.NAME`, root module) from a local state file, as
/// `terraform state rm` would, and bumps the serial.
fn forget_in_local_state(path: &Path, address: &str) -> Result<(), CommandError> {
    let io = |action: &'static str, path: PathBuf| {
        move |source| CommandError::Io {
            action,
            path,
            source,
        }
    };
    let text = std::fs::read_to_string(path).map_err(io("read", path.to_path_buf()))?;
    let mut state: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| CommandError::internal("the demo's state is not JSON", error))?;
    let (kind, name) = address.split_once('.').unwrap_or((address, ""));
    if let Some(resources) = state["resources"].as_array_mut() {
        resources.retain(|resource| {
            !(resource["mode"] == "managed"
                && resource["type"] == kind
                && resource["name"] == name
                && resource.get("module").is_none())
        });
    }
    let serial = state["serial"].as_u64().unwrap_or_default();
    state["serial"] = serde_json::Value::from(serial + 1);
    let text = serde_json::to_string_pretty(&state)
        .map_err(|error| CommandError::internal("cannot encode the demo's state", error))?;
    std::fs::write(path, text).map_err(io("write", path.to_path_buf()))
}
