//! The one path every request takes: credentials, signing, sending, reading the response,
//! retrying and logging.

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use tracing::Instrument;

use super::request::encode_query;
use super::{is_header_text, Client, Endpoint, Request};
use crate::credentials::{Auth, CredentialsError};
use crate::error::{
    BodyTooLargeError, ConfigError, DeadlineError, Error, TransportError, TransportErrorKind,
};
use crate::hooks::{self, AfterAttempt, AttemptErrorKind, BeforeAttempt};
use crate::response::{RawResponse, ResponseMetadata};
use crate::retry::RetryConfig;
use crate::service::{CallInfo, ServiceApi};
use crate::signing::QueryValue;

/// The future of [`Client::execute`]: the success response, or the error. `C` is the generated
/// error-code enumeration.
pub type Execution<'a, C> =
    Pin<Box<dyn Future<Output = Result<RawResponse, Error<C>>> + Send + 'a>>;

/// The header that carries an IAM token.
const TOKEN_HEADER: &str = "X-Auth-Token";

/// The span field of the response's request ID: OpenTelemetry's name for a recorded response
/// header.
const REQUEST_ID_FIELD: &str = "http.response.header.x-request-id";

impl<A: ServiceApi> Client<A> {
    /// Sends a request, retrying as configured, and returns its success response; every
    /// generated operation goes through here. The call is one `tracing` span, opened by the
    /// generated crate ([`ServiceApi::call_span`]) with the fields of
    /// [`CALL_SPAN_FIELDS`](crate::CALL_SPAN_FIELDS), which this records as the call goes.
    ///
    /// The future is boxed: each operation's own future then holds a pointer, not this state
    /// machine, which otherwise is compiled again, inlined, into every operation.
    pub fn execute(&self, request: Request<A::Service>) -> Execution<'_, A::ErrorCode> {
        Box::pin(self.execute_call(request))
    }

    async fn execute_call(
        &self,
        request: Request<A::Service>,
    ) -> Result<RawResponse, Error<A::ErrorCode>> {
        let service = self.service_name(request.service);
        // A call's own endpoint replaces the client's for that call only.
        let own_endpoint;
        let endpoint = match request.options.endpoint() {
            Some(url) => {
                own_endpoint = super::endpoint::parse(service, url, self.inner.allow_http)?;
                &own_endpoint
            }
            None => self
                .endpoint_of(request.service)
                .ok_or(ConfigError::NoEndpoint { service })?,
        };
        let span = A::call_span(&CallInfo {
            operation: request.operation,
            service,
            method: &request.method,
            path_template: request.path_template,
            server_address: &endpoint.host,
            server_port: endpoint.port,
            region: self.inner.region.as_deref(),
        });
        span.record("url.full", redacted_url(endpoint, &request));
        let result = self
            .execute_with_retries(request, endpoint, span.clone())
            .instrument(span.clone())
            .await;
        if let Err(error) = &result {
            span.record("error.type", error_type(error));
            span.record("otel.status_code", "ERROR");
            if let Some(request_id) = error.request_id() {
                span.record(REQUEST_ID_FIELD, request_id);
            }
        }
        result
    }

    async fn execute_with_retries(
        &self,
        request: Request<A::Service>,
        endpoint: &Endpoint,
        span: tracing::Span,
    ) -> Result<RawResponse, Error<A::ErrorCode>> {
        let options = &request.options;
        let retry = options.retry_config().unwrap_or(&self.inner.retry);
        let attempt_timeout = options.timeout().unwrap_or(self.inner.timeout);
        let max_attempts = retry.attempts_for(&request.method);
        let call_timeout = options.call_timeout().unwrap_or(self.inner.call_timeout);
        let deadline = tokio::time::Instant::now() + call_timeout;
        let mut last_seen: Option<ResponseMetadata> = None;
        let mut attempt = 1;
        loop {
            if attempt > 1 {
                span.record("http.request.resend_count", attempt - 1);
            }
            let mut headers = self.attempt_headers(&request)?;
            if !self.inner.hooks.is_empty() {
                self.before_hooks(&request, endpoint, attempt, &mut headers)
                    .await?;
            }
            let auth = self.inner.auth.provide_auth().await?;
            span.record("auth", auth.scheme());
            let (http_request, url) =
                self.http_request(&request, endpoint, &auth, headers, attempt_timeout)?;
            tracing::debug!(attempt, "sending request");
            let started = Instant::now();
            let mut answered = None;
            let sent = self.send(
                http_request,
                &url,
                &request,
                attempt,
                attempt_timeout,
                &mut answered,
            );
            let outcome = tokio::time::timeout_at(deadline, sent).await;
            last_seen = answered.or(last_seen);
            let elapsed = started.elapsed();
            let elapsed_ms = elapsed.as_millis() as u64;
            if !self.inner.hooks.is_empty() {
                self.after_hooks(request.operation, attempt, elapsed, &outcome, &last_seen)
                    .await?;
            }
            let Ok(outcome) = outcome else {
                tracing::debug!(attempt, elapsed_ms, "overall deadline passed in an attempt");
                return Err(deadline_error(call_timeout, attempt, last_seen, None));
            };
            let mut error = match outcome {
                Ok(response) => {
                    let status = response.metadata.status.as_u16();
                    span.record("http.response.status_code", status);
                    if let Some(request_id) = &response.metadata.request_id {
                        span.record(REQUEST_ID_FIELD, request_id.as_str());
                    }
                    tracing::debug!(
                        attempt,
                        status,
                        elapsed_ms,
                        request_id = response.metadata.request_id.as_deref(),
                        "response"
                    );
                    self.inner.retry_tokens.refund_success();
                    return Ok(response);
                }
                Err(error) => error,
            };
            if let Some(status) = error.status() {
                span.record("http.response.status_code", status.as_u16());
            }
            let delay = match self.retry_delay(retry, &mut error, attempt, max_attempts, deadline) {
                Ok(delay) => delay,
                Err(Stop::Final) => {
                    tracing::debug!(attempt, elapsed_ms, error = %error, "request failed");
                    return Err(error);
                }
                Err(Stop::Deadline) => {
                    tracing::debug!(attempt, elapsed_ms, error = %error, "no time left to retry");
                    let last_error = Some(error);
                    return Err(deadline_error(call_timeout, attempt, last_seen, last_error));
                }
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

    /// The name of a service in errors.
    fn service_name(&self, service: A::Service) -> &'static str {
        A::SERVICES
            .iter()
            .find(|def| def.service == service)
            .map_or("(unlisted)", |def| def.name)
    }

    /// The headers of an attempt before hooks, credentials and signing: the client's and the
    /// call's own.
    fn attempt_headers(
        &self,
        request: &Request<A::Service>,
    ) -> Result<HeaderMap, Error<A::ErrorCode>> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        request.options.add_headers(&mut headers)?;
        Ok(headers)
    }

    /// Runs the hooks before an attempt; they see the URL without credentials.
    async fn before_hooks(
        &self,
        request: &Request<A::Service>,
        endpoint: &Endpoint,
        attempt: u32,
        headers: &mut HeaderMap,
    ) -> Result<(), Error<A::ErrorCode>> {
        let mut url = format!(
            "{}://{}{}{}",
            endpoint.scheme, endpoint.authority, endpoint.prefix, request.path
        );
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&encode_query(&request.query));
        }
        let mut before = BeforeAttempt {
            operation: request.operation,
            attempt,
            method: &request.method,
            url: &url,
            body: request.body.as_deref(),
            headers,
        };
        hooks::before_attempt(&self.inner.hooks, &mut before)
            .await
            .map_err(|e| Error::Hook(Box::new(e)))
    }

    /// Runs the hooks after an attempt, with what it came to.
    async fn after_hooks(
        &self,
        operation: &'static str,
        attempt: u32,
        duration: std::time::Duration,
        outcome: &Result<Result<RawResponse, Error<A::ErrorCode>>, tokio::time::error::Elapsed>,
        last_seen: &Option<ResponseMetadata>,
    ) -> Result<(), Error<A::ErrorCode>> {
        let seen = last_seen.as_ref().filter(|seen| seen.attempts == attempt);
        let (metadata, error) = match outcome {
            Ok(Ok(response)) => (Some(&response.metadata), None),
            Ok(Err(error)) => (seen, Some(attempt_error_kind(error))),
            Err(_) => (seen, Some(AttemptErrorKind::Deadline)),
        };
        let after = AfterAttempt {
            operation,
            attempt,
            status: metadata.map(|m| m.status),
            headers: metadata.map(|m| &m.headers),
            request_id: metadata.and_then(|m| m.request_id.as_deref()),
            duration,
            error,
        };
        hooks::after_attempt(&self.inner.hooks, &after)
            .await
            .map_err(|e| Error::Hook(Box::new(e)))
    }

    /// The wait before the next attempt, or why there is none: the error is final, the
    /// service asked for a longer wait than the client makes, the retry budget is empty, or
    /// the call's deadline would pass during the wait.
    fn retry_delay(
        &self,
        retry: &RetryConfig,
        error: &mut Error<A::ErrorCode>,
        attempt: u32,
        max_attempts: u32,
        deadline: tokio::time::Instant,
    ) -> Result<std::time::Duration, Stop> {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let retry_after = match error {
            Error::Api(api) => {
                // A wait the client will not make is part of the error, which is then final
                // (even after the last attempt, so that `is_retryable` tells the caller).
                let limit = retry.max_backoff().min(left);
                if api.retry_after.is_some_and(|asked| asked > limit) {
                    api.wait_limit = Some(limit);
                }
                api.retry_after
            }
            _ => None,
        };
        if attempt >= max_attempts || !error.is_retryable() {
            return Err(Stop::Final);
        }
        let Some(delay) = retry.delay(attempt, retry_after) else {
            return Err(Stop::Final);
        };
        if delay >= left {
            return Err(Stop::Deadline);
        }
        if !self.inner.retry_tokens.try_take_retry() {
            tracing::info!(attempt, "retry budget exhausted; not retrying");
            return Err(Stop::Final);
        }
        Ok(delay)
    }

    /// Builds one attempt: the URL, headers and body, authenticated (and signed) now.
    fn http_request(
        &self,
        request: &Request<A::Service>,
        endpoint: &Endpoint,
        auth: &Auth,
        mut headers: HeaderMap,
        timeout: std::time::Duration,
    ) -> Result<(reqwest::Request, String), Error<A::ErrorCode>> {
        let path = format!("{}{}", endpoint.prefix, request.path);
        let (headers, url) = match auth {
            Auth::Token(token) => {
                let invalid = || {
                    CredentialsError::new(
                        "the token is not printable ASCII (a line break or other control \
                         character?), and it is sent in a header",
                    )
                };
                if !is_header_text(token.expose()) {
                    return Err(invalid().into());
                }
                let mut value = HeaderValue::from_str(token.expose()).map_err(|_| invalid())?;
                value.set_sensitive(true);
                headers.insert(TOKEN_HEADER, value);
                let mut url = format!("{}://{}{path}", endpoint.scheme, endpoint.authority);
                if !request.query.is_empty() {
                    url.push('?');
                    url.push_str(&encode_query(&request.query));
                }
                (headers, url)
            }
            Auth::AkSk(credentials) => {
                crate::signing::sign_request(request, endpoint, &path, headers, credentials)?
            }
        };
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), &url)
            .headers(headers)
            .timeout(timeout);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let http_request = builder.build().map_err(|e| ConfigError::HttpClient {
            message: format!("cannot build a request to `{url}`: {e}"),
        })?;
        Ok((http_request, url))
    }

    /// One attempt: sends, reads the whole body (up to the size limit), turns an error status
    /// into [`Error::Api`].
    async fn send(
        &self,
        http_request: reqwest::Request,
        url: &str,
        request: &Request<A::Service>,
        attempt: u32,
        timeout: std::time::Duration,
        answered: &mut Option<ResponseMetadata>,
    ) -> Result<RawResponse, Error<A::ErrorCode>> {
        let idempotent = RetryConfig::is_idempotent(&request.method);
        #[cfg(feature = "test-util")]
        if let Some(mock) = &self.inner.mock {
            return mock.answer(
                http_request,
                request,
                attempt,
                timeout,
                self.inner.max_body_size,
                answered,
            );
        }
        let transport = |e: reqwest::Error, response: Option<ResponseMetadata>| {
            let error = TransportError::new(e, url, timeout, idempotent, response);
            Error::Transport(Box::new(error))
        };
        let mut response = self
            .inner
            .http
            .execute(http_request)
            .await
            .map_err(|e| transport(e, None))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        // From here on the service has answered: a failure keeps what it said.
        *answered = Some(ResponseMetadata::new(status, headers.clone(), attempt));
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
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport(e, answered.clone()))?
        {
            if chunk.len() > limit - body.len() {
                return Err(too_large(announced));
            }
            body.extend_from_slice(&chunk);
        }
        RawResponse::classify(status, headers, body, attempt, &request.errors)
    }
}

