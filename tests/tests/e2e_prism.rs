//! The spec against Prism, the mock server that validates requests and responses against
//! `spec/cbr.yaml`.
//!
//! `cargo xtask test` installs Prism (pinned in `tests/node`), starts `prism mock --errors` and
//! `prism proxy --errors` on the spec, and runs these tests with `--ignored`, the URLs in
//! `CBR_PRISM_MOCK_URL`, `CBR_PRISM_PROXY_URL` and `CBR_PRISM_UPSTREAM_ADDR` (the loopback
//! address the proxy forwards to, where the proxy test listens). Without Prism they are
//! ignored, never passed.
//!
//! - Every operation goes through the generated client with the spec's example values, with a
//!   token and with AK/SK. For each documented response example (chosen with
//!   `Prefer: example=…`) Prism must accept the request and answer without a violation: no
//!   `sl-violations` header, no `application/problem+json` body of a
//!   `https://stoplight.io/prism/errors#…` type. The answer must decode into its model and
//!   write back as the example.
//! - Every success response schema, through the proxy: the upstream answers with the
//!   documented example with its deepest typed member given a value of the wrong type, and
//!   Prism must report that member. A schema Prism cannot compile is silently not validated at
//!   all, and fails here. The same example with the nullable members of one level set to `null`
//!   must pass, and decode with `null` kept apart from absent.

mod e2e_support;

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use cbr_tests::mock_http::{MockServer, Reply};
use cbr_tests::{nullable_reference, operations, resolve, spec};
use e2e_support::{builder, request_examples, response_examples, AuthKind};
use huaweicloud_cbr::models::ResourceType;
use huaweicloud_cbr::reqwest::header::{HeaderMap, HeaderValue};
use huaweicloud_cbr::{reqwest, Client, Error, ResponseMetadata, Service};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const MOCK_URL: &str = "CBR_PRISM_MOCK_URL";
const PROXY_URL: &str = "CBR_PRISM_PROXY_URL";
const UPSTREAM_ADDR: &str = "CBR_PRISM_UPSTREAM_ADDR";

/// The `type` of every error Prism makes itself (a rejected request, a response violation).
const PRISM_ERRORS: &str = "https://stoplight.io/prism/errors#";

// Path parameters: identifiers from the spec's examples.
const TASK: &str = "4827f2da-b008-4507-ab7d-42d0df5ed912";
const BACKUP: &str = "0b07081e-3ec7-4e77-8571-54e2947da422";
const MEMBER: &str = "075e6035d300d48c2fd0c00b78b71ebf";
const CHECKPOINT: &str = "8b0851a8-adf3-4f4c-a914-dead08bf9664";
const VAULT: &str = "79bd9daa-884f-4f84-b8fe-235d58cd927d";
const POLICY: &str = "cbb3ce6f-3332-4e7c-b98e-77290d8471ff";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: these tests need Prism, which `cargo xtask test` starts")
    })
}

/// A client of `base_url` (both services) asking Prism for the response example `example`.
fn client(base_url: &str, auth: AuthKind, example: Option<&str>) -> Client {
    let mut headers = HeaderMap::new();
    if let Some(example) = example {
        let prefer = HeaderValue::from_str(&format!("example={example}")).expect("a header value");
        headers.insert("prefer", prefer);
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("the HTTP client builds");
    builder(base_url, auth.auth())
        .endpoint(Service::Vbs, base_url)
        .timeout(Duration::from_secs(30))
        .http_client(http)
        .build()
        .expect("the client builds")
}

/// What one call returned: the decoded success body written back as JSON, and the metadata.
type Answer = Result<(Value, ResponseMetadata), Error>;

fn answer<T: Serialize>(result: Result<(T, ResponseMetadata), Error>) -> Answer {
    result.map(|(body, metadata)| {
        let body = serde_json::to_value(body).expect("a decoded body serialises");
        (body, metadata)
    })
}

/// The request example `body` as the typed request body of `operation`.
fn typed<T: DeserializeOwned>(operation: &str, body: Option<&Value>) -> T {
    let body = body.unwrap_or_else(|| panic!("{operation}: the spec has no request example"));
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("{operation}: the request example does not decode: {e}"))
}

