//! Snapshots of the generated source for small fixture specs, one construct each
//! (`tests/fixtures/codegen/*.yaml`). A change of the generator's output shows up here as a
//! reviewed diff of `tests/tests/snapshots/`.

use cbr_tests::workspace_file;

/// Every file generated from a fixture, each under a `=== path ===` line, except those
/// [`CRATE_FILES`] pins once.
fn generate(fixture: &str) -> String {
    generate_files(fixture, |path| !CRATE_FILES.contains(&path))
}

/// The crate root and the waiters module: the same for every construct but waiters, so pinned
/// once, by the `waiters` fixture.
const CRATE_FILES: [&str; 2] = ["generated/src/lib.rs", "generated/src/waiters.rs"];

fn generate_files(fixture: &str, keep: impl Fn(&str) -> bool) -> String {
    let path = workspace_file(&format!("tests/fixtures/codegen/{fixture}.yaml"));
    let spec = std::fs::read_to_string(&path).expect("fixture is readable");
    let files = cbr_codegen::generate(&spec).unwrap_or_else(|e| panic!("{fixture}: {e}"));
    files
        .iter()
        // The JSON copy of the spec is the fixture itself, not generator output worth pinning.
        .filter(|f| f.path != "spec/cbr.json" && keep(&f.path))
        .map(|f| format!("=== {} ===\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `x-waiters` on a polled operation: its `WaitFor` impl and `Client` method, and the crate
/// root that every generated crate has.
#[test]
fn waiters() {
    insta::assert_snapshot!(
        "waiters",
        generate_files("waiters", |path| CRATE_FILES.contains(&path))
    );
}

macro_rules! snapshot {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), generate(stringify!($name)));
        }
    )*};
}

snapshot!(
    enumeration,
    optional_nullable,
    nullable_ref,
    array_of_refs,
    nested_objects,
    operation_path_query_body,
    operation_204,
    error_response,
);

#[test]
fn nested_objects_are_named_after_their_parent_and_member() {
    let api = cbr_codegen::parse_and_lower(
        &std::fs::read_to_string(workspace_file("tests/fixtures/codegen/nested_objects.yaml"))
            .unwrap(),
    )
    .unwrap();
    let names: Vec<&str> = api.types.iter().map(|t| t.rust_name()).collect();
    assert_eq!(
        names,
        [
            "Policy",
            "PolicyTrigger",
            "PolicyTriggerKind",
            "PolicyTriggerProperties",
            "PolicyVaultsItem"
        ]
    );
}
