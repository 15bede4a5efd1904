//! `cargo xtask test`: every check the workspace has, in one command, each stage timed.
//!
//! Stages run in order and stop at the first failure, so the last line printed names the
//! stage that broke.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The pinned Python tools, installed into a project-local virtualenv.
const PYTHON_REQUIREMENTS: &str = "tests/python/requirements.txt";
const VENV_DIR: &str = "target/python-venv";
/// The pinned Node.js tools (`tests/node`), installed by `tests/node/install.sh`.
const NODE_BIN: &str = "target/node/node_modules/.bin";
/// The spec in both its forms, as other teams lint it.
const SPEC_FILES: [&str; 2] = ["spec/cbr.yaml", "spec/cbr.json"];

pub fn run() -> Result<(), String> {
    let root = workspace_root();
    let started = Instant::now();
    let mut stages: Vec<(&str, f64)> = Vec::new();
    let mut stage =
        |name: &'static str, f: &dyn Fn() -> Result<(), String>| -> Result<(), String> {
            println!("==> {name}");
            let t = Instant::now();
            let outcome = f();
            let secs = t.elapsed().as_secs_f64();
            println!(
                "<== {name}: {secs:.1} s{}",
                if outcome.is_ok() { "" } else { " (FAILED)" }
            );
            stages.push((name, secs));
            outcome.map_err(|e| format!("stage `{name}` failed: {e}"))
        };

    // In-process, so that a stale generated file is named before anything compiles.
    stage("codegen --check", &|| {
        crate::codegen::run(&root, crate::codegen::Mode::Check)
    })?;
    stage("rustfmt", &|| {
        cargo(&root, &["fmt", "--all", "--", "--check"], &[])
    })?;
    stage("clippy", &|| {
        cargo(
            &root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )
    })?;
    stage("rustdoc", &|| {
        cargo(
            &root,
            &["doc", "--workspace", "--no-deps"],
            &[("RUSTDOCFLAGS", "-D warnings")],
        )
    })?;
    stage("cargo test", &|| {
        // INSTA_UPDATE=no and CI=true make insta fail on a new or changed snapshot instead of
        // writing it.
        cargo(
            &root,
            &["test", "--workspace"],
            &[("INSTA_UPDATE", "no"), ("CI", "true")],
        )
    })?;
    stage("example, no network", &|| example_without_network(&root))?;
    stage("fuzz targets", &|| {
        // The fuzz crate is a workspace of its own (it links libFuzzer), so the steps above
        // do not see it: its formatting, lints and every target's build are checked here,
        // without running it (`cargo xtask fuzz` does that). Its findings replay in `cargo test`.
        let manifest = ["--manifest-path", "fuzz/Cargo.toml"];
        let target_dir = [("CARGO_TARGET_DIR", "target/fuzz-check")];
        cargo(
            &root,
            &[&["fmt"][..], &manifest, &["--", "--check"]].concat(),
            &[],
        )?;
        cargo(
            &root,
            &[
                &["clippy"][..],
                &manifest,
                &["--bins", "--", "-D", "warnings"],
            ]
            .concat(),
            &target_dir,
        )
    })?;
    stage("python tools", &|| install_python_tools(&root))?;
    stage("openapi-spec-validator", &|| {
        let bin = root.join(VENV_DIR).join("bin/openapi-spec-validator");
        run_command(
            Command::new(bin)
                .args(["spec/cbr.yaml", "spec/cbr.json"])
                .current_dir(&root),
        )
    })?;
    stage("node tools", &|| {
        run_command(
            Command::new("bash")
                .arg("tests/node/install.sh")
                .current_dir(&root),
        )
    })?;
    stage("redocly", &|| {
        // `redocly.yaml`: the `recommended` rules, each an error; telemetry and the update
        // check off, since the registries are the only network the tests may use.
        run_command(
            Command::new(root.join(NODE_BIN).join("redocly"))
                .args(["lint", "--config", "redocly.yaml"])
                .args(SPEC_FILES)
                .env("REDOCLY_TELEMETRY", "off")
                .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
                .current_dir(&root),
        )
    })?;
    stage("spectral", &|| {
        // `.spectral.yaml`: `spectral:oas`; a warning fails the stage as an error does.
        run_command(
            Command::new(root.join(NODE_BIN).join("spectral"))
                .args([
                    "lint",
                    "--ruleset",
                    ".spectral.yaml",
                    "--fail-severity",
                    "warn",
                ])
                .args(SPEC_FILES)
                .current_dir(&root),
        )
    })?;
    stage("prism", &|| {
        // Ignored by `cargo test` (it needs Prism); `--workspace` keeps the feature set of the
        // `cargo test` stage, so nothing is rebuilt.
        crate::prism::run_e2e(&root, |env| {
            cargo(
                &root,
                &[
                    "test",
                    "--workspace",
                    "--test",
                    "e2e_prism",
                    "--",
                    "--ignored",
                    "--show-output",
                ],
                env,
            )
        })
    })?;
    stage("other-language generators", &|| {
        // openapi-python-client and openapi-typescript read the same spec: every example must
        // round-trip through the Python models and type-check against the TypeScript types.
        run_command(
            Command::new("bash")
                .arg("tests/python/other_languages.sh")
                .current_dir(&root),
        )
    })?;
    stage("benchmarks (test mode)", &|| {
        // Each benchmark routine runs once, built with the test profile the `cargo test` stage
        // already compiled, so a broken benchmark fails here at the cost of a few seconds; a
        // release build of the whole dependency tree would cost minutes. Figures come from
        // `cargo bench` on a quiet machine (BENCHMARKS.md). `--bench '*'` picks only benchmark
        // targets (`--benches` would rerun every library's tests), and `--workspace` keeps the
        // feature set of the `cargo test` stage, so nothing else is rebuilt.
        cargo(&root, &["test", "--workspace", "--bench", "*"], &[])
    })?;
    stage("cargo package", &|| {
        // Packages the runtime and the published crate together and builds each package as a
        // user would get it; cargo resolves the unpublished runtime for the client's build
        // from the runtime's own package.
        // --allow-dirty: a working tree with uncommitted changes is still worth checking.
        forget_packaged_runtime()?;
        cargo(
            &root,
            &[
                "package",
                "--package",
                "huaweicloud-sdk-runtime",
                "--package",
                "huaweicloud-cbr",
                "--allow-dirty",
            ],
            &[],
        )
    })?;

    println!("\nstage times:");
    for (name, secs) in &stages {
        println!("  {name:<24} {secs:>7.1} s");
    }
    println!(
        "  {:<24} {:>7.1} s",
        "total",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs the `testing_without_network` example (the mock client of feature `test-util`) in a
/// user and network namespace of its own (`unshare -rn`), which has no interface but a down
/// loopback: the example passes only if no request reaches a socket. Where namespaces are not
/// available (some containers forbid them), it says so and skips the run, not the build.
fn example_without_network(root: &Path) -> Result<(), String> {
    let example = "testing_without_network";
    // `cargo test --workspace` builds every example (with `test-util`, which the test crate
    // turns on) and leaves it at `target/debug/examples/`; `--no-run` makes sure it is there
    // and up to date without rebuilding what the `cargo test` stage built. A `cargo build` of
    // the example alone would compile the dependency tree again for its own feature set.
    cargo(root, &["test", "--workspace", "--no-run"], &[])?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let binary = target.join("debug/examples").join(example);
    let probe = Command::new("unshare").args(["-rn", "true"]).output();
    if !probe.is_ok_and(|output| output.status.success()) {
        println!(
            "skipped: `unshare -rn` cannot make a network namespace here; {example} built, not run"
        );
        return Ok(());
    }
    run_command(Command::new("unshare").arg("-rn").arg(&binary))
}

/// Removes the runtime's sources that earlier `cargo package` runs unpacked into the cargo
/// home. Cargo unpacks the packaged runtime from a local registry into
/// `registry/src/-<hash>/huaweicloud-sdk-runtime-<version>/`, and reuses that folder when a
/// later run packages the same version from the same path: the client would then be verified
/// against the runtime of an earlier commit. Only folders of unnamed (local) registries are
/// touched, never a registry such as crates.io.
fn forget_packaged_runtime() -> Result<(), String> {
    let Some(cargo_home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
    else {
        return Ok(());
    };
    let Ok(registries) = std::fs::read_dir(cargo_home.join("registry/src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for unpacked in crates.flatten() {
            if !unpacked
                .file_name()
                .to_string_lossy()
                .starts_with("huaweicloud-sdk-runtime-")
            {
                continue;
            }
            std::fs::remove_dir_all(unpacked.path())
                .map_err(|e| format!("cannot remove {}: {e}", unpacked.path().display()))?;
        }
    }
    Ok(())
}

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn cargo(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.args(args).current_dir(root);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_command(&mut cmd)
}

fn install_python_tools(root: &Path) -> Result<(), String> {
    let venv = root.join(VENV_DIR);
    let python = venv.join("bin/python");
    if !python.exists() {
        run_command(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run_command(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(root.join(PYTHON_REQUIREMENTS)),
    )
}

fn run_command(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} exited with {status}"))
    }
}
