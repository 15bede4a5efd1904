//! Proptest strategies that produce JSON values conforming to a schema of the spec, read from
//! the spec itself: types, bounds, lengths, item counts and enumerations are respected;
//! enumerations also get values the spec does not list; optional members are sometimes absent
//! and nullable ones sometimes `null`; objects that do not close themselves
//! (`additionalProperties: false`) get members the spec does not list; references are followed
//! down to a bounded depth.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Number, Value};

use crate::nullable_reference;

/// How large generated values get.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Levels of objects below the root whose optional members may be present; deeper down,
    /// objects hold only their required members and arrays their minimum item count.
    pub depth: u32,
    /// The most items of an array (unless `minItems` asks for more).
    pub items: usize,
    /// The most members the spec does not list, per object.
    pub unknown_members: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 3,
            items: 3,
            unknown_members: 2,
        }
    }
}

/// Builds strategies for the schemas of one OpenAPI document (as JSON).
pub struct SchemaStrategies<'a> {
    spec: &'a Value,
    limits: Limits,
}

/// Required members deeper than this below the depth limit mean a cycle of required members.
const REQUIRED_CHAIN: i64 = 16;

impl<'a> SchemaStrategies<'a> {
    /// Strategies for the schemas of `spec`.
    pub fn new(spec: &'a Value, limits: Limits) -> Self {
        SchemaStrategies { spec, limits }
    }

    /// Values of the schema at `pointer` (`#/components/schemas/Vault`) as its generated model
    /// reads them: never `null` at the top (being nullable is a property of the member that
    /// holds the model, not of the model).
    pub fn model_values(&self, pointer: &str) -> Result<BoxedStrategy<Value>, String> {
        let schema = self.resolve(pointer, pointer)?;
        self.non_null(schema, i64::from(self.limits.depth), pointer)
    }

    /// Values of `schema`, `null` included when it is nullable.
    fn schema(&self, schema: &Value, depth: i64, at: &str) -> Result<BoxedStrategy<Value>, String> {
        let value = self.non_null(schema, depth, at)?;
        if nullable(schema) {
            return Ok(prop_oneof![1 => Just(Value::Null), 3 => value].boxed());
        }
        Ok(value)
    }

    fn non_null(
        &self,
        schema: &Value,
        depth: i64,
        at: &str,
    ) -> Result<BoxedStrategy<Value>, String> {
        if depth < -REQUIRED_CHAIN {
            return Err(format!("{at}: required members form a cycle"));
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return self.non_null(self.resolve(reference, at)?, depth, reference);
        }
        if let Some(reference) = nullable_reference(schema) {
            return self.non_null(self.resolve(reference, at)?, depth, reference);
        }
        for keyword in ["oneOf", "anyOf", "not"] {
            if schema.get(keyword).is_some() {
                return Err(format!("{at}: `{keyword}` is not supported"));
            }
        }
        if let Some(all_of) = schema.get("allOf") {
            return match all_of.as_array().map(Vec::as_slice) {
                Some([single]) => self.non_null(single, depth, &format!("{at}/allOf/0")),
                _ => Err(format!("{at}: `allOf` other than one wrapped schema")),
            };
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Ok(enumeration(schema, values));
        }
        let ty = schema.get("type").and_then(Value::as_str);
        match ty {
            Some("string") => Ok(string(schema)),
            Some("integer") => integer(schema, at),
            Some("number") => Ok(number(schema)),
            Some("boolean") => Ok(any::<bool>().prop_map(Value::Bool).boxed()),
            Some("array") => self.array(schema, depth, at),
            Some("object") => self.object(schema, depth, at),
            None if schema.get("properties").is_some() => self.object(schema, depth, at),
            None => Ok(any_json(2)),
            Some(other) => Err(format!("{at}: unknown type `{other}`")),
        }
    }

    fn array(&self, schema: &Value, depth: i64, at: &str) -> Result<BoxedStrategy<Value>, String> {
        let min = usize_of(schema, "minItems").unwrap_or(0);
        let max = if depth > 0 {
            let most = min.max(self.limits.items);
            usize_of(schema, "maxItems").map_or(most, |max| max.min(most))
        } else {
            min
        };
        if max == 0 {
            return Ok(Just(Value::Array(Vec::new())).boxed());
        }
        let items = schema
            .get("items")
            .ok_or_else(|| format!("{at}: an array without `items`"))?;
        // Only objects count as a level: a list of objects is as deep as one object.
        let item = self.schema(items, depth, &format!("{at}/items"))?;
        Ok(proptest::collection::vec(item, min..=max)
            .prop_map(Value::Array)
            .boxed())
    }

