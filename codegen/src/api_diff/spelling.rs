//! How the lines spell a type: as the generated Rust declares it, and as the spec describes
//! the JSON value.
//!
//! These follow the generator's rules (`docs/design/0001-generator-architecture.md`, "Models")
//! from the model alone, so the diff needs no emitted code.

use crate::model::{Field, Presence, TypeRef};

/// The Rust type of a value: `String`, `Vec<Tag>`, `BTreeMap<String, i64>`.
pub fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(item) => format!("Vec<{}>", rust_type(item)),
        TypeRef::Map(value) if **value == TypeRef::Json => {
            "serde_json::Map<String, serde_json::Value>".into()
        }
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", rust_type(value)),
    }
}

/// The Rust type of a struct field holding `ty` with `presence`: `T`, `Option<T>` or
/// `Nullable<T>`, boxed inside when the member makes the type recursive.
pub fn field_type(ty: &TypeRef, presence: Presence, boxed: bool) -> String {
    let inner = match boxed {
        true => format!("Box<{}>", rust_type(ty)),
        false => rust_type(ty),
    };
    match presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::OptionalNullable => format!("Nullable<{inner}>"),
    }
}

/// The Rust type of `field` as declared.
pub fn declared_type(field: &Field) -> String {
    field_type(&field.ty, field.presence(), field.boxed)
}

/// The JSON value a type describes: `string`, `integer (int32)`, `array of Tag`.
pub fn wire_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "string".into(),
        TypeRef::I32 => "integer (int32)".into(),
        TypeRef::I64 => "integer".into(),
        TypeRef::F64 => "number".into(),
        TypeRef::Bool => "boolean".into(),
        TypeRef::Json => "any value".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(item) => format!("array of {}", wire_type(item)),
        TypeRef::Map(value) if **value == TypeRef::Json => "object".into(),
        TypeRef::Map(value) => format!("object of {}", wire_type(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_nested_types_on_both_sides() {
        let ty = TypeRef::Array(Box::new(TypeRef::Map(Box::new(TypeRef::I32))));
        assert_eq!(rust_type(&ty), "Vec<BTreeMap<String, i32>>");
        assert_eq!(wire_type(&ty), "array of object of integer (int32)");
        let free = TypeRef::Map(Box::new(TypeRef::Json));
        assert_eq!(
            rust_type(&free),
            "serde_json::Map<String, serde_json::Value>"
        );
        assert_eq!(wire_type(&free), "object");
    }

    #[test]
    fn wraps_a_field_by_presence_and_boxing() {
        let tag = TypeRef::Named("Tag".into());
        assert_eq!(field_type(&tag, Presence::Required, false), "Tag");
        assert_eq!(
            field_type(&tag, Presence::RequiredNullable, false),
            "Option<Tag>"
        );
        assert_eq!(
            field_type(&tag, Presence::Optional, true),
            "Option<Box<Tag>>"
        );
        assert_eq!(
            field_type(&tag, Presence::OptionalNullable, false),
            "Nullable<Tag>"
        );
    }
}
