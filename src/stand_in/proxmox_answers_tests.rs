//! The Proxmox VE world's answers, request by request: documented fields, interfaces, errors and their reasons,
//! tokens, injected faults and hanging guests.

use super::*;

fn get(world: &mut PveWorld, path: &str) -> (u16, String, Value) {
    world
        .answer("GET", path, Some("PVEAPIToken=u@pve!t=secret-value"))
        .expect("an answer")
}

#[test]
fn status_current_has_the_documented_fields() {
    let mut world = PveWorld::new()
        .with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24").named("web-1"))
        .with_guest(WorldGuest::vm("pmx-01", 201, "10.0.0.6/24").stopped());
    let (status, reason, body) = get(&mut world, "/api2/json/nodes/pmx-01/lxc/101/status/current");
    assert_eq!((status, reason.as_str()), (200, "OK"));
    let data = &body["data"];
    for field in [
        "vmid",
        "name",
        "status",
        "type",
        "uptime",
        "cpu",
        "cpus",
        "mem",
        "maxmem",
        "swap",
        "maxswap",
        "disk",
        "maxdisk",
        "netin",
        "netout",
        "diskread",
        "diskwrite",
        "ha",
    ] {
        assert!(data.get(field).is_some(), "missing {field}: {data}");
    }
    assert_eq!(data["status"], "running");
    assert_eq!(data["type"], "lxc");
    let (_, _, body) = get(
        &mut world,
        "/api2/json/nodes/pmx-01/qemu/201/status/current",
    );
    assert_eq!(body["data"]["status"], "stopped");
    assert_eq!(body["data"]["agent"], 1);
}

#[test]
fn interfaces_use_inet_for_containers_and_the_agent_result_for_vms() {
    let mut world = PveWorld::new()
        .with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24"))
        .with_guest(WorldGuest::container("pmx-01", 102, "10.0.0.7/24").stopped())
        .with_guest(WorldGuest::vm("pmx-01", 201, "10.0.0.6/24"));
    let (_, _, body) = get(&mut world, "/api2/json/nodes/pmx-01/lxc/101/interfaces");
    assert_eq!(body["data"][0]["name"], "lo");
    assert_eq!(body["data"][1]["inet"], "10.0.0.5/24");
    assert_eq!(
        body["data"][1]["ip-addresses"][0]["ip-address-type"],
        "inet"
    );
    let (_, _, body) = get(&mut world, "/api2/json/nodes/pmx-01/lxc/102/interfaces");
    assert_eq!(body, json!({"data": null}));
    let (_, _, body) = get(
        &mut world,
        "/api2/json/nodes/pmx-01/qemu/201/agent/network-get-interfaces",
    );
    assert_eq!(
        body["data"]["result"][1]["ip-addresses"][0]["ip-address"],
        "10.0.0.6"
    );
    assert_eq!(
        body["data"]["result"][1]["ip-addresses"][0]["ip-address-type"],
        "ipv4"
    );
}

