//! The code generator of the `huaweicloud-cbr` crate: `spec/cbr.yaml` in, Rust source out.
//!
//! The pipeline has no I/O (the `xtask` reads and writes files):
//!
//! 1. *parse*: YAML into [`openapiv3::OpenAPI`];
//! 2. *lower* ([`lower`]): the document becomes the intermediate [`model`], checking every
//!    construct and naming the JSON pointer of any it does not support;
//! 3. *emit*: `quote!` token streams for the models, the operations and the API listing;
//! 4. *files* ([`files`]): each output parsed by `syn`, printed by `prettyplease`, and given the
//!    `@generated` header.

pub mod emit_api_listing;
pub mod emit_operations;
pub mod emit_test_registry;
pub mod emit_types;
pub mod error;
pub mod files;
pub mod lower;
pub mod model;
pub mod names;
mod rustdoc;

pub use error::{Error, ErrorKind, Location};
pub use files::{GeneratedFile, HEADER};

/// Generates every output file from the text of the spec.
pub fn generate(spec_yaml: &str) -> Result<Vec<GeneratedFile>, Error> {
    let api = parse_and_lower(spec_yaml)?;
    let mut files = generate_from_model(&api)?;
    files.push(files::json_spec("spec/cbr.json", spec_yaml)?);
    Ok(files)
}

/// Parses and lowers the spec without emitting anything.
pub fn parse_and_lower(spec_yaml: &str) -> Result<model::Api, Error> {
    let document: openapiv3::OpenAPI =
        serde_yaml::from_str(spec_yaml).map_err(|e| Error::from_yaml(&e))?;
    lower::lower(&document)
}

/// Emits every output file from a model (built by [`lower`] or by hand).
pub fn generate_from_model(api: &model::Api) -> Result<Vec<GeneratedFile>, Error> {
    Ok(vec![
        files::rust_file("generated/src/models.rs", emit_types::emit(api)?)?,
        files::rust_file("generated/src/operations.rs", emit_operations::emit(api)?)?,
        files::text_file("generated/API.txt", &emit_api_listing::emit(api)),
        files::rust_file("tests/src/model_registry.rs", emit_test_registry::emit(api))?,
    ])
}
