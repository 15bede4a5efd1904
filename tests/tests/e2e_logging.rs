//! Logging: a signed call is traced (one `cbr.call` span per call, with the operation, method,
//! path template, authentication scheme, resend count and status, under OpenTelemetry's names)
//! and no line holds a secret.
//!
//! This file holds a single test: `tracing` caches per call site whether anyone listens, and
//! tests running in parallel threads without a subscriber would race with the capturing one.

mod e2e_support;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cbr_tests::mock_http::{MockServer, Reply};
use e2e_support::{documented_reply, AK, PROJECT, SECURITY_TOKEN, SK};
use huaweicloud_cbr::{Auth, Client, Service};

fn unavailable() -> Reply {
    Reply::json(
        503,
        r#"{"error_code": "APIGW.0308", "error_msg": "The request is throttled"}"#,
    )
}

/// A `tracing` subscriber that writes every event as one line, with the fields of the spans
/// it happened in, and one line per closed span with its final fields.
#[derive(Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    spans: Mutex<HashMap<u64, Span>>,
    stack: Mutex<Vec<u64>>,
    next_id: AtomicU64,
}

struct Span {
    metadata: &'static tracing::Metadata<'static>,
    fields: String,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = String::new();
        span.record(&mut Fields(&mut fields));
        let metadata = span.metadata();
        self.spans
            .lock()
            .unwrap()
            .insert(id, Span { metadata, fields });
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        if let Some(span) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let spans = self.spans.lock().unwrap();
        let context: Vec<String> = self
            .stack
            .lock()
            .unwrap()
            .iter()
            .filter_map(|id| spans.get(id))
            .map(|span| format!("{}{{{}}}", span.metadata.name(), span.fields.trim()))
            .collect();
        let mut line = format!("{} {}:", event.metadata().level(), context.join(":"));
        event.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }

    fn enter(&self, span: &tracing::span::Id) {
        self.stack.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, _: &tracing::span::Id) {
        self.stack.lock().unwrap().pop();
    }

    fn try_close(&self, id: tracing::span::Id) -> bool {
        if let Some(span) = self.spans.lock().unwrap().remove(&id.into_u64()) {
            let line = format!("CLOSE {}{{{}}}", span.metadata.name(), span.fields.trim());
            self.lines.lock().unwrap().push(line);
        }
        true
    }
}

#[tokio::test]
async fn a_signed_call_is_logged_without_secrets() {
    let capture = Capture::default();
    let lines = Arc::clone(&capture.lines);
    let _guard = tracing::subscriber::set_default(capture);

    let server = MockServer::start(vec![unavailable(), documented_reply("list_vaults")]);
    let client = Client::builder()
        .project_id(PROJECT)
        .auth(Auth::temporary(AK, SK, SECURITY_TOKEN))
        .endpoint(Service::Cbr, server.base_url.clone())
        .endpoint(Service::Vbs, server.base_url.clone())
        .allow_http(true)
        .retry_config(e2e_support::fast_retries())
        .build()
        .unwrap();
    client.list_vaults().limit(5).await.unwrap();
    let signature = server
        .next_request()
        .header("authorization")
        .unwrap()
        .to_owned();
    let signature = signature.rsplit('=').next().unwrap().to_owned();

    let lines = lines.lock().unwrap().clone();
    let text = lines.join("\n");
    let response = lines
        .iter()
        .find(|line| line.contains("message=response"))
        .unwrap_or_else(|| panic!("no response line in:\n{text}"));
    for expected in [
        "cbr.call{",
        "rpc.method=list_vaults",
        "http.request.method=GET",
        "url.template=/v3/{project_id}/vaults",
        "auth=ak/sk+security-token",
        "http.request.resend_count=1",
        "http.response.status_code=200",
    ] {
        assert!(
            response.contains(expected),
            "{expected} missing in {response}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|line| line.contains("message=retrying") && line.contains("503")),
        "no retry line in:\n{text}"
    );
    assert!(
        lines.iter().any(|line| {
            line.starts_with("CLOSE cbr.call") && line.contains("http.response.status_code=200")
        }),
        "{text}"
    );
    for secret in [
        AK,
        SK,
        SECURITY_TOKEN,
        signature.as_str(),
        "SDK-HMAC-SHA256",
    ] {
        assert!(!text.contains(secret), "a secret is in the log:\n{text}");
    }
}
