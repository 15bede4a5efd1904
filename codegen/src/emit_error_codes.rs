//! Emits `error_codes.rs`: the `ErrorCode` enumeration, generated from the error-code catalogue
//! (`spec/error-codes.yaml`), and its lines of `API.txt`.
//!
//! The catalogue is the generator's second input. Each entry becomes a variant that knows its
//! HTTP status, message, description and handling measure; codes the catalogue does not list
//! become `ErrorCode::Unknown`, so a newer service never breaks error decoding.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde::Deserialize;

#[cfg(test)]
use crate::error::Location;
use crate::error::{Error, ErrorKind, Input};
use crate::names::{ident, type_name, Namespace};
use crate::pointer::JsonPointer;
use crate::rustdoc::{self, code_span};

/// The catalogue, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// `x-doc-source`: where the catalogue comes from.
    pub doc_source: Option<String>,
    /// Every code, in catalogue order.
    pub codes: Vec<ErrorCodeEntry>,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCodeEntry {
    /// The code as the service sends it (`BackupService.0001`).
    pub code: String,
    /// The Rust variant name (`BackupService0001`).
    pub rust_name: String,
    /// The HTTP status the service answers with.
    pub status: u16,
    /// The error message.
    pub message: String,
    /// What the error means.
    pub description: String,
    /// What to do about it.
    pub handling: String,
}

#[derive(Deserialize)]
struct RawCatalogue {
    #[serde(rename = "x-doc-source")]
    doc_source: Option<String>,
    codes: Vec<RawEntry>,
}

#[derive(Deserialize)]
struct RawEntry {
    status: u16,
    code: String,
    message: String,
    description: String,
    handling: String,
    /// Extensions (`x-errata`) are allowed; any other member is an error.
    #[serde(flatten)]
    other: BTreeMap<String, serde_yaml::Value>,
}

/// Reads and checks the catalogue. Errors are located in [`Input::ErrorCodes`]: a YAML or
/// shape error by line and column, a bad entry by its JSON pointer (`#/codes/3/status`).
pub fn parse(text: &str) -> Result<Catalogue, Error> {
    let raw: RawCatalogue =
        serde_yaml::from_str(text).map_err(|e| Error::from_yaml(&e).in_input(Input::ErrorCodes))?;
    let at = |pointer: JsonPointer, kind: ErrorKind| {
        Error::at(pointer, kind).in_input(Input::ErrorCodes)
    };
    let codes_pointer = JsonPointer::root().join("codes");
    let mut first_by_code: BTreeMap<String, String> = BTreeMap::new();
    let mut names = Namespace::default();
    let mut codes = Vec::with_capacity(raw.codes.len());
    for (index, entry) in raw.codes.into_iter().enumerate() {
        let pointer = codes_pointer.join(index.to_string());
        if let Some(member) = entry.other.keys().find(|key| !key.starts_with("x-")) {
            let message = format!(
                "unknown member `{member}` (expected status, code, message, description, \
                 handling, or an `x-` extension)"
            );
            return Err(at(pointer.join(member), ErrorKind::Invalid(message)));
        }
        if entry.code.trim().is_empty() || entry.code.trim() != entry.code {
            let message = format!("error code {:?} is empty or padded", entry.code);
            return Err(at(pointer.join("code"), ErrorKind::Invalid(message)));
        }
        if !(400..=599).contains(&entry.status) {
            let message = format!("status {} is not an error status (400-599)", entry.status);
            return Err(at(pointer.join("status"), ErrorKind::Invalid(message)));
        }
        for (member, value) in [
            ("message", &entry.message),
            ("description", &entry.description),
            ("handling", &entry.handling),
        ] {
            if value.trim().is_empty() {
                let message = format!("`{member}` of {} is empty", entry.code);
                return Err(at(pointer.join(member), ErrorKind::Invalid(message)));
            }
        }
        if let Some(first) = first_by_code.get(&entry.code) {
            let kind = ErrorKind::DuplicateErrorCode {
                code: entry.code.clone(),
                first: first.clone(),
            };
            return Err(at(pointer.join("code"), kind));
        }
        first_by_code.insert(entry.code.clone(), pointer.to_string());
        let rust_name = type_name(&entry.code, &pointer.join("code"))
            .map_err(|e| e.in_input(Input::ErrorCodes))?;
        if rust_name == "Unknown" {
            let message = "the code converts to `Unknown`, the variant of unlisted codes".into();
            return Err(at(pointer.join("code"), ErrorKind::Invalid(message)));
        }
        names
            .claim(&rust_name, &pointer)
            .map_err(|e| e.in_input(Input::ErrorCodes))?;
        codes.push(ErrorCodeEntry {
            code: entry.code,
            rust_name,
            status: entry.status,
            message: entry.message,
            description: entry.description,
            handling: entry.handling,
        });
    }
    if codes.is_empty() {
        let kind = ErrorKind::Invalid("the catalogue lists no error code".into());
        return Err(at(codes_pointer, kind));
    }
    Ok(Catalogue {
        doc_source: raw.doc_source,
        codes,
    })
}

