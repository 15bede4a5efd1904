//! Checks the `SDK-HMAC-SHA256` signer against reference vectors computed with the signer of the
//! official Python SDK (`shared/reference/signing/vectors.json` beside the workspace, or the file
//! named by `CBR_SIGNING_VECTORS`).
//!
//! Every expected field of every vector is compared; unknown fields make the test fail, so a
//! field added to the vectors cannot go unchecked.

use std::fmt;
use std::path::{Path, PathBuf};

use huaweicloud_cbr::signing::{
    sign, Credentials, QueryValue, SdkDate, SignableRequest, SignedRequest, ALGORITHM,
    HEADER_SDK_DATE, HEADER_SECURITY_TOKEN,
};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct VectorFile {
    meta: Meta,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Meta {
    algorithm: String,
}

#[derive(Deserialize)]
struct Vector {
    id: String,
    kind: String,
    input: Input,
    expected: Expected,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    method: String,
    /// Informative only: the caller's URL before signing.
    #[serde(rename = "url")]
    _url: String,
    scheme: String,
    host: String,
    resource_path: String,
    query_params: Vec<(String, Value)>,
    headers: OrderedPairs,
    body: Option<String>,
    ak: String,
    sk: String,
    sdk_date: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    canonical_uri: String,
    canonical_query_string: String,
    canonical_headers: String,
    signed_headers: String,
    payload_hash: String,
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
    headers_sent: OrderedPairs,
    /// The SDK's internal form of `headers_sent`: each value's UTF-8 bytes decoded as Latin-1.
    headers_sent_sdk_str: Option<OrderedPairs>,
    uri_sent: String,
    url_sent: String,
}

/// A JSON object of strings, in document order (header order matters and a map would lose it).
#[derive(Debug, Clone, PartialEq)]
struct OrderedPairs(Vec<(String, String)>);

impl<'de> Deserialize<'de> for OrderedPairs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor;

        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = OrderedPairs;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of string values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(OrderedPairs(pairs))
            }
        }

        deserializer.deserialize_map(PairsVisitor)
    }
}

fn vectors_path() -> PathBuf {
    match std::env::var_os("CBR_SIGNING_VECTORS") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/reference/signing/vectors.json"),
    }
}

fn load_vectors() -> Vec<Vector> {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read the signing vectors at {}: {error} \
             (set CBR_SIGNING_VECTORS to the path of vectors.json)",
            path.display()
        )
    });
    let file: VectorFile = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("cannot parse {}: {error}", path.display()));
    assert_eq!(
        file.meta.algorithm,
        ALGORITHM,
        "{}: meta.algorithm",
        path.display()
    );
    assert!(!file.vectors.is_empty(), "{}: no vectors", path.display());
    for vector in &file.vectors {
        assert_eq!(vector.kind, "signer", "{}: unknown vector kind", vector.id);
    }
    file.vectors
}

/// The query pairs as the signer takes them. A list value becomes repeated pairs, which is how
/// the SDK's client passes lists (and, for a key given once, how its signer emits them).
fn query_pairs<'a>(id: &str, params: &'a [(String, Value)]) -> Vec<(&'a str, QueryValue<'a>)> {
    fn scalar<'a>(id: &str, key: &str, value: &'a Value) -> QueryValue<'a> {
        match value {
            Value::String(text) => QueryValue::from(text),
            Value::Bool(flag) => QueryValue::Bool(*flag),
            Value::Number(number) => QueryValue::Int(
                number
                    .as_i64()
                    .unwrap_or_else(|| panic!("{id}: query {key}: {number} is not an i64")),
            ),
            other => panic!("{id}: query {key}: unsupported value {other}"),
        }
    }

    let mut pairs = Vec::new();
    for (key, value) in params {
        match value {
            Value::Array(items) => {
                pairs.extend(
                    items
                        .iter()
                        .map(|item| (key.as_str(), scalar(id, key, item))),
                );
            }
            value => pairs.push((key.as_str(), scalar(id, key, value))),
        }
    }
    pairs
}

fn header_refs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

fn sent_headers(signed: &SignedRequest<'_>) -> Vec<(String, String)> {
    signed
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn sorted(mut headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers.sort();
    headers
}

/// Signs the vector's input, with `headers` and `credentials` in place of the vector's own when
/// a variant replaces them.
fn sign_vector<'a>(
    vector: &'a Vector,
    query: &'a [(&'a str, QueryValue<'a>)],
    headers: &'a [(&'a str, &'a str)],
    credentials: &'a Credentials,
) -> SignedRequest<'a> {
    let input = &vector.input;
    let request = SignableRequest::new(
        &input.method,
        &input.scheme,
        &input.host,
        &input.resource_path,
    )
    .with_query(query)
    .with_headers(headers)
    .with_body(input.body.as_deref().unwrap_or_default().as_bytes());
    let date = SdkDate::parse(&input.sdk_date)
        .unwrap_or_else(|error| panic!("{}: sdk_date: {error}", vector.id));
    sign(&request, credentials, date)
        .unwrap_or_else(|error| panic!("{}: signing failed: {error}", vector.id))
}

