//! The runtime and the generated client: `Nullable`, unknown members and enum values, request
//! validation, path encoding, and whole requests against a loopback server.

use cbr_tests::mock_http::{MockServer, Reply};
use huaweicloud_cbr::models::{
    CreateVbsBackupRequestBody, Member, MemberStatus, OpExtendInfoCommon, ShowVaultResponseBody,
    Tag, UpdateShareMemberRequestBody, VbsBackupCreate,
};
use huaweicloud_cbr::{Client, ConfigError, Error, ErrorCode, Nullable, Rule, Service};
use serde_json::{json, Value};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: &Value) -> (T, Value) {
    let value: T = serde_json::from_value(input.clone()).expect("deserialises");
    let output = serde_json::to_value(&value).expect("serialises");
    (value, output)
}

// ----- Nullable ------------------------------------------------------------------------------

#[test]
fn nullable_keeps_absent_null_and_value_apart() {
    let (common, output): (OpExtendInfoCommon, _) =
        round_trip(&json!({"progress": null, "task_id": "t-1"}));
    assert_eq!(common.progress, Nullable::Null);
    assert_eq!(common.request_id, Nullable::Absent);
    assert_eq!(common.task_id, Nullable::Value("t-1".to_owned()));
    assert_eq!(output, json!({"progress": null, "task_id": "t-1"}));
    assert_eq!(common.progress.value(), None);
    assert_eq!(common.task_id.into_option().as_deref(), Some("t-1"));
}

#[test]
fn nullable_standalone_reads_null_and_values() {
    let null: Nullable<i64> = serde_json::from_str("null").unwrap();
    let five: Nullable<i64> = serde_json::from_str("5").unwrap();
    assert_eq!((null, five), (Nullable::Null, Nullable::Value(5)));
    assert_eq!(
        serde_json::to_string(&Nullable::<i64>::Null).unwrap(),
        "null"
    );
}

// ----- unknown members and duplicate / missing members -----------------------------------------

#[test]
fn unknown_members_are_kept_and_serialised_back() {
    let input = json!({
        "id": "m-1",
        "status": "accepted",
        "added_later": {"nested": [1, 2, {"x": null}]},
        "flag": true
    });
    let (member, output): (Member, _) = round_trip(&input);
    assert_eq!(member.id.value().map(String::as_str), Some("m-1"));
    assert_eq!(member.unknown_members.len(), 2);
    assert_eq!(member.unknown_members["flag"], json!(true));
    assert_eq!(output, input);
}

#[test]
fn an_unknown_member_named_like_a_listed_one_is_not_serialised() {
    let mut member = Member::new().with_id("m-1");
    member.unknown_members.insert("id".into(), json!("shadow"));
    member.unknown_members.insert("other".into(), json!(1));
    assert_eq!(
        serde_json::to_value(&member).unwrap(),
        json!({"id": "m-1", "other": 1})
    );
}

