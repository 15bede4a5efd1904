//! Emits `lib.rs`: the crate's front page (from the spec's `info` and the model), its modules,
//! the runtime's items under the crate's own names, the `Api` type that tells the runtime about
//! the service, and the `Client` that wraps the runtime's.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Api;
use crate::names::ident;
use crate::runtime_names::runtime_import;
use crate::rustdoc;
use crate::target::Target;

/// The whole `lib.rs`.
pub fn emit(api: &Api, target: &Target<'_>) -> TokenStream {
    let docs = rustdoc::inner_attrs(&front_page(api, target));
    let runtime = runtime_import();
    let api_impl = emit_api_impl(api);
    let client = emit_client();
    // //! front page
    // #![deny(missing_docs)]
    // use huaweicloud_sdk_runtime as rt;
    // #![cfg_attr(rustfmt, rustfmt::skip)]
    // #[rustfmt::skip] mod error_codes; pub mod models; pub mod operations; pub mod waiters;
    // pub use …; pub type Error = rt::Error<ErrorCode>; …
    // pub struct Api; impl ServiceApi for Api { … }
    // pub struct Client(rt::Client<Api>); impl Client { … }
    quote! {
        #docs
        #![deny(missing_docs)]
        // Every file of the crate is printed by prettyplease; rustfmt formats files marked
        // `@generated` too (its `format_generated_files` defaults to true), so it skips this
        // file and each module.
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #runtime

        #[rustfmt::skip]
        mod error_codes;
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        pub mod waiters;

        pub use error_codes::ErrorCode;
        pub use operations::Service;
        pub use waiters::{WaitError, Waiter};
        pub use rt::{
            decode_response, pagination, reqwest, signing, tls_backend, Auth, AuthFuture,
            BodyTooLargeError, ConfigError, CredentialsError, DecodeError, DecodeErrorKind,
            EndpointProblem, HeaderMap, Items, Nullable, Operation, Pages, PaginationError,
            ProvideAuth, ResponseMetadata, RetryBudget, RetryConfig, Rule, StatusCode, Token,
            TransportError, TransportErrorKind, UnknownMembers, UnknownValue, ValidationError,
            DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY_SIZE,
            DEFAULT_TIMEOUT, ENV_ACCESS_KEY, ENV_PROJECT_ID,
            ENV_REGION, ENV_SECRET_KEY, ENV_SECURITY_TOKEN, SNIPPET_LIMIT,
        };

        /// Everything that can go wrong when building the client or sending a request; API
        /// errors carry an [`ErrorCode`].
        pub type Error = rt::Error<ErrorCode>;

        /// An error response of the service, with its typed [`ErrorCode`].
        pub type ApiError = rt::ApiError<ErrorCode>;

        /// A call that ran out of its overall deadline ([`ClientBuilder::call_timeout`]), with
        /// what its last attempt saw.
        pub type DeadlineError = rt::DeadlineError<ErrorCode>;

        /// The future of a request builder awaited directly (its `IntoFuture`).
        pub type ResponseFuture<T> = rt::ResponseFuture<T, ErrorCode>;

        /// Configures and builds a [`Client`].
        pub type ClientBuilder = rt::ClientBuilder<Api>;

        /// The `User-Agent` of every request: this crate and its version.
        pub const DEFAULT_USER_AGENT: &str =
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        #api_impl
        #client
    }
}

