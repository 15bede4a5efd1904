//! Runs one workload of the benchmarks in a loop, for a profiler (`perf record`,
//! `valgrind --tool=callgrind`), whose instruction counts do not depend on the machine's noise.
//!
//! `cargo build -p cbr-benches --release --bin bench-profile`, then for example
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='bench_profile::parse*'
//! target/release/bench-profile parse list_backups generated 3` (the loops are the functions
//! `parse`, `write`, `body_loop` and `prepare`, never inlined, so that only they are counted).
//!
//! Arguments: `parse|serialize`, `list_backups|list_operation_logs`,
//! `generated|plain_derive|plain_derive_skip_none|value`, iterations; or `body N` (serialise the
//! 4 KB `create_vault` body), `prepare N` (validate, serialise and sign it), `codegen N`.

use std::hint::black_box;
use std::process::ExitCode;

use cbr_benches::baseline::{plain, plain_skip_none};
use cbr_benches::payload::{self, PAGE_ITEMS, SEED};
use huaweicloud_cbr::models;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[inline(never)]
fn parse<T: DeserializeOwned>(json: &str, iterations: usize) {
    for _ in 0..iterations {
        black_box(serde_json::from_str::<T>(black_box(json)).unwrap());
    }
}

fn serialize<T: DeserializeOwned + Serialize>(json: &str, iterations: usize) {
    let value: T = serde_json::from_str(json).unwrap();
    write(&value, iterations);
}

#[inline(never)]
fn write<T: Serialize>(value: &T, iterations: usize) {
    let mut buffer = Vec::with_capacity(4 << 20);
    for _ in 0..iterations {
        buffer.clear();
        serde_json::to_writer(&mut buffer, black_box(value)).unwrap();
        black_box(&buffer);
    }
}

#[inline(never)]
fn prepare(iterations: usize) {
    use huaweicloud_cbr::signing::{sign, Credentials, SdkDate, SignableRequest};
    let body: models::CreateVaultRequestBody =
        serde_json::from_value(payload::create_vault_body(SEED, 4096)).unwrap();
    let credentials = Credentials::new("HPUAEXAMPLEAK0000001", "example-secret-key");
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Project-Id", "0605767b5780d5762fc5c0118072a564"),
    ];
    for _ in 0..iterations {
        black_box(&body).validate().unwrap();
        let bytes = serde_json::to_vec(black_box(&body)).unwrap();
        let request = SignableRequest::new("POST", "https", "cbr.example.com", "/v3/p/vaults")
            .with_headers(&headers)
            .with_body(&bytes);
        let signed = sign(
            &request,
            &credentials,
            SdkDate::parse("20240315T083000Z").unwrap(),
        )
        .unwrap();
        black_box(signed.headers().count());
    }
}

#[inline(never)]
fn body_loop(body: &models::CreateVaultRequestBody, iterations: usize) {
    for _ in 0..iterations {
        black_box(serde_json::to_vec(black_box(body)).unwrap());
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("codegen") {
        let spec = include_str!("../../../spec/cbr.yaml");
        let codes = include_str!("../../../spec/error-codes.yaml");
        for _ in 0..args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1) {
            let inputs = cbr_codegen::Inputs::new(black_box(spec)).with_error_codes(codes);
            black_box(cbr_codegen::generate(inputs).unwrap());
        }
        return ExitCode::SUCCESS;
    }
    if args.first().map(String::as_str) == Some("body") {
        let body: models::CreateVaultRequestBody =
            serde_json::from_value(payload::create_vault_body(SEED, 4096)).unwrap();
        body_loop(&body, args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1));
        return ExitCode::SUCCESS;
    }
    if args.first().map(String::as_str) == Some("prepare") {
        prepare(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1));
        return ExitCode::SUCCESS;
    }
    let [mode, page, variant, iterations] = args.as_slice() else {
        eprintln!("usage: bench-profile parse|serialize list_backups|list_operation_logs generated|plain_derive|plain_derive_skip_none|value ITERATIONS");
        return ExitCode::FAILURE;
    };
    let Ok(iterations) = iterations.parse::<usize>() else {
        eprintln!("ITERATIONS must be a number");
        return ExitCode::FAILURE;
    };
    let backups = page == "list_backups";
    let json = if backups {
        payload::list_backups_page(SEED, PAGE_ITEMS).json
    } else {
        payload::list_operation_logs_page(SEED, PAGE_ITEMS).json
    };
    macro_rules! run {
        ($f:ident, $backups:ty, $logs:ty) => {
            if backups {
                $f::<$backups>(&json, iterations)
            } else {
                $f::<$logs>(&json, iterations)
            }
        };
    }
    match (mode.as_str(), variant.as_str()) {
        ("parse", "generated") => run!(
            parse,
            models::ListBackupsResponseBody,
            models::ListOperationLogsResponseBody
        ),
        ("parse", "plain_derive") => run!(
            parse,
            plain::ListBackupsResponseBody,
            plain::ListOperationLogsResponseBody
        ),
        ("parse", "value") => run!(parse, serde_json::Value, serde_json::Value),
        ("serialize", "generated") => run!(
            serialize,
            models::ListBackupsResponseBody,
            models::ListOperationLogsResponseBody
        ),
        ("serialize", "plain_derive") => run!(
            serialize,
            plain::ListBackupsResponseBody,
            plain::ListOperationLogsResponseBody
        ),
        ("serialize", "plain_derive_skip_none") => run!(
            serialize,
            plain_skip_none::ListBackupsResponseBody,
            plain_skip_none::ListOperationLogsResponseBody
        ),
        ("serialize", "value") => run!(serialize, serde_json::Value, serde_json::Value),
        _ => {
            eprintln!("unknown mode or variant");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
