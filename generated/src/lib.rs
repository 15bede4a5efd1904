//! Unofficial async client for Huawei Cloud Backup and Recovery (CBR) v3, plus the legacy
//! Volume Backup Service (VBS) create-backup call.
//!
//! The [`models`] and [`operations`] modules and [`ErrorCode`] are generated (from
//! `spec/cbr.yaml` and the error-code catalogue `spec/error-codes.yaml`) by
//! `cargo xtask codegen`; the rest (client, credentials, retries, [`pagination`], [`waiters`],
//! errors, [`Nullable`], [`signing`]) is written by hand.
//!
//! # Quick start
//!
//! ```no_run
//! use huaweicloud_cbr::{ClientBuilder, Error};
//!
//! # async fn run() -> Result<(), Error> {
//! // Region, project ID and AK/SK from HUAWEICLOUD_SDK_REGION, HUAWEICLOUD_SDK_PROJECT_ID,
//! // HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN).
//! let client = ClientBuilder::from_env().build()?;
//!
//! // Every operation returns a request builder: set optional parameters, then await it.
//! let vaults = client.list_vaults().limit(10).await?;
//! for vault in vaults.vaults.value().into_iter().flatten() {
//!     println!("{:?}", vault.name.value());
//! }
//!
//! // `send_with_metadata` also returns the status, request ID, headers and attempts.
//! let (_, metadata) = client.list_vaults().send_with_metadata().await?;
//! println!("request ID {:?}", metadata.request_id);
//! # Ok(())
//! # }
//! ```
//!
//! # Configuration
//!
//! [`ClientBuilder`] takes a region (endpoints `https://cbr.{region}.myhuaweicloud.com` and
//! `https://vbs.{region}.…`, with [`domain_suffix`](ClientBuilder::domain_suffix) for another
//! domain) or explicit base URLs ([`base_url`](ClientBuilder::base_url),
//! [`endpoint`](ClientBuilder::endpoint)); the project ID; credentials; timeouts (10 s to
//! connect, 60 s per attempt); the [`RetryConfig`]; and optionally a `reqwest::Client` of your
//! own (root certificates, proxies). Endpoints must be HTTPS unless
//! [`allow_http(true)`](ClientBuilder::allow_http) is set. Requests carry the user agent
//! [`DEFAULT_USER_AGENT`].
//!
//! # Authentication
//!
//! An IAM token ([`ClientBuilder::token`], sent as `X-Auth-Token`) or an AK/SK pair
//! ([`ClientBuilder::ak_sk`], [`Auth::temporary`] with a security token): every attempt is
//! signed with `SDK-HMAC-SHA256` and a fresh `X-Sdk-Date`, and the query string sent is the
//! canonical one that was signed. Credentials come from a [`ProvideAuth`], asked before every
//! attempt, so tokens (valid 24 hours) can be refreshed. No `Debug` output, error message or
//! log line contains a credential.
//!
//! # Errors, retries and logs
//!
//! Every failure is an [`Error`]: transport ([`TransportErrorKind::Connect`],
//! [`TransportErrorKind::Tls`], [`TransportErrorKind::Timeout`]), [`ApiError`] (status, typed
//! [`ErrorCode`], message, request ID, body), [`DecodeError`] (status, failing member path,
//! body snippet), [`BodyTooLargeError`], invalid request, credentials. [`Error::is_retryable`] says whether trying again may help; the
//! client itself retries 429, 502, 503, 504 and connection failures of idempotent requests
//! (`GET`, `PUT`, `DELETE`) with exponential backoff and jitter, honouring `Retry-After`
//! ([`RetryConfig`]). Each call is a `tracing` span `cbr.call` with the operation, method,
//! path template, authentication scheme, attempt and status.
//!
//! # Pagination and waiters
//!
//! The builders of `list_vaults`, `list_backups`, `list_operation_logs` and
//! `list_share_members` have `into_pages()` and `into_items()`: [`futures_core::Stream`]s over
//! every page ([`pagination`]). [`Client::wait_for_task`], [`Client::wait_for_checkpoint`] and
//! [`Client::wait_for_backup`] poll until a terminal state or a deadline ([`waiters`]).
//!
//! # TLS
//!
//! The cargo feature `rustls-aws-lc` (default) uses rustls with aws-lc-rs; `rustls-ring` uses
//! rustls with ring, whose smaller C build makes cold builds faster; without either the crate
//! speaks plain HTTP only. [`tls_backend`] says which one is built.
//!
//! # Types
//!
//! - Members a response may leave out or send as `null` are [`Nullable`]; optional request
//!   members are `Option`. Members the spec does not list are kept in `unknown_members`.
//! - Enumerations have an `Unknown` variant holding an [`UnknownValue`], so a value added by a
//!   newer service does not break decoding; `match` them with a wildcard arm.
//! - Request bodies are checked against the documented constraints before they are sent
//!   ([`ValidationError`]); [`ClientBuilder::validate_requests`] switches that off.

#![deny(missing_docs)]

mod client;
mod credentials;
mod de;
mod error;
// Generated files are skipped by rustfmt: they are printed by prettyplease, and this rustfmt
// formats files marked `@generated` too (its `format_generated_files` defaults to true).
#[rustfmt::skip]
mod error_codes;
#[rustfmt::skip]
pub mod models;
mod nullable;
#[rustfmt::skip]
pub mod operations;
pub mod pagination;
mod response;
mod retry;
pub mod signing;
mod tls;
mod unknown;
mod validation;
pub mod waiters;

pub use client::{
    Client, ClientBuilder, ResponseFuture, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY_SIZE,
    DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use credentials::{
    Auth, AuthFuture, CredentialsError, ProvideAuth, Token, ENV_ACCESS_KEY, ENV_PROJECT_ID,
    ENV_REGION, ENV_SECRET_KEY, ENV_SECURITY_TOKEN,
};
pub use error::{
    ApiError, BodyTooLargeError, DecodeError, Error, PaginationError, TransportError,
    TransportErrorKind, SNIPPET_LIMIT,
};
pub use error_codes::ErrorCode;
pub use nullable::Nullable;
pub use operations::Service;
pub use pagination::{Items, Pages};
/// The HTTP client crate the client is built on, whose types appear in this crate's API
/// ([`ClientBuilder::http_client`], [`HeaderMap`], [`StatusCode`]).
pub use reqwest;
pub use reqwest::header::HeaderMap;
pub use reqwest::StatusCode;
pub use response::{decode_response, Operation, ResponseMetadata};
pub use retry::RetryConfig;
pub use tls::tls_backend;
pub use unknown::UnknownValue;
pub use validation::{Rule, ValidationError};
pub use waiters::{WaitError, Waiter};
