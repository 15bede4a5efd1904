//! [`UnknownValue`]: the payload of the `Unknown` variant of every enumeration.

use std::fmt;

/// A value of an enumeration that the spec this crate was generated from does not list.
///
/// Only generated code makes one (its constructor is hidden): when a value is parsed or
/// deserialised and matches no known variant, so an `Unknown` never holds a value that has a variant of its
/// own. A request carrying one is sent with a `tracing` warning, or refused under
/// [`Validation::Strict`](crate::Validation::Strict).
///
/// The text sits behind a thin pointer (8 bytes; `Box<str>` is 16), so that an enumeration with
/// an `Unknown` variant is 16 bytes rather than 24: every model holding one is smaller and moves
/// less while it is parsed. Unknown values are rare, so the second allocation costs nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<Box<str>>);

impl UnknownValue {
    /// Wraps a value that matched no variant; only generated `From<&str>` impls call this.
    #[doc(hidden)]
    pub fn new(value: &str) -> Self {
        UnknownValue(Box::new(value.into()))
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The members of an object that the spec does not list, in the order read: a
/// `serde_json::Map`, allocated only when there is one.
///
/// It dereferences to the map (`get`, `len`, `iter`, `insert`, …; an empty map when there is
/// none), and `&members` iterates like `&map`. The map is boxed behind an `Option`, so a model
/// carries 8 bytes for it instead of 24 and dropping a model without unknown members frees
/// nothing: most objects have none, and this is most of what parsing spends beyond plain
/// `#[derive(Deserialize)]`.
#[derive(Clone, Default)]
pub struct UnknownMembers(Option<Box<Map>>);

/// The map [`UnknownMembers`] dereferences to.
type Map = serde_json::Map<String, serde_json::Value>;

/// What an empty [`UnknownMembers`] dereferences to.
static NO_MEMBERS: std::sync::LazyLock<Map> = std::sync::LazyLock::new(Map::new);

impl UnknownMembers {
    /// No members.
    pub const fn new() -> Self {
        UnknownMembers(None)
    }

    /// The map, unless there are no members.
    pub fn into_map(self) -> Map {
        self.0.map_or_else(Map::new, |map| *map)
    }
}

impl std::ops::Deref for UnknownMembers {
    type Target = Map;

    fn deref(&self) -> &Map {
        self.0.as_deref().unwrap_or(&NO_MEMBERS)
    }
}

/// Allocates the map on first use.
impl std::ops::DerefMut for UnknownMembers {
    fn deref_mut(&mut self) -> &mut Map {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<Map> for UnknownMembers {
    fn from(map: Map) -> Self {
        if map.is_empty() {
            return UnknownMembers(None);
        }
        UnknownMembers(Some(Box::new(map)))
    }
}

impl<'a> IntoIterator for &'a UnknownMembers {
    type Item = (&'a String, &'a serde_json::Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

/// Equal when the maps are: no map and an empty one are alike.
impl PartialEq for UnknownMembers {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for UnknownMembers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
