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

/// The members of an object being read: `key` maps a listed member name (borrowed) to its
/// index among the struct's members, and the members the spec does not list are collected in
/// `unknown`. `key` is a function pointer, not a closure type, so that this and serde_json's
/// reading of member names are compiled once for all models, not once per model.
pub struct Members {
    key: fn(&str) -> Option<usize>,
    /// The name of the last member `key` did not know: the only member name ever copied.
    name: String,
    /// Members the spec does not list, in the order read.
    pub unknown: UnknownMembers,
}

impl Members {
    pub fn new(key: fn(&str) -> Option<usize>) -> Self {
        Members {
            key,
            name: String::new(),
            unknown: UnknownMembers::new(),
        }
    }

    /// The index of the next member: `Some(None)` for one the spec does not list (then read
    /// its value with [`next_unknown`](Self::next_unknown)), `None` at the end of the object.
    #[inline]
    pub fn next_key<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Option<Option<usize>>, A::Error> {
        let Members { key, name, .. } = self;
        map.next_key_seed(KeySeed { key: *key, name })
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

/// Reads a member name and maps it with `key` (a `match` on the borrowed `&str`); copies a name
/// `key` does not know into `name`.
struct KeySeed<'a> {
    key: fn(&str) -> Option<usize>,
    name: &'a mut String,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        let KeySeed { key, name } = self;
        deserializer.deserialize_identifier(StrVisitor::new("a member name", |member: &str| {
            let found = key(member);
            if found.is_none() {
                member.clone_into(name);
            }
            found
        }))
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
