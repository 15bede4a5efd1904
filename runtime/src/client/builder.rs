//! [`ClientBuilder`]: configuration from code or from the official SDKs' environment variables.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::endpoint::{self, check_domain_suffix, check_region};
use super::{Client, Inner};
use crate::credentials::{Auth, CredentialsError, ProvideAuth, ENV_PROJECT_ID, ENV_REGION};
use crate::error::{ConfigError, Error};
use crate::hooks::Hook;
use crate::retry::{RetryConfig, RetryTokens};
use crate::service::ServiceApi;

/// The default time allowed to make a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default time allowed for one attempt, from connecting to the end of the response body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The default time allowed for a whole call, every attempt and backoff included: two
/// minutes, so that three attempts of [`DEFAULT_TIMEOUT`] cannot hold a caller for three.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// The default largest response body the client reads: 32 MiB. A page of a thousand listed
/// resources is a few megabytes; the limit is there so that a faulty or hostile server cannot
/// make the client hold unbounded memory.
pub const DEFAULT_MAX_RESPONSE_BODY_SIZE: usize = 32 * 1024 * 1024;

/// Configures and builds the client of the service API `A`; [`build`](Self::build) returns the
/// generated crate's client (`A::Client`). Each generated crate names it its `ClientBuilder`.
pub struct ClientBuilder<A: ServiceApi> {
    region: Option<String>,
    domain_suffix: Option<String>,
    project_id: Option<String>,
    auth: Option<Arc<dyn ProvideAuth>>,
    env_error: Option<String>,
    endpoints: Vec<(A::Service, String)>,
    base_url: Option<String>,
    allow_http: bool,
    validate_requests: bool,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    call_timeout: Duration,
    max_body_size: usize,
    retry: RetryConfig,
    hooks: Vec<Arc<dyn Hook>>,
    #[cfg(feature = "test-util")]
    mock: Option<Arc<crate::test_util::Mock>>,
    api: PhantomData<fn() -> A>,
}

impl<A: ServiceApi> Clone for ClientBuilder<A> {
    fn clone(&self) -> Self {
        ClientBuilder {
            region: self.region.clone(),
            domain_suffix: self.domain_suffix.clone(),
            project_id: self.project_id.clone(),
            auth: self.auth.clone(),
            env_error: self.env_error.clone(),
            endpoints: self.endpoints.clone(),
            base_url: self.base_url.clone(),
            allow_http: self.allow_http,
            validate_requests: self.validate_requests,
            http: self.http.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            call_timeout: self.call_timeout,
            max_body_size: self.max_body_size,
            retry: self.retry.clone(),
            hooks: self.hooks.clone(),
            #[cfg(feature = "test-util")]
            mock: self.mock.clone(),
            api: PhantomData,
        }
    }
}

impl<A: ServiceApi> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("domain_suffix", &self.domain_suffix)
            .field("project_id", &self.project_id)
            .field("auth", &self.auth)
            .field("endpoints", &self.endpoints)
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .field("validate_requests", &self.validate_requests)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("call_timeout", &self.call_timeout)
            .field("max_response_body_size", &self.max_body_size)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

impl<A: ServiceApi> Default for ClientBuilder<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: ServiceApi> ClientBuilder<A> {
    /// A builder with nothing set, request validation on, HTTPS only, the default timeouts
    /// and [`RetryConfig::standard`].
    pub fn new() -> Self {
        ClientBuilder {
            region: None,
            domain_suffix: None,
            project_id: None,
            auth: None,
            env_error: None,
            endpoints: Vec::new(),
            base_url: None,
            allow_http: false,
            validate_requests: true,
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_body_size: DEFAULT_MAX_RESPONSE_BODY_SIZE,
            retry: RetryConfig::standard(),
            hooks: Vec::new(),
            #[cfg(feature = "test-util")]
            mock: None,
            api: PhantomData,
        }
    }

    /// A builder configured from the environment, with the official SDKs' variable names:
    /// `HUAWEICLOUD_SDK_REGION`, `HUAWEICLOUD_SDK_PROJECT_ID`, and the AK/SK credentials
    /// `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` (plus `HUAWEICLOUD_SDK_SECURITY_TOKEN` for
    /// temporary credentials). Later calls override what it read; missing or incomplete
    /// credentials are reported by [`build`](Self::build) unless credentials are set in code.
    pub fn from_env() -> Self {
        Self::new().with_env(|name| std::env::var(name).ok())
    }

