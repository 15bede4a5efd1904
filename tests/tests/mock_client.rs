//! The mock client of feature `test-util`: typed rules answer through the client's own path
//! (validation, retries, error mapping, paging, waiters), on a paused Tokio clock where time
//! matters.

use std::time::Duration;

use huaweicloud_cbr::mock::{self, rule, Fault, Mock, MockApiError, RecordedResponse, RuleMode};
use huaweicloud_cbr::models::{
    CreateVaultRequestBody, ListVaultsResponseBody, OperationLog, OperationLogStatus,
    ShowOperationLogResponseBody, Vault,
};
use huaweicloud_cbr::{
    ConfigError, DecodeErrorKind, Error, ErrorCode, HeaderMap, RetryConfig, StatusCode,
    TransportErrorKind, WaitError,
};

fn vault(id: &str) -> Vault {
    Vault::new().with_id(id).with_name(format!("name-{id}"))
}

fn vaults_page(ids: &[&str], count: i64) -> ListVaultsResponseBody {
    ListVaultsResponseBody::new()
        .with_vaults(ids.iter().map(|id| vault(id)).collect())
        .with_count(count)
}

fn busy() -> MockApiError {
    MockApiError::new(503, ErrorCode::from("APIGW.0308"), "throttled").with_request_id("r-503")
}

/// The spec's first documented `create_vault` request, with the vault named `name`.
fn vault_request(name: &str) -> CreateVaultRequestBody {
    let spec = cbr_tests::spec();
    let operation = cbr_tests::operations(&spec)
        .into_iter()
        .find(|op| op.id() == "create_vault")
        .expect("create_vault is in the spec");
    let mut body = operation.value["requestBody"]["content"]["application/json"]["examples"]
        .as_object()
        .and_then(|examples| examples.values().next())
        .map(|example| example["value"].clone())
        .expect("a documented request example");
    body["vault"]["name"] = name.into();
    serde_json::from_value(body).expect("the example reads")
}

#[tokio::test(start_paused = true)]
async fn a_sequence_answers_503_then_200_and_the_client_retries_in_virtual_time() {
    let listing = rule::list_vaults()
        .then_error(busy())
        .then_output(vaults_page(&["v-1"], 1))
        .build();
    let client = mock::client(Mock::new().with_rule(&listing));
    let started = tokio::time::Instant::now();
    let (page, metadata) = client
        .list_vaults()
        .limit(10)
        .send_with_metadata()
        .await
        .unwrap();
    assert_eq!(metadata.attempts, 2);
    assert_eq!(page.vaults.value().map(Vec::len), Some(1));
    assert_eq!(listing.uses(), 2);
    // The backoff was waited on the virtual clock.
    assert!(started.elapsed() >= RetryConfig::standard().initial_backoff() / 2);
    let seen = listing.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].query("limit"), Some("10"));
    assert_eq!(seen[0].path("project_id"), mock::PROJECT_ID);
    assert!(
        seen[0].raw().headers.get("x-auth-token").is_none(),
        "credentials recorded"
    );
}

#[tokio::test]
async fn an_api_error_is_mapped_with_its_typed_code_message_and_request_id() {
    let failing = rule::show_vault()
        .then_error(
            MockApiError::new(404, ErrorCode::from("BackupService.6009"), "no such vault")
                .with_request_id("r-404"),
        )
        .build();
    let client = mock::client(Mock::new().with_rule(&failing));
    let error = client.show_vault("v-9").await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error}")
    };
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.error_code, Some(ErrorCode::from("BackupService.6009")));
    assert_eq!(api.error_msg.as_deref(), Some("no such vault"));
    assert_eq!(error.request_id(), Some("r-404"));
    assert_eq!(failing.requests()[0].path("vault_id"), "v-9");
}

#[tokio::test(start_paused = true)]
async fn transport_faults_are_retried_as_real_ones_would_be() {
    let refused = rule::list_vaults()
        .then_fault(Fault::ConnectionRefused)
        .then_output(vaults_page(&[], 0))
        .build();
    let client = mock::client(Mock::new().with_rule(&refused));
    client.list_vaults().await.unwrap();
    assert_eq!(refused.uses(), 2, "a refused connection is retried");

    let timeout = rule::list_vaults().then_fault(Fault::Timeout).build();
    let client = mock::client(Mock::new().with_rule(&timeout));
    let error = client.list_vaults().await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert_eq!(timeout.uses(), 1, "a timeout is not retried");
}

#[tokio::test]
async fn validation_runs_before_the_mock_sees_anything() {
    let listing = rule::list_vaults().then_output(vaults_page(&[], 0)).build();
    let client = mock::client(Mock::new().with_rule(&listing));
    let error = client.list_vaults().limit(0).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert_eq!(listing.uses(), 0);
}

