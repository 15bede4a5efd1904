//! Testing without a network (cargo feature `test-util`): a [`Mock`] that answers a client's
//! requests from rules instead of sockets.
//!
//! A client built with [`ClientBuilder::mock`](crate::ClientBuilder::mock) runs every call as
//! usual (validation, hooks, signing, retries with their backoff, error mapping, paging,
//! waiters), except that each attempt is handed to the mock instead of the HTTP client. A
//! [`MockRule`] matches one operation (or any, for a replay), optionally through a predicate,
//! and answers with a recorded response, a transport fault, or a sequence of these; it records
//! the requests it answered. The generated crates build typed rules ([`RuleBuilder`]) from
//! their operations, so that a request's body, a success body and an error code are the
//! crate's own types.
//!
//! Retries wait their backoff with `tokio::time::sleep`, and waiters poll on the same clock:
//! a test on a paused Tokio clock (`#[tokio::test(start_paused = true)]`) runs them in virtual
//! time.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::client::Request;
use crate::error::{BodyTooLargeError, ConfigError, Error, TransportError, TransportErrorKind};
use crate::response::{CodeOf, ErrorFormat, Operation, RawResponse, ResponseMetadata};
use crate::retry::RetryConfig;
use crate::service::ServiceErrorCode;
use crate::signing::QueryValue;

/// The rules a mock client answers from, and how it picks one.
#[derive(Debug, Default)]
pub struct Mock {
    rules: Vec<MockRule>,
    mode: RuleMode,
    position: Mutex<usize>,
}

/// How a [`Mock`] picks the rule that answers a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RuleMode {
    /// The first rule, in the order they were added, that matches the request and has uses
    /// left.
    #[default]
    MatchAny,
    /// The rules answer one after the other, each for its uses (one, unless
    /// [`RuleBuilder::times`] says otherwise); a request the current rule does not match is
    /// unanswered.
    Sequential,
}

impl Mock {
    /// A mock without rules: every request is unanswered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule (its handle stays with the caller, to read what it recorded).
    pub fn with_rule(mut self, rule: &impl AsRef<MockRule>) -> Self {
        self.rules.push(rule.as_ref().clone());
        self
    }

    /// How a rule is picked (default [`RuleMode::MatchAny`]).
    pub fn with_mode(mut self, mode: RuleMode) -> Self {
        self.mode = mode;
        self
    }

    /// A mock answering every request, whatever its operation, with the next of `responses`,
    /// in order (recorded from a real service, for instance); a request after the last is
    /// unanswered. Each response goes through the client's response handling as if it had come
    /// from the network.
    pub fn replay(responses: impl IntoIterator<Item = RecordedResponse>) -> Self {
        let answers: Vec<MockAnswer> = responses.into_iter().map(MockAnswer::Response).collect();
        let rule = MockRule::new(None, None, Some(answers.len()), answers);
        Mock::new().with_rule(&rule)
    }

    /// Answers one attempt: what the HTTP client would have done with `http_request`.
    pub(crate) fn answer<S, C: ServiceErrorCode>(
        &self,
        http_request: reqwest::Request,
        request: &Request<S>,
        attempt: u32,
        timeout: Duration,
        max_body_size: usize,
        answered: &mut Option<ResponseMetadata>,
    ) -> Result<RawResponse, Error<C>> {
        let seen = MockRequest::new(http_request, request);
        let url = seen.url.clone();
        let answer = self.pick(&seen).map_err(|tried| ConfigError::NoMockRule {
            operation: seen.operation.to_owned(),
            request: format!("{} {}", seen.method, seen.url),
            tried,
        })?;
        match answer {
            MockAnswer::Fault(fault) => {
                let idempotent = RetryConfig::is_idempotent(&request.method);
                let error = TransportError::simulated(
                    fault.kind(),
                    fault.cause(),
                    &url,
                    timeout,
                    idempotent,
                );
                Err(Error::Transport(Box::new(error)))
            }
            MockAnswer::Response(response) => {
                let RecordedResponse {
                    status,
                    headers,
                    body,
                } = response;
                *answered = Some(ResponseMetadata::new(status, headers.clone(), attempt));
                if body.len() > max_body_size {
                    return Err(Error::BodyTooLarge(Box::new(BodyTooLargeError {
                        status,
                        limit: max_body_size,
                        content_length: Some(body.len() as u64),
                        request_id: ResponseMetadata::new(status, headers, attempt).request_id,
                    })));
                }
                RawResponse::classify(status, headers, body, attempt, &request.errors)
            }
        }
    }

