//! The Validator's facts after apply, told two ways on every sandbox project with the real terraform 1.0.3: from
//! the saved plan and the apply's `-json` stream (what a deploy uses), and from `terraform show -json` of the state
//! (what it used to run after every apply). Where the apply went through, the two agree; where it stopped part-way
//! (the partial-apply faults), the plan and the stream refuse to answer and the state is read. A deploy of
//! `sandbox-ok` runs `show -json` once, counted by a terraform wrapper.

use agentlab::contracts::{FactsSource, RunMode};
use agentlab::terraform::applied_facts::{ApplyStreamFacts, PlannedFacts, facts_after_apply};
use agentlab::terraform::plan::{parse_plan_json, parse_state_json};
use agentlab::terraform::ui::UiEventReader;

use crate::support::{
    agentlab, fake_terraform, installed_terraform, records_from_stdout, run_terraform, runner,
    sandbox_copy, sandbox_workspace, stderr_of, terraform_request,
};
use agentlab::terraform::Cancellation;

/// One sandbox project applied by hand: its variables, and whether the apply goes through.
struct Case {
    project: &'static str,
    args: &'static [&'static str],
    applies: bool,
}

const CASES: &[Case] = &[
    Case {
        project: "sandbox-ok",
        args: &[],
        applies: true,
    },
    Case {
        project: "sandbox-no-guests",
        args: &[],
        applies: true,
    },
    Case {
        project: "fault-parallel-lock",
        args: &["-parallelism=1"],
        applies: true,
    },
    Case {
        project: "fault-healthy-neighbour",
        args: &["-var", "neighbour=false"],
        applies: true,
    },
    // The partial applies: some creates fail, others succeed.
    Case {
        project: "fault-vmid-conflict",
        args: &[],
        applies: false,
    },
    Case {
        project: "fault-parallel-lock",
        args: &["-parallelism=10"],
        applies: false,
    },
    Case {
        project: "fault-healthy-neighbour",
        args: &[],
        applies: false,
    },
    Case {
        project: "fault-permission",
        args: &[],
        applies: false,
    },
    Case {
        project: "fault-injection",
        args: &[],
        applies: false,
    },
    Case {
        project: "fault-canaries",
        args: &[],
        applies: false,
    },
];

fn succeeded(output: &std::process::Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

#[test]
fn the_plan_and_the_apply_stream_give_the_facts_the_state_gives_on_every_sandbox_project() {
    for case in CASES {
        let copy = sandbox_copy(case.project);
        let dir = copy.path();
        let label = format!("{} {:?}", case.project, case.args);
        succeeded(&run_terraform(dir, &["init", "-input=false"]), &label);
        let mut plan = vec!["plan", "-input=false", "-out=saved.tfplan"];
        plan.extend(
            case.args
                .iter()
                .filter(|arg| !arg.starts_with("-parallelism")),
        );
        succeeded(&run_terraform(dir, &plan), &label);
        let saved = parse_plan_json(&succeeded(
            &run_terraform(dir, &["show", "-json", "saved.tfplan"]),
            &label,
        ))
        .expect("the plan reads");
        let mut apply = vec!["apply", "-input=false", "-json"];
        apply.extend(
            case.args
                .iter()
                .filter(|arg| arg.starts_with("-parallelism")),
        );
        apply.push("saved.tfplan");
        let applied = run_terraform(dir, &apply);
        assert_eq!(applied.status.success(), case.applies, "{label}");
        let mut stream = ApplyStreamFacts::default();
        for event in UiEventReader::new(applied.stdout.as_slice()) {
            stream.observe(&event.expect("a readable line").kind);
        }
        let state =
            parse_state_json(&succeeded(&run_terraform(dir, &["show", "-json"]), &label)).unwrap();

        let planned = PlannedFacts {
            changes: &saved.resource_changes,
            addresses: &saved.planned_addresses,
            known_outputs: &saved.planned_outputs,
            unknown_outputs: &saved.unknown_outputs,
        };
        match facts_after_apply(planned, &stream) {
            Ok(facts) => {
                assert!(case.applies, "{label}: a partial apply was answered");
                assert_eq!(
                    facts.resource_addresses, state.resource_addresses,
                    "{label}"
                );
                assert_eq!(facts.outputs, state.outputs, "{label}");
            }
            Err(why) => {
                assert!(!case.applies, "{label}: {why}");
                // A failed provisioner leaves its resource in the state, tainted: only the state can say what is
                // there now, so the deploy reads it.
                assert!(why.starts_with("a partial apply"), "{label}: {why}");
            }
        }
    }
}

#[tokio::test]
async fn the_agent_reads_no_state_after_a_whole_apply_and_says_where_its_facts_came_from() {
    let copy = sandbox_copy("sandbox-no-guests");
    let result = runner(Cancellation::new())
        .run_request(&terraform_request(copy.path(), RunMode::Deploy))
        .await
        .expect("terraform runs");
    assert!(result.ok, "{:?}", result.diagnostics);
    assert_eq!(result.facts_source, Some(FactsSource::PlanAndApplyStream));
    let state = parse_state_json(&succeeded(
        &run_terraform(copy.path(), &["show", "-json"]),
        "state",
    ))
    .unwrap();
    assert_eq!(result.resource_addresses, state.resource_addresses);
    // `record_ids` was unknown at plan time: the apply's `outputs` message told it.
    assert_eq!(result.outputs, state.outputs);
    assert_eq!(
        result.outputs["record_ids"].as_array().map(Vec::len),
        Some(2)
    );
    assert!(result.unknown_outputs.is_empty());
}

#[tokio::test]
async fn a_deploy_runs_show_json_once_and_the_record_says_which_facts_it_used() {
    let workspace = sandbox_workspace();
    let log = workspace.path().join("terraform-calls.log");
    let wrapper = fake_terraform(
        workspace.path(),
        "counting-terraform",
        &format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            installed_terraform().display()
        ),
    );
    let output = agentlab(
        workspace.path(),
        &[
            "deploy",
            "--project",
            "sandbox-no-guests",
            "--no-post",
            "--json",
            "--output",
            "out",
            "--llm",
            "none",
        ],
        &[("AGENTLAB_TERRAFORM", wrapper.display().to_string())],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let calls = std::fs::read_to_string(&log).expect("the wrapper ran");
    let mut verbs: Vec<&str> = calls.lines().collect();
    // With no guard that reads the plan first, `show` of the saved plan runs beside `apply`: either may start first.
    verbs[2..].sort_unstable();
    assert_eq!(verbs, ["init", "plan", "apply", "show"], "{calls}");
    let records = records_from_stdout(&output);
    assert_eq!(
        records[0].attempts[0].terraform.facts_source,
        Some(FactsSource::PlanAndApplyStream)
    );
    assert!(
        stderr_of(&output).contains("the state is not read"),
        "{}",
        stderr_of(&output)
    );
}