    pub(crate) fn with_env(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        if let Some(region) = get(ENV_REGION) {
            self.region = Some(region.trim().to_owned());
        }
        if let Some(project_id) = get(ENV_PROJECT_ID) {
            self.project_id = Some(project_id.trim().to_owned());
        }
        match Auth::from_lookup(&lookup) {
            Ok(auth) => self.auth = Some(Arc::new(auth)),
            Err(error) => self.env_error = Some(error.to_string()),
        }
        self
    }

    /// The region (`my-kualalumpur-1`); every service's endpoint is derived from it (the
    /// service's URL template with `{region}` filled in) unless set with
    /// [`endpoint`](Self::endpoint) or [`base_url`](Self::base_url).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Replaces the domain of the derived endpoints (`myhuaweicloud.com`), for regions served
    /// under another domain: `domain_suffix("myhuaweicloud.eu")` gives
    /// `https://{service}.{region}.myhuaweicloud.eu`.
    pub fn domain_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.domain_suffix = Some(suffix.into());
        self
    }

    /// The project ID filled into operations whose path has one.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Authenticates with a fixed IAM token, sent as the `X-Auth-Token` header. Tokens expire
    /// after 24 hours; for long-lived clients use [`auth_provider`](Self::auth_provider).
    pub fn token(self, token: impl Into<String>) -> Self {
        self.auth(Auth::token(token))
    }

    /// Authenticates with an AK/SK pair: every attempt is signed (`SDK-HMAC-SHA256`).
    pub fn ak_sk(self, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        self.auth(Auth::ak_sk(access_key, secret_key))
    }

    /// Authenticates with fixed credentials.
    pub fn auth(self, auth: Auth) -> Self {
        self.auth_provider(auth)
    }

    /// Authenticates with credentials the provider gives before every attempt (to refresh
    /// tokens or rotate temporary credentials).
    pub fn auth_provider(mut self, provider: impl ProvideAuth + 'static) -> Self {
        self.auth = Some(Arc::new(provider));
        self.env_error = None;
        self
    }

    /// Sends requests for `service` to `base_url` (`https://host[:port][/prefix]`) instead of
    /// the regional endpoint.
    pub fn endpoint(mut self, service: A::Service, base_url: impl Into<String>) -> Self {
        self.endpoints.retain(|(s, _)| *s != service);
        self.endpoints.push((service, base_url.into()));
        self
    }

    /// Sends requests for every service without an [`endpoint`](Self::endpoint) of its own to
    /// `base_url`: for private clouds, gateways and tests.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Allows `http://` endpoints (off by default: credentials and data would travel in
    /// clear). For tests against a local server.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Whether to check requests against the documented constraints before sending them (on
    /// by default). Switch it off when the documentation is wrong and the service accepts a
    /// value the spec forbids.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate_requests = validate;
        self
    }

    /// The time allowed to make a connection (default 10 s). Applies to the HTTP client the
    /// builder creates, not to one given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one attempt, from connecting to the end of the response body
    /// (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed for a whole call, every attempt and every wait between attempts
    /// included (default [`DEFAULT_CALL_TIMEOUT`], 2 minutes). When it passes, in an attempt
    /// or because the next backoff would outlast it, the call fails with [`Error::Deadline`],
    /// which counts the attempts and keeps the last response's status and request ID.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// The largest response body to read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BODY_SIZE`], 32 MiB). A larger response, success or error, fails
    /// with [`Error::BodyTooLarge`] as soon as it is known to be larger: at once when its
    /// `Content-Length` says so, otherwise when the limit is passed while reading, so the client
    /// never holds more than this much of a body.
    pub fn max_response_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// How requests are retried (default [`RetryConfig::standard`]).
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Uses this HTTP client (for its root certificates, proxy or TLS settings) instead of one
    /// the builder creates. Its own timeouts and redirect rules apply; the request timeout of
    /// [`timeout`](Self::timeout) is set on every request regardless.
    ///
    /// With the `rustls-ring` feature alone, reqwest has no default cryptography provider: build
    /// the client with `tls_backend_preconfigured` and a rustls configuration, or call
    /// `rustls::crypto::ring::default_provider().install_default()` before building it.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Adds a hook, run before and after every attempt of every call, after the hooks added
    /// before it ([`Hook`]).
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Answers every request from `mock` instead of the network: no connection is made, and
    /// everything else (validation, signing, hooks, retries, error mapping) runs as usual.
    /// The generated crate's `mock` module builds these.
    #[cfg(feature = "test-util")]
    pub fn mock(mut self, mock: crate::test_util::Mock) -> Self {
        self.mock = Some(Arc::new(mock));
        self
    }

    /// Builds the client. Fails without credentials, when a service has neither an endpoint
    /// nor a region to derive one from, or on an `http://` endpoint without
    /// [`allow_http`](Self::allow_http).
    pub fn build(self) -> Result<A::Client, Error<A::ErrorCode>> {
        let auth = match (self.auth, self.env_error) {
            (Some(auth), _) => auth,
            (None, Some(env_error)) => {
                return Err(Error::Credentials(CredentialsError::new(env_error)))
            }
            (None, None) => return Err(ConfigError::NoCredentials.into()),
        };
        if let Some(region) = &self.region {
            check_region(region)?;
        }
        if let Some(suffix) = &self.domain_suffix {
            check_domain_suffix(suffix)?;
        }
        let endpoints = endpoint::resolve(
            A::SERVICES,
            &self.endpoints,
            self.base_url.as_deref(),
            self.region.as_deref(),
            self.domain_suffix.as_deref(),
            self.allow_http,
        )?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .https_only(!self.allow_http)
                    .redirect(reqwest::redirect::Policy::none());
                crate::tls::configure(builder)?
                    .build()
                    .map_err(|e| ConfigError::HttpClient {
                        message: format!("cannot build it: {e}"),
                    })?
            }
        };
        let client = Client {
            inner: Arc::new(Inner {
                http,
                endpoints,
                region: self.region,
                project_id: self.project_id,
                auth,
                validate_requests: self.validate_requests,
                retry_tokens: RetryTokens::new(self.retry.budget().copied()),
                retry: self.retry,
                timeout: self.timeout,
                call_timeout: self.call_timeout,
                max_body_size: self.max_body_size,
                user_agent: HeaderValue::from_static(A::USER_AGENT),
                allow_http: self.allow_http,
                hooks: self.hooks,
                #[cfg(feature = "test-util")]
                mock: self.mock,
            }),
        };
        Ok(A::Client::from(client))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{ENV_ACCESS_KEY, ENV_SECRET_KEY};
    use crate::test_api::TestApi;

    #[test]
    fn the_environment_configures_region_project_and_credentials() {
        let vars = [
            (ENV_REGION, "my-kualalumpur-1"),
            (ENV_PROJECT_ID, "p-1"),
            (ENV_ACCESS_KEY, "AK"),
            (ENV_SECRET_KEY, "SK"),
        ];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let local = |builder: ClientBuilder<TestApi>| {
            builder.base_url("http://127.0.0.1:1").allow_http(true)
        };
        let client = local(ClientBuilder::new().with_env(lookup))
            .build()
            .unwrap();
        assert_eq!(client.region(), Some("my-kualalumpur-1"));
        assert_eq!(client.project_id(), Some("p-1"));
        assert!(format!("{client:?}").contains("AkSk"));

        let error = local(
            ClientBuilder::new().with_env(|name| (name == ENV_ACCESS_KEY).then(|| "AK".to_owned())),
        )
        .build()
        .unwrap_err();
        assert!(matches!(error, Error::Credentials(_)), "{error}");
        assert!(error.to_string().contains(ENV_SECRET_KEY), "{error}");
        // Credentials set in code win over incomplete ones in the environment.
        local(
            ClientBuilder::new().with_env(|name| (name == ENV_ACCESS_KEY).then(|| "AK".to_owned())),
        )
        .token("t")
        .build()
        .unwrap();
    }

    #[test]
    fn no_credentials_is_a_config_error_callers_can_match() {
        let error = ClientBuilder::<TestApi>::new()
            .base_url("http://127.0.0.1:1")
            .allow_http(true)
            .build()
            .unwrap_err();
        assert!(
            matches!(error, Error::Config(ConfigError::NoCredentials)),
            "{error}"
        );
    }
}
