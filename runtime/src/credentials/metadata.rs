//! [`MetadataCredentials`]: the temporary AK/SK and security token an ECS or BMS instance gets
//! from its metadata service for the agency attached to it, the way the official SDKs fetch
//! them:
//!
//! 1. `PUT {endpoint}/meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 21600`
//!    gives a session token (a 404, 405 or 503 means the service has no sessions: go on
//!    without);
//! 2. `GET {endpoint}/openstack/latest/securitykey` with `X-Metadata-Token` gives
//!    `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`; a 401 asks for a
//!    new session token once, unless it says the instance has no agency.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{Auth, AuthFuture, CredentialsError, ProvideAuth};
use crate::redacted::Redacted;

/// The metadata service of ECS and BMS instances.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";

/// How long before they expire metadata credentials are replaced: 40 minutes, as the official
/// SDKs do.
pub const DEFAULT_METADATA_REFRESH_BEFORE: Duration = Duration::from_secs(40 * 60);

/// The time allowed to connect to the metadata service: short, so that a machine without one
/// (any machine outside the cloud) fails fast.
pub const DEFAULT_METADATA_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// The time allowed for a whole fetch of metadata credentials (every request of it): 3 s, the
/// official SDKs' timeout for one request.
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(3);

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const TOKEN_HEADER: &str = "X-Metadata-Token";
const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
/// Six hours, the official SDKs' session length.
const TOKEN_TTL_SECONDS: &str = "21600";
/// What the service answers (with a 401) on an instance without an agency.
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";

/// Temporary credentials from the instance metadata service, cached and replaced
/// [`refresh_before`](Self::refresh_before) they expire.
///
/// However many calls ask at once, at most one fetch is in flight: the others wait for it and
/// share its result. If a refresh fails while the cached credentials have not expired yet,
/// they are used until they do. Nothing it holds appears in `Debug` output, errors or logs.
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_sdk_runtime::MetadataCredentials;
///
/// let metadata = MetadataCredentials::new()
///     .endpoint("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(2));
/// # let _ = metadata;
/// ```
pub struct MetadataCredentials {
    endpoint: String,
    connect_timeout: Duration,
    timeout: Duration,
    refresh_before: Duration,
    /// The credentials in use; read without waiting for a refresh in flight.
    cached: Mutex<Option<Cached>>,
    /// Held by the one fetch in flight.
    fetch: tokio::sync::Mutex<Session>,
}

/// `Debug` is safe: [`Auth`] redacts every secret.
#[derive(Debug, Clone)]
struct Cached {
    auth: Auth,
    expires_at: OffsetDateTime,
}

/// What a fetch reuses from the last one.
#[derive(Default)]
struct Session {
    http: Option<reqwest::Client>,
    /// The metadata session token; `None` where the service has no sessions.
    token: Option<String>,
    /// Whether a session token was asked for yet.
    asked_token: bool,
}

impl Default for MetadataCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MetadataCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires_at = self.cached_now().map(|cached| cached.expires_at);
        f.debug_struct("MetadataCredentials")
            .field("endpoint", &self.endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("refresh_before", &self.refresh_before)
            .field("credentials", &expires_at.map(|_| Redacted))
            .field("expires_at", &expires_at)
            .finish()
    }
}

impl MetadataCredentials {
    /// Credentials from [`DEFAULT_METADATA_ENDPOINT`], with the default timeouts and refresh
    /// margin.
    pub fn new() -> Self {
        MetadataCredentials {
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            connect_timeout: DEFAULT_METADATA_CONNECT_TIMEOUT,
            timeout: DEFAULT_METADATA_TIMEOUT,
            refresh_before: DEFAULT_METADATA_REFRESH_BEFORE,
            cached: Mutex::new(None),
            fetch: tokio::sync::Mutex::new(Session::default()),
        }
    }

