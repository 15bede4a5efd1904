//! The intermediate model: what the emitters need to know about the API, as plain data.
//!
//! `lower` builds it from an OpenAPI document; tests may build it by hand. Names are already
//! Rust names (`rust_name`) next to the wire names they come from (`name`); order is the order
//! the emitters write (operations and members in spec order, types sorted by name). Analysis
//! (paging, error formats, which parameter the client fills) happens in lowering; emitters only
//! render what is recorded here.

pub use crate::pointer::JsonPointer;

/// The whole API.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Api {
    /// The services (servers) operations are sent to; the first is the default.
    pub services: Vec<Service>,
    /// Every named type, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// Every waiter (`x-waiters`), in spec order.
    pub waiters: Vec<Waiter>,
    /// What the crate's front page says of the API: the spec's `info`.
    pub info: ApiInfo,
}

/// The spec's `info`, for the crate's front page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
}

/// A waiter (`x-waiters` on the polled operation): a `Client::wait_for_…` method and the type
/// that says what it waits for.
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
    pub result: MemberRef,
    /// The resource's type (a struct of the models).
    pub resource_type: String,
    /// The member of the resource that holds its state.
    pub state: MemberRef,
    /// The states that end the wait successfully.
    pub success: Vec<String>,
    /// The states that end it with a failure.
    pub failure: Vec<String>,
    /// Where the resource explains a failure, if it does.
    pub failure_detail: Option<FailureDetail>,
    /// JSON pointer of the waiter in the spec.
    pub pointer: JsonPointer,
}

/// The member of a resource that explains its failure: an object with a code and a message.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureDetail {
    /// The member of the resource.
    pub member: MemberRef,
    /// The member of that object holding the error code.
    pub code: MemberRef,
    /// The member of that object holding the message.
    pub message: MemberRef,
}

impl Api {
    /// The type with this Rust name.
    pub fn type_def(&self, rust_name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.rust_name == rust_name)
    }

    /// The struct with this Rust name.
    pub fn struct_def(&self, rust_name: &str) -> Option<&Struct> {
        self.type_def(rust_name).and_then(TypeDef::as_struct)
    }
}

/// A server an operation is sent to, named after the first label of its host.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    /// Rust variant name (`Cbr` for `https://cbr.{region}.myhuaweicloud.com`).
    pub rust_name: String,
    /// The URL template; `{region}` is the only variable left in it.
    pub url_template: String,
    /// JSON pointer of the first server object that names the service.
    pub pointer: JsonPointer,
    /// The server's description.
    pub description: Option<String>,
    /// The region catalogue of the server's `x-regions`, sorted by ID; empty without one.
    pub regions: Vec<Region>,
}

/// A region the service is known to be in, with its endpoint (`x-regions`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Region {
    /// The region ID (`ap-southeast-1`).
    pub id: String,
    /// The service's endpoint in it (`https://cbr.ap-southeast-1.myhuaweicloud.com`).
    pub endpoint: String,
}

/// Documentation carried from the spec to the generated item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Docs {
    /// `summary` (operations) or `title` (schemas).
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `x-doc-source`: where in the upstream documentation the item comes from.
    pub doc_source: Option<String>,
    /// `default`, shown in the docs only (never applied).
    pub default: Option<serde_json::Value>,
}

/// A named type: what every type has, and what kind of type it is.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust type name.
    pub rust_name: String,
    /// JSON pointer of the schema in the spec.
    pub pointer: JsonPointer,
    /// Documentation.
    pub docs: Docs,
    /// A struct or an enumeration.
    pub kind: TypeKind,
}

impl TypeDef {
    /// The Rust name of the type.
    pub fn rust_name(&self) -> &str {
        &self.rust_name
    }

    /// The struct, if the type is one.
    pub fn as_struct(&self) -> Option<&Struct> {
        match &self.kind {
            TypeKind::Struct(def) => Some(def),
            TypeKind::Enum(_) => None,
        }
    }

    /// Whether the type is a string enumeration.
    pub fn is_enum(&self) -> bool {
        matches!(self.kind, TypeKind::Enum(_))
    }
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object schema.
    Struct(Struct),
    /// A string enumeration.
    Enum(Enum),
}

