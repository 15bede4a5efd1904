//! TLS through a real handshake on loopback: the client the builder makes verifies the server's
//! certificate, so a server it cannot trust gets no request at all; a client given the issuing
//! CA gets through the same server; and plain HTTP takes an explicit opt-in for every endpoint.
//!
//! Through a proxy, HTTPS goes in a `CONNECT` tunnel to the same server, and hosts of the
//! no-proxy list bypass it.
//!
//! The certificates are in `tests/fixtures/tls` (see the README there to regenerate them).

mod e2e_support;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use e2e_support::proxy::ConnectProxy;
use e2e_support::{documented_reply, fast_retries, PROJECT, TOKEN};
use huaweicloud_cbr::reqwest;
use huaweicloud_cbr::{Client, ClientBuilder, Error, Proxy, Service, TransportErrorKind};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls");

/// A leaf for `IP:127.0.0.1, DNS:localhost`.
const LOOPBACK_LEAF: &str = "server";
/// A leaf from the same CA for `DNS:other.invalid` only.
const OTHER_NAME_LEAF: &str = "other";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{FIXTURES}/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the server saw on one connection.
#[derive(Debug)]
enum Seen {
    /// The handshake failed; the server's own account of why.
    HandshakeFailed(String),
    /// A request arrived over a completed handshake: its head, lines as sent.
    Request(Vec<String>),
}

/// A TLS server on 127.0.0.1 that answers every request with the documented `show_vault`
/// response and reports each connection.
struct TlsServer {
    url: String,
    seen: Receiver<Seen>,
}

impl TlsServer {
    fn start(leaf: &str) -> Self {
        let config = server_config(leaf);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let (sender, seen) = mpsc::channel();
        thread::spawn(move || accept(&listener, &config, &sender));
        TlsServer { url, seen }
    }

    /// Every connection reported until the server has been quiet for a while: the client may
    /// give up before the server has finished with its side of the last connection.
    fn seen(&self) -> Vec<Seen> {
        let mut all = Vec::new();
        while let Ok(seen) = self.seen.recv_timeout(Duration::from_millis(500)) {
            all.push(seen);
        }
        all
    }
}

fn server_config(leaf: &str) -> Arc<rustls::ServerConfig> {
    let chain = CertificateDer::pem_slice_iter(&fixture(&format!("{leaf}.pem")))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(&fixture(&format!("{leaf}.key"))).unwrap();
    // The provider reqwest already compiles in, named so that no process-wide default is needed.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Arc::new(config)
}

fn accept(listener: &TcpListener, config: &Arc<rustls::ServerConfig>, sender: &Sender<Seen>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if sender.send(serve(stream, Arc::clone(config))).is_err() {
            return;
        }
    }
}

fn serve(stream: TcpStream, config: Arc<rustls::ServerConfig>) -> Seen {
    // A client that stops halfway must not stall the connections after it.
    let limit = Some(Duration::from_secs(5));
    stream.set_read_timeout(limit).unwrap();
    stream.set_write_timeout(limit).unwrap();
    let connection = rustls::ServerConnection::new(config).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, stream);
    // Finish the handshake before reading, so a refused certificate is told from a lost request.
    while tls.conn.is_handshaking() {
        if let Err(error) = tls.conn.complete_io(&mut tls.sock) {
            return Seen::HandshakeFailed(error.to_string());
        }
    }
    let head = read_head(&mut tls);
    let reply = documented_reply("show_vault");
    let response = format!(
        "HTTP/1.1 {} OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         X-Request-Id: req-1\r\nConnection: close\r\n\r\n{}",
        reply.status,
        reply.body.len(),
        reply.body
    );
    // The client has what it needs once the body is written; how it hangs up is its business.
    let _ = tls.write_all(response.as_bytes());
    tls.conn.send_close_notify();
    let _ = tls.flush();
    Seen::Request(head)
}

fn read_head(tls: &mut impl std::io::Read) -> Vec<String> {
    let mut reader = BufReader::new(tls);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return head,
            Ok(_) if line.trim_end().is_empty() => return head,
            Ok(_) => head.push(line.trim_end().to_owned()),
        }
    }
}

/// The value of header `name` in a request head.
fn header<'a>(head: &'a [String], name: &str) -> Option<&'a str> {
    head.iter().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A builder for `url` as an application would write it: HTTPS only, its own HTTP client.
fn https_builder(url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .token(TOKEN)
        .project_id(PROJECT)
        .timeout(Duration::from_secs(10))
        .retry_config(fast_retries())
}

/// An HTTP client that trusts the test CA besides the usual roots.
fn trusting_the_test_ca() -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(&fixture("ca.pem")).unwrap();
    reqwest::Client::builder()
        .tls_certs_merge([ca])
        .build()
        .unwrap()
}

