//! The transition table (ARCHITECTURE.md's state diagram), row by row, and its invariants over random event sequences.

use super::*;
use crate::contracts::Category;
use proptest::prelude::*;

pub(super) fn hypothesis(
    category: Category,
    remediation: Remediation,
    root_cause: &str,
) -> Hypothesis {
    Hypothesis {
        category,
        root_cause: root_cause.to_string(),
        evidence: vec!["E1".to_string()],
        remediation,
        confidence: 0.7,
    }
}

fn lock_hypothesis() -> Hypothesis {
    hypothesis(
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
        "parallel creation contends for the node lock",
    )
}

pub(super) fn diagnosed(hypothesis: Hypothesis) -> Event {
    Event::DiagnosisFinished {
        outcome: DiagnosisOutcome::Hypothesis(hypothesis),
        failed_addresses: vec!["null_resource.guest[0]".to_string()],
    }
}

pub(super) fn terraform(ok: bool) -> Event {
    Event::TerraformFinished {
        ok,
        summary: if ok {
            "1 to add".into()
        } else {
            "Error: boom".into()
        },
    }
}

fn validation(ok: bool) -> Event {
    Event::ValidationFinished {
        ok,
        summary: if ok {
            "4 checks".into()
        } else {
            "reachable failed".into()
        },
    }
}

/// Runs `events` from a fresh machine with `max_retries` and returns the machine and the commands.
pub(super) fn drive(max_retries: u32, events: Vec<Event>) -> (Machine, Vec<Command>) {
    let mut machine = Machine::new(max_retries);
    let commands = events
        .into_iter()
        .map(|event| machine.step(event))
        .collect();
    (machine, commands)
}

fn states(machine: &Machine) -> Vec<(StateName, StateName)> {
    machine
        .transitions()
        .iter()
        .map(|transition| (transition.from, transition.to))
        .collect()
}

struct Row {
    name: &'static str,
    events: Vec<Event>,
    last_command: Command,
    final_state: State,
}