/// Why the retry loop stops after a failed attempt.
enum Stop {
    /// The failure is final: not retryable, out of attempts or budget, or a wait too long.
    Final,
    /// The call's deadline would pass before the next attempt.
    Deadline,
}

/// The URL of a request for logs (`url.full`): every query value is `REDACTED`, as
/// OpenTelemetry's conventions ask, since query values may identify people or resources.
fn redacted_url<S>(endpoint: &Endpoint, request: &Request<S>) -> String {
    let mut url = format!(
        "{}://{}{}{}",
        endpoint.scheme, endpoint.authority, endpoint.prefix, request.path
    );
    for (index, (key, _)) in request.query.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.push_str(&encode_query(&[(*key, QueryValue::from("REDACTED"))]));
    }
    url
}

/// The `error.type` of a failed call: the status code of an error response (as OpenTelemetry's
/// HTTP conventions say), otherwise a short name of what failed.
fn error_type<C>(error: &Error<C>) -> String {
    let name = match error {
        Error::Api(api) => return api.status.as_u16().to_string(),
        Error::Transport(transport) => match transport.kind {
            TransportErrorKind::Connect => "connect",
            TransportErrorKind::Tls => "tls",
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::MalformedResponse => "malformed_response",
            TransportErrorKind::Other => "connection_broken",
        },
        Error::Deadline(_) => "deadline",
        Error::Decode(_) => "decode",
        Error::BodyTooLarge(_) => "body_too_large",
        Error::Credentials(_) => "credentials",
        Error::Config(_) => "config",
        Error::InvalidRequest(_) => "invalid_request",
        Error::Encode(_) => "encode",
        Error::Pagination(_) => "pagination",
        Error::Hook(_) => "hook",
    };
    name.to_owned()
}

/// The error of a call stopped by its overall deadline, with the last response seen.
fn deadline_error<C>(
    deadline: std::time::Duration,
    attempts: u32,
    last_seen: Option<ResponseMetadata>,
    last_error: Option<Error<C>>,
) -> Error<C> {
    let (status, request_id) = match last_seen {
        Some(seen) => (Some(seen.status), seen.request_id),
        None => (None, None),
    };
    Error::Deadline(Box::new(DeadlineError {
        deadline,
        attempts,
        status,
        request_id,
        last_error,
    }))
}

/// How a failed attempt is shown to the hooks.
fn attempt_error_kind<C>(error: &Error<C>) -> AttemptErrorKind {
    match error {
        Error::Api(_) => AttemptErrorKind::Api,
        Error::Transport(error) => AttemptErrorKind::Transport(error.kind),
        Error::BodyTooLarge(_) => AttemptErrorKind::BodyTooLarge,
        Error::Deadline(_) => AttemptErrorKind::Deadline,
        _ => AttemptErrorKind::Other,
    }
}
