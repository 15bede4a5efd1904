//! Secrets stay secret: the IAM token, the secret key (SK), the security token of temporary
//! credentials and the signatures derived from them appear in no `Debug` output, in no error
//! the client returns, whatever went wrong, and in no log line, even at `TRACE`. The access
//! key (AK) is not a secret: it is sent in clear in every `Authorization` header.
//!
//! Every test that sends a request captures the log of its own thread, and installs the
//! capture before the client logs anything: `tracing` caches per call site whether anyone
//! listens, and a call site first reached while no capture exists would stay silent.

mod e2e_support;

use std::io;
use std::net::TcpListener;
use std::time::Duration;

use cbr_tests::mock_http::{MockServer, Received, Reply};
use e2e_support::log::Log;
use e2e_support::{builder, documented_reply};
use huaweicloud_cbr::models::ShowVaultResponseBody;
use huaweicloud_cbr::signing::{sign, Credentials, QueryValue, SdkDate, SignableRequest};
use huaweicloud_cbr::{
    Auth, AuthFuture, Client, ClientBuilder, CredentialsError, Error, ErrorCode, ProvideAuth,
    Token, TransportErrorKind,
};
use tracing_subscriber::fmt::format::FmtSpan;

const TOKEN: &str = "TOKEN-SECRET-7f3a";
const SK: &str = "SK-SECRET-91bc";
const SECURITY_TOKEN: &str = "STS-SECRET-55d0";
/// Not a secret, but distinctive, to tell it from the others.
const AK: &str = "AK-PUBLIC-30e8";
const PROJECT: &str = "0605767b5780d5762fc5c0118072a564";
const VAULT: &str = "vault-1";

/// What every secret above has in common, to catch part of one too.
const MARK: &str = "SECRET";

/// Each way of authenticating, with the scheme name the log gives it.
fn every_auth() -> [(&'static str, Auth); 3] {
    [
        ("token", Auth::token(TOKEN)),
        ("ak/sk", Auth::ak_sk(AK, SK)),
        (
            "ak/sk+security-token",
            Auth::temporary(AK, SK, SECURITY_TOKEN),
        ),
    ]
}

/// Fails when `text` holds a secret, part of one, or one of `derived` (signatures).
fn assert_clean(what: &str, text: &str, derived: &[String]) {
    for secret in [TOKEN, SK, SECURITY_TOKEN, MARK] {
        assert!(!text.contains(secret), "{what} shows {secret:?}:\n{text}");
    }
    for derived in derived {
        assert!(
            !text.contains(derived.as_str()),
            "{what} shows {derived:?}:\n{text}"
        );
    }
}

/// What a call left behind: its outcome, the log and the requests the server received.
struct Call {
    scheme: &'static str,
    result: Result<ShowVaultResponseBody, Error>,
    log: String,
    received: Vec<Received>,
}

impl Call {
    /// The error of a call that had to fail.
    fn error(&self) -> &Error {
        match &self.result {
            Ok(vault) => panic!("{}: the call succeeded: {vault:?}", self.scheme),
            Err(error) => error,
        }
    }

    /// The signatures of the requests the server received.
    fn signatures(&self) -> Vec<String> {
        self.received
            .iter()
            .filter_map(|request| request.header("authorization"))
            .map(|authorization| {
                let signature = authorization.rsplit("Signature=").next().unwrap();
                assert_eq!(signature.len(), 64, "{authorization}");
                signature.to_owned()
            })
            .collect()
    }

    /// No secret in the log, nor in the error if there is one (`Display`, `Debug`, sources).
    fn assert_clean(&self) {
        let signatures = self.signatures();
        let what = format!("{}: the log", self.scheme);
        assert_clean(&what, &self.log, &signatures);
        let Err(error) = &self.result else {
            return;
        };
        let mut shown = format!("{error}\n{error:?}\n{error:#?}");
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            shown.push_str(&format!("\n{cause}\n{cause:?}"));
            source = cause.source();
        }
        let what = format!("{}: the error", self.scheme);
        assert_clean(&what, &shown, &signatures);
    }

    /// The log has a line holding each of `fragments`, within the `cbr.call` span of this
    /// call and scheme.
    fn assert_logged(&self, fragments: &[&str]) {
        let call = [
            "cbr.call{",
            "rpc.method=\"show_vault\"",
            "http.request.method=GET",
            "url.template=\"/v3/{project_id}/vaults/{vault_id}\"",
        ];
        let auth = format!("auth=\"{}\"", self.scheme);
        for fragment in fragments {
            let found = self.log.lines().any(|line| {
                call.iter().all(|part| line.contains(part))
                    && line.contains(&auth)
                    && line.contains(fragment)
            });
            assert!(
                found,
                "{}: no line of {call:?} with {auth} holds {fragment:?}:\n{}",
                self.scheme, self.log
            );
        }
    }
}

