//! Emits `operations.rs`: the `Service` enum, and per operation a `Client` method returning a
//! request builder that is sent with `.await`, `send()` or `send_with_metadata()`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit_types::{checks_param, type_tokens, value_checks};
use crate::error::Error;
use crate::model::{
    Api, ErrorFormat, MemberRef, Operation, Paging, PagingMode, Param, PathPart, Presence, Service,
    TypeRef,
};
use crate::names::ident;
use crate::rustdoc::{self, code_span};

/// The whole `operations.rs`.
pub fn emit(api: &Api) -> Result<TokenStream, Error> {
    let services = emit_services(&api.services);
    let methods: Vec<TokenStream> = api.operations.iter().map(emit_client_method).collect();
    // impl Client { pub fn op(…) -> Op; … }
    let client = if methods.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            impl crate::Client {
                #(#methods)*
            }
        }
    };
    let mut operations = Vec::new();
    for operation in &api.operations {
        operations.push(emit_operation(api, operation)?);
    }
    let docs = "The operations of the API: one `Client` method per operation, each returning a \
        request builder.\n\nSet optional parameters on the builder, then `.await` it (or call \
        `send`) for the success body, or call `send_with_metadata` for the body with the status, \
        request ID and headers.";
    let docs = rustdoc::inner_attrs(docs);
    let runtime = (!operations.is_empty()).then(crate::runtime_names::runtime_import);
    // //! docs
    // use huaweicloud_sdk_runtime as rt;
    // use crate::models;
    // pub enum Service { … }
    // impl Client { pub fn op(…) -> Op; … }
    // pub struct Op { … }  impl Op { … }  impl IntoFuture for Op  …
    Ok(quote! {
        #docs
        #runtime
        use crate::models;

        #services
        #client
        #(#operations)*
    })
}

fn emit_services(services: &[Service]) -> TokenStream {
    let names: Vec<_> = services.iter().map(|s| ident(&s.rust_name)).collect();
    let templates: Vec<&String> = services.iter().map(|s| &s.url_template).collect();
    let docs = services.iter().map(|service| {
        let mut paragraphs = Vec::new();
        paragraphs.extend(service.description.as_deref().map(rustdoc::escape));
        paragraphs.push(format!(
            "URL template: {}.",
            code_span(&service.url_template)
        ));
        rustdoc::attrs(&paragraphs)
    });
    let region_ids: Vec<Vec<&String>> = services
        .iter()
        .map(|service| service.regions.iter().map(|region| &region.id).collect())
        .collect();
    // #[non_exhaustive] pub enum Service { Cbr, Vbs }
    // impl Service { pub const ALL; pub fn url_template(self); pub fn regional_endpoint(self, region); pub fn regions(self) }
    quote! {
        /// A service endpoint; every operation is sent to one of them. The client derives each
        /// endpoint from its region unless one is set with `ClientBuilder::endpoint`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Service {
            #(#docs #names,)*
        }

        impl Service {
            /// Every service; the first is the default of the spec.
            pub const ALL: &'static [Service] = &[#(Service::#names),*];

            /// The endpoint's URL template, with `{region}` in it.
            pub fn url_template(self) -> &'static str {
                match self {
                    #(Service::#names => #templates,)*
                }
            }

            /// The endpoint in `region` (the URL template with `{region}` replaced).
            pub fn regional_endpoint(self, region: &str) -> String {
                self.url_template().replace("{region}", region)
            }

            /// The IDs of the regions the spec lists for the service (its `x-regions`), sorted.
            /// The client accepts other IDs too: regions open before a catalogue lists them.
            pub fn regions(self) -> &'static [&'static str] {
                match self {
                    #(Service::#names => &[#(#region_ids),*],)*
                }
            }
        }
    }
}

/// How a parameter is taken as an argument and stored in the builder.
struct ParamTypes {
    /// The argument type (`impl Into<String>`).
    argument: TokenStream,
    /// The stored type (`String`).
    stored: TokenStream,
    /// Converts the argument `value` into the stored type; `None` when it is stored as is.
    convert: Option<TokenStream>,
}

