//! Reading a JSON payload into a generated model and writing it back, and comparing JSON values
//! exactly (absent is not `null`, `1` is not `1.0`).

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// A payload read into its model and written back.
#[derive(Debug)]
pub struct Roundtrip {
    /// The name of the model the payload was read into (`ListVaultsResponseBody`).
    pub rust_type: &'static str,
    /// The typed value.
    pub typed: Box<dyn Debug + Send>,
    /// The typed value written back as JSON.
    pub json: Value,
}

impl Roundtrip {
    /// The typed value, pretty-printed with `{:#?}`.
    pub fn debug(&self) -> String {
        format!("{:#?}", self.typed)
    }
}

/// Reads `json` as `T` from its JSON text (as the client reads a body), writes the typed value
/// back, and reads that text again, which must give an equal typed value.
pub fn through<T>(rust_type: &'static str, json: &Value) -> Result<Roundtrip, String>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug + Send + 'static,
{
    let text = serde_json::to_string(json).map_err(|e| format!("cannot write the input: {e}"))?;
    let typed: T =
        serde_json::from_str(&text).map_err(|e| format!("cannot read it as {rust_type}: {e}"))?;
    let written =
        serde_json::to_string(&typed).map_err(|e| format!("{rust_type} cannot be written: {e}"))?;
    let again: T = serde_json::from_str(&written)
        .map_err(|e| format!("cannot read back what {rust_type} wrote ({e}): {written}"))?;
    if again != typed {
        return Err(format!(
            "reading back what {rust_type} wrote gives another value:\nfirst: {typed:#?}\nagain: \
             {again:#?}"
        ));
    }
    let json = serde_json::from_str(&written)
        .map_err(|e| format!("{rust_type} wrote text that is not JSON ({e}): {written}"))?;
    Ok(Roundtrip {
        rust_type,
        typed: Box::new(typed),
        json,
    })
}

/// Every difference between `expected` and `actual`, each naming its JSON pointer: a member
/// added or lost (`null` and absent are different), a value changed, or a number written
/// differently (`1` and `1.0` are different). Empty when the two are the same JSON; the order
/// of object members does not count.
pub fn differences(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare(expected, actual, String::new(), &mut out);
    out
}

fn compare(expected: &Value, actual: &Value, pointer: String, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let at = format!("{pointer}/{}", crate::escape_pointer(key));
                match actual.get(key) {
                    Some(other) => compare(value, other, at, out),
                    None => out.push(format!("{at}: {value} became absent")),
                }
            }
            for (key, value) in actual {
                if !expected.contains_key(key) {
                    let at = format!("{pointer}/{}", crate::escape_pointer(key));
                    out.push(format!("{at}: absent became {value}"));
                }
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            if expected.len() != actual.len() {
                out.push(format!(
                    "{}: {} items became {}",
                    shown(&pointer),
                    expected.len(),
                    actual.len()
                ));
            }
            for (index, (value, other)) in expected.iter().zip(actual).enumerate() {
                compare(value, other, format!("{pointer}/{index}"), out);
            }
        }
        // `Number` equality tells an integer from a float, and serde_json keeps each as read.
        _ if expected == actual => {}
        _ => out.push(format!("{}: {expected} became {actual}", shown(&pointer))),
    }
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tells_null_from_absent_and_integers_from_floats() {
        assert!(differences(
            &json!({"a": [1, {"b": null}]}),
            &json!({"a": [1, {"b": null}]})
        )
        .is_empty());
        assert_eq!(
            differences(&json!({"a": null, "n": 1}), &json!({"n": 1.0, "z": 2})),
            [
                "/a: null became absent",
                "/n: 1 became 1.0",
                "/z: absent became 2"
            ]
        );
        assert_eq!(
            differences(&json!([1]), &json!([])),
            ["(root): 1 items became 0"]
        );
    }

    #[test]
    fn order_of_members_does_not_count() {
        let first: Value = serde_json::from_str(r#"{"a": 1, "b": 2}"#).unwrap();
        let second: Value = serde_json::from_str(r#"{"b": 2, "a": 1}"#).unwrap();
        assert!(differences(&first, &second).is_empty());
    }
}
