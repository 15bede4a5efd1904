//! Tests code that calls the client, without a network or a server:
//! `cargo run --example testing_without_network --features test-util`.
//!
//! `back_up_every_vault` is the code under test, written against the real client: it lists
//! every vault page by page, then backs the first one up, retrying that `POST` once when the
//! service is unavailable. The `mock` module (feature `test-util`) answers its requests from
//! typed rules; the calls go through the same request builders, validation, paging, retries
//! and error handling as against the service. The test command runs this binary in a network
//! namespace without any network, so a request that escaped to a socket would fail it.

use std::time::Duration;

use huaweicloud_cbr::mock::{self, rule, Mock, MockApiError};
use huaweicloud_cbr::models::{
    CheckpointCreate, CreateCheckpointRequestBody, CreateCheckpointResponseBody,
    ListVaultsResponseBody, Vault, VaultBackup,
};
use huaweicloud_cbr::{Client, Error, ErrorCode, RequestOptions, RetryConfig};

/// What `back_up_every_vault` did: the vaults it saw and the backup it started.
#[derive(Debug, PartialEq)]
pub struct Report {
    /// The name of every vault, in listing order.
    pub vaults: Vec<String>,
    /// The ID of the restore point being created.
    pub checkpoint: String,
}

/// The code under test: lists every vault (two per page), then backs up the first one.
///
/// Creating a backup is a `POST`, which the client does not retry by default; a 503 means the
/// service did not take it, so this call alone allows a retry.
pub async fn back_up_every_vault(client: &Client) -> Result<Report, Error> {
    let mut names = Vec::new();
    let mut first_id = None;
    let mut vaults = client.list_vaults().limit(2).into_items();
    while let Some(vault) = vaults.next().await {
        let vault = vault?;
        first_id = first_id.or_else(|| vault.id.value().cloned());
        names.push(vault.name.value().cloned().unwrap_or_default());
    }
    let Some(vault_id) = first_id else {
        return Ok(Report {
            vaults: names,
            checkpoint: String::new(),
        });
    };
    let retry_once = RetryConfig::standard()
        .with_max_attempts(2)
        .with_retry_non_idempotent(true);
    let created = client
        .create_checkpoint(CreateCheckpointRequestBody::new(VaultBackup::new(vault_id)))
        .options(RequestOptions::new().with_retry_config(retry_once))
        .await?;
    let checkpoint = created
        .checkpoint
        .value()
        .and_then(|c| c.id.value())
        .cloned();
    Ok(Report {
        vaults: names,
        checkpoint: checkpoint.unwrap_or_default(),
    })
}

fn vault(id: &str, name: &str) -> Vault {
    Vault::new().with_id(id).with_name(name)
}

/// A page of `list_vaults` out of three vaults in all.
fn page(vaults: Vec<Vault>) -> ListVaultsResponseBody {
    ListVaultsResponseBody::new()
        .with_vaults(vaults)
        .with_count(3)
}

/// The test: the rules, the call, and what the rules recorded.
async fn test_back_up_every_vault() -> Result<(), Box<dyn std::error::Error>> {
    let offset_is = |offset: &'static str| {
        move |request: &mock::TypedRequest<_>| request.query("offset").unwrap_or("0") == offset
    };
    let first_page = rule::list_vaults()
        .match_requests(offset_is("0"))
        .then_output(page(vec![vault("v-1", "db"), vault("v-2", "web")]))
        .build();
    let second_page = rule::list_vaults()
        .match_requests(offset_is("2"))
        .then_output(page(vec![vault("v-3", "logs")]))
        .build();
    let created = CreateCheckpointResponseBody::new()
        .with_checkpoint(CheckpointCreate::new().with_id("cp-1"));
    let backup = rule::create_checkpoint()
        .match_requests(|request| {
            request
                .body()
                .is_some_and(|b| b.checkpoint.vault_id == "v-1")
        })
        .then_error(
            MockApiError::new(503, ErrorCode::from("CBR.0000"), "service busy")
                .with_request_id("req-503"),
        )
        .then_output(created)
        .times(2)
        .build();
    let mock = Mock::new()
        .with_rule(&first_page)
        .with_rule(&second_page)
        .with_rule(&backup);
    // Retries back off a few milliseconds here; on a paused Tokio test clock they take none.
    let fast = RetryConfig::standard().with_initial_backoff(Duration::from_millis(1));
    let client = mock::builder(mock).retry_config(fast).build()?;

    let report = back_up_every_vault(&client).await?;

    assert_eq!(report.vaults, ["db", "web", "logs"]);
    assert_eq!(report.checkpoint, "cp-1");
    assert_eq!((first_page.uses(), second_page.uses()), (1, 1));
    assert_eq!(backup.uses(), 2, "the 503 was retried once");
    let sent = backup.requests();
    assert!(sent.iter().all(|r| r.raw().path.ends_with("/checkpoints")));
    println!(
        "ok: listed {:?} in 2 pages, created {} after one retried 503",
        report.vaults, report.checkpoint
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    test_back_up_every_vault().await
}
