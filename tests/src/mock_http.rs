//! A loopback HTTP/1.1 server for end-to-end tests of the client, on real sockets.
//!
//! It listens on 127.0.0.1 only, reads each request whole (method, raw target, headers in their
//! received spelling and order, body bytes), records it, and answers what a handler returns:
//! canned replies in order ([`MockServer::start`]) or a function of the request
//! ([`MockServer::with_handler`]). Every reply closes its connection. A reply can be delayed to
//! play a slow server. [`verify_signature`] checks an AK/SK signature the way API Gateway does:
//! it recomputes it from the raw request with the crate's public signer.
//!
//! The server stops when the [`MockServer`] is dropped.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use huaweicloud_cbr::signing::{sign, Credentials, QueryValue, SdkDate, SignableRequest};

/// A canned response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
    /// How long to wait before answering.
    pub delay: Option<Duration>,
}

impl Reply {
    /// A JSON reply with `X-Request-Id: req-1`.
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Request-Id".into(), "req-1".into()),
            ],
            body: body.to_owned(),
            delay: None,
        }
    }

    /// A JSON reply with a JSON value as its body.
    pub fn json_value(status: u16, body: &serde_json::Value) -> Self {
        Reply::json(status, &body.to_string())
    }

    /// A reply without a body.
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: vec![("X-Request-Id".into(), "req-1".into())],
            body: String::new(),
            delay: None,
        }
    }

    /// A reply with a body of another media type.
    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.to_owned(),
            delay: None,
        }
    }

    /// Adds (or replaces) a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits this long before answering.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Method.
    pub method: String,
    /// Request target: path and query, as sent.
    pub target: String,
    /// Headers, names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// Headers as received, names in their spelling on the wire.
    pub raw_headers: Vec<(String, String)>,
    /// Body, as text (invalid UTF-8 replaced).
    pub body: String,
    /// Body, as bytes.
    pub body_bytes: Vec<u8>,
}

impl Received {
    /// The value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The query string as sent, `""` without one.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// The query pairs, percent-decoded, in the order sent.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let query = self.query();
        if query.is_empty() {
            return Vec::new();
        }
        query
            .split('&')
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(key), percent_decode(value))
            })
            .collect()
    }

    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("the request body is not JSON ({e}): {:?}", self.body))
    }
}

/// `%XX` sequences decoded; invalid sequences kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

type Handler = Box<dyn FnMut(&Received) -> Reply + Send>;

/// The server: its base URL and the requests it received.
pub struct MockServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    address: SocketAddr,
    received: mpsc::Receiver<Received>,
    stop: Arc<AtomicBool>,
}

impl MockServer {
    /// A server that answers with `replies` in order, then with status 599 and a message that
    /// says the test sent more requests than it expected.
    pub fn start(replies: Vec<Reply>) -> Self {
        let mut replies = VecDeque::from(replies);
        Self::with_handler(move |request| {
            replies.pop_front().unwrap_or_else(|| {
                let message = format!(
                    "unexpected request {} {}: no canned reply left",
                    request.method, request.target
                );
                Reply::text(599, "text/plain", &message)
            })
        })
    }

    /// A server that answers every request with what `handler` returns.
    pub fn with_handler(handler: impl FnMut(&Received) -> Reply + Send + 'static) -> Self {
        Self::on("127.0.0.1:0", handler)
    }

    /// A server on `address` (a loopback address another process was told to call) that
    /// answers every request with what `handler` returns.
    pub fn on(address: &str, handler: impl FnMut(&Received) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind(address)
            .unwrap_or_else(|e| panic!("cannot listen on {address}: {e}"));
        let address = listener.local_addr().expect("local address");
        let (sender, received) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let mut handler: Handler = Box::new(handler);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                serve(stream, &mut handler, &sender);
            }
        });
        MockServer {
            base_url: format!("http://{address}"),
            address,
            received,
            stop,
        }
    }

    /// The next request received (waits up to ten seconds).
    pub fn next_request(&self) -> Received {
        self.received
            .recv_timeout(Duration::from_secs(10))
            .expect("the server received a request")
    }

    /// The next request received within `wait`, if any.
    pub fn try_next_request(&self, wait: Duration) -> Option<Received> {
        self.received.recv_timeout(wait).ok()
    }

    /// Every request received so far and not yet taken.
    pub fn drain(&self) -> Vec<Received> {
        self.received.try_iter().collect()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so that it sees the flag and ends.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
    }
}

