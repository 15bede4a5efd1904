//! The baselines: plain `#[derive(Serialize, Deserialize)]` structs with the same members as the
//! generated models, and no unknown-member capture.
//!
//! Optional members are `Option<T>` with `#[serde(default)]`, so absent and `null` both become
//! `None`, and members the spec does not list are skipped. Enumerations are derived enums with a
//! `#[serde(other)]` unit variant, which accepts an unknown value without keeping it. That is the
//! practical limit of a serde model of these payloads: the generated models do more (they keep
//! unknown members and unknown values, and absent apart from `null`) and are measured against it.
//!
//! Two copies exist, differing only in how `None` is written:
//! * [`plain`]: serde's default, `None` is written as `null` (absent members come back as `null`);
//! * [`plain_skip_none`]: `skip_serializing_if = "Option::is_none"`, `None` is left out (members
//!   that were `null` disappear).
//!
//! Neither writes exactly what it read; the generated models do.

use serde::{Deserialize, Serialize};

macro_rules! plain_enum {
    ($name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        #[doc = concat!("Plain derived `", stringify!($name), "`; unknown values become `Unknown`.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $(
                #[allow(missing_docs)]
                #[serde(rename = $value)]
                $variant,
            )*
            /// Any value the spec does not list (not kept).
            #[serde(other)]
            Unknown,
        }
    };
}

plain_enum!(BackupImageType { Backup = "backup" });
plain_enum!(BackupStatus {
    Available = "available",
    Protecting = "protecting",
    Deleting = "deleting",
    Restoring = "restoring",
    Error = "error",
    WaitingProtect = "waiting_protect",
    WaitingDelete = "waiting_delete",
    WaitingRestore = "waiting_restore",
});
plain_enum!(ResourceType {
    OsNovaServer = "OS::Nova::Server",
    OsCinderVolume = "OS::Cinder::Volume",
    OsIronicBareMetalServer = "OS::Ironic::BareMetalServer",
    OsSfsTurbo = "OS::Sfs::Turbo",
});
plain_enum!(BackupExtendInfoSupportedRestoreMode {
    Na = "na",
    Backup = "backup",
    Snapshot = "snapshot",
});
plain_enum!(OperationLogType {
    Backup = "backup",
    Copy = "copy",
    Replication = "replication",
    Restore = "restore",
    Delete = "delete",
    Sync = "sync",
    VaultDelete = "vault_delete",
    RemoveResource = "remove_resource",
});
plain_enum!(OperationLogStatus {
    Success = "success",
    Skipped = "skipped",
    Failed = "failed",
    Running = "running",
    Timeout = "timeout",
    Waiting = "waiting",
});
plain_enum!(OpExtendInfoBackupAppConsistencyStatus {
    V0 = "0",
    V1 = "1",
});
plain_enum!(OpExtendInfoBackupIncremental {
    True = "true",
    False = "false",
});

