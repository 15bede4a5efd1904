//! Authentication: [`Auth`] (an IAM token, or an AK/SK pair) and the [`ProvideAuth`] trait the
//! client asks before every attempt, so that expiring credentials can be refreshed; and the
//! official SDKs' sources of credentials, each in its module: the environment (here), the
//! profile file ([`profile`]), the instance metadata service ([`metadata`]) and the chain of
//! the three ([`chain`]).
//!
//! Nothing here prints a secret: `Debug` of every type redacts the token, the keys and the
//! security token.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::redacted::Redacted;
use crate::signing::Credentials;

pub(crate) mod chain;
pub(crate) mod metadata;
pub(crate) mod profile;

pub use chain::{CredentialSource, CredentialsChain};
pub use metadata::{
    MetadataCredentials, DEFAULT_METADATA_CONNECT_TIMEOUT, DEFAULT_METADATA_ENDPOINT,
    DEFAULT_METADATA_REFRESH_BEFORE, DEFAULT_METADATA_TIMEOUT,
};
pub use profile::ENV_CREDENTIALS_FILE;

/// Environment variable of the access key (AK), as the official SDKs name it.
pub const ENV_ACCESS_KEY: &str = "HUAWEICLOUD_SDK_AK";
/// Environment variable of the secret key (SK).
pub const ENV_SECRET_KEY: &str = "HUAWEICLOUD_SDK_SK";
/// Environment variable of the security token of temporary AK/SK credentials.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Environment variable of the project ID.
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Environment variable of the region.
pub const ENV_REGION: &str = "HUAWEICLOUD_SDK_REGION";

/// How a request authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum Auth {
    /// An IAM token, sent as the `X-Auth-Token` header. IAM tokens expire after 24 hours: use a
    /// [`ProvideAuth`] that fetches a new one.
    Token(Token),
    /// An access key and secret key, optionally with the security token of temporary
    /// credentials: every attempt is signed with `SDK-HMAC-SHA256` (see [`signing`]).
    ///
    /// [`signing`]: crate::signing
    AkSk(Credentials),
}

impl Auth {
    /// An IAM token.
    pub fn token(token: impl Into<String>) -> Self {
        Auth::Token(Token::new(token))
    }

    /// Permanent AK/SK credentials.
    pub fn ak_sk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Auth::AkSk(Credentials::new(access_key, secret_key))
    }

    /// Temporary AK/SK credentials with their security token (sent as `X-Security-Token`).
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Auth::AkSk(Credentials::new(access_key, secret_key).with_security_token(security_token))
    }

    /// AK/SK credentials from the environment, named as the official SDKs name them:
    /// `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` and, for temporary credentials,
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN`.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with another source of variables.
    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CredentialsError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        match (get(ENV_ACCESS_KEY), get(ENV_SECRET_KEY)) {
            (Some(access_key), Some(secret_key)) => {
                let credentials = Credentials::new(access_key.trim(), secret_key.trim());
                Ok(Auth::AkSk(match get(ENV_SECURITY_TOKEN) {
                    Some(token) => credentials.with_security_token(token.trim()),
                    None => credentials,
                }))
            }
            (None, None) => Err(CredentialsError::new(format!(
                "no credentials in the environment: set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY}"
            ))),
            (Some(_), None) => Err(CredentialsError::new(format!(
                "{ENV_ACCESS_KEY} is set but {ENV_SECRET_KEY} is not"
            ))),
            (None, Some(_)) => Err(CredentialsError::new(format!(
                "{ENV_SECRET_KEY} is set but {ENV_ACCESS_KEY} is not"
            ))),
        }
    }

    /// A short name of the scheme, for logs: `token`, `ak/sk` or `ak/sk+security-token`.
    pub fn scheme(&self) -> &'static str {
        match self {
            Auth::Token(_) => "token",
            Auth::AkSk(credentials) if credentials.has_security_token() => "ak/sk+security-token",
            Auth::AkSk(_) => "ak/sk",
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(token) => f.debug_tuple("Token").field(token).finish(),
            Auth::AkSk(credentials) => f
                .debug_struct("AkSk")
                .field("access_key", &Redacted)
                .field("secret_key", &Redacted)
                .field(
                    "security_token",
                    &credentials.has_security_token().then_some(Redacted),
                )
                .finish(),
        }
    }
}

/// An IAM token. `Debug` never shows it.
#[derive(Clone)]
pub struct Token(Arc<str>);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into().into())
    }

    /// The token itself, to send.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Redacted.fmt(f)
    }
}

/// The future of [`ProvideAuth::provide_auth`].
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<Auth, CredentialsError>> + Send + 'a>>;

/// Gives the credentials of a request. The client asks before every attempt (retries included),
/// so an implementation can refresh an IAM token before it expires (after 24 hours) or rotate
/// temporary AK/SK credentials; it should cache what it fetched, since it is called often.
///
/// [`Auth`] itself is a provider of fixed credentials.
///
/// # Example
///
/// A provider that fetches a new IAM token when the cached one is older than 23 hours:
///
/// ```
/// use std::sync::Mutex;
/// use std::time::{Duration, Instant};
///
/// use huaweicloud_sdk_runtime::{Auth, AuthFuture, CredentialsError, ProvideAuth};
///
/// #[derive(Debug, Default)]
/// struct RefreshingToken {
///     cached: Mutex<Option<(Auth, Instant)>>,
/// }
///
/// impl RefreshingToken {
///     async fn fetch_token(&self) -> Result<String, CredentialsError> {
///         // Ask IAM (`POST /v3/auth/tokens`) for a token here.
///         Ok("a-fresh-token".to_owned())
///     }
/// }
///
/// impl ProvideAuth for RefreshingToken {
///     fn provide_auth(&self) -> AuthFuture<'_> {
///         Box::pin(async move {
///             if let Some((auth, fetched)) = self.cached.lock().unwrap().clone() {
///                 if fetched.elapsed() < Duration::from_secs(23 * 3600) {
///                     return Ok(auth);
///                 }
///             }
///             let auth = Auth::token(self.fetch_token().await?);
///             *self.cached.lock().unwrap() = Some((auth.clone(), Instant::now()));
///             Ok(auth)
///         })
///     }
/// }
///
/// // Given to a generated client's builder:
/// // `Client::builder().region(…).auth_provider(RefreshingToken::default())`.
/// let provider: Box<dyn ProvideAuth> = Box::new(RefreshingToken::default());
/// # let _ = provider;
/// ```
pub trait ProvideAuth: fmt::Debug + Send + Sync {
    /// The credentials for the next attempt.
    fn provide_auth(&self) -> AuthFuture<'_>;
}

