//! [`Error`]: the one error type of the client, and the details of each kind of failure.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::credentials::CredentialsError;
use crate::hooks::HookError;
use crate::response::ResponseMetadata;
use crate::service::ServiceErrorCode;
use crate::validation::{Rule, ValidationError};

/// Everything that can go wrong when building the client or sending a request.
///
/// Its `Display` is one line that says what happened and what to do about it;
/// [`is_retryable`](Self::is_retryable) says whether sending the request again may succeed.
/// No variant holds or prints a credential. `C` is the generated crate's error-code enumeration
/// (each generated crate names `Error<ErrorCode>` its `Error`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<C> {
    /// The client's configuration is unusable (no region, a malformed endpoint, …).
    Config(ConfigError),
    /// The credentials provider failed, or the credentials cannot sign; nothing was sent.
    Credentials(CredentialsError),
    /// The request breaks a documented constraint; nothing was sent.
    InvalidRequest(ValidationError),
    /// The request body could not be serialised; nothing was sent.
    Encode(serde_json::Error),
    /// The request did not get a complete response: no connection, a timeout, a broken
    /// connection, bytes that are not HTTP, or a body cut off after the status and headers
    /// arrived (then [`TransportError::response`] keeps them).
    Transport(Box<TransportError>),
    /// The service answered with an error status.
    Api(Box<ApiError<C>>),
    /// The service answered with a success status, but the body does not match the spec, is
    /// not JSON, or ends in the middle of its JSON ([`DecodeErrorKind`] tells which).
    Decode(Box<DecodeError>),
    /// A paginated listing stopped because the service sent the same page again.
    Pagination(Box<PaginationError>),
    /// The response body is larger than the client accepts
    /// ([`ClientBuilder::max_response_body_size`](crate::ClientBuilder::max_response_body_size));
    /// the rest of it was not read.
    BodyTooLarge(Box<BodyTooLargeError>),
    /// The call's overall deadline
    /// ([`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout)) passed, in an
    /// attempt or before a retry.
    Deadline(Box<DeadlineError<C>>),
    /// A [`Hook`](crate::Hook) registered on the client failed; the attempt it ran for was
    /// not sent (before an attempt) or its outcome was not returned (after one).
    Hook(Box<HookError>),
}

impl<C> Error<C> {
    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::Transport(error) => error.response.as_ref().map(|r| r.status),
            Error::BodyTooLarge(error) => Some(error.status),
            Error::Deadline(error) => error.status,
            _ => None,
        }
    }

    /// The service's request ID, if the response had one: quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(error) => error.request_id.as_deref(),
            Error::Decode(error) => error.request_id.as_deref(),
            Error::BodyTooLarge(error) => error.request_id.as_deref(),
            Error::Transport(error) => error.response.as_ref()?.request_id.as_deref(),
            Error::Deadline(error) => error.request_id.as_deref(),
            _ => None,
        }
    }

    /// The service's error code, for an error response that has one.
    pub fn error_code(&self) -> Option<&C> {
        match self {
            Error::Api(error) => error.error_code.as_ref(),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again: a throttled (429) or unavailable
    /// (502, 503, 504) service that did not ask for a longer wait than the client makes
    /// ([`ApiError::wait_limit`]), a connection that could not be made, or, for an idempotent
    /// method only, a connection that broke. These are the failures the client retries by
    /// itself (see [`RetryConfig`](crate::RetryConfig)).
    ///
    /// Never retryable: a timeout (the service may still be carrying the request out), a
    /// failed TLS handshake (it fails the same way every time), a malformed response (the
    /// service answered, with bytes that are not HTTP), an exceeded overall deadline, and a
    /// broken connection of a non-idempotent request (`POST`), which may have taken effect.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(error) => error.is_retryable(),
            Error::Api(error) => is_retryable_status(error.status) && error.wait_limit.is_none(),
            _ => false,
        }
    }
}

/// The statuses that mean "try again later".
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

