//! [`Error`]: the one error type of the client.

use std::fmt;

use reqwest::StatusCode;

use crate::validation::ValidationError;

/// Everything that can go wrong when building the client or sending a request.
///
/// Its `Display` is one line that says what happened and what to do about it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration is unusable (no region, a malformed endpoint, …).
    Config(String),
    /// The request breaks a documented constraint; nothing was sent.
    InvalidRequest(ValidationError),
    /// The request body could not be serialised; nothing was sent.
    Encode(serde_json::Error),
    /// The request did not get a response (connection, TLS, timeout, …).
    Transport(reqwest::Error),
    /// The service answered with an error status.
    Api(Box<ApiError>),
    /// The service answered with a success status, but the body does not match the spec.
    Decode(Box<DecodeError>),
}

impl Error {
    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::Transport(error) => error.status(),
            Error::Config(_) | Error::InvalidRequest(_) | Error::Encode(_) => None,
        }
    }

    /// The service's request ID, if the response had one: quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(error) => error.request_id.as_deref(),
            Error::Decode(error) => error.request_id.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
            Error::InvalidRequest(error) => write!(
                f,
                "invalid request, not sent: {error} (fix the value; if the documented constraint \
                 is wrong, build the client with `validate_requests(false)`)"
            ),
            Error::Encode(error) => {
                write!(f, "cannot serialise the request body, not sent: {error}")
            }
            Error::Transport(error) => {
                write!(f, "no response from the service: {error}")?;
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            Error::Api(error) => error.fmt(f),
            Error::Decode(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(error) => Some(error),
            Error::Encode(error) => Some(error),
            // The transport error's causes are already in the message.
            Error::Config(_) | Error::Transport(_) | Error::Api(_) | Error::Decode(_) => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::InvalidRequest(error)
    }
}

/// An error response of the service.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The service's error code (`BackupService.6500`), if the body has one.
    pub error_code: Option<String>,
    /// The service's error message, if the body has one.
    pub error_msg: Option<String>,
    /// The service's request ID (response header `X-Request-Id`).
    pub request_id: Option<String>,
    /// The response body as received (invalid UTF-8 replaced).
    pub body: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the service answered {}", self.status)?;
        match (&self.error_code, &self.error_msg) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
            (Some(code), None) => write!(f, ": {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) => write!(f, " (body: {})", snippet(self.body.as_bytes()))?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        Ok(())
    }
}

/// A success response whose body does not match the spec.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The path of the member that failed (`vaults[0].billing.size`), empty for the whole body.
    pub path: String,
    /// What was wrong with it.
    pub message: String,
    /// The start of the body, at most [`SNIPPET_LIMIT`] bytes.
    pub snippet: String,
    /// The service's request ID (response header `X-Request-Id`).
    pub request_id: Option<String>,
}

/// The largest number of body bytes a [`DecodeError`] keeps.
pub const SNIPPET_LIMIT: usize = 256;

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() || self.path == "." {
            String::new()
        } else {
            format!(" at `{}`", self.path)
        };
        write!(
            f,
            "the {} response does not match the spec{at}: {}; body: {}",
            self.status, self.message, self.snippet
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        Ok(())
    }
}

/// At most [`SNIPPET_LIMIT`] bytes of `body` as text, cut at a character boundary, with `…`
/// when cut.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= SNIPPET_LIMIT {
        return text.into_owned();
    }
    let mut end = SNIPPET_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
