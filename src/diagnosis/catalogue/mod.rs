//! The known-failure catalogue: deterministic signatures of failure families that are well known in the wild,
//! each with its category, remediation and an explanation. It answers first, costs nothing, and is marked
//! `source: catalog`; only what it does not recognise goes to an LLM.
//!
//! Each signature is data — a regular expression anchored on the stable part of the real wording as providers,
//! Proxmox VE and Terraform print it (the tests quote the public issue each text comes from), a category, a
//! remediation and a root-cause template that may use the expression's capture groups. The families live in one
//! file each; this file only orders them and looks a context up. Signatures look at Terraform's errors, its log
//! tail and the failed checks, never at the project's source files, whose comments may mention an error without
//! having it.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::contracts::{Category, DiagnosisRequest, Hypothesis, Remediation};

use super::context::{DiagnosisContext, EvidenceKind};
use crate::terraform::human::strip_frame;

pub use similar::similar_failures;

/// A pattern that matches one of Terraform's (or OpenTofu's) diagnostic summaries, given as alternatives and captured
/// as one group: alone on its line, as Terraform prints it ("Error: " behind its frame, `│`, or the
/// `|` a copy turns it into) or as a report quotes it without "Error: ".
macro_rules! summary_line {
    ($summaries:literal) => {
        concat!(r"(?m)^(?:[│|\s]*Error: )?(", $summaries, r")\s*$")
    };
}

mod access;
mod backend;
mod conflicts;
mod locks;
mod network;
mod provider;
mod similar;
mod structural;
mod tells;
mod templates;

/// One well-known failure.
pub struct Signature {
    /// A short stable name, used in tests and in the diagnosis detail.
    pub name: &'static str,
    pub pattern: &'static str,
    pub category: Category,
    pub remediation: Remediation,
    /// The words of a different situation around the same message: an evidence item whose text also matches them
    /// is not read by this signature (the exclusions below name each situation).
    pub unless: Option<&'static str>,
    /// Root cause; `$1`, `$2`, ... are the pattern's capture groups.
    pub root_cause: &'static str,
}

/// Confidence of a catalogue answer: a signature match is strong evidence, but not proof.
pub const CATALOGUE_CONFIDENCE: f64 = 0.9;

/// The signatures, most specific first: the first that matches answers. Families come in an order that keeps a
/// specific wording ahead of a generic one that shares its words (an S3 backend's `dial tcp` before the generic
/// connection rule, a 596 with a TLS failure before the generic 596 rule).
pub fn signatures() -> &'static [Signature] {
    static SIGNATURES: OnceLock<Vec<Signature>> = OnceLock::new();
    SIGNATURES.get_or_init(|| {
        let mut all = provider::before_everything();
        all.extend(locks::signatures());
        all.extend(backend::signatures());
        all.extend(network::guests());
        all.extend(access::signatures());
        all.extend(templates::signatures());
        all.extend(conflicts::signatures());
        all.extend(provider::signatures());
        all.extend(network::signatures());
        all.extend(access::endpoint());
        all.extend(access::parameters_refused());
        all.extend(access::forbidden_without_reason());
        all.extend(backend::failed_otherwise());
        all.extend(conflicts::last_resort());
        all.extend(tells::signatures());
        all
    })
}

/// A signature with its pattern and its exclusion compiled.
struct Compiled {
    pattern: Regex,
    unless: Option<&'static Regex>,
    signature: &'static Signature,
}

fn build(pattern: &str) -> Regex {
    Regex::new(pattern).expect("catalogue patterns are valid")
}

/// The exclusions, compiled once each: many signatures share one (the state backend's words).
fn exclusions() -> &'static HashMap<&'static str, Regex> {
    static EXCLUSIONS: OnceLock<HashMap<&'static str, Regex>> = OnceLock::new();
    EXCLUSIONS.get_or_init(|| {
        signatures()
            .iter()
            .filter_map(|signature| signature.unless)
            .map(|unless| (unless, build(unless)))
            .collect()
    })
}

