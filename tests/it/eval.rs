//! The eval harness and the demo, end to end: the real Planner, the real terraform on the bundled sandbox, the
//! Proxmox VE world on loopback, an LLM stand-in speaking the OpenAI wire format, and a real Pushgateway.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use agentlab::contracts::{Category, Remediation};
use agentlab::diagnosis::cost::Price;
use agentlab::diagnosis::llm_stand_in::{LlmStandIn, ScriptedResponse};
use agentlab::eval::runner::{EvalOptions, run_eval};
use agentlab::eval::scenario::{Scenario, ScenarioKind};
use agentlab::planner::run::Diagnoser;
use agentlab::redact::SharedRedactor;
use agentlab::terraform::{Cancellation, TerraformRunner};

use crate::diagnosis::{diagnoser, hypothesis, settings};
use crate::metrics::PushgatewayProcess;
use crate::terraform::{installed_terraform, terraform_cli_config};

fn agentlab(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_agentlab"))
        .args(args)
        .current_dir(dir)
        .env("AGENTLAB_TERRAFORM", installed_terraform())
        .env("TF_CLI_CONFIG_FILE", terraform_cli_config())
        .env_remove("GITHUB_ACTIONS")
        .env_remove("AGENTLAB_LLM_BASE_URL")
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

#[test]
fn the_demo_runs_every_built_in_scenario_and_writes_what_it_would_post() {
    let dir = tempfile::tempdir().unwrap();
    let output = agentlab(&["demo", "--output", "demo"], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("| happy-fleet-of-five | catalog | ✅ | success |"),
        "{stdout}"
    );
    assert!(stderr.contains("Happy paths made 0 LLM calls"), "{stderr}");

    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo/report.json")).unwrap(),
    )
    .unwrap();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), Scenario::built_in().unwrap().len());
    for result in results {
        if result["kind"] == "happy" {
            assert_eq!(result["llm_calls"], 0, "{result}");
            assert_eq!(result["pass"], true, "{result}");
        }
        assert_eq!(
            result["cost_usd"], 0.0,
            "the catalogue costs nothing: {result}"
        );
    }
    let previews = dir.path().join("demo/previews");
    assert!(previews.join("happy-single-lxc.pr-comment.md").is_file());
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
    assert!(
        !dir.path()
            .join("demo/sandboxes")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some())
    );
}

#[tokio::test]
async fn a_model_is_called_only_for_the_failure_and_its_cost_is_tokens_times_price() {
    let answer = hypothesis(
        Category::TransientLock,
        Remediation::ReduceParallelism { parallelism: 1 },
        "parallel creation of the containers contends for the node lock",
        &["E1"],
    );
    let stand_in = LlmStandIn::start(vec![ScriptedResponse::openai_content(
        &serde_json::to_string(&answer).unwrap(),
        1_200,
        80,
    )])
    .await
    .unwrap();
    let redactor = SharedRedactor::new(Default::default());
    let terraform =
        TerraformRunner::new(installed_terraform(), redactor.clone(), Cancellation::new())
            .with_environment(
                "TF_CLI_CONFIG_FILE",
                terraform_cli_config().display().to_string(),
            );
    let base_url = stand_in.openai_base_url();
    let diagnoser_for = |spec: &str| -> Result<Box<dyn Diagnoser>, String> {
        let mut settings = settings(spec, &base_url, false);
        settings.price_overrides = BTreeMap::from([(
            "stand-in".to_string(),
            Price {
                input_per_mtok: 2.0,
                output_per_mtok: 10.0,
                cache_read_per_mtok: 0.0,
                cache_write_per_mtok: 0.0,
            },
        )]);
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
