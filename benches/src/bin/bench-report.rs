//! Prints the figures of the last `cargo bench -p cbr-benches` run as Markdown tables: median
//! time, throughput, and each subject's ratio to the baselines of its group, all from the same
//! run (criterion's `new/estimates.json`).
//!
//! `cargo run -p cbr-benches --bin bench-report [-- <criterion directory>]`; the directory
//! defaults to `$CARGO_TARGET_DIR/criterion`, else `target/criterion` of the workspace.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cbr_benches::paired;
use serde_json::Value;

/// A group, its subject (the figure the target is about), its baselines, and the target.
struct Group {
    id: &'static str,
    subject: &'static str,
    baselines: &'static [&'static str],
    target: Target,
}

enum Target {
    /// The subject's throughput is at least this share of the first baseline's.
    ThroughputShare(f64),
    /// The subject's median is under this many nanoseconds.
    UnderNanos(f64),
}

const GROUPS: &[Group] = &[
    Group {
        id: "parse/list_backups",
        subject: "generated",
        baselines: &["plain_derive", "value"],
        target: Target::ThroughputShare(1.00),
    },
    Group {
        id: "parse/list_operation_logs",
        subject: "generated",
        baselines: &["plain_derive", "value"],
        target: Target::ThroughputShare(1.00),
    },
    Group {
        id: "serialize/list_backups",
        subject: "generated",
        baselines: &["plain_derive", "plain_derive_skip_none", "value"],
        target: Target::ThroughputShare(1.00),
    },
    Group {
        id: "serialize/list_operation_logs",
        subject: "generated",
        baselines: &["plain_derive", "plain_derive_skip_none", "value"],
        target: Target::ThroughputShare(1.00),
    },
    Group {
        id: "sign/create_vault_4k",
        subject: "prepare_signed",
        baselines: &["crypto_floor", "sign_only", "validate_and_serialize"],
        target: Target::UnderNanos(10_000.0),
    },
    Group {
        id: "codegen/full_spec",
        subject: "generate",
        baselines: &["yaml_to_value", "parse_and_lower"],
        target: Target::UnderNanos(200_000_000.0),
    },
];

/// One benchmark's estimates.
struct Estimate {
    median_ns: f64,
    low_ns: f64,
    high_ns: f64,
    bytes: Option<f64>,
}

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(default_dir);
    let estimates = match read_all(&dir) {
        Ok(estimates) if !estimates.is_empty() => estimates,
        Ok(_) => {
            eprintln!(
                "no criterion results under {}; run `cargo bench -p cbr-benches` first",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    for group in GROUPS {
        report(group, &estimates, &dir);
    }
    println!(
        "### size_of the models\n\n{}",
        cbr_benches::sizes::markdown()
    );
    ExitCode::SUCCESS
}

fn default_dir() -> PathBuf {
    paired::criterion_dir()
}

/// The paired ratios of `<group>/<id>` (see [`paired`]): median and quartiles, and how many.
fn read_paired(dir: &Path, group: &str, id: &str) -> Option<(f64, f64, f64, usize)> {
    let path = dir
        .join("paired")
        .join(group.replace('/', "_"))
        .join(format!("{id}.json"));
    let json: Value = serde_json::from_str(&fs::read_to_string(path).ok()?).ok()?;
    let mut ratios: Vec<f64> = json["ratios"]
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let (low, median, high) = paired::quartiles(&mut ratios)?;
    Some((low, median, high, ratios.len()))
}

/// Every `new/benchmark.json` under `dir`, by full id (`group/function`).
fn read_all(dir: &Path) -> std::io::Result<BTreeMap<String, Estimate>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.ends_with("new/benchmark.json") {
                if let Some((id, estimate)) = read_one(path.parent().unwrap_or(&dir)) {
                    out.insert(id, estimate);
                }
            }
        }
    }
    Ok(out)
}

