//! Every operation of the client, called once against a loopback HTTP server.
//!
//! For each, the server answers with the documented success example of `spec/cbr.yaml` (read
//! at test time), and the test checks what the server received: the method, the encoded path
//! and query (for AK/SK the canonical, sorted query that was signed), the authentication (the
//! token, or a signature recomputed from the raw request with the public signer), and the JSON
//! body (the documented request example, sent back unchanged). The decoded response, written
//! back as JSON, must equal the documented example.

mod e2e_support;

use std::future::Future;
use std::time::Duration;

use cbr_tests::mock_http::MockServer;
use e2e_support::{
    assert_authenticated, client, documented_reply, request_example, response_example, AuthKind,
    PROJECT,
};
use huaweicloud_cbr::models::{
    BackupImageType, BackupStatus, CloudType, MemberStatus, ObjectType, OperationLogStatus,
    OperationLogType, PolicyOperationType, ProtectType, ResourceType,
};
use huaweicloud_cbr::{Client, Error};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use AuthKind::{AkSk, Temporary, Token};

/// What the server must have received.
struct Expected {
    method: &'static str,
    target: String,
    body: Option<Value>,
}

fn get(target: impl Into<String>) -> Expected {
    Expected {
        method: "GET",
        target: target.into(),
        body: None,
    }
}

fn delete(target: impl Into<String>) -> Expected {
    Expected {
        method: "DELETE",
        target: target.into(),
        body: None,
    }
}

fn with_body(method: &'static str, target: impl Into<String>, body: &Value) -> Expected {
    Expected {
        method,
        target: target.into(),
        body: Some(body.clone()),
    }
}

/// The documented request example of `operation`, as its typed body.
fn body<T: DeserializeOwned>(operation: &str) -> (T, Value) {
    let example = request_example(operation, None);
    let typed = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{operation}: the request example does not decode: {e}"));
    (typed, example)
}

/// Serves `operation`'s documented response, makes the call, and checks both sides.
async fn exercise<T, F, Fut>(operation: &str, auth: AuthKind, expected: Expected, call: F)
where
    T: Serialize,
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let server = MockServer::start(vec![documented_reply(operation)]);
    let output = call(client(&server, auth))
        .await
        .unwrap_or_else(|e| panic!("{operation}: {e}"));
    let request = server.next_request();
    assert_eq!(request.method, expected.method, "{operation}: method");
    assert_eq!(
        request.target, expected.target,
        "{operation}: path and query"
    );
    assert_authenticated(&request, auth);
    match &expected.body {
        Some(body) => {
            assert_eq!(
                request.header("content-type"),
                Some("application/json"),
                "{operation}"
            );
            assert_eq!(&request.json(), body, "{operation}: request body");
        }
        None => assert!(request.body.is_empty(), "{operation}: {}", request.body),
    }
    assert_eq!(request.header("accept"), Some("application/json"));
    let (_, example) = response_example(operation);
    let decoded = serde_json::to_value(&output).expect("the response serialises");
    assert_eq!(
        decoded,
        example.unwrap_or(Value::Null),
        "{operation}: the decoded response differs from the documented example"
    );
    assert!(
        server.try_next_request(Duration::from_millis(20)).is_none(),
        "{operation}: more than one request"
    );
}

fn p(path: &str) -> String {
    format!("/v3/{PROJECT}{path}")
}

// ----- tasks ---------------------------------------------------------------------------------

#[tokio::test]
async fn show_operation_log() {
    let expected = get(p("/operation-logs/4827f2da-b008-4507-ab7d-42d0df5ed912"));
    exercise("show_operation_log", AkSk, expected, |c| async move {
        c.show_operation_log("4827f2da-b008-4507-ab7d-42d0df5ed912")
            .await
    })
    .await;
}

#[tokio::test]
async fn list_operation_logs() {
    // Signed: the query on the wire is sorted, as it was signed.
    let expected = get(p(
        "/operation-logs?end_time=2018-02-01T12%3A00%3A00Z&limit=10&offset=20&\
         operation_type=backup&status=success&vault_name=vault%20a%26b",
    ));
    exercise("list_operation_logs", AkSk, expected, |c| async move {
        c.list_operation_logs()
            .vault_name("vault a&b")
            .status(OperationLogStatus::Success)
            .operation_type(OperationLogType::Backup)
            .offset(20)
            .limit(10)
            .end_time("2018-02-01T12:00:00Z")
            .await
    })
    .await;
}

