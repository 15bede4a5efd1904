//! Emits `waiters.rs`: per waiter of `x-waiters` (lowered in `lower/waiters.rs`) a type
//! implementing the runtime's `WaitFor` and a `Client::wait_for_…` method; and the runtime's
//! waiter items under the crate's own names.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit_operations::{member_owned, member_ref};
use crate::model::Waiter;
use crate::names::ident;
use crate::runtime_names::runtime_import;
use crate::rustdoc::{self, code_span};

/// The whole `waiters.rs`.
pub fn emit(waiters: &[Waiter]) -> TokenStream {
    let docs = rustdoc::inner_attrs(&module_docs(waiters));
    let runtime = runtime_import();
    let items = waiters.iter().map(emit_waiter);
    // //! docs (a table of the waiters)
    // use huaweicloud_sdk_runtime as rt;
    // pub use rt::waiters::{…};  pub type WaitError<T> = …;
    // pub struct Finished;  impl WaitFor for Finished { … }  impl Client { pub fn wait_for_…() }
    quote! {
        #docs
        #runtime

        pub use rt::waiters::{WaitFor, Waiter, DEFAULT_MAX_POLL_INTERVAL, DEFAULT_MIN_POLL_INTERVAL};

        /// Why a wait ended without the state waited for; `T` is the polled resource.
        pub type WaitError<T> = rt::waiters::WaitError<T, crate::ErrorCode>;

        #(#items)*
    }
}

fn module_docs(waiters: &[Waiter]) -> String {
    let mut docs = String::from(
        "Waiters: poll a resource, with backoff, until it reaches a terminal state or the \
         caller's deadline passes. Generated from the spec's `x-waiters`.\n\n",
    );
    if waiters.is_empty() {
        docs.push_str("The spec defines no waiter.");
        return docs;
    }
    docs.push_str("| method | polls | success | failure states |\n|---|---|---|---|\n");
    for waiter in waiters {
        docs.push_str(&format!(
            "| [`Client::{method}`](crate::Client::{method}) | `{}` | {} | {} |\n",
            waiter.operation,
            states(&waiter.success),
            states(&waiter.failure),
            method = waiter.method_name,
        ));
    }
    docs.push_str(
        "\nEvery other state (including values the spec does not know) means \"not yet\". A \
         failing poll ends the wait with [`WaitError::Request`](rt::waiters::WaitError::Request); \
         each poll is one call, with the client's own retries.",
    );
    docs
}

fn states(states: &[String]) -> String {
    let spans: Vec<String> = states.iter().map(|s| code_span(s)).collect();
    spans.join(", ")
}

fn emit_waiter(waiter: &Waiter) -> TokenStream {
    let type_name = ident(&waiter.type_name);
    let method = ident(&waiter.method_name);
    let operation = ident(&waiter.operation);
    let id = ident(&waiter.id_param);
    let resource_type = ident(&waiter.resource_type);
    let resource = &waiter.resource;
    let success = &waiter.success;
    let failure = &waiter.failure;
    let fetched = member_owned(&quote!(body), &waiter.result);
    let request = match &waiter.project_setter {
        Some(setter) => {
            let setter = ident(setter);
            // let mut request = client.op(id);
            // if let Some(project_id) = project_id { request = request.project_id(project_id); }
            quote! {
                let mut request = client.#operation(id);
                if let Some(project_id) = project_id {
                    request = request.#setter(project_id);
                }
            }
        }
        // The operation has no project: there is nothing to set.
        None => quote! {
            let _ = project_id;
            let request = client.#operation(id);
        },
    };
    let state = member_ref(&quote!(output), &waiter.state);
    let failure_detail = waiter.failure_detail.as_ref().map(|detail| {
        let object = member_ref(&quote!(output), &detail.member);
        let code = member_ref(&quote!(detail), &detail.code);
        let message = member_ref(&quote!(detail), &detail.message);
        // fn failure_detail(output) -> Option<String> { code_and_message(code, message) }
        quote! {
            fn failure_detail(output: &Self::Output) -> Option<String> {
                let detail = #object?;
                rt::waiters::code_and_message(
                    #code.map(String::as_str),
                    #message.map(String::as_str),
                )
            }
        }
    });
    let failing = match failure.len() {
        0 => String::new(),
        _ => format!("; on {} the wait fails", states(failure)),
    };
    let type_docs = rustdoc::attrs(&[format!(
        "Waits for a {resource} to reach {}{failing}.",
        states(success)
    )]);
    let mut method_docs = vec![format!(
        "Waits until the {resource} `{}` reaches {}, polling [`{}`](Self::{}), for at most \
         `max_wait`. Returns the {resource} as last polled, or an error naming its failure \
         state or the deadline.",
        waiter.id_param,
        states(success),
        waiter.operation,
        waiter.operation,
    )];
    method_docs.extend(waiter.description.as_deref().map(rustdoc::escape));
    let method_docs = rustdoc::attrs(&method_docs);
    // pub struct Finished;
    // impl WaitFor for Finished { type Api; type Output; const …; fn fetch; fn state; fn failure_detail }
    // impl Client { pub fn wait_for_…(&self, id, max_wait) -> Waiter<Finished> }
    quote! {
        #type_docs
        #[derive(Debug, Clone, Copy)]
        pub struct #type_name;

        impl rt::waiters::WaitFor for #type_name {
            type Api = crate::Api;
            type Output = crate::models::#resource_type;
            const RESOURCE: &'static str = #resource;
            const SUCCESS: &'static [&'static str] = &[#(#success),*];
            const FAILURE: &'static [&'static str] = &[#(#failure),*];

            #[inline]
            fn fetch(
                client: &crate::Client,
                id: String,
                project_id: Option<String>,
            ) -> crate::ResponseFuture<Option<Self::Output>> {
                #request
                Box::pin(async move {
                    let body = request.send().await?;
                    Ok(#fetched)
                })
            }

            fn state(output: &Self::Output) -> Option<&str> {
                #state.map(|state| state.as_str())
            }

            #failure_detail
        }

        impl crate::Client {
            #method_docs
            pub fn #method(
                &self,
                #id: impl Into<String>,
                max_wait: std::time::Duration,
            ) -> Waiter<#type_name> {
                Waiter::new(self, #id.into(), max_wait)
            }
        }
    }
}
