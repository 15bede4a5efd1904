//! Support for the workspace tests; the tests themselves live in `tests/tests/`.
//!
//! The spec is read as plain JSON values here (rather than only through `openapiv3`) because the
//! lint rules look at things a typed model throws away: `x-` extensions, `$ref` siblings and the
//! exact shape of every node.

pub mod json_schema;
pub mod mock_http;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the test crate lives inside the workspace")
        .to_path_buf()
}

/// Path of a file relative to the workspace root.
pub fn workspace_file(relative: &str) -> PathBuf {
    workspace_root().join(relative)
}

/// Reads a YAML file of the workspace as a JSON value, failing with the file name on error.
pub fn read_yaml(relative: &str) -> Value {
    let path = workspace_file(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The OpenAPI document as a JSON value.
pub fn spec() -> Value {
    read_yaml("spec/cbr.yaml")
}

/// HTTP methods of an OpenAPI path item, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the spec, with its JSON pointer.
pub struct Operation<'a> {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: &'a str,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// The operation object.
    pub value: &'a Value,
}

impl Operation<'_> {
    /// The operationId, or an empty string.
    pub fn id(&self) -> &str {
        self.value["operationId"].as_str().unwrap_or("")
    }
}

/// Every operation of the document, in document order.
pub fn operations(spec: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = spec["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(Operation {
                    method: method.to_uppercase(),
                    path,
                    pointer: format!("#/paths/{}/{method}", escape_pointer(path)),
                    value: op,
                });
            }
        }
    }
    out
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Resolves a local `$ref` (`#/a/b`) in `doc`.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}