// ----- backup sharing ------------------------------------------------------------------------

#[tokio::test]
async fn add_share_members() {
    let (typed, example) = body("add_share_members");
    let expected = with_body("POST", p("/backups/b-1/members"), &example);
    exercise("add_share_members", Token, expected, |c| async move {
        c.add_share_members("b-1", typed).await
    })
    .await;
}

#[tokio::test]
async fn list_share_members() {
    // With a token the query keeps the parameters' spec order.
    let expected = get(p(
        "/backups/0b07081e-3ec7-4e77-8571-54e2947da422/members?dest_project_id=075e6035&limit=50&\
         marker=3c5a3015-c3a0-4dc6-a1e2-917b90f62319&sort=created_at%3Adesc&status=pending",
    ));
    exercise("list_share_members", Token, expected, |c| async move {
        c.list_share_members("0b07081e-3ec7-4e77-8571-54e2947da422")
            .status(MemberStatus::Pending)
            .sort("created_at:desc")
            .marker("3c5a3015-c3a0-4dc6-a1e2-917b90f62319")
            .limit(50)
            .dest_project_id("075e6035")
            .await
    })
    .await;
}

#[tokio::test]
async fn update_share_member() {
    let (typed, example) = body("update_share_member");
    let expected = with_body("PUT", p("/backups/b-1/members/m-1"), &example);
    exercise("update_share_member", AkSk, expected, |c| async move {
        c.update_share_member("b-1", "m-1", typed).await
    })
    .await;
}

#[tokio::test]
async fn show_share_member() {
    let expected = get(p("/backups/b-1/members/075e6035d300d48c2fd0c00b78b71ebf"));
    exercise("show_share_member", Temporary, expected, |c| async move {
        c.show_share_member("b-1", "075e6035d300d48c2fd0c00b78b71ebf")
            .await
    })
    .await;
}

#[tokio::test]
async fn delete_share_member() {
    let expected = delete(p("/backups/b-1/members/m-1"));
    exercise("delete_share_member", AkSk, expected, |c| async move {
        c.delete_share_member("b-1", "m-1").await
    })
    .await;
}

// ----- restore points ------------------------------------------------------------------------

#[tokio::test]
async fn show_checkpoint() {
    // The request's own project ID replaces the client's, in the path and in X-Project-Id.
    let server = MockServer::start(vec![documented_reply("show_checkpoint")]);
    let checkpoint = client(&server, AkSk)
        .show_checkpoint("8b0851a8-adf3-4f4c-a914-dead08bf9664")
        .project_id("4229d7a45436489f8c3dc2b1d35d4987")
        .await
        .unwrap();
    let request = server.next_request();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/v3/4229d7a45436489f8c3dc2b1d35d4987/checkpoints/8b0851a8-adf3-4f4c-a914-dead08bf9664"
    );
    assert_eq!(
        request.header("x-project-id"),
        Some("4229d7a45436489f8c3dc2b1d35d4987")
    );
    cbr_tests::mock_http::verify_signature(&request, e2e_support::AK, e2e_support::SK).unwrap();
    let (_, example) = response_example("show_checkpoint");
    assert_eq!(serde_json::to_value(&checkpoint).unwrap(), example.unwrap());
}

#[tokio::test]
async fn create_checkpoint() {
    let (typed, example) = body("create_checkpoint");
    let expected = with_body("POST", p("/checkpoints"), &example);
    exercise("create_checkpoint", AkSk, expected, |c| async move {
        c.create_checkpoint(typed).await
    })
    .await;
}

#[tokio::test]
async fn sync_checkpoint() {
    let (typed, example) = body("sync_checkpoint");
    let expected = with_body("POST", p("/checkpoints/sync"), &example);
    exercise("sync_checkpoint", Token, expected, |c| async move {
        c.sync_checkpoint(typed).await
    })
    .await;
}

