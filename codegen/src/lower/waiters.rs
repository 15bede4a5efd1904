//! Lowering of the `x-waiters` extension: which operation a waiter polls, where the resource
//! and its state are in the response, and which states end the wait (see
//! `spec/CONVENTIONS.md`). Like Smithy's waiters trait, it sits on the polled operation.
//!
//! Every member the extension names is checked against the lowered model, so a typo is an
//! error with the extension's pointer, not generated code that does not compile.

use openapiv3::{OpenAPI, ReferenceOr};
use serde::Deserialize;

use crate::error::Error;
use crate::model::{
    Api, FailureDetail, Field, HttpMethod, MemberRef, Operation, Struct, TypeKind, TypeRef, Waiter,
};
use crate::names::{self, Namespace};
use crate::pointer::JsonPointer;
use crate::runtime_names::RESERVED_CLIENT_METHODS;

/// The extension's name.
pub const EXTENSION: &str = "x-waiters";

/// Items of the generated `waiters` module besides the waiters' types.
const RESERVED_WAITER_ITEMS: [&str; 7] = [
    "WaitFor",
    "Waiter",
    "WaitError",
    "DEFAULT_MIN_POLL_INTERVAL",
    "DEFAULT_MAX_POLL_INTERVAL",
    "code_and_message",
    "Self",
];

/// One entry of `x-waiters`, as written in the spec.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WaiterSpec {
    method: String,
    #[serde(rename = "type")]
    type_name: String,
    resource: String,
    description: Option<String>,
    result: String,
    state: String,
    success: Vec<String>,
    failure: Vec<String>,
    failure_detail: Option<FailureDetailSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailureDetailSpec {
    member: String,
    code: String,
    message: String,
}

/// Every waiter of the document, in spec order; `api` is the document already lowered.
pub(super) fn lower(doc: &OpenAPI, api: &Api) -> Result<Vec<Waiter>, Error> {
    let mut methods = Namespace::with_reserved(&RESERVED_CLIENT_METHODS, "a method of Client");
    for operation in &api.operations {
        methods.claim(&operation.method_name, &operation.pointer)?;
    }
    let mut types = Namespace::with_reserved(&RESERVED_WAITER_ITEMS, "the waiters module");
    let mut waiters = Vec::new();
    for (path, item) in doc.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(extension) = op.extensions.get(EXTENSION) else {
                continue;
            };
            let pointer = JsonPointer::root().join("paths").join(path).join(method);
            let operation = api
                .operations
                .iter()
                .find(|operation| operation.pointer == pointer)
                .ok_or_else(|| Error::invalid(&pointer, "the operation was not lowered"))?;
            let pointer = pointer.join(EXTENSION);
            let specs: Vec<WaiterSpec> = serde_json::from_value(extension.clone())
                .map_err(|e| Error::invalid(&pointer, format!("not a list of waiters: {e}")))?;
            for (index, spec) in specs.into_iter().enumerate() {
                let pointer = pointer.join(index.to_string());
                let waiter = lower_one(api, operation, spec, &pointer)?;
                methods.claim(&waiter.method_name, &pointer.join("method"))?;
                types.claim(&waiter.type_name, &pointer.join("type"))?;
                waiters.push(waiter);
            }
        }
    }
    Ok(waiters)
}

fn lower_one(
    api: &Api,
    operation: &Operation,
    spec: WaiterSpec,
    pointer: &JsonPointer,
) -> Result<Waiter, Error> {
    let method_name = names::member_name(&spec.method, &pointer.join("method"))?;
    if method_name != spec.method {
        return Err(Error::invalid(
            pointer.join("method"),
            format!("`{}` is not snake_case (`{method_name}`)", spec.method),
        ));
    }
    let type_name = names::type_name(&spec.type_name, &pointer.join("type"))?;
    if operation.http_method != HttpMethod::Get {
        return Err(Error::invalid(
            pointer,
            format!("a waiter polls with GET, not {}", operation.http_method),
        ));
    }
    let id_param = id_param(operation, pointer)?;
    let (body_type, body) = match &operation.success.body {
        Some(TypeRef::Named(name)) => (name, object(api, name, pointer)?),
        _ => {
            return Err(Error::invalid(
                pointer,
                "the polled operation's success response has no object body",
            ))
        }
    };
    let result_pointer = pointer.join("result");
    let result = member(body_type, body, &spec.result, &result_pointer)?;
    let TypeRef::Named(resource_type) = &result.ty else {
        return Err(Error::invalid(
            result_pointer,
            format!("`{}` is not an object", spec.result),
        ));
    };
    let resource = object(api, resource_type, &result_pointer)?;
    let state_pointer = pointer.join("state");
    let state = member(resource_type, resource, &spec.state, &state_pointer)?;
    check_states(api, state, &spec, pointer)?;
    let failure_detail = match &spec.failure_detail {
        Some(detail) => Some(failure_detail(
            api,
            resource_type,
            resource,
            detail,
            &pointer.join("failure-detail"),
        )?),
        None => None,
    };
    Ok(Waiter {
        method_name,
        type_name,
        resource: spec.resource,
        description: spec.description,
        operation: operation.method_name.clone(),
        id_param,
        project_setter: operation
            .path_params
            .iter()
            .find(|p| p.from_client)
            .map(|p| p.rust_name.clone()),
        result: MemberRef::of(result),
        resource_type: resource_type.clone(),
        state: MemberRef::of(state),
        success: spec.success,
        failure: spec.failure,
        failure_detail,
        pointer: pointer.clone(),
    })
}

