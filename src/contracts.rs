//! The typed messages the Planner exchanges with its sub-agents, and the run record it writes.
//!
//! Everything here is plain data: serde with `deny_unknown_fields`, a JSON Schema from schemars, and no behaviour
//! beyond small accessors. The Terraform agent takes a [`TerraformRequest`] and answers a [`TerraformResult`]; the
//! Validator takes a [`ValidationRequest`] and answers a [`ValidationResult`]; the diagnosis room takes a
//! [`DiagnosisRequest`] and answers a [`Diagnosis`]. A [`RunRecord`] is what a run leaves on disk, and what every
//! reporter (PR comment, incident issue, step summary, metrics) reads. Changing a field here changes a wire format:
//! bump [`SCHEMA_VERSION`] when a record written before the change can no longer be read.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the [`RunRecord`] format. Readers refuse records whose version they do not know.
pub const SCHEMA_VERSION: u32 = 1;

/// One Terraform run of one project, built by the Planner from config, CLI arguments and the remediations
/// accepted so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerraformRequest {
    /// Project name from `agentlab.toml`.
    pub project: String,
    /// Root module directory.
    pub dir: PathBuf,
    // `plan` stops after the plan; deploy applies the saved plan, spelled `apply` in this contract.
    #[serde(
        serialize_with = "mode_words::serialize_in::<mode_words::TerraformMode, _>",
        deserialize_with = "mode_words::deserialize_from::<mode_words::TerraformMode, _>"
    )]
    #[schemars(with = "mode_words::TerraformMode")]
    pub mode: RunMode,
    /// Where the saved plan goes (`plan -out`) and what `apply` applies. `None`: a private temporary folder that
    /// the agent deletes after the run (a plan file holds sensitive values in clear).
    #[serde(default)]
    pub plan_file: Option<PathBuf>,
    /// `-var NAME=VALUE` pairs. Values may be secret: they are never written to a record or a log.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// `-backend-config=...` arguments passed through to `init`.
    #[serde(default)]
    pub backend_config: Vec<String>,
    /// `-parallelism=N`.
    pub parallelism: u32,
    /// `-lock-timeout=...`, in Terraform's duration syntax (`5m`, `30s`).
    pub lock_timeout: String,
    /// `-replace=ADDRESS` for each address.
    #[serde(default)]
    pub replace: Vec<String>,
    /// `init -upgrade`.
    #[serde(default)]
    pub reinit_upgrade: bool,
    /// 1 for the first attempt, counting up with each retry.
    pub attempt: u32,
    /// What must hold between the saved plan and `apply`: the reviewed-plan gate and the destroy guard.
    #[serde(default)]
    pub guard: ApplyGuard,
}

/// The Terraform phase a result stopped in (the last one that ran).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TerraformPhase {
    Init,
    Plan,
    Apply,
}

/// Change counts of a plan; `replace` counts resources that are destroyed and created again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeCounts {
    pub add: u32,
    pub change: u32,
    pub destroy: u32,
    pub replace: u32,
}

/// What Terraform plans to do with one resource. The two replace orders are kept apart because
/// `create_delete` (`create_before_destroy`) has no downtime and `delete_create` has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    NoOp,
    Create,
    Read,
    Update,
    Delete,
    DeleteCreate,
    CreateDelete,
    Forget,
}

impl ChangeAction {
    /// Whether the resource is destroyed (also as part of a replacement): what a reviewer must not miss.
    pub fn destroys(self) -> bool {
        matches!(self, Self::Delete | Self::DeleteCreate | Self::CreateDelete)
    }
}

/// One entry of the plan's `resource_changes`, in compact form: the address, the action, and only the attribute
/// paths whose value differs (`terraform::compact` builds it while `show -json` streams by). Sensitive values are
/// never in it: they are [`AttributeValue::Sensitive`] markers. A record written before the compact form carries
/// whole `before`/`after` values instead; they are ignored when it is read, so it still reads (without its
/// attribute diffs), which is why this struct alone among the contracts accepts fields it does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceChange {
    pub address: String,
    pub action: ChangeAction,
    /// Terraform's `action_reason`, when it gave one (`replace_because_tainted`, ...).
    #[serde(default)]
    pub reason: Option<String>,
    /// The attribute values that differ between before and after, in the order a diff shows them: every known
    /// attribute of a create, removed and added values of an update, nothing for a delete; then the attributes
    /// only known after apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeChange>,
}

