//! Unofficial client for Huawei Cloud CBR.

pub mod signing;
