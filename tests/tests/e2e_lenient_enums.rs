//! Enumeration values the spec does not list, in requests: by default (`Validation::Lenient`)
//! they are sent, with a `tracing` warning naming the member path and the value; under
//! `Validation::Strict` the request is refused, naming the member; bounds and lengths are
//! enforced at both levels.
//!
//! This file holds a single test: `tracing` caches per call site whether anyone listens, and
//! tests running in parallel threads without a subscriber would race with the capturing one.

mod e2e_support;

use cbr_tests::mock_http::MockServer;
use e2e_support::log::Log;
use e2e_support::{documented_reply, AuthKind};
use huaweicloud_cbr::models::{
    BillingCreate, ChargingMode, ConsistentLevel, CreateVaultRequestBody, ObjectType, ProtectType,
    ResourceCreate, ResourceType, VaultCreate,
};
use huaweicloud_cbr::{Error, Rule, Validation};
use tracing_subscriber::fmt::format::FmtSpan;

/// A replication vault billed in advance: three values the 2022 documents do not list, each
/// accepted by the service in 2026.
fn replication_vault(name: &str) -> CreateVaultRequestBody {
    let billing = BillingCreate::new(
        ConsistentLevel::CrashConsistent,
        ObjectType::Server,
        ProtectType::from("replication"),
        100,
    )
    .with_charging_mode(ChargingMode::from("pre_paid"));
    let resources = vec![ResourceCreate::new(
        "server-1",
        ResourceType::from("OS::Workspace::Desktop"),
    )];
    CreateVaultRequestBody::new(VaultCreate::new(billing, name, resources))
}

#[tokio::test]
async fn unlisted_enum_values_are_sent_with_a_warning_unless_strict() {
    let (log, _guard) = Log::capture(tracing::Level::WARN, FmtSpan::NONE);

    // Lenient, the default: sent as written, one warning per unlisted value, by member path.
    let server = MockServer::start(vec![documented_reply("create_vault")]);
    let client = e2e_support::client(&server, AuthKind::Token);
    assert_eq!(client.validation(), Validation::Lenient);
    client
        .create_vault(replication_vault("vault-1"))
        .await
        .unwrap();
    let sent: serde_json::Value = serde_json::from_str(&server.next_request().body).unwrap();
    assert_eq!(sent["vault"]["billing"]["protect_type"], "replication");
    assert_eq!(sent["vault"]["billing"]["charging_mode"], "pre_paid");
    assert_eq!(
        sent["vault"]["resources"][0]["type"],
        "OS::Workspace::Desktop"
    );
    let text = log.take();
    for (member, value) in [
        ("vault.billing.protect_type", "replication"),
        ("vault.billing.charging_mode", "pre_paid"),
        ("vault.resources[0].type", "OS::Workspace::Desktop"),
    ] {
        let line = text
            .lines()
            .find(|line| line.contains(&format!("member=\"{member}\"")))
            .unwrap_or_else(|| panic!("no warning for {member} in:\n{text}"));
        assert!(line.starts_with(" WARN") || line.contains("WARN"), "{line}");
        assert!(line.contains(&format!("value=\"{value}\"")), "{line}");
        assert!(line.contains("operation=\"create_vault\""), "{line}");
    }
    assert_eq!(text.lines().count(), 3, "{text}");

    // Lenient still enforces lengths: an empty name is refused before anything is sent.
    let error = client
        .create_vault(replication_vault(""))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidRequest(ref e) if e.path() == "vault.name"),
        "{error}"
    );

    // Strict: refused, naming the first unlisted member, nothing sent, nothing logged.
    let strict = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .validation(Validation::Strict)
        .build()
        .unwrap();
    let error = strict
        .create_vault(replication_vault("vault-1"))
        .await
        .unwrap_err();
    let Error::InvalidRequest(invalid) = &error else {
        panic!("not refused: {error}");
    };
    assert_eq!(invalid.path(), "vault.billing.protect_type");
    assert!(matches!(invalid.rule(), Rule::Enum { allowed } if allowed.contains(&"backup")));
    assert!(error.to_string().contains("Validation::Strict"), "{error}");
    assert!(server
        .try_next_request(std::time::Duration::from_millis(200))
        .is_none());
    assert_eq!(log.take(), "");

    // Off: sent without a warning.
    let server = MockServer::start(vec![documented_reply("create_vault")]);
    let unchecked = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .validation(Validation::Off)
        .build()
        .unwrap();
    unchecked
        .create_vault(replication_vault("vault-1"))
        .await
        .unwrap();
    assert!(server
        .next_request()
        .body
        .contains(r#""protect_type":"replication""#));
    assert_eq!(log.take(), "");
}
