//! Counts every backup of the project, page by page: `cargo run --example list_all_backups`.
//!
//! Reads HUAWEICLOUD_SDK_AK, _SK, _PROJECT_ID and _REGION. CBR_ENDPOINT, if set, replaces the
//! regional endpoint (a private cloud or a local test server); `http://` is allowed only there.

use huaweicloud_cbr::{Client, ClientBuilder, Error};

/// Walks every page of `list_backups`, `page_size` backups per request, and counts them.
pub async fn run(client: &Client, page_size: i64) -> Result<usize, Error> {
    // The stream asks for the next page (by marker) only once this one is used up.
    let mut backups = client.list_backups().limit(page_size).into_items();
    let mut count = 0;
    while let Some(backup) = backups.next().await {
        // A failed page ends the listing: report it rather than a partial count.
        backup?;
        count += 1;
    }
    Ok(count)
}

// One request at a time: a single-threaded runtime is enough.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client_from_env()?;
    let count = run(&client, 100).await?;
    println!("{count} backups");
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
