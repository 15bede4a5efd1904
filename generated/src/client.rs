//! [`Client`] and [`ClientBuilder`], and the one path every operation's request takes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, Url};
use serde::Serialize;

use crate::error::{ApiError, Error};
use crate::response::{RawResponse, ResponseMetadata};
use crate::validation::{Rule, ValidationError};
use crate::Service;

/// The future of a request builder awaited directly (its `IntoFuture`).
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// The header that carries an IAM token.
const TOKEN_HEADER: &str = "X-Auth-Token";

/// Characters kept as they are in a path segment or query component: the RFC 3986 unreserved
/// ones (`A-Z a-z 0-9 - . _ ~`); everything else is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The default timeouts of the HTTP client the builder creates.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The client of the API. Cheap to clone: clones share one connection pool.
///
/// Build it with [`Client::builder`]; every operation is a method returning a request builder
/// (see the [`operations`](crate::operations) module).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// The base URL of every service, without a trailing `/`.
    endpoints: Vec<(Service, String)>,
    region: Option<String>,
    project_id: Option<String>,
    token: HeaderValue,
    validate_requests: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", &self.inner.endpoints)
            .field("region", &self.inner.region)
            .field("project_id", &self.inner.project_id)
            .field("token", &"<redacted>")
            .field("validate_requests", &self.inner.validate_requests)
            .finish()
    }
}

impl Client {
    /// A builder with nothing set and request validation on.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The project ID used by operations whose path has one, unless a request sets its own.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    /// The region the endpoints were derived from, if one was set.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The base URL requests to `service` go to.
    pub fn endpoint(&self, service: Service) -> &str {
        self.inner
            .endpoints
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, url)| url.as_str())
            .unwrap_or_default()
    }

    /// Whether requests are validated before they are sent.
    pub(crate) fn validates_requests(&self) -> bool {
        self.inner.validate_requests
    }

    /// The project ID of a request: its own, or else the client's.
    pub(crate) fn resolve_project_id(&self, own: Option<String>) -> Result<String, Error> {
        own.or_else(|| self.inner.project_id.clone())
            .ok_or_else(|| ValidationError::new("project_id", Rule::Required).into())
    }

    /// Sends a request and returns its success response; every generated operation goes
    /// through here.
    pub(crate) async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let url = self.url(&request)?;
        let mut builder = self
            .inner
            .http
            .request(request.method, url)
            .header(TOKEN_HEADER, self.inner.token.clone())
            .header(ACCEPT, "application/json");
        if let Some(body) = request.body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body);
        }
        let mut response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(Error::Transport)?.to_vec();
        let metadata = ResponseMetadata::new(status, headers);
        if !status.is_success() {
            return Err(Error::Api(Box::new(api_error(
                metadata,
                &body,
                &request.errors,
            ))));
        }
        Ok(RawResponse { metadata, body })
    }

    fn url(&self, request: &Request) -> Result<Url, Error> {
        let base = self.endpoint(request.service);
        let mut url = Url::parse(&format!("{base}{}", request.path))
            .map_err(|e| Error::Config(format!("cannot build a URL from `{base}`: {e}")))?;
        if !request.query.is_empty() {
            let query: Vec<String> = request
                .query
                .iter()
                .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
                .collect();
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }
}

/// Configures and builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    region: Option<String>,
    project_id: Option<String>,
    token: Option<String>,
    endpoints: Vec<(Service, String)>,
    validate_requests: bool,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("endpoints", &self.endpoints)
            .field("validate_requests", &self.validate_requests)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with nothing set and request validation on.
    pub fn new() -> Self {
        ClientBuilder {
            region: None,
            project_id: None,
            token: None,
            endpoints: Vec::new(),
            validate_requests: true,
            http: None,
        }
    }

    /// The region (`my-kualalumpur-1`); every service's endpoint is derived from it
    /// (`https://cbr.{region}.myhuaweicloud.com`) unless set with [`endpoint`](Self::endpoint).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The project ID filled into operations whose path has one.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Authenticates with an IAM token, sent as the `X-Auth-Token` header.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sends requests for `service` to `base_url` (`https://host[:port][/prefix]`) instead of
    /// the regional endpoint: for tests, proxies and private endpoints.
    pub fn endpoint(mut self, service: Service, base_url: impl Into<String>) -> Self {
        self.endpoints.retain(|(s, _)| *s != service);
        self.endpoints.push((service, base_url.into()));
        self
    }

    /// Whether to check requests against the documented constraints before sending them (on
    /// by default). Switch it off when the documentation is wrong and the service accepts a
    /// value the spec forbids.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate_requests = validate;
        self
    }

    /// Uses this HTTP client (for its proxy, TLS or timeout settings) instead of a default one
    /// (10 s to connect, 60 s per request).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client. Fails without a token, or when a service has neither an endpoint
    /// nor a region to derive one from.
    pub fn build(self) -> Result<Client, Error> {
        let token = self
            .token
            .ok_or_else(|| Error::Config("no credentials: call `ClientBuilder::token`".into()))?;
        let mut token = HeaderValue::from_str(&token)
            .map_err(|_| Error::Config("the token is not a valid header value".into()))?;
        token.set_sensitive(true);
        if let Some(region) = &self.region {
            check_region(region)?;
        }
        let endpoints = endpoints(&self.endpoints, self.region.as_deref())?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(REQUEST_TIMEOUT)
                .build()
                .map_err(Error::Transport)?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoints,
                region: self.region,
                project_id: self.project_id,
                token,
                validate_requests: self.validate_requests,
            }),
        })
    }
}

