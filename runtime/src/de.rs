//! Deserialisation helpers used by the generated `Deserialize` impls.

use std::fmt;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};

use crate::{Nullable, UnknownMembers};

/// Visits a string and maps it with `F` while it is borrowed, so that a known value costs no
/// allocation.
pub struct StrVisitor<F> {
    expecting: &'static str,
    map: F,
}

impl<F> StrVisitor<F> {
    pub fn new(expecting: &'static str, map: F) -> Self {
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

/// The members of an object being read: `key` maps a listed member name (borrowed) to the
/// struct's key enum, and the members the spec does not list are collected in `unknown`.
pub struct Members<F> {
    key: F,
    /// The name of the last member `key` did not know: the only member name ever copied.
    name: String,
    /// Members the spec does not list, in the order read.
    pub unknown: UnknownMembers,
}

impl<K, F: Fn(&str) -> Option<K> + Copy> Members<F> {
    pub fn new(key: F) -> Self {
        Members {
            key,
            name: String::new(),
            unknown: UnknownMembers::new(),
        }
    }

    /// The key of the next member: `Some(None)` for one the spec does not list (then read
    /// its value with [`next_unknown`](Self::next_unknown)), `None` at the end of the object.
    #[inline]
    pub fn next_key<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Option<Option<K>>, A::Error> {
        let Members { key, name, .. } = self;
        let key = *key;
        map.next_key_seed(KeySeed(move |member: &str| {
            let found = key(member);
            if found.is_none() {
                member.clone_into(name);
            }
            found
        }))
    }

    /// Reads the value of the member the spec does not list that [`next_key`](Self::next_key)
    /// just returned; a name seen twice is an error, as for listed members.
    pub fn next_unknown<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        if self.unknown.contains_key(&self.name) {
            return Err(A::Error::custom(format_args!(
                "duplicate field `{}`",
                self.name
            )));
        }
        let value = map.next_value()?;
        self.unknown.insert(std::mem::take(&mut self.name), value);
        Ok(())
    }
}

/// Reads a member name and maps it with `F` (a `match` on the borrowed `&str`).
struct KeySeed<F>(F);

impl<'de, T, F: FnOnce(&str) -> T> DeserializeSeed<'de> for KeySeed<F> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_identifier(StrVisitor::new("a member name", self.0))
    }
}

/// Reads the value of a listed member into `member`, which is `None` until then; a second
/// occurrence is an error.
#[inline]
pub fn next_member<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    member: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if member.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *member = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of a listed member that may be `null` into `member`, which is
/// [`Nullable::Absent`] until then (reading never gives `Absent`); a second occurrence is an
/// error.
#[inline]
pub fn next_nullable<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    member: &mut Nullable<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if !member.is_absent() {
        return Err(A::Error::duplicate_field(name));
    }
    *member = map.next_value()?;
    Ok(())
}
