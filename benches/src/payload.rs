//! Deterministic benchmark payloads, built from the examples documented in `spec/cbr.yaml`.
//!
//! Each page holds 1,000 items. Every item starts as a copy of a documented example and gets
//! varied values from a seeded generator, so the same seed always gives the same bytes:
//!
//! * about a third of the optional members are `null` and about one in twelve is absent;
//! * some items have nested children (`children`, `os_images_data`, `replication_records`,
//!   `remove_resources.resources`);
//! * some objects carry members the spec does not list, and some enumerations carry values it
//!   does not list.
//!
//! [`Stats`] counts what a page ended up with; the benchmarks print it next to the figures.

use serde_json::{json, Map, Value};

/// The seed of every page the benchmarks use.
pub const SEED: u64 = 0x00c0_ffee_cb12_2024;

/// Items in a benchmark page.
pub const PAGE_ITEMS: usize = 1_000;

/// Share of optional members set to `null`, in 1/1000.
const NULL_PER_MILLE: u64 = 333;
/// Share of optional members removed, in 1/1000.
const ABSENT_PER_MILLE: u64 = 83;

/// A small, fast, seeded generator (SplitMix64); good enough to vary test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn hex(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits)
            .map(|_| HEX[self.below(16) as usize] as char)
            .collect()
    }

    /// A random version-4 UUID in its usual text form.
    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.pick(&['8', '9', 'a', 'b']),
            self.hex(3),
            self.hex(12)
        )
    }

    /// A timestamp like the service's, `2020-02-21T07:07:25.113761`.
    pub fn timestamp(&mut self) -> String {
        format!(
            "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
            19 + self.below(6),
            1 + self.below(12),
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60),
            self.below(1_000_000)
        )
    }
}

/// What a page contains, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Members of the spec that carry a value.
    pub values: usize,
    /// Members of the spec sent as `null`.
    pub nulls: usize,
    /// Members of the spec left out.
    pub absent: usize,
    /// Members the spec does not list.
    pub unknown_members: usize,
    /// Enumeration values the spec does not list.
    pub unknown_enum_values: usize,
    /// Items nested under another item (children, images, records, resources).
    pub nested_items: usize,
}

/// A generated page: its JSON text and what it contains.
#[derive(Debug, Clone)]
pub struct Page {
    /// Compact JSON, as the service sends it.
    pub json: String,
    /// Counts of what the page contains.
    pub stats: Stats,
}

// ----- documented examples ---------------------------------------------------------------------

const SPEC: &str = include_str!("../../spec/cbr.yaml");

pub(crate) fn spec() -> Value {
    serde_yaml::from_str(SPEC).expect("spec/cbr.yaml parses as YAML")
}

/// The documented example responses of `GET <path>` (status 200), by example name.
fn examples(spec: &Value, path: &str) -> Vec<Value> {
    let examples = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        ["examples"]
        .as_object()
        .unwrap_or_else(|| panic!("spec/cbr.yaml documents no 200 examples for GET {path}"));
    examples.values().map(|e| e["value"].clone()).collect()
}

/// Every backup in the documented `list_backups` examples.
pub fn backup_templates() -> Vec<Value> {
    let spec = spec();
    let templates: Vec<Value> = examples(&spec, "/v3/{project_id}/backups")
        .iter()
        .flat_map(|page| page["backups"].as_array().cloned().unwrap_or_default())
        .collect();
    assert!(!templates.is_empty(), "no documented backups");
    templates
}

