//! Serialising the pages of the `parse` benchmark: the generated models against plain derived
//! structs (writing `None` as `null`, or leaving it out) and `serde_json::Value`, in the same run.
//!
//! Each writes into a buffer reused across iterations, so the figure is the serialiser's. The
//! throughput is counted on the page's size for all of them: the generated models write exactly
//! the page; the baselines write a little more (`plain_derive`: absent members come back as
//! `null`) or less (`plain_derive_skip_none`: members that were `null` are left out), see
//! `BENCHMARKS.md`.
//!
//! `cargo bench -p cbr-benches --bench serialize`, then
//! `cargo run -p cbr-benches --bin bench-report`.

use std::hint::black_box;
use std::time::Duration;

use cbr_benches::baseline::{plain, plain_skip_none};
use cbr_benches::paired;
use cbr_benches::payload::{self, Page, PAGE_ITEMS, SEED};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use huaweicloud_cbr::models;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Serialises `value` into `buffer` (cleared first); returns the length written.
fn write<T: Serialize>(buffer: &mut Vec<u8>, value: &T) -> usize {
    buffer.clear();
    serde_json::to_writer(&mut *buffer, black_box(value)).unwrap();
    buffer.len()
}

fn bench_one<T: Serialize>(group: &mut BenchmarkGroup<'_, WallTime>, id: &str, value: &T) -> usize {
    let mut buffer = Vec::with_capacity(4 << 20);
    let written = write(&mut buffer, value);
    group.bench_function(id, |b| b.iter(|| write(&mut buffer, value)));
    written
}

fn bench_page<Generated, Plain, PlainSkip>(c: &mut Criterion, name: &str, page: &Page)
where
    Generated: DeserializeOwned + Serialize,
    Plain: DeserializeOwned + Serialize,
    PlainSkip: DeserializeOwned + Serialize,
{
    let generated: Generated = serde_json::from_str(&page.json).unwrap();
    let plain: Plain = serde_json::from_str(&page.json).unwrap();
    let plain_skip: PlainSkip = serde_json::from_str(&page.json).unwrap();
    let value: serde_json::Value = serde_json::from_str(&page.json).unwrap();
    let group_id = format!("serialize/{name}");
    let mut group = c.benchmark_group(&group_id);
    group.throughput(Throughput::Bytes(page.json.len() as u64));
    let sizes = [
        ("generated", bench_one(&mut group, "generated", &generated)),
        (
            "plain_derive",
            bench_one(&mut group, "plain_derive", &plain),
        ),
        (
            "plain_derive_skip_none",
            bench_one(&mut group, "plain_derive_skip_none", &plain_skip),
        ),
        ("value", bench_one(&mut group, "value", &value)),
    ];
    let mut subject_buffer = Vec::with_capacity(4 << 20);
    let mut baseline_buffer = Vec::with_capacity(4 << 20);
    paired::bench(
        &mut group,
        &group_id,
        "generated_vs_plain_derive",
        || write(&mut subject_buffer, &generated),
        || write(&mut baseline_buffer, &plain),
    );
    paired::bench(
        &mut group,
        &group_id,
        "generated_vs_plain_derive_skip_none",
        || write(&mut subject_buffer, &generated),
        || write(&mut baseline_buffer, &plain_skip),
    );
    paired::bench(
        &mut group,
        &group_id,
        "generated_vs_value",
        || write(&mut subject_buffer, &generated),
        || write(&mut baseline_buffer, &value),
    );
    group.finish();
    eprintln!("{name}: page {} bytes; written {sizes:?}", page.json.len());
}

fn serialize(c: &mut Criterion) {
    let backups = payload::list_backups_page(SEED, PAGE_ITEMS);
    bench_page::<
        models::ListBackupsResponseBody,
        plain::ListBackupsResponseBody,
        plain_skip_none::ListBackupsResponseBody,
    >(c, "list_backups", &backups);
    let logs = payload::list_operation_logs_page(SEED, PAGE_ITEMS);
    bench_page::<
        models::ListOperationLogsResponseBody,
        plain::ListOperationLogsResponseBody,
        plain_skip_none::ListOperationLogsResponseBody,
    >(c, "list_operation_logs", &logs);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = serialize
}
criterion_main!(benches);
