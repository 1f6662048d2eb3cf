//! Runs scenarios × models × repeats through the real Planner: the real Terraform agent on a fresh copy of a
//! sandbox project, the real Validator against a Proxmox VE world served on loopback, and the diagnoser of the
//! model under test. Every run starts from nothing (a new folder, a new world, a new diagnoser), so no state,
//! lock or cache carries over between repeats.

use std::path::PathBuf;

use tokio::net::TcpListener;

use crate::contracts::{GuestKind, RunContext, RunMode, RunRecord, TerraformRequest};
use crate::diagnosis::context::EvidenceItem;
use crate::eval::citations::first_failure_evidence;
use crate::eval::report::EvalReport;
use crate::eval::sandbox::{SandboxError, sandbox_backend_config, write_sandbox_project};
use crate::eval::scenario::{Scenario, World};
use crate::eval::score::{EvalResult, score};
use crate::planner::agents::{Agents, Diagnoser, TerraformAgent};
use crate::planner::run::{ProjectRun, run_project};
use crate::planner::validation_facts::ValidationPlan;

/// How long a scenario's live checks wait for its guests to settle: long enough to show the wait in the evidence,
/// short enough that an unreachable guest does not hold the eval (and the demo) for minutes.
const EVAL_SETTLE_SECONDS: u64 = 2;
use crate::stand_in::proxmox::{AgentState, NodeState, PveWorld, PveWorldServer, WorldGuest};
use crate::terraform::version::TerraformVersion;
use crate::validator::proxmox::{ProxmoxClient, ProxmoxClientSettings, ProxmoxConnection};

/// How long a `retry_after` remediation is waited out in the eval: the sandbox's faults do not pass with time,
/// so a wait only costs wall time (a model asking for 600 s would add ten minutes to each such scenario). The
/// remediation is scored as the model gave it.
pub const EVAL_LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(1);
use crate::validator::{ProxmoxValidator, ValidatorSettings};

/// The token the eval's Proxmox VE world accepts; it exists only on loopback for the length of one run.
const WORLD_TOKEN: &str = "agentlab-eval@pve!scenario=00000000-0000-4000-8000-000000000000";

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error("cannot start the eval's loopback services: {0}")]
    Loopback(std::io::Error),
    #[error("model `{model}`: {why}")]
    Diagnoser { model: String, why: String },
    #[error("cannot build the Proxmox VE client for the eval world: {0}")]
    Client(String),
}

/// Builds a fresh diagnoser for a model SPEC; the command layer owns configuration, so it hands this in.
pub type DiagnoserFactory<'a> = &'a (dyn Fn(&str) -> Result<Box<dyn Diagnoser>, String> + Sync);

/// What the eval runs with.
pub struct EvalOptions<'a> {
    pub models: Vec<String>,
    pub repeat: u32,
    /// Sandbox copies go into subfolders of this one.
    pub work_dir: PathBuf,
    pub terraform: &'a dyn TerraformAgent,
    /// The release `terraform` runs (`TerraformRunner::version`): a sandbox's backend settings depend on it.
    pub terraform_version: Option<TerraformVersion>,
    pub diagnoser_for: DiagnoserFactory<'a>,
    pub node: String,
}

/// One run with its record, for previews and metrics.
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    pub scenario: String,
    pub model: String,
    pub repeat: u32,
    pub record: RunRecord,
}

/// Runs every scenario for every model `repeat` times, in a fixed order.
pub async fn run_eval(
    scenarios: &[Scenario],
    options: &EvalOptions<'_>,
) -> Result<(EvalReport, Vec<ScenarioRun>), EvalError> {
    let mut results: Vec<EvalResult> = Vec::new();
    let mut runs = Vec::new();
    for model in &options.models {
        for scenario in scenarios {
            for repeat in 1..=options.repeat.max(1) {
                tracing::info!(scenario = %scenario.name, %model, repeat, "eval run");
                let (record, evidence) = run_scenario(scenario, model, repeat, options).await?;
                results.push(score(scenario, model, repeat, &record, &evidence));
                runs.push(ScenarioRun {
                    scenario: scenario.name.clone(),
                    model: model.clone(),
                    repeat,
                    record,
                });
            }
        }
    }
    Ok((EvalReport::from_results(results), runs))
}

/// Every scenario once as a pull request's plan (`agentlab plan`) with `model`: what its comment would show
/// before the merge. Not scored (the expectations are about the deploy); the demo previews these records.
pub async fn run_plans(
    scenarios: &[Scenario],
    model: &str,
    options: &EvalOptions<'_>,
) -> Result<Vec<ScenarioRun>, EvalError> {
    let mut runs = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        let planned = Scenario {
            mode: RunMode::Plan,
            ..scenario.clone()
        };
        tracing::info!(scenario = %scenario.name, model, "plan run");
        runs.push(ScenarioRun {
            scenario: scenario.name.clone(),
            model: model.to_string(),
            repeat: 1,
            record: run_scenario(&planned, model, 1, options).await?.0,
        });
    }
    Ok(runs)
}

