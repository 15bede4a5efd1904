//! [`RetryConfig`]: which failures are retried, how often, and how long to wait in between.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::PrimitiveDateTime;

/// When and how requests are retried.
///
/// A failed attempt is retried when the error is [retryable](crate::Error::is_retryable) (HTTP
/// 429, 502, 503 or 504, or a connection that could not be made or broke; not a timeout),
/// attempts are left, and the method is
/// idempotent (`GET`, `PUT`, `DELETE`, `HEAD`), unless
/// [`with_retry_non_idempotent`](Self::with_retry_non_idempotent) allows `POST` too. Before
/// attempt *n + 1* the client waits a random time between zero and
/// `min(max_backoff, initial_backoff × 2ⁿ⁻¹)` ("full jitter"), but at least what the response's
/// `Retry-After` header asks; a `Retry-After` longer than `max_backoff` ends the retries. Every
/// attempt is sent afresh: new credentials from the provider, a new signature and
/// `X-Sdk-Date`.
///
/// The default is [`RetryConfig::standard`]: three attempts, 1 s initial and 20 s maximum
/// backoff, idempotent methods only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// Three attempts, backoff from 1 s up to 20 s, idempotent methods only.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            retry_non_idempotent: false,
        }
    }

    /// One attempt: nothing is retried.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// The number of attempts, the first included (at least 1).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// The upper bound of the first wait; it doubles with every retry.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// The longest wait between two attempts.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Whether to retry `POST` requests too. Off by default: a `POST` that timed out or got a
    /// 502 may have been carried out, and sending it again could, for instance, create a
    /// second resource.
    pub fn with_retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The upper bound of the first wait.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest wait between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Whether `POST` requests are retried too.
    pub fn retries_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The attempts a request with `method` gets.
    pub(crate) fn attempts_for(&self, method: &Method) -> u32 {
        let idempotent = matches!(
            *method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
        );
        if idempotent || self.retry_non_idempotent {
            self.max_attempts
        } else {
            1
        }
    }

    /// How long to wait after failed attempt number `attempt` (1-based) before the next one;
    /// `None` when the server asks for a longer wait than `max_backoff`.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let ceiling = exponential(self.initial_backoff, attempt, self.max_backoff);
        let backoff = ceiling.mul_f64(random_fraction());
        match retry_after {
            Some(asked) if asked > self.max_backoff => None,
            Some(asked) => Some(backoff.max(asked)),
            None => Some(backoff),
        }
    }
}

/// `min(max, initial × 2^(attempt − 1))`, without overflow.
pub(crate) fn exponential(initial: Duration, attempt: u32, max: Duration) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    initial.saturating_mul(factor).min(max)
}

/// A number in `[0, 1)`. The standard library's randomly keyed hasher is random enough to
/// spread retries, and saves a dependency on a random-number crate.
pub(crate) fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    hasher.write_u32(nanos);
    // The top 53 bits, as a fraction of 2^53.
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` as a wait: delay seconds, or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    const HTTP_DATE: &[BorrowedFormatItem<'static>] = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = PrimitiveDateTime::parse(value, HTTP_DATE)
        .ok()?
        .assume_utc();
    let at = SystemTime::from(at);
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn only_idempotent_methods_are_retried_by_default() {
        let config = RetryConfig::standard();
        assert_eq!(config.attempts_for(&Method::GET), 3);
        assert_eq!(config.attempts_for(&Method::PUT), 3);
        assert_eq!(config.attempts_for(&Method::DELETE), 3);
        assert_eq!(config.attempts_for(&Method::POST), 1);
        let config = config.with_retry_non_idempotent(true);
        assert_eq!(config.attempts_for(&Method::POST), 3);
        assert_eq!(RetryConfig::disabled().attempts_for(&Method::GET), 1);
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_jitter_below_it() {
        let initial = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        let ceilings: Vec<_> = (1..=6).map(|n| exponential(initial, n, max)).collect();
        assert_eq!(
            ceilings,
            [100, 200, 400, 800, 1000, 1000].map(Duration::from_millis)
        );
        assert_eq!(exponential(initial, 200, max), max);
        let config = RetryConfig::standard()
            .with_initial_backoff(initial)
            .with_max_backoff(max);
        let delays: Vec<Duration> = (0..50).map(|_| config.delay(2, None).unwrap()).collect();
        assert!(delays.iter().all(|d| *d < Duration::from_millis(200)));
        // Jittered: not all the same.
        assert!(delays.iter().any(|d| *d != delays[0]), "{delays:?}");
    }

    #[test]
    fn retry_after_is_a_lower_bound_and_too_long_a_wait_ends_retries() {
        let config = RetryConfig::standard()
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_secs(5));
        let delay = config.delay(1, Some(Duration::from_secs(2))).unwrap();
        assert_eq!(delay, Duration::from_secs(2));
        assert_eq!(config.delay(1, Some(Duration::from_secs(6))), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
