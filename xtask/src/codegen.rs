//! `cargo xtask codegen [--check | --changelog] [--root <dir>]`: regenerates the client crate
//! from `spec/cbr.yaml` and the error-code catalogue `spec/error-codes.yaml`, in this workspace
//! or in the one at `<dir>` (where the tests run it on broken copies of the spec).
//!
//! When files change, it prints what the spec change does to users, against the spec at `HEAD`
//! (`api-diff against HEAD: semver: minor (1 addition)`); with `--changelog` it also lists
//! those changes under "Unreleased" in `generated/CHANGELOG.md`, grouped by class.
//!
//! Writes only files whose contents changed: all to temporary files first, then each renamed
//! into place, so that neither an interrupted run nor a failed write leaves a half-written
//! file or a mix of two generations; never overwrites a file that lacks the `@generated`
//! header. With `--check` nothing is
//! written: every stale file is named and the command fails. A generator error is printed with
//! its location in the spec, and no file is touched.

use std::path::{Path, PathBuf};

use cbr_codegen::GeneratedFile;

/// The spec, relative to the workspace root.
const SPEC: &str = "spec/cbr.yaml";

/// The error-code catalogue, the generator's second input.
const ERROR_CODES: &str = "spec/error-codes.yaml";

/// The published crate's changelog, which `--changelog` adds the spec changes to.
const CHANGELOG: &str = "generated/CHANGELOG.md";

/// Whether to write the files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write every changed file.
    Write,
    /// Write every changed file, and list the spec changes in the changelog.
    WriteWithChangelog,
    /// Write nothing; fail if a file is stale.
    Check,
}

/// Runs the command from the workspace root `root`.
pub fn run(root: &Path, mode: Mode) -> Result<(), String> {
    let spec_path = root.join(SPEC);
    let spec = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let codes_path = root.join(ERROR_CODES);
    let codes = std::fs::read_to_string(&codes_path)
        .map_err(|e| format!("cannot read {}: {e}", codes_path.display()))?;
    let inputs = cbr_codegen::Inputs::new(&spec).with_error_codes(&codes);
    let files = cbr_codegen::generate(inputs).map_err(|e| format!("{}: {e}", e.input().path()))?;
    let mut stale = Vec::new();
    for file in &files {
        let path = root.join(&file.path);
        if is_current(&path, file)? {
            continue;
        }
        stale.push(file);
    }
    let changelog = match mode {
        Mode::Check => return check_report(&stale),
        Mode::Write => false,
        Mode::WriteWithChangelog => true,
    };
    write_all(root, &stale, files.len())?;
    if stale.is_empty() && !changelog {
        return Ok(());
    }
    report_spec_change(root, &spec, &codes, changelog)
}

/// The spec change against `HEAD` in one line; with `changelog`, its lines in the changelog.
/// Without `--changelog`, a comparison that cannot be made (no git, no spec at `HEAD`, a spec
/// there the generator no longer reads) is only reported: the files are written either way.
fn report_spec_change(root: &Path, spec: &str, codes: &str, changelog: bool) -> Result<(), String> {
    let diff = match crate::api_diff::against_head(root, spec, codes) {
        Ok(diff) => diff,
        Err(reason) if changelog => return Err(format!("--changelog: {reason}")),
        Err(reason) => {
            println!("api-diff against HEAD: not compared ({reason})");
            return Ok(());
        }
    };
    println!(
        "api-diff against HEAD: {} (`cargo xtask api-diff HEAD:{SPEC}` lists them)",
        crate::api_diff::summary(&diff)
    );
    if !changelog {
        return Ok(());
    }
    let path = root.join(CHANGELOG);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let updated = cbr_codegen::api_diff::changelog::add_to_unreleased(&text, &diff);
    if updated == text {
        println!("{CHANGELOG}: every change is already listed");
        return Ok(());
    }
    let temporary = write_temporary(&path, &updated)?;
    std::fs::rename(&temporary, &path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!(
            "cannot rename {} to {}: {e}",
            temporary.display(),
            path.display()
        )
    })?;
    println!(
        "wrote {CHANGELOG}: {} change(s) under Unreleased",
        diff.changes().len()
    );
    Ok(())
}

