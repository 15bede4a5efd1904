//! Waiters: poll a resource, with backoff, until it reaches a terminal state or the caller's
//! deadline passes.
//!
//! What to poll, where the state is and which states end the wait come from the spec (its
//! `x-waiters` extension): a generated crate implements [`WaitFor`] once per waiter and gives
//! its `Client` a `wait_for_…` method returning a [`Waiter`]. Every state that is neither a
//! success nor a failure state (including values the spec does not know) means "not yet". A
//! failing poll ends the wait with [`WaitError::Request`]; each poll is one call, with the
//! client's own retries.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::Duration;

// Tokio's clock, as the sleeps between polls: a paused test clock runs a waiter in virtual time.
use tokio::time::Instant;

use crate::client::ResponseFuture;
use crate::error::Error;
use crate::retry::random_fraction;
use crate::service::{ServiceApi, ServiceErrorCode};

/// The default shortest wait between two polls.
pub const DEFAULT_MIN_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The default longest wait between two polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

/// The error-code enumeration of the API of waiter `W`.
type CodeOf<W> = <<W as WaitFor>::Api as ServiceApi>::ErrorCode;

/// What a waiter waits for; implemented by a generated zero-sized type per waiter.
pub trait WaitFor: Send + 'static {
    /// The API of the polled operation.
    type Api: ServiceApi;
    /// The polled resource.
    type Output: Send + 'static;
    /// The resource in words, for messages (`server`).
    const RESOURCE: &'static str;
    /// The states that end the wait successfully.
    const SUCCESS: &'static [&'static str];
    /// The states that end the wait with [`WaitError::Failed`].
    const FAILURE: &'static [&'static str];

    /// Fetches the resource; `None` when the response holds none.
    #[doc(hidden)]
    fn fetch(
        client: &<Self::Api as ServiceApi>::Client,
        id: String,
        project_id: Option<String>,
    ) -> ResponseFuture<Option<Self::Output>, CodeOf<Self>>;

    /// The resource's state as the service names it, if it has one.
    #[doc(hidden)]
    fn state(output: &Self::Output) -> Option<&str>;

    /// What the resource says about its failure (an error code and message), if anything.
    #[doc(hidden)]
    fn failure_detail(output: &Self::Output) -> Option<String> {
        let _ = output;
        None
    }
}

/// What a state means to a waiter.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Done: the wait succeeds.
    Success,
    /// Terminal and not the one waited for: the wait fails.
    Failure {
        /// The state as the service names it.
        state: String,
        /// What the resource says about the failure.
        detail: Option<String>,
    },
    /// Not yet; the state, if the resource has one.
    Pending(Option<String>),
}

/// Classifies the resource's state by `W`'s lists.
fn classify<W: WaitFor>(output: &W::Output) -> State {
    let Some(state) = W::state(output) else {
        return State::Pending(None);
    };
    if W::SUCCESS.contains(&state) {
        return State::Success;
    }
    if W::FAILURE.contains(&state) {
        return State::Failure {
            state: state.to_owned(),
            detail: W::failure_detail(output),
        };
    }
    State::Pending(Some(state.to_owned()))
}

/// A message from an error code and an error message, either of which may be missing or
/// empty: `code: message`, or whichever there is.
pub fn code_and_message(code: Option<&str>, message: Option<&str>) -> Option<String> {
    let (code, message) = (
        code.filter(|t| !t.is_empty()),
        message.filter(|t| !t.is_empty()),
    );
    match (code, message) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (code, message) => code.or(message).map(str::to_owned),
    }
}

/// A wait for a resource; `.await` it (or call [`wait`](Self::wait)).
///
/// Polls at once, then after waits that grow exponentially (with jitter) from the minimum to
/// the maximum poll interval, never past the deadline; the last poll happens at the deadline.
#[must_use = "a waiter does nothing until it is awaited"]
pub struct Waiter<W: WaitFor> {
    client: <W::Api as ServiceApi>::Client,
    id: String,
    project_id: Option<String>,
    max_wait: Duration,
    min_interval: Duration,
    max_interval: Duration,
    condition: PhantomData<W>,
}

impl<W: WaitFor> fmt::Debug for Waiter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("resource", &W::RESOURCE)
            .field("id", &self.id)
            .field("project_id", &self.project_id)
            .field("max_wait", &self.max_wait)
            .field("min_interval", &self.min_interval)
            .field("max_interval", &self.max_interval)
            .finish()
    }
}

impl<W: WaitFor> Waiter<W> {
    /// A wait for the resource `id`, for at most `max_wait`; the generated `wait_for_…`
    /// methods call this.
    pub fn new(client: &<W::Api as ServiceApi>::Client, id: String, max_wait: Duration) -> Self {
        Waiter {
            client: client.clone(),
            id,
            project_id: None,
            max_wait,
            min_interval: DEFAULT_MIN_POLL_INTERVAL,
            max_interval: DEFAULT_MAX_POLL_INTERVAL,
            condition: PhantomData,
        }
    }

