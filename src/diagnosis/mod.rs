//! The diagnosis room: the only part of agentlab that talks to an LLM, and only when the Planner is in
//! DIAGNOSING.
//!
//! A failure is turned into a numbered, redacted, budgeted context (`context`), looked up in the known-failure
//! catalogue (`catalogue`, $0) and, only when the catalogue does not know it, put to the configured model
//! (`anthropic`, `openai`: each only its wire format, asked through `http_chat`'s one exchange) over one retrying
//! transport (`transport`). The answer is validated and repaired once (`answer`), and every call's tokens are
//! priced (`cost`). [`build_diagnoser`] assembles the chain from an [`LlmSpec`] and settings; the result is a
//! [`Diagnoser`], which never errs: what cannot be answered becomes a `Diagnosis` with `source: unavailable` and
//! the reason.

pub mod answer;
pub mod anthropic;
pub mod catalogue;
pub mod context;
pub mod cost;
pub mod http_chat;
pub mod llm;
pub mod openai;
pub mod project_files;
pub mod prompt;
pub mod replay;
pub mod schema;
#[cfg(test)]
mod test_fixtures;
pub mod transport;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;

use crate::contracts::{Diagnosis, DiagnosisRequest, DiagnosisSource};
use crate::planner::agents::Diagnoser;
use crate::planner::category_policy::CategoryTable;
use crate::redact::SharedRedactor;

use self::context::DiagnosisContext;
use self::cost::{Price, PriceBook};
use self::llm::{LlmDiagnoser, StructuredChat};
use self::transport::LLM_RETRY;
use crate::http_retry::HttpRetryPolicy;

/// The environment variable that points the LLM client at another base URL (tests, proxies, local servers).
pub const BASE_URL_VARIABLE: &str = "AGENTLAB_LLM_BASE_URL";