#[test]
fn errors_are_null_data_with_the_documented_reasons() {
    let mut world = PveWorld::new()
        .with_guest(
            WorldGuest::vm("pmx-01", 201, "10.0.0.6/24").with_agent(AgentState::NotConfigured),
        )
        .with_guest(WorldGuest::vm("pmx-01", 202, "10.0.0.8/24").with_agent(AgentState::TimesOut))
        .with_guest(WorldGuest::vm("pmx-01", 203, "10.0.0.9/24").stopped())
        .with_node(
            "pmx-02",
            NodeState::Down {
                reason: "No route to host".into(),
            },
        );
    let cases = [
        (
            "/api2/json/nodes/pmx-01/qemu/300/status/current",
            500,
            "Configuration file 'nodes/pmx-01/qemu-server/300.conf' does not exist",
        ),
        (
            "/api2/json/nodes/pmx-01/lxc/905/status/current",
            500,
            "Configuration file 'nodes/pmx-01/lxc/905.conf' does not exist",
        ),
        (
            "/api2/json/nodes/pmx-01/qemu/201/agent/network-get-interfaces",
            500,
            "No QEMU guest agent configured",
        ),
        (
            "/api2/json/nodes/pmx-01/qemu/202/agent/network-get-interfaces",
            500,
            "VM 202 qga command 'guest-network-get-interfaces' failed - got timeout",
        ),
        (
            "/api2/json/nodes/pmx-01/qemu/203/agent/network-get-interfaces",
            500,
            "VM 203 is not running",
        ),
        (
            "/api2/json/nodes/pmx-02/lxc/101/status/current",
            595,
            "No route to host",
        ),
        (
            "/api2/json/nodes/pmx-09/lxc/101/status/current",
            595,
            "no such cluster node",
        ),
        (
            "/api2/json/nodes/pmx-01/qemu/201/snapshot",
            501,
            "Method 'GET /nodes/pmx-01/qemu/201/snapshot' not implemented",
        ),
    ];
    for (path, status, reason) in cases {
        assert_eq!(
            get(&mut world, path),
            (status, reason.to_string(), json!({"data": null})),
            "{path}"
        );
    }
}

#[test]
fn a_token_world_refuses_missing_and_wrong_tokens() {
    let mut world = PveWorld::new()
        .with_token("u@pve!t=secret-value")
        .with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24"));
    let path = "/api2/json/nodes/pmx-01/lxc/101/status/current";
    assert_eq!(world.answer("GET", path, None).unwrap().1, "No ticket");
    let wrong = world
        .answer("GET", path, Some("PVEAPIToken=u@pve!t=other"))
        .unwrap();
    assert_eq!((wrong.0, wrong.1.as_str()), (401, "Authentication failed!"));
    assert_eq!(get(&mut world, path).0, 200);
}

#[test]
fn injected_faults_answer_their_count_of_requests_then_the_world_answers_again() {
    let mut world = PveWorld::new()
        .with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24"))
        .with_fault(
            "/lxc/101/",
            500,
            "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout",
            Some(2),
        );
    let path = "/api2/json/nodes/pmx-01/lxc/101/status/current";
    assert_eq!(get(&mut world, path).0, 500);
    assert_eq!(get(&mut world, path).0, 500);
    assert_eq!(get(&mut world, path).0, 200);
}

#[test]
fn a_hanging_guest_gets_no_answer_and_the_cluster_lists_every_guest() {
    let mut world = PveWorld::new()
        .with_guest(WorldGuest::container("pmx-01", 101, "10.0.0.5/24").hanging())
        .with_guest(WorldGuest::vm("pmx-02", 201, "10.0.0.6/24"));
    assert_eq!(
        world.answer(
            "GET",
            "/api2/json/nodes/pmx-01/lxc/101/status/current",
            None
        ),
        None
    );
    let (_, _, body) = get(&mut world, "/api2/json/cluster/resources");
    assert_eq!(body["data"][0]["id"], "lxc/101");
    assert_eq!(body["data"][1]["node"], "pmx-02");
}

#[test]
fn a_booting_guest_is_stopped_without_an_address_until_its_boot_is_over() {
    let mut world = PveWorld::new().with_guest(
        WorldGuest::container("pmx-01", 105, "10.0.0.9/24")
            .booting_for(std::time::Duration::from_millis(300)),
    );
    let status = "/api2/json/nodes/pmx-01/lxc/105/status/current";
    let interfaces = "/api2/json/nodes/pmx-01/lxc/105/interfaces";
    assert_eq!(get(&mut world, status).2["data"]["status"], "stopped");
    assert_eq!(get(&mut world, interfaces).2["data"], Value::Null);
    assert_eq!(world.cluster_resources()[0]["status"], "stopped");
    std::thread::sleep(std::time::Duration::from_millis(350));
    assert_eq!(get(&mut world, status).2["data"]["status"], "running");
    assert_eq!(
        get(&mut world, interfaces).2["data"][1]["inet"],
        "10.0.0.9/24"
    );
    assert_eq!(world.cluster_resources()[0]["status"], "running");
}
