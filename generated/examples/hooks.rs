//! Two hooks on one client: metrics (calls, attempts, failures and latency per operation) and a
//! header on every request: `cargo run --example hooks`.
//!
//! Reads HUAWEICLOUD_SDK_AK, _SK, _PROJECT_ID and _REGION. CBR_ENDPOINT, if set, replaces the
//! regional endpoint (a private cloud or a local test server); `http://` is allowed only there.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_cbr::{
    AfterAttempt, BeforeAttempt, Client, ClientBuilder, Error, Hook, HookError, HookFuture,
};

/// What the metrics hook counted for one operation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationStats {
    /// Attempts sent, retries included.
    pub attempts: u64,
    /// Attempts that failed (an error status or no response).
    pub failed: u64,
    /// The time of every attempt, added up.
    pub latency: Duration,
}

/// Counts attempts, failures and latency per operation; clones share the counts.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    stats: Arc<Mutex<BTreeMap<&'static str, OperationStats>>>,
}

impl Metrics {
    /// The counts so far, by operation.
    pub fn snapshot(&self) -> BTreeMap<&'static str, OperationStats> {
        self.stats.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Hook for Metrics {
    fn name(&self) -> &str {
        "metrics"
    }

    fn after_attempt<'a>(&'a self, attempt: &'a AfterAttempt<'_>) -> HookFuture<'a> {
        if let Ok(mut stats) = self.stats.lock() {
            let entry = stats.entry(attempt.operation).or_default();
            entry.attempts += 1;
            entry.failed += u64::from(attempt.error.is_some());
            entry.latency += attempt.duration;
        }
        Box::pin(async { Ok(()) })
    }
}

/// Adds a correlation header to every attempt, and the attempt number, so that the service's
/// logs can be matched with ours. Headers added here are covered by the AK/SK signature.
#[derive(Debug)]
pub struct Correlation {
    /// The value of `X-Correlation-Id`.
    pub id: String,
}

impl Hook for Correlation {
    fn name(&self) -> &str {
        "correlation"
    }

    fn before_attempt<'a>(&'a self, attempt: &'a mut BeforeAttempt<'_>) -> HookFuture<'a> {
        Box::pin(async move {
            // A hook may await here: fetch a token from a vault, ask a rate limiter, ...
            tokio::task::yield_now().await;
            if self.id.is_empty() {
                return Err(HookError::new("no correlation ID configured"));
            }
            attempt.insert_header("X-Correlation-Id", &self.id)?;
            attempt.insert_header("X-Attempt", &attempt.attempt.to_string())
        })
    }
}

/// Registers both hooks, lists the vaults once, and returns what the metrics counted.
pub async fn run(
    builder: ClientBuilder,
    correlation_id: &str,
) -> Result<BTreeMap<&'static str, OperationStats>, Error> {
    let metrics = Metrics::default();
    let client: Client = builder
        .hook(Correlation {
            id: correlation_id.to_owned(),
        })
        .hook(metrics.clone())
        .build()?;
    client.list_vaults().limit(10).await?;
    Ok(metrics.snapshot())
}

// One request at a time: a single-threaded runtime is enough.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = ClientBuilder::from_env();
    if let Ok(endpoint) = std::env::var("CBR_ENDPOINT") {
        // Plain HTTP only when the endpoint itself says so, never as a silent downgrade.
        builder = builder
            .allow_http(endpoint.starts_with("http://"))
            .base_url(endpoint);
    }
    for (operation, stats) in run(builder, "example-run-1").await? {
        println!(
            "{operation}: {} attempts, {} failed, {:?} in all",
            stats.attempts, stats.failed, stats.latency
        );
    }
    Ok(())
}