fn front_page(api: &Api, target: &Target<'_>) -> String {
    let info = &api.info;
    let waiters = &api.waiters;
    let krate = target.crate_name;
    let mut page = format!("{}\n\n", rustdoc::escape(&info.title));
    if let Some(description) = &info.description {
        page.push_str(&format!("{}\n\n", rustdoc::escape(description.trim())));
    }
    page.push_str(&format!(
        "Generated from `{}` by `cargo xtask codegen`: the [`models`], the [`operations`] (one \
         [`Client`] method each, returning a request builder), the [`waiters`] and \
         [`ErrorCode`] (from `{}`). The client itself (configuration, AK/SK signing, retries, \
         errors, paging, [`Nullable`]) is the `huaweicloud-sdk-runtime` crate, whose items \
         this crate re-exports.\n\n",
        target.spec_path, target.error_codes_path
    ));
    page.push_str(&format!(
        "# Quick start\n\n\
         ```no_run\n\
         use {krate}::{{ClientBuilder, Error}};\n\n\
         # async fn run() -> Result<(), Error> {{\n\
         // Region, project ID and AK/SK from HUAWEICLOUD_SDK_REGION, HUAWEICLOUD_SDK_PROJECT_ID,\n\
         // HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN).\n\
         let client = ClientBuilder::from_env().build()?;\n\
         // Every operation is a method returning a request builder: set optional parameters,\n\
         // then await it, or call `send_with_metadata` for the status, request ID and headers.\n\
         {call}\
         # Ok(())\n\
         # }}\n\
         ```\n\n",
        call = quick_start_call(api),
    ));
    page.push_str(
        "# Configuration, errors, retries, logs\n\n\
         [`ClientBuilder`] takes a region (from which each [`Service`]'s endpoint is derived) \
         or explicit base URLs, the project ID, credentials ([`ClientBuilder::token`], \
         [`ClientBuilder::ak_sk`] or a refreshing [`ProvideAuth`]), timeouts, the \
         [`RetryConfig`] and optionally a `reqwest::Client` of your own. Every failure is an \
         [`Error`]; [`Error::is_retryable`] says whether trying again may help, and the client \
         itself retries throttled and unavailable responses of idempotent requests. No `Debug` \
         output, error message or log line contains a credential.\n\n",
    );
    page.push_str(&format!(
        "Each call is a `tracing` span `{}` with the operation, method, path template, \
         authentication scheme, attempt and status.\n\n",
        span_name(api)
    ));
    let pageable: Vec<String> = api
        .operations
        .iter()
        .filter(|operation| operation.paging.is_some())
        .map(|operation| format!("`{}`", operation.method_name))
        .collect();
    page.push_str("# Pagination and waiters\n\n");
    if pageable.is_empty() {
        page.push_str("No operation of this API pages. ");
    } else {
        page.push_str(&format!(
            "The builders of {} have `into_pages()` and `into_items()`: streams over every \
             page ([`pagination`]). ",
            pageable.join(", ")
        ));
    }
    let waiting: Vec<String> = waiters
        .iter()
        .map(|waiter| format!("[`Client::{0}`]", waiter.method_name))
        .collect();
    if waiting.is_empty() {
        page.push_str("The spec defines no waiter.\n\n");
    } else {
        page.push_str(&format!(
            "{} poll until a terminal state or a deadline ([`waiters`]).\n\n",
            waiting.join(", ")
        ));
    }
    page.push_str(
        "# Types\n\n\
         - Members a response may leave out or send as `null` are [`Nullable`]; optional \
         request members are `Option`. Members the spec does not list are kept in \
         `unknown_members`.\n\
         - Enumerations have an `Unknown` variant holding an [`UnknownValue`], so a value added \
         by a newer service does not break decoding; `match` them with a wildcard arm.\n\
         - Request bodies are checked against the documented constraints before they are sent \
         ([`ValidationError`]); [`ClientBuilder::validate_requests`] switches that off.",
    );
    page
}

/// The name of the span of a call: the default service's name, then `.call` (`cbr.call`).
fn span_name(api: &Api) -> String {
    let service = api
        .services
        .first()
        .map_or("api".to_owned(), |service| service.rust_name.to_lowercase());
    format!("{service}.call")
}

