//! Lint rules for `spec/cbr.yaml` that an OpenAPI validator does not check: the conventions of
//! `spec/CONVENTIONS.md`. Each test collects every violation and reports them all at once, each
//! named by its JSON pointer.

use std::collections::{BTreeMap, BTreeSet};

use cbr_tests::{
    escape_pointer, json_schema, nullable_reference, operations, resolve, spec, workspace_file,
};
use serde_json::Value;

/// Operations for which 002 §6 lists no IAM action (see ERRATA.md).
const NO_IAM_ACTION: [&str; 3] = ["show_checkpoint", "sync_checkpoint", "create_vbs_backup"];

fn assert_none(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn walk<'a>(value: &'a Value, pointer: String, visit: &mut dyn FnMut(&str, &'a Value)) {
    visit(&pointer, value);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                walk(child, format!("{pointer}/{}", escape_pointer(key)), visit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, format!("{pointer}/{i}"), visit);
            }
        }
        _ => {}
    }
}

#[test]
fn every_ref_resolves_and_stands_alone() {
    let doc = spec();
    let mut problems = Vec::new();
    walk(&doc, "#".into(), &mut |pointer, node| {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return;
        };
        if resolve(&doc, reference).is_none() {
            problems.push(format!("{pointer}: dangling $ref {reference}"));
        }
        let siblings: Vec<_> = node
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .filter(|k| *k != "$ref")
            .collect();
        if !siblings.is_empty() {
            problems.push(format!(
                "{pointer}: $ref has siblings {siblings:?}, which OpenAPI 3.0 ignores"
            ));
        }
    });
    assert_none(problems);
}

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.contains("__")
        && !s.ends_with('_')
}

#[test]
fn every_operation_is_named_tagged_documented_and_traced() {
    let doc = spec();
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    let mut problems = Vec::new();
    let mut ids = BTreeMap::new();
    for op in operations(&doc) {
        let p = &op.pointer;
        let id = op.id();
        if !is_snake_case(id) {
            problems.push(format!("{p}: operationId {id:?} is not snake_case"));
        }
        if let Some(previous) = ids.insert(id.to_owned(), p.clone()) {
            problems.push(format!("{p}: operationId {id} also used at {previous}"));
        }
        match op.value["tags"].as_array().map(Vec::as_slice) {
            Some([tag]) if tag.as_str().is_some_and(|t| tags.contains(t)) => {}
            other => problems.push(format!(
                "{p}: needs exactly one declared tag, has {other:?}"
            )),
        }
        for key in ["summary", "description", "x-doc-source"] {
            if op.value[key].as_str().is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("{p}: no {key}"));
            }
        }
        let has_action = op.value["x-iam-action"].as_str().is_some();
        match (has_action, NO_IAM_ACTION.contains(&id)) {
            (false, false) => problems.push(format!("{p}: no x-iam-action")),
            (true, true) => problems.push(format!(
                "{p}: x-iam-action present although §6 lists none; update NO_IAM_ACTION"
            )),
            _ => {}
        }
        let responses = op.value["responses"].as_object();
        if !responses.is_some_and(|r| r.contains_key("default")) {
            problems.push(format!("{p}: no default (error) response"));
        }
        if !responses.is_some_and(|r| r.keys().any(|k| k.starts_with('2'))) {
            problems.push(format!("{p}: no documented success status"));
        }
        for (i, param) in op.value["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = param["name"].as_str().unwrap_or("?");
            for key in ["description", "x-doc-source", "schema"] {
                if param.get(key).is_none() {
                    problems.push(format!("{p}/parameters/{i} ({name}): no {key}"));
                }
            }
            if param["in"] == "path" && param["required"] != Value::Bool(true) {
                problems.push(format!(
                    "{p}/parameters/{i} ({name}): path parameter not required"
                ));
            }
            if param["in"] == "header" {
                problems.push(format!(
                    "{p}/parameters/{i} ({name}): header parameter; authentication belongs to the security schemes"
                ));
            }
        }
    }
    assert_none(problems);
}

