//! `size_of` of the largest response models against their plain-derive baselines: every byte of
//! a model is written while it is parsed and moved up serde's visitor chain, so the size is part
//! of what parsing costs.

use std::mem::size_of;

use huaweicloud_cbr::models as generated;

use crate::baseline::plain;

/// One row: the model, its size, and the size of its baseline.
pub struct Size {
    /// The model's name (the same for both).
    pub model: &'static str,
    /// `size_of` the generated model.
    pub generated: usize,
    /// `size_of` the plain-derive baseline.
    pub plain: usize,
}

macro_rules! sizes {
    ($($model:ident),* $(,)?) => {
        vec![$(Size {
            model: stringify!($model),
            generated: size_of::<generated::$model>(),
            plain: size_of::<plain::$model>(),
        }),*]
    };
}

/// The models of the two benchmark payloads, largest first.
pub fn model_sizes() -> Vec<Size> {
    let mut sizes = sizes!(
        OperationLog,
        OpExtraInfo,
        BackupResp,
        BackupExtendInfo,
        OpErrorInfo,
        OpExtendInfoBackup,
        OpExtendInfoCommon,
        OpResource,
        ImageData,
        OperationLogStatus,
        BackupStatus,
    );
    sizes.sort_by(|a, b| b.generated.cmp(&a.generated).then(a.model.cmp(b.model)));
    sizes
}

/// The sizes as a Markdown table.
pub fn markdown() -> String {
    let mut out = String::from(
        "| model | generated (bytes) | plain derive (bytes) | ratio |\n|---|---|---|---|\n",
    );
    for size in model_sizes() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {:.2} |\n",
            size.model,
            size.generated,
            size.plain,
            size.generated as f64 / size.plain as f64
        ));
    }
    out
}
