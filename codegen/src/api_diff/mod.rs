//! What a spec change does to users of the generated crate, classified as semver.
//!
//! Two versions of the generator's inputs (the spec and the error-code catalogue) are each
//! lowered to the intermediate [`model`](crate::model), and the two models are compared item by
//! item: services, operations (matched by operationId, or by method and path when the id
//! changed), named types (by Rust name), members, parameters and enumeration values (by wire
//! name) and error codes (by code). Each difference becomes one [`Change`] with two judgments:
//!
//! - its **wire** effect: whether a client written against the old spec still works against a
//!   service that behaves as the new one documents, with this client's tolerances (unknown
//!   members are kept, enumerations and error codes are open, any 2xx status is a success);
//! - its **Rust** effect: what happens to code that compiles against the old crate.
//!
//! The change's [`Class`] is the stronger of the two: the crate's version protects both the code
//! that compiles against it and the programs that talk to the service through it. The rules,
//! each with its reason, are in `docs/design/0005-api-diff.md`.
//!
//! Like the rest of the generator, this module does no I/O: the caller reads the files (or git)
//! and prints the result.

pub mod changelog;
mod docs;
mod error_codes;
mod operations;
mod rules;
mod spelling;
mod types;
mod waiters;

use std::collections::BTreeSet;
use std::fmt;

use crate::emit_error_codes::{self, Catalogue};
use crate::error::Error;
use crate::model::{Api, TypeRef};
use crate::Inputs;

/// One version of the generator's inputs, read and lowered.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// The lowered spec.
    pub api: Api,
    /// The error-code catalogue, when one was given.
    pub catalogue: Option<Catalogue>,
}

impl Version {
    /// Parses and lowers the inputs; an error is located exactly as `generate` locates it.
    pub fn read(inputs: Inputs<'_>) -> Result<Version, Error> {
        let api = crate::parse_and_lower(inputs.spec)?;
        let catalogue = inputs
            .error_codes
            .map(emit_error_codes::parse)
            .transpose()?;
        Ok(Version { api, catalogue })
    }
}

/// How strongly a change affects users, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Nothing a user relies on changes: documentation, relaxed constraints, defaults.
    Patch,
    /// Something new that existing code and programs need not know about.
    Addition,
    /// Existing code stops compiling, or an existing program's exchange with the service can
    /// fail or lose a value.
    Breaking,
}

impl Class {
    /// The class as printed: `patch`, `addition` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Patch => "patch",
            Class::Addition => "addition",
            Class::Breaking => "breaking",
        }
    }

    /// The version bump this class asks for.
    pub fn semver(self) -> Semver {
        match self {
            Class::Patch => Semver::Patch,
            Class::Addition => Semver::Minor,
            Class::Breaking => Semver::Major,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, not `write_str`, so that `{:<8}` aligns the columns.
        f.pad(self.as_str())
    }
}

/// The version bump a whole diff asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Semver {
    /// No change at all.
    None,
    /// Patch version.
    Patch,
    /// Minor version.
    Minor,
    /// Major version.
    Major,
}

impl Semver {
    /// The bump as printed: `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

impl fmt::Display for Semver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One side's judgment of a change: its class and what it does, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// How strongly this side is affected.
    pub class: Class,
    /// What changes on this side.
    pub text: String,
}

impl Effect {
    /// A breaking effect.
    pub fn breaking(text: impl Into<String>) -> Self {
        Effect {
            class: Class::Breaking,
            text: text.into(),
        }
    }

    /// An addition.
    pub fn addition(text: impl Into<String>) -> Self {
        Effect {
            class: Class::Addition,
            text: text.into(),
        }
    }

    /// A patch-level effect (or none).
    pub fn patch(text: impl Into<String>) -> Self {
        Effect {
            class: Class::Patch,
            text: text.into(),
        }
    }
}

/// Where a change sits in the output: services, operations, types, then error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Services,
    Operations,
    Waiters,
    Types,
    ErrorCodes,
}

/// One difference between the two versions, printed as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Where: a JSON pointer into the spec (`#/components/schemas/Vault/required`) or, prefixed
    /// with `error-codes.yaml`, into the catalogue. Removed items are located in the old
    /// version, everything else in the new one.
    pub pointer: String,
    /// What changes on the wire.
    pub wire: Effect,
    /// What changes in the Rust API.
    pub rust: Effect,
    section: Section,
    /// The operationId, type name or error code the change belongs to: the output's order.
    item: String,
}

impl Change {
    /// The stronger of the wire and the Rust effect.
    pub fn class(&self) -> Class {
        self.wire.class.max(self.rust.class)
    }

    fn order_key(&self) -> (Section, &str, &str, String) {
        (self.section, &self.item, &self.pointer, self.description())
    }

    /// The wire and the Rust effect, as printed after the pointer: `wire: rust`.
    pub fn description(&self) -> String {
        format!("{}: {}", self.wire.text, self.rust.text)
    }
}

