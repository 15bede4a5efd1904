//! Hostile responses to every operation (`model_registry::OPERATIONS`): arbitrary bytes, and
//! the documented response examples mutated (members replaced by values of every JSON type,
//! numbers out of range, lone surrogates, deep nesting, removed and repeated members,
//! truncation, flipped and inserted bytes), under any status and with hostile `Retry-After`
//! and `X-Request-Id` headers, go through the client's response handling
//! (`huaweicloud_cbr::decode_response`) by way of the fuzzing harness
//! (`cbr_tests::response_harness::check`). A panic, or an outcome the harness rejects (an
//! error of the wrong kind, a value that does not survive being written back, an error whose
//! `Display` is not one line), fails the test with the input.
//!
//! The fuzz targets of `fuzz/` run the same harness under libFuzzer; this is their quick,
//! deterministic companion in the test suite. `PROPTEST_CASES` sets the cases per operation and
//! kind of input (default 96).

use std::panic::{self, AssertUnwindSafe};

use cbr_tests::model_registry::{check_response, OPERATIONS};
use cbr_tests::response_harness::ResponseInput;
use cbr_tests::{operations, spec};
use huaweicloud_cbr::reqwest::header::{HeaderName, HeaderValue};
use huaweicloud_cbr::{HeaderMap, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

const CASES: u32 = 96;

fn config() -> Config {
    cbr_tests::proptest_config(CASES)
}

/// The documented response bodies of an operation, with their statuses, plus an error body in
/// the format the operation's errors have.
fn documented_responses(spec: &Value, operation_id: &str) -> Vec<(u16, Value)> {
    let operations = operations(spec);
    let Some(operation) = operations.iter().find(|op| op.id() == operation_id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let responses = operation.value["responses"].as_object();
    for (status, response) in responses.into_iter().flatten() {
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        let examples = response["content"]["application/json"]["examples"].as_object();
        for example in examples.into_iter().flatten().map(|(_, e)| &e["value"]) {
            out.push((status, example.clone()));
        }
    }
    out.push((
        400,
        serde_json::json!({"error_code": "BackupService.6500", "error_msg": "not found"}),
    ));
    out.push((
        400,
        serde_json::json!({"error": {"code": "VBS.0001", "message": "in use"}}),
    ));
    out
}

/// A replacement for one node of a document: raw JSON text, so that it can be what
/// `serde_json::Value` cannot hold (numbers out of range, lone surrogates, duplicate keys).
const HOSTILE_JSON: &[&str] = &[
    "null",
    "true",
    "0",
    "-1",
    "1.5",
    "-0",
    "1e400",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    r#""""#,
    r#""\u0000\r\n\t\u001b[31m""#,
    r#""\ud800""#,
    r#""é日本🦀""#,
    r#""2019-13-45T25:61:61""#,
    "[]",
    "[null]",
    "{}",
    r#"{"unknown": [1, {"x": null}]}"#,
    r#"{"id": 1, "id": 2}"#,
];

/// Nesting deeper than the JSON reader allows (it stops at 128 levels).
fn deep_nesting() -> String {
    format!("{}{}", "[".repeat(200), "]".repeat(200))
}

/// One change to a documented body.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the n-th node (in document order) with `HOSTILE_JSON[k]`, or deep nesting.
    Replace(usize, usize),
    /// Remove the n-th object member.
    Remove(usize),
    /// Repeat the n-th object member.
    Repeat(usize),
    /// Cut the text at a fraction (per mille) of its length.
    Truncate(u16),
    /// XOR one byte, at a fraction of the length, with a mask.
    Flip(u16, u8),
    /// Insert a byte at a fraction of the length.
    Insert(u16, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), 0..=HOSTILE_JSON.len()).prop_map(|(n, k)| Mutation::Replace(n, k)),
        1 => any::<usize>().prop_map(Mutation::Remove),
        1 => any::<usize>().prop_map(Mutation::Repeat),
        1 => (0u16..1000).prop_map(Mutation::Truncate),
        1 => (0u16..1000, 1u8..=255).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        1 => (0u16..1000, any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
    ]
}

/// Marks the node a structural mutation works on; replaced in the text afterwards.
const MARK: &str = "\u{1}mark\u{1}";

