//! Paired measurement: a subject and its baseline run alternately inside one criterion
//! benchmark, each timed, so that both see the same machine. On a noisy machine the ratio of
//! two benchmarks run one after the other drifts with the load; the ratio of a pair timed in the
//! same iterations does not.
//!
//! Every batch of iterations criterion asks for gives one ratio, baseline time over subject
//! time (above 1: the subject is faster). [`bench()`] writes them to
//! `<target>/criterion/paired/<group>/<function>.json`, where `bench-report` reads them.

use std::fs;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::BenchmarkGroup;

/// Where criterion writes its results: `$CARGO_TARGET_DIR/criterion`, else the workspace's
/// `target/criterion`.
pub fn criterion_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => PathBuf::from(target).join("criterion"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("target")
            .join("criterion"),
    }
}

/// Benchmarks `subject` as `<group>/<id>` while timing `baseline` in the same iterations
/// (alternating which runs first), and records the ratios.
pub fn bench<S, B, RS, RB>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    group_id: &str,
    id: &str,
    mut subject: S,
    mut baseline: B,
) where
    S: FnMut() -> RS,
    B: FnMut() -> RB,
{
    let mut ratios: Vec<f64> = Vec::new();
    group.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let mut in_subject = Duration::ZERO;
            let mut in_baseline = Duration::ZERO;
            for i in 0..iters {
                let mut run_subject = || {
                    let start = Instant::now();
                    black_box(subject());
                    in_subject += start.elapsed();
                };
                if i % 2 == 0 {
                    run_subject();
                    let start = Instant::now();
                    black_box(baseline());
                    in_baseline += start.elapsed();
                } else {
                    let start = Instant::now();
                    black_box(baseline());
                    in_baseline += start.elapsed();
                    run_subject();
                }
            }
            if !in_subject.is_zero() {
                ratios.push(in_baseline.as_secs_f64() / in_subject.as_secs_f64());
            }
            in_subject
        })
    });
    if ratios.is_empty() {
        return;
    }
    let dir = criterion_dir()
        .join("paired")
        .join(group_id.replace('/', "_"));
    let json = serde_json::json!({ "group": group_id, "id": id, "ratios": ratios });
    if let Err(e) = fs::create_dir_all(&dir)
        .and_then(|()| fs::write(dir.join(format!("{id}.json")), json.to_string()))
    {
        eprintln!("cannot record the paired ratios of {group_id}/{id}: {e}");
    }
}

/// The median and the quartiles of `values` (sorted in place).
pub fn quartiles(values: &mut [f64]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Some((at(0.25), at(0.5), at(0.75)))
}