/// Calls `show_vault` with `auth` through a client of `server` (that `configure` may change),
/// capturing the log.
async fn call(
    (scheme, auth): (&'static str, Auth),
    server: &MockServer,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Call {
    let (log, guard) = Log::capture(tracing::Level::TRACE, FmtSpan::CLOSE);
    let client = configure(builder(&server.base_url, auth))
        .build()
        .expect("the client builds");
    let result = client.show_vault(VAULT).await;
    drop(client);
    drop(guard);
    Call {
        scheme,
        result,
        log: log.text(),
        received: server.drain(),
    }
}

fn api_reply(status: u16, code: &str, message: &str) -> Reply {
    let body = serde_json::json!({ "error_code": code, "error_msg": message });
    Reply::json_value(status, &body)
}

#[test]
fn debug_output_of_every_public_type_hides_secrets() {
    let mut shown = Vec::new();
    let mut show = |what: &str, value: &dyn std::fmt::Debug| {
        shown.push((what.to_owned(), format!("{value:?}\n{value:#?}")));
    };
    show("token builder", &Client::builder().token(TOKEN));
    show("ak/sk builder", &Client::builder().ak_sk(AK, SK));
    for (scheme, auth) in every_auth() {
        show(scheme, &auth);
        let builder = Client::builder()
            .region("my-kualalumpur-1")
            .project_id(PROJECT)
            .auth_provider(auth.clone());
        show(&format!("{scheme} provider builder"), &builder);
        let client = builder.auth(auth).build().unwrap();
        show(&format!("{scheme} client"), &client);
        show(&format!("{scheme} show_vault"), &client.show_vault(VAULT));
        let list_vaults = client.list_vaults().name("vault a").limit(5);
        show(&format!("{scheme} list_vaults"), &list_vaults);
    }
    let proxied = Client::builder().token(TOKEN).proxy(
        huaweicloud_cbr::Proxy::new(format!("http://user:{SK}@proxy.example:3128"))
            .basic_auth("user", SECURITY_TOKEN),
    );
    show("proxy builder", &proxied);
    let chain = huaweicloud_cbr::CredentialsChain::from_lookup(|name| match name {
        huaweicloud_cbr::ENV_ACCESS_KEY => Some(AK.to_owned()),
        huaweicloud_cbr::ENV_SECRET_KEY => Some(SK.to_owned()),
        huaweicloud_cbr::ENV_SECURITY_TOKEN => Some(SECURITY_TOKEN.to_owned()),
        _ => None,
    });
    show("credentials chain", &chain);
    show("chain builder", &Client::builder().auth_provider(chain));
    show(
        "metadata credentials",
        &huaweicloud_cbr::MetadataCredentials::new(),
    );
    show("token", &Token::new(TOKEN));
    let credentials = Credentials::new(AK, SK).with_security_token(SECURITY_TOKEN);
    show("credentials", &credentials);
    show("permanent credentials", &Credentials::new(AK, SK));

    let query = [("name", QueryValue::from("vault a"))];
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Auth-Token", TOKEN),
        ("X-Security-Token", SECURITY_TOKEN),
    ];
    let request = SignableRequest::new("GET", "https", "cbr.example.com", "/v3/p/vaults")
        .with_query(&query)
        .with_headers(&headers);
    show("signable request", &request);
    let date = SdkDate::parse("20240315T083000Z").unwrap();
    let signed = sign(&request, &credentials, date).unwrap();
    show("signed request", &signed);

    for (what, text) in &shown {
        assert_clean(what, text, &[]);
    }
    // The redaction is there, and the access key, which is no secret, is kept.
    let credentials = &shown
        .iter()
        .find(|(what, _)| what == "credentials")
        .unwrap()
        .1;
    assert!(credentials.contains(AK), "{credentials}");
    assert!(credentials.contains("redacted"), "{credentials}");
    let signed_text = &shown.last().unwrap().1;
    assert!(signed_text.contains("x-security-token:"), "{signed_text}");
}

#[tokio::test]
async fn secrets_reach_the_wire_only_in_their_own_header() {
    for auth in every_auth() {
        let server = MockServer::start(vec![documented_reply("show_vault")]);
        let call = call(auth, &server, |builder| builder).await;
        let scheme = call.scheme;
        call.result.as_ref().unwrap();
        let [request] = call.received.as_slice() else {
            panic!("{scheme}: {} requests", call.received.len());
        };
        let (expected, own_header) = match scheme {
            "token" => (Some(TOKEN), "x-auth-token"),
            "ak/sk+security-token" => (Some(SECURITY_TOKEN), "x-security-token"),
            _ => (None, "x-security-token"),
        };
        assert_eq!(request.header(own_header), expected, "{scheme}");
        let elsewhere: Vec<&(String, String)> = request
            .headers
            .iter()
            .filter(|(name, value)| name != own_header && value.contains(MARK))
            .collect();
        assert!(elsewhere.is_empty(), "{scheme}: {elsewhere:?}");
        assert!(!request.target.contains(MARK), "{}", request.target);
        assert!(!request.body.contains(MARK), "{}", request.body);
        if scheme != "token" {
            let authorization = request.header("authorization").unwrap();
            assert!(
                authorization.contains(&format!("Access={AK},")),
                "{authorization}"
            );
        }
        call.assert_clean();
        call.assert_logged(&["sending request", "http.response.status_code=200", "close"]);
    }
}

#[tokio::test]
async fn an_unauthorized_response_leaks_no_secret() {
    for auth in every_auth() {
        let reply = api_reply(
            401,
            "APIGW.0301",
            "Incorrect IAM authentication information",
        );
        let server = MockServer::start(vec![reply]);
        let failure = call(auth, &server, |builder| builder).await;
        let Error::Api(api) = failure.error() else {
            panic!("{}: {}", failure.scheme, failure.error());
        };
        assert_eq!(api.status.as_u16(), 401);
        assert_eq!(failure.received.len(), 1, "a 401 is not retried");
        failure.assert_clean();
        failure.assert_logged(&["request failed", "401", "APIGW.0301", "attempt=1"]);
    }
}

#[tokio::test]
async fn a_catalogued_error_code_leaks_no_secret() {
    for auth in every_auth() {
        let reply = api_reply(400, "BackupService.2010", "The resource is being restored.");
        let server = MockServer::start(vec![reply]);
        let failure = call(auth, &server, |builder| builder).await;
        assert_eq!(
            failure.error().error_code(),
            Some(&ErrorCode::BackupService2010),
            "{}",
            failure.error()
        );
        failure.assert_clean();
        failure.assert_logged(&[
            "request failed",
            "BackupService.2010",
            "http.response.status_code=400",
        ]);
    }
}

#[tokio::test]
async fn retried_responses_leak_no_secret() {
    for auth in every_auth() {
        let server = MockServer::start(vec![
            api_reply(429, "APIGW.0308", "throttled").with_header("Retry-After", "0"),
            api_reply(502, "APIGW.0201", "bad gateway"),
            api_reply(503, "APIGW.0308", "unavailable"),
        ]);
        let failure = call(auth, &server, |builder| builder).await;
        assert_eq!(failure.error().status().map(|s| s.as_u16()), Some(503));
        assert_eq!(failure.received.len(), 3);
        // Every attempt is signed afresh; none of the signatures may be logged.
        if failure.scheme != "token" {
            assert_eq!(failure.signatures().len(), 3);
        }
        failure.assert_clean();
        failure.assert_logged(&[
            "retrying",
            "429",
            "502",
            "attempt=2",
            "request failed",
            "attempt=3",
            "http.response.status_code=503",
        ]);
        let retries = failure.log.matches("retrying").count();
        assert_eq!(retries, 2, "{}", failure.log);
    }
}

#[tokio::test]
async fn a_refused_connection_leaks_no_secret() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for auth in every_auth() {
        let server = MockServer::start(vec![]);
        let failure = call(auth, &server, |builder| builder.base_url(&closed)).await;
        let Error::Transport(transport) = failure.error() else {
            panic!("{}: {}", failure.scheme, failure.error());
        };
        assert_eq!(transport.kind, TransportErrorKind::Connect);
        assert!(failure.received.is_empty());
        failure.assert_clean();
        failure.assert_logged(&["retrying", "cannot connect", "request failed", "attempt=3"]);
    }
}