/// Calls `operation` with the spec's example values: the identifiers above, the query of the
/// documented example requests, and `body`.
async fn call(c: &Client, operation: &str, body: Option<&Value>) -> Answer {
    let op = operation;
    match op {
        "show_operation_log" => answer(c.show_operation_log(TASK).send_with_metadata().await),
        "list_operation_logs" => answer(c.list_operation_logs().send_with_metadata().await),
        "list_share_members" => answer(c.list_share_members(BACKUP).send_with_metadata().await),
        "add_share_members" => {
            let body = typed(op, body);
            answer(c.add_share_members(BACKUP, body).send_with_metadata().await)
        }
        "show_share_member" => answer(
            c.show_share_member(BACKUP, MEMBER)
                .send_with_metadata()
                .await,
        ),
        "update_share_member" => {
            let body = typed(op, body);
            answer(
                c.update_share_member(BACKUP, MEMBER, body)
                    .send_with_metadata()
                    .await,
            )
        }
        "delete_share_member" => answer(
            c.delete_share_member(BACKUP, MEMBER)
                .send_with_metadata()
                .await,
        ),
        "show_checkpoint" => answer(c.show_checkpoint(CHECKPOINT).send_with_metadata().await),
        "create_checkpoint" => answer(
            c.create_checkpoint(typed(op, body))
                .send_with_metadata()
                .await,
        ),
        "sync_checkpoint" => answer(
            c.sync_checkpoint(typed(op, body))
                .send_with_metadata()
                .await,
        ),
        "list_vaults" => answer(c.list_vaults().send_with_metadata().await),
        "create_vault" => answer(c.create_vault(typed(op, body)).send_with_metadata().await),
        "show_vault" => answer(c.show_vault(VAULT).send_with_metadata().await),
        "update_vault" => answer(
            c.update_vault(VAULT, typed(op, body))
                .send_with_metadata()
                .await,
        ),
        "delete_vault" => answer(c.delete_vault(VAULT).send_with_metadata().await),
        "remove_vault_resources" => {
            let body = typed(op, body);
            answer(
                c.remove_vault_resources(VAULT, body)
                    .send_with_metadata()
                    .await,
            )
        }
        "add_vault_resources" => {
            let body = typed(op, body);
            answer(
                c.add_vault_resources(VAULT, body)
                    .send_with_metadata()
                    .await,
            )
        }
        "associate_vault_policy" => {
            let body = typed(op, body);
            answer(
                c.associate_vault_policy(VAULT, body)
                    .send_with_metadata()
                    .await,
            )
        }
        "dissociate_vault_policy" => {
            let body = typed(op, body);
            answer(
                c.dissociate_vault_policy(VAULT, body)
                    .send_with_metadata()
                    .await,
            )
        }
        // The query of 002 §5.3's example request.
        "list_backups" => answer(
            c.list_backups()
                .resource_type(ResourceType::OsNovaServer)
                .limit(5)
                .offset(0)
                .send_with_metadata()
                .await,
        ),
        "show_backup" => answer(c.show_backup(BACKUP).send_with_metadata().await),
        "delete_backup" => answer(c.delete_backup(BACKUP).send_with_metadata().await),
        "restore_backup" => answer(
            c.restore_backup(BACKUP, typed(op, body))
                .send_with_metadata()
                .await,
        ),
        "sync_backups" => answer(c.sync_backups(typed(op, body)).send_with_metadata().await),
        "list_policies" => answer(c.list_policies().send_with_metadata().await),
        "create_policy" => answer(c.create_policy(typed(op, body)).send_with_metadata().await),
        "show_policy" => answer(c.show_policy(POLICY).send_with_metadata().await),
        "update_policy" => answer(
            c.update_policy(POLICY, typed(op, body))
                .send_with_metadata()
                .await,
        ),
        "delete_policy" => answer(c.delete_policy(POLICY).send_with_metadata().await),
        "create_vbs_backup" => answer(
            c.create_vbs_backup(typed(op, body))
                .send_with_metadata()
                .await,
        ),
        other => panic!("{other}: an operation of the spec this test does not call; add it"),
    }
}

