//! Hostile values in requests, sent to a loopback server over real sockets.
//!
//! A path parameter is always exactly one segment of the path the server receives, whatever
//! it holds; a query value is always one value; a value that cannot be sent safely (an empty
//! or dot path segment, a line break in a header) is refused before anything is sent. Each
//! test checks the raw request target the server read off the socket, or that the server
//! read nothing at all.

mod e2e_support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use cbr_tests::mock_http::{verify_signature, MockServer, Received, Reply};
use e2e_support::{builder, documented_reply, AuthKind, AK, PROJECT, SK, TOKEN};
use huaweicloud_cbr::{Auth, AuthFuture, Client, Error, ProvideAuth, Rule, Service};
use percent_encoding::percent_decode_str;

use AuthKind::{AkSk, Temporary, Token};

/// Every way of authenticating: the path and query must not depend on it.
const EVERY_AUTH: [AuthKind; 3] = [Token, AkSk, Temporary];

/// The ways of authenticating that put the project ID into no header, so that a value no
/// header may hold can still be tried in the path.
const TOKEN_ONLY: &[AuthKind] = &[Token];

/// A vault ID that needs no encoding, for requests that try a hostile project ID.
const PLAIN_VAULT: &str = "vault-1";

/// A client of `server` with `auth` and quick retries.
fn client(server: &MockServer, auth: AuthKind) -> Client {
    builder(&server.base_url, auth.auth())
        .build()
        .expect("the client builds")
}

/// Fails when the server read any request (a refused request must not reach the socket).
fn assert_nothing_sent(server: &MockServer, what: &str) {
    if let Some(request) = server.try_next_request(Duration::from_millis(50)) {
        panic!(
            "{what}: the server received {} {} with headers {:?}",
            request.method, request.target, request.raw_headers
        );
    }
}

/// The request carries `auth` for `project`: the token as sent, or a signature the server
/// recomputes from the raw request, over an `X-Project-Id` equal to `project`.
fn assert_authenticated(request: &Received, auth: AuthKind, project: &str) {
    match auth {
        Token => {
            assert_eq!(request.header("x-auth-token"), Some(TOKEN));
            assert_eq!(request.header("x-project-id"), None);
        }
        AkSk | Temporary => {
            verify_signature(request, AK, SK)
                .unwrap_or_else(|e| panic!("{auth:?} {}: {e}", request.target));
            // HTTP drops the whitespace around a header value, and so does the signer.
            assert_eq!(
                request.header("x-project-id"),
                Some(project.trim_matches([' ', '\t']))
            );
        }
    }
}

fn decode(component: &str) -> String {
    percent_decode_str(component)
        .decode_utf8()
        .unwrap_or_else(|e| panic!("{component:?} does not decode to UTF-8: {e}"))
        .into_owned()
}

/// Sends `show_vault(vault_id)` for `project` and checks that the server received exactly
/// `/v3/{project_encoded}/vaults/{vault_encoded}`, with no query, and that its two parameter
/// segments decode back to the values given.
async fn assert_round_trip(
    auth: AuthKind,
    (project, project_encoded): (&str, &str),
    (vault_id, vault_encoded): (&str, &str),
) {
    let server = MockServer::start(vec![documented_reply("show_vault")]);
    client(&server, auth)
        .show_vault(vault_id)
        .project_id(project)
        .await
        .unwrap_or_else(|e| panic!("{auth:?} {project:?} {vault_id:?}: {e}"));
    let request = server.next_request();
    let what = format!("{auth:?}, project {project:?}, vault {vault_id:?}");
    assert_eq!(
        request.target,
        format!("/v3/{project_encoded}/vaults/{vault_encoded}"),
        "{what}"
    );
    assert_eq!(request.query(), "", "{what}");
    let segments: Vec<&str> = request.path().split('/').collect();
    assert_eq!(segments.len(), 5, "{what}: {segments:?}");
    assert_eq!(
        (segments[0], segments[1], segments[3]),
        ("", "v3", "vaults"),
        "{what}"
    );
    assert_eq!(decode(segments[2]), project, "{what}: project segment");
    assert_eq!(decode(segments[4]), vault_id, "{what}: vault segment");
    assert_authenticated(&request, auth, project);
}