#[tokio::test]
async fn a_timeout_leaks_no_secret() {
    for auth in every_auth() {
        let slow = documented_reply("show_vault").with_delay(Duration::from_millis(800));
        let server = MockServer::start(vec![slow]);
        let failure = call(auth, &server, |builder| {
            builder.timeout(Duration::from_millis(150))
        })
        .await;
        let Error::Transport(transport) = failure.error() else {
            panic!("{}: {}", failure.scheme, failure.error());
        };
        assert_eq!(transport.kind, TransportErrorKind::Timeout);
        assert_eq!(failure.received.len(), 1, "a timeout is not retried");
        failure.assert_clean();
        failure.assert_logged(&["request failed", "request timeout", "attempt=1"]);
    }
}

#[tokio::test]
async fn a_malformed_body_leaks_no_secret() {
    for auth in every_auth() {
        let reply = Reply::json(200, r#"{"vault": {"id": "vault-1", "name": "#);
        let server = MockServer::start(vec![reply]);
        let failure = call(auth, &server, |builder| builder).await;
        let Error::Decode(decode) = failure.error() else {
            panic!("{}: {}", failure.scheme, failure.error());
        };
        assert_eq!(decode.status.as_u16(), 200);
        failure.assert_clean();
        failure.assert_logged(&["response", "status=200"]);
    }
}

/// A provider whose backend fails.
#[derive(Debug)]
struct Unavailable;

impl ProvideAuth for Unavailable {
    fn provide_auth(&self) -> AuthFuture<'_> {
        let cause = io::Error::new(io::ErrorKind::ConnectionRefused, "token service down");
        let error = CredentialsError::with_source("cannot fetch a token", cause);
        Box::pin(std::future::ready(Err(error)))
    }
}

