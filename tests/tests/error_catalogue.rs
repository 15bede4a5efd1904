//! The error-code catalogue (002 §7.2) in `spec/error-codes.yaml`: complete, unique, and the
//! source of every error code the spec's examples use.

use std::collections::{BTreeMap, BTreeSet};

use cbr_tests::{read_yaml, spec};
use serde_json::Value;

fn codes() -> Vec<Value> {
    read_yaml("spec/error-codes.yaml")["codes"]
        .as_array()
        .expect("spec/error-codes.yaml has a `codes` list")
        .clone()
}

#[test]
fn catalogue_has_the_documented_rows_per_status() {
    let codes = codes();
    assert_eq!(codes.len(), 172, "rows in 002 §7.2");
    let mut per_status: BTreeMap<u64, usize> = BTreeMap::new();
    for row in &codes {
        *per_status
            .entry(row["status"].as_u64().expect("integer status"))
            .or_default() += 1;
    }
    let expected = BTreeMap::from([(400, 132), (403, 1), (404, 16), (500, 23)]);
    assert_eq!(per_status, expected);
}

#[test]
fn catalogue_codes_are_unique_and_rows_complete() {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for (i, row) in codes().iter().enumerate() {
        let code = row["code"].as_str().unwrap_or("");
        let well_formed = code
            .strip_prefix("BackupService.")
            .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            problems.push(format!("codes/{i}: malformed code {code:?}"));
        }
        if !seen.insert(code.to_owned()) {
            problems.push(format!("codes/{i}: duplicate code {code}"));
        }
        for field in ["message", "description", "handling"] {
            if row[field].as_str().is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("codes/{i} ({code}): empty {field}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Collects every `error_code` member anywhere under `value`.
fn error_codes_in<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child.as_str()) {
                    ("error_code", Some(code)) => out.push(code),
                    _ => error_codes_in(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| error_codes_in(v, out)),
        _ => {}
    }
}

#[test]
fn every_error_code_in_the_examples_is_catalogued() {
    let catalogued: BTreeSet<String> = codes()
        .iter()
        .filter_map(|row| row["code"].as_str().map(str::to_owned))
        .collect();
    let doc = spec();
    let mut used = Vec::new();
    error_codes_in(&doc["paths"], &mut used);
    assert!(
        !used.is_empty(),
        "the spec's examples show no error code at all"
    );
    let unknown: Vec<_> = used.iter().filter(|c| !catalogued.contains(**c)).collect();
    assert!(
        unknown.is_empty(),
        "error codes in examples but not in the catalogue: {unknown:?}"
    );
}