async fn run_scenario(
    scenario: &Scenario,
    model: &str,
    repeat: u32,
    options: &EvalOptions<'_>,
) -> Result<(RunRecord, Vec<EvidenceItem>), EvalError> {
    let slug: String = model
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let dir = options.work_dir.join(format!(
        "{}-{}-{slug}-{repeat}",
        scenario.name,
        scenario.mode.as_str()
    ));
    if dir.exists() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    write_sandbox_project(&scenario.project, &dir)?;

    let world = PveWorldServer::start(world_for(&scenario.world, &options.node))
        .await
        .map_err(EvalError::Loopback)?;
    let (port, listener) = guest_port(scenario.validate.listening)
        .await
        .map_err(EvalError::Loopback)?;
    let validator = world_validator(&world)?;
    let diagnoser = (options.diagnoser_for)(model).map_err(|why| EvalError::Diagnoser {
        model: model.to_string(),
        why,
    })?;

    let run = ProjectRun {
        run_id: format!("eval-{}-{slug}-{repeat}", scenario.name),
        mode: scenario.mode,
        first_request: TerraformRequest {
            project: scenario.name.clone(),
            dir: dir.clone(),
            mode: scenario.mode,
            plan_file: Some(dir.join("agentlab.tfplan")),
            vars: scenario.vars.clone(),
            backend_config: sandbox_backend_config(&scenario.project, options.terraform_version),
            parallelism: scenario.parallelism,
            lock_timeout: "30s".to_string(),
            replace: Vec::new(),
            reinit_upgrade: false,
            attempt: 1,
            guard: Default::default(),
        },
        validation: ValidationPlan {
            resources: scenario.validate.resources.clone(),
            guests_output: "guests".to_string(),
            guests_output_required: false,
            default_node: options.node.clone(),
            port,
            settle_seconds: EVAL_SETTLE_SECONDS,
        },
        max_retries: scenario.max_retries,
        policy: Default::default(),
        context: RunContext::default(),
        longest_wait: EVAL_LONGEST_WAIT,
    };
    let agents = Agents {
        terraform: options.terraform,
        validator: &validator,
        diagnoser: diagnoser.as_ref(),
    };
    let record = run_project(run, agents).await;
    if let Some(listener) = listener {
        listener.abort();
    }
    // What the first diagnosis was shown, the project's files included, read while the sandbox still exists: the
    // citations are scored against it.
    let evidence = first_failure_evidence(&record, dir.clone());
    // The copy holds an initialised provider and the run's state: nothing a later run may reuse, and tens of
    // megabytes per run.
    let _ = std::fs::remove_dir_all(&dir);
    Ok((record, evidence))
}

fn world_for(world: &World, node: &str) -> PveWorld {
    // The node is online even when no guest lives on it yet: a plan looks for guests the apply has not created.
    let mut pve = PveWorld::new()
        .with_token(WORLD_TOKEN)
        .with_node(node, NodeState::Online);
    for guest in &world.guests {
        let ipv4 = guest.ipv4.clone().map(|ip| {
            if ip.contains('/') {
                ip
            } else {
                format!("{ip}/8")
            }
        });
        let address = ipv4.as_deref().unwrap_or("127.0.0.1/8");
        let mut world_guest = match guest.kind {
            GuestKind::Lxc => WorldGuest::container(node, guest.vmid, address),
            GuestKind::Qemu => WorldGuest::vm(node, guest.vmid, address),
        };
        if ipv4.is_none() {
            world_guest = world_guest.without_ipv4();
        }
        if guest.status != "running" {
            world_guest = world_guest.stopped();
        }
        if !guest.agent {
            world_guest = world_guest.with_agent(AgentState::NotRunning);
        }
        pve = pve.with_guest(world_guest);
    }
    pve
}

fn world_validator(world: &PveWorldServer) -> Result<ProxmoxValidator, EvalError> {
    let connection = ProxmoxConnection {
        endpoint: world.endpoint(),
        token: WORLD_TOKEN.to_string().into(),
        insecure: false,
        ca_file: None,
    };
    let client = ProxmoxClient::new(&connection, ProxmoxClientSettings::default())
        .map_err(|error| EvalError::Client(error.to_string()))?;
    Ok(ProxmoxValidator::new(client, ValidatorSettings::default()))
}

/// A loopback port for the `reachable` check: one that accepts connections, or one where nothing listens.
async fn guest_port(
    listening: bool,
) -> std::io::Result<(u16, Option<tokio::task::JoinHandle<()>>)> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let port = listener.local_addr()?.port();
    if !listening {
        drop(listener);
        return Ok((port, None));
    }
    let accepting = tokio::spawn(async move {
        while let Ok((connection, _)) = listener.accept().await {
            drop(connection);
        }
    });
    Ok((port, Some(accepting)))
}
