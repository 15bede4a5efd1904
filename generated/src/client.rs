//! [`Client`] and [`ClientBuilder`], and the one path every operation's request takes:
//! credentials, signing, sending, retrying, logging and error decoding.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, Url};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::Instrument;

use crate::credentials::{Auth, CredentialsError, ProvideAuth, ENV_PROJECT_ID, ENV_REGION};
use crate::error::{ApiError, BodyTooLargeError, Error, TransportError};
use crate::error_codes::ErrorCode;
use crate::response::{RawResponse, ResponseMetadata};
use crate::retry::RetryConfig;
use crate::signing::{self, QueryValue, SdkDate, SignableRequest};
use crate::validation::{Rule, ValidationError};
use crate::Service;

/// The future of a request builder awaited directly (its `IntoFuture`).
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// The `User-Agent` of every request: the crate and its version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The default time allowed to make a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default time allowed for one attempt, from connecting to the end of the response body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The default largest response body the client reads: 32 MiB. The largest documented
/// response, a page of 1000 backups, is a few megabytes; the limit is there so that a faulty
/// or hostile server cannot make the client hold unbounded memory.
pub const DEFAULT_MAX_RESPONSE_BODY_SIZE: usize = 32 * 1024 * 1024;

/// The header that carries an IAM token.
const TOKEN_HEADER: &str = "X-Auth-Token";

/// The header that names the project of an AK/SK-signed request, as the official SDKs send it.
const PROJECT_HEADER: &str = "X-Project-Id";

/// Characters kept as they are in a path segment or query component: the RFC 3986 unreserved
/// ones (`A-Z a-z 0-9 - . _ ~`); everything else is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The client of the API. Cheap to clone: clones share one connection pool and configuration.
///
/// Build it with [`Client::builder`] (or [`ClientBuilder::from_env`]); every operation is a
/// method returning a request builder (see the [`operations`](crate::operations) module).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoints: Vec<(Service, Endpoint)>,
    region: Option<String>,
    project_id: Option<String>,
    auth: Arc<dyn ProvideAuth>,
    validate_requests: bool,
    retry: RetryConfig,
    timeout: Duration,
    max_body_size: usize,
    user_agent: HeaderValue,
}

/// A service's base URL, split for signing.
#[derive(Debug, Clone)]
struct Endpoint {
    /// As configured, without a trailing `/`.
    url: String,
    scheme: String,
    /// `host[:port]`, the port only when it is not the scheme's default (as in `Host`).
    authority: String,
    /// The path prefix (`/prefix`), empty for none.
    prefix: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoints: Vec<(&Service, &str)> = self
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
            .field("validate_requests", &self.inner.validate_requests)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("max_response_body_size", &self.inner.max_body_size)
            .finish()
    }
}

