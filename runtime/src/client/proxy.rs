//! [`Proxy`]: the HTTP proxy of [`ClientBuilder::proxy`](super::ClientBuilder::proxy).

use std::fmt;

use crate::error::ConfigError;
use crate::redacted::Redacted;

/// An HTTP proxy: its URL, optional basic credentials, and the hosts reached without it.
///
/// `Debug` output and errors never show the credentials, whether given with
/// [`basic_auth`](Self::basic_auth) or in the URL (`http://user:password@host:port`).
#[derive(Clone)]
pub struct Proxy {
    url: String,
    basic_auth: Option<(String, String)>,
    no_proxy: Vec<String>,
}

impl Proxy {
    /// A proxy at `url`: `http://host:port`, or `https://host:port` for a proxy spoken to over
    /// TLS. The URL is checked by [`ClientBuilder::build`](super::ClientBuilder::build).
    pub fn new(url: impl Into<String>) -> Self {
        Proxy {
            url: url.into(),
            basic_auth: None,
            no_proxy: Vec::new(),
        }
    }

    /// Sends `Proxy-Authorization: Basic …` with these credentials.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some((username.into(), password.into()));
        self
    }

    /// Hosts reached directly, with the rules of `NO_PROXY`: a domain (`example.com`, which
    /// covers its subdomains; `.example.com`, only them), an IP address, a CIDR block
    /// (`10.0.0.0/8`) or `*` for every host. Adds to the list.
    pub fn no_proxy<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.no_proxy.extend(hosts.into_iter().map(Into::into));
        self
    }

    /// The URL with any credentials in it taken out, for messages.
    fn shown_url(&self) -> String {
        match reqwest::Url::parse(&self.url) {
            Ok(mut url) => {
                let had_credentials = !url.username().is_empty() || url.password().is_some();
                let _ = url.set_username("");
                let _ = url.set_password(None);
                let shown = url.as_str().trim_end_matches('/').to_owned();
                if had_credentials {
                    shown.replacen("://", &format!("://{}@", Redacted::TEXT), 1)
                } else {
                    shown
                }
            }
            // Unreadable, so it cannot be told whether credentials are in it.
            Err(_) => Redacted::TEXT.to_owned(),
        }
    }

    /// The proxy as reqwest takes it.
    pub(crate) fn to_reqwest(&self) -> Result<reqwest::Proxy, ConfigError> {
        let invalid = |problem: String| ConfigError::InvalidProxy {
            url: self.shown_url(),
            problem,
        };
        let url = reqwest::Url::parse(&self.url).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "the scheme is `{}`; only `http` and `https` proxies are supported",
                url.scheme()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host".to_owned()));
        }
        // reqwest's own message could quote the URL, credentials and all.
        let mut proxy =
            reqwest::Proxy::all(url).map_err(|_| invalid("reqwest refused it".to_owned()))?;
        if let Some((username, password)) = &self.basic_auth {
            proxy = proxy.basic_auth(username, password);
        }
        if !self.no_proxy.is_empty() {
            proxy = proxy.no_proxy(reqwest::NoProxy::from_string(&self.no_proxy.join(",")));
        }
        Ok(proxy)
    }
}

impl From<&str> for Proxy {
    fn from(url: &str) -> Self {
        Proxy::new(url)
    }
}

impl From<String> for Proxy {
    fn from(url: String) -> Self {
        Proxy::new(url)
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.shown_url())
            .field("basic_auth", &self.basic_auth.as_ref().map(|_| Redacted))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_errors_show_no_credential() {
        let proxies = [
            Proxy::new("http://proxy.example:3128").basic_auth("SECRET-USER", "SECRET-PASS"),
            Proxy::new("http://SECRET-USER:SECRET-PASS@proxy.example:3128"),
        ];
        for proxy in proxies {
            let debug = format!("{proxy:?} {proxy:#?}");
            assert!(!debug.contains("SECRET"), "{debug}");
            assert!(debug.contains("<redacted>"), "{debug}");
            assert!(debug.contains("proxy.example:3128"), "{debug}");
            assert!(proxy.to_reqwest().is_ok());
        }
        let error = Proxy::new("socks5://SECRET-USER:SECRET-PASS@proxy.example:1080")
            .to_reqwest()
            .unwrap_err()
            .to_string();
        assert!(!error.contains("SECRET"), "{error}");
        assert!(error.contains("socks5"), "{error}");
        let error = Proxy::new("SECRET-PASS@::not a url")
            .to_reqwest()
            .unwrap_err()
            .to_string();
        assert!(!error.contains("SECRET"), "{error}");
    }
}
