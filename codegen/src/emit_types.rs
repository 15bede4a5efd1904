//! Emits `models.rs`: one struct per object schema, one enum per enumeration, with, on request
//! models, `validate()`; and `models/serde_impls.rs`: their hand-rolled `Serialize` and
//! `Deserialize` impls, kept apart so that the models read first (and rustdoc, which documents
//! no private module, shows only the impls on each type).

use std::str::FromStr;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::error::{Error, ErrorKind, Location};
use crate::model::{Api, Enum, Field, Presence, Rule, Struct, TypeDef, TypeKind, TypeRef};
use crate::names::ident;
use crate::rustdoc;

/// The two files of the models.
pub struct Models {
    /// `models.rs`: the types and their methods.
    pub types: TokenStream,
    /// `models/serde_impls.rs`: their `Serialize` and `Deserialize` impls.
    pub serde_impls: TokenStream,
}

/// The whole `models.rs` and `models/serde_impls.rs`.
pub fn emit(api: &Api) -> Result<Models, Error> {
    let mut items = Vec::new();
    let mut serde_items = Vec::new();
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(structure) => {
                items.push(emit_struct(api, def, structure)?);
                serde_items.push(emit_serialize(&def.rust_name, structure));
                serde_items.push(emit_deserialize(&def.rust_name, structure));
            }
            TypeKind::Enum(enumeration) => {
                items.push(emit_enum(def, enumeration));
                serde_items.push(emit_enum_serde(def));
            }
        }
    }
    let docs = "The request and response bodies of the API: one type per schema of the spec.\n\n\
        Structs are `#[non_exhaustive]`: build them with `new` (which takes the required members) \
        and the `with_*` setters, or deserialise them. Members the spec does not list are kept \
        in `unknown_members`, so a value read from the service serialises back unchanged.";
    let docs = rustdoc::inner_attrs(docs);
    let runtime = (!items.is_empty()).then(crate::runtime_names::runtime_import);
    // //! docs
    // use huaweicloud_sdk_runtime as rt;
    // mod serde_impls;
    // pub struct A { … }  impl A { … }  pub enum B { … }  impl B { … }  …
    let types = quote! {
        #docs
        #runtime

        /// `Serialize` and `Deserialize` of every model.
        mod serde_impls;

        #(#items)*
    };
    Ok(Models {
        types,
        serde_impls: emit_serde_impls(api, &serde_items),
    })
}

/// `models/serde_impls.rs`: the impls, with the models in scope by their bare names as in
/// `models.rs`.
fn emit_serde_impls(api: &Api, items: &[TokenStream]) -> TokenStream {
    let docs = rustdoc::inner_attrs(
        "`Serialize` and `Deserialize` of every model, written out rather than derived: see \
         `docs/design/0001-generator-architecture.md`.",
    );
    let models = if api.types.is_empty() {
        TokenStream::new()
    } else {
        quote!(
            use super::*;
        )
    };
    // //! docs
    // use super::*;
    // impl serde::Serialize for A { … }  impl<'de> serde::Deserialize<'de> for A { … }  …
    quote! {
        #docs
        #models
        #(#items)*
    }
}

/// The Rust type of a [`TypeRef`]; `qualify` prefixes named types with `models::` (for use
/// outside the models module).
pub fn type_tokens(ty: &TypeRef, qualify: bool) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(name) if qualify => {
            let name = ident(name);
            quote!(models::#name)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::Array(item) => {
            let item = type_tokens(item, qualify);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) if **value == TypeRef::Json => {
            quote!(serde_json::Map<String, serde_json::Value>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, qualify);
            quote!(std::collections::BTreeMap<String, #value>)
        }
    }
}

