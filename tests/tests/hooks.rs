//! Hooks around every attempt, against a loopback HTTP server that recomputes AK/SK
//! signatures, and the `hooks` example.

mod e2e_support;

#[allow(dead_code)] // its `main` is not called here
#[path = "../../generated/examples/hooks.rs"]
mod hooks_example;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cbr_tests::mock_http::{verify_signature, MockServer, Reply};
use e2e_support::{builder, documented_reply, AuthKind, AK, SK};
use huaweicloud_cbr::mock::{self, rule, Fault, Mock};
use huaweicloud_cbr::{
    AfterAttempt, AttemptErrorKind, BeforeAttempt, ConfigError, Error, Hook, HookError, HookFuture,
    HookStage, TransportErrorKind,
};

fn unavailable() -> Reply {
    Reply::json(503, r#"{"error_code": "APIGW.0308", "error_msg": "busy"}"#)
        .with_header("X-Request-Id", "r-503")
}

/// Writes one line per call into a shared log, and adds a header saying who ran.
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Hook for Recorder {
    fn name(&self) -> &str {
        self.name
    }

    fn before_attempt<'a>(&'a self, attempt: &'a mut BeforeAttempt<'_>) -> HookFuture<'a> {
        Box::pin(async move {
            // Awaiting inside a hook: the call waits for it.
            tokio::time::sleep(Duration::from_millis(1)).await;
            let headers = attempt.headers();
            for secret in [
                "authorization",
                "x-auth-token",
                "x-sdk-date",
                "x-security-token",
            ] {
                assert!(headers.get(secret).is_none(), "{secret} shown to a hook");
            }
            let seen = headers
                .get("x-hooks")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            self.log.lock().unwrap().push(format!(
                "{} before {} #{}",
                self.name, attempt.operation, attempt.attempt
            ));
            attempt.insert_header("X-Hooks", &format!("{seen}{}.", self.name))
        })
    }

    fn after_attempt<'a>(&'a self, attempt: &'a AfterAttempt<'_>) -> HookFuture<'a> {
        let line = format!(
            "{} after #{} {:?} {:?} {:?}",
            self.name,
            attempt.attempt,
            attempt.status.map(|s| s.as_u16()),
            attempt.request_id,
            attempt.error
        );
        assert!(attempt.duration > Duration::ZERO);
        if let Some(headers) = attempt.headers {
            assert!(headers.get("x-request-id").is_some() || attempt.request_id.is_none());
        }
        self.log.lock().unwrap().push(line);
        Box::pin(async { Ok(()) })
    }
}

/// Fails where it is told to.
struct Failing(HookStage);

impl Hook for Failing {
    fn before_attempt<'a>(&'a self, _: &'a mut BeforeAttempt<'_>) -> HookFuture<'a> {
        let stage = self.0;
        Box::pin(async move {
            match stage {
                HookStage::BeforeAttempt => Err(HookError::new("token service unreachable")),
                HookStage::AfterAttempt => Ok(()),
            }
        })
    }

    fn after_attempt<'a>(&'a self, _: &'a AfterAttempt<'_>) -> HookFuture<'a> {
        let stage = self.0;
        Box::pin(async move {
            match stage {
                HookStage::AfterAttempt => Err(HookError::new("metrics sink full")),
                HookStage::BeforeAttempt => Ok(()),
            }
        })
    }
}

fn recorders(log: &Arc<Mutex<Vec<String>>>) -> (Recorder, Recorder) {
    let first = Recorder {
        name: "first",
        log: Arc::clone(log),
    };
    let second = Recorder {
        name: "second",
        log: Arc::clone(log),
    };
    (first, second)
}

#[tokio::test]
async fn hooks_run_in_order_on_every_attempt_and_their_headers_are_signed() {
    let server = MockServer::start(vec![unavailable(), documented_reply("list_vaults")]);
    let log = Arc::new(Mutex::new(Vec::new()));
    let (first, second) = recorders(&log);
    let client = builder(&server.base_url, AuthKind::AkSk.auth())
        .hook(first)
        .hook(second)
        .build()
        .unwrap();
    client.list_vaults().await.unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "first before list_vaults #1",
            "second before list_vaults #1",
            "first after #1 Some(503) Some(\"r-503\") Some(Api)",
            "second after #1 Some(503) Some(\"r-503\") Some(Api)",
            "first before list_vaults #2",
            "second before list_vaults #2",
            "first after #2 Some(200) Some(\"req-1\") None",
            "second after #2 Some(200) Some(\"req-1\") None",
        ]
    );
    for _ in 0..2 {
        let request = server.next_request();
        // Each attempt starts from the call's headers: the hooks' are not carried over.
        assert_eq!(request.header("x-hooks"), Some("first.second."));
        let check = verify_signature(&request, AK, SK).unwrap();
        assert!(
            check.signed_headers.split(';').any(|h| h == "x-hooks"),
            "{}",
            check.signed_headers
        );
    }
}

