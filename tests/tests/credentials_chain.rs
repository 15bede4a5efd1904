//! The credential chain: each source on its own, their order, and the instance metadata service
//! against a loopback server (sessions, expiry and refresh, one fetch for many concurrent
//! calls, a server that never answers). The environment is an injected map, never the
//! process's, so these tests run in parallel with any other.

mod e2e_support;

use std::collections::HashMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cbr_tests::mock_http::{MockServer, Received, Reply};
use e2e_support::{
    assert_authenticated, documented_reply, fast_retries, AuthKind, AK, PROJECT, SECURITY_TOKEN, SK,
};
use huaweicloud_cbr::{
    Auth, Client, CredentialSource, CredentialsChain, Error, MetadataCredentials, ProvideAuth,
    ENV_ACCESS_KEY, ENV_CREDENTIALS_FILE, ENV_SECRET_KEY, ENV_SECURITY_TOKEN,
};

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const KEY_PATH: &str = "/openstack/latest/securitykey";
const SESSION: &str = "metadata-session-1";

/// An environment of these variables only.
fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.get(name).cloned()
}

/// A profile file of its own in the temporary folder; removed on drop.
struct ProfileFile(PathBuf);

impl ProfileFile {
    fn with(text: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "hwc-chain-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, text).unwrap();
        ProfileFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for ProfileFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The metadata service's answer: credentials expiring `expires_in` from now.
fn security_key(access: &str, expires_in: Duration) -> String {
    let expires_at = time::OffsetDateTime::now_utc() + expires_in;
    let expires_at = expires_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    serde_json::json!({"credential": {
        "access": access,
        "secret": SK,
        "securitytoken": SECURITY_TOKEN,
        "expires_at": expires_at,
    }})
    .to_string()
}

/// A metadata service with sessions that gives `access` keys valid for `expires_in`, and
/// counts the requests for each path.
struct Metadata {
    server: MockServer,
    tokens: Arc<AtomicUsize>,
    keys: Arc<AtomicUsize>,
}

impl Metadata {
    fn start(answer: impl Fn(usize, &Received) -> Reply + Send + 'static) -> Self {
        let tokens = Arc::new(AtomicUsize::new(0));
        let keys = Arc::new(AtomicUsize::new(0));
        let (t, k) = (Arc::clone(&tokens), Arc::clone(&keys));
        let server = MockServer::with_handler(move |request| match request.path() {
            TOKEN_PATH if request.method == "PUT" => {
                t.fetch_add(1, Ordering::SeqCst);
                assert_eq!(
                    request.header("x-metadata-token-ttl-seconds"),
                    Some("21600")
                );
                Reply::text(200, "text/plain", SESSION)
            }
            KEY_PATH if request.method == "GET" => {
                answer(k.fetch_add(1, Ordering::SeqCst), request)
            }
            _ => Reply::text(404, "text/plain", "not here"),
        });
        Metadata {
            server,
            tokens,
            keys,
        }
    }

    fn credentials(&self) -> MetadataCredentials {
        MetadataCredentials::new().endpoint(&self.server.base_url)
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.tokens.load(Ordering::SeqCst),
            self.keys.load(Ordering::SeqCst),
        )
    }
}

fn access_key(auth: &Auth) -> String {
    match auth {
        Auth::AkSk(credentials) => credentials.access_key().to_owned(),
        other => panic!("expected AK/SK credentials, got {other:?}"),
    }
}

#[test]
fn the_environment_alone() {
    let chain = CredentialsChain::from_lookup(env(&[
        (ENV_ACCESS_KEY, "ENV-AK"),
        (ENV_SECRET_KEY, "ENV-SK"),
        (ENV_SECURITY_TOKEN, "ENV-ST"),
    ]));
    assert_eq!(chain.source(), Some(&CredentialSource::Environment));
    let auth = futures_block_on(chain.provide_auth()).unwrap();
    assert_eq!(access_key(&auth), "ENV-AK");
    assert_eq!(auth.scheme(), "ak/sk+security-token");
    assert_eq!(chain.project_id(), None);
}

#[test]
fn the_profile_file_alone() {
    let file = ProfileFile::with("[basic]\nak = FILE-AK\nsk = FILE-SK\nproject_id = p-file\n");
    let chain = CredentialsChain::from_lookup(env(&[(ENV_CREDENTIALS_FILE, file.path())]));
    assert_eq!(
        chain.source(),
        Some(&CredentialSource::Profile(file.0.clone()))
    );
    assert_eq!(chain.project_id(), Some("p-file"));
    let auth = futures_block_on(chain.provide_auth()).unwrap();
    assert_eq!(access_key(&auth), "FILE-AK");
    assert_eq!(auth.scheme(), "ak/sk");
}

#[test]
fn the_default_profile_file_is_under_home() {
    let home = std::env::temp_dir().join(format!("hwc-home-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".huaweicloud")).unwrap();
    std::fs::write(
        home.join(".huaweicloud/credentials"),
        "[basic]\nak = HOME-AK\nsk = HOME-SK\n",
    )
    .unwrap();
    let chain = CredentialsChain::from_lookup(env(&[("HOME", home.to_str().unwrap())]));
    let source = chain.source().cloned();
    std::fs::remove_dir_all(&home).unwrap();
    assert_eq!(
        source,
        Some(CredentialSource::Profile(
            home.join(".huaweicloud").join("credentials")
        ))
    );
}

#[tokio::test]
async fn the_metadata_service_alone_with_a_session_token() {
    let metadata = Metadata::start(|_, request| {
        assert_eq!(request.header("x-metadata-token"), Some(SESSION));
        Reply::json(200, &security_key(AK, Duration::from_secs(6 * 3600)))
    });
    let chain = CredentialsChain::from_lookup(env(&[])).metadata(metadata.credentials());
    assert_eq!(chain.source(), Some(&CredentialSource::Metadata));
    for _ in 0..3 {
        let auth = chain.provide_auth().await.unwrap();
        assert_eq!(access_key(&auth), AK);
        assert_eq!(auth.scheme(), "ak/sk+security-token");
    }
    // Fetched once, then served from the cache until 40 minutes before it expires.
    assert_eq!(metadata.counts(), (1, 1));
}

#[tokio::test]
async fn a_metadata_service_without_sessions_is_asked_without_a_token() {
    let keys = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&keys);
    let server = MockServer::with_handler(move |request| match request.path() {
        TOKEN_PATH => Reply::text(404, "text/plain", "no sessions"),
        KEY_PATH => {
            seen.fetch_add(1, Ordering::SeqCst);
            assert_eq!(request.header("x-metadata-token"), None);
            Reply::json(200, &security_key("AK-V1", Duration::from_secs(3600 * 6)))
        }
        _ => Reply::text(404, "text/plain", ""),
    });
    let metadata = MetadataCredentials::new().endpoint(&server.base_url);
    assert_eq!(access_key(&metadata.credentials().await.unwrap()), "AK-V1");
    assert_eq!(keys.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_expired_session_is_renewed_once() {
    // The first answer refuses the session, as the service does once it has expired.
    let metadata = Metadata::start(|n, _| match n {
        0 => Reply::text(401, "text/plain", "token expired"),
        _ => Reply::json(200, &security_key(AK, Duration::from_secs(6 * 3600))),
    });
    let auth = metadata.credentials().credentials().await.unwrap();
    assert_eq!(access_key(&auth), AK);
    assert_eq!(metadata.counts(), (2, 2));
}

#[tokio::test]
async fn an_instance_without_an_agency_says_so() {
    let metadata = Metadata::start(|_, _| {
        Reply::text(
            401,
            "text/plain",
            "Please configure Cloud Service Agency first",
        )
    });
    let error = metadata
        .credentials()
        .credentials()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("no agency"), "{error}");
    // No new session is asked for: the session was not the problem.
    assert_eq!(metadata.counts(), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credentials_are_refreshed_before_they_expire_by_one_fetch_for_fifty_calls() {
    let refresh_before = Duration::from_secs(3600);
    let metadata = Metadata::start(move |n, _| match n {
        // Fresh for two more seconds, then due.
        0 => Reply::json(
            200,
            &security_key("AK-OLD", refresh_before + Duration::from_secs(2)),
        ),
        // The refresh is slow, so every call below arrives while it is in flight.
        _ => Reply::json(200, &security_key("AK-NEW", Duration::from_secs(6 * 3600)))
            .with_delay(Duration::from_millis(500)),
    });
    let credentials = Arc::new(metadata.credentials().refresh_before(refresh_before));
    assert_eq!(
        access_key(&credentials.credentials().await.unwrap()),
        "AK-OLD"
    );
    assert_eq!(
        access_key(&credentials.credentials().await.unwrap()),
        "AK-OLD"
    );
    assert_eq!(metadata.counts(), (1, 1));

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let credentials = Arc::clone(&credentials);
            tokio::spawn(async move { credentials.credentials().await })
        })
        .collect();
    for call in calls {
        let auth = call.await.unwrap().unwrap();
        assert_eq!(access_key(&auth), "AK-NEW");
    }
    // One refresh for the fifty calls; the session token is reused.
    assert_eq!(metadata.counts(), (1, 2));
}

#[tokio::test]
async fn a_failed_refresh_keeps_credentials_that_have_not_expired() {
    let refresh_before = Duration::from_secs(3600);
    let metadata = Metadata::start(move |n, _| match n {
        // Already due for a refresh, but valid for ten more minutes.
        0 => Reply::json(200, &security_key("AK-OLD", Duration::from_secs(600))),
        _ => Reply::text(500, "text/plain", "unavailable"),
    });
    let credentials = metadata.credentials().refresh_before(refresh_before);
    assert_eq!(
        access_key(&credentials.credentials().await.unwrap()),
        "AK-OLD"
    );
    assert_eq!(
        access_key(&credentials.credentials().await.unwrap()),
        "AK-OLD"
    );
    assert_eq!(metadata.counts(), (1, 2));
}

#[tokio::test]
async fn a_metadata_service_that_never_answers_fails_fast() {
    // Accepts connections and reads what comes, but never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0; 1024];
            let _ = stream.read(&mut buffer);
            held.push(stream);
        }
    });
    let credentials = MetadataCredentials::new()
        .endpoint(&url)
        .timeout(Duration::from_millis(500));
    let started = Instant::now();
    let error = credentials.credentials().await.unwrap_err().to_string();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(error.contains("no answer within 500ms"), "{error}");
}

