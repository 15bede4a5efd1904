//! `cargo xtask api-diff OLD [NEW]`: what changed for users of the generated crate between two
//! versions of the spec, one line per change, and the semver bump on the last line.
//!
//! `OLD` and `NEW` are each a spec file, or `REV:path` to read it from git (`HEAD~1:spec/cbr.yaml`);
//! `NEW` defaults to the working tree's `spec/cbr.yaml`. The error-code catalogue is read from
//! beside each spec (`error-codes.yaml` in the same directory, at the same revision) and
//! compared when both versions have one. The comparison itself is the generator's
//! (`cbr_codegen::api_diff`); this module reads files and git and prints.
//!
//! Exit status 0 whatever the diff says; 1 when a version cannot be read, with the generator's
//! located error prefixed by the version as given.

use std::path::{Path, PathBuf};
use std::process::Command;

use cbr_codegen::api_diff::{self, ApiDiff, Class, Version};
use cbr_codegen::{Input, Inputs};

/// The working tree's spec, relative to the workspace root: `NEW` when not given.
const SPEC: &str = "spec/cbr.yaml";

/// The catalogue's file name, looked for beside each spec.
const CATALOGUE: &str = "error-codes.yaml";

/// Where one version's text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, relative to the current directory.
    File(PathBuf),
    /// `git show REV:path`, run in the workspace root.
    Git {
        /// The revision (`HEAD~1`).
        rev: String,
        /// The path at that revision, as git reads it (from the repository's root).
        path: String,
    },
}

impl Source {
    /// A file that exists is a file; otherwise `REV:path` is read from git (so a file whose
    /// name contains `:` still works).
    pub fn parse(arg: &str) -> Source {
        if Path::new(arg).exists() {
            return Source::File(arg.into());
        }
        match arg.split_once(':') {
            Some((rev, path)) if !rev.is_empty() && !path.is_empty() => Source::Git {
                rev: rev.to_owned(),
                path: path.to_owned(),
            },
            _ => Source::File(arg.into()),
        }
    }

    /// The source as the user wrote it, to prefix errors with.
    pub fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Git { rev, path } => format!("{rev}:{path}"),
        }
    }

    /// The file `name` in the same directory, at the same revision.
    fn sibling(&self, name: &str) -> Source {
        match self {
            Source::File(path) => Source::File(path.with_file_name(name)),
            Source::Git { rev, path } => {
                let path = match path.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/{name}"),
                    None => name.to_owned(),
                };
                Source::Git {
                    rev: rev.clone(),
                    path,
                }
            }
        }
    }

    /// The text, read from the file or from git in the repository at `root`.
    pub fn read(&self, root: &Path) -> Result<String, String> {
        match self {
            Source::File(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", self.label())),
            Source::Git { rev, path } => git_show(root, rev, path),
        }
    }
}

fn git_show(root: &Path, rev: &str, path: &str) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("cannot read {rev}:{path}: {}", stderr.trim()));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("{rev}:{path} is not UTF-8"))
}

/// One version, read and lowered; whether a catalogue was found beside the spec.
pub struct Read {
    /// The lowered version.
    pub version: Version,
    /// Where its catalogue was looked for, when it was not found.
    pub missing_catalogue: Option<String>,
}

/// Reads the spec of `source` and the catalogue beside it. A generator error is prefixed by
/// the source of the input it is in, as `codegen` prefixes it by the file.
pub fn read_version(root: &Path, source: &Source) -> Result<Read, String> {
    let spec = source.read(root)?;
    let codes_source = source.sibling(CATALOGUE);
    let codes = codes_source.read(root).ok();
    let mut inputs = Inputs::new(&spec);
    if let Some(codes) = &codes {
        inputs = inputs.with_error_codes(codes);
    }
    let version = Version::read(inputs).map_err(|e| {
        let label = match e.input() {
            Input::Spec => source.label(),
            Input::ErrorCodes => codes_source.label(),
        };
        format!("{label}: {e}")
    })?;
    Ok(Read {
        version,
        missing_catalogue: codes.is_none().then(|| codes_source.label()),
    })
}

