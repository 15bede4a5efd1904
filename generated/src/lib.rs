//! Unofficial client for Huawei Cloud CBR.
