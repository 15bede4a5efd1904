//! The TLS stack of the HTTP client the builder creates, chosen by a cargo feature:
//!
//! - `rustls-aws-lc` (default): rustls with the `aws-lc-rs` cryptography, the reqwest default;
//! - `rustls-ring`: rustls with `ring`, a smaller C build, so faster cold builds (see
//!   `docs/design/0002-runtime.md` for the measured build times);
//! - neither: no TLS at all, plain HTTP only (for tests against a local server).
//!
//! Both use the operating system's certificate verifier (`rustls-platform-verifier`). When both
//! features are on (features add up across a dependency graph), `aws-lc-rs` is used.

use crate::error::ConfigError;

/// Whether this build can speak HTTPS.
pub(crate) const HTTPS: bool = cfg!(any(feature = "rustls-aws-lc", feature = "rustls-ring"));

/// The TLS stack this build uses, for diagnostics: `rustls/aws-lc-rs`, `rustls/ring` or `none`.
pub fn tls_backend() -> &'static str {
    if cfg!(feature = "rustls-aws-lc") {
        "rustls/aws-lc-rs"
    } else if cfg!(feature = "rustls-ring") {
        "rustls/ring"
    } else {
        "none"
    }
}

/// Sets the TLS stack of a client the builder creates.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    use std::sync::Arc;

    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls_error = |e: rustls::Error| ConfigError::HttpClient {
        message: format!("cannot set up TLS (ring): {e}"),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_platform_verifier()
        .map_err(tls_error)?
        .with_no_client_auth();
    // The client speaks HTTP/1.1 only (reqwest is built without `http2`).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// Sets the TLS stack of a client the builder creates: reqwest's own default.
#[cfg(not(all(feature = "rustls-ring", not(feature = "rustls-aws-lc"))))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    Ok(builder)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_https_client_builds_with_the_chosen_stack() {
        let built = super::configure(reqwest::Client::builder()).map(|b| b.build());
        assert!(matches!(built, Ok(Ok(_))), "{built:?}");
        assert_eq!(super::HTTPS, super::tls_backend() != "none");
    }
}
