//! Lowering of the `x-waiters` extension: which operation a waiter polls, where the resource
//! and its state are in the response, and which states end the wait (see
//! `spec/CONVENTIONS.md`). Like Smithy's waiters trait, it sits on the polled operation.
//!
//! Every member the extension names is checked against the lowered model, so a typo is an
//! error with the extension's pointer, not generated code that does not compile.

use openapiv3::{OpenAPI, ReferenceOr};
use serde::Deserialize;

use crate::error::Error;
use crate::model::{Api, Field, Operation, Struct, TypeDef, TypeRef};
use crate::names::{self, Namespace};
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

/// A waiter: a `Client::wait_for_…` method and the type that says what it waits for.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    /// The `Client` method (`wait_for_task`).
    pub method_name: String,
    /// The type implementing the runtime's `WaitFor` (`TaskFinished`).
    pub type_name: String,
    /// The resource in words, for messages and docs (`task`).
    pub resource: String,
    /// What the waiter is for, from the extension.
    pub description: Option<String>,
    /// The polled operation's `Client` method (`show_operation_log`).
    pub operation: String,
    /// The polled operation's path parameter that takes the resource's ID.
    pub id_param: String,
    /// The request builder's setter of the parameter the client fills in (`project_id`), if
    /// the polled operation has one.
    pub project_setter: Option<String>,
    /// The member of the response body that holds the resource.
    pub result: Field,
    /// The resource's type (a struct of the models).
    pub resource_type: String,
    /// The member of the resource that holds its state.
    pub state: Field,
    /// The states that end the wait successfully.
    pub success: Vec<String>,
    /// The states that end it with a failure.
    pub failure: Vec<String>,
    /// Where the resource explains a failure, if it does.
    pub failure_detail: Option<FailureDetail>,
    /// JSON pointer of the waiter in the spec.
    pub pointer: String,
}

/// The member of a resource that explains its failure: an object with a code and a message.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureDetail {
    /// The member of the resource.
    pub member: Field,
    /// The member of that object holding the error code.
    pub code: Field,
    /// The member of that object holding the message.
    pub message: Field,
}

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
pub fn lower(doc: &OpenAPI, api: &Api) -> Result<Vec<Waiter>, Error> {
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
            let pointer = format!("#/paths/{}/{method}", names::pointer_segment(path));
            let operation = api
                .operations
                .iter()
                .find(|operation| operation.pointer == pointer)
                .ok_or_else(|| Error::invalid(&pointer, "the operation was not lowered"))?;
            let pointer = format!("{pointer}/{EXTENSION}");
            let specs: Vec<WaiterSpec> = serde_json::from_value(extension.clone())
                .map_err(|e| Error::invalid(&pointer, format!("not a list of waiters: {e}")))?;
            for (index, spec) in specs.into_iter().enumerate() {
                let pointer = format!("{pointer}/{index}");
                let waiter = lower_one(api, operation, spec, &pointer)?;
                methods.claim(&waiter.method_name, &format!("{pointer}/method"))?;
                types.claim(&waiter.type_name, &format!("{pointer}/type"))?;
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
    pointer: &str,
) -> Result<Waiter, Error> {
    let method_name = names::member_name(&spec.method, &format!("{pointer}/method"))?;
    if method_name != spec.method {
        return Err(Error::invalid(
            format!("{pointer}/method"),
            format!("`{}` is not snake_case (`{method_name}`)", spec.method),
        ));
    }
    let type_name = names::type_name(&spec.type_name, &format!("{pointer}/type"))?;
    if operation.http_method != "GET" {
        return Err(Error::invalid(
            pointer,
            format!("a waiter polls with GET, not {}", operation.http_method),
        ));
    }
    let id_param = id_param(operation, pointer)?;
    let body = match &operation.success.body {
        Some(TypeRef::Named(name)) => object(api, name, pointer)?,
        _ => {
            return Err(Error::invalid(
                pointer,
                "the polled operation's success response has no object body",
            ))
        }
    };
    let result_pointer = format!("{pointer}/result");
    let result = member(body, &spec.result, &result_pointer)?;
    let TypeRef::Named(resource_type) = &result.ty else {
        return Err(Error::invalid(
            result_pointer,
            format!("`{}` is not an object", spec.result),
        ));
    };
    let resource = object(api, resource_type, &result_pointer)?;
    let state_pointer = format!("{pointer}/state");
    let state = member(resource, &spec.state, &state_pointer)?;
    check_states(api, state, &spec, pointer)?;
    let failure_detail = match &spec.failure_detail {
        Some(detail) => Some(failure_detail(
            api,
            resource,
            detail,
            &format!("{pointer}/failure-detail"),
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
        result: result.clone(),
        resource_type: resource_type.clone(),
        state: state.clone(),
        success: spec.success,
        failure: spec.failure,
        failure_detail,
        pointer: pointer.to_owned(),
    })
}

/// The one path parameter the client does not fill in: the resource's ID.
fn id_param(operation: &Operation, pointer: &str) -> Result<String, Error> {
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

fn object<'a>(api: &'a Api, name: &str, pointer: &str) -> Result<&'a Struct, Error> {
    match api.type_def(name) {
        Some(TypeDef::Struct(object)) => Ok(object),
        _ => Err(Error::invalid(
            pointer,
            format!("`{name}` is not an object"),
        )),
    }
}

fn member<'a>(object: &'a Struct, name: &str, pointer: &str) -> Result<&'a Field, Error> {
    object
        .fields
        .iter()
        .find(|field| field.name == name)
        .ok_or_else(|| {
            Error::invalid(
                pointer,
                format!("`{}` has no member `{name}`", object.rust_name),
            )
        })
}

