//! The generator rejects what it does not support, with the location of the problem; it never
//! panics on bad input.

use cbr_codegen::{generate, Error, ErrorKind, Location};

/// What every spec of these tests starts with.
const HEAD: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
servers:
- url: https://svc.{region}.example.com
";

/// A valid spec with `schemas` (YAML lines indented by four spaces) as its components.
fn spec_with_schemas(schemas: &str) -> String {
    format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n{schemas}")
}

/// A spec with `rest` after `paths:`: the path items (indented by two spaces), then any
/// top-level members that follow them (`components:` …).
fn spec_with_paths(rest: &str) -> String {
    format!("{HEAD}paths:\n{rest}")
}

fn error_of(spec: &str) -> Error {
    match generate(spec) {
        Ok(_) => panic!("generation succeeded on:\n{spec}"),
        Err(error) => error,
    }
}

#[test]
fn a_valid_spec_generates() {
    let spec = spec_with_schemas(
        "    A:\n      type: object\n      properties:\n        x: {type: string}\n",
    );
    let files = generate(&spec).expect("generates");
    let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    for expected in [
        "generated/src/models.rs",
        "generated/src/operations.rs",
        "generated/API.txt",
        "spec/cbr.json",
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
}

#[test]
fn an_unsupported_construct_is_an_error_naming_its_pointer() {
    let error = error_of(&spec_with_schemas(
        "    Vault:
      type: object
      properties:
        billing:
          oneOf:
          - {type: string}
          - {type: integer}
",
    ));
    assert!(matches!(error.kind, ErrorKind::Unsupported(_)), "{error:?}");
    assert_eq!(
        error.pointer(),
        Some("#/components/schemas/Vault/properties/billing/oneOf")
    );
    assert_eq!(
        error.to_string(),
        "#/components/schemas/Vault/properties/billing/oneOf: unsupported construct: oneOf"
    );
}

#[test]
fn an_allof_of_two_schemas_is_unsupported() {
    let error = error_of(&spec_with_schemas(
        "    A:
      type: object
      properties:
        x: {type: string}
    B:
      type: object
      properties:
        y:
          allOf:
          - $ref: '#/components/schemas/A'
          - $ref: '#/components/schemas/A'
",
    ));
    assert_eq!(
        error.pointer(),
        Some("#/components/schemas/B/properties/y/allOf")
    );
}

#[test]
fn nullable_without_type_is_an_error() {
    // OpenAPI 3.0.3 ignores it there; strict validators and Prism reject `null` for the member.
    let error = error_of(&spec_with_schemas(
        "    A:
      type: object
      properties:
        x: {type: string}
    B:
      type: object
      properties:
        a:
          allOf:
          - $ref: '#/components/schemas/A'
          nullable: true
",
    ));
    assert!(matches!(error.kind, ErrorKind::Invalid(_)), "{error:?}");
    assert_eq!(
        error.pointer(),
        Some("#/components/schemas/B/properties/a/nullable")
    );
    assert!(error
        .to_string()
        .contains("anyOf: [{$ref: …}, {enum: [null]}]"));
}

#[test]
fn an_anyof_other_than_a_nullable_reference_is_unsupported() {
    for branches in [
        "- $ref: '#/components/schemas/A'\n          - {type: string}",
        "- {enum: [null]}\n          - $ref: '#/components/schemas/A'",
        "- $ref: '#/components/schemas/A'\n          - {enum: [null], description: x}",
        "- $ref: '#/components/schemas/A'",
    ] {
        let error = error_of(&spec_with_schemas(&format!(
            "    A:
      type: object
      properties:
        x: {{type: string}}
    B:
      type: object
      properties:
        a:
          anyOf:
          {branches}
"
        )));
        assert!(
            matches!(error.kind, ErrorKind::Unsupported(_)),
            "{branches}: {error:?}"
        );
        assert_eq!(
            error.pointer(),
            Some("#/components/schemas/B/properties/a/anyOf"),
            "{branches}"
        );
    }
}

#[test]
fn type_names_that_collide_after_case_conversion_are_an_error() {
    let error = error_of(&spec_with_schemas(
        "    PolicyODCreate:
      type: object
      properties:
        x: {type: string}
    PolicyOdCreate:
      type: object
      properties:
        x: {type: string}
",
    ));
    assert_eq!(
        error.kind,
        ErrorKind::NameCollision {
            name: "PolicyOdCreate".into(),
            first: "#/components/schemas/PolicyODCreate".into()
        }
    );
    assert_eq!(error.pointer(), Some("#/components/schemas/PolicyOdCreate"));
    assert!(
        error
            .to_string()
            .contains("#/components/schemas/PolicyODCreate"),
        "{error}"
    );
}

#[test]
fn member_names_that_collide_after_case_conversion_are_an_error() {
    let error = error_of(&spec_with_schemas(
        "    A:
      type: object
      properties:
        vaultId: {type: string}
        vault_id: {type: string}
",
    ));
    assert!(matches!(error.kind, ErrorKind::NameCollision { ref name, .. } if name == "vault_id"));
    assert_eq!(
        error.pointer(),
        Some("#/components/schemas/A/properties/vault_id")
    );
}

#[test]
fn an_inline_type_named_like_a_component_is_an_error() {
    let error = error_of(&spec_with_schemas(
        "    VaultStatus:
      type: string
      enum: [available]
    Vault:
      type: object
      properties:
        status: {type: string, enum: [locked]}
",
    ));
    assert_eq!(
        error.kind,
        ErrorKind::NameCollision {
            name: "VaultStatus".into(),
            first: "#/components/schemas/VaultStatus".into()
        }
    );
    assert_eq!(
        error.pointer(),
        Some("#/components/schemas/Vault/properties/status")
    );
}

#[test]
fn a_dangling_reference_is_an_error_naming_where_it_is() {
    let error = error_of(&spec_with_schemas(
        "    A:
      type: object
      properties:
        b:
          allOf:
          - $ref: '#/components/schemas/Missing'
",
    ));
    assert_eq!(
        error.kind,
        ErrorKind::DanglingRef("#/components/schemas/Missing".into())
    );
    assert_eq!(
        error.pointer(),
        Some("#/components/schemas/A/properties/b/allOf/0")
    );
    assert!(error
        .to_string()
        .starts_with("#/components/schemas/A/properties/b/allOf/0: "));
}

#[test]
fn an_enumeration_value_without_an_identifier_is_an_error() {
    let error = error_of(&spec_with_schemas(
        "    E:\n      type: string\n      enum: ['***']\n",
    ));
    assert!(matches!(error.kind, ErrorKind::InvalidName(_)));
    assert_eq!(error.pointer(), Some("#/components/schemas/E/enum/0"));
}

#[test]
fn a_path_parameter_missing_from_the_template_is_an_error() {
    let spec = spec_with_paths(
        "  /things:
    get:
      operationId: list_things
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: ok}
",
    );
    let error = error_of(&spec);
    assert!(matches!(error.kind, ErrorKind::Invalid(_)));
    assert_eq!(error.pointer(), Some("#/paths/~1things/get/parameters"));
}

