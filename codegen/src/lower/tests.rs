//! Lowering on small hand-written specs: each test states what the model records for one
//! construct.

use serde_json::json;

use super::lower;
use crate::error::{Error, ErrorKind};
use crate::model::{
    Api, ErrorFormat, HttpMethod, MemberRef, Operation, PagingMode, PagingParam, Presence, Rule,
    TypeKind, TypeRef,
};

/// A spec with the path items `paths` (indented by two spaces) and the component schemas
/// `schemas` (indented by four), beside an `Error` body every operation can answer with.
fn spec(paths: &str, schemas: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: t, version: '1'}}
servers:
- url: https://svc.{{region}}.example.com
paths:
{paths}components:
  responses:
    Error:
      description: error
      content:
        application/json:
          schema: {{$ref: '#/components/schemas/Error'}}
  schemas:
    Error:
      type: object
      x-error-format: {{code: /error_code, message: /error_msg}}
      properties: {{error_code: {{type: string}}, error_msg: {{type: string}}}}
{schemas}"
    )
}

fn lower_spec(text: &str) -> Result<Api, Error> {
    let document: openapiv3::OpenAPI = serde_yaml::from_str(text).expect("an OpenAPI document");
    lower(&document)
}

fn lowered(text: &str) -> Api {
    lower_spec(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

/// A `GET /things` whose query parameters are `parameters` (YAML flow mappings, one per line)
/// and whose body is `ThingPage`.
fn list_operation(parameters: &[&str]) -> String {
    let mut text = String::from(
        "  /things:
    get:
      operationId: list_things
      parameters:
",
    );
    for parameter in parameters {
        text.push_str(&format!("      - {parameter}\n"));
    }
    text.push_str(
        "      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ThingPage'}
        default: {$ref: '#/components/responses/Error'}
",
    );
    text
}

const LIMIT: &str = "{name: limit, in: query, schema: {type: integer, format: int32}}";
const OFFSET: &str = "{name: offset, in: query, schema: {type: integer}}";
const MARKER: &str = "{name: marker, in: query, schema: {type: string}}";

/// A page with a count, a limit and a list of things; `thing_id` is the type of a thing's `id`.
fn page_schemas(thing_id: &str) -> String {
    format!(
        "    ThingPage:
      type: object
      properties:
        things: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
        count: {{type: integer, nullable: true}}
        limit: {{type: integer, format: int32}}
    Thing:
      type: object
      properties:
        id: {{type: {thing_id}}}
"
    )
}

#[test]
fn a_list_with_limit_and_offset_pages_by_offset() {
    let api = lowered(&spec(
        &list_operation(&[LIMIT, OFFSET]),
        &page_schemas("string"),
    ));
    let paging = operation(&api, "list_things")
        .paging
        .clone()
        .expect("pages");
    assert_eq!(paging.mode, PagingMode::Offset);
    assert_eq!(
        paging.limit,
        PagingParam {
            name: "limit".into(),
            rust_name: "limit".into(),
            ty: TypeRef::I32
        }
    );
    assert_eq!(paging.offset.map(|p| p.ty), Some(TypeRef::I64));
    assert_eq!(paging.marker, None);
    assert_eq!(paging.page, "ThingPage");
    assert_eq!(paging.item, "Thing");
    assert_eq!(
        paging.items,
        MemberRef {
            name: "things".into(),
            rust_name: "things".into(),
            ty: TypeRef::Array(Box::new(TypeRef::Named("Thing".into()))),
            presence: Presence::Optional,
        }
    );
    let count = paging.count.expect("the page's count");
    assert_eq!(count.presence, Presence::OptionalNullable);
    assert_eq!(paging.reported_limit.map(|m| m.ty), Some(TypeRef::I32));
    assert_eq!(paging.item_id.map(|m| m.name), Some("id".to_owned()));
}

#[test]
fn a_list_with_a_marker_pages_by_marker_when_the_items_have_a_string_id() {
    let api = lowered(&spec(
        &list_operation(&[LIMIT, OFFSET, MARKER]),
        &page_schemas("string"),
    ));
    let paging = operation(&api, "list_things")
        .paging
        .clone()
        .expect("pages");
    assert_eq!(paging.mode, PagingMode::Marker);
    assert_eq!(
        paging.marker.map(|p| p.rust_name),
        Some("marker".to_owned())
    );
    assert!(paging.offset.is_some());
}

#[test]
fn without_a_string_id_a_marker_list_pages_by_offset_and_still_records_the_marker() {
    let api = lowered(&spec(
        &list_operation(&[LIMIT, OFFSET, MARKER]),
        &page_schemas("integer"),
    ));
    let paging = operation(&api, "list_things")
        .paging
        .clone()
        .expect("pages");
    assert_eq!(paging.mode, PagingMode::Offset);
    assert!(paging.marker.is_some());
    assert_eq!(paging.item_id, None);
}

#[test]
fn operations_that_do_not_fit_the_paging_pattern_do_not_page() {
    let required_limit = "{name: limit, in: query, required: true, schema: {type: integer}}";
    let text_limit = "{name: limit, in: query, schema: {type: string}}";
    for (parameters, thing_id) in [
        (vec![LIMIT], "string"),                  // no offset, no marker
        (vec![LIMIT, MARKER], "integer"),         // a marker but no string id
        (vec![OFFSET, MARKER], "string"),         // no limit
        (vec![required_limit, OFFSET], "string"), // limit not optional
        (vec![text_limit, OFFSET], "string"),     // limit not an integer
    ] {
        let api = lowered(&spec(&list_operation(&parameters), &page_schemas(thing_id)));
        assert_eq!(
            operation(&api, "list_things").paging,
            None,
            "{parameters:?}, id: {thing_id}"
        );
    }
    let post = list_operation(&[LIMIT, OFFSET]).replace("get:", "post:");
    let api = lowered(&spec(&post, &page_schemas("string")));
    assert_eq!(operation(&api, "list_things").paging, None, "a POST");
    let two_lists = page_schemas("string").replace(
        "        count:",
        "        others: {type: array, items: {$ref: '#/components/schemas/Thing'}}\n        count:",
    );
    let api = lowered(&spec(&list_operation(&[LIMIT, OFFSET]), &two_lists));
    assert_eq!(operation(&api, "list_things").paging, None, "two lists");
}

/// One operation `op` at `/things/{id}` with `method`, a project-scoped path and no body.
fn thing_operation(method: &str, project_id_type: &str) -> String {
    format!(
        "  /v3/{{project_id}}/things/{{id}}:
    {method}:
      operationId: op
      parameters:
      - {{name: project_id, in: path, required: true, schema: {{type: {project_id_type}}}}}
      - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        '204': {{description: ok}}
        default: {{$ref: '#/components/responses/Error'}}
"
    )
}

#[test]
fn the_http_method_and_the_pointer_are_typed() {
    let api = lowered(&spec(&thing_operation("put", "string"), ""));
    let op = operation(&api, "op");
    assert_eq!(op.http_method, HttpMethod::Put);
    assert_eq!(op.http_method.as_str(), "PUT");
    assert_eq!(op.pointer, "#/paths/~1v3~1{project_id}~1things~1{id}/put");
    assert_eq!(op.pointer.last().as_deref(), Some("put"));
}

#[test]
fn a_string_project_id_comes_from_the_client() {
    let api = lowered(&spec(&thing_operation("delete", "string"), ""));
    let from_client: Vec<(&str, bool)> = operation(&api, "op")
        .path_params
        .iter()
        .map(|p| (p.name.as_str(), p.from_client))
        .collect();
    assert_eq!(from_client, [("project_id", true), ("id", false)]);
    let api = lowered(&spec(&thing_operation("delete", "integer"), ""));
    assert!(!operation(&api, "op").path_params[0].from_client);
}

#[test]
fn allowed_values_of_numbers_and_booleans_are_json_values() {
    let schemas = "    Settings:
      type: object
      properties:
        level: {type: integer, enum: [1, 2, 5]}
        ratio: {type: number, enum: [0.5, 2]}
        on: {type: boolean, enum: [true]}
";
    let api = lowered(&spec("", schemas));
    let settings = api.struct_def("Settings").expect("a struct");
    let rules: Vec<&[Rule]> = settings.fields.iter().map(|f| f.rules.as_slice()).collect();
    assert_eq!(
        rules,
        [
            &[Rule::AllowedValues(vec![json!(1), json!(2), json!(5)])][..],
            &[Rule::AllowedValues(vec![json!(0.5), json!(2.0)])][..],
            &[Rule::AllowedValues(vec![json!(true)])][..],
        ]
    );
}

#[test]
fn named_types_keep_name_pointer_and_docs_beside_their_kind() {
    let schemas = "    Vault:
      type: object
      title: A vault
      x-doc-source: 002 Table 4-1
      properties:
        state: {type: string, enum: [available, deleting]}
";
    let api = lowered(&spec("", schemas));
    let names: Vec<&str> = api.types.iter().map(|t| t.rust_name()).collect();
    assert_eq!(names, ["Error", "Vault", "VaultState"]);
    let vault = api.type_def("Vault").expect("Vault");
    assert_eq!(vault.pointer, "#/components/schemas/Vault");
    assert_eq!(vault.docs.summary.as_deref(), Some("A vault"));
    assert_eq!(vault.docs.doc_source.as_deref(), Some("002 Table 4-1"));
    let state = api.type_def("VaultState").expect("the inline enumeration");
    assert_eq!(state.pointer, "#/components/schemas/Vault/properties/state");
    let TypeKind::Enum(values) = &state.kind else {
        panic!("not an enum: {state:?}");
    };
    let values: Vec<&str> = values.variants.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["available", "deleting"]);
}

/// `GET /things` with the parameter `parameter` and the components after `components:` (with
/// `parameters:` among them).
fn with_parameter(parameter: &str) -> String {
    let paths = format!(
        "  /things:
    get:
      operationId: list_things
      parameters:
      - {parameter}
      responses:
        '204': {{description: ok}}
        default: {{$ref: '#/components/responses/Error'}}
"
    );
    spec(&paths, "").replace(
        "components:\n",
        "components:\n  parameters:\n    Limit: {name: limit, in: query, schema: {type: integer}}\n",
    )
}

#[test]
fn a_parameter_reference_resolves_to_the_component() {
    let api = lowered(&with_parameter("$ref: '#/components/parameters/Limit'"));
    let param = &operation(&api, "list_things").query_params[0];
    assert_eq!((param.name.as_str(), &param.ty), ("limit", &TypeRef::I64));
}

#[test]
fn a_bad_parameter_reference_is_an_error_at_the_reference() {
    let at = "#/paths/~1things/get/parameters/0";
    let error = lower_spec(&with_parameter("$ref: '#/components/parameters/Offset'")).unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::DanglingRef("#/components/parameters/Offset".into())
    );
    assert_eq!(error.pointer(), Some(at));
    let error = lower_spec(&with_parameter("$ref: '#/components/schemas/Error'")).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::DanglingRef(_)), "{error}");
    let error = lower_spec(&with_parameter("$ref: 'other.yaml#/Limit'")).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Unsupported(_)), "{error}");
    assert_eq!(error.pointer(), Some(at));
}

