//! The known-failure catalogue: deterministic signatures of failures that are well known in the wild, each with
//! its category, remediation and an explanation. It answers first, costs nothing, and is marked
//! `source: catalog`; only what it does not recognise goes to an LLM.
//!
//! Each signature is data — a regular expression over the real wording as providers and Terraform print it (the
//! tests quote the public issue each text comes from), a category, a remediation and a root-cause template that
//! may use the expression's capture groups. Signatures look at Terraform's errors, its log tail and the failed
//! checks, never at the project's source files, whose comments may mention an error without having it.

use std::sync::OnceLock;

use regex::Regex;

use crate::contracts::{
    Category, CheckName, CheckStatus, DiagnosisRequest, Hypothesis, Remediation,
};

use super::context::{DiagnosisContext, EvidenceKind};

/// One well-known failure.
pub struct Signature {
    /// A short stable name, used in tests and in the diagnosis detail.
    pub name: &'static str,
    pub pattern: &'static str,
    pub category: Category,
    pub remediation: Remediation,
    /// Root cause; `$1`, `$2`, ... are the pattern's capture groups.
    pub root_cause: &'static str,
}

/// Confidence of a catalogue answer: a signature match is strong evidence, but not proof.
pub const CATALOGUE_CONFIDENCE: f64 = 0.9;

