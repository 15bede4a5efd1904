//! Emits `mock.rs` (cargo feature `test-util`): typed mock rules, one constructor per
//! operation, over the runtime's `test_util`, and the clients that answer from them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit_operations::success_type;
use crate::emit_types::type_tokens;
use crate::model::{Api, Operation};
use crate::names::ident;
use crate::rustdoc;

/// The whole `mock.rs`.
pub fn emit(api: &Api) -> TokenStream {
    let constructors = api.operations.iter().map(emit_rule_constructor);
    let impls = api.operations.iter().map(emit_mock_operation);
    let first = api
        .operations
        .first()
        .map_or("an_operation", |operation| operation.method_name.as_str());
    let rule_docs = rustdoc::attrs(&[format!(
        "One rule builder per operation: `rule::{first}().then_output(…).build()`."
    )]);
    let docs = rustdoc::inner_attrs(
        "Testing without a network (cargo feature `test-util`): typed rules, one constructor per \
         operation in [`rule`], and clients that answer from them ([`client`], [`builder`]) or \
         from recorded responses ([`replay`]) instead of the network.\n\n\
         A rule matches its operation and, optionally, a predicate over the typed request \
         ([`RuleBuilder::match_requests`]); it answers with a typed success body \
         ([`RuleBuilder::then_output`]), an error response ([`RuleBuilder::then_error`]), a \
         transport fault ([`RuleBuilder::then_fault`]) or several of these in turn, at most \
         [`RuleBuilder::times`] times, and records the requests it answered \
         ([`Rule::requests`]). Calls go through the client as usual: validation, hooks, \
         signing, retries (their backoff on Tokio's clock, which a paused test clock runs in \
         virtual time), error mapping, paging and waiters. A request that no rule answers \
         fails with [`ConfigError::NoMockRule`](crate::ConfigError::NoMockRule), which names \
         the operation and lists each rule tried.",
    );
    // //! docs
    // use …; pub use rt::test_util::{…}; pub type MockApiError = …;
    // pub fn builder(mock) -> ClientBuilder; pub fn client(mock) -> Client; pub fn replay(…) -> Client
    // pub mod rule { pub fn op() -> RuleBuilder<operations::Op>; … }
    // impl MockOperation for operations::Op { … }
    quote! {
        #docs
        use huaweicloud_sdk_runtime as rt;
        use crate::{models, operations};

        pub use rt::test_util::{
            Fault, Mock, MockAnswer, MockRequest, MockRule, RecordedResponse, Rule, RuleBuilder,
            RuleMode, TypedRequest,
        };

        /// An error response for [`RuleBuilder::then_error`], with a typed
        /// [`ErrorCode`](crate::ErrorCode).
        pub type MockApiError = rt::test_util::MockApiError<crate::ErrorCode>;

        /// The project ID of a mock client.
        pub const PROJECT_ID: &str = "mock-project";

        /// A builder of a client that answers from `mock`, with a region, [`PROJECT_ID`] and a
        /// token set: change what the test needs (retries, timeouts, hooks) before building.
        pub fn builder(mock: Mock) -> crate::ClientBuilder {
            crate::Client::builder()
                .region("mock-region-1")
                .project_id(PROJECT_ID)
                .token("mock-token")
                .mock(mock)
        }

        /// A client that answers from `mock`; see [`builder`].
        pub fn client(mock: Mock) -> crate::Client {
            // Fixed, valid settings: building cannot fail.
            builder(mock).build().expect("a mock client's settings are valid")
        }

        /// A client that answers every request with the next of `responses`, in order,
        /// through the same response handling as a response from the network
        /// ([`decode_response`](crate::decode_response)); see [`Mock::replay`].
        pub fn replay(responses: impl IntoIterator<Item = RecordedResponse>) -> crate::Client {
            client(Mock::replay(responses))
        }

        #rule_docs
        pub mod rule {
            use super::{operations, RuleBuilder};
            #(#constructors)*
        }

        #(#impls)*
    }
}

fn emit_rule_constructor(operation: &Operation) -> TokenStream {
    let method = ident(&operation.method_name);
    let builder = ident(&operation.builder_name);
    let docs = rustdoc::attrs(&[format!(
        "A rule for [`Client::{0}`](crate::Client::{0}) (`{1} {2}`).",
        operation.method_name,
        operation.http_method.as_str(),
        operation.path
    )]);
    // pub fn list_vaults() -> RuleBuilder<operations::ListVaults> { RuleBuilder::new() }
    quote! {
        #docs
        pub fn #method() -> RuleBuilder<operations::#builder> {
            RuleBuilder::new()
        }
    }
}

fn emit_mock_operation(operation: &Operation) -> TokenStream {
    let builder = ident(&operation.builder_name);
    let body = match &operation.body {
        Some(body) => type_tokens(&body.ty, true),
        None => quote!(()),
    };
    let status = proc_macro2::Literal::u16_unsuffixed(operation.success.status);
    let path_params = operation.path_params.iter().map(|p| &p.name);
    let query_params = operation.query_params.iter().map(|p| &p.name);
    let output = success_type(operation);
    let success_body = match operation.success.body {
        // An in-memory model always serialises.
        Some(_) => quote!(serde_json::to_vec(output).unwrap_or_default()),
        None => quote!({
            let _ = output;
            Vec::new()
        }),
    };
    // impl MockOperation for operations::Op {
    //     type Body = models::B; const SUCCESS_STATUS: u16 = 200;
    //     const PATH_PARAMS = &["project_id"]; const QUERY_PARAMS = &["limit"];
    //     fn success_body(output: &models::T) -> Vec<u8> { serde_json::to_vec(output)… }
    // }
    quote! {
        impl rt::test_util::MockOperation for operations::#builder {
            type Body = #body;
            const SUCCESS_STATUS: u16 = #status;
            const PATH_PARAMS: &'static [&'static str] = &[#(#path_params),*];
            const QUERY_PARAMS: &'static [&'static str] = &[#(#query_params),*];

            fn success_body(output: &#output) -> Vec<u8> {
                #success_body
            }
        }
    }
}
