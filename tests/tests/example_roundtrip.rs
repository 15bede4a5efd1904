//! Every example payload of the spec (request and response bodies, by operation, status and
//! example name) is read into the generated model of its schema and written back, and the
//! result is the same JSON: the same members, `null` where the example has `null`, nothing
//! where it has nothing, the same numbers. Each typed value is pinned by a snapshot
//! (`snapshots/example_roundtrip__<operation>__<status>__<example>.snap`), so a change of the
//! spec or of the generator that alters how a documented payload is read is a reviewed diff.
//!
//! The examples and their models are found from the spec (through the generated
//! `cbr_tests::model_registry`): a new example is tested without new test code, and an example
//! whose schema has no model fails.

use std::collections::BTreeSet;

use cbr_tests::roundtrip::differences;
use cbr_tests::{escape_pointer, model_registry, operations, resolve, spec, workspace_file};
use serde_json::Value;

/// Where the snapshots of this test live.
const SNAPSHOTS: &str = "tests/tests/snapshots";
/// The prefix insta gives them (the test file's name).
const PREFIX: &str = "example_roundtrip__";

/// One example payload of a request or response body.
struct Example<'a> {
    /// `<operation>__<status or "request">__<example>`, the snapshot's name.
    name: String,
    /// Whether it is a request body (else a response body).
    request: bool,
    /// JSON pointer of the example object.
    pointer: String,
    /// JSON pointer of the schema whose model reads the payload.
    schema: String,
    /// The example's `summary`.
    summary: &'a str,
    /// The example's `x-errata`.
    errata: Vec<&'a str>,
    /// The payload.
    value: &'a Value,
}

/// Follows a `$ref` to a component (`requestBodies`, `responses`, `examples`), or returns the
/// node itself; the pointer returned is the one of the node reached.
fn follow<'a>(doc: &'a Value, node: &'a Value, pointer: String) -> (&'a Value, String) {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = resolve(doc, reference)
                .unwrap_or_else(|| panic!("{pointer}: `{reference}` points at nothing"));
            (target, reference.to_owned())
        }
        None => (node, pointer),
    }
}

/// The schema a media type's payload is read by: the component a `$ref` (or an `allOf` that
/// wraps one) names, or the inline schema itself.
fn body_schema(media: &Value, media_pointer: &str) -> String {
    let schema = &media["schema"];
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.to_owned();
    }
    if let Some([single]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        if let Some(reference) = single.get("$ref").and_then(Value::as_str) {
            return reference.to_owned();
        }
    }
    format!("{media_pointer}/schema")
}

/// Every example of every request and response body, in spec order.
fn examples(doc: &Value) -> Vec<Example<'_>> {
    let mut out = Vec::new();
    for op in operations(doc) {
        let mut bodies = Vec::new();
        if let Some(body) = op.value.get("requestBody") {
            let pointer = format!("{}/requestBody", op.pointer);
            bodies.push(("request".to_owned(), follow(doc, body, pointer)));
        }
        for (status, response) in op.value["responses"].as_object().into_iter().flatten() {
            let pointer = format!("{}/responses/{status}", op.pointer);
            bodies.push((status.clone(), follow(doc, response, pointer)));
        }
        for (status, (body, body_pointer)) in bodies {
            for (media_type, media) in body["content"].as_object().into_iter().flatten() {
                let media_pointer =
                    format!("{body_pointer}/content/{}", escape_pointer(media_type));
                let schema = body_schema(media, &media_pointer);
                let mut named: Vec<(String, (&Value, String))> = Vec::new();
                for (name, example) in media["examples"].as_object().into_iter().flatten() {
                    let pointer = format!("{media_pointer}/examples/{}", escape_pointer(name));
                    named.push((name.clone(), follow(doc, example, pointer)));
                }
                for (name, (example, pointer)) in named {
                    out.push(Example {
                        name: format!("{}__{status}__{name}", op.id()),
                        request: status == "request",
                        pointer,
                        schema: schema.clone(),
                        summary: example["summary"].as_str().unwrap_or_default(),
                        errata: example["x-errata"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .collect(),
                        value: &example["value"],
                    });
                }
                if let Some(value) = media.get("example") {
                    out.push(Example {
                        name: format!("{}__{status}__example", op.id()),
                        request: status == "request",
                        pointer: format!("{media_pointer}/example"),
                        schema: schema.clone(),
                        summary: "",
                        errata: Vec::new(),
                        value,
                    });
                }
            }
        }
    }
    out
}

/// Members kept in `unknown_members` or enumeration values kept as `Unknown`, seen in the typed
/// value's `{:#?}` text: a documented payload must be read entirely by the model.
fn unknown_parts(debug: &str) -> Vec<&str> {
    debug
        .lines()
        .map(str::trim)
        .filter(|line| {
            (line.starts_with("unknown_members: {") && *line != "unknown_members: {},")
                || line.starts_with("UnknownValue(")
        })
        .collect()
}

