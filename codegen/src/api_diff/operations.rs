//! Services and operations: routes, parameters, bodies and responses.
//!
//! Operations are matched by operationId; an operation whose id is gone but whose method and
//! path an operation with a new id has is the same operation, renamed. Parameters are matched
//! by wire name, except that a path parameter renamed in place (same position in the template,
//! same type) is the same parameter: the URL does not change, and arguments are positional.

use super::docs::{self, DocsAt};
use super::rules::{self, Direction};
use super::spelling::{rust_type, wire_type};
use super::{quoted, Changes, Effect, ItemChanges, Section};
use crate::model::{Api, Body, ErrorFormat, Operation, Param, PathPart, Service};
use crate::pointer::JsonPointer;

/// Records every difference between the services of two versions.
pub fn compare_services(old: &Api, new: &Api, changes: &mut Changes) {
    for service in &old.services {
        let mut out = changes.of(Section::Services, &service.rust_name);
        match new
            .services
            .iter()
            .find(|s| s.rust_name == service.rust_name)
        {
            Some(now) => compare_service(service, now, &mut out),
            None => out.record(
                &service.pointer,
                Effect::breaking(format!("server {} removed", service.url_template)),
                Effect::breaking(format!("Service::{} removed", service.rust_name)),
            ),
        }
    }
    for service in &new.services {
        if !old
            .services
            .iter()
            .any(|s| s.rust_name == service.rust_name)
        {
            changes.of(Section::Services, &service.rust_name).record(
                &service.pointer,
                Effect::addition(format!("server {} added", service.url_template)),
                Effect::addition(format!("Service::{} added", service.rust_name)),
            );
        }
    }
}

fn compare_service(old: &Service, new: &Service, out: &mut ItemChanges<'_>) {
    if old.url_template != new.url_template {
        out.record(
            new.pointer.join("url"),
            Effect::breaking(format!(
                "URL template changed: {} -> {}",
                old.url_template, new.url_template
            )),
            Effect::patch(format!(
                "Service::{}.url_template() and the endpoints derived from a region change",
                new.rust_name
            )),
        );
    }
    if old.description != new.description {
        out.record(
            new.pointer.join("description"),
            Effect::patch("description changed"),
            Effect::patch("documentation only"),
        );
    }
}

/// Records every difference between the operations of two versions.
pub fn compare(old: &Api, new: &Api, changes: &mut Changes) {
    let mut removed = Vec::new();
    let mut pairs = Vec::new();
    for op in &old.operations {
        match new.operations.iter().find(|n| n.id == op.id) {
            Some(now) => pairs.push((op, now)),
            None => removed.push(op),
        }
    }
    let mut added: Vec<&Operation> = new
        .operations
        .iter()
        .filter(|n| !old.operations.iter().any(|o| o.id == n.id))
        .collect();
    removed.retain(|op| {
        let same_route = |n: &&Operation| n.http_method == op.http_method && n.path == op.path;
        match added.iter().position(same_route) {
            Some(index) => {
                pairs.push((op, added.remove(index)));
                false
            }
            None => true,
        }
    });
    for (before, after) in pairs {
        let mut out = changes.of(Section::Operations, &after.id);
        Operations {
            old: before,
            new: after,
            out: &mut out,
        }
        .compare();
    }
    for op in removed {
        changes.of(Section::Operations, &op.id).record(
            &op.pointer,
            Effect::breaking(format!("operation {} {} removed", op.http_method, op.path)),
            Effect::breaking(format!(
                "Client::{} and {} removed",
                op.method_name, op.builder_name
            )),
        );
    }
    for op in added {
        changes.of(Section::Operations, &op.id).record(
            &op.pointer,
            Effect::addition(format!("operation {} {} added", op.http_method, op.path)),
            Effect::addition(format!(
                "Client::{} and {} added",
                op.method_name, op.builder_name
            )),
        );
    }
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
}

impl Location {
    fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
        }
    }
}

/// A parameter with where it is sent and its position among the parameters of that place.
#[derive(Clone, Copy)]
struct Located<'a> {
    param: &'a Param,
    location: Location,
    index: usize,
}

