//! Telemetry: the `cbr.call` span carries the attribute names of OpenTelemetry's semantic
//! conventions for HTTP client and RPC spans, with the values of the call: a call retried once
//! and a call that failed, against a loopback server.
//!
//! This file holds a single test: `tracing` caches per call site whether anyone listens, and
//! tests running in parallel threads without a subscriber would race with the capturing one.

mod e2e_support;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cbr_tests::mock_http::{MockServer, Reply};
use e2e_support::{documented_reply, AuthKind, PROJECT};
use huaweicloud_sdk_runtime::CALL_SPAN_FIELDS;

type Fields = BTreeMap<String, String>;

/// A `tracing` subscriber that keeps, for every closed span, its name and its last value of
/// each field. A span closes when its last handle is dropped (handles are counted).
#[derive(Default)]
struct SpanCapture {
    closed: Arc<Mutex<Vec<(String, Fields)>>>,
    declared: Arc<Mutex<Vec<String>>>,
    open: Mutex<HashMap<u64, (&'static str, Fields, usize)>>,
    next_id: AtomicU64,
}

struct Visitor<'a>(&'a mut Fields);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl tracing::Subscriber for SpanCapture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Fields::new();
        span.record(&mut Visitor(&mut fields));
        let metadata = span.metadata();
        if metadata.name() == "cbr.call" {
            let mut declared = self.declared.lock().unwrap();
            declared.clear();
            declared.extend(metadata.fields().iter().map(|f| f.name().to_owned()));
        }
        self.open
            .lock()
            .unwrap()
            .insert(id, (metadata.name(), fields, 1));
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        if let Some((_, fields, _)) = self.open.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Visitor(fields));
        }
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}

    fn clone_span(&self, id: &tracing::span::Id) -> tracing::span::Id {
        if let Some((_, _, handles)) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            *handles += 1;
        }
        id.clone()
    }

    fn try_close(&self, id: tracing::span::Id) -> bool {
        let mut open = self.open.lock().unwrap();
        let Some((_, _, handles)) = open.get_mut(&id.into_u64()) else {
            return false;
        };
        *handles -= 1;
        if *handles > 0 {
            return false;
        }
        let (name, fields, _) = open.remove(&id.into_u64()).unwrap();
        self.closed.lock().unwrap().push((name.to_owned(), fields));
        true
    }
}

fn expect(fields: &Fields, expected: &[(&str, &str)]) {
    for (name, value) in expected {
        assert_eq!(
            fields.get(*name).map(String::as_str),
            Some(*value),
            "{name} in {fields:#?}"
        );
    }
}

#[tokio::test]
async fn the_call_span_carries_opentelemetry_attribute_names_and_values() {
    let capture = SpanCapture::default();
    let closed = Arc::clone(&capture.closed);
    let declared = Arc::clone(&capture.declared);
    let _guard = tracing::subscriber::set_default(capture);

    let unavailable = Reply::json(503, r#"{"error_code": "APIGW.0308", "error_msg": "busy"}"#)
        .with_header("X-Request-Id", "req-busy");
    let not_found = Reply::json(
        404,
        r#"{"error_code": "BackupService.6100", "error_msg": "no"}"#,
    )
    .with_header("X-Request-Id", "req-missing");
    let server = MockServer::start(vec![
        unavailable,
        documented_reply("list_vaults").with_header("X-Request-Id", "req-ok"),
        not_found,
    ]);
    let client = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .region("ap-southeast-3")
        .build()
        .unwrap();
    client
        .list_vaults()
        .limit(5)
        .name("finance vault")
        .await
        .unwrap();
    client.show_vault("v-1").await.unwrap_err();

    let port = server.base_url.rsplit(':').next().unwrap().to_owned();
    let calls: Vec<Fields> = closed
        .lock()
        .unwrap()
        .iter()
        .filter(|(name, _)| name == "cbr.call")
        .map(|(_, fields)| fields.clone())
        .collect();
    assert_eq!(calls.len(), 2, "{calls:#?}");

    // Every documented field is declared by the generated span, and no other.
    let mut declared = declared.lock().unwrap().clone();
    declared.sort();
    let mut documented: Vec<String> = CALL_SPAN_FIELDS.iter().map(|f| f.to_string()).collect();
    documented.sort();
    assert_eq!(declared, documented);

    let listed = &calls[0];
    expect(
        listed,
        &[
            ("otel.name", "GET /v3/{project_id}/vaults"),
            ("otel.kind", "client"),
            ("rpc.service", "Cbr"),
            ("rpc.method", "list_vaults"),
            ("http.request.method", "GET"),
            ("url.template", "/v3/{project_id}/vaults"),
            ("server.address", "127.0.0.1"),
            ("server.port", &port),
            ("cloud.region", "ap-southeast-3"),
            ("http.request.resend_count", "1"),
            ("http.response.status_code", "200"),
            ("http.response.header.x-request-id", "req-ok"),
            ("auth", "token"),
        ],
    );
    let full = &listed["url.full"];
    assert_eq!(
        full.split('?').next_back(),
        Some("limit=REDACTED&name=REDACTED"),
        "{full}"
    );
    assert!(
        full.starts_with(&format!("http://127.0.0.1:{port}/v3/{PROJECT}/vaults?")),
        "{full}"
    );
    assert!(!full.contains("finance"), "{full}");
    for absent in ["error.type", "otel.status_code"] {
        assert!(!listed.contains_key(absent), "{absent} in {listed:#?}");
    }

    let failed = &calls[1];
    expect(
        failed,
        &[
            ("rpc.method", "show_vault"),
            ("url.template", "/v3/{project_id}/vaults/{vault_id}"),
            ("http.response.status_code", "404"),
            ("error.type", "404"),
            ("otel.status_code", "ERROR"),
            ("http.response.header.x-request-id", "req-missing"),
        ],
    );
    assert!(
        !failed.contains_key("http.request.resend_count"),
        "{failed:#?}"
    );
}
