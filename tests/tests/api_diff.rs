//! `api-diff`'s rules, one row each: a small edit of the fixture spec
//! (`tests/fixtures/api_diff/cbr.yaml`) or of its catalogue, and the exact lines the diff must
//! print for it, the last one `semver: …`. The rules and their reasons are in
//! `docs/design/0005-api-diff.md`.

use cbr_codegen::api_diff::{compare, Version};
use cbr_codegen::{ErrorKind, Inputs};
use cbr_tests::workspace_file;
use serde_yaml::Value;

/// An edit of a YAML document at a JSON pointer (RFC 6901, without the `#`).
#[derive(Debug, Clone, Copy)]
enum Edit {
    /// Sets the value (YAML text) at the pointer; a missing last member is added at the end of
    /// its mapping, and `-` appends to a sequence.
    Set(&'static str, &'static str),
    /// Removes the member or item at the pointer, keeping the order of the others.
    Remove(&'static str),
    /// Renames the member at the pointer in place.
    Rename(&'static str, &'static str),
    /// Moves the member or item at the pointer to the end of its mapping or sequence.
    MoveLast(&'static str),
}

use Edit::{MoveLast, Remove, Rename, Set};

/// One rule: the edits and the expected output.
struct Case {
    rule: &'static str,
    /// Edits of the fixture spec that make the old version (usually none).
    base: &'static [Edit],
    spec: &'static [Edit],
    codes: &'static [Edit],
    lines: &'static [&'static str],
}

const fn spec(rule: &'static str, edits: &'static [Edit], lines: &'static [&'static str]) -> Case {
    Case {
        rule,
        base: &[],
        spec: edits,
        codes: &[],
        lines,
    }
}

/// A rule whose old version is the fixture with `base` applied, and whose new version has
/// `edits` applied after it.
const fn spec_from(
    base: &'static [Edit],
    rule: &'static str,
    edits: &'static [Edit],
    lines: &'static [&'static str],
) -> Case {
    Case {
        rule,
        base,
        spec: edits,
        codes: &[],
        lines,
    }
}

const fn codes(rule: &'static str, edits: &'static [Edit], lines: &'static [&'static str]) -> Case {
    Case {
        rule,
        base: &[],
        spec: &[],
        codes: edits,
        lines,
    }
}

/// `show_vault` polled by a waiter: the old version of the waiter rows.
const WITH_WAITER: &[Edit] = &[Set(
    "/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters",
    "[{method: wait_for_vault, type: VaultAvailable, resource: vault, result: vault, state: status, success: [available], failure: [frozen]}]",
)];

/// The operation `delete_vault` with `vault_id` sent in the query, for the location row.
const DELETE_WITH_QUERY_ID: &str = "
operationId: delete_vault
summary: Deleting a vault
parameters:
- {name: project_id, in: path, required: true, schema: {type: string}}
- {name: vault_id, in: query, required: true, schema: {type: string}}
- {name: force, in: query, required: true, schema: {type: boolean}}
- {name: reason, in: query, required: true, schema: {type: string}}
responses:
  '204': {description: No content}
  default: {$ref: '#/components/responses/Error'}
";

