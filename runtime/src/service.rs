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
use crate::credentials::ENV_REGION;

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
    /// generated crate creates it under its own name (`<service>.call`), with the fields of
    /// [`CALL_SPAN_FIELDS`]: those it knows from `call` filled in, the others declared
    /// empty for the runtime to record.
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
    /// The regions the spec lists for the service, sorted by ID; empty when it lists none.
    pub regions: &'static [RegionDef],
}

/// A region a service is known to be in, with the service's endpoint there: an entry of the
/// catalogue a generated crate takes from its spec (`x-regions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionDef {
    /// The region ID (`ap-southeast-1`).
    pub id: &'static str,
    /// The service's endpoint in the region (`https://ecs.ap-southeast-1.myhuaweicloud.com`).
    pub endpoint: &'static str,
}

impl<S> ServiceDef<S> {
    /// The endpoint in `region`: the URL template with `{region}` replaced.
    pub fn regional_endpoint(&self, region: &str) -> String {
        self.url_template.replace("{region}", region)
    }

    /// The catalogue's entry for `region`, if it lists the region.
    pub fn region(&self, region: &str) -> Option<&'static RegionDef> {
        self.regions.iter().find(|def| def.id == region)
    }

    /// The name of the environment variable that overrides the service's endpoint in
    /// `region`, as the official SDKs name it: `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`,
    /// upper case, `-` as `_` (`HUAWEICLOUD_SDK_REGION_ECS_AP_SOUTHEAST_1`).
    pub fn endpoint_variable(&self, region: &str) -> String {
        format!(
            "{ENV_REGION}_{}_{}",
            self.name.to_uppercase(),
            region.to_uppercase().replace('-', "_")
        )
    }
}

/// The fields of the span of a call, named as OpenTelemetry's semantic conventions for HTTP
/// client and RPC spans name them, so that `tracing-opentelemetry` exports standard spans.
/// Known when the span opens (from [`CallInfo`]): `otel.name` (`GET /v1/{project_id}/servers`),
/// `otel.kind` (`client`), `rpc.service`, `rpc.method`, `http.request.method`,
/// `url.template`, `server.address`, `server.port`, `cloud.region`. Recorded by the runtime:
/// `url.full` (query values replaced by `REDACTED`), `http.request.resend_count` (from the
/// second attempt), `http.response.status_code`, `http.response.header.x-request-id`,
/// `error.type` and `otel.status_code` (`ERROR`) when the call fails, and `auth` (the
/// authentication scheme, never a credential).
pub const CALL_SPAN_FIELDS: [&str; 16] = [
    "otel.name",
    "otel.kind",
    "otel.status_code",
    "rpc.service",
    "rpc.method",
    "http.request.method",
    "url.template",
    "url.full",
    "server.address",
    "server.port",
    "cloud.region",
    "http.request.resend_count",
    "http.response.status_code",
    "http.response.header.x-request-id",
    "error.type",
    "auth",
];

/// What the span of a call describes when it opens (see [`CALL_SPAN_FIELDS`]).
#[derive(Debug, Clone, Copy)]
pub struct CallInfo<'a> {
    /// The operation ID (`list_servers`): `rpc.method`.
    pub operation: &'static str,
    /// The service's name (`Ecs`): `rpc.service`.
    pub service: &'static str,
    /// The HTTP method: `http.request.method`.
    pub method: &'a Method,
    /// The path template (`/v1/{project_id}/servers`), never the values: `url.template`.
    pub path_template: &'static str,
    /// The host the request goes to: `server.address`.
    pub server_address: &'a str,
    /// The port the request goes to, the scheme's default included: `server.port`.
    pub server_port: u16,
    /// The region the client was built for, if one was set: `cloud.region`.
    pub region: Option<&'a str>,
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