impl<C: ServiceErrorCode> RawDisplay for Error<C> {
    fn fmt_raw(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(error) => write!(f, "invalid client configuration: {error}"),
            Error::Credentials(error) => write!(f, "no usable credentials, not sent: {error}"),
            // Only documented constraints can be switched off; the others protect the request.
            Error::InvalidRequest(error)
                if matches!(
                    error.rule(),
                    Rule::PathSegment | Rule::HeaderValue | Rule::Required
                ) =>
            {
                write!(f, "invalid request, not sent: {error}")
            }
            Error::InvalidRequest(error) if matches!(error.rule(), Rule::Enum { .. }) => write!(
                f,
                "invalid request, not sent: {error} (an unlisted value is refused under \
                 `Validation::Strict`; `Validation::Lenient` sends it with a warning)"
            ),
            Error::InvalidRequest(error) => write!(
                f,
                "invalid request, not sent: {error} (fix the value; if the documented constraint \
                 is wrong, build the client with `validate_requests(false)`)"
            ),
            Error::Encode(error) => {
                write!(f, "cannot serialise the request body, not sent: {error}")
            }
            Error::Transport(error) => fmt::Display::fmt(error, f),
            Error::Api(error) => fmt::Display::fmt(error, f),
            Error::Decode(error) => fmt::Display::fmt(error, f),
            Error::Pagination(error) => fmt::Display::fmt(error, f),
            Error::BodyTooLarge(error) => fmt::Display::fmt(error, f),
            Error::Deadline(error) => fmt::Display::fmt(error, f),
            Error::Hook(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl<C: ServiceErrorCode> std::error::Error for Error<C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(error) => Some(error),
            Error::Credentials(error) => Some(error),
            Error::InvalidRequest(error) => Some(error),
            Error::Encode(error) => Some(error),
            Error::Transport(error) => Some(&*error.source),
            Error::Hook(error) => Some(&**error),
            Error::Deadline(error) => error
                .last_error
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Error::Api(_) | Error::Decode(_) | Error::Pagination(_) | Error::BodyTooLarge(_) => {
                None
            }
        }
    }
}

impl<C> From<ValidationError> for Error<C> {
    fn from(error: ValidationError) -> Self {
        Error::InvalidRequest(error)
    }
}

