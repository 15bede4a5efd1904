//! The signer on arbitrary requests: any method, path, query, headers (an `X-Sdk-Date` among
//! them, well formed or not), body and credentials give a signed request or a
//! `SigningError`, never a panic; a signature is 64 hex digits in a well-formed
//! `Authorization` header, and signing the same request twice gives the same signature.
//! The official SDK's own vectors (`signing_vectors.rs`) pin what the signatures are.

use huaweicloud_cbr::signing::{sign, Credentials, QueryValue, SdkDate, SignableRequest};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};

/// Text with the characters canonicalisation treats specially, and any other.
fn text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        ' ', '\t', '\r', '\n', '\u{1c}', '\u{1f}', '%', '/', '?', '=', '&', ':', ';', ',', '~',
        'é', '🦀', '\u{85}', '\u{a0}', '\u{3000}',
    ]);
    let character = prop_oneof![2 => any::<char>(), 2 => special, 3 => prop::char::range('a', 'z')];
    prop::collection::vec(character, 0..12).prop_map(String::from_iter)
}

#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
}

fn query_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::Text),
        any::<i64>().prop_map(Value::Int),
        any::<bool>().prop_map(Value::Bool),
    ]
}

/// A header name: mostly plausible, sometimes anything, sometimes `X-Sdk-Date`.
fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z][A-Za-z0-9-]{0,12}",
        1 => text(),
        1 => prop::sample::select(vec!["X-Sdk-Date", "x-sdk-date", "Host", "X-Security-Token", "x-sdk-content-sha256"])
            .prop_map(String::from),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(),
        1 => prop::sample::select(vec!["20240315T083000Z", "20241315T083000Z", "UNSIGNED-PAYLOAD", ""])
            .prop_map(String::from),
    ]
}

#[derive(Debug, Clone)]
struct Input {
    method: String,
    authority: String,
    path: String,
    query: Vec<(String, Value)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
    /// An `X-Sdk-Date` text, not always a valid date.
    date: String,
}

fn input() -> impl Strategy<Value = Input> {
    let request = (
        prop_oneof![3 => Just("GET".to_owned()), 1 => text()],
        prop_oneof![3 => Just("cbr.example.com".to_owned()), 1 => text()],
        prop_oneof![2 => "(/[a-z0-9%]{0,6}){0,4}", 1 => text()],
        prop::collection::vec((text(), query_value()), 0..4),
        prop::collection::vec((header_name(), header_value()), 0..4),
        prop::collection::vec(any::<u8>(), 0..64),
    );
    let credentials = (
        prop_oneof![3 => Just("AK0001".to_owned()), 1 => text()],
        prop_oneof![3 => Just("sk-0001".to_owned()), 1 => text()],
        prop::option::of(text()),
        // Dates out of range too (year 0, month 13, second 60, ...).
        (
            0u32..=10_000,
            0u32..=13,
            0u32..=32,
            0u32..=24,
            0u32..=60,
            0u32..=61,
        )
            .prop_map(|(year, month, day, hour, minute, second)| {
                format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
            }),
    );
    (request, credentials).prop_map(
        |(
            (method, authority, path, query, headers, body),
            (access_key, secret_key, security_token, date),
        )| Input {
            method,
            authority,
            path,
            query,
            headers,
            body,
            access_key,
            secret_key,
            security_token,
            date,
        },
    )
}

/// Signs `input`; `Ok(None)` when the signer refused it (with an error, as it should).
fn signature_of(input: &Input) -> Result<Option<(String, String)>, TestCaseError> {
    let query: Vec<(&str, QueryValue<'_>)> = input
        .query
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Value::Text(text) => QueryValue::from(text),
                Value::Int(n) => QueryValue::Int(*n),
                Value::Bool(b) => QueryValue::Bool(*b),
            };
            (key.as_str(), value)
        })
        .collect();
    let headers: Vec<(&str, &str)> = input
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let request = SignableRequest::new(&input.method, "https", &input.authority, &input.path)
        .with_query(&query)
        .with_headers(&headers)
        .with_body(&input.body);
    let mut credentials = Credentials::new(&input.access_key, &input.secret_key);
    if let Some(token) = &input.security_token {
        credentials = credentials.with_security_token(token);
    }
    let Ok(date) = SdkDate::parse(&input.date) else {
        return Ok(None);
    };
    let Ok(signed) = sign(&request, &credentials, date) else {
        return Ok(None);
    };
    let signature = signed.signature().to_owned();
    prop_assert_eq!(signature.len(), 64);
    prop_assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
    let authorization = signed.authorization();
    prop_assert!(
        authorization.starts_with("SDK-HMAC-SHA256 Access=")
            && authorization.ends_with(&format!("Signature={signature}")),
        "{}",
        authorization
    );
    // Everything a client sends: the headers and the URL, read to the end.
    let _ = signed.headers().count();
    let url = signed.url();
    Ok(Some((signature, url)))
}

#[test]
fn any_request_signs_or_fails_with_an_error_and_signs_the_same_twice() {
    let config = cbr_tests::proptest_config(512);
    let cases = config.cases as usize;
    let mut runner = TestRunner::new(config);
    let signed = std::cell::Cell::new(0usize);
    runner
        .run(&input(), |input| {
            let first = signature_of(&input)?;
            let second = signature_of(&input)?;
            prop_assert_eq!(&first, &second);
            signed.set(signed.get() + usize::from(first.is_some()));
            Ok(())
        })
        .unwrap();
    // Many inputs sign: the property is not only about refusals.
    assert!(
        signed.get() * 4 > cases,
        "{} of {cases} signed",
        signed.get()
    );
}
