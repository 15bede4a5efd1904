//! Services: each server URL names a service after the first label of its host
//! (`https://vbs.{region}…` → `Vbs`); the document's server is the default, and an operation
//! (or its path item) with a server of its own is sent there. A server's `x-regions` lists the
//! regions the service is known to be in, each with its endpoint (`spec/CONVENTIONS.md`).

use openapiv3::{PathItem, Server};
use serde::Deserialize;

use super::Lowerer;
use crate::error::{Error, ErrorKind};
use crate::model::{Region, Service};
use crate::names;
use crate::pointer::JsonPointer;

impl Lowerer<'_> {
    pub(super) fn default_service(&mut self) -> Result<(), Error> {
        let servers = JsonPointer::root().join("servers");
        match self.doc.servers.as_slice() {
            [server] => self.service(server, &servers.join("0")).map(|_| ()),
            [] => Err(Error::invalid(
                servers,
                "no server: the default endpoint is unknown",
            )),
            _ => Err(Error::unsupported(
                servers.join("1"),
                "more than one server",
            )),
        }
    }

    /// The service of `server`, added to the list if new; returns its Rust name.
    fn service(&mut self, server: &Server, pointer: &JsonPointer) -> Result<String, Error> {
        let url = server_url(server, pointer)?;
        let label = host_label(&url)
            .ok_or_else(|| Error::unsupported(pointer, format!("server URL `{url}`")))?;
        let rust_name = names::type_name(label, pointer)?;
        if let Some(known) = self.services.iter().find(|s| s.rust_name == rust_name) {
            if known.url_template == url {
                return Ok(rust_name);
            }
            let first = format!("the server `{}`", known.url_template);
            return Err(Error::at(
                pointer,
                ErrorKind::NameCollision {
                    name: rust_name,
                    first,
                },
            ));
        }
        let regions = regions(server, pointer)?;
        self.services.push(Service {
            rust_name: rust_name.clone(),
            url_template: url,
            pointer: pointer.clone(),
            description: server.description.clone(),
            regions,
        });
        Ok(rust_name)
    }

    /// The Rust name of the service the operation at `pointer` is sent to: its own server, its
    /// path item's, or the document's.
    pub(super) fn operation_service(
        &mut self,
        item: &PathItem,
        op: &openapiv3::Operation,
        pointer: &JsonPointer,
    ) -> Result<String, Error> {
        let (servers, servers_pointer) = if !op.servers.is_empty() {
            (&op.servers, pointer.join("servers"))
        } else if !item.servers.is_empty() {
            let item_pointer = pointer.parent().unwrap_or_default();
            (&item.servers, item_pointer.join("servers"))
        } else {
            return Ok(self.services[0].rust_name.clone());
        };
        match servers.as_slice() {
            [server] => self.service(server, &servers_pointer.join("0")),
            _ => Err(Error::unsupported(
                servers_pointer.join("1"),
                "more than one server",
            )),
        }
    }
}

/// The extension of a server that lists its regions.
pub const REGIONS_EXTENSION: &str = "x-regions";

/// One entry of `x-regions`, as written in the spec.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionSpec {
    id: String,
    endpoint: String,
}

/// The server's `x-regions`, sorted by ID (empty without the extension); each ID is a region ID
/// (lower-case letters, digits, `-`) listed once, each endpoint an `https://` base URL.
fn regions(server: &Server, pointer: &JsonPointer) -> Result<Vec<Region>, Error> {
    let Some(value) = server.extensions.get(REGIONS_EXTENSION) else {
        return Ok(Vec::new());
    };
    let pointer = pointer.join(REGIONS_EXTENSION);
    let specs = Vec::<RegionSpec>::deserialize(value).map_err(|e| {
        let message = format!("not a list of {{id, endpoint}}: {e}");
        Error::invalid(&pointer, message)
    })?;
    let mut regions: Vec<Region> = Vec::with_capacity(specs.len());
    for (index, spec) in specs.into_iter().enumerate() {
        let at = pointer.join(index.to_string());
        let valid_id = !spec.id.is_empty()
            && spec
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_id {
            let message = format!("`{}` is not a region ID", spec.id);
            return Err(Error::invalid(at.join("id"), message));
        }
        if regions.iter().any(|region| region.id == spec.id) {
            let message = format!("region `{}` is listed twice", spec.id);
            return Err(Error::invalid(at.join("id"), message));
        }
        let plain = spec
            .endpoint
            .strip_prefix("https://")
            .is_some_and(|host| !host.is_empty() && !host.contains(['/', '?', '#', '{', '}', ' ']));
        if !plain {
            let message = format!(
                "endpoint `{}` is not an https:// URL of a host",
                spec.endpoint
            );
            return Err(Error::invalid(at.join("endpoint"), message));
        }
        regions.push(Region {
            id: spec.id,
            endpoint: spec.endpoint,
        });
    }
    regions.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(regions)
}

/// The server's URL with every variable but `{region}` replaced by its default.
fn server_url(server: &Server, pointer: &JsonPointer) -> Result<String, Error> {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        if name != "region" {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    let leftover = url.replace("{region}", "");
    if leftover.contains('{') || leftover.contains('}') {
        let message = format!("URL `{}` has a variable without a default", server.url);
        return Err(Error::invalid(pointer.join("url"), message));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The first label of the URL's host (`cbr` in `https://cbr.{region}.example.com`).
fn host_label(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next()?;
    let label = host.split(['.', ':']).next()?;
    let plain = !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plain.then_some(label)
}