/// The state is a string or a string enumeration, the lists are not empty and do not overlap,
/// and against an enumeration every listed state is one of its values.
fn check_states(api: &Api, state: &Field, spec: &WaiterSpec, pointer: &str) -> Result<(), Error> {
    let state_pointer = format!("{pointer}/state");
    let values: Option<Vec<&str>> = match &state.ty {
        TypeRef::String => None,
        TypeRef::Named(name) => match api.type_def(name) {
            Some(TypeDef::Enum(enumeration)) => Some(
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
            return Err(Error::invalid(
                format!("{pointer}/{key}"),
                "no state ends the wait",
            ));
        }
        for (index, value) in list.iter().enumerate() {
            let unknown = values
                .as_ref()
                .is_some_and(|v| !v.contains(&value.as_str()));
            if unknown {
                return Err(Error::invalid(
                    format!("{pointer}/{key}/{index}"),
                    format!("`{value}` is not a value of `{}`", state.name),
                ));
            }
            if key == "failure" && spec.success.contains(value) {
                return Err(Error::invalid(
                    format!("{pointer}/{key}/{index}"),
                    format!("`{value}` is listed as both success and failure"),
                ));
            }
        }
    }
    Ok(())
}

fn failure_detail(
    api: &Api,
    resource: &Struct,
    spec: &FailureDetailSpec,
    pointer: &str,
) -> Result<FailureDetail, Error> {
    let member_pointer = format!("{pointer}/member");
    let detail = member(resource, &spec.member, &member_pointer)?;
    let TypeRef::Named(name) = &detail.ty else {
        return Err(Error::invalid(
            member_pointer,
            format!("`{}` is not an object", spec.member),
        ));
    };
    let object = object(api, name, &member_pointer)?;
    let text = |name: &str, key: &str| -> Result<Field, Error> {
        let pointer = format!("{pointer}/{key}");
        let field = member(object, name, &pointer)?;
        if field.ty != TypeRef::String {
            return Err(Error::invalid(pointer, format!("`{name}` is not a string")));
        }
        Ok(field.clone())
    };
    Ok(FailureDetail {
        member: detail.clone(),
        code: text(&spec.code, "code")?,
        message: text(&spec.message, "message")?,
    })
}