#[test]
fn every_row_of_the_transition_table() {
    let failed = |reason: &str| State::Failed {
        reason: reason.to_string(),
    };
    let finish_failed = |reason: &str| Command::Finish {
        outcome: Outcome::Failed,
        reason: Some(reason.to_string()),
    };
    let rows = vec![
        Row {
            name: "init --start--> running, attempt 1",
            events: vec![Event::Start],
            last_command: Command::RunTerraform {
                attempt: 1,
                remediation: None,
            },
            final_state: State::Running { attempt: 1 },
        },
        Row {
            name: "running --terraform ok--> validating",
            events: vec![Event::Start, terraform(true)],
            last_command: Command::Validate { attempt: 1 },
            final_state: State::Validating { attempt: 1 },
        },
        Row {
            name: "running --terraform failed--> diagnosing",
            events: vec![Event::Start, terraform(false)],
            last_command: Command::Diagnose {
                attempt: 1,
                failure: FailureKind::Terraform,
            },
            final_state: State::Diagnosing {
                attempt: 1,
                failure: FailureKind::Terraform,
            },
        },
        Row {
            name: "running --refused--> failed, with no diagnosis",
            events: vec![
                Event::Start,
                Event::Refused {
                    reason: "plan changed since review".into(),
                },
            ],
            last_command: finish_failed("plan changed since review"),
            final_state: failed("plan changed since review"),
        },
        Row {
            name: "validating --all pass--> success",
            events: vec![Event::Start, terraform(true), validation(true)],
            last_command: Command::Finish {
                outcome: Outcome::Success,
                reason: None,
            },
            final_state: State::Success,
        },
        Row {
            name: "validating --a check fails--> diagnosing",
            events: vec![Event::Start, terraform(true), validation(false)],
            last_command: Command::Diagnose {
                attempt: 1,
                failure: FailureKind::Validation,
            },
            final_state: State::Diagnosing {
                attempt: 1,
                failure: FailureKind::Validation,
            },
        },
        Row {
            name: "diagnosing --accepted retryable remediation--> running with it",
            events: vec![Event::Start, terraform(false), diagnosed(lock_hypothesis())],
            last_command: Command::RunTerraform {
                attempt: 2,
                remediation: Some(Remediation::ReduceParallelism { parallelism: 1 }),
            },
            final_state: State::Running { attempt: 2 },
        },
        Row {
            name: "diagnosing --retry cap reached--> failed",
            events: vec![Event::Start, terraform(false), diagnosed(lock_hypothesis())],
            last_command: finish_failed("retry cap reached after 1 attempts"),
            final_state: failed("retry cap reached after 1 attempts"),
        },
        Row {
            name: "diagnosing --repeated hypothesis--> failed",
            events: vec![
                Event::Start,
                terraform(false),
                diagnosed(lock_hypothesis()),
                terraform(false),
                diagnosed(lock_hypothesis()),
            ],
            last_command: finish_failed(
                "repeated hypothesis (same category and remediation as hypothesis 1)",
            ),
            final_state: failed(
                "repeated hypothesis (same category and remediation as hypothesis 1)",
            ),
        },
        Row {
            name: "diagnosing --escalate--> failed",
            events: vec![
                Event::Start,
                terraform(false),
                diagnosed(hypothesis(
                    Category::Permission,
                    Remediation::Escalate,
                    "token lacks VM.Allocate",
                )),
            ],
            last_command: finish_failed(
                "escalated to a human (permission): token lacks VM.Allocate",
            ),
            final_state: failed("escalated to a human (permission): token lacks VM.Allocate"),
        },
        Row {
            name: "diagnosing --policy refusal--> failed",
            events: vec![
                Event::Start,
                terraform(false),
                diagnosed(hypothesis(
                    Category::TransientLock,
                    Remediation::RetryAfter { seconds: 3600 },
                    "the node is busy",
                )),
            ],
            last_command: finish_failed(
                "policy refused the remediation: retry_after of 3600 s exceeds the 600 s limit",
            ),
            final_state: failed(
                "policy refused the remediation: retry_after of 3600 s exceeds the 600 s limit",
            ),
        },
        Row {
            name: "diagnosing --replace, even of the failed address--> failed, held for a person",
            events: vec![
                Event::Start,
                terraform(false),
                diagnosed(hypothesis(
                    Category::ResourceConflict,
                    Remediation::Replace {
                        address: "null_resource.guest[0]".into(),
                    },
                    "stale guest",
                )),
            ],
            last_command: finish_failed(HELD_REPLACE),
            final_state: failed(HELD_REPLACE),
        },
        Row {
            name: "diagnosing --reinit_upgrade--> failed, held for a person",
            events: vec![
                Event::Start,
                terraform(false),
                diagnosed(hypothesis(
                    Category::ProviderIncompatibility,
                    Remediation::ReinitUpgrade,
                    "old provider",
                )),
            ],
            last_command: finish_failed(HELD_REINIT),
            final_state: failed(HELD_REINIT),
        },
        Row {
            name: "diagnosing --diagnosis unavailable--> failed",
            events: vec![
                Event::Start,
                terraform(false),
                Event::DiagnosisFinished {
                    outcome: DiagnosisOutcome::Unavailable {
                        reason: "no diagnoser configured".into(),
                    },
                    failed_addresses: vec![],
                },
            ],
            last_command: finish_failed("diagnosis unavailable: no diagnoser configured"),
            final_state: failed("diagnosis unavailable: no diagnoser configured"),
        },
        Row {
            name: "any live state --cancelled--> failed",
            events: vec![Event::Start, Event::Cancelled],
            last_command: finish_failed("cancelled"),
            final_state: failed("cancelled"),
        },
        Row {
            name: "any live state --fault--> failed",
            events: vec![
                Event::Start,
                Event::Fault {
                    reason: "cannot spawn terraform".into(),
                },
            ],
            last_command: finish_failed("cannot spawn terraform"),
            final_state: failed("cannot spawn terraform"),
        },
    ];
    for row in rows {
        let max_retries = if row.name.contains("retry cap") { 0 } else { 3 };
        let (machine, commands) = drive(max_retries, row.events);
        assert_eq!(commands.last(), Some(&row.last_command), "{}", row.name);
        assert_eq!(machine.state(), &row.final_state, "{}", row.name);
    }
}

const HELD_REPLACE: &str = "a person must decide on `replace`: `replace` is not run unattended ([policy] unattended does not list it)";
const HELD_REINIT: &str = "a person must decide on `reinit_upgrade`: `reinit_upgrade` is not run unattended ([policy] unattended does not list it)";

#[test]
fn a_recovered_run_records_every_transition_with_its_reason() {
    let (machine, _) = drive(
        3,
        vec![
            Event::Start,
            terraform(false),
            diagnosed(lock_hypothesis()),
            terraform(true),
            validation(true),
        ],
    );
    use StateName::*;
    assert_eq!(
        states(&machine),
        vec![
            (Init, Running),
            (Running, Diagnosing),
            (Diagnosing, Running),
            (Running, Validating),
            (Validating, Success)
        ]
    );
    let reasons: Vec<&str> = machine
        .transitions()
        .iter()
        .map(|t| t.reason.as_str())
        .collect();
    assert_eq!(reasons[1], "terraform failed: Error: boom");
    assert_eq!(
        reasons[2],
        "transient_lock: retry as attempt 2 with reduce_parallelism"
    );
}

#[test]
fn events_that_do_not_fit_the_state_change_nothing() {
    let mut machine = Machine::new(3);
    assert!(matches!(
        machine.step(validation(true)),
        Command::Ignore { .. }
    ));
    assert_eq!(machine.state(), &State::Init);
    let _ = machine.step(Event::Start);
    assert!(matches!(
        machine.step(diagnosed(lock_hypothesis())),
        Command::Ignore { .. }
    ));
    assert!(matches!(machine.step(Event::Start), Command::Ignore { .. }));
    assert_eq!(machine.state(), &State::Running { attempt: 1 });
    assert_eq!(
        machine.transitions().len(),
        1,
        "ignored events leave no transition"
    );
}