impl Client {
    /// A builder with nothing set, request validation on and the default retry policy.
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
        self.endpoint_of(service)
            .map(|endpoint| endpoint.url.as_str())
            .unwrap_or_default()
    }

    /// The retry policy.
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

    fn endpoint_of(&self, service: Service) -> Option<&Endpoint> {
        self.inner
            .endpoints
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, endpoint)| endpoint)
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

    /// Sends a request, retrying as configured, and returns its success response; every
    /// generated operation goes through here. The call is one `tracing` span named `cbr.call`.
    pub(crate) async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "cbr.call",
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            auth = tracing::field::Empty,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.execute_with_retries(request, span.clone())
            .instrument(span)
            .await
    }

    async fn execute_with_retries(
        &self,
        request: Request,
        span: tracing::Span,
    ) -> Result<RawResponse, Error> {
        let endpoint = self
            .endpoint_of(request.service)
            .ok_or_else(|| Error::Config(format!("no endpoint for {:?}", request.service)))?;
        let max_attempts = self.inner.retry.attempts_for(&request.method);
        let mut attempt = 1;
        loop {
            span.record("attempt", attempt);
            let auth = self.inner.auth.provide_auth().await?;
            span.record("auth", auth.scheme());
            let (http_request, url) = self.http_request(&request, endpoint, &auth)?;
            tracing::debug!(attempt, "sending request");
            let started = Instant::now();
            let outcome = self.send(http_request, &url, &request, attempt).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let error = match outcome {
                Ok(response) => {
                    let status = response.metadata.status.as_u16();
                    span.record("status", status);
                    tracing::debug!(
                        attempt,
                        status,
                        elapsed_ms,
                        request_id = response.metadata.request_id.as_deref(),
                        "response"
                    );
                    return Ok(response);
                }
                Err(error) => error,
            };
            if let Some(status) = error.status() {
                span.record("status", status.as_u16());
            }
            let retry_after = match &error {
                Error::Api(api) => api.retry_after,
                _ => None,
            };
            let delay = (attempt < max_attempts && error.is_retryable())
                .then(|| self.inner.retry.delay(attempt, retry_after))
                .flatten();
            let Some(delay) = delay else {
                tracing::debug!(attempt, elapsed_ms, error = %error, "request failed");
                return Err(error);
            };
            tracing::info!(
                attempt,
                elapsed_ms,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Builds one attempt: the URL, headers and body, authenticated (and signed) now.
    fn http_request(
        &self,
        request: &Request,
        endpoint: &Endpoint,
        auth: &Auth,
    ) -> Result<(reqwest::Request, String), Error> {
        let path = format!("{}{}", endpoint.prefix, request.path);
        let body = request.body.as_deref().unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let url = match auth {
            Auth::Token(token) => {
                let invalid = || {
                    Error::Credentials(CredentialsError::new(
                        "the token is not printable ASCII (a line break or other control \
                         character?), and it is sent in a header",
                    ))
                };
                if !is_header_text(token.expose()) {
                    return Err(invalid());
                }
                let mut value = HeaderValue::from_str(token.expose()).map_err(|_| invalid())?;
                value.set_sensitive(true);
                headers.insert(TOKEN_HEADER, value);
                let mut url = format!("{}://{}{path}", endpoint.scheme, endpoint.authority);
                if !request.query.is_empty() {
                    url.push('?');
                    url.push_str(&encode_query(&request.query));
                }
                url
            }
            Auth::AkSk(credentials) => {
                let project = match &request.project_id {
                    // HTTP drops spaces at the ends of a header value; the path would keep them.
                    Some(project) if !is_header_text(project) || project.trim() != project => {
                        return Err(ValidationError::new("project_id", Rule::HeaderValue).into())
                    }
                    Some(project) => Some(header_value(PROJECT_HEADER, project)?),
                    None => None,
                };
                if let Some(project) = project {
                    headers.insert(PROJECT_HEADER, project);
                }
                // Sign exactly the headers set above, in their wire spelling.
                let names = [
                    ("Accept", ACCEPT.as_str()),
                    ("User-Agent", USER_AGENT.as_str()),
                    ("Content-Type", CONTENT_TYPE.as_str()),
                    (PROJECT_HEADER, "x-project-id"),
                ];
                let to_sign: Vec<(&str, &str)> = names
                    .iter()
                    .filter_map(|(name, key)| {
                        let value = headers.get(*key)?.to_str().ok()?;
                        Some((*name, value))
                    })
                    .collect();
                let query: Vec<(&str, QueryValue<'_>)> = request
                    .query
                    .iter()
                    .map(|(key, value)| (*key, value.as_query_value()))
                    .collect();
                let signable = SignableRequest::new(
                    request.method.as_str(),
                    &endpoint.scheme,
                    &endpoint.authority,
                    &path,
                )
                .with_query(&query)
                .with_headers(&to_sign)
                .with_body(body);
                let signing_error =
                    |e: signing::SigningError| CredentialsError::with_source(e.to_string(), e);
                let date =
                    SdkDate::from_datetime(OffsetDateTime::now_utc()).map_err(signing_error)?;
                let signed = signing::sign(&signable, credentials, date).map_err(signing_error)?;
                let mut signed_headers = HeaderMap::new();
                for (name, value) in signed.headers() {
                    // The HTTP client writes `Host` from the URL: the same authority.
                    if name.eq_ignore_ascii_case("host") {
                        continue;
                    }
                    let header = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| Error::Config(format!("invalid header name `{name}`")))?;
                    let mut value = header_value(name, value)?;
                    if matches!(
                        header.as_str(),
                        "authorization" | "x-security-token" | "x-auth-token"
                    ) {
                        value.set_sensitive(true);
                    }
                    signed_headers.insert(header, value);
                }
                let url = signed.url();
                drop(signed);
                headers = signed_headers;
                url
            }
        };
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), &url)
            .headers(headers)
            .timeout(self.inner.timeout);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let http_request = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build a request to `{url}`: {e}")))?;
        Ok((http_request, url))
    }

    /// One attempt: sends, reads the whole body (up to the size limit), turns an error status
    /// into [`Error::Api`].
    async fn send(
        &self,
        http_request: reqwest::Request,
        url: &str,
        request: &Request,
        attempt: u32,
    ) -> Result<RawResponse, Error> {
        let transport = |e: reqwest::Error| {
            Error::Transport(Box::new(TransportError::new(e, url, self.inner.timeout)))
        };
        let mut response = self
            .inner
            .http
            .execute(http_request)
            .await
            .map_err(transport)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = self.inner.max_body_size;
        let too_large = |content_length: Option<u64>| {
            Error::BodyTooLarge(Box::new(BodyTooLargeError {
                status,
                limit,
                content_length,
                request_id: ResponseMetadata::new(status, headers.clone(), attempt).request_id,
            }))
        };
        // An announced length over the limit fails before any of the body is read.
        let announced = response.content_length();
        if announced.is_some_and(|length| length > limit as u64) {
            return Err(too_large(announced));
        }
        // Announced is not sent: reserve at most a few megabytes up front.
        let reserve = announced.map_or(0, |length| length.min(4 << 20) as usize);
        let mut body = Vec::with_capacity(reserve);
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if chunk.len() > limit - body.len() {
                return Err(too_large(announced));
            }
            body.extend_from_slice(&chunk);
        }
        RawResponse::classify(status, headers, body, attempt, &request.errors)
    }
}

