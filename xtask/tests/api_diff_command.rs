//! The real `xtask` binary in a scratch git repository: `api-diff` on two revisions, the line
//! `codegen` prints about the spec change against `HEAD`, and `codegen --changelog`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The inputs and the changelog, copied from the real workspace.
const FILES: [&str; 3] = [
    "spec/cbr.yaml",
    "spec/error-codes.yaml",
    "generated/CHANGELOG.md",
];

/// Where the optional member the tests add to `Vault` goes, and the member.
const VAULT_MEMBERS: &str = "Table 4-124\n      x-errata:\n      - VAULT-04\n      properties:\n";
const NEW_MEMBER: &str =
    "        retention_days:\n          type: integer\n          nullable: true\n";

/// A git repository in the temporary directory holding the real inputs, removed when dropped.
struct Repository {
    root: PathBuf,
}

impl Repository {
    fn new(name: &str) -> Repository {
        let root = std::env::temp_dir().join(format!("cbr-api-diff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let real = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        for file in FILES {
            let target = root.join(file);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(real.join(file), &target).unwrap();
        }
        let repository = Repository { root };
        repository.git(&["init", "--quiet"]);
        repository.commit("the real spec");
        repository
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
    }

    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .output()
            .expect("the xtask binary runs")
    }

    fn path(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).unwrap()
    }

    /// Adds an optional, nullable member to the response model `Vault`.
    fn add_vault_member(&self) {
        let spec = self.read("spec/cbr.yaml");
        assert_eq!(
            spec.matches(VAULT_MEMBERS).count(),
            1,
            "the anchor is unique"
        );
        let edited = spec.replace(VAULT_MEMBERS, &format!("{VAULT_MEMBERS}{NEW_MEMBER}"));
        std::fs::write(self.path("spec/cbr.yaml"), edited).unwrap();
    }
}

impl Drop for Repository {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const ADDED_LINE: &str = "addition  #/components/schemas/Vault/properties/retention_days  optional member 'retention_days' added: field Vault::retention_days and Vault::with_retention_days added";

#[test]
fn api_diff_compares_two_revisions_and_exits_zero() {
    let repository = Repository::new("revisions");
    repository.add_vault_member();
    repository.commit("a member");
    let output = repository.xtask(&["api-diff", "HEAD~1:spec/cbr.yaml", "HEAD:spec/cbr.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{ADDED_LINE}\nsemver: minor\n"));
    let reversed = repository.xtask(&["api-diff", "HEAD:spec/cbr.yaml", "HEAD~1:spec/cbr.yaml"]);
    assert_eq!(reversed.status.code(), Some(0));
    assert!(
        stdout(&reversed).ends_with("\nsemver: major\n"),
        "{}",
        stdout(&reversed)
    );
    // NEW defaults to the working tree's spec, here the same as HEAD.
    let same = repository.xtask(&["api-diff", "HEAD:spec/cbr.yaml"]);
    assert_eq!(stdout(&same), "semver: none\n");
}

#[test]
fn api_diff_names_an_unreadable_version_and_exits_one() {
    let repository = Repository::new("unreadable");
    let spec = repository.path("spec/cbr.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: [\n").unwrap();
    let output = repository.xtask(&["api-diff", "HEAD:spec/cbr.yaml", spec.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let expected = format!("error: {}: line ", spec.display());
    assert!(
        stderr(&output).starts_with(&expected),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "", "no diff when a version cannot be read");
    let missing = repository.xtask(&["api-diff", "no-such-revision:spec/cbr.yaml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no-such-revision:spec/cbr.yaml"));
}

#[test]
fn codegen_prints_the_spec_change_and_lists_it_in_the_changelog_once() {
    let repository = Repository::new("codegen");
    let first = repository.xtask(&["codegen"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("api-diff against HEAD: semver: none"),
        "{}",
        stdout(&first)
    );
    let unchanged = repository.read("generated/CHANGELOG.md");
    repository.add_vault_member();
    let output = repository.xtask(&["codegen", "--changelog"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("api-diff against HEAD: semver: minor (1 addition)"),
        "{}",
        stdout(&output)
    );
    let changelog = repository.read("generated/CHANGELOG.md");
    let entry = "### Spec changes: additions\n- `#/components/schemas/Vault/properties/retention_days`: optional member 'retention_days' added: field Vault::retention_days and Vault::with_retention_days added\n";
    assert!(
        // The new subsection comes first, before the hand-written ones.
        changelog.contains(&format!("## Unreleased\n\n{entry}\n### ")),
        "{changelog}"
    );
    assert_eq!(changelog.replace(&format!("{entry}\n"), ""), unchanged);
    let again = repository.xtask(&["codegen", "--changelog"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("every change is already listed"));
    assert_eq!(repository.read("generated/CHANGELOG.md"), changelog);
}
