//! The one GitHub REST client: octocrab pointed at `GITHUB_API_URL` with `GITHUB_TOKEN`, plus its retry policy.
//!
//! octocrab's typed methods hide the status and headers a rate limit is told by, so requests go through its raw
//! `_get`/`_post`/`_patch` and this file decides: 403/429 with `retry-after`, or with `x-ratelimit-remaining: 0`
//! and `x-ratelimit-reset`, wait and try again; 5xx and connection errors back off exponentially; everything is
//! bounded by a number of attempts and a longest wait. By the time anything is posted the run record is on disk,
//! so giving up loses nothing but the comment.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::github::identity::OwnIdentity;
use crate::github::retry::{RateLimitHeaders, RetryDecision, now_epoch, retry_wait};
use crate::http_retry::HttpRetryPolicy;

/// Where GitHub's REST API is when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    #[error("GITHUB_API_URL `{url}` is not a usable URL: {reason}")]
    BadApiUrl { url: String, reason: String },
    #[error("GITHUB_REPOSITORY `{0}` is not of the form OWNER/NAME")]
    BadRepository(String),
    #[error("GITHUB_TOKEN is empty or contains characters an HTTP header cannot carry")]
    BadToken,
    #[error("could not build the GitHub client: {0}")]
    Client(String),
    #[error("{method} {path}: cannot reach GitHub: {message}")]
    Transport {
        method: &'static str,
        path: String,
        message: String,
    },
    #[error("{method} {path}: GitHub answered {status}: {message}")]
    Status {
        method: &'static str,
        path: String,
        status: u16,
        message: String,
    },
    #[error(
        "{method} {path}: rate limited; GitHub asks to wait {wait_seconds} s, more than the {max_seconds} s allowed"
    )]
    RateLimitTooLong {
        method: &'static str,
        path: String,
        wait_seconds: u64,
        max_seconds: u64,
    },
    #[error("{method} {path}: GitHub's answer is not the documented shape: {message}")]
    Shape {
        method: &'static str,
        path: String,
        message: String,
    },
}

impl GitHubError {
    /// The HTTP status GitHub answered with, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether GitHub may have done what was asked although the answer says otherwise: the connection broke or
    /// timed out, or a server error (a gateway's 502 can follow a write that happened). A create that ended so must
    /// be looked up before it is sent again.
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Self::Transport { .. } => true,
            Self::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// How long one request may take to connect, and how long GitHub may stay silent while answering, before the
/// attempt counts as a connection error (and is retried like one). Without it a GitHub that accepts the
/// connection and never answers would hold the run forever after its record was written.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// GitHub's retries: four attempts, one second doubled; a rate limit that resets later than a minute is given up on.
pub const GITHUB_RETRY: HttpRetryPolicy = HttpRetryPolicy {
    max_attempts: 4,
    base_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(60),
};

/// A repository's REST API with retries. Cheap to clone.
#[derive(Clone)]
pub struct GitHubClient {
    octocrab: octocrab::Octocrab,
    owner: String,
    name: String,
    retry: HttpRetryPolicy,
    identity: OwnIdentity,
}

impl std::fmt::Debug for GitHubClient {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GitHubClient")
            .field("repository", &format!("{}/{}", self.owner, self.name))
            .finish_non_exhaustive()
    }
}

/// One answer: status, the headers a caller needs, and the body text.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub link: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
        }
    }
}

impl GitHubClient {
    /// A client for `repository` (`OWNER/NAME`) at `api_url` (GitHub.com, GitHub Enterprise or a local stand-in),
    /// with [`DEFAULT_REQUEST_TIMEOUT`].
    pub fn new(
        api_url: &str,
        token: &SecretString,
        repository: &str,
        retry: HttpRetryPolicy,
    ) -> Result<Self, GitHubError> {
        Self::with_request_timeout(api_url, token, repository, retry, DEFAULT_REQUEST_TIMEOUT)
    }

