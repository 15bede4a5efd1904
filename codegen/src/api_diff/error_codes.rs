//! The error-code catalogue: codes matched by the code the service sends.
//!
//! `ErrorCode` is `#[non_exhaustive]` and keeps codes it does not know in `Unknown`, so an
//! added code breaks nothing; a removed code takes its variant with it.

use super::{quoted, Changes, Effect, ItemChanges, Section};
use crate::emit_error_codes::{Catalogue, ErrorCodeEntry};
use crate::pointer::JsonPointer;

/// The catalogue's file name, prefixed to its pointers so they are told apart from the spec's.
const CATALOGUE: &str = "error-codes.yaml";

/// The pointer of `member` (or of the whole entry, when empty) of the entry at `index`.
fn entry_pointer(index: usize, member: &str) -> String {
    let entry = JsonPointer::root().join("codes").join(index.to_string());
    match member {
        "" => format!("{CATALOGUE}{entry}"),
        member => format!("{CATALOGUE}{}", entry.join(member)),
    }
}

/// Records every difference between two catalogues.
pub fn compare(old: &Catalogue, new: &Catalogue, changes: &mut Changes) {
    if old.doc_source != new.doc_source {
        let pointer = format!("{CATALOGUE}{}", JsonPointer::root().join("x-doc-source"));
        changes.of(Section::ErrorCodes, "").record(
            pointer,
            Effect::patch("x-doc-source changed"),
            Effect::patch("documentation only"),
        );
    }
    let position = |codes: &[ErrorCodeEntry], code: &str| codes.iter().position(|e| e.code == code);
    let mut renamed_to = Vec::new();
    for (index, entry) in old.codes.iter().enumerate() {
        if let Some(new_index) = position(&new.codes, &entry.code) {
            let mut out = changes.of(Section::ErrorCodes, &entry.code);
            compare_entry(entry, &new.codes[new_index], new_index, &mut out);
            continue;
        }
        let renamed = new.codes.iter().enumerate().find(|(_, candidate)| {
            candidate.rust_name == entry.rust_name
                && position(&old.codes, &candidate.code).is_none()
        });
        if let Some((new_index, now)) = renamed {
            renamed_to.push(now.code.clone());
            let wire = format!(
                "code {} is now sent as {}: clients that know the old spelling see an unknown code",
                quoted(&entry.code),
                quoted(&now.code)
            );
            let rust = format!("variant ErrorCode::{} unchanged", now.rust_name);
            changes.of(Section::ErrorCodes, &now.code).record(
                entry_pointer(new_index, "code"),
                Effect::breaking(wire),
                Effect::patch(rust),
            );
            continue;
        }
        let wire = format!("code {} removed from the catalogue", quoted(&entry.code));
        let rust = format!("variant ErrorCode::{} removed", entry.rust_name);
        changes.of(Section::ErrorCodes, &entry.code).record(
            entry_pointer(index, ""),
            Effect::patch(wire),
            Effect::breaking(rust),
        );
    }
    for (index, entry) in new.codes.iter().enumerate() {
        if position(&old.codes, &entry.code).is_some() || renamed_to.contains(&entry.code) {
            continue;
        }
        let wire = format!(
            "code {} added (status {}): clients that do not know it see an unknown code",
            quoted(&entry.code),
            entry.status
        );
        let rust = format!("variant ErrorCode::{} added", entry.rust_name);
        changes.of(Section::ErrorCodes, &entry.code).record(
            entry_pointer(index, ""),
            Effect::addition(wire),
            Effect::addition(rust),
        );
    }
}

/// The documented status and texts of one code: the service's answer is unchanged, only what
/// `ErrorCode`'s accessors return.
fn compare_entry(
    old: &ErrorCodeEntry,
    new: &ErrorCodeEntry,
    index: usize,
    out: &mut ItemChanges<'_>,
) {
    let variant = format!("ErrorCode::{}", new.rust_name);
    if old.status != new.status {
        out.record(
            entry_pointer(index, "status"),
            Effect::patch(format!(
                "documented status of {} changed: {} -> {}",
                quoted(&new.code),
                old.status,
                new.status
            )),
            Effect::patch(format!("{variant}.status() returns {}", new.status)),
        );
    }
    let texts = [
        ("message", &old.message, &new.message),
        ("description", &old.description, &new.description),
        ("handling", &old.handling, &new.handling),
    ];
    for (member, before, after) in texts {
        if before != after {
            out.record(
                entry_pointer(index, member),
                Effect::patch(format!("{member} of {} changed", quoted(&new.code))),
                Effect::patch(format!("text of {variant}.{member}()")),
            );
        }
    }
}