    /// The answer of the rule that takes the request, or why each rule did not.
    fn pick(&self, request: &MockRequest) -> Result<MockAnswer, Vec<String>> {
        match self.mode {
            RuleMode::MatchAny => {
                let mut tried = Vec::new();
                for (index, rule) in self.rules.iter().enumerate() {
                    match rule.take(request) {
                        Ok(answer) => return Ok(answer),
                        Err(miss) => tried.push(format!("#{} {}: {miss}", index + 1, rule.label())),
                    }
                }
                Err(tried)
            }
            RuleMode::Sequential => {
                let mut position = lock(&self.position);
                while let Some(rule) = self.rules.get(*position) {
                    if !rule.turn_over() {
                        return rule.take(request).map_err(|miss| {
                            vec![format!(
                                "#{} {} (next in sequence): {miss}",
                                *position + 1,
                                rule.label()
                            )]
                        });
                    }
                    *position += 1;
                }
                Err(vec![format!(
                    "every one of the {} rules is used up",
                    self.rules.len()
                )])
            }
        }
    }
}

/// One rule of a [`Mock`]: the operation it answers, an optional predicate, its answers in
/// turn, how many times it may answer, and the requests it answered. Clones share all of it.
#[derive(Clone)]
pub struct MockRule {
    inner: Arc<RuleInner>,
}

type Predicate = Box<dyn Fn(&MockRequest) -> bool + Send + Sync>;

struct RuleInner {
    operation: Option<&'static str>,
    matcher: Option<Predicate>,
    /// `None`: any number of times in [`RuleMode::MatchAny`], once in
    /// [`RuleMode::Sequential`].
    max_uses: Option<usize>,
    answers: Vec<MockAnswer>,
    state: Mutex<RuleState>,
}

#[derive(Default)]
struct RuleState {
    uses: usize,
    requests: Vec<MockRequest>,
}

impl fmt::Debug for MockRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl AsRef<MockRule> for MockRule {
    fn as_ref(&self) -> &MockRule {
        self
    }
}

impl MockRule {
    fn new(
        operation: Option<&'static str>,
        matcher: Option<Predicate>,
        max_uses: Option<usize>,
        answers: Vec<MockAnswer>,
    ) -> Self {
        MockRule {
            inner: Arc::new(RuleInner {
                operation,
                matcher,
                max_uses,
                answers,
                state: Mutex::new(RuleState::default()),
            }),
        }
    }

    /// How many requests the rule answered.
    pub fn uses(&self) -> usize {
        lock(&self.inner.state).uses
    }

    /// The requests the rule answered, in order.
    pub fn requests(&self) -> Vec<MockRequest> {
        lock(&self.inner.state).requests.clone()
    }

    fn used_up(&self) -> bool {
        let limit = self.inner.max_uses.unwrap_or(usize::MAX);
        lock(&self.inner.state).uses >= limit
    }

    /// Whether the rule has had its turn in [`RuleMode::Sequential`].
    fn turn_over(&self) -> bool {
        lock(&self.inner.state).uses >= self.inner.max_uses.unwrap_or(1)
    }

    /// The rule as an unanswered request's error lists it.
    fn label(&self) -> String {
        let inner = &self.inner;
        let mut label = inner.operation.unwrap_or("any operation").to_owned();
        if inner.matcher.is_some() {
            label.push_str(" with a predicate");
        }
        let uses = lock(&inner.state).uses;
        match inner.max_uses {
            None => label.push_str(&format!(", used {uses} times")),
            Some(max) => label.push_str(&format!(", used {uses} of {max} times")),
        }
        label
    }