/// `body` with `mutations` applied in order; structural ones work on the JSON while the text
/// still parses, byte ones on the text.
fn mutate(body: &Value, mutations: &[Mutation]) -> Vec<u8> {
    let mut text = body.to_string().into_bytes();
    for mutation in mutations {
        text = apply(text, mutation);
    }
    text
}

fn apply(text: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    let len = text.len();
    let at = |per_mille: u16| len * usize::from(per_mille) / 1000;
    match *mutation {
        Mutation::Truncate(cut) => text[..at(cut)].to_vec(),
        Mutation::Flip(position, mask) => {
            let mut text = text;
            if let Some(byte) = text.get_mut(at(position)) {
                *byte ^= mask;
            }
            text
        }
        Mutation::Insert(position, byte) => {
            let mut text = text;
            text.insert(at(position), byte);
            text
        }
        Mutation::Replace(..) | Mutation::Remove(_) | Mutation::Repeat(_) => {
            let Ok(mut json) = serde_json::from_slice::<Value>(&text) else {
                return text;
            };
            structural(&mut json, mutation)
        }
    }
}

fn structural(json: &mut Value, mutation: &Mutation) -> Vec<u8> {
    let mark = serde_json::to_string(MARK).expect("a string serialises");
    match *mutation {
        Mutation::Replace(n, k) => {
            let count = count_nodes(json);
            if let Some(node) = nth_node(json, n % count) {
                *node = Value::String(MARK.into());
            }
            let replacement = HOSTILE_JSON
                .get(k)
                .map_or_else(deep_nesting, |s| (*s).into());
            json.to_string()
                .replacen(&mark, &replacement, 1)
                .into_bytes()
        }
        Mutation::Remove(n) | Mutation::Repeat(n) => {
            let mut members = Vec::new();
            collect_members(json, &mut members);
            if members.is_empty() {
                return json.to_string().into_bytes();
            }
            let (path, key) = members[n % members.len()].clone();
            let Some(Value::Object(object)) = pointer_mut(json, &path) else {
                return json.to_string().into_bytes();
            };
            let value = object.remove(&key).unwrap_or(Value::Null);
            if matches!(mutation, Mutation::Remove(_)) {
                return json.to_string().into_bytes();
            }
            // The member, then its mark, which becomes the same member a second time.
            let repeated = format!("{}:{}", serde_json::to_string(&key).unwrap(), value);
            object.insert(key, value);
            object.insert(MARK.into(), Value::Null);
            json.to_string()
                .replacen(&format!("{mark}:null"), &repeated, 1)
                .into_bytes()
        }
        _ => json.to_string().into_bytes(),
    }
}