    /// Another address of the metadata service (`http://host[:port]`), for tests and proxies
    /// of it.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim_end_matches('/').to_owned();
        self
    }

    /// The address of the metadata service.
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint
    }

    /// The time allowed to connect (default [`DEFAULT_METADATA_CONNECT_TIMEOUT`], 1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for a whole fetch (default [`DEFAULT_METADATA_TIMEOUT`], 3 s): a
    /// service that accepts the connection and never answers fails after it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before they expire credentials are replaced (default
    /// [`DEFAULT_METADATA_REFRESH_BEFORE`], 40 minutes).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// The cached credentials, whether or not they are still fresh.
    fn cached_now(&self) -> Option<Cached> {
        self.cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The cached credentials if they are not due for a refresh.
    fn fresh(&self) -> Option<Auth> {
        let cached = self.cached_now()?;
        let due = cached.expires_at - self.refresh_before;
        (OffsetDateTime::now_utc() < due).then_some(cached.auth)
    }

    /// The credentials to use now, fetching them if they are missing or due.
    pub async fn credentials(&self) -> Result<Auth, CredentialsError> {
        if let Some(auth) = self.fresh() {
            return Ok(auth);
        }
        let mut session = self.fetch.lock().await;
        // Another call may have refreshed them while this one waited.
        if let Some(auth) = self.fresh() {
            return Ok(auth);
        }
        let fetched = tokio::time::timeout(self.timeout, self.fetch_with(&mut session)).await;
        let fetched = fetched.unwrap_or_else(|_| {
            Err(CredentialsError::new(format!(
                "no answer within {:?}",
                self.timeout
            )))
        });
        match fetched {
            Ok(cached) => {
                tracing::debug!(expires_at = %cached.expires_at, "metadata credentials fetched");
                let auth = cached.auth.clone();
                *self
                    .cached
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(cached);
                Ok(auth)
            }
            Err(error) => match self.cached_now() {
                Some(cached) if OffsetDateTime::now_utc() < cached.expires_at => {
                    tracing::warn!(
                        expires_at = %cached.expires_at,
                        error = %error,
                        "cannot refresh metadata credentials; using the current ones until they expire"
                    );
                    Ok(cached.auth)
                }
                _ => Err(error),
            },
        }
    }

    async fn fetch_with(&self, session: &mut Session) -> Result<Cached, CredentialsError> {
        let http = match &session.http {
            Some(http) => http.clone(),
            None => {
                let http = self.http_client()?;
                session.http = Some(http.clone());
                http
            }
        };
        if !session.asked_token {
            session.token = self.session_token(&http, false).await?;
            session.asked_token = true;
        }
        let (mut status, mut body) = self.security_key(&http, session.token.as_deref()).await?;
        if status == 401 && !body.contains(NO_AGENCY) {
            // The session token expired: one new one, then one more try.
            session.token = self.session_token(&http, true).await?;
            (status, body) = self.security_key(&http, session.token.as_deref()).await?;
        }
        if status == 401 && body.contains(NO_AGENCY) {
            return Err(CredentialsError::new(
                "the instance has no agency: attach one (Cloud Service Agency) to get credentials",
            ));
        }
        if !(200..300).contains(&status) {
            return Err(CredentialsError::new(format!(
                "{SECURITY_KEY_PATH} answered with status {status}"
            )));
        }
        parse_security_key(&body)
    }

    fn http_client(&self) -> Result<reqwest::Client, CredentialsError> {
        // Never through a proxy: the service is link-local to the instance.
        let builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none());
        crate::tls::configure(builder)
            .map_err(|e| CredentialsError::new(e.to_string()))?
            .build()
            .map_err(|e| CredentialsError::with_source("cannot build the HTTP client", e))
    }

    /// A session token; `None` when the service has none (404, 405, 503), unless `required`.
    async fn session_token(
        &self,
        http: &reqwest::Client,
        required: bool,
    ) -> Result<Option<String>, CredentialsError> {
        let url = format!("{}{TOKEN_PATH}", self.endpoint);
        let response = http
            .put(&url)
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
            .send()
            .await
            .map_err(|e| request_error(TOKEN_PATH, e))?;
        let status = response.status().as_u16();
        match status {
            200 => {
                let token = response
                    .text()
                    .await
                    .map_err(|e| request_error(TOKEN_PATH, e))?;
                Ok(Some(token.trim().to_owned()))
            }
            404 | 405 | 503 if !required => Ok(None),
            _ => Err(CredentialsError::new(format!(
                "{TOKEN_PATH} answered with status {status}"
            ))),
        }
    }

    async fn security_key(
        &self,
        http: &reqwest::Client,
        token: Option<&str>,
    ) -> Result<(u16, String), CredentialsError> {
        let url = format!("{}{SECURITY_KEY_PATH}", self.endpoint);
        let mut request = http.get(&url);
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| request_error(SECURITY_KEY_PATH, e))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|e| request_error(SECURITY_KEY_PATH, e))?;
        Ok((status, body))
    }
}

