//! Waiters: poll a resource, with backoff, until it reaches a terminal state or the caller's
//! deadline passes.
//!
//! | method | polls | success | failure states |
//! |---|---|---|---|
//! | [`Client::wait_for_task`] | `show_operation_log` | `success` | `failed`, `skipped`, `timeout` |
//! | [`Client::wait_for_checkpoint`] | `show_checkpoint` | `available` | `error`, `error-deleting`, `deleting`, `deleted` |
//! | [`Client::wait_for_backup`] | `show_backup` | `available` | `error`, `deleting`, `waiting_delete` |
//!
//! Every other state (including values this crate does not know) means "not yet". A failing
//! poll ends the wait with [`WaitError::Request`]; each poll is one call, with the client's own
//! retries.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! # async fn run(client: huaweicloud_cbr::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let task = client
//!     .wait_for_task("4827f2da-b008-4507-ab7d-42d0df5ed912", Duration::from_secs(30 * 60))
//!     .await?;
//! println!("finished at {:?}", task.ended_at.value());
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use crate::models::{
    BackupDetail, BackupStatus, CheckpointCreate, CheckpointCreateStatus, OperationLog,
    OperationLogStatus,
};
use crate::retry::random_fraction;
use crate::{Client, Error, ResponseFuture};

/// The default shortest wait between two polls.
pub const DEFAULT_MIN_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The default longest wait between two polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

/// What a waiter waits for; implemented by [`TaskFinished`], [`CheckpointAvailable`] and
/// [`BackupAvailable`].
pub trait WaitFor: sealed::Sealed + Send + 'static {
    /// The polled resource.
    type Output: Send + 'static;
    /// The resource in words, for messages (`task`).
    const RESOURCE: &'static str;

    /// Fetches the resource; `None` when the response holds none.
    #[doc(hidden)]
    fn fetch(
        client: &Client,
        id: String,
        project_id: Option<String>,
    ) -> ResponseFuture<Option<Self::Output>>;

    /// Classifies the resource's state.
    #[doc(hidden)]
    fn state(output: &Self::Output) -> State;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::TaskFinished {}
    impl Sealed for super::CheckpointAvailable {}
    impl Sealed for super::BackupAvailable {}
}

/// What a state means to a waiter.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
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

/// Waits for a task (operation log) to finish: `success`; `failed`, `skipped` and `timeout`
/// are failures.
#[derive(Debug, Clone, Copy)]
pub struct TaskFinished;

/// Waits for a restore point to become `available`; `error`, `error-deleting`, `deleting` and
/// `deleted` are failures.
#[derive(Debug, Clone, Copy)]
pub struct CheckpointAvailable;

/// Waits for a backup to become `available`; `error`, `deleting` and `waiting_delete` are
/// failures.
#[derive(Debug, Clone, Copy)]
pub struct BackupAvailable;

fn with_project<B>(builder: B, project_id: Option<String>, set: fn(B, String) -> B) -> B {
    match project_id {
        Some(project_id) => set(builder, project_id),
        None => builder,
    }
}

impl WaitFor for TaskFinished {
    type Output = OperationLog;
    const RESOURCE: &'static str = "task";

    fn fetch(
        client: &Client,
        id: String,
        project_id: Option<String>,
    ) -> ResponseFuture<Option<OperationLog>> {
        let request = with_project(client.show_operation_log(id), project_id, |b, p| {
            b.project_id(p)
        });
        Box::pin(async move { Ok(request.send().await?.operation_log.into_option()) })
    }

    fn state(log: &OperationLog) -> State {
        let Some(status) = log.status.value() else {
            return State::Pending(None);
        };
        match status {
            OperationLogStatus::Success => State::Success,
            OperationLogStatus::Failed
            | OperationLogStatus::Skipped
            | OperationLogStatus::Timeout => {
                let info = log.error_info.value();
                let part = |text: Option<&String>| text.filter(|t| !t.is_empty()).cloned();
                let code = info.and_then(|i| part(i.code.value()));
                let message = info.and_then(|i| part(i.message.value()));
                let detail = match (code, message) {
                    (Some(code), Some(message)) => Some(format!("{code}: {message}")),
                    (code, message) => code.or(message),
                };
                State::Failure {
                    state: status.as_str().to_owned(),
                    detail,
                }
            }
            other => State::Pending(Some(other.as_str().to_owned())),
        }
    }
}

impl WaitFor for CheckpointAvailable {
    type Output = CheckpointCreate;
    const RESOURCE: &'static str = "restore point";

    fn fetch(
        client: &Client,
        id: String,
        project_id: Option<String>,
    ) -> ResponseFuture<Option<CheckpointCreate>> {
        let request = with_project(client.show_checkpoint(id), project_id, |b, p| {
            b.project_id(p)
        });
        Box::pin(async move { Ok(request.send().await?.checkpoint.into_option()) })
    }

    fn state(checkpoint: &CheckpointCreate) -> State {
        let Some(status) = checkpoint.status.value() else {
            return State::Pending(None);
        };
        match status {
            CheckpointCreateStatus::Available => State::Success,
            CheckpointCreateStatus::Error
            | CheckpointCreateStatus::ErrorDeleting
            | CheckpointCreateStatus::Deleting
            | CheckpointCreateStatus::Deleted => State::Failure {
                state: status.as_str().to_owned(),
                detail: None,
            },
            other => State::Pending(Some(other.as_str().to_owned())),
        }
    }
}

