//! [`Client`], the configured client that every generated client wraps, and the one path every
//! operation's request takes ([`Client::execute`]).
//!
//! - `builder`: [`ClientBuilder`] and the environment variables it reads;
//! - `endpoint`: base URLs from regions, domain suffixes and explicit URLs;
//! - `request`: [`Request`], what a generated operation hands over, and the encoding of its
//!   path and query;
//! - `transport`: sending, reading the response, retrying and logging.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::credentials::ProvideAuth;
use crate::error::Error;
use crate::hooks::Hook;
use crate::retry::{RetryConfig, RetryTokens};
use crate::service::ServiceApi;
use crate::validation::{Rule, Validation, ValidationError};

mod builder;
mod endpoint;
mod options;
mod proxy;
mod request;
mod transport;

pub use builder::{
    ClientBuilder, DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY_SIZE,
    DEFAULT_TIMEOUT,
};
pub(crate) use options::insert_header;
pub use options::RequestOptions;
pub use proxy::Proxy;
pub(crate) use request::{header_value, is_header_text};
pub use request::{json_body, push_segment, Request};

pub(crate) use endpoint::Endpoint;

/// The future of a request builder awaited directly (its `IntoFuture`). `C` is the generated
/// error-code enumeration.
pub type ResponseFuture<T, C> = Pin<Box<dyn Future<Output = Result<T, Error<C>>> + Send + 'static>>;

/// The client of a service API `A`. Cheap to clone: clones share one connection pool and
/// configuration.
///
/// A generated crate wraps it in its own `Client`, which adds one method per operation; build
/// that with the generated `Client::builder()` (or `ClientBuilder::from_env()`).
pub struct Client<A: ServiceApi> {
    inner: Arc<Inner<A>>,
}

struct Inner<A: ServiceApi> {
    http: reqwest::Client,
    endpoints: Vec<(A::Service, Endpoint)>,
    region: Option<String>,
    project_id: Option<String>,
    auth: Arc<dyn ProvideAuth>,
    validation: Validation,
    retry: RetryConfig,
    retry_tokens: RetryTokens,
    timeout: Duration,
    call_timeout: Duration,
    max_body_size: usize,
    user_agent: HeaderValue,
    allow_http: bool,
    hooks: Vec<Arc<dyn Hook>>,
    #[cfg(feature = "test-util")]
    mock: Option<Arc<crate::test_util::Mock>>,
}

impl<A: ServiceApi> Clone for Client<A> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<A: ServiceApi> fmt::Debug for Client<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoints: Vec<(&A::Service, &str)> = self
            .inner
            .endpoints
            .iter()
            .map(|(service, endpoint)| (service, endpoint.url.as_str()))
            .collect();
        f.debug_struct("Client")
            .field("endpoints", &endpoints)
            .field("region", &self.inner.region)
            .field("project_id", &self.inner.project_id)
            .field("auth", &self.inner.auth)
            .field("validation", &self.inner.validation)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("call_timeout", &self.inner.call_timeout)
            .field("max_response_body_size", &self.inner.max_body_size)
            .field("hooks", &self.inner.hooks.len())
            .finish()
    }
}

impl<A: ServiceApi> Client<A> {
    /// The project ID used by operations whose path has one, unless a request sets its own.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    /// The region the endpoints were derived from, if one was set.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The base URL requests to `service` go to.
    pub fn endpoint(&self, service: A::Service) -> &str {
        self.endpoint_of(service)
            .map(|endpoint| endpoint.url.as_str())
            .unwrap_or_default()
    }

    /// How requests are retried.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The time allowed for one attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The largest response body the client reads, in bytes.
    pub fn max_response_body_size(&self) -> usize {
        self.inner.max_body_size
    }

    /// How requests are validated before they are sent.
    pub fn validation(&self) -> Validation {
        self.inner.validation
    }

    /// The project ID of a request: its own, or else the client's.
    pub fn resolve_project_id(&self, own: Option<String>) -> Result<String, Error<A::ErrorCode>> {
        own.or_else(|| self.inner.project_id.clone())
            .ok_or_else(|| ValidationError::new("project_id", Rule::Required).into())
    }

    fn endpoint_of(&self, service: A::Service) -> Option<&Endpoint> {
        self.inner
            .endpoints
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, endpoint)| endpoint)
    }
}
