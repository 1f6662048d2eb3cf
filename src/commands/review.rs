//! The reviewed-plan gate, as a command decides it: for a deploy started by a push (or a manual run of the deploy
//! workflow), find the pull request that merged the commit, read the review stamp of each project's plan comment,
//! and hand the Terraform agent what it must check. A deploy from a terminal checks no review and says so.
//! And for a plan of a pull request: stamp each record with HMAC(project, head commit, fingerprint).

use std::collections::BTreeMap;

use crate::commands::{CommandContext, CommandError};
use crate::config::{Config, ProjectConfig, Unreviewed};
use crate::contracts::{Outcome, ReviewGate, ReviewStamp, RunMode, RunRecord};
use crate::github::client::GITHUB_RETRY;
use crate::github::event::EventDecision;
use crate::github::review::{MergedPullRequest, merged_pull_request_of, plan_comment_body};
use crate::render::pr_comment_marker;
use crate::render::review::parse_review_line;
use crate::terraform::review::ReviewKey;

/// The gate of each project of a deploy, by name.
pub async fn review_gates(
    context: &CommandContext,
    config: &Config,
    projects: &[&ProjectConfig],
    allow_unreviewed_flag: bool,
) -> Result<BTreeMap<String, ReviewGate>, CommandError> {
    let allow = allow_unreviewed_flag || config.deploy.unreviewed == Unreviewed::Apply;
    let missing = |why: String| {
        if allow {
            ReviewGate::AllowUnreviewed { why }
        } else {
            ReviewGate::Refuse { why }
        }
    };
    let all = |gate: ReviewGate| {
        projects
            .iter()
            .map(|project| (project.name.clone(), gate.clone()))
            .collect()
    };
    let event_name = context
        .environment
        .get("GITHUB_EVENT_NAME")
        .unwrap_or("unknown");
    let run = match &context.event {
        None => {
            eprintln!(
                "agentlab: no review was checked: this deploy was started by hand, not by a GitHub event, so it \
                 applies the plan it makes"
            );
            return Ok(all(ReviewGate::NotChecked));
        }
        Some(Ok(EventDecision::Run(run))) if run.mode == RunMode::Deploy => run,
        // Any other event (a pull request, a push to another branch, a dispatch asking for a plan, an event
        // agentlab does not know) gives a deploy no merged pull request to check: it is unreviewed.
        Some(Ok(_)) | Some(Err(_)) => {
            return Ok(all(missing(format!(
                "this deploy was started by a `{event_name}` event, not by a push to the default branch or a \
                 manual deploy run"
            ))));
        }
    };
    // A person who ran the deploy workflow by hand with allow-unreviewed has looked at what a refused deploy
    // listed and chosen to apply main as it is now.
    if allow_unreviewed_flag
        && context.environment.get("GITHUB_EVENT_NAME") == Some("workflow_dispatch")
    {
        return Ok(all(ReviewGate::AllowUnreviewed {
            why: "deployed by hand with allow-unreviewed".to_string(),
        }));
    }
    if context.review_key().is_none() {
        return Ok(all(missing(
            "AGENTLAB_REVIEW_KEY is not set on this runner, so no reviewed plan can be checked"
                .to_string(),
        )));
    }
    let client = match context.github_settings().and_then(|settings| {
        settings
            .client(GITHUB_RETRY)
            .map_err(|error| CommandError::BadInput(error.to_string()))
    }) {
        Ok(client) => client,
        Err(error) => {
            return Ok(all(missing(format!(
                "GitHub cannot be asked for the review: {error}"
            ))));
        }
    };
    let merged = match merged_pull_request_of(&client, &run.commit).await {
        Ok(Some(merged)) => merged,
        Ok(None) => {
            return Ok(all(missing(format!(
                "commit {} was pushed without a pull request",
                short(&run.commit)
            ))));
        }
        Err(error) => {
            return Ok(all(missing(format!(
                "the pull request of commit {} could not be looked up: {error}",
                short(&run.commit)
            ))));
        }
    };
    let mut gates = BTreeMap::new();
    for project in projects {
        let gate = match project_review(&client, &merged, &project.name).await {
            Ok(reviewed) => ReviewGate::Reviewed(reviewed),
            Err(why) => missing(why),
        };
        gates.insert(project.name.clone(), gate);
    }
    Ok(gates)
}

async fn project_review(
    client: &crate::github::client::GitHubClient,
    merged: &MergedPullRequest,
    project: &str,
) -> Result<crate::contracts::ReviewedPlan, String> {
    let number = merged.number;
    let body = plan_comment_body(client, number, &pr_comment_marker(project))
        .await
        .map_err(|error| format!("the plan comment of pull request #{number} could not be read: {error}"))?
        .ok_or_else(|| {
            format!(
                "pull request #{number} has no plan comment for `{project}` (the pull request did not affect it, or \
                 it was planned before agentlab checked reviews)"
            )
        })?;
    let reviewed = parse_review_line(&body).ok_or_else(|| {
        format!(
            "the plan comment of pull request #{number} carries no review stamp (it was planned without \
             AGENTLAB_REVIEW_KEY, or the plan failed)"
        )
    })?;
    if reviewed.pull_request != number {
        return Err(format!(
            "the plan comment of pull request #{number} vouches for pull request #{}",
            reviewed.pull_request
        ));
    }
    if !reviewed.head_sha.eq_ignore_ascii_case(&merged.head_sha) {
        return Err(format!(
            "the reviewed plan is of commit {}, but pull request #{number} was merged at {}: its last commit was \
             never planned",
            short(&reviewed.head_sha),
            short(&merged.head_sha)
        ));
    }
    Ok(reviewed)
}

