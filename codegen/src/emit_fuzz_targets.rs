//! Emits the fuzzing crate's target list: one coverage-guided fuzz target per operation
//! (`fuzz/fuzz_targets/<operation_id>.rs`), each feeding arbitrary responses to that
//! operation's response handling, and `fuzz/Cargo.toml`, which must name every target as a
//! binary for `cargo fuzz` to find it.
//!
//! The harness the targets call (`fuzz/src/`) is written by hand; only what follows the
//! spec's list of operations is generated, so that an operation added to the spec is fuzzed
//! without anyone remembering to add a target.

use crate::error::Error;
use crate::files::{self, GeneratedFile};
use crate::model::{Api, Operation};

/// The manifest, up to the list of targets.
const MANIFEST_HEAD: &str = r#"# The fuzz targets of the client's response handling: `cargo xtask fuzz` runs them with
# cargo-fuzz (libFuzzer). A crate of its own, outside the main workspace, because it is built
# with coverage instrumentation and links libFuzzer.
[package]
name = "cbr-fuzz"
version = "0.0.0"
publish = false
edition = "2021"

[package.metadata]
cargo-fuzz = true

[dependencies]
huaweicloud-cbr = { path = "../generated", default-features = false }
libfuzzer-sys = "0.4"
serde = "1"
serde_json = "1"

[workspace]
members = ["."]

[profile.release]
debug = 1
"#;

/// Every fuzz file: the manifest, then one target per operation, in spec order.
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, Error> {
    let mut out = vec![files::text_file("fuzz/Cargo.toml", &manifest(api))];
    for operation in &api.operations {
        out.push(target(operation)?);
    }
    Ok(out)
}

/// `fuzz/Cargo.toml`: the fixed head and a `[[bin]]` per target.
fn manifest(api: &Api) -> String {
    let mut text = MANIFEST_HEAD.to_owned();
    for operation in &api.operations {
        let id = &operation.id;
        text.push_str(&format!(
            "\n[[bin]]\nname = \"{id}\"\npath = \"fuzz_targets/{id}.rs\"\ntest = false\n\
             doc = false\nbench = false\n"
        ));
    }
    text
}

/// One target's source. Written as text, not through `quote!` and prettyplease: the body is a
/// macro call, which prettyplease prints as raw tokens.
fn target(operation: &Operation) -> Result<GeneratedFile, Error> {
    let path = format!("fuzz/fuzz_targets/{}.rs", operation.id);
    let source = format!(
        "//! Fuzzes the response handling of `{id}`: any status, headers and body go through\n\
         //! `huaweicloud_cbr::decode_response`, which must give a value or a typed error.\n\
         #![no_main]\n\
         \n\
         libfuzzer_sys::fuzz_target!(|data: &[u8]| {{\n\
         \x20   cbr_fuzz::run::<huaweicloud_cbr::operations::{builder}>(data);\n\
         }});\n",
        id = operation.id,
        builder = operation.builder_name,
    );
    files::rust_source(&path, &source)
}