    fn object(&self, schema: &Value, depth: i64, at: &str) -> Result<BoxedStrategy<Value>, String> {
        let properties = schema.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let extra = schema.get("additionalProperties");
        let closed = extra == Some(&Value::Bool(false));
        if properties.is_none_or(Map::is_empty) && !closed {
            if let Some(values) = extra.filter(|v| v.is_object()) {
                if depth <= 0 {
                    return Ok(Just(Value::Object(Map::new())).boxed());
                }
                let value =
                    self.schema(values, depth - 1, &format!("{at}/additionalProperties"))?;
                return Ok(members_map(value, self.limits.items));
            }
            // A free-form object.
            return Ok(members_map(any_json(1), self.limits.items));
        }
        let mut members: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        for (name, property) in properties.into_iter().flatten() {
            let member_at = format!("{at}/properties/{}", crate::escape_pointer(name));
            let name = name.clone();
            if required.contains(&name.as_str()) {
                let value = self.schema(property, depth - 1, &member_at)?;
                members.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
            } else if depth > 0 {
                let value = self.schema(property, depth - 1, &member_at)?;
                let member = value.prop_map(move |v| (name.clone(), v));
                members.push(proptest::option::weighted(0.7, member).boxed());
            }
        }
        let listed: Vec<String> = properties
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect();
        let unknown = if closed || depth <= 0 {
            Just(BTreeMap::new()).boxed()
        } else {
            proptest::collection::btree_map(key(), any_json(1), 0..=self.limits.unknown_members)
                .boxed()
        };
        Ok((members, unknown)
            .prop_map(move |(members, unknown)| {
                let mut object: Map<String, Value> = members.into_iter().flatten().collect();
                for (key, value) in unknown {
                    // A listed name would be read as that member, which must conform to its schema.
                    if !listed.contains(&key) {
                        object.insert(key, value);
                    }
                }
                Value::Object(object)
            })
            .boxed())
    }

    fn resolve(&self, reference: &str, at: &str) -> Result<&'a Value, String> {
        reference
            .strip_prefix('#')
            .and_then(|pointer| self.spec.pointer(pointer))
            .ok_or_else(|| format!("{at}: `{reference}` points at nothing"))
    }
}

fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || nullable_reference(schema).is_some()
}

fn usize_of(schema: &Value, keyword: &str) -> Option<usize> {
    schema
        .get(keyword)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// The listed values (`null` aside: it belongs to `nullable`) and, for strings, others too.
fn enumeration(schema: &Value, values: &[Value]) -> BoxedStrategy<Value> {
    let known: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
    let is_string = schema.get("type").and_then(Value::as_str) == Some("string");
    match (known.is_empty(), is_string) {
        (true, _) => Just(Value::Null).boxed(),
        (false, true) => prop_oneof![
            3 => select(known),
            1 => text(0, 12).prop_map(Value::String),
        ]
        .boxed(),
        (false, false) => select(known).boxed(),
    }
}

fn string(schema: &Value) -> BoxedStrategy<Value> {
    let min = usize_of(schema, "minLength").unwrap_or(0);
    let max = usize_of(schema, "maxLength").map_or(min + 12, |max| max.min(min + 12));
    text(min, max).prop_map(Value::String).boxed()
}

/// Strings of `min..=max` characters, any Unicode scalar values (control characters, quotes and
/// backslashes included).
fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), min..=max).prop_map(String::from_iter)
}

fn integer(schema: &Value, at: &str) -> Result<BoxedStrategy<Value>, String> {
    let (mut low, mut high) = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    let exclusive = |keyword: &str| schema.get(keyword).and_then(Value::as_bool) == Some(true);
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        let min = min.ceil() as i64;
        low = low.max(if exclusive("exclusiveMinimum") {
            min + 1
        } else {
            min
        });
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        let max = max.floor() as i64;
        high = high.min(if exclusive("exclusiveMaximum") {
            max - 1
        } else {
            max
        });
    }
    if low > high {
        return Err(format!("{at}: no integer is within the bounds"));
    }
    Ok((low..=high).prop_map(Value::from).boxed())
}

