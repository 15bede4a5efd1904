//! `cargo xtask fuzz [--time SECONDS] [TARGET…]`: runs the coverage-guided fuzz targets of
//! `fuzz/` (one per operation) with cargo-fuzz and libFuzzer, each for the given time, and
//! prints what each run did.
//!
//! cargo-fuzz is installed into `target/tools` on first use, at a pinned version. libFuzzer
//! needs compiler flags that are unstable on a stable toolchain (`-Zsanitizer`, coverage
//! passes); `RUSTC_BOOTSTRAP=1` allows them, so no nightly toolchain is needed. The targets
//! are built with debug assertions (overflow checks) and without a sanitizer: the code under
//! test is safe Rust, and a sanitizer would halve the executions.
//!
//! Each target starts from its corpus (`fuzz/corpus/<target>/`, kept between runs, not
//! committed) and from seeds written fresh from the spec: every documented response example of
//! the operation, and error responses in both error-body formats.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_yaml::Value;

/// The cargo-fuzz release the command installs.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Where cargo-fuzz is installed, relative to the workspace root.
const TOOLS_DIR: &str = "target/tools";

/// The largest input libFuzzer makes: room for the documented examples (a few KB) and more.
const MAX_INPUT_LEN: usize = 16 * 1024;

/// The default time per target.
pub const DEFAULT_SECONDS: u64 = 30;

/// What the command was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Seconds per target.
    pub seconds: u64,
    /// The targets to run; every target when empty.
    pub targets: Vec<String>,
}

impl Options {
    /// Reads `[--time SECONDS] [TARGET…]`.
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let mut options = Options {
            seconds: DEFAULT_SECONDS,
            targets: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if *arg != "--time" {
                options.targets.push((*arg).to_owned());
                continue;
            }
            let value = args.next().ok_or("--time needs a number of seconds")?;
            options.seconds = value
                .parse()
                .ok()
                .filter(|seconds| *seconds > 0)
                .ok_or_else(|| format!("--time {value}: not a positive number of seconds"))?;
        }
        Ok(options)
    }
}

/// One target's run, as libFuzzer reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    target: String,
    executions: Option<u64>,
    corpus: usize,
    crash: Option<PathBuf>,
}

/// Runs the command from the workspace root `root`.
pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    let spec_text = std::fs::read_to_string(root.join("spec/cbr.yaml"))
        .map_err(|e| format!("cannot read spec/cbr.yaml: {e}"))?;
    let spec: Value =
        serde_yaml::from_str(&spec_text).map_err(|e| format!("spec/cbr.yaml: {e}"))?;
    let all = operations(&spec);
    let targets = selected(&all, &options.targets)?;
    let cargo_fuzz = install_cargo_fuzz(root)?;
    if options.targets.is_empty() {
        build(root, &cargo_fuzz, None)?;
    }
    for operation in &targets {
        // Built (or found up to date) before its clock starts, for a named target.
        build(root, &cargo_fuzz, Some(&operation.id))?;
    }
    let mut outcomes = Vec::new();
    for operation in targets {
        let seeds = write_seeds(root, operation)?;
        outcomes.push(fuzz_one(
            root,
            &cargo_fuzz,
            &operation.id,
            &seeds,
            options.seconds,
        )?);
    }
    report(&outcomes)
}

/// An operation and its documented responses.
#[derive(Debug, Clone, PartialEq)]
struct OperationExamples {
    id: String,
    /// `(status, JSON body)` of every documented response example.
    responses: Vec<(u16, String)>,
    /// Whether error bodies are nested (`{"error": {…}}`, VBS) rather than flat.
    nested_errors: bool,
}

/// Every operation of the spec with its response examples, in spec order.
fn operations(spec: &Value) -> Vec<OperationExamples> {
    let Some(paths) = spec.get("paths").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, item) in paths {
        let Some(item) = item.as_mapping() else {
            continue;
        };
        for (_, operation) in item {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            out.push(OperationExamples {
                id: id.to_owned(),
                responses: response_examples(operation),
                nested_errors: nests_errors(operation),
            });
        }
    }
    out
}