fn read_one(dir: &Path) -> Option<(String, Estimate)> {
    let read = |name: &str| -> Option<Value> {
        serde_json::from_str(&fs::read_to_string(dir.join(name)).ok()?).ok()
    };
    let benchmark = read("benchmark.json")?;
    let estimates = read("estimates.json")?;
    let id = format!(
        "{}/{}",
        benchmark["group_id"].as_str()?,
        benchmark["function_id"].as_str()?
    );
    let median = &estimates["median"];
    let bytes = benchmark["throughput"]["Bytes"].as_f64();
    Some((
        id,
        Estimate {
            median_ns: median["point_estimate"].as_f64()?,
            low_ns: median["confidence_interval"]["lower_bound"].as_f64()?,
            high_ns: median["confidence_interval"]["upper_bound"].as_f64()?,
            bytes,
        },
    ))
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn report(group: &Group, estimates: &BTreeMap<String, Estimate>, dir: &Path) {
    let get = |function: &str| estimates.get(&format!("{}/{function}", group.id));
    let Some(subject) = get(group.subject) else {
        println!("### {}\n\n(no results)\n", group.id);
        return;
    };
    println!("### {}\n", group.id);
    println!(
        "| benchmark | median | 95% CI of the median | throughput | {} relative to it |",
        group.subject
    );
    println!("|---|---|---|---|---|");
    let mut names = vec![group.subject];
    names.extend(group.baselines);
    for name in names {
        let Some(e) = get(name) else {
            println!("| {name} | (missing) | | | |");
            continue;
        };
        let throughput = e
            .bytes
            .map(|bytes| format!("{:.0} MB/s", bytes / e.median_ns * 1e3))
            .unwrap_or_else(|| format!("{:.0} /s", 1e9 / e.median_ns));
        let relative = if name == group.subject {
            "(subject)".to_owned()
        } else {
            // A throughput ratio: above 1, the subject is faster than this baseline.
            format!("{:.3}", e.median_ns / subject.median_ns)
        };
        println!(
            "| {name} | {} | {} – {} | {throughput} | {relative} |",
            time(e.median_ns),
            time(e.low_ns),
            time(e.high_ns)
        );
    }
    println!(
        "\nPaired, timed in the same iterations (baseline time ÷ {} time; above 1: {} is faster):\n",
        group.subject, group.subject
    );
    println!("| pair | median ratio | quartiles | batches |");
    println!("|---|---|---|---|");
    let mut paired_first = None;
    for (i, baseline) in group.baselines.iter().enumerate() {
        let id = format!("{}_vs_{baseline}", group.subject);
        if let Some((low, median, high, n)) = read_paired(dir, group.id, &id) {
            println!(
                "| {} vs {baseline} | {median:.3} | {low:.3} – {high:.3} | {n} |",
                group.subject
            );
            if i == 0 {
                paired_first = Some(median);
            }
        }
    }
    let verdict = match group.target {
        Target::ThroughputShare(share) => match (paired_first, get(group.baselines[0])) {
            (Some(ratio), _) => format!(
                "target: {} throughput ≥ {share} × {} (paired median): {ratio:.3}, {}",
                group.subject,
                group.baselines[0],
                if ratio >= share { "met" } else { "MISSED" }
            ),
            (None, Some(baseline)) => {
                let ratio = baseline.median_ns / subject.median_ns;
                format!(
                    "target: {} throughput ≥ {share} × {}: {ratio:.3}, {}",
                    group.subject,
                    group.baselines[0],
                    if ratio >= share { "met" } else { "MISSED" }
                )
            }
            (None, None) => "target: baseline missing".to_owned(),
        },
        Target::UnderNanos(limit) => format!(
            "target: {} under {}: {}, {}",
            group.subject,
            time(limit),
            time(subject.median_ns),
            if subject.median_ns < limit {
                "met"
            } else {
                "MISSED"
            }
        ),
    };
    println!("\n{verdict}\n");
}