fn emit_api_impl(api: &Api) -> TokenStream {
    let services = api.services.iter().map(|service| {
        let variant = ident(&service.rust_name);
        let name = &service.rust_name;
        let template = &service.url_template;
        // rt::ServiceDef { service: Service::Cbr, name: "Cbr", url_template: "https://…" }
        quote!(rt::ServiceDef { service: Service::#variant, name: #name, url_template: #template })
    });
    let span = span_name(api);
    // pub struct Api;
    // impl ServiceApi for Api { type ErrorCode; type Service; type Client; const SERVICES; … }
    // impl ServiceErrorCode for ErrorCode { fn as_str; fn handling }
    quote! {
        /// This API as the runtime sees it: its endpoints, error codes, client and user agent.
        /// Names the API in the runtime's generic items; users rarely need it.
        #[derive(Debug, Clone, Copy)]
        pub struct Api;

        impl rt::ServiceApi for Api {
            type ErrorCode = ErrorCode;
            type Service = Service;
            type Client = Client;
            const SERVICES: &'static [rt::ServiceDef<Service>] = &[#(#services),*];
            const USER_AGENT: &'static str = DEFAULT_USER_AGENT;

            fn call_span(call: &rt::CallInfo<'_>) -> rt::tracing::Span {
                rt::tracing::info_span!(
                    #span,
                    operation = call.operation,
                    method = %call.method,
                    path = call.path_template,
                    auth = rt::tracing::field::Empty,
                    attempt = rt::tracing::field::Empty,
                    status = rt::tracing::field::Empty,
                )
            }
        }

        impl rt::ServiceErrorCode for ErrorCode {
            fn as_str(&self) -> &str {
                ErrorCode::as_str(self)
            }

            fn handling(&self) -> Option<&'static str> {
                ErrorCode::handling(self)
            }
        }
    }
}

/// The `Client`: the runtime's, wrapped so that operations and waiters can be its methods. It
/// delegates every public method of the runtime's `Client` (see
/// [`RESERVED_CLIENT_METHODS`](crate::runtime_names::RESERVED_CLIENT_METHODS)).
fn emit_client() -> TokenStream {
    // #[derive(Clone)] pub struct Client(rt::Client<Api>);
    // impl Debug, From<rt::Client<Api>>; impl Client { pub fn builder(); delegations }
    quote! {
        /// The client of the API. Cheap to clone: clones share one connection pool and
        /// configuration.
        ///
        /// Build it with [`Client::builder`] (or [`ClientBuilder::from_env`]); every operation
        /// is a method returning a request builder (see the [`operations`] module).
        #[derive(Clone)]
        pub struct Client(rt::Client<Api>);

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl From<rt::Client<Api>> for Client {
            fn from(client: rt::Client<Api>) -> Self {
                Client(client)
            }
        }

        impl Client {
            /// A builder with nothing set, request validation on and the default retry policy.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The project ID used by operations whose path has one, unless a request sets its
            /// own.
            pub fn project_id(&self) -> Option<&str> {
                self.0.project_id()
            }

            /// The region the endpoints were derived from, if one was set.
            pub fn region(&self) -> Option<&str> {
                self.0.region()
            }

            /// The base URL requests to `service` go to.
            pub fn endpoint(&self, service: Service) -> &str {
                self.0.endpoint(service)
            }

            /// The retry policy.
            pub fn retry_config(&self) -> &RetryConfig {
                self.0.retry_config()
            }

            /// The time allowed for one attempt.
            pub fn timeout(&self) -> std::time::Duration {
                self.0.timeout()
            }

            /// The largest response body the client reads, in bytes.
            pub fn max_response_body_size(&self) -> usize {
                self.0.max_response_body_size()
            }

            /// Whether requests are validated before they are sent.
            pub(crate) fn validates_requests(&self) -> bool {
                self.0.validates_requests()
            }

            /// The project ID of a request: its own, or else the client's.
            pub(crate) fn resolve_project_id(&self, own: Option<String>) -> Result<String, Error> {
                self.0.resolve_project_id(own)
            }

            /// Sends a request through the runtime: retries, signing, logging, error decoding.
            pub(crate) async fn execute(
                &self,
                request: rt::Request<Service>,
            ) -> Result<rt::RawResponse, Error> {
                self.0.execute(request).await
            }
        }
    }
}

/// The quick start's call: the first operation that pages and needs no argument (a listing
/// that works in any project), or none.
fn quick_start_call(api: &Api) -> String {
    let needs_nothing = |operation: &&crate::model::Operation| {
        operation.path_params.iter().all(|p| p.from_client)
            && operation.query_params.iter().all(|p| !p.required)
            && operation.body.as_ref().is_none_or(|body| !body.required)
    };
    match api
        .operations
        .iter()
        .filter(|operation| operation.paging.is_some())
        .find(needs_nothing)
    {
        Some(operation) => format!(
            "let first_page = client.{}().await?;\n# let _ = first_page;\n",
            operation.method_name
        ),
        None => "# let _ = client;\n".to_owned(),
    }
}