const CASES: &[Case] = &[
    // ----- operations -----
    spec(
        "operation added",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/put", "
operationId: update_vault
parameters:
- {name: project_id, in: path, required: true, schema: {type: string}}
- {name: vault_id, in: path, required: true, schema: {type: string}}
responses:
  '204': {description: No content}
  default: {$ref: '#/components/responses/Error'}
")],
        &[
            "addition  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/put  operation PUT /v3/{project_id}/vaults/{vault_id} added: Client::update_vault and UpdateVault added",
            "semver: minor",
        ],
    ),
    spec(
        "operation removed",
        &[Remove("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete  operation DELETE /v3/{project_id}/vaults/{vault_id} removed: Client::delete_vault and DeleteVault removed",
            "semver: major",
        ],
    ),
    spec(
        "operationId renamed",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/operationId", "remove_vault")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/operationId  operationId 'delete_vault' renamed to 'remove_vault' (not sent on the wire): Client::delete_vault becomes Client::remove_vault, DeleteVault becomes RemoveVault",
            "semver: major",
        ],
    ),
    spec(
        "operationId respelled, Rust names the same",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/operationId", "DeleteVault")],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/operationId  operationId 'delete_vault' renamed to 'DeleteVault' (not sent on the wire): Client::delete_vault and DeleteVault unchanged; Operation::OPERATION_ID changes",
            "semver: patch",
        ],
    ),
    spec(
        "waiter added",
        &[Set(
            "/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters",
            "[{method: wait_for_vault_locked, type: VaultLocked, resource: vault, result: vault, state: status, success: [locked], failure: [frozen]}]",
        )],
        &[
            "addition  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters/0  waiter 'wait_for_vault_locked' added (not sent on the wire): Client::wait_for_vault_locked and VaultLocked added",
            "semver: minor",
        ],
    ),
    spec_from(
        WITH_WAITER,
        "waiter removed",
        &[Remove("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters/0")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters/0  waiter 'wait_for_vault' removed (not sent on the wire): Client::wait_for_vault and VaultAvailable removed",
            "semver: major",
        ],
    ),
    spec_from(
        WITH_WAITER,
        "waiter type renamed",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters/0/type", "VaultReady")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters/0/type  waiter type renamed (not sent on the wire): VaultAvailable renamed to VaultReady: Client::wait_for_vault returns Waiter<VaultReady>",
            "semver: major",
        ],
    ),
    spec_from(
        WITH_WAITER,
        "waiter states changed",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters/0/failure", "[frozen, locked]")],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/x-waiters/0  states that end the wait: success [\"available\"] -> [\"available\"], failure [\"frozen\"] -> [\"frozen\", \"locked\"]: Client::wait_for_vault ends on other states; its API is unchanged",
            "semver: patch",
        ],
    ),
    spec(
        "method changed",
        &[Rename("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete", "post")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/post  route changed: DELETE /v3/{project_id}/vaults/{vault_id} -> POST /v3/{project_id}/vaults/{vault_id}: Client::delete_vault sends to the new route",
            "semver: major",
        ],
    ),
    spec(
        "path changed",
        &[Rename("/paths/~1v3~1{project_id}~1vaults~1{vault_id}", "/v3/{project_id}/vault/{vault_id}")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vault~1{vault_id}/delete  route changed: DELETE /v3/{project_id}/vaults/{vault_id} -> DELETE /v3/{project_id}/vault/{vault_id}: Client::delete_vault sends to the new route",
            "breaking  #/paths/~1v3~1{project_id}~1vault~1{vault_id}/get  route changed: GET /v3/{project_id}/vaults/{vault_id} -> GET /v3/{project_id}/vault/{vault_id}: Client::show_vault sends to the new route",
            "semver: major",
        ],
    ),
    spec(
        "server URL template changed",
        &[Set("/servers/0/url", "https://svc.{region}.example.org")],
        &[
            "breaking  #/servers/0/url  URL template changed: https://svc.{region}.example.com -> https://svc.{region}.example.org: Service::Svc.url_template() and the endpoints derived from a region change",
            "semver: major",
        ],
    ),
    spec(
        "operation sent to a new service",
        &[Set("/paths/~1v3~1{project_id}~1vaults/post/servers", "[{url: 'https://other.{region}.example.com'}]")],
        &[
            "addition  #/paths/~1v3~1{project_id}~1vaults/post/servers/0  server https://other.{region}.example.com added: Service::Other added",
            "breaking  #/paths/~1v3~1{project_id}~1vaults/post/servers  sent to service Other instead of Svc: Client::create_vault sends to another endpoint",
            "semver: major",
        ],
    ),
    spec(
        "operation summary changed",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/summary", "Listing all vaults")],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults/get/summary  summary changed: documentation only",
            "semver: patch",
        ],
    ),
    spec(
        "x-iam-action added",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/x-iam-action", "svc:vaults:list")],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults/get/x-iam-action  x-iam-action changed: documentation only",
            "semver: patch",
        ],
    ),
    // ----- parameters -----
    spec(
        "required query parameter added",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/parameters/-", "{name: region_hint, in: query, required: true, schema: {type: string}}")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/5  required query parameter 'region_hint' added: requests without it are refused: Client::list_vaults gains an argument region_hint",
            "semver: major",
        ],
    ),
    spec(
        "optional query parameter added",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/parameters/-", "{name: vault_type, in: query, schema: {type: string}}")],
        &[
            "addition  #/paths/~1v3~1{project_id}~1vaults/get/parameters/5  optional query parameter 'vault_type' added: setter ListVaults::vault_type added",
            "semver: minor",
        ],
    ),
    spec(
        "parameter removed (with its inline enumeration)",
        &[Remove("/paths/~1v3~1{project_id}~1vaults/get/parameters/3")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/3  query parameter 'status' removed: setter ListVaults::status removed",
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/3/schema  schema removed or renamed: enum ListVaultsStatus removed",
            "semver: major",
        ],
    ),
    spec(
        "parameter type changed",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/parameters/4/schema/type", "integer")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/4/schema  type of parameter 'name' changed: string -> integer: setter ListVaults::name takes i64 instead of String",
            "semver: major",
        ],
    ),
    spec(
        "parameter moved from the path to the query",
        &[
            Remove("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete"),
            Set("/paths/~1v3~1{project_id}~1vaults/delete", DELETE_WITH_QUERY_ID),
        ],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/delete  route changed: DELETE /v3/{project_id}/vaults/{vault_id} -> DELETE /v3/{project_id}/vaults: Client::delete_vault sends to the new route",
            "breaking  #/paths/~1v3~1{project_id}~1vaults/delete/parameters/1/in  parameter 'vault_id' moved from the path to the query: argument vault_id of Client::delete_vault unchanged",
            "semver: major",
        ],
    ),
    spec(
        "optional parameter made required",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/parameters/4/required", "true")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/4/required  parameter 'name' became required: setter ListVaults::name becomes the argument name of Client::list_vaults",
            "semver: major",
        ],
    ),
    spec(
        "required parameter made optional",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/parameters/2/required", "false")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/parameters/2/required  parameter 'force' became optional: argument force of Client::delete_vault becomes the setter DeleteVault::force",
            "semver: major",
        ],
    ),
    spec(
        "required parameters reordered",
        &[MoveLast("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/parameters/2")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/parameters  parameters listed in another order: Client::delete_vault takes (vault_id, reason, force) instead of (vault_id, force, reason)",
            "semver: major",
        ],
    ),
    spec(
        "path parameter renamed in place",
        &[
            Rename("/paths/~1v3~1{project_id}~1vaults~1{vault_id}", "/v3/{project_id}/vaults/{id}"),
            Set("/paths/~1v3~1{project_id}~1vaults~1{id}/get/parameters/1/name", "id"),
            Set("/paths/~1v3~1{project_id}~1vaults~1{id}/delete/parameters/1/name", "id"),
        ],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults~1{id}/delete/parameters/1/name  path parameter 'vault_id' renamed to 'id': the URL is the same: argument of Client::delete_vault renamed (arguments are positional)",
            "patch     #/paths/~1v3~1{project_id}~1vaults~1{id}/get/parameters/1/name  path parameter 'vault_id' renamed to 'id': the URL is the same: argument of Client::show_vault renamed (arguments are positional)",
            "semver: patch",
        ],
    ),
    spec(
        "query parameter bound tightened",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/parameters/1/schema/maximum", "500")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/1/schema/maximum  parameter 'limit': maximum tightened: 1000 -> 500: ListVaults::validate() refuses values it accepted",
            "semver: major",
        ],
    ),
    spec(
        "query parameter bound relaxed",
        &[Remove("/paths/~1v3~1{project_id}~1vaults/get/parameters/1/schema/maximum")],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults/get/parameters/1/schema/maximum  parameter 'limit': maximum relaxed: 1000 -> none: ListVaults::validate() accepts more values",
            "semver: patch",
        ],
    ),
    spec(
        "path parameter bound tightened",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/parameters/1/schema/maxLength", "36")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/parameters/1/schema/maxLength  parameter 'vault_id': maxLength tightened: 64 -> 36: the service refuses values it accepted: not checked by the client",
            "semver: major",
        ],
    ),
    spec(
        "parameter default changed",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/parameters/1/schema/default", "50")],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults/get/parameters/1/schema/default  default changed: 100 -> 50 (what the service does when the value is omitted): documentation only: the client never applies defaults",
            "semver: patch",
        ],
    ),
    spec(
        "paging lost with the offset parameter",
        &[Remove("/paths/~1v3~1{project_id}~1vaults/get/parameters/2")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get  the listing no longer has the parameters or members paging needs: ListVaults::into_pages() and into_items() removed",
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/2  query parameter 'offset' removed: setter ListVaults::offset removed",
            "patch     #/paths/~1v3~1{project_id}~1vaults/get/parameters/2/schema  schema moved from #/paths/~1v3~1{project_id}~1vaults/get/parameters/3/schema: documentation of ListVaultsStatus names the new schema",
            "semver: major",
        ],
    ),
    // ----- request bodies -----
    spec(
        "request body type changed",
        &[Set("/paths/~1v3~1{project_id}~1vaults/post/requestBody/content/application~1json/schema/$ref", "'#/components/schemas/VaultCreate'")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/post/requestBody/content/application~1json/schema  request body changed: CreateVaultRequestBody -> VaultCreate: argument body of Client::create_vault takes VaultCreate instead of CreateVaultRequestBody",
            "breaking  #/components/schemas/CreateVaultRequestBody  schema no longer used in a request body: CreateVaultRequestBody::validate() removed",
            "semver: major",
        ],
    ),
    spec(
        "request body made optional",
        &[Set("/paths/~1v3~1{project_id}~1vaults/post/requestBody/required", "false")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/post/requestBody/required  request body became optional: argument body of Client::create_vault becomes the setter CreateVault::body",
            "semver: major",
        ],
    ),
    // ----- success responses -----
    spec(
        "success body type changed",
        &[Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/responses/200/content/application~1json/schema/$ref", "'#/components/schemas/ListVaultsResponseBody'")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/responses/200/content  success body changed: ShowVaultResponseBody -> ListVaultsResponseBody: ShowVault's output: ShowVaultResponseBody -> ListVaultsResponseBody",
            "semver: major",
        ],
    ),
    spec(
        "success body removed",
        &[Remove("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/responses/200/content")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/responses/200/content  success response no longer has a body: clients that expect one fail to read it: ShowVault's output: ShowVaultResponseBody -> ()",
            "semver: major",
        ],
    ),
    spec(
        "success body added, with another status",
        &[
            Rename("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/responses/204", "200"),
            Set("/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/responses/200/content", "{application/json: {schema: {$ref: '#/components/schemas/ShowVaultResponseBody'}}}"),
        ],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/responses/200  success status changed: 204 -> 200 (the client takes any 2xx as success): documentation only",
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/responses/200/content  success response now has a body (ShowVaultResponseBody): clients that expect none ignore it: DeleteVault's output: () -> ShowVaultResponseBody",
            "semver: major",
        ],
    ),
    spec(
        "success status changed",
        &[Rename("/paths/~1v3~1{project_id}~1vaults/post/responses/200", "201")],
        &[
            "patch     #/paths/~1v3~1{project_id}~1vaults/post/responses/201  success status changed: 200 -> 201 (the client takes any 2xx as success): documentation only",
            "semver: patch",
        ],
    ),
    spec(
        "error body format changed",
        &[Set("/components/schemas/Error/x-error-format", "{code: /error_msg, message: /error_code}")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/post/responses  error body format changed: code at /error_code, message at /error_msg -> code at /error_msg, message at /error_code: clients that read the old format find no error code: CreateVault's errors read the code and message from the new place",
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/delete/responses  error body format changed: code at /error_code, message at /error_msg -> code at /error_msg, message at /error_code: clients that read the old format find no error code: DeleteVault's errors read the code and message from the new place",
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/responses  error body format changed: code at /error_code, message at /error_msg -> code at /error_msg, message at /error_code: clients that read the old format find no error code: ListVaults's errors read the code and message from the new place",
            "breaking  #/paths/~1v3~1{project_id}~1vaults~1{vault_id}/get/responses  error body format changed: code at /error_code, message at /error_msg -> code at /error_msg, message at /error_code: clients that read the old format find no error code: ShowVault's errors read the code and message from the new place",
            "semver: major",
        ],
    ),
    // ----- request members -----
    spec(
        "required request member added",
        &[
            Set("/components/schemas/VaultCreate/properties/resource_type", "{type: string}"),
            Set("/components/schemas/VaultCreate/required/-", "resource_type"),
        ],
        &[
            "breaking  #/components/schemas/VaultCreate/properties/resource_type  required member 'resource_type' added: requests without it are refused: VaultCreate::new gains an argument resource_type",
            "semver: major",
        ],
    ),
    spec(
        "optional request member added",
        &[Set("/components/schemas/VaultCreate/properties/enterprise_project_id", "{type: string}")],
        &[
            "addition  #/components/schemas/VaultCreate/properties/enterprise_project_id  optional member 'enterprise_project_id' added: field VaultCreate::enterprise_project_id and VaultCreate::with_enterprise_project_id added",
            "semver: minor",
        ],
    ),
    spec(
        "request member removed",
        &[Remove("/components/schemas/VaultCreate/properties/description")],
        &[
            "breaking  #/components/schemas/VaultCreate/properties/description  member 'description' removed: the service no longer documents it in requests: field VaultCreate::description removed; VaultCreate::with_description removed",
            "semver: major",
        ],
    ),
    spec(
        "last required member removed, from a type both sent and read",
        &[
            Remove("/components/schemas/Tag/properties/key"),
            Remove("/components/schemas/Tag/required"),
        ],
        &[
            "breaking  #/components/schemas/Tag/properties/key  member 'key' removed: the service no longer documents it in requests: field Tag::key removed; Tag::new loses an argument; Tag now implements Default",
            "semver: major",
        ],
    ),
    spec(
        "request member made required",
        &[Set("/components/schemas/VaultCreate/required/-", "description")],
        &[
            "breaking  #/components/schemas/VaultCreate/required  member 'description' became required: VaultCreate::new gains an argument; field VaultCreate::description: Option<String> -> String; VaultCreate::with_description removed",
            "semver: major",
        ],
    ),
    spec(
        "request member made optional",
        &[Set("/components/schemas/VaultCreate/required", "[name]")],
        &[
            "breaking  #/components/schemas/VaultCreate/required  member 'billing' became optional: VaultCreate::new loses an argument; field VaultCreate::billing: BillingCreate -> Option<BillingCreate>; VaultCreate::with_billing added",
            "semver: major",
        ],
    ),
    spec(
        "last required member made optional",
        &[Remove("/components/schemas/BillingCreate/required")],
        &[
            "breaking  #/components/schemas/BillingCreate/required  member 'size' became optional: BillingCreate::new loses an argument; field BillingCreate::size: i32 -> Option<i32>; BillingCreate::with_size added; BillingCreate now implements Default",
            "semver: major",
        ],
    ),
    spec(
        "request member type changed",
        &[Set("/components/schemas/BillingCreate/properties/size/format", "int64")],
        &[
            "breaking  #/components/schemas/BillingCreate/properties/size  type of member 'size' changed: integer (int32) -> integer: field BillingCreate::size: i32 -> i64",
            "semver: major",
        ],
    ),
    spec(
        "request member made nullable",
        &[Set("/components/schemas/VaultCreate/properties/description/nullable", "true")],
        &[
            "breaking  #/components/schemas/VaultCreate/properties/description/nullable  member 'description' may now be null: field VaultCreate::description: Option<String> -> Nullable<String>",
            "semver: major",
        ],
    ),
    spec(
        "request member no longer nullable",
        &[Remove("/components/schemas/VaultCreate/properties/backup_policy_id/nullable")],
        &[
            "breaking  #/components/schemas/VaultCreate/properties/backup_policy_id/nullable  member 'backup_policy_id' may no longer be null: requests with null are refused: field VaultCreate::backup_policy_id: Nullable<String> -> Option<String>",
            "semver: major",
        ],
    ),
    spec(
        "request member renamed on the wire only",
        &[Rename("/components/schemas/VaultCreate/properties/backup_policy_id", "backupPolicyId")],
        &[
            "breaking  #/components/schemas/VaultCreate/properties/backupPolicyId  member 'backup_policy_id' renamed to 'backupPolicyId' on the wire: the service no longer reads or sends the old name: field VaultCreate::backup_policy_id unchanged",
            "semver: major",
        ],
    ),
    spec(
        "required request members reordered",
        &[MoveLast("/components/schemas/VaultCreate/properties/name")],
        &[
            "breaking  #/components/schemas/VaultCreate/properties  required members listed in another order: VaultCreate::new takes (billing, name) instead of (name, billing)",
            "semver: major",
        ],
    ),
    spec(
        "request member description changed",
        &[Set("/components/schemas/VaultCreate/properties/name/description", "Name of the vault")],
        &[
            "patch     #/components/schemas/VaultCreate/properties/name/description  description changed: documentation only",
            "semver: patch",
        ],
    ),
    spec(
        "request member default changed",
        &[Set("/components/schemas/VaultCreate/properties/auto_expand/default", "true")],
        &[
            "patch     #/components/schemas/VaultCreate/properties/auto_expand/default  default changed: false -> true (what the service does when the value is omitted): documentation only: the client never applies defaults",
            "semver: patch",
        ],
    ),
    // ----- request constraints -----
    spec(
        "request maxLength tightened",
        &[Set("/components/schemas/VaultCreate/properties/name/maxLength", "32")],
        &[
            "breaking  #/components/schemas/VaultCreate/properties/name/maxLength  member 'name': maxLength tightened: 64 -> 32: VaultCreate::validate() refuses values it accepted",
            "semver: major",
        ],
    ),
    spec(
        "request maxLength relaxed",
        &[Set("/components/schemas/VaultCreate/properties/name/maxLength", "128")],
        &[
            "patch     #/components/schemas/VaultCreate/properties/name/maxLength  member 'name': maxLength relaxed: 64 -> 128: VaultCreate::validate() accepts more values",
            "semver: patch",
        ],
    ),
    spec(
        "request minimum tightened",
        &[Set("/components/schemas/BillingCreate/properties/size/minimum", "10")],
        &[
            "breaking  #/components/schemas/BillingCreate/properties/size/minimum  member 'size': minimum tightened: 1 -> 10: BillingCreate::validate() refuses values it accepted",
            "semver: major",
        ],
    ),
    spec(
        "request maxItems tightened",
        &[Set("/components/schemas/VaultCreate/properties/tags/maxItems", "5")],
        &[
            "breaking  #/components/schemas/VaultCreate/properties/tags/maxItems  member 'tags': maxItems tightened: 10 -> 5: VaultCreate::validate() refuses values it accepted",
            "semver: major",
        ],
    ),
    spec(
        "allowed integer values removed",
        &[Remove("/components/schemas/BillingCreate/properties/period_num/enum/2")],
        &[
            "breaking  #/components/schemas/BillingCreate/properties/period_num/enum  member 'period_num': enum tightened: [1, 2, 3] -> [1, 2]: BillingCreate::validate() refuses values it accepted",
            "semver: major",
        ],
    ),
    spec(
        "allowed integer values added",
        &[Set("/components/schemas/BillingCreate/properties/period_num/enum/-", "4")],
        &[
            "patch     #/components/schemas/BillingCreate/properties/period_num/enum  member 'period_num': enum relaxed: [1, 2, 3] -> [1, 2, 3, 4]: BillingCreate::validate() accepts more values",
            "semver: patch",
        ],
    ),
    spec(
        "bound tightened on a type both sent and read",
        &[Set("/components/schemas/Tag/properties/key/maxLength", "20")],
        &[
            "breaking  #/components/schemas/Tag/properties/key/maxLength  member 'key': maxLength tightened: 36 -> 20: Tag::validate() refuses values it accepted",
            "semver: major",
        ],
    ),
    // ----- response members -----
    spec(
        "response member added",
        &[Set("/components/schemas/Vault/properties/created_at", "{type: string, nullable: true}")],
        &[
            "addition  #/components/schemas/Vault/properties/created_at  optional member 'created_at' added: field Vault::created_at and Vault::with_created_at added",
            "semver: minor",
        ],
    ),
    spec(
        "response member removed from an all-Nullable model",
        &[Remove("/components/schemas/Vault/properties/size")],
        &[
            "breaking  #/components/schemas/Vault/properties/size  member 'size' removed: a value the service still sends lands in unknown_members: field Vault::size removed; Vault::with_size removed",
            "semver: major",
        ],
    ),
    spec(
        "response member type changed",
        &[Set("/components/schemas/Vault/properties/size/type", "string")],
        &[
            "breaking  #/components/schemas/Vault/properties/size  type of member 'size' changed: integer -> string: field Vault::size: Nullable<i64> -> Nullable<String>",
            "semver: major",
        ],
    ),
    spec(
        "response member no longer nullable",
        &[Remove("/components/schemas/Vault/properties/id/nullable")],
        &[
            "breaking  #/components/schemas/Vault/properties/id/nullable  member 'id' may no longer be null: field Vault::id: Nullable<String> -> Option<String>",
            "semver: major",
        ],
    ),
    spec(
        "response member made nullable",
        &[Set("/components/schemas/ShowVaultResponseBody/properties/request_id/nullable", "true")],
        &[
            "breaking  #/components/schemas/ShowVaultResponseBody/properties/request_id/nullable  member 'request_id' may now be null: clients that do not expect null fail to read it: field ShowVaultResponseBody::request_id: Option<String> -> Nullable<String>",
            "semver: major",
        ],
    ),
    spec(
        "response member made required",
        &[Set("/components/schemas/ShowVaultResponseBody/required", "[request_id]")],
        &[
            "breaking  #/components/schemas/ShowVaultResponseBody/required  member 'request_id' became required: the service always sends it: ShowVaultResponseBody::new gains an argument; field ShowVaultResponseBody::request_id: Option<String> -> String; ShowVaultResponseBody::with_request_id removed; ShowVaultResponseBody no longer implements Default",
            "semver: major",
        ],
    ),
    spec(
        "response member renamed on the wire only",
        &[Rename("/components/schemas/Vault/properties/name", "Name")],
        &[
            "breaking  #/components/schemas/Vault/properties/Name  member 'name' renamed to 'Name' on the wire: the service no longer reads or sends the old name: field Vault::name unchanged",
            "semver: major",
        ],
    ),
    spec(
        "response bound tightened",
        &[Set("/components/schemas/Vault/properties/name/maxLength", "32")],
        &[
            "patch     #/components/schemas/Vault/properties/name/maxLength  member 'name': maxLength tightened: 64 -> 32: not checked: responses are read whatever their values",
            "semver: patch",
        ],
    ),
    // ----- enumerations -----
    spec(
        "request enumeration value added",
        &[Set("/paths/~1v3~1{project_id}~1vaults/get/parameters/3/schema/enum/-", "frozen")],
        &[
            "addition  #/paths/~1v3~1{project_id}~1vaults/get/parameters/3/schema/enum  value 'frozen' added: variant ListVaultsStatus::Frozen added",
            "semver: minor",
        ],
    ),
    spec(
        "request enumeration value removed",
        &[Remove("/paths/~1v3~1{project_id}~1vaults/get/parameters/3/schema/enum/1")],
        &[
            "breaking  #/paths/~1v3~1{project_id}~1vaults/get/parameters/3/schema/enum  value 'locked' removed: requests with it are refused (also by validate()): variant ListVaultsStatus::Locked removed",
            "semver: major",
        ],
    ),
    spec(
        "response enumeration value added",
        &[Set("/components/schemas/VaultStatus/enum/-", "deleting")],
        &[
            "addition  #/components/schemas/VaultStatus/enum  value 'deleting' added: clients that do not know it read it as Unknown: variant VaultStatus::Deleting added",
            "semver: minor",
        ],
    ),
    spec(
        "response enumeration value removed",
        &[Remove("/components/schemas/VaultStatus/enum/2")],
        &[
            "breaking  #/components/schemas/VaultStatus/enum  value 'frozen' removed: the service no longer sends it: variant VaultStatus::Frozen removed",
            "semver: major",
        ],
    ),
    spec(
        "enumeration value respelled, variant the same",
        &[Set("/components/schemas/VaultStatus/enum/2", "FROZEN")],
        &[
            "breaking  #/components/schemas/VaultStatus/enum  value 'frozen' is now spelled 'FROZEN': clients that send or expect the old spelling fail: variant VaultStatus::Frozen unchanged",
            "semver: major",
        ],
    ),
    spec(
        "enumeration values reordered",
        &[MoveLast("/components/schemas/VaultStatus/enum/0")],
        &[
            "patch     #/components/schemas/VaultStatus/enum  values listed in another order: variants of VaultStatus, and so its Ord and VALUES, follow the new order",
            "semver: patch",
        ],
    ),
    spec(
        "description of an inline enumeration: one line for the member and its type",
        &[Set("/components/schemas/BillingCreate/properties/consistent_level/description", "Consistency of the backups")],
        &[
            "patch     #/components/schemas/BillingCreate/properties/consistent_level/description  description changed: documentation only",
            "semver: patch",
        ],
    ),
    // ----- types -----
    spec(
        "type added",
        &[Set("/components/schemas/Unused", "{type: object, description: Not used yet., properties: {a: {type: string}}}")],
        &[
            "addition  #/components/schemas/Unused  new schema: struct Unused added",
            "semver: minor",
        ],
    ),
    spec(
        "type removed with the member that held it",
        &[Remove("/components/schemas/BillingCreate/properties/consistent_level")],
        &[
            "breaking  #/components/schemas/BillingCreate/properties/consistent_level  member 'consistent_level' removed: the service no longer documents it in requests: field BillingCreate::consistent_level removed; BillingCreate::with_consistent_level removed",
            "breaking  #/components/schemas/BillingCreate/properties/consistent_level  schema removed or renamed: enum BillingCreateConsistentLevel removed",
            "semver: major",
        ],
    ),
    spec(
        "type changed from an enumeration to a struct",
        &[Set("/components/schemas/VaultStatus", "{type: object, description: State of a vault., properties: {code: {type: string}}}")],
        &[
            "breaking  #/components/schemas/VaultStatus  schema changed between an object and a string enumeration: struct VaultStatus was an enum",
            "semver: major",
        ],
    ),
    spec(
        "schema x-doc-source added",
        &[Set("/components/schemas/Vault/x-doc-source", "fixture §1")],
        &[
            "patch     #/components/schemas/Vault/x-doc-source  x-doc-source changed: documentation only",
            "semver: patch",
        ],
    ),
    // ----- error codes -----
    codes(
        "error code added",
        &[Set("/codes/-", "{status: 409, code: Svc.0003, message: Busy., description: Busy., handling: Retry.}")],
        &[
            "addition  error-codes.yaml#/codes/2  code 'Svc.0003' added (status 409): clients that do not know it see an unknown code: variant ErrorCode::Svc0003 added",
            "semver: minor",
        ],
    ),
    codes(
        "error code removed",
        &[Remove("/codes/1")],
        &[
            "breaking  error-codes.yaml#/codes/1  code 'Svc.0002' removed from the catalogue: variant ErrorCode::Svc0002 removed",
            "semver: major",
        ],
    ),
    codes(
        "error code respelled, variant the same",
        &[Set("/codes/1/code", "Svc0002")],
        &[
            "breaking  error-codes.yaml#/codes/1/code  code 'Svc.0002' is now sent as 'Svc0002': clients that know the old spelling see an unknown code: variant ErrorCode::Svc0002 unchanged",
            "semver: major",
        ],
    ),
    codes(
        "error code message changed",
        &[Set("/codes/0/message", "Nothing to back up.")],
        &[
            "patch     error-codes.yaml#/codes/0/message  message of 'Svc.0001' changed: text of ErrorCode::Svc0001.message()",
            "semver: patch",
        ],
    ),
    codes(
        "error code status changed",
        &[Set("/codes/1/status", "410")],
        &[
            "patch     error-codes.yaml#/codes/1/status  documented status of 'Svc.0002' changed: 404 -> 410: ErrorCode::Svc0002.status() returns 410",
            "semver: patch",
        ],
    ),
];