fn count_nodes(json: &Value) -> usize {
    1 + match json {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(members) => members.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The n-th node in document order (the root is 0).
fn nth_node(json: &mut Value, n: usize) -> Option<&mut Value> {
    if n == 0 {
        return Some(json);
    }
    let mut skip = n - 1;
    let children: Vec<&mut Value> = match json {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(members) => members.values_mut().collect(),
        _ => return None,
    };
    for child in children {
        let size = count_nodes(child);
        if skip < size {
            return nth_node(child, skip);
        }
        skip -= size;
    }
    None
}

/// Every object member as (JSON pointer of its object, key).
fn collect_members(json: &Value, out: &mut Vec<(String, String)>) {
    fn walk(json: &Value, path: &str, out: &mut Vec<(String, String)>) {
        match json {
            Value::Object(members) => {
                for (key, value) in members {
                    out.push((path.to_owned(), key.clone()));
                    walk(
                        value,
                        &format!("{path}/{}", cbr_tests::escape_pointer(key)),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    walk(json, "", out);
}

fn pointer_mut<'a>(json: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    json.pointer_mut(pointer)
}

fn status(documented: u16) -> impl Strategy<Value = StatusCode> {
    prop_oneof![
        3 => Just(documented),
        2 => prop::sample::select(vec![200u16, 201, 202, 204, 299, 304, 400, 401, 404, 429, 500, 503]),
        1 => 100u16..=999,
    ]
    .prop_map(|code| StatusCode::from_u16(code).expect("100 to 999 are statuses"))
}

fn headers() -> impl Strategy<Value = HeaderMap> {
    let retry_after = prop::option::of(prop::sample::select(vec![
        "0",
        "3",
        "-1",
        "18446744073709551615",
        "99999999999999999999999",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Feb, 30 Xyz 2024 99:99:99 GMT",
        "soon",
    ]));
    let request_id = prop::option::of(prop::collection::vec(
        prop_oneof![0x20u8..0x7f, 0x80u8..=0xff],
        0..40,
    ));
    (retry_after, request_id).prop_map(|(retry_after, request_id)| {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert("retry-after", HeaderValue::from_static(value));
        }
        if let Some(bytes) = request_id {
            if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                headers.insert(HeaderName::from_static("x-request-id"), value);
            }
        }
        headers
    })
}

/// Runs the harness for `operation_id` on `input`, a panic included.
fn check(operation_id: &str, input: &ResponseInput) -> Result<(), TestCaseError> {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check_response(operation_id, input)));
    let replay = String::from_utf8_lossy(&input.to_bytes()).into_owned();
    match outcome {
        Err(_) => Err(TestCaseError::fail(format!("panicked; input:\n{replay}"))),
        Ok(None) => Err(TestCaseError::fail(format!("no operation {operation_id}"))),
        Ok(Some(Err(violation))) => Err(TestCaseError::fail(format!(
            "{violation}\ninput:\n{replay}"
        ))),
        Ok(Some(Ok(()))) => Ok(()),
    }
}

#[test]
fn mutated_documented_responses_give_a_value_or_a_typed_error() {
    let spec = spec();
    let mut failures = Vec::new();
    for &operation_id in OPERATIONS {
        let documented = documented_responses(&spec, operation_id);
        assert!(documented.len() >= 2, "{operation_id}: no examples found");
        let strategy = prop::sample::select(documented).prop_flat_map(|(code, body)| {
            let mutations = prop::collection::vec(mutation(), 0..4);
            (status(code), headers(), mutations).prop_map(move |(status, headers, mutations)| {
                ResponseInput {
                    status,
                    headers,
                    body: mutate(&body, &mutations),
                }
            })
        });
        let mut runner = TestRunner::new(config());
        if let Err(error) = runner.run(&strategy, |input| check(operation_id, &input)) {
            failures.push(format!("{operation_id}: {error}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn arbitrary_bytes_give_a_value_or_a_typed_error() {
    let mut failures = Vec::new();
    for &operation_id in OPERATIONS {
        let strategy = prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            // A status line and headers in front, so the bytes reach the body decoders.
            (
                prop::sample::select(vec!["200\n\n", "404\n\n", "201\nretry-after: 2\n\n"]),
                prop::collection::vec(any::<u8>(), 0..512)
            )
                .prop_map(|(head, body)| [head.as_bytes(), &body].concat()),
        ];
        let mut runner = TestRunner::new(config());
        let outcome = runner.run(&strategy, |data| {
            check(operation_id, &ResponseInput::parse(&data))
        });
        if let Err(error) = outcome {
            failures.push(format!("{operation_id}: {error}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_mutations_change_the_documented_bodies() {
    let body = serde_json::json!({"vaults": [{"id": "v", "size": 1}], "count": 1});
    let replaced = mutate(&body, &[Mutation::Replace(5, 6)]);
    assert_eq!(
        String::from_utf8(replaced).unwrap(),
        r#"{"count":1,"vaults":[{"id":"v","size":1e400}]}"#
    );
    let repeated = mutate(&body, &[Mutation::Repeat(0)]);
    let text = String::from_utf8(repeated).unwrap();
    assert_eq!(text.matches("\"count\":1").count(), 2, "{text}");
    let removed = mutate(&body, &[Mutation::Remove(0)]);
    assert!(!String::from_utf8(removed).unwrap().contains("count"));
    assert_eq!(mutate(&body, &[Mutation::Truncate(0)]), b"");
    let deep = mutate(&body, &[Mutation::Replace(0, HOSTILE_JSON.len())]);
    assert!(deep.starts_with(&[b'['; 200]));
}

#[test]
fn the_input_form_round_trips() {
    let data = b"429\r\nretry-after: 3\nx-request-id: r-1\nnot a header\n\n{\"a\":1}\n";
    let input = ResponseInput::parse(data);
    assert_eq!(input.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(input.headers.len(), 2);
    assert_eq!(input.body, b"{\"a\":1}\n");
    let again = ResponseInput::parse(&input.to_bytes());
    assert_eq!(
        (again.status, again.headers, again.body),
        (input.status, input.headers, input.body)
    );
    let raw = ResponseInput::parse(b"{\"not\": \"a status line\"}");
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.body, b"{\"not\": \"a status line\"}");
}
