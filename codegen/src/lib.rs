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
pub mod emit_crate_root;
pub mod emit_error_codes;
pub mod emit_fuzz_targets;
pub mod emit_mock;
pub mod emit_operations;
pub mod emit_test_registry;
pub mod emit_types;
pub mod emit_waiters;
pub mod error;
pub mod files;
pub mod lower;
pub mod model;
pub mod names;
pub mod pointer;
pub mod runtime_names;
mod rustdoc;
pub mod target;

use emit_api_listing::{ListedFile, Notes};
pub use error::{Error, ErrorKind, Input, Location};
pub use files::{GeneratedFile, HEADER};
pub use pointer::JsonPointer;
pub use target::Target;

/// The texts the generator reads (the caller reads the files), and the crate it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inputs<'a> {
    /// The OpenAPI document (`spec/cbr.yaml`).
    pub spec: &'a str,
    /// The error-code catalogue (`spec/error-codes.yaml`); without it, `error_codes.rs` is not
    /// generated (fixture specs need none).
    pub error_codes: Option<&'a str>,
    /// The crate to write; [`Target::CBR`] unless set.
    pub target: Target<'a>,
}

impl<'a> Inputs<'a> {
    /// The spec alone, for [`Target::CBR`].
    pub fn new(spec: &'a str) -> Self {
        Inputs {
            spec,
            error_codes: None,
            target: Target::CBR,
        }
    }

    /// Adds the error-code catalogue.
    pub fn with_error_codes(mut self, error_codes: &'a str) -> Self {
        self.error_codes = Some(error_codes);
        self
    }

    /// Writes another crate than [`Target::CBR`].
    pub fn with_target(mut self, target: Target<'a>) -> Self {
        self.target = target;
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

/// Path of the generated error-code enumeration in the published crate.
pub const ERROR_CODES_FILE: &str = "generated/src/error_codes.rs";

/// Generates every output file from the inputs: the spec's text, or an [`Inputs`] that also
/// holds the error-code catalogue and the target crate.
pub fn generate<'a>(inputs: impl Into<Inputs<'a>>) -> Result<Vec<GeneratedFile>, Error> {
    let inputs = inputs.into();
    let target = inputs.target;
    let api = parse_and_lower(inputs.spec)?;
    let catalogue = inputs
        .error_codes
        .map(emit_error_codes::parse)
        .transpose()?;
    let mut files = emit_crate(&api, catalogue.as_ref(), &target)?;
    if target.workspace_companions {
        files.push(files::rust_file(
            "tests/src/model_registry.rs",
            emit_test_registry::emit(&api),
        )?);
        files.extend(emit_fuzz_targets::emit(&api)?);
        files.push(files::json_spec(
            &target.spec_path.replace(".yaml", ".json"),
            inputs.spec,
        )?);
    }
    Ok(files)
}

/// Parses and lowers the spec without emitting anything.
pub fn parse_and_lower(spec_yaml: &str) -> Result<model::Api, Error> {
    lower::lower(&parse(spec_yaml)?)
}

/// Parses the spec: a YAML syntax error, or a document of the wrong shape, is an error with
/// its line.
fn parse(spec_yaml: &str) -> Result<openapiv3::OpenAPI, Error> {
    serde_yaml::from_str(spec_yaml).map_err(|e| {
        // Tell a YAML syntax error from a document of the wrong shape.
        match serde_yaml::from_str::<serde_yaml::Value>(spec_yaml) {
            Ok(_) => Error::not_openapi(&e),
            Err(syntax) => Error::from_yaml(&syntax),
        }
    })
}

/// The files of the crate `target`: its Rust sources and `API.txt`, which is read from the
/// emitted Rust files, so it lists exactly what they make public.
fn emit_crate(
    api: &model::Api,
    catalogue: Option<&emit_error_codes::Catalogue>,
    target: &Target<'_>,
) -> Result<Vec<GeneratedFile>, Error> {
    let path = |file: &str| target.file(file);
    let mock_path = path("src/mock.rs");
    let (root_path, models_path, serde_path, operations_path, waiters_path, codes_path) = (
        path("src/lib.rs"),
        path("src/models.rs"),
        path("src/models/serde_impls.rs"),
        path("src/operations.rs"),
        path("src/waiters.rs"),
        path("src/error_codes.rs"),
    );
    let emitted_models = emit_types::emit(api)?;
    let root = files::parse(&root_path, emit_crate_root::emit(api, target))?;
    let models = files::parse(&models_path, emitted_models.types)?;
    let serde_impls = files::parse(&serde_path, emitted_models.serde_impls)?;
    let operations = files::parse(&operations_path, emit_operations::emit(api)?)?;
    let waiters = files::parse(&waiters_path, emit_waiters::emit(&api.waiters))?;
    let mock = files::parse(&mock_path, emit_mock::emit(api))?;
    let error_codes = catalogue
        .map(|catalogue| files::parse(&codes_path, emit_error_codes::emit(catalogue)))
        .transpose()?;
    let listed_file = |module, file, path| ListedFile { module, file, path };
    let mut listed = vec![
        listed_file("", &root, &root_path),
        listed_file("operations", &operations, &operations_path),
        listed_file("waiters", &waiters, &waiters_path),
        listed_file("models", &models, &models_path),
        listed_file("models", &serde_impls, &serde_path),
    ];
    // `mock` (behind the `test-util` feature) is left out: its rule constructors sit in a
    // nested module, which the listing does not read, and they mirror the operations.
    // `error_codes` is private: the crate re-exports `ErrorCode` at its root.
    listed.extend(
        error_codes
            .as_ref()
            .map(|file| listed_file("", file, &codes_path)),
    );
    let listing = emit_api_listing::emit(&listed, &Notes::new(api, catalogue))?;
    let spec = target.spec_path;
    let mut files = vec![
        files::print_from(&root_path, spec, &root),
        files::print_from(&models_path, spec, &models),
        files::print_from(&serde_path, spec, &serde_impls),
        files::print_from(&operations_path, spec, &operations),
        files::print_from(&waiters_path, spec, &waiters),
        files::print_from(&mock_path, spec, &mock),
        files::text_file_from(&path("API.txt"), spec, &listing),
    ];
    if let Some(file) = &error_codes {
        files.push(files::print_from(
            &codes_path,
            target.error_codes_path,
            file,
        ));
    }
    Ok(files)
}
