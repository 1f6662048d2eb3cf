//! The error first, the diagnosis second, on the two failures a new user met: a deploy whose S3 backend has no
//! credentials (diagnosed by an LLM whose key is not set) and a project folder with no `.tf` file (with no
//! diagnoser at all; the offline catalogue names it a configuration mistake at $0, which the last test checks). The
//! real Planner and terraform 1.0.3 run them; every text a person reads
//! (the terminal line, the `::error` annotation, the comment's "Why", the incident's "Why it stopped") names the
//! phase and Terraform's own error before it says that no diagnosis could be had.

use std::path::Path;

use async_trait::async_trait;

use agentlab::contracts::{
    Category, DiagnosisSource, Outcome, RunMode, RunRecord, TerraformPhase, ValidationRequest,
    ValidationResult,
};
use agentlab::diagnosis::{ApiKeys, DiagnosisSettings, LlmSpec, build_diagnoser};
use agentlab::planner::agents::{AgentError, Agents, Validator};
use agentlab::planner::run::run_project;
use agentlab::redact::{Redactor, SharedRedactor};
use agentlab::report::{Outbox, OutboxSettings, Post, outbox};
use agentlab::terraform::{Cancellation, TerraformRunner};

use crate::support::{lxc_fleet_deploy, refused_url, runner};

/// Never reached: both runs fail in Terraform before anything is validated.
struct NoValidation;

#[async_trait]
impl Validator for NoValidation {
    async fn validate(&self, _request: &ValidationRequest) -> Result<ValidationResult, AgentError> {
        Err(AgentError {
            agent: "validator",
            message: "validation must not run after a failed Terraform phase".into(),
        })
    }
}

async fn deploy_with(
    terraform: &TerraformRunner,
    dir: &Path,
    spec: LlmSpec,
    catalog: bool,
) -> RunRecord {
    let mut settings = DiagnosisSettings::with_spec(spec);
    settings.catalog = catalog;
    let diagnoser =
        build_diagnoser(&settings, ApiKeys::default(), SharedRedactor::default()).expect("builds");
    let mut run = lxc_fleet_deploy(dir.to_path_buf());
    run.first_request.project = "homelab".into();
    run.max_retries = 0;
    run_project(
        run,
        Agents {
            terraform,
            validator: &NoValidation,
            diagnoser: diagnoser.as_ref(),
        },
    )
    .await
}

fn texts(record: &RunRecord) -> Outbox {
    let settings = OutboxSettings::new("the run record".into(), "out".into(), true);
    outbox(std::slice::from_ref(record), &settings, &Redactor::new())
}

/// Asserts that `text` names `error` and, when it names the missing diagnosis at all, only after the error.
fn assert_error_first(what: &str, text: &str, error: &str) {
    let lower = text.to_lowercase();
    let error_at = lower
        .find(&error.to_lowercase())
        .unwrap_or_else(|| panic!("{what} does not name `{error}`:\n{text}"));
    if let Some(note_at) = lower.find("diagnosis unavailable") {
        assert!(
            error_at < note_at,
            "{what} puts the missing diagnosis before the error:\n{text}"
        );
    }
}

/// The paragraph of `body` that starts with `label`.
fn paragraph<'a>(body: &'a str, label: &str) -> &'a str {
    body.split("\n\n")
        .find(|paragraph| paragraph.starts_with(label))
        .unwrap_or_else(|| panic!("no {label} paragraph in:\n{body}"))
}

/// Every text a person reads about `record` leads with the phase and `error`; the diagnosis that could not be had
/// is a note after it.
fn assert_every_text_leads_with(record: &RunRecord, phase: &str, error: &str) {
    let outbox = texts(record);
    let terminal = &outbox.terminal_lines[0];
    assert!(
        terminal.starts_with(&format!(
            "homelab: FAILED after 1 attempt: terraform {phase} failed: "
        )),
        "{terminal}"
    );
    assert_error_first("the terminal line", terminal, error);
    assert!(terminal.contains("diagnosis unavailable"), "{terminal}");

    let annotation = outbox
        .workflow_commands
        .iter()
        .find(|command| command.starts_with("::error"))
        .expect("an ::error annotation");
    assert_error_first("the annotation", annotation, error);

    let mut bodies = 0;
    for post in &outbox.posts {
        let (label, body) = match post {
            Post::Comment(comment) => ("**Why:**", &comment.bodies[0]),
            Post::Incident(incident) => ("**Why it stopped:**", &incident.bodies[0]),
            _ => continue,
        };
        bodies += 1;
        let why = paragraph(body, label);
        assert!(
            why.starts_with(&format!("{label} terraform `{phase}` failed: `")),
            "{why}"
        );
        assert_error_first(label, why, error);
        assert!(
            !why.contains("diagnosis unavailable"),
            "the error's paragraph is the error's alone: {why}"
        );
        let note = paragraph(body, "**Note:**");
        assert!(
            note.starts_with("**Note:** diagnosis unavailable: "),
            "{note}"
        );
        assert!(
            body.find(why).unwrap() < body.find(note).unwrap(),
            "the note follows the error:\n{body}"
        );
    }
    assert_eq!(bodies, 2, "a timeline and an incident issue");
}

