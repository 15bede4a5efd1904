//! Regions: a region the catalogue (`x-regions`) lists gets its endpoint from there; an unknown
//! one is accepted, with the endpoint from the URL template and a `tracing` warning; the
//! official SDKs' variable `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` overrides the endpoint,
//! checked with a call that reaches a loopback server.
//!
//! This file holds a single test: it sets an environment variable of the process, and
//! `tracing` caches per call site whether anyone listens, so tests running in parallel threads
//! would race with it.

mod e2e_support;

use cbr_tests::mock_http::MockServer;
use e2e_support::log::Log;
use e2e_support::{documented_reply, PROJECT, TOKEN};
use huaweicloud_cbr::{Client, ClientBuilder, Service};
use tracing_subscriber::fmt::format::FmtSpan;

fn in_region(region: &str) -> ClientBuilder {
    Client::builder()
        .region(region)
        .project_id(PROJECT)
        .token(TOKEN)
}

#[tokio::test]
async fn regions_come_from_the_catalogue_the_template_or_the_environment() {
    let (log, _guard) = Log::capture(tracing::Level::WARN, FmtSpan::NONE);

    // The catalogue: the 34 regions of the official Go SDK for CBR; none for VBS.
    let catalogue = Service::Cbr.regions();
    assert_eq!(catalogue.len(), 34);
    assert!(catalogue.contains(&"my-kualalumpur-1") && catalogue.contains(&"cn-north-4"));
    assert!(catalogue.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(Service::Vbs.regions().is_empty());

    // A known region: its catalogued endpoint, no warning.
    let known = in_region("cn-north-4").build().unwrap();
    assert_eq!(
        known.endpoint(Service::Cbr),
        "https://cbr.cn-north-4.myhuaweicloud.com"
    );
    assert_eq!(
        known.endpoint(Service::Vbs),
        "https://vbs.cn-north-4.myhuaweicloud.com"
    );
    assert_eq!(log.take(), "");

    // An unknown region: accepted, endpoint from the template, one warning naming it (the
    // VBS endpoint has no catalogue to miss).
    let unknown = in_region("xx-newland-1").build().unwrap();
    assert_eq!(
        unknown.endpoint(Service::Cbr),
        "https://cbr.xx-newland-1.myhuaweicloud.com"
    );
    let text = log.take();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains("region=\"xx-newland-1\""), "{text}");
    assert!(text.contains("service=\"Cbr\""), "{text}");

    // The official override: the CBR endpoint of one region, from the environment; the call
    // reaches the server it names. (Of a comma-separated list, the first is used.)
    let server = MockServer::start(vec![documented_reply("list_vaults")]);
    let variable = "HUAWEICLOUD_SDK_REGION_CBR_AP_SOUTHEAST_1";
    std::env::set_var(
        variable,
        format!("{},https://unused.example.com", server.base_url),
    );
    let overridden = in_region("ap-southeast-1")
        .allow_http(true)
        .build()
        .unwrap();
    std::env::remove_var(variable);
    assert_eq!(overridden.endpoint(Service::Cbr), server.base_url);
    assert_eq!(
        overridden.endpoint(Service::Vbs),
        "https://vbs.ap-southeast-1.myhuaweicloud.com"
    );
    overridden.list_vaults().limit(1).await.unwrap();
    assert_eq!(
        server.next_request().target,
        format!("/v3/{PROJECT}/vaults?limit=1")
    );
    // Another region is untouched by that variable.
    let other = in_region("ap-southeast-2").build().unwrap();
    assert_eq!(
        other.endpoint(Service::Cbr),
        "https://cbr.ap-southeast-2.myhuaweicloud.com"
    );
    assert_eq!(log.take(), "");
}