    /// Polls in this project instead of the client's.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The shortest and longest wait between two polls (defaults 5 s and 60 s).
    pub fn poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max.max(min);
        self
    }

    /// Polls until the resource reaches a terminal state or the deadline passes.
    pub async fn wait(self) -> Result<W::Output, WaitError<W::Output, CodeOf<W>>> {
        let deadline = Instant::now() + self.max_wait;
        let mut polls: u32 = 0;
        loop {
            polls += 1;
            let output = W::fetch(&self.client, self.id.clone(), self.project_id.clone())
                .await
                .map_err(WaitError::Request)?;
            let state = output.as_ref().map_or(State::Pending(None), classify::<W>);
            let last_state = match (state, output) {
                (State::Success, Some(output)) => return Ok(output),
                (State::Failure { state, detail }, Some(output)) => {
                    return Err(WaitError::Failed {
                        resource: W::RESOURCE,
                        id: self.id,
                        state,
                        detail,
                        last: Box::new(output),
                    })
                }
                (State::Pending(state), output) => (state, output),
                (_, None) => (None, None),
            };
            let now = Instant::now();
            if now >= deadline {
                let (last_state, last) = last_state;
                return Err(WaitError::TimedOut {
                    resource: W::RESOURCE,
                    id: self.id,
                    max_wait: self.max_wait,
                    polls,
                    last_state,
                    last: last.map(Box::new),
                });
            }
            let ceiling = crate::retry::exponential(self.min_interval, polls, self.max_interval);
            let spread = ceiling.saturating_sub(self.min_interval);
            let delay = (self.min_interval + spread.mul_f64(random_fraction())).min(deadline - now);
            tracing::debug!(
                resource = W::RESOURCE,
                id = %self.id,
                state = last_state.0.as_deref(),
                polls,
                delay_ms = delay.as_millis() as u64,
                "waiting"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

impl<W: WaitFor> IntoFuture for Waiter<W> {
    type Output = Result<W::Output, WaitError<W::Output, CodeOf<W>>>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// Why a wait ended without the state waited for. `T` is the polled resource, `C` the
/// generated error-code enumeration.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T, C> {
    /// The resource reached a terminal state other than the one waited for.
    Failed {
        /// The resource in words (`task`).
        resource: &'static str,
        /// Its ID.
        id: String,
        /// The state, as the service names it (`failed`).
        state: String,
        /// What the resource says about the failure (a task's error code and message).
        detail: Option<String>,
        /// The resource as last polled.
        last: Box<T>,
    },
    /// The deadline passed first.
    TimedOut {
        /// The resource in words (`task`).
        resource: &'static str,
        /// Its ID.
        id: String,
        /// The time allowed.
        max_wait: Duration,
        /// How many polls were made.
        polls: u32,
        /// The last state seen, if any.
        last_state: Option<String>,
        /// The resource as last polled, if the response held one.
        last: Option<Box<T>>,
    },
    /// A poll failed.
    Request(Error<C>),
}

impl<T, C: ServiceErrorCode> fmt::Display for WaitError<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed {
                resource,
                id,
                state,
                detail,
                ..
            } => {
                write!(f, "{resource} {id} reached the state `{state}`")?;
                if let Some(detail) = detail {
                    write!(f, " ({detail})")?;
                }
                write!(f, " and will not become what was waited for")
            }
            WaitError::TimedOut {
                resource,
                id,
                max_wait,
                polls,
                last_state,
                ..
            } => {
                write!(f, "{resource} {id} is still ")?;
                match last_state {
                    Some(state) => write!(f, "`{state}`")?,
                    None => f.write_str("without a state")?,
                }
                write!(
                    f,
                    " after the deadline of {max_wait:?} ({polls} polls); wait longer"
                )
            }
            WaitError::Request(error) => write!(f, "a poll failed: {error}"),
        }
    }
}

impl<T: fmt::Debug, C: ServiceErrorCode> std::error::Error for WaitError<T, C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_api::TestApi;

    /// A resource whose state is its text, failing with `broken` and `gone`.
    struct Thing;

    impl WaitFor for Thing {
        type Api = TestApi;
        type Output = (Option<&'static str>, Option<&'static str>);
        const RESOURCE: &'static str = "thing";
        const SUCCESS: &'static [&'static str] = &["ready"];
        const FAILURE: &'static [&'static str] = &["broken", "gone"];

        fn fetch(
            _: &<TestApi as ServiceApi>::Client,
            _: String,
            _: Option<String>,
        ) -> ResponseFuture<Option<Self::Output>, CodeOf<Self>> {
            Box::pin(async { Ok(None) })
        }

        fn state(output: &Self::Output) -> Option<&str> {
            output.0
        }

        fn failure_detail(output: &Self::Output) -> Option<String> {
            code_and_message(output.1, None)
        }
    }

    #[test]
    fn states_are_classified_by_the_lists() {
        assert_eq!(classify::<Thing>(&(Some("ready"), None)), State::Success);
        assert_eq!(
            classify::<Thing>(&(Some("running"), None)),
            State::Pending(Some("running".into()))
        );
        assert_eq!(classify::<Thing>(&(None, None)), State::Pending(None));
        assert_eq!(
            classify::<Thing>(&(Some("broken"), Some("E.1"))),
            State::Failure {
                state: "broken".into(),
                detail: Some("E.1".into())
            }
        );
        assert!(matches!(
            classify::<Thing>(&(Some("gone"), None)),
            State::Failure { detail: None, .. }
        ));
    }

    #[test]
    fn a_failure_detail_joins_what_there_is() {
        assert_eq!(
            code_and_message(Some("E.1"), Some("broken")).as_deref(),
            Some("E.1: broken")
        );
        assert_eq!(
            code_and_message(Some(""), Some("broken")).as_deref(),
            Some("broken")
        );
        assert_eq!(code_and_message(Some("E.1"), None).as_deref(), Some("E.1"));
        assert_eq!(code_and_message(None, Some("")), None);
    }
}
