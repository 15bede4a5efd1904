//! Responses: [`ResponseMetadata`], the decoding of bodies, and [`decode_response`], the
//! client's response handling without the network.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::{snippet, ApiError, DecodeError, DecodeErrorKind, Error};
use crate::member_path::member_path;
use crate::retry;
use crate::service::{ServiceApi, ServiceErrorCode};

/// An operation of an API, as its generated request builder type (`operations::ListServers`,
/// …): what its success response decodes to and how its error responses are read. Implemented
/// by the generated operations only.
pub trait Operation: sealed::Sealed {
    /// The API the operation belongs to.
    type Api: ServiceApi;

    /// The operation ID in the spec (`list_servers`).
    const OPERATION_ID: &'static str;

    /// The decoded success body (`()` for operations documented without one).
    type Output;

    /// Where an error body keeps its code and message.
    #[doc(hidden)]
    const ERRORS: ErrorFormat;

    /// Decodes a success response.
    #[doc(hidden)]
    fn decode(
        response: RawResponse,
    ) -> Result<(Self::Output, ResponseMetadata), Error<CodeOf<Self>>>;
}

/// The error-code enumeration of the API of operation `O`.
pub type CodeOf<O> = <<O as Operation>::Api as ServiceApi>::ErrorCode;

#[doc(hidden)]
pub mod sealed {
    /// Keeps [`Operation`](super::Operation) to the generated operations, so that its hidden
    /// items can change with the runtime's version; generated crates name it, users do not.
    pub trait Sealed {}
}

/// Where an error body keeps its code and message, as the spec's error response describes it.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub enum ErrorFormat {
    /// `{"error_code": "…", "error_msg": "…"}`.
    Flat {
        code: &'static str,
        message: &'static str,
    },
    /// `{"error": {"code": "…", "message": "…"}}`.
    Nested {
        member: &'static str,
        code: &'static str,
        message: &'static str,
    },
}

/// Handles a response of operation `O` exactly as the client does after reading it from the
/// network: an error status becomes [`Error::Api`] (code, message and `Retry-After` read from
/// the body and headers), a success body is decoded into `O::Output` or else
/// [`Error::Decode`].
///
/// For replaying recorded responses in tests, or for responses fetched by other means.
/// Whatever the input, the result is a value or an error, never a panic.
///
/// A generated crate re-exports it: `decode_response::<operations::ShowServer>(status, headers,
/// body)`.
pub fn decode_response<O: Operation>(
    status: StatusCode,
    headers: HeaderMap,
    body: &[u8],
) -> Result<(O::Output, ResponseMetadata), Error<CodeOf<O>>> {
    let response = RawResponse::classify(status, headers, body.to_vec(), 1, &O::ERRORS)?;
    O::decode(response)
}

/// What a response says besides its body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMetadata {
    /// The HTTP status.
    pub status: StatusCode,
    /// The service's request ID (response header `X-Request-Id`), to quote to support.
    pub request_id: Option<String>,
    /// Every response header.
    pub headers: HeaderMap,
    /// How many attempts the call took (1 when it was not retried).
    pub attempts: u32,
}

/// Headers that carry the request ID, most specific first.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-openstack-request-id"];

impl ResponseMetadata {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, attempts: u32) -> Self {
        let request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name))
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        ResponseMetadata {
            status,
            request_id,
            headers,
            attempts,
        }
    }
}

/// A success response, body not yet decoded.
#[derive(Debug)]
#[doc(hidden)]
pub struct RawResponse {
    pub(crate) metadata: ResponseMetadata,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    /// A whole response: a success one to decode, or an error status as [`Error::Api`].
    pub(crate) fn classify<C: ServiceErrorCode>(
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
        attempt: u32,
        errors: &ErrorFormat,
    ) -> Result<Self, Error<C>> {
        let retry_after = retry::retry_after(&headers);
        let metadata = ResponseMetadata::new(status, headers, attempt);
        if !status.is_success() {
            let error = api_error(metadata, retry_after, &body, errors);
            return Err(Error::Api(Box::new(error)));
        }
        Ok(RawResponse { metadata, body })
    }

    /// Decodes the JSON body; a failure names the member path.
    pub fn json<T: DeserializeOwned, C>(self) -> Result<(T, ResponseMetadata), Error<C>> {
        // Plain `serde_json`: the path of a failure is worked out from its position afterwards
        // (`member_path`), so no path-tracking wrapper is instantiated for every model.
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let decoded = match T::deserialize(&mut deserializer) {
            Ok(value) => deserializer
                .end()
                .map(|()| value)
                .map_err(DecodeFailure::Trailing),
            Err(error) => Err(DecodeFailure::Value(error)),
        };
        match decoded {
            Ok(value) => Ok((value, self.metadata)),
            Err(error) => Err(Error::Decode(self.decode_error(error))),
        }
    }

    /// What went wrong decoding the body: out of line, so that each instantiation of
    /// [`json`](Self::json) carries only the call.
    #[cold]
    #[inline(never)]
    fn decode_error(self, error: DecodeFailure) -> Box<DecodeError> {
        let (path, error) = match error {
            DecodeFailure::Value(error) => (member_path(&self.body, &error), error),
            DecodeFailure::Trailing(error) => (String::new(), error),
        };
        Box::new(DecodeError {
            status: self.metadata.status,
            kind: match error.classify() {
                Category::Eof => DecodeErrorKind::Truncated,
                Category::Syntax => DecodeErrorKind::NotJson,
                Category::Data | Category::Io => DecodeErrorKind::Mismatch,
            },
            body_len: self.body.len(),
            path,
            message: match error.classify() {
                Category::Syntax => format!("the body is not JSON ({error})"),
                Category::Eof | Category::Data | Category::Io => error.to_string(),
            },
            snippet: snippet(&self.body),
            request_id: self.metadata.request_id,
        })
    }

    /// For operations documented without a body: whatever the body, it is ignored.
    pub fn empty<C>(self) -> Result<((), ResponseMetadata), Error<C>> {
        Ok(((), self.metadata))
    }
}

/// A body that failed to decode: in the value (its path is worth finding), or after it.
enum DecodeFailure {
    Value(serde_json::Error),
    Trailing(serde_json::Error),
}

/// Reads an error response's code and message where `format` says they are.
pub(crate) fn api_error<C: ServiceErrorCode>(
    metadata: ResponseMetadata,
    retry_after: Option<Duration>,
    body: &[u8],
    format: &ErrorFormat,
) -> ApiError<C> {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let object = match format {
        ErrorFormat::Flat { .. } => json.as_ref(),
        ErrorFormat::Nested { member, .. } => json.as_ref().and_then(|j| j.get(member)),
    };
    let (code, message) = match format {
        ErrorFormat::Flat { code, message } | ErrorFormat::Nested { code, message, .. } => {
            (*code, *message)
        }
    };
    let text = |name: &str| object.and_then(|o| o.get(name)).and_then(json_text);
    ApiError {
        status: metadata.status,
        error_code: text(code)
            .filter(|code| !code.is_empty())
            .map(|code| C::from(code.as_str())),
        error_msg: text(message),
        request_id: metadata.request_id,
        retry_after,
        wait_limit: None,
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

/// A JSON scalar as text (a code sent as a number is still a code).
fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}
