//! Emits `API.txt`: one line per public item of the generated code, so that a reviewer reads
//! the public-API change of a regeneration in one short diff.
//!
//! The lines are read from the emitted `syn` files themselves, never listed a second time by
//! hand: whatever an emitter adds to the public API shows up here. Each line names the item by
//! its path and, for functions, fields, constants and associated types, gives its type or
//! signature as written (`crate::` dropped, since the crate re-exports its runtime types at the
//! root):
//!
//! ```text
//! struct models::Vault  #[derive(Debug, Clone, PartialEq, Default)] #[non_exhaustive]
//! field models::Vault::billing: Nullable<Billing>  // "billing"
//! fn models::Vault::new() -> Self
//! impl serde::Serialize for models::Vault
//! fn <models::Vault as serde::Serialize>::serialize<__S: serde::Serializer>(&self, …) -> …
//! variant models::BackupStatus::Available  // "available"
//! const <operations::ListVaults as Operation>::OPERATION_ID: &'static str = "list_vaults"
//! ```
//!
//! Lines are grouped by the type they belong to, types in the order they first appear, so the
//! listing does not change when the emitters merely move items around. The spec adds notes after
//! `//` (the JSON name of a field, the value of a variant, the route of an operation); a note
//! that finds no item is a generator bug. A constant's value is shown when it is a literal or a
//! path (an operation ID, a paging mode); longer values (tables) are not.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::punctuated::Punctuated;

use crate::emit_error_codes::Catalogue;
use crate::error::{Error, ErrorKind, Location};
use crate::model::{Api, TypeKind};
use crate::names::escaped;

/// One emitted file and the public path of the module it is (`models`), empty for a private
/// module whose items the crate re-exports at its root (`ErrorCode`).
#[derive(Clone, Copy)]
pub struct ListedFile<'a> {
    /// The module's public path.
    pub module: &'a str,
    /// The file, as emitted.
    pub file: &'a syn::File,
    /// The file's path, for errors.
    pub path: &'a str,
}

