//! Lowering: the OpenAPI document becomes the intermediate model.
//!
//! Every construct the generator does not support is an error naming its JSON pointer; nothing
//! is skipped. Component schemas that are objects or string enumerations become named types;
//! other components (a plain string, an array) are inlined where they are referenced. Inline
//! objects and enumerations are named `<Parent><Member>` (`<Parent><Member>Item` for array
//! items).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, ArrayType, IntegerFormat, MediaType, ObjectType, OpenAPI, Parameter,
    ParameterData, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, RequestBody,
    Response, Schema, SchemaData, SchemaKind, Server, StatusCode, StringType, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{Error, ErrorKind};
use crate::model::{
    Api, Body, Docs, Enum, ErrorFormat, Field, Operation, Param, PathPart, Rule, Service, Struct,
    Success, TypeDef, TypeRef, Variant,
};
use crate::names::{self, Namespace};

const SCHEMAS: &str = "#/components/schemas/";

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
/// Items of the generated operations module besides the request builders.
const RESERVED_OPERATION_ITEMS: [&str; 1] = ["Service"];
/// Methods of the hand-written `Client` (public and crate-private).
const RESERVED_CLIENT_METHODS: [&str; 8] = [
    "builder",
    "project_id",
    "region",
    "endpoint",
    "validates_requests",
    "resolve_project_id",
    "execute",
    "clone",
];
/// Fields and methods of every request builder.
const RESERVED_BUILDER_MEMBERS: [&str; 7] = [
    "client",
    "body",
    "validate",
    "send",
    "send_with_metadata",
    "into_future",
    "clone",
];
/// The field that keeps members the spec does not list.
const UNKNOWN_MEMBERS: &str = "unknown_members";