/// Checks that every property of `schema` (recursively) has a type and a description.
fn lint_properties(schema: &Value, pointer: &str, problems: &mut Vec<String>) {
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            let pp = format!("{pointer}/properties/{}", escape_pointer(name));
            if property["description"]
                .as_str()
                .is_none_or(|d| d.trim().is_empty())
            {
                problems.push(format!("{pp}: no description"));
            }
            let typed = property.get("type").is_some()
                || property.get("allOf").is_some()
                || property.get("anyOf").is_some();
            if !typed {
                problems.push(format!(
                    "{pp}: no type (a reference is allOf: [$ref], or anyOf: [$ref, {{enum: [null]}}] if nullable)"
                ));
            }
            if let Some(all_of) = property["allOf"].as_array() {
                if all_of.len() != 1 || all_of[0].get("$ref").is_none() {
                    problems.push(format!("{pp}: allOf must wrap exactly one $ref"));
                }
            }
            if property.get("anyOf").is_some() && nullable_reference(property).is_none() {
                problems.push(format!(
                    "{pp}: anyOf must be [{{$ref: …}}, {{enum: [null]}}], a nullable reference"
                ));
            }
            lint_properties(property, &pp, problems);
        }
        for required in schema["required"].as_array().into_iter().flatten() {
            if !required
                .as_str()
                .is_some_and(|r| properties.contains_key(r))
            {
                problems.push(format!("{pointer}: required {required} is not a property"));
            }
        }
    }
    if schema.get("items").is_some() {
        let items = &schema["items"];
        if items.get("type").is_none() && items.get("$ref").is_none() {
            problems.push(format!("{pointer}/items: no type"));
        }
        lint_properties(items, &format!("{pointer}/items"), problems);
    }
}

#[test]
fn every_schema_and_property_has_a_type_and_a_description() {
    let doc = spec();
    let mut problems = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        let p = format!("#/components/schemas/{name}");
        for key in ["type", "description", "x-doc-source"] {
            if schema.get(key).is_none() {
                problems.push(format!("{p}: no {key}"));
            }
        }
        lint_properties(schema, &p, &mut problems);
    }
    assert_none(problems);
}

/// Names of the component schemas reachable from `roots`, following `$ref`s transitively.
fn reachable<'a>(doc: &'a Value, roots: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Value> = roots.into_iter().collect();
    while let Some(node) = stack.pop() {
        walk(node, String::new(), &mut |_, n| {
            if let Some(r) = n.get("$ref").and_then(Value::as_str) {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    if seen.insert(name.to_owned()) {
                        if let Some(target) = resolve(doc, r) {
                            stack.push(target);
                        }
                    }
                }
            }
        });
    }
    seen
}

fn resolved_responses(doc: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for op in operations(doc) {
        for response in op.value["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, r)| r)
        {
            match response.get("$ref").and_then(Value::as_str) {
                Some(r) => out.extend(resolve(doc, r)),
                None => out.push(response),
            }
        }
    }
    out
}

fn request_bodies(doc: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for op in operations(doc) {
        out.extend(op.value.get("requestBody"));
        out.extend(op.value.get("parameters"));
    }
    out
}

#[test]
fn every_component_is_used() {
    let doc = spec();
    let used = reachable(&doc, [&doc["paths"]]);
    let mut problems = Vec::new();
    for name in doc["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
    {
        if !used.contains(name) {
            problems.push(format!(
                "#/components/schemas/{name}: not reachable from any operation"
            ));
        }
    }
    for name in doc["components"]["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        let reference = format!("#/components/responses/{name}");
        if !doc["paths"]
            .to_string()
            .contains(&format!("\"{reference}\""))
        {
            problems.push(format!("{reference}: never used"));
        }
    }
    assert_none(problems);
}

fn is_nullable(property: &Value) -> bool {
    property["nullable"] == Value::Bool(true) || nullable_reference(property).is_some()
}

/// Response members may be `null` or absent; request members follow their table. A schema in
/// both directions takes `required` from the request table (see CONVENTIONS.md).
#[test]
fn nullability_follows_the_direction_of_each_schema() {
    let doc = spec();
    let requests = reachable(&doc, request_bodies(&doc));
    let responses = reachable(&doc, resolved_responses(&doc));
    let mut problems = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        let p = format!("#/components/schemas/{name}");
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let (in_request, in_response) = (requests.contains(name), responses.contains(name));
        for (member, property) in schema["properties"].as_object().into_iter().flatten() {
            let pp = format!("{p}/properties/{member}");
            let nullable = is_nullable(property);
            let is_required = required.contains(member.as_str());
            match (in_request, in_response) {
                (false, true) if !nullable => {
                    problems.push(format!("{pp}: response member not nullable"))
                }
                (true, true) if is_required && nullable => problems.push(format!(
                    "{pp}: required member of a shared schema is nullable"
                )),
                (true, true) if !is_required && !nullable => problems.push(format!(
                    "{pp}: optional member of a schema also used in responses is not nullable"
                )),
                _ => {}
            }
        }
        if in_response && !in_request && !required.is_empty() {
            problems.push(format!(
                "{p}: response-only schema has required members {required:?}"
            ));
        }
    }
    assert_none(problems);
}

/// `nullable` and `null` appear only in the forms that strict validators (OpenAPI 3.0.3),
/// Prism, Redocly, Spectral and the generators all read alike (CONVENTIONS.md, ERRATA GEN-07,
/// GEN-09): `nullable: true` beside a `type` and never beside an `enum` (an enumeration that
/// may be `null` is a component behind a nullable reference), `null` only in the null schema
/// `{enum: [null]}` of a nullable reference, and no `allOf` with nothing beside it.
#[test]
fn nullable_forms_read_the_same_in_every_tool() {
    let doc = spec();
    let mut problems = Vec::new();
    walk(&doc, "#".into(), &mut |pointer, node| {
        let Some(object) = node.as_object() else {
            return;
        };
        if pointer.contains("/example") {
            return;
        }
        if object.get("nullable") == Some(&Value::Bool(true)) {
            if !object.contains_key("type") {
                problems.push(format!(
                    "{pointer}: nullable without type has no effect; a nullable reference is anyOf: [$ref, {{enum: [null]}}]"
                ));
            }
            if object.contains_key("enum") {
                problems.push(format!(
                    "{pointer}: nullable enumeration; make it a component and refer to it with anyOf: [$ref, {{enum: [null]}}]"
                ));
            }
        }
        let lists_null = object
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.contains(&Value::Null));
        if lists_null && !cbr_tests::is_null_schema(node) {
            problems.push(format!(
                "{pointer}: null among the enum values; only the null schema {{enum: [null]}} lists it"
            ));
        }
        if cbr_tests::is_null_schema(node) && !pointer.ends_with("/anyOf/1") {
            problems.push(format!(
                "{pointer}: the null schema outside a nullable reference"
            ));
        }
        if object.keys().eq(["allOf"]) {
            problems.push(format!(
                "{pointer}: allOf with nothing beside it; use the $ref itself"
            ));
        }
    });
    assert_none(problems);
}

