//! The one percent-encoding set of request URLs.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// Characters kept as they are in a path segment or a query component: the RFC 3986
/// unreserved ones (`A-Z a-z 0-9 - . _ ~`); every other byte, each byte of a non-ASCII
/// character included, becomes `%XX` with upper-case hex. This is also what the official SDK's
/// signer leaves literal (Python's `quote(s, safe='~')`), so the URL sent is the one signed.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
