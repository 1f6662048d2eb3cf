//! What an LLM call cost: tokens times a dated price per model.
//!
//! Prices change, so they live in one table with the date they were read, and `agentlab.toml` may override any
//! model (`[llm.prices."MODEL"]`). Every cost figure carries a label saying which price produced it, so a record
//! read a year later still explains its numbers. A model without a known price (a local Ollama model, a new id)
//! is not costed at $0 and forgotten: its label says it has no price, the diagnoser warns once, and its tokens
//! count against the incident's token budget instead (`llm`).

use std::collections::BTreeMap;

/// When the built-in table was read from the providers' pricing pages.
pub const PRICE_TABLE_DATE: &str = "2026-12";

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    pub cache_read_per_mtok: f64,
    pub cache_write_per_mtok: f64,
}

/// Token counts of one call, as the provider reported them. `input` excludes cached tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenCounts {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    /// The provider's answer had no usage block: the counts are unknown (zeros), and so is the cost.
    pub unreported: bool,
}

/// Where a price came from.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceSource {
    BuiltInTable,
    Config,
    Unknown,
}

/// The price used for one model, with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceQuote {
    pub model: String,
    pub price: Price,
    pub source: PriceSource,
}

impl PriceQuote {
    pub fn cost_usd(&self, tokens: TokenCounts) -> f64 {
        let per_token = |count: u64, per_mtok: f64| count as f64 * per_mtok / 1_000_000.0;
        per_token(tokens.input, self.price.input_per_mtok)
            + per_token(tokens.output, self.price.output_per_mtok)
            + per_token(tokens.cache_read, self.price.cache_read_per_mtok)
            + per_token(tokens.cache_write, self.price.cache_write_per_mtok)
    }

    /// `claude-haiku-4-5: $1.00 in / $5.00 out / $0.10 cache read / $1.25 cache write per MTok (table 2026-12)`.
    pub fn label(&self) -> String {
        let price = self.price;
        let origin = match self.source {
            PriceSource::BuiltInTable => format!("table {PRICE_TABLE_DATE}"),
            PriceSource::Config => "agentlab.toml [llm.prices]".to_string(),
            PriceSource::Unknown => {
                return format!(
                    "{}: no known price, so not costed: its tokens count against the incident's token budget (set [llm.prices.\"{}\"] in agentlab.toml)",
                    self.model, self.model
                );
            }
        };
        format!(
            "{}: ${:.2} in / ${:.2} out / ${:.2} cache read / ${:.2} cache write per MTok ({origin})",
            self.model,
            price.input_per_mtok,
            price.output_per_mtok,
            price.cache_read_per_mtok,
            price.cache_write_per_mtok
        )
    }
}

/// The built-in table plus the configured overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceBook {
    overrides: BTreeMap<String, Price>,
}

impl PriceBook {
    pub fn new(overrides: BTreeMap<String, Price>) -> Self {
        Self { overrides }
    }

    pub fn quote(&self, model: &str) -> PriceQuote {
        let (price, source) = match self.overrides.get(model) {
            Some(price) => (*price, PriceSource::Config),
            None => match built_in_price(model) {
                Some(price) => (price, PriceSource::BuiltInTable),
                None => (
                    Price {
                        input_per_mtok: 0.0,
                        output_per_mtok: 0.0,
                        cache_read_per_mtok: 0.0,
                        cache_write_per_mtok: 0.0,
                    },
                    PriceSource::Unknown,
                ),
            },
        };
        PriceQuote {
            model: model.to_string(),
            price,
            source,
        }
    }
}

