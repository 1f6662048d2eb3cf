//! The values `agentlab.toml` accepts, checked while they are deserialized so that the TOML parser can point at
//! the offending line: retries, durations, LLM specs, timeouts, dollar amounts, regular expressions, globs and
//! GitHub logins. Each check's message says what is allowed.

use serde::{Deserialize, Deserializer};

/// A GitHub login: letters, digits and single hyphens, with `[bot]` at the end for an app's account.
pub(super) fn github_login<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    checked(deserializer, |login: &String| {
        let name = login.strip_suffix("[bot]").unwrap_or(login);
        if !name.is_empty()
            && name.len() <= 39
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            Ok(())
        } else {
            Err(format!(
                "bot_login `{login}` is not a GitHub login; write the account agentlab posts as, like github-actions[bot] or my-app[bot]"
            ))
        }
    })
}

/// The LLM spec prefixes agentlab knows.
pub const LLM_SPEC_KINDS: &[&str] = &[
    "catalog",
    "none",
    "anthropic:",
    "openai:",
    "ollama:",
    "openai-compatible:",
];

/// Checks an LLM SPEC's shape (`catalog`, `none`, or `PROVIDER:MODEL` with a model name).
pub fn check_llm_spec(spec: &str) -> Result<(), String> {
    if spec == "catalog" || spec == "none" {
        return Ok(());
    }
    match spec.split_once(':') {
        Some((provider, model))
            if !model.is_empty()
                && ["anthropic", "openai", "ollama", "openai-compatible"].contains(&provider) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "`{spec}` is not an LLM spec: use catalog, none, anthropic:MODEL, openai:MODEL, ollama:MODEL or \
             openai-compatible:MODEL"
        )),
    }
}

/// Checks Terraform's duration syntax as `-lock-timeout` takes it: `0`, or a number followed by `s`, `m` or `h`.
pub fn check_terraform_duration(text: &str) -> Result<(), String> {
    let digits = text.trim_end_matches(['s', 'm', 'h']);
    let unit_count = text.len() - digits.len();
    if text == "0"
        || (unit_count == 1 && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
    {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a duration: write a number followed by s, m or h, like 30s or 5m"
        ))
    }
}

pub(super) fn checked<'de, D, T, F>(deserializer: D, check: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
    F: FnOnce(&T) -> Result<(), String>,
{
    let value = T::deserialize(deserializer)?;
    check(&value).map_err(serde::de::Error::custom)?;
    Ok(value)
}

pub(super) fn max_retries<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    checked(deserializer, |value: &u32| {
        if *value <= 10 {
            Ok(())
        } else {
            Err(format!(
                "max_retries is {value}; at most 10 retries are allowed"
            ))
        }
    })
}

pub(super) fn at_least_one_token<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<u64, D::Error> {
    checked(deserializer, |value: &u64| {
        if *value >= 1 {
            Ok(())
        } else {
            Err("must be at least 1 token".to_string())
        }
    })
}

pub(super) fn at_least_one<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    checked(deserializer, |value: &u32| {
        if *value >= 1 {
            Ok(())
        } else {
            Err("must be at least 1".to_string())
        }
    })
}

pub(super) fn optional_at_least_one<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u32>, D::Error> {
    at_least_one(deserializer).map(Some)
}

pub(super) fn terraform_duration<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    checked(deserializer, |value: &String| {
        check_terraform_duration(value)
    })
}

pub(super) fn llm_spec<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    checked(deserializer, |value: &String| check_llm_spec(value))
}

pub(super) fn llm_timeout<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    checked(deserializer, |value: &u64| {
        if (1..=600).contains(value) {
            Ok(())
        } else {
            Err(format!("{value} s is outside 1 to 600 seconds"))
        }
    })
}

pub(super) fn non_negative_dollars<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<f64, D::Error> {
    checked(deserializer, |value: &f64| {
        if value.is_finite() && *value >= 0.0 {
            Ok(())
        } else {
            Err(format!("{value} is not a dollar amount ≥ 0"))
        }
    })
}

pub(super) fn optional_non_negative_dollars<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    non_negative_dollars(deserializer).map(Some)
}

pub(super) fn regex<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    checked(deserializer, |value: &String| {
        regex::Regex::new(value)
            .map(drop)
            .map_err(|error| format!("`{value}` is not a regular expression: {error}"))
    })
}

pub(super) fn regex_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    checked(deserializer, |values: &Vec<String>| {
        values.iter().try_for_each(|value| {
            regex::Regex::new(value)
                .map(drop)
                .map_err(|error| format!("`{value}` is not a regular expression: {error}"))
        })
    })
}

pub(super) fn glob_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    checked(deserializer, |values: &Vec<String>| {
        values.iter().try_for_each(|value| {
            globset::Glob::new(value)
                .map(drop)
                .map_err(|error| format!("`{value}` is not a glob: {error}"))
        })
    })
}