/// A random event: valid or not for whatever state the machine is in.
fn any_event() -> impl Strategy<Value = Event> {
    let categories = prop::sample::select(Category::ALL.to_vec());
    let remediations = prop_oneof![
        Just(Remediation::Retry),
        (0u32..1200).prop_map(|seconds| Remediation::RetryAfter { seconds }),
        (0u32..4).prop_map(|parallelism| Remediation::ReduceParallelism { parallelism }),
        Just(Remediation::ReinitUpgrade),
        prop::sample::select(vec!["null_resource.guest[0]", "null_resource.nowhere"]).prop_map(
            |address| Remediation::Replace {
                address: address.to_string()
            }
        ),
        Just(Remediation::Escalate),
    ];
    let root_causes = prop::sample::select(vec![
        "parallel creation contends for the node lock",
        "the token lacks a privilege",
        "the template file is missing",
        "the S3 backend is unreachable",
    ]);
    let hypotheses =
        (categories, remediations, root_causes).prop_map(|(category, remediation, root_cause)| {
            hypothesis(category, remediation, root_cause)
        });
    prop_oneof![
        2 => Just(Event::Start),
        4 => any::<bool>().prop_map(terraform),
        4 => any::<bool>().prop_map(validation),
        4 => hypotheses.prop_map(diagnosed),
        1 => Just(Event::DiagnosisFinished {
            outcome: DiagnosisOutcome::Unavailable { reason: "down".into() },
            failed_addresses: vec![],
        }),
        1 => Just(Event::Cancelled),
        1 => Just(Event::Fault { reason: "fault".into() }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn invariants_hold_over_random_event_sequences(
        max_retries in 0u32..5,
        events in prop::collection::vec(any_event(), 0..40),
    ) {
        let mut machine = Machine::new(max_retries);
        let mut ended = None::<State>;
        for event in events {
            let before = machine.state().clone();
            let earlier = machine.hypotheses().to_vec();
            let repeat = match (&before, &event) {
                (State::Diagnosing { .. }, Event::DiagnosisFinished { outcome: DiagnosisOutcome::Hypothesis(h), .. }) =>
                    find_repeat(h, &earlier).is_some(),
                _ => false,
            };
            let command = machine.step(event);
            let after = machine.state().clone();

            // A diagnosis is only ever commanded in DIAGNOSING.
            if matches!(command, Command::Diagnose { .. }) {
                prop_assert!(matches!(after, State::Diagnosing { .. }), "diagnose commanded in {:?}", after);
            }
            // Success and Failed are final.
            if let Some(ended) = &ended {
                prop_assert_eq!(&after, ended);
                prop_assert!(matches!(command, Command::Ignore { .. }), "a final state answered {:?}", command);
            }
            if after.is_final() {
                ended = Some(after.clone());
            }
            // Attempts never exceed the cap.
            match (&command, &after) {
                (Command::RunTerraform { attempt, .. }, _) | (_, State::Running { attempt }) |
                (_, State::Validating { attempt }) | (_, State::Diagnosing { attempt, .. }) => {
                    prop_assert!(*attempt <= machine.max_attempts(), "attempt {} over cap {}", attempt, machine.max_attempts());
                }
                _ => {}
            }
            // A repeated hypothesis always ends in Failed.
            if repeat {
                prop_assert!(matches!(after, State::Failed { .. }), "repeat led to {:?}", after);
            }
            // The log is a chain: each transition starts where the previous one ended.
            let chain = machine.transitions();
            for pair in chain.windows(2) {
                prop_assert_eq!(pair[0].to, pair[1].from);
            }
        }
    }

    #[test]
    fn every_run_driven_by_its_commands_ends_in_success_or_failed(
        max_retries in 0u32..5,
        outcomes in prop::collection::vec(any::<bool>(), 64),
        answers in prop::collection::vec(any_event(), 64),
    ) {
        let mut machine = Machine::new(max_retries);
        let mut command = machine.step(Event::Start);
        let mut outcomes = outcomes.into_iter().cycle();
        let mut answers = answers.into_iter().filter(|event| matches!(event, Event::DiagnosisFinished { .. })).cycle();
        let fallback = diagnosed(lock_hypothesis());
        let mut steps = 0;
        while let Command::RunTerraform { .. } | Command::Validate { .. } | Command::Diagnose { .. } = command {
            steps += 1;
            prop_assert!(steps <= 3 * machine.max_attempts() + 1, "no end after {} steps", steps);
            let event = match command {
                Command::RunTerraform { .. } => terraform(outcomes.next().unwrap_or(true)),
                Command::Validate { .. } => validation(outcomes.next().unwrap_or(true)),
                _ => answers.next().unwrap_or_else(|| fallback.clone()),
            };
            command = machine.step(event);
        }
        prop_assert!(matches!(command, Command::Finish { .. }), "ended with {:?}", command);
        prop_assert!(machine.state().is_final());
    }
}