/// The providers' published prices per million tokens, dated in the table below. A dated id (`claude-haiku-4-5-20251001`) takes the price of its alias. Where the
/// pricing page gives no cache prices (claude-haiku-5-5) cached tokens are counted at the input price, which can
/// only overstate the cost.
pub fn built_in_price(model: &str) -> Option<Price> {
    let price = |input: f64, cache_write: f64, cache_read: f64, output: f64| Price {
        input_per_mtok: input,
        output_per_mtok: output,
        cache_read_per_mtok: cache_read,
        cache_write_per_mtok: cache_write,
    };
    const TABLE: &[(&str, [f64; 4])] = &[
        // model, [input, cache write 5m, cache read, output]
        // Anthropic: the platform pricing page (https://platform.claude.com/docs/en/about-claude/pricing), late 2026.
        ("claude-3-haiku-20240307", [0.25, 0.30, 0.03, 1.25]),
        ("claude-3-5-haiku-20241022", [0.80, 1.00, 0.08, 4.00]),
        ("claude-3-5-haiku-latest", [0.80, 1.00, 0.08, 4.00]),
        ("claude-haiku-4-5", [1.00, 1.25, 0.10, 5.00]),
        ("claude-sonnet-4-5", [3.00, 3.75, 0.30, 15.00]),
        ("claude-sonnet-4-6", [3.00, 3.75, 0.30, 15.00]),
        ("claude-haiku-5-5", [0.10, 0.10, 0.10, 0.50]),
        // OpenAI: the pricing page (https://developers.openai.com/api/docs/pricing) and each model's page
        // (https://developers.openai.com/api/docs/models/MODEL), read 2026-12. OpenAI charges nothing to write its
        // prompt cache; "cached input" is the cache-read price.
        ("gpt-5.5", [5.00, 0.0, 0.50, 30.00]),
        ("gpt-5.4", [2.50, 0.0, 0.25, 15.00]),
        ("gpt-5.4-mini", [0.75, 0.0, 0.075, 4.50]),
        ("gpt-5.4-nano", [0.20, 0.0, 0.02, 1.25]),
        ("gpt-5-nano", [0.05, 0.0, 0.005, 0.40]),
        ("gpt-4o-mini", [0.15, 0.0, 0.075, 0.60]),
    ];
    TABLE
        .iter()
        .find(|(id, _)| {
            model == *id
                || model.strip_prefix(id).is_some_and(|rest| {
                    // `-20251001` (Anthropic) or `-2024-07-18` (OpenAI): a date after the alias.
                    rest.starts_with('-')
                        && rest[1..].starts_with(|c: char| c.is_ascii_digit())
                        && rest[1..].chars().all(|c| c.is_ascii_digit() || c == '-')
                })
        })
        .map(|(_, [input, cache_write, cache_read, output])| {
            price(*input, *cache_write, *cache_read, *output)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_tokens_times_the_table_price() {
        let quote = PriceBook::default().quote("claude-haiku-4-5-20251001");
        assert_eq!(quote.source, PriceSource::BuiltInTable);
        let tokens = TokenCounts {
            input: 2_000,
            output: 300,
            cache_read: 1_000,
            cache_write: 400,
            unreported: false,
        };
        let expected = (2_000.0 * 1.00 + 300.0 * 5.00 + 1_000.0 * 0.10 + 400.0 * 1.25) / 1e6;
        assert!((quote.cost_usd(tokens) - expected).abs() < 1e-12);
        assert!(
            quote.label().contains("(table 2026-12)"),
            "{}",
            quote.label()
        );
    }

    #[test]
    fn the_current_haiku_and_the_retired_ones_are_known() {
        let check = |model: &str, input: f64, output: f64| {
            let price = built_in_price(model).unwrap_or_else(|| panic!("{model} has no price"));
            assert_eq!(
                (price.input_per_mtok, price.output_per_mtok),
                (input, output),
                "{model}"
            );
        };
        check("claude-haiku-5-5", 0.10, 0.50);
        check("claude-3-haiku-20240307", 0.25, 1.25);
        check("claude-3-5-haiku-20241022", 0.80, 4.00);
        check("claude-sonnet-4-6", 3.00, 15.00);
        check("gpt-5.4-mini", 0.75, 4.50);
        check("gpt-5.4-nano", 0.20, 1.25);
        check("gpt-5.5", 5.00, 30.00);
        check("gpt-4o-mini-2024-07-18", 0.15, 0.60);
        // A dated id takes its alias's price, but a longer name is another model.
        assert_eq!(built_in_price("gpt-5.4-mini-high"), None);
        assert_eq!(built_in_price("claude-haiku-4-5-preview"), None);
        assert_eq!(built_in_price("qwen2.5-coder:1.5b"), None);
    }

    #[test]
    fn config_overrides_win_and_unknown_models_say_how_to_price_them() {
        let overridden = Price {
            input_per_mtok: 2.0,
            output_per_mtok: 8.0,
            cache_read_per_mtok: 0.0,
            cache_write_per_mtok: 0.0,
        };
        let book = PriceBook::new(BTreeMap::from([(
            "claude-haiku-5-5".to_string(),
            overridden,
        )]));
        let quote = book.quote("claude-haiku-5-5");
        assert_eq!(quote.source, PriceSource::Config);
        assert!(quote.label().contains("agentlab.toml"));
        let unknown = book.quote("qwen2.5-coder");
        assert_eq!(
            unknown.cost_usd(TokenCounts {
                input: 10,
                output: 10,
                ..Default::default()
            }),
            0.0
        );
        assert!(
            unknown.label().contains("[llm.prices.\"qwen2.5-coder\"]"),
            "{}",
            unknown.label()
        );
    }
}