#[test]
fn a_yaml_syntax_error_names_line_and_column() {
    let error = error_of("openapi: 3.0.3\ninfo: [unclosed\n");
    assert!(matches!(error.kind, ErrorKind::Parse(_)));
    let Location::Text { line, .. } = error.location else {
        panic!("no text location: {error:?}");
    };
    assert!(line >= 2, "{error}");
    assert!(error.to_string().starts_with("line "), "{error}");
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let inputs = [
        "",
        "~",
        "[]",
        "openapi: 3.0.3",
        "openapi: 2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "\u{0}\u{1}",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
    ];
    for input in inputs {
        let result = std::panic::catch_unwind(|| generate(input));
        let outcome = result.unwrap_or_else(|_| panic!("panicked on {input:?}"));
        assert!(outcome.is_err(), "accepted {input:?}");
    }
}

/// A spec with one operation whose `default` response has the inline schema `error_schema`.
fn spec_with_error_body(error_schema: &str) -> String {
    spec_with_paths(&format!(
        "  /things:
    delete:
      operationId: delete_things
      responses:
        '204': {{description: ok}}
        default:
          description: error
          content:
            application/json:
              schema: {error_schema}
"
    ))
}

/// The pointer of the error body schema of [`spec_with_error_body`].
const ERROR_SCHEMA: &str =
    "#/paths/~1things/delete/responses/default/content/application~1json/schema";

