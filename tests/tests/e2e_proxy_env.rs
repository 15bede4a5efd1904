//! The standard proxy variables (`HTTPS_PROXY`, `NO_PROXY`) are honoured by the client the
//! builder makes, unless switched off with `proxy_from_env(false)`.
//!
//! The variables are read from the process environment when the client is built, so this file
//! holds a single test: its own test binary, in which nothing else reads the environment while
//! it changes it.

mod e2e_support;

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use e2e_support::proxy::ConnectProxy;
use e2e_support::{fast_retries, PROJECT, TOKEN};
use huaweicloud_cbr::{Client, ClientBuilder};

/// A TCP server that reports the first byte of each connection (0x16 opens a TLS handshake),
/// then hangs up.
fn first_bytes() -> (String, mpsc::Receiver<u8>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let (sender, received) = mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut byte = [0; 1];
            if stream.read_exact(&mut byte).is_ok() && sender.send(byte[0]).is_err() {
                return;
            }
        }
    });
    (url, received)
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .token(TOKEN)
        .project_id(PROJECT)
        .timeout(Duration::from_secs(5))
        .retry_config(fast_retries().with_max_attempts(1))
}

// The proxy's task keeps running while the test waits on the server's channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_proxy_variables_are_honoured_unless_switched_off() {
    let (url, received) = first_bytes();
    let target = url.trim_start_matches("https://").to_owned();
    let proxy = ConnectProxy::start().await;
    let quiet = Duration::from_millis(300);
    for name in [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTPS_PROXY", &proxy.url);

    // Honoured by default: the connection is a tunnel through the proxy.
    let _ = builder(&url).build().unwrap().show_vault("v").await;
    assert_eq!(received.recv_timeout(Duration::from_secs(5)), Ok(0x16));
    let tunnels = proxy.seen().await;
    assert_eq!(tunnels.len(), 1, "{tunnels:?}");
    assert_eq!(tunnels[0].head[0], format!("CONNECT {target} HTTP/1.1"));

    // Switched off: straight to the server.
    let _ = builder(&url)
        .proxy_from_env(false)
        .build()
        .unwrap()
        .show_vault("v")
        .await;
    assert_eq!(received.recv_timeout(Duration::from_secs(5)), Ok(0x16));
    assert_eq!(proxy.seen().await.len(), 1);

    // NO_PROXY names the host: straight to the server.
    std::env::set_var("NO_PROXY", "127.0.0.1");
    let _ = builder(&url).build().unwrap().show_vault("v").await;
    assert_eq!(received.recv_timeout(Duration::from_secs(5)), Ok(0x16));
    assert_eq!(proxy.seen().await.len(), 1);

    // An explicit proxy replaces the variables, NO_PROXY included.
    let _ = builder(&url)
        .proxy(proxy.url.as_str())
        .build()
        .unwrap()
        .show_vault("v")
        .await;
    assert_eq!(received.recv_timeout(Duration::from_secs(5)), Ok(0x16));
    assert_eq!(proxy.seen().await.len(), 2);
    assert!(received.recv_timeout(quiet).is_err());

    std::env::remove_var("HTTPS_PROXY");
    std::env::remove_var("NO_PROXY");
}