fn compiled() -> &'static [Compiled] {
    static COMPILED: OnceLock<Vec<Compiled>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let exclusions = exclusions();
        signatures()
            .iter()
            .map(|signature| Compiled {
                pattern: build(signature.pattern),
                unless: signature.unless.map(|unless| &exclusions[unless]),
                signature,
            })
            .collect()
    })
}

/// Signatures that read only Terraform's errors and log, never a failed check: their wording also appears in
/// agentlab's own check texts for another failure (the guest-status check quotes Proxmox VE's "Configuration file
/// ... does not exist" for a guest that is missing after an apply, which is not a missing clone template).
const TERRAFORM_ONLY: &[&str] = &["proxmox-guest-config-missing"];

/// The words that name the state backend. A connection to the backend that failed is the backend's failure, by
/// the category's own definition, and Go's decoder failing on the state itself is too: the network rules and the
/// undecodable-answer rule leave such a text to the backend's rules, and to its last resort.
macro_rules! state_backend_words {
    () => {
        r"(?i)tfstate|\bstate (?:lock|file|data|snapshot)|\bremote state|\b(?:save|saving|persist|load|loading|upload) state\b|existing workspaces|\bbucket\b|dynamodb|\bs3\b|\bbackend\b"
    };
}
const STATE_BACKEND_WORDS: &str = state_backend_words!();

/// Where a refusal's words say "denied" or "403" but the cause is not the caller's rights: the state backend's (its
/// own rules), Docker's "pull access denied ..., repository does not exist or may require 'docker login'" (the same
/// words for an image name that does not exist), and Google's 403 for an API the project has not enabled.
const REFUSAL_NOT_OF_RIGHTS: &str = concat!(
    state_backend_words!(),
    r"|repository does not exist or may require|has not been used in project|API has not been used|is disabled\. Enable it"
);

/// The state backend's words, or a parse of one endpoint's answer after the provider had logged in ("failed to parse
/// customDNS response body: invalid character '<' ..."): a web page there is that endpoint moved in the server's
/// release, not a URL pointing at a web page, so the web-page rule leaves it alone.
const STATE_BACKEND_OR_ONE_ENDPOINTS_ANSWER: &str = concat!(
    state_backend_words!(),
    r"|failed to parse \S+ response body"
);

/// Terraform's verdicts the rules for mistakes in the project's own code leave alone, because the words do not pin
/// them on the project:
/// - a verdict on code that lives in a downloaded module (`on .terraform/modules/...`): a dependency's code, refused
///   because of the inputs the project gives it, the module's release, or a provider or Terraform release it was not
///   written for;
/// - a cycle through objects being destroyed: the destroy graph's own edges (a provider configured from a module's
///   outputs, a saved destroy plan) have made such cycles in Terraform releases that plain configurations did not.
const NOT_PINNED_ON_THE_PROJECT: &str = r"\.terraform[/\\]+modules[/\\]|Cycle: [^\n]*\(destroy\)";

/// An AWS provider's call (not the state backend's) that the account refused: the operation names an AWS service other
/// than S3 and DynamoDB, in the provider's "creating IAM Role" or in IAM's "is not authorized to perform: iam:..."
/// (the service prefixes of AWS's IAM reference). The S3 backend's rule leaves these to the permission rule.
const AWS_PROVIDER_CALL: &str = r#"(?i)\bis not authorized to perform: (?:iam|ec2|sts|route53|lambda|rds|ecs|eks|kms|ses|sns|sqs|logs|cloudwatch|elasticloadbalancing|autoscaling|acm|secretsmanager|ssm|organizations|cloudfront|apigateway|ecr|elasticfilesystem|events|states):|\b(?:creating|reading|updating|deleting|modifying|describing|listing) (?:IAM|EC2|Route ?53|Lambda|RDS|ECS|EKS|KMS|SES|SNS|SQS|CloudWatch|ELBv?2?|ACM|Secrets ?Manager|SSM|CloudFront|API Gateway|ECR|VPC|Security Group|Subnet|Instance)\b|for (?:Terraform )?AWS Provider|\bprovider\.aws\b|provider\["[^"\]]*hashicorp/aws"\]"#;

