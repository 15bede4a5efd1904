//! Request validation: [`ValidationError`] and the [`Rule`] it names.

use std::collections::BTreeMap;
use std::fmt;

/// A documented constraint.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// The value must be at least `bound` (greater than it, if `exclusive`).
    Minimum {
        /// The documented minimum.
        bound: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// The value must be at most `bound` (less than it, if `exclusive`).
    Maximum {
        /// The documented maximum.
        bound: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// The string must have at least this many characters.
    MinLength(u64),
    /// The string must have at most this many characters.
    MaxLength(u64),
    /// The list must have at least this many items.
    MinItems(u64),
    /// The list must have at most this many items.
    MaxItems(u64),
    /// The value must be one of these (an enumeration's `Unknown` value is not).
    Enum {
        /// The documented values.
        allowed: &'static [&'static str],
    },
    /// A path parameter must not be empty, `.` or `..` (they would change the URL's path).
    PathSegment,
    /// A value the request needs is missing (a project ID, when the client has none).
    Required,
    /// A value sent in an HTTP header must be printable ASCII: no line break, no other control
    /// character, nothing beyond ASCII, no spaces at either end.
    HeaderValue,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Minimum {
                bound,
                exclusive: false,
            } => write!(f, "must be at least {bound}"),
            Rule::Minimum {
                bound,
                exclusive: true,
            } => write!(f, "must be greater than {bound}"),
            Rule::Maximum {
                bound,
                exclusive: false,
            } => write!(f, "must be at most {bound}"),
            Rule::Maximum {
                bound,
                exclusive: true,
            } => write!(f, "must be less than {bound}"),
            Rule::MinLength(n) => write!(f, "must have at least {n} characters"),
            Rule::MaxLength(n) => write!(f, "must have at most {n} characters"),
            Rule::MinItems(n) => write!(f, "must have at least {n} items"),
            Rule::MaxItems(n) => write!(f, "must have at most {n} items"),
            Rule::Enum { allowed } => write!(f, "must be one of {}", allowed.join(", ")),
            Rule::PathSegment => {
                f.write_str("must not be empty, `.` or `..` (it is a path segment)")
            }
            Rule::Required => f.write_str("is required"),
            Rule::HeaderValue => f.write_str(
                "must be printable ASCII (no line breaks or other control characters) without \
                 spaces at either end: it is sent in an HTTP header",
            ),
        }
    }
}

/// A request value breaks a documented constraint: which member (as a path such as
/// `server.flavor.vcpus` or `nics[2].id`) and which rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    path: String,
    rule: Rule,
}

impl ValidationError {
    /// The value at `path` breaks `rule`; generated `validate()` methods build these.
    #[doc(hidden)]
    pub fn new(path: impl Into<String>, rule: Rule) -> Self {
        ValidationError {
            path: path.into(),
            rule,
        }
    }

    /// The path of the member, from the request body (`server.flavor.vcpus`), or the name of the
    /// parameter (`limit`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rule the value breaks.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The same error, seen from the object that holds `member`.
    #[doc(hidden)]
    pub fn within(mut self, member: &str) -> Self {
        if member.is_empty() {
            return self;
        }
        self.path = match self.path.chars().next() {
            None => member.to_owned(),
            Some('[') => format!("{member}{}", self.path),
            Some(_) => format!("{member}.{}", self.path),
        };
        self
    }

    /// The same error, seen from the list that holds the value at `index`.
    pub(crate) fn at_index(mut self, index: usize) -> Self {
        self.path = match self.path.chars().next() {
            None | Some('[') => format!("[{index}]{}", self.path),
            Some(_) => format!("[{index}].{}", self.path),
        };
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.path, self.rule)
    }
}

impl std::error::Error for ValidationError {}

/// Checks every item of a list; errors name the item's index.
pub fn each<T>(
    items: &[T],
    member: &str,
    check: impl Fn(&T) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    for (index, item) in items.iter().enumerate() {
        check(item).map_err(|error| error.at_index(index).within(member))?;
    }
    Ok(())
}

/// Checks every value of a map; errors name the value's key.
pub fn each_value<T>(
    items: &BTreeMap<String, T>,
    member: &str,
    check: impl Fn(&T) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    for (key, item) in items {
        check(item).map_err(|error| error.within(key).within(member))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_compose_from_the_innermost_member() {
        let error = ValidationError::new("vcpus", Rule::MinItems(1));
        assert_eq!(
            error.within("flavor").within("server").path(),
            "server.flavor.vcpus"
        );
        let error = ValidationError::new("id", Rule::Required)
            .at_index(2)
            .within("resources");
        assert_eq!(error.path(), "resources[2].id");
        let error = ValidationError::new("", Rule::MaxLength(3))
            .at_index(0)
            .within("pattern");
        assert_eq!(
            error.to_string(),
            "`pattern[0]` must have at most 3 characters"
        );
    }
}
