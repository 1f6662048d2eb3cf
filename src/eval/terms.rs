//! Whether a text mentions an expected term: the one word-matching rule the scoring of a root cause and the
//! judging of cited evidence share, kept apart from both so neither depends on the other for it.

/// Whether `text` mentions `term`; `a|b` accepts either alternative. Case-insensitive, and by whole words or
/// stems: a term matches where a word starts (`concurren` matches "concurrent", `port` does not match "report"),
/// and a mention right after a negation ("does not exist", "isn't reachable", "no lock") does not count, so
/// `exist` is not satisfied by a root cause saying the opposite.
pub fn mentions(text: &str, term: &str) -> bool {
    term.split('|')
        .map(str::trim)
        .filter(|alternative| !alternative.is_empty())
        .any(|alternative| mentions_one(text, alternative))
}

fn mentions_one(text: &str, term: &str) -> bool {
    let starts_with_word = term
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    // A number is a whole token: `901` is not "9015".
    let numeric = term.chars().all(|c| c.is_ascii_digit());
    let pattern = format!(
        "(?i){}{}{}",
        if starts_with_word { r"\b" } else { "" },
        regex::escape(term),
        if numeric { r"\b" } else { "" }
    );
    let Ok(regex) = regex::Regex::new(&pattern) else {
        return false;
    };
    regex
        .find_iter(text)
        .any(|found| !negated_before(&text[..found.start()]))
}

/// Whether the words just before a mention negate it.
fn negated_before(before: &str) -> bool {
    let lower = before.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().rev().take(2).collect();
    words.iter().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        matches!(word, "not" | "no" | "never" | "without" | "cannot") || word.ends_with("n't")
    })
}
