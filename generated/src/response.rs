//! Responses: [`ResponseMetadata`], the decoding of bodies, and [`decode_response`], the
//! client's response handling without the network.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::client::{api_error, ErrorFormat};
use crate::error::{snippet, DecodeError, Error};
use crate::retry;

/// An operation of the API, as its request builder type
/// ([`operations::ListVaults`](crate::operations::ListVaults), …): what its success response
/// decodes to and how its error responses are read. Implemented by the generated operations
/// only.
pub trait Operation: sealed::Sealed {
    /// The operation ID in the spec (`list_vaults`).
    const OPERATION_ID: &'static str;

    /// The decoded success body (`()` for operations documented without one).
    type Output;

    /// Where an error body keeps its code and message.
    #[doc(hidden)]
    const ERRORS: ErrorFormat;

    /// Decodes a success response.
    #[doc(hidden)]
    fn decode(response: RawResponse) -> Result<(Self::Output, ResponseMetadata), Error>;
}

pub(crate) mod sealed {
    /// Keeps [`Operation`](super::Operation) to the generated operations, so that its hidden
    /// items can change without a breaking release.
    pub trait Sealed {}
}

/// Handles a response of operation `O` exactly as the client does after reading it from the
/// network: an error status becomes [`Error::Api`] (code, message and `Retry-After` read from
/// the body and headers), a success body is decoded into `O::Output` or else
/// [`Error::Decode`].
///
/// For replaying recorded responses in tests, or for responses fetched by other means.
/// Whatever the input, the result is a value or an error, never a panic.
///
/// ```
/// use huaweicloud_cbr::{decode_response, operations::ShowVault, Error, StatusCode};
///
/// let body = br#"{"error_code": "BackupService.6500", "error_msg": "vault not found"}"#;
/// let error = decode_response::<ShowVault>(StatusCode::NOT_FOUND, Default::default(), body)
///     .unwrap_err();
/// assert_eq!(error.error_code().map(|code| code.as_str()), Some("BackupService.6500"));
///
/// let error = decode_response::<ShowVault>(StatusCode::OK, Default::default(), b"{").unwrap_err();
/// assert!(matches!(error, Error::Decode(_)), "{error}");
/// ```
pub fn decode_response<O: Operation>(
    status: StatusCode,
    headers: HeaderMap,
    body: &[u8],
) -> Result<(O::Output, ResponseMetadata), Error> {
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
    pub(crate) fn classify(
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
        attempt: u32,
        errors: &ErrorFormat,
    ) -> Result<Self, Error> {
        let retry_after = retry::retry_after(&headers);
        let metadata = ResponseMetadata::new(status, headers, attempt);
        if !status.is_success() {
            let error = api_error(metadata, retry_after, &body, errors);
            return Err(Error::Api(Box::new(error)));
        }
        Ok(RawResponse { metadata, body })
    }

    /// Decodes the JSON body; a failure names the member path.
    #[allow(dead_code)] // used by generated code when an operation returns a body
    pub(crate) fn json<T: DeserializeOwned>(self) -> Result<(T, ResponseMetadata), Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let decoded = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|error| {
                let path = error.path().to_string();
                (path, error.into_inner())
            })
            .and_then(|value| match deserializer.end() {
                Ok(()) => Ok(value),
                Err(error) => Err((String::new(), error)),
            });
        match decoded {
            Ok(value) => Ok((value, self.metadata)),
            Err((path, error)) => Err(Error::Decode(Box::new(DecodeError {
                status: self.metadata.status,
                path,
                message: match error.classify() {
                    Category::Syntax | Category::Eof => format!("the body is not JSON ({error})"),
                    Category::Data | Category::Io => error.to_string(),
                },
                snippet: snippet(&self.body),
                request_id: self.metadata.request_id,
            }))),
        }
    }

    /// For operations documented without a body: whatever the body, it is ignored.
    #[allow(dead_code)] // used by generated code when an operation returns no body
    pub(crate) fn empty(self) -> Result<((), ResponseMetadata), Error> {
        Ok(((), self.metadata))
    }
}
