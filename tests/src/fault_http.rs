//! A loopback HTTP/1.1 server that injects byte-level faults, for the client's fault, load and
//! cancellation tests.
//!
//! Unlike [`mock_http`](crate::mock_http), it keeps connections alive (so the client pools
//! them) and writes each response by hand, so a test can break it anywhere: reset the
//! connection before or after the headers or in the middle of the body, cut the body short
//! (a `Content-Length` body or a chunked one without its last chunk), send the headers a byte
//! at a time, stall the body, send a malformed status line or a wrong `Content-Length`, or
//! close an idle pooled connection. A test chooses the [`Fault`] of each request with a
//! function of the request's number and head.
//!
//! The server runs on a runtime of its own (one worker thread), so that the tasks the client
//! spawns can be counted on the test's runtime without the server's. It listens on 127.0.0.1
//! only, counts requests, accepted and still-open connections, and stops, closing every
//! connection, when the [`FaultServer`] is dropped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A response the server writes (or starts to write).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Headers besides `Content-Length`/`Transfer-Encoding`, which the fault decides.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// A JSON answer with `X-Request-Id: <request_id>`.
    pub fn json(status: u16, request_id: &str, body: &str) -> Self {
        Answer {
            status,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Request-Id".into(), request_id.into()),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    /// A 503 with a JSON error body, and a `Retry-After` when given.
    pub fn unavailable(retry_after: Option<&str>) -> Self {
        let answer = Answer::json(
            503,
            "req-503",
            r#"{"error_code": "APIGW.0308", "error_msg": "The request is throttled"}"#,
        );
        match retry_after {
            Some(value) => answer.with_header("Retry-After", value),
            None => answer,
        }
    }

    /// An HTML error page, as a gateway in front of the service sends.
    pub fn html(status: u16, body: &str) -> Self {
        Answer {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What the server does with one request, after reading it whole.
#[derive(Debug, Clone)]
pub enum Fault {
    /// No fault: the answer, with a correct `Content-Length`; the connection stays open.
    None(Answer),
    /// No fault, but a chunked body (no `Content-Length`) in chunks of at most 64 KiB; the
    /// connection stays open.
    Chunked(Answer),
    /// Resets the connection (TCP RST) before writing anything.
    ResetBeforeHeaders,
    /// Writes the status line and headers, then resets the connection.
    ResetAfterHeaders(Answer),
    /// Writes the headers and half the body, then resets the connection.
    ResetMidBody(Answer),
    /// Announces the whole body's length, writes half of it, and closes the connection.
    TruncatedBody(Answer),
    /// A chunked body in two chunks without the last (empty) chunk, then closes.
    ChunkedWithoutLastChunk(Answer),
    /// Writes the status line and headers one byte every `interval`.
    SlowHeaders(Answer, Duration),
    /// Writes the headers and half the body, then writes nothing more until the client closes
    /// the connection.
    StallBody(Answer),
    /// A status line that is not HTTP (`HTTP/1.1 2OO OK`).
    MalformedStatusLine,
    /// A `Content-Length` of `declared` bytes, and the whole body anyway.
    WrongContentLength(Answer, usize),
    /// The answer, then the connection is closed once it has been idle for `idle`, without a
    /// `Connection: close` to warn the client.
    CloseWhenIdle(Answer, Duration),
}

/// What the server knows about one request it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The request target.
    pub target: String,
    /// The number of the connection it came on (0-based, in accept order).
    pub connection: usize,
}

/// Chooses the fault of request number `n` (0-based, in arrival order).
pub type Script = dyn Fn(usize, &Seen) -> Fault + Send + Sync;

struct Shared {
    script: Box<Script>,
    seen: Mutex<Vec<Seen>>,
    accepted: AtomicUsize,
    open: AtomicUsize,
}

/// The running server; dropping it stops it.
pub struct FaultServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl FaultServer {
    /// Starts a server whose every request gets `script(n, request)`.
    pub fn start(script: impl Fn(usize, &Seen) -> Fault + Send + Sync + 'static) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("the server's runtime starts");
        // Bound here, registered with the server's runtime in its accept task: blocking on
        // that runtime is not allowed inside an async test.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
        listener.set_nonblocking(true).unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            script: Box::new(script),
            seen: Mutex::new(Vec::new()),
            accepted: AtomicUsize::new(0),
            open: AtomicUsize::new(0),
        });
        runtime.spawn(accept_loop(listener, Arc::clone(&shared)));
        FaultServer {
            base_url,
            shared,
            runtime: Some(runtime),
        }
    }

    /// The requests read so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// The number of requests read so far.
    pub fn requests(&self) -> usize {
        self.shared.seen.lock().unwrap().len()
    }

    /// The number of connections accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// The number of connections the client still holds open.
    pub fn connections_open(&self) -> usize {
        self.shared.open.load(Ordering::SeqCst)
    }

    /// Waits (up to `limit`) until the client holds no connection open; the number still open.
    pub async fn wait_until_closed(&self, limit: Duration) -> usize {
        let until = std::time::Instant::now() + limit;
        while self.connections_open() > 0 && std::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.connections_open()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // Allowed inside an async test, unlike dropping the runtime.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn accept_loop(listener: std::net::TcpListener, shared: Arc<Shared>) {
    let listener = TcpListener::from_std(listener).expect("the listener registers");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let connection = shared.accepted.fetch_add(1, Ordering::SeqCst);
        shared.open.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            // The count goes down however the connection ends.
            let _open = OpenGuard(Arc::clone(&shared));
            serve_connection(stream, connection, &shared).await;
        });
    }
}