/// Each value as the vault ID of every kind of authentication, and as the project ID with
/// each of `project_auths`.
async fn assert_segments(cases: &[(&str, &str)], project_auths: &[AuthKind]) {
    for &(value, encoded) in cases {
        for auth in EVERY_AUTH {
            assert_round_trip(auth, (PROJECT, PROJECT), (value, encoded)).await;
        }
        for &auth in project_auths {
            assert_round_trip(auth, (value, encoded), (PLAIN_VAULT, PLAIN_VAULT)).await;
        }
    }
}

#[tokio::test]
async fn a_slash_stays_inside_its_segment() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("/", "%2F"),
        ("a/", "a%2F"),
        ("../../admin", "..%2F..%2Fadmin"),
        ("../", "..%2F"),
        ("./x", ".%2Fx"),
        ("..\\..\\admin", "..%5C..%5Cadmin"),
    ];
    assert_segments(&cases, &EVERY_AUTH).await;
}

#[tokio::test]
async fn a_question_mark_does_not_start_a_query() {
    let cases = [
        ("?", "%3F"),
        ("a?b=c", "a%3Fb%3Dc"),
        ("a?limit=1000", "a%3Flimit%3D1000"),
    ];
    assert_segments(&cases, &EVERY_AUTH).await;
}

#[tokio::test]
async fn a_hash_does_not_start_a_fragment() {
    let cases = [("#", "%23"), ("a#b", "a%23b"), ("a#/../x", "a%23%2F..%2Fx")];
    assert_segments(&cases, &EVERY_AUTH).await;
}

#[tokio::test]
async fn a_percent_sign_is_encoded_even_before_hex_digits() {
    // `%2e%2e` decodes to `..`, a dot segment to URL parsers that decode before resolving.
    let cases = [
        ("%", "%25"),
        ("100%", "100%25"),
        ("%2F", "%252F"),
        ("a%2Fb", "a%252Fb"),
        ("%2e%2e", "%252e%252e"),
        ("%00", "%2500"),
        ("%zz", "%25zz"),
    ];
    assert_segments(&cases, &EVERY_AUTH).await;
}

#[tokio::test]
async fn spaces_and_tabs_are_encoded() {
    let spaces = [("a b", "a%20b"), ("a HTTP/1.1", "a%20HTTP%2F1.1")];
    assert_segments(&spaces, &EVERY_AUTH).await;
    // A tab is a control character, and spaces at the ends of a header value are dropped by
    // HTTP: both refused in `X-Project-Id` under AK/SK (see
    // `a_project_id_with_a_line_break_is_refused_with_ak_sk`).
    let edges = [
        (" ", "%20"),
        (" a ", "%20a%20"),
        ("a\tb", "a%09b"),
        ("\t", "%09"),
    ];
    assert_segments(&edges, TOKEN_ONLY).await;
}

#[tokio::test]
async fn control_characters_are_encoded() {
    // With AK/SK the project ID is also the `X-Project-Id` header, where control characters
    // are refused (see `a_project_id_with_a_line_break_is_refused_with_ak_sk`).
    let cases = [
        ("\u{0}", "%00"),
        ("a\u{0}b", "a%00b"),
        ("a\r\nb", "a%0D%0Ab"),
        ("a\r\nX-Injected: 1", "a%0D%0AX-Injected%3A%201"),
        ("\n", "%0A"),
        ("\u{7f}", "%7F"),
        ("\u{1b}[31m", "%1B%5B31m"),
    ];
    assert_segments(&cases, TOKEN_ONLY).await;
}

