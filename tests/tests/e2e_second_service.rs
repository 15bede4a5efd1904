//! A second service through the same runtime: the client generated from the small EVS spec in
//! `tests/fixtures/evs/` (crate `tests/fixtures/evs-client`) against the loopback server. Its
//! endpoint template, error shape, error codes, paging and waiter all come from its own spec,
//! so these tests fail if the runtime assumes anything of CBR.

use std::time::Duration;

use cbr_tests::mock_http::{verify_signature, MockServer, Received, Reply};
use evs_client::models::{
    CreateVolumeOption, CreateVolumeOptionVolumeType, CreateVolumeRequestBody,
};
use evs_client::{Client, Error, ErrorCode, RetryConfig, Service, WaitError};
use serde_json::json;

const PROJECT: &str = "5f6e7d8c9b0a41e2a3b4c5d6e7f80912";
const AK: &str = "HPUAEXAMPLEAK0000002";
const SK: &str = "example-secret-key-0002";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .allow_http(true)
        .project_id(PROJECT)
        .ak_sk(AK, SK)
        .retry_config(RetryConfig::disabled())
        .build()
        .expect("the client builds")
}

fn volume(id: &str, status: &str) -> serde_json::Value {
    json!({"id": id, "name": format!("disk-{id}"), "size": 40, "status": status, "volume_type": "SSD"})
}

/// The `offset` query value of a request, 0 when absent.
fn offset(request: &Received) -> usize {
    request
        .query_pairs()
        .into_iter()
        .find(|(key, _)| key == "offset")
        .map_or(0, |(_, value)| value.parse().expect("a numeric offset"))
}

#[test]
fn the_endpoint_comes_from_the_services_own_template() {
    let client = Client::builder()
        .region("my-kualalumpur-1")
        .token("t")
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint(Service::Evs),
        "https://evs.my-kualalumpur-1.myhuaweicloud.com"
    );
    let error = Client::builder().token("t").build().unwrap_err();
    assert!(error.to_string().contains("no endpoint for Evs"), "{error}");
}

#[tokio::test]
async fn a_signed_listing_walks_every_page() {
    let all: Vec<_> = (0..5)
        .map(|i| volume(&format!("v{i}"), "available"))
        .collect();
    let pages = all.clone();
    let server = MockServer::with_handler(move |request| {
        let start = offset(request).min(pages.len());
        let page = &pages[start..(start + 2).min(pages.len())];
        Reply::json_value(200, &json!({"volumes": page, "count": pages.len()}))
    });
    let volumes = client(&server)
        .list_volumes()
        .limit(2)
        .into_items()
        .try_collect()
        .await
        .expect("every page");
    let ids: Vec<&str> = volumes
        .iter()
        .filter_map(|volume| volume.id.value().map(String::as_str))
        .collect();
    assert_eq!(ids, ["v0", "v1", "v2", "v3", "v4"]);
    let requests = server.drain();
    assert_eq!(requests.len(), 3, "three pages of two");
    for (index, request) in requests.iter().enumerate() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path(), format!("/v2/{PROJECT}/cloudvolumes/detail"));
        assert_eq!(offset(request), index * 2);
        let check = verify_signature(request, AK, SK).expect("a valid signature");
        assert!(check.signed_headers.contains("x-project-id"));
        let agent = request.header("user-agent").unwrap_or_default();
        assert!(agent.starts_with("evs-client-fixture/"), "{agent}");
    }
}

#[tokio::test]
async fn an_error_in_the_nested_shape_has_the_services_own_code() {
    let server = MockServer::start(vec![Reply::json(
        404,
        r#"{"error": {"code": "EVS.5404", "message": "The disk does not exist."}}"#,
    )
    .with_header("X-Request-Id", "req-1")]);
    let error = client(&server).show_volume("v9").await.unwrap_err();
    assert_eq!(error.error_code(), Some(&ErrorCode::Evs5404));
    assert_eq!(error.request_id(), Some("req-1"));
    let Error::Api(api) = &error else {
        panic!("not an API error: {error}")
    };
    assert_eq!(api.error_msg.as_deref(), Some("The disk does not exist."));
    // The catalogue's handling measure is part of the message.
    assert!(error.to_string().contains("Check the disk ID."), "{error}");
    assert_eq!(
        server.next_request().path(),
        format!("/v2/{PROJECT}/cloudvolumes/v9")
    );
}

#[tokio::test]
async fn a_creation_is_validated_by_its_own_bounds_then_sent() {
    let server = MockServer::start(vec![Reply::json(
        202,
        r#"{"job_id": "job-1", "volume_ids": ["v7"]}"#,
    )]);
    let client = client(&server);
    let too_small = CreateVolumeOption::new("az-1", 5, CreateVolumeOptionVolumeType::Ssd);
    let error = client
        .create_volume(CreateVolumeRequestBody::new(too_small))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert!(error.to_string().contains("volume.size"), "{error}");
    assert!(server.try_next_request(Duration::from_millis(50)).is_none());

    let option = CreateVolumeOption::new("az-1", 40, CreateVolumeOptionVolumeType::Ssd);
    let created = client
        .create_volume(CreateVolumeRequestBody::new(option))
        .await
        .expect("created");
    assert_eq!(created.job_id.value().map(String::as_str), Some("job-1"));
    let request = server.next_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.json()["volume"]["volume_type"], "SSD");
}

#[tokio::test]
async fn the_waiter_of_its_spec_polls_until_a_state_it_lists() {
    let server = MockServer::start(vec![
        Reply::json_value(200, &json!({"volume": volume("v1", "creating")})),
        Reply::json_value(200, &json!({"volume": volume("v1", "downloading")})),
        Reply::json_value(200, &json!({"volume": volume("v1", "available")})),
        Reply::json_value(200, &json!({"volume": volume("v2", "error_extending")})),
    ]);
    let client = client(&server);
    let ready = client
        .wait_for_volume("v1", Duration::from_secs(10))
        .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
        .await
        .expect("available");
    assert_eq!(ready.status.value().map(String::as_str), Some("available"));
    let failed = client
        .wait_for_volume("v2", Duration::from_secs(10))
        .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
        .await
        .unwrap_err();
    let WaitError::Failed {
        resource, state, ..
    } = &failed
    else {
        panic!("not a failure: {failed}")
    };
    assert_eq!((*resource, state.as_str()), ("disk", "error_extending"));
    assert_eq!(server.drain().len(), 4);
}