/// Runs the command: `args` are `OLD [NEW]`.
pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let (old, new) = match args {
        [old] => (Source::parse(old), Source::File(root.join(SPEC))),
        [old, new] => (Source::parse(old), Source::parse(new)),
        _ => return Err("api-diff needs OLD and, optionally, NEW".into()),
    };
    let old = read_version(root, &old)?;
    let new = read_version(root, &new)?;
    let missing = [&old.missing_catalogue, &new.missing_catalogue];
    for place in missing.into_iter().flatten() {
        eprintln!("note: error codes not compared: no catalogue at {place}");
    }
    print!("{}", api_diff::compare(&old.version, &new.version));
    Ok(())
}

/// The diff of the working tree's inputs (`spec`, `codes`) against those at `HEAD`.
pub fn against_head(root: &Path, spec: &str, codes: &str) -> Result<ApiDiff, String> {
    let head = Source::Git {
        rev: "HEAD".into(),
        // `./`: relative to `root`, wherever the repository's root is.
        path: format!("./{SPEC}"),
    };
    let old = read_version(root, &head)?;
    let new = Version::read(Inputs::new(spec).with_error_codes(codes))
        .map_err(|e| format!("{}: {e}", e.input().path()))?;
    Ok(api_diff::compare(&old.version, &new))
}

/// `semver: minor (1 addition, 2 patch)`: the summary line of a diff.
pub fn summary(diff: &ApiDiff) -> String {
    let counts: Vec<String> = [Class::Breaking, Class::Addition, Class::Patch]
        .into_iter()
        .filter_map(|class| {
            let count = diff.count(class);
            (count > 0).then(|| format!("{count} {class}"))
        })
        .collect();
    match counts.is_empty() {
        true => diff.summary(),
        false => format!("{} ({})", diff.summary(), counts.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_and_path_is_read_from_git_and_a_file_from_disk() {
        assert_eq!(
            Source::parse("HEAD~1:spec/cbr.yaml"),
            Source::Git {
                rev: "HEAD~1".into(),
                path: "spec/cbr.yaml".into()
            }
        );
        let manifest = env!("CARGO_MANIFEST_PATH");
        assert_eq!(Source::parse(manifest), Source::File(manifest.into()));
        assert_eq!(
            Source::parse("no-such-file.yaml"),
            Source::File("no-such-file.yaml".into())
        );
    }

    #[test]
    fn the_catalogue_is_looked_for_beside_the_spec() {
        let git = Source::parse("v1:spec/cbr.yaml").sibling(CATALOGUE);
        assert_eq!(git.label(), "v1:spec/error-codes.yaml");
        let file = Source::File("/a/b/cbr.yaml".into()).sibling(CATALOGUE);
        assert_eq!(file.label(), "/a/b/error-codes.yaml");
        let top = Source::parse("v1:cbr.yaml").sibling(CATALOGUE);
        assert_eq!(top.label(), "v1:error-codes.yaml");
    }

    #[test]
    fn a_spec_against_itself_is_semver_none_and_nothing_else() {
        let root = crate::workspace_root();
        let spec = Source::File(root.join(SPEC));
        let read = read_version(&root, &spec).unwrap();
        assert_eq!(read.missing_catalogue, None);
        let diff = api_diff::compare(&read.version, &read_version(&root, &spec).unwrap().version);
        assert_eq!(diff.to_string(), "semver: none\n");
        assert_eq!(summary(&diff), "semver: none");
    }

    #[test]
    fn an_unreadable_version_is_a_located_error_naming_it() {
        let root = std::env::temp_dir().join(format!("cbr-api-diff-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let spec = root.join("cbr.yaml");
        std::fs::write(&spec, "openapi: 3.0.3\ninfo: [\n").unwrap();
        let arg = spec.display().to_string();
        let error = run(&root, &[&arg, &arg]).unwrap_err();
        assert!(error.starts_with(&format!("{arg}: line ")), "{error}");
        std::fs::write(root.join(CATALOGUE), "codes: [\n").unwrap();
        let valid = crate::workspace_root().join(SPEC);
        std::fs::copy(valid, &spec).unwrap();
        let error = run(&root, &[&arg]).unwrap_err();
        let catalogue = root.join(CATALOGUE).display().to_string();
        assert!(error.starts_with(&format!("{catalogue}: line ")), "{error}");
        let missing = run(&root, &["no-such-rev-anywhere:spec/cbr.yaml"]).unwrap_err();
        assert!(
            missing.contains("no-such-rev-anywhere:spec/cbr.yaml"),
            "{missing}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
