//! Rust names from spec names: case conversion, keyword escaping and collision detection.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

use crate::error::{Error, ErrorKind};
use crate::pointer::JsonPointer;

/// Keywords of Rust 2021 (strict and reserved) and the 2024 reservation `gen`.
const KEYWORDS: [&str; 52] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NOT_RAW: [&str; 4] = ["self", "Self", "super", "crate"];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// `PascalCase` name of a type, variant or builder; `pointer` locates the source for errors.
pub fn type_name(raw: &str, pointer: &JsonPointer) -> Result<String, Error> {
    let name = raw.to_upper_camel_case();
    check_identifier(raw, &name, pointer)?;
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(format!("V{name}"));
    }
    Ok(name)
}

/// `snake_case` name of a field, method or argument, without escaping.
pub fn member_name(raw: &str, pointer: &JsonPointer) -> Result<String, Error> {
    let name = raw.to_snake_case();
    check_identifier(raw, &name, pointer)?;
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(format!("n{name}"));
    }
    Ok(name)
}

fn check_identifier(raw: &str, name: &str, pointer: &JsonPointer) -> Result<(), Error> {
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        return Ok(());
    }
    Err(Error::at(
        pointer,
        ErrorKind::InvalidName(format!(
            "`{raw}` gives no ASCII Rust identifier (got `{name}`)"
        )),
    ))
}

/// An identifier token for `name`, escaped with `r#` (or a trailing `_`) if it is a keyword.
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        return Ident::new(&format!("{name}_"), Span::call_site());
    }
    if is_keyword(name) {
        return Ident::new_raw(name, Span::call_site());
    }
    Ident::new(name, Span::call_site())
}

/// `name` as written in Rust source (`r#type`, `self_`), for listings.
pub fn escaped(name: &str) -> String {
    ident(name).to_string()
}

/// The names taken in one Rust namespace, each with the location that took it.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeMap<String, String>,
}

impl Namespace {
    /// A namespace with `reserved` names already taken by the runtime.
    pub fn with_reserved(reserved: &[&str], owner: &str) -> Self {
        let mut namespace = Namespace::default();
        namespace.reserve(reserved, owner);
        namespace
    }

    /// Takes `reserved` for `owner`, something of the runtime or the generated code that is
    /// not in the spec (`the Service enum`).
    pub fn reserve(&mut self, reserved: &[&str], owner: &str) {
        for name in reserved {
            self.taken.insert((*name).to_owned(), owner.to_owned());
        }
    }

    /// Takes `name` for the item at `pointer`; a name already taken is a collision error.
    pub fn claim(&mut self, name: &str, pointer: &JsonPointer) -> Result<(), Error> {
        if let Some(first) = self.taken.get(name) {
            let kind = ErrorKind::NameCollision {
                name: name.to_owned(),
                first: first.clone(),
            };
            return Err(Error::at(pointer, kind));
        }
        self.taken.insert(name.to_owned(), pointer.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> JsonPointer {
        JsonPointer::parse(text).unwrap()
    }

    #[test]
    fn converts_case() {
        let root = JsonPointer::root();
        assert_eq!(type_name("show_vault", &root).unwrap(), "ShowVault");
        assert_eq!(
            type_name("OS::Nova::Server", &root).unwrap(),
            "OsNovaServer"
        );
        assert_eq!(type_name("0", &root).unwrap(), "V0");
        assert_eq!(
            member_name("operationType", &root).unwrap(),
            "operation_type"
        );
    }

    #[test]
    fn escapes_keywords() {
        assert_eq!(escaped("type"), "r#type");
        assert_eq!(escaped("self"), "self_");
        assert_eq!(escaped("name"), "name");
    }

    #[test]
    fn rejects_names_without_identifier() {
        let error = type_name("***", &at("#/x")).unwrap_err();
        assert_eq!(error.pointer(), Some("#/x"));
    }

    #[test]
    fn detects_collisions() {
        let mut namespace = Namespace::default();
        namespace.claim("Vault", &at("#/a")).unwrap();
        let error = namespace.claim("Vault", &at("#/b")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "#/b: name collision: this converts to the Rust name `Vault`, already taken by #/a"
        );
    }
}