#[tokio::test]
async fn no_s3_credentials_lead_with_terraforms_error_not_with_the_missing_api_key() {
    let workspace = tempfile::tempdir().expect("temp dir");
    let fixtures = crate::support::crate_root().join("tests/fixtures/s3-state");
    let project = workspace.path().join("s3-fleet");
    std::fs::create_dir_all(&project).expect("project dir");
    for entry in std::fs::read_dir(fixtures.join("s3-fleet")).expect("fixture") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            std::fs::copy(entry.path(), project.join(entry.file_name())).expect("copy");
        }
    }
    let backend =
        std::fs::read_to_string(fixtures.join("s3-backend/moto-terraform-1.0.s3.tfbackend"))
            .expect("backend fixture")
            .replace("@ENDPOINT@", &refused_url());
    let backend_file = workspace.path().join("store.s3.tfbackend");
    std::fs::write(&backend_file, backend).expect("backend file");

    // No key of any kind: the S3 backend refuses to start before it reaches the network.
    let mut terraform = runner(Cancellation::new());
    for (name, value) in [
        ("AWS_ACCESS_KEY_ID", ""),
        ("AWS_SECRET_ACCESS_KEY", ""),
        ("AWS_SESSION_TOKEN", ""),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", ""),
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ""),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", ""),
    ] {
        terraform = terraform.with_environment(name, value);
    }
    let mut settings = DiagnosisSettings::with_spec(LlmSpec::Anthropic {
        model: "claude-haiku-4-5".into(),
    });
    settings.catalog = false;
    let diagnoser =
        build_diagnoser(&settings, ApiKeys::default(), SharedRedactor::default()).expect("builds");
    let mut run = lxc_fleet_deploy(project.clone());
    run.first_request.project = "homelab".into();
    run.first_request.backend_config = vec![
        backend_file.display().to_string(),
        "key=homelab/terraform.tfstate".into(),
    ];
    run.max_retries = 0;
    let record = run_project(
        run,
        Agents {
            terraform: &terraform,
            validator: &NoValidation,
            diagnoser: diagnoser.as_ref(),
        },
    )
    .await;

    assert_eq!(record.outcome, Outcome::Failed, "{record:#?}");
    assert_eq!(record.attempts[0].terraform.phase, TerraformPhase::Init);
    let diagnosis = record.attempts[0].diagnosis.as_ref().expect("asked");
    assert_eq!(diagnosis.source, DiagnosisSource::Unavailable);
    assert!(
        record
            .failure_reason
            .as_deref()
            .is_some_and(|reason| reason.contains("ANTHROPIC_API_KEY is not set")),
        "{record:#?}"
    );
    assert_every_text_leads_with(&record, "init", "no valid credential sources");
}

#[tokio::test]
async fn an_empty_project_folder_leads_with_no_configuration_files() {
    let empty = tempfile::tempdir().expect("temp dir");
    let terraform = runner(Cancellation::new());
    // No diagnoser at all: no diagnosis can be had, and the texts must still lead with Terraform's error.
    let record = deploy_with(&terraform, empty.path(), LlmSpec::None, false).await;

    assert_eq!(record.outcome, Outcome::Failed, "{record:#?}");
    assert_eq!(record.mode, RunMode::Deploy);
    let diagnosis = record.attempts[0].diagnosis.as_ref().expect("asked");
    assert_eq!(diagnosis.source, DiagnosisSource::Unavailable);
    let phase = match record.attempts[0].terraform.phase {
        TerraformPhase::Init => "init",
        TerraformPhase::Plan => "plan",
        TerraformPhase::Apply => "apply",
    };
    assert_every_text_leads_with(&record, phase, "No configuration files");
}

#[tokio::test]
async fn the_catalogue_names_an_empty_project_folder_a_configuration_mistake_at_no_cost() {
    let empty = tempfile::tempdir().expect("temp dir");
    let terraform = runner(Cancellation::new());
    let record = deploy_with(&terraform, empty.path(), LlmSpec::Catalog, true).await;

    assert_eq!(record.outcome, Outcome::Failed, "{record:#?}");
    let diagnosis = record.attempts[0].diagnosis.as_ref().expect("asked");
    assert_eq!(diagnosis.source, DiagnosisSource::Catalog);
    let hypothesis = diagnosis.hypothesis.as_ref().expect("a hypothesis");
    assert_eq!(hypothesis.category, Category::Configuration);
    assert!(
        hypothesis.root_cause.contains("No configuration files"),
        "{}",
        hypothesis.root_cause
    );
    assert_eq!(record.llm_calls, 0);
    assert_eq!(record.cost_usd, 0.0);
    let outbox = texts(&record);
    assert_error_first(
        "the terminal line",
        &outbox.terminal_lines[0],
        "No configuration files",
    );
}
