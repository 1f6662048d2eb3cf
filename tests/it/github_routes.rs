//! The stand-in's answers, one function per GitHub operation agentlab uses, each built from GitHub's own example
//! objects. Scripted answers (rate limits, server errors) are served first when one matches.

use serde_json::{Value, json};

use crate::github_stand_in::{BOT_LOGIN, OWNER_REPO, State, author, issue_json};

type Answer = (u16, Vec<(&'static str, String)>, Value);

const DOCS: &str = "https://docs.github.com/rest";

pub fn route(
    state: &mut State,
    examples: &Value,
    method: &str,
    target: &str,
    body: &Value,
) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if let Some(position) = state
        .scripted
        .iter()
        .position(|scripted| scripted.method == method && path.contains(scripted.path_contains))
    {
        let scripted = state.scripted.remove(position).unwrap();
        state.pending_delay = scripted.delay;
        if scripted.processed {
            let real = route(state, examples, method, target, body);
            if (200..300).contains(&scripted.status) {
                return real;
            }
            return (
                scripted.status,
                scripted.headers,
                json!({"message": "Server Error", "documentation_url": DOCS}),
            );
        }
        return (
            scripted.status,
            scripted.headers,
            json!({"message": "You have exceeded a secondary rate limit.", "documentation_url": DOCS}),
        );
    }
    let prefix = format!("/repos/{OWNER_REPO}");
    let Some(rest) = path.strip_prefix(&prefix) else {
        return not_found();
    };
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["issues", number, "comments"]) => list_comments(state, number, query),
        ("POST", ["issues", number, "comments"]) => create_comment(state, examples, number, body),
        ("PATCH", ["issues", "comments", id]) => edit_comment(state, id, body),
        ("GET", ["issues"]) => list_issues(state, query),
        ("PATCH", ["issues", number]) => edit_issue(state, number, body),
        ("POST", ["issues"]) => create_issue(state, examples, body),
        ("GET", ["pulls", _, "files"]) => list_files(state, examples, query),
        ("GET", ["commits", sha, "pulls"]) => commit_pulls(state, examples, sha),
        _ => not_found(),
    }
}

fn not_found() -> Answer {
    (
        404,
        vec![],
        json!({"message": "Not Found", "documentation_url": DOCS}),
    )
}

fn too_long(resource: &str) -> Answer {
    (
        422,
        vec![],
        json!({
            "message": "Validation Failed",
            "errors": [{"resource": resource, "code": "custom", "field": "body",
                        "message": "body is too long (maximum is 65536 characters)"}],
            "documentation_url": DOCS
        }),
    )
}

fn query_number(query: &str, name: &str, default: usize) -> usize {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(default)
}

/// Slices `items` by `per_page`/`page` and sets GitHub's `link` header when there is a next page.
fn page(items: Vec<Value>, query: &str, path: &str) -> Answer {
    let per_page = query_number(query, "per_page", 30).max(1);
    let page = query_number(query, "page", 1).max(1);
    let start = (page - 1) * per_page;
    let slice: Vec<Value> = items.iter().skip(start).take(per_page).cloned().collect();
    let mut headers = vec![];
    if start + per_page < items.len() {
        headers.push((
            "link",
            format!(
                "<https://api.github.com{path}?per_page={per_page}&page={}>; rel=\"next\"",
                page + 1
            ),
        ));
    }
    (200, headers, Value::Array(slice))
}

fn issue_index(state: &State, number: &str) -> Option<usize> {
    let number: u64 = number.parse().ok()?;
    state
        .issues
        .iter()
        .position(|(issue, _)| issue["number"] == number)
}

fn list_comments(state: &State, number: &str, query: &str) -> Answer {
    let Some(index) = issue_index(state, number) else {
        return not_found();
    };
    let path = format!("/repos/{OWNER_REPO}/issues/{number}/comments");
    page(state.issues[index].1.clone(), query, &path)
}

fn create_comment(state: &mut State, examples: &Value, number: &str, body: &Value) -> Answer {
    let Some(index) = issue_index(state, number) else {
        return not_found();
    };
    let text = body["body"].as_str().unwrap_or_default();
    if text.chars().count() > state.max_body_chars {
        return too_long("IssueComment");
    }
    state.next_id += 1;
    let id = state.next_id;
    let mut comment = examples["issue-comment"]["value"].clone();
    comment["id"] = json!(id);
    comment["body"] = json!(text);
    comment["user"] = author(examples, BOT_LOGIN);
    comment["url"] = json!(format!(
        "https://api.github.com/repos/{OWNER_REPO}/issues/comments/{id}"
    ));
    comment["html_url"] = json!(format!(
        "https://github.com/{OWNER_REPO}/issues/{number}#issuecomment-{id}"
    ));
    comment["issue_url"] = json!(format!(
        "https://api.github.com/repos/{OWNER_REPO}/issues/{number}"
    ));
    state.issues[index].1.push(comment.clone());
    (201, vec![], comment)
}