/// Prism's own error in `body`, if it is one: its type, title, detail and violations.
fn prism_error(body: &str) -> Option<String> {
    let problem: Value = serde_json::from_str(body).ok()?;
    let kind = problem["type"].as_str()?;
    kind.starts_with(PRISM_ERRORS).then(|| {
        format!(
            "Prism: {kind}: {}: {}; {}",
            problem["title"].as_str().unwrap_or(""),
            problem["detail"].as_str().unwrap_or(""),
            problem["validation"]
        )
    })
}

/// What is wrong with `answer`, given that Prism should have answered with `expected`.
fn problems_with(answer: &Answer, expected: &Value) -> Vec<String> {
    let (decoded, metadata) = match answer {
        Ok(ok) => ok,
        Err(Error::Api(api)) => {
            let problem = prism_error(&api.body).unwrap_or_else(|| api.to_string());
            return vec![format!("status {}: {problem}", api.status)];
        }
        Err(other) => return vec![other.to_string()],
    };
    let mut problems = Vec::new();
    if let Some(violations) = metadata.headers.get("sl-violations") {
        problems.push(format!("sl-violations: {violations:?}"));
    }
    if decoded != expected {
        problems.push(format!(
            "the decoded answer differs from the example:\n  decoded  {decoded}\n  example  {expected}"
        ));
    }
    problems
}

