//! Failure paths, retries, pagination and waiters, against a loopback HTTP server.

mod e2e_support;

use std::pin::Pin;
use std::time::{Duration, Instant};

use cbr_tests::mock_http::{verify_signature, MockServer, Received, Reply};
use e2e_support::{client, documented_reply, response_example, AuthKind, AK, PROJECT, SK};
use huaweicloud_cbr::models::{CreateVaultRequestBody, OperationLogStatus};
use huaweicloud_cbr::{Client, Error, ErrorCode, RetryConfig, TransportErrorKind, WaitError};
use serde_json::{json, Value};

fn vault_request() -> CreateVaultRequestBody {
    serde_json::from_value(e2e_support::request_example("create_vault", None)).unwrap()
}

fn unavailable() -> Reply {
    Reply::json(
        503,
        r#"{"error_code": "APIGW.0308", "error_msg": "The request is throttled"}"#,
    )
}

fn client_with_retries(server: &MockServer, auth: AuthKind, retry: RetryConfig) -> Client {
    Client::builder()
        .project_id(PROJECT)
        .auth(auth.auth())
        .base_url(server.base_url.clone())
        .allow_http(true)
        .timeout(Duration::from_secs(5))
        .retry_config(retry)
        .build()
        .unwrap()
}

// ----- retries -------------------------------------------------------------------------------

#[tokio::test]
async fn a_503_is_retried_and_signed_again_with_a_new_date() {
    // `Retry-After: 1` makes the retry wait a second, so the second `X-Sdk-Date` must differ.
    let server = MockServer::start(vec![
        unavailable().with_header("Retry-After", "1"),
        documented_reply("list_vaults"),
    ]);
    let retry = e2e_support::fast_retries().with_max_backoff(Duration::from_secs(2));
    let client = client_with_retries(&server, AuthKind::AkSk, retry);
    let started = Instant::now();
    let (vaults, metadata) = client
        .list_vaults()
        .limit(10)
        .send_with_metadata()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After ignored"
    );
    assert_eq!(metadata.attempts, 2);
    assert_eq!(metadata.status.as_u16(), 200);
    assert!(vaults.vaults.value().is_some_and(|v| !v.is_empty()));
    let first = server.next_request();
    let second = server.next_request();
    let first_check = verify_signature(&first, AK, SK).unwrap();
    let second_check = verify_signature(&second, AK, SK).unwrap();
    assert_ne!(first_check.date, second_check.date, "not signed again");
    assert_ne!(
        first.header("authorization"),
        second.header("authorization")
    );
    assert_eq!(first.target, second.target);
}

#[tokio::test]
async fn retries_stop_after_the_maximum_attempts() {
    let server = MockServer::start(vec![unavailable(), unavailable(), unavailable()]);
    let client = client(&server, AuthKind::Token);
    let error = client.show_vault("v-1").await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.drain().len(), 3);
    assert!(error.to_string().contains("try again later"), "{error}");
}

#[tokio::test]
async fn a_post_is_not_retried_by_default() {
    let server = MockServer::start(vec![unavailable(), documented_reply("create_vault")]);
    let error = client(&server, AuthKind::AkSk)
        .create_vault(vault_request())
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("not an API error: {error}");
    };
    assert_eq!(api.status.as_u16(), 503);
    assert!(
        error.is_retryable(),
        "503 is retryable, yet a POST is not retried"
    );
    server.next_request();
    assert!(
        server
            .try_next_request(Duration::from_millis(200))
            .is_none(),
        "the POST was sent twice"
    );

    // Opting in retries it.
    let server = MockServer::start(vec![unavailable(), documented_reply("create_vault")]);
    let retry = e2e_support::fast_retries().with_retry_non_idempotent(true);
    let (_, metadata) = client_with_retries(&server, AuthKind::AkSk, retry)
        .create_vault(vault_request())
        .send_with_metadata()
        .await
        .unwrap();
    assert_eq!(metadata.attempts, 2);
}

#[tokio::test]
async fn a_connection_failure_is_retried_then_reported_with_its_source() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_http(true)
        .project_id(PROJECT)
        .token("t")
        .retry_config(e2e_support::fast_retries())
        .build()
        .unwrap();
    let error = client.list_vaults().await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("not a transport error: {error}");
    };
    assert_eq!(transport.kind, TransportErrorKind::Connect);
    assert!(error.is_retryable());
    assert!(std::error::Error::source(&error).is_some());
    let line = error.to_string();
    assert!(
        line.starts_with("cannot connect to http://127.0.0.1:"),
        "{line}"
    );
    assert!(!line.contains('\n'), "{line}");
}