#[tokio::test]
async fn a_machine_without_a_metadata_service_fails_fast() {
    // A port nothing listens on: the connection is refused at once.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let credentials = MetadataCredentials::new().endpoint(format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let error = credentials.credentials().await.unwrap_err().to_string();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.contains("cannot connect"), "{error}");
}

#[test]
fn the_first_complete_source_wins() {
    let metadata = Metadata::start(|_, _| {
        Reply::json(200, &security_key("META-AK", Duration::from_secs(6 * 3600)))
    });
    let file = ProfileFile::with("[basic]\nak = FILE-AK\nsk = FILE-SK\n");
    let complete_env = [(ENV_ACCESS_KEY, "ENV-AK"), (ENV_SECRET_KEY, "ENV-SK")];
    let first = |vars: &[(&str, &str)]| {
        let chain = CredentialsChain::from_lookup(env(vars)).metadata(metadata.credentials());
        futures_block_on(chain.provide_auth()).map(|auth| access_key(&auth))
    };
    let with_file = |vars: &[(&'static str, &'static str)]| {
        let mut vars = vars.to_vec();
        vars.push((
            ENV_CREDENTIALS_FILE,
            Box::leak(file.path().to_owned().into_boxed_str()),
        ));
        vars
    };
    // Environment over the profile file over the metadata service.
    assert_eq!(first(&with_file(&complete_env)).unwrap(), "ENV-AK");
    assert_eq!(
        first(&with_file(&[(ENV_ACCESS_KEY, "ENV-AK")])).unwrap(),
        "FILE-AK"
    );
    assert_eq!(first(&[(ENV_SECRET_KEY, "ENV-SK")]).unwrap(), "META-AK");
    // The metadata service is asked only when the other two are incomplete.
    assert_eq!(metadata.counts(), (1, 1));
}