#[test]
fn a_duplicate_member_is_an_error() {
    let error = serde_json::from_str::<Member>(r#"{"id": "a", "id": "b"}"#).unwrap_err();
    assert!(
        error.to_string().contains("duplicate field `id`"),
        "{error}"
    );
    let error = serde_json::from_str::<Member>(r#"{"x": 1, "x": 2}"#).unwrap_err();
    assert!(error.to_string().contains("duplicate field `x`"), "{error}");
}

#[test]
fn a_missing_required_member_is_an_error() {
    let error = serde_json::from_str::<UpdateShareMemberRequestBody>("{}").unwrap_err();
    assert!(
        error.to_string().contains("missing field `status`"),
        "{error}"
    );
}

#[test]
fn a_member_of_the_wrong_type_is_an_error() {
    let error = serde_json::from_str::<Member>(r#"{"id": 5}"#).unwrap_err();
    assert!(error.to_string().contains("invalid type"), "{error}");
}

// ----- enumerations --------------------------------------------------------------------------

#[test]
fn an_unknown_enum_value_is_kept_and_sent_back() {
    let status: MemberStatus = serde_json::from_str(r#""frozen""#).unwrap();
    assert!(status.is_unknown());
    assert_eq!(status.as_str(), "frozen");
    assert_eq!(status.to_string(), "frozen");
    assert_eq!(serde_json::to_string(&status).unwrap(), r#""frozen""#);
    let known: MemberStatus = "accepted".parse().unwrap();
    assert_eq!(known, MemberStatus::Accepted);
    assert!(!known.is_unknown());
    assert_eq!(MemberStatus::from("pending"), MemberStatus::Pending);
    assert!(MemberStatus::VALUES.contains(&"rejected"));
}

#[test]
fn an_unknown_enum_value_in_a_request_fails_validation() {
    let body = UpdateShareMemberRequestBody::new(MemberStatus::from("frozen"));
    let error = body.validate().unwrap_err();
    assert_eq!(error.path(), "status");
    assert!(matches!(error.rule(), Rule::Enum { allowed } if allowed.contains(&"accepted")));
    assert!(UpdateShareMemberRequestBody::new(MemberStatus::Accepted)
        .validate()
        .is_ok());
}

// ----- validation ----------------------------------------------------------------------------

fn vbs_body(name: &str, tags: Vec<Tag>) -> CreateVbsBackupRequestBody {
    CreateVbsBackupRequestBody::new(VbsBackupCreate::new("vol-1", name).with_tags(tags))
}

#[test]
fn validation_names_the_member_path_and_the_rule() {
    let error = vbs_body("", vec![]).validate().unwrap_err();
    assert_eq!(error.path(), "backup.name");
    assert_eq!(*error.rule(), Rule::MinLength(1));

    let long_key = "k".repeat(37);
    let error = vbs_body("ok", vec![Tag::new("a"), Tag::new(long_key)])
        .validate()
        .unwrap_err();
    assert_eq!(error.path(), "backup.tags[1].key");
    assert_eq!(*error.rule(), Rule::MaxLength(36));
    assert_eq!(
        error.to_string(),
        "`backup.tags[1].key` must have at most 36 characters"
    );

    assert!(vbs_body("ok", vec![Tag::new("a")]).validate().is_ok());
}

// ----- the client against a loopback server ----------------------------------------------------

fn client(server: &MockServer) -> Client {
    Client::builder()
        .project_id("proj-1")
        .token("token-1")
        .endpoint(Service::Cbr, server.base_url.clone())
        .endpoint(Service::Vbs, format!("{}/vbs-prefix/", server.base_url))
        .allow_http(true)
        .build()
        .expect("the client builds")
}

fn offline_client() -> Client {
    Client::builder()
        .region("my-kualalumpur-1")
        .project_id("p")
        .token("t")
        .build()
        .unwrap()
}

#[test]
fn endpoints_derive_from_the_region() {
    let client = offline_client();
    assert_eq!(
        client.endpoint(Service::Cbr),
        "https://cbr.my-kualalumpur-1.myhuaweicloud.com"
    );
    assert_eq!(
        client.endpoint(Service::Vbs),
        "https://vbs.my-kualalumpur-1.myhuaweicloud.com"
    );
}

#[test]
fn building_without_credentials_or_endpoints_fails() {
    let error = Client::builder().region("r-1").build().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
    assert!(error.to_string().contains("no credentials"), "{error}");
    let error = Client::builder().token("t").build().unwrap_err();
    assert!(error.to_string().contains("no endpoint"), "{error}");
    let error = Client::builder()
        .token("t")
        .region("bad/region")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

#[test]
fn the_domain_suffix_and_a_base_url_override_derived_endpoints() {
    let client = Client::builder()
        .region("eu-west-101")
        .domain_suffix("myhuaweicloud.eu")
        .token("t")
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint(Service::Cbr),
        "https://cbr.eu-west-101.myhuaweicloud.eu"
    );
    assert_eq!(
        client.endpoint(Service::Vbs),
        "https://vbs.eu-west-101.myhuaweicloud.eu"
    );
    let client = Client::builder()
        .base_url("https://gateway.example.internal/cbr/")
        .endpoint(Service::Vbs, "https://vbs.example.internal")
        .token("t")
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint(Service::Cbr),
        "https://gateway.example.internal/cbr"
    );
    assert_eq!(
        client.endpoint(Service::Vbs),
        "https://vbs.example.internal"
    );
    let error = Client::builder()
        .region("r-1")
        .domain_suffix("bad/suffix")
        .token("t")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

#[test]
fn plain_http_needs_an_explicit_opt_in() {
    let error = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token("t")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
    assert!(error.to_string().contains("allow_http(true)"), "{error}");
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .allow_http(true)
        .token("t")
        .build()
        .unwrap();
}

#[test]
fn timeouts_and_retries_have_defaults_and_can_be_overridden() {
    let client = offline_client();
    assert_eq!(client.timeout(), huaweicloud_cbr::DEFAULT_TIMEOUT);
    assert_eq!(
        client.retry_config(),
        &huaweicloud_cbr::RetryConfig::standard()
    );
    let client = Client::builder()
        .region("r-1")
        .token("t")
        .timeout(std::time::Duration::from_secs(5))
        .connect_timeout(std::time::Duration::from_secs(1))
        .retry_config(huaweicloud_cbr::RetryConfig::disabled())
        .build()
        .unwrap();
    assert_eq!(client.timeout(), std::time::Duration::from_secs(5));
    assert_eq!(client.retry_config().max_attempts(), 1);
}

#[test]
fn debug_output_never_shows_credentials() {
    let client = Client::builder()
        .region("r-1")
        .ak_sk("AK-SECRET-1", "SK-SECRET-1")
        .build()
        .unwrap();
    let builder = Client::builder().token("TOKEN-SECRET-1");
    let debug = format!("{client:?} {client:#?} {builder:?}");
    assert!(!debug.contains("SECRET"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[tokio::test]
async fn path_values_that_would_change_the_path_are_rejected() {
    let client = offline_client();
    for bad in ["", ".", ".."] {
        let error = client.show_vault(bad).await.unwrap_err();
        let Error::InvalidRequest(error) = error else {
            panic!("{bad:?}: not an invalid request: {error}");
        };
        assert_eq!(error.path(), "vault_id");
        assert_eq!(*error.rule(), Rule::PathSegment);
    }
    let error = client.show_vault("v").project_id("..").await.unwrap_err();
    assert!(
        matches!(error, Error::InvalidRequest(ref e) if e.path() == "project_id"),
        "{error}"
    );
}

#[tokio::test]
async fn a_request_carries_path_query_token_and_decodes_the_body() {
    let server = MockServer::start(vec![
        Reply::json(
            200,
            r#"{"vault": {"id": "v 1", "name": "n", "new_member": 1}}"#,
        ),
        Reply::json(200, r#"{"operation_logs": [], "count": 0}"#),
    ]);
    let client = client(&server);

    let vault: ShowVaultResponseBody = client.show_vault("v 1/ü").await.unwrap();
    let received = server.next_request();
    assert_eq!(received.method, "GET");
    assert_eq!(received.target, "/v3/proj-1/vaults/v%201%2F%C3%BC");
    assert_eq!(received.header("x-auth-token"), Some("token-1"));
    assert_eq!(
        received.header("user-agent"),
        Some(huaweicloud_cbr::DEFAULT_USER_AGENT)
    );
    assert!(huaweicloud_cbr::DEFAULT_USER_AGENT.starts_with("huaweicloud-cbr/0."));
    let vault = vault.vault.into_option().unwrap();
    assert_eq!(vault.name.value().map(String::as_str), Some("n"));
    assert_eq!(vault.unknown_members["new_member"], json!(1));

    let (logs, metadata) = client
        .list_operation_logs()
        .project_id("other")
        .limit(10)
        .status(huaweicloud_cbr::models::OperationLogStatus::Success)
        .vault_name("a b&c")
        .send_with_metadata()
        .await
        .unwrap();
    let received = server.next_request();
    assert_eq!(
        received.target,
        "/v3/other/operation-logs?limit=10&status=success&vault_name=a%20b%26c"
    );
    assert_eq!(metadata.status.as_u16(), 200);
    assert_eq!(metadata.request_id.as_deref(), Some("req-1"));
    assert_eq!(logs.count, Nullable::Value(0));
}

#[tokio::test]
async fn the_app_name_is_appended_to_the_user_agent_and_checked() {
    let server = MockServer::start(vec![Reply::json(200, r#"{"vault": {"id": "v"}}"#)]);
    let client = Client::builder()
        .project_id("proj-1")
        .token("token-1")
        .base_url(server.base_url.clone())
        .allow_http(true)
        .app_name("nightly-backup", "2.3.1")
        .build()
        .unwrap();
    client.show_vault("v").await.unwrap();
    let expected = format!(
        "{} nightly-backup/2.3.1",
        huaweicloud_cbr::DEFAULT_USER_AGENT
    );
    assert_eq!(
        server.next_request().header("user-agent"),
        Some(expected.as_str())
    );
    for (name, version) in [("my app", "1.0"), ("app", "1.0\r\nX-Injected: 1")] {
        let error = Client::builder()
            .token("token-1")
            .base_url(server.base_url.clone())
            .allow_http(true)
            .app_name(name, version)
            .build()
            .unwrap_err();
        assert!(
            matches!(error, Error::Config(ConfigError::InvalidAppName { .. })),
            "{error}"
        );
        assert!(!error.to_string().contains('\n'), "{error}");
    }
}

#[tokio::test]
async fn a_cbr_error_response_becomes_an_api_error() {
    let body =
        r#"{"error_code": "BackupService.6500", "error_msg": "Operation log does not exist."}"#;
    let server = MockServer::start(vec![Reply::json(404, body)]);
    let error = client(&server)
        .show_operation_log("op-1")
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("not an API error: {error}");
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.error_code, Some(ErrorCode::BackupService6500));
    assert_eq!(
        api.error_msg.as_deref(),
        Some("Operation log does not exist.")
    );
    assert_eq!(api.request_id.as_deref(), Some("req-1"));
    assert_eq!(api.body, body);
    let line = error.to_string();
    assert!(!line.contains('\n'));
    assert!(
        line.contains("404") && line.contains("BackupService.6500") && line.contains("req-1"),
        "{line}"
    );
}

#[tokio::test]
async fn the_vbs_operation_uses_its_own_endpoint_and_error_shape() {
    let body = r#"{"error": {"message": "bad volume", "code": "VBS.0001"}}"#;
    let server = MockServer::start(vec![Reply::json(400, body)]);
    let error = client(&server)
        .create_vbs_backup(vbs_body("backup1", vec![Tag::new("k")]))
        .await
        .unwrap_err();
    let received = server.next_request();
    assert_eq!(received.method, "POST");
    assert_eq!(received.target, "/vbs-prefix/v2/proj-1/cloudbackups");
    assert_eq!(received.header("content-type"), Some("application/json"));
    let sent: Value = serde_json::from_str(&received.body).unwrap();
    assert_eq!(
        sent,
        json!({"backup": {"volume_id": "vol-1", "name": "backup1", "tags": [{"key": "k"}]}})
    );
    let Error::Api(api) = error else {
        panic!("not an API error: {error}");
    };
    let code = api.error_code.as_ref().unwrap();
    assert!(code.is_unknown());
    assert_eq!(code.as_str(), "VBS.0001");
    assert_eq!(api.error_msg.as_deref(), Some("bad volume"));
}

#[tokio::test]
async fn an_invalid_request_is_not_sent_unless_validation_is_off() {
    let server = MockServer::start(vec![Reply::json(200, r#"{"job_id": "j-1"}"#)]);
    let error = client(&server)
        .create_vbs_backup(vbs_body("", vec![]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidRequest(ref e) if e.path() == "backup.name"),
        "{error}"
    );

    let lenient = Client::builder()
        .project_id("proj-1")
        .token("token-1")
        .endpoint(Service::Cbr, server.base_url.clone())
        .endpoint(Service::Vbs, server.base_url.clone())
        .allow_http(true)
        .validate_requests(false)
        .build()
        .unwrap();
    let created = lenient
        .create_vbs_backup(vbs_body("", vec![]))
        .await
        .unwrap();
    assert_eq!(created.job_id.value().map(String::as_str), Some("j-1"));
    // The only request the server saw is the one sent with validation off.
    assert!(server.next_request().body.contains(r#""name":"""#));
}

#[tokio::test]
async fn a_body_that_does_not_match_the_spec_names_the_failing_member() {
    let server = MockServer::start(vec![Reply::json(
        200,
        r#"{"vault": {"billing": {"size": "big"}}}"#,
    )]);
    let error = client(&server).show_vault("v").await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("not a decode error: {error}");
    };
    assert_eq!(decode.path, "vault.billing.size");
    assert_eq!(decode.status.as_u16(), 200);
    assert!(decode.snippet.starts_with(r#"{"vault""#));
    assert!(
        error.to_string().contains("`vault.billing.size`"),
        "{error}"
    );
}

#[tokio::test]
async fn a_no_content_operation_returns_unit() {
    let server = MockServer::start(vec![Reply::empty(204)]);
    let client = client(&server);
    let ((), metadata) = client
        .delete_vault("v-1")
        .send_with_metadata()
        .await
        .unwrap();
    assert_eq!(metadata.status.as_u16(), 204);
    let received = server.next_request();
    assert_eq!(
        (received.method.as_str(), received.target.as_str()),
        ("DELETE", "/v3/proj-1/vaults/v-1")
    );
}
