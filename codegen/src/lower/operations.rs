//! Operations: each path item's operations become [`Operation`]s with their path template,
//! parameters and request body; the responses and paging are lowered by their own modules.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{
    MediaType, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, QueryStyle,
    ReferenceOr, RequestBody,
};

use super::{extension_string, Lowerer, Shape, PRELUDE};
use crate::error::{Error, ErrorKind};
use crate::model::{Body, Docs, HttpMethod, Operation, Param, PathPart, TypeRef};
use crate::names::{self, Namespace};
use crate::pointer::JsonPointer;
use crate::runtime_names::{RESERVED_BUILDER_MEMBERS, RESERVED_CLIENT_METHODS};

/// The path parameter the client fills from its configuration (`ClientBuilder::project_id`)
/// unless a request sets its own: Huawei Cloud scopes most paths by project, and a client
/// works in one project. Only a string parameter of this wire name qualifies.
pub const CLIENT_PROJECT_ID: &str = "project_id";

/// Items of the generated operations module besides the request builders.
const RESERVED_OPERATION_ITEMS: [&str; 1] = ["Service"];

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Result<Vec<Operation>, Error> {
        let mut methods = Namespace::with_reserved(&RESERVED_CLIENT_METHODS, "a method of Client");
        let mut builders = Namespace::with_reserved(&PRELUDE, "the Rust prelude");
        builders.reserve(&RESERVED_OPERATION_ITEMS, "the Service enum");
        check_operation_ids(self.doc)?;
        let mut operations = Vec::new();
        let doc = self.doc;
        let paths = JsonPointer::root().join("paths");
        for (path, item) in doc.paths.iter() {
            let path_pointer = paths.join(path);
            let ReferenceOr::Item(item) = item else {
                return Err(Error::unsupported(
                    path_pointer,
                    "a path item that is a $ref",
                ));
            };
            for (method, op) in item.iter() {
                let pointer = path_pointer.join(method);
                let operation = self.operation(path, item, method, op, &pointer)?;
                // Both names come from the operationId, so that is where a collision is.
                let id_pointer = pointer.join("operationId");
                methods.claim(&operation.method_name, &id_pointer)?;
                builders.claim(&operation.builder_name, &id_pointer)?;
                operations.push(operation);
            }
        }
        Ok(operations)
    }

    fn operation(
        &mut self,
        path: &str,
        item: &'a PathItem,
        method: &str,
        op: &'a openapiv3::Operation,
        pointer: &JsonPointer,
    ) -> Result<Operation, Error> {
        let Some(id) = op.operation_id.clone() else {
            return Err(Error::invalid(pointer, "no operationId"));
        };
        let http_method = HttpMethod::from_path_item_key(method)
            .ok_or_else(|| Error::unsupported(pointer, format!("HTTP method `{method}`")))?;
        let id_pointer = pointer.join("operationId");
        let builder_name = names::type_name(&id, &id_pointer)?;
        let service = self.operation_service(item, op, pointer)?;
        let mut members =
            Namespace::with_reserved(&RESERVED_BUILDER_MEMBERS, "the request builder");
        let (mut path_params, query_params) =
            self.parameters(item, op, pointer, &builder_name, &mut members)?;
        let path_parts = parse_path(path, pointer)?;
        order_path_params(&mut path_params, &path_parts, pointer)?;
        let body = match &op.request_body {
            Some(body) => {
                Some(self.request_body(body, &pointer.join("requestBody"), &builder_name)?)
            }
            None => None,
        };
        let mut operation = Operation {
            method_name: names::member_name(&id, &id_pointer)?,
            id,
            builder_name: builder_name.clone(),
            pointer: pointer.clone(),
            http_method,
            path: path.to_owned(),
            path_parts,
            service,
            docs: Docs {
                summary: op.summary.clone(),
                description: op.description.clone(),
                doc_source: extension_string(&op.extensions, "x-doc-source"),
                default: None,
            },
            iam_action: extension_string(&op.extensions, "x-iam-action"),
            path_params,
            query_params,
            body,
            success: self.success(&op.responses, pointer, &builder_name)?,
            error_format: self.error_format(&op.responses, pointer)?,
            paging: None,
        };
        operation.paging = self.paging(&operation);
        Ok(operation)
    }

    /// Path and query parameters, operation-level ones overriding path-item ones.
    fn parameters(
        &mut self,
        item: &'a PathItem,
        op: &'a openapiv3::Operation,
        pointer: &JsonPointer,
        builder_name: &str,
        members: &mut Namespace,
    ) -> Result<(Vec<Param>, Vec<Param>), Error> {
        let item_pointer = pointer.parent().unwrap_or_default();
        let mut all: Vec<(JsonPointer, &Parameter)> = Vec::new();
        for (index, parameter) in item.parameters.iter().enumerate() {
            let at = item_pointer.join("parameters").join(index.to_string());
            all.push((at.clone(), self.resolve_parameter(parameter, &at)?));
        }
        for (index, parameter) in op.parameters.iter().enumerate() {
            let at = pointer.join("parameters").join(index.to_string());
            let parameter = self.resolve_parameter(parameter, &at)?;
            let data = parameter.parameter_data_ref();
            all.retain(|(_, p)| {
                let d = p.parameter_data_ref();
                !(d.name == data.name && location(p) == location(parameter))
            });
            all.push((at, parameter));
        }
        let (mut path_params, mut query_params) = (Vec::new(), Vec::new());
        for (at, parameter) in all {
            match parameter {
                Parameter::Path { parameter_data, .. } => {
                    let param = self.path_param(parameter_data, &at, builder_name)?;
                    members.claim(&param.rust_name, &at)?;
                    path_params.push(param);
                }
                Parameter::Query {
                    parameter_data,
                    allow_reserved,
                    style,
                    ..
                } => {
                    if *allow_reserved {
                        return Err(Error::unsupported(
                            at.join("allowReserved"),
                            "allowReserved",
                        ));
                    }
                    if !matches!(style, QueryStyle::Form) {
                        return Err(Error::unsupported(
                            at.join("style"),
                            "a query style other than form",
                        ));
                    }
                    let param = self.query_param(parameter_data, &at, builder_name)?;
                    members.claim(&param.rust_name, &at)?;
                    query_params.push(param);
                }
                Parameter::Header { .. } => {
                    return Err(Error::unsupported(at, "header parameters"));
                }
                Parameter::Cookie { .. } => {
                    return Err(Error::unsupported(at, "cookie parameters"));
                }
            }
        }
        Ok((path_params, query_params))
    }

    fn resolve_parameter(
        &self,
        parameter: &'a ReferenceOr<Parameter>,
        pointer: &JsonPointer,
    ) -> Result<&'a Parameter, Error> {
        match parameter {
            ReferenceOr::Item(parameter) => Ok(parameter),
            ReferenceOr::Reference { reference } => {
                self.resolve_component(reference, "parameters", pointer, |c| &c.parameters)
            }
        }
    }

    fn parameter_shape(
        &mut self,
        data: &ParameterData,
        pointer: &JsonPointer,
        builder_name: &str,
    ) -> Result<Shape, Error> {
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(Error::unsupported(
                pointer.join("content"),
                "a parameter with content",
            ));
        };
        let inline_name = format!("{builder_name}{}", names::type_name(&data.name, pointer)?);
        let schema_pointer = pointer.join("schema");
        let shape = self.shape(schema, &schema_pointer, &inline_name)?;
        if shape.nullable {
            return Err(Error::unsupported(
                schema_pointer.join("nullable"),
                "a nullable parameter",
            ));
        }
        Ok(shape)
    }

    fn path_param(
        &mut self,
        data: &ParameterData,
        pointer: &JsonPointer,
        builder_name: &str,
    ) -> Result<Param, Error> {
        if !data.required {
            return Err(Error::invalid(pointer, "a path parameter must be required"));
        }
        let shape = self.parameter_shape(data, pointer, builder_name)?;
        if !self.is_scalar(&shape.ty) {
            let what = "a path parameter that is not a string, number, boolean or enumeration";
            return Err(Error::unsupported(pointer.join("schema"), what));
        }
        Ok(Param {
            from_client: data.name == CLIENT_PROJECT_ID && shape.ty == TypeRef::String,
            name: data.name.clone(),
            rust_name: names::member_name(&data.name, pointer)?,
            pointer: pointer.clone(),
            docs: parameter_docs(data),
            ty: shape.ty,
            required: true,
            rules: shape.rules,
            item_rules: shape.item_rules,
        })
    }

    fn query_param(
        &mut self,
        data: &ParameterData,
        pointer: &JsonPointer,
        builder_name: &str,
    ) -> Result<Param, Error> {
        let shape = self.parameter_shape(data, pointer, builder_name)?;
        let scalar = match &shape.ty {
            TypeRef::Array(item) => {
                if data.explode == Some(false) {
                    let what = "an array query parameter with explode: false";
                    return Err(Error::unsupported(pointer.join("explode"), what));
                }
                self.is_scalar(item)
            }
            ty => self.is_scalar(ty),
        };
        if !scalar {
            let what = "a query parameter that is not a scalar or an array of scalars";
            return Err(Error::unsupported(pointer.join("schema"), what));
        }
        Ok(Param {
            name: data.name.clone(),
            rust_name: names::member_name(&data.name, pointer)?,
            pointer: pointer.clone(),
            docs: parameter_docs(data),
            ty: shape.ty,
            required: data.required,
            from_client: false,
            rules: shape.rules,
            item_rules: shape.item_rules,
        })
    }

    /// Whether a value of `ty` can be written as one path segment or query value.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => true,
            TypeRef::Named(name) => self.types.get(name).is_some_and(|def| def.is_enum()),
            TypeRef::Json | TypeRef::Array(_) | TypeRef::Map(_) => false,
        }
    }

    fn request_body(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        pointer: &JsonPointer,
        builder_name: &str,
    ) -> Result<Body, Error> {
        let body = match body {
            ReferenceOr::Item(body) => body,
            ReferenceOr::Reference { reference } => {
                self.resolve_component(reference, "requestBodies", pointer, |c| &c.request_bodies)?
            }
        };
        let content_pointer = pointer.join("content");
        let Some((media_pointer, media)) = json_media(&body.content, &content_pointer)? else {
            return Err(Error::unsupported(
                content_pointer,
                "a request body without JSON content",
            ));
        };
        let shape =
            self.media_shape(media, &media_pointer, &format!("{builder_name}RequestBody"))?;
        Ok(Body {
            ty: shape.ty,
            required: body.required,
            docs: Docs {
                description: body.description.clone(),
                doc_source: extension_string(&body.extensions, "x-doc-source"),
                ..Docs::default()
            },
        })
    }

    /// The shape of a request or response body's JSON content.
    pub(super) fn media_shape(
        &mut self,
        media: &MediaType,
        pointer: &JsonPointer,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        let Some(schema) = &media.schema else {
            return Err(Error::unsupported(pointer, "JSON content without a schema"));
        };
        let schema_pointer = pointer.join("schema");
        let shape = self.shape(schema, &schema_pointer, inline_name)?;
        if shape.nullable {
            return Err(Error::unsupported(
                schema_pointer.join("nullable"),
                "a nullable body",
            ));
        }
        if !shape.rules.is_empty() || !shape.item_rules.is_empty() {
            let what = "constraints on a whole body (put the body in a component)";
            return Err(Error::unsupported(schema_pointer, what));
        }
        Ok(shape)
    }
}

