//! A minimal service API for the runtime's own unit tests.

use std::fmt;

use crate::client::Client;
use crate::service::{CallInfo, ServiceApi, ServiceDef, ServiceErrorCode};

/// The API of the unit tests; its client is the runtime's own.
pub(crate) struct TestApi;

/// Its one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Main;

/// An error code that knows no catalogue.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TestCode(String);

impl From<&str> for TestCode {
    fn from(code: &str) -> Self {
        TestCode(code.to_owned())
    }
}

impl fmt::Display for TestCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ServiceErrorCode for TestCode {
    fn as_str(&self) -> &str {
        &self.0
    }

    fn handling(&self) -> Option<&'static str> {
        None
    }
}

impl ServiceApi for TestApi {
    type ErrorCode = TestCode;
    type Service = Main;
    type Client = Client<TestApi>;
    const SERVICES: &'static [ServiceDef<Main>] = &[ServiceDef {
        service: Main,
        name: "Main",
        url_template: "https://main.{region}.myhuaweicloud.com",
        regions: &[],
    }];
    const USER_AGENT: &'static str = "runtime-tests/0";

    fn call_span(call: &CallInfo<'_>) -> tracing::Span {
        tracing::info_span!("test.call", rpc.method = call.operation)
    }
}
