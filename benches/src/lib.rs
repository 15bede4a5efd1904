//! Benchmarks of the `huaweicloud-cbr` crate and its generator; see `BENCHMARKS.md` at the root
//! of the workspace for the figures and how to reproduce them.
//!
//! This library holds what the benchmark targets share: the deterministic payload builders
//! ([`payload`]), the plain-derive baselines ([`baseline`]), the paired measurement
//! ([`paired`]) and the sizes of the models against the baselines ([`sizes`]).

pub mod baseline;
pub mod paired;
pub mod payload;
pub mod sizes;

#[cfg(test)]
mod tests;