/// The whole `error_codes.rs`.
pub fn emit(catalogue: &Catalogue) -> TokenStream {
    let mut module_docs = String::from(
        "The error codes of the service: [`ErrorCode`], generated from the error-code \
         catalogue (`spec/error-codes.yaml`)",
    );
    if let Some(source) = &catalogue.doc_source {
        module_docs.push_str(&format!(", documentation {}", rustdoc::escape(source)));
    }
    module_docs.push('.');
    let module_docs = rustdoc::inner_attrs(&module_docs);
    let count = Literal::usize_unsuffixed(catalogue.codes.len());
    let names: Vec<_> = catalogue
        .codes
        .iter()
        .map(|c| ident(&c.rust_name))
        .collect();
    let values: Vec<&str> = catalogue.codes.iter().map(|c| c.code.as_str()).collect();
    let indexes = (0..catalogue.codes.len()).map(Literal::usize_unsuffixed);
    let variant_docs = catalogue.codes.iter().map(|entry| {
        rustdoc::attrs(&[
            format!(
                "{} (HTTP {}): {}",
                code_span(&entry.code),
                entry.status,
                rustdoc::escape(&entry.message)
            ),
            format!("Handling: {}", rustdoc::escape(&entry.handling)),
        ])
    });
    let entries = catalogue.codes.iter().map(|entry| {
        let ErrorCodeEntry {
            code,
            status,
            message,
            description,
            handling,
            ..
        } = entry;
        let status = Literal::u16_unsuffixed(*status);
        // Entry { code: "…", status: 400, message: "…", description: "…", handling: "…" },
        quote! {
            Entry { code: #code, status: #status, message: #message, description: #description, handling: #handling },
        }
    });
    // //! docs
    // pub enum ErrorCode { /// docs  BackupService0001, …, Unknown(UnknownValue) }
    // struct Entry { … }  static ENTRIES: [Entry; N] = […];
    // impl ErrorCode { VALUES, as_str, is_unknown, status, message, description, handling }
    // impl From<&str>, FromStr, Display
    quote! {
        #module_docs

        use std::fmt;

        use crate::UnknownValue;

        /// An error code of the service: the `error_code` of an error response.
        ///
        /// Every code of the catalogue has a variant that knows its documented HTTP status,
        /// message, description and handling measure. A code the catalogue does not list (a
        /// newer one, or one of another service such as VBS) is [`ErrorCode::Unknown`]; `match`
        /// with a wildcard arm.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#variant_docs #names,)*
            /// A code the catalogue does not list, kept as received.
            Unknown(UnknownValue),
        }

        /// One row of the catalogue.
        struct Entry {
            code: &'static str,
            status: u16,
            message: &'static str,
            description: &'static str,
            handling: &'static str,
        }

        static ENTRIES: [Entry; #count] = [#(#entries)*];

        impl ErrorCode {
            /// Every catalogued code, in catalogue order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            fn entry(&self) -> Option<&'static Entry> {
                let index = match self {
                    #(ErrorCode::#names => #indexes,)*
                    ErrorCode::Unknown(_) => return None,
                };
                Some(&ENTRIES[index])
            }

            /// The code as the service sends it (`BackupService.0001`).
            pub fn as_str(&self) -> &str {
                match self {
                    ErrorCode::Unknown(value) => value.as_str(),
                    known => known.entry().map_or("", |entry| entry.code),
                }
            }

            /// Whether the catalogue does not list this code.
            pub fn is_unknown(&self) -> bool {
                matches!(self, ErrorCode::Unknown(_))
            }

            /// The HTTP status the catalogue documents for this code.
            pub fn status(&self) -> Option<u16> {
                self.entry().map(|entry| entry.status)
            }

            /// The documented error message.
            pub fn message(&self) -> Option<&'static str> {
                self.entry().map(|entry| entry.message)
            }

            /// The documented description of the error.
            pub fn description(&self) -> Option<&'static str> {
                self.entry().map(|entry| entry.description)
            }

            /// The documented handling measure: what to do about the error.
            pub fn handling(&self) -> Option<&'static str> {
                self.entry().map(|entry| entry.handling)
            }
        }

        impl From<&str> for ErrorCode {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => ErrorCode::#names,)*
                    other => ErrorCode::Unknown(UnknownValue::new(other)),
                }
            }
        }

        impl std::str::FromStr for ErrorCode {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(ErrorCode::from(value))
            }
        }

        impl fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str =
        "codes:\n- {status: 400, code: A.1, message: m, description: d, handling: h}\n";

    #[test]
    fn reads_an_entry() {
        let catalogue = parse(ONE).unwrap();
        assert_eq!(catalogue.codes[0].rust_name, "A1");
        assert_eq!(catalogue.codes[0].status, 400);
    }

    #[test]
    fn errors_are_located_in_the_catalogue() {
        let error = parse("codes: [").unwrap_err();
        assert_eq!(error.input(), Input::ErrorCodes);
        assert!(
            matches!(error.location, Location::ErrorCodes(ref at) if matches!(**at, Location::Text { .. })),
            "{error:?}"
        );

        let twice = format!("{ONE}{}", &ONE["codes:\n".len()..]);
        let error = parse(&twice).unwrap_err();
        assert_eq!(error.input(), Input::ErrorCodes);
        assert_eq!(error.pointer(), Some("#/codes/1/code"));
        assert_eq!(
            error.kind,
            ErrorKind::DuplicateErrorCode {
                code: "A.1".into(),
                first: "#/codes/0".into()
            }
        );

        let error = parse(&ONE.replace("400", "200")).unwrap_err();
        assert_eq!(error.pointer(), Some("#/codes/0/status"));
        let error = parse(&ONE.replace("handling: h", "handling: ' '")).unwrap_err();
        assert_eq!(error.pointer(), Some("#/codes/0/handling"));
        let error = parse(&ONE.replace("handling: h", "handling: h, x-errata: [E-1]")).unwrap();
        assert_eq!(error.codes.len(), 1);
        let error = parse(&ONE.replace("handling: h", "handling: h, hint: x")).unwrap_err();
        assert_eq!(error.pointer(), Some("#/codes/0/hint"));
        let error = parse("codes: []").unwrap_err();
        assert_eq!(error.pointer(), Some("#/codes"));
    }

    #[test]
    fn codes_that_collide_as_rust_names_are_an_error() {
        let text =
            format!("{ONE}- {{status: 400, code: A1, message: m, description: d, handling: h}}\n");
        let error = parse(&text).unwrap_err();
        assert!(
            matches!(error.kind, ErrorKind::NameCollision { ref name, .. } if name == "A1"),
            "{error:?}"
        );
        assert_eq!(error.input(), Input::ErrorCodes);
    }
}
