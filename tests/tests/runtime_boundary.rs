//! The boundary between the runtime crate and the generated crates: the runtime names no
//! concept of the CBR service, every name the generated `Client` shares with the runtime is
//! reserved in the generator, and every Rust file of a generated crate's `src/` is generated.

use std::path::{Path, PathBuf};

use cbr_codegen::runtime_names::RESERVED_CLIENT_METHODS;
use cbr_tests::workspace_file;

/// Words of the CBR service (its resources, its name, the legacy VBS) that the runtime must
/// not contain: what it needs of a service comes from the generated crate.
const SERVICE_WORDS: [&str; 7] = [
    "vault",
    "checkpoint",
    "policy",
    "policies",
    "backup",
    "cbr",
    "vbs",
];

/// Where the runtime must use a word of [`SERVICE_WORDS`] because another crate's API has it:
/// reqwest's redirect policy.
const ALLOWED: [&str; 1] = ["reqwest::redirect::Policy"];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each line of `text` that holds a service word, as `line: text`.
fn service_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut lower = line.to_lowercase();
        for allowed in ALLOWED {
            lower = lower.replace(&allowed.to_lowercase(), "");
        }
        if let Some(word) = SERVICE_WORDS.iter().find(|word| lower.contains(*word)) {
            found.push(format!("{}: `{word}` in {}", index + 1, line.trim()));
        }
    }
    found
}

#[test]
fn the_runtime_names_no_concept_of_the_cbr_service() {
    let mut files = rust_files(&workspace_file("runtime/src"));
    files.push(workspace_file("runtime/Cargo.toml"));
    files.push(workspace_file("runtime/README.md"));
    let mut found = Vec::new();
    for file in files {
        for hit in service_words(&read(&file)) {
            found.push(format!("{}:{hit}", file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "the runtime names the service:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_word_check_finds_a_service_word() {
    assert_eq!(service_words("let vaults = 1;\nok\n").len(), 1);
    assert_eq!(service_words("a Backup here").len(), 1);
    assert!(service_words(".redirect(reqwest::redirect::Policy::none())").is_empty());
}

/// The names of the public methods of every inherent `impl` of `type_name` in `file`.
fn public_methods(file: &Path, type_name: &str) -> Vec<String> {
    let syntax = syn::parse_file(&read(file)).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut names = Vec::new();
    for item in syntax.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_type) = &*block.self_ty else {
            continue;
        };
        let is_type = self_type
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == type_name);
        if block.trait_.is_some() || !is_type {
            continue;
        }
        for item in block.items {
            let syn::ImplItem::Fn(method) = item else {
                continue;
            };
            if !matches!(method.vis, syn::Visibility::Inherited) {
                names.push(method.sig.ident.to_string());
            }
        }
    }
    names
}

#[test]
fn every_public_method_of_the_runtime_client_is_reserved() {
    let mut methods = Vec::new();
    for file in rust_files(&workspace_file("runtime/src/client")) {
        methods.extend(public_methods(&file, "Client"));
    }
    assert!(methods.contains(&"execute".to_owned()), "{methods:?}");
    let missing: Vec<&String> = methods
        .iter()
        .filter(|name| !RESERVED_CLIENT_METHODS.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "public methods of the runtime's Client that an operationId could take (add them to \
         RESERVED_CLIENT_METHODS in codegen/src/runtime_names.rs): {missing:?}"
    );
}

#[test]
fn the_methods_the_generated_client_delegates_are_reserved() {
    let operations: Vec<String> =
        cbr_codegen::parse_and_lower(&read(&workspace_file("spec/cbr.yaml")))
            .expect("the spec lowers")
            .operations
            .into_iter()
            .map(|operation| operation.method_name)
            .collect();
    let methods = public_methods(&workspace_file("generated/src/lib.rs"), "Client");
    assert!(methods.contains(&"builder".to_owned()), "{methods:?}");
    for method in methods {
        assert!(
            RESERVED_CLIENT_METHODS.contains(&method.as_str()) && !operations.contains(&method),
            "`{method}` of the generated Client is not reserved"
        );
    }
}

#[test]
fn every_rust_file_of_a_generated_source_folder_is_generated() {
    for dir in ["generated/src", "tests/fixtures/evs-client/src"] {
        let files = rust_files(&workspace_file(dir));
        assert!(files.len() >= 5, "{dir}: {files:?}");
        for file in files {
            let first = read(&file).lines().next().unwrap_or_default().to_owned();
            assert!(
                first.starts_with("// @generated by `cargo xtask codegen`"),
                "{} is not generated: {first}",
                file.display()
            );
        }
    }
}