impl WaitFor for BackupAvailable {
    type Output = BackupDetail;
    const RESOURCE: &'static str = "backup";

    fn fetch(
        client: &Client,
        id: String,
        project_id: Option<String>,
    ) -> ResponseFuture<Option<BackupDetail>> {
        let request = with_project(client.show_backup(id), project_id, |b, p| b.project_id(p));
        Box::pin(async move { Ok(request.send().await?.backup.into_option()) })
    }

    fn state(backup: &BackupDetail) -> State {
        let Some(status) = backup.status.value() else {
            return State::Pending(None);
        };
        match status {
            BackupStatus::Available => State::Success,
            BackupStatus::Error | BackupStatus::Deleting | BackupStatus::WaitingDelete => {
                State::Failure {
                    state: status.as_str().to_owned(),
                    detail: None,
                }
            }
            other => State::Pending(Some(other.as_str().to_owned())),
        }
    }
}

impl Client {
    /// Waits until the task (operation log) `operation_log_id` finishes, polling
    /// `show_operation_log`, for at most `max_wait`. Returns the finished task, or an error
    /// naming its failure state (`failed`, `skipped`, `timeout`) or the deadline.
    pub fn wait_for_task(
        &self,
        operation_log_id: impl Into<String>,
        max_wait: Duration,
    ) -> Waiter<TaskFinished> {
        Waiter::new(self, operation_log_id.into(), max_wait)
    }

    /// Waits until the restore point `checkpoint_id` is `available`, polling `show_checkpoint`,
    /// for at most `max_wait`.
    pub fn wait_for_checkpoint(
        &self,
        checkpoint_id: impl Into<String>,
        max_wait: Duration,
    ) -> Waiter<CheckpointAvailable> {
        Waiter::new(self, checkpoint_id.into(), max_wait)
    }

    /// Waits until the backup `backup_id` is `available`, polling `show_backup`, for at most
    /// `max_wait`.
    pub fn wait_for_backup(
        &self,
        backup_id: impl Into<String>,
        max_wait: Duration,
    ) -> Waiter<BackupAvailable> {
        Waiter::new(self, backup_id.into(), max_wait)
    }
}

/// A wait for a resource; `.await` it (or call [`wait`](Self::wait)).
///
/// Polls at once, then after waits that grow exponentially (with jitter) from the minimum to
/// the maximum poll interval, never past the deadline; the last poll happens at the deadline.
#[must_use = "a waiter does nothing until it is awaited"]
pub struct Waiter<W: WaitFor> {
    client: Client,
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
    fn new(client: &Client, id: String, max_wait: Duration) -> Self {
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
    pub async fn wait(self) -> Result<W::Output, WaitError<W::Output>> {
        let deadline = Instant::now() + self.max_wait;
        let mut polls: u32 = 0;
        loop {
            polls += 1;
            let output = W::fetch(&self.client, self.id.clone(), self.project_id.clone())
                .await
                .map_err(WaitError::Request)?;
            let state = output.as_ref().map_or(State::Pending(None), W::state);
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
    type Output = Result<W::Output, WaitError<W::Output>>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// Why a wait ended without the state waited for. `T` is the polled resource.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T> {
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
    Request(Error),
}

impl<T> fmt::Display for WaitError<T> {
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

impl<T: fmt::Debug> std::error::Error for WaitError<T> {
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
    use crate::models::OpErrorInfo;

    #[test]
    fn task_states_are_classified() {
        let log = |status: &str| OperationLog::new().with_status(OperationLogStatus::from(status));
        assert_eq!(TaskFinished::state(&log("success")), State::Success);
        assert_eq!(
            TaskFinished::state(&log("running")),
            State::Pending(Some("running".into()))
        );
        assert_eq!(
            TaskFinished::state(&log("brand_new")),
            State::Pending(Some("brand_new".into()))
        );
        assert_eq!(
            TaskFinished::state(&OperationLog::new()),
            State::Pending(None)
        );
        let failed = log("failed").with_error_info(
            OpErrorInfo::new()
                .with_code("BackupService.1234")
                .with_message("broken"),
        );
        assert_eq!(
            TaskFinished::state(&failed),
            State::Failure {
                state: "failed".into(),
                detail: Some("BackupService.1234: broken".into())
            }
        );
        for state in ["skipped", "timeout"] {
            assert!(matches!(
                TaskFinished::state(&log(state)),
                State::Failure { .. }
            ));
        }
    }

    #[test]
    fn checkpoint_and_backup_states_are_classified() {
        let checkpoint =
            |s: &str| CheckpointCreate::new().with_status(CheckpointCreateStatus::from(s));
        assert_eq!(
            CheckpointAvailable::state(&checkpoint("available")),
            State::Success
        );
        assert!(matches!(
            CheckpointAvailable::state(&checkpoint("error-deleting")),
            State::Failure { .. }
        ));
        assert!(matches!(
            CheckpointAvailable::state(&checkpoint("protecting")),
            State::Pending(_)
        ));
        let backup = |s: &str| BackupDetail::new().with_status(BackupStatus::from(s));
        assert_eq!(BackupAvailable::state(&backup("available")), State::Success);
        assert!(matches!(
            BackupAvailable::state(&backup("error")),
            State::Failure { .. }
        ));
        assert!(matches!(
            BackupAvailable::state(&backup("restoring")),
            State::Pending(_)
        ));
    }
}