/// Lowers a parsed document.
pub fn lower(doc: &OpenAPI) -> Result<Api, Error> {
    let mut lowerer = Lowerer::new(doc)?;
    lowerer.lower_components()?;
    let operations = lowerer.lower_operations()?;
    let Lowerer {
        types, services, ..
    } = lowerer;
    let mut types: Vec<TypeDef> = types.into_values().collect();
    mark_requests(&mut types, &operations);
    box_cycles(&mut types);
    Ok(Api {
        services,
        types,
        operations,
    })
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
            return Err(Error::unsupported("#/openapi", message));
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

    // ----- services -------------------------------------------------------------------------

    fn default_service(&mut self) -> Result<(), Error> {
        match self.doc.servers.as_slice() {
            [server] => self.service(server, "#/servers/0").map(|_| ()),
            [] => Err(Error::invalid(
                "#/servers",
                "no server: the default endpoint is unknown",
            )),
            _ => Err(Error::unsupported("#/servers/1", "more than one server")),
        }
    }

    /// The service of `server`, added to the list if new; returns its Rust name.
    fn service(&mut self, server: &Server, pointer: &str) -> Result<String, Error> {
        let url = server_url(server, pointer)?;
        let label = host_label(&url)
            .ok_or_else(|| Error::unsupported(pointer, format!("server URL `{url}`")))?;
        let rust_name = names::type_name(label, pointer)?;
        if let Some(known) = self.services.iter().find(|s| s.rust_name == rust_name) {
            if known.url_template == url {
                return Ok(rust_name);
            }
            let first = format!("the server `{}`", known.url_template);
            return Err(Error::at(
                pointer,
                ErrorKind::NameCollision {
                    name: rust_name,
                    first,
                },
            ));
        }
        self.services.push(Service {
            rust_name: rust_name.clone(),
            url_template: url,
            description: server.description.clone(),
        });
        Ok(rust_name)
    }

    // ----- component schemas ----------------------------------------------------------------

    /// Claims the Rust names of the components that become named types, in spec order.
    fn name_components(&mut self) -> Result<(), Error> {
        for (name, schema) in schemas(self.doc) {
            let pointer = format!("{SCHEMAS}{}", names::pointer_segment(name));
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            if !becomes_named(schema) {
                continue;
            }
            let rust_name = names::type_name(name, &pointer)?;
            self.type_names.claim(&rust_name, &pointer)?;
            self.component_names.insert(name.clone(), rust_name);
        }
        Ok(())
    }

    fn lower_components(&mut self) -> Result<(), Error> {
        for (name, schema) in schemas(self.doc) {
            let pointer = format!("{SCHEMAS}{}", names::pointer_segment(name));
            let schema = match schema {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => {
                    self.resolve_schema(reference, &pointer)?;
                    continue;
                }
            };
            if schema.schema_data.nullable {
                let what = "`nullable` on a component schema (put it on the member instead)";
                return Err(Error::unsupported(format!("{pointer}/nullable"), what));
            }
            let Some(rust_name) = self.component_names.get(name).cloned() else {
                // Inlined where referenced, but lowered here so that errors surface even when
                // nothing references it.
                self.inline_component(name, schema, &pointer)?;
                continue;
            };
            self.define(&rust_name, schema, &pointer)?;
        }
        Ok(())
    }

    /// Defines the named type `rust_name` from an object or enumeration schema.
    fn define(&mut self, rust_name: &str, schema: &Schema, pointer: &str) -> Result<(), Error> {
        let docs = schema_docs(&schema.schema_data);
        let def = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                TypeDef::Enum(self.enumeration(rust_name, docs, string, false, pointer)?)
            }
            SchemaKind::Type(Type::Object(object)) => {
                TypeDef::Struct(self.structure(rust_name, docs, object, pointer)?)
            }
            _ => return Err(Error::invalid(pointer, "not an object or enumeration")),
        };
        self.types.insert(rust_name.to_owned(), def);
        Ok(())
    }

    fn structure(
        &mut self,
        rust_name: &str,
        docs: Docs,
        object: &ObjectType,
        pointer: &str,
    ) -> Result<Struct, Error> {
        check_object_keywords(object, pointer)?;
        for required in &object.required {
            if !object.properties.contains_key(required) {
                let message = format!("`{required}` is required but not a property");
                return Err(Error::invalid(format!("{pointer}/required"), message));
            }
        }
        let mut members = Namespace::with_reserved(&[UNKNOWN_MEMBERS], "the unknown-members field");
        let mut fields = Vec::new();
        for (name, property) in &object.properties {
            let field_pointer = format!("{pointer}/properties/{}", names::pointer_segment(name));
            let rust_field = names::member_name(name, &field_pointer)?;
            members.claim(&rust_field, &field_pointer)?;
            let inline_name = format!("{rust_name}{}", names::type_name(name, &field_pointer)?);
            let property = unbox(property);
            let shape = self.shape(&property, &field_pointer, &inline_name)?;
            fields.push(Field {
                name: name.clone(),
                rust_name: rust_field,
                docs: reference_docs(&property),
                ty: shape.ty,
                required: object.required.contains(name),
                nullable: shape.nullable,
                boxed: false,
                rules: shape.rules,
                item_rules: shape.item_rules,
            });
        }
        Ok(Struct {
            rust_name: rust_name.to_owned(),
            pointer: pointer.to_owned(),
            docs,
            fields,
            is_request: false,
        })
    }

    fn enumeration(
        &mut self,
        rust_name: &str,
        docs: Docs,
        string: &StringType,
        nullable: bool,
        pointer: &str,
    ) -> Result<Enum, Error> {
        check_string_keywords(string, pointer)?;
        let mut variants = Vec::new();
        let mut taken = Namespace::with_reserved(&["Unknown"], "the catch-all variant `Unknown`");
        for (index, value) in string.enumeration.iter().enumerate() {
            let value_pointer = format!("{pointer}/enum/{index}");
            let Some(value) = value else {
                if nullable {
                    continue;
                }
                return Err(Error::invalid(
                    value_pointer,
                    "`null` in the enum of a non-nullable schema",
                ));
            };
            let variant = names::type_name(value, &value_pointer)?;
            taken.claim(&variant, &value_pointer)?;
            variants.push(Variant {
                value: value.clone(),
                rust_name: variant,
            });
        }
        Ok(Enum {
            rust_name: rust_name.to_owned(),
            pointer: pointer.to_owned(),
            docs,
            variants,
        })
    }

    // ----- shapes (the type of a member, parameter or body) ---------------------------------

    /// Lowers a schema used as a member, item, parameter or body; `inline_name` names it if it
    /// is an inline object or enumeration.
    fn shape(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => return self.reference(reference, pointer),
            ReferenceOr::Item(schema) => schema,
        };
        let data = &schema.schema_data;
        if data.discriminator.is_some() {
            return Err(Error::unsupported(
                format!("{pointer}/discriminator"),
                "discriminator",
            ));
        }
        // OpenAPI 3.0.3 gives `nullable` effect only beside `type`; read elsewhere, the
        // generator would accept `null` where strict validators and mock servers reject it.
        if data.nullable && !matches!(schema.schema_kind, SchemaKind::Type(_)) {
            return Err(Error::invalid(
                format!("{pointer}/nullable"),
                "`nullable` without `type` has no effect (a nullable reference is \
                 `anyOf: [{$ref: …}, {enum: [null]}]`)",
            ));
        }
        let mut shape = self.kind_shape(&schema.schema_kind, data, pointer, inline_name)?;
        shape.nullable = shape.nullable || data.nullable;
        Ok(shape)
    }

    fn kind_shape(
        &mut self,
        kind: &SchemaKind,
        data: &SchemaData,
        pointer: &str,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        match kind {
            SchemaKind::Type(ty) => self.type_shape(ty, data, pointer, inline_name),
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => {
                    self.reference(reference, &format!("{pointer}/allOf/0"))
                }
                _ => Err(Error::unsupported(
                    format!("{pointer}/allOf"),
                    "allOf other than one wrapped $ref",
                )),
            },
            SchemaKind::OneOf { .. } => {
                Err(Error::unsupported(format!("{pointer}/oneOf"), "oneOf"))
            }
            SchemaKind::AnyOf { any_of } => match nullable_reference(any_of) {
                Some(reference) => {
                    let mut shape = self.reference(reference, &format!("{pointer}/anyOf/0"))?;
                    shape.nullable = true;
                    Ok(shape)
                }
                None => Err(Error::unsupported(
                    format!("{pointer}/anyOf"),
                    "anyOf other than a $ref and the null schema {enum: [null]}",
                )),
            },
            SchemaKind::Not { .. } => Err(Error::unsupported(format!("{pointer}/not"), "not")),
            SchemaKind::Any(any) if *any == openapiv3::AnySchema::default() => {
                Ok(Shape::plain(TypeRef::Json))
            }
            SchemaKind::Any(any) => Err(Error::unsupported(
                pointer,
                format!(
                    "a schema whose keywords fit no single type (type: {})",
                    any.typ.as_deref().unwrap_or("none")
                ),
            )),
        }
    }

    fn type_shape(
        &mut self,
        ty: &Type,
        data: &SchemaData,
        pointer: &str,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        match ty {
            Type::String(string) if !string.enumeration.is_empty() => {
                let docs = schema_docs(data);
                self.type_names.claim(inline_name, pointer)?;
                let def = self.enumeration(inline_name, docs, string, data.nullable, pointer)?;
                self.types
                    .insert(inline_name.to_owned(), TypeDef::Enum(def));
                Ok(Shape::plain(TypeRef::Named(inline_name.to_owned())))
            }
            Type::String(string) => string_shape(string, pointer),
            Type::Integer(integer) => integer_shape(integer, pointer),
            Type::Number(number) => number_shape(number, pointer),
            Type::Boolean(boolean) => {
                let values = boolean.enumeration.iter().flatten().map(bool::to_string);
                Ok(with_one_of(Shape::plain(TypeRef::Bool), values.collect()))
            }
            Type::Array(array) => self.array_shape(array, pointer, inline_name),
            Type::Object(object) => self.object_shape(object, data, pointer, inline_name),
        }
    }

    fn array_shape(
        &mut self,
        array: &ArrayType,
        pointer: &str,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        if array.unique_items {
            return Err(Error::unsupported(
                format!("{pointer}/uniqueItems"),
                "uniqueItems",
            ));
        }
        let Some(items) = &array.items else {
            return Err(Error::unsupported(pointer, "an array without `items`"));
        };
        let items_pointer = format!("{pointer}/items");
        let item = self.shape(&unbox(items), &items_pointer, &format!("{inline_name}Item"))?;
        if !item.item_rules.is_empty() {
            let what = "constraints on the items of nested arrays";
            return Err(Error::unsupported(items_pointer, what));
        }
        if item.nullable {
            return Err(Error::unsupported(
                format!("{items_pointer}/nullable"),
                "nullable array items",
            ));
        }
        let mut rules = Vec::new();
        rules.extend(
            array
                .min_items
                .filter(|n| *n > 0)
                .map(|n| Rule::MinItems(n as u64)),
        );
        rules.extend(array.max_items.map(|n| Rule::MaxItems(n as u64)));
        Ok(Shape {
            ty: TypeRef::Array(Box::new(item.ty)),
            nullable: false,
            rules,
            item_rules: item.rules,
        })
    }

    fn object_shape(
        &mut self,
        object: &ObjectType,
        data: &SchemaData,
        pointer: &str,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        if object_is_struct(object) {
            self.type_names.claim(inline_name, pointer)?;
            let def = self.structure(inline_name, schema_docs(data), object, pointer)?;
            self.types
                .insert(inline_name.to_owned(), TypeDef::Struct(def));
            return Ok(Shape::plain(TypeRef::Named(inline_name.to_owned())));
        }
        check_object_keywords(object, pointer)?;
        let value = match &object.additional_properties {
            Some(AdditionalProperties::Schema(schema)) => {
                let value_pointer = format!("{pointer}/additionalProperties");
                let value = self.shape(schema, &value_pointer, &format!("{inline_name}Value"))?;
                if !value.rules.is_empty() || !value.item_rules.is_empty() || value.nullable {
                    let what = "constraints or nullable on additionalProperties";
                    return Err(Error::unsupported(value_pointer, what));
                }
                value.ty
            }
            _ => TypeRef::Json,
        };
        Ok(Shape::plain(TypeRef::Map(Box::new(value))))
    }

    /// The shape of a `$ref` found at `pointer`.
    fn reference(&mut self, reference: &str, pointer: &str) -> Result<Shape, Error> {
        let schema = self.resolve_schema(reference, pointer)?;
        let name = &reference[SCHEMAS.len()..];
        if let Some(rust_name) = self.component_names.get(name) {
            return Ok(Shape::plain(TypeRef::Named(rust_name.clone())));
        }
        if self.inlining.iter().any(|n| n == name) {
            let what = format!("`{reference}` contains itself without an object in between");
            return Err(Error::unsupported(pointer, what));
        }
        let component_pointer = format!("{SCHEMAS}{}", names::pointer_segment(name));
        self.inline_component(name, schema, &component_pointer)
    }

    /// The shape of a component that is not a named type, lowered once and then reused (so
    /// that inline types inside it are defined once).
    fn inline_component(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &str,
    ) -> Result<Shape, Error> {
        if let Some(shape) = self.inlined.get(name) {
            return Ok(shape.clone());
        }
        let inline_name = names::type_name(name, pointer)?;
        self.inlining.push(name.to_owned());
        let shape = self.shape(&ReferenceOr::Item(schema.clone()), pointer, &inline_name);
        self.inlining.pop();
        let shape = shape?;
        self.inlined.insert(name.to_owned(), shape.clone());
        Ok(shape)
    }

    fn resolve_schema(&self, reference: &str, pointer: &str) -> Result<&'a Schema, Error> {
        let dangling = || Error::at(pointer, ErrorKind::DanglingRef(reference.to_owned()));
        let Some(name) = reference.strip_prefix(SCHEMAS) else {
            if reference.starts_with('#') {
                return Err(dangling());
            }
            return Err(Error::unsupported(
                pointer,
                format!("external reference `{reference}`"),
            ));
        };
        let schema = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .ok_or_else(dangling)?;
        match schema {
            ReferenceOr::Item(schema) => Ok(schema),
            ReferenceOr::Reference { .. } => Err(Error::unsupported(
                pointer,
                format!("`{reference}` is itself a reference"),
            )),
        }
    }

    // ----- operations -----------------------------------------------------------------------

    fn lower_operations(&mut self) -> Result<Vec<Operation>, Error> {
        let mut methods = Namespace::with_reserved(&RESERVED_CLIENT_METHODS, "a method of Client");
        let mut builders = Namespace::with_reserved(&PRELUDE, "the Rust prelude");
        for name in RESERVED_OPERATION_ITEMS {
            builders.claim(name, "the Service enum")?;
        }
        check_operation_ids(self.doc)?;
        let mut operations = Vec::new();
        let doc = self.doc;
        for (path, item) in doc.paths.iter() {
            let path_pointer = format!("#/paths/{}", names::pointer_segment(path));
            let ReferenceOr::Item(item) = item else {
                return Err(Error::unsupported(
                    path_pointer,
                    "a path item that is a $ref",
                ));
            };
            for (method, op) in item.iter() {
                let pointer = format!("{path_pointer}/{method}");
                let operation = self.operation(path, item, method, op, &pointer)?;
                // Both names come from the operationId, so that is where a collision is.
                let id_pointer = format!("{pointer}/operationId");
                methods.claim(&operation.method_name, &id_pointer)?;
                builders.claim(&operation.builder_name, &id_pointer)?;
                operations.push(operation);
            }
        }
        Ok(operations)
    }

    fn operation(
        &mut self,
        path: &str,
        item: &'a PathItem,
        method: &str,
        op: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Result<Operation, Error> {
        let Some(id) = op.operation_id.clone() else {
            return Err(Error::invalid(pointer, "no operationId"));
        };
        let id_pointer = format!("{pointer}/operationId");
        let builder_name = names::type_name(&id, &id_pointer)?;
        let service = self.operation_service(item, op, pointer)?;
        let mut members =
            Namespace::with_reserved(&RESERVED_BUILDER_MEMBERS, "the request builder");
        let (mut path_params, query_params) =
            self.parameters(item, op, pointer, &builder_name, &mut members)?;
        let path_parts = parse_path(path, pointer)?;
        order_path_params(&mut path_params, &path_parts, pointer)?;
        let body = match &op.request_body {
            Some(body) => {
                Some(self.request_body(body, &format!("{pointer}/requestBody"), &builder_name)?)
            }
            None => None,
        };
        Ok(Operation {
            method_name: names::member_name(&id, &id_pointer)?,
            id,
            builder_name: builder_name.clone(),
            pointer: pointer.to_owned(),
            http_method: method.to_uppercase(),
            path: path.to_owned(),
            path_parts,
            service,
            docs: Docs {
                summary: op.summary.clone(),
                description: op.description.clone(),
                doc_source: extension_string(&op.extensions, "x-doc-source"),
                default: None,
            },
            iam_action: extension_string(&op.extensions, "x-iam-action"),
            path_params,
            query_params,
            body,
            success: self.success(&op.responses, pointer, &builder_name)?,
            error_format: self.error_format(&op.responses, pointer)?,
        })
    }

    fn operation_service(
        &mut self,
        item: &PathItem,
        op: &openapiv3::Operation,
        pointer: &str,
    ) -> Result<String, Error> {
        let (servers, servers_pointer) = if !op.servers.is_empty() {
            (&op.servers, format!("{pointer}/servers"))
        } else if !item.servers.is_empty() {
            let item_pointer = pointer.rsplit_once('/').map_or(pointer, |(p, _)| p);
            (&item.servers, format!("{item_pointer}/servers"))
        } else {
            return Ok(self.services[0].rust_name.clone());
        };
        match servers.as_slice() {
            [server] => self.service(server, &format!("{servers_pointer}/0")),
            _ => Err(Error::unsupported(
                format!("{servers_pointer}/1"),
                "more than one server",
            )),
        }
    }

    /// Path and query parameters, operation-level ones overriding path-item ones.
    fn parameters(
        &mut self,
        item: &'a PathItem,
        op: &'a openapiv3::Operation,
        pointer: &str,
        builder_name: &str,
        members: &mut Namespace,
    ) -> Result<(Vec<Param>, Vec<Param>), Error> {
        let item_pointer = pointer.rsplit_once('/').map_or(pointer, |(p, _)| p);
        let mut all: Vec<(String, &Parameter)> = Vec::new();
        for (index, parameter) in item.parameters.iter().enumerate() {
            let at = format!("{item_pointer}/parameters/{index}");
            all.push((at.clone(), self.resolve_parameter(parameter, &at)?));
        }
        for (index, parameter) in op.parameters.iter().enumerate() {
            let at = format!("{pointer}/parameters/{index}");
            let parameter = self.resolve_parameter(parameter, &at)?;
            let data = parameter.parameter_data_ref();
            all.retain(|(_, p)| {
                let d = p.parameter_data_ref();
                !(d.name == data.name && location(p) == location(parameter))
            });
            all.push((at, parameter));
        }
        let (mut path_params, mut query_params) = (Vec::new(), Vec::new());
        for (at, parameter) in all {
            match parameter {
                Parameter::Path { parameter_data, .. } => {
                    let param = self.path_param(parameter_data, &at, builder_name)?;
                    members.claim(&param.rust_name, &at)?;
                    path_params.push(param);
                }
                Parameter::Query {
                    parameter_data,
                    allow_reserved,
                    style,
                    ..
                } => {
                    if *allow_reserved {
                        return Err(Error::unsupported(
                            format!("{at}/allowReserved"),
                            "allowReserved",
                        ));
                    }
                    if !matches!(style, QueryStyle::Form) {
                        return Err(Error::unsupported(
                            format!("{at}/style"),
                            "a query style other than form",
                        ));
                    }
                    let param = self.query_param(parameter_data, &at, builder_name)?;
                    members.claim(&param.rust_name, &at)?;
                    query_params.push(param);
                }
                Parameter::Header { .. } => {
                    return Err(Error::unsupported(at, "header parameters"));
                }
                Parameter::Cookie { .. } => {
                    return Err(Error::unsupported(at, "cookie parameters"));
                }
            }
        }
        Ok((path_params, query_params))
    }

    fn resolve_parameter(
        &self,
        parameter: &'a ReferenceOr<Parameter>,
        pointer: &str,
    ) -> Result<&'a Parameter, Error> {
        let reference = match parameter {
            ReferenceOr::Item(parameter) => return Ok(parameter),
            ReferenceOr::Reference { reference } => reference,
        };
        let dangling = || Error::at(pointer, ErrorKind::DanglingRef(reference.clone()));
        let name = reference
            .strip_prefix("#/components/parameters/")
            .ok_or_else(dangling)?;
        let found = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.parameters.get(name));
        match found {
            Some(ReferenceOr::Item(parameter)) => Ok(parameter),
            Some(ReferenceOr::Reference { .. }) => Err(Error::unsupported(
                pointer,
                format!("`{reference}` is itself a reference"),
            )),
            None => Err(dangling()),
        }
    }

    fn parameter_shape(
        &mut self,
        data: &ParameterData,
        pointer: &str,
        builder_name: &str,
    ) -> Result<Shape, Error> {
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(Error::unsupported(
                format!("{pointer}/content"),
                "a parameter with content",
            ));
        };
        let inline_name = format!("{builder_name}{}", names::type_name(&data.name, pointer)?);
        let shape = self.shape(schema, &format!("{pointer}/schema"), &inline_name)?;
        if shape.nullable {
            return Err(Error::unsupported(
                format!("{pointer}/schema/nullable"),
                "a nullable parameter",
            ));
        }
        Ok(shape)
    }

    fn path_param(
        &mut self,
        data: &ParameterData,
        pointer: &str,
        builder_name: &str,
    ) -> Result<Param, Error> {
        if !data.required {
            return Err(Error::invalid(pointer, "a path parameter must be required"));
        }
        let shape = self.parameter_shape(data, pointer, builder_name)?;
        if !self.is_scalar(&shape.ty) {
            let what = "a path parameter that is not a string, number, boolean or enumeration";
            return Err(Error::unsupported(format!("{pointer}/schema"), what));
        }
        let rust_name = names::member_name(&data.name, pointer)?;
        Ok(Param {
            from_client: rust_name == "project_id" && shape.ty == TypeRef::String,
            name: data.name.clone(),
            rust_name,
            docs: parameter_docs(data),
            ty: shape.ty,
            required: true,
            rules: shape.rules,
            item_rules: shape.item_rules,
        })
    }

    fn query_param(
        &mut self,
        data: &ParameterData,
        pointer: &str,
        builder_name: &str,
    ) -> Result<Param, Error> {
        let shape = self.parameter_shape(data, pointer, builder_name)?;
        let scalar = match &shape.ty {
            TypeRef::Array(item) => {
                if data.explode == Some(false) {
                    let what = "an array query parameter with explode: false";
                    return Err(Error::unsupported(format!("{pointer}/explode"), what));
                }
                self.is_scalar(item)
            }
            ty => self.is_scalar(ty),
        };
        if !scalar {
            let what = "a query parameter that is not a scalar or an array of scalars";
            return Err(Error::unsupported(format!("{pointer}/schema"), what));
        }
        Ok(Param {
            name: data.name.clone(),
            rust_name: names::member_name(&data.name, pointer)?,
            docs: parameter_docs(data),
            ty: shape.ty,
            required: data.required,
            from_client: false,
            rules: shape.rules,
            item_rules: shape.item_rules,
        })
    }

    /// Whether a value of `ty` can be written as one path segment or query value.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => true,
            TypeRef::Named(name) => matches!(self.types.get(name), Some(TypeDef::Enum(_))),
            TypeRef::Json | TypeRef::Array(_) | TypeRef::Map(_) => false,
        }
    }

    fn request_body(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        pointer: &str,
        builder_name: &str,
    ) -> Result<Body, Error> {
        let body = match body {
            ReferenceOr::Item(body) => body,
            ReferenceOr::Reference { reference } => {
                self.resolve_component(reference, "requestBodies", pointer, |c| &c.request_bodies)?
            }
        };
        let media = json_media(&body.content, &format!("{pointer}/content"))?.ok_or_else(|| {
            Error::unsupported(
                format!("{pointer}/content"),
                "a request body without JSON content",
            )
        })?;
        let (media_pointer, media) = media;
        let shape =
            self.media_shape(media, &media_pointer, &format!("{builder_name}RequestBody"))?;
        Ok(Body {
            ty: shape.ty,
            required: body.required,
            docs: Docs {
                description: body.description.clone(),
                doc_source: extension_string(&body.extensions, "x-doc-source"),
                ..Docs::default()
            },
        })
    }

    fn media_shape(
        &mut self,
        media: &MediaType,
        pointer: &str,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        let Some(schema) = &media.schema else {
            return Err(Error::unsupported(pointer, "JSON content without a schema"));
        };
        let shape = self.shape(schema, &format!("{pointer}/schema"), inline_name)?;
        if shape.nullable {
            return Err(Error::unsupported(
                format!("{pointer}/schema/nullable"),
                "a nullable body",
            ));
        }
        if !shape.rules.is_empty() || !shape.item_rules.is_empty() {
            let what = "constraints on a whole body (put the body in a component)";
            return Err(Error::unsupported(format!("{pointer}/schema"), what));
        }
        Ok(shape)
    }

    fn resolve_component<T>(
        &self,
        reference: &str,
        section: &str,
        pointer: &str,
        map: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Result<&'a T, Error> {
        let dangling = || Error::at(pointer, ErrorKind::DanglingRef(reference.to_owned()));
        let prefix = format!("#/components/{section}/");
        let name = reference
            .strip_prefix(prefix.as_str())
            .ok_or_else(dangling)?;
        match self.doc.components.as_ref().and_then(|c| map(c).get(name)) {
            Some(ReferenceOr::Item(item)) => Ok(item),
            Some(ReferenceOr::Reference { .. }) => Err(Error::unsupported(
                pointer,
                format!("`{reference}` is itself a reference"),
            )),
            None => Err(dangling()),
        }
    }

    fn response(
        &self,
        response: &'a ReferenceOr<Response>,
        pointer: &str,
    ) -> Result<&'a Response, Error> {
        match response {
            ReferenceOr::Item(response) => Ok(response),
            ReferenceOr::Reference { reference } => {
                self.resolve_component(reference, "responses", pointer, |c| &c.responses)
            }
        }
    }

    fn success(
        &mut self,
        responses: &'a openapiv3::Responses,
        pointer: &str,
        builder_name: &str,
    ) -> Result<Success, Error> {
        let mut found = None;
        for (status, response) in &responses.responses {
            let at = format!("{pointer}/responses/{status}");
            let code = match status {
                StatusCode::Code(code) if (200..300).contains(code) => *code,
                StatusCode::Code(_) => continue,
                StatusCode::Range(2) => return Err(Error::unsupported(at, "a 2XX status range")),
                StatusCode::Range(_) => continue,
            };
            if found.is_some() {
                return Err(Error::unsupported(at, "more than one success response"));
            }
            found = Some((
                code,
                at,
                self.response(response, &format!("{pointer}/responses/{status}"))?,
            ));
        }
        let Some((status, at, response)) = found else {
            return Err(Error::invalid(
                format!("{pointer}/responses"),
                "no success (2xx) response",
            ));
        };
        let body = match json_media(&response.content, &format!("{at}/content"))? {
            Some((media_pointer, media)) => {
                let name = format!("{builder_name}ResponseBody");
                Some(self.media_shape(media, &media_pointer, &name)?.ty)
            }
            None if response.content.is_empty() => None,
            None => {
                return Err(Error::unsupported(
                    format!("{at}/content"),
                    "a response without JSON content",
                ))
            }
        };
        Ok(Success {
            status,
            body,
            description: Some(response.description.clone()),
        })
    }

    /// The error body's shape, from the `default` response or else the first 4xx/5xx one.
    fn error_format(
        &self,
        responses: &'a openapiv3::Responses,
        pointer: &str,
    ) -> Result<ErrorFormat, Error> {
        let mut candidates: Vec<(String, &ReferenceOr<Response>)> = Vec::new();
        if let Some(default) = &responses.default {
            candidates.push((format!("{pointer}/responses/default"), default));
        }
        for (status, response) in &responses.responses {
            let is_error = match status {
                StatusCode::Code(code) => *code >= 400,
                StatusCode::Range(range) => *range >= 4,
            };
            if is_error {
                candidates.push((format!("{pointer}/responses/{status}"), response));
            }
        }
        let Some((at, response)) = candidates.into_iter().next() else {
            return Err(Error::invalid(
                format!("{pointer}/responses"),
                "no error response (default, 4xx or 5xx)",
            ));
        };
        let response = self.response(response, &at)?;
        let Some((media_pointer, media)) = json_media(&response.content, &format!("{at}/content"))?
        else {
            return Err(Error::unsupported(
                at,
                "an error response without a JSON body",
            ));
        };
        let schema_pointer = format!("{media_pointer}/schema");
        let object = media
            .schema
            .as_ref()
            .map(|schema| self.object_of(schema, &schema_pointer))
            .transpose()?
            .flatten()
            .ok_or_else(|| {
                Error::unsupported(&schema_pointer, "an error body that is not an object")
            })?;
        if let Some((code, message)) = code_and_message(object) {
            return Ok(ErrorFormat::Flat { code, message });
        }
        for (member, property) in &object.properties {
            let inner = self.object_of(property, &schema_pointer)?;
            if let Some((code, message)) = inner.and_then(code_and_message) {
                return Ok(ErrorFormat::Nested {
                    member: member.clone(),
                    code,
                    message,
                });
            }
        }
        Err(Error::unsupported(
            schema_pointer,
            "an error body without code and message members",
        ))
    }

    /// The object schema behind `schema` (following a `$ref` or an `allOf` wrapper).
    fn object_of<S: std::borrow::Borrow<Schema>>(
        &self,
        schema: &'a ReferenceOr<S>,
        pointer: &str,
    ) -> Result<Option<&'a ObjectType>, Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.object_in(self.resolve_schema(reference, pointer)?, pointer)
            }
            ReferenceOr::Item(schema) => self.object_in(schema.borrow(), pointer),
        }
    }

    fn object_in(
        &self,
        schema: &'a Schema,
        pointer: &str,
    ) -> Result<Option<&'a ObjectType>, Error> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Ok(Some(object)),
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => {
                    let target = self.resolve_schema(reference, pointer)?;
                    match &target.schema_kind {
                        SchemaKind::Type(Type::Object(object)) => Ok(Some(object)),
                        _ => Ok(None),
                    }
                }
                _ => Ok(None),
            },
            SchemaKind::AnyOf { any_of } => match nullable_reference(any_of) {
                Some(reference) => {
                    self.object_in(self.resolve_schema(reference, pointer)?, pointer)
                }
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }
}

