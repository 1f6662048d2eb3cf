//! Asking a model for one hypothesis: the per-incident budget, the one repair request, and the usage and cost of
//! every call. The providers sit behind [`StructuredChat`]; this file does not know their wire formats.

use async_trait::async_trait;

use crate::contracts::{Diagnosis, DiagnosisSource, Usage};
use crate::planner::category_policy::CategoryTable;

use super::answer::{
    AnswerContent, AnswerProblem, check_own_words, repair_request, system_prompt, validate_answer,
};
use super::context::DiagnosisContext;
use super::cost::{PriceBook, PriceSource, TokenCounts};
use super::schema::ResponseSchema;

/// What an incident has spent before the next call, and whether the model is held to tokens (no known price).
struct IncidentSpend {
    usd: f64,
    tokens: u64,
    unpriced: bool,
}

fn usage_tokens(usage: &Usage) -> u64 {
    usage.input_tokens + usage.output_tokens + usage.cache_read_tokens + usage.cache_write_tokens
}
use super::transport::LlmError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub role: Role,
    pub text: String,
}

/// A system prompt and the turns so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub system: String,
    pub turns: Vec<Turn>,
}

impl Conversation {
    pub fn new(system: String, first_user_message: String) -> Self {
        Self {
            system,
            turns: vec![Turn {
                role: Role::User,
                text: first_user_message,
            }],
        }
    }
}

/// One answer of a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatAnswer {
    pub content: AnswerContent,
    pub tokens: TokenCounts,
    pub latency_ms: u64,
}

/// A provider that answers a conversation with content shaped by `schema`.
#[async_trait]
pub trait StructuredChat: Send + Sync {
    fn provider(&self) -> &'static str;
    fn model(&self) -> &str;
    async fn ask(
        &self,
        conversation: &Conversation,
        schema: &ResponseSchema,
    ) -> Result<ChatAnswer, LlmError>;
}

/// The most output tokens any wire format asks a model for (Anthropic's `max_tokens`; chat completions ask 800):
/// the worst case of a call's answer, counted before the call against the incident budget.
pub const WORST_CASE_OUTPUT_TOKENS: u64 = 1024;

/// The default token budget of an incident diagnosed by a model without a known price: a few diagnoses with a
/// repair each at the default prompt budget.
pub const DEFAULT_UNPRICED_TOKENS_PER_INCIDENT: u64 = 40_000;

/// The LLM half of the diagnosis chain.
pub struct LlmDiagnoser {
    pub chat: Box<dyn StructuredChat>,
    pub prices: PriceBook,
    pub budget_usd_per_incident: f64,
    /// What an incident may spend, in tokens, on a model the price book does not know.
    pub unpriced_tokens_per_incident: u64,
    /// The category → remediation rows in force (`[policy] unattended` may widen two of them).
    pub table: CategoryTable,
}

/// Warns once per process and model that a model has no known price.
fn warn_unpriced_once(model: &str, budget: u64) {
    static WARNED: std::sync::OnceLock<std::sync::Mutex<std::collections::BTreeSet<String>>> =
        std::sync::OnceLock::new();
    let warned = WARNED.get_or_init(Default::default);
    let first = warned
        .lock()
        .map(|mut set| set.insert(model.to_string()))
        .unwrap_or(false);
    if first {
        tracing::warn!(
            %model,
            "no known price for this model: its calls are not costed in dollars but counted against a budget of {budget} tokens per incident; set [llm.prices.\"{model}\"] in agentlab.toml to cost them"
        );
    }
}