// ----- vaults --------------------------------------------------------------------------------

#[tokio::test]
async fn create_vault() {
    let (typed, example) = body("create_vault");
    let expected = with_body("POST", p("/vaults"), &example);
    exercise("create_vault", AkSk, expected, |c| async move {
        c.create_vault(typed).await
    })
    .await;
}

#[tokio::test]
async fn list_vaults() {
    let expected = get(p(
        "/vaults?cloud_type=public&limit=100&name=my%20vault&object_type=server&offset=0&\
         protect_type=backup",
    ));
    exercise("list_vaults", AkSk, expected, |c| async move {
        c.list_vaults()
            .protect_type(ProtectType::Backup)
            .object_type(ObjectType::Server)
            .name("my vault")
            .limit(100)
            .offset(0)
            .cloud_type(CloudType::Public)
            .await
    })
    .await;
}

#[tokio::test]
async fn show_vault() {
    // A path value is one encoded segment; the signature covers it as the server sees it.
    let expected = get(p("/vaults/vault%201%2F%C3%A4"));
    exercise("show_vault", AkSk, expected, |c| async move {
        c.show_vault("vault 1/ä").await
    })
    .await;
}

#[tokio::test]
async fn update_vault() {
    let (typed, example) = body("update_vault");
    let expected = with_body(
        "PUT",
        p("/vaults/79bd9daa-884f-4f84-b8fe-235d58cd927d"),
        &example,
    );
    exercise("update_vault", Temporary, expected, |c| async move {
        c.update_vault("79bd9daa-884f-4f84-b8fe-235d58cd927d", typed)
            .await
    })
    .await;
}

#[tokio::test]
async fn delete_vault() {
    let expected = delete(p("/vaults/v-1"));
    exercise("delete_vault", Token, expected, |c| async move {
        c.delete_vault("v-1").await
    })
    .await;
}

#[tokio::test]
async fn remove_vault_resources() {
    let (typed, example) = body("remove_vault_resources");
    let expected = with_body("POST", p("/vaults/v-1/removeresources"), &example);
    exercise("remove_vault_resources", AkSk, expected, |c| async move {
        c.remove_vault_resources("v-1", typed).await
    })
    .await;
}

#[tokio::test]
async fn add_vault_resources() {
    let (typed, example) = body("add_vault_resources");
    let expected = with_body("POST", p("/vaults/v-1/addresources"), &example);
    exercise("add_vault_resources", AkSk, expected, |c| async move {
        c.add_vault_resources("v-1", typed).await
    })
    .await;
}

#[tokio::test]
async fn associate_vault_policy() {
    let (typed, example) = body("associate_vault_policy");
    let expected = with_body("POST", p("/vaults/v-1/associatepolicy"), &example);
    exercise("associate_vault_policy", Token, expected, |c| async move {
        c.associate_vault_policy("v-1", typed).await
    })
    .await;
}

#[tokio::test]
async fn dissociate_vault_policy() {
    let (typed, example) = body("dissociate_vault_policy");
    let expected = with_body("POST", p("/vaults/v-1/dissociatepolicy"), &example);
    exercise("dissociate_vault_policy", AkSk, expected, |c| async move {
        c.dissociate_vault_policy("v-1", typed).await
    })
    .await;
}

// ----- backups -------------------------------------------------------------------------------

#[tokio::test]
async fn list_backups() {
    // A list parameter is one pair per value; signed pairs are sorted by key, then value.
    let expected = get(p(
        "/backups?dec=false&image_type=backup&limit=5&offset=0&resource_type=OS%3A%3ANova%3A%3AServer&\
         status=available&status=error",
    ));
    exercise("list_backups", AkSk, expected, |c| async move {
        c.list_backups()
            .resource_type(ResourceType::OsNovaServer)
            .status([BackupStatus::Error, BackupStatus::Available])
            .limit(5)
            .offset(0)
            .image_type(BackupImageType::Backup)
            .dec(false)
            .await
    })
    .await;
}

#[tokio::test]
async fn show_backup() {
    let expected = get(p("/backups/6df2b54c-dd62-4059-a07c-1b8f24f2725d"));
    exercise("show_backup", Token, expected, |c| async move {
        c.show_backup("6df2b54c-dd62-4059-a07c-1b8f24f2725d").await
    })
    .await;
}

