//! [`ClientBuilder`]: configuration from code or from the official SDKs' environment variables.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::endpoint::{self, check_domain_suffix, check_region};
use super::proxy::Proxy;
use super::{header_value, Client, Inner};
use crate::credentials::{
    Auth, CredentialsChain, CredentialsError, ProvideAuth, ENV_PROJECT_ID, ENV_REGION,
};
use crate::error::{ConfigError, Error};
use crate::hooks::Hook;
use crate::retry::{RetryConfig, RetryTokens};
use crate::service::ServiceApi;
use crate::validation::Validation;

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
    validation: Validation,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    call_timeout: Duration,
    max_body_size: usize,
    retry: RetryConfig,
    proxy: Option<Proxy>,
    proxy_from_env: bool,
    app: Option<(String, String)>,
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
            validation: self.validation,
            http: self.http.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            call_timeout: self.call_timeout,
            max_body_size: self.max_body_size,
            retry: self.retry.clone(),
            proxy: self.proxy.clone(),
            proxy_from_env: self.proxy_from_env,
            app: self.app.clone(),
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
            .field("validation", &self.validation)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("call_timeout", &self.call_timeout)
            .field("max_response_body_size", &self.max_body_size)
            .field("retry", &self.retry)
            .field("proxy", &self.proxy)
            .field("proxy_from_env", &self.proxy_from_env)
            .field("app", &self.app)
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
    /// A builder with nothing set, lenient request validation ([`Validation::Lenient`]), HTTPS only, the default timeouts
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
            validation: Validation::default(),
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_body_size: DEFAULT_MAX_RESPONSE_BODY_SIZE,
            retry: RetryConfig::standard(),
            proxy: None,
            proxy_from_env: true,
            app: None,
            hooks: Vec::new(),
            #[cfg(feature = "test-util")]
            mock: None,
            api: PhantomData,
        }
    }

    /// A builder configured as the official SDKs configure themselves: the region from
    /// `HUAWEICLOUD_SDK_REGION`, the project ID from `HUAWEICLOUD_SDK_PROJECT_ID`, and the
    /// credentials of the [`CredentialsChain`]: the `HUAWEICLOUD_SDK_AK`/`_SK` (and
    /// `_SECURITY_TOKEN`) variables, else the profile file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`
    /// or `~/.huaweicloud/credentials`, whose `project_id` is used when the variable is not
    /// set), else the instance metadata service.
    ///
    /// Later calls override what it read. A malformed profile file is reported by
    /// [`build`](Self::build) unless credentials are set in code; when only the metadata service
    /// is left, the first request that cannot get credentials fails with
    /// [`Error::Credentials`], listing every source tried and why it failed.
    pub fn from_env() -> Self {
        Self::new().with_env(|name| std::env::var(name).ok())
    }

    pub(crate) fn with_env(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let chain = CredentialsChain::from_lookup(&lookup);
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        if let Some(region) = get(ENV_REGION) {
            self.region = Some(region.trim().to_owned());
        }
        if let Some(project_id) = get(ENV_PROJECT_ID) {
            self.project_id = Some(project_id.trim().to_owned());
        } else if let Some(project_id) = chain.project_id() {
            self.project_id = Some(project_id.to_owned());
        }
        match chain.malformed_profile() {
            Some(error) => self.env_error = Some(error.to_owned()),
            None => self.auth = Some(Arc::new(chain)),
        }
        self
    }

    /// The region (`my-kualalumpur-1`); every service's endpoint is derived from it unless set
    /// with [`endpoint`](Self::endpoint) or [`base_url`](Self::base_url), as the official SDKs
    /// derive it: the environment variable `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` (upper
    /// case, `-` as `_`, such as `HUAWEICLOUD_SDK_REGION_ECS_AP_SOUTHEAST_1`; of a
    /// comma-separated list, the first URL), else the service's region catalogue, else its URL
    /// template with `{region}` filled in. An ID the catalogue does not list is accepted, with
    /// a `tracing` warning, since regions open before catalogues list them.
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

    /// Whether to check requests against the documented constraints before sending them:
    /// `true` is the default, [`Validation::Lenient`]; `false` is [`Validation::Off`], for when
    /// the documentation is wrong and the service accepts a value the spec forbids.
    pub fn validate_requests(self, validate: bool) -> Self {
        self.validation(validate.into())
    }

    /// How strictly requests are checked before they are sent (default
    /// [`Validation::Lenient`]: bounds, lengths and required values are enforced, and an
    /// enumeration value the spec does not list is sent with a `tracing` warning, because the
    /// service accepts values its documents do not list yet). [`Validation::Strict`] refuses
    /// such values too.
    pub fn validation(mut self, level: Validation) -> Self {
        self.validation = level;
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

    /// Sends every request through this HTTP proxy (`http://host:port`, or `https://` for a
    /// proxy spoken to over TLS), with its own basic credentials and list of hosts to reach
    /// directly ([`Proxy`]). It replaces the proxies of the environment. HTTPS requests go
    /// through a `CONNECT` tunnel, so the proxy sees the host and port, never the request.
    ///
    /// ```
    /// # use huaweicloud_sdk_runtime::{client::Proxy, ClientBuilder, service::ServiceApi};
    /// # fn configure<A: ServiceApi>(builder: ClientBuilder<A>) -> ClientBuilder<A> {
    /// builder.proxy(
    ///     Proxy::new("http://proxy.example.com:3128")
    ///         .basic_auth("user", "password")
    ///         .no_proxy(["localhost", "127.0.0.1", ".internal.example.com"]),
    /// )
    /// # }
    /// ```
    ///
    /// Applies to the HTTP client the builder creates, not to one given with
    /// [`http_client`](Self::http_client).
    pub fn proxy(mut self, proxy: impl Into<Proxy>) -> Self {
        self.proxy = Some(proxy.into());
        self
    }

    /// Whether the HTTP client the builder creates honours the standard proxy variables
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, with `NO_PROXY`, in upper or lower case) when
    /// no [`proxy`](Self::proxy) is set: on by default.
    pub fn proxy_from_env(mut self, honour: bool) -> Self {
        self.proxy_from_env = honour;
        self
    }

    /// Names the application in the `User-Agent` of every request, after the SDK's own product
    /// token: `huaweicloud-ecs/0.1.0 my-app/2.3.1`, so that the service's logs and support can
    /// tell applications apart. Both must be product tokens (printable ASCII, no space, no
    /// `/`); [`build`](Self::build) refuses others with [`ConfigError::InvalidAppName`].
    pub fn app_name(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.app = Some((name.into(), version.into()));
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
        let lookup = |name: &str| std::env::var(name).ok();
        let sources = endpoint::Sources {
            base_url: self.base_url.as_deref(),
            region: self.region.as_deref(),
            suffix: self.domain_suffix.as_deref(),
            allow_http: self.allow_http,
            lookup: &lookup,
        };
        let endpoints = endpoint::resolve(A::SERVICES, &self.endpoints, &sources)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .https_only(!self.allow_http)
                    .redirect(reqwest::redirect::Policy::none());
                // An explicit proxy replaces the environment's (reqwest reads it otherwise).
                builder = match &self.proxy {
                    Some(proxy) => builder.proxy(proxy.to_reqwest()?),
                    None if !self.proxy_from_env => builder.no_proxy(),
                    None => builder,
                };
                crate::tls::configure(builder)?
                    .build()
                    .map_err(|e| ConfigError::HttpClient {
                        message: format!("cannot build it: {e}"),
                    })?
            }
        };
        let user_agent = user_agent(A::USER_AGENT, self.app.as_ref())?;
        let client = Client {
            inner: Arc::new(Inner {
                http,
                endpoints,
                region: self.region,
                project_id: self.project_id,
                auth,
                validation: self.validation,
                retry_tokens: RetryTokens::new(self.retry.budget().copied()),
                retry: self.retry,
                timeout: self.timeout,
                call_timeout: self.call_timeout,
                max_body_size: self.max_body_size,
                user_agent,
                allow_http: self.allow_http,
                hooks: self.hooks,
                #[cfg(feature = "test-util")]
                mock: self.mock,
            }),
        };
        Ok(A::Client::from(client))
    }
}