/// Whether `value` can be sent as a header value and read back as the same text: printable
/// ASCII and spaces. (`HeaderValue` itself also takes bytes beyond ASCII, which
/// `HeaderValue::to_str` then refuses.)
fn is_header_text(value: &str) -> bool {
    value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    if !is_header_text(value) {
        return Err(Error::Config(format!(
            "the value of header `{name}` is not printable ASCII"
        )));
    }
    HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the value of header `{name}` is not valid in HTTP")))
}

/// Configures and builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_cbr::{Auth, Client, RetryConfig};
///
/// let client = Client::builder()
///     .region("my-kualalumpur-1")
///     .project_id("0605767b5780d5762fc5c0118072a564")
///     .auth(Auth::ak_sk("MY-ACCESS-KEY", "MY-SECRET-KEY"))
///     .timeout(Duration::from_secs(30))
///     .retry_config(RetryConfig::standard().with_max_attempts(5))
///     .build()?;
/// assert_eq!(
///     client.endpoint(huaweicloud_cbr::Service::Cbr),
///     "https://cbr.my-kualalumpur-1.myhuaweicloud.com"
/// );
/// # Ok::<(), huaweicloud_cbr::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    region: Option<String>,
    domain_suffix: Option<String>,
    project_id: Option<String>,
    auth: Option<Arc<dyn ProvideAuth>>,
    env_error: Option<String>,
    endpoints: Vec<(Service, String)>,
    base_url: Option<String>,
    allow_http: bool,
    validate_requests: bool,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    max_body_size: usize,
    retry: RetryConfig,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("domain_suffix", &self.domain_suffix)
            .field("project_id", &self.project_id)
            .field("auth", &self.auth)
            .field("endpoints", &self.endpoints)
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .field("validate_requests", &self.validate_requests)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_body_size", &self.max_body_size)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with nothing set, request validation on, HTTPS only, the default timeouts
    /// and [`RetryConfig::standard`].
    pub fn new() -> Self {
        ClientBuilder {
            region: None,
            domain_suffix: None,
            project_id: None,
            auth: None,
            env_error: None,
            endpoints: Vec::new(),
            base_url: None,
            allow_http: false,
            validate_requests: true,
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_body_size: DEFAULT_MAX_RESPONSE_BODY_SIZE,
            retry: RetryConfig::standard(),
        }
    }

    /// A builder configured from the environment, with the official SDKs' variable names:
    /// `HUAWEICLOUD_SDK_REGION`, `HUAWEICLOUD_SDK_PROJECT_ID`, and the AK/SK credentials
    /// `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` (plus `HUAWEICLOUD_SDK_SECURITY_TOKEN` for
    /// temporary credentials). Later calls override what it read; missing or incomplete
    /// credentials are reported by [`build`](Self::build) unless credentials are set in code.
    pub fn from_env() -> Self {
        Self::new().with_env(|name| std::env::var(name).ok())
    }

    pub(crate) fn with_env(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        if let Some(region) = get(ENV_REGION) {
            self.region = Some(region.trim().to_owned());
        }
        if let Some(project_id) = get(ENV_PROJECT_ID) {
            self.project_id = Some(project_id.trim().to_owned());
        }
        match Auth::from_lookup(&lookup) {
            Ok(auth) => self.auth = Some(Arc::new(auth)),
            Err(error) => self.env_error = Some(error.to_string()),
        }
        self
    }

    /// The region (`my-kualalumpur-1`); every service's endpoint is derived from it
    /// (`https://cbr.{region}.myhuaweicloud.com`, `https://vbs.{region}.…` for VBS) unless set
    /// with [`endpoint`](Self::endpoint) or [`base_url`](Self::base_url).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Replaces the domain of the derived endpoints (`myhuaweicloud.com`), for regions served
    /// under another domain: `domain_suffix("myhuaweicloud.eu")` gives
    /// `https://cbr.{region}.myhuaweicloud.eu`.
    pub fn domain_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.domain_suffix = Some(suffix.into());
        self
    }

    /// The project ID filled into operations whose path has one.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Authenticates with a fixed IAM token, sent as the `X-Auth-Token` header. Tokens expire
    /// after 24 hours; for long-lived clients use [`auth_provider`](Self::auth_provider).
    pub fn token(self, token: impl Into<String>) -> Self {
        self.auth(Auth::token(token))
    }

    /// Authenticates with an AK/SK pair: every attempt is signed (`SDK-HMAC-SHA256`).
    pub fn ak_sk(self, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        self.auth(Auth::ak_sk(access_key, secret_key))
    }

    /// Authenticates with fixed credentials.
    pub fn auth(self, auth: Auth) -> Self {
        self.auth_provider(auth)
    }

    /// Authenticates with credentials the provider gives before every attempt (to refresh
    /// tokens or rotate temporary credentials).
    pub fn auth_provider(mut self, provider: impl ProvideAuth + 'static) -> Self {
        self.auth = Some(Arc::new(provider));
        self.env_error = None;
        self
    }

    /// Sends requests for `service` to `base_url` (`https://host[:port][/prefix]`) instead of
    /// the regional endpoint.
    pub fn endpoint(mut self, service: Service, base_url: impl Into<String>) -> Self {
        self.endpoints.retain(|(s, _)| *s != service);
        self.endpoints.push((service, base_url.into()));
        self
    }

    /// Sends requests for every service without an [`endpoint`](Self::endpoint) of its own to
    /// `base_url`: for private clouds, gateways and tests.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Allows `http://` endpoints (off by default: credentials and data would travel in
    /// clear). For tests against a local server.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Whether to check requests against the documented constraints before sending them (on
    /// by default). Switch it off when the documentation is wrong and the service accepts a
    /// value the spec forbids.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate_requests = validate;
        self
    }

    /// The time allowed to make a connection (default 10 s). Applies to the HTTP client the
    /// builder creates, not to one given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one attempt, from connecting to the end of the response body
    /// (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body to read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BODY_SIZE`], 32 MiB). A larger response, success or error, fails
    /// with [`Error::BodyTooLarge`] as soon as it is known to be larger: at once when its
    /// `Content-Length` says so, otherwise when the limit is passed while reading, so the client
    /// never holds more than this much of a body.
    pub fn max_response_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The retry policy (default [`RetryConfig::standard`]).
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Uses this HTTP client (for its root certificates, proxy or TLS settings) instead of one
    /// the builder creates. Its own timeouts and redirect policy apply; the request timeout of
    /// [`timeout`](Self::timeout) is set on every request regardless.
    ///
    /// With the `rustls-ring` feature alone, reqwest has no default cryptography provider: build
    /// the client with `tls_backend_preconfigured` and a rustls configuration, or call
    /// `rustls::crypto::ring::default_provider().install_default()` before building it.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client. Fails without credentials, when a service has neither an endpoint
    /// nor a region to derive one from, or on an `http://` endpoint without
    /// [`allow_http`](Self::allow_http).
    pub fn build(self) -> Result<Client, Error> {
        let auth = match (self.auth, self.env_error) {
            (Some(auth), _) => auth,
            (None, Some(env_error)) => {
                return Err(Error::Credentials(CredentialsError::new(env_error)))
            }
            (None, None) => {
                return Err(Error::Config(
                    "no credentials: call `ClientBuilder::token`, `ak_sk`, `auth_provider` or \
                     use `ClientBuilder::from_env`"
                        .into(),
                ))
            }
        };
        if let Some(region) = &self.region {
            check_region(region)?;
        }
        if let Some(suffix) = &self.domain_suffix {
            check_domain_suffix(suffix)?;
        }
        let endpoints = endpoints(
            &self.endpoints,
            self.base_url.as_deref(),
            self.region.as_deref(),
            self.domain_suffix.as_deref(),
            self.allow_http,
        )?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .https_only(!self.allow_http)
                    .redirect(reqwest::redirect::Policy::none());
                crate::tls::configure(builder)?
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoints,
                region: self.region,
                project_id: self.project_id,
                auth,
                validate_requests: self.validate_requests,
                retry: self.retry,
                timeout: self.timeout,
                max_body_size: self.max_body_size,
                user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
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

fn check_domain_suffix(suffix: &str) -> Result<(), Error> {
    let valid = !suffix.is_empty()
        && suffix.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    if valid {
        return Ok(());
    }
    Err(Error::Config(format!(
        "`{suffix}` is not a domain suffix (like `myhuaweicloud.com`)"
    )))
}

/// The endpoint of `service` in `region`, under `suffix` instead of the template's domain.
fn regional_endpoint(service: Service, region: &str, suffix: Option<&str>) -> String {
    let template = service.url_template();
    let (Some(suffix), Some(at)) = (suffix, template.find("{region}.")) else {
        return service.regional_endpoint(region);
    };
    let domain = at + "{region}.".len();
    let host_end = template[domain..]
        .find(['/', ':'])
        .map_or(template.len(), |i| domain + i);
    format!(
        "{}{region}.{suffix}{}",
        &template[..at],
        &template[host_end..]
    )
}

/// The base URL of every service: its own, the common base URL, or derived from the region.
fn endpoints(
    set: &[(Service, String)],
    base_url: Option<&str>,
    region: Option<&str>,
    suffix: Option<&str>,
    allow_http: bool,
) -> Result<Vec<(Service, Endpoint)>, Error> {
    let mut out = Vec::new();
    for service in Service::ALL {
        let own = set.iter().find(|(s, _)| s == service).map(|(_, url)| url);
        let url = match (own, base_url, region) {
            (Some(url), _, _) => url.clone(),
            (None, Some(url), _) => url.to_owned(),
            (None, None, Some(region)) => regional_endpoint(*service, region, suffix),
            (None, None, None) => {
                let message = format!(
                    "no endpoint for {service:?}: call `ClientBuilder::region`, `base_url` or \
                     `endpoint`"
                );
                return Err(Error::Config(message));
            }
        };
        out.push((*service, endpoint(*service, &url, allow_http)?));
    }
    Ok(out)
}

fn endpoint(service: Service, url: &str, allow_http: bool) -> Result<Endpoint, Error> {
    // The URL parser silently drops tabs and line breaks and trims spaces and control
    // characters, so what it would connect to is not what was written: refuse instead.
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::Config(format!(
            "endpoint {url:?} of {service:?} contains whitespace or control characters"
        )));
    }
    let parsed = Url::parse(url)
        .map_err(|e| Error::Config(format!("endpoint `{url}` of {service:?}: {e}")))?;
    let host = parsed.host_str().unwrap_or_default();
    if host.is_empty()
        || parsed.query().is_some()
        || parsed.fragment().is_some()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        let message = format!(
            "endpoint `{url}` of {service:?} is not a base URL (`https://host[:port][/prefix]`)"
        );
        return Err(Error::Config(message));
    }
    match parsed.scheme() {
        "https" if !crate::tls::HTTPS => {
            return Err(Error::Config(format!(
                "endpoint `{url}` of {service:?} needs HTTPS, but this build of the crate has no \
                 TLS: enable the `rustls-aws-lc` or `rustls-ring` feature"
            )))
        }
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(Error::Config(format!(
                "endpoint `{url}` of {service:?} is plain HTTP: credentials would travel in \
                 clear; use https, or call `ClientBuilder::allow_http(true)` for a local test \
                 server"
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "endpoint `{url}` of {service:?} has the scheme `{other}`, not https"
            )))
        }
    }
    let authority = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok(Endpoint {
        url: url.trim_end_matches('/').to_owned(),
        scheme: parsed.scheme().to_owned(),
        authority,
        prefix: parsed.path().trim_end_matches('/').to_owned(),
    })
}

