//! The code generator of the `huaweicloud-cbr` crate: `spec/cbr.yaml` in, Rust source out.
//!
//! The pipeline has no I/O (the `xtask` reads and writes files):
//!
//! 1. *parse*: YAML into [`openapiv3::OpenAPI`];
//! 2. *lower* ([`lower`]): the document becomes the intermediate [`model`], checking every
//!    construct and naming the JSON pointer of any it does not support;
//! 3. *emit*: `quote!` token streams for the models, the operations and the API listing, and
//!    the error codes from the second input, the error-code catalogue;
//! 4. *files* ([`files`]): each output parsed by `syn`, printed by `prettyplease`, and given the
//!    `@generated` header.
//!
//! [`api_diff`] compares two versions of the inputs through the intermediate model and says what
//! changed for users of the generated crate, classified as semver.

pub mod api_diff;
pub mod emit_api_listing;
pub mod emit_error_codes;
pub mod emit_fuzz_targets;
pub mod emit_operations;
pub mod emit_test_registry;
pub mod emit_types;
pub mod error;
pub mod files;
pub mod lower;
pub mod model;
pub mod names;
pub mod pointer;
mod rustdoc;

use emit_api_listing::{ListedFile, Notes};
pub use error::{Error, ErrorKind, Input, Location};
pub use files::{GeneratedFile, HEADER};
pub use pointer::JsonPointer;

/// The texts the generator reads; the caller reads the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inputs<'a> {
    /// The OpenAPI document (`spec/cbr.yaml`).
    pub spec: &'a str,
    /// The error-code catalogue (`spec/error-codes.yaml`); without it, `error_codes.rs` is not
    /// generated (fixture specs need none).
    pub error_codes: Option<&'a str>,
}

impl<'a> Inputs<'a> {
    /// The spec alone.
    pub fn new(spec: &'a str) -> Self {
        Inputs {
            spec,
            error_codes: None,
        }
    }

    /// Adds the error-code catalogue.
    pub fn with_error_codes(mut self, error_codes: &'a str) -> Self {
        self.error_codes = Some(error_codes);
        self
    }
}

impl<'a> From<&'a str> for Inputs<'a> {
    fn from(spec: &'a str) -> Self {
        Inputs::new(spec)
    }
}

impl<'a> From<&'a String> for Inputs<'a> {
    fn from(spec: &'a String) -> Self {
        Inputs::new(spec)
    }
}

/// Path of the generated models.
pub const MODELS_FILE: &str = "generated/src/models.rs";

/// Path of the generated operations.
pub const OPERATIONS_FILE: &str = "generated/src/operations.rs";

/// Path of the generated error-code enumeration.
pub const ERROR_CODES_FILE: &str = "generated/src/error_codes.rs";

/// Path of the listing of the public API.
pub const API_LISTING_FILE: &str = "generated/API.txt";

/// Generates every output file from the inputs: the spec's text, or an [`Inputs`] that also
/// holds the error-code catalogue.
pub fn generate<'a>(inputs: impl Into<Inputs<'a>>) -> Result<Vec<GeneratedFile>, Error> {
    let inputs = inputs.into();
    let api = parse_and_lower(inputs.spec)?;
    let catalogue = inputs
        .error_codes
        .map(emit_error_codes::parse)
        .transpose()?;
    let mut files = emit_files(&api, catalogue.as_ref())?;
    files.push(files::json_spec("spec/cbr.json", inputs.spec)?);
    Ok(files)
}

/// Parses and lowers the spec without emitting anything.
pub fn parse_and_lower(spec_yaml: &str) -> Result<model::Api, Error> {
    let document: openapiv3::OpenAPI = serde_yaml::from_str(spec_yaml).map_err(|e| {
        // Tell a YAML syntax error from a document of the wrong shape.
        match serde_yaml::from_str::<serde_yaml::Value>(spec_yaml) {
            Ok(_) => Error::not_openapi(&e),
            Err(syntax) => Error::from_yaml(&syntax),
        }
    })?;
    lower::lower(&document)
}

/// Emits every output file from a model (built by [`lower`] or by hand).
pub fn generate_from_model(api: &model::Api) -> Result<Vec<GeneratedFile>, Error> {
    emit_files(api, None)
}

/// The files of the model and, if given, of the error-code catalogue. `API.txt` is read from
/// the emitted Rust files, so it lists exactly what they make public.
fn emit_files(
    api: &model::Api,
    catalogue: Option<&emit_error_codes::Catalogue>,
) -> Result<Vec<GeneratedFile>, Error> {
    let models = files::parse(MODELS_FILE, emit_types::emit(api)?)?;
    let operations = files::parse(OPERATIONS_FILE, emit_operations::emit(api)?)?;
    let error_codes = catalogue
        .map(|catalogue| files::parse(ERROR_CODES_FILE, emit_error_codes::emit(catalogue)))
        .transpose()?;
    let mut listed = vec![
        ListedFile {
            module: "operations",
            file: &operations,
            path: OPERATIONS_FILE,
        },
        ListedFile {
            module: "models",
            file: &models,
            path: MODELS_FILE,
        },
    ];
    // `error_codes` is private: the crate re-exports `ErrorCode` at its root.
    listed.extend(error_codes.as_ref().map(|file| ListedFile {
        module: "",
        file,
        path: ERROR_CODES_FILE,
    }));
    let listing = emit_api_listing::emit(&listed, &Notes::new(api, catalogue))?;
    let mut files = vec![
        files::print(MODELS_FILE, &models),
        files::print(OPERATIONS_FILE, &operations),
        files::text_file(API_LISTING_FILE, &listing),
        files::rust_file("tests/src/model_registry.rs", emit_test_registry::emit(api))?,
    ];
    files.extend(emit_fuzz_targets::emit(api)?);
    if let Some(file) = &error_codes {
        let source = error::Input::ErrorCodes.path();
        files.push(files::print_from(ERROR_CODES_FILE, source, file));
    }
    Ok(files)
}
