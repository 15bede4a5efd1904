//! [`Target`]: the crate the generator writes, and where its inputs are.

/// A generated client crate: where its files go and which inputs they come from. The same
/// generator writes every target; only this differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The crate's folder, relative to the workspace root (`generated`); the generator owns its
    /// `src/` and `API.txt`, the rest (`Cargo.toml`, README, examples) is written by hand.
    pub crate_dir: &'a str,
    /// The crate's name as Rust code names it (`huaweicloud_cbr`), for the crate's docs.
    pub crate_name: &'a str,
    /// The spec, relative to the workspace root, as the files' headers name it.
    pub spec_path: &'a str,
    /// The error-code catalogue, relative to the workspace root.
    pub error_codes_path: &'a str,
    /// Whether to also write this workspace's companions of the published crate: the JSON
    /// copy of the spec, the test crate's model registry and the fuzz targets.
    pub workspace_companions: bool,
}

impl Target<'static> {
    /// The published crate `huaweicloud-cbr`, from `spec/cbr.yaml`.
    pub const CBR: Target<'static> = Target {
        crate_dir: "generated",
        crate_name: "huaweicloud_cbr",
        spec_path: "spec/cbr.yaml",
        error_codes_path: "spec/error-codes.yaml",
        workspace_companions: true,
    };
}

impl Target<'_> {
    /// The path of a file of the crate (`src/models.rs` → `generated/src/models.rs`).
    pub fn file(&self, path: &str) -> String {
        format!("{}/{path}", self.crate_dir)
    }

    /// The folder whose Rust files are all generated (`generated/src`).
    pub fn source_dir(&self) -> String {
        self.file("src")
    }
}