/// Rejects an operationId used twice before any operation is lowered: lowering the second one
/// could first trip over a type or method named after the same id, a less direct error.
fn check_operation_ids(doc: &openapiv3::OpenAPI) -> Result<(), Error> {
    let mut first_by_id: BTreeMap<&str, JsonPointer> = BTreeMap::new();
    let paths = JsonPointer::root().join("paths");
    for (path, item) in doc.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let pointer = paths.join(path).join(method).join("operationId");
            if let Some(first) = first_by_id.get(id) {
                let kind = ErrorKind::DuplicateOperationId {
                    id: id.to_owned(),
                    first: first.to_string(),
                };
                return Err(Error::at(pointer, kind));
            }
            first_by_id.insert(id, pointer);
        }
    }
    Ok(())
}

fn parameter_docs(data: &ParameterData) -> Docs {
    let default = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
            schema.schema_data.default.clone()
        }
        _ => None,
    };
    Docs {
        summary: None,
        description: data.description.clone(),
        doc_source: extension_string(&data.extensions, "x-doc-source"),
        default,
    }
}

fn location(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// The `application/json` media type of a content map (with its pointer), if any; other media
/// types next to it are an error.
pub(super) fn json_media<'m>(
    content: &'m IndexMap<String, MediaType>,
    pointer: &JsonPointer,
) -> Result<Option<(JsonPointer, &'m MediaType)>, Error> {
    let mut found = None;
    for (media_type, media) in content {
        let at = pointer.join(media_type);
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        if essence != "application/json" {
            return Err(Error::unsupported(at, format!("media type `{media_type}`")));
        }
        if found.is_some() {
            return Err(Error::unsupported(at, "more than one JSON media type"));
        }
        found = Some((at, media));
    }
    Ok(found)
}