/// The variant of an error, by name.
fn variant(error: &Error) -> &'static str {
    match error {
        Error::Config(_) => "Config",
        Error::Credentials(_) => "Credentials",
        Error::InvalidRequest(_) => "InvalidRequest",
        _ => "another",
    }
}

#[tokio::test]
async fn unusable_credentials_leak_no_secret() {
    let server = MockServer::start(vec![]);
    let cases = [
        (
            "token",
            Auth::token(format!("{TOKEN}\r\nX-Injected: 1")),
            "Credentials",
        ),
        ("ak/sk", Auth::ak_sk(AK, ""), "Credentials"),
        ("ak/sk", Auth::ak_sk("", SK), "Credentials"),
        (
            "ak/sk+security-token",
            Auth::temporary(AK, "", SECURITY_TOKEN),
            "Credentials",
        ),
        (
            "ak/sk+security-token",
            Auth::temporary(AK, SK, format!("{SECURITY_TOKEN}\nX-Injected: 1")),
            "Credentials",
        ),
    ];
    for (scheme, auth, expected) in cases {
        let failure = call((scheme, auth), &server, |builder| builder).await;
        assert_eq!(variant(failure.error()), expected, "{}", failure.error());
        assert!(failure.received.is_empty(), "{scheme}: sent");
        failure.assert_clean();
        // Nothing was sent, but the call is still traced with its scheme.
        failure.assert_logged(&["close"]);
    }

    let failure = call(("token", Auth::token(TOKEN)), &server, |builder| {
        builder.auth_provider(Unavailable)
    })
    .await;
    assert_eq!(
        variant(failure.error()),
        "Credentials",
        "{}",
        failure.error()
    );
    assert!(failure.error().to_string().contains("cannot fetch a token"));
    assert!(failure.received.is_empty());
    failure.assert_clean();
    assert!(
        failure
            .log
            .lines()
            .any(|line| line.contains("rpc.method=\"show_vault\"") && line.contains("close")),
        "{}",
        failure.log
    );
}
