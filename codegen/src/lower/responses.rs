//! Responses: the one success response and its body, and where error bodies keep their code
//! and message, read from the error body schema's `x-error-format` (see `spec/CONVENTIONS.md`).

use openapiv3::{
    ObjectType, ReferenceOr, Response, Responses, Schema, SchemaKind, StatusCode, Type,
};
use serde::Deserialize;

use super::operations::json_media;
use super::Lowerer;
use crate::error::Error;
use crate::model::{ErrorFormat, Success};
use crate::pointer::JsonPointer;

/// The extension of an error body schema that says where the code and the message are: a JSON
/// pointer (RFC 6901) into the body for each, `{code: /error_code, message: /error_msg}`.
pub const ERROR_FORMAT_EXTENSION: &str = "x-error-format";

/// The value of [`ERROR_FORMAT_EXTENSION`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawErrorFormat {
    code: String,
    message: String,
}

impl<'a> Lowerer<'a> {
    fn response(
        &self,
        response: &'a ReferenceOr<Response>,
        pointer: &JsonPointer,
    ) -> Result<&'a Response, Error> {
        match response {
            ReferenceOr::Item(response) => Ok(response),
            ReferenceOr::Reference { reference } => {
                self.resolve_component(reference, "responses", pointer, |c| &c.responses)
            }
        }
    }

    pub(super) fn success(
        &mut self,
        responses: &'a Responses,
        pointer: &JsonPointer,
        builder_name: &str,
    ) -> Result<Success, Error> {
        let responses_pointer = pointer.join("responses");
        let mut found = None;
        for (status, response) in &responses.responses {
            let at = responses_pointer.join(status.to_string());
            let code = match status {
                StatusCode::Code(code) if (200..300).contains(code) => *code,
                StatusCode::Code(_) => continue,
                StatusCode::Range(2) => return Err(Error::unsupported(at, "a 2XX status range")),
                StatusCode::Range(_) => continue,
            };
            if found.is_some() {
                return Err(Error::unsupported(at, "more than one success response"));
            }
            let response = self.response(response, &at)?;
            found = Some((code, at, response));
        }
        let Some((status, at, response)) = found else {
            return Err(Error::invalid(
                responses_pointer,
                "no success (2xx) response",
            ));
        };
        let content_pointer = at.join("content");
        let body = match json_media(&response.content, &content_pointer)? {
            Some((media_pointer, media)) => {
                let name = format!("{builder_name}ResponseBody");
                Some(self.media_shape(media, &media_pointer, &name)?.ty)
            }
            None if response.content.is_empty() => None,
            None => {
                return Err(Error::unsupported(
                    content_pointer,
                    "a response without JSON content",
                ))
            }
        };
        Ok(Success {
            status,
            body,
            description: Some(response.description.clone()),
        })
    }

    /// The error body's format, from the `default` response or else the first 4xx/5xx one.
    pub(super) fn error_format(
        &self,
        responses: &'a Responses,
        pointer: &JsonPointer,
    ) -> Result<ErrorFormat, Error> {
        let responses_pointer = pointer.join("responses");
        let mut candidates: Vec<(JsonPointer, &ReferenceOr<Response>)> = Vec::new();
        if let Some(default) = &responses.default {
            candidates.push((responses_pointer.join("default"), default));
        }
        for (status, response) in &responses.responses {
            let is_error = match status {
                StatusCode::Code(code) => *code >= 400,
                StatusCode::Range(range) => *range >= 4,
            };
            if is_error {
                candidates.push((responses_pointer.join(status.to_string()), response));
            }
        }
        let Some((at, response)) = candidates.into_iter().next() else {
            return Err(Error::invalid(
                responses_pointer,
                "no error response (default, 4xx or 5xx)",
            ));
        };
        let response = self.response(response, &at)?;
        let Some((media_pointer, media)) = json_media(&response.content, &at.join("content"))?
        else {
            return Err(Error::unsupported(
                at,
                "an error response without a JSON body",
            ));
        };
        let schema_pointer = media_pointer.join("schema");
        let not_an_object =
            || Error::unsupported(&schema_pointer, "an error body that is not an object");
        let schema = media.schema.as_ref().ok_or_else(not_an_object)?;
        let (schema, schema_at) = self.error_schema(schema, &schema_pointer)?;
        let object = self
            .object_in(schema, &schema_at)?
            .ok_or_else(not_an_object)?;
        let Some(format) = schema.schema_data.extensions.get(ERROR_FORMAT_EXTENSION) else {
            let what = format!(
                "an error body without `{ERROR_FORMAT_EXTENSION}` (the JSON pointers of its code \
                 and message; see spec/CONVENTIONS.md)"
            );
            return Err(Error::unsupported(schema_at, what));
        };
        self.read_error_format(format, object, &schema_at.join(ERROR_FORMAT_EXTENSION))
    }

    /// The schema that should carry `x-error-format`, with its pointer: a referenced component,
    /// or the target of an `allOf` wrapper that has none of its own.
    fn error_schema(
        &self,
        schema: &'a ReferenceOr<Schema>,
        pointer: &JsonPointer,
    ) -> Result<(&'a Schema, JsonPointer), Error> {
        let (schema, at) = match schema {
            ReferenceOr::Reference { reference } => self.referenced_schema(reference, pointer)?,
            ReferenceOr::Item(schema) => (schema, pointer.clone()),
        };
        if schema
            .schema_data
            .extensions
            .contains_key(ERROR_FORMAT_EXTENSION)
        {
            return Ok((schema, at));
        }
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => {
                    self.referenced_schema(reference, &at.join("allOf").join("0"))
                }
                _ => Ok((schema, at)),
            },
            _ => Ok((schema, at)),
        }
    }

    /// The component schema a `$ref` names, with the component's pointer (a local `$ref` is
    /// one).
    fn referenced_schema(
        &self,
        reference: &str,
        pointer: &JsonPointer,
    ) -> Result<(&'a Schema, JsonPointer), Error> {
        let schema = self.resolve_schema(reference, pointer)?;
        let at = JsonPointer::parse(reference).unwrap_or_else(|| pointer.clone());
        Ok((schema, at))
    }

    /// Checks `x-error-format` (at `pointer`) against the error body `object`: both members
    /// are top-level members (the flat format), or members of the same object member (the
    /// nested one).
    fn read_error_format(
        &self,
        value: &serde_json::Value,
        object: &'a ObjectType,
        pointer: &JsonPointer,
    ) -> Result<ErrorFormat, Error> {
        let raw: RawErrorFormat = serde_json::from_value(value.clone()).map_err(|e| {
            let message =
                format!("expected {{code: <JSON pointer>, message: <JSON pointer>}}: {e}");
            Error::invalid(pointer, message)
        })?;
        let code = body_pointer(&raw.code, &pointer.join("code"))?;
        let message = body_pointer(&raw.message, &pointer.join("message"))?;
        let missing = |at: JsonPointer, text: &str| {
            Error::invalid(at, format!("`{text}` names no member of the error body"))
        };
        match (code.as_slice(), message.as_slice()) {
            ([code_member], [message_member]) => {
                for (member, at, text) in [
                    (code_member, "code", &raw.code),
                    (message_member, "message", &raw.message),
                ] {
                    if !object.properties.contains_key(member) {
                        return Err(missing(pointer.join(at), text));
                    }
                }
                Ok(ErrorFormat::Flat {
                    code: code_member.clone(),
                    message: message_member.clone(),
                })
            }
            ([outer, code_member], [outer_again, message_member]) if outer == outer_again => {
                let inner = match object.properties.get(outer) {
                    Some(property) => self.object_of(property, pointer)?,
                    None => None,
                };
                for (member, at, text) in [
                    (code_member, "code", &raw.code),
                    (message_member, "message", &raw.message),
                ] {
                    if !inner.is_some_and(|inner| inner.properties.contains_key(member)) {
                        return Err(missing(pointer.join(at), text));
                    }
                }
                Ok(ErrorFormat::Nested {
                    member: outer.clone(),
                    code: code_member.clone(),
                    message: message_member.clone(),
                })
            }
            _ => Err(Error::unsupported(
                pointer,
                "code and message other than two top-level members, or two members of the same \
                 object member",
            )),
        }
    }

    /// The object schema behind `schema` (following a `$ref` or an `allOf` wrapper).
    fn object_of<S: std::borrow::Borrow<Schema>>(
        &self,
        schema: &'a ReferenceOr<S>,
        pointer: &JsonPointer,
    ) -> Result<Option<&'a ObjectType>, Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.object_in(self.resolve_schema(reference, pointer)?, pointer)
            }
            ReferenceOr::Item(schema) => self.object_in(schema.borrow(), pointer),
        }
    }

    fn object_in(
        &self,
        schema: &'a Schema,
        pointer: &JsonPointer,
    ) -> Result<Option<&'a ObjectType>, Error> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Ok(Some(object)),
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => {
                    let target = self.resolve_schema(reference, pointer)?;
                    match &target.schema_kind {
                        SchemaKind::Type(Type::Object(object)) => Ok(Some(object)),
                        _ => Ok(None),
                    }
                }
                _ => Ok(None),
            },
            SchemaKind::AnyOf { any_of } => match super::schemas::nullable_reference(any_of) {
                Some(reference) => {
                    self.object_in(self.resolve_schema(reference, pointer)?, pointer)
                }
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }
}

/// The members a pointer of `x-error-format` (at `at`) names, from the body's root; at least
/// one.
fn body_pointer(text: &str, at: &JsonPointer) -> Result<Vec<String>, Error> {
    let segments = match JsonPointer::parse(text) {
        Some(pointer) if text.starts_with('/') => pointer.segments(),
        _ => {
            let message = format!("`{text}` is not a JSON pointer into the body (`/error_code`)");
            return Err(Error::invalid(at, message));
        }
    };
    Ok(segments)
}