impl<C> From<ConfigError> for Error<C> {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

impl<C> From<CredentialsError> for Error<C> {
    fn from(error: CredentialsError) -> Self {
        Error::Credentials(error)
    }
}

/// Why the client's configuration is unusable; [`Error::Config`] holds it. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No credentials were given, in code or in the environment.
    NoCredentials,
    /// A service has neither an endpoint of its own, nor a common base URL, nor a region to
    /// derive one from.
    NoEndpoint {
        /// The service (`Ecs`).
        service: &'static str,
    },
    /// The region is not a region ID (lower-case letters, digits and `-`).
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// The domain suffix is not a domain (labels of lower-case letters, digits and `-`).
    InvalidDomainSuffix {
        /// The suffix as given.
        suffix: String,
    },
    /// An endpoint URL cannot be used.
    InvalidEndpoint {
        /// The service (`Ecs`).
        service: &'static str,
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        problem: EndpointProblem,
    },
    /// A header value of the request cannot be sent (a line break or other control character,
    /// or a character beyond ASCII).
    InvalidHeaderValue {
        /// The header.
        name: String,
    },
    /// The application name or version given to
    /// [`ClientBuilder::app_name`](crate::ClientBuilder::app_name) cannot be a `User-Agent`
    /// product token: it is empty, or has a space, a `/`, a control character or a character
    /// beyond ASCII.
    InvalidAppName {
        /// The name or version as given.
        value: String,
    },
    /// A header of [`RequestOptions::with_header`](crate::RequestOptions::with_header) or of a
    /// [`Hook`](crate::Hook) is one the client sets itself (authentication, signing, host,
    /// length), so it cannot be set by hand.
    ReservedHeader {
        /// The header.
        name: String,
    },
    /// A mock client (cargo feature `test-util`) has no rule that answers the request.
    NoMockRule {
        /// The operation ID of the request.
        operation: String,
        /// Its method and URL.
        request: String,
        /// Each rule tried, and why it did not answer.
        tried: Vec<String>,
    },
    /// The HTTP client (or its TLS configuration) could not be built, or it refused a request.
    HttpClient {
        /// The HTTP client's message.
        message: String,
    },
    /// The proxy of [`ClientBuilder::proxy`](crate::ClientBuilder::proxy) cannot be used.
    InvalidProxy {
        /// The proxy's URL, any credentials in it replaced by `<redacted>`.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// What is wrong with an endpoint URL ([`ConfigError::InvalidEndpoint`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointProblem {
    /// It contains whitespace or control characters, which the URL parser would silently drop.
    ControlCharacters,
    /// It is not a URL; the parser's message.
    NotAUrl(String),
    /// It has no host, or has a query, fragment or user information.
    NotABaseUrl,
    /// It is `https://`, but this build has no TLS.
    NoTls,
    /// It is plain `http://`, and `allow_http(true)` was not set.
    PlainHttp,
    /// Its scheme is neither `https` nor `http`.
    Scheme(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoCredentials => f.write_str(
                "no credentials: call `ClientBuilder::token`, `ak_sk`, `auth_provider` or use \
                 `ClientBuilder::from_env` (the environment, the profile file, then the \
                 instance metadata)",
            ),
            ConfigError::NoEndpoint { service } => write!(
                f,
                "no endpoint for {service}: call `ClientBuilder::region`, `base_url` or `endpoint`"
            ),
            ConfigError::InvalidRegion { region } => {
                write!(f, "`{region}` is not a region ID (like `my-kualalumpur-1`)")
            }
            ConfigError::InvalidDomainSuffix { suffix } => write!(
                f,
                "`{suffix}` is not a domain suffix (like `myhuaweicloud.com`)"
            ),
            ConfigError::InvalidEndpoint {
                service,
                url,
                problem,
            } => problem.describe(f, service, url),
            ConfigError::InvalidHeaderValue { name } => write!(
                f,
                "the value of header `{name}` is not printable ASCII, so it cannot be sent"
            ),
            ConfigError::InvalidAppName { value } => write!(
                f,
                "the application name or version {value:?} cannot be sent in `User-Agent`: it \
                 must be printable ASCII without spaces or `/`"
            ),
            ConfigError::ReservedHeader { name } => write!(
                f,
                "header `{name}` is set by the client itself (authentication, signing or \
                 framing) and cannot be set by hand"
            ),
            ConfigError::NoMockRule {
                operation,
                request,
                tried,
            } => {
                write!(f, "no mock rule answers {operation} ({request})")?;
                if tried.is_empty() {
                    return write!(f, "; the mock has no rules");
                }
                write!(f, "; rules tried: {}", tried.join("; "))
            }
            ConfigError::HttpClient { message } => write!(f, "the HTTP client: {message}"),
            ConfigError::InvalidProxy { url, problem } => {
                write!(f, "the proxy `{url}` cannot be used: {problem}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl EndpointProblem {
    fn describe(&self, f: &mut fmt::Formatter<'_>, service: &str, url: &str) -> fmt::Result {
        match self {
            EndpointProblem::ControlCharacters => write!(
                f,
                "endpoint {url:?} of {service} contains whitespace or control characters"
            ),
            EndpointProblem::NotAUrl(message) => {
                write!(f, "endpoint `{url}` of {service}: {message}")
            }
            EndpointProblem::NotABaseUrl => write!(
                f,
                "endpoint `{url}` of {service} is not a base URL (`https://host[:port][/prefix]`)"
            ),
            EndpointProblem::NoTls => write!(
                f,
                "endpoint `{url}` of {service} needs HTTPS, but this build of the runtime has no \
                 TLS: enable the `rustls-aws-lc` or `rustls-ring` feature"
            ),
            EndpointProblem::PlainHttp => write!(
                f,
                "endpoint `{url}` of {service} is plain HTTP: credentials would travel in clear; \
                 use https, or call `ClientBuilder::allow_http(true)` for a local test server"
            ),
            EndpointProblem::Scheme(scheme) => write!(
                f,
                "endpoint `{url}` of {service} has the scheme `{scheme}`, not https"
            ),
        }
    }
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (DNS, refused, TLS handshake, connect timeout); nothing
    /// reached the service.
    Connect,
    /// The TLS handshake failed: the service's certificate is not trusted or not for its name,
    /// or the two sides share no protocol. Nothing reached the service, and trying again will
    /// not help.
    Tls,
    /// The request timed out after the connection was made; the service may have received it.
    Timeout,
    /// The service answered with bytes that are not an HTTP response (a malformed status line
    /// or header). Not retried: the request reached something that answered, and may have
    /// taken effect.
    MalformedResponse,
    /// The connection broke while sending the request or reading the response.
    Other,
}

/// A request that got no (complete) response.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// What happened.
    pub kind: TransportErrorKind,
    /// The URL of the request.
    pub url: String,
    /// The request timeout in force, for [`TransportErrorKind::Timeout`].
    pub timeout: Option<Duration>,
    /// The cause: the HTTP client's error (a `reqwest::Error`, to downcast to), or the fault
    /// a mock client simulated. Also [`std::error::Error::source`] of the [`Error`].
    pub source: Box<dyn std::error::Error + Send + Sync + 'static>,
    /// The status line and headers, when they arrived before the failure: the service
    /// answered, and the operation may have taken effect even though its body was lost.
    pub response: Option<ResponseMetadata>,
    /// Whether the request's method is idempotent (`GET`, `PUT`, `DELETE`, `HEAD`,
    /// `OPTIONS`), so that sending it again cannot do the operation twice.
    pub idempotent: bool,
}

impl TransportError {
    /// A failure of `kind` that a mock client makes up, with `cause` as its source; the
    /// kind decides, as for a real failure, whether it is retried.
    #[cfg(feature = "test-util")]
    pub(crate) fn simulated(
        kind: TransportErrorKind,
        cause: &str,
        url: &str,
        timeout: Duration,
        idempotent: bool,
    ) -> Self {
        TransportError {
            kind,
            url: url.to_owned(),
            timeout: (kind == TransportErrorKind::Timeout).then_some(timeout),
            source: cause.into(),
            response: None,
            idempotent,
        }
    }

    pub(crate) fn new(
        source: reqwest::Error,
        url: &str,
        timeout: Duration,
        idempotent: bool,
        response: Option<ResponseMetadata>,
    ) -> Self {
        let kind = if source.is_connect() && is_tls_failure(&source) {
            TransportErrorKind::Tls
        } else if source.is_connect() {
            TransportErrorKind::Connect
        } else if source.is_timeout() {
            TransportErrorKind::Timeout
        } else if is_malformed_response(&source) {
            TransportErrorKind::MalformedResponse
        } else {
            TransportErrorKind::Other
        };
        TransportError {
            kind,
            url: url.to_owned(),
            timeout: (kind == TransportErrorKind::Timeout).then_some(timeout),
            source: Box::new(source),
            response,
            idempotent,
        }
    }

    /// See [`Error::is_retryable`]: only a failure that cannot have reached the service, or
    /// a broken connection of an idempotent request, is worth sending again.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            TransportErrorKind::Connect => true,
            TransportErrorKind::Other => self.idempotent,
            TransportErrorKind::Timeout
            | TransportErrorKind::Tls
            | TransportErrorKind::MalformedResponse => false,
        }
    }
}

/// Whether the HTTP parser refused what the service sent (status line, headers, chunk
/// framing): hyper marks those errors as parse errors, somewhere in the source chain.
fn is_malformed_response(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(hyper) = current.downcast_ref::<hyper::Error>() {
            if hyper.is_parse() || hyper.is_parse_status() {
                return true;
            }
        }
        cause = current.source();
    }
    false
}

