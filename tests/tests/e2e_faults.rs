//! Faults in the middle of a transfer, against the fault-injecting loopback server: every call
//! ends within its deadline with a value or with the typed error that names the fault, and is
//! retried or not as `RetryConfig` documents; a `POST` that may have reached the service is
//! never sent twice. Also the overall deadline, the retry budget and cancellation.

mod e2e_support;

use std::time::{Duration, Instant};

use cbr_tests::fault_http::{Answer, Fault, FaultServer};
use e2e_support::{request_example, response_example, AuthKind};
use huaweicloud_cbr::models::CreateVaultRequestBody;
use huaweicloud_cbr::{Client, Error, RetryConfig, TransportErrorKind};
use huaweicloud_cbr::{DecodeErrorKind, RetryBudget};

/// The documented success body of `operation`, as the server sends it.
fn documented(operation: &str, request_id: &str) -> Answer {
    let (status, body) = response_example(operation);
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    Answer::json(status, request_id, &body)
}

fn vaults() -> Answer {
    documented("list_vaults", "req-ok")
}

fn vault_request() -> CreateVaultRequestBody {
    serde_json::from_value(request_example("create_vault", None)).unwrap()
}

/// Three attempts with quick backoff; a 3 s attempt timeout; `POST`s retried too where the
/// rules allow, which is the configuration that used to send a `POST` three times.
fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(10))
        .with_max_backoff(Duration::from_millis(100))
        .with_retry_non_idempotent(true)
}

fn client(server: &FaultServer, timeout: Duration) -> Client {
    e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .timeout(timeout)
        .retry_config(retries())
        .build()
        .unwrap()
}

/// The first request gets `fault`, the others the documented answer of `operation`.
fn first_then_ok(fault: Fault, operation: &'static str) -> FaultServer {
    FaultServer::start(move |n, _| match n {
        0 => fault.clone(),
        _ => Fault::None(documented(operation, "req-ok")),
    })
}

/// The call ended, and within `limit`.
async fn within<T>(limit: Duration, call: impl std::future::IntoFuture<Output = T>) -> T {
    let started = Instant::now();
    let outcome = tokio::time::timeout(limit, call)
        .await
        .unwrap_or_else(|_| panic!("the call did not end within {limit:?}"));
    assert!(started.elapsed() < limit);
    outcome
}

const LIMIT: Duration = Duration::from_secs(5);

// ----- a response lost after its status arrived ------------------------------------------------

/// A `POST` whose response broke after the status line: the error keeps the status, request ID
/// and headers, says the operation may have taken effect, is not retryable, and was sent once.
async fn assert_post_answered_then_lost(fault: Fault, cause: &str) {
    let server = first_then_ok(fault, "create_vault");
    let client = client(&server, Duration::from_secs(3));
    let error = within(LIMIT, client.create_vault(vault_request()))
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{cause}: not a transport error: {error}");
    };
    let response = transport.response.as_ref().expect("the status arrived");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{cause}");
    assert_eq!(error.request_id(), Some("req-ok"), "{cause}");
    assert_eq!(response.headers["content-type"], "application/json");
    assert!(!error.is_retryable(), "{cause}: {error}");
    let message = error.to_string();
    assert!(message.contains("the service answered 200 OK"), "{message}");
    assert!(message.contains("may have taken effect"), "{message}");
    assert!(message.contains("not sent again"), "{message}");
    assert_eq!(server.requests(), 1, "{cause}: the POST was sent again");
}

#[tokio::test]
async fn a_post_whose_connection_resets_after_the_headers_is_not_sent_again() {
    assert_post_answered_then_lost(
        Fault::ResetAfterHeaders(documented("create_vault", "req-ok")),
        "reset after headers",
    )
    .await;
}

#[tokio::test]
async fn a_post_whose_body_resets_midway_is_not_sent_again() {
    assert_post_answered_then_lost(
        Fault::ResetMidBody(documented("create_vault", "req-ok")),
        "reset mid-body",
    )
    .await;
}