/// One attribute path of a [`ResourceChange`] with the value it had (`before`) or will have (`after`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeChange {
    pub side: AttributeSide,
    /// `triggers.name`, `disk[0].size`: object keys joined with dots, list items by index. (`Box<str>`, not
    /// `String`: a plan holds tens of thousands of these, and a box is a third smaller.)
    pub path: Box<str>,
    pub value: AttributeValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeSide {
    /// The value goes away (`-` in a diff).
    Before,
    /// The value comes (`+` in a diff).
    After,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeValue {
    /// The value as one line of JSON (`"web-0"`, `2`, `true`).
    Known(Box<str>),
    /// Terraform marks it sensitive, or it holds a secret agentlab knows: the value is not kept.
    Sensitive,
    /// Only known after apply.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// A Terraform diagnostic: a provider's error text lives in `summary` and `detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub address: Option<String>,
}

/// What one Terraform run produced. A failed plan or apply is data here (`ok: false`), never an `Err`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerraformResult {
    pub ok: bool,
    pub phase: TerraformPhase,
    /// Exit code of the last Terraform command; `None` when it was killed by a signal.
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// True when agentlab was interrupted and stopped Terraform.
    #[serde(default)]
    pub cancelled: bool,
    #[serde(default)]
    pub changes: ChangeCounts,
    #[serde(default)]
    pub resource_changes: Vec<ResourceChange>,
    /// Every resource address Terraform knows after this run: the plan's planned values (plan mode) or the
    /// state after apply, child modules included. The Validator's `resources` check reads this.
    #[serde(default)]
    pub resource_addresses: Vec<String>,
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// The root module's outputs (from the state's `show -json` after apply, the plan's planned outputs before),
    /// sensitive values replaced by a placeholder.
    #[serde(default)]
    pub outputs: BTreeMap<String, serde_json::Value>,
    /// The last lines of stderr and of non-JSON output, bounded, redacted.
    #[serde(default)]
    pub log_tail: Vec<String>,
    pub duration_ms: u64,
    /// The saved plan's fingerprint and digest, when a plan was saved and read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_identity: Option<PlanIdentity>,
    /// Why the agent did not apply a plan it made: a person must look; the run ends without a diagnosis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// Root module outputs that exist but whose values are not known until apply (a plan's); together with
    /// `outputs` they tell an output that is not known yet from one the project does not have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_outputs: Vec<String>,
    /// Where `resource_addresses` and `outputs` were read from, when they were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts_source: Option<FactsSource>,
}

/// Where the facts the Validator reads (`resource_addresses`, `outputs`) came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "source", rename_all = "snake_case", deny_unknown_fields)]
pub enum FactsSource {
    /// `show -json` of the saved plan: its planned values (a plan), or the refreshed state it started from (a check).
    SavedPlan,
    /// After a successful apply, with no `show -json` of the state: the saved plan's planned values, every planned
    /// change confirmed by the apply's completion events, and the outputs of the apply's `outputs` message.
    PlanAndApplyStream,
    /// `show -json` of the state after apply, because the saved plan and the apply's stream could not answer.
    State {
        /// Why they could not.
        reason: String,
    },
}

impl TerraformResult {
    /// The error diagnostics, in the order Terraform printed them.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == Severity::Error)
    }
}

/// An expected resource address pattern (a regular expression matched against whole addresses) and how many
/// addresses must match it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceExpectation {
    pub pattern: String,
    pub count: u32,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GuestKind {
    Lxc,
    Qemu,
}

impl GuestKind {
    /// The path segment the Proxmox VE API uses for this kind of guest.
    pub fn api_segment(self) -> &'static str {
        match self {
            Self::Lxc => "lxc",
            Self::Qemu => "qemu",
        }
    }
}

/// One guest as listed by the project's `guests` Terraform output (a list of `{ vmid, kind, node?, name?, ipv4? }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guest {
    pub vmid: u32,
    pub kind: GuestKind,
    /// Proxmox node; `None` means the configured `[proxmox] node`.
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub ipv4: Option<String>,
}