impl ProvideAuth for MetadataCredentials {
    fn provide_auth(&self) -> AuthFuture<'_> {
        Box::pin(self.credentials())
    }
}

/// An error of a request to `path`, saying whether it could not connect or timed out.
fn request_error(path: &str, error: reqwest::Error) -> CredentialsError {
    let what = if error.is_connect() {
        "cannot connect"
    } else if error.is_timeout() {
        "timed out"
    } else {
        "request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    let message = if cause.is_empty() {
        format!("{path}: {what}")
    } else {
        format!("{path}: {what}: {cause}")
    };
    CredentialsError::with_source(message, error)
}

/// Reads `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`. The messages
/// name the member, never its value.
fn parse_security_key(body: &str) -> Result<Cached, CredentialsError> {
    let invalid = |what: &str| {
        CredentialsError::new(format!(
            "{SECURITY_KEY_PATH} did not answer with credentials: {what}"
        ))
    };
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|_| invalid("the body is not JSON"))?;
    let credential = value
        .get("credential")
        .ok_or_else(|| invalid("no `credential` member"))?;
    let member = |name: &str| {
        credential
            .get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|text| !text.is_empty())
            .ok_or_else(|| invalid(&format!("no string `credential.{name}`")))
    };
    let expires_at = OffsetDateTime::parse(member("expires_at")?, &Rfc3339)
        .map_err(|_| invalid("`credential.expires_at` is not an RFC 3339 time"))?;
    let auth = Auth::temporary(
        member("access")?,
        member("secret")?,
        member("securitytoken")?,
    );
    Ok(Cached { auth, expires_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_official_response_and_names_what_is_missing() {
        let body = r#"{"credential":{"access":"AK","secret":"SECRET-SK","securitytoken":"SECRET-ST","expires_at":"2026-12-03T10:00:00.000000Z"}}"#;
        let cached = parse_security_key(body).unwrap();
        assert_eq!(cached.auth.scheme(), "ak/sk+security-token");
        assert_eq!(cached.expires_at.unix_timestamp(), 1_796_292_000);

        let body = r#"{"credential":{"access":"AK","secret":"SECRET-SK","expires_at":"2026-12-03T10:00:00Z"}}"#;
        let error = parse_security_key(body).unwrap_err().to_string();
        assert!(error.contains("credential.securitytoken"), "{error}");
        assert!(!error.contains("SECRET"), "{error}");

        let body = r#"{"credential":{"access":"AK","secret":"S","securitytoken":"T","expires_at":"tomorrow"}}"#;
        let error = parse_security_key(body).unwrap_err().to_string();
        assert!(error.contains("expires_at"), "{error}");
        assert!(parse_security_key("<html>").is_err());
    }

    #[test]
    fn debug_shows_no_credential() {
        let metadata = MetadataCredentials::new();
        *metadata.cached.lock().unwrap() = Some(Cached {
            auth: Auth::temporary("SECRET-AK", "SECRET-SK", "SECRET-ST"),
            expires_at: OffsetDateTime::UNIX_EPOCH,
        });
        let debug = format!("{metadata:?} {metadata:#?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(debug.contains(DEFAULT_METADATA_ENDPOINT), "{debug}");
    }
}
