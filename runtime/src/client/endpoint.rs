//! Base URLs: one per service, its own, the common one, or derived from the region.

use reqwest::Url;

use crate::error::{ConfigError, EndpointProblem};
#[cfg(test)]
use crate::service::RegionDef;
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
    /// The host alone, for logs (`server.address`).
    pub(crate) host: String,
    /// The port, the scheme's default included, for logs (`server.port`).
    pub(crate) port: u16,
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

/// The endpoint of `service` in `region`, as the official SDKs find it: the environment variable
/// `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` (read with `lookup`; of a comma-separated list,
/// the first), then the service's region catalogue, then the URL template. A region the
/// catalogue does not list is still used, with a warning: regions open before catalogues list
/// them. With a domain suffix the catalogue is skipped, since its endpoints name their domain.
fn region_endpoint<S>(
    service: &ServiceDef<S>,
    region: &str,
    suffix: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> String {
    let variable = service.endpoint_variable(region);
    let overridden = lookup(&variable).and_then(|value| {
        let first = value.split(',').map(str::trim).find(|url| !url.is_empty());
        first.map(str::to_owned)
    });
    if let Some(url) = overridden {
        tracing::debug!(
            service = service.name,
            region,
            variable,
            "endpoint from the environment"
        );
        return url;
    }
    let known = service.region(region);
    if known.is_none() && !service.regions.is_empty() {
        tracing::warn!(
            service = service.name,
            region,
            "the region is not in the service's region catalogue; its endpoint is derived from \
             the URL template"
        );
    }
    match (known, suffix) {
        (Some(def), None) => def.endpoint.to_owned(),
        _ => regional_endpoint(service, region, suffix),
    }
}

/// Where a service's endpoint comes from, besides its own [`Endpoint`]: the common base URL, or
/// the region (with the domain suffix and the environment's overrides).
pub(crate) struct Sources<'a> {
    pub(crate) base_url: Option<&'a str>,
    pub(crate) region: Option<&'a str>,
    pub(crate) suffix: Option<&'a str>,
    pub(crate) allow_http: bool,
    /// Reads an environment variable (the process's, or a test's).
    pub(crate) lookup: &'a dyn Fn(&str) -> Option<String>,
}

/// The base URL of every service: its own, the common base URL, or derived from the region.
pub(crate) fn resolve<S: Copy + Eq>(
    services: &[ServiceDef<S>],
    set: &[(S, String)],
    sources: &Sources<'_>,
) -> Result<Vec<(S, Endpoint)>, ConfigError> {
    let Sources {
        base_url,
        region,
        suffix,
        allow_http,
        lookup,
    } = *sources;
    let mut out = Vec::new();
    for service in services {
        let own = set
            .iter()
            .find(|(s, _)| *s == service.service)
            .map(|(_, url)| url);
        let url = match (own, base_url, region) {
            (Some(url), _, _) => url.clone(),
            (None, Some(url), _) => url.to_owned(),
            (None, None, Some(region)) => region_endpoint(service, region, suffix, lookup),
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
        host: host.to_owned(),
        port: parsed.port_or_known_default().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: ServiceDef<u8> = ServiceDef {
        service: 0,
        name: "Main",
        url_template: "https://main.{region}.myhuaweicloud.com",
        regions: &[RegionDef {
            id: "r-known",
            endpoint: "https://main-catalogued.r-known.example.com",
        }],
    };

    fn sources<'a>(region: &'a str, lookup: &'a dyn Fn(&str) -> Option<String>) -> Sources<'a> {
        Sources {
            base_url: None,
            region: Some(region),
            suffix: None,
            allow_http: false,
            lookup,
        }
    }

    fn url_in(region: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
        let resolved = resolve(&[MAIN], &[], &sources(region, lookup)).unwrap();
        resolved[0].1.url.clone()
    }

    #[test]
    fn a_region_endpoint_comes_from_the_environment_then_the_catalogue_then_the_template() {
        let none = |_: &str| None;
        assert_eq!(
            url_in("r-known", &none),
            "https://main-catalogued.r-known.example.com"
        );
        assert_eq!(
            url_in("r-new-7", &none),
            "https://main.r-new-7.myhuaweicloud.com"
        );
        let overridden = |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_MAIN_R_KNOWN")
                .then(|| " https://a.example.com , https://b.example.com".to_owned())
        };
        assert_eq!(url_in("r-known", &overridden), "https://a.example.com");
        // The override of one region leaves the others alone.
        assert_eq!(
            url_in("r-new-7", &overridden),
            "https://main.r-new-7.myhuaweicloud.com"
        );
    }

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
        // The catalogue's endpoints name their domain; a suffix asks for another one.
        let none = |_: &str| None;
        let mut with_suffix = sources("r-known", &none);
        with_suffix.suffix = Some("example.eu");
        let resolved = resolve(&[MAIN], &[], &with_suffix).unwrap();
        assert_eq!(resolved[0].1.url, "https://main.r-known.example.eu");
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
        let none = |_: &str| None;
        let mut no_region = sources("", &none);
        no_region.region = None;
        let error = resolve(&[MAIN], &[], &no_region).unwrap_err();
        assert_eq!(error, ConfigError::NoEndpoint { service: "Main" });
    }
}