struct OpenGuard(Arc<Shared>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves requests on one connection until the client closes it or a fault ends it.
async fn serve_connection(mut stream: TcpStream, connection: usize, shared: &Shared) {
    let mut buffer = Vec::new();
    loop {
        let Some(seen) = read_request(&mut stream, &mut buffer, connection).await else {
            return;
        };
        let fault = {
            let mut all = shared.seen.lock().unwrap();
            let n = all.len();
            all.push(seen.clone());
            drop(all);
            (shared.script)(n, &seen)
        };
        if !apply(fault, &mut stream).await {
            return;
        }
    }
}

/// Reads one request (head and `Content-Length` body); `None` when the client closed.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    connection: usize,
) -> Option<Seen> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end + 4;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let length: usize = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    buffer.drain(..head_end + length);
    Some(Seen {
        method,
        target,
        connection,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The status line and headers, with `framing` (`Content-Length: n` or
/// `Transfer-Encoding: chunked`).
fn head(answer: &Answer, framing: &str) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} Fault\r\n{framing}\r\n", answer.status);
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn length_framing(length: usize) -> String {
    format!("Content-Length: {length}")
}

/// Carries out one fault; whether the connection can serve another request.
async fn apply(fault: Fault, stream: &mut TcpStream) -> bool {
    let half = |answer: &Answer| answer.body[..answer.body.len() / 2].to_vec();
    match fault {
        Fault::None(answer) => {
            let mut bytes = head(&answer, &length_framing(answer.body.len()));
            bytes.extend_from_slice(&answer.body);
            return stream.write_all(&bytes).await.is_ok();
        }
        Fault::Chunked(answer) => {
            let mut bytes = head(&answer, "Transfer-Encoding: chunked");
            for chunk in answer.body.chunks(64 * 1024) {
                bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                bytes.extend_from_slice(chunk);
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"0\r\n\r\n");
            return stream.write_all(&bytes).await.is_ok();
        }
        Fault::ResetBeforeHeaders => {
            reset(stream);
            return false;
        }
        Fault::ResetAfterHeaders(answer) => {
            write_flush(stream, &head(&answer, &length_framing(answer.body.len()))).await;
            reset(stream);
            return false;
        }
        Fault::ResetMidBody(answer) => {
            let mut bytes = head(&answer, &length_framing(answer.body.len()));
            bytes.extend_from_slice(&half(&answer));
            write_flush(stream, &bytes).await;
            reset(stream);
            return false;
        }
        Fault::TruncatedBody(answer) => {
            let mut bytes = head(&answer, &length_framing(answer.body.len()));
            bytes.extend_from_slice(&half(&answer));
            write_flush(stream, &bytes).await;
        }
        Fault::ChunkedWithoutLastChunk(answer) => {
            let mut bytes = head(&answer, "Transfer-Encoding: chunked");
            let (first, second) = answer.body.split_at(answer.body.len() / 2);
            for chunk in [first, second] {
                bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                bytes.extend_from_slice(chunk);
                bytes.extend_from_slice(b"\r\n");
            }
            write_flush(stream, &bytes).await;
        }
        Fault::SlowHeaders(answer, interval) => {
            let mut bytes = head(&answer, &length_framing(answer.body.len()));
            let body_start = bytes.len();
            bytes.extend_from_slice(&answer.body);
            for byte in &bytes[..body_start] {
                if !write_flush(stream, std::slice::from_ref(byte)).await {
                    return false;
                }
                tokio::time::sleep(interval).await;
            }
            return stream.write_all(&bytes[body_start..]).await.is_ok();
        }
        Fault::StallBody(answer) => {
            let mut bytes = head(&answer, &length_framing(answer.body.len()));
            bytes.extend_from_slice(&half(&answer));
            write_flush(stream, &bytes).await;
            // Until the client gives up: its closing is what ends the connection.
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            return false;
        }
        Fault::MalformedStatusLine => {
            write_flush(stream, b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\n{}").await;
        }
        Fault::WrongContentLength(answer, declared) => {
            let mut bytes = head(&answer, &length_framing(declared));
            bytes.extend_from_slice(&answer.body);
            write_flush(stream, &bytes).await;
        }
        Fault::CloseWhenIdle(answer, idle) => {
            let mut bytes = head(&answer, &length_framing(answer.body.len()));
            bytes.extend_from_slice(&answer.body);
            if !write_flush(stream, &bytes).await {
                return false;
            }
            // Another request on this connection within `idle` keeps it; else it is closed.
            let mut probe = [0u8; 1];
            return matches!(
                tokio::time::timeout(idle, stream.peek(&mut probe)).await,
                Ok(Ok(n)) if n > 0
            );
        }
    };
    // Every fault that gets here has written all it will: the connection ends (FIN).
    let _ = stream.shutdown().await;
    false
}

async fn write_flush(stream: &mut TcpStream, bytes: &[u8]) -> bool {
    stream.write_all(bytes).await.is_ok() && stream.flush().await.is_ok()
}

/// Makes the coming close a TCP reset (RST) rather than an orderly FIN.
fn reset(stream: &TcpStream) {
    #[allow(deprecated)] // `set_linger` is the one way tokio offers to send an RST.
    let _ = stream.set_linger(Some(Duration::ZERO));
}