impl LlmDiagnoser {
    /// Diagnoses with at most two calls (the question and one repair), never past the incident budget.
    pub async fn diagnose(
        &self,
        context: &DiagnosisContext,
        spent_usd: f64,
        spent_tokens: u64,
    ) -> Diagnosis {
        let unpriced = self.prices.quote(self.chat.model()).source == PriceSource::Unknown;
        if unpriced {
            warn_unpriced_once(self.chat.model(), self.unpriced_tokens_per_incident);
        }
        let budget = IncidentSpend {
            usd: spent_usd,
            tokens: spent_tokens,
            unpriced,
        };
        if spent_usd >= self.budget_usd_per_incident {
            return Diagnosis::unavailable(format!(
                "the LLM budget of ${:.4} for this incident is spent (${spent_usd:.4}); raise [llm] budget_usd_per_incident to allow more calls",
                self.budget_usd_per_incident
            ));
        }
        let presented = context.evidence_ids();
        // The rows in force, narrowed by what the run itself shows: the prompt, the schema, the validation and the
        // repair all read this one table.
        let table = self.table.for_incident(&context.facts);
        let schema = ResponseSchema::new(&presented, &table);
        let mut conversation = Conversation::new(system_prompt(&table), context.render_prompt());
        let mut usage: Vec<Usage> = Vec::new();
        let note = |calls: usize| {
            format!(
                "{}:{}, {calls} call{}; context {} tokens kept, {} dropped",
                self.chat.provider(),
                self.chat.model(),
                if calls == 1 { "" } else { "s" },
                context.kept_tokens,
                context.dropped_tokens
            )
        };
        if let Some(refusal) = self.over_budget_refusal(&conversation, &budget) {
            return self.unavailable(refusal, usage);
        }
        let first = match self.chat.ask(&conversation, &schema).await {
            Ok(answer) => answer,
            Err(error) => return self.unavailable(format!("LLM call failed: {error}"), usage),
        };
        usage.push(self.usage_of(&first));
        let checked = |content: &AnswerContent| {
            validate_answer(content, &presented, &table)
                .and_then(|hypothesis| check_own_words(hypothesis, &context.items))
        };
        let problem = match checked(&first.content) {
            Ok(hypothesis) => return self.found(hypothesis, usage, note(1)),
            Err(problem) => problem,
        };
        tracing::warn!(%problem, "LLM answer refused, asking once more");
        let spent_now = spent_usd + usage.iter().map(|u| u.cost_usd).sum::<f64>();
        let budget = IncidentSpend {
            usd: spent_now,
            tokens: spent_tokens + usage.iter().map(usage_tokens).sum::<u64>(),
            unpriced,
        };
        if spent_now >= self.budget_usd_per_incident {
            return self.without_repair(&problem, "the incident budget is spent", usage, note(1));
        }
        conversation.turns.push(Turn {
            role: Role::Assistant,
            text: first.content.as_text(),
        });
        conversation.turns.push(Turn {
            role: Role::User,
            text: repair_request(&problem, &presented, &table),
        });
        if let Some(refusal) = self.over_budget_refusal(&conversation, &budget) {
            return self.without_repair(&problem, &refusal, usage, note(1));
        }
        let second = match self.chat.ask(&conversation, &schema).await {
            Ok(answer) => answer,
            Err(error) => {
                return self.without_repair(
                    &problem,
                    &format!("the repair call failed: {error}"),
                    usage,
                    note(1),
                );
            }
        };
        usage.push(self.usage_of(&second));
        match checked(&second.content) {
            Ok(hypothesis) => self.found(hypothesis, usage, note(2)),
            // Asked once to name this run's failure and still repeating the guide: the answer is otherwise valid,
            // so it is kept, and the note says what is wrong with its root cause.
            Err(AnswerProblem::CopiedGuide { hypothesis, copied }) => self.found(
                *hypothesis,
                usage,
                format!(
                    "{}; after the repair the root cause still repeats the prompt's guide to `{}`, and it was kept as it is",
                    note(2),
                    copied.as_str()
                ),
            ),
            Err(again) => match again.fallback_hypothesis() {
                Some(hypothesis) => self.found(
                    hypothesis,
                    usage,
                    format!(
                        "{}; after the repair {again}, so the policy's default was used",
                        note(2)
                    ),
                ),
                None => match &problem {
                    // A first answer refused only for its words stays the best answer there is.
                    AnswerProblem::CopiedGuide { hypothesis, .. } => self.found(
                        (**hypothesis).clone(),
                        usage,
                        format!(
                            "{}; {problem}, and the repair was invalid ({again}), so the first answer was kept",
                            note(2)
                        ),
                    ),
                    _ => self.unavailable(
                        format!("the LLM's answer was invalid twice: first {problem}; then {again}"),
                        usage,
                    ),
                },
            },
        }
    }

