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
        #[cfg(feature = "test-util")]
        #[rustfmt::skip]
        pub mod mock;

        pub use error_codes::ErrorCode;
        pub use operations::Service;
        pub use waiters::{WaitError, Waiter};
        pub use rt::{
            decode_response, pagination, reqwest, signing, tls_backend, AfterAttempt,
            AttemptErrorKind, Auth, AuthFuture, BeforeAttempt, BodyTooLargeError, ConfigError,
            CredentialSource, CredentialsChain, CredentialsError, DecodeError, DecodeErrorKind,
            EndpointProblem, HeaderMap, Hook, HookError, HookFuture, HookStage, Items,
            MetadataCredentials, Nullable, Operation, Pages, PaginationError, ProvideAuth, Proxy,
            RequestOptions, ResponseMetadata, RetryBudget, RetryConfig, Rule, StatusCode, Token,
            TransportError, TransportErrorKind, UnknownMembers, UnknownValue, Validation,
            ValidationError,
            DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY_SIZE,
            DEFAULT_METADATA_CONNECT_TIMEOUT, DEFAULT_METADATA_ENDPOINT,
            DEFAULT_METADATA_REFRESH_BEFORE, DEFAULT_METADATA_TIMEOUT, DEFAULT_TIMEOUT,
            ENV_ACCESS_KEY, ENV_CREDENTIALS_FILE, ENV_PROJECT_ID,
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
         // Region and project ID from HUAWEICLOUD_SDK_REGION, HUAWEICLOUD_SDK_PROJECT_ID; AK/SK\n\
         // from HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN),\n\
         // else ~/.huaweicloud/credentials, else the instance metadata service.\n\
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
        "Each call is a `tracing` span `{}` whose fields carry OpenTelemetry's \
         semantic-convention names (`http.request.method`, `url.template`, `server.address`, \
         `http.response.status_code`, `http.request.resend_count`, `error.type`, `rpc.method`, \
         `cloud.region`, the request ID as `http.response.header.x-request-id`; the list is \
         `CALL_SPAN_FIELDS` of the runtime), so `tracing-opentelemetry` exports it as a \
         standard HTTP client span.\n\n",
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
    page.push_str(&call_features(api, krate));
    page.push_str(
        "# Types\n\n\
         - Members a response may leave out or send as `null` are [`Nullable`]; optional \
         request members are `Option`. Members the spec does not list are kept in \
         `unknown_members`.\n\
         - Enumerations have an `Unknown` variant holding an [`UnknownValue`], so a value added \
         by a newer service does not break decoding; `match` them with a wildcard arm.\n\
         - Request bodies are checked against the documented constraints before they are sent \
         ([`ValidationError`]); an enumeration value the spec does not list is sent with a \
         `tracing` warning, because the service accepts values added after its documents \
         ([`ClientBuilder::validation`] makes that an error, or switches checking off).",
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
        let regions = service.regions.iter().map(|region| {
            let (id, endpoint) = (&region.id, &region.endpoint);
            // rt::RegionDef { id: "ap-southeast-1", endpoint: "https://…" }
            quote!(rt::RegionDef { id: #id, endpoint: #endpoint })
        });
        // rt::ServiceDef { service: Service::Cbr, name: "Cbr", url_template: "https://…", regions: &[…] }
        quote! {
            rt::ServiceDef {
                service: Service::#variant,
                name: #name,
                url_template: #template,
                regions: &[#(#regions),*],
            }
        }
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

            // The fields of rt::CALL_SPAN_FIELDS, named as OpenTelemetry's conventions name them.
            fn call_span(call: &rt::CallInfo<'_>) -> rt::tracing::Span {
                rt::tracing::info_span!(
                    #span,
                    otel.name = %format_args!("{} {}", call.method, call.path_template),
                    otel.kind = "client",
                    otel.status_code = rt::tracing::field::Empty,
                    rpc.service = call.service,
                    rpc.method = call.operation,
                    http.request.method = %call.method,
                    url.template = call.path_template,
                    url.full = rt::tracing::field::Empty,
                    server.address = call.server_address,
                    server.port = call.server_port,
                    cloud.region = call.region,
                    http.request.resend_count = rt::tracing::field::Empty,
                    http.response.status_code = rt::tracing::field::Empty,
                    "http.response.header.x-request-id" = rt::tracing::field::Empty,
                    error.type = rt::tracing::field::Empty,
                    auth = rt::tracing::field::Empty,
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

            /// How requests are validated before they are sent.
            pub fn validation(&self) -> Validation {
                self.0.validation()
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

/// The sections on per-call settings, hooks and testing without a network, each with a short
/// example on the quick start's listing.
fn call_features(api: &Api, krate: &str) -> String {
    let Some(method) = simple_listing(api).map(|operation| operation.method_name.as_str()) else {
        return String::new();
    };
    format!(
        "# Settings of one call\n\n\
         Every request builder takes [`RequestOptions`] through its `options` method: the \
         timeouts, the retry configuration, request validation, extra headers (checked and \
         signed like the others), the endpoint and the project ID of that call alone; what it \
         does not set is the client's.\n\n\
         ```no_run\n\
         # async fn run(client: {krate}::Client) -> Result<(), {krate}::Error> {{\n\
         use std::time::Duration;\n\
         use {krate}::{{RequestOptions, RetryConfig}};\n\n\
         let options = RequestOptions::new()\n    \
             .with_timeout(Duration::from_secs(5))\n    \
             .with_retry_config(RetryConfig::standard().with_max_attempts(1))\n    \
             .with_header(\"X-Trace-Id\", \"4bf92f35\");\n\
         let page = client.{method}().options(options).await?;\n\
         # let _ = page;\n\
         # Ok(())\n\
         # }}\n\
         ```\n\n\
         # Hooks\n\n\
         A [`Hook`] registered with [`ClientBuilder::hook`] runs before every attempt (it sees \
         the operation, the attempt number and the request, and may add headers, which are \
         then signed) and after it (status, headers, request ID, duration, [`AttemptErrorKind`]; \
         never a credential). Its methods return boxed futures, so it may await, to renew a \
         token for instance; a failing hook is [`Error::Hook`].\n\n\
         ```\n\
         use std::sync::atomic::{{AtomicU64, Ordering}};\n\
         use {krate}::{{AfterAttempt, Hook, HookFuture}};\n\n\
         #[derive(Default)]\n\
         struct CountAttempts(AtomicU64);\n\n\
         impl Hook for CountAttempts {{\n    \
             fn after_attempt<'a>(&'a self, attempt: &'a AfterAttempt<'_>) -> HookFuture<'a> {{\n        \
                 self.0.fetch_add(1, Ordering::Relaxed);\n        \
                 let _ = (attempt.operation, attempt.status, attempt.duration);\n        \
                 Box::pin(async {{ Ok(()) }})\n    \
             }}\n\
         }}\n\
         # let _ = {krate}::Client::builder().hook(CountAttempts::default());\n\
         ```\n\n\
         # Testing without a network\n\n\
         With the cargo feature `test-util` (off by default; it adds no dependency), the \
         `mock` module builds typed rules, one constructor per operation, and a client that \
         answers from them instead of the network. Calls go through the same request \
         builders, validation, hooks, signing, retries, error mapping, paging and waiters; a \
         rule matches its operation and optionally a predicate over the typed request, \
         answers with a typed body, an API error, a transport fault or a sequence of these, \
         may be limited in uses, and records what it answered. A request no rule answers is \
         [`ConfigError::NoMockRule`], naming the operation and each rule tried; \
         `mock::replay` answers from recorded raw responses.\n\n\
         ```\n\
         # #[cfg(feature = \"test-util\")]\n\
         # async fn run() -> Result<(), {krate}::Error> {{\n\
         use {krate}::mock::{{self, rule, Mock, MockApiError}};\n\
         use {krate}::ErrorCode;\n\n\
         let listing = rule::{method}()\n    \
             .then_error(MockApiError::new(503, ErrorCode::from(\"Busy\"), \"try later\"))\n    \
             .then_output(Default::default())\n    \
             .build();\n\
         let client = mock::client(Mock::new().with_rule(&listing));\n\
         client.{method}().await?; // retried once after the 503\n\
         assert_eq!(listing.uses(), 2);\n\
         # Ok(())\n\
         # }}\n\
         ```\n\n"
    )
}

/// The first operation that pages and needs no argument: a listing that works in any project.
fn simple_listing(api: &Api) -> Option<&crate::model::Operation> {
    let needs_nothing = |operation: &&crate::model::Operation| {
        operation.path_params.iter().all(|p| p.from_client)
            && operation.query_params.iter().all(|p| !p.required)
            && operation.body.as_ref().is_none_or(|body| !body.required)
    };
    api.operations
        .iter()
        .filter(|operation| operation.paging.is_some())
        .find(needs_nothing)
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
