//! [`Redacted`]: what `Debug` output shows in place of a credential.

use std::fmt;

/// Stands in for a secret (a key, a token, a signature) in `Debug` output, so that every
/// redaction reads the same and a search of logs for it finds them all.
pub(crate) struct Redacted;

impl Redacted {
    /// The text shown in place of the secret.
    pub(crate) const TEXT: &'static str = "<redacted>";
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::TEXT)
    }
}
