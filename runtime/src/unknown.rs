//! [`UnknownValue`]: the payload of the `Unknown` variant of every enumeration.

use std::fmt;

/// A value of an enumeration that the spec this crate was generated from does not list.
///
/// Only generated code makes one (its constructor is hidden): when a value is parsed or
/// deserialised and matches no known variant, so an `Unknown` never holds a value that has a variant of its
/// own. A request carrying one is sent with a `tracing` warning, or refused under
/// [`Validation::Strict`](crate::Validation::Strict).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    /// Wraps a value that matched no variant; only generated `From<&str>` impls call this.
    #[doc(hidden)]
    pub fn new(value: &str) -> Self {
        UnknownValue(value.into())
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