#[tokio::test]
async fn a_hook_failing_before_an_attempt_is_a_typed_error_and_nothing_is_sent() {
    let server = MockServer::start(vec![]);
    let client = builder(&server.base_url, AuthKind::AkSk.auth())
        .hook(Failing(HookStage::BeforeAttempt))
        .build()
        .unwrap();
    let error = client.list_vaults().await.unwrap_err();
    let Error::Hook(hook) = &error else {
        panic!("{error}")
    };
    assert_eq!(hook.stage, HookStage::BeforeAttempt);
    assert_eq!((hook.operation, hook.attempt), ("list_vaults", 1));
    assert!(hook.hook.ends_with("Failing"), "{}", hook.hook);
    assert_eq!(
        error.to_string(),
        format!(
            "hook `{}` failed before attempt 1 of list_vaults: token service unreachable",
            hook.hook
        )
    );
    assert!(!error.is_retryable());
    assert!(server.try_next_request(Duration::from_millis(50)).is_none());
}

#[tokio::test]
async fn a_hook_failing_after_an_attempt_is_a_typed_error() {
    let server = MockServer::start(vec![documented_reply("list_vaults")]);
    let client = builder(&server.base_url, AuthKind::Token.auth())
        .hook(Failing(HookStage::AfterAttempt))
        .build()
        .unwrap();
    let error = client.list_vaults().await.unwrap_err();
    assert!(
        matches!(&error, Error::Hook(hook) if hook.stage == HookStage::AfterAttempt),
        "{error}"
    );
    server.next_request();
}

/// Tries to set a header the client writes itself.
struct Forger;

impl Hook for Forger {
    fn before_attempt<'a>(&'a self, attempt: &'a mut BeforeAttempt<'_>) -> HookFuture<'a> {
        Box::pin(async move { attempt.insert_header("X-Sdk-Date", "20000101T000000Z") })
    }
}

#[tokio::test]
async fn a_hook_cannot_set_a_header_of_the_signature() {
    let server = MockServer::start(vec![]);
    let client = builder(&server.base_url, AuthKind::AkSk.auth())
        .hook(Forger)
        .build()
        .unwrap();
    let error = client.list_vaults().await.unwrap_err();
    let Error::Hook(hook) = &error else {
        panic!("{error}")
    };
    let source = std::error::Error::source(&**hook).expect("the header error");
    let config = source.downcast_ref::<ConfigError>().expect("a ConfigError");
    assert!(
        matches!(config, ConfigError::ReservedHeader { .. }),
        "{config}"
    );
}

#[tokio::test(start_paused = true)]
async fn hooks_see_transport_faults_of_a_mock_client() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (first, _) = recorders(&log);
    let listing = rule::list_vaults()
        .then_fault(Fault::ConnectionRefused)
        .then_output(Default::default())
        .build();
    let client = mock::builder(Mock::new().with_rule(&listing))
        .hook(first)
        .build()
        .unwrap();
    client.list_vaults().await.unwrap();
    let connect = Some(AttemptErrorKind::Transport(TransportErrorKind::Connect));
    assert_eq!(
        log.lock().unwrap()[1],
        format!("first after #1 None None {connect:?}")
    );
    assert_eq!(
        listing.requests()[1].raw().headers["x-hooks"],
        "first.",
        "the mock saw the hook's header"
    );
}

#[tokio::test]
async fn the_hooks_example_counts_attempts_and_sends_its_header_signed() {
    let server = MockServer::start(vec![unavailable(), documented_reply("list_vaults")]);
    let stats = hooks_example::run(builder(&server.base_url, AuthKind::AkSk.auth()), "corr-1")
        .await
        .unwrap();
    let listing = &stats["list_vaults"];
    assert_eq!((listing.attempts, listing.failed), (2, 1));
    assert!(listing.latency > Duration::ZERO);
    for attempt in ["1", "2"] {
        let request = server.next_request();
        assert_eq!(request.header("x-correlation-id"), Some("corr-1"));
        assert_eq!(request.header("x-attempt"), Some(attempt));
        let check = verify_signature(&request, AK, SK).unwrap();
        assert!(check.signed_headers.contains("x-correlation-id"));
    }
    let server = MockServer::start(vec![]);
    let error = hooks_example::run(builder(&server.base_url, AuthKind::AkSk.auth()), "")
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("hook `correlation` failed before attempt 1"),
        "{error}"
    );
}
