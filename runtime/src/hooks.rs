//! [`Hook`]: code of the user's that runs around every attempt of every call, for metrics,
//! extra headers or renewing a token.
//!
//! Hooks are registered on the client ([`ClientBuilder::hook`](crate::ClientBuilder::hook))
//! and run in the order they were registered, before and after each attempt, retries
//! included. A hook's methods return boxed futures, so that the trait stays object-safe and a
//! hook can await (fetch a token) without the client being generic over it; a client without
//! hooks allocates nothing for them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::client::insert_header;
use crate::error::TransportErrorKind;

/// The future a hook method returns.
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<(), HookError>> + Send + 'a>>;

/// Code that runs before and after every attempt of every call of a client.
///
/// Both methods do nothing by default. An error from either ends the call with
/// [`Error::Hook`](crate::Error::Hook): before an attempt, nothing is sent; after it, its
/// outcome is dropped. Neither method ever sees a credential: [`BeforeAttempt`] comes before
/// authentication and signing, and [`AfterAttempt`] holds the response's headers only.
///
/// ```
/// use huaweicloud_sdk_runtime::{AfterAttempt, BeforeAttempt, Hook, HookError, HookFuture};
///
/// struct Trace;
///
/// impl Hook for Trace {
///     fn before_attempt<'a>(&'a self, attempt: &'a mut BeforeAttempt<'_>) -> HookFuture<'a> {
///         Box::pin(async move { attempt.insert_header("X-Trace-Id", "abc") })
///     }
///
///     fn after_attempt<'a>(&'a self, attempt: &'a AfterAttempt<'_>) -> HookFuture<'a> {
///         println!("{} #{}: {:?} in {:?}", attempt.operation, attempt.attempt, attempt.status, attempt.duration);
///         Box::pin(async { Ok(()) })
///     }
/// }
/// ```
pub trait Hook: Send + Sync + 'static {
    /// The name in an error of this hook (its type name by default).
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }

    /// Runs before each attempt is authenticated, signed and sent; headers it adds are
    /// signed with the others.
    fn before_attempt<'a>(&'a self, attempt: &'a mut BeforeAttempt<'_>) -> HookFuture<'a> {
        let _ = attempt;
        Box::pin(std::future::ready(Ok(())))
    }

    /// Runs after each attempt, whatever its outcome.
    fn after_attempt<'a>(&'a self, attempt: &'a AfterAttempt<'_>) -> HookFuture<'a> {
        let _ = attempt;
        Box::pin(std::future::ready(Ok(())))
    }
}

/// An attempt about to be authenticated, signed and sent.
#[derive(Debug)]
#[non_exhaustive]
pub struct BeforeAttempt<'r> {
    /// The operation ID (`list_servers`).
    pub operation: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The HTTP method.
    pub method: &'r Method,
    /// The URL, query included.
    pub url: &'r str,
    /// The JSON body, if the request has one.
    pub body: Option<&'r [u8]>,
    pub(crate) headers: &'r mut HeaderMap,
}

impl BeforeAttempt<'_> {
    /// The headers set so far (no credential is among them yet).
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// Adds (or replaces) a header of this attempt, checked like every header: a name the
    /// client writes itself or a value that is not printable ASCII is refused.
    pub fn insert_header(&mut self, name: &str, value: &str) -> Result<(), HookError> {
        insert_header(self.headers, name, value)
            .map_err(|e| HookError::with_source(e.to_string(), e))
    }
}

/// What one attempt came to.
#[derive(Debug)]
#[non_exhaustive]
pub struct AfterAttempt<'r> {
    /// The operation ID (`list_servers`).
    pub operation: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The response's status, if one arrived.
    pub status: Option<StatusCode>,
    /// The response's headers, if they arrived.
    pub headers: Option<&'r HeaderMap>,
    /// The service's request ID (`X-Request-Id`), if the response had one.
    pub request_id: Option<&'r str>,
    /// From sending the attempt to the end of its response (or its failure).
    pub duration: Duration,
    /// Why the attempt failed; `None` for a success response.
    pub error: Option<AttemptErrorKind>,
}

/// Why an attempt failed, as an [`AfterAttempt`] hook sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptErrorKind {
    /// The service answered with an error status.
    Api,
    /// No complete response: the kind of transport failure.
    Transport(TransportErrorKind),
    /// The response body was larger than the client reads.
    BodyTooLarge,
    /// The call's overall deadline passed during the attempt.
    Deadline,
    /// Another failure (a response the client could not read).
    Other,
}

/// Whether a hook failed before or after its attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookStage {
    /// In [`Hook::before_attempt`]: the attempt was not sent.
    BeforeAttempt,
    /// In [`Hook::after_attempt`]: the attempt's outcome was dropped.
    AfterAttempt,
}

/// A hook's failure ([`Error::Hook`](crate::Error::Hook)). A hook makes it with
/// [`new`](Self::new) or [`with_source`](Self::with_source); the client adds which hook,
/// where, and for which operation and attempt.
#[derive(Debug)]
pub struct HookError {
    /// What went wrong, in the hook's words.
    pub message: String,
    /// The hook's [`name`](Hook::name).
    pub hook: String,
    /// Before or after the attempt.
    pub stage: HookStage,
    /// The operation ID.
    pub operation: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl HookError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        HookError {
            message: message.into(),
            hook: String::new(),
            stage: HookStage::BeforeAttempt,
            operation: "",
            attempt: 0,
            source: None,
        }
    }

    /// A failure described by `message`, caused by `source`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        HookError {
            source: Some(Box::new(source)),
            ..HookError::new(message)
        }
    }

    fn located(
        mut self,
        hook: &dyn Hook,
        stage: HookStage,
        operation: &'static str,
        attempt: u32,
    ) -> Self {
        self.hook = hook.name().to_owned();
        self.stage = stage;
        self.operation = operation;
        self.attempt = attempt;
        self
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.stage {
            HookStage::BeforeAttempt => "before",
            HookStage::AfterAttempt => "after",
        };
        write!(
            f,
            "hook `{}` failed {stage} attempt {} of {}: {}",
            self.hook, self.attempt, self.operation, self.message
        )
    }
}

impl std::error::Error for HookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Runs every hook's [`Hook::before_attempt`], in order; the first failure stops the rest.
pub(crate) async fn before_attempt(
    hooks: &[std::sync::Arc<dyn Hook>],
    attempt: &mut BeforeAttempt<'_>,
) -> Result<(), HookError> {
    for hook in hooks {
        let (operation, number) = (attempt.operation, attempt.attempt);
        hook.before_attempt(attempt)
            .await
            .map_err(|e| e.located(&**hook, HookStage::BeforeAttempt, operation, number))?;
    }
    Ok(())
}

/// Runs every hook's [`Hook::after_attempt`], in order; the first failure stops the rest.
pub(crate) async fn after_attempt(
    hooks: &[std::sync::Arc<dyn Hook>],
    attempt: &AfterAttempt<'_>,
) -> Result<(), HookError> {
    for hook in hooks {
        hook.after_attempt(attempt).await.map_err(|e| {
            e.located(
                &**hook,
                HookStage::AfterAttempt,
                attempt.operation,
                attempt.attempt,
            )
        })?;
    }
    Ok(())
}
