//! The generator's error: what went wrong and where in the spec.
//!
//! Every error carries a location: a JSON pointer into the document (`#/components/schemas/Vault`)
//! for problems found while lowering, or a YAML line and column for syntax errors. `Display`
//! names the location first, so a message reads like a compiler diagnostic.

use std::fmt;

use crate::pointer::JsonPointer;

/// Where in the spec an error is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer (RFC 6901) into the OpenAPI document, written with a leading `#`.
    Pointer(JsonPointer),
    /// A position in the YAML text, both 1-based.
    Text {
        /// Line number.
        line: usize,
        /// Column number.
        column: usize,
    },
    /// No position is known (for instance an error at the end of the input).
    Unknown,
    /// A location in the error-code catalogue (`spec/error-codes.yaml`) instead of the spec.
    ErrorCodes(Box<Location>),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Pointer(pointer) => pointer.fmt(f),
            Location::Text { line, column } => write!(f, "line {line}, column {column}"),
            Location::Unknown => f.write_str("(unknown location)"),
            Location::ErrorCodes(location) => location.fmt(f),
        }
    }
}

/// Which input of the generator an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Input {
    /// The OpenAPI document, `spec/cbr.yaml`.
    #[default]
    Spec,
    /// The error-code catalogue, `spec/error-codes.yaml`.
    ErrorCodes,
}

impl Input {
    /// The input's path, relative to the workspace root.
    pub fn path(self) -> &'static str {
        match self {
            Input::Spec => "spec/cbr.yaml",
            Input::ErrorCodes => "spec/error-codes.yaml",
        }
    }
}

/// What kind of problem the generator found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not YAML, or not an OpenAPI 3.0 document (or not an error-code catalogue).
    Parse(String),
    /// Valid YAML that does not have the shape of an OpenAPI 3.0 document.
    NotOpenApi(String),
    /// A construct the generator does not support (yet); the message names it.
    Unsupported(String),
    /// A `$ref` that points at nothing.
    DanglingRef(String),
    /// Two names are the same after conversion to Rust case.
    NameCollision {
        /// The Rust name both convert to.
        name: String,
        /// Location of the item that claimed the name first.
        first: String,
    },
    /// A name that cannot become a Rust identifier.
    InvalidName(String),
    /// The document is inconsistent (a path parameter missing from the template, …).
    Invalid(String),
    /// The generator produced Rust that does not parse: a bug in the generator.
    Internal(String),
    /// An operationId used by two operations.
    DuplicateOperationId {
        /// The operationId.
        id: String,
        /// Location of its first use.
        first: String,
    },
    /// An error code listed twice in the catalogue.
    DuplicateErrorCode {
        /// The code.
        code: String,
        /// Location of its first entry.
        first: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Parse(message) => write!(f, "cannot parse: {message}"),
            ErrorKind::NotOpenApi(message) => {
                write!(f, "valid YAML, but not an OpenAPI 3.0 document: {message}")
            }
            ErrorKind::Unsupported(what) => write!(f, "unsupported construct: {what}"),
            ErrorKind::DanglingRef(reference) => {
                write!(f, "dangling reference `{reference}`: no such component")
            }
            ErrorKind::NameCollision { name, first } => write!(
                f,
                "name collision: this converts to the Rust name `{name}`, already taken by {first}"
            ),
            ErrorKind::InvalidName(message) => write!(f, "invalid name: {message}"),
            ErrorKind::Invalid(message) => write!(f, "invalid spec: {message}"),
            ErrorKind::Internal(message) => write!(f, "generator bug: {message}"),
            ErrorKind::DuplicateOperationId { id, first } => {
                write!(f, "duplicate operationId `{id}`, first used at {first}")
            }
            ErrorKind::DuplicateErrorCode { code, first } => {
                write!(f, "duplicate error code `{code}`, first listed at {first}")
            }
        }
    }
}

/// A generator error: a kind and a location.
///
/// `Display` shows the location and the kind; the caller, which knows the file names, prefixes
/// the path of the [`input`](Self::input) the location is in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where in the spec, or, wrapped in [`Location::ErrorCodes`], in the catalogue.
    pub location: Location,
}

impl Error {
    /// An error at a JSON pointer.
    pub fn at(pointer: impl Into<JsonPointer>, kind: ErrorKind) -> Self {
        Error {
            kind,
            location: Location::Pointer(pointer.into()),
        }
    }

    /// An unsupported construct at `pointer`.
    pub fn unsupported(pointer: impl Into<JsonPointer>, what: impl Into<String>) -> Self {
        Error::at(pointer, ErrorKind::Unsupported(what.into()))
    }

    /// An inconsistency at `pointer`.
    pub fn invalid(pointer: impl Into<JsonPointer>, message: impl Into<String>) -> Self {
        Error::at(pointer, ErrorKind::Invalid(message.into()))
    }

    /// The JSON pointer of the error, if it has one, as written (`#/components/schemas/A`).
    pub fn pointer(&self) -> Option<&str> {
        self.json_pointer().map(JsonPointer::as_str)
    }

    /// The JSON pointer of the error, if it has one.
    pub fn json_pointer(&self) -> Option<&JsonPointer> {
        match &self.location {
            Location::Pointer(pointer) => Some(pointer),
            Location::ErrorCodes(location) => match &**location {
                Location::Pointer(pointer) => Some(pointer),
                _ => None,
            },
            _ => None,
        }
    }

    /// A YAML document that is not an OpenAPI document: `error` is the typed parse's error.
    pub(crate) fn not_openapi(error: &serde_yaml::Error) -> Self {
        let mut error = Error::from_yaml(error);
        if let ErrorKind::Parse(message) = error.kind {
            error.kind = ErrorKind::NotOpenApi(message);
        }
        error
    }

    pub(crate) fn from_yaml(error: &serde_yaml::Error) -> Self {
        let location = match error.location() {
            Some(at) => Location::Text {
                line: at.line(),
                column: at.column(),
            },
            None => Location::Unknown,
        };
        Error {
            kind: ErrorKind::Parse(strip_position(&error.to_string(), &location)),
            location,
        }
    }

    /// Which input the error is in.
    pub fn input(&self) -> Input {
        match self.location {
            Location::ErrorCodes(_) => Input::ErrorCodes,
            _ => Input::Spec,
        }
    }

    /// The same error, located in `input` (its location is relative to that input).
    pub fn in_input(mut self, input: Input) -> Self {
        if input == Input::ErrorCodes && self.input() != Input::ErrorCodes {
            self.location = Location::ErrorCodes(Box::new(self.location));
        }
        self
    }
}

/// `serde_yaml` writes the error's position into its message ("… at line L column C"); that
/// position is reported separately, so it is dropped. Another position, such as where the
/// unclosed construct began, stays: it is often the line to fix.
fn strip_position(message: &str, location: &Location) -> String {
    let Location::Text { line, column } = location else {
        return message.to_owned();
    };
    message.replacen(&format!(" at line {line} column {column}"), "", 1)
}