fn param_types(param: &Param, value: &TokenStream) -> ParamTypes {
    match &param.ty {
        TypeRef::String => ParamTypes {
            argument: quote!(impl Into<String>),
            stored: quote!(String),
            convert: Some(quote!(#value.into())),
        },
        TypeRef::Array(item) if **item == TypeRef::String => ParamTypes {
            argument: quote!(impl IntoIterator<Item = impl Into<String>>),
            stored: quote!(Vec<String>),
            convert: Some(quote!(#value.into_iter().map(Into::into).collect())),
        },
        TypeRef::Array(item) => {
            let item = type_tokens(item, true);
            ParamTypes {
                argument: quote!(impl IntoIterator<Item = #item>),
                stored: quote!(Vec<#item>),
                convert: Some(quote!(#value.into_iter().collect())),
            }
        }
        ty => {
            let ty = type_tokens(ty, true);
            ParamTypes {
                argument: ty.clone(),
                stored: ty,
                convert: None,
            }
        }
    }
}

/// Parameters that are arguments of the `Client` method: path parameters not filled from the
/// client, and required query parameters.
fn arguments(operation: &Operation) -> impl Iterator<Item = &Param> {
    let path = operation.path_params.iter().filter(|p| !p.from_client);
    let query = operation.query_params.iter().filter(|p| p.required);
    path.chain(query)
}

pub(crate) fn success_type(operation: &Operation) -> TokenStream {
    match &operation.success.body {
        Some(ty) => type_tokens(ty, true),
        None => quote!(()),
    }
}

/// The request builder of an operation and its impls.
fn emit_operation(api: &Api, operation: &Operation) -> Result<TokenStream, Error> {
    let builder = emit_builder(api, operation)?;
    let pagination = operation
        .paging
        .as_ref()
        .map(|paging| emit_pagination(operation, paging))
        .unwrap_or_default();
    Ok(quote!(#builder #pagination))
}

/// `Option<&T>` of a member of `value`, whatever its presence class.
pub(crate) fn member_ref(value: &TokenStream, member: &MemberRef) -> TokenStream {
    let name = ident(&member.rust_name);
    match member.presence {
        Presence::OptionalNullable => quote!(#value.#name.value()),
        Presence::Optional | Presence::RequiredNullable => quote!(#value.#name.as_ref()),
        Presence::Required => quote!(Some(&#value.#name)),
    }
}

/// `Option<T>` of a member of `value`, taken out of it.
pub(crate) fn member_owned(value: &TokenStream, member: &MemberRef) -> TokenStream {
    let name = ident(&member.rust_name);
    match member.presence {
        Presence::OptionalNullable => quote!(#value.#name.into_option()),
        Presence::Optional | Presence::RequiredNullable => quote!(#value.#name),
        Presence::Required => quote!(Some(#value.#name)),
    }
}

/// `Option<i64>` of an integer member or field.
fn integer(option: TokenStream, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::I32 => quote!(#option.copied().map(i64::from)),
        _ => quote!(#option.copied()),
    }
}

/// `into_pages`/`into_items` on the builder, and its `Paginate` impl.
fn emit_pagination(operation: &Operation, paging: &Paging) -> TokenStream {
    let builder = ident(&operation.builder_name);
    let page = ident(&paging.page);
    let item = ident(&paging.item);
    let operation_id = &operation.id;
    let page_value = quote!(page);
    let item_value = quote!(item);
    let limit = ident(&paging.limit.rust_name);
    let page_size = match paging.limit.ty {
        TypeRef::I32 => quote!(self.#limit.map(i64::from)),
        _ => quote!(self.#limit),
    };
    let start_offset = match &paging.offset {
        Some(offset) => {
            let name = ident(&offset.rust_name);
            match offset.ty {
                TypeRef::I32 => quote!(self.#name.map(i64::from)),
                _ => quote!(self.#name),
            }
        }
        None => quote!(None),
    };
    let set_offset = paging.offset.as_ref().map(|offset| {
        let name = ident(&offset.rust_name);
        match offset.ty {
            // self.offset = Some(i32::try_from(offset).unwrap_or(i32::MAX));
            TypeRef::I32 => quote!(self.#name = Some(i32::try_from(offset).unwrap_or(i32::MAX));),
            // self.offset = Some(offset);
            _ => quote!(self.#name = Some(offset);),
        }
    });
    let clear_offset = paging.offset.as_ref().map(|offset| {
        let name = ident(&offset.rust_name);
        quote!(self.#name = None;)
    });
    let set_marker = paging.marker.as_ref().map(|marker| {
        let name = ident(&marker.rust_name);
        quote!(self.#name = Some(marker); #clear_offset)
    });
    let at_offset = match &set_offset {
        Some(set) => quote!(rt::pagination::Position::Offset(offset) => { #set }),
        None => quote!(rt::pagination::Position::Offset(_) => {}),
    };
    let at_marker = match &set_marker {
        Some(set) => quote!(rt::pagination::Position::Marker(marker) => { #set }),
        None => quote!(rt::pagination::Position::Marker(_) => {}),
    };
    let total = match &paging.count {
        Some(count) => integer(member_ref(&page_value, count), &count.ty),
        None => quote!(None),
    };
    let reported = match &paging.reported_limit {
        Some(limit) => integer(member_ref(&page_value, limit), &limit.ty),
        None => quote!(None),
    };
    let items_ref = member_ref(&page_value, &paging.items);
    let items_owned = member_owned(&page_value, &paging.items);
    let marker_of = match &paging.item_id {
        Some(id) => {
            let id = member_ref(&item_value, id);
            quote!(#id.map(String::as_str))
        }
        None => quote!(None),
    };
    let mode = ident(paging.mode.as_str());
    let how = match paging.mode {
        PagingMode::Marker => "moving on by `marker`, the ID of the last item of a page",
        PagingMode::Offset => "moving on by `offset`",
    };
    let pages_doc = rustdoc::attrs(&[format!(
        "Every page of the listing, as a stream ([`Pages`](crate::Pages)), {how}. It starts \
             where this request does and stops at `count`, at a page shorter than the page size \
             or at an empty page."
    )]);
    let items_doc = rustdoc::attrs(&[format!(
        "Every [`{}`](crate::models::{}) of every page, as a stream ([`Items`](crate::Items)); \
         see [`into_pages`](Self::into_pages).",
        paging.item, paging.item
    )]);
    // A parameter the body does not use gets a leading underscore.
    let param = |name: &str, used: bool| {
        if used {
            ident(name)
        } else {
            ident(&format!("_{name}"))
        }
    };
    let total_page = param("page", paging.count.is_some());
    let reported_page = param("page", paging.reported_limit.is_some());
    let marker_item = param("item", paging.item_id.is_some());
    // impl Op { pub fn into_pages(self) -> Pages<Op>; pub fn into_items(self) -> Items<Op> }
    // impl Paginate for Op { type Page; type Item; const OPERATION; const MODE; fn …  }
    quote! {
        impl #builder {
            #pages_doc
            pub fn into_pages(self) -> crate::Pages<Self> {
                crate::Pages::new(self)
            }

            #items_doc
            pub fn into_items(self) -> crate::Items<Self> {
                crate::Items::new(self)
            }
        }

        impl rt::pagination::Paginate for #builder {
            type Page = models::#page;
            type Item = models::#item;
            const OPERATION: &'static str = #operation_id;
            const MODE: rt::pagination::PagingMode = rt::pagination::PagingMode::#mode;

            fn page_size(&self) -> Option<i64> {
                #page_size
            }

            fn start_offset(&self) -> Option<i64> {
                #start_offset
            }

            fn at_position(mut self, position: rt::pagination::Position) -> Self {
                match position {
                    #at_offset
                    #at_marker
                }
                self
            }

            #[inline]
            fn send_page(self) -> crate::ResponseFuture<Self::Page> {
                Box::pin(self.send())
            }

            fn total(#total_page: &Self::Page) -> Option<i64> {
                #total
            }

            fn reported_page_size(#reported_page: &Self::Page) -> Option<i64> {
                #reported
            }

            fn items(page: &Self::Page) -> &[Self::Item] {
                #items_ref.map(Vec::as_slice).unwrap_or_default()
            }

            fn into_items(page: Self::Page) -> Vec<Self::Item> {
                #items_owned.unwrap_or_default()
            }

            fn marker(#marker_item: &Self::Item) -> Option<&str> {
                #marker_of
            }
        }
    }
}

fn emit_client_method(operation: &Operation) -> TokenStream {
    let docs = rustdoc::attrs(&operation_paragraphs(operation));
    let method = ident(&operation.method_name);
    let builder = ident(&operation.builder_name);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for param in arguments(operation) {
        let name = ident(&param.rust_name);
        let ParamTypes {
            argument, convert, ..
        } = param_types(param, &quote!(#name));
        params.push(quote!(#name: #argument));
        inits.push(match convert {
            // name: name.into(),
            Some(convert) => quote!(#name: #convert,),
            // name,
            None => quote!(#name,),
        });
    }
    for param in &operation.path_params {
        if param.from_client {
            let name = ident(&param.rust_name);
            inits.push(quote!(#name: None,));
        }
    }
    for param in operation.query_params.iter().filter(|p| !p.required) {
        let name = ident(&param.rust_name);
        inits.push(quote!(#name: None,));
    }
    if let Some(body) = &operation.body {
        let ty = type_tokens(&body.ty, true);
        if body.required {
            params.push(quote!(body: #ty));
            inits.push(quote!(body,));
        } else {
            inits.push(quote!(body: None,));
        }
    }
    let allow = if params.len() > 6 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        TokenStream::new()
    };
    // /// docs
    // pub fn op(&self, id: impl Into<String>, …) -> Op { Op { client: self.clone(), … } }
    quote! {
        #docs
        #allow
        pub fn #method(&self, #(#params),*) -> #builder {
            #builder {
                client: self.clone(),
                options: rt::RequestOptions::new(),
                #(#inits)*
            }
        }
    }
}

fn operation_paragraphs(operation: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(operation.docs.summary.as_deref().map(rustdoc::escape));
    out.extend(operation.docs.description.as_deref().map(rustdoc::escape));
    let returns = match &operation.success.body {
        Some(ty) => format!("status {} with {}", operation.success.status, type_link(ty)),
        None => format!("status {} without a body", operation.success.status),
    };
    out.push(format!(
        // `Service` is an item of this module, so the label is the link.
        "{} on [`Service::{}`]; success: {returns}.",
        code_span(&format!("{} {}", operation.http_method, operation.path)),
        operation.service
    ));
    let arguments: Vec<String> = arguments(operation).map(param_line).collect();
    let body = operation.body.iter().filter(|b| b.required).map(|body| {
        let mut line = format!("- `body`: {}", type_link(&body.ty));
        if let Some(description) = &body.docs.description {
            line.push_str(&format!(": {}", rustdoc::escape(description)));
        }
        line
    });
    let arguments: Vec<String> = arguments.into_iter().chain(body).collect();
    if !arguments.is_empty() {
        out.push(format!("Arguments:\n{}", arguments.join("\n")));
    }
    out.extend(
        operation
            .iam_action
            .as_deref()
            .map(|a| format!("IAM action: {}.", code_span(a))),
    );
    out.extend(
        operation
            .docs
            .doc_source
            .as_deref()
            .map(|s| format!("Documentation: {}.", rustdoc::escape(s))),
    );
    out
}

fn param_line(param: &Param) -> String {
    let mut line = format!("- {}", code_span(&param.rust_name));
    if let Some(description) = &param.docs.description {
        // One line per list item: the description's own line breaks become spaces.
        let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
        line.push_str(&format!(": {}", rustdoc::escape(&description)));
    }
    line
}

/// A rustdoc link to a type, for prose.
fn type_link(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("[`{name}`](crate::models::{name})"),
        TypeRef::Array(item) => format!("a list of {}", type_link(item)),
        _ => code_span(&type_tokens(ty, false).to_string()),
    }
}

fn emit_builder(api: &Api, operation: &Operation) -> Result<TokenStream, Error> {
    let builder = ident(&operation.builder_name);
    let text = format!(
        "Request builder of [`Client::{}`](crate::Client::{}): set optional parameters, then \
         `.await` it or call [`send`](Self::send) or [`send_with_metadata`](Self::send_with_metadata).",
        operation.method_name, operation.method_name
    );
    let doc = rustdoc::attrs(&[text]);
    let fields = builder_fields(operation);
    let setters = builder_setters(operation);
    let validate = emit_builder_validate(api, operation)?;
    let send = emit_send(operation);
    let output = success_type(operation);
    let operation_impl = emit_operation_impl(operation);
    // #[must_use] pub struct Op { client: Client, options: RequestOptions, project_id: Option<String>, … }
    // impl Op { options, setters…, validate, send, send_with_metadata }
    // impl Sealed for Op {}  impl Operation for Op { … }
    // impl IntoFuture for Op { … Box::pin(self.send()) }
    Ok(quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request builder does nothing until it is awaited or sent"]
        pub struct #builder {
            client: crate::Client,
            options: rt::RequestOptions,
            #(#fields)*
        }

        impl #builder {
            /// Settings of this call only (timeouts, retries, validation, extra headers,
            /// endpoint, project ID), over the client's: see
            /// [`RequestOptions`](crate::RequestOptions).
            pub fn options(mut self, options: crate::RequestOptions) -> Self {
                self.options = options;
                self
            }

            #(#setters)*
            #validate
            #send
        }

        #operation_impl

        impl std::future::IntoFuture for #builder {
            type Output = Result<#output, crate::Error>;
            type IntoFuture = crate::ResponseFuture<#output>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    })
}

fn builder_fields(operation: &Operation) -> Vec<TokenStream> {
    let mut fields = Vec::new();
    for param in operation.path_params.iter().chain(&operation.query_params) {
        let name = ident(&param.rust_name);
        let stored = param_types(param, &quote!(value)).stored;
        // Path parameters from the client and optional query parameters may be unset.
        let optional = param.from_client || !param.required;
        fields.push(if optional {
            quote!(#name: Option<#stored>,)
        } else {
            quote!(#name: #stored,)
        });
    }
    if let Some(body) = &operation.body {
        let ty = type_tokens(&body.ty, true);
        fields.push(if body.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        });
    }
    fields
}

fn builder_setters(operation: &Operation) -> Vec<TokenStream> {
    let mut setters = Vec::new();
    for param in operation.path_params.iter().filter(|p| p.from_client) {
        let name = ident(&param.rust_name);
        let doc = rustdoc::attrs(&[format!(
            "Sets {} for this request, instead of the client's.",
            code_span(&param.name)
        )]);
        // pub fn project_id(mut self, value: impl Into<String>) -> Self { self.project_id = Some(value.into()); self }
        setters.push(quote! {
            #doc
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.#name = Some(value.into());
                self
            }
        });
    }
    for param in operation.query_params.iter().filter(|p| !p.required) {
        let name = ident(&param.rust_name);
        let docs = rustdoc::attrs(&param_paragraphs(param));
        let ParamTypes {
            argument, convert, ..
        } = param_types(param, &quote!(value));
        let convert = convert.unwrap_or_else(|| quote!(value));
        // pub fn limit(mut self, value: i64) -> Self { self.limit = Some(value); self }
        setters.push(quote! {
            #docs
            pub fn #name(mut self, value: #argument) -> Self {
                self.#name = Some(#convert);
                self
            }
        });
    }
    if let Some(body) = operation.body.iter().find(|b| !b.required) {
        let ty = type_tokens(&body.ty, true);
        let mut paragraphs = vec!["Sets the request body.".to_owned()];
        paragraphs.extend(body.docs.description.as_deref().map(rustdoc::escape));
        let docs = rustdoc::attrs(&paragraphs);
        // pub fn body(mut self, value: models::X) -> Self { self.body = Some(value); self }
        setters.push(quote! {
            #docs
            pub fn body(mut self, value: #ty) -> Self {
                self.body = Some(value);
                self
            }
        });
    }
    setters
}

fn param_paragraphs(param: &Param) -> Vec<String> {
    let mut rules = param.rules.clone();
    rules.extend(param.item_rules.iter().cloned());
    let mut paragraphs = rustdoc::paragraphs(&param.docs, &rules);
    let repeated = if matches!(param.ty, TypeRef::Array(_)) {
        ", one per value"
    } else {
        ""
    };
    paragraphs.push(format!(
        "Query parameter {}{repeated}.",
        code_span(&param.name)
    ));
    paragraphs
}

fn emit_builder_validate(api: &Api, operation: &Operation) -> Result<TokenStream, Error> {
    let mut checks = Vec::new();
    for param in &operation.query_params {
        let body = value_checks(
            api,
            &param.name,
            &param.ty,
            &param.rules,
            &param.item_rules,
            true,
        )?;
        if body.is_empty() {
            continue;
        }
        let name = ident(&param.rust_name);
        checks.push(if param.required {
            quote!({ let value = &self.#name; #body })
        } else {
            quote!(if let Some(value) = &self.#name { #body })
        });
    }
    if let Some(body) = &operation.body {
        let checks_body = value_checks(api, "", &body.ty, &[], &[], true)?;
        if !checks_body.is_empty() {
            checks.push(if body.required {
                quote!({ let value = &self.body; #checks_body })
            } else {
                quote!(if let Some(value) = &self.body { #checks_body })
            });
        }
    }
    let checks_param = checks_param(&checks);
    // pub fn validate(&self) -> Result<(), ValidationError> { self.validate_with(&mut Checks::new(Strict)) }
    // fn validate_with(&self, checks: &mut Checks) -> Result<(), ValidationError> { checks…; Ok(()) }
    Ok(quote! {
        /// Checks the documented constraints of the query parameters and the body, an
        /// enumeration value the spec does not list included. `send` checks at the client's
        /// level instead (`ClientBuilder::validation`): by default it sends such a value with
        /// a warning.
        pub fn validate(&self) -> Result<(), crate::ValidationError> {
            self.validate_with(&mut rt::validation::Checks::new(crate::Validation::Strict))
        }

        fn validate_with(&self, #checks_param: &mut rt::validation::Checks) -> Result<(), crate::ValidationError> {
            #(#checks)*
            Ok(())
        }
    })
}

/// The operation's response handling, shared by `send` and `decode_response`: the success
/// type, the error body format and the decoding of a success body.
fn emit_operation_impl(operation: &Operation) -> TokenStream {
    let builder = ident(&operation.builder_name);
    let output = success_type(operation);
    let operation_id = &operation.id;
    let errors = error_format_tokens(&operation.error_format);
    let decode = match operation.success.body {
        Some(_) => quote!(response.json()),
        None => quote!(response.empty()),
    };
    // impl Sealed for Op {}
    // impl Operation for Op {
    //     const OPERATION_ID = "op"; type Output = models::T; const ERRORS = ErrorFormat::Flat { … };
    //     #[inline]  (compiled only in a crate that uses the operation)
    //     fn decode(response: RawResponse) -> Result<(T, ResponseMetadata), Error> { response.json() }
    // }
    quote! {
        impl rt::sealed::Sealed for #builder {}

        impl crate::Operation for #builder {
            type Api = crate::Api;
            const OPERATION_ID: &'static str = #operation_id;
            type Output = #output;
            const ERRORS: rt::ErrorFormat = #errors;

            #[inline]
            fn decode(
                response: rt::RawResponse,
            ) -> Result<(#output, crate::ResponseMetadata), crate::Error> {
                #decode
            }
        }
    }
}

fn emit_send(operation: &Operation) -> TokenStream {
    let output = success_type(operation);
    let fields = destructured_fields(operation);
    let path = emit_path(operation);
    let query = emit_query(operation);
    let service = ident(&operation.service);
    let method = ident(operation.http_method.as_str());
    let body = match &operation.body {
        Some(body) if body.required => quote!(Some(rt::json_body(&body)?)),
        Some(_) => quote!(body.as_ref().map(rt::json_body).transpose()?),
        None => quote!(None),
    };
    let operation_id = &operation.id;
    let path_template = &operation.path;
    let project_id = match operation.path_params.iter().find(|p| p.from_client) {
        Some(param) => {
            let name = ident(&param.rust_name);
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    // pub async fn send(self) -> Result<T, Error> { … }
    // pub async fn send_with_metadata(self) -> Result<(T, ResponseMetadata), Error> {
    //     let (client, request) = self.into_request()?; client.execute(request).await?; decode
    // }
    // fn into_request(self) -> Result<(Client, Request), Error> { validate; path, query, body }
    //
    // Nothing here is compiled unless used: an async body is compiled where it is polled, and
    // the functions that would poll it or that it calls (`into_future`, `send_page`,
    // `into_request`, `decode`) are `#[inline]`, which makes rustc compile them in the crate
    // that calls them. A program compiles the operations it uses, and the models' serde code
    // they reach (generic, so compiled where used too); a regeneration rebuilds none of it.
    quote! {
        /// Sends the request; returns the success body.
        pub async fn send(self) -> Result<#output, crate::Error> {
            self.send_with_metadata().await.map(|(body, _)| body)
        }

        /// Sends the request; returns the success body with the response's status, request ID
        /// and headers.
        pub async fn send_with_metadata(self) -> Result<(#output, crate::ResponseMetadata), crate::Error> {
            let (client, request) = self.into_request()?;
            let response = client.execute(request).await?;
            <Self as crate::Operation>::decode(response)
        }

        /// Validates the parameters at the call's or the client's level, and builds the request.
        #[inline]
        fn into_request(self) -> Result<(crate::Client, rt::Request<crate::Service>), crate::Error> {
            let level = self.options.validation().unwrap_or_else(|| self.client.validation());
            if level != crate::Validation::Off {
                let mut checks = rt::validation::Checks::new(level);
                self.validate_with(&mut checks)?;
                checks.warn_unlisted(#operation_id);
            }
            let Self { client, options, #(#fields),* } = self;
            #path
            #query
            let request = rt::Request {
                operation: #operation_id,
                path_template: #path_template,
                service: crate::Service::#service,
                method: rt::Method::#method,
                path,
                query,
                project_id: #project_id,
                body: #body,
                errors: <Self as crate::Operation>::ERRORS,
                options,
            };
            Ok((client, request))
        }
    }
}

fn destructured_fields(operation: &Operation) -> Vec<TokenStream> {
    let mut fields: Vec<TokenStream> = operation
        .path_params
        .iter()
        .chain(&operation.query_params)
        .map(|p| {
            let name = ident(&p.rust_name);
            quote!(#name)
        })
        .collect();
    if operation.body.is_some() {
        fields.push(quote!(body));
    }
    fields
}

fn emit_path(operation: &Operation) -> TokenStream {
    let mut pushes = Vec::new();
    for param in operation.path_params.iter().filter(|p| p.from_client) {
        let ident = ident(&param.rust_name);
        // let project_id = client.resolve_project_id(project_id.or_else(…options…))?;
        pushes.push(quote! {
            let #ident = client.resolve_project_id(
                #ident.or_else(|| options.project_id().map(str::to_owned)),
            )?;
        });
    }
    for part in &operation.path_parts {
        match part {
            // path.push_str("/v3/");
            PathPart::Literal(text) => pushes.push(quote!(path.push_str(#text);)),
            PathPart::Param(name) => {
                let Some(param) = operation.path_params.iter().find(|p| &p.name == name) else {
                    continue;
                };
                let ident = ident(&param.rust_name);
                let value = match (&param.ty, param.from_client) {
                    (_, true) => quote!(&#ident),
                    (TypeRef::String, false) => quote!(&#ident),
                    (TypeRef::Named(_), false) => quote!(#ident.as_str()),
                    (_, false) => quote!(&#ident.to_string()),
                };
                // rt::push_segment(&mut path, "name", value)?;
                pushes.push(quote!(rt::push_segment(&mut path, #name, #value)?;));
            }
        }
    }
    quote! {
        let mut path = String::new();
        #(#pushes)*
    }
}

fn emit_query(operation: &Operation) -> TokenStream {
    if operation.query_params.is_empty() {
        return quote!(let query = Vec::new(););
    }
    let pushes = operation.query_params.iter().map(|param| {
        let name = ident(&param.rust_name);
        let key = &param.name;
        let push = match &param.ty {
            // for value in values { query.push(("key", value)); }
            TypeRef::Array(item) => {
                let value = query_value(item);
                quote!(for value in values { query.push((#key, #value)); })
            }
            // query.push(("key", QueryArg::Int(value)));
            ty => {
                let value = query_value(ty);
                quote!(query.push((#key, #value));)
            }
        };
        let binding = if matches!(param.ty, TypeRef::Array(_)) {
            quote!(values)
        } else {
            quote!(value)
        };
        if param.required {
            quote!({ let #binding = #name; #push })
        } else {
            quote!(if let Some(#binding) = #name { #push })
        }
    });
    quote! {
        let mut query: Vec<(&'static str, rt::QueryValue<'static>)> = Vec::new();
        #(#pushes)*
    }
}

/// A query value as the signer orders it: integers and booleans typed, the rest as text.
fn query_value(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(rt::QueryValue::from(value)),
        TypeRef::I32 => quote!(rt::QueryValue::Int(i64::from(value))),
        TypeRef::I64 => quote!(rt::QueryValue::Int(value)),
        TypeRef::Bool => quote!(rt::QueryValue::Bool(value)),
        _ => quote!(rt::QueryValue::from(value.to_string())),
    }
}

fn error_format_tokens(format: &ErrorFormat) -> TokenStream {
    match format {
        // ErrorFormat::Flat { code: "error_code", message: "error_msg" }
        ErrorFormat::Flat { code, message } => {
            quote!(rt::ErrorFormat::Flat { code: #code, message: #message })
        }
        // ErrorFormat::Nested { member: "error", code: "code", message: "message" }
        ErrorFormat::Nested {
            member,
            code,
            message,
        } => quote! {
            rt::ErrorFormat::Nested { member: #member, code: #code, message: #message }
        },
    }
}