#[tokio::test]
async fn when_no_source_is_complete_the_error_lists_each_without_a_secret() {
    let file = ProfileFile::with("[basic]\nsk = SECRET-FROM-FILE\n");
    let chain = CredentialsChain::from_lookup(env(&[
        (ENV_SECRET_KEY, "SECRET-FROM-ENV"),
        (ENV_CREDENTIALS_FILE, file.path()),
    ]))
    .metadata(MetadataCredentials::new().endpoint("http://127.0.0.1:1"));
    let error = chain.provide_auth().await.unwrap_err();
    let message = error.to_string();
    let expected = format!(
        "no credentials found; tried, in order:\n  \
         environment: HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not\n  \
         profile file {}: [basic] has sk but no ak\n  \
         metadata service http://127.0.0.1:1: {TOKEN_PATH}: cannot connect",
        file.path(),
    );
    assert!(
        message.starts_with(&expected),
        "{message}\n-- expected --\n{expected}"
    );
    assert!(!message.contains("SECRET"), "{message}");
    assert!(!format!("{error:?} {chain:?}").contains("SECRET"));
}

#[test]
fn a_malformed_profile_stops_the_chain_with_the_file_and_line() {
    let file = ProfileFile::with("[basic]\nak = A\nsk = SECRET-VALUE\n[other\n");
    let chain = CredentialsChain::from_lookup(env(&[(ENV_CREDENTIALS_FILE, file.path())]));
    assert_eq!(chain.source(), None);
    let error = futures_block_on(chain.provide_auth())
        .unwrap_err()
        .to_string();
    assert!(error.contains(file.path()), "{error}");
    assert!(error.contains("line 4"), "{error}");
    assert!(!error.contains("SECRET"), "{error}");
}

