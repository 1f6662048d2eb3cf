//! Canary secrets planted in a project's variables, its outputs, Terraform's stderr and the environment must not
//! reach the LLM request or the record. Each output path checks itself against the same [`Canaries`]; paths owned
//! elsewhere (comment previews, logs) add their own `assert_absent` call with their text.

use agentlab::contracts::Outcome;
use agentlab::redact::{Redactor, SharedRedactor};
use agentlab::stand_in::llm::{LlmStandIn, ScriptedResponse};

use super::*;

/// The planted secrets and where each was planted.
pub struct Canaries {
    pub planted: Vec<(&'static str, &'static str)>,
}

impl Canaries {
    pub fn new() -> Self {
        Self {
            planted: vec![
                (
                    "sensitive variable in terraform.tfvars",
                    "canary-tfvars-5b1e9d",
                ),
                ("sensitive output in the plan", "canary-output-77c0aa"),
                (
                    "configured secret environment variable",
                    "canary-env-3f9d21",
                ),
                (
                    "Proxmox API token secret in stderr",
                    "0b1e3c5a-9d2f-4e6a-8b7c-1d2e3f4a5b6c",
                ),
                (
                    "private key in stderr",
                    "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHI",
                ),
                ("password in a backend URL", "canary-url-pw-41aa"),
            ],
        }
    }

    pub fn assert_absent(&self, path: &str, text: &str) {
        for (planted_in, secret) in &self.planted {
            assert!(
                !text.contains(secret),
                "the {planted_in} ({secret}) leaked into {path}:\n{text}"
            );
        }
    }
}

#[tokio::test]
async fn no_canary_reaches_the_llm_request_or_the_record() {
    let canaries = Canaries::new();
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("variables.tf"),
        "variable \"root_password\" {\n  type      = string\n  sensitive = true\n}\n",
    )
    .unwrap();
    std::fs::write(
        project.path().join("terraform.tfvars"),
        "root_password = \"canary-tfvars-5b1e9d\"\n",
    )
    .unwrap();

    // The environment as the process would read it; HOMELAB_TOKEN is listed in [redact] env.
    let redactor = SharedRedactor::new(Redactor::from_environment_lookup(
        &["HOMELAB_TOKEN".into()],
        |name| (name == "HOMELAB_TOKEN").then(|| "canary-env-3f9d21".to_string()),
    ));
    // What the Terraform agent does with a sensitive output it finds in the plan.
    redactor.add_secret_json(&serde_json::json!({"admin_password": "canary-output-77c0aa"}));

    let mut terraform = LockContendedTerraform::new();
    terraform.always_fail = true;
    terraform.failure_detail = format!(
        "{LOCK_TIMEOUT}\nprovisioner saw root password canary-tfvars-5b1e9d and output canary-output-77c0aa"
    );
    terraform.log_tail = vec![
        "using token HOMELAB_TOKEN=canary-env-3f9d21".into(),
        "Authorization: PVEAPIToken=terraform@pam!ci=0b1e3c5a-9d2f-4e6a-8b7c-1d2e3f4a5b6c".into(),
        "-----BEGIN OPENSSH PRIVATE KEY-----".into(),
        "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHI".into(),
        "-----END OPENSSH PRIVATE KEY-----".into(),
        "backend endpoint http://minio:canary-url-pw-41aa@nas:9000/tfstate".into(),
    ];

    // An LLM that tries to echo a secret back is redacted too.
    let echoing = hypothesis(
        agentlab::contracts::Category::TransientLock,
        agentlab::contracts::Remediation::ReduceParallelism { parallelism: 1 },
        "lock contention; the password canary-tfvars-5b1e9d is irrelevant",
        &["E2"],
    );
    let server = LlmStandIn::start(vec![
        ScriptedResponse::anthropic_hypothesis(&echoing, 1_000, 100),
        ScriptedResponse::anthropic_hypothesis(&echoing, 1_000, 100),
    ])
    .await
    .unwrap();
    let diagnoser = diagnoser(
        &settings("anthropic:claude-haiku-5-5", &server.base_url(), false),
        redactor.clone(),
    );
    let record = deploy(&terraform, diagnoser.as_ref(), project.path().to_path_buf()).await;
    assert_eq!(record.outcome, Outcome::Failed);

    let requests = server.requests();
    assert!(!requests.is_empty());
    for (index, request) in requests.iter().enumerate() {
        canaries.assert_absent(&format!("LLM request {}", index + 1), &request.body);
    }
    assert!(
        requests[0].body.contains("[REDACTED]"),
        "the redaction shows in the prompt"
    );
    assert!(
        requests[0].body.contains("root_password"),
        "the tfvars file is in the context, its value hidden"
    );

    // The record as a record writer puts it on disk.
    let written = redactor
        .snapshot()
        .redact_serialized(&record)
        .unwrap()
        .to_string();
    canaries.assert_absent("the run record", &written);
    // The diagnosis itself is already clean before any writer touches it.
    let diagnoses = serde_json::to_string(
        &record
            .attempts
            .iter()
            .map(|a| &a.diagnosis)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    canaries.assert_absent("the diagnoses", &diagnoses);
}