    /// Answers the request if the rule takes it, recording it; else says why not.
    fn take(&self, request: &MockRequest) -> Result<MockAnswer, &'static str> {
        let inner = &self.inner;
        if inner
            .operation
            .is_some_and(|operation| operation != request.operation)
        {
            return Err("another operation");
        }
        if inner.answers.is_empty() {
            return Err("no answer given to the rule");
        }
        if self.used_up() {
            return Err("used up");
        }
        if inner
            .matcher
            .as_ref()
            .is_some_and(|matcher| !matcher(request))
        {
            return Err("its predicate refused the request");
        }
        let mut state = lock(&inner.state);
        let answer = inner.answers[state.uses.min(inner.answers.len() - 1)].clone();
        state.uses += 1;
        state.requests.push(request.clone());
        Ok(answer)
    }
}

/// A request as a mock rule sees and records it: after validation, hooks and signing, with
/// its credentials removed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MockRequest {
    /// The operation ID (`list_servers`).
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The URL it would have gone to.
    pub url: String,
    /// The operation's path template (`/v1/{project_id}/servers`).
    pub path_template: &'static str,
    /// The path after the endpoint's, parameters encoded.
    pub path: String,
    /// The query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The headers, without the credentials and the signature.
    pub headers: HeaderMap,
    /// The JSON body.
    pub body: Option<Vec<u8>>,
}

impl MockRequest {
    fn new<S>(http_request: reqwest::Request, request: &Request<S>) -> Self {
        let mut headers = http_request.headers().clone();
        for secret in ["authorization", "x-auth-token", "x-security-token"] {
            headers.remove(secret);
        }
        let query = request
            .query
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    QueryValue::Text(text) => text.to_string(),
                    QueryValue::Int(n) => n.to_string(),
                    QueryValue::Bool(b) => b.to_string(),
                };
                ((*name).to_owned(), value)
            })
            .collect();
        MockRequest {
            operation: request.operation,
            method: request.method.clone(),
            url: http_request.url().to_string(),
            path_template: request.path_template,
            path: request.path.clone(),
            query,
            headers,
            body: request.body.clone(),
        }
    }

    /// The value of path parameter `name`, decoded; `None` when the path template has no such
    /// parameter.
    pub fn path_param(&self, name: &str) -> Option<String> {
        let placeholder = format!("{{{name}}}");
        self.path_template
            .split('/')
            .zip(self.path.split('/'))
            .find(|(template, _)| *template == placeholder)
            .map(|(_, value)| percent_decode_str(value).decode_utf8_lossy().into_owned())
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }
}

/// What a rule answers one request with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MockAnswer {
    /// A response, read by the client as if it had come from the network.
    Response(RecordedResponse),
    /// A transport failure: no response.
    Fault(Fault),
}

/// A transport failure a rule simulates; retried as the real one would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The attempt timed out ([`TransportErrorKind::Timeout`]: the service may have received
    /// it, so it is not retried). Reported at once, without waiting.
    Timeout,
    /// The connection was refused ([`TransportErrorKind::Connect`]: retried).
    ConnectionRefused,
    /// The connection broke after the request was sent ([`TransportErrorKind::Other`]:
    /// retried for idempotent methods only).
    ConnectionReset,
}

impl Fault {
    fn kind(self) -> TransportErrorKind {
        match self {
            Fault::Timeout => TransportErrorKind::Timeout,
            Fault::ConnectionRefused => TransportErrorKind::Connect,
            Fault::ConnectionReset => TransportErrorKind::Other,
        }
    }

    fn cause(self) -> &'static str {
        match self {
            Fault::Timeout => "operation timed out (simulated by a mock rule)",
            Fault::ConnectionRefused => "Connection refused (simulated by a mock rule)",
            Fault::ConnectionReset => "connection reset by peer (simulated by a mock rule)",
        }
    }
}

/// A raw response: status, headers and body, as recorded from the network or written by hand.
#[derive(Debug, Clone)]
pub struct RecordedResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as sent.
    pub body: Vec<u8>,
}

