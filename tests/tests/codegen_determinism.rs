//! The generator is deterministic, and the committed generated files are what it generates now
//! (the check `cargo xtask codegen --check` makes too).

//!
//! That every file carries the `@generated` header is not asserted here: `cbr_codegen::files`
//! builds every file with it (its own unit tests check each constructor).

use cbr_codegen::generate;
use cbr_tests::workspace_file;

fn spec() -> String {
    std::fs::read_to_string(workspace_file("spec/cbr.yaml")).expect("spec/cbr.yaml is readable")
}

#[test]
fn generating_twice_gives_identical_output() {
    let spec = spec();
    let first = generate(&spec).expect("the spec generates");
    let second = generate(&spec).expect("the spec generates");
    assert_eq!(first, second);
}

#[test]
fn output_does_not_depend_on_the_order_of_component_schemas() {
    let fixture =
        std::fs::read_to_string(workspace_file("tests/fixtures/codegen/nullable_ref.yaml"))
            .expect("fixture is readable");
    let mut document: serde_yaml::Mapping = serde_yaml::from_str(&fixture).unwrap();
    let schemas = document["components"]["schemas"].as_mapping_mut().unwrap();
    let reversed: serde_yaml::Mapping = schemas
        .clone()
        .into_iter()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert_ne!(
        schemas.keys().collect::<Vec<_>>(),
        reversed.keys().collect::<Vec<_>>(),
        "the fixture needs two schemas"
    );
    *schemas = reversed;
    let reordered = serde_yaml::to_string(&document).unwrap();
    // spec/cbr.json is the input written as JSON, so it follows the input's order by design.
    let derived = |spec: &str| {
        let mut files = generate(spec).unwrap();
        files.retain(|file| file.path != "spec/cbr.json");
        files
    };
    assert_eq!(derived(&fixture), derived(&reordered));
}

#[test]
fn committed_generated_files_equal_a_fresh_generation() {
    // Both inputs, as `cargo xtask codegen` reads them.
    let spec = spec();
    let codes = std::fs::read_to_string(workspace_file("spec/error-codes.yaml"))
        .expect("spec/error-codes.yaml is readable");
    let files = generate(cbr_codegen::Inputs::new(&spec).with_error_codes(&codes))
        .expect("the spec generates");
    let mut stale = Vec::new();
    for file in &files {
        let on_disk = std::fs::read_to_string(workspace_file(&file.path)).unwrap_or_default();
        if on_disk != file.contents {
            stale.push(file.path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo xtask codegen`): {stale:?}"
    );
}