fn edit_comment(state: &mut State, id: &str, body: &Value) -> Answer {
    let Ok(id) = id.parse::<u64>() else {
        return not_found();
    };
    let text = body["body"].as_str().unwrap_or_default().to_string();
    if text.chars().count() > state.max_body_chars {
        return too_long("IssueComment");
    }
    for (_, comments) in &mut state.issues {
        if let Some(comment) = comments.iter_mut().find(|comment| comment["id"] == id) {
            comment["body"] = json!(text);
            comment["updated_at"] = json!("2026-11-25T12:00:00Z");
            return (200, vec![], comment.clone());
        }
    }
    not_found()
}

fn list_issues(state: &State, query: &str) -> Answer {
    let wanted_state = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("state="))
        .unwrap_or("open");
    let label = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("labels="));
    let issues: Vec<Value> = state
        .issues
        .iter()
        .map(|(issue, _)| issue.clone())
        .filter(|issue| wanted_state == "all" || issue["state"] == wanted_state)
        .filter(|issue| {
            label.is_none_or(|label| {
                issue["labels"]
                    .as_array()
                    .is_some_and(|labels| labels.iter().any(|l| l["name"] == label))
            })
        })
        .collect();
    page(issues, query, &format!("/repos/{OWNER_REPO}/issues"))
}

fn create_issue(state: &mut State, examples: &Value, body: &Value) -> Answer {
    let text = body["body"].as_str().unwrap_or_default();
    if text.chars().count() > state.max_body_chars {
        return too_long("Issue");
    }
    let number = state
        .issues
        .iter()
        .filter_map(|(issue, _)| issue["number"].as_u64())
        .max()
        .unwrap_or(0)
        + 1;
    let labels: Vec<&str> = body["labels"]
        .as_array()
        .map(|labels| labels.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let title = body["title"].as_str().unwrap_or_default();
    let mut issue = issue_json(examples, number, title, text, &labels, true);
    issue["user"] = author(examples, BOT_LOGIN);
    state.issues.push((issue.clone(), Vec::new()));
    (201, vec![], issue)
}

/// Closes or reopens an issue (the only fields agentlab edits).
fn edit_issue(state: &mut State, number: &str, body: &Value) -> Answer {
    let Some(index) = issue_index(state, number) else {
        return not_found();
    };
    let issue = &mut state.issues[index].0;
    if let Some(wanted) = body["state"].as_str() {
        issue["state"] = json!(wanted);
        issue["closed_at"] = if wanted == "closed" {
            json!("2026-11-25T12:30:00Z")
        } else {
            Value::Null
        };
    }
    if let Some(reason) = body["state_reason"].as_str() {
        issue["state_reason"] = json!(reason);
    }
    (200, vec![], issue.clone())
}

fn list_files(state: &State, examples: &Value, query: &str) -> Answer {
    let template = examples["diff-entry-items"]["value"][0].clone();
    let files = state
        .pull_request_files
        .iter()
        .map(|name| {
            let mut entry = template.clone();
            entry["filename"] = json!(name);
            entry
        })
        .collect();
    page(files, query, &format!("/repos/{OWNER_REPO}/pulls/2/files"))
}

/// Pull request 2's head commit in GitHub's webhook examples (tests/fixtures/github/pull_request.opened.json).
pub const PULL_REQUEST_HEAD: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

fn commit_pulls(state: &State, examples: &Value, sha: &str) -> Answer {
    if state.direct_pushes {
        return (200, vec![], json!([]));
    }
    let mut pull = examples["pull-request-simple-items"]["value"][0].clone();
    pull["number"] = json!(2);
    pull["state"] = json!("closed");
    pull["merged_at"] = json!("2026-11-25T11:00:00Z");
    pull["merge_commit_sha"] = json!(sha);
    // The head that was planned: the one of pull request 2's webhook examples.
    pull["head"]["sha"] = json!(PULL_REQUEST_HEAD);
    // GitHub's example team lacks the `type` its own schema requires; a merged pull request needs no reviewers.
    pull["requested_teams"] = json!([]);
    (200, vec![], json!([pull]))
}
