// Type-checks documented payloads against the types openapi-typescript generates from
// spec/cbr.yaml (into target/typescript/cbr.ts). Compiled with `tsc --noEmit --strict` by
// tests/python/other_languages.sh; every example of the spec is also checked, generated, in
// target/typescript/examples.ts. Each `@ts-expect-error` below is a payload that must NOT
// type-check: if the generated types ever accept it, tsc reports the directive as unused.

import type { components, operations } from "../../target/typescript/cbr";

type Schemas = components["schemas"];
type Json<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
    operations[Op]["responses"][Status] extends { content: { "application/json": infer Body } }
        ? Body
        : never;

// 002 §4.4.3 example response (show_vault, 200), the vault member.
export const vault: Schemas["Vault"] = {
    id: "2b076f26-391f-40fa-bf71-a798940facf",
    name: "sdk-vault1595581958",
    description: null,
    resources: [],
    provider_id: "0daac4c5-6707-4851-97ba-169e36266b66",
    created_at: "2020-07-24T09:12:49.491874",
    project_id: "0605767b5780d5762fc5c0118072a564",
    enterprise_project_id: "0",
    auto_bind: true,
    bind_rules: {},
    auto_expand: false,
    user_id: "aa2999fa5ae640f28926f8fd79188934",
    billing: {
        allocated: 0,
        cloud_type: "public",
        consistent_level: "crash_consistent",
        frozen_scene: null,
        charging_mode: "post_paid",
        order_id: null,
        product_id: null,
        protect_type: "backup",
        object_type: "server",
        spec_code: "vault.backup.server.normal",
        used: 0,
        storage_unit: null,
        status: "available",
        size: 40,
    },
    tags: [{ key: "fds", value: null }],
};

export const showVault: Json<"show_vault", 200> = { vault };

// 002 §4.4.1 example request (create_vault), the disk vault.
export const createDiskVault: Schemas["CreateVaultRequestBody"] = {
    vault: {
        billing: {
            consistent_level: "crash_consistent",
            object_type: "disk",
            protect_type: "backup",
            size: 40,
            charging_mode: "post_paid",
            is_auto_renew: false,
            is_auto_pay: false,
        },
        name: "test",
        resources: [],
    },
};

// Error bodies: the CBR error of show_operation_log's 404 and the VBS error of its 400.
export const operationLogNotFound: Json<"show_operation_log", 404> = {
    error_code: "BackupService.6500",
    error_msg: "Operation log does not exist.",
};
export const vbsError: Json<"create_vbs_backup", 400> = {
    error: { message: "XXXX", code: "XXX" },
};

// Response members are optional and nullable: reading one needs both checks under --strict.
export function vaultSizeGb(body: Json<"show_vault", 200>): number | undefined {
    return body.vault?.billing?.size ?? undefined;
}

// ---- payloads the generated types must reject -------------------------------------------

export const wrongEnum: Schemas["Billing"] = {
    // @ts-expect-error: "pre_paid" is not a ChargingMode
    charging_mode: "pre_paid",
};

export const wrongType: Schemas["Billing"] = {
    // @ts-expect-error: size is an integer, not a string
    size: "40",
};

export const unknownMember: Schemas["Tag"] = {
    key: "k",
    // @ts-expect-error: Tag has no member `vaule`
    vaule: "v",
};

export const missingRequired: Schemas["CreateVaultRequestBody"] = {
    // @ts-expect-error: billing is required in VaultCreate
    vault: { name: "test", resources: [] },
};

export const nullInRequest: Schemas["CreateVaultRequestBody"] = {
    vault: {
        billing: {
            consistent_level: "crash_consistent",
            object_type: "disk",
            protect_type: "backup",
            // @ts-expect-error: request members are not nullable
            size: null,
        },
        name: "test",
        resources: [],
    },
};
