//! Turns OpenAPI 3.0 schema objects into JSON Schema (draft 7) for validating examples.
//!
//! `nullable` is read as OpenAPI 3.0.3 defines it, as strict validators and mock servers read it:
//! `nullable: true` adds `null` to the `type` beside it and does nothing without one, and the
//! other keywords still apply (an `enum` that does not list `null` rejects it). A nullable
//! reference is therefore `anyOf: [{$ref}, {enum: [null]}]`, plain JSON Schema.
//!
//! Every object schema without `additionalProperties` is closed, so a member that an example
//! has but the schema lacks is an error rather than silently allowed.

use serde_json::{json, Map, Value};

/// Keywords of OpenAPI schema objects that JSON Schema does not know (or that must not be
/// enforced when validating a payload).
const OPENAPI_ONLY: [&str; 9] = [
    "nullable",
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
];

/// Converts one schema; `$ref: #/components/schemas/X` becomes `$ref: #/definitions/X`.
pub fn convert(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return json!({ "$ref": format!("#/definitions/{name}") });
    }
    let mut out = Map::new();
    for (key, value) in object {
        if key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), convert(s)))
                    .collect(),
            ),
            "items" | "not" => convert(value),
            "additionalProperties" if value.is_object() => convert(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(convert)
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    let is_object = object.get("type").and_then(Value::as_str) == Some("object")
        || object.contains_key("properties");
    if is_object && !object.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    let nullable = object.get("nullable").and_then(Value::as_bool) == Some(true);
    if let (true, Some(Value::String(ty))) = (nullable, out.get("type").cloned()) {
        out.insert("type".into(), json!([ty, "null"]));
    }
    Value::Object(out)
}

/// A self-contained JSON Schema for `schema`, with every component schema of `spec` under
/// `definitions`.
pub fn standalone(spec: &Value, schema: &Value) -> Value {
    let definitions: Map<String, Value> = spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, s)| (name.clone(), convert(s)))
        .collect();
    let mut root = match convert(schema) {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("allOf".into(), json!([other]));
            map
        }
    };
    root.insert("definitions".into(), Value::Object(definitions));
    Value::Object(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(spec: &Value, schema: &Value, instance: &Value) -> bool {
        jsonschema::draft7::new(&standalone(spec, schema))
            .expect("schema compiles")
            .is_valid(instance)
    }

    fn fixture() -> Value {
        json!({"components": {"schemas": {
            "Inner": {"type": "object", "properties": {"n": {"type": "integer", "nullable": true}}},
            "Outer": {"type": "object", "properties": {
                "inner": {"anyOf": [{"$ref": "#/components/schemas/Inner"}, {"enum": [null]}]},
                "kind": {"type": "string", "enum": ["a", "b", null], "nullable": true},
                "strict": {"type": "string", "enum": ["x"]},
                "unlisted": {"type": "string", "enum": ["x"], "nullable": true},
                "ignored": {"allOf": [{"$ref": "#/components/schemas/Inner"}], "nullable": true}
            }}
        }}})
    }

    #[test]
    fn objects_are_closed() {
        let spec = fixture();
        let outer = json!({"$ref": "#/components/schemas/Outer"});
        assert!(accepts(&spec, &outer, &json!({"inner": {"n": 1}})));
        assert!(!accepts(&spec, &outer, &json!({"undeclared": 1})));
        assert!(!accepts(
            &spec,
            &outer,
            &json!({"inner": {"undeclared": 1}})
        ));
    }

    #[test]
    fn nullable_admits_null_only_where_declared() {
        let spec = fixture();
        let outer = json!({"$ref": "#/components/schemas/Outer"});
        assert!(accepts(
            &spec,
            &outer,
            &json!({"inner": null, "kind": null})
        ));
        assert!(accepts(&spec, &outer, &json!({"inner": {"n": null}})));
        assert!(!accepts(&spec, &outer, &json!({"strict": null})));
        assert!(!accepts(&spec, &outer, &json!({"kind": "c"})));
    }

    /// OpenAPI 3.0.3: "Other Schema Object constraints retain their defined behavior, and
    /// therefore may disallow the use of null", and `nullable` without `type` has no effect.
    #[test]
    fn nullable_reads_as_openapi_3_0_3_defines_it() {
        let spec = fixture();
        let outer = json!({"$ref": "#/components/schemas/Outer"});
        assert!(!accepts(&spec, &outer, &json!({"unlisted": null})));
        assert!(accepts(&spec, &outer, &json!({"unlisted": "x"})));
        assert!(!accepts(&spec, &outer, &json!({"ignored": null})));
        assert!(accepts(&spec, &outer, &json!({"ignored": {"n": 1}})));
    }
}