// ----- helpers without state -----------------------------------------------------------------

fn schemas(doc: &OpenAPI) -> impl Iterator<Item = (&String, &ReferenceOr<Schema>)> {
    doc.components.iter().flat_map(|c| c.schemas.iter())
}

/// Rejects an operationId used twice before any operation is lowered: lowering the second one
/// could first trip over a type or method named after the same id, a less direct error.
fn check_operation_ids(doc: &OpenAPI) -> Result<(), Error> {
    let mut first_by_id: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in doc.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let pointer = format!(
                "#/paths/{}/{method}/operationId",
                names::pointer_segment(path)
            );
            if let Some(first) = first_by_id.get(id) {
                let kind = ErrorKind::DuplicateOperationId {
                    id: id.to_owned(),
                    first: first.clone(),
                };
                return Err(Error::at(pointer, kind));
            }
            first_by_id.insert(id, pointer);
        }
    }
    Ok(())
}

/// The reference of `anyOf: [{$ref: …}, {enum: [null]}]`, the spec's nullable reference: the
/// one form that strict validators, mock servers and other generators all read as "the
/// referenced schema, or `null`" (`nullable` beside an `allOf` is ignored by the first two).
fn nullable_reference(any_of: &[ReferenceOr<Schema>]) -> Option<&str> {
    match any_of {
        [ReferenceOr::Reference { reference }, ReferenceOr::Item(null)] if is_null_schema(null) => {
            Some(reference)
        }
        _ => None,
    }
}

