//! Workspace automation: `cargo xtask codegen [--check | --changelog] [--root <dir>]`,
//! `cargo xtask api-diff OLD [NEW]`, `cargo xtask test` and `cargo xtask fuzz`.

mod api_diff;
mod codegen;
mod fuzz;
mod prism;
mod test_suite;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask [--root <dir>] <command>

commands:
  codegen [--check | --changelog]
                      regenerate the client crate from spec/cbr.yaml; when files change,
                      print the semver class of the spec change against HEAD
                      (--check: write nothing, fail if a generated file is stale;
                      --changelog: also list the changes in generated/CHANGELOG.md)
  api-diff OLD [NEW]  what changed for users between two specs, one line per change, the
                      last line `semver: major|minor|patch|none`; OLD and NEW are files or
                      REV:path (HEAD~1:spec/cbr.yaml); NEW defaults to spec/cbr.yaml
  test                run every check and test of the workspace, timing each stage
  fuzz [--time SECONDS] [TARGET...]
                      run the fuzz targets of fuzz/ (every one unless named), each for
                      SECONDS (default 30); installs cargo-fuzz into target/tools

options:
  --root <dir>        the workspace to work in, instead of this one (codegen, api-diff)";

/// The workspace root: xtask lives one level below it.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| ".".into())
}

/// The command line, once `--root` is taken out of it.
struct Invocation {
    root: Option<PathBuf>,
    words: Vec<String>,
}

/// Separates `--root <dir>` (or `--root=<dir>`), wherever it is, from the other words.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Invocation, String> {
    let mut root = None;
    let mut words = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--root") {
            Some("") => args.next().ok_or("--root needs a directory")?,
            Some(rest) if rest.starts_with('=') => rest[1..].to_owned(),
            _ => {
                words.push(arg);
                continue;
            }
        };
        if root.replace(PathBuf::from(value)).is_some() {
            return Err("--root given twice".into());
        }
    }
    Ok(Invocation { root, words })
}

fn dispatch(invocation: Invocation) -> Result<(), String> {
    let words: Vec<&str> = invocation.words.iter().map(String::as_str).collect();
    let codegen_root = invocation.root.clone().unwrap_or_else(workspace_root);
    match words.as_slice() {
        ["codegen"] => codegen::run(&codegen_root, codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(&codegen_root, codegen::Mode::Check),
        ["codegen", "--changelog"] => {
            codegen::run(&codegen_root, codegen::Mode::WriteWithChangelog)
        }
        ["api-diff", rest @ ..] => api_diff::run(&codegen_root, rest),
        // The suite runs cargo on this workspace; another root would check nothing it builds.
        ["test"] if invocation.root.is_some() => Err("--root applies to codegen only".into()),
        ["test"] => test_suite::run(),
        ["fuzz", rest @ ..] if invocation.root.is_none() => {
            fuzz::run(&workspace_root(), &fuzz::Options::parse(rest)?)
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown arguments {words:?}\n\n{USAGE}")),
    }
}

fn main() -> ExitCode {
    let result = parse(std::env::args().skip(1)).and_then(dispatch);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Result<(Option<PathBuf>, Vec<String>), String> {
        let invocation = parse(args.iter().map(|a| (*a).to_owned()))?;
        Ok((invocation.root, invocation.words))
    }

    #[test]
    fn takes_root_out_wherever_it_is() {
        let expected = (
            Some(PathBuf::from("/w")),
            vec!["codegen".into(), "--check".into()],
        );
        for args in [
            ["--root", "/w", "codegen", "--check"].as_slice(),
            &["codegen", "--root", "/w", "--check"],
            &["codegen", "--check", "--root=/w"],
        ] {
            assert_eq!(words(args).unwrap(), expected, "{args:?}");
        }
    }

    #[test]
    fn rejects_a_root_without_value_or_given_twice() {
        assert!(words(&["codegen", "--root"]).is_err());
        assert!(words(&["--root", "/a", "codegen", "--root", "/b"]).is_err());
    }

    #[test]
    fn leaves_lookalike_options_to_the_command() {
        let (root, rest) = words(&["codegen", "--rooted"]).unwrap();
        assert_eq!(
            (root, rest),
            (None, vec!["codegen".into(), "--rooted".into()])
        );
        let invocation = parse(["--root", "/w", "test"].map(String::from)).unwrap();
        assert!(dispatch(invocation).is_err(), "--root is codegen's only");
    }
}