fn number(schema: &Value) -> BoxedStrategy<Value> {
    let bound = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    let exclusive = |keyword: &str| schema.get(keyword).and_then(Value::as_bool) == Some(true);
    let (low, high) = (bound("minimum"), bound("maximum"));
    let (low_exclusive, high_exclusive) =
        (exclusive("exclusiveMinimum"), exclusive("exclusiveMaximum"));
    let values = if low.is_none() && high.is_none() {
        prop_oneof![
            any::<f64>(),
            -1.0e6..1.0e6f64,
            Just(0.0),
            Just(-0.0),
            Just(0.1),
            Just(1.0),
        ]
        .boxed()
    } else {
        let (from, to) = (low.unwrap_or(-1.0e15), high.unwrap_or(1.0e15));
        prop_oneof![from..=to, Just(from), Just(to)].boxed()
    };
    let within = move |v: &f64| {
        let above = low.is_none_or(|l| if low_exclusive { *v > l } else { *v >= l });
        let below = high.is_none_or(|h| if high_exclusive { *v < h } else { *v <= h });
        v.is_finite() && above && below
    };
    values
        .prop_filter("a finite number within the bounds", within)
        .prop_filter_map("a finite number", Number::from_f64)
        .prop_map(Value::Number)
        .boxed()
}

/// Names of members the spec does not list: word-like ones, and any text.
fn key() -> BoxedStrategy<String> {
    prop_oneof![3 => "[a-z][a-z0-9_]{0,11}", 1 => text(0, 6)].boxed()
}

/// An object with up to `most` members whose values come from `value`.
fn members_map(value: BoxedStrategy<Value>, most: usize) -> BoxedStrategy<Value> {
    proptest::collection::btree_map(key(), value, 0..=most)
        .prop_map(|members| Value::Object(members.into_iter().collect()))
        .boxed()
}

/// Any JSON value, nested up to `depth` arrays or objects deep.
pub fn any_json(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("a finite number", Number::from_f64)
            .prop_map(Value::Number),
        text(0, 8).prop_map(Value::String),
    ];
    leaf.prop_recursive(depth, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..3)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use serde_json::json;

    use super::*;

    fn samples(spec: &Value, pointer: &str) -> Vec<Value> {
        let strategy = SchemaStrategies::new(spec, Limits::default())
            .model_values(pointer)
            .unwrap();
        let mut runner = TestRunner::deterministic();
        (0..200)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect()
    }

    fn fixture() -> Value {
        json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Outer": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"$ref": "#/components/schemas/Kind"},
                "count": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 9,
                          "nullable": true},
                "inner": {"anyOf": [{"$ref": "#/components/schemas/Outer"}, {"enum": [null]}]},
                "tags": {"type": "array", "maxItems": 2, "items": {"type": "string",
                         "maxLength": 3}}
            }},
            "Closed": {"type": "object", "additionalProperties": false,
                       "properties": {"x": {"type": "boolean"}}}
        }}})
    }

    #[test]
    fn values_conform_to_the_schema_and_go_beyond_it_where_allowed() {
        let spec = fixture();
        let values = samples(&spec, "#/components/schemas/Outer");
        let (mut unknown_kind, mut null_count, mut absent_count, mut extra, mut nested) =
            (false, false, false, false, false);
        let mut null_inner = false;
        for value in &values {
            let object = value.as_object().unwrap();
            let kind = object["kind"].as_str().unwrap();
            unknown_kind |= kind != "a" && kind != "b";
            match object.get("count") {
                None => absent_count = true,
                Some(Value::Null) => null_count = true,
                Some(n) => assert!((0..=9).contains(&n.as_i64().unwrap()), "{n}"),
            }
            if let Some(tags) = object.get("tags") {
                let tags = tags.as_array().unwrap();
                assert!(tags.len() <= 2);
                assert!(tags
                    .iter()
                    .all(|t| t.as_str().unwrap().chars().count() <= 3));
            }
            let listed = ["kind", "count", "inner", "tags"];
            extra |= object.keys().any(|k| !listed.contains(&k.as_str()));
            nested |= object.get("inner").is_some_and(Value::is_object);
            null_inner |= object.get("inner").is_some_and(Value::is_null);
        }
        assert!(unknown_kind && null_count && absent_count && extra && nested && null_inner);
    }

    #[test]
    fn closed_objects_get_no_unknown_members() {
        let spec = fixture();
        for value in samples(&spec, "#/components/schemas/Closed") {
            assert!(
                value.as_object().unwrap().keys().all(|k| k == "x"),
                "{value}"
            );
        }
    }

    #[test]
    fn the_top_level_is_never_null() {
        let spec = json!({"s": {"type": "string", "enum": ["a", null], "nullable": true}});
        for value in samples(&spec, "#/s") {
            assert!(value.is_string(), "{value}");
        }
    }
}
