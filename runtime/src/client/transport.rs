//! The one path every request takes: credentials, signing, sending, reading the response,
//! retrying and logging.

use std::time::Instant;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use tracing::Instrument;

use super::request::encode_query;
use super::{is_header_text, Client, Endpoint, Request};
use crate::credentials::{Auth, CredentialsError};
use crate::error::{BodyTooLargeError, ConfigError, Error, TransportError};
use crate::response::{RawResponse, ResponseMetadata};
use crate::service::{CallInfo, ServiceApi};

/// The header that carries an IAM token.
const TOKEN_HEADER: &str = "X-Auth-Token";

impl<A: ServiceApi> Client<A> {
    /// Sends a request, retrying as configured, and returns its success response; every
    /// generated operation goes through here. The call is one `tracing` span, opened by the
    /// generated crate ([`ServiceApi::call_span`]).
    pub async fn execute(
        &self,
        request: Request<A::Service>,
    ) -> Result<RawResponse, Error<A::ErrorCode>> {
        let span = A::call_span(&CallInfo {
            operation: request.operation,
            method: &request.method,
            path_template: request.path_template,
        });
        self.execute_with_retries(request, span.clone())
            .instrument(span)
            .await
    }

    async fn execute_with_retries(
        &self,
        request: Request<A::Service>,
        span: tracing::Span,
    ) -> Result<RawResponse, Error<A::ErrorCode>> {
        let endpoint = self.endpoint_of(request.service).ok_or_else(|| {
            let name = A::SERVICES
                .iter()
                .find(|def| def.service == request.service)
                .map_or("(unlisted)", |def| def.name);
            ConfigError::NoEndpoint { service: name }
        })?;
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
        request: &Request<A::Service>,
        endpoint: &Endpoint,
        auth: &Auth,
    ) -> Result<(reqwest::Request, String), Error<A::ErrorCode>> {
        let path = format!("{}{}", endpoint.prefix, request.path);
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
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
            .timeout(self.inner.timeout);
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
    ) -> Result<RawResponse, Error<A::ErrorCode>> {
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