impl RecordedResponse {
    /// A response with this status, headers and body.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Vec<u8>>) -> Self {
        RecordedResponse {
            status,
            headers,
            body: body.into(),
        }
    }

    /// A response with a JSON body (and its `Content-Type`).
    pub fn json(status: StatusCode, body: impl Into<Vec<u8>>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Self::new(status, headers, body)
    }

    /// Adds a header; a name or value that cannot be a header is ignored.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.insert(name, value);
        }
        self
    }
}

/// An error response of the service, typed: the status, the error code, the message and the
/// request ID; a rule writes its body as the operation's error bodies are written.
#[derive(Debug, Clone)]
pub struct MockApiError<C> {
    status: StatusCode,
    code: C,
    message: String,
    request_id: Option<String>,
    retry_after: Option<u64>,
}

impl<C: ServiceErrorCode> MockApiError<C> {
    /// An error response with this status, code and message. A status that is not an HTTP
    /// status becomes 500.
    pub fn new(status: u16, code: C, message: impl Into<String>) -> Self {
        MockApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            message: message.into(),
            request_id: None,
            retry_after: None,
        }
    }

    /// The request ID (`X-Request-Id`) of the response.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// A `Retry-After` header, in seconds.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    fn into_response(self, format: &ErrorFormat) -> RecordedResponse {
        let fields = |code: &str, message: &str| serde_json::json!({ code: self.code.as_str(), message: self.message });
        let body = match format {
            ErrorFormat::Flat { code, message } => fields(code, message),
            ErrorFormat::Nested {
                member,
                code,
                message,
            } => serde_json::json!({ *member: fields(code, message) }),
        };
        let mut response = RecordedResponse::json(self.status, body.to_string());
        if let Some(id) = &self.request_id {
            response = response.with_header("X-Request-Id", id);
        }
        if let Some(seconds) = self.retry_after {
            response = response.with_header("Retry-After", &seconds.to_string());
        }
        response
    }
}

/// What a generated crate says about each operation for typed mock rules. Implemented by the
/// generated crates only.
pub trait MockOperation: Operation {
    /// The request body (`()` for an operation without one).
    type Body: DeserializeOwned;

    /// The documented success status.
    const SUCCESS_STATUS: u16;

    /// The operation's path parameters.
    const PATH_PARAMS: &'static [&'static str];

    /// The operation's query parameters.
    const QUERY_PARAMS: &'static [&'static str];

    /// The success body that `output` is read from.
    fn success_body(output: &Self::Output) -> Vec<u8>;
}

/// A request as a typed rule's predicate sees it: its body decoded into the operation's
/// request type, its path and query parameters by their names in the spec.
#[derive(Debug)]
pub struct TypedRequest<O: MockOperation> {
    raw: MockRequest,
    body: Option<O::Body>,
}

impl<O: MockOperation> TypedRequest<O> {
    fn new(raw: MockRequest) -> Self {
        let body = raw
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok());
        TypedRequest { raw, body }
    }

    /// The decoded request body (`None` for an operation without one).
    pub fn body(&self) -> Option<&O::Body> {
        self.body.as_ref()
    }

    /// The value of path parameter `name`.
    ///
    /// # Panics
    ///
    /// When the operation has no path parameter `name`: a misspelt name in a test fails the
    /// test, naming the parameters there are.
    pub fn path(&self, name: &str) -> String {
        assert!(
            O::PATH_PARAMS.contains(&name),
            "{} has no path parameter `{name}`; it has {:?}",
            O::OPERATION_ID,
            O::PATH_PARAMS
        );
        self.raw.path_param(name).unwrap_or_default()
    }

    /// The value of query parameter `name`, if the request has it.
    ///
    /// # Panics
    ///
    /// When the operation has no query parameter `name` (see [`path`](Self::path)).
    pub fn query(&self, name: &str) -> Option<&str> {
        assert!(
            O::QUERY_PARAMS.contains(&name),
            "{} has no query parameter `{name}`; it has {:?}",
            O::OPERATION_ID,
            O::QUERY_PARAMS
        );
        self.raw.query_param(name)
    }

    /// The request as sent: URL, headers (without credentials), raw body.
    pub fn raw(&self) -> &MockRequest {
        &self.raw
    }
}

