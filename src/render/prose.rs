//! Prose from outside agentlab (a model's root cause and note, which Terraform's text can steer; a catalogue root
//! cause quoting that text; the Planner's stop reason) as one line of Markdown that reads well on GitHub and
//! cannot act: no mention notifies, no `#123` links, no address becomes a link, no HTML or emphasis renders.
//!
//! Ordinary words stay ordinary text. A word that Markdown would act on or mangle (regular expressions,
//! `snake_case` names, paths, `user@realm!token` names, addresses, HTML) is shown as inline code, so it renders
//! exactly as written and can be copied as it is: no backslash noise, no invisible characters inside it. Code
//! spans the text already has (between backticks) stay code spans.

use crate::render::inline_code;

/// `text` as one line of inert, readable Markdown (see the module's documentation).
pub fn plain_text(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(one_line.len() + 16);
    for segment in backtick_segments(&one_line) {
        match segment {
            Segment::Code(code) => out.push_str(&inline_code(code.trim())),
            Segment::Prose(prose) => out.push_str(&prose_words(prose)),
        }
    }
    out
}

/// `text` shortened to at most `max_chars` characters at a word boundary, ending with `…` when cut. A single
/// word longer than the limit is cut inside it, the only way to keep the limit.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let room = max_chars.saturating_sub(1);
    let hard_cut: String = text.chars().take(room).collect();
    let at_word = match hard_cut.rfind(char::is_whitespace) {
        Some(space) if space > 0 => hard_cut[..space].trim_end(),
        _ => hard_cut.as_str(),
    };
    let at_word = at_word.trim_end_matches([',', ';', ':', '-', '—', '(']);
    format!("{}…", at_word.trim_end())
}

enum Segment<'a> {
    Prose(&'a str),
    Code(&'a str),
}

/// Splits at code spans: a run of backticks up to the next run of the same length. An unmatched run stays prose
/// (and its word becomes code there).
fn backtick_segments(text: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let run = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let fence = &rest[open..open + run];
        let after = &rest[open + run..];
        let Some(close) = find_exact_run(after, fence) else {
            break;
        };
        if open > 0 {
            segments.push(Segment::Prose(&rest[..open]));
        }
        segments.push(Segment::Code(&after[..close]));
        rest = &after[close + run..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Prose(rest));
    }
    segments
}

/// Where a backtick run of exactly `fence`'s length starts in `text`.
fn find_exact_run(text: &str, fence: &str) -> Option<usize> {
    let mut offset = 0;
    while let Some(found) = text[offset..].find('`') {
        let start = offset + found;
        let run = text[start..].len() - text[start..].trim_start_matches('`').len();
        if run == fence.len() && start > 0 {
            return Some(start);
        }
        offset = start + run;
    }
    None
}

fn prose_words(prose: &str) -> String {
    let mut out = String::with_capacity(prose.len());
    let mut word = String::new();
    for c in prose.chars() {
        if c == ' ' {
            out.push_str(&prose_word(&word));
            word.clear();
            out.push(' ');
        } else {
            word.push(c);
        }
    }
    out.push_str(&prose_word(&word));
    out
}

/// One whitespace-free word: as it is when Markdown leaves it alone, else as inline code with the sentence's
/// punctuation kept outside.
fn prose_word(word: &str) -> String {
    if word.is_empty() || !acts_in_markdown(word) {
        return word.to_string();
    }
    let core = word.trim_end_matches(['.', ',', ';', ':', ')', '?', '!', '\'', '"']);
    let core = if core.is_empty() { word } else { core };
    let (head, core) = match core.strip_prefix(['(', '\'', '"']) {
        Some(stripped) if !stripped.is_empty() => (&core[..1], stripped),
        _ => ("", core),
    };
    let tail = &word[head.len() + core.len()..];
    if !acts_in_markdown(core) {
        return word.to_string();
    }
    format!("{head}{}{tail}", inline_code(core))
}

/// Whether Markdown (as GitHub renders it) would do something with the word: emphasis, links, HTML, escapes,
/// mentions, issue references, tables, autolinked addresses.
fn acts_in_markdown(word: &str) -> bool {
    const ACTIVE: &[char] = &[
        '\\', '`', '*', '_', '[', ']', '|', '~', '<', '>', '@', '^', '$', '{', '}', '&',
    ];
    word.contains(ACTIVE)
        || word.contains("://")
        || word.to_ascii_lowercase().starts_with("www.")
        || word.contains("#")
        || word.starts_with(['+', '-', '=']) && word.len() > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &str) {
        assert_eq!(plain_text(text), expected, "{text}");
    }

    #[test]
    fn code_like_words_become_code_and_sentences_stay_sentences() {
        check(
            "choose a free vm_id or import the guest.",
            "choose a free `vm_id` or import the guest.",
        );
        check(
            r"the pattern ^proxmox_lxc\.container\[\d+\]$ matches nothing",
            r"the pattern `^proxmox_lxc\.container\[\d+\]$` matches nothing",
        );
        check(
            "the token terraform@pam!agentlab lacks VM.Audit",
            "the token `terraform@pam!agentlab` lacks VM.Audit",
        );
        check("(see https://x.example/a).", "(see `https://x.example/a`).");
        check("cc @admin-team about #12", "cc `@admin-team` about `#12`");
    }

    #[test]
    fn the_text_s_own_code_spans_stay_code_spans() {
        check(
            "the pattern `^proxmox_lxc\\.x\\[\\d+\\]$` matches `proxmox_virtual_environment_container.x[0]` only",
            "the pattern `^proxmox_lxc\\.x\\[\\d+\\]$` matches `proxmox_virtual_environment_container.x[0]` only",
        );
        check("a ``double `tick` span`` b", "a `` double `tick` span `` b");
        check("an unpaired ` tick", "an unpaired `` ` `` tick");
    }

    #[test]
    fn nothing_invisible_is_added() {
        let text = "@octocat #12 www.a.example https://b.example terraform@pam!x";
        assert!(!plain_text(text).contains('\u{2060}'));
    }

    #[test]
    fn shortening_ends_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(
            shorten("bring the object store back or fix the endpoint", 30),
            "bring the object store back…"
        );
        assert_eq!(shorten("abcdefghijklmnop", 6), "abcde…");
        assert!(shorten(&"word ".repeat(100), 50).chars().count() <= 50);
    }
}
