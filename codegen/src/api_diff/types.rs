//! Named types: structs (matched by Rust name, their members by wire name) and enumerations
//! (their values by wire value).
//!
//! Whether a change breaks the wire depends on the side a type is on: a member the client sends
//! is judged by whether the service still accepts what old clients send; a member the client
//! reads by whether old clients still read what the service sends. A type on both sides gets
//! the stronger judgment.

use super::docs::{self, DocsAt};
use super::rules::{self, Direction};
use super::spelling::{declared_type, field_type, wire_type};
use super::{quoted, Changes, Effect, ItemChanges, Section, Sides, TypeSides};
use crate::model::{Api, Enum, Field, Presence, Struct, TypeDef, TypeKind};
use crate::pointer::JsonPointer;

/// Records every difference between the named types of two versions.
pub fn compare(old: &Api, new: &Api, changes: &mut Changes) {
    let sides = TypeSides::of(old, new);
    for def in &old.types {
        let mut out = changes.of(Section::Types, &def.rust_name);
        match new.type_def(&def.rust_name) {
            Some(now) => compare_type(def, now, sides.sides(&def.rust_name), &mut out),
            None => out.record(
                &def.pointer,
                Effect::patch("schema removed or renamed"),
                Effect::breaking(format!("{} removed", kind_name(def))),
            ),
        }
    }
    for def in &new.types {
        if old.type_def(&def.rust_name).is_none() {
            changes.of(Section::Types, &def.rust_name).record(
                &def.pointer,
                Effect::patch("new schema"),
                Effect::addition(format!("{} added", kind_name(def))),
            );
        }
    }
}

/// `a struct`, `an enum`.
fn article_kind(def: &TypeDef) -> &'static str {
    match def.is_enum() {
        true => "an enum",
        false => "a struct",
    }
}

/// `struct Vault`, `enum VaultStatus`.
fn kind_name(def: &TypeDef) -> String {
    let kind = if def.is_enum() { "enum" } else { "struct" };
    format!("{kind} {}", def.rust_name)
}

fn compare_type(old: &TypeDef, new: &TypeDef, sides: Sides, out: &mut ItemChanges<'_>) {
    if old.pointer != new.pointer {
        out.record(
            &new.pointer,
            Effect::patch(format!("schema moved from {}", old.pointer)),
            Effect::patch(format!(
                "documentation of {} names the new schema",
                new.rust_name
            )),
        );
    }
    docs::compare(
        &old.docs,
        &new.docs,
        &DocsAt::schema(new.pointer.clone()),
        out,
    );
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(before), TypeKind::Struct(after)) => Structs {
            old,
            new,
            before,
            after,
            sides,
            out,
        }
        .compare(),
        (TypeKind::Enum(before), TypeKind::Enum(after)) => {
            compare_enum(new, before, after, sides, out)
        }
        _ => out.record(
            &new.pointer,
            Effect::breaking("schema changed between an object and a string enumeration"),
            Effect::breaking(format!("{} was {}", kind_name(new), article_kind(old))),
        ),
    }
}

/// The stronger of the request-side and the response-side judgment, for the sides a type is
/// on; a type on neither side (an error body) is read, like a response.
fn by_side(sides: Sides, request: Effect, response: Effect) -> Effect {
    match (sides.request, sides.response) {
        (true, false) => request,
        (false, _) => response,
        (true, true) if response.class > request.class => response,
        (true, true) => request,
    }
}

/// Compares two versions of one struct.
struct Structs<'d, 'o, 'c> {
    old: &'d TypeDef,
    new: &'d TypeDef,
    before: &'d Struct,
    after: &'d Struct,
    sides: Sides,
    out: &'o mut ItemChanges<'c>,
}

