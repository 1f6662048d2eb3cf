//! The Validator end to end: the real client over HTTP against the loopback Proxmox VE world and real TCP
//! connections to loopback listeners. Every test is one or more [`check`]s: a world, the guests asked about and the
//! port, against what each of the four checks must say (its status, its detail, its evidence); the machinery is in
//! validator/check.rs.

mod check;

use std::time::Duration;

use agentlab::contracts::{CheckName, CheckStatus, Guest, GuestKind, RunMode};
use agentlab::stand_in::proxmox::{AgentState, NodeState, PveWorld, WorldGuest};
use agentlab::validator::ValidatorSettings;

use CheckName::{GuestStatus, IpAssigned, Reachable, Resources};
use CheckStatus::{Fail, Pass, Skip};
use Shows::{AllEvidence, Detail, Evidence};
use Text::{Contains, EndsWith, Is, StartsWith};

use check::{Checked, Expect, Input, Port, Shows, Text, check, expect, fails, passes};

use crate::support::quick_validator_settings;

const TOKEN: &str = "agentlab@pve!validator=0b7f3c1e-5a52-4d4f-8f0e-2c4a9d1e7b66";
const NODE: &str = "pmx-01";
const ADDRESS: &str = "proxmox_virtual_environment_container.container[0]";
/// The checks of every result, in their order.
const CHECKS: [CheckName; 4] = [
    CheckName::Resources,
    CheckName::GuestStatus,
    CheckName::IpAssigned,
    CheckName::Reachable,
];

fn settings() -> ValidatorSettings {
    ValidatorSettings {
        concurrency: 4,
        guest_deadline: Duration::from_secs(30),
        ..quick_validator_settings(Duration::from_secs(5))
    }
}

fn guest(kind: GuestKind, vmid: u32) -> Guest {
    Guest {
        vmid,
        kind,
        node: None,
        name: None,
        ipv4: None,
    }
}

fn lxc(vmid: u32) -> Guest {
    guest(GuestKind::Lxc, vmid)
}

fn qemu(vmid: u32) -> Guest {
    guest(GuestKind::Qemu, vmid)
}

/// A container and a VM, both running, with addresses from the API (LXC interfaces, QEMU guest agent).
fn healthy_world() -> PveWorld {
    PveWorld::new()
        .with_token(TOKEN)
        .with_guest(WorldGuest::container(NODE, 101, "127.0.0.1/8").named("web-1"))
        .with_guest(WorldGuest::vm(NODE, 201, "127.0.0.1/8").named("db-1"))
}

#[tokio::test]
async fn all_four_checks_pass_against_a_healthy_world() {
    let Checked { server, .. } = check(
        Input::live(healthy_world(), vec![lxc(101), qemu(201)]),
        passes(vec![
            expect(Resources, Pass, vec![]),
            expect(GuestStatus, Pass, vec![Detail(Is("2 of 2 guests are running"))]),
            expect(
                IpAssigned,
                Pass,
                vec![
                    AllEvidence(Contains(
                        "lxc/101 on pmx-01: 127.0.0.1 (from GET /api2/json/nodes/pmx-01/lxc/101/interfaces)",
                    )),
                    AllEvidence(Contains(
                        "qemu/201 on pmx-01: 127.0.0.1 (from GET /api2/json/nodes/pmx-01/qemu/201/agent/network-get-interfaces)",
                    )),
                ],
            ),
            expect(
                Reachable,
                Pass,
                vec![AllEvidence(Contains(
                    "127.0.0.1:{port} accepted a TCP connection",
                ))],
            ),
        ]),
    )
    .await;
    for recorded in server.unwrap().requests() {
        assert_eq!(
            recorded.authorization.as_deref(),
            Some(format!("PVEAPIToken={TOKEN}").as_str())
        );
    }
}

#[tokio::test]
async fn an_address_in_the_guests_output_is_used_without_asking_the_api() {
    let mut from_output = qemu(201);
    from_output.ipv4 = Some("127.0.0.1/8".into());
    let Checked { server, .. } = check(
        Input::live(healthy_world(), vec![from_output]),
        passes(vec![expect(
            IpAssigned,
            Pass,
            vec![AllEvidence(Contains("127.0.0.1 (from the guests output)"))],
        )]),
    )
    .await;
    assert!(
        server
            .unwrap()
            .requests()
            .iter()
            .all(|r| !r.path.contains("/agent/"))
    );
}