/// What the Validator is asked to check for one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidationRequest {
    pub project: String,
    // Plan checks the plan's facts; deploy checks the live guests, spelled `live` in this contract.
    #[serde(
        serialize_with = "mode_words::serialize_in::<mode_words::ValidationMode, _>",
        deserialize_with = "mode_words::deserialize_from::<mode_words::ValidationMode, _>"
    )]
    #[schemars(with = "mode_words::ValidationMode")]
    pub mode: RunMode,
    /// Expected address patterns with counts.
    #[serde(default)]
    pub resources: Vec<ResourceExpectation>,
    /// The addresses Terraform reported (plan's planned values or state).
    #[serde(default)]
    pub resource_addresses: Vec<String>,
    /// Guests from the guests output; empty when the output is unknown until apply.
    #[serde(default)]
    pub guests: Vec<Guest>,
    /// Why the guests output could not be read (absent where it was required, or not the documented shape).
    #[serde(default)]
    pub guests_problem: Option<String>,
    /// Addresses of resources the plan creates: in plan mode their guests do not exist yet.
    #[serde(default)]
    pub planned_creates: Vec<String>,
    /// Why there are no guests to look at although nothing is wrong (the project has no guests output, the
    /// output is not known until apply, it lists none): the three live checks are `skip` with this reason.
    #[serde(default)]
    pub guests_skip_reason: Option<String>,
    /// Node used for guests that name none.
    pub default_node: String,
    /// TCP port of the `reachable` check.
    pub port: u16,
    /// How long the live checks wait for a guest to run, get an address and accept the port (0: one look).
    #[serde(default)]
    pub settle_seconds: u64,
}

/// The Validator's four checks: resources, guest-status, ip-assigned, reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum CheckName {
    #[serde(rename = "resources")]
    Resources,
    #[serde(rename = "guest-status")]
    GuestStatus,
    #[serde(rename = "ip-assigned")]
    IpAssigned,
    #[serde(rename = "reachable")]
    Reachable,
}

impl CheckName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resources => "resources",
            Self::GuestStatus => "guest-status",
            Self::IpAssigned => "ip-assigned",
            Self::Reachable => "reachable",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    Skip,
}

/// One check's verdict with a one-line detail and the evidence a person needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    pub name: CheckName,
    pub status: CheckStatus,
    pub detail: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidationResult {
    /// True when no check failed (skips allowed).
    pub ok: bool,
    pub checks: Vec<CheckResult>,
    /// True when agentlab was asked to stop while the live checks waited for the guests to settle.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

impl ValidationResult {
    /// Builds a result whose `ok` agrees with its checks by construction.
    pub fn from_checks(checks: Vec<CheckResult>) -> Self {
        let ok = checks.iter().all(|check| check.status != CheckStatus::Fail);
        Self {
            ok,
            checks,
            cancelled: false,
        }
    }

    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks
            .iter()
            .filter(|check| check.status == CheckStatus::Fail)
    }
}

/// The closed taxonomy of failure categories a hypothesis may name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    TransientLock,
    ProviderIncompatibility,
    Permission,
    MissingTemplate,
    ResourceConflict,
    Network,
    StateBackend,
    ValidationMismatch,
    Configuration,
    Unknown,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Self::TransientLock,
        Self::ProviderIncompatibility,
        Self::Permission,
        Self::MissingTemplate,
        Self::ResourceConflict,
        Self::Network,
        Self::StateBackend,
        Self::ValidationMismatch,
        Self::Configuration,
        Self::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TransientLock => "transient_lock",
            Self::ProviderIncompatibility => "provider_incompatibility",
            Self::Permission => "permission",
            Self::MissingTemplate => "missing_template",
            Self::ResourceConflict => "resource_conflict",
            Self::Network => "network",
            Self::StateBackend => "state_backend",
            Self::ValidationMismatch => "validation_mismatch",
            Self::Configuration => "configuration",
            Self::Unknown => "unknown",
        }
    }
}

/// The only things a diagnosis may ask the Planner to do. There is deliberately no destroy, no force-unlock, no
/// state surgery and no shell: a human handles those (`escalate`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Remediation {
    /// Run the same thing again.
    Retry,
    /// Wait, then run again (at most 600 seconds).
    RetryAfter { seconds: u32 },
    /// Run again with `-parallelism=N` (N ≥ 1).
    ReduceParallelism { parallelism: u32 },
    /// Run `init -upgrade` before the next plan.
    ReinitUpgrade,
    /// Run again with `-replace=ADDRESS`: only for a resource whose create or update failed, and only unattended
    /// when `[policy] unattended` allows it (by default a person runs it).
    Replace { address: String },
    /// A human must change code or configuration; the run ends.
    Escalate,
}

impl Remediation {
    pub fn action_name(&self) -> &'static str {
        match self {
            Self::Retry => "retry",
            Self::RetryAfter { .. } => "retry_after",
            Self::ReduceParallelism { .. } => "reduce_parallelism",
            Self::ReinitUpgrade => "reinit_upgrade",
            Self::Replace { .. } => "replace",
            Self::Escalate => "escalate",
        }
    }
}

/// A diagnosis: what broke, which evidence items (`E1`, `E2`, ...) show it, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hypothesis {
    pub category: Category,
    pub root_cause: String,
    /// Ids of the evidence items the diagnosis context presented.
    pub evidence: Vec<String>,
    pub remediation: Remediation,
    /// 0.0 to 1.0.
    pub confidence: f64,
}