// ----- error responses -----------------------------------------------------------------------

#[tokio::test]
async fn a_catalogued_400_is_a_typed_error_code() {
    let body = r#"{"error_code": "BackupService.6118", "error_msg": "Failed to check the destination vault."}"#;
    let server = MockServer::start(vec![
        Reply::json(400, body).with_header("X-Request-Id", "req-400")
    ]);
    let error = client(&server, AuthKind::AkSk)
        .show_vault("v-1")
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some(&ErrorCode::BackupService6118));
    let Error::Api(api) = &error else {
        panic!("not an API error: {error}");
    };
    let code = api.error_code.as_ref().unwrap();
    assert_eq!(code.status(), Some(400));
    assert_eq!(
        code.message(),
        Some("Failed to check the destination vault.")
    );
    assert_eq!(
        code.handling(),
        Some("Try again. If the fault persists, contact technical support.")
    );
    assert_eq!(api.request_id.as_deref(), Some("req-400"));
    assert_eq!(api.body, body);
    assert!(!error.is_retryable());
    assert_eq!(server.drain().len(), 1, "a 400 is not retried");
    let line = error.to_string();
    assert_eq!(
        line,
        "the service answered 400 Bad Request: BackupService.6118: Failed to check the \
         destination vault. (request ID req-400); what to do: Try again. If the fault persists, \
         contact technical support."
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_decode_error_naming_the_status() {
    let html = "<html><body>502 Bad Gateway</body></html>\n".repeat(20);
    let server = MockServer::start(vec![Reply::text(200, "text/html", &html)]);
    let error = client(&server, AuthKind::Token)
        .list_policies()
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("not a decode error: {error}");
    };
    assert_eq!(decode.status.as_u16(), 200);
    assert!(decode.message.contains("not JSON"), "{}", decode.message);
    assert!(decode.snippet.starts_with("<html>"));
    assert!(decode.snippet.len() <= huaweicloud_cbr::SNIPPET_LIMIT + "…".len());
    let line = error.to_string();
    assert!(
        line.contains("200 OK") && line.contains("not JSON"),
        "{line}"
    );
    assert!(!line.contains('\n'), "{line}");
}

#[tokio::test]
async fn an_error_status_without_a_json_body_keeps_the_body() {
    let server = MockServer::start(vec![Reply::text(403, "text/plain", "Forbidden by proxy")]);
    let error = client(&server, AuthKind::Token)
        .delete_vault("v-1")
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("not an API error: {error}");
    };
    assert_eq!(api.error_code, None);
    assert_eq!(api.body, "Forbidden by proxy");
    assert_eq!(
        error.to_string(),
        "the service answered 403 Forbidden (body: Forbidden by proxy)"
    );
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_timeout_error() {
    let server = MockServer::start(vec![
        documented_reply("show_policy").with_delay(Duration::from_secs(2))
    ]);
    let client = Client::builder()
        .base_url(server.base_url.clone())
        .allow_http(true)
        .project_id(PROJECT)
        .token("t")
        .timeout(Duration::from_millis(200))
        .retry_config(e2e_support::fast_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.show_policy("pol-1").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "did not time out"
    );
    let Error::Transport(transport) = &error else {
        panic!("not a transport error: {error}");
    };
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert_eq!(transport.timeout, Some(Duration::from_millis(200)));
    assert!(
        !error.is_retryable(),
        "a timed-out request may have been carried out"
    );
    assert!(error.to_string().contains("timeout of 200ms"), "{error}");
    assert_eq!(server.drain().len(), 1, "a timeout is not retried");
}

// ----- pagination ----------------------------------------------------------------------------

/// The documented vault with another ID.
fn vault(id: usize) -> Value {
    let (_, example) = response_example("list_vaults");
    let mut vault = example.unwrap()["vaults"][0].clone();
    vault["id"] = json!(format!("vault-{id}"));
    vault
}