#[tokio::test]
async fn a_post_whose_body_is_truncated_is_not_sent_again() {
    assert_post_answered_then_lost(
        Fault::TruncatedBody(documented("create_vault", "req-ok")),
        "truncated",
    )
    .await;
}

#[tokio::test]
async fn a_post_whose_chunked_body_lacks_its_last_chunk_is_not_sent_again() {
    assert_post_answered_then_lost(
        Fault::ChunkedWithoutLastChunk(documented("create_vault", "req-ok")),
        "chunked without last chunk",
    )
    .await;
}

#[tokio::test]
async fn a_get_whose_body_is_cut_off_is_retried_and_succeeds() {
    for fault in [
        Fault::ResetAfterHeaders(vaults()),
        Fault::ResetMidBody(vaults()),
        Fault::TruncatedBody(vaults()),
        Fault::ChunkedWithoutLastChunk(vaults()),
    ] {
        let name = format!("{fault:?}");
        let server = first_then_ok(fault, "list_vaults");
        let (_, metadata) = within(
            LIMIT,
            client(&server, Duration::from_secs(3))
                .list_vaults()
                .send_with_metadata(),
        )
        .await
        .unwrap_or_else(|e| panic!("{name:.40}: {e}"));
        assert_eq!(metadata.attempts, 2, "{name:.40}");
        assert_eq!(server.requests(), 2, "{name:.40}");
    }
}

#[tokio::test]
async fn a_post_reset_before_the_headers_may_have_arrived_and_is_not_sent_again() {
    let server = first_then_ok(Fault::ResetBeforeHeaders, "create_vault");
    let client = client(&server, Duration::from_secs(3));
    let error = within(LIMIT, client.create_vault(vault_request()))
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}");
    };
    assert_eq!(transport.kind, TransportErrorKind::Other);
    assert!(transport.response.is_none());
    assert!(!error.is_retryable(), "{error}");
    assert_eq!(server.requests(), 1);
    // The same fault under a GET is retried.
    let server = first_then_ok(Fault::ResetBeforeHeaders, "list_vaults");
    let client = self::client(&server, Duration::from_secs(3));
    within(LIMIT, client.list_vaults()).await.unwrap();
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_stalled_body_times_out_keeping_the_status_and_request_id() {
    let server = first_then_ok(Fault::StallBody(vaults()), "list_vaults");
    let client = client(&server, Duration::from_millis(300));
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}");
    };
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.request_id(), Some("req-ok"));
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(
        message.contains("answered 200 OK")
            && message.contains("did not arrive within the request timeout of 300ms"),
        "{message}"
    );
    assert!(!message.contains("no response"), "{message}");
    assert_eq!(server.requests(), 1);
    // The half-read connection is closed, not pooled.
    assert_eq!(server.wait_until_closed(Duration::from_secs(2)).await, 0);
}

#[tokio::test]
async fn headers_one_byte_a_second_end_in_the_request_timeout() {
    let slow = Fault::SlowHeaders(vaults(), Duration::from_secs(1));
    let server = first_then_ok(slow, "list_vaults");
    let client = client(&server, Duration::from_millis(1500));
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}");
    };
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert!(transport.response.is_none(), "the headers never completed");
    assert!(error.to_string().contains("no response from"), "{error}");
    assert_eq!(server.requests(), 1, "a timeout is not retried");
}

// ----- malformed responses ---------------------------------------------------------------------

#[tokio::test]
async fn a_malformed_status_line_is_its_own_kind_and_not_retried() {
    let server = first_then_ok(Fault::MalformedStatusLine, "list_vaults");
    let client = client(&server, Duration::from_secs(3));
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}");
    };
    assert_eq!(
        transport.kind,
        TransportErrorKind::MalformedResponse,
        "{error}"
    );
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("is not valid HTTP"), "{error}");
    assert_eq!(server.requests(), 1, "a malformed response was retried");
}

