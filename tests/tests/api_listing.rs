//! `generated/API.txt` lists every public item of the generated files. The listing is read from
//! the emitted `syn` trees; this test reads the printed files as plain text instead, a second
//! way that shares nothing with the first, so an item the listing's walk skips shows up here.

use cbr_tests::workspace_file;

/// The generated Rust files the listing covers, with the public path of each module.
const LISTED: [(&str, &str); 3] = [
    ("generated/src/operations.rs", "operations::"),
    ("generated/src/models.rs", "models::"),
    ("generated/src/error_codes.rs", ""),
];

/// The `fn`, `struct`, `enum` and `field` paths a file declares public, as API.txt names them
/// (`operations::ListVaults::limit`), found line by line in prettyplease's layout: items at
/// column 0, their members at column 4.
fn declared_public(text: &str, module: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut owner = String::new();
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("pub struct ")
            .or_else(|| line.strip_prefix("pub enum "))
        {
            let name = rest.split([' ', '{', '<', ';']).next().unwrap_or_default();
            owner = format!("{module}{name}");
            let kind = if line.starts_with("pub struct") {
                "struct"
            } else {
                "enum"
            };
            out.push((kind, owner.clone()));
        } else if line.starts_with("impl") {
            // `impl X {`, `impl<'de> Trait<'de> for X {`: the type after the last ` for `.
            let header = line.trim_end_matches(" {");
            let ty = header.rsplit(" for ").next().unwrap_or(header);
            let ty = ty.split_whitespace().last().unwrap_or_default();
            owner = match ty.strip_prefix("crate::") {
                Some(root) => root.to_owned(),
                None => format!("{module}{ty}"),
            };
        } else if let Some(rest) = line
            .strip_prefix("    pub fn ")
            .or_else(|| line.strip_prefix("    pub async fn "))
        {
            let name = rest.split(['(', '<']).next().unwrap_or_default();
            out.push(("fn", format!("{owner}::{name}")));
        } else if let Some(rest) = line.strip_prefix("    pub ") {
            let Some((name, _)) = rest.split_once(": ") else {
                continue;
            };
            if !name.contains(' ') {
                out.push(("field", format!("{owner}::{name}")));
            }
        }
    }
    out
}

#[test]
fn every_public_item_of_the_generated_files_is_listed() {
    let listing = std::fs::read_to_string(workspace_file("generated/API.txt")).unwrap();
    let mut missing = Vec::new();
    let mut checked = 0;
    for (path, module) in LISTED {
        let text = std::fs::read_to_string(workspace_file(path)).unwrap();
        for (kind, item) in declared_public(&text, module) {
            checked += 1;
            let listed = listing.lines().any(|line| {
                let Some(rest) = line
                    .strip_prefix(&format!("{kind} {item}"))
                    .or_else(|| line.strip_prefix(&format!("async {kind} {item}")))
                else {
                    return false;
                };
                rest.is_empty() || rest.starts_with([' ', '(', ':', '<'])
            });
            if !listed {
                missing.push(format!("{kind} {item} ({path})"));
            }
        }
    }
    // The scan itself must have found the generated API (hundreds of items), or it proves
    // nothing.
    assert!(checked > 500, "the scan found only {checked} public items");
    assert!(
        missing.is_empty(),
        "{} public item(s) missing from API.txt:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