/// `{enum: [null]}` and nothing else.
fn is_null_schema(schema: &Schema) -> bool {
    let SchemaKind::Any(any) = &schema.schema_kind else {
        return false;
    };
    let only_null = openapiv3::AnySchema {
        enumeration: vec![serde_json::Value::Null],
        ..openapiv3::AnySchema::default()
    };
    *any == only_null && schema.schema_data == SchemaData::default()
}

/// Whether a component schema becomes a named type (an object with members or an enumeration).
fn becomes_named(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => !string.enumeration.is_empty(),
        SchemaKind::Type(Type::Object(object)) => object_is_struct(object),
        _ => false,
    }
}

/// An object with members, or a closed one, becomes a struct; otherwise it is a map.
fn object_is_struct(object: &ObjectType) -> bool {
    !object.properties.is_empty()
        || matches!(
            object.additional_properties,
            Some(AdditionalProperties::Any(false))
        )
}

fn check_object_keywords(object: &ObjectType, pointer: &str) -> Result<(), Error> {
    if object.min_properties.is_some() || object.max_properties.is_some() {
        return Err(Error::unsupported(pointer, "minProperties/maxProperties"));
    }
    let typed_extra = matches!(
        object.additional_properties,
        Some(AdditionalProperties::Schema(_))
    );
    if typed_extra && !object.properties.is_empty() {
        let what = "typed additionalProperties next to properties";
        return Err(Error::unsupported(
            format!("{pointer}/additionalProperties"),
            what,
        ));
    }
    Ok(())
}

