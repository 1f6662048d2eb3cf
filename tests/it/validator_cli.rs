//! `agentlab validate` as a user runs it: the real binary, a configuration file, a `terraform show -json` state,
//! the loopback Proxmox VE world through `PROXMOX_VE_*`, and a loopback listener for `reachable`.

use std::path::Path;
use std::process::Output;

use agentlab::contracts::{CheckName, CheckStatus, ValidationResult};
use agentlab::stand_in::proxmox::{PveWorld, PveWorldServer, WorldGuest};

use crate::support::{agentlab_in, check_named, listening_port, text};

const TOKEN: &str = "agentlab@pve!cli=5e0c7a9b-2f41-4a8d-9c3e-6b7a8d9e0f12";

fn write_project(dir: &Path, port: u16, guests: serde_json::Value) {
    let config = format!(
        "[proxmox]\nnode = \"pmx-01\"\ntimeout_seconds = 5\n\n[[project]]\nname = \"lxc-fleet\"\ndir = \"modules/lxc-fleet\"\n\
         [project.validate]\nresources = [{{ pattern = 'module\\.fleet\\.proxmox_virtual_environment_container\\.container\\[\\d+\\]', count = 1 }}]\n\
         port = {port}\nsettle_seconds = 1\n"
    );
    std::fs::write(dir.join("agentlab.toml"), config).unwrap();
    let state = serde_json::json!({
        "format_version": "1.0",
        "values": {
            "outputs": {"guests": {"sensitive": false, "value": guests}},
            "root_module": {"child_modules": [{"address": "module.fleet", "resources": [
                {"address": "module.fleet.proxmox_virtual_environment_container.container[0]"}
            ]}]}
        }
    });
    std::fs::write(dir.join("state.json"), state.to_string()).unwrap();
}

async fn agentlab(dir: &Path, endpoint: &str, args: &[&str]) -> Output {
    let mut command = agentlab_in(dir);
    command
        .args(args)
        .env("PROXMOX_VE_ENDPOINT", endpoint)
        .env("PROXMOX_VE_API_TOKEN", TOKEN)
        .env("PROXMOX_VE_INSECURE", "false");
    tokio::process::Command::from(command)
        .output()
        .await
        .expect("the agentlab binary runs")
}

/// `agentlab validate --project lxc-fleet --state state.json ARGS` against a world where `guest` is the only guest
/// and a state whose `guests` output is `guests_output`; the world stays up for its recorded requests.
async fn validate(
    guest: WorldGuest,
    guests_output: serde_json::Value,
    args: &[&str],
) -> (Output, PveWorldServer, u16) {
    let server = PveWorldServer::start(PveWorld::new().with_token(TOKEN).with_guest(guest))
        .await
        .unwrap();
    let (_listener, port) = listening_port().await;
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path(), port, guests_output);
    let mut all_args = vec![
        "validate",
        "--project",
        "lxc-fleet",
        "--state",
        "state.json",
    ];
    all_args.extend(args);
    let output = agentlab(dir.path(), &server.endpoint(), &all_args).await;
    (output, server, port)
}

#[tokio::test]
async fn validate_prints_the_four_checks_and_exits_0_when_all_pass() {
    let (output, server, port) = validate(
        WorldGuest::container("pmx-01", 101, "127.0.0.1/8"),
        serde_json::json!([{"vmid": 101, "kind": "lxc", "name": "web-1"}]),
        &["--mode", "live"],
    )
    .await;
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    for line in [
        "resources     pass   all 1 expected address patterns found in the state",
        "guest-status  pass   1 of 1 guest is running",
        "ip-assigned   pass   1 of 1 guest has an IPv4 address",
        &format!("reachable     pass   1 of 1 guest accepts TCP connections on port {port}"),
        "    - lxc/101 (web-1) on pmx-01: 127.0.0.1 (from GET /api2/json/nodes/pmx-01/lxc/101/interfaces)",
    ] {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
    assert!(!stdout.contains("5e0c7a9b") && !text(&output.stderr).contains("5e0c7a9b"));
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.authorization.as_deref() == Some(&format!("PVEAPIToken={TOKEN}")))
    );
}

#[tokio::test]
async fn validate_exits_1_with_the_failing_check_as_json() {
    let (output, _server, _port) = validate(
        WorldGuest::container("pmx-01", 101, "127.0.0.1/8").stopped(),
        serde_json::json!([{"vmid": 101, "kind": "lxc", "ipv4": "127.0.0.1"}]),
        &["--json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let result: ValidationResult =
        serde_json::from_slice(&output.stdout).expect("--json prints a ValidationResult");
    assert!(!result.ok);
    let status = check_named(&result, CheckName::GuestStatus);
    assert_eq!(status.status, CheckStatus::Fail);
    assert_eq!(status.evidence.len(), 1);
    // A stopped guest is watched for `settle_seconds` (1 here) before the check fails, and the evidence says so.
    assert!(
        status.evidence[0].starts_with(
            "lxc/101 on pmx-01: status is `stopped`, not `running` (GET /api2/json/nodes/pmx-01/lxc/101/status/current); waited "
        ) && status.evidence[0].contains(" s of 1 s, "),
        "{:?}",
        status.evidence
    );
}

#[tokio::test]
async fn validate_exits_2_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path(), 22, serde_json::json!([]));
    let endpoint = "http://127.0.0.1:9/";
    for (args, why) in [
        (
            vec!["validate", "--project", "nope", "--state", "state.json"],
            "no project named `nope`",
        ),
        (
            vec![
                "validate",
                "--project",
                "lxc-fleet",
                "--mode",
                "plan",
                "--state",
                "state.json",
            ],
            "this is a state",
        ),
        (
            vec![
                "validate",
                "--project",
                "lxc-fleet",
                "--mode",
                "sideways",
                "--state",
                "state.json",
            ],
            "sideways",
        ),
    ] {
        let output = agentlab(dir.path(), endpoint, &args).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    }
}