/// An object schema, generated as a struct.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Struct {
    /// Members in spec order.
    pub fields: Vec<Field>,
    /// Reachable from a request body: gets `validate()`.
    pub is_request: bool,
}

/// A member of an object schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Field {
    /// The JSON member name.
    pub name: String,
    /// The Rust field name (without `r#`).
    pub rust_name: String,
    /// Documentation.
    pub docs: Docs,
    /// The member's type.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Stored boxed because the type contains itself through this member.
    pub boxed: bool,
    /// Constraints on the value.
    pub rules: Vec<Rule>,
    /// Constraints on each item, for arrays.
    pub item_rules: Vec<Rule>,
}

/// How a field is represented in Rust, from `required` and `nullable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required, not nullable: `T`.
    Required,
    /// Required and nullable: `Option<T>`, `None` written as `null`.
    RequiredNullable,
    /// Optional, not nullable: `Option<T>`, `None` not written.
    Optional,
    /// Optional and nullable: `Nullable<T>`.
    OptionalNullable,
}

impl Field {
    /// The field's presence class.
    pub fn presence(&self) -> Presence {
        match (self.required, self.nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

/// A string enumeration, generated as an enum with an `Unknown` variant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Enum {
    /// Values in spec order.
    pub variants: Vec<Variant>,
}

/// One value of an enumeration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Variant {
    /// The value on the wire.
    pub value: String,
    /// The Rust variant name.
    pub rust_name: String,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum TypeRef {
    /// `String`.
    #[default]
    String,
    /// `i32` (`format: int32`).
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// Any JSON value (`serde_json::Value`).
    Json,
    /// A named type of the API.
    Named(String),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// An object with arbitrary member names: `BTreeMap<String, T>`, or
    /// `serde_json::Map<String, Value>` when `T` is [`TypeRef::Json`].
    Map(Box<TypeRef>),
}

/// A documented constraint, checked by `validate()`.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `minimum` (with `exclusiveMinimum`).
    Minimum {
        /// The bound.
        bound: serde_json::Number,
        /// `exclusiveMinimum: true`.
        exclusive: bool,
    },
    /// `maximum` (with `exclusiveMaximum`).
    Maximum {
        /// The bound.
        bound: serde_json::Number,
        /// `exclusiveMaximum: true`.
        exclusive: bool,
    },
    /// `minLength`, in characters.
    MinLength(u64),
    /// `maxLength`, in characters.
    MaxLength(u64),
    /// `minItems`.
    MinItems(u64),
    /// `maxItems`.
    MaxItems(u64),
    /// `enum` on an integer, number or boolean: the allowed values, in spec order.
    AllowedValues(Vec<serde_json::Value>),
}

/// An operation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// The `Client` method name (snake case of the operationId).
    pub method_name: String,
    /// The request builder's type name (Pascal case of the operationId).
    pub builder_name: String,
    /// JSON pointer of the operation.
    pub pointer: JsonPointer,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template, as in the spec.
    pub path: String,
    /// The path template split into literals and parameters.
    pub path_parts: Vec<PathPart>,
    /// Rust name of the service the operation is sent to.
    pub service: String,
    /// Summary, description and `x-doc-source`.
    pub docs: Docs,
    /// `x-iam-action`.
    pub iam_action: Option<String>,
    /// Path parameters, in template order.
    pub path_params: Vec<Param>,
    /// Query parameters, in spec order.
    pub query_params: Vec<Param>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// The documented success response.
    pub success: Success,
    /// How error bodies are shaped.
    pub error_format: ErrorFormat,
    /// How the operation pages through a listing, if it does.
    pub paging: Option<Paging>,
}