fn check_string_keywords(string: &StringType, pointer: &str) -> Result<(), Error> {
    if string.pattern.is_some() {
        return Err(Error::unsupported(format!("{pointer}/pattern"), "pattern"));
    }
    Ok(())
}

fn string_shape(string: &StringType, pointer: &str) -> Result<Shape, Error> {
    check_string_keywords(string, pointer)?;
    if let VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) = string.format {
        return Err(Error::unsupported(
            format!("{pointer}/format"),
            "format: binary",
        ));
    }
    let mut shape = Shape::plain(TypeRef::String);
    // A minimum of zero holds for every value: no rule.
    shape.rules.extend(
        string
            .min_length
            .filter(|n| *n > 0)
            .map(|n| Rule::MinLength(n as u64)),
    );
    shape
        .rules
        .extend(string.max_length.map(|n| Rule::MaxLength(n as u64)));
    Ok(shape)
}

fn integer_shape(integer: &openapiv3::IntegerType, pointer: &str) -> Result<Shape, Error> {
    if integer.multiple_of.is_some() {
        return Err(Error::unsupported(
            format!("{pointer}/multipleOf"),
            "multipleOf",
        ));
    }
    let ty = match &integer.format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => {
            TypeRef::I64
        }
        VariantOrUnknownOrEmpty::Unknown(format) => {
            return Err(Error::unsupported(
                format!("{pointer}/format"),
                format!("integer format `{format}`"),
            ));
        }
    };
    let mut shape = Shape::plain(ty);
    if let Some(min) = integer.minimum {
        let exclusive = integer.exclusive_minimum;
        shape.rules.push(Rule::Minimum {
            bound: min.into(),
            exclusive,
        });
    }
    if let Some(max) = integer.maximum {
        let exclusive = integer.exclusive_maximum;
        shape.rules.push(Rule::Maximum {
            bound: max.into(),
            exclusive,
        });
    }
    let values = integer
        .enumeration
        .iter()
        .flatten()
        .map(i64::to_string)
        .collect();
    Ok(with_one_of(shape, values))
}

