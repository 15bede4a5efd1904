//! The client under load, against the fault-injecting loopback server: a thousand calls
//! through one client with a few injected faults, every result accounted for, no socket or
//! task left behind, and the client's memory bounded when fifty calls each receive a body
//! near the size limit. Each test is bounded in calls and time and talks only to 127.0.0.1.
//!
//! The tests of this file run one at a time ([`SERIAL`]): they measure the process (file
//! descriptors) and the test thread (CPU time, heap), which a concurrent test would disturb.
//! Everything the client does runs on the test's own thread (a current-thread runtime); the
//! server runs on a thread of its own, so the heap and CPU counted here are the client's.

mod e2e_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cbr_tests::fault_http::{Answer, Fault, FaultServer, Seen};
use e2e_support::{response_example, AuthKind};
use huaweicloud_cbr::{Client, Error, RetryConfig};

// ----- counting the test thread's heap -----------------------------------------------------------

/// The system allocator, counting the bytes live on threads that opted in.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    // A thread being torn down has no thread-locals left: not counted.
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            // Memory allocated before counting began can be freed while counting: saturate.
            let _ = LIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |live| {
                Some(live.saturating_sub(layout.size()))
            });
        }
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

// ----- what is measured --------------------------------------------------------------------------

/// Open sockets of the process. Only sockets: a test starting in parallel creates its
/// runtime's epoll and event descriptors before it waits for [`SERIAL`].
fn open_sockets() -> usize {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read_link(entry.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

/// CPU time of the calling thread so far (Linux `schedstat`, nanoseconds).
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let nanos = text.split_whitespace().next().and_then(|n| n.parse().ok());
    Duration::from_nanos(nanos.unwrap_or(0))
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// Waits (up to 5 s) until `done` holds; whether it did.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while !done() && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    done()
}

// ----- the load ----------------------------------------------------------------------------------

/// The call number a request carries in its `offset`.
fn call_index(seen: &Seen) -> usize {
    let (_, query) = seen.target.split_once('?').expect("a query");
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("offset="))
        .and_then(|offset| offset.parse().ok())
        .expect("an offset")
}

fn vaults() -> Answer {
    let body = response_example("list_vaults")
        .1
        .expect("a documented body");
    Answer::json(200, "req-load", &body.to_string())
}

/// The first attempt of one call in twenty meets a fault, the kinds in turn: a 503, a reset
/// before the headers, a reset in the middle of the body, a body cut short. A `GET` retries
/// each of them, so every call should succeed on its second attempt.
fn faulty_server() -> FaultServer {
    let faulted = Mutex::new(std::collections::HashSet::new());
    FaultServer::start(move |_, seen| {
        let call = call_index(seen);
        if call % 20 != 11 || !faulted.lock().unwrap().insert(call) {
            return Fault::None(vaults());
        }
        match (call / 20) % 4 {
            0 => Fault::None(Answer::unavailable(None)),
            1 => Fault::ResetBeforeHeaders,
            2 => Fault::ResetMidBody(vaults()),
            _ => Fault::TruncatedBody(vaults()),
        }
    })
}

/// Sends `calls` calls, `concurrency` at a time; each call's attempts, or its error.
async fn run_calls(client: &Client, calls: usize, concurrency: usize) -> Vec<Result<u32, Error>> {
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut set = tokio::task::JoinSet::new();
    for index in 0..calls {
        let client = client.clone();
        let permits = Arc::clone(&permits);
        set.spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let call = client.list_vaults().offset(index as i64);
            let outcome = call.send_with_metadata().await;
            (index, outcome.map(|(_, metadata)| metadata.attempts))
        });
    }
    let mut results: Vec<Option<Result<u32, Error>>> = (0..calls).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        let (index, outcome) = joined.expect("no call panics");
        assert!(results[index].is_none(), "call {index} ended twice");
        results[index] = Some(outcome);
    }
    results
        .into_iter()
        .enumerate()
        .map(|(index, r)| r.unwrap_or_else(|| panic!("call {index} never ended")))
        .collect()
}