/// Builds a typed [`Rule`] for operation `O`; the generated crates' `mock` modules have one
/// function per operation returning it.
pub struct RuleBuilder<O: MockOperation> {
    matcher: Option<Predicate>,
    answers: Vec<MockAnswer>,
    max_uses: Option<usize>,
    operation: PhantomData<fn() -> O>,
}

impl<O: MockOperation> fmt::Debug for RuleBuilder<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleBuilder")
            .field("operation", &O::OPERATION_ID)
            .field("answers", &self.answers)
            .field("max_uses", &self.max_uses)
            .finish()
    }
}

impl<O: MockOperation> Default for RuleBuilder<O> {
    fn default() -> Self {
        Self::new()
    }
}

impl<O: MockOperation> RuleBuilder<O> {
    /// A rule for every request of `O`, without answers yet.
    pub fn new() -> Self {
        RuleBuilder {
            matcher: None,
            answers: Vec::new(),
            max_uses: None,
            operation: PhantomData,
        }
    }

    /// Takes only the requests for which `predicate` is true.
    pub fn match_requests(
        mut self,
        predicate: impl Fn(&TypedRequest<O>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.matcher = Some(Box::new(move |raw: &MockRequest| {
            predicate(&TypedRequest::new(raw.clone()))
        }));
        self
    }

    /// Answers with the documented success status and `output` as its body.
    pub fn then_output(self, output: O::Output) -> Self {
        let status = StatusCode::from_u16(O::SUCCESS_STATUS).unwrap_or(StatusCode::OK);
        self.then_response(RecordedResponse::json(status, O::success_body(&output)))
    }

    /// Answers with an error response.
    pub fn then_error(self, error: MockApiError<CodeOf<O>>) -> Self {
        let response = error.into_response(&O::ERRORS);
        self.then_response(response)
    }

    /// Answers with a transport failure.
    pub fn then_fault(mut self, fault: Fault) -> Self {
        self.answers.push(MockAnswer::Fault(fault));
        self
    }

    /// Answers with a raw response.
    pub fn then_response(mut self, response: RecordedResponse) -> Self {
        self.answers.push(MockAnswer::Response(response));
        self
    }

    /// Answers at most `uses` requests (by default: any number in [`RuleMode::MatchAny`], one
    /// in [`RuleMode::Sequential`]).
    pub fn times(mut self, uses: usize) -> Self {
        self.max_uses = Some(uses);
        self
    }

    /// The rule. Its answers are given in turn, the last one again for every further request
    /// while uses are left.
    pub fn build(self) -> Rule<O> {
        Rule {
            rule: MockRule::new(
                Some(O::OPERATION_ID),
                self.matcher,
                self.max_uses,
                self.answers,
            ),
            operation: PhantomData,
        }
    }
}

/// A typed rule: add it to a [`Mock`], then read the requests it answered.
pub struct Rule<O: MockOperation> {
    rule: MockRule,
    operation: PhantomData<fn() -> O>,
}

impl<O: MockOperation> Clone for Rule<O> {
    fn clone(&self) -> Self {
        Rule {
            rule: self.rule.clone(),
            operation: PhantomData,
        }
    }
}

impl<O: MockOperation> fmt::Debug for Rule<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.rule, f)
    }
}

impl<O: MockOperation> AsRef<MockRule> for Rule<O> {
    fn as_ref(&self) -> &MockRule {
        &self.rule
    }
}

impl<O: MockOperation> Rule<O> {
    /// How many requests the rule answered.
    pub fn uses(&self) -> usize {
        self.rule.uses()
    }

    /// The requests the rule answered, in order, typed.
    pub fn requests(&self) -> Vec<TypedRequest<O>> {
        self.rule
            .requests()
            .into_iter()
            .map(TypedRequest::new)
            .collect()
    }
}

/// A lock that a panicking predicate in another test thread does not poison for good.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