/// The state backend's words, or a refused connection to the runner's own port 80: where a client goes when no
/// endpoint was configured at all (Go's Kubernetes clients fall back to `http://localhost`), so the refusal says the
/// provider was not configured rather than that a server is down, and the network rule leaves it alone.
const STATE_BACKEND_OR_UNCONFIGURED_CLIENT: &str = concat!(
    state_backend_words!(),
    r"|dial tcp (?:127\.0\.0\.1|\[::1\]|localhost):80\b|http://localhost/"
);

/// A refused volume reference that quotes a name Proxmox VE itself gives a guest's disks (`vm-310-disk-1`,
/// `hdd:vm-310-disk-1`, `120/vm-120-disk-0.qcow2`): a configuration names a storage and a size, never such a name,
/// so the reference was assembled by the provider or tool, and the message alone does not tell whether the
/// configuration or the tool is at fault (the same reason "unable to parse volume filename" is not taken).
macro_rules! tool_made_volume {
    () => {
        r"'(?:[\w.-]+:)?(?:\d+/)?vm-\d+-disk-\d+(?:\.\w+)?'"
    };
}
const TOOL_MADE_VOLUME: &str = tool_made_volume!();

/// A refused value no configuration writes as such: an empty one ("storage ID '' contains illegal characters",
/// "got ''"), or a property string whose syntax is broken ("missing key in comma-separated list property", "value
/// without key"). Providers and tools assemble these strings from structured arguments and fill in empty values for
/// lookups that failed or arguments left unset, so the message alone does not tell whose fault it is: the telmate
/// provider sent an empty storage ID when the node name was an address it could not look up (its issue 187), a
/// hosting module sent a `net0` without a key, and a conversion script sent empty options for a mistyped command line.
macro_rules! tool_assembled_value {
    () => {
        r"'' contains (?:invalid|illegal) characters|got ''|missing key in comma-separated list property|value without key, but schema does not define a default key"
    };
}

/// A download into the `import` content type refused for its file name, which means one of two things the message
/// does not tell apart: pve-storage took only `.ova` there from Proxmox VE 8.3 and disk images (`.qcow2`, `.raw`,
/// `.vmdk`) only from 8.4, so the same words answer a disk image on an older node (the release) and a cloud image
/// named `.img` on a newer one (the name).
macro_rules! import_name_or_release {
    () => {
        "invalid filename or wrong extension"
    };
}

/// What Proxmox VE's parameter refusals may say that is no value of the configuration's to fix, or not only: a name
/// that "already exists" (pve-firewall raises an alias or IP set that exists as a parameter error; the last-resort
/// conflict rule answers it), a volume name only a tool builds, a value a tool assembled, or an import's file name
/// that the node's release decides on.
macro_rules! not_ours_to_fix {
    () => {
        concat!(
            r"\balready exists\b|",
            tool_made_volume!(),
            "|",
            tool_assembled_value!(),
            "|",
            import_name_or_release!()
        )
    };
}
const NOT_OURS_TO_FIX: &str = not_ours_to_fix!();

/// The same, and Proxmox VE checking its own answer against its schema ("Result verification failed", each fault
/// named by the list element it is in, "[6].value: type check ('string') failed"): a fault of the node or of a
/// tool's request, not a value the configuration gave.
const PROXMOX_CHECKING_ITS_OWN_ANSWER_OR_NOT_OURS_TO_FIX: &str = concat!(
    r"Result verification failed|\[\d+\]\.[\w-]+\\?\x22?\s*:|",
    not_ours_to_fix!()
);

/// A guest's own disk (vm-ID-disk-N, its cloud-init drive) is no template: missing, it is a clone or resize that has
/// not finished, or a disk removed behind the provider's back.
const GUESTS_OWN_DISK_MISSING: &str =
    r"volume '[^']*\bvm-\d+-(?:disk-\d+|cloudinit)[^']*' does not exist";

