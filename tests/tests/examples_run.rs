//! The client crate's examples (`generated/examples/`), run against a loopback HTTP server.
//!
//! Each example file is included as a module and its `run` is called with a client pointed at
//! the server, which answers with the documented examples of `spec/cbr.yaml`. The tests check
//! what the server received (method, path, query, body, AK/SK signature) and what `run`
//! returned. `aksk_from_env` builds its client from the process environment, so that test runs
//! the example in a child process given the variables, rather than changing the environment
//! of this multi-threaded one.

mod e2e_support;

#[allow(dead_code)] // its `main` is not called here
#[path = "../../generated/examples/create_vault.rs"]
mod create_vault;

#[allow(dead_code)]
#[path = "../../generated/examples/backup_server.rs"]
mod backup_server;

#[allow(dead_code)]
#[path = "../../generated/examples/list_all_backups.rs"]
mod list_all_backups;

#[allow(dead_code)]
#[path = "../../generated/examples/aksk_from_env.rs"]
mod aksk_from_env;

use std::process::Command;
use std::time::Duration;

use cbr_tests::mock_http::{MockServer, Received, Reply};
use e2e_support::{
    assert_authenticated, client, documented_reply, request_example, response_example, AuthKind,
    AK, PROJECT, SK,
};
use huaweicloud_cbr::models::{CheckpointCreate, CheckpointCreateStatus};
use huaweicloud_cbr::{WaitError, ENV_ACCESS_KEY, ENV_PROJECT_ID, ENV_REGION, ENV_SECRET_KEY};
use serde_json::{json, Value};

/// The documented response example `name` of `operation_id`.
fn response(operation_id: &str, name: &str) -> Value {
    let spec = cbr_tests::spec();
    let operation = cbr_tests::operations(&spec)
        .into_iter()
        .find(|op| op.id() == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id} in the spec"));
    let responses = operation.value["responses"].as_object().expect("responses");
    responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r["content"]["application/json"]["examples"].get(name))
        .unwrap_or_else(|| panic!("{operation_id} documents no response example {name}"))["value"]
        .clone()
}

fn path(rest: &str) -> String {
    format!("/v3/{PROJECT}{rest}")
}

/// Checks a request's method, target and signature, and its JSON body (`None`: no body).
fn assert_request(request: &Received, method: &str, target: &str, body: Option<&Value>) {
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        (method, target)
    );
    assert_authenticated(request, AuthKind::AkSk);
    match body {
        Some(body) => assert_eq!(&request.json(), body, "{method} {target}: body"),
        None => assert!(
            request.body.is_empty(),
            "{method} {target}: {}",
            request.body
        ),
    }
}

fn assert_no_more_requests(server: &MockServer) {
    if let Some(extra) = server.try_next_request(Duration::from_millis(20)) {
        panic!("unexpected request {} {}", extra.method, extra.target);
    }
}

// ----- create_vault --------------------------------------------------------------------------

#[tokio::test]
async fn create_vault_sends_the_documented_body_and_returns_the_new_vault() {
    let server = MockServer::start(vec![Reply::json_value(
        200,
        &response("create_vault", "case_5_1_create_vault"),
    )]);
    let created = create_vault::run(&client(&server, AuthKind::AkSk), "my_vault", 200)
        .await
        .expect("the vault is created");

    let vault = created.vault.value().expect("a vault");
    assert_eq!(
        vault.id.value().map(String::as_str),
        Some("ea7b8717-2543-478a-a92d-3ca7ee448f67")
    );
    assert_eq!(vault.name.value().map(String::as_str), Some("my_vault"));
    // The body built with the constructors is the documented one, member for member.
    let documented = request_example("create_vault", Some("case_5_1_create_vault"));
    assert_request(
        &server.next_request(),
        "POST",
        &path("/vaults"),
        Some(&documented),
    );
    assert_no_more_requests(&server);
}

// ----- backup_server -------------------------------------------------------------------------

const VAULT: &str = "ea7b8717-2543-478a-a92d-3ca7ee448f67";
const SERVER: &str = "e8cc6bfd-d324-4b88-9109-9fb0ba70676f";
const CHECKPOINT: &str = "d9ce6924-d753-4132-bd16-a9f8838ea7d2";

/// The documented restore point, in `status`.
fn checkpoint(status: &str) -> Reply {
    let mut body = response("show_checkpoint", "case_5_1_show_checkpoint");
    body["checkpoint"]["status"] = json!(status);
    Reply::json_value(200, &body)
}

/// A server for the associate, back up, poll sequence, the polls answering `polls` in order.
fn backup_server(polls: &[&str]) -> MockServer {
    let mut replies = vec![
        Reply::json_value(
            200,
            &response("add_vault_resources", "case_5_1_add_vault_resources"),
        ),
        Reply::json_value(
            200,
            &response("create_checkpoint", "case_5_1_create_checkpoint"),
        ),
    ];
    replies.extend(polls.iter().map(|status| checkpoint(status)));
    MockServer::start(replies)
}

fn assert_associated_and_backed_up(server: &MockServer) {
    let associate = json!({"resources": [{"id": SERVER, "type": "OS::Nova::Server"}]});
    assert_request(
        &server.next_request(),
        "POST",
        &path(&format!("/vaults/{VAULT}/addresources")),
        Some(&associate),
    );
    let back_up = json!({"checkpoint": {
        "vault_id": VAULT,
        "parameters": {"resources": [SERVER], "incremental": true},
    }});
    assert_request(
        &server.next_request(),
        "POST",
        &path("/checkpoints"),
        Some(&back_up),
    );
}