fn parse_path(path: &str, pointer: &JsonPointer) -> Result<Vec<PathPart>, Error> {
    if !path.starts_with('/') {
        return Err(Error::invalid(
            pointer,
            format!("path `{path}` does not start with `/`"),
        ));
    }
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return Err(Error::invalid(
                pointer,
                format!("unbalanced `{{` in path `{path}`"),
            ));
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        parts.push(PathPart::Param(rest[open + 1..close].to_owned()));
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err(Error::invalid(
            pointer,
            format!("unbalanced `}}` in path `{path}`"),
        ));
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    Ok(parts)
}

/// Puts path parameters in template order; each must appear in the template exactly once.
fn order_path_params(
    params: &mut Vec<Param>,
    parts: &[PathPart],
    pointer: &JsonPointer,
) -> Result<(), Error> {
    let mut ordered = Vec::new();
    for part in parts {
        let PathPart::Param(name) = part else {
            continue;
        };
        let Some(index) = params.iter().position(|p| &p.name == name) else {
            let message = format!("path parameter `{name}` is not declared");
            return Err(Error::invalid(pointer.join("parameters"), message));
        };
        ordered.push(params.remove(index));
    }
    if let Some(extra) = params.first() {
        let message = format!("path parameter `{}` is not in the path", extra.name);
        return Err(Error::invalid(pointer.join("parameters"), message));
    }
    *params = ordered;
    Ok(())
}
