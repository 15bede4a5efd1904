//! The spec parses as OpenAPI 3.0 with `openapiv3` (what the generator uses) and holds exactly
//! the documented scope: 30 operations at the documented methods and paths.

use cbr_tests::workspace_file;
use openapiv3::{OpenAPI, ReferenceOr};

/// The documented scope: (method, path, operationId).
const SCOPE: [(&str, &str, &str); 30] = [
    (
        "GET",
        "/v3/{project_id}/operation-logs/{operation_log_id}",
        "show_operation_log",
    ),
    (
        "GET",
        "/v3/{project_id}/operation-logs",
        "list_operation_logs",
    ),
    (
        "POST",
        "/v3/{project_id}/backups/{backup_id}/members",
        "add_share_members",
    ),
    (
        "GET",
        "/v3/{project_id}/backups/{backup_id}/members",
        "list_share_members",
    ),
    (
        "PUT",
        "/v3/{project_id}/backups/{backup_id}/members/{member_id}",
        "update_share_member",
    ),
    (
        "GET",
        "/v3/{project_id}/backups/{backup_id}/members/{member_id}",
        "show_share_member",
    ),
    (
        "DELETE",
        "/v3/{project_id}/backups/{backup_id}/members/{member_id}",
        "delete_share_member",
    ),
    (
        "GET",
        "/v3/{project_id}/checkpoints/{checkpoint_id}",
        "show_checkpoint",
    ),
    ("POST", "/v3/{project_id}/checkpoints", "create_checkpoint"),
    (
        "POST",
        "/v3/{project_id}/checkpoints/sync",
        "sync_checkpoint",
    ),
    ("POST", "/v3/{project_id}/vaults", "create_vault"),
    ("GET", "/v3/{project_id}/vaults", "list_vaults"),
    ("GET", "/v3/{project_id}/vaults/{vault_id}", "show_vault"),
    ("PUT", "/v3/{project_id}/vaults/{vault_id}", "update_vault"),
    (
        "DELETE",
        "/v3/{project_id}/vaults/{vault_id}",
        "delete_vault",
    ),
    (
        "POST",
        "/v3/{project_id}/vaults/{vault_id}/removeresources",
        "remove_vault_resources",
    ),
    (
        "POST",
        "/v3/{project_id}/vaults/{vault_id}/addresources",
        "add_vault_resources",
    ),
    (
        "POST",
        "/v3/{project_id}/vaults/{vault_id}/associatepolicy",
        "associate_vault_policy",
    ),
    (
        "POST",
        "/v3/{project_id}/vaults/{vault_id}/dissociatepolicy",
        "dissociate_vault_policy",
    ),
    ("GET", "/v3/{project_id}/backups/{backup_id}", "show_backup"),
    ("GET", "/v3/{project_id}/backups", "list_backups"),
    (
        "DELETE",
        "/v3/{project_id}/backups/{backup_id}",
        "delete_backup",
    ),
    (
        "POST",
        "/v3/{project_id}/backups/{backup_id}/restore",
        "restore_backup",
    ),
    ("POST", "/v3/{project_id}/backups/sync", "sync_backups"),
    ("POST", "/v3/{project_id}/policies", "create_policy"),
    ("GET", "/v3/{project_id}/policies", "list_policies"),
    (
        "GET",
        "/v3/{project_id}/policies/{policy_id}",
        "show_policy",
    ),
    (
        "PUT",
        "/v3/{project_id}/policies/{policy_id}",
        "update_policy",
    ),
    (
        "DELETE",
        "/v3/{project_id}/policies/{policy_id}",
        "delete_policy",
    ),
    ("POST", "/v2/{project_id}/cloudbackups", "create_vbs_backup"),
];

fn parse() -> OpenAPI {
    let path = workspace_file("spec/cbr.yaml");
    let text = std::fs::read_to_string(&path).expect("spec/cbr.yaml is readable");
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn spec_parses_as_openapi_3_0() {
    let api = parse();
    assert_eq!(api.openapi, "3.0.3");
    assert!(!api.info.title.is_empty());
    assert_eq!(api.servers.len(), 1, "one CBR server; VBS declares its own");
    assert!(api.servers[0].url.contains("{region}"));
}

#[test]
fn spec_holds_exactly_the_documented_operations() {
    let api = parse();
    let mut found = Vec::new();
    for (path, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            panic!("{path}: path item is a reference");
        };
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().unwrap_or_default();
            found.push((method.to_uppercase(), path.clone(), id));
        }
    }
    found.sort();
    let mut expected: Vec<(String, String, String)> = SCOPE
        .iter()
        .map(|(m, p, id)| (m.to_string(), p.to_string(), id.to_string()))
        .collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn vbs_operation_declares_its_own_server_and_error_shape() {
    let api = parse();
    let ReferenceOr::Item(item) = &api.paths.paths["/v2/{project_id}/cloudbackups"] else {
        panic!("VBS path item is a reference");
    };
    let op = item
        .post
        .as_ref()
        .expect("POST /v2/{project_id}/cloudbackups");
    assert_eq!(op.servers.len(), 1);
    assert!(
        op.servers[0].url.starts_with("https://vbs."),
        "{}",
        op.servers[0].url
    );
    let default = op.responses.default.as_ref().expect("default response");
    match default {
        ReferenceOr::Reference { reference } => assert_eq!(
            reference, "#/components/responses/VbsError",
            "VBS errors have their own nested shape"
        ),
        ReferenceOr::Item(_) => panic!("the VBS default response must refer to VbsError"),
    }
}

/// `spec/cbr.json` (written by `cargo xtask codegen`) is the YAML document, member for member.
#[test]
fn json_spec_is_the_yaml_document() {
    let yaml = cbr_tests::spec();
    let path = workspace_file("spec/cbr.json");
    let text = std::fs::read_to_string(&path).expect("spec/cbr.json is readable");
    let mut json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let marker = json
        .as_object_mut()
        .and_then(|root| root.remove("x-generated"));
    assert!(
        marker.is_some_and(|m| m.as_str().is_some_and(|m| m.contains("@generated"))),
        "spec/cbr.json starts with its x-generated marker"
    );
    assert!(
        json == yaml,
        "spec/cbr.json differs from spec/cbr.yaml: run `cargo xtask codegen`"
    );
}