#[tokio::test]
async fn a_client_signs_with_the_metadata_credentials() {
    let metadata =
        Metadata::start(|_, _| Reply::json(200, &security_key(AK, Duration::from_secs(6 * 3600))));
    let api = MockServer::start(vec![documented_reply("show_vault")]);
    let chain = CredentialsChain::from_lookup(env(&[])).metadata(metadata.credentials());
    let client = Client::builder()
        .project_id(PROJECT)
        .auth_provider(chain)
        .base_url(&api.base_url)
        .allow_http(true)
        .retry_config(fast_retries())
        .build()
        .unwrap();
    client.show_vault("v").await.unwrap();
    assert_authenticated(&api.next_request(), AuthKind::Temporary);
}

#[tokio::test]
async fn a_client_without_any_credentials_fails_its_call_with_the_sources() {
    let api = MockServer::start(vec![]);
    let chain = CredentialsChain::from_lookup(env(&[]))
        .metadata(MetadataCredentials::new().endpoint("http://127.0.0.1:1"));
    let client = Client::builder()
        .project_id(PROJECT)
        .auth_provider(chain)
        .base_url(&api.base_url)
        .allow_http(true)
        .build()
        .unwrap();
    let error = client.show_vault("v").await.unwrap_err();
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    let message = error.to_string();
    for source in ["environment:", "profile file:", "metadata service"] {
        assert!(message.contains(source), "{message}");
    }
    assert!(api.try_next_request(Duration::from_millis(100)).is_none());
}

/// Runs a future that needs no runtime (the fixed sources never wait).
fn futures_block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}