/// What the spec adds to the listing: a note per item, keyed by the item's kind and path
/// (`("field", "models::Vault::billing")`).
#[derive(Debug, Clone, Default)]
pub struct Notes(BTreeMap<(&'static str, String), String>);

impl Notes {
    /// The notes of the API and of the error-code catalogue, if there is one.
    pub fn new(api: &Api, catalogue: Option<&Catalogue>) -> Self {
        let mut notes = Notes::default();
        for service in &api.services {
            let path = format!("operations::Service::{}", escaped(&service.rust_name));
            notes.add("variant", path, format!("{:?}", service.url_template));
        }
        for operation in &api.operations {
            let path = format!("Client::{}", escaped(&operation.method_name));
            let route = format!(
                "{} {} on Service::{}",
                operation.http_method, operation.path, operation.service
            );
            notes.add("fn", path, route);
        }
        for def in &api.types {
            let owner = format!("models::{}", escaped(&def.rust_name));
            match &def.kind {
                TypeKind::Struct(structure) => {
                    for field in &structure.fields {
                        let path = format!("{owner}::{}", escaped(&field.rust_name));
                        notes.add("field", path, format!("{:?}", field.name));
                    }
                }
                TypeKind::Enum(enumeration) => {
                    for variant in &enumeration.variants {
                        let path = format!("{owner}::{}", escaped(&variant.rust_name));
                        notes.add("variant", path, format!("{:?}", variant.value));
                    }
                }
            }
        }
        for entry in catalogue.iter().flat_map(|c| &c.codes) {
            let path = format!("ErrorCode::{}", escaped(&entry.rust_name));
            let note = format!("{:?}, HTTP {}", entry.code, entry.status);
            notes.add("variant", path, note);
        }
        notes
    }

    fn add(&mut self, kind: &'static str, path: String, note: String) {
        self.0.insert((kind, path), note);
    }
}

/// The listing of `files` (in order), without its header.
pub fn emit(files: &[ListedFile<'_>], notes: &Notes) -> Result<String, Error> {
    let mut listing = Listing::default();
    for file in files {
        let local_types = local_types(files, file.module);
        let mut walk = Walk {
            listing: &mut listing,
            module: file.module,
            local_types: &local_types,
            path: file.path,
        };
        walk.items(&file.file.items, true)?;
    }
    listing.render(notes)
}

/// Lines by owner (a type, or a free item), owners in order of first appearance.
#[derive(Default)]
struct Listing {
    owners: Vec<Owner>,
    by_path: BTreeMap<String, usize>,
}

#[derive(Default)]
struct Owner {
    /// The type's own line and its fields or variants.
    definition: Vec<Line>,
    /// Lines of its impl blocks.
    members: Vec<Line>,
}

/// A line, and the key of the note it may take.
struct Line {
    text: String,
    note_key: Option<(&'static str, String)>,
}

impl Line {
    fn plain(text: String) -> Self {
        Line {
            text,
            note_key: None,
        }
    }

    fn noted(text: String, kind: &'static str, path: String) -> Self {
        Line {
            text,
            note_key: Some((kind, path)),
        }
    }
}

impl Listing {
    fn owner(&mut self, path: &str) -> &mut Owner {
        let index = match self.by_path.get(path) {
            Some(index) => *index,
            None => {
                self.owners.push(Owner::default());
                self.by_path.insert(path.to_owned(), self.owners.len() - 1);
                self.owners.len() - 1
            }
        };
        &mut self.owners[index]
    }

    fn render(self, notes: &Notes) -> Result<String, Error> {
        let mut unused = notes.0.clone();
        let mut text = String::new();
        let lines = self
            .owners
            .into_iter()
            .flat_map(|owner| owner.definition.into_iter().chain(owner.members));
        for line in lines {
            text.push_str(&line.text);
            if let Some(note) = line.note_key.and_then(|key| unused.remove(&key)) {
                text.push_str("  // ");
                text.push_str(&note);
            }
            text.push('\n');
        }
        if let Some(((kind, path), _)) = unused.into_iter().next() {
            return Err(internal(format!(
                "API.txt: the spec has a note for the {kind} `{path}`, which the emitted code \
                 does not have"
            )));
        }
        Ok(text)
    }
}

/// Names of the structs and enums the files of `module` define: a bare `impl X` names one.
fn local_types(files: &[ListedFile<'_>], module: &str) -> Vec<String> {
    files
        .iter()
        .filter(|file| file.module == module)
        .flat_map(|file| &file.file.items)
        .filter_map(|item| match item {
            syn::Item::Struct(item) => Some(item.ident.to_string()),
            syn::Item::Enum(item) => Some(item.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The walk of one file.
struct Walk<'w> {
    listing: &'w mut Listing,
    module: &'w str,
    local_types: &'w [String],
    path: &'w str,
}

impl Walk<'_> {
    /// Lists the public items of `items`; `public` is whether the enclosing module is. Impls
    /// are listed either way (a trait impl is public wherever it is written), so a private
    /// inline module is walked for them; a public one would need paths of its own, and is
    /// an unknown item like any other the walk does not handle.
    fn items(&mut self, items: &[syn::Item], public: bool) -> Result<(), Error> {
        for item in items {
            match item {
                syn::Item::Impl(item) => self.implementation(item)?,
                syn::Item::Mod(module) if !is_public(&module.vis) => {
                    let content = module.content.iter().flat_map(|(_, items)| items);
                    let items: Vec<syn::Item> = content.cloned().collect();
                    self.items(&items, false)?;
                }
                _ if !public || !item_is_public(item) => {}
                // `pub mod models;`: the module's own file is listed under its path.
                syn::Item::Mod(module) if module.content.is_none() => {}
                syn::Item::Use(item) => {
                    for (name, source) in use_leaves(&item.tree, "") {
                        let path = self.qualified(&name);
                        let line = format!("use {path} = {source}");
                        self.listing.owner(&path).members.push(Line::plain(line));
                    }
                }
                syn::Item::Struct(item) => self.structure(item),
                syn::Item::Enum(item) => self.enumeration(item),
                syn::Item::Fn(item) => {
                    let path = self.qualified(&item.sig.ident.to_string());
                    let line = signature_line(&item.sig, &path);
                    self.listing.owner(&path).members.push(Line::plain(line));
                }
                syn::Item::Const(item) => {
                    let path = self.qualified(&item.ident.to_string());
                    let line = const_line(&path, &item.ty, &item.expr);
                    self.listing.owner(&path).members.push(Line::plain(line));
                }
                syn::Item::Type(item) => {
                    let path = self.qualified(&item.ident.to_string());
                    let line = format!("type {path} = {}", type_text(&item.ty));
                    self.listing.owner(&path).members.push(Line::plain(line));
                }
                other => {
                    let text = one_line(&other.to_token_stream().to_string());
                    return Err(internal(format!(
                        "API.txt: {} has a public item the listing does not know: {text}",
                        self.path
                    )));
                }
            }
        }
        Ok(())
    }

    /// `name` in this module's public path.
    fn qualified(&self, name: &str) -> String {
        if self.module.is_empty() {
            return name.to_owned();
        }
        format!("{}::{name}", self.module)
    }

    fn structure(&mut self, item: &syn::ItemStruct) {
        let path = self.qualified(&item.ident.to_string());
        let mut lines = vec![Line::plain(format!(
            "struct {path}{}{}",
            generics_text(&item.generics),
            attributes_text(&item.attrs)
        ))];
        for (index, field) in item.fields.iter().enumerate() {
            if !is_public(&field.vis) {
                continue;
            }
            let name = field
                .ident
                .as_ref()
                .map_or_else(|| index.to_string(), ToString::to_string);
            let field_path = format!("{path}::{name}");
            let text = format!("field {field_path}: {}", type_text(&field.ty));
            lines.push(Line::noted(text, "field", field_path));
        }
        self.listing.owner(&path).definition.extend(lines);
    }

    fn enumeration(&mut self, item: &syn::ItemEnum) {
        let path = self.qualified(&item.ident.to_string());
        let mut lines = vec![Line::plain(format!(
            "enum {path}{}{}",
            generics_text(&item.generics),
            attributes_text(&item.attrs)
        ))];
        for variant in &item.variants {
            let variant_path = format!("{path}::{}", variant.ident);
            let fields = match &variant.fields {
                syn::Fields::Unit => String::new(),
                syn::Fields::Unnamed(fields) => {
                    let types: Vec<String> =
                        fields.unnamed.iter().map(|f| type_text(&f.ty)).collect();
                    format!("({})", types.join(", "))
                }
                syn::Fields::Named(fields) => {
                    let members: Vec<String> = fields
                        .named
                        .iter()
                        .map(|f| {
                            let name = f.ident.as_ref().map(ToString::to_string);
                            format!("{}: {}", name.unwrap_or_default(), type_text(&f.ty))
                        })
                        .collect();
                    format!(" {{ {} }}", members.join(", "))
                }
            };
            let text = format!("variant {variant_path}{fields}");
            lines.push(Line::noted(text, "variant", variant_path));
        }
        self.listing.owner(&path).definition.extend(lines);
    }

    fn implementation(&mut self, item: &syn::ItemImpl) -> Result<(), Error> {
        let owner = self.self_type(&item.self_ty);
        let Some((trait_path, _)) = &item.trait_ else {
            return self.inherent(item, &owner);
        };
        // `impl<'de> serde::Deserialize<'de> for models::X`: the header with the owner's path.
        let mut header = item.clone();
        header.attrs.clear();
        header.items.clear();
        *header.self_ty = syn::parse_str(&owner)
            .map_err(|e| internal(format!("API.txt: `{owner}` is not a type path: {e}")))?;
        let header_text = one_line(&unparse(syn::Item::Impl(header)));
        let mut lines = vec![Line::plain(strip_body(&header_text))];
        let qualified = format!("<{owner} as {}>", path_text(trait_path));
        for impl_item in &item.items {
            lines.extend(self.impl_item(impl_item, &qualified, true)?);
        }
        self.listing.owner(&owner).members.extend(lines);
        Ok(())
    }

    fn inherent(&mut self, item: &syn::ItemImpl, owner: &str) -> Result<(), Error> {
        let mut lines = Vec::new();
        for impl_item in &item.items {
            lines.extend(self.impl_item(impl_item, owner, false)?);
        }
        self.listing.owner(owner).members.extend(lines);
        Ok(())
    }

    /// The line of an associated item, if it is public (every item of a trait impl is).
    fn impl_item(
        &self,
        item: &syn::ImplItem,
        owner: &str,
        in_trait: bool,
    ) -> Result<Option<Line>, Error> {
        let visible = |vis: &syn::Visibility| in_trait || is_public(vis);
        Ok(match item {
            syn::ImplItem::Fn(item) if visible(&item.vis) => {
                let path = format!("{owner}::{}", item.sig.ident);
                let line = signature_line(&item.sig, &path);
                Some(Line::noted(line, "fn", path))
            }
            syn::ImplItem::Const(item) if visible(&item.vis) => {
                let path = format!("{owner}::{}", item.ident);
                Some(Line::plain(const_line(&path, &item.ty, &item.expr)))
            }
            syn::ImplItem::Type(item) if visible(&item.vis) => Some(Line::plain(format!(
                "type {owner}::{} = {}",
                item.ident,
                type_text(&item.ty)
            ))),
            syn::ImplItem::Fn(_) | syn::ImplItem::Const(_) | syn::ImplItem::Type(_) => None,
            other => {
                let text = one_line(&other.to_token_stream().to_string());
                return Err(internal(format!(
                    "API.txt: {} has an associated item the listing does not know: {text}",
                    self.path
                )));
            }
        })
    }

    /// The owner path of an impl's self type: a type of this module gets the module's path.
    fn self_type(&self, ty: &syn::Type) -> String {
        let text = type_text(ty);
        let text = text.strip_prefix("super::").unwrap_or(&text).to_owned();
        if self.local_types.contains(&text) {
            return self.qualified(&text);
        }
        text
    }
}

/// The names a `use` tree brings in, each with the path it comes from:
/// `rt::{Nullable, Error as RuntimeError}` gives `(Nullable, rt::Nullable)` and
/// `(RuntimeError, rt::Error)`.
fn use_leaves(tree: &syn::UseTree, prefix: &str) -> Vec<(String, String)> {
    match tree {
        syn::UseTree::Path(path) => use_leaves(&path.tree, &format!("{prefix}{}::", path.ident)),
        syn::UseTree::Name(name) => {
            vec![(name.ident.to_string(), format!("{prefix}{}", name.ident))]
        }
        syn::UseTree::Rename(rename) => vec![(
            rename.rename.to_string(),
            format!("{prefix}{}", rename.ident),
        )],
        syn::UseTree::Glob(_) => vec![("*".to_owned(), format!("{prefix}*"))],
        syn::UseTree::Group(group) => group
            .items
            .iter()
            .flat_map(|tree| use_leaves(tree, prefix))
            .collect(),
    }
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn item_is_public(item: &syn::Item) -> bool {
    let vis = match item {
        syn::Item::Const(item) => &item.vis,
        syn::Item::Enum(item) => &item.vis,
        syn::Item::ExternCrate(item) => &item.vis,
        syn::Item::Fn(item) => &item.vis,
        syn::Item::Mod(item) => &item.vis,
        syn::Item::Static(item) => &item.vis,
        syn::Item::Struct(item) => &item.vis,
        syn::Item::Trait(item) => &item.vis,
        syn::Item::TraitAlias(item) => &item.vis,
        syn::Item::Type(item) => &item.vis,
        syn::Item::Union(item) => &item.vis,
        syn::Item::Use(item) => &item.vis,
        // Macros, foreign modules and unparsed tokens have no visibility of their own: listed
        // as unknown rather than skipped.
        _ => return true,
    };
    is_public(vis)
}

/// `fn <path>(…) -> …`: the signature, named by its full path. A `mut` binding of an argument
/// and the `_` that marks one unused are the body's business, not the caller's, and are left
/// out.
fn signature_line(sig: &syn::Signature, path: &str) -> String {
    let mut sig = sig.clone();
    for input in &mut sig.inputs {
        match input {
            syn::FnArg::Receiver(receiver) => receiver.mutability = None,
            syn::FnArg::Typed(typed) => {
                if let syn::Pat::Ident(pattern) = &mut *typed.pat {
                    pattern.mutability = None;
                    let name = pattern.ident.to_string();
                    if let Some(used) = name.strip_prefix('_').filter(|n| !n.is_empty()) {
                        pattern.ident = syn::Ident::new(used, pattern.ident.span());
                    }
                }
            }
        }
    }
    // fn name(args) -> Output {}
    let mut item: syn::ItemFn = syn::parse_quote!(
        fn __() {}
    );
    item.sig = sig.clone();
    let text = strip_body(&one_line(&unparse(syn::Item::Fn(item))));
    let name = format!("fn {}", sig.ident);
    text.replacen(&name, &format!("fn {path}"), 1)
}

/// `const <path>: T`, with ` = value` when the value is a literal or a path.
fn const_line(path: &str, ty: &syn::Type, expr: &syn::Expr) -> String {
    let value = match expr {
        syn::Expr::Lit(lit) => Some(lit.lit.to_token_stream().to_string()),
        syn::Expr::Path(expr) if expr.qself.is_none() => Some(path_text(&expr.path)),
        _ => None,
    };
    let mut line = format!("const {path}: {}", type_text(ty));
    if let Some(value) = value {
        line.push_str(&format!(" = {value}"));
    }
    line
}

/// A type as prettyplease writes it, on one line.
fn type_text(ty: &syn::Type) -> String {
    // type __ = T;
    let mut item: syn::ItemType = syn::parse_quote!(
        type __ = ();
    );
    *item.ty = ty.clone();
    let text = one_line(&unparse(syn::Item::Type(item)));
    text.trim_start_matches("type __ = ")
        .trim_end_matches(';')
        .to_owned()
}

/// A path with its generic arguments (`serde::Deserialize<'de>`).
fn path_text(path: &syn::Path) -> String {
    type_text(&syn::Type::Path(syn::TypePath {
        attrs: Vec::new(),
        qself: None,
        path: path.clone(),
    }))
}

fn generics_text(generics: &syn::Generics) -> String {
    if generics.params.is_empty() {
        return String::new();
    }
    // struct __<T>;
    let mut item: syn::ItemStruct = syn::parse_quote!(
        struct __;
    );
    item.generics = generics.clone();
    let text = one_line(&unparse(syn::Item::Struct(item)));
    text.trim_start_matches("struct __")
        .trim_end_matches(';')
        .to_owned()
}

/// The attributes that change what a user can do with an item (derives, `non_exhaustive`,
/// `must_use`), after two spaces; docs and lint levels are left out.
fn attributes_text(attrs: &[syn::Attribute]) -> String {
    let mut out = Vec::new();
    for attr in attrs {
        let name = path_text(attr.path());
        if name == "doc" || name == "allow" {
            continue;
        }
        let derived = attr
            .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .ok()
            .filter(|_| name == "derive");
        match derived {
            Some(paths) => {
                let paths: Vec<String> = paths.iter().map(path_text).collect();
                out.push(format!("#[derive({})]", paths.join(", ")));
            }
            None => out.push(format!("#[{name}]")),
        }
    }
    if out.is_empty() {
        return String::new();
    }
    format!("  {}", out.join(" "))
}

/// prettyplease's text of one item.
fn unparse(item: syn::Item) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![item],
    })
}

/// Rust text on one line: prettyplease's line breaks and indentation, and the trailing commas
/// it adds when it breaks a list, removed; `crate::` dropped.
fn one_line(text: &str) -> String {
    let mut line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("( ", "("),
        (" )", ")"),
        (",)", ")"),
        ("< ", "<"),
        (" >", ">"),
        (",>", ">"),
        ("[ ", "["),
        (" ]", "]"),
        (",]", "]"),
    ] {
        line = line.replace(from, to);
    }
    line.replace("crate::", "")
}

/// An item's text without its empty body: `fn f() {}` → `fn f()`.
fn strip_body(text: &str) -> String {
    let text = text.trim_end();
    let text = text.strip_suffix("{}").unwrap_or(text).trim_end();
    text.trim_end_matches(',').to_owned()
}

fn internal(message: String) -> Error {
    Error {
        kind: ErrorKind::Internal(message),
        location: Location::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;
    use crate::model::{Operation, Success};

    /// A model with one operation, `GET /things` → `ListThings`.
    fn one_operation() -> Api {
        Api {
            services: vec![crate::model::Service {
                rust_name: "Svc".into(),
                url_template: "https://svc.{region}.example.com".into(),
                ..Default::default()
            }],
            types: Vec::new(),
            operations: vec![Operation {
                id: "list_things".into(),
                method_name: "list_things".into(),
                builder_name: "ListThings".into(),
                path: "/things".into(),
                path_parts: vec![crate::model::PathPart::Literal("/things".into())],
                service: "Svc".into(),
                success: Success {
                    status: 204,
                    body: None,
                    description: None,
                },
                ..Operation::default()
            }],
            ..Api::default()
        }
    }

    fn listing_of(api: &Api, extra: proc_macro2::TokenStream) -> Result<String, Error> {
        let mut tokens = crate::emit_operations::emit(api)?;
        tokens.extend(extra);
        let file = syn::parse2::<syn::File>(tokens).expect("emitted Rust parses");
        let files = [ListedFile {
            module: "operations",
            file: &file,
            path: "operations.rs",
        }];
        emit(&files, &Notes::new(api, None))
    }

    #[test]
    fn a_builder_method_added_only_in_an_emitter_is_listed() {
        let api = one_operation();
        let before = listing_of(&api, quote!()).unwrap();
        // What an emitter change would add to the builder: one public method, one private.
        let added = quote! {
            impl ListThings {
                pub fn page_hint(self, value: u32) -> Self { let _ = value; self }
                fn internal_only(&self) {}
            }
        };
        let after = listing_of(&api, added).unwrap();
        let new: Vec<&str> = after.lines().filter(|l| !before.contains(l)).collect();
        assert_eq!(
            new,
            ["fn operations::ListThings::page_hint(self, value: u32) -> Self"]
        );
    }

    #[test]
    fn every_kind_of_public_item_has_a_line() {
        let api = one_operation();
        let listing = listing_of(&api, quote!()).unwrap();
        for expected in [
            "enum operations::Service  #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, \
             PartialOrd, Ord)] #[non_exhaustive]",
            "variant operations::Service::Svc  // \"https://svc.{region}.example.com\"",
            "const operations::Service::ALL: &'static [Service]",
            "fn Client::list_things(&self) -> ListThings  // GET /things on Service::Svc",
            "struct operations::ListThings  #[derive(Debug, Clone)] #[must_use]",
            "async fn operations::ListThings::send(self) -> Result<(), Error>",
            "impl std::future::IntoFuture for operations::ListThings",
            "type <operations::ListThings as std::future::IntoFuture>::Output = Result<(), Error>",
            "const <operations::ListThings as Operation>::OPERATION_ID: &'static str = \
             \"list_things\"",
        ] {
            assert!(
                listing.lines().any(|line| line == expected),
                "no line `{expected}` in:\n{listing}"
            );
        }
        // Private fields of the builder are not API.
        assert!(!listing.contains("ListThings::client"), "{listing}");
    }

    #[test]
    fn a_note_without_an_item_is_an_error() {
        let mut api = one_operation();
        let mut ghost = api.operations[0].clone();
        ghost.method_name = "ghost".into();
        let mut notes = Notes::new(&api, None);
        api.operations.push(ghost);
        notes.0.extend(Notes::new(&api, None).0);
        let tokens = crate::emit_operations::emit(&one_operation()).unwrap();
        let file = syn::parse2::<syn::File>(tokens).unwrap();
        let files = [ListedFile {
            module: "operations",
            file: &file,
            path: "operations.rs",
        }];
        let error = emit(&files, &notes).unwrap_err();
        assert!(error.to_string().contains("`Client::ghost`"), "{error}");
    }

    #[test]
    fn an_unknown_public_item_is_an_error_not_a_silent_gap() {
        let api = one_operation();
        let items = [
            quote! {
                pub trait Extra {}
            },
            quote! {
                pub mod extra {}
            },
        ];
        for item in items {
            let error = listing_of(&api, item.clone()).unwrap_err();
            let text = item.to_string();
            assert!(error.to_string().contains(&text), "{error}");
        }
    }

    #[test]
    fn impls_in_a_private_module_are_listed_under_their_type() {
        let api = one_operation();
        let hidden = quote! {
            mod hidden {
                use super::*;
                pub struct NotListed;
                impl Default for ListThings {
                    fn default() -> Self { unimplemented!() }
                }
            }
        };
        let listing = listing_of(&api, hidden).unwrap();
        assert!(
            listing.contains("impl Default for operations::ListThings\n"),
            "{listing}"
        );
        assert!(!listing.contains("NotListed"), "{listing}");
    }
}
