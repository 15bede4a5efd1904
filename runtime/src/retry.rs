//! [`RetryConfig`]: which failures are retried, how often, and how long to wait in between;
//! [`RetryBudget`]: how many retries a client may make when the service keeps failing.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::PrimitiveDateTime;

/// When and how requests are retried.
///
/// A failed attempt is retried when the error is [retryable](crate::Error::is_retryable) (HTTP
/// 429, 502, 503 or 504, or a connection that could not be made, or that broke under an
/// idempotent request; not a timeout, nor a malformed response, nor a body lost after the
/// status arrived for a `POST`), attempts are left, the retry budget has tokens, the call's
/// deadline leaves time, and the method is
/// idempotent (`GET`, `PUT`, `DELETE`, `HEAD`), unless
/// [`with_retry_non_idempotent`](Self::with_retry_non_idempotent) allows `POST` too. Before
/// attempt *n + 1* the client waits a random time between half and all of
/// `min(max_backoff, initial_backoff × 2ⁿ⁻¹)` ("equal jitter": the floor is half the ceiling,
/// so never less than `initial_backoff / 2`), but at least what the response's `Retry-After`
/// header asks; a `Retry-After` longer than `max_backoff`, or than what is left of the call's
/// deadline, ends the retries ([`ApiError::wait_limit`](crate::ApiError::wait_limit)). Every
/// attempt is sent afresh: new credentials from the provider, a new signature and
/// `X-Sdk-Date`.
///
/// The default is [`RetryConfig::standard`]: three attempts, 1 s initial and 20 s maximum
/// backoff, idempotent methods only, and the [standard budget](RetryBudget::standard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_non_idempotent: bool,
    budget: Option<RetryBudget>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// Three attempts, backoff from 1 s up to 20 s, idempotent methods only,
    /// [`RetryBudget::standard`].
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            retry_non_idempotent: false,
            budget: Some(RetryBudget::standard()),
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
    /// second resource. Even when on, a `POST` whose connection broke after it was sent, or
    /// whose body was lost after the status arrived, is not sent again.
    pub fn with_retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The budget retries draw from, shared by every call of a client; `None` lets every
    /// call make all its attempts however often the service fails.
    pub fn with_budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// The retry budget, if any.
    pub fn budget(&self) -> Option<&RetryBudget> {
        self.budget.as_ref()
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

    /// Whether sending a request with `method` twice does no more than sending it once.
    pub(crate) fn is_idempotent(method: &Method) -> bool {
        matches!(
            *method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
        )
    }

    /// The attempts a request with `method` gets.
    pub(crate) fn attempts_for(&self, method: &Method) -> u32 {
        if Self::is_idempotent(method) || self.retry_non_idempotent {
            self.max_attempts
        } else {
            1
        }
    }

    /// How long to wait after failed attempt number `attempt` (1-based) before the next one;
    /// `None` when the server asks for a longer wait than `max_backoff`.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let ceiling = exponential(self.initial_backoff, attempt, self.max_backoff);
        // Equal jitter: spread, but never so short that a retry lands on the same outage.
        let backoff = ceiling / 2 + (ceiling / 2).mul_f64(random_fraction());
        match retry_after {
            Some(asked) if asked > self.max_backoff => None,
            Some(asked) => Some(backoff.max(asked)),
            None => Some(backoff),
        }
    }
}

/// A token bucket that retries draw from, shared by every call of one client, so that a
/// service that keeps failing gets at most a bounded number of extra requests instead of
/// `max_attempts` times the load. First attempts never draw from it and are never refused.
///
/// The bucket starts full with `capacity` tokens; every retry takes `retry_cost` tokens, and is
/// not made when the bucket has fewer; every call that succeeds puts `success_refund` back, up
/// to the capacity. [`standard`](Self::standard): capacity 500, cost 5, refund 1, the numbers
/// of the AWS SDKs' standard retry mode: at most 100 retries in a row against a failing
/// service, while a service failing fewer than one call in five keeps the bucket full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryBudget {
    /// Capacity 500, 5 tokens per retry, 1 back per successful call.
    pub fn standard() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            success_refund: 1,
        }
    }

    /// A budget of `capacity` tokens, `retry_cost` per retry, `success_refund` back per
    /// successful call.
    pub fn new(capacity: u32, retry_cost: u32, success_refund: u32) -> Self {
        RetryBudget {
            capacity,
            retry_cost,
            success_refund,
        }
    }

    /// The tokens the bucket holds when full.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// The tokens a retry takes.
    pub fn retry_cost(&self) -> u32 {
        self.retry_cost
    }

    /// The tokens a successful call puts back.
    pub fn success_refund(&self) -> u32 {
        self.success_refund
    }
}

/// The live token count of a client's [`RetryBudget`].
#[derive(Debug)]
pub(crate) struct RetryTokens {
    budget: Option<RetryBudget>,
    available: AtomicU32,
}

impl RetryTokens {
    pub(crate) fn new(budget: Option<RetryBudget>) -> Self {
        RetryTokens {
            budget,
            available: AtomicU32::new(budget.map_or(0, |b| b.capacity)),
        }
    }

    /// Takes the cost of one retry; false (and nothing taken) when the bucket has too few.
    pub(crate) fn try_take_retry(&self) -> bool {
        let Some(budget) = self.budget else {
            return true;
        };
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                available.checked_sub(budget.retry_cost)
            })
            .is_ok()
    }

    /// Puts back the refund of one successful call, up to the capacity.
    pub(crate) fn refund_success(&self) {
        let Some(budget) = self.budget else {
            return;
        };
        // The closure always returns `Some`, so the update cannot fail.
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                Some(
                    available
                        .saturating_add(budget.success_refund)
                        .min(budget.capacity),
                )
            });
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
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(200)));
        // The documented floor: half the ceiling.
        assert!(
            delays.iter().all(|d| *d >= Duration::from_millis(100)),
            "{delays:?}"
        );
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
    fn the_budget_refuses_retries_when_empty_and_refills_with_successes() {
        let tokens = RetryTokens::new(Some(RetryBudget::new(10, 5, 1)));
        assert!(tokens.try_take_retry());
        assert!(tokens.try_take_retry());
        assert!(!tokens.try_take_retry());
        for _ in 0..4 {
            tokens.refund_success();
        }
        assert!(
            !tokens.try_take_retry(),
            "4 tokens are fewer than one retry"
        );
        tokens.refund_success();
        assert!(tokens.try_take_retry());
        for _ in 0..100 {
            tokens.refund_success();
        }
        assert!(tokens.try_take_retry() && tokens.try_take_retry());
        assert!(!tokens.try_take_retry(), "refunds stop at the capacity");
        let unlimited = RetryTokens::new(None);
        assert!((0..1000).all(|_| unlimited.try_take_retry()));
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