/// The TLS error of `result`, or a failure naming what came instead. It is not retryable, as
/// it fails the same way every time.
fn tls_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
    match result {
        Err(Error::Transport(error)) if error.kind == TransportErrorKind::Tls => {
            let error = Error::Transport(error);
            assert!(!error.is_retryable(), "{error}");
            error
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

/// Checks that every connection the server saw died in the handshake on the client's `alert`
/// (so the client refused the certificate, rather than the server failing on its own), and
/// that no request got through.
fn assert_refused_in_handshake(server: &TlsServer, alert: &str) {
    let seen = server.seen();
    // One handshake: the client does not retry what fails the same way every time.
    assert_eq!(seen.len(), 1, "{seen:?}");
    for seen in &seen {
        match seen {
            Seen::HandshakeFailed(why) => {
                assert_eq!(why, &format!("received fatal alert: {alert}"))
            }
            Seen::Request(head) => panic!("a request got through: {head:?}"),
        }
    }
}

fn assert_mentions(error: &Error, fragment: &str) {
    let message = error.to_string();
    assert!(
        message.to_lowercase().contains(&fragment.to_lowercase()),
        "{fragment:?} is not in: {message}"
    );
}

#[tokio::test]
async fn the_default_client_refuses_a_certificate_it_does_not_trust() {
    let server = TlsServer::start(LOOPBACK_LEAF);
    let client = https_builder(&server.url).build().unwrap();
    let error = tls_error(client.show_vault("v").await);
    assert_mentions(&error, "certificate");
    assert_mentions(&error, "UnknownIssuer");
    assert_refused_in_handshake(&server, "UnknownCA");
}

#[tokio::test]
async fn allowing_plain_http_does_not_switch_off_verification() {
    let server = TlsServer::start(LOOPBACK_LEAF);
    let client = https_builder(&server.url).allow_http(true).build().unwrap();
    let error = tls_error(client.show_vault("v").await);
    assert_mentions(&error, "UnknownIssuer");
    assert_refused_in_handshake(&server, "UnknownCA");
}

#[tokio::test]
async fn a_client_that_trusts_the_test_ca_gets_through() {
    let server = TlsServer::start(LOOPBACK_LEAF);
    let client = https_builder(&server.url)
        .http_client(trusting_the_test_ca())
        .build()
        .unwrap();
    let vault = client.show_vault("v").await;
    assert!(vault.is_ok(), "{vault:?}");
    let seen = server.seen();
    let [Seen::Request(head)] = seen.as_slice() else {
        panic!("expected one request, saw {seen:?}");
    };
    assert_eq!(
        head.first().map(String::as_str),
        Some(format!("GET /v3/{PROJECT}/vaults/v HTTP/1.1").as_str())
    );
    assert_eq!(header(head, "x-auth-token"), Some(TOKEN));
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let server = TlsServer::start(OTHER_NAME_LEAF);
    let client = https_builder(&server.url)
        .http_client(trusting_the_test_ca())
        .build()
        .unwrap();
    let error = tls_error(client.show_vault("v").await);
    assert_mentions(&error, "not valid for name");
    assert_refused_in_handshake(&server, "BadCertificate");
}

/// `client_runtime.rs` covers the common base URL; this is the same rule for one service's own
/// endpoint, which could otherwise slip plain HTTP in beside an HTTPS base URL.
#[test]
fn a_plain_http_service_endpoint_needs_the_opt_in_too() {
    let http = "http://127.0.0.1:9/vbs";
    let builder = || {
        Client::builder()
            .base_url("https://127.0.0.1:9")
            .endpoint(Service::Vbs, http)
            .token(TOKEN)
    };
    let error = builder().build().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert_mentions(&error, "allow_http(true)");
    assert_mentions(&error, http);
    let client = builder().allow_http(true).build().unwrap();
    assert_eq!(client.endpoint(Service::Vbs), http);
    assert_eq!(client.endpoint(Service::Cbr), "https://127.0.0.1:9");
}

/// The client's TLS goes through the proxy's tunnel to the server, which refuses nothing but
/// sees the client refuse its certificate: the handshake crossed the tunnel end to end. (The
/// client the builder makes, which is the one that takes a proxy, trusts only the usual roots.)
// The proxy's task keeps running while the test waits on the server's thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_goes_through_a_connect_tunnel_with_the_proxy_credentials() {
    let server = TlsServer::start(LOOPBACK_LEAF);
    let proxy = ConnectProxy::start().await;
    let target = server.url.trim_start_matches("https://").to_owned();
    let client = https_builder(&server.url)
        .proxy(Proxy::new(&proxy.url).basic_auth("proxy-user", "proxy-pa55"))
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("pa55"));
    let error = tls_error(client.show_vault("v").await);
    assert_mentions(&error, "UnknownIssuer");
    assert_refused_in_handshake(&server, "UnknownCA");

    let tunnels = proxy.seen().await;
    let [tunnel] = tunnels.as_slice() else {
        panic!("expected one tunnel, saw {tunnels:?}");
    };
    assert_eq!(tunnel.head[0], format!("CONNECT {target} HTTP/1.1"));
    // base64("proxy-user:proxy-pa55")
    assert_eq!(
        tunnel.header("proxy-authorization"),
        Some("Basic cHJveHktdXNlcjpwcm94eS1wYTU1")
    );
    // The proxy never sees the request itself, only the encrypted handshake.
    assert!(tunnel.head.iter().all(|line| !line.contains(TOKEN)));
    assert!(
        tunnel.to_target.unwrap() > 0 && tunnel.to_client.unwrap() > 0,
        "{tunnel:?}"
    );
}

// The proxy's task keeps running while the test waits on the server's thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_of_the_no_proxy_list_bypass_the_proxy() {
    let server = TlsServer::start(LOOPBACK_LEAF);
    let proxy = ConnectProxy::start().await;
    let client = https_builder(&server.url)
        .proxy(Proxy::new(&proxy.url).no_proxy(["localhost", "127.0.0.1"]))
        .build()
        .unwrap();
    tls_error(client.show_vault("v").await);
    // The server saw the handshake directly; the proxy saw nothing.
    assert_refused_in_handshake(&server, "UnknownCA");
    assert!(proxy.seen().await.is_empty());
}

#[test]
fn a_proxy_that_cannot_be_used_is_a_config_error_without_its_credentials() {
    let error = https_builder("https://127.0.0.1:9")
        .proxy("socks5://user:SECRET@127.0.0.1:1080")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert_mentions(&error, "socks5");
    assert!(!error.to_string().contains("SECRET"), "{error}");
}