/// Stamps every plan record of a pull request whose plan succeeded and has a keyed fingerprint. A plan that
/// failed (its validation, say) is shown to reviewers but vouches for nothing: merging it is not an approval.
pub fn stamp_plan_records(records: &mut [RunRecord], key: Option<&ReviewKey>) {
    let Some(key) = key else {
        return;
    };
    for record in records {
        if record.outcome != Outcome::Success {
            continue;
        }
        let (Some(_), Some(head)) = (record.context.pull_request, record.context.commit.clone())
        else {
            continue;
        };
        // The plan the comment shows (render::review::review_line): the first attempt that made one.
        let Some(identity) = record
            .attempts
            .iter()
            .find_map(|attempt| attempt.terraform.plan_identity.as_ref())
            .filter(|identity| identity.fingerprint.starts_with("v1:"))
        else {
            continue;
        };
        let Some(pull_request) = record.context.pull_request else {
            continue;
        };
        let mac = key.review_mac(&record.project, pull_request, &head, &identity.fingerprint);
        record.context.review_stamp = Some(ReviewStamp {
            head_sha: head,
            mac,
        });
    }
}

fn short(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::{Outcome, PlanIdentity};
    use crate::stand_in::records::plan_with_replacements;
    use secrecy::SecretString;

    #[test]
    fn only_a_successful_plan_of_a_pull_request_with_a_keyed_fingerprint_is_stamped() {
        let key = ReviewKey::new(SecretString::from("runner-key".to_string()));
        let planned = |outcome: Outcome, pull_request: Option<u64>, fingerprint: &str| {
            let mut record = plan_with_replacements();
            record.outcome = outcome;
            record.context.pull_request = pull_request;
            record.attempts[0].terraform.plan_identity = Some(PlanIdentity {
                fingerprint: fingerprint.to_string(),
                digest: Vec::new(),
            });
            record
        };
        let check = |record: RunRecord, key: Option<&ReviewKey>, stamped: bool| {
            let mut records = [record];
            stamp_plan_records(&mut records, key);
            assert_eq!(
                records[0].context.review_stamp.is_some(),
                stamped,
                "{:?}",
                records[0].outcome
            );
        };
        check(
            planned(Outcome::Success, Some(2), "v1:ab"),
            Some(&key),
            true,
        );
        check(
            planned(Outcome::Failed, Some(2), "v1:ab"),
            Some(&key),
            false,
        );
        check(planned(Outcome::Success, None, "v1:ab"), Some(&key), false);
        check(
            planned(Outcome::Success, Some(2), "v1-unkeyed:ab"),
            Some(&key),
            false,
        );
        check(planned(Outcome::Success, Some(2), "v1:ab"), None, false);
        let mut records = [planned(Outcome::Success, Some(2), "v1:ab")];
        stamp_plan_records(&mut records, Some(&key));
        let stamp = records[0].context.review_stamp.clone().unwrap();
        let head = records[0].context.commit.clone().unwrap();
        assert_eq!(stamp.head_sha, head);
        assert!(key.verify(&stamp.mac, &records[0].project, 2, &head, "v1:ab"));
        assert!(
            !key.verify(&stamp.mac, &records[0].project, 3, &head, "v1:ab"),
            "the stamp of one pull request never counts for another"
        );
    }

    #[tokio::test]
    async fn a_deploy_started_by_any_event_but_a_push_or_a_manual_deploy_is_unreviewed() {
        use crate::commands::Environment;
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github");
        let config: Config =
            toml::from_str("[[project]]\nname = \"lab\"\ndir = \"lab\"\n").unwrap();
        let projects: Vec<&ProjectConfig> = config.projects.iter().collect();
        let gate_for = async |event: &str, payload: &str, allow: bool| {
            let context = CommandContext::new(Environment::from_pairs([
                ("GITHUB_EVENT_NAME", event.to_string()),
                (
                    "GITHUB_EVENT_PATH",
                    fixtures.join(payload).display().to_string(),
                ),
                ("AGENTLAB_REVIEW_KEY", "runner-key".to_string()),
            ]));
            review_gates(&context, &config, &projects, allow)
                .await
                .unwrap()["lab"]
                .clone()
        };
        for (event, payload) in [
            ("pull_request", "pull_request.closed.json"),
            ("push", "push.tag.json"),
            ("schedule", "push.default-branch.json"),
        ] {
            match gate_for(event, payload, false).await {
                ReviewGate::Refuse { why } => assert!(why.contains(event), "{why}"),
                other => panic!("{event}: {other:?}"),
            }
            assert!(
                matches!(
                    gate_for(event, payload, true).await,
                    ReviewGate::AllowUnreviewed { .. }
                ),
                "{event} with --allow-unreviewed"
            );
        }
        // A terminal (no event at all) checks nothing: the person chose to deploy.
        let terminal = CommandContext::new(Environment::default());
        let gates = review_gates(&terminal, &config, &projects, false)
            .await
            .unwrap();
        assert_eq!(gates["lab"], ReviewGate::NotChecked);
    }
}