/// The one path parameter the client does not fill in: the resource's ID.
fn id_param(operation: &Operation, pointer: &JsonPointer) -> Result<String, Error> {
    let mut own = operation.path_params.iter().filter(|p| !p.from_client);
    match (own.next(), own.next()) {
        (Some(param), None) if param.ty == TypeRef::String => Ok(param.rust_name.clone()),
        _ => Err(Error::invalid(
            pointer,
            "the polled operation must have exactly one path parameter of its own, a string: \
             the resource's ID",
        )),
    }
}

fn object<'a>(api: &'a Api, name: &str, pointer: &JsonPointer) -> Result<&'a Struct, Error> {
    match api.struct_def(name) {
        Some(object) => Ok(object),
        _ => Err(Error::invalid(
            pointer,
            format!("`{name}` is not an object"),
        )),
    }
}

fn member<'a>(
    owner: &str,
    object: &'a Struct,
    name: &str,
    pointer: &JsonPointer,
) -> Result<&'a Field, Error> {
    object
        .fields
        .iter()
        .find(|field| field.name == name)
        .ok_or_else(|| Error::invalid(pointer, format!("`{owner}` has no member `{name}`")))
}

/// The state is a string or a string enumeration, the lists are not empty and do not overlap,
/// and against an enumeration every listed state is one of its values.
fn check_states(
    api: &Api,
    state: &Field,
    spec: &WaiterSpec,
    pointer: &JsonPointer,
) -> Result<(), Error> {
    let state_pointer = pointer.join("state");
    let values: Option<Vec<&str>> = match &state.ty {
        TypeRef::String => None,
        TypeRef::Named(name) => match api.type_def(name).map(|def| &def.kind) {
            Some(TypeKind::Enum(enumeration)) => Some(
                enumeration
                    .variants
                    .iter()
                    .map(|v| v.value.as_str())
                    .collect(),
            ),
            _ => None,
        },
        _ => None,
    };
    let is_text = state.ty == TypeRef::String || values.is_some();
    if !is_text {
        return Err(Error::invalid(
            state_pointer,
            format!(
                "`{}` is neither a string nor a string enumeration",
                state.name
            ),
        ));
    }
    for (key, list) in [("success", &spec.success), ("failure", &spec.failure)] {
        if list.is_empty() && key == "success" {
            return Err(Error::invalid(pointer.join(key), "no state ends the wait"));
        }
        for (index, value) in list.iter().enumerate() {
            let unknown = values
                .as_ref()
                .is_some_and(|v| !v.contains(&value.as_str()));
            if unknown {
                return Err(Error::invalid(
                    pointer.join(key).join(index.to_string()),
                    format!("`{value}` is not a value of `{}`", state.name),
                ));
            }
            if key == "failure" && spec.success.contains(value) {
                return Err(Error::invalid(
                    pointer.join(key).join(index.to_string()),
                    format!("`{value}` is listed as both success and failure"),
                ));
            }
        }
    }
    Ok(())
}

fn failure_detail(
    api: &Api,
    resource_type: &str,
    resource: &Struct,
    spec: &FailureDetailSpec,
    pointer: &JsonPointer,
) -> Result<FailureDetail, Error> {
    let member_pointer = pointer.join("member");
    let detail = member(resource_type, resource, &spec.member, &member_pointer)?;
    let TypeRef::Named(detail_type) = &detail.ty else {
        return Err(Error::invalid(
            member_pointer,
            format!("`{}` is not an object", spec.member),
        ));
    };
    let object = object(api, detail_type, &member_pointer)?;
    let text = |name: &str, key: &str| -> Result<MemberRef, Error> {
        let pointer = pointer.join(key);
        let field = member(detail_type, object, name, &pointer)?;
        if field.ty != TypeRef::String {
            return Err(Error::invalid(pointer, format!("`{name}` is not a string")));
        }
        Ok(MemberRef::of(field))
    };
    Ok(FailureDetail {
        member: MemberRef::of(detail),
        code: text(&spec.code, "code")?,
        message: text(&spec.message, "message")?,
    })
}