fn response_examples(operation: &Value) -> Vec<(u16, String)> {
    let Some(responses) = operation.get("responses").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (status, response) in responses {
        let status = match status {
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };
        let Some(status) = status else {
            continue;
        };
        let examples = response
            .get("content")
            .and_then(|c| c.get("application/json"))
            .and_then(|c| c.get("examples"))
            .and_then(Value::as_mapping);
        for (_, example) in examples.into_iter().flatten() {
            let Some(value) = example.get("value") else {
                continue;
            };
            if let Ok(json) = serde_json::to_string(value) {
                out.push((status, json));
            }
        }
    }
    out
}

/// Whether the operation's documented error bodies have the nested shape (VBS).
fn nests_errors(operation: &Value) -> bool {
    let text = serde_yaml::to_string(operation.get("responses").unwrap_or(&Value::Null))
        .unwrap_or_default();
    text.contains("VbsError")
}

fn selected<'a>(
    all: &'a [OperationExamples],
    wanted: &[String],
) -> Result<Vec<&'a OperationExamples>, String> {
    if wanted.is_empty() {
        return Ok(all.iter().collect());
    }
    wanted
        .iter()
        .map(|name| {
            all.iter().find(|op| op.id == *name).ok_or_else(|| {
                let known: Vec<&str> = all.iter().map(|op| op.id.as_str()).collect();
                format!(
                    "no fuzz target `{name}`; the targets are {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// The pinned cargo-fuzz, installed into `target/tools` unless it is there already.
fn install_cargo_fuzz(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(TOOLS_DIR);
    let binary = tools.join("bin/cargo-fuzz");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains(CARGO_FUZZ_VERSION))
        .unwrap_or(false);
    if installed {
        return Ok(binary);
    }
    println!("fuzz: installing cargo-fuzz {CARGO_FUZZ_VERSION} into {TOOLS_DIR}");
    let tools_arg = tools.to_string_lossy().into_owned();
    let args = [
        "install",
        "cargo-fuzz",
        "--locked",
        "--version",
        CARGO_FUZZ_VERSION,
        "--root",
        &tools_arg,
    ];
    run_command(Command::new(cargo()).args(args), "cargo install cargo-fuzz")?;
    Ok(binary)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The flags every cargo-fuzz call gets: no sanitizer, debug assertions on.
const BUILD_FLAGS: [&str; 3] = ["--sanitizer", "none", "--debug-assertions"];

fn cargo_fuzz(root: &Path, cargo_fuzz: &Path) -> Command {
    let mut command = Command::new(cargo_fuzz);
    // Invoked directly, cargo-fuzz needs the `fuzz` subcommand word cargo would pass it.
    command
        .arg("fuzz")
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1");
    command
}

/// Builds one target, or every target.
fn build(root: &Path, binary: &Path, target: Option<&str>) -> Result<(), String> {
    println!("fuzz: building {}", target.unwrap_or("every target"));
    let mut command = cargo_fuzz(root, binary);
    command.arg("build").args(BUILD_FLAGS).args(target);
    run_command(&mut command, "cargo fuzz build")
}

/// Writes the seed inputs of one target into `target/fuzz-seeds/<target>/`, afresh.
fn write_seeds(root: &Path, operation: &OperationExamples) -> Result<PathBuf, String> {
    let dir = root.join("target/fuzz-seeds").join(&operation.id);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (i, seed) in seeds(operation).iter().enumerate() {
        let path = dir.join(format!("seed-{i:03}"));
        std::fs::write(&path, seed).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(dir)
}

/// The seeds of one target, in the harness's input form (`<status>\n<headers>\n\n<body>`).
fn seeds(operation: &OperationExamples) -> Vec<String> {
    let json = "content-type: application/json\nx-request-id: 5f1c\n";
    let mut out: Vec<String> = operation
        .responses
        .iter()
        .map(|(status, body)| format!("{status}\n{json}\n{body}"))
        .collect();
    let error = if operation.nested_errors {
        r#"{"error":{"code":"VBS.0001","message":"the volume is in use"}}"#
    } else {
        r#"{"error_code":"BackupService.6500","error_msg":"the vault does not exist"}"#
    };
    out.push(format!("400\n{json}\n{error}"));
    out.push(format!("404\n{json}\n{error}"));
    out.push(format!("503\n{json}retry-after: 3\n\n{error}"));
    out.push(format!(
        "429\n{json}retry-after: Wed, 21 Oct 2015 07:28:00 GMT\n\n{error}"
    ));
    out.push("200\n\n".into());
    out.push("204\n\n".into());
    out
}

fn fuzz_one(
    root: &Path,
    binary: &Path,
    target: &str,
    seeds: &Path,
    seconds: u64,
) -> Result<Outcome, String> {
    let corpus = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus)
        .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let artifacts = root.join("fuzz/artifacts").join(target);
    let before = files_in(&artifacts);
    println!("fuzz: {target} for {seconds} s");
    let started = Instant::now();
    let mut command = cargo_fuzz(root, binary);
    command
        .arg("run")
        .args(BUILD_FLAGS)
        .arg(target)
        .arg(&corpus)
        .arg(seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-max_len={MAX_INPUT_LEN}"))
        .arg("-print_final_stats=1");
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo-fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let log_path = root.join("target/fuzz-logs").join(format!("{target}.log"));
    if let Some(dir) = log_path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(&log_path, log.as_bytes());
    let crash = files_in(&artifacts)
        .into_iter()
        .find(|path| !before.contains(path));
    if !output.status.success() && crash.is_none() {
        return Err(format!(
            "cargo fuzz run {target} failed without a crash artifact; see {}",
            log_path.display()
        ));
    }
    println!(
        "fuzz: {target} done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome {
        target: target.to_owned(),
        executions: executions(&log),
        corpus: files_in(&corpus).len(),
        crash,
    })
}

/// The number of executions in libFuzzer's final statistics (`stat::number_of_executed_units`).
fn executions(log: &str) -> Option<u64> {
    log.lines()
        .find_map(|line| line.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok())
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn report(outcomes: &[Outcome]) -> Result<(), String> {
    println!(
        "\n{:<36} {:>12} {:>8}  crash",
        "target", "executions", "corpus"
    );
    let mut total = 0;
    for outcome in outcomes {
        let executions = outcome.executions.unwrap_or(0);
        total += executions;
        let crash = outcome
            .crash
            .as_ref()
            .map_or_else(|| "-".to_owned(), |path| path.display().to_string());
        println!(
            "{:<36} {:>12} {:>8}  {crash}",
            outcome.target, executions, outcome.corpus
        );
    }
    println!("{:<36} {:>12}", "total", total);
    let crashes: Vec<&Outcome> = outcomes.iter().filter(|o| o.crash.is_some()).collect();
    if crashes.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} target(s) crashed; reproduce with `cargo fuzz run <target> <artifact>`, fix, and \
         copy the artifact into fuzz/regressions/<target>/ so the test suite replays it",
        crashes.len()
    ))
}

fn run_command(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if status.success() {
        return Ok(());
    }
    Err(format!("{what} failed ({status})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_the_time_and_the_targets() {
        let options = Options::parse(&["--time", "5", "list_vaults", "show_vault"]).unwrap();
        assert_eq!(options.seconds, 5);
        assert_eq!(options.targets, ["list_vaults", "show_vault"]);
        assert_eq!(Options::parse(&[]).unwrap().seconds, DEFAULT_SECONDS);
        for bad in [&["--time"][..], &["--time", "0"], &["--time", "soon"]] {
            assert!(Options::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_operation_of_the_spec_has_seeds_from_its_examples() {
        let root = crate::workspace_root();
        let text = std::fs::read_to_string(root.join("spec/cbr.yaml")).unwrap();
        let spec: Value = serde_yaml::from_str(&text).unwrap();
        let all = operations(&spec);
        assert_eq!(all.len(), 30);
        let examples: usize = all.iter().map(|op| op.responses.len()).sum();
        assert_eq!(examples, 35, "the spec's response examples");
        let list_vaults = all.iter().find(|op| op.id == "list_vaults").unwrap();
        let seeds = seeds(list_vaults);
        assert!(seeds[0].starts_with("200\ncontent-type: application/json\n"));
        assert!(seeds[0].contains("\"vaults\""));
        let vbs = all.iter().find(|op| op.id == "create_vbs_backup").unwrap();
        assert!(vbs.nested_errors);
        assert!(!list_vaults.nested_errors);
    }

    #[test]
    fn executions_come_from_the_final_statistics() {
        let log =
            "#2\tINITED\nDone 1234 runs in 5 second(s)\nstat::number_of_executed_units: 1234\n";
        assert_eq!(executions(log), Some(1234));
        assert_eq!(executions("crashed"), None);
    }
}