#[tokio::test]
async fn a_thousand_calls_a_hundred_at_a_time_all_accounted_for_and_nothing_leaked() {
    const CALLS: usize = 1000;
    let _serial = SERIAL.lock().await;
    let server = faulty_server();
    let (sockets, tasks) = (open_sockets(), alive_tasks());
    let client = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .timeout(Duration::from_secs(3))
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(100)),
        )
        .build()
        .unwrap();
    let (cpu, started) = (thread_cpu(), Instant::now());
    let results = tokio::time::timeout(Duration::from_secs(30), run_calls(&client, CALLS, 100))
        .await
        .expect("the load ends within 30 s");
    let (cpu, wall) = (thread_cpu() - cpu, started.elapsed());

    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(
        failed.is_empty(),
        "{} calls failed: {:?}",
        failed.len(),
        &failed[..1]
    );
    let attempts: u32 = results.iter().map(|r| *r.as_ref().unwrap()).sum();
    assert_eq!(
        attempts as usize,
        CALLS + CALLS / 20,
        "each faulted call took two attempts"
    );
    assert_eq!(
        server.requests(),
        attempts as usize,
        "every request is a counted attempt"
    );

    let peak_connections = server.connections_accepted();
    drop(client);
    assert!(
        eventually(|| server.connections_open() == 0).await,
        "{} connections left open",
        server.connections_open()
    );
    assert!(
        eventually(|| alive_tasks() == tasks).await,
        "{} tasks left",
        alive_tasks() - tasks
    );
    assert!(
        eventually(|| open_sockets() <= sockets).await,
        "{} sockets left",
        open_sockets() - sockets
    );

    let per_call = cpu / CALLS as u32;
    println!(
        "load: {CALLS} calls, 100 at a time, {} requests, {peak_connections} connections, \
         {wall:?} wall, client CPU {cpu:?} = {per_call:?} per call",
        server.requests()
    );
    // A generous bound for a debug build on a busy machine; the figure itself is printed.
    assert!(
        per_call < Duration::from_millis(20),
        "{per_call:?} of client CPU per call"
    );
}

#[tokio::test]
async fn fifty_concurrent_bodies_near_the_limit_keep_the_clients_heap_bounded() {
    const LIMIT: usize = 1 << 20;
    const CALLS: usize = 50;
    let _serial = SERIAL.lock().await;
    // Half the calls get a body just under the limit, half a chunked body eight times over
    // it, which the client must stop reading at the limit.
    let padding = "x".repeat(LIMIT - 1024);
    let near = Answer::json(
        200,
        "req-big",
        &format!(r#"{{"count": 0, "vaults": [], "padding": "{padding}"}}"#),
    );
    let over = Answer::json(200, "req-huge", &"x".repeat(8 * LIMIT));
    let server = FaultServer::start(move |_, seen| match call_index(seen) % 2 {
        0 => Fault::None(near.clone()),
        _ => Fault::Chunked(over.clone()),
    });
    let client = e2e_support::builder(&server.base_url, AuthKind::Token.auth())
        .max_response_body_size(LIMIT)
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();

    COUNTED.with(|c| c.set(true));
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let results = run_calls(&client, CALLS, CALLS).await;
    let peak = PEAK.load(Ordering::Relaxed) - base;
    COUNTED.with(|c| c.set(false));

    println!(
        "memory: {CALLS} concurrent calls, limit {LIMIT} B: client heap peak {:.1} MiB ({:.2} × limit per call)",
        peak as f64 / (1 << 20) as f64,
        peak as f64 / (CALLS * LIMIT) as f64
    );
    // Each call holds at most its body (within the limit) and its decoded value.
    assert!(
        peak < CALLS * 2 * LIMIT + (16 << 20),
        "client heap peak {peak} B"
    );
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let too_large = results
        .iter()
        .filter(|r| matches!(r, Err(Error::BodyTooLarge(_))))
        .count();
    assert_eq!(
        (ok, too_large),
        (CALLS / 2, CALLS / 2),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
}