#[tokio::test]
async fn a_content_length_shorter_than_the_body_is_a_framing_fault_not_a_spec_mismatch() {
    let answer = vaults();
    let short = answer.body.len() / 2;
    let server = first_then_ok(Fault::WrongContentLength(answer, short), "list_vaults");
    let client = client(&server, Duration::from_secs(3));
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error}");
    };
    assert_eq!(decode.kind, DecodeErrorKind::Truncated);
    assert_eq!(decode.body_len, short);
    let message = error.to_string();
    assert!(message.contains("not a spec mismatch"), "{message}");
    assert!(!message.contains("does not match the spec"), "{message}");
    assert!(!message.contains("is not JSON"), "{message}");
    assert_eq!(error.request_id(), Some("req-ok"));
}

#[tokio::test]
async fn a_content_length_longer_than_the_body_is_a_cut_off_body_and_a_get_retries() {
    let answer = vaults();
    let long = answer.body.len() + 100;
    let server = first_then_ok(Fault::WrongContentLength(answer, long), "list_vaults");
    let client = client(&server, Duration::from_secs(3));
    let (_, metadata) = within(LIMIT, client.list_vaults().send_with_metadata())
        .await
        .unwrap();
    assert_eq!(metadata.attempts, 2);
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error_and_an_html_success_is_not_json() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = FaultServer::start(move |_, _| Fault::None(Answer::html(502, page)));
    let client = client(&server, Duration::from_secs(3));
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
    assert_eq!(server.requests(), 3, "a 502 is retried up to the attempts");

    let server = FaultServer::start(move |_, _| Fault::None(Answer::html(200, page)));
    let error = within(
        LIMIT,
        self::client(&server, Duration::from_secs(3)).list_vaults(),
    )
    .await
    .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error}");
    };
    assert_eq!(decode.kind, DecodeErrorKind::NotJson);
    assert_eq!(server.requests(), 1);
}

// ----- Retry-After and backoff -----------------------------------------------------------------

