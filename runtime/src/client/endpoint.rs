//! Base URLs: one per service, its own, the common one, or derived from the region.

use reqwest::Url;

use crate::error::{ConfigError, EndpointProblem};
use crate::service::ServiceDef;

/// A service's base URL, split for signing.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// As configured, without a trailing `/`.
    pub(crate) url: String,
    pub(crate) scheme: String,
    /// `host[:port]`, the port only when it is not the scheme's default (as in `Host`).
    pub(crate) authority: String,
    /// The path prefix (`/prefix`), empty for none.
    pub(crate) prefix: String,
}

pub(crate) fn check_region(region: &str) -> Result<(), ConfigError> {
    let valid = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        return Ok(());
    }
    Err(ConfigError::InvalidRegion {
        region: region.to_owned(),
    })
}

pub(crate) fn check_domain_suffix(suffix: &str) -> Result<(), ConfigError> {
    let valid = !suffix.is_empty()
        && suffix.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    if valid {
        return Ok(());
    }
    Err(ConfigError::InvalidDomainSuffix {
        suffix: suffix.to_owned(),
    })
}

/// The endpoint of `service` in `region`, under `suffix` instead of the template's domain.
fn regional_endpoint<S>(service: &ServiceDef<S>, region: &str, suffix: Option<&str>) -> String {
    let template = service.url_template;
    let (Some(suffix), Some(at)) = (suffix, template.find("{region}.")) else {
        return service.regional_endpoint(region);
    };
    let domain = at + "{region}.".len();
    let host_end = template[domain..]
        .find(['/', ':'])
        .map_or(template.len(), |i| domain + i);
    format!(
        "{}{region}.{suffix}{}",
        &template[..at],
        &template[host_end..]
    )
}

/// The base URL of every service: its own, the common base URL, or derived from the region.
pub(crate) fn resolve<S: Copy + Eq>(
    services: &[ServiceDef<S>],
    set: &[(S, String)],
    base_url: Option<&str>,
    region: Option<&str>,
    suffix: Option<&str>,
    allow_http: bool,
) -> Result<Vec<(S, Endpoint)>, ConfigError> {
    let mut out = Vec::new();
    for service in services {
        let own = set
            .iter()
            .find(|(s, _)| *s == service.service)
            .map(|(_, url)| url);
        let url = match (own, base_url, region) {
            (Some(url), _, _) => url.clone(),
            (None, Some(url), _) => url.to_owned(),
            (None, None, Some(region)) => regional_endpoint(service, region, suffix),
            (None, None, None) => {
                return Err(ConfigError::NoEndpoint {
                    service: service.name,
                })
            }
        };
        out.push((service.service, parse(service.name, &url, allow_http)?));
    }
    Ok(out)
}

pub(crate) fn parse(
    service: &'static str,
    url: &str,
    allow_http: bool,
) -> Result<Endpoint, ConfigError> {
    let invalid = |problem: EndpointProblem| ConfigError::InvalidEndpoint {
        service,
        url: url.to_owned(),
        problem,
    };
    // The URL parser silently drops tabs and line breaks and trims spaces and control
    // characters, so what it would connect to is not what was written: refuse instead.
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(EndpointProblem::ControlCharacters));
    }
    let parsed = Url::parse(url).map_err(|e| invalid(EndpointProblem::NotAUrl(e.to_string())))?;
    let host = parsed.host_str().unwrap_or_default();
    if host.is_empty()
        || parsed.query().is_some()
        || parsed.fragment().is_some()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(invalid(EndpointProblem::NotABaseUrl));
    }
    match parsed.scheme() {
        "https" if !crate::tls::HTTPS => return Err(invalid(EndpointProblem::NoTls)),
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err(invalid(EndpointProblem::PlainHttp)),
        other => return Err(invalid(EndpointProblem::Scheme(other.to_owned()))),
    }
    let authority = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok(Endpoint {
        url: url.trim_end_matches('/').to_owned(),
        scheme: parsed.scheme().to_owned(),
        authority,
        prefix: parsed.path().trim_end_matches('/').to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: ServiceDef<u8> = ServiceDef {
        service: 0,
        name: "Main",
        url_template: "https://main.{region}.myhuaweicloud.com",
    };

    #[test]
    fn the_domain_suffix_replaces_the_domain_of_derived_endpoints() {
        assert_eq!(
            regional_endpoint(&MAIN, "eu-west-101", Some("myhuaweicloud.eu")),
            "https://main.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            regional_endpoint(&MAIN, "r-1", None),
            "https://main.r-1.myhuaweicloud.com"
        );
    }

    #[test]
    fn endpoints_split_into_scheme_authority_and_prefix() {
        let endpoint = parse("Main", "http://127.0.0.1:8080/gw/", true).unwrap();
        assert_eq!(
            (
                endpoint.scheme.as_str(),
                endpoint.authority.as_str(),
                endpoint.prefix.as_str()
            ),
            ("http", "127.0.0.1:8080", "/gw")
        );
        if crate::tls::HTTPS {
            let endpoint = parse("Main", "https://main.r.example.com:443", false).unwrap();
            assert_eq!(endpoint.authority, "main.r.example.com");
        } else {
            let error = parse("Main", "https://host", false).unwrap_err();
            assert!(error.to_string().contains("no TLS"), "{error}");
        }
        for bad in [
            "https://u:p@host",
            "https://host/?q=1",
            "ftp://host",
            "not a url",
        ] {
            assert!(
                matches!(
                    parse("Main", bad, true),
                    Err(ConfigError::InvalidEndpoint { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_service_without_any_endpoint_is_named() {
        let error = resolve(&[MAIN], &[], None, None, None, false).unwrap_err();
        assert_eq!(error, ConfigError::NoEndpoint { service: "Main" });
    }
}