#[tokio::test]
async fn a_stopped_guest_fails_guest_status_with_its_status() {
    check(
        Input::live(
            healthy_world().with_guest(WorldGuest::container(NODE, 102, "127.0.0.1/8").stopped()),
            vec![lxc(101), lxc(102)],
        ),
        fails(vec![
            expect(
                GuestStatus,
                Fail,
                vec![
                    Detail(Is("1 of 2 guests is not running: lxc/102 on pmx-01")),
                    Evidence(
                        0,
                        Is(
                            "lxc/102 on pmx-01: status is `stopped`, not `running` (GET /api2/json/nodes/pmx-01/lxc/102/status/current)",
                        ),
                    ),
                ],
            ),
            expect(
                IpAssigned,
                Fail,
                vec![AllEvidence(Contains(
                    "lxc/102 on pmx-01: GET /api2/json/nodes/pmx-01/lxc/102/interfaces answers null (the container is not running)",
                ))],
            ),
        ]),
    )
    .await;
}

#[tokio::test]
async fn a_guest_without_an_ipv4_address_fails_ip_assigned_and_reachable() {
    check(
        Input::live(
            healthy_world().with_guest(WorldGuest::container(NODE, 103, "unused").without_ipv4()),
            vec![lxc(103)],
        ),
        fails(vec![
            expect(Resources, Pass, vec![]),
            expect(GuestStatus, Pass, vec![]),
            expect(
                IpAssigned,
                Fail,
                vec![AllEvidence(Is(
                    "lxc/103 on pmx-01: GET /api2/json/nodes/pmx-01/lxc/103/interfaces lists no IPv4 address on any interface but lo",
                ))],
            ),
            expect(
                Reachable,
                Fail,
                vec![AllEvidence(Is(
                    "lxc/103 on pmx-01: no IPv4 address to connect to (see ip-assigned)",
                ))],
            ),
        ]),
    )
    .await;
}

#[tokio::test]
async fn a_guest_agent_that_is_not_running_fails_ip_assigned_with_the_api_answer() {
    check(
        Input::live(
            healthy_world().with_guest(
                WorldGuest::vm(NODE, 202, "127.0.0.1/8").with_agent(AgentState::NotRunning),
            ),
            vec![qemu(201), qemu(202)],
        ),
        fails(vec![
            expect(GuestStatus, Pass, vec![]),
            expect(
                IpAssigned,
                Fail,
                vec![Evidence(
                    0,
                    Is(
                        "qemu/202 on pmx-01: GET /api2/json/nodes/pmx-01/qemu/202/agent/network-get-interfaces → 500 QEMU guest agent is not running",
                    ),
                )],
            ),
        ]),
    )
    .await;
}

#[tokio::test]
async fn an_authentication_failure_fails_the_guest_checks_with_a_clear_message_and_no_token() {
    let Checked { result, .. } = check(
        Input::live(
            healthy_world().with_token("agentlab@pve!validator=some-other-secret"),
            vec![lxc(101)],
        ),
        fails(vec![expect(
            GuestStatus,
            Fail,
            vec![Evidence(
                0,
                Contains(
                    "→ 401 Authentication failed!: the API token was refused; check PROXMOX_VE_API_TOKEN",
                ),
            )],
        )]),
    )
    .await;
    let everything = serde_json::to_string(&result).unwrap();
    assert!(
        !everything.contains("0b7f3c1e"),
        "the token leaked: {everything}"
    );
    assert!(!everything.contains("some-other-secret"), "{everything}");
}

#[tokio::test]
async fn a_node_that_is_down_fails_with_the_595_reason() {
    let mut on_dead_node = lxc(301);
    on_dead_node.node = Some("pmx-02".into());
    // The healthy guest on the other node is still checked and passes.
    check(
        Input::live(
            healthy_world().with_node(
                "pmx-02",
                NodeState::Down {
                    reason: "No route to host".into(),
                },
            ),
            vec![lxc(101), on_dead_node],
        ),
        fails(vec![expect(
            GuestStatus,
            Fail,
            vec![
                Evidence(
                    0,
                    Is(
                        "lxc/301 on pmx-02: GET /api2/json/nodes/pmx-02/lxc/301/status/current → 595 No route to host",
                    ),
                ),
                Evidence(1, StartsWith("lxc/101 on pmx-01: running")),
            ],
        )]),
    )
    .await;
}

#[tokio::test]
async fn a_port_that_refuses_fails_reachable_with_the_address() {
    check(
        Input {
            port: Port::Refused,
            ..Input::live(healthy_world(), vec![lxc(101)])
        },
        fails(vec![
            expect(IpAssigned, Pass, vec![]),
            expect(
                Reachable,
                Fail,
                vec![Evidence(
                    0,
                    Is(
                        "lxc/101 on pmx-01: 127.0.0.1:{port}: connection refused (nothing listens on the port, or a firewall rejects it)",
                    ),
                )],
            ),
        ]),
    )
    .await;
}

