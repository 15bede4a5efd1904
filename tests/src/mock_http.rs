//! A loopback HTTP/1.1 server for end-to-end tests of the client: it answers each connection
//! with the next canned response and records what it received. It serves a fixed number of
//! requests, then its thread ends; it only ever listens on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// A canned response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
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
        }
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Method.
    pub method: String,
    /// Request target: path and query, as sent.
    pub target: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
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
}

/// The server: its base URL and the requests it received.
pub struct MockServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    received: mpsc::Receiver<Received>,
}

impl MockServer {
    /// Starts a server that answers one request per reply, in order.
    pub fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let (sender, received) = mpsc::channel();
        thread::spawn(move || {
            for reply in replies {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut reader = BufReader::new(stream);
                let Some(request) = read_request(&mut reader) else {
                    return;
                };
                let _ = sender.send(request);
                let mut stream = reader.into_inner();
                let _ = stream.write_all(render(&reply).as_bytes());
            }
        });
        MockServer { base_url, received }
    }

    /// The next request received (waits up to ten seconds).
    pub fn next_request(&self) -> Received {
        self.received
            .recv_timeout(Duration::from_secs(10))
            .expect("the server received a request")
    }
}

fn read_request(reader: &mut impl BufRead) -> Option<Received> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
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
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn render(reply: &Reply) -> String {
    let mut text = format!("HTTP/1.1 {} Status\r\n", reply.status);
    for (name, value) in &reply.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    text.push_str(&reply.body);
    text
}