#[tokio::test]
async fn backup_server_waits_for_the_restore_point_to_become_available() {
    let server = backup_server(&["protecting", "available"]);
    let client = client(&server, AuthKind::AkSk);
    let checkpoint = backup_server::run(&client, VAULT, SERVER, Duration::from_millis(10))
        .await
        .expect("the backup completes");

    assert_eq!(checkpoint.id.value().map(String::as_str), Some(CHECKPOINT));
    assert_eq!(
        checkpoint.status.value(),
        Some(&CheckpointCreateStatus::Available)
    );
    assert_associated_and_backed_up(&server);
    // Polled once while `protecting`, then once more.
    for _ in 0..2 {
        let poll = server.next_request();
        assert_request(
            &poll,
            "GET",
            &path(&format!("/checkpoints/{CHECKPOINT}")),
            None,
        );
    }
    assert_no_more_requests(&server);
}

#[tokio::test]
async fn backup_server_reports_a_restore_point_that_fails() {
    let server = backup_server(&["protecting", "error"]);
    let client = client(&server, AuthKind::AkSk);
    let error = backup_server::run(&client, VAULT, SERVER, Duration::from_millis(10))
        .await
        .expect_err("the backup fails");

    match error.downcast_ref::<WaitError<CheckpointCreate>>() {
        Some(WaitError::Failed { id, state, .. }) => {
            assert_eq!((id.as_str(), state.as_str()), (CHECKPOINT, "error"));
        }
        _ => panic!("not the waiter's failure: {error}"),
    }
    assert_associated_and_backed_up(&server);
    assert_eq!(server.drain().len(), 2, "two polls");
}

// ----- list_all_backups ----------------------------------------------------------------------

#[tokio::test]
async fn list_all_backups_counts_the_backups_of_every_page() {
    // Five backups, two a page: three pages, each asked for by the last ID of the one before.
    let (_, example) = response_example("list_backups");
    let template = example.expect("a documented list")["backups"][0].clone();
    let server = MockServer::with_handler(move |request| {
        let marker = request
            .query_pairs()
            .into_iter()
            .find(|(name, _)| name == "marker");
        let start = match marker {
            Some((_, marker)) => marker["backup-".len()..].parse::<usize>().unwrap() + 1,
            None => 0,
        };
        let backups: Vec<Value> = (start..5.min(start + 2))
            .map(|n| {
                let mut backup = template.clone();
                backup["id"] = json!(format!("backup-{n}"));
                backup
            })
            .collect();
        Reply::json_value(200, &json!({"backups": backups, "count": 5}))
    });

    let count = list_all_backups::run(&client(&server, AuthKind::AkSk), 2)
        .await
        .expect("every page is read");

    assert_eq!(count, 5);
    for target in [
        "/backups?limit=2",
        "/backups?limit=2&marker=backup-1",
        "/backups?limit=2&marker=backup-3",
    ] {
        assert_request(&server.next_request(), "GET", &path(target), None);
    }
    assert_no_more_requests(&server);
}

// ----- aksk_from_env -------------------------------------------------------------------------

/// Set in the child process that runs `aksk_from_env_in_a_child_process`.
const CHILD: &str = "CBR_EXAMPLES_RUN_CHILD";

#[tokio::test]
async fn aksk_from_env_signs_with_the_credentials_of_the_environment() {
    let server = MockServer::start(vec![documented_reply("list_vaults")]);
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new(exe)
        .args([
            "aksk_from_env_in_a_child_process",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env(ENV_ACCESS_KEY, AK)
        .env(ENV_SECRET_KEY, SK)
        .env(ENV_PROJECT_ID, PROJECT)
        .env(ENV_REGION, "my-kualalumpur-1")
        .env("CBR_ENDPOINT", &server.base_url)
        .env_remove("HUAWEICLOUD_SDK_SECURITY_TOKEN")
        .output()
        .expect("the child process runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("vaults: [\"a335f9e1-1628-4c64-a7be-38656e5ec19c\"]"),
        "{stdout}"
    );

    // Signed with the AK/SK of the environment, for its project (the server recomputes it).
    let request = server.next_request();
    assert_request(&request, "GET", &path("/vaults"), None);
    assert_eq!(
        request.header("host"),
        server.base_url.strip_prefix("http://")
    );
    assert_no_more_requests(&server);
}

/// The example as its `main` runs it; only meaningful with the environment that
/// `aksk_from_env_signs_with_the_credentials_of_the_environment` gives it.
#[tokio::test]
#[ignore = "run in a child process by aksk_from_env_signs_with_the_credentials_of_the_environment"]
async fn aksk_from_env_in_a_child_process() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let client = aksk_from_env::client_from_env().expect("the client builds from the environment");
    assert_eq!(client.project_id(), Some(PROJECT));
    let vaults = aksk_from_env::run(&client)
        .await
        .expect("the vaults are listed");
    let ids: Vec<&str> = vaults
        .iter()
        .filter_map(|vault| vault.id.value().map(String::as_str))
        .collect();
    println!("vaults: {ids:?}");
}
