//! Parsing a 1,000-item `list_backups` page and a 1,000-item `list_operation_logs` page into
//! the generated models, against plain derived structs and `serde_json::Value` in the same run.
//!
//! `cargo bench -p cbr-benches --bench parse`, then `cargo run -p cbr-benches --bin bench-report`.

use std::hint::black_box;
use std::time::Duration;

use cbr_benches::baseline::plain;
use cbr_benches::paired;
use cbr_benches::payload::{self, Page, PAGE_ITEMS, SEED};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use huaweicloud_cbr::models;
use serde::de::DeserializeOwned;

fn bench_page<Generated: DeserializeOwned, Plain: DeserializeOwned>(
    c: &mut Criterion,
    name: &str,
    page: &Page,
) {
    eprintln!("{name}: {} bytes, {:?}", page.json.len(), page.stats);
    let json = page.json.as_str();
    let mut group = c.benchmark_group(format!("parse/{name}"));
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_str::<Generated>(black_box(json)).unwrap())
    });
    group.bench_function("plain_derive", |b| {
        b.iter(|| serde_json::from_str::<Plain>(black_box(json)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(json)).unwrap())
    });
    let group_id = format!("parse/{name}");
    paired::bench(
        &mut group,
        &group_id,
        "generated_vs_plain_derive",
        || serde_json::from_str::<Generated>(black_box(json)).unwrap(),
        || serde_json::from_str::<Plain>(black_box(json)).unwrap(),
    );
    paired::bench(
        &mut group,
        &group_id,
        "generated_vs_value",
        || serde_json::from_str::<Generated>(black_box(json)).unwrap(),
        || serde_json::from_str::<serde_json::Value>(black_box(json)).unwrap(),
    );
    group.finish();
}

fn parse(c: &mut Criterion) {
    let backups = payload::list_backups_page(SEED, PAGE_ITEMS);
    bench_page::<models::ListBackupsResponseBody, plain::ListBackupsResponseBody>(
        c,
        "list_backups",
        &backups,
    );
    let logs = payload::list_operation_logs_page(SEED, PAGE_ITEMS);
    bench_page::<models::ListOperationLogsResponseBody, plain::ListOperationLogsResponseBody>(
        c,
        "list_operation_logs",
        &logs,
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = parse
}
criterion_main!(benches);