/// Which diagnoser answers after the catalogue: `--llm SPEC` / `[llm] spec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LlmSpec {
    /// The known-failure catalogue only: offline, $0.
    Catalog,
    /// No diagnosis at all: a failure ends the run with "no diagnoser configured".
    None,
    Anthropic {
        model: String,
    },
    OpenAi {
        model: String,
    },
    Ollama {
        model: String,
    },
    OpenAiCompatible {
        model: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{spec}` is not an LLM spec: {why}; use catalog, none, anthropic:MODEL, openai:MODEL, ollama:MODEL or openai-compatible:MODEL"
)]
pub struct LlmSpecError {
    pub spec: String,
    pub why: String,
}

impl LlmSpec {
    pub fn parse(spec: &str) -> Result<Self, LlmSpecError> {
        let error = |why: &str| LlmSpecError {
            spec: spec.to_string(),
            why: why.to_string(),
        };
        let trimmed = spec.trim();
        match trimmed {
            "catalog" | "catalogue" => return Ok(Self::Catalog),
            "none" => return Ok(Self::None),
            _ => {}
        }
        let (provider, model) = trimmed
            .split_once(':')
            .ok_or_else(|| error("no `provider:` prefix"))?;
        let model = model.trim();
        if model.is_empty() {
            return Err(error("the model name is empty"));
        }
        let model = model.to_string();
        match provider {
            "anthropic" => Ok(Self::Anthropic { model }),
            "openai" => Ok(Self::OpenAi { model }),
            "ollama" => Ok(Self::Ollama { model }),
            "openai-compatible" => Ok(Self::OpenAiCompatible { model }),
            other => Err(error(&format!("unknown provider `{other}`"))),
        }
    }

    pub fn model(&self) -> Option<&str> {
        match self {
            Self::Catalog | Self::None => None,
            Self::Anthropic { model }
            | Self::OpenAi { model }
            | Self::Ollama { model }
            | Self::OpenAiCompatible { model } => Some(model),
        }
    }
}

impl std::str::FromStr for LlmSpec {
    type Err = LlmSpecError;
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        Self::parse(spec)
    }
}

impl fmt::Display for LlmSpec {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Catalog => write!(formatter, "catalog"),
            Self::None => write!(formatter, "none"),
            Self::Anthropic { model } => write!(formatter, "anthropic:{model}"),
            Self::OpenAi { model } => write!(formatter, "openai:{model}"),
            Self::Ollama { model } => write!(formatter, "ollama:{model}"),
            Self::OpenAiCompatible { model } => write!(formatter, "openai-compatible:{model}"),
        }
    }
}

/// Everything the diagnosis chain is built from; the command layer fills it from `[llm]` and the CLI.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisSettings {
    pub spec: LlmSpec,
    /// Ask the known-failure catalogue first (`--no-catalog` / `[llm] catalog = false` turn it off).
    pub catalog: bool,
    pub timeout: Duration,
    pub budget_usd_per_incident: f64,
    pub token_budget: usize,
    /// Tokens an incident may spend on a model without a known price (no `[llm.prices]` entry, not in the
    /// built-in table): such a model is held to tokens, not costed at $0.
    pub unpriced_tokens_per_incident: u64,
    /// The category → remediation rows the model's answer must keep to: the strict table, widened only by what
    /// `[policy] unattended` runs without a person.
    pub category_table: CategoryTable,
    /// The LLM's base URL when it is not the provider's default: `AGENTLAB_LLM_BASE_URL`, else `[llm] base_url`
    /// (the command layer resolves the two).
    pub base_url: Option<String>,
    pub price_overrides: BTreeMap<String, Price>,
    pub retry: HttpRetryPolicy,
}

impl DiagnosisSettings {
    /// The documented defaults for `spec`.
    pub fn with_spec(spec: LlmSpec) -> Self {
        Self {
            spec,
            catalog: true,
            timeout: Duration::from_secs(60),
            budget_usd_per_incident: 0.05,
            token_budget: context::DEFAULT_TOKEN_BUDGET,
            unpriced_tokens_per_incident: llm::DEFAULT_UNPRICED_TOKENS_PER_INCIDENT,
            category_table: CategoryTable::STRICT,
            base_url: None,
            price_overrides: BTreeMap::new(),
            retry: LLM_RETRY,
        }
    }
}

/// The providers' keys, held as secrets; the command layer reads them once from the invocation's environment.
#[derive(Clone, Default)]
pub struct ApiKeys {
    pub anthropic: Option<SecretString>,
    pub openai: Option<SecretString>,
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ApiKeys")
            .field("anthropic", &self.anthropic.as_ref().map(|_| "[set]"))
            .field("openai", &self.openai.as_ref().map(|_| "[set]"))
            .finish()
    }
}

/// Why the chain cannot be built: configuration a person must fix (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum DiagnoserBuildError {
    #[error(
        "`{spec}` needs a base URL: set [llm] base_url in agentlab.toml or {BASE_URL_VARIABLE}"
    )]
    MissingBaseUrl { spec: String },
    #[error("the LLM base URL `{url}` is not an http(s) URL")]
    InvalidBaseUrl { url: String },
    #[error("cannot build the HTTP client for the LLM: {0}")]
    HttpClient(String),
}

/// Builds the configured chain: the catalogue (unless turned off), then the LLM of `settings.spec`.
pub fn build_diagnoser(
    settings: &DiagnosisSettings,
    keys: ApiKeys,
    redactor: SharedRedactor,
) -> Result<Box<dyn Diagnoser>, DiagnoserBuildError> {
    let llm = build_chat(settings, keys)?.map(|chat| LlmDiagnoser {
        chat,
        prices: PriceBook::new(settings.price_overrides.clone()),
        budget_usd_per_incident: settings.budget_usd_per_incident,
        unpriced_tokens_per_incident: settings.unpriced_tokens_per_incident,
        table: settings.category_table,
    });
    let catalog = settings.catalog || settings.spec == LlmSpec::Catalog;
    Ok(Box::new(DiagnosisChain {
        catalog,
        llm,
        spec: settings.spec.clone(),
        redactor,
        token_budget: settings.token_budget,
    }))
}

fn build_chat(
    settings: &DiagnosisSettings,
    keys: ApiKeys,
) -> Result<Option<Box<dyn StructuredChat>>, DiagnoserBuildError> {
    let (default_base, model) = match &settings.spec {
        LlmSpec::Catalog | LlmSpec::None => return Ok(None),
        LlmSpec::Anthropic { model } => (Some(anthropic::DEFAULT_BASE_URL), model.clone()),
        LlmSpec::OpenAi { model } => (Some(openai::OPENAI_BASE_URL), model.clone()),
        LlmSpec::Ollama { model } => (Some(openai::OLLAMA_BASE_URL), model.clone()),
        LlmSpec::OpenAiCompatible { model } => (None, model.clone()),
    };
    let base_url = settings
        .base_url
        .clone()
        .or_else(|| default_base.map(str::to_string))
        .ok_or_else(|| DiagnoserBuildError::MissingBaseUrl {
            spec: settings.spec.to_string(),
        })?;
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(DiagnoserBuildError::InvalidBaseUrl { url: base_url });
    }
    let client = reqwest::Client::builder()
        .timeout(settings.timeout)
        .build()
        .map_err(|error| DiagnoserBuildError::HttpClient(error.to_string()))?;
    let retry = settings.retry;
    let chat: Box<dyn StructuredChat> = match &settings.spec {
        LlmSpec::Anthropic { .. } => Box::new(anthropic::AnthropicChat {
            client,
            base_url,
            model,
            api_key: keys.anthropic,
            retry,
            wire: anthropic::AnthropicMessages,
        }),
        spec => {
            let dialect = match spec {
                LlmSpec::OpenAi { .. } => openai::Dialect::OpenAi,
                LlmSpec::Ollama { .. } => openai::Dialect::Ollama,
                _ => openai::Dialect::Compatible,
            };
            Box::new(openai::OpenAiChat {
                client,
                base_url,
                model,
                api_key: keys.openai,
                retry,
                wire: openai::ChatCompletions { dialect },
            })
        }
    };
    Ok(Some(chat))
}

/// Catalogue first, then the LLM; everything it hands back is redacted.
pub struct DiagnosisChain {
    catalog: bool,
    llm: Option<LlmDiagnoser>,
    spec: LlmSpec,
    redactor: SharedRedactor,
    token_budget: usize,
}

#[async_trait]
impl Diagnoser for DiagnosisChain {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis {
        // Values the project marks sensitive go into the shared redactor, not only into this prompt: the record,
        // the comment and the logs must hide them as well.
        for value in
            project_files::sensitive_values(&project_files::read_project_files(&request.dir))
        {
            self.redactor.add_secret(&value);
        }
        let redactor = self.redactor.snapshot();
        let context = DiagnosisContext::assemble(request, &redactor, self.token_budget);
        let mut diagnosis = self.diagnose_in_context(request, &context).await;
        if let Some(hypothesis) = &diagnosis.hypothesis {
            diagnosis.cited_evidence = context.cited(&hypothesis.evidence);
        }
        redact_diagnosis(diagnosis, &redactor)
    }
}

impl DiagnosisChain {
    async fn diagnose_in_context(
        &self,
        request: &DiagnosisRequest,
        context: &DiagnosisContext,
    ) -> Diagnosis {
        let mut hinted;
        let mut context = context;
        if self.catalog {
            if let Some(found) = catalogue::recognise(request, context) {
                tracing::info!(
                    signature = found.signature,
                    "the known-failure catalogue recognised the failure"
                );
                return Diagnosis {
                    source: DiagnosisSource::Catalog,
                    hypothesis: Some(found.hypothesis),
                    detail: Some(format!("known-failure catalogue: {}", found.signature)),
                    usage: Vec::new(),
                    catalogue_signature: Some(found.signature.to_string()),
                    cited_evidence: Vec::new(),
                };
            }
            // Not recognised: the closest known failures go to the model as hints.
            hinted = context.clone();
            hinted.similar = catalogue::similar_failures(context);
            context = &hinted;
        }
        match (&self.llm, &self.spec) {
            (Some(llm), _) => {
                llm.diagnose(context, request.spent_usd, request.spent_tokens)
                    .await
            }
            (None, LlmSpec::Catalog) => Diagnosis::unavailable(
                "the known-failure catalogue does not recognise this failure and no LLM is configured (--llm catalog)",
            ),
            (None, _) => Diagnosis::unavailable("no diagnoser configured"),
        }
    }
}

/// The hypothesis text and the detail may quote what the model saw or said: both are redacted once more.
fn redact_diagnosis(mut diagnosis: Diagnosis, redactor: &crate::redact::Redactor) -> Diagnosis {
    if let Some(hypothesis) = diagnosis.hypothesis.as_mut() {
        hypothesis.root_cause = redactor.redact(&hypothesis.root_cause);
        if let crate::contracts::Remediation::Replace { address } = &mut hypothesis.remediation {
            *address = redactor.redact(address);
        }
    }
    diagnosis.detail = diagnosis.detail.map(|detail| redactor.redact(&detail));
    for item in &mut diagnosis.cited_evidence {
        item.title = redactor.redact(&item.title);
        item.excerpt = redactor.redact(&item.excerpt);
    }
    diagnosis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_spec_parses_and_prints_back() {
        for text in [
            "catalog",
            "none",
            "anthropic:claude-haiku-4-5",
            "openai:gpt-4o-mini",
            "ollama:qwen2.5-coder:1.5b",
            "openai-compatible:local",
        ] {
            let spec = LlmSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), text);
        }
        assert_eq!(
            LlmSpec::parse("ollama:qwen2.5-coder:1.5b").unwrap().model(),
            Some("qwen2.5-coder:1.5b")
        );
        for bad in ["", "anthropic", "anthropic:", "gemini:pro"] {
            let error = LlmSpec::parse(bad).unwrap_err().to_string();
            assert!(error.contains("anthropic:MODEL"), "{error}");
        }
    }

    #[test]
    fn openai_compatible_without_a_base_url_is_a_configuration_error() {
        let settings = DiagnosisSettings::with_spec(LlmSpec::parse("openai-compatible:m").unwrap());
        let error = build_diagnoser(&settings, ApiKeys::default(), SharedRedactor::default())
            .err()
            .unwrap();
        assert!(error.to_string().contains(BASE_URL_VARIABLE), "{error}");
        let mut settings = DiagnosisSettings::with_spec(LlmSpec::parse("anthropic:m").unwrap());
        settings.base_url = Some("ftp://x".into());
        assert!(matches!(
            build_diagnoser(&settings, ApiKeys::default(), SharedRedactor::default()),
            Err(DiagnoserBuildError::InvalidBaseUrl { .. })
        ));
    }
}
