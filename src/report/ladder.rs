//! The one size step-down ladder for everything posted to GitHub. GitHub refuses a comment or issue body over
//! 65,536 characters and counts them in ways its documentation does not pin down, so a text is offered as a list
//! of bodies, most detailed first: every [`DetailLevel`] that fits the budget, then a short stub that only points
//! at the full text. The first body is what a preview shows and what is posted first; the posting code moves to
//! the next only when GitHub answers 422 anyway. The full text is rendered once (the step summary reuses it), and
//! a smaller level whose length, bounded from below without rendering it, is over the budget is never rendered.

use crate::render::{DetailLevel, cut_to_budget};

/// What a posted body aims at, in characters: well below GitHub's 65,536.
pub const COMMENT_BUDGET_CHARS: usize = 60_000;

/// The last body of every ladder: a head that names where the full text is.
pub const STUB_BUDGET_CHARS: usize = 4_000;

/// The bodies to offer, most detailed first. `full` is the text at [`DetailLevel::Full`], rendered once by the
/// caller (the step summary reuses it); `render` renders the smaller levels, each at most once. When no level
/// fits, the smallest is cut at a line boundary to the budget, with a note. The stub always comes last.
pub fn bodies(
    full: &str,
    render: impl Fn(DetailLevel) -> String,
    budget_chars: usize,
    full_text_location: &str,
) -> Vec<String> {
    bodies_within(full, render, |_| 0, budget_chars, full_text_location)
}

/// [`bodies`], where `at_least_chars` says how long a level's text is at least, measured on the sections that
/// make it long (e.g. every changed resource's address, which both the full and the addresses-only comment list)
/// without rendering it: a level that cannot fit the budget is never rendered. The smallest level is always
/// rendered (it is the cut body's and the stub's text), so the bodies are exactly those of [`bodies`].
pub fn bodies_within(
    full: &str,
    render: impl Fn(DetailLevel) -> String,
    at_least_chars: impl Fn(DetailLevel) -> usize,
    budget_chars: usize,
    full_text_location: &str,
) -> Vec<String> {
    let mut bodies = Vec::new();
    if fits(full, budget_chars) {
        bodies.push(full.to_string());
    }
    let mut smallest = None;
    let mut level = DetailLevel::Full;
    while let Some(next) = level.smaller() {
        level = next;
        let is_smallest = level.smaller().is_none();
        if !is_smallest && at_least_chars(level) > budget_chars {
            continue;
        }
        let text = render(level);
        if fits(&text, budget_chars) {
            bodies.push(text.clone());
        }
        smallest = Some(text);
    }
    let smallest = smallest.as_deref().unwrap_or(full);
    if bodies.is_empty() {
        bodies.push(cut_to_budget(smallest, budget_chars, full_text_location));
    }
    let stub = cut_to_budget(smallest, STUB_BUDGET_CHARS, full_text_location);
    if bodies.last() != Some(&stub) {
        bodies.push(stub);
    }
    bodies
}

fn fits(text: &str, budget_chars: usize) -> bool {
    // Counting characters is linear; the byte length is an upper bound that settles most texts at once.
    text.len() <= budget_chars || text.chars().count() <= budget_chars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(level: DetailLevel) -> String {
        match level {
            DetailLevel::Full => "full ".repeat(400),
            DetailLevel::AddressesOnly => "addresses ".repeat(100),
            DetailLevel::CountsOnly => "counts\n".to_string(),
        }
    }

    #[test]
    fn every_level_that_fits_is_offered_in_order_then_the_stub() {
        let full = render(DetailLevel::Full);
        let check = |budget: usize, expected_heads: &[&str]| {
            let offered = bodies(&full, render, budget, "the step summary");
            let heads: Vec<&str> = offered
                .iter()
                .map(|body| body.split(' ').next().unwrap_or_default())
                .collect();
            assert_eq!(heads, expected_heads, "budget {budget}");
            assert!(
                offered
                    .iter()
                    .all(|body| body.chars().count() <= budget.max(STUB_BUDGET_CHARS))
            );
        };
        check(5_000, &["full", "addresses", "counts\n"]);
        check(1_500, &["addresses", "counts\n"]);
        check(100, &["counts\n"]);
    }

    #[test]
    fn a_level_that_cannot_fit_is_never_rendered_and_the_bodies_stay_the_same() {
        let rendered = std::cell::RefCell::new(Vec::new());
        let counting = |level: DetailLevel| {
            rendered.borrow_mut().push(level);
            render(level)
        };
        let full = render(DetailLevel::Full);
        let at_least = |level: DetailLevel| match level {
            DetailLevel::AddressesOnly => 900,
            _ => 0,
        };
        for budget in [5_000, 1_500, 100] {
            rendered.borrow_mut().clear();
            let measured = bodies_within(&full, counting, at_least, budget, "the step summary");
            assert_eq!(measured, bodies(&full, render, budget, "the step summary"));
            let expected: &[DetailLevel] = if budget < 900 {
                &[DetailLevel::CountsOnly]
            } else {
                &[DetailLevel::AddressesOnly, DetailLevel::CountsOnly]
            };
            assert_eq!(rendered.borrow().as_slice(), expected, "budget {budget}");
        }
    }

    #[test]
    fn when_nothing_fits_the_smallest_level_is_cut_and_says_where_the_rest_is() {
        let huge = |_: DetailLevel| "line of text\n".repeat(10_000);
        let offered = bodies(&huge(DetailLevel::Full), huge, 50_000, "the run record");
        assert_eq!(offered.len(), 2, "the cut body, then the stub");
        assert!(offered[0].chars().count() <= 50_000);
        assert!(offered[0].contains("The full text is in the run record."));
        assert!(offered[1].chars().count() <= STUB_BUDGET_CHARS);
    }
}