/// Where a diagnosis came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisSource {
    /// The deterministic known-failure catalogue: no LLM call, no cost.
    Catalog,
    Llm,
    /// No diagnosis could be had (no diagnoser configured, API down, budget spent, invalid answers).
    Unavailable,
}

/// Token usage and cost of one LLM call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    pub provider: String,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    #[serde(default)]
    pub cache_read_tokens: u64,
    #[serde(default)]
    pub cache_write_tokens: u64,
    pub cost_usd: f64,
    /// Which price produced `cost_usd`, e.g. `claude-haiku-4-5: $1.00 in / $5.00 out per MTok (table 2026-12)`.
    pub price: String,
    pub latency_ms: u64,
}

/// The answer of the diagnosis room for one failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    pub source: DiagnosisSource,
    #[serde(default)]
    pub hypothesis: Option<Hypothesis>,
    /// Why no hypothesis is given (`source: unavailable`), or a note on how it was reached.
    #[serde(default)]
    pub detail: Option<String>,
    /// One entry per LLM call made for this diagnosis (a repair request is a second call); empty for the catalogue.
    #[serde(default)]
    pub usage: Vec<Usage>,
    /// The known-failure catalogue's signature that answered (`source: catalog`): part of the incident's
    /// fingerprint, so the same known failure always lands on the same issue. Absent in older records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue_signature: Option<String>,
    /// The evidence items the hypothesis cites, as the diagnosis was shown them (id, title, a short excerpt), so
    /// every id a comment prints stands next to what it names. Absent in older records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cited_evidence: Vec<CitedEvidence>,
}

/// One numbered evidence item a hypothesis cites (`E2`), with what it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CitedEvidence {
    /// `E1`, `E2`, ...
    pub id: String,
    /// What kind of item it was: "Terraform error at ADDRESS", "failing phase", "failed check reachable", ...
    pub title: String,
    /// Its first line, shortened, redacted.
    pub excerpt: String,
}

impl Diagnosis {
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self {
            source: DiagnosisSource::Unavailable,
            hypothesis: None,
            detail: Some(detail.into()),
            usage: Vec::new(),
            catalogue_signature: None,
            cited_evidence: Vec::new(),
        }
    }

    pub fn llm_calls(&self) -> u32 {
        u32::try_from(self.usage.len()).unwrap_or(u32::MAX)
    }

    pub fn cost_usd(&self) -> f64 {
        sum_dollars(self.usage.iter().map(|usage| usage.cost_usd))
    }

    /// Every token of every call: input, output, cache reads and writes.
    pub fn tokens(&self) -> u64 {
        self.usage
            .iter()
            .map(|usage| {
                usage.input_tokens
                    + usage.output_tokens
                    + usage.cache_read_tokens
                    + usage.cache_write_tokens
            })
            .sum()
    }
}

/// Everything the diagnosis room is given about one failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisRequest {
    pub project: String,
    /// The project's root module, whose `.tf` and `.tfvars` files are part of the context.
    pub dir: PathBuf,
    pub mode: RunMode,
    pub attempt: u32,
    pub terraform: TerraformResult,
    #[serde(default)]
    pub validation: Option<ValidationResult>,
    /// The Planner's state log so far.
    pub transitions: Vec<Transition>,
    /// Hypotheses already tried in this run: shown to the model as ruled out.
    #[serde(default)]
    pub previous: Vec<Hypothesis>,
    /// LLM spend of this incident so far, for the per-incident budget.
    #[serde(default)]
    pub spent_usd: f64,
    /// LLM tokens of this incident so far (input, output and cached): what a model without a known price is held
    /// to instead of dollars.
    #[serde(default)]
    pub spent_tokens: u64,
}

/// The Planner's states, as recorded in transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateName {
    Init,
    Running,
    Validating,
    Diagnosing,
    Success,
    Failed,
}

impl StateName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Init => "init",
            Self::Running => "running",
            Self::Validating => "validating",
            Self::Diagnosing => "diagnosing",
            Self::Success => "success",
            Self::Failed => "failed",
        }
    }
}

/// One decision of the Planner, with the reason it was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub from: StateName,
    pub to: StateName,
    pub reason: String,
}

/// One pass through RUNNING (and VALIDATING, DIAGNOSING when they happened).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    pub attempt: u32,
    /// Parallelism this attempt ran with (it changes when a remediation reduces it).
    pub parallelism: u32,
    /// The remediation that was applied to get this attempt (none for the first).
    #[serde(default)]
    pub remediation_applied: Option<Remediation>,
    pub terraform: TerraformResult,
    #[serde(default)]
    pub validation: Option<ValidationResult>,
    #[serde(default)]
    pub diagnosis: Option<Diagnosis>,
    /// How long the Validator took in this attempt (absent when it did not run, and in older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_ms: Option<u64>,
    /// How long the diagnosis took in this attempt (absent when none was asked, and in older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis_ms: Option<u64>,
}

