//! Unofficial async client for Huawei Cloud Backup and Recovery (CBR) v3, plus the legacy
//! Volume Backup Service (VBS) create-backup call.
//!
//! The [`models`] and [`operations`] modules are generated from `spec/cbr.yaml` by
//! `cargo xtask codegen`; the rest (client, errors, [`Nullable`], [`signing`]) is written by
//! hand.
//!
//! # Quick start
//!
//! ```no_run
//! use huaweicloud_cbr::{Client, Error};
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::builder()
//!     .region("my-kualalumpur-1")
//!     .project_id("0605767b5780d5762fc5c0118072a564")
//!     .token(std::env::var("HUAWEICLOUD_TOKEN").unwrap_or_default())
//!     .build()?;
//!
//! // Every operation returns a request builder: set optional parameters, then await it.
//! let vaults = client.list_vaults().limit(10).await?;
//! for vault in vaults.vaults.value().into_iter().flatten() {
//!     println!("{:?}", vault.name.value());
//! }
//!
//! // `send_with_metadata` also returns the status, request ID and headers.
//! let (_, metadata) = client.list_vaults().send_with_metadata().await?;
//! println!("request ID {:?}", metadata.request_id);
//! # Ok(())
//! # }
//! ```
//!
//! # Types
//!
//! - Members a response may leave out or send as `null` are [`Nullable`]; optional request
//!   members are `Option`. Members the spec does not list are kept in `unknown_members`.
//! - Enumerations have an `Unknown` variant holding an [`UnknownValue`], so a value added by a
//!   newer service does not break decoding; `match` them with a wildcard arm.
//! - Request bodies are checked against the documented constraints before they are sent
//!   ([`ValidationError`]); [`ClientBuilder::validate_requests`] switches that off.
//! - Every failure is an [`Error`].

#![deny(missing_docs)]

mod client;
mod de;
mod error;
// Generated files are skipped by rustfmt: they are printed by prettyplease, and this rustfmt
// formats files marked `@generated` too (its `format_generated_files` defaults to true).
#[rustfmt::skip]
pub mod models;
mod nullable;
#[rustfmt::skip]
pub mod operations;
mod response;
pub mod signing;
mod unknown;
mod validation;

pub use client::{Client, ClientBuilder, ResponseFuture};
pub use error::{ApiError, DecodeError, Error, SNIPPET_LIMIT};
pub use nullable::Nullable;
pub use operations::Service;
pub use reqwest::StatusCode;
pub use response::ResponseMetadata;
pub use unknown::UnknownValue;
pub use validation::{Rule, ValidationError};
