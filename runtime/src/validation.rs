//! Request validation: how strictly requests are checked ([`Validation`]), [`ValidationError`]
//! and the [`Rule`] it names.

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

/// How requests are checked against the documented constraints before they are sent
/// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)).
///
/// The documents the spec was transcribed from list fewer enumeration values than the service
/// accepts today, so by default a value the spec does not list is sent with a warning rather
/// than refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Validation {
    /// Nothing is checked; the request is sent as built.
    Off,
    /// Bounds, lengths, item counts and required values are checked; an enumeration value the
    /// spec does not list (an `Unknown` variant) is sent, and logged as a `tracing` warning
    /// naming the member and the value.
    #[default]
    Lenient,
    /// Everything is checked, and an enumeration value the spec does not list is refused like
    /// any other broken constraint.
    Strict,
}

/// `true` is the default level, [`Validation::Lenient`]; `false` is [`Validation::Off`]: the
/// meaning `validate_requests(bool)` had before levels.
impl From<bool> for Validation {
    fn from(validate: bool) -> Self {
        if validate {
            Validation::Lenient
        } else {
            Validation::Off
        }
    }
}

/// The state of one validation pass: its level, and the enumeration values the spec does not
/// list that a lenient pass let through. Generated `validate_with` methods thread it through
/// nested values so that each value seen is named by its full member path.
#[doc(hidden)]
#[derive(Debug)]
pub struct Checks {
    level: Validation,
    unlisted: Vec<(ValidationError, String)>,
}

impl Checks {
    /// A pass at `level`.
    pub fn new(level: Validation) -> Self {
        Checks {
            level,
            unlisted: Vec::new(),
        }
    }

    /// An enumeration value the spec does not list was found at `member`: refused when strict,
    /// otherwise remembered for [`warn_unlisted`](Self::warn_unlisted).
    pub fn unlisted(
        &mut self,
        member: &str,
        value: &str,
        allowed: &'static [&'static str],
    ) -> Result<(), ValidationError> {
        let error = ValidationError::new(member, Rule::Enum { allowed });
        if self.level == Validation::Strict {
            return Err(error);
        }
        self.unlisted.push((error, value.to_owned()));
        Ok(())
    }

    /// Runs `check` on a value held by `member`: its error and the unlisted values it found are
    /// then named from here.
    pub fn within(
        &mut self,
        member: &str,
        check: impl FnOnce(&mut Self) -> Result<(), ValidationError>,
    ) -> Result<(), ValidationError> {
        self.nested(check, |error| error.within(member))
    }

    fn nested(
        &mut self,
        check: impl FnOnce(&mut Self) -> Result<(), ValidationError>,
        rename: impl Fn(ValidationError) -> ValidationError,
    ) -> Result<(), ValidationError> {
        let start = self.unlisted.len();
        let result = check(self);
        for (error, _) in &mut self.unlisted[start..] {
            let placeholder = ValidationError::new(String::new(), Rule::Required);
            *error = rename(std::mem::replace(error, placeholder));
        }
        result.map_err(rename)
    }

    /// The enumeration values the spec does not list that were let through: the member path
    /// (with the rule listing the documented values) and the value.
    pub fn unlisted_values(&self) -> impl Iterator<Item = (&ValidationError, &str)> {
        self.unlisted
            .iter()
            .map(|(error, value)| (error, value.as_str()))
    }

    /// Logs one `tracing` warning per value let through, with the operation, the member path
    /// and the value.
    pub fn warn_unlisted(&self, operation: &str) {
        for (error, value) in self.unlisted_values() {
            tracing::warn!(
                operation,
                member = error.path(),
                value,
                "sending an enumeration value the spec does not list (the service may accept \
                 values added after the documents)"
            );
        }
    }
}

/// Checks every item of a list; errors and unlisted values name the item's index.
pub fn each<T>(
    items: &[T],
    member: &str,
    checks: &mut Checks,
    check: impl Fn(&T, &mut Checks) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    for (index, item) in items.iter().enumerate() {
        checks.nested(
            |checks| check(item, checks),
            |error| error.at_index(index).within(member),
        )?;
    }
    Ok(())
}

/// Checks every value of a map; errors and unlisted values name the value's key.
pub fn each_value<T>(
    items: &BTreeMap<String, T>,
    member: &str,
    checks: &mut Checks,
    check: impl Fn(&T, &mut Checks) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    for (key, item) in items {
        checks.nested(
            |checks| check(item, checks),
            |error| error.within(key).within(member),
        )?;
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

    const ALLOWED: &[&str] = &["a", "b"];

    /// A list `items` of objects whose member `kind` holds an unlisted value at index 1.
    fn check_items(checks: &mut Checks) -> Result<(), ValidationError> {
        checks.within("body", |checks| {
            each(&["a", "z"], "items", checks, |value, checks| {
                checks.within("", |checks| {
                    if !ALLOWED.contains(value) {
                        checks.unlisted("kind", value, ALLOWED)?;
                    }
                    Ok(())
                })
            })
        })
    }

    #[test]
    fn lenient_passes_remember_unlisted_values_by_their_full_path() {
        let mut checks = Checks::new(Validation::Lenient);
        check_items(&mut checks).unwrap();
        let seen: Vec<(String, &str)> = checks
            .unlisted_values()
            .map(|(error, value)| (error.path().to_owned(), value))
            .collect();
        assert_eq!(seen, [("body.items[1].kind".to_owned(), "z")]);
    }

    #[test]
    fn strict_passes_refuse_unlisted_values_by_their_full_path() {
        let error = check_items(&mut Checks::new(Validation::Strict)).unwrap_err();
        assert_eq!(error.path(), "body.items[1].kind");
        assert_eq!(error.rule(), &Rule::Enum { allowed: ALLOWED });
    }
}
