//! The one size step-down ladder for everything posted to GitHub. GitHub refuses a comment or issue body over
//! 65,536 characters and counts them in ways its documentation does not pin down, so a text is offered as a list
//! of bodies, most detailed first: every [`DetailLevel`] that fits the budget, then a short stub that only points
//! at the full text. The first body is what a preview shows and what is posted first; the posting code moves to
//! the next only when GitHub answers 422 anyway.

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
    let mut bodies = Vec::new();
    let mut smallest = full.to_string();
    let mut level = DetailLevel::Full;
    loop {
        if fits(&smallest, budget_chars) {
            bodies.push(smallest.clone());
        }
        match level.smaller() {
            Some(next) => {
                level = next;
                smallest = render(level);
            }
            None => break,
        }
    }
    if bodies.is_empty() {
        bodies.push(cut_to_budget(&smallest, budget_chars, full_text_location));
    }
    let stub = cut_to_budget(&smallest, STUB_BUDGET_CHARS, full_text_location);
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
    fn when_nothing_fits_the_smallest_level_is_cut_and_says_where_the_rest_is() {
        let huge = |_: DetailLevel| "line of text\n".repeat(10_000);
        let offered = bodies(&huge(DetailLevel::Full), huge, 50_000, "the run record");
        assert_eq!(offered.len(), 2, "the cut body, then the stub");
        assert!(offered[0].chars().count() <= 50_000);
        assert!(offered[0].contains("The full text is in the run record."));
        assert!(offered[1].chars().count() <= STUB_BUDGET_CHARS);
    }
}
