//! The generator on the full spec, as `cargo xtask codegen` runs it: `cbr_codegen::generate`
//! from the YAML text of `spec/cbr.yaml` and `spec/error-codes.yaml` to every formatted file.
//! The baseline, measured in the same run, is parsing the spec's YAML text into a
//! `serde_yaml::Value`.
//!
//! `cargo bench -p cbr-benches --bench codegen`, then
//! `cargo run -p cbr-benches --bin bench-report`.

use std::hint::black_box;
use std::time::Duration;

use cbr_benches::paired;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const SPEC: &str = include_str!("../../spec/cbr.yaml");
const ERROR_CODES: &str = include_str!("../../spec/error-codes.yaml");

fn generate() -> Vec<cbr_codegen::GeneratedFile> {
    let inputs = cbr_codegen::Inputs::new(black_box(SPEC)).with_error_codes(black_box(ERROR_CODES));
    cbr_codegen::generate(inputs).unwrap()
}

fn codegen(c: &mut Criterion) {
    let files = generate();
    let written: usize = files.iter().map(|f| f.contents.len()).sum();
    eprintln!(
        "spec {} bytes -> {} files, {written} bytes",
        SPEC.len(),
        files.len()
    );
    let mut group = c.benchmark_group("codegen/full_spec");
    group.throughput(Throughput::Bytes(SPEC.len() as u64));
    group.bench_function("generate", |b| b.iter(generate));
    group.bench_function("parse_and_lower", |b| {
        b.iter(|| cbr_codegen::parse_and_lower(black_box(SPEC)).unwrap())
    });
    group.bench_function("yaml_to_value", |b| {
        b.iter(|| serde_yaml::from_str::<serde_yaml::Value>(black_box(SPEC)).unwrap())
    });
    paired::bench(
        &mut group,
        "codegen/full_spec",
        "generate_vs_yaml_to_value",
        generate,
        || serde_yaml::from_str::<serde_yaml::Value>(black_box(SPEC)).unwrap(),
    );
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    targets = codegen
}
criterion_main!(benches);