#[tokio::test]
async fn delete_backup() {
    let expected = delete(p("/backups/b-1"));
    exercise("delete_backup", AkSk, expected, |c| async move {
        c.delete_backup("b-1").await
    })
    .await;
}

#[tokio::test]
async fn restore_backup() {
    let (typed, example) = body("restore_backup");
    let expected = with_body("POST", p("/backups/b-1/restore"), &example);
    exercise("restore_backup", AkSk, expected, |c| async move {
        c.restore_backup("b-1", typed).await
    })
    .await;
}

#[tokio::test]
async fn sync_backups() {
    let (typed, example) = body("sync_backups");
    let expected = with_body("POST", p("/backups/sync"), &example);
    exercise("sync_backups", Token, expected, |c| async move {
        c.sync_backups(typed).await
    })
    .await;
}

// ----- policies ------------------------------------------------------------------------------

#[tokio::test]
async fn create_policy() {
    let (typed, example) = body("create_policy");
    let expected = with_body("POST", p("/policies"), &example);
    exercise("create_policy", AkSk, expected, |c| async move {
        c.create_policy(typed).await
    })
    .await;
}

#[tokio::test]
async fn list_policies() {
    let expected = get(p("/policies?operation_type=backup&vault_id=v-1"));
    exercise("list_policies", AkSk, expected, |c| async move {
        c.list_policies()
            .vault_id("v-1")
            .operation_type(PolicyOperationType::Backup)
            .await
    })
    .await;
}

#[tokio::test]
async fn show_policy() {
    let expected = get(p("/policies/cbb3ce6f-3332-4e7c-b98e-77290d8471ff"));
    exercise("show_policy", Token, expected, |c| async move {
        c.show_policy("cbb3ce6f-3332-4e7c-b98e-77290d8471ff").await
    })
    .await;
}

#[tokio::test]
async fn update_policy() {
    let (typed, example) = body("update_policy");
    let expected = with_body("PUT", p("/policies/pol-1"), &example);
    exercise("update_policy", AkSk, expected, |c| async move {
        c.update_policy("pol-1", typed).await
    })
    .await;
}

#[tokio::test]
async fn delete_policy() {
    let expected = delete(p("/policies/pol-1"));
    exercise("delete_policy", Temporary, expected, |c| async move {
        c.delete_policy("pol-1").await
    })
    .await;
}

// ----- VBS -----------------------------------------------------------------------------------

#[tokio::test]
async fn create_vbs_backup() {
    // VBS has its own endpoint (here a path prefix on the same server), signed with it.
    let (typed, example) = body("create_vbs_backup");
    let expected = with_body("POST", format!("/vbs/v2/{PROJECT}/cloudbackups"), &example);
    exercise("create_vbs_backup", AkSk, expected, |c| async move {
        c.create_vbs_backup(typed).await
    })
    .await;
}

/// Every operation of the spec has a test above, and every test above is named after an
/// operation of the spec: the list comes from the spec, not from a count kept here.
#[test]
fn every_operation_is_exercised() {
    let source = include_str!("e2e_operations.rs");
    let spec = cbr_tests::spec();
    let ids: Vec<String> = cbr_tests::operations(&spec)
        .iter()
        .map(|op| op.id().to_owned())
        .collect();
    assert!(!ids.is_empty(), "the spec lists no operation");
    let missing: Vec<&String> = ids
        .iter()
        .filter(|id| !source.contains(&format!("async fn {id}()")))
        .collect();
    assert!(missing.is_empty(), "operations without a test: {missing:?}");
    let lines: Vec<&str> = source.lines().collect();
    let stale: Vec<&str> = lines
        .windows(2)
        .filter(|pair| pair[0] == "#[tokio::test]")
        .filter_map(|pair| pair[1].strip_prefix("async fn")?.trim().split('(').next())
        .filter(|name| !ids.iter().any(|id| id == name))
        .collect();
    assert!(
        stale.is_empty(),
        "tests of no operation of the spec: {stale:?}"
    );
}