    /// Why the next call may not be made: its worst case (the whole prompt plus the most output tokens any wire
    /// format asks for, at the model's price) would take the incident past its budget.
    /// A model without a known price is held to the incident's token budget instead: the whole prompt plus the
    /// most output tokens, on top of the tokens the incident has spent.
    fn over_budget_refusal(
        &self,
        conversation: &Conversation,
        spent: &IncidentSpend,
    ) -> Option<String> {
        let spent_usd = spent.usd;
        let prompt_tokens = super::context::tokens(&conversation.system)
            + conversation
                .turns
                .iter()
                .map(|turn| super::context::tokens(&turn.text))
                .sum::<usize>();
        if spent.unpriced {
            let worst = spent.tokens + prompt_tokens as u64 + WORST_CASE_OUTPUT_TOKENS;
            return (worst > self.unpriced_tokens_per_incident).then(|| {
                format!(
                    "{} has no known price, so the incident is held to {} tokens: {} are spent and the next call could take {} more ({prompt_tokens} prompt tokens and {WORST_CASE_OUTPUT_TOKENS} output tokens); set [llm.prices.\"{}\"] in agentlab.toml to budget it in dollars",
                    self.chat.model(),
                    self.unpriced_tokens_per_incident,
                    spent.tokens,
                    prompt_tokens as u64 + WORST_CASE_OUTPUT_TOKENS,
                    self.chat.model()
                )
            });
        }
        let worst = self.prices.quote(self.chat.model()).cost_usd(TokenCounts {
            input: prompt_tokens as u64,
            output: WORST_CASE_OUTPUT_TOKENS,
            ..TokenCounts::default()
        });
        (spent_usd + worst > self.budget_usd_per_incident).then(|| {
            format!(
                "the next call could cost up to ${worst:.4} ({prompt_tokens} prompt tokens and {WORST_CASE_OUTPUT_TOKENS} output tokens), and ${spent_usd:.4} of the incident's ${:.4} is spent; raise [llm] budget_usd_per_incident to allow it",
                self.budget_usd_per_incident
            )
        })
    }

    fn usage_of(&self, answer: &ChatAnswer) -> Usage {
        let quote = self.prices.quote(self.chat.model());
        Usage {
            provider: self.chat.provider().to_string(),
            model: self.chat.model().to_string(),
            input_tokens: answer.tokens.input,
            output_tokens: answer.tokens.output,
            cache_read_tokens: answer.tokens.cache_read,
            cache_write_tokens: answer.tokens.cache_write,
            cost_usd: quote.cost_usd(answer.tokens),
            price: if answer.tokens.unreported {
                format!(
                    "{}: cost unknown, the provider's answer had no usage block",
                    self.chat.model()
                )
            } else {
                quote.label()
            },
            latency_ms: answer.latency_ms,
        }
    }

    fn found(
        &self,
        hypothesis: crate::contracts::Hypothesis,
        usage: Vec<Usage>,
        note: String,
    ) -> Diagnosis {
        Diagnosis {
            source: DiagnosisSource::Llm,
            hypothesis: Some(hypothesis),
            detail: Some(note),
            usage,
            catalogue_signature: None,
            cited_evidence: Vec::new(),
        }
    }

    /// The diagnosis of a refused first answer that gets no repair (`why`): the hypothesis it held, when it held a
    /// usable one (`AnswerProblem::fallback_hypothesis`), or none.
    fn without_repair(
        &self,
        problem: &AnswerProblem,
        why: &str,
        usage: Vec<Usage>,
        note: String,
    ) -> Diagnosis {
        match problem.fallback_hypothesis() {
            Some(hypothesis) => self.found(
                hypothesis,
                usage,
                format!("{note}; {problem}, so {} ({why})", problem.fallback_note()),
            ),
            None => self.unavailable(
                format!("the LLM's answer was invalid ({problem}) and no repair was made: {why}"),
                usage,
            ),
        }
    }