#[test]
fn the_error_format_is_read_from_the_referenced_error_schema() {
    let api = lowered(&spec(&thing_operation("get", "string"), ""));
    assert_eq!(
        operation(&api, "op").error_format,
        ErrorFormat::Flat {
            code: "error_code".into(),
            message: "error_msg".into()
        }
    );
    let unmarked = spec(&thing_operation("get", "string"), "").replace(
        "      x-error-format: {code: /error_code, message: /error_msg}\n",
        "",
    );
    let error = lower_spec(&unmarked).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Unsupported(_)), "{error}");
    assert_eq!(error.pointer(), Some("#/components/schemas/Error"));
}

#[test]
fn services_come_from_the_server_urls() {
    let paths = thing_operation("get", "string").replace(
        "      operationId: op\n",
        "      operationId: op\n      servers:\n      - url: https://other.{region}.example.com/\n",
    );
    let api = lowered(&spec(&paths, ""));
    let services: Vec<(&str, &str)> = api
        .services
        .iter()
        .map(|s| (s.rust_name.as_str(), s.url_template.as_str()))
        .collect();
    assert_eq!(
        services,
        [
            ("Svc", "https://svc.{region}.example.com"),
            ("Other", "https://other.{region}.example.com")
        ]
    );
    assert_eq!(operation(&api, "op").service, "Other");
}