#[tokio::test]
async fn an_unmatched_request_names_the_operation_and_every_rule_tried() {
    let other = rule::show_vault().then_output(Default::default()).build();
    let picky = rule::list_vaults()
        .match_requests(|request| request.query("name") == Some("prod"))
        .then_output(vaults_page(&[], 0))
        .build();
    let once = rule::list_vaults()
        .then_output(vaults_page(&[], 0))
        .times(1)
        .build();
    let client = mock::client(
        Mock::new()
            .with_rule(&other)
            .with_rule(&picky)
            .with_rule(&once),
    );
    client.list_vaults().await.unwrap();
    let error = client.list_vaults().await.unwrap_err();
    let Error::Config(ConfigError::NoMockRule {
        operation, tried, ..
    }) = &error
    else {
        panic!("{error}")
    };
    assert_eq!(operation, "list_vaults");
    assert_eq!(tried.len(), 3, "{tried:?}");
    assert!(tried[0].contains("show_vault") && tried[0].contains("another operation"));
    assert!(tried[1].contains("predicate refused"), "{}", tried[1]);
    assert!(tried[2].contains("used up"), "{}", tried[2]);
    let message = error.to_string();
    assert!(
        message.contains("no mock rule answers list_vaults (GET "),
        "{message}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_predicate_reads_the_typed_body_and_rules_record_what_they_answered() {
    let prod = rule::create_vault()
        .match_requests(|request| request.body().is_some_and(|b| b.vault.name == "prod"))
        .then_output(Default::default())
        .build();
    let client = mock::client(Mock::new().with_rule(&prod));
    client.create_vault(vault_request("prod")).await.unwrap();
    let error = client
        .create_vault(vault_request("test"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::NoMockRule { .. })),
        "{error}"
    );
    let recorded = prod.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0].body().map(|b| b.vault.name.as_str()),
        Some("prod")
    );
}

#[tokio::test]
async fn paging_walks_every_page_the_rules_give() {
    let pages = rule::list_vaults()
        .then_output(vaults_page(&["a", "b"], 5))
        .then_output(vaults_page(&["c", "d"], 5))
        .then_output(vaults_page(&["e"], 5))
        .times(3)
        .build();
    let client = mock::client(Mock::new().with_rule(&pages));
    let mut items = client.list_vaults().limit(2).into_items();
    let mut ids = Vec::new();
    while let Some(vault) = items.next().await {
        ids.push(vault.unwrap().id.value().cloned().unwrap());
    }
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let offsets: Vec<Option<String>> = pages
        .requests()
        .iter()
        .map(|r| r.query("offset").map(str::to_owned))
        .collect();
    assert_eq!(offsets, [None, Some("2".into()), Some("4".into())]);
}

fn task(status: OperationLogStatus) -> ShowOperationLogResponseBody {
    ShowOperationLogResponseBody::new()
        .with_operation_log(OperationLog::new().with_id("t-1").with_status(status))
}

#[tokio::test(start_paused = true)]
async fn a_waiter_polls_in_virtual_time_until_the_terminal_state() {
    let polls = rule::show_operation_log()
        .then_output(task(OperationLogStatus::Running))
        .then_output(task(OperationLogStatus::Running))
        .then_output(task(OperationLogStatus::Success))
        .build();
    let client = mock::client(Mock::new().with_rule(&polls));
    let started = tokio::time::Instant::now();
    let log = client
        .wait_for_task("t-1", Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(log.status.value(), Some(&OperationLogStatus::Success));
    assert_eq!(polls.uses(), 3);
    // Two waits of at least the minimum poll interval (5 s), on the virtual clock.
    assert!(
        started.elapsed() >= Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(3600));

    let stuck = rule::show_operation_log()
        .then_output(task(OperationLogStatus::Running))
        .build();
    let client = mock::client(Mock::new().with_rule(&stuck));
    // Bounded, so that a waiter off the virtual clock fails here instead of polling forever.
    let waited = client.wait_for_task("t-1", Duration::from_secs(600));
    let error = tokio::time::timeout(Duration::from_secs(7200), waited)
        .await
        .expect("the waiter's deadline passes on the virtual clock")
        .unwrap_err();
    assert!(matches!(error, WaitError::TimedOut { .. }), "{error}");
    assert!(stuck.uses() > 2);
}

#[tokio::test]
async fn sequential_rules_answer_one_after_the_other() {
    let first = rule::list_vaults()
        .then_output(vaults_page(&["a"], 1))
        .build();
    let second = rule::show_vault().then_output(Default::default()).build();
    let client = mock::client(
        Mock::new()
            .with_mode(RuleMode::Sequential)
            .with_rule(&first)
            .with_rule(&second),
    );
    // Out of turn: the sequence expects list_vaults first.
    let error = client.show_vault("a").await.unwrap_err();
    assert!(error.to_string().contains("next in sequence"), "{error}");
    client.list_vaults().await.unwrap();
    client.show_vault("a").await.unwrap();
    let error = client.list_vaults().await.unwrap_err();
    assert!(error.to_string().contains("used up"), "{error}");
}

#[tokio::test]
async fn replay_answers_from_recorded_raw_responses_through_the_same_decoding() {
    let recorded = RecordedResponse::json(
        StatusCode::OK,
        r#"{"vaults": [{"id": "v-1", "name": "db", "future_member": 1}], "count": 1}"#,
    )
    .with_header("X-Request-Id", "r-1");
    let cut_short = RecordedResponse::json(StatusCode::OK, r#"{"vaults": [{"id": "#);
    let html = RecordedResponse::new(StatusCode::BAD_GATEWAY, HeaderMap::new(), "<html>");
    let client = mock::replay([recorded, cut_short, html]);
    let (page, metadata) = client.list_vaults().send_with_metadata().await.unwrap();
    assert_eq!(metadata.request_id.as_deref(), Some("r-1"));
    let vault = &page.vaults.value().unwrap()[0];
    assert!(vault.unknown_members.contains_key("future_member"));
    let error = client.list_vaults().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error}")
    };
    assert_eq!(decode.kind, DecodeErrorKind::Truncated);
    // A 502 is retried; the replay has nothing left for the second attempt.
    let error = client.list_vaults().await.unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::NoMockRule { .. })),
        "{error}"
    );
}
