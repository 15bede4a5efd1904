//! [`Request`]: what a generated operation hands to the client, and how its path and query are
//! encoded.

use percent_encoding::utf8_percent_encode;
use reqwest::header::HeaderValue;
use reqwest::Method;
use serde::Serialize;

use super::RequestOptions;
use crate::error::{ConfigError, Error};
use crate::response::ErrorFormat;
use crate::signing::QueryValue;
use crate::uri::UNRESERVED;
use crate::validation::{Rule, ValidationError};

/// A request as a generated operation describes it, before endpoint, credentials and signing.
/// `S` is the generated enumeration of the service's endpoints.
#[derive(Debug)]
pub struct Request<S> {
    /// The operation ID (`list_servers`), for logs.
    pub operation: &'static str,
    /// The path template (`/v1/{project_id}/servers`), for logs.
    pub path_template: &'static str,
    /// The endpoint the request goes to.
    pub service: S,
    /// The HTTP method.
    pub method: Method,
    /// The path, with its parameters already encoded ([`push_segment`]).
    pub path: String,
    /// Query pairs, not yet encoded, in the order to send them; an array parameter is one
    /// pair per value. The values are typed as the signer orders them.
    pub query: Vec<(&'static str, QueryValue<'static>)>,
    /// The project the request is for (sent as `X-Project-Id` when signing).
    pub project_id: Option<String>,
    /// The JSON body.
    pub body: Option<Vec<u8>>,
    /// Where the error code and message are in an error body.
    pub errors: ErrorFormat,
    /// This call's own settings, over the client's.
    pub options: RequestOptions,
}

/// `key=value&…` in the given order, keys and values percent-encoded.
pub(crate) fn encode_query(query: &[(&str, QueryValue<'_>)]) -> String {
    let pairs: Vec<String> = query
        .iter()
        .map(|(key, value)| {
            let value = match value {
                QueryValue::Text(text) => encode(text),
                QueryValue::Int(n) => n.to_string(),
                QueryValue::Bool(b) => b.to_string(),
            };
            format!("{}={value}", encode(key))
        })
        .collect();
    pairs.join("&")
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Appends a path parameter's value as one percent-encoded segment; an empty value, `.` and
/// `..` are rejected because they would change which path the request goes to.
pub fn push_segment<C>(path: &mut String, name: &'static str, value: &str) -> Result<(), Error<C>> {
    if matches!(value, "" | "." | "..") {
        return Err(ValidationError::new(name, Rule::PathSegment).into());
    }
    path.extend(utf8_percent_encode(value, UNRESERVED));
    Ok(())
}

/// Serialises a request body.
pub fn json_body<T: Serialize, C>(body: &T) -> Result<Vec<u8>, Error<C>> {
    serde_json::to_vec(body).map_err(Error::Encode)
}

/// Whether `value` can be sent as a header value and read back as the same text: printable
/// ASCII and spaces. (`HeaderValue` itself also takes bytes beyond ASCII, which
/// `HeaderValue::to_str` then refuses.)
pub(crate) fn is_header_text(value: &str) -> bool {
    value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

/// A header value that is sent as written, or [`ConfigError::InvalidHeaderValue`].
pub(crate) fn header_value(name: &str, value: &str) -> Result<HeaderValue, ConfigError> {
    let invalid = || ConfigError::InvalidHeaderValue {
        name: name.to_owned(),
    };
    if !is_header_text(value) {
        return Err(invalid());
    }
    HeaderValue::from_str(value).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_and_dot_segments_rejected() {
        let mut path = String::from("/v3/");
        push_segment::<()>(&mut path, "id", "a b/c~d.e_f-g%").unwrap();
        assert_eq!(path, "/v3/a%20b%2Fc~d.e_f-g%25");
        for bad in ["", ".", ".."] {
            let error = push_segment::<()>(&mut path, "id", bad).unwrap_err();
            assert!(
                matches!(error, Error::InvalidRequest(ref e) if *e.rule() == Rule::PathSegment)
            );
        }
        push_segment::<()>(&mut path, "id", "...").unwrap();
    }

    #[test]
    fn queries_keep_their_order_and_are_encoded() {
        let query = [
            ("b", QueryValue::from("x y&z")),
            ("a", QueryValue::Int(-3)),
            ("c", QueryValue::Bool(true)),
        ];
        assert_eq!(encode_query(&query), "b=x%20y%26z&a=-3&c=true");
    }
}