fn serve(stream: TcpStream, handler: &mut Handler, sender: &mpsc::Sender<Received>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let reply = handler(&request);
    let _ = sender.send(request);
    if let Some(delay) = reply.delay {
        thread::sleep(delay);
    }
    let mut stream = reader.into_inner();
    let _ = stream.write_all(&render(&reply));
    let _ = stream.flush();
}

fn read_request(reader: &mut impl BufRead) -> Option<Received> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut raw_headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        raw_headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let headers: Vec<(String, String)> = raw_headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        method,
        target,
        headers,
        raw_headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        body_bytes: body,
    })
}

fn render(reply: &Reply) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {} Mock\r\n", reply.status);
    for (name, value) in &reply.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(reply.body.as_bytes());
    bytes
}

/// What [`verify_signature`] found in a correctly signed request.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    /// The access key of the `Authorization` header.
    pub access_key: String,
    /// The `X-Sdk-Date` that was signed.
    pub date: String,
    /// The signed headers, lower case, `;`-separated.
    pub signed_headers: String,
    /// The canonical request the server recomputed.
    pub canonical_request: String,
}

/// Checks the `SDK-HMAC-SHA256` signature of `request` as the service would: parses its
/// `Authorization` header, recomputes the signature from the raw method, path, query, signed
/// headers and body with the secret key, and compares. Also checks that the query on the wire
/// is the canonical one that was signed.
pub fn verify_signature(
    request: &Received,
    access_key: &str,
    secret_key: &str,
) -> Result<SignatureCheck, String> {
    let authorization = request
        .header("authorization")
        .ok_or("no Authorization header")?;
    let rest = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or_else(|| format!("not an SDK-HMAC-SHA256 authorization: {authorization}"))?;
    let mut sent_access = None;
    let mut sent_signed_headers = None;
    let mut sent_signature = None;
    for part in rest.split(", ") {
        match part.split_once('=') {
            Some(("Access", value)) => sent_access = Some(value),
            Some(("SignedHeaders", value)) => sent_signed_headers = Some(value),
            Some(("Signature", value)) => sent_signature = Some(value),
            _ => return Err(format!("unexpected authorization part {part:?}")),
        }
    }
    let (Some(sent_access), Some(sent_signed_headers), Some(sent_signature)) =
        (sent_access, sent_signed_headers, sent_signature)
    else {
        return Err(format!("incomplete authorization: {authorization}"));
    };
    if sent_access != access_key {
        return Err(format!("signed with access key {sent_access:?}"));
    }
    let date = request
        .header("x-sdk-date")
        .ok_or("no X-Sdk-Date header")?
        .to_owned();
    let mut headers = Vec::new();
    for name in sent_signed_headers.split(';') {
        let value = request
            .header(name)
            .ok_or_else(|| format!("signed header `{name}` was not sent"))?;
        headers.push((name, value));
    }
    let host = request.header("host").ok_or("no Host header")?;
    let pairs = request.query_pairs();
    let query: Vec<(&str, QueryValue<'_>)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), QueryValue::from(v)))
        .collect();
    let credentials = Credentials::new(access_key, secret_key);
    let signable = SignableRequest::new(&request.method, "http", host, request.path())
        .with_query(&query)
        .with_headers(&headers)
        .with_body(&request.body_bytes);
    let date_value = SdkDate::parse(&date).map_err(|e| e.to_string())?;
    let expected = sign(&signable, &credentials, date_value).map_err(|e| e.to_string())?;
    if expected.signed_headers() != sent_signed_headers {
        return Err(format!(
            "signed headers differ: sent {sent_signed_headers}, recomputed {}",
            expected.signed_headers()
        ));
    }
    if expected.canonical_query_string() != request.query() {
        return Err(format!(
            "the query on the wire {:?} is not the canonical one {:?}",
            request.query(),
            expected.canonical_query_string()
        ));
    }
    if expected.signature() != sent_signature {
        return Err(format!(
            "bad signature: sent {sent_signature}, recomputed {} over\n{}",
            expected.signature(),
            expected.canonical_request()
        ));
    }
    Ok(SignatureCheck {
        access_key: sent_access.to_owned(),
        date,
        signed_headers: sent_signed_headers.to_owned(),
        canonical_request: expected.canonical_request().to_owned(),
    })
}