fn located(op: &Operation) -> Vec<Located<'_>> {
    let path = op
        .path_params
        .iter()
        .enumerate()
        .map(|(index, param)| Located {
            param,
            location: Location::Path,
            index,
        });
    let query = op
        .query_params
        .iter()
        .enumerate()
        .map(|(index, param)| Located {
            param,
            location: Location::Query,
            index,
        });
    path.chain(query).collect()
}

/// How a parameter or body is given in Rust: an argument of the `Client` method (path
/// parameters, required query parameters, a required body) or a setter of the builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Argument,
    Setter,
}

fn param_role(param: &Located<'_>) -> Role {
    match param.location {
        Location::Path if !param.param.from_client => Role::Argument,
        Location::Query if param.param.required => Role::Argument,
        _ => Role::Setter,
    }
}

fn body_role(body: &Body) -> Role {
    match body.required {
        true => Role::Argument,
        false => Role::Setter,
    }
}

/// `route /v3/{}/vaults/{}`: the path with its parameters' names left out, which the URL
/// does not show.
fn route_shape(op: &Operation) -> String {
    op.path_parts
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => text.as_str(),
            PathPart::Param(_) => "{}",
        })
        .collect()
}

/// Compares two versions of one operation.
struct Operations<'d, 'o, 'c> {
    old: &'d Operation,
    new: &'d Operation,
    out: &'o mut ItemChanges<'c>,
}