    fn unavailable(&self, detail: String, usage: Vec<Usage>) -> Diagnosis {
        Diagnosis {
            source: DiagnosisSource::Unavailable,
            hypothesis: None,
            detail: Some(detail),
            usage,
            catalogue_signature: None,
            cited_evidence: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::diagnosis::context::{EvidenceItem, EvidenceKind};
    use serde_json::Value;

    /// Answers with `remediations` in turn (a resource conflict citing E1); past the last one, every call fails.
    struct ScriptedChat {
        calls: AtomicUsize,
        remediations: Vec<Value>,
    }

    impl ScriptedChat {
        fn answering(remediations: Vec<Value>) -> Self {
            Self {
                calls: AtomicUsize::new(0),
                remediations,
            }
        }
    }

    #[async_trait]
    impl StructuredChat for ScriptedChat {
        fn provider(&self) -> &'static str {
            "openai-compatible"
        }
        fn model(&self) -> &str {
            "a-local-model"
        }
        async fn ask(&self, _: &Conversation, _: &ResponseSchema) -> Result<ChatAnswer, LlmError> {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            let Some(remediation) = self.remediations.get(call) else {
                return Err(LlmError::SpendLimit {
                    message: "credit exhausted".into(),
                });
            };
            Ok(ChatAnswer {
                content: AnswerContent::Json(serde_json::json!({
                    "category": "resource_conflict",
                    "root_cause": "CT 901 already exists",
                    "evidence": ["E1"],
                    "remediation": remediation,
                    "confidence": 0.8
                })),
                tokens: TokenCounts {
                    input: 1_500,
                    output: 80,
                    ..TokenCounts::default()
                },
                latency_ms: 5,
            })
        }
    }

    fn context() -> DiagnosisContext {
        DiagnosisContext {
            items: vec![EvidenceItem {
                id: "E1".into(),
                kind: EvidenceKind::TerraformError,
                title: "Terraform error".into(),
                text: "unable to create CT 901 - CT 901 already exists".into(),
            }],
            ruled_out: Vec::new(),
            kept_tokens: 20,
            dropped_tokens: 0,
            left_out: Vec::new(),
            similar: Vec::new(),
            facts: Default::default(),
        }
    }

    fn diagnoser() -> LlmDiagnoser {
        LlmDiagnoser {
            chat: Box::new(ScriptedChat::answering(vec![
                serde_json::json!({"action": "escalate"});
                4
            ])),
            prices: PriceBook::default(),
            budget_usd_per_incident: 0.05,
            unpriced_tokens_per_incident: 8_000,
            table: CategoryTable::STRICT,
        }
    }

    #[tokio::test]
    async fn a_model_without_a_price_is_held_to_the_token_budget_not_costed_at_zero() {
        let llm = diagnoser();
        let first = llm.diagnose(&context(), 0.0, 0).await;
        assert_eq!(first.llm_calls(), 1, "{:?}", first.detail);
        assert!(
            first.usage[0].price.contains("not costed"),
            "{}",
            first.usage[0].price
        );
        // 7,000 tokens already spent: the next call's worst case (prompt + 1,024 output tokens) would pass 8,000.
        let refused = llm.diagnose(&context(), 0.0, 7_000).await;
        assert_eq!(refused.llm_calls(), 0);
        let detail = refused.detail.unwrap_or_default();
        assert!(detail.contains("no known price"), "{detail}");
        assert!(detail.contains("8000 tokens"), "{detail}");
    }

    #[tokio::test]
    async fn a_failed_repair_call_keeps_the_models_category_with_the_policys_default() {
        let llm = LlmDiagnoser {
            // `replace` is outside the strict row; the repair call then fails.
            chat: Box::new(ScriptedChat::answering(vec![serde_json::json!(
                {"action": "replace", "address": "proxmox_virtual_environment_container.ct"}
            )])),
            ..diagnoser()
        };
        let diagnosis = llm.diagnose(&context(), 0.0, 0).await;
        assert_eq!(diagnosis.llm_calls(), 1, "{:?}", diagnosis.detail);
        let hypothesis = diagnosis.hypothesis.as_ref().expect("a hypothesis");
        assert_eq!(
            hypothesis.category,
            crate::contracts::Category::ResourceConflict
        );
        assert_eq!(
            hypothesis.remediation,
            crate::contracts::Remediation::Escalate
        );
        let detail = diagnosis.detail.unwrap_or_default();
        assert!(detail.contains("the repair call failed"), "{detail}");
        assert!(detail.contains("allowed: escalate"), "{detail}");
    }
}