/// Whether a connect error is a failed TLS handshake: the TLS layer reports its failures
/// (certificate, alert, protocol) as an I/O error of kind `InvalidData` in the source chain,
/// which refused connections, resets and DNS failures never are.
fn is_tls_failure(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        let Some(io) = current.downcast_ref::<std::io::Error>() else {
            cause = current.source();
            continue;
        };
        if io.kind() == std::io::ErrorKind::InvalidData {
            return true;
        }
        // An I/O error's `source` skips the error it wraps; `get_ref` is that error.
        cause = match io.get_ref() {
            Some(inner) => Some(inner),
            None => current.source(),
        };
    }
    false
}

impl RawDisplay for TransportError {
    fn fmt_raw(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The innermost cause is the informative one ("Connection refused (os error 111)").
        let mut cause: &dyn std::error::Error = &*self.source;
        while let Some(next) = cause.source() {
            cause = next;
        }
        if let Some(response) = &self.response {
            return self.describe_lost_body(f, response, cause);
        }
        match (self.kind, self.timeout) {
            (TransportErrorKind::MalformedResponse, _) => write!(
                f,
                "the response from {} is not valid HTTP: {cause} (a proxy or a server fault; \
                 not retried, since the request may have taken effect)",
                self.url
            ),
            (TransportErrorKind::Connect, _) => write!(
                f,
                "cannot connect to {}: {cause} (check the endpoint, the network and any proxy)",
                self.url
            ),
            (TransportErrorKind::Tls, _) => write!(
                f,
                "the TLS handshake with {} failed: {cause} (check the endpoint's certificate; \
                 for a private CA, give the client its root with `ClientBuilder::http_client`)",
                self.url
            ),
            (TransportErrorKind::Timeout, Some(timeout)) => write!(
                f,
                "no response from {} within the request timeout of {timeout:?} (raise it with \
                 `ClientBuilder::timeout`)",
                self.url
            ),
            _ => write!(f, "the request to {} failed: {cause}", self.url),
        }
    }
}

