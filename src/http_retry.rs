//! How hard agentlab tries an HTTP request again: one policy for every client that talks to a remote API (GitHub,
//! the LLM providers).
//!
//! A policy bounds the attempts and the waits between them. A server that says when to come back (`retry-after`,
//! or GitHub's rate-limit reset) is listened to; one that does not is given an exponential backoff. Either way no
//! single wait is longer than `max_delay`: a client either caps a longer ask ([`HttpRetryPolicy::wait_capped`]) or
//! gives up on it ([`HttpRetryPolicy::wait_within_limit`]). What counts as worth retrying is each client's call.

use std::time::Duration;

/// How often and how long to retry one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpRetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    /// The wait after the first failed attempt when the server says nothing; doubled after each further one.
    pub base_delay: Duration,
    /// No single wait is longer than this.
    pub max_delay: Duration,
}

impl HttpRetryPolicy {
    /// Attempts to make: at least one.
    pub fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The backoff after failed attempt `attempt` (1 for the first): `base_delay` doubled each time, at most
    /// `max_delay`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait after failed attempt `attempt`: what the server asked, else the backoff; never more than
    /// `max_delay`.
    pub fn wait_capped(&self, asked: Option<Duration>, attempt: u32) -> Duration {
        asked
            .unwrap_or_else(|| self.backoff(attempt))
            .min(self.max_delay)
    }

    /// The wait after failed attempt `attempt`, as [`HttpRetryPolicy::wait_capped`], except that an ask longer
    /// than `max_delay` is not waited at all: `Err` with the ask, for a caller that would rather give up.
    pub fn wait_within_limit(
        &self,
        asked: Option<Duration>,
        attempt: u32,
    ) -> Result<Duration, Duration> {
        match asked {
            Some(asked) if asked > self.max_delay => Err(asked),
            asked => Ok(self.wait_capped(asked, attempt)),
        }
    }
}

/// A `retry-after` value in seconds (the form GitHub and the LLM providers send). An HTTP date, a negative or an
/// unreadable value is `None`: the caller backs off instead.
pub fn retry_after_seconds(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: HttpRetryPolicy = HttpRetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(30),
    };

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let check = |attempt: u32, expected: u64| {
            assert_eq!(
                POLICY.backoff(attempt),
                Duration::from_secs(expected),
                "{attempt}"
            );
        };
        check(0, 1);
        check(1, 1);
        check(2, 2);
        check(3, 4);
        check(5, 16);
        check(6, 30);
        check(40, 30);
    }

    #[test]
    fn a_servers_ask_is_honoured_then_capped_or_refused() {
        // (asked seconds, attempt) → (capped wait, within the limit)
        let check = |asked: Option<u64>, attempt: u32, capped: u64, within: Result<u64, u64>| {
            let asked = asked.map(Duration::from_secs);
            assert_eq!(
                POLICY.wait_capped(asked, attempt),
                Duration::from_secs(capped),
                "{asked:?}"
            );
            assert_eq!(
                POLICY.wait_within_limit(asked, attempt),
                within.map(Duration::from_secs).map_err(Duration::from_secs),
                "{asked:?}"
            );
        };
        check(Some(7), 1, 7, Ok(7));
        check(Some(30), 2, 30, Ok(30));
        check(Some(900), 1, 30, Err(900));
        check(Some(0), 3, 0, Ok(0));
        check(None, 1, 1, Ok(1));
        check(None, 3, 4, Ok(4));
        check(None, 9, 30, Ok(30));
    }

    #[test]
    fn at_least_one_attempt() {
        let none = HttpRetryPolicy {
            max_attempts: 0,
            ..POLICY
        };
        assert_eq!((none.attempts(), POLICY.attempts()), (1, 3));
    }

    #[test]
    fn retry_after_is_read_in_seconds_only() {
        let check = |value: &str, expected: Option<Duration>| {
            assert_eq!(retry_after_seconds(value), expected, "{value}");
        };
        check("12", Some(Duration::from_secs(12)));
        check(" 7 ", Some(Duration::from_secs(7)));
        check("1.5", Some(Duration::from_millis(1500)));
        check("0", Some(Duration::ZERO));
        check("-1", None);
        check("NaN", None);
        check("inf", None);
        check("Wed, 21 Oct 2015 07:28:00 GMT", None);
        check("", None);
    }
}
