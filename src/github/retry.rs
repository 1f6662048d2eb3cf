//! When to try a GitHub request again, and how long to wait first: rate limits (403/429 with `retry-after`, or
//! `x-ratelimit-remaining: 0` with `x-ratelimit-reset`) say how long; server errors back off. Pure apart from
//! [`now_epoch`], so the decisions are table-tested. How long is too long, and the backoff, are the shared
//! [`HttpRetryPolicy`](crate::http_retry::HttpRetryPolicy)'s.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::http_retry::retry_after_seconds;

#[derive(Debug, Clone, Default)]
pub struct RateLimitHeaders {
    pub retry_after: Option<String>,
    pub remaining: Option<String>,
    pub reset: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Success, or an error that retrying cannot fix.
    Done,
    /// A rate limit that says how long to wait.
    After(Duration),
    /// A server error: back off.
    Backoff,
}

/// What GitHub's answer asks of us. `now` is seconds since the epoch, for `x-ratelimit-reset`.
pub fn retry_wait(status: u16, headers: &RateLimitHeaders, now: u64) -> RetryDecision {
    match status {
        403 | 429 => {
            if let Some(wait) = headers.retry_after.as_deref().and_then(retry_after_seconds) {
                return RetryDecision::After(wait);
            }
            let exhausted = headers.remaining.as_deref().map(str::trim) == Some("0");
            let reset = headers
                .reset
                .as_deref()
                .and_then(|value| value.trim().parse::<u64>().ok());
            match (exhausted, reset) {
                // One second more: the reset time is when the window opens, not when it is safely open.
                (true, Some(reset)) => {
                    RetryDecision::After(Duration::from_secs(reset.saturating_sub(now) + 1))
                }
                // A 429 without hints is still a rate limit; a bare 403 is a permission problem.
                _ if status == 429 => RetryDecision::Backoff,
                _ => RetryDecision::Done,
            }
        }
        500..=599 => RetryDecision::Backoff,
        _ => RetryDecision::Done,
    }
}

pub fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(
        retry_after: Option<&str>,
        remaining: Option<&str>,
        reset: Option<&str>,
    ) -> RateLimitHeaders {
        RateLimitHeaders {
            retry_after: retry_after.map(str::to_string),
            remaining: remaining.map(str::to_string),
            reset: reset.map(str::to_string),
        }
    }

    #[test]
    fn rate_limits_server_errors_and_the_rest() {
        let check = |status, headers: RateLimitHeaders, expected| {
            assert_eq!(
                retry_wait(status, &headers, 1_000),
                expected,
                "{status} {headers:?}"
            );
        };
        let none = || headers(None, None, None);
        check(200, none(), RetryDecision::Done);
        check(422, none(), RetryDecision::Done);
        check(404, none(), RetryDecision::Done);
        check(403, none(), RetryDecision::Done);
        check(429, none(), RetryDecision::Backoff);
        check(502, none(), RetryDecision::Backoff);
        check(
            403,
            headers(Some("7"), None, None),
            RetryDecision::After(Duration::from_secs(7)),
        );
        check(
            429,
            headers(Some("2"), None, None),
            RetryDecision::After(Duration::from_secs(2)),
        );
        check(
            403,
            headers(None, Some("0"), Some("1030")),
            RetryDecision::After(Duration::from_secs(31)),
        );
        check(
            403,
            headers(None, Some("12"), Some("1030")),
            RetryDecision::Done,
        );
        check(
            403,
            headers(None, Some("0"), Some("900")),
            RetryDecision::After(Duration::from_secs(1)),
        );
    }
}