fn query_value(request: &Received, key: &str) -> Option<String> {
    request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// A server that pages `total` vaults by offset and limit, reporting `count`.
fn paging_server(total: usize, count: Option<usize>) -> MockServer {
    MockServer::with_handler(move |request| {
        let offset: usize = query_value(request, "offset").map_or(0, |v| v.parse().unwrap());
        let limit: usize = query_value(request, "limit").map_or(1000, |v| v.parse().unwrap());
        let vaults: Vec<Value> = (offset..total.min(offset + limit)).map(vault).collect();
        let mut body = json!({"vaults": vaults, "limit": limit, "offset": offset});
        if let Some(count) = count {
            body["count"] = json!(count);
        }
        Reply::json_value(200, &body)
    })
}

#[tokio::test]
async fn a_list_over_three_pages_is_read_through_the_stream() {
    let server = paging_server(5, Some(5));
    let client = client(&server, AuthKind::AkSk);
    let mut items = client.list_vaults().limit(2).into_items();
    // Through the `Stream` trait itself, as a stream library would poll it.
    let mut ids = Vec::new();
    while let Some(vault) =
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut items), cx)).await
    {
        ids.push(vault.unwrap().id.into_option().unwrap());
    }
    assert_eq!(ids, ["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"]);
    let requests = server.drain();
    let offsets: Vec<_> = requests.iter().map(|r| query_value(r, "offset")).collect();
    assert_eq!(
        offsets,
        [None, Some("2".to_owned()), Some("4".to_owned())],
        "three pages"
    );
    for request in &requests {
        assert_eq!(query_value(request, "limit").as_deref(), Some("2"));
        verify_signature(request, AK, SK).unwrap();
    }
}

#[tokio::test]
async fn pagination_stops_at_count_and_at_an_empty_page() {
    // Full pages up to `count`: no request for a page past it.
    let server = paging_server(10, Some(4));
    let pages = client(&server, AuthKind::Token)
        .list_vaults()
        .limit(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(server.drain().len(), 2);

    // No count and no page size known: the empty page ends it (and is not yielded).
    let server = MockServer::with_handler(|request| {
        let offset: usize = query_value(request, "offset").map_or(0, |v| v.parse().unwrap());
        let vaults: Vec<Value> = (offset..6.max(offset)).take(3).map(vault).collect();
        Reply::json_value(200, &json!({ "vaults": vaults }))
    });
    let pages = client(&server, AuthKind::Token)
        .list_vaults()
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(server.drain().len(), 3);
}

#[tokio::test]
async fn a_repeated_page_ends_the_stream_with_an_error_instead_of_looping() {
    // A server that ignores `offset`: the same full page every time.
    let server = MockServer::with_handler(|_| {
        Reply::json_value(200, &json!({"vaults": [vault(1), vault(2)], "count": 100}))
    });
    let mut pages = client(&server, AuthKind::Token)
        .list_vaults()
        .limit(2)
        .into_pages();
    assert!(pages.next().await.unwrap().is_ok());
    let error = pages.next().await.unwrap().unwrap_err();
    let Error::Pagination(pagination) = &error else {
        panic!("not a pagination error: {error}");
    };
    assert_eq!((pagination.operation, pagination.page), ("list_vaults", 2));
    assert!(pages.next().await.is_none());
    assert_eq!(server.drain().len(), 2);
}

#[tokio::test]
async fn backups_page_by_marker() {
    let (_, example) = response_example("list_backups");
    let template = example.unwrap()["backups"][0].clone();
    let backup = move |id: usize| {
        let mut backup = template.clone();
        backup["id"] = json!(format!("backup-{id}"));
        backup
    };
    let server = MockServer::with_handler(move |request| {
        let start = match query_value(request, "marker") {
            Some(marker) => marker["backup-".len()..].parse::<usize>().unwrap() + 1,
            None => 0,
        };
        let backups: Vec<Value> = (start..5.min(start + 2)).map(&backup).collect();
        Reply::json_value(200, &json!({"backups": backups, "count": 5}))
    });
    let backups = client(&server, AuthKind::AkSk)
        .list_backups()
        .limit(2)
        .into_items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = backups
        .iter()
        .map(|b| b.id.value().unwrap().as_str())
        .collect();
    assert_eq!(
        ids,
        ["backup-0", "backup-1", "backup-2", "backup-3", "backup-4"]
    );
    let requests = server.drain();
    let markers: Vec<_> = requests.iter().map(|r| query_value(r, "marker")).collect();
    assert_eq!(
        markers,
        [None, Some("backup-1".into()), Some("backup-3".into())]
    );
    assert!(requests.iter().all(|r| query_value(r, "offset").is_none()));
}

// ----- waiters -------------------------------------------------------------------------------

/// The documented task with another status.
fn task(status: &str, error: Option<(&str, &str)>) -> Reply {
    let (_, example) = response_example("show_operation_log");
    let mut body = example.unwrap();
    body["operation_log"]["status"] = json!(status);
    if let Some((code, message)) = error {
        body["operation_log"]["error_info"] = json!({"code": code, "message": message});
    }
    Reply::json_value(200, &body)
}

#[tokio::test]
async fn a_task_goes_from_running_to_success_through_the_waiter() {
    let server = MockServer::start(vec![
        task("waiting", None),
        task("running", None),
        task("success", None),
    ]);
    let task = client(&server, AuthKind::AkSk)
        .wait_for_task("op-1", Duration::from_secs(10))
        .poll_interval(Duration::from_millis(10), Duration::from_millis(40))
        .await
        .unwrap();
    assert_eq!(task.status.value(), Some(&OperationLogStatus::Success));
    let requests = server.drain();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.target, format!("/v3/{PROJECT}/operation-logs/op-1"));
        verify_signature(request, AK, SK).unwrap();
    }
}

