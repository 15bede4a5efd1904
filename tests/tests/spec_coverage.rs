//! Every table of the source documents is named by some `x-doc-source` of the spec (or listed in
//! `ERRATA.md` as deliberately not transcribed), so nothing documented was skipped silently.

use std::collections::BTreeSet;
use std::path::PathBuf;

use cbr_tests::{read_yaml, spec, workspace_file, workspace_root};
use serde_json::Value;

/// (document, table) pairs, e.g. ("002", "Table 4-87") or ("004", "backup field description").
type TableId = (String, String);

/// How many tables chapter 4 of the API reference (002), the operations, numbers: from
/// `Table 4-1` (§4.1.1 Querying a Single Task, path parameters) to `Table 4-216` (§4.6.5
/// Deleting a Policy, request headers). Chapters 2 and 3 describe the API in general and are
/// not counted.
const REFERENCE_TABLES: u32 = 216;

/// How many tables each web page numbers, `Table 1` to the last: 000 "Synchronizing a Backup"
/// ends with `Table 6 BackupSyncRespBody`, 001 "Synchronizing a Restore Point" with
/// `Table 5 SyncRespBody`, 003 "Querying a Specified Backup" with
/// `Table 8 ReplicationRecordsExtraInfo`.
const WEB_PAGE_TABLES: [(&str, u32); 3] = [("000", 6), ("001", 5), ("003", 8)];

/// The unnumbered tables of the VBS page (004), by heading: its three "Parameter description"
/// bullets (under URI, Request and Response) named after their section, and the two field
/// tables. `table_list_matches_the_source_documents` checks all three lists against the
/// documents when they are at hand.
const VBS_TABLES: [&str; 5] = [
    "URI parameter description",
    "request parameter description",
    "backup field description",
    "tag field description",
    "response parameter description",
];

fn documented_tables() -> BTreeSet<TableId> {
    // Table 2-1 describes the groups of operations, the spec's tags.
    let mut tables = BTreeSet::from([("002".to_owned(), "Table 2-1".to_owned())]);
    for n in 1..=REFERENCE_TABLES {
        tables.insert(("002".to_owned(), format!("Table 4-{n}")));
    }
    for (doc, count) in WEB_PAGE_TABLES {
        for n in 1..=count {
            tables.insert((doc.to_owned(), format!("Table {n}")));
        }
    }
    for heading in VBS_TABLES {
        tables.insert(("004".to_owned(), heading.to_owned()));
    }
    tables
}

/// Parses one `x-doc-source` value: `; `-separated parts, each starting with a document id and
/// naming tables as `Table X` (or, for 004, a quoted heading).
fn tables_named_by(source: &str, out: &mut BTreeSet<TableId>) {
    for part in source.split(';') {
        let part = part.trim();
        let Some(doc) = part
            .get(..3)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let mut rest = part;
        while let Some(at) = rest.find("Table ") {
            let after = &rest[at + "Table ".len()..];
            let number: String = after
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .collect();
            let number = number.trim_end_matches('-');
            if !number.is_empty() {
                out.insert((doc.to_owned(), format!("Table {number}")));
            }
            rest = after;
        }
        let mut quoted = part.split('"').skip(1).step_by(2);
        for heading in quoted.by_ref() {
            out.insert((doc.to_owned(), heading.to_owned()));
        }
    }
}

fn collect_sources(value: &Value, out: &mut BTreeSet<TableId>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("x-doc-source", Value::String(s)) => tables_named_by(s, out),
                    _ => collect_sources(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_sources(v, out)),
        _ => {}
    }
}

/// Tables that ERRATA.md lists on a `- **Tables not transcribed:**` line, with its reason.
fn tables_excused_by_errata() -> BTreeSet<TableId> {
    let errata = std::fs::read_to_string(workspace_file("spec/ERRATA.md")).expect("spec/ERRATA.md");
    let mut out = BTreeSet::new();
    for line in errata.lines() {
        if let Some(list) = line.trim().strip_prefix("- **Tables not transcribed:**") {
            tables_named_by(list, &mut out);
        }
    }
    out
}

#[test]
fn every_documented_table_is_traced() {
    let mut named = BTreeSet::new();
    collect_sources(&spec(), &mut named);
    collect_sources(&read_yaml("spec/error-codes.yaml"), &mut named);
    let excused = tables_excused_by_errata();
    let missing: Vec<String> = documented_tables()
        .into_iter()
        .filter(|t| !named.contains(t) && !excused.contains(t))
        .map(|(doc, table)| format!("{doc} {table}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} table(s) named by no x-doc-source and not excused in ERRATA.md:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_named_table_exists_in_the_documents() {
    let mut named = BTreeSet::new();
    collect_sources(&spec(), &mut named);
    let documented = documented_tables();
    let unknown: Vec<String> = named
        .iter()
        // Quoted headings of 004 that are not tables (examples, status codes) may be cited too.
        .filter(|(doc, table)| {
            table.starts_with("Table ") || (doc == "004" && table.ends_with("description"))
        })
        .filter(|t| !documented.contains(*t))
        .map(|(doc, table)| format!("{doc} {table}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "x-doc-source names tables that do not exist: {unknown:?}"
    );
}

fn seeds_dir() -> PathBuf {
    std::env::var_os("CBR_SEEDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/seeds"))
}

/// The table list above is checked against the documents themselves where they are available
/// (they are reference material beside the repository, not part of it).
#[test]
fn table_list_matches_the_source_documents() {
    let dir = seeds_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "source documents not found at {}; table list not cross-checked",
            dir.display()
        );
        return;
    };
    let mut found = BTreeSet::new();
    let mut vbs_tables = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(doc) = name
            .get(..3)
            .filter(|d| name.ends_with(".txt") && d.parse::<u8>().is_ok())
        else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).expect("readable source document");
        for line in text.lines() {
            let line = line.trim();
            if doc == "004" && line.starts_with('•') && line.ends_with("description") {
                vbs_tables += 1;
            }
            if let Some(rest) = line.strip_prefix("Table ") {
                let number: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '-')
                    .collect();
                if !number.is_empty() && rest[number.len()..].starts_with(' ') {
                    found.insert((doc.to_owned(), format!("Table {number}")));
                }
            }
        }
    }
    // Chapters 2 and 3 of 002 describe API usage in general, not operations; only Table 2-1,
    // the groups of operations, is transcribed (as the tags).
    found.retain(|(doc, table)| {
        doc != "002" || table.starts_with("Table 4-") || table == "Table 2-1"
    });
    let expected: BTreeSet<TableId> = documented_tables()
        .into_iter()
        .filter(|(d, _)| d != "004")
        .collect();
    let only_in_docs: Vec<_> = found.difference(&expected).collect();
    let only_in_list: Vec<_> = expected.difference(&found).collect();
    assert!(
        only_in_docs.is_empty() && only_in_list.is_empty(),
        "tables in {} but not in the list: {only_in_docs:?}; in the list but not there: {only_in_list:?}",
        dir.display()
    );
    assert_eq!(
        vbs_tables,
        VBS_TABLES.len(),
        "unnumbered tables of the VBS page"
    );
}
