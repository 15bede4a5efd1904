//! Deserialisation helpers used by the generated `Deserialize` impls.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};

/// Visits a string and maps it with `F` while it is borrowed, so that a known value costs no
/// allocation.
pub(crate) struct StrVisitor<F> {
    expecting: &'static str,
    map: F,
}

impl<F> StrVisitor<F> {
    pub(crate) fn new(expecting: &'static str, map: F) -> Self {
        StrVisitor { expecting, map }
    }
}

impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for StrVisitor<F> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.map)(value))
    }
}

/// Reads a member name and maps it with `F` (a `match` on the borrowed `&str`).
pub(crate) struct KeySeed<F>(pub(crate) F);

impl<'de, T, F: FnOnce(&str) -> T> DeserializeSeed<'de> for KeySeed<F> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_identifier(StrVisitor::new("a member name", self.0))
    }
}

/// Reads the value of a member the spec does not list into `members`; a name seen twice is an
/// error, as for listed members.
pub(crate) fn next_unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    members: &mut serde_json::Map<String, serde_json::Value>,
    key: String,
) -> Result<(), A::Error> {
    if members.contains_key(&key) {
        return Err(A::Error::custom(format_args!("duplicate field `{key}`")));
    }
    let value = map.next_value()?;
    members.insert(key, value);
    Ok(())
}