#[test]
fn every_example_round_trips_through_its_model() {
    let doc = spec();
    let examples = examples(&doc);
    assert!(!examples.is_empty(), "the spec has no body examples");
    let mut names = BTreeSet::new();
    let mut problems = Vec::new();
    let mut snapshots = Vec::new();
    let (mut requests, mut responses) = (0, 0);
    for example in &examples {
        if !names.insert(example.name.clone()) {
            problems.push(format!(
                "{}: a second example named {}",
                example.pointer, example.name
            ));
            continue;
        }
        let Some(outcome) = model_registry::roundtrip(&example.schema, example.value) else {
            problems.push(format!(
                "{}: its schema {} has no generated model",
                example.pointer, example.schema
            ));
            continue;
        };
        let roundtrip = match outcome {
            Ok(roundtrip) => roundtrip,
            Err(error) => {
                problems.push(format!("{}: {error}", example.pointer));
                continue;
            }
        };
        for difference in differences(example.value, &roundtrip.json) {
            problems.push(format!(
                "{} ({}): written back differently at {difference}",
                example.pointer, roundtrip.rust_type
            ));
        }
        let debug = roundtrip.debug();
        for part in unknown_parts(&debug) {
            problems.push(format!(
                "{} ({}): the model does not know part of the example: {part}",
                example.pointer, roundtrip.rust_type
            ));
        }
        if example.request {
            requests += 1;
        } else {
            responses += 1;
        }
        snapshots.push((example, roundtrip.rust_type, debug));
    }
    assert!(
        problems.is_empty(),
        "{} of {} examples do not round-trip:\n{}",
        problems.len(),
        examples.len(),
        problems.join("\n")
    );
    println!("{requests} request and {responses} response examples round-trip");
    for (example, rust_type, debug) in snapshots {
        let errata = if example.errata.is_empty() {
            String::new()
        } else {
            format!(" (errata: {})", example.errata.join(", "))
        };
        let description = format!("{}{errata}: {}", example.summary, example.pointer);
        insta::with_settings!({
            description => description,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(
                example.name.as_str(),
                format!("{rust_type}\n{debug}")
            );
        });
    }
}

/// A snapshot whose example is gone (renamed or removed from the spec) fails, so the snapshot
/// directory always matches the spec.
#[test]
fn every_snapshot_belongs_to_an_example() {
    let doc = spec();
    let expected: BTreeSet<String> = examples(&doc)
        .into_iter()
        .map(|e| format!("{PREFIX}{}.snap", e.name))
        .collect();
    let directory = workspace_file(SNAPSHOTS);
    let stale: Vec<String> = std::fs::read_dir(&directory)
        .unwrap_or_else(|e| panic!("{}: {e}", directory.display()))
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.starts_with(PREFIX) && name.ends_with(".snap"))
        .filter(|name| !expected.contains(name))
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots of examples the spec no longer has (delete them): {stale:?}"
    );
}

#[test]
fn every_example_is_found() {
    // Examples anywhere else in the document (a schema's `example`, components/examples that
    // no body uses) would not be tested: the spec keeps examples on bodies only.
    let doc = spec();
    let found: BTreeSet<String> = examples(&doc).into_iter().map(|e| e.pointer).collect();
    let mut elsewhere = Vec::new();
    let mut stack = vec![(String::from("#"), &doc)];
    while let Some((pointer, node)) = stack.pop() {
        match node {
            Value::Object(members) => {
                for (key, child) in members {
                    let at = format!("{pointer}/{}", escape_pointer(key));
                    match key.as_str() {
                        "example" if !found.contains(&at) => elsewhere.push(at),
                        "examples" if child.is_object() => {
                            for (name, example) in child.as_object().into_iter().flatten() {
                                let at = format!("{at}/{}", escape_pointer(name));
                                let target = example
                                    .get("$ref")
                                    .and_then(Value::as_str)
                                    .map_or(at.clone(), str::to_owned);
                                if !found.contains(&at) && !found.contains(&target) {
                                    elsewhere.push(at);
                                }
                            }
                        }
                        _ => stack.push((at, child)),
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{index}"), item));
                }
            }
            _ => {}
        }
    }
    elsewhere.sort();
    assert!(
        elsewhere.is_empty(),
        "examples the round-trip test does not reach: {elsewhere:?}"
    );
}

#[test]
fn a_schema_without_a_model_is_reported_as_such() {
    let payload = serde_json::json!({});
    assert!(model_registry::roundtrip("#/components/schemas/NoSuchSchema", &payload).is_none());
    let vault = model_registry::roundtrip("#/components/schemas/Vault", &payload);
    assert!(matches!(vault, Some(Ok(_))), "{vault:?}");
}
