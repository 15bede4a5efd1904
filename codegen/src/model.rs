//! The intermediate model: what the emitters need to know about the API, as plain data.
//!
//! `lower` builds it from an OpenAPI document; tests may build it by hand. Names are already
//! Rust names (`rust_name`) next to the wire names they come from (`name`); order is the order
//! the emitters write (operations and members in spec order, types sorted by name).

/// The whole API.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Api {
    /// The services (servers) operations are sent to; the first is the default.
    pub services: Vec<Service>,
    /// Every named type, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
}

impl Api {
    /// The type with this Rust name.
    pub fn type_def(&self, rust_name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.rust_name() == rust_name)
    }
}

/// A server an operation is sent to, named after the first label of its host.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    /// Rust variant name (`Cbr` for `https://cbr.{region}.myhuaweicloud.com`).
    pub rust_name: String,
    /// The URL template; `{region}` is the only variable left in it.
    pub url_template: String,
    /// The server's description.
    pub description: Option<String>,
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

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// An object schema.
    Struct(Struct),
    /// A string enumeration.
    Enum(Enum),
}

impl TypeDef {
    /// The Rust name of the type.
    pub fn rust_name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.rust_name,
            TypeDef::Enum(e) => &e.rust_name,
        }
    }
}

/// An object schema, generated as a struct.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Struct {
    /// Rust type name.
    pub rust_name: String,
    /// JSON pointer of the schema in the spec.
    pub pointer: String,
    /// Documentation.
    pub docs: Docs,
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
    /// Rust type name.
    pub rust_name: String,
    /// JSON pointer of the schema in the spec.
    pub pointer: String,
    /// Documentation.
    pub docs: Docs,
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
    /// `enum` on a non-string type: the allowed values, as JSON text.
    OneOf(Vec<String>),
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
    pub pointer: String,
    /// Upper-case HTTP method.
    pub http_method: String,
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

impl Default for ErrorFormat {
    fn default() -> Self {
        ErrorFormat::Flat {
            code: "error_code".into(),
            message: "error_msg".into(),
        }
    }
}
