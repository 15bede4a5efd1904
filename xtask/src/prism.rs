//! The Prism stage of `cargo xtask test`: the spec's end-to-end test against Prism, the mock
//! server that validates requests and responses against `spec/cbr.yaml`.
//!
//! Two Prism processes serve the spec on free loopback ports, both with `--errors` (a violation
//! becomes an error response): `prism mock`, which answers with the spec's examples, and
//! `prism proxy`, which forwards to a loopback upstream that the test itself runs (it answers
//! with bodies that break the response schemas). `tests/tests/e2e_prism.rs` runs with
//! `--ignored` and their addresses in its environment. Both processes are killed by their PID
//! when the stage ends, whatever its outcome; their logs stay in `target/prism/`.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The Prism executable of the pinned Node.js tools (`tests/node/install.sh` installs them).
const PRISM: &str = "target/node/node_modules/.bin/prism";
const SPEC: &str = "spec/cbr.yaml";
const LOGS: &str = "target/prism";
/// How long Prism may take to listen (it parses the spec first; a loaded machine is slow).
const STARTUP: Duration = Duration::from_secs(120);

/// A running Prism process, killed when dropped.
struct Prism {
    name: &'static str,
    child: Child,
    address: SocketAddr,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism <args…> --errors -h 127.0.0.1 -p <free port> spec/cbr.yaml [upstream]` and
    /// waits until it listens.
    fn start(root: &Path, name: &'static str, upstream: Option<&str>) -> Result<Prism, String> {
        let address = free_loopback_address()?;
        let log = root.join(LOGS).join(format!("{name}.log"));
        let output =
            File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let errors = output
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let mut command = Command::new(root.join(PRISM));
        command
            .args([name, "--errors", "-h", "127.0.0.1", "-p"])
            .arg(address.port().to_string())
            .arg(SPEC)
            .args(upstream)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot run {}: {e} (run tests/node/install.sh)", PRISM))?;
        let mut prism = Prism {
            name,
            child,
            address,
            log,
        };
        prism.wait_until_listening()?;
        println!(
            "prism {name} (PID {}) listening on {address}, log {}",
            prism.child.id(),
            prism.log.display()
        );
        Ok(prism)
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn wait_until_listening(&mut self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < STARTUP {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "prism {} exited with {status} before listening; see {}",
                    self.name,
                    self.log.display()
                ));
            }
            if TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "prism {} did not listen on {} within {} s; see {}",
            self.name,
            self.address,
            STARTUP.as_secs(),
            self.log.display()
        ))
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Prism runs in this one process (no `--multiprocess`), so its PID is all there is to end.
        let _ = self.child.kill();
        let _ = self.child.wait();
        println!("prism {} (PID {}) stopped", self.name, self.child.id());
    }
}

/// A loopback port free now: bound, read and released. Another process could take it before
/// Prism (or the test's upstream) binds it; then that start fails loudly, it never passes.
fn free_loopback_address() -> Result<SocketAddr, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("cannot find a free loopback port: {e}"))
}

/// Starts both Prism processes, runs the end-to-end test against them, and stops them.
pub fn run_e2e(
    root: &Path,
    cargo_test: impl FnOnce(&[(&str, &str)]) -> Result<(), String>,
) -> Result<(), String> {
    std::fs::create_dir_all(root.join(LOGS)).map_err(|e| format!("cannot create {LOGS}: {e}"))?;
    let upstream = free_loopback_address()?;
    let mock = Prism::start(root, "mock", None)?;
    let proxy = Prism::start(root, "proxy", Some(&format!("http://{upstream}")))?;
    let (mock_url, proxy_url, upstream) = (mock.url(), proxy.url(), upstream.to_string());
    cargo_test(&[
        ("CBR_PRISM_MOCK_URL", &mock_url),
        ("CBR_PRISM_PROXY_URL", &proxy_url),
        ("CBR_PRISM_UPSTREAM_ADDR", &upstream),
    ])
}