#[tokio::test]
async fn a_503_without_retry_after_is_retried_after_at_least_the_backoff_floor() {
    let server = first_then_ok(Fault::None(Answer::unavailable(None)), "list_vaults");
    let retry = retries()
        .with_initial_backoff(Duration::from_millis(400))
        .with_max_backoff(Duration::from_secs(1));
    let client = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .retry_config(retry)
        .build()
        .unwrap();
    let started = Instant::now();
    within(LIMIT, client.list_vaults()).await.unwrap();
    // Equal jitter: the first wait is at least half of the 400 ms initial backoff.
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_retry_after_of_an_hour_ends_the_call_at_once_and_says_so() {
    let server = first_then_ok(
        Fault::None(Answer::unavailable(Some("3600"))),
        "list_vaults",
    );
    let client = client(&server, Duration::from_secs(3));
    let started = Instant::now();
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    let Error::Api(api) = &error else {
        panic!("{error}");
    };
    assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
    assert_eq!(api.wait_limit, Some(Duration::from_millis(100)));
    assert!(!error.is_retryable(), "the client will not wait an hour");
    let message = error.to_string();
    assert!(message.contains("asked to wait 3600s"), "{message}");
    assert!(!message.contains("try again later"), "{message}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_retry_after_date_in_the_past_is_retried_at_once() {
    let past = Answer::unavailable(Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    let server = first_then_ok(Fault::None(past), "list_vaults");
    let client = client(&server, Duration::from_secs(3));
    let (_, metadata) = within(LIMIT, client.list_vaults().send_with_metadata())
        .await
        .unwrap();
    assert_eq!(metadata.attempts, 2);
}

// ----- pooled connections ----------------------------------------------------------------------

#[tokio::test]
async fn a_pooled_connection_the_server_closed_while_idle_is_not_a_failure() {
    let server =
        FaultServer::start(|_, _| Fault::CloseWhenIdle(vaults(), Duration::from_millis(20)));
    let client = client(&server, Duration::from_secs(3));
    for _ in 0..3 {
        within(LIMIT, client.list_vaults()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A request sent on a connection the client had not yet seen closed never reaches the
    // server, and the client sends it again: every request the server read came on a new
    // connection.
    assert!(server.requests() >= 3);
    assert_eq!(
        server.connections_accepted(),
        server.requests(),
        "each request needed a new connection"
    );
}

// ----- the overall deadline --------------------------------------------------------------------

#[tokio::test]
async fn the_overall_deadline_bounds_retries_and_names_the_attempts() {
    let server = FaultServer::start(|_, _| Fault::None(Answer::unavailable(None)));
    let client = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .retry_config(
            retries()
                .with_max_attempts(100)
                .with_initial_backoff(Duration::from_millis(40))
                .with_max_backoff(Duration::from_millis(40)),
        )
        .call_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    // Slack for a busy machine; without the deadline the 100 attempts take over 2 s.
    assert!(
        started.elapsed() <= Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    let Error::Deadline(deadline) = &error else {
        panic!("{error}");
    };
    assert!(
        deadline.attempts >= 2 && deadline.attempts < 100,
        "{}",
        deadline.attempts
    );
    // The deadline can cancel the last attempt before its request reaches the server (seen
    // under load); every earlier attempt was answered.
    let seen = server.requests() as u32;
    assert!(
        seen == deadline.attempts || seen + 1 == deadline.attempts,
        "server saw {seen}, the error counts {}",
        deadline.attempts
    );
    assert_eq!(error.request_id(), Some("req-503"));
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(
        message.contains("overall deadline of 300ms")
            && message.contains(&format!("after {} attempts", deadline.attempts))
            && message.contains("503"),
        "{message}"
    );
}

#[tokio::test]
async fn the_overall_deadline_stops_a_stalled_attempt_and_keeps_its_request_id() {
    let server = FaultServer::start(|n, _| match n {
        0 => Fault::None(Answer::unavailable(None)),
        _ => Fault::StallBody(documented("list_vaults", "req-stalled")),
    });
    let client = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .retry_config(retries())
        .timeout(Duration::from_secs(30))
        .call_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let error = within(LIMIT, client.list_vaults()).await.unwrap_err();
    let Error::Deadline(deadline) = &error else {
        panic!("{error}");
    };
    assert_eq!(deadline.attempts, 2);
    assert_eq!(error.request_id(), Some("req-stalled"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.to_string().contains("after 2 attempts"), "{error}");
}

// ----- the retry budget ------------------------------------------------------------------------

/// Sends `calls` `list_vaults` calls, `concurrency` at a time; the results in call order.
async fn run_calls(client: &Client, calls: usize, concurrency: usize) -> Vec<Result<(), Error>> {
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut set = tokio::task::JoinSet::new();
    for index in 0..calls {
        let client = client.clone();
        let permits = std::sync::Arc::clone(&permits);
        set.spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            // The offset tells the server which call a request belongs to.
            let call = client.list_vaults().offset(index as i64);
            (index, call.await.map(drop))
        });
    }
    let mut results: Vec<Option<Result<(), Error>>> = (0..calls).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        let (index, result) = joined.expect("no call panics");
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|r| r.expect("every call ended"))
        .collect()
}

/// The call number a request of [`run_calls`] carries in its `offset`.
fn call_index(target: &str) -> usize {
    let (_, query) = target.split_once('?').expect("a query");
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("offset="))
        .and_then(|offset| offset.parse().ok())
        .expect("an offset")
}

/// A client with the default retry budget, or with none.
fn budget_client(server: &FaultServer, budgeted: bool) -> Client {
    let mut retry = RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(2))
        .with_max_backoff(Duration::from_millis(4));
    if !budgeted {
        retry = retry.with_budget(None);
    }
    e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .retry_config(retry)
        .build()
        .unwrap()
}

#[tokio::test]
async fn under_constant_503s_the_budget_keeps_requests_near_the_number_of_calls() {
    const CALLS: usize = 300;
    let server = FaultServer::start(|_, _| Fault::None(Answer::unavailable(None)));
    let results = run_calls(&budget_client(&server, true), CALLS, 50).await;
    assert!(results.iter().all(|r| r
        .as_ref()
        .is_err_and(|e| e.status().is_some_and(|s| s == 503))));
    // On by default, the standard budget: 500 tokens, 5 per retry, nothing refunded by
    // failures.
    assert_eq!(
        RetryConfig::standard().budget(),
        Some(&RetryBudget::standard())
    );
    let with_budget = server.requests();
    assert_eq!(with_budget, CALLS + 100, "first attempts are never refused");

    let server = FaultServer::start(|_, _| Fault::None(Answer::unavailable(None)));
    run_calls(&budget_client(&server, false), CALLS, 50).await;
    assert_eq!(
        server.requests(),
        3 * CALLS,
        "without a budget every call makes 3 attempts"
    );
}

#[tokio::test]
async fn intermittent_failures_are_still_retried_under_the_budget() {
    const CALLS: usize = 400;
    // The first attempt of one call in twenty fails, a rate at which the budget stays full.
    let failed_once = std::sync::Mutex::new(std::collections::HashSet::new());
    let server = FaultServer::start(move |_, seen| {
        let call = call_index(&seen.target);
        if call % 20 == 7 && failed_once.lock().unwrap().insert(call) {
            return Fault::None(Answer::unavailable(None));
        }
        Fault::None(vaults())
    });
    let results = run_calls(&budget_client(&server, true), CALLS, 50).await;
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} failed, first: {}",
        failed.len(),
        failed[0]
    );
    assert_eq!(
        server.requests(),
        CALLS + CALLS / 20,
        "each fault was retried once"
    );
}