impl ProvideAuth for Auth {
    fn provide_auth(&self) -> AuthFuture<'_> {
        let auth = self.clone();
        Box::pin(std::future::ready(Ok(auth)))
    }
}

impl<P: ProvideAuth + ?Sized> ProvideAuth for Arc<P> {
    fn provide_auth(&self) -> AuthFuture<'_> {
        (**self).provide_auth()
    }
}

/// Credentials could not be had, or could not sign a request. The message never holds a
/// secret.
#[derive(Debug)]
pub struct CredentialsError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl CredentialsError {
    /// An error with a message (which must not contain a secret).
    pub fn new(message: impl Into<String>) -> Self {
        CredentialsError {
            message: message.into(),
            source: None,
        }
    }

    /// An error with a message and its cause.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        CredentialsError {
            message: message.into(),
            source: Some(source.into()),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn reads_the_sdk_variables() {
        let auth =
            Auth::from_lookup(env(&[(ENV_ACCESS_KEY, "AK1"), (ENV_SECRET_KEY, "SK1")])).unwrap();
        let Auth::AkSk(credentials) = &auth else {
            panic!("{auth:?}");
        };
        assert_eq!(credentials.access_key(), "AK1");
        assert!(!credentials.has_security_token());
        assert_eq!(auth.scheme(), "ak/sk");

        let auth = Auth::from_lookup(env(&[
            (ENV_ACCESS_KEY, "AK1"),
            (ENV_SECRET_KEY, "SK1"),
            (ENV_SECURITY_TOKEN, "ST1"),
        ]))
        .unwrap();
        assert_eq!(auth.scheme(), "ak/sk+security-token");
    }

    #[test]
    fn incomplete_variables_are_an_error_naming_them() {
        let error = Auth::from_lookup(env(&[(ENV_ACCESS_KEY, "AK1")])).unwrap_err();
        assert!(error.to_string().contains(ENV_SECRET_KEY), "{error}");
        assert!(!error.to_string().contains("AK1"), "{error}");
        let error = Auth::from_lookup(env(&[(ENV_SECRET_KEY, "SK1")])).unwrap_err();
        assert!(error.to_string().contains(ENV_ACCESS_KEY), "{error}");
        let error =
            Auth::from_lookup(env(&[(ENV_ACCESS_KEY, " "), (ENV_SECRET_KEY, "")])).unwrap_err();
        assert!(error.to_string().contains("no credentials"), "{error}");
    }

    #[test]
    fn debug_redacts_every_secret() {
        for auth in [
            Auth::token("tok-SECRET"),
            Auth::ak_sk("AK-SECRET", "SK-SECRET"),
            Auth::temporary("AK-SECRET", "SK-SECRET", "ST-SECRET"),
        ] {
            let debug = format!("{auth:?} {:#?}", auth);
            assert!(!debug.contains("SECRET"), "{debug}");
            assert!(debug.contains("<redacted>"), "{debug}");
        }
    }
}
