//! Preparing an AK/SK-signed `create_vault` request with a body of about 4 KB, excluding the
//! network: validate the body, serialise it, sign (`SDK-HMAC-SHA256`) and collect the headers and
//! URL to send.
//!
//! The baseline, measured in the same run, is the cryptographic floor of any such signer: the
//! SHA-256 of the body, the SHA-256 of the canonical request and the HMAC-SHA256 of the string to
//! sign, each hex-encoded, over the same texts.
//!
//! `sign/call_4k` sends the same request as a whole call through a client, AK/SK-signed, to a
//! mock answer (feature `test-util`, no network): with one hook and without, paired, for the
//! per-call cost of the hooks.
//!
//! `cargo bench -p cbr-benches --bench signing`, then
//! `cargo run -p cbr-benches --bin bench-report`.

use std::hint::black_box;
use std::time::Duration;

use cbr_benches::paired;
use cbr_benches::payload::{self, SEED};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use huaweicloud_cbr::mock::{self, rule, Mock};
use huaweicloud_cbr::signing::{sign, Credentials, SdkDate, SignableRequest};
use huaweicloud_cbr::{models, AfterAttempt, BeforeAttempt, Client, Hook, HookFuture};
use sha2::{Digest, Sha256};

const AUTHORITY: &str = "cbr.ap-southeast-1.myhuaweicloud.com";
const PATH: &str = "/v3/0605767b5780d5762fc5c0118072a564/vaults";
const DATE: &str = "20240315T083000Z";
const SECRET_KEY: &str = "example-secret-key-0123456789abcd";
const HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "application/json"),
    ("Accept", "application/json"),
    ("X-Project-Id", "0605767b5780d5762fc5c0118072a564"),
    ("User-Agent", "huaweicloud-cbr/0.1.0"),
];

/// What the client does before sending: validate, serialise, sign, collect what to send.
fn prepare(
    body: &models::CreateVaultRequestBody,
    credentials: &Credentials,
) -> (usize, String, usize) {
    body.validate().unwrap();
    let bytes = serde_json::to_vec(body).unwrap();
    let request = SignableRequest::new("POST", "https", AUTHORITY, PATH)
        .with_headers(HEADERS)
        .with_body(&bytes);
    let signed = sign(&request, credentials, SdkDate::parse(DATE).unwrap()).unwrap();
    let headers: Vec<(&str, &str)> = signed.headers().collect();
    (headers.len(), signed.url(), bytes.len())
}

fn hmac_hex(key: &[u8], text: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(text);
    hex::encode(mac.finalize().into_bytes())
}

fn signing(c: &mut Criterion) {
    let body: models::CreateVaultRequestBody =
        serde_json::from_value(payload::create_vault_body(SEED, 4096)).unwrap();
    let credentials = Credentials::new("HPUAEXAMPLEAK0000001", SECRET_KEY);
    let bytes = serde_json::to_vec(&body).unwrap();
    let request = SignableRequest::new("POST", "https", AUTHORITY, PATH)
        .with_headers(HEADERS)
        .with_body(&bytes);
    let signed = sign(&request, &credentials, SdkDate::parse(DATE).unwrap()).unwrap();
    let canonical_request = signed.canonical_request().to_owned();
    let string_to_sign = signed.string_to_sign().to_owned();
    eprintln!(
        "create_vault: body {} bytes, canonical request {} bytes",
        bytes.len(),
        canonical_request.len()
    );

    let mut group = c.benchmark_group("sign/create_vault_4k");
    group.throughput(Throughput::Elements(1));
    group.bench_function("prepare_signed", |b| {
        b.iter(|| prepare(black_box(&body), &credentials))
    });
    group.bench_function("validate_and_serialize", |b| {
        b.iter(|| {
            black_box(&body).validate().unwrap();
            serde_json::to_vec(black_box(&body)).unwrap()
        })
    });
    group.bench_function("sign_only", |b| {
        b.iter(|| {
            let request = SignableRequest::new("POST", "https", AUTHORITY, PATH)
                .with_headers(HEADERS)
                .with_body(black_box(&bytes));
            let signed = sign(&request, &credentials, SdkDate::parse(DATE).unwrap()).unwrap();
            signed.authorization().len()
        })
    });
    let crypto_floor = || {
        let body_hash = hex::encode(Sha256::digest(black_box(&bytes)));
        let request_hash = hex::encode(Sha256::digest(black_box(&canonical_request)));
        let signature = hmac_hex(SECRET_KEY.as_bytes(), black_box(&string_to_sign).as_bytes());
        body_hash.len() + request_hash.len() + signature.len()
    };
    group.bench_function("crypto_floor", |b| b.iter(crypto_floor));
    paired::bench(
        &mut group,
        "sign/create_vault_4k",
        "prepare_signed_vs_crypto_floor",
        || prepare(black_box(&body), &credentials),
        crypto_floor,
    );
    group.finish();
}

/// A hook as a metrics hook would be: it reads the attempt before it is sent, and counts what
/// each attempt came to.
#[derive(Default)]
struct Counting {
    before: std::sync::atomic::AtomicU64,
    after: std::sync::atomic::AtomicU64,
}

impl Hook for Counting {
    fn before_attempt<'a>(&'a self, attempt: &'a mut BeforeAttempt<'_>) -> HookFuture<'a> {
        let relaxed = std::sync::atomic::Ordering::Relaxed;
        self.before.fetch_add(u64::from(attempt.attempt), relaxed);
        Box::pin(async { Ok(()) })
    }

    fn after_attempt<'a>(&'a self, attempt: &'a AfterAttempt<'_>) -> HookFuture<'a> {
        let relaxed = std::sync::atomic::Ordering::Relaxed;
        self.after
            .fetch_add(attempt.duration.as_nanos() as u64, relaxed);
        Box::pin(async { Ok(()) })
    }
}

/// An AK/SK client answering every `create_vault` from a mock rule, with `hook` or without.
fn mock_client(hook: Option<Counting>) -> Client {
    let created = rule::create_vault().then_output(Default::default()).build();
    let builder =
        mock::builder(Mock::new().with_rule(&created)).ak_sk("HPUAEXAMPLEAK0000001", SECRET_KEY);
    let builder = match hook {
        Some(hook) => builder.hook(hook),
        None => builder,
    };
    builder.build().unwrap()
}

/// One whole call with and without a hook: validation, serialisation, signing, the mock's
/// answer and its decoding, on a current-thread runtime.
fn calls(c: &mut Criterion) {
    let body: models::CreateVaultRequestBody =
        serde_json::from_value(payload::create_vault_body(SEED, 4096)).unwrap();
    // The call's deadline is a Tokio timer.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let plain = mock_client(None);
    let hooked = mock_client(Some(Counting::default()));
    let call = |client: &Client| {
        runtime
            .block_on(client.create_vault(black_box(body.clone())).send())
            .unwrap()
    };
    let mut group = c.benchmark_group("sign/call_4k");
    group.throughput(Throughput::Elements(1));
    group.bench_function("no_hook", |b| b.iter(|| call(&plain)));
    group.bench_function("one_hook", |b| b.iter(|| call(&hooked)));
    paired::bench(
        &mut group,
        "sign/call_4k",
        "one_hook_vs_no_hook",
        || call(&hooked),
        || call(&plain),
    );
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = signing, calls
}
criterion_main!(benches);
