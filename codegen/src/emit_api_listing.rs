//! Emits `API.txt`: one line per public item of the generated code (services, operations with
//! their builders' methods, types with their members), so that a reviewer reads the
//! public-API change of a regeneration in one short diff.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit_operations::{arguments, param_types, success_type};
use crate::emit_types::{argument, field_type};
use crate::model::{Api, Enum, Operation, Presence, Struct, TypeDef, TypeKind};
use crate::names::escaped;

/// The listing, without its header.
pub fn emit(api: &Api) -> String {
    let mut lines = Vec::new();
    for service in &api.services {
        lines.push(format!(
            "service Service::{} = {:?}",
            service.rust_name, service.url_template
        ));
    }
    for operation in &api.operations {
        operation_lines(operation, &mut lines);
        lines.extend(crate::emit_operations::pagination_lines(operation));
    }
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(structure) => struct_lines(def, structure, &mut lines),
            TypeKind::Enum(enumeration) => enum_lines(def, enumeration, &mut lines),
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Token text in the spacing Rust is written in (`Vec<models::X>`, not `Vec < models :: X >`).
fn compact(tokens: &TokenStream) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
    ] {
        text = text.replace(from, to);
    }
    // Runtime types are re-exported at the crate root.
    text.replace("crate::", "")
}

fn operation_lines(operation: &Operation, lines: &mut Vec<String>) {
    let builder = &operation.builder_name;
    let mut params: Vec<String> = vec!["&self".to_owned()];
    for param in arguments(operation) {
        let types = param_types(param, &quote!(value));
        params.push(format!(
            "{}: {}",
            escaped(&param.rust_name),
            compact(&types.argument)
        ));
    }
    if let Some(body) = operation.body.iter().find(|b| b.required) {
        let ty = crate::emit_types::type_tokens(&body.ty, true);
        params.push(format!("body: {}", compact(&ty)));
    }
    lines.push(format!(
        "fn Client::{}({}) -> {builder}  // {} {} on Service::{}",
        escaped(&operation.method_name),
        params.join(", "),
        operation.http_method,
        operation.path,
        operation.service
    ));
    for param in operation.path_params.iter().filter(|p| p.from_client) {
        lines.push(format!(
            "fn {builder}::{}(self, value: impl Into<String>) -> Self",
            escaped(&param.rust_name)
        ));
    }
    for param in operation.query_params.iter().filter(|p| !p.required) {
        let types = param_types(param, &quote!(value));
        lines.push(format!(
            "fn {builder}::{}(self, value: {}) -> Self",
            escaped(&param.rust_name),
            compact(&types.argument)
        ));
    }
    if let Some(body) = operation.body.iter().find(|b| !b.required) {
        let ty = crate::emit_types::type_tokens(&body.ty, true);
        lines.push(format!(
            "fn {builder}::body(self, value: {}) -> Self",
            compact(&ty)
        ));
    }
    let output = compact(&success_type(operation));
    lines.push(format!(
        "fn {builder}::validate(&self) -> Result<(), ValidationError>"
    ));
    lines.push(format!(
        "fn {builder}::send(self) -> Result<{output}, Error>  // also IntoFuture"
    ));
    lines.push(format!(
        "fn {builder}::send_with_metadata(self) -> Result<({output}, ResponseMetadata), Error>"
    ));
}

fn struct_lines(def: &TypeDef, structure: &Struct, lines: &mut Vec<String>) {
    let name = &def.rust_name;
    let def = structure;
    lines.push(format!("struct models::{name}"));
    for field in &def.fields {
        lines.push(format!(
            "field models::{name}::{}: {}  // {:?}",
            escaped(&field.rust_name),
            compact(&field_type(field)),
            field.name
        ));
    }
    lines.push(format!(
        "field models::{name}::unknown_members: serde_json::Map<String, serde_json::Value>"
    ));
    let params: Vec<String> = def
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|field| {
            let (ty, _) = argument(field, &quote!(value));
            let ty = match field.presence() {
                Presence::RequiredNullable => quote!(Option<#ty>),
                _ => ty,
            };
            format!("{}: {}", escaped(&field.rust_name), compact(&ty))
        })
        .collect();
    lines.push(format!(
        "fn models::{name}::new({}) -> Self",
        params.join(", ")
    ));
    for field in def.fields.iter().filter(|f| !f.required) {
        let (ty, _) = argument(field, &quote!(value));
        lines.push(format!(
            "fn models::{name}::with_{}(self, value: {}) -> Self",
            field.rust_name,
            compact(&ty)
        ));
    }
    if def.is_request {
        lines.push(format!(
            "fn models::{name}::validate(&self) -> Result<(), ValidationError>"
        ));
    }
}

fn enum_lines(def: &TypeDef, enumeration: &Enum, lines: &mut Vec<String>) {
    let name = &def.rust_name;
    let def = enumeration;
    lines.push(format!(
        "enum models::{name}  // as_str, is_unknown, VALUES, Display, FromStr, From<&str>"
    ));
    for variant in &def.variants {
        lines.push(format!(
            "variant models::{name}::{} = {:?}",
            variant.rust_name, variant.value
        ));
    }
    lines.push(format!("variant models::{name}::Unknown(UnknownValue)"));
}