impl Structs<'_, '_, '_> {
    fn compare(&mut self) {
        let (old, new) = (self.before, self.after);
        let in_old = |name: &str| old.fields.iter().any(|f| f.name == name);
        let mut renamed = Vec::new();
        for field in &old.fields {
            if let Some(now) = new.fields.iter().find(|f| f.name == field.name) {
                self.member(field, now);
                continue;
            }
            let same_rust = new
                .fields
                .iter()
                .find(|f| f.rust_name == field.rust_name && !in_old(&f.name));
            match same_rust {
                Some(now) => {
                    renamed.push(now.name.clone());
                    self.renamed(field, now);
                    self.member(field, now);
                }
                None => self.removed(field),
            }
        }
        for field in &new.fields {
            if !in_old(&field.name) && !renamed.contains(&field.name) {
                self.added(field);
            }
        }
        self.constructor_order();
        self.validation();
    }

    /// A struct derives `Default` exactly when it has no required member.
    fn default_note(&self) -> String {
        let required = |s: &Struct| s.fields.iter().filter(|f| f.required).count();
        let name = self.name();
        match (required(self.before), required(self.after)) {
            (0, n) if n > 0 => format!("; {name} no longer implements Default"),
            (n, 0) if n > 0 => format!("; {name} now implements Default"),
            _ => String::new(),
        }
    }

    /// Request models check their constraints in `validate()`.
    fn validated(&self) -> bool {
        self.before.is_request || self.after.is_request
    }

    fn name(&self) -> &str {
        &self.new.rust_name
    }

    fn member_pointer(def: &TypeDef, field: &Field) -> JsonPointer {
        def.pointer.join("properties").join(&field.name)
    }

    /// The wire name changed, the Rust name did not (`backupPolicyId` → `backup_policy_id`).
    fn renamed(&mut self, old: &Field, new: &Field) {
        let wire = format!(
            "member {} renamed to {} on the wire: the service no longer reads or sends the old name",
            quoted(&old.name),
            quoted(&new.name)
        );
        let rust = format!("field {}::{} unchanged", self.name(), new.rust_name);
        let at = Self::member_pointer(self.new, new);
        self.out
            .record(at, Effect::breaking(wire), Effect::patch(rust));
    }

    fn removed(&mut self, field: &Field) {
        let name = &self.old.rust_name;
        let request = Effect::breaking(format!(
            "member {} removed: the service no longer documents it in requests",
            quoted(&field.name)
        ));
        let response = Effect::patch(format!(
            "member {} removed: a value the service still sends lands in unknown_members",
            quoted(&field.name)
        ));
        let mut rust = format!("field {name}::{} removed", field.rust_name);
        if field.required {
            rust.push_str(&format!("; {name}::new loses an argument"));
            rust.push_str(&self.default_note());
        } else {
            rust.push_str(&format!("; {name}::with_{} removed", field.rust_name));
        }
        let at = Self::member_pointer(self.old, field);
        let wire = by_side(self.sides, request, response);
        self.out.record(at, wire, Effect::breaking(rust));
    }

    fn added(&mut self, field: &Field) {
        let name = self.name().to_owned();
        let at = Self::member_pointer(self.new, field);
        let member = quoted(&field.name);
        if !field.required {
            let wire = format!("optional member {member} added");
            let rust = format!(
                "field {name}::{0} and {name}::with_{0} added",
                field.rust_name
            );
            self.out
                .record(at, Effect::addition(wire), Effect::addition(rust));
            return;
        }
        let request = Effect::breaking(format!(
            "required member {member} added: requests without it are refused"
        ));
        let response = Effect::patch(format!(
            "required member {member} added: the service always sends it"
        ));
        let rust = format!(
            "{name}::new gains an argument {}{}",
            field.rust_name,
            self.default_note()
        );
        let wire = by_side(self.sides, request, response);
        self.out.record(at, wire, Effect::breaking(rust));
    }

    /// One member in both versions, matched by wire name (or by Rust name after a rename).
    fn member(&mut self, old: &Field, new: &Field) {
        let at = Self::member_pointer(self.new, new);
        let field = format!("{}::{}", self.name(), new.rust_name);
        let member = quoted(&new.name);
        if old.ty != new.ty || old.boxed != new.boxed {
            let before = declared_type(old);
            let after = field_type(&new.ty, old.presence(), new.boxed);
            let rust = Effect::breaking(format!("field {field}: {before} -> {after}"));
            let wire = match old.ty == new.ty {
                true => Effect::patch(format!(
                    "member {member} unchanged (the type now contains itself through it, or no longer)"
                )),
                false => Effect::breaking(format!(
                    "type of member {member} changed: {} -> {}",
                    wire_type(&old.ty),
                    wire_type(&new.ty)
                )),
            };
            self.out.record(&at, wire, rust);
        }
        if old.required != new.required {
            self.required_changed(old, new);
        }
        if old.nullable != new.nullable {
            self.nullable_changed(old, new, &at);
        }
        self.rules(old, new, &at);
        docs::compare(&old.docs, &new.docs, &DocsAt::schema(at), self.out);
    }

    fn required_changed(&mut self, old: &Field, new: &Field) {
        let name = self.name().to_owned();
        let member = quoted(&new.name);
        let presence = |required| presence(required, old.nullable);
        let before = field_type(&new.ty, presence(old.required), new.boxed);
        let after = field_type(&new.ty, presence(new.required), new.boxed);
        let field = format!("field {name}::{}: {before} -> {after}", new.rust_name);
        let (wire, mut rust) = if new.required {
            let request = Effect::breaking(format!("member {member} became required"));
            let response = Effect::patch(format!(
                "member {member} became required: the service always sends it"
            ));
            let rust = format!(
                "{name}::new gains an argument; {field}; {name}::with_{} removed",
                new.rust_name
            );
            (by_side(self.sides, request, response), rust)
        } else {
            let request = Effect::patch(format!("member {member} became optional"));
            let response = Effect::breaking(format!(
                "member {member} became optional: clients that require it fail when it is absent"
            ));
            let rust = format!(
                "{name}::new loses an argument; {field}; {name}::with_{} added",
                new.rust_name
            );
            (by_side(self.sides, request, response), rust)
        };
        rust.push_str(&self.default_note());
        let at = self.new.pointer.join("required");
        self.out.record(at, wire, Effect::breaking(rust));
    }

    fn nullable_changed(&mut self, old: &Field, new: &Field, at: &JsonPointer) {
        let member = quoted(&new.name);
        let before = field_type(&new.ty, presence(new.required, old.nullable), new.boxed);
        let after = declared_type(new);
        let rust = format!(
            "field {}::{}: {before} -> {after}",
            self.name(),
            new.rust_name
        );
        let (request, response) = if new.nullable {
            (
                Effect::patch(format!("member {member} may now be null")),
                Effect::breaking(format!(
                    "member {member} may now be null: clients that do not expect null fail to read it"
                )),
            )
        } else {
            (
                Effect::breaking(format!(
                    "member {member} may no longer be null: requests with null are refused"
                )),
                Effect::patch(format!("member {member} may no longer be null")),
            )
        };
        let wire = by_side(self.sides, request, response);
        self.out
            .record(at.join("nullable"), wire, Effect::breaking(rust));
    }

    /// The constraints of the member and of its items. Only request models check them
    /// (`validate()`); a response is read whatever its values.
    fn rules(&mut self, old: &Field, new: &Field, at: &JsonPointer) {
        let member = quoted(&new.name);
        let validated = self.validated();
        let scopes = [
            (
                at.clone(),
                format!("member {member}"),
                &old.rules,
                &new.rules,
            ),
            (
                at.join("items"),
                format!("items of member {member}"),
                &old.item_rules,
                &new.item_rules,
            ),
        ];
        for (at, what, before, after) in scopes {
            for change in rules::changes(before, after) {
                let wire = format!("{what}: {}", change.describe());
                let (wire, rust) = match (validated, change.direction) {
                    (true, Direction::Tightened) => (
                        Effect::breaking(wire),
                        Effect::breaking(format!(
                            "{}::validate() refuses values it accepted",
                            self.name()
                        )),
                    ),
                    (true, Direction::Relaxed) => (
                        Effect::patch(wire),
                        Effect::patch(format!("{}::validate() accepts more values", self.name())),
                    ),
                    (false, _) => (
                        Effect::patch(wire),
                        Effect::patch("not checked: responses are read whatever their values"),
                    ),
                };
                self.out.record(at.join(change.keyword), wire, rust);
            }
        }
    }

    /// `new` takes the required members in spec order: the same members in another order is
    /// another signature, or, with equal types, arguments silently swapped.
    fn constructor_order(&mut self) {
        let (old, new) = (self.before, self.after);
        let required = |s: &Struct| -> Vec<String> {
            s.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.rust_name.clone())
                .collect()
        };
        let (before, after) = (required(old), required(new));
        let mut sorted = (before.clone(), after.clone());
        sorted.0.sort();
        sorted.1.sort();
        if before == after || sorted.0 != sorted.1 {
            return;
        }
        let rust = format!(
            "{}::new takes ({}) instead of ({})",
            self.name(),
            after.join(", "),
            before.join(", ")
        );
        self.out.record(
            self.new.pointer.join("properties"),
            Effect::patch("required members listed in another order"),
            Effect::breaking(rust),
        );
    }

    /// Request models have `validate()`; a struct that stops being one loses it.
    fn validation(&mut self) {
        let (old, new) = (self.before, self.after);
        let name = self.name().to_owned();
        let (wire, rust) = match (old.is_request, new.is_request) {
            (false, true) => (
                "schema now used in a request body",
                Effect::addition(format!("{name}::validate() added")),
            ),
            (true, false) => (
                "schema no longer used in a request body",
                Effect::breaking(format!("{name}::validate() removed")),
            ),
            _ => return,
        };
        self.out
            .record(&self.new.pointer, Effect::patch(wire), rust);
    }
}

