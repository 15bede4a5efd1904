//! Arbitrary parameter values, sent to a loopback server: whatever a path parameter holds
//! (any Unicode, control characters, `/ ? # % .` and the rest), the server receives exactly one
//! path segment that decodes back to it, or the client refuses the value and sends nothing;
//! whatever a query value holds, it arrives as one value, and with AK/SK the signature the
//! server recomputes from the raw request matches.
//!
//! `e2e_hostile_requests.rs` pins one expected encoding per character class; this property
//! test draws the values. `PROPTEST_CASES` sets the cases per property (default 48: each case
//! is a real request).

mod e2e_support;

use cbr_tests::mock_http::{verify_signature, MockServer, Received, Reply};
use e2e_support::{builder, documented_reply, AuthKind, AK, PROJECT, SK};
use huaweicloud_cbr::{Client, Error, Rule};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};

const CASES: u32 = 48;

/// Short strings mixing any character with the ones URLs and HTTP treat specially.
fn hostile_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '/', '?', '#', '%', '.', ' ', '\t', '\r', '\n', '\0', '&', '=', '+', ';', ':', '@', '\\',
        '~', '\u{7f}', '\u{85}', '\u{2028}', '\u{202e}', '\u{ff0f}', 'é', '🦀',
    ]);
    let character = prop_oneof![2 => any::<char>(), 3 => special, 2 => prop::char::range('a', 'z')];
    prop_oneof![
        1 => prop::sample::select(vec!["", ".", "..", "...", "%2e%2e", "%2F"]).prop_map(String::from),
        6 => prop::collection::vec(character, 0..10).prop_map(String::from_iter),
    ]
}

fn decode(component: &str) -> Result<String, TestCaseError> {
    percent_decode_str(component)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|e| TestCaseError::fail(format!("{component:?} is not UTF-8: {e}")))
}

/// The server's documented answer to whatever it is asked.
fn server() -> MockServer {
    MockServer::with_handler(|request: &Received| {
        let operation = if request.path().ends_with("/vaults") {
            "list_vaults"
        } else {
            "show_vault"
        };
        let reply: Reply = documented_reply(operation);
        reply
    })
}

fn client(server: &MockServer, auth: AuthKind) -> Client {
    // Off, so that documented bounds on query values do not stop the values under test.
    builder(&server.base_url, auth.auth())
        .validate_requests(false)
        .build()
        .expect("the client builds")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// `show_vault(vault_id)` for `project`: one segment each, decoding back, or refused unsent.
fn check_path(
    runtime: &tokio::runtime::Runtime,
    server: &MockServer,
    auth: AuthKind,
    project: &str,
    vault_id: &str,
) -> Result<(), TestCaseError> {
    let outcome = runtime.block_on(
        client(server, auth)
            .show_vault(vault_id)
            .project_id(project)
            .send(),
    );
    let dot_segment = |value: &str| matches!(value, "" | "." | "..");
    let header_unsafe = auth != AuthKind::Token
        && (project.trim() != project
            || !project.bytes().all(|b| b == b' ' || b.is_ascii_graphic()));
    if let Err(error) = outcome {
        let expected_rule = match &error {
            Error::InvalidRequest(invalid) => invalid.rule().clone(),
            other => return Err(TestCaseError::fail(format!("not a refusal: {other}"))),
        };
        let explained = (expected_rule == Rule::PathSegment
            && (dot_segment(project) || dot_segment(vault_id)))
            || (expected_rule == Rule::HeaderValue && header_unsafe);
        prop_assert!(explained, "refused without reason: {error}");
        prop_assert!(server.try_next_request(std::time::Duration::ZERO).is_none());
        return Ok(());
    }
    prop_assert!(!dot_segment(project) && !dot_segment(vault_id) && !header_unsafe);
    let request = server.next_request();
    prop_assert_eq!(request.query(), "");
    let segments: Vec<&str> = request.path().split('/').collect();
    prop_assert_eq!(segments.len(), 5, "{:?}", segments);
    prop_assert_eq!(
        (segments[0], segments[1], segments[3]),
        ("", "v3", "vaults")
    );
    prop_assert_eq!(decode(segments[2])?, project);
    prop_assert_eq!(decode(segments[4])?, vault_id);
    if auth != AuthKind::Token {
        verify_signature(&request, AK, SK).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

/// `list_vaults().name(name)`: the query holds `name` as one value, signed as sent.
fn check_query(
    runtime: &tokio::runtime::Runtime,
    server: &MockServer,
    auth: AuthKind,
    name: &str,
) -> Result<(), TestCaseError> {
    let outcome = runtime.block_on(
        client(server, auth)
            .list_vaults()
            .name(name)
            .limit(5)
            .send(),
    );
    outcome.map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
    let request = server.next_request();
    prop_assert_eq!(request.path(), format!("/v3/{PROJECT}/vaults"));
    let mut pairs = Vec::new();
    for pair in request.query().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        pairs.push((decode(key)?, decode(value)?));
    }
    pairs.sort();
    let expected = vec![
        ("limit".to_owned(), "5".to_owned()),
        ("name".to_owned(), name.to_owned()),
    ];
    prop_assert_eq!(pairs, expected);
    if auth != AuthKind::Token {
        verify_signature(&request, AK, SK).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

#[test]
fn any_path_value_is_one_segment_or_refused_unsent() {
    let (runtime, server) = (runtime(), server());
    for auth in [AuthKind::Token, AuthKind::AkSk] {
        let mut runner = TestRunner::new(cbr_tests::proptest_config(CASES));
        let values = (
            prop_oneof![1 => Just(PROJECT.to_owned()), 1 => hostile_text()],
            hostile_text(),
        );
        runner
            .run(&values, |(project, vault_id)| {
                check_path(&runtime, &server, auth, &project, &vault_id)
            })
            .unwrap_or_else(|e| panic!("{auth:?}: {e}"));
    }
}

#[test]
fn any_query_value_is_one_value() {
    let (runtime, server) = (runtime(), server());
    for auth in [AuthKind::Token, AuthKind::AkSk] {
        let mut runner = TestRunner::new(cbr_tests::proptest_config(CASES));
        runner
            .run(&hostile_text(), |name| {
                check_query(&runtime, &server, auth, &name)
            })
            .unwrap_or_else(|e| panic!("{auth:?}: {e}"));
    }
}