#[tokio::test]
async fn non_ascii_characters_are_encoded_as_utf8() {
    let cases = [
        ("é", "%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("🦀", "%F0%9F%A6%80"),
        ("\u{202e}", "%E2%80%AE"),
        ("\u{ff0f}", "%EF%BC%8F"),
    ];
    // As the project ID under AK/SK, see
    // `a_non_ascii_project_id_is_refused_with_ak_sk_not_dropped_from_the_headers`.
    assert_segments(&cases, TOKEN_ONLY).await;
}

#[tokio::test]
async fn sub_delimiters_and_colons_are_encoded() {
    let cases = [
        ("a;b=c&d+e@f:g", "a%3Bb%3Dc%26d%2Be%40f%3Ag"),
        (";", "%3B"),
        ("=", "%3D"),
        ("&", "%26"),
        ("+", "%2B"),
        ("@", "%40"),
        (":", "%3A"),
        ("x:y@evil.example", "x%3Ay%40evil.example"),
    ];
    assert_segments(&cases, &EVERY_AUTH).await;
}

#[tokio::test]
async fn unreserved_characters_are_sent_as_they_are() {
    let cases = [("A-z_0.9~", "A-z_0.9~"), ("...", "..."), (".a", ".a")];
    assert_segments(&cases, &EVERY_AUTH).await;
}

/// `result` must be an `InvalidRequest` naming `parameter` as a path segment.
fn assert_path_segment_error(result: Result<impl std::fmt::Debug, Error>, parameter: &str) {
    match result {
        Err(Error::InvalidRequest(error)) => {
            assert_eq!(error.path(), parameter, "{error}");
            assert_eq!(*error.rule(), Rule::PathSegment, "{error}");
            let message = Error::InvalidRequest(error).to_string();
            assert!(message.contains(&format!("`{parameter}`")), "{message}");
        }
        other => panic!("{parameter}: expected an invalid request, got {other:?}"),
    }
}

#[tokio::test]
async fn empty_and_dot_segments_are_refused_before_sending() {
    let server = MockServer::start(vec![]);
    // The check guards the path, not a documented constraint: switching validation off
    // must not switch it off.
    for validate in [true, false] {
        for auth in EVERY_AUTH {
            let client = builder(&server.base_url, auth.auth())
                .validate_requests(validate)
                .build()
                .unwrap();
            for bad in ["", ".", ".."] {
                assert_path_segment_error(client.show_vault(bad).await, "vault_id");
                assert_path_segment_error(
                    client.show_vault(PLAIN_VAULT).project_id(bad).await,
                    "project_id",
                );
                assert_path_segment_error(client.list_vaults().project_id(bad).await, "project_id");
                assert_path_segment_error(client.show_share_member("b-1", bad).await, "member_id");
                assert_path_segment_error(client.show_share_member(bad, "m-1").await, "backup_id");
                let own_project = builder(&server.base_url, auth.auth())
                    .project_id(bad)
                    .validate_requests(validate)
                    .build()
                    .unwrap();
                assert_path_segment_error(own_project.show_vault(PLAIN_VAULT).await, "project_id");
            }
        }
    }
    assert_nothing_sent(&server, "empty and dot segments");
}

/// Sends `list_vaults` with `name` between two other parameters and checks that the server
/// received it as one encoded value, in the same target whatever the authentication (the
/// signed query is sorted, and these keys already are).
async fn assert_query_value(auth: AuthKind, name: &str, encoded: &str) {
    let server = MockServer::start(vec![documented_reply("list_vaults")]);
    client(&server, auth)
        .list_vaults()
        .limit(5)
        .name(name)
        .status("available")
        .await
        .unwrap_or_else(|e| panic!("{auth:?} {name:?}: {e}"));
    let request = server.next_request();
    let what = format!("{auth:?}, name {name:?}");
    assert_eq!(
        request.target,
        format!("/v3/{PROJECT}/vaults?limit=5&name={encoded}&status=available"),
        "{what}"
    );
    let pairs: Vec<(String, String)> = request
        .query()
        .split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect();
    let expected = [("limit", "5"), ("name", name), ("status", "available")]
        .map(|(key, value)| (key.to_owned(), value.to_owned()));
    assert_eq!(pairs, expected, "{what}");
    assert_authenticated(&request, auth, PROJECT);
}

#[tokio::test]
async fn a_query_value_with_delimiters_and_line_breaks_stays_one_value() {
    let cases = [
        ("a&b=c#d\r\ne", "a%26b%3Dc%23d%0D%0Ae"),
        ("&", "%26"),
        ("=", "%3D"),
        ("#", "%23"),
        ("\r\n", "%0D%0A"),
        ("x&limit=1000", "x%26limit%3D1000"),
        ("a+b c", "a%2Bb%20c"),
        ("%26", "%2526"),
        ("x\r\nX-Injected: 1", "x%0D%0AX-Injected%3A%201"),
        ("é/?", "%C3%A9%2F%3F"),
    ];
    for (name, encoded) in cases {
        for auth in EVERY_AUTH {
            assert_query_value(auth, name, encoded).await;
        }
    }
}

const INJECTION: &str = "\r\nX-Injected: 1";

/// Distinctive secrets, to search the errors for.
const TOKEN_SECRET: &str = "TOKEN-SECRET-7f3a";
const STS_SECRET: &str = "STS-SECRET-55d0";

/// Makes one call with `auth` (and the request's own `project`, if any) against a server that
/// must receive nothing, and returns the error.
async fn refused(auth: Auth, project: Option<&str>) -> Error {
    let server = MockServer::start(vec![documented_reply("show_vault")]);
    let client = builder(&server.base_url, auth).build().unwrap();
    let mut call = client.show_vault(PLAIN_VAULT);
    if let Some(project) = project {
        call = call.project_id(project);
    }
    let error = match call.await {
        Ok(_) => panic!("a request with a line break in a header value was sent"),
        Err(error) => error,
    };
    assert_nothing_sent(&server, &error.to_string());
    error
}

/// Neither the error nor anything it wraps prints `secret`.
fn assert_not_shown(error: &Error, secret: &str) {
    let mut shown = format!("{error} {error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        shown.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    assert!(!shown.contains(secret), "{secret:?} is shown: {shown}");
}

#[tokio::test]
async fn a_token_with_a_line_break_is_refused() {
    for token in [
        format!("{TOKEN_SECRET}{INJECTION}"),
        format!("{TOKEN_SECRET}\nX-Injected: 1"),
        format!("{TOKEN_SECRET}\r"),
        format!("{TOKEN_SECRET}\n"),
        format!("\r\n{TOKEN_SECRET}"),
        format!("{TOKEN_SECRET}\u{0}"),
        format!("{TOKEN_SECRET}\u{7f}"),
    ] {
        let error = refused(Auth::token(token.as_str()), None).await;
        assert!(matches!(error, Error::Credentials(_)), "{token:?}: {error}");
        assert!(error.to_string().contains("token"), "{error}");
        assert_not_shown(&error, TOKEN_SECRET);
    }
}

#[tokio::test]
async fn a_security_token_with_a_line_break_is_refused() {
    for security_token in [
        format!("{STS_SECRET}\nX-Injected: 1"),
        format!("{STS_SECRET}{INJECTION}"),
        format!("{STS_SECRET}\rX"),
        format!("{STS_SECRET}\u{0}X"),
    ] {
        let auth = Auth::temporary(AK, SK, security_token.as_str());
        let error = refused(auth, None).await;
        assert!(
            matches!(error, Error::Credentials(_)),
            "{security_token:?}: {error}"
        );
        assert!(error.to_string().contains("security token"), "{error}");
        assert_not_shown(&error, STS_SECRET);
    }
}

#[tokio::test]
async fn an_access_key_with_a_line_break_is_refused() {
    for access_key in [
        "AK\rX",
        "AK\nX-Injected: 1",
        "AK\r\nX-Injected: 1",
        "AK\u{0}",
    ] {
        for auth in [
            Auth::ak_sk(access_key, SK),
            Auth::temporary(access_key, SK, STS_SECRET),
        ] {
            let error = refused(auth, None).await;
            // The access key is sent in `Authorization`.
            assert!(
                matches!(error, Error::Credentials(_)),
                "{access_key:?}: {error}"
            );
            assert!(error.to_string().contains("access key"), "{error}");
            assert_not_shown(&error, SK);
            assert_not_shown(&error, STS_SECRET);
        }
    }
}

#[tokio::test]
async fn a_project_id_with_a_line_break_is_refused_with_ak_sk() {
    for project in [
        format!("{PROJECT}{INJECTION}"),
        format!(" {PROJECT}"),
        format!("{PROJECT}\n"),
        format!("{PROJECT}\r"),
        format!("{PROJECT}\u{0}"),
    ] {
        for auth in [AkSk, Temporary] {
            let error = refused(auth.auth(), Some(&project)).await;
            assert_header_value_refused(&error, &project);
            assert_not_shown(&error, SK);

            // The client's own project ID reaches the header the same way.
            let server = MockServer::start(vec![]);
            let client = builder(&server.base_url, auth.auth())
                .project_id(project.as_str())
                .build()
                .unwrap();
            let error = client.show_vault(PLAIN_VAULT).await.unwrap_err();
            assert_header_value_refused(&error, &project);
            assert_nothing_sent(&server, &error.to_string());
        }
    }
}

/// A project ID that cannot be sent as `X-Project-Id` is an invalid request naming it.
fn assert_header_value_refused(error: &Error, project: &str) {
    let Error::InvalidRequest(invalid) = error else {
        panic!("{project:?}: {error}");
    };
    assert_eq!(invalid.path(), "project_id", "{project:?}: {error}");
    assert_eq!(*invalid.rule(), Rule::HeaderValue, "{project:?}: {error}");
}

/// Gives a good token for the first attempt and `later` for every other one.
#[derive(Debug)]
struct Rotating {
    calls: AtomicU32,
    later: String,
}

impl ProvideAuth for Rotating {
    fn provide_auth(&self) -> AuthFuture<'_> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let auth = Auth::token(if call == 0 { TOKEN } else { &self.later });
        Box::pin(std::future::ready(Ok(auth)))
    }
}

#[tokio::test]
async fn credentials_given_for_a_retry_are_checked_again() {
    let server = MockServer::start(vec![
        Reply::json(503, r#"{"error_code": "APIGW.0308", "error_msg": "busy"}"#),
        documented_reply("show_vault"),
    ]);
    let provider = Rotating {
        calls: 0.into(),
        later: format!("{TOKEN_SECRET}{INJECTION}"),
    };
    let client = builder(&server.base_url, Auth::token(TOKEN))
        .auth_provider(provider)
        .build()
        .unwrap();
    let error = client.show_vault(PLAIN_VAULT).await.unwrap_err();
    assert!(matches!(error, Error::Credentials(_)), "{error}");
    assert_not_shown(&error, TOKEN_SECRET);
    let first = server.next_request();
    assert_eq!(first.header("x-auth-token"), Some(TOKEN));
    assert_eq!(first.header("x-injected"), None);
    assert_nothing_sent(&server, "the retry with a bad token");
}

#[test]
fn a_host_that_a_line_break_would_split_is_refused() {
    for url in [
        "http://127.0.0.1\r\nX-Injected: 1",
        "http://127.0.0.1\nX-Injected: 1:80",
        "http://127.0.0.1 X-Injected: 1",
    ] {
        for (what, builder) in [
            ("base_url", Client::builder().base_url(url)),
            (
                "endpoint",
                Client::builder()
                    .base_url("http://127.0.0.1:1")
                    .endpoint(Service::Cbr, url),
            ),
        ] {
            let error = builder
                .token(TOKEN)
                .allow_http(true)
                .build()
                .expect_err(&format!("{what} {url:?} was accepted"));
            assert!(matches!(error, Error::Config(_)), "{what} {url:?}: {error}");
        }
    }
}

#[test]
fn an_endpoint_with_line_breaks_or_spaces_is_refused() {
    // The URL parser would drop the line breaks and send the rest: refused instead.
    let base = "http://127.0.0.1:8080";
    for base_url in [
        format!("{base}/gw\r\nX-Injected: 1"),
        format!("{base}\r\nX-Injected: 1"),
        base.replace("127.0.0.1:", "127.0.0.1\r\n:"),
        format!("{base}/gw\t"),
        format!(" {base}"),
        format!("{base}/\u{0}"),
    ] {
        let error = builder(&base_url, AkSk.auth()).build().unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{base_url:?}: {error}");
        assert!(!error.to_string().contains('\n'), "{error}");
    }
}

#[test]
fn a_line_break_in_a_region_or_domain_suffix_is_refused() {
    let region = Client::builder()
        .region("my-kualalumpur-1\r\nX-Injected: 1")
        .token(TOKEN)
        .build()
        .unwrap_err();
    assert!(matches!(region, Error::Config(_)), "{region}");
    let suffix = Client::builder()
        .region("my-kualalumpur-1")
        .domain_suffix("example.com\r\nX-Injected: 1")
        .token(TOKEN)
        .build()
        .unwrap_err();
    assert!(matches!(suffix, Error::Config(_)), "{suffix}");
}

#[tokio::test]
async fn a_non_ascii_project_id_is_refused_with_ak_sk_not_dropped_from_the_headers() {
    for project in ["é", "日本", "p-🦀"] {
        for auth in [AkSk, Temporary] {
            let server = MockServer::start(vec![documented_reply("show_vault")]);
            let error = client(&server, auth)
                .show_vault(PLAIN_VAULT)
                .project_id(project)
                .await
                .unwrap_err();
            assert_header_value_refused(&error, project);
            assert_nothing_sent(&server, &error.to_string());
        }
    }
}

#[tokio::test]
async fn a_security_token_with_a_line_break_at_either_end_is_refused() {
    for security_token in [
        format!("{STS_SECRET}\n"),
        format!("{STS_SECRET}\r\n"),
        format!("\r\n{STS_SECRET}"),
    ] {
        let auth = Auth::temporary(AK, SK, security_token.as_str());
        let error = refused(auth, None).await;
        assert!(
            matches!(error, Error::Credentials(_)),
            "{security_token:?}: {error}"
        );
        assert_not_shown(&error, STS_SECRET);
    }
}
