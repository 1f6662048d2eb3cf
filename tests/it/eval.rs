//! The eval harness and the demo, end to end: the real Planner, the real terraform on the bundled sandbox, the
//! Proxmox VE world on loopback, an LLM stand-in speaking the OpenAI wire format, and a real Pushgateway.

use std::path::Path;

use agentlab::contracts::{Category, Remediation};
use agentlab::eval::runner::{EvalOptions, run_eval};
use agentlab::eval::scenario::{Scenario, ScenarioKind};
use agentlab::planner::agents::Diagnoser;
use agentlab::redact::SharedRedactor;
use agentlab::stand_in::llm::{LlmStandIn, ScriptedResponse};
use agentlab::terraform::Cancellation;

use crate::diagnosis::{diagnoser, hypothesis, set_price, settings};
use crate::support::{
    PushgatewayProcess, agentlab_in, runner_with_redactor, with_installed_terraform,
};

/// `agentlab ARGS` in `dir` with the installed terraform and a clean environment.
fn agentlab(args: &[&str], dir: &Path) -> std::process::Output {
    with_installed_terraform(&mut agentlab_in(dir))
        .args(args)
        .output()
        .expect("the agentlab binary runs")
}

fn scenarios(names: &[&str]) -> Vec<Scenario> {
    let all = Scenario::built_in().unwrap();
    names
        .iter()
        .map(|name| all.iter().find(|s| s.name == *name).cloned().unwrap())
        .collect()
}

/// What the demo must report for each built-in scenario, as its table prints it: every scenario passes through the
/// offline catalogue, the happy paths succeed, the lock timeout recovers, the other failures stay failed with the
/// right category, and nothing calls a model or costs a cent.
/// Columns: scenario, kind, pass, outcome, category, LLM calls, tokens in/out, cost in dollars.
type DemoRow = (
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static str,
    u32,
    &'static str,
    f64,
);

#[rustfmt::skip]
const DEMO_ROWS: [DemoRow; 8] = [
    ("happy-single-lxc", "happy", true, "success", "–", 0, "0/0", 0.0),
    ("happy-fleet-of-five", "happy", true, "success", "–", 0, "0/0", 0.0),
    ("provider-incompatibility", "failure", true, "failed", "provider_incompatibility", 0, "0/0", 0.0),
    ("validator-pattern-mismatch", "failure", true, "failed", "validation_mismatch", 0, "0/0", 0.0),
    ("parallel-lock-timeout", "failure", true, "recovered", "transient_lock", 0, "0/0", 0.0),
    ("state-backend-offline", "failure", true, "failed", "state_backend", 0, "0/0", 0.0),
    ("vmid-conflict", "failure", true, "failed", "resource_conflict", 0, "0/0", 0.0),
    ("guest-unreachable", "failure", true, "failed", "network", 0, "0/0", 0.0),
];

/// The cells of the demo table's row for `scenario`: scenario, model, pass, outcome, category, LLM calls, tokens,
/// cost, latency.
fn table_row(stdout: &str, scenario: &str) -> Vec<String> {
    let rows: Vec<Vec<String>> = stdout
        .lines()
        .map(|line| {
            line.trim()
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.len() == 9 && cells[0] == scenario)
        .collect();
    assert_eq!(rows.len(), 1, "one row for {scenario} in:\n{stdout}");
    rows[0].clone()
}

/// The demo's previews as a reader meets them: every scenario has its pull request's plan comment and its deploy's
/// timeline, no recovery comment that would never be posted; every failed deploy's comment and issue start with
/// the real error (Terraform's, or the failing check); every evidence label stands next to its evidence; the
/// guide names the folder and the file to open first; the terraform used is named.
fn assert_previews_read_well(previews: &Path, stderr: &str) {
    assert!(
        stderr.contains("agentlab demo: terraform ") && stderr.contains("from AGENTLAB_TERRAFORM"),
        "{stderr}"
    );
    assert!(
        stderr.contains("open first:  happy-fleet-of-five.pr-comment.md"),
        "{stderr}"
    );
    assert!(stderr.contains("are in demo/previews/:"), "{stderr}");
    for (scenario, _, _, outcome, ..) in DEMO_ROWS {
        for kind in ["pr-comment", "deploy-timeline"] {
            assert!(
                previews.join(format!("{scenario}.{kind}.md")).is_file(),
                "{scenario}.{kind}.md"
            );
        }
        let plan_comment =
            std::fs::read_to_string(previews.join(format!("{scenario}.pr-comment.md"))).unwrap();
        assert!(
            !plan_comment.contains("no such cluster node"),
            "{scenario}: the plan looks for guests on the node the deploy uses:\n{plan_comment}"
        );
        assert!(
            !previews
                .join(format!("{scenario}.incident-recovery.md"))
                .exists(),
            "no open incident, so no recovery would be posted for {scenario}"
        );
        if outcome != "failed" {
            continue;
        }
        let timeline =
            std::fs::read_to_string(previews.join(format!("{scenario}.deploy-timeline.md")))
                .unwrap();
        let issue = std::fs::read_to_string(previews.join(format!("{scenario}.incident-issue.md")))
            .unwrap();
        assert!(issue.starts_with("# agentlab incident: "), "{issue}");
        for (text, label) in [(&timeline, "**Why:** "), (&issue, "**Why it stopped:** ")] {
            let first_paragraph = text
                .split("\n\n")
                .find(|paragraph| !paragraph.starts_with('#') && !paragraph.starts_with("<!--"))
                .unwrap_or_default();
            assert!(
                first_paragraph.starts_with(&format!("{label}terraform `"))
                    || first_paragraph.starts_with(&format!("{label}check `")),
                "{scenario}: the text must start with the real error:\n{text}"
            );
            assert!(!first_paragraph.contains("diagnosis unavailable"), "{text}");
        }
    }
    for entry in std::fs::read_dir(previews).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (at, _) in text.match_indices("`E") {
            let label = &text[at + 1..];
            if !label[1..].starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
            assert!(
                text[line_start..at].trim() == "-",
                "an evidence label without its evidence:\n{}",
                &text[line_start..text[at..].find('\n').map_or(text.len(), |end| at + end)]
            );
        }
        assert!(
            !text.contains('\u{2060}'),
            "no invisible characters: {text}"
        );
    }
}