/// Every task in the documented `list_operation_logs` examples.
pub fn operation_log_templates() -> Vec<Value> {
    let spec = spec();
    let templates: Vec<Value> = examples(&spec, "/v3/{project_id}/operation-logs")
        .iter()
        .flat_map(|page| {
            page["operation_logs"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    assert!(!templates.is_empty(), "no documented operation logs");
    templates
}

// ----- shared variation ------------------------------------------------------------------------

/// Values the spec does not list, used for unknown enumeration values.
const UNKNOWN_ENUM_VALUES: &[&str] = &["frozen", "archived", "OS::Workspace::DesktopV2", "tiered"];

struct Builder {
    rng: Rng,
    project_ids: Vec<String>,
    provider_ids: Vec<String>,
    vault_ids: Vec<String>,
}

impl Builder {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let project_ids = (0..4).map(|_| rng.hex(32)).collect();
        let vault_ids = (0..20).map(|_| rng.uuid()).collect();
        Builder {
            rng,
            project_ids,
            // The two providers the documentation names (server and disk backups).
            provider_ids: vec![
                "0daac4c5-6707-4851-97ba-169e36266b66".to_owned(),
                "d1603440-187d-4516-af25-121250c7cc97".to_owned(),
            ],
            vault_ids,
        }
    }

    /// An enumeration value: one of `known`, or now and then (`unknown_per_mille`) one the spec
    /// does not list.
    fn enum_value(&mut self, known: &[&str], unknown_per_mille: u64) -> Value {
        if self.rng.chance(unknown_per_mille) {
            return Value::from(*self.rng.pick(UNKNOWN_ENUM_VALUES));
        }
        Value::from(*self.rng.pick(known))
    }

    /// Now and then, adds members the spec does not list to `object`.
    fn unknown_members(&mut self, object: &mut Map<String, Value>, per_mille: u64) {
        if !self.rng.chance(per_mille) {
            return;
        }
        let extra: [(&str, Value); 4] = [
            ("storage_class", json!("warm")),
            (
                "labels",
                json!({"team": "backup", "tier": self.rng.below(4)}),
            ),
            ("retention_days", json!(self.rng.below(365))),
            (
                "audit",
                json!([{"at": self.rng.timestamp(), "by": self.rng.hex(8)}]),
            ),
        ];
        let count = 1 + self.rng.below(2) as usize;
        let start = self.rng.below(extra.len() as u64) as usize;
        for i in 0..count {
            let (key, value) = &extra[(start + i) % extra.len()];
            object.insert(format!("x_{key}"), value.clone());
        }
    }

    /// Sets about a third of the listed members of `object` to `null` and removes some;
    /// members named `x_…` (unknown ones) are left alone.
    fn thin_out(&mut self, object: &mut Map<String, Value>) {
        let keys: Vec<String> = object.keys().cloned().collect();
        for key in keys {
            if key.starts_with("x_") {
                continue;
            }
            let roll = self.rng.below(1000);
            if roll < NULL_PER_MILLE {
                object.insert(key, Value::Null);
            } else if roll < NULL_PER_MILLE + ABSENT_PER_MILLE {
                object.remove(&key);
            }
        }
    }

    fn project_id(&mut self) -> String {
        self.rng.pick(&self.project_ids).clone()
    }

    fn provider_id(&mut self) -> String {
        self.rng.pick(&self.provider_ids).clone()
    }

    fn vault_id(&mut self) -> String {
        self.rng.pick(&self.vault_ids).clone()
    }
}

/// The page as compact JSON, with its [`Stats`] counted against the schemas of the spec.
fn finish(page: Map<String, Value>, schema: &str) -> Page {
    let page = Value::Object(page);
    let mut stats = Stats::default();
    tally(&spec(), schema, &page, 0, &mut stats);
    Page {
        json: serde_json::to_string(&page).expect("a page serialises"),
        stats,
    }
}

/// The component schema a member refers to (directly, through a one-element `allOf`, or as a
/// nullable reference `anyOf: [$ref, {enum: [null]}]`).
pub(crate) fn schema_ref(member: &Value) -> Option<&str> {
    member["$ref"]
        .as_str()
        .or_else(|| member["allOf"][0]["$ref"].as_str())
        .or_else(|| member["anyOf"][0]["$ref"].as_str())
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// Whether `value` is outside the enumeration of `schema`, if it has one.
fn unknown_enum_value(schema: &Value, value: &Value) -> bool {
    schema["enum"]
        .as_array()
        .is_some_and(|allowed| !allowed.contains(value))
}

/// Counts the members of `value`, an object of component schema `schema`, and of everything
/// below it. `depth` is the item depth: the page is 0, its items 1, items within items 2 and more.
fn tally(spec: &Value, schema: &str, value: &Value, depth: usize, stats: &mut Stats) {
    let Some(object) = value.as_object() else {
        return;
    };
    let schemas = &spec["components"]["schemas"];
    let members = schemas[schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {schema} has no properties"));
    for (name, member) in members {
        let value = match object.get(name) {
            None => {
                stats.absent += 1;
                continue;
            }
            Some(Value::Null) => {
                stats.nulls += 1;
                continue;
            }
            Some(value) => value,
        };
        stats.values += 1;
        let (target, items) = match (schema_ref(member), value) {
            (Some(target), _) => (Some(target), None),
            (None, Value::Array(items)) => (schema_ref(&member["items"]), Some(items)),
            (None, _) => (None, None),
        };
        let nested = |target: &str, value: &Value, depth: usize, stats: &mut Stats| {
            if unknown_enum_value(&schemas[target], value) {
                stats.unknown_enum_values += 1;
            }
            tally(spec, target, value, depth, stats);
        };
        match (target, items) {
            (Some(target), Some(items)) => {
                for item in items {
                    if depth >= 1 {
                        stats.nested_items += 1;
                    }
                    nested(target, item, depth + 1, stats);
                }
            }
            (Some(target), None) => nested(target, value, depth, stats),
            (None, _) => {
                if unknown_enum_value(member, value) {
                    stats.unknown_enum_values += 1;
                }
            }
        }
    }
    stats.unknown_members += object.keys().filter(|k| !members.contains_key(*k)).count();
}

fn object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    value.as_object_mut().expect("an object")
}

// ----- list_backups ----------------------------------------------------------------------------

const BACKUP_STATUS: &[&str] = &[
    "available",
    "available",
    "available",
    "available",
    "protecting",
    "deleting",
    "restoring",
    "error",
    "waiting_protect",
    "waiting_delete",
    "waiting_restore",
];

const RESOURCE_TYPES: &[&str] = &[
    "OS::Nova::Server",
    "OS::Nova::Server",
    "OS::Cinder::Volume",
    "OS::Ironic::BareMetalServer",
    "OS::Sfs::Turbo",
];

/// A `list_backups` page of `items` backups.
pub fn list_backups_page(seed: u64, items: usize) -> Page {
    let templates = backup_templates();
    let mut b = Builder::new(seed);
    let mut backups = Vec::with_capacity(items);
    for _ in 0..items {
        backups.push(backup(&mut b, &templates, true));
    }
    let mut page = Map::new();
    page.insert("backups".into(), Value::Array(backups));
    page.insert("count".into(), json!(items as u64 * 3 + 17));
    page.insert("limit".into(), json!(1000));
    page.insert("offset".into(), json!(0));
    finish(page, "ListBackupsResponseBody")
}

fn backup(b: &mut Builder, templates: &[Value], top_level: bool) -> Value {
    let mut value = b.rng.pick(templates).clone();
    let item = object(&mut value);
    let resource_type = b.enum_value(RESOURCE_TYPES, 15);
    let name_prefix = if b.rng.chance(700) {
        "autobk"
    } else {
        "manualbk"
    };
    item.insert("id".into(), b.rng.uuid().into());
    item.insert("checkpoint_id".into(), b.rng.uuid().into());
    item.insert("resource_id".into(), b.rng.uuid().into());
    item.insert("vault_id".into(), b.vault_id().into());
    item.insert("provider_id".into(), b.provider_id().into());
    item.insert("project_id".into(), b.project_id().into());
    item.insert(
        "name".into(),
        format!("{name_prefix}_{}", b.rng.hex(4)).into(),
    );
    item.insert(
        "resource_name".into(),
        format!("ecs-{}-{:04}", b.rng.hex(4), b.rng.below(10_000)).into(),
    );
    item.insert("created_at".into(), b.rng.timestamp().into());
    item.insert("updated_at".into(), b.rng.timestamp().into());
    item.insert("expired_at".into(), b.rng.timestamp().into());
    item.insert("protected_at".into(), b.rng.timestamp().into());
    item.insert("resource_size".into(), json!(10 * (1 + b.rng.below(200))));
    item.insert("resource_type".into(), resource_type);
    item.insert("status".into(), b.enum_value(BACKUP_STATUS, 15));
    item.insert("image_type".into(), b.enum_value(&["backup"], 10));
    item.insert(
        "resource_az".into(),
        format!("ap-southeast-{}a", 1 + b.rng.below(3)).into(),
    );
    item.insert(
        "description".into(),
        if b.rng.chance(300) {
            format!("nightly backup of {}", b.rng.hex(6)).into()
        } else {
            "".into()
        },
    );
    if b.rng.chance(400) {
        item.insert("enterprise_project_id".into(), json!("0"));
    }
    item.insert("parent_id".into(), Value::Null);

    // Nested items: child backups (one level), replication records, images.
    let mut children = Vec::new();
    if top_level && b.rng.chance(120) {
        for _ in 0..1 + b.rng.below(3) {
            let mut child = backup(b, templates, false);
            object(&mut child).insert("parent_id".into(), item["id"].clone());
            children.push(child);
        }
    }
    item.insert("children".into(), Value::Array(children));
    let mut records = Vec::new();
    if b.rng.chance(100) {
        for _ in 0..1 + b.rng.below(2) {
            let mut record = json!({
                "progress": b.rng.below(101),
                "fail_code": "",
                "fail_reason": "",
                "auto_trigger": b.rng.chance(500),
                "destination_vault_id": b.vault_id(),
            });
            let record_object = object(&mut record);
            b.thin_out(record_object);
            b.unknown_members(record_object, 50);
            records.push(record);
        }
    }
    item.insert("replication_records".into(), Value::Array(records));

    let mut extend_info = item.remove("extend_info").unwrap_or_else(|| json!({}));
    let info = object(&mut extend_info);
    info.insert("auto_trigger".into(), json!(name_prefix == "autobk"));
    info.insert("bootable".into(), json!(b.rng.chance(500)));
    info.insert("incremental".into(), json!(b.rng.chance(800)));
    info.insert("snapshot_id".into(), b.rng.uuid().into());
    info.insert("support_lld".into(), json!(b.rng.chance(500)));
    info.insert(
        "supported_restore_mode".into(),
        b.enum_value(&["na", "backup", "snapshot"], 10),
    );
    info.insert("contain_system_disk".into(), json!(b.rng.chance(700)));
    info.insert("encrypted".into(), json!(b.rng.chance(200)));
    info.insert("system_disk".into(), json!(b.rng.chance(300)));
    info.insert("progress".into(), json!(b.rng.below(101)));
    info.insert(
        "architecture".into(),
        b.rng
            .pick(&["x86_64", "x86_64", "aarch64"])
            .to_owned()
            .into(),
    );
    let mut images = Vec::new();
    if b.rng.chance(150) {
        for _ in 0..1 + b.rng.below(3) {
            let mut image = json!({ "image_id": b.rng.uuid() });
            b.unknown_members(object(&mut image), 30);
            images.push(image);
        }
    }
    info.insert("os_images_data".into(), Value::Array(images));
    if b.rng.chance(300) {
        let mut consistency = json!({
            "app_consistency": b.rng.pick(&["0", "1"]).to_owned(),
            "app_consistency_status": b.rng.pick(&["0", "1"]).to_owned(),
            "app_consistency_error_code": "0",
            "app_consistency_error_message": "",
        });
        b.thin_out(object(&mut consistency));
        info.insert("app_consistency".into(), consistency);
    }
    b.thin_out(info);
    b.unknown_members(info, 30);
    item.insert("extend_info".into(), extend_info);

    b.thin_out(item);
    b.unknown_members(item, 50);
    value
}

// ----- list_operation_logs ---------------------------------------------------------------------

const OPERATION_TYPES: &[&str] = &[
    "backup",
    "backup",
    "backup",
    "copy",
    "replication",
    "restore",
    "delete",
    "sync",
    "vault_delete",
    "remove_resource",
];

const TASK_STATUS: &[&str] = &[
    "success", "success", "success", "skipped", "failed", "running", "timeout", "waiting",
];

/// A `list_operation_logs` page of `items` tasks.
pub fn list_operation_logs_page(seed: u64, items: usize) -> Page {
    let templates = operation_log_templates();
    let mut b = Builder::new(seed);
    let mut logs = Vec::with_capacity(items);
    for _ in 0..items {
        logs.push(operation_log(&mut b, &templates));
    }
    let mut page = Map::new();
    page.insert("operation_logs".into(), Value::Array(logs));
    page.insert("count".into(), json!(items as u64 * 5 + 3));
    page.insert("limit".into(), json!(1000));
    page.insert("offset".into(), json!(0));
    finish(page, "ListOperationLogsResponseBody")
}

fn op_resource(b: &mut Builder) -> Value {
    let mut resource = json!({
        "type": b.enum_value(RESOURCE_TYPES, 15),
        "id": b.rng.uuid(),
        "name": format!("ECS-{:04}", b.rng.below(10_000)),
    });
    b.thin_out(object(&mut resource));
    resource
}

fn operation_log(b: &mut Builder, templates: &[Value]) -> Value {
    let mut value = b.rng.pick(templates).clone();
    let log = object(&mut value);
    let kind = b.enum_value(OPERATION_TYPES, 15);
    let status = b.enum_value(TASK_STATUS, 15);
    log.insert("id".into(), b.rng.uuid().into());
    log.insert("checkpoint_id".into(), b.rng.uuid().into());
    log.insert("provider_id".into(), b.provider_id().into());
    log.insert("project_id".into(), b.project_id().into());
    log.insert("created_at".into(), b.rng.timestamp().into());
    log.insert("started_at".into(), b.rng.timestamp().into());
    log.insert("updated_at".into(), b.rng.timestamp().into());
    log.insert("ended_at".into(), b.rng.timestamp().into());
    log.insert("vault_id".into(), b.vault_id().into());
    log.insert(
        "vault_name".into(),
        format!("vault-{}", b.rng.hex(4)).into(),
    );
    log.insert(
        "policy_id".into(),
        if b.rng.chance(500) {
            b.rng.uuid().into()
        } else {
            Value::Null
        },
    );
    let failed = status == "failed";
    let mut error_info = if failed {
        json!({
            "code": b.rng.pick(&["BackupService.6500", "BackupService.2015", "BackupService.9900"]).to_owned(),
            "message": format!("task failed on agent {}", b.rng.hex(8)),
        })
    } else {
        json!({ "code": "", "message": "" })
    };
    b.thin_out(object(&mut error_info));
    log.insert("error_info".into(), error_info);

    let request_id = format!("req-{}", b.rng.uuid());
    let mut common = json!({
        "progress": if status == "running" { b.rng.below(100) } else { 100 },
        "request_id": request_id,
        "task_id": b.rng.uuid(),
    });
    b.thin_out(object(&mut common));
    let mut extra = Map::new();
    extra.insert("common".into(), common);
    let backup_name = format!("manualbk_{}", b.rng.hex(4));
    match kind.as_str().unwrap_or_default() {
        "backup" | "copy" | "replication" => {
            extra.insert("resource".into(), op_resource(b));
            let mut backup = json!({
                "backup_id": b.rng.uuid(),
                "backup_name": backup_name,
                "app_consistency_status": b.enum_value(&["0", "1"], 10),
                "app_consistency_error_code": "0",
                "app_consistency_error_message": "",
                "incremental": b.enum_value(&["true", "false"], 10),
            });
            b.thin_out(object(&mut backup));
            extra.insert("backup".into(), backup);
        }
        "restore" => {
            extra.insert("resource".into(), op_resource(b));
            let mut restore = json!({
                "backup_id": b.rng.uuid(),
                "backup_name": backup_name,
                "target_resource_id": b.rng.uuid(),
                "target_resource_name": format!("ECS-{:04}", b.rng.below(10_000)),
            });
            b.thin_out(object(&mut restore));
            extra.insert("restore".into(), restore);
        }
        "delete" => {
            extra.insert("resource".into(), op_resource(b));
            let mut delete = json!({ "backup_id": b.rng.uuid(), "backup_name": backup_name });
            b.thin_out(object(&mut delete));
            extra.insert("delete".into(), delete);
        }
        "sync" => {
            let mut sync = json!({
                "sync_backup_num": b.rng.below(50),
                "delete_backup_num": b.rng.below(5),
                "err_sync_backup_num": b.rng.below(3),
            });
            b.thin_out(object(&mut sync));
            extra.insert("sync".into(), sync);
        }
        "vault_delete" => {
            let total = 1 + b.rng.below(20);
            let mut vault_delete =
                json!({ "fail_count": b.rng.below(total), "total_count": total });
            b.thin_out(object(&mut vault_delete));
            extra.insert("vault_delete".into(), vault_delete);
        }
        _ => {
            // remove_resource, and unknown task types: a list of nested resources.
            let total = 1 + b.rng.below(6);
            let resources: Vec<Value> = (0..total).map(|_| op_resource(b)).collect();
            let mut remove = json!({
                "fail_count": b.rng.below(2),
                "total_count": total,
                "resources": resources,
            });
            b.thin_out(object(&mut remove));
            extra.insert("remove_resources".into(), remove);
        }
    }
    b.unknown_members(&mut extra, 30);
    log.insert("extra_info".into(), Value::Object(extra));
    log.insert("operation_type".into(), kind);
    log.insert("status".into(), status);

    b.thin_out(log);
    b.unknown_members(log, 50);
    value
}

/// A `create_vault` request body of about `bytes` bytes, from the documented
/// `create_server_vault` example with more resources.
pub fn create_vault_body(seed: u64, bytes: usize) -> Value {
    let spec = spec();
    let mut body = spec["paths"]["/v3/{project_id}/vaults"]["post"]["requestBody"]["content"]
        ["application/json"]["examples"]["create_server_vault"]["value"]
        .clone();
    assert!(
        body.is_object(),
        "no documented create_server_vault example"
    );
    let mut rng = Rng::new(seed);
    let template = body["vault"]["resources"][0].clone();
    let resources = body["vault"]["resources"]
        .as_array_mut()
        .expect("resources");
    resources.clear();
    while serde_json::to_string(&body).expect("serialises").len() < bytes {
        let mut resource = template.clone();
        resource["id"] = rng.uuid().into();
        resource["name"] = format!("ecs-{}", rng.hex(6)).into();
        resource["extra_info"]["include_volumes"][0]["id"] = rng.uuid().into();
        body["vault"]["resources"]
            .as_array_mut()
            .expect("resources")
            .push(resource);
    }
    body
}
