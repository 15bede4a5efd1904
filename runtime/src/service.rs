//! What a generated client crate tells the runtime about its service: [`ServiceApi`], implemented
//! by one zero-sized type per generated crate, and [`ServiceErrorCode`], implemented by its
//! error-code enumeration.
//!
//! Everything service-specific reaches the runtime through these two traits and the
//! per-operation data of each request ([`Request`](crate::Request),
//! [`ErrorFormat`](crate::ErrorFormat), the [`Paginate`](crate::pagination::Paginate) and
//! [`WaitFor`](crate::waiters::WaitFor) impls); the runtime itself knows no service.

use std::fmt;

use reqwest::Method;

use crate::client::Client;

/// A service API as a generated crate describes it: its endpoints, its error codes, its client
/// type, and how its calls appear in logs.
///
/// Implemented by the generated crate's zero-sized `Api` type; users never implement it.
pub trait ServiceApi: Sized + Send + Sync + 'static {
    /// The generated enumeration of the service's documented error codes.
    type ErrorCode: ServiceErrorCode;
    /// The generated enumeration of the service's endpoints (one per server URL of the spec).
    type Service: Copy + Eq + fmt::Debug + Send + Sync + 'static;
    /// The generated client: a wrapper of the runtime's [`Client`] that has one method per
    /// operation.
    type Client: From<Client<Self>> + Clone + Send + Sync + 'static;

    /// Every endpoint with its URL template; the first is the spec's default.
    const SERVICES: &'static [ServiceDef<Self::Service>];

    /// The `User-Agent` of every request: the generated crate's name and version.
    const USER_AGENT: &'static str;

    /// Opens the `tracing` span of one call. Span names must be known at compile time, so the
    /// generated crate creates it under its own name (`<service>.call`). The span must have
    /// the (empty) fields `auth`, `attempt` and `status`, which the runtime records.
    fn call_span(call: &CallInfo<'_>) -> tracing::Span;
}

/// One endpoint of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceDef<S> {
    /// The generated enumeration's variant for it.
    pub service: S,
    /// Its name in messages (`Ecs`).
    pub name: &'static str,
    /// The URL template, with `{region}` in it (`https://ecs.{region}.myhuaweicloud.com`).
    pub url_template: &'static str,
}

impl<S> ServiceDef<S> {
    /// The endpoint in `region`: the URL template with `{region}` replaced.
    pub fn regional_endpoint(&self, region: &str) -> String {
        self.url_template.replace("{region}", region)
    }
}

/// What the span of a call describes: the values of its fields `operation`, `method` and
/// `path`.
#[derive(Debug, Clone, Copy)]
pub struct CallInfo<'a> {
    /// The operation ID (`list_servers`).
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a Method,
    /// The path template (`/v1/{project_id}/servers`), never the values.
    pub path_template: &'static str,
}

/// A service's error code, as generated from its error-code catalogue: a known code has a
/// variant of its own, any other code is kept as received.
pub trait ServiceErrorCode:
    for<'a> From<&'a str> + Clone + PartialEq + fmt::Debug + fmt::Display + Send + Sync + 'static
{
    /// The code as the service sends it (`APIGW.0301`).
    fn as_str(&self) -> &str;

    /// What the catalogue says to do about it, if it lists the code.
    fn handling(&self) -> Option<&'static str>;
}