fn number_shape(number: &openapiv3::NumberType, pointer: &str) -> Result<Shape, Error> {
    if number.multiple_of.is_some() {
        return Err(Error::unsupported(
            format!("{pointer}/multipleOf"),
            "multipleOf",
        ));
    }
    if let VariantOrUnknownOrEmpty::Unknown(format) = &number.format {
        return Err(Error::unsupported(
            format!("{pointer}/format"),
            format!("number format `{format}`"),
        ));
    }
    let mut shape = Shape::plain(TypeRef::F64);
    let bound = |value: f64, at: &str| {
        serde_json::Number::from_f64(value)
            .ok_or_else(|| Error::invalid(format!("{pointer}/{at}"), "not a finite number"))
    };
    if let Some(min) = number.minimum {
        let exclusive = number.exclusive_minimum;
        shape.rules.push(Rule::Minimum {
            bound: bound(min, "minimum")?,
            exclusive,
        });
    }
    if let Some(max) = number.maximum {
        let exclusive = number.exclusive_maximum;
        shape.rules.push(Rule::Maximum {
            bound: bound(max, "maximum")?,
            exclusive,
        });
    }
    let values = number
        .enumeration
        .iter()
        .flatten()
        .map(f64::to_string)
        .collect();
    Ok(with_one_of(shape, values))
}

