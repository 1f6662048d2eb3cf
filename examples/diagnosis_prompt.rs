//! Measures what one diagnosis would send to the LLM for each failure scenario of the eval: the built-in scenarios
//! run through the real Planner and the real Terraform (as `agentlab eval` runs them), with a diagnoser that, at
//! each DIAGNOSING, assembles the real context, counts the tokens of the Anthropic request it would send, and then
//! answers with the known-failure catalogue so the run goes on as it would with a correct model.
//!
//! Tokens are estimated as bytes / 4 (`agentlab::diagnosis::context::tokens`, the approximation the token budget
//! itself uses), plus Anthropic's fixed tool-use system prompt for a forced tool. Cost per incident is the sum over
//! the incident's calls at the built-in price of the model named by `--model` (default: the cheapest current
//! Haiku).
//!
//! Usage: `diagnosis_prompt [--model MODEL] [--work-dir DIR]` with `AGENTLAB_TERRAFORM` and `TF_CLI_CONFIG_FILE`
//! set as for the tests. Prints a Markdown table.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use agentlab::commands::{CommandContext, Environment};
use agentlab::contracts::{
    Category, Diagnosis, DiagnosisRequest, DiagnosisSource, Hypothesis, Remediation,
};
use agentlab::diagnosis::answer::{
    HYPOTHESIS_TOOL_NAME, LONGEST_ROOT_CAUSE_CHARS, hypothesis_schema, system_prompt,
};
use agentlab::diagnosis::catalogue::recognise;
use agentlab::diagnosis::context::{DEFAULT_TOKEN_BUDGET, DiagnosisContext, tokens};
use agentlab::diagnosis::cost::{PriceBook, TokenCounts};
use agentlab::eval::runner::{EvalOptions, run_eval};
use agentlab::eval::scenario::{Scenario, ScenarioKind};
use agentlab::planner::agents::Diagnoser;
use agentlab::planner::category_policy::CategoryTable;
use agentlab::redact::{Redactor, SharedRedactor};
use agentlab::terraform::{Cancellation, TerraformRunner};
use async_trait::async_trait;
use serde_json::json;

/// Anthropic's documented system-prompt overhead for tool use with `tool_choice` `tool` (Claude 4 models; the
/// pricing page's "tool use system prompt token count"). Added to every call.
const FORCED_TOOL_SYSTEM_TOKENS: usize = 313;

/// One call the diagnoser would have made.
#[derive(Debug, Clone, Copy)]
struct CallTokens {
    input: usize,
    output: usize,
    kept: usize,
    dropped: usize,
}

struct CountingDiagnoser {
    calls: Arc<Mutex<Vec<CallTokens>>>,
}

#[async_trait]
impl Diagnoser for CountingDiagnoser {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis {
        let context = DiagnosisContext::assemble(request, &Redactor::new(), DEFAULT_TOKEN_BUDGET);
        let schema = hypothesis_schema(&context.evidence_ids(), &CategoryTable::STRICT);
        let tool = json!({
            "name": HYPOTHESIS_TOOL_NAME,
            "description": "Report the single most likely hypothesis for the failure.",
            "input_schema": schema,
        });
        let input = tokens(&system_prompt(&CategoryTable::STRICT))
            + tokens(&context.render_prompt())
            + tokens(&tool.to_string())
            + FORCED_TOOL_SYSTEM_TOKENS;
        let found = recognise(request, &context);
        // The answer is the forced tool's input: a hypothesis. When the catalogue knows the failure, its hypothesis
        // is the size of a correct answer; otherwise count the longest root cause the answer check accepts.
        let hypothesis = found.as_ref().map_or_else(
            || Hypothesis {
                category: Category::Unknown,
                root_cause: "x".repeat(LONGEST_ROOT_CAUSE_CHARS),
                evidence: context.evidence_ids(),
                remediation: Remediation::Escalate,
                confidence: 0.5,
            },
            |found| found.hypothesis.clone(),
        );
        let output = tokens(&serde_json::to_string(&hypothesis).unwrap_or_default());
        self.calls.lock().expect("not poisoned").push(CallTokens {
            input,
            output,
            kept: context.kept_tokens,
            dropped: context.dropped_tokens,
        });
        match found {
            Some(found) => Diagnosis {
                cited_evidence: context.cited(&found.hypothesis.evidence),
                source: DiagnosisSource::Catalog,
                hypothesis: Some(found.hypothesis),
                detail: Some(format!("counted, then the catalogue: {}", found.signature)),
                usage: Vec::new(),
                catalogue_signature: Some(found.signature.to_string()),
            },
            None => Diagnosis::unavailable("counted; the catalogue does not know this failure"),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut model = "claude-haiku-5-5".to_string();
    let mut work_dir = std::env::temp_dir().join("agentlab-bench-diagnosis");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--model", Some(value)) => model = value,
            ("--work-dir", Some(value)) => work_dir = PathBuf::from(value),
            _ => {
                eprintln!("usage: diagnosis_prompt [--model MODEL] [--work-dir DIR]");
                return ExitCode::from(2);
            }
        }
    }
    let scenarios: Vec<Scenario> = match Scenario::built_in() {
        Ok(all) => all
            .into_iter()
            .filter(|scenario| scenario.kind == ScenarioKind::Failure)
            .collect(),
        Err(error) => {
            eprintln!("diagnosis_prompt: {error}");
            return ExitCode::FAILURE;
        }
    };
    let quote = PriceBook::default().quote(&model);
    let terraform = TerraformRunner::new(
        // AGENTLAB_TERRAFORM as the binary would read it: this example is an edge of its own.
        CommandContext::new(Environment::from_process()).terraform_binary(None),
        SharedRedactor::new(Redactor::new()),
        Cancellation::new(),
    );
    println!(
        "| scenario | calls | context kept / dropped (tokens) | input tokens | output tokens | cost per incident |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut worst = 0.0f64;
    for scenario in &scenarios {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let diagnoser_for = |_: &str| -> Result<Box<dyn Diagnoser>, String> {
            Ok(Box::new(CountingDiagnoser {
                calls: Arc::clone(&calls),
            }))
        };
        let options = EvalOptions {
            models: vec![format!("anthropic:{model}")],
            repeat: 1,
            work_dir: work_dir.clone(),
            terraform: &terraform,
            terraform_version: terraform.version().await,
            diagnoser_for: &diagnoser_for,
            node: "pmx-01".to_string(),
        };
        if let Err(error) = run_eval(std::slice::from_ref(scenario), &options).await {
            eprintln!("diagnosis_prompt: {}: {error}", scenario.name);
            return ExitCode::FAILURE;
        }
        let calls = calls.lock().expect("not poisoned").clone();
        let input: usize = calls.iter().map(|call| call.input).sum();
        let output: usize = calls.iter().map(|call| call.output).sum();
        let kept: Vec<String> = calls
            .iter()
            .map(|call| format!("{} / {}", call.kept, call.dropped))
            .collect();
        let cost = quote.cost_usd(TokenCounts {
            input: input as u64,
            output: output as u64,
            ..TokenCounts::default()
        });
        worst = worst.max(cost);
        println!(
            "| {} | {} | {} | {input} | {output} | ${cost:.6} |",
            scenario.name,
            calls.len(),
            kept.join(", ")
        );
    }
    println!();
    println!("price: {}", quote.label());
    println!("most expensive incident: ${worst:.6}");
    ExitCode::SUCCESS
}
