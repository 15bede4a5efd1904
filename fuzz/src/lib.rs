//! The fuzz targets' harness: each target in `fuzz_targets/` (generated, one per operation)
//! hands its input to [`run`] with its operation's type.
//!
//! Run them with `cargo xtask fuzz`. An input that fails belongs in
//! `fuzz/regressions/<operation_id>/`, where the main test suite replays it.

pub mod response_harness;

use std::fmt::Debug;

use huaweicloud_cbr::Operation;
use serde::de::DeserializeOwned;
use serde::Serialize;

use response_harness::{check, ResponseInput};

/// Decodes `data` (read by [`ResponseInput::parse`]) as a response of `O`; a broken promise
/// panics, which is what libFuzzer records as a crash.
pub fn run<O>(data: &[u8])
where
    O: Operation<Api = huaweicloud_cbr::Api>,
    O::Output: Debug + PartialEq + Serialize + DeserializeOwned,
{
    let input = ResponseInput::parse(data);
    if let Err(violation) = check::<O>(&input) {
        panic!("{violation}");
    }
}