fn with_one_of(mut shape: Shape, values: Vec<String>) -> Shape {
    if !values.is_empty() {
        shape.rules.push(Rule::OneOf(values));
    }
    shape
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

fn extension_string(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    key: &str,
) -> Option<String> {
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

/// Docs of a member: those of the property schema (for a bare `$ref`, none: the referenced
/// type carries its own).
fn reference_docs(property: &ReferenceOr<Schema>) -> Docs {
    match property {
        ReferenceOr::Item(schema) => schema_docs(&schema.schema_data),
        ReferenceOr::Reference { .. } => Docs::default(),
    }
}

fn parameter_docs(data: &ParameterData) -> Docs {
    let default = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
            schema.schema_data.default.clone()
        }
        _ => None,
    };
    Docs {
        summary: None,
        description: data.description.clone(),
        doc_source: extension_string(&data.extensions, "x-doc-source"),
        default,
    }
}

fn location(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// The `application/json` media type of a content map (with its pointer), if any; other media
/// types next to it are an error.
fn json_media<'m>(
    content: &'m indexmap::IndexMap<String, MediaType>,
    pointer: &str,
) -> Result<Option<(String, &'m MediaType)>, Error> {
    let mut found = None;
    for (media_type, media) in content {
        let at = format!("{pointer}/{}", names::pointer_segment(media_type));
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        if essence != "application/json" {
            return Err(Error::unsupported(at, format!("media type `{media_type}`")));
        }
        if found.is_some() {
            return Err(Error::unsupported(at, "more than one JSON media type"));
        }
        found = Some((at, media));
    }
    Ok(found)
}

