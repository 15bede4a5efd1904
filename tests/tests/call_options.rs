//! `RequestOptions`: one call's settings override the client's for that call alone, against a
//! loopback HTTP server. Every test sends the overridden call, then the same call without
//! options, and checks that the second ran with the client's settings.

mod e2e_support;

use std::time::Duration;

use cbr_tests::mock_http::{verify_signature, MockServer, Reply};
use e2e_support::{client, documented_reply, AuthKind, AK, PROJECT, SK};
use huaweicloud_cbr::{ConfigError, Error, RequestOptions, RetryConfig, TransportErrorKind};

fn unavailable() -> Reply {
    Reply::json(503, r#"{"error_code": "APIGW.0308", "error_msg": "busy"}"#)
}

#[tokio::test]
async fn an_attempt_timeout_applies_to_its_call_only() {
    let slow = || documented_reply("list_vaults").with_delay(Duration::from_millis(400));
    let server = MockServer::start(vec![slow(), slow()]);
    let client = client(&server, AuthKind::Token);
    let short = RequestOptions::new().with_timeout(Duration::from_millis(100));
    let error = client.list_vaults().options(short).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert_eq!(transport.timeout, Some(Duration::from_millis(100)));
    // The client's 5 s timeout again.
    client.list_vaults().await.unwrap();
}

#[tokio::test]
async fn a_call_timeout_applies_to_its_call_only() {
    let server = MockServer::with_handler(|_| {
        documented_reply("list_vaults").with_delay(Duration::from_millis(300))
    });
    let client = client(&server, AuthKind::Token);
    let deadline = RequestOptions::new().with_call_timeout(Duration::from_millis(100));
    let error = client.list_vaults().options(deadline).await.unwrap_err();
    assert!(matches!(error, Error::Deadline(_)), "{error}");
    client.list_vaults().await.unwrap();
}

#[tokio::test]
async fn a_retry_configuration_applies_to_its_call_only() {
    let server = MockServer::start(vec![
        unavailable(),
        unavailable(),
        documented_reply("list_vaults"),
    ]);
    let client = client(&server, AuthKind::Token);
    let once = RequestOptions::new().with_retry_config(RetryConfig::disabled());
    let error = client.list_vaults().options(once).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.drain().len(), 1, "not retried");
    // The client's three attempts: one 503, then the success.
    let (_, metadata) = client.list_vaults().send_with_metadata().await.unwrap();
    assert_eq!(metadata.attempts, 2);
}

#[tokio::test]
async fn validation_can_be_switched_off_for_one_call() {
    let server = MockServer::start(vec![documented_reply("list_vaults")]);
    let client = client(&server, AuthKind::Token);
    let unchecked = RequestOptions::new().with_validation(false);
    client
        .list_vaults()
        .limit(0)
        .options(unchecked)
        .await
        .unwrap();
    assert!(server.next_request().target.contains("limit=0"));
    let error = client.list_vaults().limit(0).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert!(server.try_next_request(Duration::from_millis(50)).is_none());
}

#[tokio::test]
async fn extra_headers_are_sent_and_signed_for_their_call_only() {
    let server = MockServer::start(vec![
        documented_reply("list_vaults"),
        documented_reply("list_vaults"),
    ]);
    let client = client(&server, AuthKind::AkSk);
    let traced = RequestOptions::new().with_header("X-Trace-Id", "4bf92f35 77b3");
    client.list_vaults().options(traced).await.unwrap();
    let request = server.next_request();
    assert_eq!(request.header("x-trace-id"), Some("4bf92f35 77b3"));
    let check = verify_signature(&request, AK, SK).unwrap();
    assert!(
        check.signed_headers.split(';').any(|h| h == "x-trace-id"),
        "{}",
        check.signed_headers
    );
    client.list_vaults().await.unwrap();
    let request = server.next_request();
    assert_eq!(request.header("x-trace-id"), None);
    verify_signature(&request, AK, SK).unwrap();
}

#[tokio::test]
async fn extra_headers_are_checked_like_every_header_and_nothing_is_sent() {
    let server = MockServer::start(vec![]);
    let client = client(&server, AuthKind::AkSk);
    let split = RequestOptions::new().with_header("X-Note", "a\r\nX-Injected: 1");
    let error = client.list_vaults().options(split).await.unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::InvalidHeaderValue { ref name }) if name == "X-Note"),
        "{error}"
    );
    let forged = RequestOptions::new().with_header("Authorization", "forged");
    let error = client.list_vaults().options(forged).await.unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::ReservedHeader { .. })),
        "{error}"
    );
    assert!(server.try_next_request(Duration::from_millis(50)).is_none());
}

#[tokio::test]
async fn an_endpoint_applies_to_its_call_only() {
    let usual = MockServer::start(vec![documented_reply("list_vaults")]);
    let other = MockServer::start(vec![documented_reply("list_vaults")]);
    let client = client(&usual, AuthKind::AkSk);
    let elsewhere = RequestOptions::new().with_endpoint(format!("{}/gateway", other.base_url));
    client.list_vaults().options(elsewhere).await.unwrap();
    let request = other.next_request();
    assert_eq!(request.path(), format!("/gateway/v3/{PROJECT}/vaults"));
    verify_signature(&request, AK, SK).unwrap();
    client.list_vaults().await.unwrap();
    assert_eq!(usual.next_request().path(), format!("/v3/{PROJECT}/vaults"));
    // Checked like the client's endpoints: an `http://` one needs `allow_http`, which the
    // test client has; a malformed one is refused before anything is sent.
    let broken = RequestOptions::new().with_endpoint("not a url");
    let error = client.list_vaults().options(broken).await.unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::InvalidEndpoint { .. })),
        "{error}"
    );
}

#[tokio::test]
async fn a_project_id_applies_to_its_call_only_and_the_builder_s_own_wins() {
    let server = MockServer::with_handler(|_| documented_reply("list_vaults"));
    let client = client(&server, AuthKind::AkSk);
    let other = RequestOptions::new().with_project_id("other-project");
    client.list_vaults().options(other.clone()).await.unwrap();
    let request = server.next_request();
    assert_eq!(request.path(), "/v3/other-project/vaults");
    assert_eq!(request.header("x-project-id"), Some("other-project"));
    client
        .list_vaults()
        .project_id("own")
        .options(other)
        .await
        .unwrap();
    assert_eq!(server.next_request().path(), "/v3/own/vaults");
    client.list_vaults().await.unwrap();
    assert_eq!(
        server.next_request().path(),
        format!("/v3/{PROJECT}/vaults")
    );
}
