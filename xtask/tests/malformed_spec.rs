//! The real `xtask codegen` binary against a broken copy of the spec: each kind of mistake is
//! reported with the spec's path and the line or JSON pointer to fix, the exit status is 1, and
//! no file of the workspace changes.
//!
//! Every test generates a fresh workspace from the real spec first, so the set of generated
//! files is whatever the generator writes today, never a list kept here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The spec, relative to a workspace root.
const SPEC: &str = "spec/cbr.yaml";

/// The generator's inputs, copied from the real workspace.
const INPUTS: [&str; 2] = [SPEC, "spec/error-codes.yaml"];

/// A workspace in the temporary directory, removed when dropped.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    /// A workspace holding the real inputs and everything `xtask codegen` generates from them.
    fn generated(name: &str) -> Scratch {
        let root =
            std::env::temp_dir().join(format!("cbr-xtask-malformed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let scratch = Scratch { root };
        let real = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        std::fs::create_dir_all(scratch.root.join("spec")).expect("create scratch spec dir");
        for input in INPUTS {
            std::fs::copy(real.join(input), scratch.root.join(input))
                .unwrap_or_else(|e| panic!("cannot copy {input}: {e}"));
        }
        let output = scratch.codegen(&[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "generating the fixture failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        scratch
    }

    /// Runs `xtask codegen --root <root>` with `args`.
    fn codegen(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("codegen")
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .output()
            .expect("cannot run the xtask binary")
    }

    /// Every directory and file under the root; files with their bytes.
    fn tree(&self) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        let mut entries = BTreeMap::new();
        walk(&self.root, &self.root, &mut entries);
        entries
    }

    fn spec(&self) -> String {
        std::fs::read_to_string(self.root.join(SPEC)).expect("read scratch spec")
    }

    /// Replaces `snippet`, which must occur exactly once, so that a change to the spec cannot
    /// turn a test into one that breaks nothing.
    fn replace_in_spec(&self, snippet: &str, replacement: &str) {
        let spec = self.spec();
        assert_eq!(
            spec.matches(snippet).count(),
            1,
            "the spec no longer holds exactly one {snippet:?}"
        );
        std::fs::write(self.root.join(SPEC), spec.replacen(snippet, replacement, 1))
            .expect("write scratch spec");
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn walk(root: &Path, dir: &Path, entries: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
    let listing = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in listing {
        let path = entry.expect("directory entry").path();
        let relative = path.strip_prefix(root).expect("under root").to_path_buf();
        if path.is_dir() {
            entries.insert(relative, None);
            walk(root, &path, entries);
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        entries.insert(relative, Some(bytes));
    }
}

/// Asserts that two trees hold the same paths and, path by path, the same bytes; names the
/// first difference instead of printing whole files.
fn assert_same_tree(
    before: &BTreeMap<PathBuf, Option<Vec<u8>>>,
    after: &BTreeMap<PathBuf, Option<Vec<u8>>>,
) {
    let paths = |tree: &BTreeMap<PathBuf, Option<Vec<u8>>>| tree.keys().cloned().collect();
    let (before_paths, after_paths): (Vec<PathBuf>, Vec<PathBuf>) = (paths(before), paths(after));
    assert_eq!(before_paths, after_paths, "files appeared or disappeared");
    for (path, contents) in before {
        assert!(after[path] == *contents, "{} changed", path.display());
    }
}

/// The 1-based line and column where `needle` begins in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let index = text.find(needle).expect("needle in text");
    let line_start = text[..index].rfind('\n').map_or(0, |n| n + 1);
    (
        text[..index].matches('\n').count() + 1,
        index - line_start + 1,
    )
}

/// Applies one edit to the spec of a freshly generated workspace and runs `xtask codegen`;
/// asserts that it fails with status 1, prints an error that starts with the spec's path, and
/// leaves every other file as it was. Returns the scratch workspace and the error text.
fn codegen_fails_after(name: &str, snippet: &str, replacement: &str) -> (Scratch, String) {
    let scratch = Scratch::generated(name);
    let mut before = scratch.tree();
    scratch.replace_in_spec(snippet, replacement);
    let output = scratch.codegen(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {SPEC}: ")),
        "the error does not start with the spec's path:\n{stderr}"
    );
    let mut after = scratch.tree();
    let spec = PathBuf::from(SPEC);
    before.remove(&spec);
    after.remove(&spec);
    assert_same_tree(&before, &after);
    (scratch, stderr)
}

#[test]
fn a_yaml_syntax_error_names_its_line_and_column() {
    let broken = "      operationId: show_operation_log: x\n";
    let (scratch, stderr) =
        codegen_fails_after("syntax", "      operationId: show_operation_log\n", broken);
    let (line, column) = position_of(&scratch.spec(), broken);
    let colon = broken.rfind(':').expect("second colon") + column;
    assert!(
        stderr.contains(&format!("{SPEC}: line {line}, column {colon}: ")),
        "{stderr}"
    );
    assert!(
        stderr.contains("mapping values are not allowed"),
        "{stderr}"
    );
}

#[test]
fn valid_yaml_that_is_not_openapi_names_the_line_and_member() {
    // `x-paths` keeps the old path items valid YAML (an extension), so only `paths` is wrong.
    let (scratch, stderr) = codegen_fails_after(
        "not-openapi",
        "\npaths:\n",
        "\npaths: not-a-map\nx-paths:\n",
    );
    let (line, _) = position_of(&scratch.spec(), "paths: not-a-map");
    assert!(
        stderr.contains(&format!("{SPEC}: line {line}, column ")),
        "{stderr}"
    );
    assert!(
        stderr.contains("not an OpenAPI 3.0 document: paths: invalid type"),
        "{stderr}"
    );
}

#[test]
fn a_dangling_reference_names_the_pointer_of_the_referring_node() {
    let (_, stderr) = codegen_fails_after(
        "dangling",
        "          - $ref: '#/components/schemas/BillingCreate'\n",
        "          - $ref: '#/components/schemas/Nope'\n",
    );
    assert!(
        stderr.contains(
            "spec/cbr.yaml: #/components/schemas/VaultCreate/properties/billing/allOf/0: \
             dangling reference `#/components/schemas/Nope`"
        ),
        "{stderr}"
    );
}

#[test]
fn an_unsupported_construct_names_its_pointer() {
    let (_, stderr) = codegen_fails_after(
        "unsupported",
        "        backup_policy_id:\n          type: string\n",
        "        backup_policy_id:\n          oneOf:\n          - type: string\n          - type: integer\n",
    );
    assert!(
        stderr.contains(
            "spec/cbr.yaml: #/components/schemas/VaultCreate/properties/backup_policy_id/oneOf: \
             unsupported construct: oneOf"
        ),
        "{stderr}"
    );
}

#[test]
fn a_duplicate_operation_id_names_both_operations() {
    let (_, stderr) = codegen_fails_after(
        "duplicate-id",
        "      operationId: list_operation_logs\n",
        "      operationId: show_operation_log\n",
    );
    let second = "#/paths/~1v3~1{project_id}~1operation-logs/get/operationId";
    let first = "#/paths/~1v3~1{project_id}~1operation-logs~1{operation_log_id}/get/operationId";
    assert!(
        stderr.contains(&format!(
            "spec/cbr.yaml: {second}: duplicate operationId `show_operation_log`, first used at \
             {first}"
        )),
        "{stderr}"
    );
}

#[test]
fn names_that_collide_after_case_conversion_name_both_schemas() {
    let (_, stderr) = codegen_fails_after(
        "collision",
        "    BillingCreate:\n      type: object\n",
        "    vault_create:\n      type: object\n      properties:\n        x: {type: string}\n    \
         BillingCreate:\n      type: object\n",
    );
    assert!(
        stderr.contains(
            "spec/cbr.yaml: #/components/schemas/vault_create: name collision: this converts to \
             the Rust name `VaultCreate`, already taken by #/components/schemas/VaultCreate"
        ),
        "{stderr}"
    );
}

#[test]
fn check_passes_on_a_fresh_tree_and_writes_nothing() {
    let scratch = Scratch::generated("check-clean");
    let before = scratch.tree();
    let output = scratch.codegen(&["--check"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_same_tree(&before, &scratch.tree());
}

#[test]
fn check_names_a_stale_file_fails_and_writes_nothing() {
    let scratch = Scratch::generated("check-stale");
    let tree = scratch.tree();
    let generated = tree
        .iter()
        .find(|(path, contents)| {
            contents.is_some() && !INPUTS.iter().any(|i| path.as_path() == Path::new(i))
        })
        .map(|(path, _)| path.clone())
        .expect("codegen generated no file");
    let path = scratch.root.join(&generated);
    let mut contents = std::fs::read(&path).expect("read generated file");
    contents.extend_from_slice(b"\n// edited\n");
    std::fs::write(&path, &contents).expect("edit generated file");
    let before = scratch.tree();

    let output = scratch.codegen(&["--check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let name = generated.to_string_lossy().replace('\\', "/");
    assert!(stderr.contains(&format!("stale: {name}\n")), "{stderr}");
    assert_same_tree(&before, &scratch.tree());
}