/// `breaking  #/components/schemas/VaultCreate/required  member 'billing' became required: …`
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<8}  {}  {}",
            self.class(),
            self.pointer,
            self.description()
        )
    }
}

/// Every change between two versions, in output order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiDiff {
    changes: Vec<Change>,
}

impl ApiDiff {
    /// The changes: services, operations (by operationId), types (by Rust name), error codes
    /// (by code); within one item, by pointer and text.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The bump the whole diff asks for: that of its strongest change, `none` without changes.
    pub fn semver(&self) -> Semver {
        self.changes
            .iter()
            .map(|change| change.class().semver())
            .max()
            .unwrap_or(Semver::None)
    }

    /// The last line of the output: `semver: major`.
    pub fn summary(&self) -> String {
        format!("semver: {}", self.semver())
    }

    /// How many changes there are of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class() == class).count()
    }
}

/// One line per change, then `semver: …`.
impl fmt::Display for ApiDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        writeln!(f, "{}", self.summary())
    }
}

/// Compares two versions. The error codes are compared when both versions have a catalogue.
pub fn compare(old: &Version, new: &Version) -> ApiDiff {
    let mut changes = Changes::default();
    operations::compare_services(&old.api, &new.api, &mut changes);
    operations::compare(&old.api, &new.api, &mut changes);
    waiters::compare(&old.api, &new.api, &mut changes);
    types::compare(&old.api, &new.api, &mut changes);
    if let (Some(old), Some(new)) = (&old.catalogue, &new.catalogue) {
        error_codes::compare(old, new, &mut changes);
    }
    changes.finish()
}

/// The changes found so far.
#[derive(Default)]
struct Changes {
    list: Vec<Change>,
}

impl Changes {
    /// A recorder for the changes of one item of `section`.
    fn of(&mut self, section: Section, item: &str) -> ItemChanges<'_> {
        ItemChanges {
            changes: self,
            section,
            item: item.to_owned(),
        }
    }

    /// Sorted, and without repeats: an inline type shares its pointer with the member that
    /// holds it, so a documentation change of that schema is found twice.
    fn finish(self) -> ApiDiff {
        let mut list = self.list;
        list.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let mut seen = BTreeSet::new();
        list.retain(|change| seen.insert(change.to_string()));
        ApiDiff { changes: list }
    }
}

/// Records the changes of one operation, type or error code.
struct ItemChanges<'a> {
    changes: &'a mut Changes,
    section: Section,
    item: String,
}

impl ItemChanges<'_> {
    fn record(&mut self, pointer: impl fmt::Display, wire: Effect, rust: Effect) {
        self.changes.list.push(Change {
            pointer: pointer.to_string(),
            wire,
            rust,
            section: self.section,
            item: self.item.clone(),
        });
    }
}

/// Which side of the exchange a named type is on, in either version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Sides {
    /// Reachable from a request body or a parameter: what the client sends.
    request: bool,
    /// Reachable from a success body: what the client reads.
    response: bool,
}

/// The names of the types each side reaches, for both versions.
struct TypeSides {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
}

impl TypeSides {
    /// The sides of every type of `old` and `new`: a type counts as on a side if it is there in
    /// either version, so that the stronger judgment applies.
    fn of(old: &Api, new: &Api) -> Self {
        let mut sides = TypeSides {
            request: BTreeSet::new(),
            response: BTreeSet::new(),
        };
        for api in [old, new] {
            let requests = api.operations.iter().flat_map(|op| {
                let params = op.path_params.iter().chain(&op.query_params);
                params.map(|p| &p.ty).chain(op.body.as_ref().map(|b| &b.ty))
            });
            reach(api, requests, &mut sides.request);
            let responses = api
                .operations
                .iter()
                .filter_map(|op| op.success.body.as_ref());
            reach(api, responses, &mut sides.response);
        }
        sides
    }

    fn sides(&self, rust_name: &str) -> Sides {
        Sides {
            request: self.request.contains(rust_name),
            response: self.response.contains(rust_name),
        }
    }
}

/// Adds to `seen` every named type reachable from `roots` through struct members.
fn reach<'a>(api: &Api, roots: impl Iterator<Item = &'a TypeRef>, seen: &mut BTreeSet<String>) {
    let mut stack: Vec<String> = roots
        .filter_map(|ty| named(ty).map(str::to_owned))
        .collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let fields = api.struct_def(&name).map(|s| s.fields.as_slice());
        for field in fields.unwrap_or_default() {
            stack.extend(named(&field.ty).map(str::to_owned));
        }
    }
}

/// The named type at the bottom of arrays and maps, if any.
fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named(inner),
        _ => None,
    }
}

/// `'name'`: how lines quote wire names and values.
fn quoted(text: &str) -> String {
    format!("'{text}'")
}
