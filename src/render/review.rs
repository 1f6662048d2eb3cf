//! The hidden review line of a pull request's plan comment, and how a deploy reads it back.
//!
//! `<!-- agentlab:review pr=7 head=SHA mac=HEX digest=BASE64 -->` sits right under the comment's marker. The MAC
//! (HMAC with the runner's review key over the project, the head commit and the plan's fingerprint) is what a
//! deploy checks; people who can edit the comment cannot produce one. The digest (the reviewed plan's resource
//! actions and hashed planned values) is only used to list what differs, and is left out when it is too long to
//! keep the line in every size of the comment.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::contracts::{ReviewedPlan, RunRecord};

/// Longest digest, encoded, that the line carries: the line must survive the comment's shortest form.
const MAX_ENCODED_DIGEST: usize = 3_000;

/// The review line of a plan record, when the plan run stamped it (a review key, a pull request, a saved plan).
pub fn review_line(record: &RunRecord) -> Option<String> {
    let stamp = record.context.review_stamp.as_ref()?;
    let pull_request = record.context.pull_request?;
    // The plan the comment shows: the first attempt that made one.
    let identity = record
        .attempts
        .iter()
        .find_map(|attempt| attempt.terraform.plan_identity.as_ref())?;
    let encoded = STANDARD.encode(identity.digest.join("\n"));
    let digest = if encoded.len() <= MAX_ENCODED_DIGEST {
        format!(" digest={encoded}")
    } else {
        String::new()
    };
    Some(format!(
        "<!-- agentlab:review pr={pull_request} head={} mac={}{digest} -->",
        hex_only(&stamp.head_sha),
        hex_only(&stamp.mac)
    ))
}

/// The reviewed plan a comment `body` carries, if its first lines hold a well-formed review line.
pub fn parse_review_line(body: &str) -> Option<ReviewedPlan> {
    // The line sits under the marker; a review line quoted further down (from an error text) never counts.
    let line = body
        .lines()
        .take(3)
        .find(|line| line.starts_with("<!-- agentlab:review "))?;
    let inner = line
        .strip_prefix("<!-- agentlab:review ")?
        .strip_suffix(" -->")?;
    let mut pull_request = None;
    let mut head_sha = None;
    let mut mac = None;
    let mut digest = Vec::new();
    for field in inner.split(' ') {
        let (name, value) = field.split_once('=')?;
        match name {
            "pr" => pull_request = value.parse().ok(),
            "head" => head_sha = Some(value.to_string()).filter(|sha| is_hex(sha)),
            "mac" => mac = Some(value.to_string()).filter(|mac| is_hex(mac)),
            "digest" => {
                let bytes = STANDARD.decode(value).ok()?;
                let text = String::from_utf8(bytes).ok()?;
                digest = text.lines().map(str::to_string).collect();
            }
            _ => {}
        }
    }
    Some(ReviewedPlan {
        pull_request: pull_request?,
        head_sha: head_sha?,
        mac: mac?,
        digest,
    })
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// A value for the line: hex digits only, so nothing can close the HTML comment or add a field.
fn hex_only(text: &str) -> String {
    text.chars().filter(char::is_ascii_hexdigit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::{PlanIdentity, ReviewStamp};
    use crate::stand_in::records::plan_with_replacements;

    #[test]
    fn a_stamped_plan_round_trips_through_its_line() {
        let mut record = plan_with_replacements();
        assert_eq!(review_line(&record), None, "no stamp, no line");
        record.context.review_stamp = Some(ReviewStamp {
            head_sha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821".into(),
            mac: "00ff".repeat(16),
        });
        record.attempts[0].terraform.plan_identity = Some(PlanIdentity {
            fingerprint: "v1:abc".into(),
            digest: vec![
                "null_resource.a create".into(),
                "null_resource.a.triggers = 0123456789ab".into(),
            ],
        });
        let line = review_line(&record).unwrap();
        let body =
            format!("<!-- agentlab:plan project=lxc-fleet -->\n{line}\n### ✅ agentlab plan");
        let reviewed = parse_review_line(&body).unwrap();
        assert_eq!(
            reviewed.head_sha,
            "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
        );
        assert_eq!(reviewed.mac, "00ff".repeat(16));
        assert_eq!(Some(reviewed.pull_request), record.context.pull_request);
        assert_eq!(reviewed.digest.len(), 2);
    }

    #[test]
    fn malformed_or_quoted_lines_are_not_reviews() {
        let check = |body: &str| assert_eq!(parse_review_line(body), None, "{body}");
        check("<!-- agentlab:plan project=a -->\n<!-- agentlab:review pr=1 head=zz mac=00 -->");
        check("<!-- agentlab:plan project=a -->\n<!-- agentlab:review pr=x head=aa mac=00 -->");
        check("<!-- agentlab:plan project=a -->\n<!-- agentlab:review pr=1 head=aa -->");
        check("m\n1\n2\n<!-- agentlab:review pr=1 head=aa mac=00 -->");
        check(
            "<!-- agentlab:plan project=a -->\n<!-- agentlab:review pr=1 head=aa mac=00 digest=!!! -->",
        );
    }
}