impl Operations<'_, '_, '_> {
    fn compare(&mut self) {
        self.identity();
        self.route();
        self.parameters();
        self.argument_order();
        self.body();
        self.success();
        self.errors();
        self.paging();
        let (old, new) = (self.old, self.new);
        if old.iam_action != new.iam_action {
            self.out.record(
                new.pointer.join("x-iam-action"),
                Effect::patch("x-iam-action changed"),
                Effect::patch("documentation only"),
            );
        }
        let at = DocsAt::element(new.pointer.clone());
        docs::compare(&old.docs, &new.docs, &at, self.out);
    }

    fn client_method(&self) -> String {
        format!("Client::{}", self.new.method_name)
    }

    fn describe_role(&self, role: Role, rust_name: &str) -> String {
        match role {
            Role::Argument => format!("argument {rust_name} of {}", self.client_method()),
            Role::Setter => format!("setter {}::{rust_name}", self.new.builder_name),
        }
    }

    /// The operationId changed; the route is the same.
    fn identity(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.id == new.id {
            return;
        }
        let wire = format!(
            "operationId {} renamed to {} (not sent on the wire)",
            quoted(&old.id),
            quoted(&new.id)
        );
        let same_names = old.method_name == new.method_name && old.builder_name == new.builder_name;
        let rust = match same_names {
            true => Effect::patch(format!(
                "Client::{} and {} unchanged; Operation::OPERATION_ID changes",
                new.method_name, new.builder_name
            )),
            false => Effect::breaking(format!(
                "Client::{} becomes Client::{}, {} becomes {}",
                old.method_name, new.method_name, old.builder_name, new.builder_name
            )),
        };
        self.out
            .record(new.pointer.join("operationId"), Effect::patch(wire), rust);
    }

    fn route(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.http_method != new.http_method || route_shape(old) != route_shape(new) {
            let wire = format!(
                "route changed: {} {} -> {} {}",
                old.http_method, old.path, new.http_method, new.path
            );
            let rust = format!("{} sends to the new route", self.client_method());
            self.out
                .record(&new.pointer, Effect::breaking(wire), Effect::patch(rust));
        }
        if old.service != new.service {
            let wire = format!("sent to service {} instead of {}", new.service, old.service);
            let rust = format!("{} sends to another endpoint", self.client_method());
            self.out.record(
                new.pointer.join("servers"),
                Effect::breaking(wire),
                Effect::patch(rust),
            );
        }
    }

    fn parameters(&mut self) {
        let (before, after) = (located(self.old), located(self.new));
        fn by_name<'a>(list: &[Located<'a>], name: &str) -> Option<Located<'a>> {
            list.iter().find(|p| p.param.name == name).copied()
        }
        let mut renamed = Vec::new();
        for old in &before {
            if let Some(new) = by_name(&after, &old.param.name) {
                self.parameter(old, &new);
                continue;
            }
            let in_place = after.iter().find(|new| {
                new.location == Location::Path
                    && old.location == Location::Path
                    && new.index == old.index
                    && new.param.ty == old.param.ty
                    && by_name(&before, &new.param.name).is_none()
            });
            match in_place {
                Some(new) => {
                    renamed.push(new.param.name.clone());
                    self.renamed_in_place(old, new);
                    self.parameter(old, new);
                }
                None => self.parameter_removed(old),
            }
        }
        for new in &after {
            if by_name(&before, &new.param.name).is_none() && !renamed.contains(&new.param.name) {
                self.parameter_added(new);
            }
        }
    }

    fn renamed_in_place(&mut self, old: &Located<'_>, new: &Located<'_>) {
        let wire = format!(
            "path parameter {} renamed to {}: the URL is the same",
            quoted(&old.param.name),
            quoted(&new.param.name)
        );
        let rust = format!(
            "argument of {} renamed (arguments are positional)",
            self.client_method()
        );
        self.out.record(
            new.param.pointer.join("name"),
            Effect::patch(wire),
            Effect::patch(rust),
        );
    }

    fn parameter_removed(&mut self, old: &Located<'_>) {
        let wire = format!(
            "{} parameter {} removed",
            old.location.as_str(),
            quoted(&old.param.name)
        );
        let rust = format!(
            "{} removed",
            self.describe_role(param_role(old), &old.param.rust_name)
        );
        self.out.record(
            &old.param.pointer,
            Effect::breaking(wire),
            Effect::breaking(rust),
        );
    }

    fn parameter_added(&mut self, new: &Located<'_>) {
        let (name, location) = (quoted(&new.param.name), new.location.as_str());
        let wire = match new.param.required {
            true => Effect::breaking(format!(
                "required {location} parameter {name} added: requests without it are refused"
            )),
            false => Effect::addition(format!("optional {location} parameter {name} added")),
        };
        let rust = match param_role(new) {
            Role::Argument => Effect::breaking(format!(
                "{} gains an argument {}",
                self.client_method(),
                new.param.rust_name
            )),
            Role::Setter => Effect::addition(format!(
                "setter {}::{} added",
                self.new.builder_name, new.param.rust_name
            )),
        };
        self.out.record(&new.param.pointer, wire, rust);
    }

    /// One parameter in both versions.
    fn parameter(&mut self, old: &Located<'_>, new: &Located<'_>) {
        let at = &new.param.pointer;
        let name = quoted(&new.param.name);
        let (old_role, new_role) = (param_role(old), param_role(new));
        let roles = match old_role == new_role {
            true => Effect::patch(format!(
                "{} unchanged",
                self.describe_role(new_role, &new.param.rust_name)
            )),
            false => Effect::breaking(format!(
                "{} becomes the {}",
                self.describe_role(old_role, &old.param.rust_name),
                self.describe_role(new_role, &new.param.rust_name)
            )),
        };
        if old.location != new.location {
            let wire = format!(
                "parameter {name} moved from the {} to the {}",
                old.location.as_str(),
                new.location.as_str()
            );
            self.out
                .record(at.join("in"), Effect::breaking(wire), roles.clone());
        } else if old.param.required != new.param.required {
            let wire = match new.param.required {
                true => Effect::breaking(format!("parameter {name} became required")),
                false => Effect::patch(format!("parameter {name} became optional")),
            };
            self.out.record(at.join("required"), wire, roles.clone());
        } else if old_role != new_role {
            // `project_id` filled from the client, or no longer.
            let wire = format!("parameter {name} unchanged");
            self.out.record(at, Effect::patch(wire), roles.clone());
        }
        if old.param.ty != new.param.ty {
            let wire = format!(
                "type of parameter {name} changed: {} -> {}",
                wire_type(&old.param.ty),
                wire_type(&new.param.ty)
            );
            let rust = format!(
                "{} takes {} instead of {}",
                self.describe_role(new_role, &new.param.rust_name),
                rust_type(&new.param.ty),
                rust_type(&old.param.ty)
            );
            self.out.record(
                at.join("schema"),
                Effect::breaking(wire),
                Effect::breaking(rust),
            );
        }
        self.parameter_rules(old, new);
        let docs_at = DocsAt::element(at.clone());
        docs::compare(&old.param.docs, &new.param.docs, &docs_at, self.out);
    }

    /// Query parameters are checked by the builder's `validate()`; path parameters only for
    /// being a usable segment, so their documented constraints bind the service alone.
    fn parameter_rules(&mut self, old: &Located<'_>, new: &Located<'_>) {
        let schema = new.param.pointer.join("schema");
        let name = quoted(&new.param.name);
        let scopes = [
            (
                schema.clone(),
                format!("parameter {name}"),
                &old.param.rules,
                &new.param.rules,
            ),
            (
                schema.join("items"),
                format!("items of parameter {name}"),
                &old.param.item_rules,
                &new.param.item_rules,
            ),
        ];
        let builder = &self.new.builder_name;
        for (at, what, before, after) in scopes {
            for change in rules::changes(before, after) {
                let wire = format!("{what}: {}", change.describe());
                let (wire, rust) = match (change.direction, new.location) {
                    (Direction::Tightened, Location::Query) => (
                        Effect::breaking(wire),
                        Effect::breaking(format!(
                            "{builder}::validate() refuses values it accepted"
                        )),
                    ),
                    (Direction::Tightened, Location::Path) => (
                        Effect::breaking(format!("{wire}: the service refuses values it accepted")),
                        Effect::patch("not checked by the client"),
                    ),
                    (Direction::Relaxed, Location::Query) => (
                        Effect::patch(wire),
                        Effect::patch(format!("{builder}::validate() accepts more values")),
                    ),
                    (Direction::Relaxed, Location::Path) => (
                        Effect::patch(wire),
                        Effect::patch("not checked by the client"),
                    ),
                };
                self.out.record(at.join(change.keyword), wire, rust);
            }
        }
    }

    /// The `Client` method's arguments are positional: the same ones in another order is
    /// another signature, or, with equal types, arguments silently swapped.
    fn argument_order(&mut self) {
        let arguments = |op: &Operation| -> Vec<String> {
            let params = located(op);
            let mut names: Vec<String> = params
                .iter()
                .filter(|p| param_role(p) == Role::Argument)
                .map(|p| p.param.rust_name.clone())
                .collect();
            names.extend(op.body.iter().filter(|b| b.required).map(|_| "body".into()));
            names
        };
        let (before, after) = (arguments(self.old), arguments(self.new));
        let mut sorted = (before.clone(), after.clone());
        sorted.0.sort();
        sorted.1.sort();
        if before == after || sorted.0 != sorted.1 {
            return;
        }
        let rust = format!(
            "{} takes ({}) instead of ({})",
            self.client_method(),
            after.join(", "),
            before.join(", ")
        );
        self.out.record(
            self.new.pointer.join("parameters"),
            Effect::patch("parameters listed in another order"),
            Effect::breaking(rust),
        );
    }

    fn body(&mut self) {
        let (old, new) = (self.old, self.new);
        let at = new.pointer.join("requestBody");
        match (&old.body, &new.body) {
            (None, None) => {}
            (None, Some(body)) => {
                let ty = rust_type(&body.ty);
                let (wire, rust) = match body_role(body) {
                    Role::Argument => (
                        Effect::breaking(
                            "required request body added: requests without it are refused",
                        ),
                        Effect::breaking(format!(
                            "{} gains an argument body: {ty}",
                            self.client_method()
                        )),
                    ),
                    Role::Setter => (
                        Effect::addition("optional request body added"),
                        Effect::addition(format!("setter {}::body added", new.builder_name)),
                    ),
                };
                self.out.record(at, wire, rust);
            }
            (Some(body), None) => {
                let rust = format!("{} removed", self.describe_role(body_role(body), "body"));
                self.out.record(
                    old.pointer.join("requestBody"),
                    Effect::breaking("request body removed"),
                    Effect::breaking(rust),
                );
            }
            (Some(before), Some(after)) => self.body_changed(before, after, &at),
        }
    }

    fn body_changed(&mut self, old: &Body, new: &Body, at: &JsonPointer) {
        let role = body_role(new);
        if old.ty != new.ty {
            let wire = format!(
                "request body changed: {} -> {}",
                wire_type(&old.ty),
                wire_type(&new.ty)
            );
            let rust = format!(
                "{} takes {} instead of {}",
                self.describe_role(role, "body"),
                rust_type(&new.ty),
                rust_type(&old.ty)
            );
            let schema = at.join("content").join("application/json").join("schema");
            self.out
                .record(schema, Effect::breaking(wire), Effect::breaking(rust));
        }
        if old.required != new.required {
            let wire = match new.required {
                true => Effect::breaking("request body became required"),
                false => Effect::patch("request body became optional"),
            };
            let rust = format!(
                "{} becomes the {}",
                self.describe_role(body_role(old), "body"),
                self.describe_role(role, "body")
            );
            self.out
                .record(at.join("required"), wire, Effect::breaking(rust));
        }
        docs::compare(&old.docs, &new.docs, &DocsAt::element(at.clone()), self.out);
    }

    fn success(&mut self) {
        let (old, new) = (&self.old.success, &self.new.success);
        let at = self
            .new
            .pointer
            .join("responses")
            .join(new.status.to_string());
        if old.status != new.status {
            let wire = format!(
                "success status changed: {} -> {} (the client takes any 2xx as success)",
                old.status, new.status
            );
            self.out.record(
                &at,
                Effect::patch(wire),
                Effect::patch("documentation only"),
            );
        }
        let output = |body: &Option<_>| body.as_ref().map_or_else(|| "()".to_owned(), rust_type);
        let rust = Effect::breaking(format!(
            "{}'s output: {} -> {}",
            self.new.builder_name,
            output(&old.body),
            output(&new.body)
        ));
        let wire = match (&old.body, &new.body) {
            (None, None) => None,
            (Some(before), Some(after)) if before == after => None,
            (None, Some(body)) => Some(Effect::addition(format!(
                "success response now has a body ({}): clients that expect none ignore it",
                wire_type(body)
            ))),
            (Some(_), None) => Some(Effect::breaking(
                "success response no longer has a body: clients that expect one fail to read it",
            )),
            (Some(before), Some(after)) => Some(Effect::breaking(format!(
                "success body changed: {} -> {}",
                wire_type(before),
                wire_type(after)
            ))),
        };
        if let Some(wire) = wire {
            self.out.record(at.join("content"), wire, rust);
        }
        if old.description != new.description {
            self.out.record(
                at.join("description"),
                Effect::patch("description changed"),
                Effect::patch("documentation only"),
            );
        }
    }

    fn errors(&mut self) {
        let (old, new) = (&self.old.error_format, &self.new.error_format);
        if old == new {
            return;
        }
        let wire = format!(
            "error body format changed: {} -> {}: clients that read the old format find no error code",
            error_format(old),
            error_format(new)
        );
        let rust = format!(
            "{}'s errors read the code and message from the new place",
            self.new.builder_name
        );
        self.out.record(
            self.new.pointer.join("responses"),
            Effect::breaking(wire),
            Effect::patch(rust),
        );
    }

    fn paging(&mut self) {
        let builder = &self.new.builder_name;
        let (wire, rust) = match (&self.old.paging, &self.new.paging) {
            (None, Some(_)) => (
                "the listing now has the parameters and members paging needs",
                Effect::addition(format!("{builder}::into_pages() and into_items() added")),
            ),
            (Some(_), None) => (
                "the listing no longer has the parameters or members paging needs",
                Effect::breaking(format!("{builder}::into_pages() and into_items() removed")),
            ),
            (Some(before), Some(after)) if before.mode != after.mode => (
                "next pages are asked for another way",
                Effect::patch(format!(
                    "{builder}::into_pages() pages by {} instead of {}",
                    after.mode.as_str().to_lowercase(),
                    before.mode.as_str().to_lowercase()
                )),
            ),
            _ => return,
        };
        self.out
            .record(&self.new.pointer, Effect::patch(wire), rust);
    }
}

/// `code at /error_code, message at /error_msg`.
fn error_format(format: &ErrorFormat) -> String {
    match format {
        ErrorFormat::Flat { code, message } => format!("code at /{code}, message at /{message}"),
        ErrorFormat::Nested {
            member,
            code,
            message,
        } => format!("code at /{member}/{code}, message at /{member}/{message}"),
    }
}
