//! The harness that feeds hostile responses to the client's response handling
//! ([`huaweicloud_cbr::decode_response`]) and checks what comes out.
//!
//! One file, used by the libFuzzer targets of `fuzz/` and, through a `#[path]` module, by the
//! property and regression tests of the main workspace: an input the fuzzer saved replays in
//! the test suite exactly as the fuzzer ran it.
//!
//! An input is a response in a small text form (see [`ResponseInput::parse`]), so that seeds
//! and saved findings can be read and written by hand.

use std::fmt;

use huaweicloud_cbr::reqwest::header::{HeaderName, HeaderValue};
use huaweicloud_cbr::{decode_response, Error, HeaderMap, Operation, StatusCode, SNIPPET_LIMIT};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A response to decode: status, headers and body.
#[derive(Debug, Clone)]
pub struct ResponseInput {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl ResponseInput {
    /// Reads `data` as `<status>\n<name>: <value>\n…\n\n<body>`: a three-digit status line,
    /// header lines, an empty line, then the body as it is. Never fails, so that every byte
    /// string the fuzzer makes is a response: data that does not start with a status line is
    /// all body of a `200`; a header line that is not a valid header is skipped; a missing
    /// empty line leaves the body empty. A `\r` before a `\n` is dropped.
    pub fn parse(data: &[u8]) -> Self {
        let mut input = ResponseInput {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Vec::new(),
        };
        let Some((first, mut rest)) = split_line(data) else {
            input.body = data.to_vec();
            return input;
        };
        let Some(status) = parse_status(first) else {
            input.body = data.to_vec();
            return input;
        };
        input.status = status;
        while let Some((line, after)) = split_line(rest) {
            rest = after;
            if line.is_empty() {
                input.body = rest.to_vec();
                return input;
            }
            if let Some((name, value)) = parse_header(line) {
                input.headers.append(name, value);
            }
        }
        input
    }

    /// The input in the form [`parse`](Self::parse) reads.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{}\n", self.status.as_u16()).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(&self.body);
        out
    }
}

/// The first line of `data` (without its `\n` and a `\r` before it) and what follows it.
fn split_line(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = data.iter().position(|&b| b == b'\n')?;
    let line = &data[..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some((line, &data[end + 1..]))
}

fn parse_status(line: &[u8]) -> Option<StatusCode> {
    if line.len() != 3 || !line.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let code = line
        .iter()
        .fold(0u16, |code, digit| code * 10 + u16::from(digit - b'0'));
    StatusCode::from_u16(code).ok()
}

fn parse_header(line: &[u8]) -> Option<(HeaderName, HeaderValue)> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = HeaderName::from_bytes(line[..colon].trim_ascii()).ok()?;
    let value = HeaderValue::from_bytes(line[colon + 1..].trim_ascii()).ok()?;
    Some((name, value))
}

/// A broken promise of the response handling: the input and what went wrong. (A panic is
/// one too; the fuzzer and the tests catch those themselves.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The operation whose handling broke it.
    pub operation: &'static str,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.message)
    }
}

impl std::error::Error for Violation {}

/// Decodes `input` as a response of `O` and checks the promises of the response handling:
///
/// - an error status gives [`Error::Api`] with that status and the body kept whole;
/// - a success status gives a value, or [`Error::Decode`] with that status and a snippet of at
///   most [`SNIPPET_LIMIT`] bytes (plus `…`);
/// - a value written back as JSON reads back as the same value;
/// - an error's `Display` is one non-empty line.
pub fn check<O>(input: &ResponseInput) -> Result<(), Violation>
where
    O: Operation<Api = huaweicloud_cbr::Api>,
    O::Output: fmt::Debug + PartialEq + Serialize + DeserializeOwned,
{
    let violation = |message: String| Violation {
        operation: O::OPERATION_ID,
        message,
    };
    let status = input.status;
    match decode_response::<O>(status, input.headers.clone(), &input.body) {
        Ok((value, metadata)) => {
            if !status.is_success() || metadata.status != status {
                return Err(violation(format!(
                    "status {status} decoded as a success ({:?})",
                    metadata.status
                )));
            }
            check_round_trip(&value).map_err(violation)
        }
        Err(error) => {
            check_error(&error, input).map_err(|message| violation(format!("{message}: {error:?}")))
        }
    }
}

/// A decoded value, written back and read again, is the same value.
fn check_round_trip<T>(value: &T) -> Result<(), String>
where
    T: fmt::Debug + PartialEq + Serialize + DeserializeOwned,
{
    let json = serde_json::to_vec(value)
        .map_err(|e| format!("the decoded value cannot be written back ({e}): {value:?}"))?;
    let again: T = serde_json::from_slice(&json).map_err(|e| {
        format!(
            "the decoded value, written back, does not read back ({e}): {}",
            String::from_utf8_lossy(&json)
        )
    })?;
    if &again != value {
        return Err(format!(
            "the decoded value changed when written back and read again: {value:?} became \
             {again:?}"
        ));
    }
    Ok(())
}

fn check_error(error: &Error, input: &ResponseInput) -> Result<(), String> {
    let status = input.status;
    match error {
        Error::Api(api) if !status.is_success() => {
            if api.status != status {
                return Err(format!("an API error with status {}", api.status));
            }
            if api.body != String::from_utf8_lossy(&input.body) {
                return Err("an API error that lost part of the body".into());
            }
        }
        Error::Decode(decode) if status.is_success() => {
            if decode.status != status {
                return Err(format!("a decode error with status {}", decode.status));
            }
            if decode.snippet.len() > SNIPPET_LIMIT + '…'.len_utf8() {
                return Err(format!("a snippet of {} bytes", decode.snippet.len()));
            }
        }
        _ => return Err(format!("an unexpected kind of error for status {status}")),
    }
    let text = error.to_string();
    if text.is_empty() || text.contains(['\n', '\r']) {
        return Err(format!("a Display that is not one line: {text:?}"));
    }
    Ok(())
}
