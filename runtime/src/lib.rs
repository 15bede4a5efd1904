//! The runtime of generated Huawei Cloud API clients: the client core, configuration,
//! authentication and AK/SK signing, errors, retries, pagination, waiters, request validation,
//! [`Nullable`] and unknown values, and TLS.
//!
//! It knows no particular service. A generated crate describes its service through
//! [`ServiceApi`] (endpoints, error codes, user agent, the span of a call) and
//! [`ServiceErrorCode`], and hands each request over as a [`Request`]; its paginated operations
//! implement [`pagination::Paginate`], its waiters [`waiters::WaitFor`]. Users reach everything
//! through the generated crate, which re-exports what they need under its own name (its
//! `Error` is this crate's [`Error`] over its `ErrorCode`, its `ClientBuilder` this crate's
//! [`ClientBuilder`] over its `Api`).
//!
//! # Configuration
//!
//! [`ClientBuilder`] takes a region (each endpoint is the service's URL template with the region
//! filled in, with [`domain_suffix`](ClientBuilder::domain_suffix) for another domain) or
//! explicit base URLs ([`base_url`](ClientBuilder::base_url),
//! [`endpoint`](ClientBuilder::endpoint)); the project ID; credentials; timeouts (10 s to
//! connect, 60 s per attempt); the [`RetryConfig`]; an HTTP [`Proxy`] (else the standard
//! `HTTPS_PROXY`/`NO_PROXY` variables, unless [`proxy_from_env(false)`](ClientBuilder::proxy_from_env));
//! and optionally a `reqwest::Client` of your own (root certificates). Endpoints must be HTTPS
//! unless [`allow_http(true)`](ClientBuilder::allow_http) is set.
//!
//! # Authentication
//!
//! An IAM token ([`ClientBuilder::token`], sent as `X-Auth-Token`) or an AK/SK pair
//! ([`ClientBuilder::ak_sk`], [`Auth::temporary`] with a security token): every attempt is
//! signed with `SDK-HMAC-SHA256` ([`signing`]) and a fresh `X-Sdk-Date`, and the query string
//! sent is the canonical one that was signed. Credentials come from a [`ProvideAuth`], asked
//! before every attempt, so tokens (valid 24 hours) can be refreshed. No `Debug` output, error
//! message or log line contains a credential.
//!
//! [`ClientBuilder::from_env`] uses the official SDKs' chain, [`CredentialsChain`]: the
//! `HUAWEICLOUD_SDK_*` variables, else the profile file ([`ENV_CREDENTIALS_FILE`] or
//! `~/.huaweicloud/credentials`), else the instance metadata service
//! ([`MetadataCredentials`]: temporary credentials refreshed before they expire, one fetch at a
//! time).
//!
//! # Errors, retries and logs
//!
//! Every failure is an [`Error`]: configuration ([`ConfigError`]), transport
//! ([`TransportErrorKind::Connect`], [`TransportErrorKind::Tls`],
//! [`TransportErrorKind::Timeout`], [`TransportErrorKind::MalformedResponse`], a broken
//! connection; a body lost after the status arrived keeps that status, request ID and headers
//! in [`TransportError::response`]), [`ApiError`] (status, typed error code, message, request
//! ID, body, a `Retry-After` longer than the client waits), [`DecodeError`] (status, failing
//! member path, body snippet, and whether the body mismatched the spec, was not JSON or was
//! cut short: [`DecodeErrorKind`]), [`BodyTooLargeError`], [`DeadlineError`] (the call's
//! overall deadline, after how many attempts), invalid request, credentials.
//! [`Error::is_retryable`] says whether trying again may help; the client itself retries 429,
//! 502, 503, 504 and connection failures of idempotent requests (`GET`, `PUT`, `DELETE`) with
//! exponential backoff and equal jitter, honouring `Retry-After`, within the call's deadline
//! ([`ClientBuilder::call_timeout`]) and a retry budget shared by the client's calls
//! ([`RetryConfig`], [`RetryBudget`]). Each call is a `tracing` span opened by the generated
//! crate, whose fields carry OpenTelemetry's semantic-convention names
//! ([`CALL_SPAN_FIELDS`]): exported through `tracing-opentelemetry`, it is a standard HTTP
//! client span.
//!
//! # TLS
//!
//! The cargo feature `rustls-aws-lc` (default) uses rustls with aws-lc-rs; `rustls-ring` uses
//! rustls with ring, whose smaller C build makes cold builds faster; without either the runtime
//! speaks plain HTTP only. [`tls_backend`] says which one is built.

#![deny(missing_docs)]

pub mod client;
mod credentials;
#[doc(hidden)]
pub mod de;
mod error;
mod hooks;
mod member_path;
mod nullable;
pub mod pagination;
mod redacted;
mod response;
mod retry;
pub mod service;
pub mod signing;
#[cfg(test)]
mod test_api;
#[cfg(feature = "test-util")]
pub mod test_util;
mod tls;
mod unknown;
mod uri;
#[doc(hidden)]
pub mod validation;
pub mod waiters;

pub use client::{
    json_body, push_segment, Client, ClientBuilder, Proxy, Request, RequestOptions, ResponseFuture,
    DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY_SIZE, DEFAULT_TIMEOUT,
};
pub use credentials::{
    Auth, AuthFuture, CredentialSource, CredentialsChain, CredentialsError, MetadataCredentials,
    ProvideAuth, Token, DEFAULT_METADATA_CONNECT_TIMEOUT, DEFAULT_METADATA_ENDPOINT,
    DEFAULT_METADATA_REFRESH_BEFORE, DEFAULT_METADATA_TIMEOUT, ENV_ACCESS_KEY,
    ENV_CREDENTIALS_FILE, ENV_PROJECT_ID, ENV_REGION, ENV_SECRET_KEY, ENV_SECURITY_TOKEN,
};
pub use error::{
    ApiError, BodyTooLargeError, ConfigError, DeadlineError, DecodeError, DecodeErrorKind,
    EndpointProblem, Error, PaginationError, TransportError, TransportErrorKind, SNIPPET_LIMIT,
};
pub use hooks::{
    AfterAttempt, AttemptErrorKind, BeforeAttempt, Hook, HookError, HookFuture, HookStage,
};
pub use nullable::Nullable;
pub use pagination::{Items, Pages};
/// The HTTP client crate the client is built on, whose types appear in this crate's API
/// ([`ClientBuilder::http_client`], [`HeaderMap`], [`StatusCode`], [`Method`]).
pub use reqwest;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
#[doc(hidden)]
pub use response::sealed;
pub use response::{
    decode_response, CodeOf, ErrorFormat, Operation, RawResponse, ResponseMetadata,
};
pub use retry::{RetryBudget, RetryConfig};
pub use service::{
    CallInfo, RegionDef, ServiceApi, ServiceDef, ServiceErrorCode, CALL_SPAN_FIELDS,
};
pub use signing::QueryValue;
pub use tls::tls_backend;
/// The logging crate of the call spans, for the generated crates' [`ServiceApi::call_span`].
#[doc(hidden)]
pub use tracing;
pub use unknown::{UnknownMembers, UnknownValue};
pub use validation::{Rule, Validation, ValidationError};
pub use waiters::{WaitError, WaitFor, Waiter};