/// Proxmox VE's "Configuration file 'nodes/N/qemu-server/ID.conf' does not exist" is a clone template on another
/// node while a guest is created; while a guest the state already holds is read, updated or started it means the
/// guest moved (a migration still running), its VMID went to another machine, or its create failed earlier, which
/// no category here fits as a whole, so the catalogue stays silent.
const GUEST_IN_STATE_TOUCHED: &str = r"(?i)error (?:updating|retrieving|reading|refreshing|starting) (?:VM|container|LXC)|: Modifying\.\.\.|cannot find vm with id|error trying to locate vm|Starting (?:LXC )?Container|\b(?:pct|qm) start\b";

/// A catalogue answer: the hypothesis and the signature that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueMatch {
    pub signature: &'static str,
    pub hypothesis: Hypothesis,
}

/// Looks `context` up in the catalogue; `None` when no signature matches.
pub fn recognise(request: &DiagnosisRequest, context: &DiagnosisContext) -> Option<CatalogueMatch> {
    let unwrapped: Vec<Option<String>> = context
        .items
        .iter()
        .map(|item| unwrapped(&item.text))
        .collect();
    let searchable = |terraform_only: bool| {
        context
            .items
            .iter()
            .zip(&unwrapped)
            .filter(move |(item, _)| match item.kind {
                EvidenceKind::TerraformError | EvidenceKind::LogTail => true,
                EvidenceKind::FailedCheck => !terraform_only,
                _ => false,
            })
    };
    for Compiled {
        pattern,
        unless,
        signature,
    } in compiled()
    {
        let mut root_cause = None;
        let mut evidence = Vec::new();
        for (item, unwrapped) in searchable(TERRAFORM_ONLY.contains(&signature.name)) {
            if unless
                .as_ref()
                .is_some_and(|unless| unless.is_match(&item.text))
            {
                continue;
            }
            let captures = pattern
                .captures(&item.text)
                .or_else(|| unwrapped.as_deref().and_then(|text| pattern.captures(text)));
            if let Some(captures) = captures {
                evidence.push(item.id.clone());
                if root_cause.is_none() {
                    let mut text = String::new();
                    captures.expand(signature.root_cause, &mut text);
                    root_cause = Some(without_empty_parentheses(&text));
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
    structural::resources_check_failed(request, context)
}

/// `root_cause` without the parentheses its capture groups left empty: a pattern's alternatives capture different
/// groups ("no such token 'X' for user 'Y'" names both, "no tokenid specified" neither), and "The API token is
/// malformed ( )" says nothing.
fn without_empty_parentheses(root_cause: &str) -> String {
    static EMPTY: OnceLock<Regex> = OnceLock::new();
    EMPTY
        .get_or_init(|| Regex::new(r"\s*\(\s*\)").expect("valid"))
        .replace_all(root_cause, "")
        .into_owned()
}

/// `text` with the line breaks inside each paragraph undone, or `None` when it has none.
///
/// Terraform's human-readable output wraps a diagnostic's detail at 78 columns when it does not write to a
/// terminal, as on a runner, and frames it with `│`: an init or backend error read from that output can break a
/// provider's message anywhere, `... lock-101.conf' -` on one line and `got timeout` on the next. A signature
/// that misses the text as printed is tried again on its paragraphs, each on one line (frames gone, blank lines
/// kept as breaks), so it matches the message, not the terminal's width.
fn unwrapped(text: &str) -> Option<String> {
    if !text.contains('\n') {
        return None;
    }
    let mut joined = String::with_capacity(text.len());
    let mut in_paragraph = false;
    for line in text.lines() {
        let line = strip_frame(line).trim();
        if line.is_empty() {
            if !joined.is_empty() {
                joined.push('\n');
            }
            in_paragraph = false;
            continue;
        }
        if in_paragraph {
            joined.push(' ');
        }
        joined.push_str(line);
        in_paragraph = true;
    }
    (joined != text).then_some(joined)
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
mod family_tests;
#[cfg(test)]
mod family_wordings;
#[cfg(test)]
mod family_wordings_generalised;
#[cfg(test)]
mod family_wordings_refusals;
#[cfg(test)]
mod family_wordings_toolchain;
#[cfg(test)]
mod family_wordings_wider;
#[cfg(test)]
mod held_out_tests;
#[cfg(test)]
mod tests;