fn fixture(name: &str) -> String {
    let path = workspace_file(&format!("tests/fixtures/api_diff/{name}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pointer's segments, unescaped.
fn segments(pointer: &str) -> Vec<String> {
    assert!(pointer.starts_with('/'), "{pointer}: not a JSON pointer");
    pointer[1..]
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn child<'a>(value: &'a mut Value, segment: &str, pointer: &str) -> &'a mut Value {
    let found = match value {
        Value::Mapping(map) => map.get_mut(segment),
        Value::Sequence(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    };
    found.unwrap_or_else(|| panic!("{pointer}: no `{segment}`"))
}

/// The value holding the pointer's last segment, and that segment.
fn parent<'a>(root: &'a mut Value, pointer: &str) -> (&'a mut Value, String) {
    let mut segments = segments(pointer);
    let last = segments.pop().expect("not the root");
    let mut value = root;
    for segment in &segments {
        value = child(value, segment, pointer);
    }
    (value, last)
}

fn apply(document: &mut Value, edit: Edit) {
    match edit {
        Set(pointer, yaml) => {
            let new: Value = serde_yaml::from_str(yaml).expect("the edit's value is YAML");
            let (parent, last) = parent(document, pointer);
            match parent {
                Value::Sequence(items) if last == "-" => items.push(new),
                Value::Mapping(map) => {
                    map.insert(Value::String(last), new);
                }
                other => *child(other, &last, pointer) = new,
            }
        }
        Remove(pointer) => {
            let (parent, last) = parent(document, pointer);
            let removed = match parent {
                Value::Mapping(map) => map.shift_remove(last.as_str()),
                Value::Sequence(items) => {
                    let index: usize = last.parse().expect("an index");
                    (index < items.len()).then(|| items.remove(index))
                }
                _ => None,
            };
            assert!(removed.is_some(), "{pointer}: nothing to remove");
        }
        Rename(pointer, name) => {
            let (parent, last) = parent(document, pointer);
            let Value::Mapping(map) = parent else {
                panic!("{pointer}: not a member of a mapping");
            };
            assert!(map.contains_key(last.as_str()), "{pointer}: no such member");
            let renamed = std::mem::take(map).into_iter().map(|(key, value)| {
                match key.as_str() == Some(last.as_str()) {
                    true => (Value::String(name.into()), value),
                    false => (key, value),
                }
            });
            *map = renamed.collect();
        }
        MoveLast(pointer) => {
            let (parent, last) = parent(document, pointer);
            match parent {
                Value::Mapping(map) => {
                    let value = map.shift_remove(last.as_str()).expect("a member");
                    map.insert(Value::String(last), value);
                }
                Value::Sequence(items) => {
                    let value = items.remove(last.parse().expect("an index"));
                    items.push(value);
                }
                _ => panic!("{pointer}: not in a mapping or sequence"),
            }
        }
    }
}

/// The fixture `name` with `edits` applied, as YAML text.
fn edited(name: &str, edits: &[Edit]) -> String {
    let mut document: Value = serde_yaml::from_str(&fixture(name)).expect("the fixture is YAML");
    for edit in edits {
        apply(&mut document, *edit);
    }
    serde_yaml::to_string(&document).expect("YAML")
}

fn version(spec: &str, codes: &str) -> Version {
    Version::read(Inputs::new(spec).with_error_codes(codes)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn each_rule_prints_its_lines_and_the_strongest_class() {
    let mut failures = Vec::new();
    for case in CASES {
        let base = version(
            &edited("cbr.yaml", case.base),
            &edited("error-codes.yaml", &[]),
        );
        let edits = [case.base, case.spec].concat();
        let spec = edited("cbr.yaml", &edits);
        let codes = edited("error-codes.yaml", case.codes);
        let changed = version(&spec, &codes);
        assert_ne!(changed, base, "{}: the edits change nothing", case.rule);
        let output = compare(&base, &changed).to_string();
        let lines: Vec<&str> = output.lines().collect();
        if lines != case.lines {
            failures.push(format!(
                "{}:\n  expected:\n    {}\n  got:\n    {}",
                case.rule,
                case.lines.join("\n    "),
                lines.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rules_cover_every_class() {
    for semver in ["semver: major", "semver: minor", "semver: patch"] {
        let found = CASES.iter().any(|case| case.lines.last() == Some(&semver));
        assert!(found, "no row ends in {semver}");
    }
}

#[test]
fn a_spec_against_itself_is_semver_none_and_nothing_else() {
    let fixture = version(&fixture("cbr.yaml"), &fixture("error-codes.yaml"));
    assert_eq!(compare(&fixture, &fixture).to_string(), "semver: none\n");
    let read = |path: &str| std::fs::read_to_string(workspace_file(path)).expect("readable");
    let (spec, codes) = (read("spec/cbr.yaml"), read("spec/error-codes.yaml"));
    let real = version(&spec, &codes);
    assert_eq!(compare(&real, &real.clone()).to_string(), "semver: none\n");
}

#[test]
fn a_pattern_is_refused_at_its_pointer_as_codegen_refuses_it() {
    let spec = edited(
        "cbr.yaml",
        &[Set(
            "/components/schemas/VaultCreate/properties/name/pattern",
            "'^[a-z]+$'",
        )],
    );
    let error = Version::read(Inputs::new(&spec)).expect_err("pattern is unsupported");
    assert!(matches!(error.kind, ErrorKind::Unsupported(_)), "{error:?}");
    assert_eq!(
        error.pointer(),
        Some("#/components/schemas/VaultCreate/properties/name/pattern")
    );
    assert_eq!(Some(error), cbr_codegen::generate(spec.as_str()).err());
}