/// A request as the generated code describes it.
#[derive(Debug)]
pub(crate) struct Request {
    /// The operation ID (`list_vaults`), for logs.
    pub(crate) operation: &'static str,
    /// The path template (`/v3/{project_id}/vaults`), for logs.
    pub(crate) path_template: &'static str,
    pub(crate) service: Service,
    pub(crate) method: Method,
    /// The path, with its parameters already encoded ([`push_segment`]).
    pub(crate) path: String,
    /// Query pairs, not yet encoded; an array parameter is one pair per value.
    pub(crate) query: Vec<(&'static str, QueryArg)>,
    /// The project the request is for (sent as `X-Project-Id` when signing).
    pub(crate) project_id: Option<String>,
    /// The JSON body.
    pub(crate) body: Option<Vec<u8>>,
    /// Where the error code and message are in an error body.
    pub(crate) errors: ErrorFormat,
}

/// A query parameter's value, typed as the signer orders it.
#[derive(Debug, Clone, PartialEq)]
#[allow(dead_code)] // a spec need not use every kind
pub(crate) enum QueryArg {
    Text(String),
    Int(i64),
    Bool(bool),
}

impl QueryArg {
    fn as_query_value(&self) -> QueryValue<'_> {
        match self {
            QueryArg::Text(text) => QueryValue::Text(text),
            QueryArg::Int(n) => QueryValue::Int(*n),
            QueryArg::Bool(b) => QueryValue::Bool(*b),
        }
    }
}