#[test]
fn the_demo_runs_every_built_in_scenario_and_writes_what_it_would_post() {
    let dir = tempfile::tempdir().unwrap();
    let output = agentlab(&["demo", "--output", "demo"], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("Happy paths made 0 LLM calls"), "{stderr}");

    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo/report.json")).unwrap(),
    )
    .unwrap();
    let results = report["results"].as_array().unwrap();
    let mut built_in: Vec<String> = Scenario::built_in()
        .unwrap()
        .into_iter()
        .map(|scenario| scenario.name)
        .collect();
    built_in.sort();
    let mut in_table: Vec<String> = DEMO_ROWS.iter().map(|row| row.0.to_string()).collect();
    in_table.sort();
    assert_eq!(
        in_table, built_in,
        "the table covers every built-in scenario"
    );
    assert_eq!(results.len(), DEMO_ROWS.len());
    for (scenario, kind, pass, outcome, category, llm_calls, tokens, cost_usd) in DEMO_ROWS {
        assert_eq!(
            table_row(&stdout, scenario)[..8],
            [
                scenario,
                "catalog",
                if pass { "✅" } else { "❌" },
                outcome,
                category,
                &llm_calls.to_string(),
                tokens,
                &format!("${cost_usd:.6}"),
            ]
            .iter()
            .map(|cell| cell.to_string())
            .collect::<Vec<_>>(),
            "the printed row of {scenario}"
        );
        let result = results
            .iter()
            .find(|result| result["scenario"] == scenario)
            .unwrap_or_else(|| panic!("no result for {scenario} in report.json"));
        assert_eq!(
            (
                result["kind"].as_str(),
                result["pass"].as_bool(),
                result["outcome"].as_str(),
                result["llm_calls"].as_u64(),
                result["cost_usd"].as_f64(),
            ),
            (
                Some(kind),
                Some(pass),
                Some(outcome),
                Some(u64::from(llm_calls)),
                Some(cost_usd),
            ),
            "report.json for {scenario}: {result}"
        );
    }
    let previews = dir.path().join("demo/previews");
    assert!(
        previews
            .join("happy-single-lxc.deploy-timeline.md")
            .is_file()
    );
    assert!(
        !previews.join("happy-single-lxc.incident-issue.md").exists(),
        "a healthy run opens no issue"
    );
    assert!(
        !previews
            .join("parallel-lock-timeout.incident-issue.md")
            .exists(),
        "a recovered run opens no issue"
    );
    let incident =
        std::fs::read_to_string(previews.join("vmid-conflict.incident-issue.md")).unwrap();
    assert!(
        incident.contains("resource_conflict") && incident.contains("Retry history"),
        "{incident}"
    );
    assert_previews_read_well(&previews, &stderr);
    assert!(
        !dir.path()
            .join("demo/sandboxes")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some())
    );

    // The scheduled checks: a drifted project and a stopped guest, and the issues they would open.
    assert!(
        stderr.contains("drifted-fleet: drifted: would change null_resource.dns_record (create)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "stopped-guest: unhealthy: failed guest-status for lxc/201 (sandbox-1) on pmx-01"
        ),
        "{stderr}"
    );
    let drift = std::fs::read_to_string(previews.join("drifted-fleet.drift-issue.md")).unwrap();
    assert!(
        drift.starts_with("# agentlab: `drifted-fleet` has drifted")
            && drift.contains("\n\n<!-- agentlab:drift project=drifted-fleet -->")
            && drift.contains("null_resource.dns_record")
            && drift.contains("LLM calls: 0"),
        "{drift}"
    );
    let health = std::fs::read_to_string(previews.join("stopped-guest.health-issue.md")).unwrap();
    assert!(
        health.contains("\n\n<!-- agentlab:health project=stopped-guest -->")
            && health.contains("status is `stopped`, not `running`"),
        "{health}"
    );
    assert!(
        !previews.join("drifted-fleet.health-issue.md").exists()
            && !previews.join("stopped-guest.drift-issue.md").exists(),
        "a problem a project does not have opens no issue"
    );
    assert!(
        !dir.path()
            .join("demo/check-sandboxes")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some()),
        "the checks' sandboxes are removed"
    );
}

