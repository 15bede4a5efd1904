//! Backs up a server into a vault and waits for the restore point:
//! `cargo run --example backup_server -- VAULT_ID SERVER_ID`.
//!
//! Reads HUAWEICLOUD_SDK_AK, _SK, _PROJECT_ID and _REGION. CBR_ENDPOINT, if set, replaces the
//! regional endpoint (a private cloud or a local test server); `http://` is allowed only there.

use std::time::Duration;

use huaweicloud_cbr::models::{
    AddVaultResourcesRequestBody, CheckpointCreate, CheckpointParam, CreateCheckpointRequestBody,
    ResourceCreate, ResourceType, VaultBackup,
};
use huaweicloud_cbr::{Client, ClientBuilder, Error};

/// How long a backup may take before we give up waiting (it goes on in the service).
const MAX_WAIT: Duration = Duration::from_secs(60 * 60);

/// Associates `server_id` with the vault, backs it up and waits until the restore point is
/// `available`, polling every `poll_interval` at first.
pub async fn run(
    client: &Client,
    vault_id: &str,
    server_id: &str,
    poll_interval: Duration,
) -> Result<CheckpointCreate, Box<dyn std::error::Error + Send + Sync>> {
    // A vault only backs up the resources associated with it.
    let resources = vec![ResourceCreate::new(server_id, ResourceType::OsNovaServer)];
    client
        .add_vault_resources(vault_id, AddVaultResourcesRequestBody::new(resources))
        .await?;

    let parameters = CheckpointParam::new()
        .with_resources(vec![server_id.to_owned()])
        .with_incremental(true);
    let body =
        CreateCheckpointRequestBody::new(VaultBackup::new(vault_id).with_parameters(parameters));
    let created = client.create_checkpoint(body).await?;
    let checkpoint_id = created
        .checkpoint
        .value()
        .and_then(|checkpoint| checkpoint.id.value())
        .ok_or("the service answered without a restore point ID")?;

    // The restore point starts out `protecting`; the backup is usable once it is `available`.
    let checkpoint = client
        .wait_for_checkpoint(checkpoint_id.as_str(), MAX_WAIT)
        .poll_interval(poll_interval, poll_interval * 6)
        .await?;
    Ok(checkpoint)
}

// One request at a time: a single-threaded runtime is enough.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut args = std::env::args().skip(1);
    let (Some(vault_id), Some(server_id)) = (args.next(), args.next()) else {
        return Err("usage: backup_server VAULT_ID SERVER_ID".into());
    };
    let client = client_from_env()?;
    let checkpoint = run(&client, &vault_id, &server_id, Duration::from_secs(10)).await?;
    println!(
        "restore point {} is available",
        checkpoint.id.value().map_or("?", String::as_str)
    );
    Ok(())
}

fn client_from_env() -> Result<Client, Error> {
    let mut builder = ClientBuilder::from_env();
    if let Ok(endpoint) = std::env::var("CBR_ENDPOINT") {
        // Plain HTTP only when the endpoint itself says so, never as a silent downgrade.
        builder = builder
            .allow_http(endpoint.starts_with("http://"))
            .base_url(endpoint);
    }
    builder.build()
}
