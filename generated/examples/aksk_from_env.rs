//! Signs requests with an AK/SK pair from the environment: `cargo run --example aksk_from_env`.
//!
//! Reads HUAWEICLOUD_SDK_AK, _SK (and _SECURITY_TOKEN for temporary credentials), _PROJECT_ID
//! and _REGION (credentials from the profile file or the instance metadata service otherwise). CBR_ENDPOINT, if set, replaces the regional endpoint (a private cloud or a
//! local test server); `http://` is allowed only there.

use huaweicloud_cbr::models::Vault;
use huaweicloud_cbr::{Client, ClientBuilder, Error};

/// The client the environment describes: the official SDKs' variables, plus `CBR_ENDPOINT`.
pub fn client_from_env() -> Result<Client, Error> {
    // The environment, else ~/.huaweicloud/credentials, else the instance metadata service; a
    // malformed profile file surfaces here, from `build`, with its path and line.
    let mut builder = ClientBuilder::from_env();
    if let Ok(endpoint) = std::env::var("CBR_ENDPOINT") {
        // Plain HTTP only when the endpoint itself says so, never as a silent downgrade.
        builder = builder
            .allow_http(endpoint.starts_with("http://"))
            .base_url(endpoint);
    }
    builder.build()
}

/// The first page of the project's vaults.
pub async fn run(client: &Client) -> Result<Vec<Vault>, Error> {
    let page = client.list_vaults().await?;
    // The service may leave the list out when there is nothing to list.
    Ok(page.vaults.into_option().unwrap_or_default())
}

// One request at a time: a single-threaded runtime is enough.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client_from_env()?;
    for vault in run(&client).await? {
        println!(
            "{}  {}",
            vault.id.value().map_or("?", String::as_str),
            vault.name.value().map_or("?", String::as_str),
        );
    }
    Ok(())
}
