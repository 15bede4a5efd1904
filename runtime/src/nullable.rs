//! [`Nullable`]: a member that may be absent, `null`, or a value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::Visitor;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional member whose schema allows `null`: absent, `null`, or a value.
///
/// Keeping absent and `null` apart lets a payload round-trip exactly: a member the service sent
/// as `null` is written back as `null`, one it left out stays out. Code that does not care uses
/// [`value`](Self::value) or [`into_option`](Self::into_option), which treat both alike.
///
/// ```
/// use huaweicloud_sdk_runtime::Nullable;
///
/// let name: Nullable<String> = Nullable::Value("server-1".to_owned());
/// assert_eq!(name.value().map(String::as_str), Some("server-1"));
/// assert_eq!(Nullable::<String>::Null.into_option(), None);
/// assert!(Nullable::<String>::default().is_absent());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// The member is not in the object.
    #[default]
    Absent,
    /// The member is `null`.
    Null,
    /// The member has a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if there is one (absent and `null` both give `None`).
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value, if there is one (absent and `null` both give `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Whether the member is not in the object.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the member is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(value),
        }
    }

    /// Maps the value, keeping absent and `null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(f(value)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Nullable<T> {
    /// Writes the member `name` into `map`, unless it is absent; the generated `Serialize`
    /// impls call this for every `Nullable` member.
    #[inline]
    #[doc(hidden)]
    pub fn serialize_member<M: SerializeMap>(
        &self,
        map: &mut M,
        name: &'static str,
    ) -> Result<(), M::Error> {
        if self.is_absent() {
            return Ok(());
        }
        map.serialize_entry(name, self)
    }
}

/// Writes the value, or `null`. A struct leaves an absent member out instead of calling this.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

/// Reads `null` as [`Nullable::Null`] and anything else as a value. A struct gives
/// [`Nullable::Absent`] to a member that is not there.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The visitor of `Option<T>`, producing the `Nullable` directly.
        struct NullableVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for NullableVisitor<T> {
            type Value = Nullable<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a value or null")
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<Nullable<T>, E> {
                Ok(Nullable::Null)
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Nullable<T>, E> {
                Ok(Nullable::Null)
            }

            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Nullable<T>, D::Error> {
                T::deserialize(deserializer).map(Nullable::Value)
            }
        }

        deserializer.deserialize_option(NullableVisitor(PhantomData))
    }
}