    /// As [`GitHubClient::new`], with `timeout` bounding the connect and each silence while reading the answer.
    pub fn with_request_timeout(
        api_url: &str,
        token: &SecretString,
        repository: &str,
        retry: HttpRetryPolicy,
        timeout: Duration,
    ) -> Result<Self, GitHubError> {
        let (owner, name) = repository
            .split_once('/')
            .filter(|(owner, name)| valid_repository_part(owner) && valid_repository_part(name))
            .ok_or_else(|| GitHubError::BadRepository(repository.to_string()))?;
        let api_url = api_url.trim_end_matches('/');
        let builder = octocrab::Octocrab::builder()
            .base_uri(api_url)
            .map_err(|error| GitHubError::BadApiUrl {
                url: api_url.to_string(),
                reason: error.to_string(),
            })?
            // Prism and GitHub both serve `application/json`; GitHub's `vnd.github+json` is optional.
            .add_header(
                "accept"
                    .parse()
                    .map_err(|_| GitHubError::Client("accept header".to_string()))?,
                "application/json".to_string(),
            )
            .add_header(
                "x-github-api-version"
                    .parse()
                    .map_err(|_| GitHubError::Client("api version header".to_string()))?,
                "2022-11-28".to_string(),
            )
            .set_connect_timeout(Some(timeout))
            .set_read_timeout(Some(timeout))
            .set_write_timeout(Some(timeout))
            .personal_token(usable_token(token)?);
        let octocrab = builder
            .build()
            .map_err(|error| GitHubError::Client(error.to_string()))?;
        Ok(Self {
            octocrab,
            owner: owner.to_string(),
            name: name.to_string(),
            retry,
            identity: OwnIdentity::default(),
        })
    }

    /// This client, taking `login` for agentlab's own account (`github-actions[bot]`, `APP[bot]`).
    pub fn with_bot_login(mut self, login: &str) -> Self {
        self.identity = OwnIdentity::new(login);
        self
    }

    /// Who agentlab posts as: only what this account wrote is agentlab's.
    pub fn identity(&self) -> &OwnIdentity {
        &self.identity
    }

    /// The retry policy, for callers that retry a create themselves ([`GitHubClient::post_json_once`]).
    pub fn retry_policy(&self) -> HttpRetryPolicy {
        self.retry
    }

    /// `/repos/OWNER/NAME` followed by `rest`.
    pub fn repo_path(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", self.owner, self.name)
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, GitHubError> {
        let response = self.send(Method::Get, path, None).await?;
        parse(Method::Get, path, &response.body)
    }

    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        let body = to_value(Method::Post, path, body)?;
        let response = self.send(Method::Post, path, Some(&body)).await?;
        parse(Method::Post, path, &response.body)
    }

    /// A POST that is never sent twice by this client: rate limits (GitHub did nothing) are waited out as usual,
    /// but a broken connection, a timeout or a 5xx comes back as an error the caller settles by looking up what it
    /// tried to create ([`GitHubError::may_have_been_processed`]).
    pub async fn post_json_once<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        let body = to_value(Method::Post, path, body)?;
        let response = self
            .send_retrying(Method::Post, path, Some(&body), false)
            .await?;
        parse(Method::Post, path, &response.body)
    }

    pub async fn patch_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        let body = to_value(Method::Patch, path, body)?;
        let response = self.send(Method::Patch, path, Some(&body)).await?;
        parse(Method::Patch, path, &response.body)
    }

    /// Every item of a paginated list: follows `page=N` while GitHub's `link` header names a next page.
    pub async fn get_all_pages<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Vec<T>, GitHubError> {
        // A bound on pages keeps a misbehaving server from looping us forever: 100 pages of 100 items.
        const MAX_PAGES: u32 = 100;
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        for page in 1..=MAX_PAGES {
            let page_path = format!("{path}{separator}per_page=100&page={page}");
            let response = self.send(Method::Get, &page_path, None).await?;
            let mut page_items: Vec<T> = parse(Method::Get, &page_path, &response.body)?;
            let count = page_items.len();
            items.append(&mut page_items);
            let has_next = response
                .link
                .as_deref()
                .is_some_and(|link| link.contains("rel=\"next\""));
            if !has_next || count == 0 {
                break;
            }
        }
        Ok(items)
    }

    /// Sends one request, retrying rate limits, 5xx and connection errors within the policy.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<ApiResponse, GitHubError> {
        self.send_retrying(method, path, body, true).await
    }

    /// Sends one request, retrying rate limits and, when `retry_unsure` is set, 5xx and connection errors.
    async fn send_retrying(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        retry_unsure: bool,
    ) -> Result<ApiResponse, GitHubError> {
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(method, path, body).await;
            let wait = match &outcome {
                Ok((response, headers)) => {
                    match retry_wait(response.status, headers, now_epoch()) {
                        RetryDecision::Done => return finish(method, path, outcome),
                        RetryDecision::After(wait) => Some(wait),
                        // A 429 was refused before anything happened: always safe to send again.
                        RetryDecision::Backoff if retry_unsure || response.status == 429 => None,
                        RetryDecision::Backoff => return finish(method, path, outcome),
                    }
                }
                Err(_) if retry_unsure => None,
                Err(_) => return finish(method, path, outcome),
            };
            if attempt >= self.retry.attempts() {
                return finish(method, path, outcome);
            }
            let wait = self
                .retry
                .wait_within_limit(wait, attempt)
                .map_err(|asked| GitHubError::RateLimitTooLong {
                    method: method.as_str(),
                    path: path.to_string(),
                    wait_seconds: asked.as_secs(),
                    max_seconds: self.retry.max_delay.as_secs(),
                })?;
            tracing::warn!(
                method = method.as_str(),
                path,
                attempt,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "GitHub request will be retried"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(ApiResponse, RateLimitHeaders), GitHubError> {
        let transport = |error: octocrab::Error| GitHubError::Transport {
            method: method.as_str(),
            path: path.to_string(),
            message: first_line(&error.to_string()),
        };
        // A relative path: octocrab joins it to the base URI and only then attaches the token.
        let response = match method {
            Method::Get => self.octocrab._get(path).await,
            Method::Post => self.octocrab._post(path, body).await,
            Method::Patch => self.octocrab._patch(path, body).await,
        }
        .map_err(transport)?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        };
        let link = header("link");
        let limits = RateLimitHeaders {
            retry_after: header("retry-after"),
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
        };
        let body = self
            .octocrab
            .body_to_string(response)
            .await
            .map_err(transport)?;
        Ok((ApiResponse { status, link, body }, limits))
    }
}