#[tokio::test]
async fn a_resources_pattern_that_matches_nothing_names_the_addresses_there_instead() {
    check(
        Input {
            adjust: |telmate| {
                telmate.resources[0].pattern = r"proxmox_lxc\.container\[\d+\]".into()
            },
            ..Input::live(healthy_world(), vec![lxc(101)])
        },
        fails(vec![expect(
            Resources,
            Fail,
            vec![Evidence(
                0,
                EndsWith(
                    "addresses there instead: proxmox_virtual_environment_container.container[0]",
                ),
            )],
        )]),
    )
    .await;
}

#[tokio::test]
async fn in_plan_mode_guests_that_do_not_exist_yet_skip_and_existing_ones_are_checked() {
    let plan = |guests| Input {
        mode: RunMode::Plan,
        ..Input::live(healthy_world(), guests)
    };
    check(
        plan(vec![lxc(101), lxc(905)]),
        passes(vec![expect(
            GuestStatus,
            Pass,
            vec![
                Detail(Is(
                    "1 of 2 guests is running; 1 skipped (not created yet, runs after apply)",
                )),
                Evidence(
                    1,
                    Contains(
                        "runs after apply (the guest does not exist yet: GET /api2/json/nodes/pmx-01/lxc/905/status/current → 500 Configuration file 'nodes/pmx-01/lxc/905.conf' does not exist)",
                    ),
                ),
            ],
        )]),
    )
    .await;
    check(
        plan(vec![lxc(905)]),
        Expect {
            ok: None,
            checks: vec![
                expect(GuestStatus, Skip, vec![]),
                expect(IpAssigned, Skip, vec![]),
                expect(Reachable, Skip, vec![]),
            ],
        },
    )
    .await;
    // In live mode the same missing guest is a failure.
    check(
        Input::live(healthy_world(), vec![lxc(905)]),
        fails(vec![expect(GuestStatus, Fail, vec![])]),
    )
    .await;
}

#[tokio::test]
async fn a_guests_problem_is_a_failing_check_with_the_problem_as_evidence() {
    let Checked { server, .. } = check(
        Input {
            port: Port::Fixed(22),
            adjust: |broken| {
                broken.guests_problem = Some(
                    "the `guests` output is not a list of {vmid, kind, node?, name?, ipv4?}: invalid type"
                        .into(),
                )
            },
            ..Input::live(healthy_world(), Vec::new())
        },
        fails(vec![expect(
            GuestStatus,
            Fail,
            vec![AllEvidence(Is(
                "the `guests` output is not a list of {vmid, kind, node?, name?, ipv4?}: invalid type",
            ))],
        )]),
    )
    .await;
    assert!(server.unwrap().requests().is_empty());
}

#[tokio::test]
async fn one_hanging_guest_cannot_stall_the_others_past_the_deadline() {
    let hanging_world =
        || healthy_world().with_guest(WorldGuest::container(NODE, 104, "127.0.0.1/8").hanging());
    let mut quick = settings();
    quick.client.request_timeout = Duration::from_millis(300);
    quick.concurrency = 1;
    check(
        Input {
            settings: quick,
            ..Input::live(hanging_world(), vec![lxc(104), lxc(101), qemu(201)])
        },
        fails(vec![expect(
            GuestStatus,
            Fail,
            vec![
                Detail(Is("1 of 3 guests is not running: lxc/104 on pmx-01")),
                Evidence(0, Contains("no answer within 300 ms")),
            ],
        )]),
    )
    .await;
    // The guest deadline bounds a guest whose every step is slow.
    let mut tight = quick;
    tight.guest_deadline = Duration::from_secs(2);
    tight.client.request_timeout = Duration::from_secs(30);
    check(
        Input {
            settings: tight,
            ..Input::live(hanging_world(), vec![lxc(104), lxc(101)])
        },
        fails(vec![expect(
            GuestStatus,
            Fail,
            vec![
                Evidence(0, StartsWith("lxc/104 on pmx-01: no verdict within 2 s")),
                Evidence(1, StartsWith("lxc/101 on pmx-01: running")),
            ],
        )]),
    )
    .await;
}

#[tokio::test]
async fn without_api_settings_the_guest_checks_say_what_is_missing() {
    let mut with_address = lxc(101);
    with_address.ipv4 = Some("127.0.0.1".into());
    check(
        Input {
            world: None,
            ..Input::live(PveWorld::new(), vec![with_address])
        },
        fails(vec![
            expect(Resources, Pass, vec![]),
            expect(
                GuestStatus,
                Fail,
                vec![AllEvidence(Contains("PROXMOX_VE_ENDPOINT is not set"))],
            ),
            expect(IpAssigned, Pass, vec![]),
            expect(Reachable, Pass, vec![]),
        ]),
    )
    .await;
}