/// Collects every mismatch, so one run reports all of them with their vector and field.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn check<T: PartialEq + fmt::Debug + ?Sized>(
        &mut self,
        id: &str,
        field: &str,
        actual: &T,
        expected: &T,
    ) {
        if actual != expected {
            self.0.push(format!(
                "vector {id}: {field}\n  expected: {expected:?}\n    actual: {actual:?}"
            ));
        }
    }

    /// The signature, the canonical request it signs, and the headers to send.
    fn check_signed(&mut self, id: &str, signed: &SignedRequest<'_>, expected: &Expected) {
        self.check(
            id,
            "canonical_request",
            signed.canonical_request(),
            &expected.canonical_request,
        );
        self.check(id, "signature", signed.signature(), &expected.signature);
        self.check(
            id,
            "authorization",
            signed.authorization(),
            &expected.authorization,
        );
        self.check(
            id,
            "headers_sent (any order)",
            &sorted(sent_headers(signed)),
            &sorted(expected.headers_sent.0.clone()),
        );
    }

    fn assert_none(self, checked: usize) {
        assert!(
            self.0.is_empty(),
            "{} mismatch(es) over {checked} vector(s):\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

#[test]
fn official_sdk_vectors() {
    let vectors = load_vectors();
    let mut mismatches = Mismatches::default();
    for vector in &vectors {
        let (id, input, expected) = (vector.id.as_str(), &vector.input, &vector.expected);
        let query = query_pairs(id, &input.query_params);
        let headers = header_refs(&input.headers.0);
        let credentials = Credentials::new(&input.ak, &input.sk);
        let signed = sign_vector(vector, &query, &headers, &credentials);

        let mut check = |field: &str, actual: &str, expected: &str| {
            mismatches.check(id, field, actual, expected);
        };
        check(
            "canonical_uri",
            signed.canonical_uri(),
            &expected.canonical_uri,
        );
        check(
            "canonical_query_string",
            signed.canonical_query_string(),
            &expected.canonical_query_string,
        );
        check(
            "canonical_headers",
            signed.canonical_headers(),
            &expected.canonical_headers,
        );
        check(
            "signed_headers",
            signed.signed_headers(),
            &expected.signed_headers,
        );
        check(
            "payload_hash",
            signed.payload_hash(),
            &expected.payload_hash,
        );
        check(
            "canonical_request",
            signed.canonical_request(),
            &expected.canonical_request,
        );
        check(
            "string_to_sign",
            signed.string_to_sign(),
            &expected.string_to_sign,
        );
        check("signature", signed.signature(), &expected.signature);
        check(
            "authorization",
            signed.authorization(),
            &expected.authorization,
        );
        check("uri_sent", signed.uri(), &expected.uri_sent);
        check("url_sent", &signed.url(), &expected.url_sent);
        check("date", signed.date(), &input.sdk_date);

        let sent = sent_headers(&signed);
        mismatches.check(id, "headers_sent", &sent, &expected.headers_sent.0);
        if let Some(sdk_str) = &expected.headers_sent_sdk_str {
            let as_latin1: Vec<(String, String)> = sent
                .iter()
                .map(|(name, value)| (name.clone(), value.bytes().map(char::from).collect()))
                .collect();
            mismatches.check(id, "headers_sent_sdk_str", &as_latin1, &sdk_str.0);
        }
    }
    println!("{} signing vectors checked", vectors.len());
    mismatches.assert_none(vectors.len());
}

/// Passing the date to `sign` instead of as an `X-Sdk-Date` header signs the same request.
#[test]
fn date_argument_signs_like_the_date_header() {
    let vectors = load_vectors();
    let mut mismatches = Mismatches::default();
    for vector in &vectors {
        let (id, input, expected) = (vector.id.as_str(), &vector.input, &vector.expected);
        let query = query_pairs(id, &input.query_params);
        let mut headers = header_refs(&input.headers.0);
        let before = headers.len();
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case(HEADER_SDK_DATE));
        assert_eq!(
            headers.len() + 1,
            before,
            "{id}: expected one X-Sdk-Date header"
        );
        let credentials = Credentials::new(&input.ak, &input.sk);
        let signed = sign_vector(vector, &query, &headers, &credentials);

        mismatches.check_signed(id, &signed, expected);
        mismatches.check(id, "uri_sent", signed.uri(), &expected.uri_sent);
    }
    mismatches.assert_none(vectors.len());
}

/// A security token in the credentials is sent and signed like an `X-Security-Token` header.
#[test]
fn credentials_token_signs_like_the_token_header() {
    let vectors = load_vectors();
    let mut mismatches = Mismatches::default();
    let mut checked = 0;
    for vector in &vectors {
        let (id, input, expected) = (vector.id.as_str(), &vector.input, &vector.expected);
        let Some(token) = input
            .headers
            .0
            .iter()
            .find(|(name, _)| name == HEADER_SECURITY_TOKEN)
            .map(|(_, token)| token)
        else {
            continue;
        };
        checked += 1;
        let query = query_pairs(id, &input.query_params);
        let mut headers = header_refs(&input.headers.0);
        headers.retain(|(name, _)| *name != HEADER_SECURITY_TOKEN);
        let credentials = Credentials::new(&input.ak, &input.sk).with_security_token(token);
        let signed = sign_vector(vector, &query, &headers, &credentials);

        mismatches.check_signed(id, &signed, expected);
    }
    assert!(
        checked > 0,
        "no vector has an {HEADER_SECURITY_TOKEN} header"
    );
    mismatches.assert_none(checked);
}