/// `key=value&…` in the given order, keys and values percent-encoded.
fn encode_query(query: &[(&str, QueryArg)]) -> String {
    let pairs: Vec<String> = query
        .iter()
        .map(|(key, value)| {
            let value = match value {
                QueryArg::Text(text) => encode(text),
                QueryArg::Int(n) => n.to_string(),
                QueryArg::Bool(b) => b.to_string(),
            };
            format!("{}={value}", encode(key))
        })
        .collect();
    pairs.join("&")
}

/// Where an error body keeps its code and message.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // a spec need not use both shapes
#[doc(hidden)]
pub enum ErrorFormat {
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

pub(crate) fn api_error(
    metadata: ResponseMetadata,
    retry_after: Option<Duration>,
    body: &[u8],
    format: &ErrorFormat,
) -> ApiError {
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
        error_code: text(code)
            .filter(|code| !code.is_empty())
            .map(|code| ErrorCode::from(code.as_str())),
        error_msg: text(message),
        request_id: metadata.request_id,
        retry_after,
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
    use crate::credentials::{ENV_ACCESS_KEY, ENV_SECRET_KEY};

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

    #[test]
    fn the_domain_suffix_replaces_the_domain_of_derived_endpoints() {
        assert_eq!(
            regional_endpoint(Service::Cbr, "eu-west-101", Some("myhuaweicloud.eu")),
            "https://cbr.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            regional_endpoint(Service::Vbs, "r-1", None),
            "https://vbs.r-1.myhuaweicloud.com"
        );
    }

    #[test]
    fn endpoints_split_into_scheme_authority_and_prefix() {
        let endpoint = endpoint(Service::Cbr, "http://127.0.0.1:8080/gw/", true).unwrap();
        assert_eq!(
            (
                endpoint.scheme.as_str(),
                endpoint.authority.as_str(),
                endpoint.prefix.as_str()
            ),
            ("http", "127.0.0.1:8080", "/gw")
        );
        if crate::tls::HTTPS {
            let endpoint = endpoint_https("https://cbr.r.example.com:443");
            assert_eq!(endpoint.authority, "cbr.r.example.com");
        } else {
            let error = super::endpoint(Service::Cbr, "https://host", false).unwrap_err();
            assert!(error.to_string().contains("no TLS"), "{error}");
        }
        for bad in [
            "https://u:p@host",
            "https://host/?q=1",
            "ftp://host",
            "not a url",
        ] {
            assert!(super::endpoint(Service::Cbr, bad, true).is_err(), "{bad}");
        }
    }

    fn endpoint_https(url: &str) -> Endpoint {
        endpoint(Service::Cbr, url, false).unwrap()
    }

    #[test]
    fn the_environment_configures_region_project_and_credentials() {
        let vars = [
            (ENV_REGION, "my-kualalumpur-1"),
            (ENV_PROJECT_ID, "p-1"),
            (ENV_ACCESS_KEY, "AK"),
            (ENV_SECRET_KEY, "SK"),
        ];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let local =
            |builder: ClientBuilder| builder.base_url("http://127.0.0.1:1").allow_http(true);
        let client = local(ClientBuilder::new().with_env(lookup))
            .build()
            .unwrap();
        assert_eq!(client.region(), Some("my-kualalumpur-1"));
        assert_eq!(client.project_id(), Some("p-1"));
        assert!(format!("{client:?}").contains("AkSk"));

        let error = local(
            ClientBuilder::new().with_env(|name| (name == ENV_ACCESS_KEY).then(|| "AK".to_owned())),
        )
        .build()
        .unwrap_err();
        assert!(matches!(error, Error::Credentials(_)), "{error}");
        assert!(error.to_string().contains(ENV_SECRET_KEY), "{error}");
        // Credentials set in code win over incomplete ones in the environment.
        local(
            ClientBuilder::new().with_env(|name| (name == ENV_ACCESS_KEY).then(|| "AK".to_owned())),
        )
        .token("t")
        .build()
        .unwrap();
    }

    #[test]
    fn queries_keep_their_order_and_are_encoded() {
        let query = [
            ("b", QueryArg::Text("x y&z".into())),
            ("a", QueryArg::Int(-3)),
            ("c", QueryArg::Bool(true)),
        ];
        assert_eq!(encode_query(&query), "b=x%20y%26z&a=-3&c=true");
    }
}