impl TransportError {
    /// The message of a failure after the status and headers arrived: the service answered,
    /// so the caller must not assume the operation did not happen.
    fn describe_lost_body(
        &self,
        f: &mut fmt::Formatter<'_>,
        response: &ResponseMetadata,
        cause: &dyn std::error::Error,
    ) -> fmt::Result {
        write!(
            f,
            "the service answered {} from {}",
            response.status, self.url
        )?;
        if let Some(id) = &response.request_id {
            write!(f, " (request ID {id})")?;
        }
        match (self.kind, self.timeout) {
            (TransportErrorKind::Timeout, Some(timeout)) => write!(
                f,
                ", but its body did not arrive within the request timeout of {timeout:?}"
            )?,
            (TransportErrorKind::MalformedResponse, _) => {
                write!(f, ", but its body is not valid HTTP framing: {cause}")?
            }
            _ => write!(f, ", but its body was cut off: {cause}")?,
        }
        if self.idempotent {
            f.write_str("; the operation may have taken effect")
        } else {
            f.write_str(
                "; the operation may have taken effect, so it was not sent again (check its \
                 result before repeating it)",
            )
        }
    }
}

/// An error response of the service. `C` is the generated error-code enumeration.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError<C> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The service's error code (`APIGW.0301`), if the body has one; codes the catalogue
    /// does not list are kept as received (the generated enumeration's `Unknown`).
    pub error_code: Option<C>,
    /// The service's error message, if the body has one.
    pub error_msg: Option<String>,
    /// The service's request ID (response header `X-Request-Id`).
    pub request_id: Option<String>,
    /// The wait the response asked for (header `Retry-After`).
    pub retry_after: Option<Duration>,
    /// The longest wait the client was willing to make (its maximum backoff, or what was left
    /// of the call's deadline), set when [`retry_after`](Self::retry_after) asked for more: the
    /// client then gave up at once, and [`Error::is_retryable`] is false.
    pub wait_limit: Option<Duration>,
    /// The response body as received (invalid UTF-8 replaced).
    pub body: String,
}

impl<C> ApiError<C> {
    /// The service's error code, if the body has one.
    pub fn error_code(&self) -> Option<&C> {
        self.error_code.as_ref()
    }
}

impl<C: ServiceErrorCode> RawDisplay for ApiError<C> {
    fn fmt_raw(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the service answered {}", self.status)?;
        match (&self.error_code, &self.error_msg) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
            (Some(code), None) => write!(f, ": {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) => write!(f, " (body: {})", snippet(self.body.as_bytes()))?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        if let (Some(asked), Some(limit)) = (self.retry_after, self.wait_limit) {
            write!(
                f,
                "; the service asked to wait {asked:?} before trying again, longer than the \
                 client waits ({limit:?}), so it was not retried"
            )?;
        }
        if let Some(handling) = self.error_code.as_ref().and_then(C::handling) {
            write!(f, "; what to do: {handling}")?;
        } else if is_retryable_status(self.status) && self.wait_limit.is_none() {
            f.write_str("; try again later")?;
        }
        Ok(())
    }
}

/// A listing that stopped because a page repeated the previous one: following it would loop.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaginationError {
    /// The operation (`list_servers`).
    pub operation: &'static str,
    /// The 1-based number of the page that repeated the previous one.
    pub page: u64,
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: page {} repeats page {}, so the service ignores the paging parameters; stopped \
             instead of looping (set `limit` and `offset` or `marker` yourself)",
            self.operation,
            self.page,
            self.page - 1
        )
    }
}

/// A call stopped by its overall deadline
/// ([`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout)). `C` is the generated
/// error-code enumeration.
#[derive(Debug)]
#[non_exhaustive]
pub struct DeadlineError<C> {
    /// The overall deadline in force.
    pub deadline: Duration,
    /// The attempts made, the interrupted one included.
    pub attempts: u32,
    /// The status of the last response received, if any.
    pub status: Option<StatusCode>,
    /// The service's request ID of the last response received (`X-Request-Id`), if any.
    pub request_id: Option<String>,
    /// The failure of the last completed attempt, when the deadline passed before a retry
    /// rather than in an attempt.
    pub last_error: Option<Error<C>>,
}