fn check_region(region: &str) -> Result<(), Error> {
    let valid = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        return Ok(());
    }
    Err(Error::Config(format!(
        "`{region}` is not a region ID (like `my-kualalumpur-1`)"
    )))
}

/// The base URL of every service: set explicitly, or derived from the region.
fn endpoints(
    set: &[(Service, String)],
    region: Option<&str>,
) -> Result<Vec<(Service, String)>, Error> {
    let mut out = Vec::new();
    for service in Service::ALL {
        let url = match (set.iter().find(|(s, _)| s == service), region) {
            (Some((_, url)), _) => url.clone(),
            (None, Some(region)) => service.regional_endpoint(region),
            (None, None) => {
                let message = format!(
                    "no endpoint for {service:?}: call `ClientBuilder::region` or `ClientBuilder::endpoint`"
                );
                return Err(Error::Config(message));
            }
        };
        let parsed = Url::parse(&url)
            .map_err(|e| Error::Config(format!("endpoint `{url}` of {service:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            let message = format!("endpoint `{url}` of {service:?} is not an http(s) base URL");
            return Err(Error::Config(message));
        }
        out.push((*service, url.trim_end_matches('/').to_owned()));
    }
    Ok(out)
}

/// A request as the generated code describes it.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) service: Service,
    pub(crate) method: Method,
    /// The path, with its parameters already encoded ([`push_segment`]).
    pub(crate) path: String,
    /// Query pairs, not yet encoded; an array parameter is one pair per value.
    pub(crate) query: Vec<(&'static str, String)>,
    /// The JSON body.
    pub(crate) body: Option<Vec<u8>>,
    /// Where the error code and message are in an error body.
    pub(crate) errors: ErrorFormat,
}

/// Where an error body keeps its code and message.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // a spec need not use both shapes
pub(crate) enum ErrorFormat {
    /// `{"error_code": "…", "error_msg": "…"}`.
    Flat {
        code: &'static str,
        message: &'static str,
    },
    /// `{"error": {"code": "…", "message": "…"}}`.
    Nested {
        member: &'static str,
        code: &'static str,
        message: &'static str,
    },
}

fn api_error(metadata: ResponseMetadata, body: &[u8], format: &ErrorFormat) -> ApiError {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let object = match format {
        ErrorFormat::Flat { .. } => json.as_ref(),
        ErrorFormat::Nested { member, .. } => json.as_ref().and_then(|j| j.get(member)),
    };
    let (code, message) = match format {
        ErrorFormat::Flat { code, message } | ErrorFormat::Nested { code, message, .. } => {
            (*code, *message)
        }
    };
    let text = |name: &str| object.and_then(|o| o.get(name)).and_then(json_text);
    ApiError {
        status: metadata.status,
        error_code: text(code),
        error_msg: text(message),
        request_id: metadata.request_id,
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

/// A JSON scalar as text (a code sent as a number is still a code).
fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Appends a path parameter's value as one percent-encoded segment; an empty value, `.` and
/// `..` are rejected because they would change which path the request goes to.
pub(crate) fn push_segment(
    path: &mut String,
    name: &'static str,
    value: &str,
) -> Result<(), Error> {
    if matches!(value, "" | "." | "..") {
        return Err(ValidationError::new(name, Rule::PathSegment).into());
    }
    path.extend(utf8_percent_encode(value, UNRESERVED));
    Ok(())
}

/// Serialises a request body.
#[allow(dead_code)] // used by generated code when an operation has a body
pub(crate) fn json_body<T: Serialize>(body: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(Error::Encode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_and_dot_segments_rejected() {
        let mut path = String::from("/v3/");
        push_segment(&mut path, "id", "a b/c~d.e_f-g%").unwrap();
        assert_eq!(path, "/v3/a%20b%2Fc~d.e_f-g%25");
        for bad in ["", ".", ".."] {
            let error = push_segment(&mut path, "id", bad).unwrap_err();
            assert!(
                matches!(error, Error::InvalidRequest(ref e) if *e.rule() == Rule::PathSegment)
            );
        }
        push_segment(&mut path, "id", "...").unwrap();
    }
}