#[test]
fn an_error_body_is_read_through_its_x_error_format() {
    let spec = spec_with_error_body(
        "{type: object, x-error-format: {code: /fault, message: /text}, \
         properties: {fault: {type: string}, text: {type: string}}}",
    );
    let api = cbr_codegen::parse_and_lower(&spec).expect("lowers");
    assert_eq!(
        api.operations[0].error_format,
        cbr_codegen::model::ErrorFormat::Flat {
            code: "fault".into(),
            message: "text".into()
        }
    );
}

#[test]
fn a_nested_x_error_format_names_the_enclosing_member() {
    let spec = spec_with_error_body(
        "{type: object, x-error-format: {code: /error/code, message: /error/message}, \
         properties: {error: {type: object, properties: {code: {type: string}, \
         message: {type: string}}}}}",
    );
    let api = cbr_codegen::parse_and_lower(&spec).expect("lowers");
    assert_eq!(
        api.operations[0].error_format,
        cbr_codegen::model::ErrorFormat::Nested {
            member: "error".into(),
            code: "code".into(),
            message: "message".into()
        }
    );
}

#[test]
fn an_error_body_without_x_error_format_is_unsupported_even_with_familiar_members() {
    // Member names alone are never taken as the error format.
    let error = error_of(&spec_with_error_body(
        "{type: object, properties: {error_code: {type: string}, error_msg: {type: string}}}",
    ));
    assert!(matches!(error.kind, ErrorKind::Unsupported(_)), "{error:?}");
    assert_eq!(error.pointer(), Some(ERROR_SCHEMA));
    assert!(error.to_string().contains("x-error-format"), "{error}");
}

#[test]
fn an_x_error_format_naming_a_missing_member_is_an_error_at_that_pointer() {
    let error = error_of(&spec_with_error_body(
        "{type: object, x-error-format: {code: /error_code, message: /message}, \
         properties: {error_code: {type: string}, error_msg: {type: string}}}",
    ));
    assert!(matches!(error.kind, ErrorKind::Invalid(_)), "{error:?}");
    assert_eq!(
        error.pointer(),
        Some(format!("{ERROR_SCHEMA}/x-error-format/message").as_str())
    );
    assert!(
        error.to_string().contains("`/message` names no member"),
        "{error}"
    );
}

#[test]
fn a_malformed_x_error_format_is_an_error_at_the_extension() {
    for format in [
        "{code: error_code, message: /error_msg}",
        "{code: /error_code}",
        "{code: /error_code, message: /error_msg, extra: 1}",
        "/error_code",
    ] {
        let error = error_of(&spec_with_error_body(&format!(
            "{{type: object, x-error-format: {format}, \
             properties: {{error_code: {{type: string}}, error_msg: {{type: string}}}}}}"
        )));
        assert!(
            matches!(error.kind, ErrorKind::Invalid(_)),
            "{format}: {error:?}"
        );
        let pointer = error.pointer().unwrap_or_default();
        assert!(
            pointer.starts_with(&format!("{ERROR_SCHEMA}/x-error-format")),
            "{format}: {error}"
        );
    }
}

#[test]
fn an_x_error_format_across_two_members_is_unsupported() {
    let error = error_of(&spec_with_error_body(
        "{type: object, x-error-format: {code: /a/code, message: /b/message}, \
         properties: {a: {type: object, properties: {code: {type: string}}}, \
         b: {type: object, properties: {message: {type: string}}}}}",
    ));
    assert!(matches!(error.kind, ErrorKind::Unsupported(_)), "{error:?}");
    assert_eq!(
        error.pointer(),
        Some(format!("{ERROR_SCHEMA}/x-error-format").as_str())
    );
}

