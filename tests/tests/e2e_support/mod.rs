//! What the end-to-end tests share: clients pointed at a loopback server, the spec's documented
//! examples (read from `spec/cbr.yaml` at test time), and the checks of what the server
//! received.

#![allow(dead_code)] // each test file uses a part

pub mod log;
pub mod proxy;

use std::sync::OnceLock;
use std::time::Duration;

use cbr_tests::mock_http::{verify_signature, MockServer, Received, Reply};
use huaweicloud_cbr::{Auth, Client, ClientBuilder, RetryConfig, Service};
use serde_json::Value;

pub const PROJECT: &str = "0605767b5780d5762fc5c0118072a564";
pub const TOKEN: &str = "MIIZ-test-token-value";
pub const AK: &str = "HPUAEXAMPLEAK0000001";
pub const SK: &str = "example-secret-key-0001";
pub const SECURITY_TOKEN: &str = "gQpjbi1ub3J0aC00-security-token";

/// How a test client authenticates, and so what the server checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// `X-Auth-Token`.
    Token,
    /// AK/SK signature.
    AkSk,
    /// AK/SK signature with the security token of temporary credentials.
    Temporary,
}

impl AuthKind {
    pub fn auth(self) -> Auth {
        match self {
            AuthKind::Token => Auth::token(TOKEN),
            AuthKind::AkSk => Auth::ak_sk(AK, SK),
            AuthKind::Temporary => Auth::temporary(AK, SK, SECURITY_TOKEN),
        }
    }
}

/// Retries quick enough for tests.
pub fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(50))
}

/// A client builder for `base_url` with `auth`, the test project, plain HTTP allowed, a 5 s
/// timeout and quick retries.
pub fn builder(base_url: &str, auth: Auth) -> ClientBuilder {
    Client::builder()
        .project_id(PROJECT)
        .auth(auth)
        .base_url(base_url)
        .allow_http(true)
        .timeout(Duration::from_secs(5))
        .retry_config(fast_retries())
}

/// A client for `server`: both services on it (VBS under a path prefix), plain HTTP allowed.
pub fn client(server: &MockServer, auth: AuthKind) -> Client {
    builder(&server.base_url, auth.auth())
        .endpoint(Service::Vbs, format!("{}/vbs", server.base_url))
        .build()
        .expect("the client builds")
}

/// Checks that `request` authenticates as `auth` says: the token, or a signature the server
/// recomputes (with the security token among the signed headers for temporary credentials).
pub fn assert_authenticated(request: &Received, auth: AuthKind) {
    match auth {
        AuthKind::Token => {
            assert_eq!(request.header("x-auth-token"), Some(TOKEN));
            assert_eq!(request.header("authorization"), None);
            assert_eq!(request.header("x-sdk-date"), None);
        }
        AuthKind::AkSk | AuthKind::Temporary => {
            assert_eq!(request.header("x-auth-token"), None);
            let check = verify_signature(request, AK, SK)
                .unwrap_or_else(|e| panic!("{} {}: {e}", request.method, request.target));
            assert_eq!(request.header("x-project-id"), Some(PROJECT));
            for header in ["host", "x-sdk-date", "x-project-id", "user-agent"] {
                assert!(
                    check.signed_headers.split(';').any(|h| h == header),
                    "{header} is not signed: {}",
                    check.signed_headers
                );
            }
            let token_signed = check
                .signed_headers
                .split(';')
                .any(|h| h == "x-security-token");
            if auth == AuthKind::Temporary {
                assert_eq!(request.header("x-security-token"), Some(SECURITY_TOKEN));
                assert!(token_signed, "{}", check.signed_headers);
            } else {
                assert_eq!(request.header("x-security-token"), None);
            }
        }
    }
}

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(cbr_tests::spec)
}

fn operation(id: &str) -> &'static Value {
    cbr_tests::operations(spec())
        .into_iter()
        .find(|op| op.id() == id)
        .unwrap_or_else(|| panic!("no operation {id} in the spec"))
        .value
}

/// A documented request-body example of `operation`: the one named `name`, or the first.
pub fn request_example(operation_id: &str, name: Option<&str>) -> Value {
    let examples = operation(operation_id)["requestBody"]["content"]["application/json"]
        ["examples"]
        .as_object()
        .unwrap_or_else(|| panic!("{operation_id} documents no request example"));
    let example = match name {
        Some(name) => &examples[name],
        None => examples.values().next().expect("an example"),
    };
    example["value"].clone()
}

/// The documented success status of `operation` and its first response example, if any.
pub fn response_example(operation_id: &str) -> (u16, Option<Value>) {
    let responses = operation(operation_id)["responses"]
        .as_object()
        .expect("responses");
    let (status, response) = responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .unwrap_or_else(|| panic!("{operation_id} documents no success response"));
    let example = response["content"]["application/json"]["examples"]
        .as_object()
        .and_then(|examples| examples.values().next())
        .map(|example| example["value"].clone());
    (status.parse().expect("a numeric status"), example)
}

/// Every documented request-body example of `operation`, sorted by name (none for an
/// operation without a body).
pub fn request_examples(operation_id: &str) -> Vec<(String, Value)> {
    named_examples(&operation(operation_id)["requestBody"])
}

/// The documented success status of `operation` and every example of that response, sorted by
/// name.
pub fn response_examples(operation_id: &str) -> (u16, Vec<(String, Value)>) {
    let responses = operation(operation_id)["responses"]
        .as_object()
        .expect("responses");
    let (status, response) = responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .unwrap_or_else(|| panic!("{operation_id} documents no success response"));
    (
        status.parse().expect("a numeric status"),
        named_examples(response),
    )
}

fn named_examples(body: &Value) -> Vec<(String, Value)> {
    body["content"]["application/json"]["examples"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect()
}

/// The documented success response of `operation`, as the server sends it.
pub fn documented_reply(operation_id: &str) -> Reply {
    match response_example(operation_id) {
        (status, Some(body)) => Reply::json_value(status, &body),
        (status, None) => Reply::empty(status),
    }
}
