//! Creates a server backup vault: `cargo run --example create_vault -- [NAME] [SIZE_GB]`.
//!
//! Reads HUAWEICLOUD_SDK_AK, _SK, _PROJECT_ID and _REGION. CBR_ENDPOINT, if set, replaces the
//! regional endpoint (a private cloud or a local test server); `http://` is allowed only there.

use huaweicloud_cbr::models::{
    BillingCreate, CloudType, ConsistentLevel, CreateVaultRequestBody, CreateVaultResponseBody,
    ObjectType, ProtectType, VaultCreate,
};
use huaweicloud_cbr::{Client, ClientBuilder, Error};

/// Creates an empty, pay-per-use vault of `size_gb` GB for crash-consistent server backups.
pub async fn run(
    client: &Client,
    name: &str,
    size_gb: i64,
) -> Result<CreateVaultResponseBody, Error> {
    let billing = BillingCreate::new(
        ConsistentLevel::CrashConsistent,
        ObjectType::Server,
        ProtectType::Backup,
        size_gb,
    )
    .with_cloud_type(CloudType::Public);
    // Servers are associated later (see the backup_server example), so none are given here.
    let vault = VaultCreate::new(billing, name, Vec::new());
    client
        .create_vault(CreateVaultRequestBody::new(vault))
        .await
}

// One request at a time: a single-threaded runtime is enough.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "my_vault".to_owned());
    let size_gb = match args.next() {
        Some(size) => size.parse()?,
        None => 200,
    };
    let client = client_from_env()?;
    let created = run(&client, &name, size_gb).await?;
    let vault = created.vault.value();
    println!(
        "created vault {} ({})",
        vault
            .and_then(|v| v.name.value())
            .map_or("?", String::as_str),
        vault.and_then(|v| v.id.value()).map_or("?", String::as_str),
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