#[test]
fn a_duplicate_operation_id_is_an_error_naming_both_operations() {
    let spec = spec_with_paths(
        "  /things:
    get:
      operationId: list_things
      responses:
        '204': {description: ok}
    delete:
      operationId: list_things
      responses:
        '204': {description: ok}
",
    );
    let error = error_of(&spec);
    assert_eq!(
        error.kind,
        ErrorKind::DuplicateOperationId {
            id: "list_things".into(),
            first: "#/paths/~1things/get/operationId".into()
        }
    );
    assert_eq!(error.pointer(), Some("#/paths/~1things/delete/operationId"));
    assert_eq!(
        error.to_string(),
        "#/paths/~1things/delete/operationId: duplicate operationId `list_things`, first used \
         at #/paths/~1things/get/operationId"
    );
}

#[test]
fn operation_ids_that_collide_after_case_conversion_name_both_operation_ids() {
    let spec = spec_with_paths(
        "  /things:
    get:
      operationId: listThings
      responses:
        '204': {description: ok}
        default: {$ref: '#/components/responses/Error'}
    delete:
      operationId: list_things
      responses:
        '204': {description: ok}
        default: {$ref: '#/components/responses/Error'}
components:
  responses:
    Error:
      description: error
      content:
        application/json:
          schema:
            type: object
            x-error-format: {code: /error_code, message: /error_msg}
            properties: {error_code: {type: string}, error_msg: {type: string}}
",
    );
    let error = error_of(&spec);
    assert_eq!(
        error.kind,
        ErrorKind::NameCollision {
            name: "list_things".into(),
            first: "#/paths/~1things/get/operationId".into()
        }
    );
    assert_eq!(error.pointer(), Some("#/paths/~1things/delete/operationId"));
}

#[test]
fn a_yaml_syntax_error_keeps_where_the_unclosed_construct_began() {
    let error = error_of("openapi: 3.0.3\ninfo: {title: t, version: '1'\npaths: {}\n");
    let message = error.to_string();
    let Location::Text { line, column } = error.location else {
        panic!("no text location: {error:?}");
    };
    assert!(
        !message.contains(&format!("at line {line} column {column}")),
        "the error's own position is repeated: {message}"
    );
    assert!(
        message.ends_with("while parsing a flow mapping at line 2 column 7"),
        "{message}"
    );
}

#[test]
fn a_malformed_region_catalogue_is_an_error_naming_the_entry() {
    let spec = |regions: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers:\n\
             - url: https://svc.{{region}}.example.com\n  x-regions:\n{regions}paths: {{}}\n"
        )
    };
    let cases = [
        (
            "  - {id: Bad_Region, endpoint: 'https://svc.example.com'}\n",
            "#/servers/0/x-regions/0/id",
            "not a region ID",
        ),
        (
            "  - {id: r-1, endpoint: 'https://svc.r-1.example.com'}\n  - {id: r-1, endpoint: 'https://x.example.com'}\n",
            "#/servers/0/x-regions/1/id",
            "listed twice",
        ),
        (
            "  - {id: r-1, endpoint: 'http://svc.r-1.example.com'}\n",
            "#/servers/0/x-regions/0/endpoint",
            "not an https:// URL",
        ),
        (
            "  - {id: r-1, url: 'https://svc.r-1.example.com'}\n",
            "#/servers/0/x-regions",
            "not a list of {id, endpoint}",
        ),
    ];
    for (regions, pointer, message) in cases {
        let error = error_of(&spec(regions));
        assert_eq!(error.pointer(), Some(pointer), "{error}");
        assert!(error.to_string().contains(message), "{error}");
    }
    let files = generate(&spec(
        "  - {id: r-2, endpoint: 'https://svc.r-2.example.com'}\n  - {id: r-1, endpoint: 'https://svc.r-1.example.com'}\n",
    ))
    .expect("generates");
    let operations = files
        .iter()
        .find(|file| file.path.ends_with("src/operations.rs"))
        .unwrap();
    assert!(
        operations.contents.contains("\"r-1\", \"r-2\""),
        "the catalogue is sorted by ID"
    );
}