/// The signatures, most specific first: the first that matches answers.
pub fn signatures() -> &'static [Signature] {
    static SIGNATURES: OnceLock<Vec<Signature>> = OnceLock::new();
    SIGNATURES.get_or_init(|| vec![
        Signature {
            name: "telmate-vm-monitor-on-pve9",
            pattern: r"permissions for user/token (\S+) are not sufficient, please provide also the following permissions that are missing: \[[^\]]*VM\.Monitor",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            root_cause: "The telmate/proxmox provider insists on the VM.Monitor privilege, which Proxmox VE 9 removed, so no grant to $1 can satisfy it; move the project to the bpg/proxmox provider (or a telmate release that supports PVE 9).",
        },
        Signature {
            name: "proxmox-node-lock-timeout",
            pattern: r"can't lock file '(/var/lock/(?:lxc|qemu-server)/lock-(\d+)\.conf)' - got timeout",
            category: Category::TransientLock,
            remediation: Remediation::ReduceParallelism { parallelism: 1 },
            root_cause: "Concurrent operations on the Proxmox node contended for the guest lock $1 and timed out; creating the guests one at a time (-parallelism=1) avoids the contention.",
        },
        // The S3 backend's own failures, most specific first; the texts are terraform 1.0.3's and 1.11's against
        // moto's S3 and DynamoDB server (tests/it/s3_state.rs) unless the tests cite otherwise.
        Signature {
            name: "s3-backend-account-id-lookup",
            pattern: r"Retrieving AWS account details: AWS account ID not previously found",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            root_cause: "Terraform 1.6 or later asks AWS (IAM, STS) for the account ID before it uses the S3 backend, and an S3-compatible store such as MinIO has no such service; add skip_requesting_account_id = true to the backend settings (with endpoints.s3 and use_path_style).",
        },
        Signature {
            name: "s3-backend-lost-during-apply",
            pattern: r"(?s)(?:Failed to save state|Failed to persist state|Error saving state)\b.{0,800}?dial tcp ([^\s]+?): (?:connect: )?(connection refused|no route to host|i/o timeout|no such host)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            root_cause: "The S3 state backend at $1 went away during the apply ($2): changes may have been made that the state in the store does not record. Terraform left the new state in errored.tfstate in the project folder, and its state lock stays in the store (the next run names it). When the store is back, check that no run is active, release the lock (`terraform force-unlock ID`), upload that state with `terraform state push errored.tfstate`, then plan to see what was and was not applied. Do not deploy before that.",
        },
        Signature {
            name: "s3-backend-unreachable",
            pattern: r"(?s)(?:Error refreshing state|Failed to get existing workspaces|Error loading state|Failed to load state|Error acquiring the state lock|Error releasing the state lock)\b.{0,600}?dial tcp ([^\s]+?): (?:connect: )?(connection refused|no route to host|i/o timeout|no such host)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            root_cause: "The S3 state backend at $1 cannot be reached ($2): without state there is no plan; bring the object store (MinIO on the NAS) back or fix the backend endpoint.",
        },
        Signature {
            name: "s3-backend-credentials-rejected",
            pattern: r"(InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied): ([^\n]+)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            root_cause: "The object store holding the state rejected the backend's credentials ($1: $2): AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are wrong, or the key was removed or lacks access to the bucket; fix the runner's secrets (a MinIO access key limited to the state bucket).",
        },
        Signature {
            name: "s3-backend-lock-table-missing",
            pattern: r"(?s)Error acquiring the state lock\b.{0,400}?ResourceNotFoundException: Requested resource not found",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            root_cause: "The DynamoDB lock table named by the backend's dynamodb_table does not exist at the lock endpoint, so no run can lock the state; create it (partition key LockID, a string) or fix dynamodb_table.",
        },
        Signature {
            name: "s3-backend-bucket-missing",
            pattern: r#"(?:S3 bucket( "[^"]+")? does not exist|NoSuchBucket: The specified bucket does not exist)"#,
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            root_cause: "The state bucket$1 does not exist in the object store: create it (versioning on) or fix the backend's bucket; nothing was planned or changed.",
        },
        Signature {
            // Two runs racing for the DynamoDB lock: the holder deletes its lock between this run's failed
            // conditional put and its read of the holder's info, and Terraform gives up at once instead of
            // waiting for -lock-timeout (hashicorp/terraform#32690). Nothing is held any more: run again.
            name: "terraform-state-lock-released-while-read",
            pattern: r"(?s)Error acquiring the state lock\b.{0,300}?ConditionalCheckFailedException: The conditional request failed.{0,200}?unexpected end of JSON input",
            category: Category::StateBackend,
            remediation: Remediation::RetryAfter { seconds: 10 },
            root_cause: "Another run released the state lock just as this one tried to take it: Terraform read an empty lock record (unexpected end of JSON input) and stopped without waiting for -lock-timeout. This run changed nothing, and the lock is free again: run it again.",
        },
        Signature {
            // DynamoDB locking answers ConditionalCheckFailedException; use_lockfile (Terraform 1.10+) an HTTP 412
            // PreconditionFailed. Both print the holder's Lock Info.
            name: "terraform-state-lock-held-by",
            pattern: r"(?s)Error acquiring the state lock\b.{0,600}?Lock Info:\s+ID:\s+(\S+)\s+Path:\s+(\S+)\s+Operation:\s+(\S+)\s+Who:\s+(\S+)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            root_cause: "The Terraform state $2 is locked by another run ($3 by $4, lock ID $1). If that run is still active, run the deploy again when it has finished. If it was killed, its lock stays until a person releases it: after checking that no run is active, run `terraform force-unlock $1` in the project's folder. agentlab never releases a lock by itself.",
        },
        Signature {
            // agentlab's own wording (src/terraform/stale_plan.rs): a saved plan went stale and planning again
            // gave changes that were never reviewed.
            name: "stale-plan-overtaken",
            pattern: r"The saved plan was stale and the new plan has changes the saved plan did not",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            root_cause: "Another deploy changed the state between this run's plan and its apply, and planning again would now make changes nobody reviewed; nothing was applied. Plan the project again and review the new plan before deploying.",
        },
        Signature {
            name: "terraform-state-lock-held",
            pattern: r"Error acquiring the state lock",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            root_cause: "The Terraform state is locked by another run, or by a run that was killed; a person must check that no run is active and release the lock (terraform force-unlock), which agentlab never does by itself.",
        },
        Signature {
            // The validator's own wording (src/validator/net.rs): guests run and have addresses, yet the port
            // refuses. A retry will not start a service.
            name: "guest-port-refused",
            pattern: r"do not accept TCP connections on port (\d+)[\s\S]*?connection refused",
            category: Category::Network,
            remediation: Remediation::Escalate,
            root_cause: "The guests run and have addresses, but nothing accepts TCP connections on port $1 (connection refused): the service (sshd) is not running in the guest or a firewall rejects the port; fix the guest image or the firewall rule, a retry cannot help.",
        },
        Signature {
            name: "tls-certificate-untrusted",
            pattern: r"(x509: certificate signed by unknown authority|x509: certificate is valid for [^\n]*|certificate verify failed)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            root_cause: "The TLS certificate of the endpoint is not trusted ($1); add the Proxmox VE CA to the runner's trust store, or set PROXMOX_VE_INSECURE=true for a self-signed homelab certificate.",
        },
        Signature {
            name: "provider-registry-unreachable",
            pattern: r"(?s)(?:could not connect to (registry\.terraform\.io|registry\.opentofu\.org)|could not query\s+provider\s+registry\s+for\s+(\S+?):)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            root_cause: "terraform init could not reach the provider registry $1$2; this is usually a passing network or registry outage, so wait and run again (a provider mirror avoids it for good).",
        },
        Signature {
            name: "proxmox-vmid-conflict",
            pattern: r"unable to create (?:CT|VM) (\d+) - (?:CT|VM) \d+ already exists on node '([^']+)'",
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            root_cause: "VMID $1 is already taken on node $2 by a guest Terraform does not manage; choose a free vm_id or import or remove the existing guest.",
        },
        Signature {
            name: "proxmox-permission-check-failed",
            pattern: r"Permission check failed \(([^,()]+), ([A-Za-z.]+)\)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            root_cause: "The API token lacks the $2 privilege on $1; grant it (a privilege-separated token needs the ACL on the token itself).",
        },
        Signature {
            name: "proxmox-authentication-failed",
            pattern: r"(?i)(?:HTTP 401 response|401 (?:Unauthorized|No ticket)|authentication failure|Authentication failed!)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            root_cause: "Proxmox VE rejected the credentials (401): the API token is wrong, expired or deleted; check PROXMOX_VE_API_TOKEN (user@realm!tokenid=secret).",
        },
        Signature {
            name: "proxmox-storage-missing",
            pattern: r"storage '([^']+)' does not exist",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            root_cause: "The datastore '$1' does not exist on the target node; use a storage the node has, or add it.",
        },
        Signature {
            name: "proxmox-template-missing",
            pattern: r"(?i)(?:volume '([^']+)' does not exist|vm '([^']+)' not found)",
            category: Category::MissingTemplate,
            remediation: Remediation::Escalate,
            root_cause: "The template or template file $1$2 does not exist on the node; download the template or fix the reference.",
        },
        Signature {
            name: "qemu-guest-agent-not-answering",
            pattern: r"(QEMU guest agent is not running|No QEMU guest agent configured|qga command '[^']+' failed - got timeout|timeout while waiting for the QEMU agent)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            root_cause: "The VM's QEMU guest agent does not answer ($1), so no IP address can be read; install and enable qemu-guest-agent in the template, or raise agent.timeout.",
        },
        Signature {
            name: "proxmox-node-unreachable",
            pattern: r"(?:HTTP 59[56] response|\b59[56] (?:No route to host|Connection refused|Connection timed out))",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            root_cause: "The Proxmox VE node the request was proxied to is unreachable (595/596); wait for it to come back, then run again.",
        },
    ])
}