impl<C: ServiceErrorCode> RawDisplay for DeadlineError<C> {
    fn fmt_raw(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = match self.attempts {
            1 => "1 attempt".to_owned(),
            n => format!("{n} attempts"),
        };
        write!(
            f,
            "the call did not finish within its overall deadline of {:?}, after {attempts}",
            self.deadline
        )?;
        match (&self.last_error, self.status) {
            (Some(last), _) => write!(f, "; the last attempt: {}", Raw(last))?,
            (None, Some(status)) => write!(f, "; the last response was {status}")?,
            (None, None) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        f.write_str(" (raise it with `ClientBuilder::call_timeout`)")
    }
}

/// Why a success body could not be decoded ([`DecodeError::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body is JSON, but a member does not match the spec.
    Mismatch,
    /// The body is not JSON (an HTML error page from a gateway, say).
    NotJson,
    /// The body ends in the middle of its JSON: it was cut short in transit or framed wrong
    /// (a `Content-Length` shorter than the body), which is no fault of the spec.
    Truncated,
}

/// A success response whose body could not be decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Whether the body does not match the spec, is not JSON, or was cut short.
    pub kind: DecodeErrorKind,
    /// The number of body bytes received.
    pub body_len: usize,
    /// The path of the member that failed (`servers[0].flavor.vcpus`), empty for the whole body.
    pub path: String,
    /// What was wrong with it.
    pub message: String,
    /// The start of the body, at most [`SNIPPET_LIMIT`] bytes.
    pub snippet: String,
    /// The service's request ID (response header `X-Request-Id`).
    pub request_id: Option<String>,
}

/// The largest number of body bytes a [`DecodeError`] keeps.
pub const SNIPPET_LIMIT: usize = 256;

impl RawDisplay for DecodeError {
    fn fmt_raw(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() || self.path == "." {
            String::new()
        } else {
            format!(" at `{}`", self.path)
        };
        match self.kind {
            DecodeErrorKind::Truncated => write!(
                f,
                "the {} response body ends in the middle of its JSON{at} after {} bytes: it was \
                 cut short in transit or framed wrong (its length is not the body's), not a \
                 spec mismatch ({}); body: {}",
                self.status, self.body_len, self.message, self.snippet
            )?,
            DecodeErrorKind::NotJson | DecodeErrorKind::Mismatch => write!(
                f,
                "the {} response does not match the spec{at}: {}; body: {}",
                self.status, self.message, self.snippet
            )?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        Ok(())
    }
}

/// A response whose body is larger than the client's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BodyTooLargeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The limit in force, in bytes.
    pub limit: usize,
    /// The size the response announced (`Content-Length`), if it did.
    pub content_length: Option<u64>,
    /// The service's request ID (response header `X-Request-Id`).
    pub request_id: Option<String>,
}

impl RawDisplay for BodyTooLargeError {
    fn fmt_raw(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the {} response body ", self.status)?;
        match self.content_length {
            Some(length) => write!(f, "of {length} bytes")?,
            None => f.write_str("(of unannounced length)")?,
        }
        write!(
            f,
            " is larger than the limit of {} bytes; not read further (raise the limit with \
             `ClientBuilder::max_response_body_size`, or ask for smaller pages)",
            self.limit
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        Ok(())
    }
}

/// At most [`SNIPPET_LIMIT`] bytes of `body` as text, cut at a character boundary, with `…`
/// when cut.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= SNIPPET_LIMIT {
        return text.into_owned();
    }
    let mut end = SNIPPET_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

one_line_display!(TransportError, DecodeError, BodyTooLargeError);
one_line_display!(generic: Error<C>, ApiError<C>, DeadlineError<C>);

/// The text of an error as its parts make it, before [`OneLine`]: a message, an error code or a
/// body snippet from a response can hold any character.
trait RawDisplay {
    fn fmt_raw(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

struct Raw<'a, T>(&'a T);

impl<T: RawDisplay> fmt::Display for Raw<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_raw(f)
    }
}

/// `Display` as one line: the raw text with line breaks and tabs as spaces and every other
/// control character escaped (`\u{1b}`), so that a hostile response can neither split a log
/// line nor send escape sequences to a terminal.
macro_rules! one_line_display {
    // Types generic over the error-code enumeration `C`.
    (generic: $($ty:ty),*) => {$(
        impl<C: ServiceErrorCode> fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let raw = Raw(self).to_string();
                OneLine(&raw).fmt(f)
            }
        }
    )*};
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let raw = Raw(self).to_string();
                OneLine(&raw).fmt(f)
            }
        }
    )*};
}
use one_line_display;

/// Text written on one line (see [`one_line_display`]).
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.0.chars() {
            match c {
                '\r' | '\n' | '\t' => f.write_char(' ')?,
                c if c.is_control() => write!(f, "{}", c.escape_unicode())?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}
