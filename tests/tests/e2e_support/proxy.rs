//! A loopback HTTP proxy that opens `CONNECT` tunnels, as a tokio task, and records what
//! passed through it: each request head, and the bytes each tunnel carried either way.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One connection to the proxy.
#[derive(Debug, Clone, Default)]
pub struct Tunnel {
    /// The request head, lines as sent (`CONNECT 127.0.0.1:PORT HTTP/1.1`, headers).
    pub head: Vec<String>,
    /// Bytes from the client to the target, once the tunnel has closed.
    pub to_target: Option<u64>,
    /// Bytes from the target to the client, once the tunnel has closed.
    pub to_client: Option<u64>,
}

impl Tunnel {
    /// The value of header `name` in the head.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// The proxy: its URL (`http://127.0.0.1:PORT`) and what it saw.
pub struct ConnectProxy {
    pub url: String,
    tunnels: Arc<Mutex<Vec<Tunnel>>>,
}

impl ConnectProxy {
    /// Listens on a free loopback port, on the calling test's runtime.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let tunnels = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&tunnels);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(tunnel(stream, Arc::clone(&recorded)));
            }
        });
        ConnectProxy { url, tunnels }
    }

    /// Every connection so far, waiting up to five seconds for open tunnels to close.
    pub async fn seen(&self) -> Vec<Tunnel> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let tunnels = self.tunnels.lock().unwrap().clone();
            let open = tunnels.iter().any(|t| t.to_target.is_none());
            if !open || Instant::now() > deadline {
                return tunnels;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn tunnel(stream: TcpStream, tunnels: Arc<Mutex<Vec<Tunnel>>>) {
    let mut client = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        match client.read_line(&mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim_end().is_empty() => break,
            Ok(_) => head.push(line.trim_end().to_owned()),
        }
    }
    let index = {
        let mut tunnels = tunnels.lock().unwrap();
        tunnels.push(Tunnel {
            head: head.clone(),
            ..Tunnel::default()
        });
        tunnels.len() - 1
    };
    let target = head
        .first()
        .and_then(|line| line.strip_prefix("CONNECT "))
        .and_then(|rest| rest.split_whitespace().next());
    let mut client = client.into_inner();
    let Some(target) = target else {
        let _ = client
            .write_all(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n")
            .await;
        mark_closed(&tunnels, index, (0, 0));
        return;
    };
    let Ok(mut server) = TcpStream::connect(target).await else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Unreachable\r\nContent-Length: 0\r\n\r\n")
            .await;
        mark_closed(&tunnels, index, (0, 0));
        return;
    };
    let _ = client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .await;
    let carried = tokio::io::copy_bidirectional(&mut client, &mut server)
        .await
        .unwrap_or((0, 0));
    mark_closed(&tunnels, index, carried);
}

fn mark_closed(tunnels: &Mutex<Vec<Tunnel>>, index: usize, (up, down): (u64, u64)) {
    let mut tunnels = tunnels.lock().unwrap();
    tunnels[index].to_target = Some(up);
    tunnels[index].to_client = Some(down);
}
