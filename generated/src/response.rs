//! Responses: [`ResponseMetadata`] and the decoding of bodies.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::{snippet, DecodeError, Error};

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
pub(crate) struct RawResponse {
    pub(crate) metadata: ResponseMetadata,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
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
