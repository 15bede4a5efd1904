//! Schemas: component schemas become named types (objects as structs, string enumerations as
//! enums), and every member, item, parameter or body schema becomes a [`Shape`]: its Rust type,
//! nullability and documented constraints. Afterwards, [`mark_requests`] and [`box_cycles`]
//! look at the types as a whole.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, ArrayType, IntegerFormat, ObjectType, OpenAPI, ReferenceOr, Schema,
    SchemaData, SchemaKind, StringType, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::{schema_docs, Lowerer, Shape};
use crate::error::Error;
use crate::model::{
    Docs, Enum, Field, Operation, Rule, Struct, TypeDef, TypeKind, TypeRef, Variant,
};
use crate::names::{self, Namespace};
use crate::pointer::JsonPointer;

/// The field that keeps members the spec does not list.
const UNKNOWN_MEMBERS: &str = "unknown_members";

/// The pointer of the component schema `name`.
fn component_pointer(name: &str) -> JsonPointer {
    JsonPointer::root()
        .join("components")
        .join("schemas")
        .join(name)
}

impl<'a> Lowerer<'a> {
    /// Claims the Rust names of the components that become named types, in spec order.
    pub(super) fn name_components(&mut self) -> Result<(), Error> {
        for (name, schema) in schemas(self.doc) {
            let pointer = component_pointer(name);
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

    pub(super) fn lower_components(&mut self) -> Result<(), Error> {
        for (name, schema) in schemas(self.doc) {
            let pointer = component_pointer(name);
            let schema = match schema {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => {
                    self.resolve_schema(reference, &pointer)?;
                    continue;
                }
            };
            if schema.schema_data.nullable {
                let what = "`nullable` on a component schema (put it on the member instead)";
                return Err(Error::unsupported(pointer.join("nullable"), what));
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
    fn define(
        &mut self,
        rust_name: &str,
        schema: &Schema,
        pointer: &JsonPointer,
    ) -> Result<(), Error> {
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                TypeKind::Enum(self.enumeration(string, false, pointer)?)
            }
            SchemaKind::Type(Type::Object(object)) => {
                TypeKind::Struct(self.structure(rust_name, object, pointer)?)
            }
            _ => return Err(Error::invalid(pointer, "not an object or enumeration")),
        };
        self.insert_type(rust_name, pointer, schema_docs(&schema.schema_data), kind);
        Ok(())
    }

    fn insert_type(&mut self, rust_name: &str, pointer: &JsonPointer, docs: Docs, kind: TypeKind) {
        let def = TypeDef {
            rust_name: rust_name.to_owned(),
            pointer: pointer.clone(),
            docs,
            kind,
        };
        self.types.insert(rust_name.to_owned(), def);
    }

    /// The members of an object schema; inline types inside are named after `rust_name`.
    fn structure(
        &mut self,
        rust_name: &str,
        object: &ObjectType,
        pointer: &JsonPointer,
    ) -> Result<Struct, Error> {
        check_object_keywords(object, pointer)?;
        for required in &object.required {
            if !object.properties.contains_key(required) {
                let message = format!("`{required}` is required but not a property");
                return Err(Error::invalid(pointer.join("required"), message));
            }
        }
        let mut members = Namespace::with_reserved(&[UNKNOWN_MEMBERS], "the unknown-members field");
        let mut fields = Vec::new();
        for (name, property) in &object.properties {
            let field_pointer = pointer.join("properties").join(name);
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
            fields,
            is_request: false,
        })
    }

    fn enumeration(
        &mut self,
        string: &StringType,
        nullable: bool,
        pointer: &JsonPointer,
    ) -> Result<Enum, Error> {
        check_string_keywords(string, pointer)?;
        let mut variants = Vec::new();
        let mut taken = Namespace::with_reserved(&["Unknown"], "the catch-all variant `Unknown`");
        for (index, value) in string.enumeration.iter().enumerate() {
            let value_pointer = pointer.join("enum").join(index.to_string());
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
        Ok(Enum { variants })
    }

    /// Lowers a schema used as a member, item, parameter or body; `inline_name` names it if it
    /// is an inline object or enumeration.
    pub(super) fn shape(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &JsonPointer,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => return self.reference(reference, pointer),
            ReferenceOr::Item(schema) => schema,
        };
        let data = &schema.schema_data;
        if data.discriminator.is_some() {
            return Err(Error::unsupported(
                pointer.join("discriminator"),
                "discriminator",
            ));
        }
        // OpenAPI 3.0.3 gives `nullable` effect only beside `type`; read elsewhere, the
        // generator would accept `null` where strict validators and mock servers reject it.
        if data.nullable && !matches!(schema.schema_kind, SchemaKind::Type(_)) {
            return Err(Error::invalid(
                pointer.join("nullable"),
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
        pointer: &JsonPointer,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        match kind {
            SchemaKind::Type(ty) => self.type_shape(ty, data, pointer, inline_name),
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => {
                    self.reference(reference, &pointer.join("allOf").join("0"))
                }
                _ => Err(Error::unsupported(
                    pointer.join("allOf"),
                    "allOf other than one wrapped $ref",
                )),
            },
            SchemaKind::OneOf { .. } => Err(Error::unsupported(pointer.join("oneOf"), "oneOf")),
            SchemaKind::AnyOf { any_of } => match nullable_reference(any_of) {
                Some(reference) => {
                    let mut shape = self.reference(reference, &pointer.join("anyOf").join("0"))?;
                    shape.nullable = true;
                    Ok(shape)
                }
                None => Err(Error::unsupported(
                    pointer.join("anyOf"),
                    "anyOf other than a $ref and the null schema {enum: [null]}",
                )),
            },
            SchemaKind::Not { .. } => Err(Error::unsupported(pointer.join("not"), "not")),
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
        pointer: &JsonPointer,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        match ty {
            Type::String(string) if !string.enumeration.is_empty() => {
                self.type_names.claim(inline_name, pointer)?;
                let def = self.enumeration(string, data.nullable, pointer)?;
                self.insert_type(inline_name, pointer, schema_docs(data), TypeKind::Enum(def));
                Ok(Shape::plain(TypeRef::Named(inline_name.to_owned())))
            }
            Type::String(string) => string_shape(string, pointer),
            Type::Integer(integer) => integer_shape(integer, pointer),
            Type::Number(number) => number_shape(number, pointer),
            Type::Boolean(boolean) => {
                let values = boolean
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|b| Value::Bool(*b));
                Ok(with_allowed_values(
                    Shape::plain(TypeRef::Bool),
                    values.collect(),
                ))
            }
            Type::Array(array) => self.array_shape(array, pointer, inline_name),
            Type::Object(object) => self.object_shape(object, data, pointer, inline_name),
        }
    }

    fn array_shape(
        &mut self,
        array: &ArrayType,
        pointer: &JsonPointer,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        if array.unique_items {
            return Err(Error::unsupported(
                pointer.join("uniqueItems"),
                "uniqueItems",
            ));
        }
        let Some(items) = &array.items else {
            return Err(Error::unsupported(pointer, "an array without `items`"));
        };
        let items_pointer = pointer.join("items");
        let item = self.shape(&unbox(items), &items_pointer, &format!("{inline_name}Item"))?;
        if !item.item_rules.is_empty() {
            let what = "constraints on the items of nested arrays";
            return Err(Error::unsupported(items_pointer, what));
        }
        if item.nullable {
            return Err(Error::unsupported(
                items_pointer.join("nullable"),
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
        pointer: &JsonPointer,
        inline_name: &str,
    ) -> Result<Shape, Error> {
        if object_is_struct(object) {
            self.type_names.claim(inline_name, pointer)?;
            let def = self.structure(inline_name, object, pointer)?;
            self.insert_type(
                inline_name,
                pointer,
                schema_docs(data),
                TypeKind::Struct(def),
            );
            return Ok(Shape::plain(TypeRef::Named(inline_name.to_owned())));
        }
        check_object_keywords(object, pointer)?;
        let value = match &object.additional_properties {
            Some(AdditionalProperties::Schema(schema)) => {
                let value_pointer = pointer.join("additionalProperties");
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
    fn reference(&mut self, reference: &str, pointer: &JsonPointer) -> Result<Shape, Error> {
        let schema = self.resolve_schema(reference, pointer)?;
        let name = super::component_name(reference, "schemas", pointer)?;
        if let Some(rust_name) = self.component_names.get(&name) {
            return Ok(Shape::plain(TypeRef::Named(rust_name.clone())));
        }
        if self.inlining.contains(&name) {
            let what = format!("`{reference}` contains itself without an object in between");
            return Err(Error::unsupported(pointer, what));
        }
        self.inline_component(&name, schema, &component_pointer(&name))
    }

    /// The shape of a component that is not a named type, lowered once and then reused (so
    /// that inline types inside it are defined once).
    fn inline_component(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &JsonPointer,
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

    /// The component schema a `$ref` found at `pointer` names.
    pub(super) fn resolve_schema(
        &self,
        reference: &str,
        pointer: &JsonPointer,
    ) -> Result<&'a Schema, Error> {
        self.resolve_component(reference, "schemas", pointer, |c| &c.schemas)
    }
}

fn schemas(doc: &OpenAPI) -> impl Iterator<Item = (&String, &ReferenceOr<Schema>)> {
    doc.components.iter().flat_map(|c| c.schemas.iter())
}

/// The reference of `anyOf: [{$ref: …}, {enum: [null]}]`, the spec's nullable reference: the
/// one form that strict validators, mock servers and other generators all read as "the
/// referenced schema, or `null`" (`nullable` beside an `allOf` is ignored by the first two).
pub(super) fn nullable_reference(any_of: &[ReferenceOr<Schema>]) -> Option<&str> {
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

fn check_object_keywords(object: &ObjectType, pointer: &JsonPointer) -> Result<(), Error> {
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
            pointer.join("additionalProperties"),
            what,
        ));
    }
    Ok(())
}

fn check_string_keywords(string: &StringType, pointer: &JsonPointer) -> Result<(), Error> {
    if string.pattern.is_some() {
        return Err(Error::unsupported(pointer.join("pattern"), "pattern"));
    }
    Ok(())
}

fn string_shape(string: &StringType, pointer: &JsonPointer) -> Result<Shape, Error> {
    check_string_keywords(string, pointer)?;
    if let VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) = string.format {
        return Err(Error::unsupported(pointer.join("format"), "format: binary"));
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

fn integer_shape(integer: &openapiv3::IntegerType, pointer: &JsonPointer) -> Result<Shape, Error> {
    if integer.multiple_of.is_some() {
        return Err(Error::unsupported(pointer.join("multipleOf"), "multipleOf"));
    }
    let ty = match &integer.format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => {
            TypeRef::I64
        }
        VariantOrUnknownOrEmpty::Unknown(format) => {
            return Err(Error::unsupported(
                pointer.join("format"),
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
        .map(|n| Value::from(*n));
    Ok(with_allowed_values(shape, values.collect()))
}

fn number_shape(number: &openapiv3::NumberType, pointer: &JsonPointer) -> Result<Shape, Error> {
    if number.multiple_of.is_some() {
        return Err(Error::unsupported(pointer.join("multipleOf"), "multipleOf"));
    }
    if let VariantOrUnknownOrEmpty::Unknown(format) = &number.format {
        return Err(Error::unsupported(
            pointer.join("format"),
            format!("number format `{format}`"),
        ));
    }
    let mut shape = Shape::plain(TypeRef::F64);
    let finite = |value: f64, at: JsonPointer| {
        serde_json::Number::from_f64(value).ok_or_else(|| Error::invalid(at, "not a finite number"))
    };
    if let Some(min) = number.minimum {
        let exclusive = number.exclusive_minimum;
        shape.rules.push(Rule::Minimum {
            bound: finite(min, pointer.join("minimum"))?,
            exclusive,
        });
    }
    if let Some(max) = number.maximum {
        let exclusive = number.exclusive_maximum;
        shape.rules.push(Rule::Maximum {
            bound: finite(max, pointer.join("maximum"))?,
            exclusive,
        });
    }
    let mut values = Vec::new();
    for (index, value) in number.enumeration.iter().enumerate() {
        if let Some(value) = value {
            let at = pointer.join("enum").join(index.to_string());
            values.push(Value::Number(finite(*value, at)?));
        }
    }
    Ok(with_allowed_values(shape, values))
}

fn with_allowed_values(mut shape: Shape, values: Vec<Value>) -> Shape {
    if !values.is_empty() {
        shape.rules.push(Rule::AllowedValues(values));
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

/// Docs of a member: those of the property schema (for a bare `$ref`, none: the referenced
/// type carries its own).
fn reference_docs(property: &ReferenceOr<Schema>) -> Docs {
    match property {
        ReferenceOr::Item(schema) => schema_docs(&schema.schema_data),
        ReferenceOr::Reference { .. } => Docs::default(),
    }
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
pub(super) fn mark_requests(types: &mut [TypeDef], operations: &[Operation]) {
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
        let found = types.iter_mut().find(|t| t.rust_name == name);
        if let Some(TypeKind::Struct(def)) = found.map(|t| &mut t.kind) {
            def.is_request = true;
            for field in &def.fields {
                named_in(&field.ty, &mut stack);
            }
        }
    }
}

/// Boxes members through which a struct contains itself without a `Vec` or map in between.
pub(super) fn box_cycles(types: &mut [TypeDef]) {
    let direct: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|t| Some((t.rust_name.clone(), direct_members(t.as_struct()?))))
        .collect();
    for def in types.iter_mut() {
        let TypeKind::Struct(structure) = &mut def.kind else {
            continue;
        };
        for field in &mut structure.fields {
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