fn presence(required: bool, nullable: bool) -> Presence {
    Field {
        required,
        nullable,
        ..Field::default()
    }
    .presence()
}

/// Compares two versions of one enumeration, values matched by their wire value.
fn compare_enum(def: &TypeDef, old: &Enum, new: &Enum, sides: Sides, out: &mut ItemChanges<'_>) {
    let at = def.pointer.join("enum");
    let name = &def.rust_name;
    let in_old = |value: &str| old.variants.iter().any(|v| v.value == value);
    let in_new = |value: &str| new.variants.iter().any(|v| v.value == value);
    let mut renamed = Vec::new();
    for variant in old.variants.iter().filter(|v| !in_new(&v.value)) {
        let value = quoted(&variant.value);
        let same_rust = new
            .variants
            .iter()
            .find(|v| v.rust_name == variant.rust_name && !in_old(&v.value));
        if let Some(now) = same_rust {
            renamed.push(now.value.clone());
            let wire = format!(
                "value {value} is now spelled {}: clients that send or expect the old spelling fail",
                quoted(&now.value)
            );
            let rust = format!("variant {name}::{} unchanged", now.rust_name);
            out.record(&at, Effect::breaking(wire), Effect::patch(rust));
            continue;
        }
        let request = Effect::breaking(format!(
            "value {value} removed: requests with it are refused (also by validate())"
        ));
        let response = Effect::patch(format!(
            "value {value} removed: the service no longer sends it"
        ));
        let rust = format!("variant {name}::{} removed", variant.rust_name);
        out.record(
            &at,
            by_side(sides, request, response),
            Effect::breaking(rust),
        );
    }
    for variant in new.variants.iter().filter(|v| !in_old(&v.value)) {
        if renamed.contains(&variant.value) {
            continue;
        }
        let value = quoted(&variant.value);
        let request = Effect::addition(format!("value {value} added"));
        let response = Effect::addition(format!(
            "value {value} added: clients that do not know it read it as Unknown"
        ));
        let rust = format!("variant {name}::{} added", variant.rust_name);
        out.record(
            &at,
            by_side(sides, request, response),
            Effect::addition(rust),
        );
    }
    let order = |e: &Enum, other: &dyn Fn(&str) -> bool| -> Vec<String> {
        e.variants
            .iter()
            .filter(|v| other(&v.value))
            .map(|v| v.value.clone())
            .collect()
    };
    if order(old, &in_new) != order(new, &in_old) {
        out.record(
            &at,
            Effect::patch("values listed in another order"),
            Effect::patch(format!(
                "variants of {name}, and so its Ord and VALUES, follow the new order"
            )),
        );
    }
}