/// octocrab turns the token into a header value and panics when it cannot, so check first. A token read from a
/// file often ends in a newline: trim it.
fn usable_token(token: &SecretString) -> Result<SecretString, GitHubError> {
    let trimmed = token.expose_secret().trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(GitHubError::BadToken);
    }
    Ok(SecretString::from(trimmed.to_string()))
}

fn valid_repository_part(part: &str) -> bool {
    !part.is_empty()
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn finish(
    method: Method,
    path: &str,
    outcome: Result<(ApiResponse, RateLimitHeaders), GitHubError>,
) -> Result<ApiResponse, GitHubError> {
    let (response, _) = outcome?;
    if (200..300).contains(&response.status) {
        return Ok(response);
    }
    Err(GitHubError::Status {
        method: method.as_str(),
        path: path.to_string(),
        status: response.status,
        message: error_message(&response.body),
    })
}

/// GitHub's error bodies are `{"message": ..., "errors": [...]}`; keep the message and the first error's text.
fn error_message(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return first_line(body);
    };
    let mut message = value
        .get("message")
        .and_then(|message| message.as_str())
        .unwrap_or("(no message)")
        .to_string();
    if let Some(first) = value.get("errors").and_then(|errors| errors.get(0)) {
        let detail = first
            .get("message")
            .and_then(|detail| detail.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| first.to_string());
        message.push_str(&format!(" ({detail})"));
    }
    message
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

fn to_value<B: Serialize>(
    method: Method,
    path: &str,
    body: &B,
) -> Result<serde_json::Value, GitHubError> {
    serde_json::to_value(body).map_err(|error| GitHubError::Shape {
        method: method.as_str(),
        path: path.to_string(),
        message: error.to_string(),
    })
}

fn parse<T: DeserializeOwned>(method: Method, path: &str, body: &str) -> Result<T, GitHubError> {
    serde_json::from_str(body).map_err(|error| GitHubError::Shape {
        method: method.as_str(),
        path: path.to_string(),
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_keep_the_message_and_first_error() {
        assert_eq!(
            error_message(
                r#"{"message":"Validation Failed","errors":[{"resource":"IssueComment","code":"custom","field":"body","message":"body is too long (maximum is 65536 characters)"}]}"#
            ),
            "Validation Failed (body is too long (maximum is 65536 characters))"
        );
        assert_eq!(
            error_message("<html>bad gateway</html>"),
            "<html>bad gateway</html>"
        );
    }

    #[test]
    fn repositories_must_be_owner_slash_name() {
        let token = SecretString::from("t".to_string());
        for bad in ["", "owner", "owner/", "/name", "a/b/c", "own er/name"] {
            let error = GitHubClient::new(DEFAULT_API_URL, &token, bad, GITHUB_RETRY).unwrap_err();
            assert!(
                matches!(error, GitHubError::BadRepository(_)),
                "{bad}: {error}"
            );
        }
    }
}