/// An HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum HttpMethod {
    /// `GET`.
    #[default]
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order OpenAPI lists them in a path item.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The method as sent: upper case (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// The method of a path item's member name (`get`), as OpenAPI writes it.
    pub fn from_path_item_key(key: &str) -> Option<HttpMethod> {
        HttpMethod::ALL
            .into_iter()
            .find(|method| method.as_str().eq_ignore_ascii_case(key))
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a list operation pages: decided in lowering, read by every emitter.
///
/// A `GET` with optional `limit` and `offset` (or `marker`) query parameters whose success body
/// has exactly one list of objects pages; by `marker` when it has one and the items have an
/// `id`, else by `offset`.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// How the next page is asked for.
    pub mode: PagingMode,
    /// The page-size parameter (`limit`).
    pub limit: PagingParam,
    /// The `offset` parameter, if the operation has one.
    pub offset: Option<PagingParam>,
    /// The `marker` parameter, if the operation has one (set even when paging by offset: a
    /// marker position then still sets it).
    pub marker: Option<PagingParam>,
    /// Rust name of the success body's type, a page.
    pub page: String,
    /// The member of the page holding the items.
    pub items: MemberRef,
    /// Rust name of the items' type.
    pub item: String,
    /// The items' `id` member, the marker of the next page.
    pub item_id: Option<MemberRef>,
    /// The page's `count` member: the total number of items.
    pub count: Option<MemberRef>,
    /// The page's `limit` member: the page size the service applied.
    pub reported_limit: Option<MemberRef>,
}

/// How the next page is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagingMode {
    /// By `offset`, the number of items before the page.
    Offset,
    /// By `marker`, the ID of the last item of the previous page.
    Marker,
}

impl PagingMode {
    /// The mode's name, as the runtime's `PagingMode` variant.
    pub fn as_str(self) -> &'static str {
        match self {
            PagingMode::Offset => "Offset",
            PagingMode::Marker => "Marker",
        }
    }
}

/// A query parameter that paging sets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PagingParam {
    /// The wire name.
    pub name: String,
    /// The Rust name of the builder's field.
    pub rust_name: String,
    /// Its type: an integer for `limit` and `offset`, a string for `marker`.
    pub ty: TypeRef,
}

/// A member of a response body that generated code reads: a page's items and count, an
/// item's ID, a waited-for resource and its state.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRef {
    /// The JSON member name.
    pub name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// The member's type.
    pub ty: TypeRef,
    /// How the field holds it.
    pub presence: Presence,
}

impl MemberRef {
    /// The member `field`.
    pub fn of(field: &Field) -> Self {
        MemberRef {
            name: field.name.clone(),
            rust_name: field.rust_name.clone(),
            ty: field.ty.clone(),
            presence: field.presence(),
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Literal text, written as is.
    Literal(String),
    /// A parameter, by its wire name; its value is percent-encoded.
    Param(String),
}

/// A path or query parameter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Param {
    /// The wire name.
    pub name: String,
    /// The Rust name (argument or setter).
    pub rust_name: String,
    /// JSON pointer of the parameter where the operation lists it (a `$ref` to a component
    /// parameter is located where it is used).
    pub pointer: JsonPointer,
    /// Documentation.
    pub docs: Docs,
    /// The type (for arrays, sent as repeated keys).
    pub ty: TypeRef,
    /// `required: true`.
    pub required: bool,
    /// Filled from the client's configuration unless set on the request (`project_id`).
    pub from_client: bool,
    /// Constraints on the value.
    pub rules: Vec<Rule>,
    /// Constraints on each item, for arrays.
    pub item_rules: Vec<Rule>,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    /// Its type.
    pub ty: TypeRef,
    /// `required: true`.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
}

/// The success response.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Success {
    /// The status code.
    pub status: u16,
    /// The JSON body, or `None` when the response has none.
    pub body: Option<TypeRef>,
    /// The response description.
    pub description: Option<String>,
}

/// Where an error body keeps its code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorFormat {
    /// Top-level members: `{"error_code": …, "error_msg": …}`.
    Flat {
        /// Member holding the code.
        code: String,
        /// Member holding the message.
        message: String,
    },
    /// Members of an object member: `{"error": {"code": …, "message": …}}`.
    Nested {
        /// The enclosing member.
        member: String,
        /// Member holding the code.
        code: String,
        /// Member holding the message.
        message: String,
    },
}

/// The flat shape (`error_code`, `error_msg`), for models built by hand; lowering reads each
/// error body's `x-error-format` instead.
impl Default for ErrorFormat {
    fn default() -> Self {
        ErrorFormat::Flat {
            code: "error_code".into(),
            message: "error_msg".into(),
        }
    }
}
