//! Emits `tests/src/model_registry.rs` for the test crate: the generated model of every schema
//! that has one, keyed by the schema's JSON pointer, so that tests find the type a payload is
//! read into from the spec alone (`#/components/schemas/Vault` → `models::Vault`).
//!
//! The file belongs to the test-support crate `cbr-tests`, not to the published client: it
//! names `huaweicloud_cbr::models` and the test crate's hand-written `crate::roundtrip`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Api;
use crate::names::ident;
use crate::rustdoc;

const TABLE_DOCS: &str = "Every schema with a generated model: its JSON pointer and the model's \
    name, in the order of `models.rs`.";

const OPERATIONS_DOCS: &str = "Every operation ID, in spec order.";

const CHECK_DOCS: &str = "Feeds `input` to the response handling of the operation \
    `operation_id` through the fuzzing harness (see [`check`]); `None` for an unknown \
    operation.";

const FUNCTION_DOCS: &str = "Reads `json` as the model of the schema at `pointer` and writes it \
    back (see [`through`]); `None` when that schema has no model of its own.";

/// The whole `model_registry.rs`.
pub fn emit(api: &Api) -> TokenStream {
    let docs = rustdoc::inner_attrs(
        "The generated model of every schema of the spec that has one (object schemas and\n\
         string enumerations, components and inline ones alike), by the schema's JSON pointer.\n\
         \n\
         The example and property tests read a payload into the model of its schema through\n\
         [`roundtrip`], so a schema added to the spec is covered without test code.",
    );
    let entries = api.types.iter().map(|def| {
        let (pointer, name) = (def.pointer.as_str(), def.rust_name());
        // ("#/components/schemas/Vault", "Vault"),
        quote!((#pointer, #name),)
    });
    let arms = api.types.iter().map(|def| {
        let (pointer, name) = (def.pointer.as_str(), def.rust_name());
        let ty = ident(name);
        // "#/components/schemas/Vault" => through::<models::Vault>("Vault", json),
        quote!(#pointer => through::<models::#ty>(#name, json),)
    });
    let operation_ids = api.operations.iter().map(|operation| &operation.id);
    let operation_arms = api.operations.iter().map(|operation| {
        let (id, builder) = (&operation.id, ident(&operation.builder_name));
        // "list_vaults" => check::<operations::ListVaults>(input),
        quote!(#id => check::<operations::#builder>(input),)
    });
    let operations_docs = rustdoc::attrs(&[OPERATIONS_DOCS.to_owned()]);
    let check_docs = rustdoc::attrs(&[CHECK_DOCS.to_owned()]);
    let table_docs = rustdoc::attrs(&[TABLE_DOCS.to_owned()]);
    let function_docs = rustdoc::attrs(&[FUNCTION_DOCS.to_owned()]);
    // //! docs
    // use huaweicloud_cbr::models; use crate::roundtrip::{through, Roundtrip};
    // pub const MODELS: &[(&str, &str)] = &[(pointer, name), …];
    // pub fn roundtrip(pointer, json) -> Option<Result<Roundtrip, String>> { match pointer { … } }
    // pub const OPERATIONS: &[&str] = &["list_vaults", …];
    // pub fn check_response(operation_id, input) -> Option<Result<(), Violation>> { match … }
    quote! {
        #docs

        use huaweicloud_cbr::{models, operations};

        use crate::response_harness::{check, ResponseInput, Violation};
        use crate::roundtrip::{through, Roundtrip};

        #table_docs
        pub const MODELS: &[(&str, &str)] = &[
            #(#entries)*
        ];

        #function_docs
        pub fn roundtrip(
            pointer: &str,
            json: &serde_json::Value,
        ) -> Option<Result<Roundtrip, String>> {
            Some(match pointer {
                #(#arms)*
                _ => return None,
            })
        }

        #operations_docs
        pub const OPERATIONS: &[&str] = &[#(#operation_ids),*];

        #check_docs
        pub fn check_response(
            operation_id: &str,
            input: &ResponseInput,
        ) -> Option<Result<(), Violation>> {
            Some(match operation_id {
                #(#operation_arms)*
                _ => return None,
            })
        }
    }
}
