//! [`RequestOptions`]: the settings of one call, over the client's.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};

use super::header_value;
use crate::error::ConfigError;
use crate::retry::RetryConfig;
use crate::validation::Validation;

/// Headers the client writes itself: authentication, the signature and its date, and the
/// framing. A hand-set value would be overwritten, or would break the signature.
const RESERVED_HEADERS: [&str; 9] = [
    "authorization",
    "content-length",
    "host",
    "transfer-encoding",
    "x-auth-token",
    "x-project-id",
    "x-sdk-content-sha256",
    "x-sdk-date",
    "x-security-token",
];

/// Settings of a single call that take the place of the client's for that call only; what is
/// not set here is the client's. Every request builder takes them through its `options`
/// method:
///
/// ```ignore
/// let options = RequestOptions::new()
///     .with_timeout(Duration::from_secs(5))
///     .with_retry_config(RetryConfig::standard().with_max_attempts(1))
///     .with_header("X-Trace", "abc");
/// client.list_servers().options(options).await?;
/// ```
///
/// Header names and values are checked when the call is sent, like every header: a control
/// character or a character beyond ASCII is [`ConfigError::InvalidHeaderValue`], a header the
/// client writes itself (authentication, signing, framing) [`ConfigError::ReservedHeader`].
/// The extra headers are signed with the rest under AK/SK.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    validation: Option<Validation>,
    headers: Vec<(String, String)>,
    endpoint: Option<String>,
    project_id: Option<String>,
}

impl RequestOptions {
    /// No setting of its own: the call runs with the client's.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time allowed for each attempt of this call, instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time allowed for the whole call, every attempt and backoff included, instead of
    /// the client's [`call_timeout`](crate::ClientBuilder::call_timeout).
    pub fn with_call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// How this call is retried, instead of the client's
    /// [`retry_config`](crate::ClientBuilder::retry_config). Its retries still draw from the
    /// retry budget the client's calls share.
    pub fn with_retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// How to check this request against the documented constraints, instead of the
    /// client's [`validation`](crate::ClientBuilder::validation): a [`Validation`] level, or
    /// `true`/`false` for [`Validation::Lenient`]/[`Validation::Off`].
    pub fn with_validation(mut self, level: impl Into<Validation>) -> Self {
        self.validation = Some(level.into());
        self
    }

    /// Adds a header to every attempt of this call (a header of the same name set before is
    /// replaced).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Sends this call to `base_url` (`https://host[:port][/prefix]`) instead of its service's
    /// endpoint; checked like the client's endpoints when the call is sent.
    pub fn with_endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.endpoint = Some(base_url.into());
        self
    }

    /// The project ID of this call, for operations whose path has one, instead of the
    /// client's. A request builder's own `project_id` wins over it.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The time allowed for each attempt, if set.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The time allowed for the whole call, if set.
    pub fn call_timeout(&self) -> Option<Duration> {
        self.call_timeout
    }

    /// The retry configuration, if set.
    pub fn retry_config(&self) -> Option<&RetryConfig> {
        self.retry.as_ref()
    }

    /// The validation level of this call, if set.
    pub fn validation(&self) -> Option<Validation> {
        self.validation
    }

    /// The extra headers, in the order they were set.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The endpoint, if set.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// The project ID, if set.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Adds the extra headers to an attempt's headers, each checked.
    pub(crate) fn add_headers(&self, headers: &mut HeaderMap) -> Result<(), ConfigError> {
        for (name, value) in &self.headers {
            insert_header(headers, name, value)?;
        }
        Ok(())
    }
}

/// Adds a header set by hand (an option or a hook): a valid name that the client does not
/// write itself, and a value that is printable ASCII.
pub(crate) fn insert_header(
    headers: &mut HeaderMap,
    name: &str,
    value: &str,
) -> Result<(), ConfigError> {
    let header =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidHeaderValue {
            name: name.to_owned(),
        })?;
    if RESERVED_HEADERS.contains(&header.as_str()) {
        return Err(ConfigError::ReservedHeader {
            name: name.to_owned(),
        });
    }
    headers.insert(header, header_value(name, value)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_checked_like_every_header() {
        let mut headers = HeaderMap::new();
        insert_header(&mut headers, "X-Trace", "a b").unwrap();
        assert_eq!(headers["x-trace"], "a b");
        let bad = insert_header(&mut headers, "X-Trace", "a\r\nX-Evil: 1").unwrap_err();
        assert!(
            matches!(bad, ConfigError::InvalidHeaderValue { .. }),
            "{bad}"
        );
        let bad = insert_header(&mut headers, "X Trace", "a").unwrap_err();
        assert!(
            matches!(bad, ConfigError::InvalidHeaderValue { .. }),
            "{bad}"
        );
        let reserved = insert_header(&mut headers, "Authorization", "x").unwrap_err();
        assert!(
            matches!(reserved, ConfigError::ReservedHeader { .. }),
            "{reserved}"
        );
    }

    #[test]
    fn a_header_set_again_replaces_the_first() {
        let options = RequestOptions::new()
            .with_header("X-A", "1")
            .with_header("x-a", "2");
        assert_eq!(options.headers().collect::<Vec<_>>(), [("x-a", "2")]);
    }
}