/// Every example of a request or response body, with its pointer and media-type schema.
fn body_examples(doc: &Value) -> Vec<(String, &Value, &Value)> {
    let mut out = Vec::new();
    for op in operations(doc) {
        let mut media_types = Vec::new();
        for (ct, media) in op.value["requestBody"]["content"]
            .as_object()
            .into_iter()
            .flatten()
        {
            media_types.push((
                format!("{}/requestBody/content/{}", op.pointer, escape_pointer(ct)),
                media,
            ));
        }
        for (status, response) in op.value["responses"].as_object().into_iter().flatten() {
            for (ct, media) in response["content"].as_object().into_iter().flatten() {
                media_types.push((
                    format!(
                        "{}/responses/{status}/content/{}",
                        op.pointer,
                        escape_pointer(ct)
                    ),
                    media,
                ));
            }
        }
        for (pointer, media) in media_types {
            for (name, example) in media["examples"].as_object().into_iter().flatten() {
                out.push((
                    format!("{pointer}/examples/{name}"),
                    example,
                    &media["schema"],
                ));
            }
        }
    }
    out
}

#[test]
fn every_example_validates_against_its_closed_schema() {
    let doc = spec();
    let examples = body_examples(&doc);
    assert!(!examples.is_empty(), "the spec has no body examples");
    let mut problems = Vec::new();
    for (pointer, example, schema) in examples {
        for key in ["summary", "x-doc-source", "value"] {
            if example.get(key).is_none() {
                problems.push(format!("{pointer}: no {key}"));
            }
        }
        let standalone = json_schema::standalone(&doc, schema);
        let validator = match jsonschema::draft7::new(&standalone) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{pointer}: schema does not compile: {e}"));
                continue;
            }
        };
        for error in validator.iter_errors(&example["value"]) {
            problems.push(format!("{pointer}/value{}: {error}", error.instance_path()));
        }
    }
    assert_none(problems);
}

#[test]
fn every_errata_reference_exists() {
    let doc = spec();
    let errata = std::fs::read_to_string(workspace_file("spec/ERRATA.md")).expect("spec/ERRATA.md");
    let defined: BTreeSet<&str> = errata
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .filter_map(|l| l.split(':').next())
        .collect();
    let mut problems = Vec::new();
    walk(&doc, "#".into(), &mut |pointer, node| {
        for id in node
            .get("x-errata")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = id.as_str().unwrap_or("?");
            if !defined.contains(id) {
                problems.push(format!(
                    "{pointer}: x-errata names {id}, which ERRATA.md lacks"
                ));
            }
        }
    });
    assert_none(problems);
}