// ----- cancellation ----------------------------------------------------------------------------

#[tokio::test]
async fn a_call_dropped_in_its_backoff_sends_nothing_more() {
    let server = first_then_ok(Fault::None(Answer::unavailable(None)), "list_vaults");
    let client = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_secs(10))
                .with_max_backoff(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    let tasks = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    // The first attempt gets its 503 at once; the call then waits at least 5 s.
    let dropped = tokio::time::timeout(Duration::from_millis(300), client.list_vaults()).await;
    assert!(dropped.is_err(), "the call was still waiting");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests(), 1, "a dropped call went on retrying");
    // The only thing left is the idle pooled connection, which goes with the client.
    drop(client);
    assert_eq!(server.wait_until_closed(Duration::from_secs(2)).await, 0);
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        tasks
    );
}

#[tokio::test]
async fn a_call_dropped_while_reading_a_body_closes_its_connection_at_once() {
    let server = FaultServer::start(|_, _| Fault::StallBody(vaults()));
    let client = client(&server, Duration::from_secs(30));
    let dropped = tokio::time::timeout(Duration::from_millis(200), client.list_vaults()).await;
    assert!(dropped.is_err());
    // The client is still alive: the connection is closed, not returned to its pool half-read.
    assert_eq!(server.wait_until_closed(Duration::from_secs(1)).await, 0);
    assert_eq!(server.connections_accepted(), 1);
}

#[tokio::test]
async fn a_dropped_waiter_stops_polling() {
    let (_, task) = response_example("show_operation_log");
    let mut running = task.expect("a documented task");
    running["operation_log"]["status"] = serde_json::json!("running");
    let body = running.to_string();
    let server = FaultServer::start(move |_, _| Fault::None(Answer::json(200, "req-task", &body)));
    let client = client(&server, Duration::from_secs(3));
    let waiter = client
        .wait_for_task("op-1", Duration::from_secs(60))
        .poll_interval(Duration::from_millis(10), Duration::from_millis(10));
    let dropped = tokio::time::timeout(Duration::from_millis(150), waiter).await;
    assert!(dropped.is_err(), "the task never finishes");
    let polls = server.requests();
    assert!(polls >= 2, "{polls}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.requests(), polls, "a dropped waiter went on polling");
}
