//! Names the runtime and the generated crate already use: an operation, waiter or parameter
//! that would take one is an error naming where it is, instead of a crate that does not
//! compile. And the generator's checks of `x-waiters`.

use cbr_codegen::{generate, Error, ErrorKind};

const HEAD: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
servers:
- url: https://svc.{region}.example.com
";

/// A pageable listing (`limit`, `offset`, a list of objects) with `extra` query parameters
/// (YAML lines indented by six spaces), whose operationId is `id`.
fn listing(id: &str, extra: &str) -> String {
    format!(
        "{HEAD}paths:
  /v1/{{project_id}}/things:
    get:
      operationId: {id}
      parameters:
      - {{name: project_id, in: path, required: true, schema: {{type: string}}}}
      - {{name: limit, in: query, schema: {{type: integer}}}}
      - {{name: offset, in: query, schema: {{type: integer}}}}
{extra}      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  things:
                    type: array
                    items: {{$ref: '#/components/schemas/Thing'}}
{WAITED}"
    )
}

/// A polled operation with `waiters` (its `x-waiters` value, one flow line), and the
/// components of both specs.
fn polled(waiters: &str) -> String {
    format!(
        "{HEAD}paths:
  /v1/{{project_id}}/things/{{thing_id}}:
    get:
      operationId: show_thing
      x-waiters: {waiters}
      parameters:
      - {{name: project_id, in: path, required: true, schema: {{type: string}}}}
      - {{name: thing_id, in: path, required: true, schema: {{type: string}}}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  thing: {{$ref: '#/components/schemas/Thing'}}
{WAITED}"
    )
}

/// The error response and the components of every spec here.
const WAITED: &str = "        default:
          description: Error
          content:
            application/json:
              schema:
                type: object
                x-error-format: {code: /error_code, message: /error_msg}
                properties:
                  error_code: {type: string}
                  error_msg: {type: string}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
        status:
          type: string
          enum: [building, ready, broken]
        size: {type: integer}
";

const WAITER: &str = "[{method: wait_for_thing, type: ThingReady, resource: thing, result: thing, \
     state: status, success: [ready], failure: [broken]}]";

fn error_of(spec: &str) -> Error {
    match generate(spec) {
        Ok(_) => panic!("generation succeeded on:\n{spec}"),
        Err(error) => error,
    }
}

fn collision(error: &Error) -> (&str, &str) {
    match &error.kind {
        ErrorKind::NameCollision { name, first } => (name, first),
        other => panic!("not a name collision: {other:?} ({error})"),
    }
}

#[test]
fn the_fixtures_generate() {
    generate(&listing("list_things", "")).expect("the listing generates");
    generate(&polled(WAITER)).expect("the waiter generates");
}

#[test]
fn an_operation_id_that_is_a_method_of_the_runtime_client_is_an_error() {
    for id in [
        "timeout",
        "retry_config",
        "execute",
        "max_response_body_size",
    ] {
        let error = error_of(&listing(id, ""));
        assert_eq!(collision(&error), (id, "a method of Client"), "{error}");
        assert_eq!(
            error.pointer(),
            Some("#/paths/~1v1~1{project_id}~1things/get/operationId")
        );
    }
}

#[test]
fn an_operation_id_that_a_waiter_takes_is_an_error_naming_both() {
    let spec = polled(WAITER).replace("operationId: show_thing", "operationId: wait_for_thing");
    let error = error_of(&spec);
    assert_eq!(
        collision(&error),
        (
            "wait_for_thing",
            "#/paths/~1v1~1{project_id}~1things~1{thing_id}/get"
        ),
        "{error}"
    );
    assert_eq!(
        error.pointer(),
        Some("#/paths/~1v1~1{project_id}~1things~1{thing_id}/get/x-waiters/0/method")
    );
}

#[test]
fn a_waiter_named_like_a_method_of_the_runtime_client_is_an_error() {
    let error = error_of(&polled(&WAITER.replace("wait_for_thing", "timeout")));
    assert_eq!(
        collision(&error),
        ("timeout", "a method of Client"),
        "{error}"
    );
}

#[test]
fn a_parameter_named_like_a_paging_method_is_an_error() {
    for name in ["into_pages", "into_items"] {
        let extra = format!("      - {{name: {name}, in: query, schema: {{type: string}}}}\n");
        let error = error_of(&listing("list_things", &extra));
        assert_eq!(collision(&error), (name, "the request builder"), "{error}");
        assert_eq!(
            error.pointer(),
            Some("#/paths/~1v1~1{project_id}~1things/get/parameters/3"),
            "{error}"
        );
    }
}

#[test]
fn a_waiter_naming_a_member_the_resource_lacks_is_an_error_at_the_waiter() {
    let error = error_of(&polled(&WAITER.replace("state: status", "state: phase")));
    assert!(matches!(error.kind, ErrorKind::Invalid(_)), "{error}");
    assert_eq!(
        error.pointer(),
        Some("#/paths/~1v1~1{project_id}~1things~1{thing_id}/get/x-waiters/0/state")
    );
    assert!(error.to_string().contains("no member `phase`"), "{error}");
}

#[test]
fn a_waiter_state_that_the_enumeration_lacks_is_an_error() {
    let error = error_of(&polled(
        &WAITER.replace("failure: [broken]", "failure: [borked]"),
    ));
    assert_eq!(
        error.pointer(),
        Some("#/paths/~1v1~1{project_id}~1things~1{thing_id}/get/x-waiters/0/failure/0")
    );
    assert!(error.to_string().contains("`borked`"), "{error}");
}

#[test]
fn a_waiter_on_a_non_text_state_or_a_malformed_extension_is_an_error() {
    let error = error_of(&polled(&WAITER.replace("state: status", "state: size")));
    assert!(error.to_string().contains("neither a string"), "{error}");
    let error = error_of(&polled("[{method: wait_for_thing}]"));
    assert_eq!(
        error.pointer(),
        Some("#/paths/~1v1~1{project_id}~1things~1{thing_id}/get/x-waiters")
    );
    let error = error_of(&polled(
        &WAITER.replace("success: [ready]", "success: [ready, broken]"),
    ));
    assert!(
        error.to_string().contains("both success and failure"),
        "{error}"
    );
}
