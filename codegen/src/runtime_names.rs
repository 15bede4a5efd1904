//! Names the generated code shares with the runtime crate (`huaweicloud-sdk-runtime`) and with
//! the hand-kept parts of every generated crate: an operation, waiter or parameter must not
//! take one of them, or the generated crate would not compile (or would call the wrong
//! method).
//!
//! The test crate parses the runtime's source and fails when one of its `Client`'s public
//! methods is missing here.

/// The runtime crate every generated crate depends on, as generated code names it.
pub const RUNTIME_CRATE: &str = "huaweicloud_sdk_runtime";

/// Methods of the generated `Client`: the runtime `Client`'s public methods, which it
/// delegates, and its own (`builder`, and `clone` from `Clone`, which generated code calls).
pub const RESERVED_CLIENT_METHODS: [&str; 11] = [
    // The runtime `Client`'s public methods.
    "project_id",
    "region",
    "endpoint",
    "retry_config",
    "timeout",
    "max_response_body_size",
    "validation",
    "resolve_project_id",
    "execute",
    // The generated `Client`'s own.
    "builder",
    "clone",
];

/// Fields and methods of every request builder; `into_pages` and `into_items` are those of the
/// builders of operations that page (reserved on every builder, so that adding paging
/// parameters to an operation never turns a parameter name into a conflict).
pub const RESERVED_BUILDER_MEMBERS: [&str; 12] = [
    "client",
    "options",
    "body",
    "validate",
    "validate_with",
    "send",
    "send_with_metadata",
    "into_request",
    "into_future",
    "clone",
    "into_pages",
    "into_items",
];

/// `use huaweicloud_sdk_runtime as rt;`: written once at the top of each generated module that
/// names runtime items, which it then names `rt::…`.
pub fn runtime_import() -> proc_macro2::TokenStream {
    let runtime = proc_macro2::Ident::new(RUNTIME_CRATE, proc_macro2::Span::call_site());
    // use huaweicloud_sdk_runtime as rt;
    quote::quote!(use #runtime as rt;)
}