#[tokio::test]
async fn a_failed_task_ends_the_wait_with_its_state_and_error() {
    let server = MockServer::start(vec![
        task("running", None),
        task("failed", Some(("BackupService.6118", "check failed"))),
    ]);
    let error = client(&server, AuthKind::Token)
        .wait_for_task("op-2", Duration::from_secs(10))
        .poll_interval(Duration::from_millis(10), Duration::from_millis(10))
        .await
        .unwrap_err();
    let WaitError::Failed {
        state,
        detail,
        last,
        ..
    } = &error
    else {
        panic!("not a failure state: {error}");
    };
    assert_eq!(state, "failed");
    assert_eq!(detail.as_deref(), Some("BackupService.6118: check failed"));
    assert_eq!(last.status.value(), Some(&OperationLogStatus::Failed));
    assert_eq!(
        error.to_string(),
        "task op-2 reached the state `failed` (BackupService.6118: check failed) and will not \
         become what was waited for"
    );
}

#[tokio::test]
async fn a_wait_past_its_deadline_says_so() {
    let server = MockServer::with_handler(|_| task("running", None));
    let started = Instant::now();
    let error = client(&server, AuthKind::Token)
        .wait_for_task("op-3", Duration::from_millis(150))
        .poll_interval(Duration::from_millis(20), Duration::from_millis(40))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    let WaitError::TimedOut {
        last_state, polls, ..
    } = &error
    else {
        panic!("not a deadline: {error}");
    };
    assert_eq!(last_state.as_deref(), Some("running"));
    assert!(*polls >= 2, "{polls}");
    assert!(
        error.to_string().contains("after the deadline of 150ms"),
        "{error}"
    );
}

#[tokio::test]
async fn restore_points_and_backups_have_waiters() {
    let (_, example) = response_example("show_checkpoint");
    let mut protecting = example.clone().unwrap();
    protecting["checkpoint"]["status"] = json!("protecting");
    let server = MockServer::start(vec![
        Reply::json_value(200, &protecting),
        Reply::json_value(200, &example.unwrap()),
    ]);
    let checkpoint = client(&server, AuthKind::Token)
        .wait_for_checkpoint("cp-1", Duration::from_secs(5))
        .poll_interval(Duration::from_millis(5), Duration::from_millis(5))
        .await
        .unwrap();
    assert_eq!(
        checkpoint.status.value().map(|s| s.as_str()),
        Some("available")
    );
    assert!(server.drain()[1].target.ends_with("/checkpoints/cp-1"));

    let (_, example) = response_example("show_backup");
    let mut failed = example.unwrap();
    failed["backup"]["status"] = json!("error");
    let server = MockServer::start(vec![Reply::json_value(200, &failed)]);
    let error = client(&server, AuthKind::Token)
        .wait_for_backup("b-1", Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, WaitError::Failed { state, resource: "backup", .. } if state == "error"),
        "{error}"
    );
}