/// The type of a struct field: the member type, boxed if recursive, wrapped by presence.
fn field_type(field: &Field) -> TokenStream {
    let inner = type_tokens(&field.ty, false);
    let inner = if field.boxed {
        quote!(Box<#inner>)
    } else {
        inner
    };
    match field.presence() {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(crate::Nullable<#inner>),
    }
}

// ----- structs ---------------------------------------------------------------------------------

fn emit_struct(api: &Api, def: &TypeDef, structure: &Struct) -> Result<TokenStream, Error> {
    let name = ident(&def.rust_name);
    let mut paragraphs = rustdoc::paragraphs(&def.docs, &[]);
    paragraphs.push(format!(
        "Schema: {}.",
        rustdoc::code_span(def.pointer.as_str())
    ));
    let docs = rustdoc::attrs(&paragraphs);
    let fields = structure.fields.iter().map(|field| {
        let docs = rustdoc::attrs(&field_paragraphs(field));
        let name = ident(&field.rust_name);
        let ty = field_type(field);
        // /// docs
        // pub name: Type,
        quote! { #docs pub #name: #ty, }
    });
    let derives = if has_required(structure) {
        quote!(#[derive(Debug, Clone, PartialEq)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq, Default)])
    };
    let constructor = emit_constructor(structure);
    let setters = structure
        .fields
        .iter()
        .filter(|f| !f.required)
        .map(emit_setter);
    let validate = if structure.is_request {
        emit_validate(api, structure)?
    } else {
        TokenStream::new()
    };
    // /// docs
    // #[derive(…)] #[non_exhaustive]
    // pub struct Name { pub member: Type, …, pub unknown_members: crate::UnknownMembers }
    // impl Name { pub fn new(…) -> Self; pub fn with_member(self, …) -> Self; pub fn validate(&self) }
    Ok(quote! {
        #docs
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Members the spec does not list, kept so that a value serialises back unchanged.
            /// Keys that name a listed member are not serialised.
            pub unknown_members: crate::UnknownMembers,
        }

        impl #name {
            #constructor
            #(#setters)*
            #validate
        }
    })
}

fn has_required(def: &Struct) -> bool {
    def.fields.iter().any(|f| f.required)
}

fn field_paragraphs(field: &Field) -> Vec<String> {
    let mut rules = field.rules.clone();
    rules.extend(field.item_rules.iter().cloned());
    let mut paragraphs = rustdoc::paragraphs(&field.docs, &rules);
    let note = match field.presence() {
        Presence::Required => "Required.",
        Presence::RequiredNullable => "Required; may be `null` (`None`).",
        Presence::Optional => "Optional.",
        Presence::OptionalNullable => "Optional; may also be `null`.",
    };
    paragraphs.push(format!(
        "{note} JSON member {}.",
        rustdoc::code_span(&field.name)
    ));
    paragraphs
}

/// The argument type of a constructor or setter, and the expression turning the argument
/// `value` into the stored member type (before presence wrapping).
fn argument(field: &Field, value: &TokenStream) -> (TokenStream, TokenStream) {
    let (ty, expr) = match &field.ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(#value.into())),
        ty => (type_tokens(ty, false), quote!(#value)),
    };
    if field.boxed {
        return (ty, quote!(Box::new(#expr)));
    }
    (ty, expr)
}

fn emit_constructor(def: &Struct) -> TokenStream {
    if !has_required(def) {
        // pub fn new() -> Self { Self::default() }
        return quote! {
            /// Creates a value with every member absent.
            pub fn new() -> Self {
                Self::default()
            }
        };
    }
    let required: Vec<&Field> = def.fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|field| {
        let name = ident(&field.rust_name);
        let (ty, _) = argument(field, &quote!(#name));
        let ty = match field.presence() {
            Presence::RequiredNullable => quote!(Option<#ty>),
            _ => ty,
        };
        quote!(#name: #ty)
    });
    let inits = def.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        let identity = !field.boxed && field.ty != TypeRef::String;
        let init = match field.presence() {
            // name,
            Presence::Required | Presence::RequiredNullable if identity => return quote!(#name,),
            // name: name.into(),
            Presence::Required => argument(field, &quote!(#name)).1,
            // name: name.map(|value| value.into()),
            Presence::RequiredNullable => {
                let (_, expr) = argument(field, &quote!(value));
                quote!(#name.map(|value| #expr))
            }
            Presence::Optional => quote!(None),
            Presence::OptionalNullable => quote!(crate::Nullable::Absent),
        };
        quote!(#name: #init,)
    });
    let allow = if required.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        TokenStream::new()
    };
    // pub fn new(required: impl Into<String>, …) -> Self { Self { required: required.into(), optional: None, … } }
    quote! {
        /// Creates a value with the required members; every optional member is absent.
        #allow
        pub fn new(#(#params),*) -> Self {
            Self {
                #(#inits)*
                unknown_members: crate::UnknownMembers::new(),
            }
        }
    }
}

fn emit_setter(field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let setter = format_ident!("with_{}", field.rust_name);
    let (ty, expr) = argument(field, &quote!(value));
    let (stored, text) = match field.presence() {
        Presence::OptionalNullable => (
            quote!(crate::Nullable::Value(#expr)),
            format!(
                "Sets {}. To send `null`, assign [`Nullable::Null`](crate::Nullable::Null) to the field.",
                rustdoc::code_span(&field.name)
            ),
        ),
        _ => (quote!(Some(#expr)), format!("Sets {}.", rustdoc::code_span(&field.name))),
    };
    let doc = rustdoc::attrs(&[text]);
    // pub fn with_member(mut self, value: T) -> Self { self.member = Some(value); self }
    quote! {
        #doc
        pub fn #setter(mut self, value: #ty) -> Self {
            self.#name = #stored;
            self
        }
    }
}

// ----- serde -----------------------------------------------------------------------------------

fn emit_serialize(rust_name: &str, def: &Struct) -> TokenStream {
    let name = ident(rust_name);
    let entries = def.fields.iter().map(|field| {
        let key = &field.name;
        let member = ident(&field.rust_name);
        match field.presence() {
            // map.serialize_entry("key", &self.member)?;
            Presence::Required | Presence::RequiredNullable => {
                quote!(map.serialize_entry(#key, &self.#member)?;)
            }
            // if let Some(value) = &self.member { map.serialize_entry("key", value)?; }
            Presence::Optional => quote! {
                if let Some(value) = &self.#member {
                    map.serialize_entry(#key, value)?;
                }
            },
            // self.member.serialize_member(&mut map, "key")?;  (nothing when absent)
            Presence::OptionalNullable => quote! {
                self.#member.serialize_member(&mut map, #key)?;
            },
        }
    });
    let unknown = if def.fields.is_empty() {
        // for (key, value) in &self.unknown_members { map.serialize_entry(key, value)?; }
        quote! {
            for (key, value) in &self.unknown_members {
                map.serialize_entry(key, value)?;
            }
        }
    } else {
        let keys = def.fields.iter().map(|f| &f.name);
        // for (key, value) in &self.unknown_members { match key { "a" | "b" => {} _ => … } }
        quote! {
            for (key, value) in &self.unknown_members {
                match key.as_str() {
                    #(#keys)|* => {}
                    _ => map.serialize_entry(key, value)?,
                }
            }
        }
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #(#entries)*
                #unknown
                map.end()
            }
        }
    }
}

fn emit_deserialize(rust_name: &str, def: &Struct) -> TokenStream {
    let name = ident(rust_name);
    let expecting = format!("{} object", rustdoc::with_article(rust_name));
    let members: Vec<_> = def.fields.iter().map(|f| ident(&f.rust_name)).collect();
    let keys = def.fields.iter().map(|f| &f.name);
    // Locals: a member not seen yet is `None`, or `Absent` for `Nullable` members (reading
    // never gives `Absent`), so the helpers find a second occurrence by looking at the local.
    let locals = def.fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        let ty = field_type(field);
        match field.presence() {
            // let mut member: Nullable<T> = Nullable::Absent;
            Presence::OptionalNullable => {
                quote!(let mut #member: #ty = crate::Nullable::Absent;)
            }
            // let mut member: Option<T> = None;  (optional: Option<Option<T>>, `Some(None)` for null)
            _ => quote!(let mut #member: Option<#ty> = None;),
        }
    });
    let arms = def.fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        let key = &field.name;
        let read = match field.presence() {
            Presence::OptionalNullable => quote!(next_nullable),
            _ => quote!(next_member),
        };
        // Some(__Key::member) => rt::de::next_nullable(&mut __map, &mut member, "key")?,
        quote!(Some(__Key::#member) => rt::de::#read(&mut __map, &mut #member, #key)?,)
    });
    let finish = def.fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        let key = &field.name;
        match field.presence() {
            Presence::Required | Presence::RequiredNullable => quote! {
                #member: #member.ok_or_else(|| serde::de::Error::missing_field(#key))?,
            },
            Presence::Optional => quote!(#member: #member.flatten(),),
            Presence::OptionalNullable => quote!(#member,),
        }
    });
    // `__Key` has no variant when the struct has no listed member.
    let key_enum = if def.fields.is_empty() {
        quote!(
            enum __Key {}
        )
    } else {
        quote! {
            #[allow(non_camel_case_types)]
            enum __Key {
                #(#members,)*
            }
        }
    };
    // impl Deserialize for Name: a map visitor. `rt::de::Members` reads each member name and
    // matches it, borrowed, to a variant of `__Key` (named like the member); only the name of a
    // member the spec does not list is copied, and its value kept in `unknown_members`. Local
    // items start with `__` so that no model type is shadowed.
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                #key_enum

                struct __Visitor;

                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str(#expecting)
                    }

                    fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut __map: __A) -> Result<#name, __A::Error> {
                        #(#locals)*
                        let mut __members = rt::de::Members::new(|__name: &str| match __name {
                            #(#keys => Some(__Key::#members),)*
                            _ => None,
                        });
                        while let Some(__key) = __members.next_key(&mut __map)? {
                            match __key {
                                #(#arms)*
                                None => __members.next_unknown(&mut __map)?,
                            }
                        }
                        Ok(#name {
                            #(#finish)*
                            unknown_members: __members.unknown,
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

// ----- enums -----------------------------------------------------------------------------------

fn emit_enum(def: &TypeDef, enumeration: &Enum) -> TokenStream {
    let name = ident(&def.rust_name);
    let mut paragraphs = rustdoc::paragraphs(&def.docs, &[]);
    paragraphs.push(format!(
        "Schema: {}. The enum is `#[non_exhaustive]`, so a `match` needs a wildcard arm; a value \
         this version of the crate does not know is kept in [`{}::Unknown`] (and sent back as \
         is), so a newer service does not break deserialisation.",
        rustdoc::code_span(def.pointer.as_str()),
        def.rust_name
    ));
    let docs = rustdoc::attrs(&paragraphs);
    let variants: Vec<_> = enumeration
        .variants
        .iter()
        .map(|v| ident(&v.rust_name))
        .collect();
    let values: Vec<&String> = enumeration.variants.iter().map(|v| &v.value).collect();
    let variant_docs = values.iter().map(|v| format!(" {}", rustdoc::code_span(v)));
    // /// docs
    // #[non_exhaustive] pub enum Name { A, B, Unknown(UnknownValue) }
    // impl Name { VALUES, as_str, is_unknown }  Display  FromStr  From<&str>
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value the spec does not list; [`as_str`](Self::as_str) returns it.
            Unknown(crate::UnknownValue),
        }

        impl #name {
            /// Every value the spec lists, in spec order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether the value is one the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    _ => Self::Unknown(crate::UnknownValue::new(value)),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

    }
}

/// `Serialize` and `Deserialize` of an enumeration: its value as a string.
fn emit_enum_serde(def: &TypeDef) -> TokenStream {
    let name = ident(&def.rust_name);
    let expecting = format!("{} value", rustdoc::with_article(&def.rust_name));
    // impl Serialize for Name { … serialize_str(self.as_str()) }
    // impl Deserialize for Name { … deserialize_str(StrVisitor::new("a Name value", Name::from)) }
    quote! {
        impl serde::Serialize for #name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                deserializer.deserialize_str(rt::de::StrVisitor::new(#expecting, |value: &str| Self::from(value)))
            }
        }
    }
}

// ----- validation ------------------------------------------------------------------------------

fn emit_validate(api: &Api, def: &Struct) -> Result<TokenStream, Error> {
    let mut checks = Vec::new();
    for field in &def.fields {
        let body = value_checks(
            api,
            &field.name,
            &field.ty,
            &field.rules,
            &field.item_rules,
            false,
        )?;
        if body.is_empty() {
            continue;
        }
        let member = ident(&field.rust_name);
        checks.push(match field.presence() {
            // { let value = &self.member; checks }
            Presence::Required => quote!({ let value = &self.#member; #body }),
            // if let Some(value) = &self.member { checks }
            Presence::Optional | Presence::RequiredNullable => {
                quote!(if let Some(value) = &self.#member { #body })
            }
            // if let Nullable::Value(value) = &self.member { checks }
            Presence::OptionalNullable => {
                quote!(if let crate::Nullable::Value(value) = &self.#member { #body })
            }
        });
    }
    let checks_param = checks_param(&checks);
    // pub fn validate(&self) -> Result<(), ValidationError> { self.validate_with(&mut Checks::new(Strict)) }
    // #[doc(hidden)] pub fn validate_with(&self, checks: &mut Checks) -> Result<(), ValidationError> { checks…; Ok(()) }
    Ok(quote! {
        /// Checks the documented constraints (bounds, lengths, item counts, enumerations) of
        /// this value and of the values it contains; the error names the member path
        /// (`vault.billing.size`) and the rule. An enumeration value the spec does not list is
        /// an error here; the client, by default, sends it with a warning instead
        /// (`ClientBuilder::validation`).
        pub fn validate(&self) -> Result<(), crate::ValidationError> {
            self.validate_with(&mut rt::validation::Checks::new(crate::Validation::Strict))
        }

        /// [`validate`](Self::validate) at the level of `checks`, which collects the unlisted
        /// enumeration values a lenient pass lets through.
        #[doc(hidden)]
        pub fn validate_with(&self, #checks_param: &mut rt::validation::Checks) -> Result<(), crate::ValidationError> {
            #(#checks)*
            Ok(())
        }
    })
}

/// The name of the `Checks` parameter of a `validate_with` with these statements: `_checks`
/// when none of them uses it (only bounds and lengths to check, or nothing).
pub fn checks_param(statements: &[TokenStream]) -> proc_macro2::Ident {
    let used = statements
        .iter()
        .any(|tokens| mentions_checks(tokens.clone()));
    let name = if used { "checks" } else { "_checks" };
    proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
}

fn mentions_checks(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(ident) => ident == "checks",
        proc_macro2::TokenTree::Group(group) => mentions_checks(group.stream()),
        _ => false,
    })
}

/// Statements checking `value: &T` (a variable in scope) against the rules of `member`; each
/// failure returns a `ValidationError` naming `member`, and an unlisted enumeration value goes
/// to `checks: &mut Checks` (also in scope). Empty when there is nothing to check.
pub fn value_checks(
    api: &Api,
    member: &str,
    ty: &TypeRef,
    rules: &[Rule],
    item_rules: &[Rule],
    qualify: bool,
) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    for rule in rules {
        out.extend(rule_check(member, ty, rule)?);
    }
    match ty {
        TypeRef::Named(name) => out.extend(named_check(api, member, name, qualify)),
        TypeRef::Array(item) => {
            let inner = value_checks(api, "", item, item_rules, &[], qualify)?;
            if !inner.is_empty() {
                let item_ty = type_tokens(item, qualify);
                // rt::validation::each(value, "member", checks, |value: &T, checks| { checks; Ok(()) })?;
                out.extend(quote! {
                    rt::validation::each(value, #member, checks, |value: &#item_ty, checks: &mut rt::validation::Checks| {
                        #inner
                        Ok(())
                    })?;
                });
            }
        }
        TypeRef::Map(item) => {
            let inner = value_checks(api, "", item, &[], &[], qualify)?;
            if !inner.is_empty() {
                let item_ty = type_tokens(item, qualify);
                // rt::validation::each_value(value, "member", checks, |value: &T, checks| { checks; Ok(()) })?;
                out.extend(quote! {
                    rt::validation::each_value(value, #member, checks, |value: &#item_ty, checks: &mut rt::validation::Checks| {
                        #inner
                        Ok(())
                    })?;
                });
            }
        }
        _ => {}
    }
    Ok(out)
}

fn named_check(api: &Api, member: &str, name: &str, qualify: bool) -> TokenStream {
    let ty = type_tokens(&TypeRef::Named(name.to_owned()), qualify);
    match api.type_def(name).map(|def| &def.kind) {
        // if value.is_unknown() { checks.unlisted("member", value.as_str(), T::VALUES)?; }
        Some(TypeKind::Enum(_)) => quote! {
            if value.is_unknown() {
                checks.unlisted(#member, value.as_str(), #ty::VALUES)?;
            }
        },
        // value.validate_with(checks)?;  (a list item: the list adds the index and its own name)
        Some(TypeKind::Struct(def)) if def.is_request && member.is_empty() => quote! {
            value.validate_with(checks)?;
        },
        // checks.within("member", |checks| value.validate_with(checks))?;
        Some(TypeKind::Struct(def)) if def.is_request => quote! {
            checks.within(#member, |checks| value.validate_with(checks))?;
        },
        _ => TokenStream::new(),
    }
}

fn rule_check(member: &str, ty: &TypeRef, rule: &Rule) -> Result<TokenStream, Error> {
    let fail = |rule: TokenStream| {
        // return Err(ValidationError::new("member", Rule::…));
        quote!(return Err(crate::ValidationError::new(#member, #rule));)
    };
    Ok(match rule {
        Rule::Minimum { bound, exclusive } => {
            let (literal, shown) = bound_literal(ty, bound)?;
            let failed = if *exclusive {
                quote!(*value <= #literal)
            } else {
                quote!(*value < #literal)
            };
            let fail = fail(quote!(crate::Rule::Minimum { bound: #shown, exclusive: #exclusive }));
            quote!(if #failed { #fail })
        }
        Rule::Maximum { bound, exclusive } => {
            let (literal, shown) = bound_literal(ty, bound)?;
            let failed = if *exclusive {
                quote!(*value >= #literal)
            } else {
                quote!(*value > #literal)
            };
            let fail = fail(quote!(crate::Rule::Maximum { bound: #shown, exclusive: #exclusive }));
            quote!(if #failed { #fail })
        }
        Rule::MinLength(n) => {
            let failed = if *n == 1 {
                quote!(value.is_empty())
            } else {
                let n = Literal::u64_unsuffixed(*n);
                quote!(value.chars().count() < #n)
            };
            let n = Literal::u64_unsuffixed(*n);
            let fail = fail(quote!(crate::Rule::MinLength(#n)));
            quote!(if #failed { #fail })
        }
        Rule::MaxLength(n) => {
            let n = Literal::u64_unsuffixed(*n);
            let fail = fail(quote!(crate::Rule::MaxLength(#n)));
            quote!(if value.chars().count() > #n { #fail })
        }
        Rule::MinItems(n) => {
            let failed = if *n == 1 {
                quote!(value.is_empty())
            } else {
                let n = Literal::u64_unsuffixed(*n);
                quote!(value.len() < #n)
            };
            let n = Literal::u64_unsuffixed(*n);
            let fail = fail(quote!(crate::Rule::MinItems(#n)));
            quote!(if #failed { #fail })
        }
        Rule::MaxItems(n) => {
            let n = Literal::u64_unsuffixed(*n);
            let fail = fail(quote!(crate::Rule::MaxItems(#n)));
            quote!(if value.len() > #n { #fail })
        }
        Rule::AllowedValues(values) => {
            let literals = values
                .iter()
                .map(|v| value_literal(ty, v))
                .collect::<Result<Vec<_>, _>>()?;
            let shown = values.iter().map(rustdoc::plain_text);
            let fail = fail(quote!(crate::Rule::Enum { allowed: &[#(#shown),*] }));
            quote!(if ![#(#literals),*].contains(value) { #fail })
        }
    })
}

/// A bound as a literal of the member's type, and as the `f64` shown in the error.
fn bound_literal(
    ty: &TypeRef,
    bound: &serde_json::Number,
) -> Result<(TokenStream, TokenStream), Error> {
    let shown = bound.as_f64().unwrap_or_default();
    let shown = float_tokens(shown)?;
    let literal = match (ty, bound.as_i64()) {
        (TypeRef::F64, _) => shown.clone(),
        (_, Some(n)) => parse_tokens(&n.to_string())?,
        (_, None) => return Err(internal(format!("bound {bound} on a non-number member"))),
    };
    Ok((literal, shown))
}

fn float_tokens(value: f64) -> Result<TokenStream, Error> {
    let text = format!("{value:?}");
    parse_tokens(&text)
}

/// An allowed value as a literal of the member's type.
fn value_literal(ty: &TypeRef, value: &serde_json::Value) -> Result<TokenStream, Error> {
    match (ty, value) {
        (TypeRef::F64, serde_json::Value::Number(number)) => {
            let value = number
                .as_f64()
                .ok_or_else(|| internal(format!("enum value {number}")))?;
            float_tokens(value)
        }
        (TypeRef::I32 | TypeRef::I64, serde_json::Value::Number(number)) if number.is_i64() => {
            parse_tokens(&rustdoc::plain_text(value))
        }
        (TypeRef::Bool, serde_json::Value::Bool(_)) => parse_tokens(&rustdoc::plain_text(value)),
        _ => Err(internal(format!("enum value {value} on a {ty:?} member"))),
    }
}

fn parse_tokens(text: &str) -> Result<TokenStream, Error> {
    TokenStream::from_str(text).map_err(|e| internal(format!("`{text}` is no Rust token: {e}")))
}

fn internal(message: String) -> Error {
    Error {
        kind: ErrorKind::Internal(message),
        location: Location::Unknown,
    }
}