#[tokio::test]
async fn a_model_is_called_only_for_the_failure_and_its_cost_is_tokens_times_price() {
    let answer = hypothesis(
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
        "parallel creation of the containers contends for the node lock",
        // E2 is the first lock error: a citation of the failing phase (E1) alone would not score.
        &["E1", "E2"],
    );
    let stand_in = LlmStandIn::start(vec![ScriptedResponse::openai_content(
        &serde_json::to_string(&answer).unwrap(),
        1_200,
        80,
    )])
    .await
    .unwrap();
    let redactor = SharedRedactor::new(Default::default());
    let terraform = runner_with_redactor(redactor.clone(), Cancellation::new());
    let base_url = stand_in.openai_base_url();
    let diagnoser_for = |spec: &str| -> Result<Box<dyn Diagnoser>, String> {
        let mut settings = settings(spec, &base_url, false);
        set_price(&mut settings, "stand-in", 2.0, 10.0);
        Ok(diagnoser(&settings, redactor.clone()))
    };
    let work = tempfile::tempdir().unwrap();
    let options = EvalOptions {
        models: vec!["openai-compatible:stand-in".to_string()],
        repeat: 1,
        work_dir: work.path().to_path_buf(),
        terraform: &terraform,
        terraform_version: terraform.version().await,
        diagnoser_for: &diagnoser_for,
        node: "pmx-01".to_string(),
    };
    let (report, runs) = run_eval(
        &scenarios(&["happy-single-lxc", "parallel-lock-timeout"]),
        &options,
    )
    .await
    .unwrap();

    assert_eq!(
        stand_in.requests().len(),
        1,
        "one call, for the one failure"
    );
    let happy = &report.results[0];
    assert_eq!(
        (happy.kind, happy.llm_calls, happy.pass),
        (ScenarioKind::Happy, 0, true)
    );
    let lock = &report.results[1];
    assert!(lock.pass, "{:?}", lock.failures);
    assert_eq!((lock.outcome.as_str(), lock.llm_calls), ("recovered", 1));
    let expected_cost = 1_200.0 * 2.0 / 1e6 + 80.0 * 10.0 / 1e6;
    assert!(
        (lock.cost_usd - expected_cost).abs() < 1e-12,
        "{} vs {expected_cost}",
        lock.cost_usd
    );
    assert_eq!(
        runs[1].record.attempts[1].parallelism, 1,
        "the retry ran with the reduced parallelism"
    );
    let summary = &report.models[0];
    assert!((summary.cost_per_correct_usd.unwrap() - expected_cost).abs() < 1e-12);
}

#[tokio::test]
async fn eval_metrics_arrive_in_a_real_pushgateway_and_the_textfile() {
    let gateway = PushgatewayProcess::start().await;
    let dir = tempfile::tempdir().unwrap();
    let scenario_dir = dir.path().join("scenarios");
    std::fs::create_dir_all(&scenario_dir).unwrap();
    let (file, text) = agentlab::eval::scenario::BUILT_IN_SCENARIOS[0];
    std::fs::write(scenario_dir.join(file), text).unwrap();
    let output = agentlab(
        &[
            "eval",
            "--scenarios",
            "scenarios",
            "--models",
            "catalog",
            "--output",
            "out",
            "--pushgateway",
            &gateway.url,
            "--metrics-file",
            "agentlab.prom",
            "--json",
        ],
        dir.path(),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["models"][0]["pass_rate"], 1.0);

    let pushed = gateway.exposition().await;
    let ratio = pushed
        .lines()
        .find(|line| {
            line.starts_with("agentlab_eval_pass_ratio{")
                && line.contains("scenario=\"happy-single-lxc\"")
        })
        .unwrap_or_else(|| panic!("no eval gauge in the Pushgateway:\n{pushed}"));
    assert!(
        ratio.contains("model=\"catalog\"") && ratio.ends_with(" 1"),
        "{ratio}"
    );
    assert!(pushed.contains("agentlab_runs_total{"), "{pushed}");
    let textfile = std::fs::read_to_string(dir.path().join("agentlab.prom")).unwrap();
    assert!(textfile.contains("agentlab_eval_pass_ratio{"), "{textfile}");
}