fn compiled() -> &'static [(Regex, &'static Signature)] {
    static COMPILED: OnceLock<Vec<(Regex, &'static Signature)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        signatures()
            .iter()
            .map(|signature| {
                (
                    Regex::new(signature.pattern).expect("catalogue patterns are valid"),
                    signature,
                )
            })
            .collect()
    })
}

/// A catalogue answer: the hypothesis and the signature that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueMatch {
    pub signature: &'static str,
    pub hypothesis: Hypothesis,
}

/// Looks `context` up in the catalogue; `None` when no signature matches.
pub fn recognise(request: &DiagnosisRequest, context: &DiagnosisContext) -> Option<CatalogueMatch> {
    let searchable = || {
        context.items.iter().filter(|item| {
            matches!(
                item.kind,
                EvidenceKind::TerraformError | EvidenceKind::LogTail | EvidenceKind::FailedCheck
            )
        })
    };
    for (regex, signature) in compiled() {
        let mut root_cause = None;
        let mut evidence = Vec::new();
        for item in searchable() {
            if let Some(captures) = regex.captures(&item.text) {
                evidence.push(item.id.clone());
                if root_cause.is_none() {
                    let mut text = String::new();
                    captures.expand(signature.root_cause, &mut text);
                    root_cause = Some(text);
                }
            }
        }
        if let Some(root_cause) = root_cause {
            return Some(CatalogueMatch {
                signature: signature.name,
                hypothesis: Hypothesis {
                    category: signature.category,
                    root_cause,
                    evidence,
                    remediation: signature.remediation.clone(),
                    confidence: CATALOGUE_CONFIDENCE,
                },
            });
        }
    }
    validation_mismatch(request, context)
}