// The one mode of agentlab's code: the run's, which the Terraform agent (plan, or plan and apply) and the Validator
// (the plan's facts, or the live guests) follow too. Two older contracts spell it in their own words on the wire,
// kept by `mode_words`.
/// `plan` on pull requests, `deploy` on merges to main, `check` on a schedule (a refresh-and-plan that is never
/// applied, and the live checks of the deployed guests: drift and health).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    Plan,
    Deploy,
    Check,
}

impl RunMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::Deploy => "deploy",
            Self::Check => "check",
        }
    }

    /// Whether Terraform applies in this mode: only a deploy does; a check plans and never applies.
    pub fn applies(self) -> bool {
        self == Self::Deploy
    }

    /// Whether the Validator looks at live guests (deploy and check) rather than at a plan's facts.
    pub fn checks_live_guests(self) -> bool {
        self != Self::Plan
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failed,
}

/// Where the run happened, for links in comments and issues. All optional: a terminal run has none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunContext {
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub pull_request: Option<u64>,
    #[serde(default)]
    pub run_url: Option<String>,
    /// Plan mode with a review key: the stamp the pull request's comment carries for this project's plan, which a
    /// deploy of the merged commit checks before it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_stamp: Option<ReviewStamp>,
    /// Plan mode: what a reader must know about the configuration this plan used (a pull request planned before
    /// the default branch had an `agentlab.toml`). Markdown, one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_note: Option<String>,
    /// When the run started and ended, UTC in RFC 3339 (`2026-12-01T17:38:14Z`), stamped by the Planner's driver.
    /// Absent in older records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

/// What one project's run leaves on disk, written before anything is posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    pub schema_version: u32,
    pub run_id: String,
    pub project: String,
    pub mode: RunMode,
    pub outcome: Outcome,
    #[serde(default)]
    pub failure_reason: Option<String>,
    pub llm_calls: u32,
    pub cost_usd: f64,
    #[serde(default)]
    pub context: RunContext,
    pub transitions: Vec<Transition>,
    pub attempts: Vec<Attempt>,
    /// The remediation the policy held for a person, when the run ended on one (absent in older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_for_a_person: Option<HeldRemediation>,
    /// A check's verdict and the facts behind it (mode `check` only; absent in older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckFindings>,
}

impl RunRecord {
    pub fn last_attempt(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    /// The last hypothesis of the run, the one an incident issue is about.
    pub fn final_hypothesis(&self) -> Option<&Hypothesis> {
        self.attempts
            .iter()
            .rev()
            .filter_map(|attempt| attempt.diagnosis.as_ref())
            .find_map(|diagnosis| diagnosis.hypothesis.as_ref())
    }
}

/// Adds dollar amounts starting from +0.0. (`Iterator::sum` on floats starts from -0.0, which an empty run would
/// then report as "$-0.00".)
pub fn sum_dollars(amounts: impl IntoIterator<Item = f64>) -> f64 {
    amounts
        .into_iter()
        .fold(0.0, |total, amount| total + amount)
}

/// The names `agentlab schema NAME` accepts, with their JSON Schemas.
pub fn schemas() -> Vec<(&'static str, schemars::schema::RootSchema)> {
    use schemars::schema_for;
    vec![
        ("TerraformRequest", schema_for!(TerraformRequest)),
        ("TerraformResult", schema_for!(TerraformResult)),
        ("ValidationRequest", schema_for!(ValidationRequest)),
        ("ValidationResult", schema_for!(ValidationResult)),
        ("Hypothesis", schema_for!(Hypothesis)),
        ("Remediation", schema_for!(Remediation)),
        ("Diagnosis", schema_for!(Diagnosis)),
        ("DiagnosisRequest", schema_for!(DiagnosisRequest)),
        ("Usage", schema_for!(Usage)),
        ("Transition", schema_for!(Transition)),
        ("Attempt", schema_for!(Attempt)),
        ("RunRecord", schema_for!(RunRecord)),
    ]
}

mod check;
mod held;
mod mode_words;
mod review;

pub use check::{CheckFindings, CheckVerdict};
pub use held::HeldRemediation;
pub use review::{
    ApplyGuard, PlanIdentity, Refusal, RefusalKind, ReviewGate, ReviewStamp, ReviewedPlan,
};

#[cfg(test)]
mod tests;
