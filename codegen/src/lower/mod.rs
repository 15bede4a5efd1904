//! Lowering: the OpenAPI document becomes the intermediate model.
//!
//! Every construct the generator does not support is an error naming its JSON pointer; nothing
//! is skipped. Component schemas that are objects or string enumerations become named types;
//! other components (a plain string, an array) are inlined where they are referenced. Inline
//! objects and enumerations are named `<Parent><Member>` (`<Parent><Member>Item` for array
//! items).
//!
//! One `Lowerer` walks the document; its methods are split by concern, one private module each:
//! `services` (server URLs), `schemas` (named types and the shape of every member),
//! `operations` (paths, parameters and bodies), `responses` (the success body and the error
//! format), `paging` (which list operations page, and how) and `waiters` (the `x-waiters`
//! extension: what a `wait_for_…` method polls and which states end the wait).

mod operations;
mod paging;
mod responses;
mod schemas;
mod services;
#[cfg(test)]
mod tests;
mod waiters;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr, SchemaData};

use crate::error::{Error, ErrorKind};
use crate::model::{Api, ApiInfo, Docs, Rule, Service, TypeDef, TypeRef};
use crate::names::Namespace;
use crate::pointer::JsonPointer;

/// Prelude names that generated code uses unqualified: a type of the same name would shadow
/// them.
const PRELUDE: [&str; 19] = [
    "Box",
    "Vec",
    "String",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Into",
    "From",
    "IntoIterator",
    "Iterator",
    "PartialEq",
    "Send",
    "Sync",
    "Self",
];

/// Lowers a parsed document.
pub fn lower(doc: &OpenAPI) -> Result<Api, Error> {
    let mut lowerer = Lowerer::new(doc)?;
    lowerer.lower_components()?;
    let operations = lowerer.lower_operations()?;
    let Lowerer {
        types, services, ..
    } = lowerer;
    let mut types: Vec<TypeDef> = types.into_values().collect();
    schemas::mark_requests(&mut types, &operations);
    schemas::box_cycles(&mut types);
    let mut api = Api {
        services,
        types,
        operations,
        waiters: Vec::new(),
        info: ApiInfo {
            title: doc.info.title.clone(),
            description: doc.info.description.clone(),
        },
    };
    api.waiters = waiters::lower(doc, &api)?;
    Ok(api)
}

/// What a schema lowers to, before it becomes a field or parameter.
#[derive(Clone)]
struct Shape {
    ty: TypeRef,
    nullable: bool,
    rules: Vec<Rule>,
    item_rules: Vec<Rule>,
}

impl Shape {
    fn plain(ty: TypeRef) -> Self {
        Shape {
            ty,
            nullable: false,
            rules: Vec::new(),
            item_rules: Vec::new(),
        }
    }
}

/// The state of one lowering: the document and what has been lowered so far.
struct Lowerer<'a> {
    doc: &'a OpenAPI,
    /// Named types by Rust name (sorted, which is the output order).
    types: BTreeMap<String, TypeDef>,
    type_names: Namespace,
    /// Rust names of the component schemas that become named types.
    component_names: BTreeMap<String, String>,
    /// Components being inlined, to reject a component that contains itself.
    inlining: Vec<String>,
    /// Shapes of the components already inlined.
    inlined: BTreeMap<String, Shape>,
    services: Vec<Service>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a OpenAPI) -> Result<Self, Error> {
        if !doc.openapi.starts_with("3.0.") {
            let message = format!("OpenAPI version {} (only 3.0.x is supported)", doc.openapi);
            return Err(Error::unsupported(
                JsonPointer::root().join("openapi"),
                message,
            ));
        }
        let mut lowerer = Lowerer {
            doc,
            types: BTreeMap::new(),
            type_names: Namespace::with_reserved(&PRELUDE, "the Rust prelude"),
            component_names: BTreeMap::new(),
            inlining: Vec::new(),
            inlined: BTreeMap::new(),
            services: Vec::new(),
        };
        lowerer.default_service()?;
        lowerer.name_components()?;
        Ok(lowerer)
    }

    /// The component a local `$ref` names in `section` of `#/components` (`schemas`,
    /// `parameters`, `requestBodies`, `responses`), found through `map`; `pointer` locates the
    /// reference for errors.
    fn resolve_component<T>(
        &self,
        reference: &str,
        section: &str,
        pointer: &JsonPointer,
        map: impl Fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Result<&'a T, Error> {
        let name = component_name(reference, section, pointer)?;
        let found = self.doc.components.as_ref().and_then(|c| map(c).get(&name));
        match found {
            Some(ReferenceOr::Item(item)) => Ok(item),
            Some(ReferenceOr::Reference { .. }) => Err(Error::unsupported(
                pointer,
                format!("`{reference}` is itself a reference"),
            )),
            None => Err(dangling(reference, pointer)),
        }
    }
}

/// The name of the component a local `$ref` names in `section`; an external reference is
/// unsupported, a local one elsewhere is dangling.
fn component_name(reference: &str, section: &str, pointer: &JsonPointer) -> Result<String, Error> {
    if !reference.starts_with('#') {
        let what = format!("external reference `{reference}`");
        return Err(Error::unsupported(pointer, what));
    }
    let segments = JsonPointer::parse(reference)
        .map(|target| target.segments())
        .unwrap_or_default();
    match segments.as_slice() {
        [components, found, name] if components == "components" && found == section => {
            Ok(name.clone())
        }
        _ => Err(dangling(reference, pointer)),
    }
}

fn dangling(reference: &str, pointer: &JsonPointer) -> Error {
    Error::at(pointer, ErrorKind::DanglingRef(reference.to_owned()))
}

fn extension_string(extensions: &IndexMap<String, serde_json::Value>, key: &str) -> Option<String> {
    extensions
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn schema_docs(data: &SchemaData) -> Docs {
    Docs {
        summary: data.title.clone(),
        description: data.description.clone(),
        doc_source: extension_string(&data.extensions, "x-doc-source"),
        default: data.default.clone(),
    }
}