/// Terraform succeeded and manages resources, yet the `resources` check found none of what it expects: the
/// expectation names something the project does not (e.g. telmate's `proxmox_lxc` for bpg's
/// `proxmox_virtual_environment_container`). Nothing to retry: the config or the code must change.
fn validation_mismatch(
    request: &DiagnosisRequest,
    context: &DiagnosisContext,
) -> Option<CatalogueMatch> {
    let validation = request.validation.as_ref()?;
    let failed_resources = validation
        .checks
        .iter()
        .any(|check| check.name == CheckName::Resources && check.status == CheckStatus::Fail);
    if !request.terraform.ok || !failed_resources || request.terraform.resource_addresses.is_empty()
    {
        return None;
    }
    let item = context.items.iter().find(|item| {
        item.kind == EvidenceKind::FailedCheck && item.title.contains(CheckName::Resources.as_str())
    })?;
    let mut types: Vec<&str> = request
        .terraform
        .resource_addresses
        .iter()
        .filter_map(|address| resource_type(address))
        .collect();
    types.sort();
    types.dedup();
    let unmatched = unmatched_patterns(validation);
    let expectation = if unmatched.is_empty() {
        String::from("the validator's `resources` expectation")
    } else {
        format!(
            "the validator's `resources` expectation ({})",
            unmatched.join(", ")
        )
    };
    Some(CatalogueMatch {
        signature: "validator-resources-pattern-mismatch",
        hypothesis: Hypothesis {
            category: Category::ValidationMismatch,
            root_cause: format!(
                "Terraform applied cleanly, but {expectation} matches none of the addresses it manages (resource types present: {}); the pattern in [project.validate] names another resource type than the project uses — fix the expectation or the module.",
                types.join(", ")
            ),
            evidence: vec![item.id.clone()],
            remediation: Remediation::Escalate,
            confidence: CATALOGUE_CONFIDENCE,
        },
    })
}

/// The patterns the `resources` check reports as matching nothing, in backticks as the check writes them.
fn unmatched_patterns(validation: &crate::contracts::ValidationResult) -> Vec<String> {
    static UNMATCHED: OnceLock<Regex> = OnceLock::new();
    let regex = UNMATCHED.get_or_init(|| {
        Regex::new(r"pattern (`[^`]+`) matched (?:nothing|0\b)").expect("the pattern is valid")
    });
    let mut patterns: Vec<String> = validation
        .checks
        .iter()
        .filter(|check| check.name == CheckName::Resources)
        .flat_map(|check| std::iter::once(&check.detail).chain(check.evidence.iter()))
        .flat_map(|text| {
            regex
                .captures_iter(text)
                .map(|captures| captures[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    patterns.sort();
    patterns.dedup();
    patterns
}

/// The resource type of an address: `module.a.module.b.proxmox_x.name[0]` → `proxmox_x` (`data.` kept away).
pub fn resource_type(address: &str) -> Option<&str> {
    let mut parts = address.split('.');
    loop {
        match parts.next()? {
            "module" => {
                parts.next()?;
            }
            "data" => return parts.next(),
            kind => return Some(kind),
        }
    }
}

#[cfg(test)]
#[path = "catalogue_tests.rs"]
mod tests;