/// The members holding an error's code and message, if the object has both.
fn code_and_message(object: &ObjectType) -> Option<(String, String)> {
    let find = |candidates: &[&str]| {
        candidates
            .iter()
            .find(|c| object.properties.contains_key(**c))
            .map(|c| (*c).to_owned())
    };
    let code = find(&["error_code", "code"])?;
    let message = find(&["error_msg", "error_message", "message"])?;
    Some((code, message))
}

/// The server's URL with every variable but `{region}` replaced by its default.
fn server_url(server: &Server, pointer: &str) -> Result<String, Error> {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        if name != "region" {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    let leftover = url.replace("{region}", "");
    if leftover.contains('{') || leftover.contains('}') {
        let message = format!("URL `{}` has a variable without a default", server.url);
        return Err(Error::invalid(format!("{pointer}/url"), message));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The first label of the URL's host (`cbr` in `https://cbr.{region}.example.com`).
fn host_label(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next()?;
    let label = host.split(['.', ':']).next()?;
    let plain = !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plain.then_some(label)
}

fn parse_path(path: &str, pointer: &str) -> Result<Vec<PathPart>, Error> {
    if !path.starts_with('/') {
        return Err(Error::invalid(
            pointer,
            format!("path `{path}` does not start with `/`"),
        ));
    }
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return Err(Error::invalid(
                pointer,
                format!("unbalanced `{{` in path `{path}`"),
            ));
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        parts.push(PathPart::Param(rest[open + 1..close].to_owned()));
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err(Error::invalid(
            pointer,
            format!("unbalanced `}}` in path `{path}`"),
        ));
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    Ok(parts)
}

/// Puts path parameters in template order; each must appear in the template exactly once.
fn order_path_params(
    params: &mut Vec<Param>,
    parts: &[PathPart],
    pointer: &str,
) -> Result<(), Error> {
    let mut ordered = Vec::new();
    for part in parts {
        let PathPart::Param(name) = part else {
            continue;
        };
        let Some(index) = params.iter().position(|p| &p.name == name) else {
            let message = format!("path parameter `{name}` is not declared");
            return Err(Error::invalid(format!("{pointer}/parameters"), message));
        };
        ordered.push(params.remove(index));
    }
    if let Some(extra) = params.first() {
        let message = format!("path parameter `{}` is not in the path", extra.name);
        return Err(Error::invalid(format!("{pointer}/parameters"), message));
    }
    *params = ordered;
    Ok(())
}

/// Named types a type refers to.
fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// Marks every struct reachable from a request body as a request model.
fn mark_requests(types: &mut [TypeDef], operations: &[Operation]) {
    let mut stack = Vec::new();
    for operation in operations {
        if let Some(body) = &operation.body {
            named_in(&body.ty, &mut stack);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let found = types.iter_mut().find(|t| t.rust_name() == name);
        if let Some(TypeDef::Struct(def)) = found {
            def.is_request = true;
            for field in &def.fields {
                named_in(&field.ty, &mut stack);
            }
        }
    }
}

/// Boxes members through which a struct contains itself without a `Vec` or map in between.
fn box_cycles(types: &mut [TypeDef]) {
    let direct: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Struct(s) => Some((s.rust_name.clone(), direct_members(s))),
            TypeDef::Enum(_) => None,
        })
        .collect();
    for def in types.iter_mut() {
        let TypeDef::Struct(def) = def else {
            continue;
        };
        for field in &mut def.fields {
            if let TypeRef::Named(target) = &field.ty {
                field.boxed = reaches(&direct, target, &def.rust_name);
            }
        }
    }
}

fn direct_members(def: &Struct) -> Vec<String> {
    def.fields
        .iter()
        .filter_map(|f| match &f.ty {
            TypeRef::Named(name) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

fn reaches(direct: &BTreeMap<String, Vec<String>>, from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name.clone()) {
            stack.extend(direct.get(&name).into_iter().flatten().cloned());
        }
    }
    false
}