/// Every operation, each of its request and response examples at least once, against the mock.
async fn every_operation_is_accepted(auth: AuthKind) {
    let base_url = env(MOCK_URL);
    let spec = spec();
    let operations = operations(&spec);
    let mut failures = Vec::new();
    let mut accepted = 0;
    for operation in &operations {
        let id = operation.id();
        let requests = request_examples(id);
        let (_, responses) = response_examples(id);
        let mut problems = Vec::new();
        for i in 0..requests.len().max(responses.len()).max(1) {
            let request = (!requests.is_empty()).then(|| &requests[i % requests.len()]);
            let response = (!responses.is_empty()).then(|| &responses[i % responses.len()]);
            let client = client(&base_url, auth, response.map(|(name, _)| name.as_str()));
            let answer = call(&client, id, request.map(|(_, body)| body)).await;
            let expected = response.map_or(Value::Null, |(_, example)| example.clone());
            let names = format!(
                "request example {}, response example {}",
                request.map_or("-", |(name, _)| name),
                response.map_or("-", |(name, _)| name)
            );
            for problem in problems_with(&answer, &expected) {
                problems.push(format!("{id} ({names}): {problem}"));
            }
        }
        if problems.is_empty() {
            accepted += 1;
        }
        failures.extend(problems);
    }
    println!(
        "Prism accepted {accepted}/{} operations with {auth:?}",
        operations.len()
    );
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn every_operation_is_accepted_with_a_token() {
    every_operation_is_accepted(AuthKind::Token).await;
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn every_operation_is_accepted_with_ak_sk() {
    every_operation_is_accepted(AuthKind::AkSk).await;
}

// ----- response schemas, through the proxy -------------------------------------------------

/// The loopback server the proxy forwards to, answering every request with `reply`.
struct Upstream {
    server: MockServer,
    reply: Arc<Mutex<Reply>>,
}

/// The one upstream of the proxy (its address is fixed when Prism starts), held by one test at
/// a time.
fn upstream() -> MutexGuard<'static, Upstream> {
    static UPSTREAM: OnceLock<Mutex<Upstream>> = OnceLock::new();
    let upstream = UPSTREAM.get_or_init(|| {
        let reply = Arc::new(Mutex::new(Reply::empty(599)));
        let answer = Arc::clone(&reply);
        let server = MockServer::on(&env(UPSTREAM_ADDR), move |_| {
            answer.lock().expect("the reply").clone()
        });
        Mutex::new(Upstream { server, reply })
    });
    // A test that failed while holding it leaves nothing half-done that the next one relies on.
    upstream
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Upstream {
    /// Sends `operation` through the proxy while the upstream answers `status` and `body`.
    async fn exchange(&self, operation: &str, status: u16, body: &Value) -> Answer {
        *self.reply.lock().expect("the reply") = Reply::json_value(status, body);
        self.server.drain();
        let client = client(&env(PROXY_URL), AuthKind::Token, None);
        let request = request_examples(operation).into_iter().next();
        let answer = call(&client, operation, request.as_ref().map(|(_, body)| body)).await;
        assert!(
            !self.server.drain().is_empty(),
            "{operation}: the proxy did not forward the request: {:?}",
            answer.as_ref().err().map(ToString::to_string)
        );
        answer
    }
}

/// The schema that a member's `schema` stands for, following `$ref`, a one-element `allOf`
/// and the nullable reference, and whether the member may be `null`.
fn target<'a>(spec: &'a Value, schema: &'a Value) -> (&'a Value, bool) {
    let nullable = schema["nullable"] == json!(true) || nullable_reference(schema).is_some();
    let mut schema = schema;
    loop {
        let reference = schema["$ref"]
            .as_str()
            .or_else(|| nullable_reference(schema))
            .or_else(|| match schema["allOf"].as_array().map(Vec::as_slice) {
                Some([single]) => single["$ref"].as_str(),
                _ => None,
            });
        match reference {
            Some(reference) => {
                schema = resolve(spec, reference)
                    .unwrap_or_else(|| panic!("`{reference}` points at nothing"));
            }
            None => return (schema, nullable),
        }
    }
}

/// Every scalar member of `value` (an instance of `schema`) whose schema has a scalar `type`:
/// its path (object keys and array indices) and that type.
fn typed_leaves(
    spec: &Value,
    schema: &Value,
    value: &Value,
    path: &[String],
) -> Vec<(Vec<String>, String)> {
    let (schema, _) = target(spec, schema);
    match value {
        Value::Object(members) => members
            .iter()
            .filter_map(|(name, member)| Some((name, member, schema["properties"].get(name)?)))
            .flat_map(|(name, member, member_schema)| {
                let path = [path, std::slice::from_ref(name)].concat();
                typed_leaves(spec, member_schema, member, &path)
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(index, item)| {
                let path = [path, &[index.to_string()]].concat();
                typed_leaves(spec, &schema["items"], item, &path)
            })
            .collect(),
        Value::Null => Vec::new(),
        _ => match schema["type"].as_str() {
            Some(ty @ ("string" | "integer" | "number" | "boolean")) => {
                vec![(path.to_vec(), ty.to_owned())]
            }
            _ => Vec::new(),
        },
    }
}

/// `value` with the member at `path` replaced by `new`.
fn replaced(value: &Value, path: &[String], new: Value) -> Value {
    let mut value = value.clone();
    let pointer: String = path
        .iter()
        .map(|s| format!("/{}", cbr_tests::escape_pointer(s)))
        .collect();
    *value.pointer_mut(&pointer).expect("the path exists") = new;
    value
}

/// `value` (an instance of `schema`) with every nullable member `depth` objects down set to
/// `null` (1: the members of `value` itself), and how many were.
fn nulled(spec: &Value, schema: &Value, value: &Value, depth: usize) -> (Value, usize) {
    let (schema, _) = target(spec, schema);
    match value {
        Value::Object(members) => {
            let mut count = 0;
            let mut out = members.clone();
            for (name, member) in &mut out {
                let Some(member_schema) = schema["properties"].get(name) else {
                    continue;
                };
                if depth == 1 {
                    if target(spec, member_schema).1 && !member.is_null() {
                        *member = Value::Null;
                        count += 1;
                    }
                } else {
                    let (new, n) = nulled(spec, member_schema, member, depth - 1);
                    *member = new;
                    count += n;
                }
            }
            (Value::Object(out), count)
        }
        Value::Array(items) => {
            let (items, counts): (Vec<Value>, Vec<usize>) = items
                .iter()
                .map(|item| nulled(spec, &schema["items"], item, depth))
                .unzip();
            (Value::Array(items), counts.into_iter().sum())
        }
        other => (other.clone(), 0),
    }
}

/// How many objects deep `value` goes (0 for a scalar, 1 for an object of scalars).
fn object_depth(value: &Value) -> usize {
    match value {
        Value::Object(members) => 1 + members.values().map(object_depth).max().unwrap_or(0),
        Value::Array(items) => items.iter().map(object_depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The documented success status, schema and first example of every operation that has a
/// success body.
fn success_bodies(spec: &Value) -> Vec<(String, u16, Value, Value)> {
    let mut out = Vec::new();
    for operation in operations(spec) {
        let id = operation.id();
        let (status, examples) = response_examples(id);
        let Some((_, example)) = examples.into_iter().next() else {
            continue;
        };
        let schema = operation.value["responses"][status.to_string()]["content"]
            ["application/json"]["schema"]
            .clone();
        out.push((id.to_owned(), status, schema, example));
    }
    out
}

/// A runtime for the proxy tests, which are synchronous so that the upstream they hold is
/// never held across an `await`.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

#[test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
fn prism_validates_every_success_response_schema() {
    let spec = spec();
    let upstream = upstream();
    let runtime = runtime();
    let bodies = success_bodies(&spec);
    let mut failures = Vec::new();
    let mut validated = 0;
    for (id, status, schema, example) in &bodies {
        // The first of the deepest typed members: a wrong value there is found only if Prism
        // compiled the whole schema down to it.
        let leaves = typed_leaves(&spec, schema, example, &[]);
        let deepest = leaves.iter().map(|(path, _)| path.len()).max();
        let Some((path, ty)) = leaves.iter().find(|(path, _)| Some(path.len()) == deepest) else {
            failures.push(format!("{id}: the example has no typed member to break"));
            continue;
        };
        let wrong = if ty == "string" {
            json!(12345)
        } else {
            json!("fifty")
        };
        let broken = replaced(example, path, wrong);
        let answer = runtime.block_on(upstream.exchange(id, *status, &broken));
        let location: Vec<String> = ["response", "body"]
            .iter()
            .map(|s| (*s).to_owned())
            .chain(path.iter().cloned())
            .collect();
        let reported = match &answer {
            Err(Error::Api(api)) => serde_json::from_str::<Value>(&api.body)
                .ok()
                .filter(|problem| problem["type"] == json!(format!("{PRISM_ERRORS}VIOLATIONS")))
                .is_some_and(|problem| {
                    problem["validation"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|violation| violation["location"] == json!(location))
                }),
            _ => false,
        };
        if reported {
            validated += 1;
        } else {
            let seen = match &answer {
                Ok((body, _)) => format!("answered {body}"),
                Err(Error::Api(api)) => format!("status {}: {}", api.status, api.body),
                Err(other) => other.to_string(),
            };
            failures.push(format!(
                "{id}: {} = {} ({ty} in the schema) was not reported at {location:?}; {seen}",
                path.join("."),
                broken
                    .pointer(&format!("/{}", path.join("/")))
                    .unwrap_or(&Value::Null)
            ));
        }
    }
    println!(
        "Prism validated {validated}/{} success response schemas",
        bodies.len()
    );
    assert!(
        failures.is_empty(),
        "{} response schema(s) not validated by Prism:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
fn prism_accepts_null_for_every_nullable_member() {
    let spec = spec();
    let upstream = upstream();
    let runtime = runtime();
    let mut failures = Vec::new();
    let mut nulls = 0;
    for (id, status, schema, example) in success_bodies(&spec) {
        for depth in 1..=object_depth(&example) {
            let (body, count) = nulled(&spec, &schema, &example, depth);
            if count == 0 {
                continue;
            }
            nulls += count;
            let answer = runtime.block_on(upstream.exchange(&id, status, &body));
            for problem in problems_with(&answer, &body) {
                failures.push(format!(
                    "{id} ({count} member(s) {depth} deep set to null): {problem}"
                ));
            }
        }
    }
    println!("Prism accepted null for {nulls} nullable members of the examples");
    assert!(nulls > 0, "no nullable member found in the examples");
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