/// Whether `path` already holds `file`'s contents; a file without the header is an error.
fn is_current(path: &Path, file: &GeneratedFile) -> Result<bool, String> {
    let existing = match std::fs::read_to_string(path) {
        Ok(existing) => existing,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if existing == file.contents {
        return Ok(true);
    }
    if !GeneratedFile::is_generated(&existing) {
        return Err(format!(
            "{} exists but has no `@generated` header: it is not the generator's to overwrite \
             (move it away or add the header)",
            file.path
        ));
    }
    Ok(false)
}

fn check_report(stale: &[&GeneratedFile]) -> Result<(), String> {
    if stale.is_empty() {
        println!("codegen: every generated file is up to date");
        return Ok(());
    }
    for file in stale {
        eprintln!("stale: {}", file.path);
    }
    Err(format!(
        "{} generated file(s) differ from a fresh generation: run `cargo xtask codegen`",
        stale.len()
    ))
}

/// Writes every changed file in two steps: each to a temporary file beside it, then, once all
/// are written, each renamed into place. A failure in the first step (a full disk, a
/// read-only directory) removes the temporary files and leaves every file as it was, so the
/// generated files never mix two generations.
fn write_all(root: &Path, stale: &[&GeneratedFile], total: usize) -> Result<(), String> {
    let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
    for file in stale {
        let path = root.join(&file.path);
        match write_temporary(&path, &file.contents) {
            Ok(temporary) => written.push((temporary, path)),
            Err(error) => {
                for (temporary, _) in &written {
                    let _ = std::fs::remove_file(temporary);
                }
                return Err(format!("{error}; no file was changed"));
            }
        }
    }
    for ((temporary, path), file) in written.iter().zip(stale) {
        std::fs::rename(temporary, path).map_err(|e| {
            let _ = std::fs::remove_file(temporary);
            format!(
                "cannot rename {} to {}: {e}",
                temporary.display(),
                path.display()
            )
        })?;
        println!("wrote {}", file.path);
    }
    println!("codegen: {} of {total} file(s) changed", stale.len());
    Ok(())
}

/// Writes `contents` to a temporary file in `path`'s directory; returns its path.
fn write_temporary(path: &Path, contents: &str) -> Result<PathBuf, String> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary: PathBuf = dir.join(format!(".{name}.codegen-tmp"));
    std::fs::write(&temporary, contents)
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    Ok(temporary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch workspace holding a copy of the real spec.
    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("cbr-xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        for input in [SPEC, ERROR_CODES] {
            std::fs::copy(crate::workspace_root().join(input), root.join(input)).unwrap();
        }
        root
    }

    #[test]
    fn writes_then_checks_clean_then_names_a_stale_file() {
        let root = scratch("write");
        assert!(run(&root, Mode::Check).is_err(), "missing files are stale");
        assert!(!root.join("generated").exists(), "--check wrote something");
        run(&root, Mode::Write).unwrap();
        run(&root, Mode::Check).unwrap();
        let models = root.join("generated/src/models.rs");
        let edited = std::fs::read_to_string(&models).unwrap() + "\n// edited\n";
        std::fs::write(&models, &edited).unwrap();
        assert!(run(&root, Mode::Check).is_err());
        assert_eq!(
            std::fs::read_to_string(&models).unwrap(),
            edited,
            "--check wrote"
        );
        run(&root, Mode::Write).unwrap();
        run(&root, Mode::Check).unwrap();
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn refuses_to_overwrite_a_file_without_the_header() {
        let root = scratch("header");
        let models = root.join("generated/src/models.rs");
        std::fs::create_dir_all(models.parent().unwrap()).unwrap();
        std::fs::write(&models, "// hand-written\n").unwrap();
        let error = run(&root, Mode::Write).unwrap_err();
        assert!(
            error.contains("generated/src/models.rs") && error.contains("@generated"),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(&models).unwrap(),
            "// hand-written\n"
        );
        assert!(
            !root.join("generated/API.txt").exists(),
            "wrote other files before failing"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_write_that_fails_half_way_changes_no_file() {
        let root = scratch("half-way");
        run(&root, Mode::Write).unwrap();
        let operations = root.join("generated/src/operations.rs");
        let before = std::fs::read_to_string(&operations).unwrap();
        // A spec change that touches operations.rs first and spec/cbr.json last ...
        let spec = std::fs::read_to_string(root.join(SPEC)).unwrap();
        std::fs::write(
            root.join(SPEC),
            spec.replace("Querying a Single Task", "Task"),
        )
        .unwrap();
        // ... and a directory where the temporary file of spec/cbr.json must go.
        let blocker = root.join("spec/.cbr.json.codegen-tmp");
        std::fs::create_dir_all(&blocker).unwrap();
        let error = run(&root, Mode::Write).unwrap_err();
        assert!(
            error.contains(".cbr.json.codegen-tmp") && error.contains("no file was changed"),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&operations).unwrap(), before);
        let leftovers: Vec<_> = std::fs::read_dir(root.join("generated/src"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".codegen-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        std::fs::remove_dir(&blocker).unwrap();
        run(&root, Mode::Write).unwrap();
        assert_ne!(std::fs::read_to_string(&operations).unwrap(), before);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_catalogue_error_names_the_catalogue_and_writes_nothing() {
        let root = scratch("codes");
        let codes = root.join(ERROR_CODES);
        let text = std::fs::read_to_string(&codes).unwrap();
        std::fs::write(&codes, format!("{text}  - status: [\n")).unwrap();
        let error = run(&root, Mode::Write).unwrap_err();
        assert!(error.starts_with("spec/error-codes.yaml: line "), "{error}");
        assert!(!root.join("generated").exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_generator_error_names_the_spec_and_writes_nothing() {
        let root = scratch("error");
        std::fs::write(root.join(SPEC), "openapi: 3.0.3\ninfo: [\n").unwrap();
        let error = run(&root, Mode::Write).unwrap_err();
        assert!(error.starts_with("spec/cbr.yaml: line "), "{error}");
        assert!(!root.join("generated").exists());
        let _ = std::fs::remove_dir_all(&root);
    }
}