/// Defines the plain structs in module `$module`, with `#[$member]` on every member.
macro_rules! plain_models {
    ($(#[$doc:meta])* $module:ident, #[$member:meta]) => {
        $(#[$doc])*
        pub mod $module {
            #![allow(missing_docs)]

            use serde::{Deserialize, Serialize};

            pub use super::{
                BackupExtendInfoSupportedRestoreMode, BackupImageType, BackupStatus,
                OpExtendInfoBackupAppConsistencyStatus, OpExtendInfoBackupIncremental,
                OperationLogStatus, OperationLogType, ResourceType,
            };

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct ListBackupsResponseBody {
                #[$member] pub backups: Option<Vec<BackupResp>>,
                #[$member] pub count: Option<i64>,
                #[$member] pub offset: Option<i64>,
                #[$member] pub limit: Option<i64>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct BackupResp {
                #[$member] pub checkpoint_id: Option<String>,
                #[$member] pub created_at: Option<String>,
                #[$member] pub description: Option<String>,
                #[$member] pub expired_at: Option<String>,
                #[$member] pub extend_info: Option<BackupExtendInfo>,
                #[$member] pub id: Option<String>,
                #[$member] pub image_type: Option<BackupImageType>,
                #[$member] pub name: Option<String>,
                #[$member] pub parent_id: Option<String>,
                #[$member] pub project_id: Option<String>,
                #[$member] pub protected_at: Option<String>,
                #[$member] pub resource_az: Option<String>,
                #[$member] pub resource_id: Option<String>,
                #[$member] pub resource_name: Option<String>,
                #[$member] pub resource_size: Option<i64>,
                #[$member] pub resource_type: Option<ResourceType>,
                #[$member] pub status: Option<BackupStatus>,
                #[$member] pub updated_at: Option<String>,
                #[$member] pub vault_id: Option<String>,
                #[$member] pub enterprise_project_id: Option<String>,
                #[$member] pub provider_id: Option<String>,
                #[$member] pub children: Option<Vec<BackupResp>>,
                #[$member] pub replication_records: Option<Vec<ReplicationRecordsExtraInfo>>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct BackupExtendInfo {
                #[$member] pub auto_trigger: Option<bool>,
                #[$member] pub bootable: Option<bool>,
                #[$member] pub incremental: Option<bool>,
                #[$member] pub snapshot_id: Option<String>,
                #[$member] pub support_lld: Option<bool>,
                #[$member] pub supported_restore_mode: Option<BackupExtendInfoSupportedRestoreMode>,
                #[$member] pub os_images_data: Option<Vec<ImageData>>,
                #[$member] pub contain_system_disk: Option<bool>,
                #[$member] pub encrypted: Option<bool>,
                #[$member] pub system_disk: Option<bool>,
                #[$member] pub progress: Option<i64>,
                #[$member] pub architecture: Option<String>,
                #[$member] pub app_consistency: Option<BackupAppConsistency>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct ImageData {
                #[$member] pub image_id: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct BackupAppConsistency {
                #[$member] pub app_consistency: Option<String>,
                #[$member] pub app_consistency_status: Option<String>,
                #[$member] pub app_consistency_error_code: Option<String>,
                #[$member] pub app_consistency_error_message: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct ReplicationRecordsExtraInfo {
                #[$member] pub progress: Option<i64>,
                #[$member] pub fail_code: Option<String>,
                #[$member] pub fail_reason: Option<String>,
                #[$member] pub auto_trigger: Option<bool>,
                #[$member] pub destination_vault_id: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct ListOperationLogsResponseBody {
                #[$member] pub operation_logs: Option<Vec<OperationLog>>,
                #[$member] pub count: Option<i64>,
                #[$member] pub limit: Option<i64>,
                #[$member] pub offset: Option<i64>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OperationLog {
                #[$member] pub checkpoint_id: Option<String>,
                #[$member] pub created_at: Option<String>,
                #[$member] pub ended_at: Option<String>,
                #[$member] pub error_info: Option<OpErrorInfo>,
                #[$member] pub extra_info: Option<OpExtraInfo>,
                #[$member] pub id: Option<String>,
                #[$member] pub operation_type: Option<OperationLogType>,
                #[$member] pub policy_id: Option<String>,
                #[$member] pub project_id: Option<String>,
                #[$member] pub provider_id: Option<String>,
                #[$member] pub started_at: Option<String>,
                #[$member] pub status: Option<OperationLogStatus>,
                #[$member] pub updated_at: Option<String>,
                #[$member] pub vault_id: Option<String>,
                #[$member] pub vault_name: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpErrorInfo {
                #[$member] pub code: Option<String>,
                #[$member] pub message: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtraInfo {
                #[$member] pub backup: Option<OpExtendInfoBackup>,
                #[$member] pub common: Option<OpExtendInfoCommon>,
                #[$member] pub delete: Option<OpExtendInfoDelete>,
                #[$member] pub sync: Option<OpExtendInfoSync>,
                #[$member] pub remove_resources: Option<OpExtendInfoRemoveResources>,
                #[$member] pub resource: Option<OpResource>,
                #[$member] pub restore: Option<OpExtendInfoRestore>,
                #[$member] pub vault_delete: Option<OpExtendInfoVaultDelete>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtendInfoBackup {
                #[$member] pub app_consistency_error_code: Option<String>,
                #[$member] pub app_consistency_error_message: Option<String>,
                #[$member] pub app_consistency_status: Option<OpExtendInfoBackupAppConsistencyStatus>,
                #[$member] pub backup_id: Option<String>,
                #[$member] pub backup_name: Option<String>,
                #[$member] pub incremental: Option<OpExtendInfoBackupIncremental>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtendInfoCommon {
                #[$member] pub progress: Option<i64>,
                #[$member] pub request_id: Option<String>,
                #[$member] pub task_id: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtendInfoDelete {
                #[$member] pub backup_id: Option<String>,
                #[$member] pub backup_name: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtendInfoSync {
                #[$member] pub sync_backup_num: Option<i64>,
                #[$member] pub delete_backup_num: Option<i64>,
                #[$member] pub err_sync_backup_num: Option<i64>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtendInfoRemoveResources {
                #[$member] pub fail_count: Option<i64>,
                #[$member] pub total_count: Option<i64>,
                #[$member] pub resources: Option<Vec<OpResource>>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpResource {
                #[$member] pub id: Option<String>,
                #[$member] pub name: Option<String>,
                #[$member] pub r#type: Option<ResourceType>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtendInfoRestore {
                #[$member] pub backup_id: Option<String>,
                #[$member] pub backup_name: Option<String>,
                #[$member] pub target_resource_id: Option<String>,
                #[$member] pub target_resource_name: Option<String>,
            }

            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            pub struct OpExtendInfoVaultDelete {
                #[$member] pub fail_count: Option<i64>,
                #[$member] pub total_count: Option<i64>,
            }
        }
    };
}

plain_models!(
    /// Plain derive, serde's defaults: `None` is written as `null`.
    plain,
    #[serde(default)]
);

plain_models!(
    /// Plain derive that leaves `None` out when writing.
    plain_skip_none,
    #[serde(default, skip_serializing_if = "Option::is_none")]
);
