//! Checks that the payloads are what the benchmarks claim and that the baselines have the
//! members of the generated models.

use huaweicloud_cbr::models;
use serde_json::Value;

use crate::baseline::{plain, plain_skip_none};
use crate::payload::{self, schema_ref, spec, Page, SEED};

const ITEMS: usize = 300;

fn pages() -> [(Page, &'static str); 2] {
    [
        (
            payload::list_backups_page(SEED, ITEMS),
            "ListBackupsResponseBody",
        ),
        (
            payload::list_operation_logs_page(SEED, ITEMS),
            "ListOperationLogsResponseBody",
        ),
    ]
}

#[test]
fn pages_are_deterministic() {
    let first = payload::list_backups_page(7, 50).json;
    assert_eq!(first, payload::list_backups_page(7, 50).json);
    assert_ne!(first, payload::list_backups_page(8, 50).json);
    let first = payload::list_operation_logs_page(7, 50).json;
    assert_eq!(first, payload::list_operation_logs_page(7, 50).json);
}

#[test]
fn pages_have_the_promised_mix() {
    for (page, schema) in pages() {
        let s = &page.stats;
        let listed = s.values + s.nulls + s.absent;
        let null_share = s.nulls as f64 / listed as f64;
        assert!(
            (0.25..0.40).contains(&null_share),
            "{schema}: {null_share} of the members are null ({s:?})"
        );
        assert!(
            s.absent * 20 > listed,
            "{schema}: too few absent members ({s:?})"
        );
        assert!(s.unknown_members > ITEMS / 50, "{schema}: {s:?}");
        assert!(s.unknown_enum_values > ITEMS / 100, "{schema}: {s:?}");
        assert!(s.nested_items > ITEMS / 20, "{schema}: {s:?}");
    }
}

#[test]
fn generated_models_round_trip_the_pages_exactly() {
    let (backups, _) = &pages()[0];
    let parsed: models::ListBackupsResponseBody = serde_json::from_str(&backups.json).unwrap();
    let again: Value = serde_json::to_value(&parsed).unwrap();
    assert_eq!(again, serde_json::from_str::<Value>(&backups.json).unwrap());

    let (logs, _) = &pages()[1];
    let parsed: models::ListOperationLogsResponseBody = serde_json::from_str(&logs.json).unwrap();
    let again: Value = serde_json::to_value(&parsed).unwrap();
    assert_eq!(again, serde_json::from_str::<Value>(&logs.json).unwrap());
}

/// Every object of `value` (of component schema `schema`) has exactly the members the spec
/// lists: true of a plain struct written with `None` as `null`.
fn assert_all_members(spec: &Value, schema: &str, value: &Value) {
    let Some(object) = value.as_object() else {
        return;
    };
    let members = spec["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap();
    let mut expected: Vec<&String> = members.keys().collect();
    let mut found: Vec<&String> = object.keys().collect();
    expected.sort();
    found.sort();
    assert_eq!(found, expected, "members of the plain {schema}");
    for (name, member) in members {
        let value = &object[name];
        if let Some(target) = schema_ref(member) {
            assert_all_members(spec, target, value);
        } else if let (Some(target), Value::Array(items)) = (schema_ref(&member["items"]), value) {
            for item in items {
                assert_all_members(spec, target, item);
            }
        }
    }
}

#[test]
fn baselines_have_the_members_of_the_spec() {
    let spec = spec();
    let (backups, schema) = &pages()[0];
    let parsed: plain::ListBackupsResponseBody = serde_json::from_str(&backups.json).unwrap();
    assert_all_members(&spec, schema, &serde_json::to_value(&parsed).unwrap());
    let skip: plain_skip_none::ListBackupsResponseBody =
        serde_json::from_str(&backups.json).unwrap();
    assert!(serde_json::to_string(&skip).unwrap().len() < backups.json.len());

    let (logs, schema) = &pages()[1];
    let parsed: plain::ListOperationLogsResponseBody = serde_json::from_str(&logs.json).unwrap();
    assert_all_members(&spec, schema, &serde_json::to_value(&parsed).unwrap());
    let skip: plain_skip_none::ListOperationLogsResponseBody =
        serde_json::from_str(&logs.json).unwrap();
    assert!(serde_json::to_string(&skip).unwrap().len() < logs.json.len());
}

#[test]
fn create_vault_body_is_a_valid_request() {
    let body = payload::create_vault_body(SEED, 4096);
    let text = serde_json::to_string(&body).unwrap();
    assert!((4096..5000).contains(&text.len()), "{} bytes", text.len());
    let parsed: models::CreateVaultRequestBody = serde_json::from_value(body).unwrap();
    parsed.validate().unwrap();
}

/// The layout the parse speed depends on: an enumeration with an `Unknown` variant is two words
/// (a thin pointer), and a model's unknown members one word (no map until there is one).
#[test]
fn enumerations_and_unknown_members_stay_small() {
    use huaweicloud_cbr::models::{OperationLogStatus, OperationLogType};
    use huaweicloud_cbr::{Nullable, UnknownMembers};
    use std::mem::size_of;

    assert_eq!(size_of::<UnknownMembers>(), size_of::<usize>());
    assert_eq!(size_of::<OperationLogStatus>(), 2 * size_of::<usize>());
    assert_eq!(
        size_of::<Nullable<OperationLogType>>(),
        2 * size_of::<usize>()
    );
    let sizes = crate::sizes::model_sizes();
    let log = sizes
        .iter()
        .find(|s| s.model == "OperationLog")
        .expect("a row for OperationLog");
    assert!(
        log.generated < 1_184,
        "OperationLog grew back to {} bytes",
        log.generated
    );
}
