//! The response body size limit, against real sockets: a body over the limit is
//! `Error::BodyTooLarge` whether its length is announced or not, whatever its status, and the
//! client stops reading it; a body at the limit is read.

mod e2e_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use cbr_tests::mock_http::{MockServer, Reply};
use e2e_support::{documented_reply, AuthKind, PROJECT};
use huaweicloud_cbr::{Client, Error, DEFAULT_MAX_RESPONSE_BODY_SIZE};

fn client(base_url: &str, limit: usize) -> Client {
    Client::builder()
        .project_id(PROJECT)
        .auth(AuthKind::Token.auth())
        .base_url(base_url)
        .allow_http(true)
        .timeout(Duration::from_secs(10))
        .max_response_body_size(limit)
        .build()
        .unwrap()
}

/// The `BodyTooLarge` error of `result`, or a failure naming what came instead.
fn too_large<T: std::fmt::Debug>(
    result: Result<T, Error>,
) -> Box<huaweicloud_cbr::BodyTooLargeError> {
    match result {
        Err(Error::BodyTooLarge(error)) => error,
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
}

/// A documented `show_vault` body padded with spaces (still valid JSON) to `size` bytes.
fn padded_body(size: usize) -> String {
    let body = documented_reply("show_vault").body;
    assert!(body.len() <= size, "the example is larger than {size}");
    format!("{body}{}", " ".repeat(size - body.len()))
}

#[test]
fn the_default_limit_is_32_mib() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .allow_http(true)
        .token("t")
        .build()
        .unwrap();
    assert_eq!(DEFAULT_MAX_RESPONSE_BODY_SIZE, 32 * 1024 * 1024);
    assert_eq!(
        client.max_response_body_size(),
        DEFAULT_MAX_RESPONSE_BODY_SIZE
    );
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_one_byte_more_is_refused() {
    let limit = 4096;
    let server = MockServer::start(vec![
        Reply::json(200, &padded_body(limit)),
        Reply::json(200, &padded_body(limit + 1)),
    ]);
    let vault = client(&server.base_url, limit).show_vault("v").await;
    assert!(vault.is_ok(), "{vault:?}");

    let error = too_large(client(&server.base_url, limit).show_vault("v").await);
    assert_eq!(error.limit, limit);
    assert_eq!(error.content_length, Some(limit as u64 + 1));
    assert_eq!(error.status.as_u16(), 200);
    assert_eq!(error.request_id.as_deref(), Some("req-1"));
    let message = Error::BodyTooLarge(error).to_string();
    assert!(
        message.contains("4097 bytes") && message.contains("max_response_body_size"),
        "{message}"
    );
}

#[tokio::test]
async fn an_error_response_over_the_limit_is_refused_too() {
    let body = format!(
        r#"{{"error_code": "BackupService.6500", "error_msg": "{}"}}"#,
        "x".repeat(2048)
    );
    let server = MockServer::start(vec![Reply::json(404, &body)]);
    let error = too_large(client(&server.base_url, 1024).show_vault("v").await);
    assert_eq!(error.status.as_u16(), 404);
    // Not retryable: the same response would come again.
    assert!(!Error::BodyTooLarge(error).is_retryable());
}

/// A server that answers one request with a body of unannounced length (no `Content-Length`,
/// ended by closing the connection) that goes on for up to `max` bytes, and counts what it
/// managed to write before the client hung up.
fn endless_server(max: u64) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&written);
    thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear();
        }
        let mut stream = stream;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
        stream.write_all(head.as_bytes()).unwrap();
        let chunk = [b' '; 64 * 1024];
        while counter.load(Ordering::Relaxed) < max {
            if stream.write_all(&chunk).is_err() {
                break;
            }
            counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        }
    });
    (url, written)
}

#[tokio::test]
async fn a_body_of_unannounced_length_is_cut_off_at_the_limit() {
    let limit = 1024 * 1024;
    let max = 256 * 1024 * 1024;
    let (url, written) = endless_server(max);
    let error = too_large(client(&url, limit).show_vault("v").await);
    assert_eq!(error.content_length, None);
    assert_eq!(error.limit, limit);
    // The client stopped reading: the server could not write the whole body (socket buffers
    // hold a few megabytes at most).
    thread::sleep(Duration::from_millis(200));
    let sent = written.load(Ordering::Relaxed);
    assert!(sent < max / 4, "the server wrote {sent} bytes");
}