/// The `User-Agent`: the SDK's product token, then the application's, if one is named.
fn user_agent(
    sdk: &'static str,
    app: Option<&(String, String)>,
) -> Result<HeaderValue, ConfigError> {
    let Some((name, version)) = app else {
        return Ok(HeaderValue::from_static(sdk));
    };
    for part in [name, version] {
        let token = !part.is_empty() && part.bytes().all(|b| b.is_ascii_graphic() && b != b'/');
        if !token {
            return Err(ConfigError::InvalidAppName {
                value: part.clone(),
            });
        }
    }
    header_value("User-Agent", &format!("{sdk} {name}/{version}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "profile-file")]
    use crate::credentials::profile::tests::TempFile;
    #[cfg(feature = "profile-file")]
    use crate::credentials::ENV_CREDENTIALS_FILE;
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
        let client = local(ClientBuilder::new().with_env(lookup))
            .build()
            .unwrap();
        assert_eq!(client.region(), Some("my-kualalumpur-1"));
        assert_eq!(client.project_id(), Some("p-1"));
        assert!(format!("{client:?}").contains("Environment"), "{client:?}");

        // Incomplete variables give way to the profile file and the metadata service, which
        // are asked at the first request.
        let partial = |name: &str| (name == ENV_ACCESS_KEY).then(|| "AK".to_owned());
        let client = local(ClientBuilder::new().with_env(partial))
            .build()
            .unwrap();
        assert!(format!("{client:?}").contains("Metadata"), "{client:?}");
    }

    fn local(builder: ClientBuilder<TestApi>) -> ClientBuilder<TestApi> {
        builder.base_url("http://127.0.0.1:1").allow_http(true)
    }

    #[test]
    #[cfg(feature = "profile-file")]
    fn the_profile_file_gives_credentials_and_its_project_id() {
        let file = TempFile::with("[basic]\nak = PAK\nsk = PSK\nproject_id = p-profile\n");
        let path = file.0.display().to_string();
        let with = |project: Option<&'static str>| {
            let path = path.clone();
            move |name: &str| match name {
                ENV_CREDENTIALS_FILE => Some(path.clone()),
                ENV_PROJECT_ID => project.map(str::to_owned),
                _ => None,
            }
        };
        let client = local(ClientBuilder::new().with_env(with(None)))
            .build()
            .unwrap();
        assert_eq!(client.project_id(), Some("p-profile"));
        assert!(format!("{client:?}").contains("Profile"), "{client:?}");
        // The variable wins over the file.
        let client = local(ClientBuilder::new().with_env(with(Some("p-env"))))
            .build()
            .unwrap();
        assert_eq!(client.project_id(), Some("p-env"));
    }

    #[test]
    #[cfg(feature = "profile-file")]
    fn a_malformed_profile_file_fails_the_build_unless_credentials_are_set_in_code() {
        let file = TempFile::with("[basic\nak = A\n");
        let path = file.0.display().to_string();
        let lookup = move |name: &str| (name == ENV_CREDENTIALS_FILE).then(|| path.clone());
        let error = local(ClientBuilder::new().with_env(&lookup))
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Credentials(_)), "{error}");
        assert!(error.to_string().contains("line 1"), "{error}");
        assert!(
            error.to_string().contains(&file.0.display().to_string()),
            "{error}"
        );
        local(ClientBuilder::new().with_env(&lookup))
            .token("t")
            .build()
            .unwrap();
    }

    #[test]
    fn the_app_name_follows_the_sdk_in_the_user_agent() {
        let app = ("nightly-job".to_owned(), "2.3.1".to_owned());
        let value = user_agent("sdk/1.0", Some(&app)).unwrap();
        assert_eq!(value.to_str().unwrap(), "sdk/1.0 nightly-job/2.3.1");
        assert_eq!(user_agent("sdk/1.0", None).unwrap(), "sdk/1.0");
        for (name, version) in [
            ("", "1"),
            ("a b", "1"),
            ("a", "1/2"),
            ("a", "1\r\nX: y"),
            ("é", "1"),
        ] {
            let app = (name.to_owned(), version.to_owned());
            let error = user_agent("sdk/1.0", Some(&app)).unwrap_err();
            assert!(
                matches!(error, ConfigError::InvalidAppName { .. }),
                "{name} {version}"
            );
            assert!(!error.to_string().contains('\n'), "{error}");
        }
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
