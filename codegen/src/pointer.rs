//! JSON pointers (RFC 6901) into the generator's inputs, written as URI fragments
//! (`#/components/schemas/Vault`): where a model item comes from, and where an error is.

use std::fmt;

/// A JSON pointer into a document, written with a leading `#`.
///
/// Built from the root by [`join`](Self::join), which escapes each segment, so a pointer is
/// always well formed: `#/paths/~1vaults/get` names the `get` member of the path item
/// `/vaults`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// The whole document: `#`.
    pub fn root() -> Self {
        JsonPointer("#".to_owned())
    }

    /// The pointer of the member or item `segment` of the value this pointer names; `~` and
    /// `/` in `segment` are escaped as `~0` and `~1`.
    pub fn join(&self, segment: impl AsRef<str>) -> Self {
        let segment = segment.as_ref().replace('~', "~0").replace('/', "~1");
        JsonPointer(format!("{}/{segment}", self.0))
    }

    /// The pointer of the value that holds this one; `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        let (parent, _) = self.0.rsplit_once('/')?;
        Some(JsonPointer(parent.to_owned()))
    }

    /// The last segment, unescaped; `None` for the root.
    pub fn last(&self) -> Option<String> {
        let (_, last) = self.0.rsplit_once('/')?;
        Some(unescape(last))
    }

    /// The segments from the root, unescaped.
    pub fn segments(&self) -> Vec<String> {
        self.0.split('/').skip(1).map(unescape).collect()
    }

    /// The pointer as written, with its leading `#`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads a pointer written as a URI fragment (`#/a/b`) or as plain RFC 6901 text (`/a/b`,
    /// or the empty string for the root); `None` when it is neither, or when a `~` is not
    /// followed by `0` or `1`.
    pub fn parse(text: &str) -> Option<Self> {
        let body = text.strip_prefix('#').unwrap_or(text);
        if !(body.is_empty() || body.starts_with('/')) {
            return None;
        }
        let escapes_valid = body
            .split('~')
            .skip(1)
            .all(|after| after.starts_with(['0', '1']));
        escapes_valid.then(|| JsonPointer(format!("#{body}")))
    }
}

fn unescape(segment: &str) -> String {
    // `~1` first would turn `~01` into `/` instead of `~1`.
    segment.replace("~1", "/").replace("~0", "~")
}

/// The root, `#`.
impl Default for JsonPointer {
    fn default() -> Self {
        JsonPointer::root()
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&JsonPointer> for JsonPointer {
    fn from(pointer: &JsonPointer) -> Self {
        pointer.clone()
    }
}

impl PartialEq<str> for JsonPointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for JsonPointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_escapes_tilde_and_slash() {
        let pointer = JsonPointer::root().join("paths").join("/a~b/{id}");
        assert_eq!(pointer.as_str(), "#/paths/~1a~0b~1{id}");
        assert_eq!(pointer.last().as_deref(), Some("/a~b/{id}"));
        assert_eq!(pointer.segments(), ["paths", "/a~b/{id}"]);
    }

    #[test]
    fn unescaping_reverses_joining_even_for_tricky_segments() {
        for segment in ["~1", "~01", "/~", "", "a/b/c"] {
            let pointer = JsonPointer::root().join(segment);
            assert_eq!(pointer.last().as_deref(), Some(segment), "{pointer}");
        }
    }

    #[test]
    fn parent_drops_the_last_segment() {
        let item = JsonPointer::root().join("paths").join("/vaults");
        let get = item.join("get");
        assert_eq!(get.parent(), Some(item.clone()));
        assert_eq!(
            item.parent().and_then(|p| p.parent()),
            Some(JsonPointer::root())
        );
        assert_eq!(JsonPointer::root().parent(), None);
    }

    #[test]
    fn parse_takes_fragments_and_plain_pointers() {
        assert_eq!(JsonPointer::parse("#/a/b").unwrap().segments(), ["a", "b"]);
        assert_eq!(JsonPointer::parse("/error/code").unwrap(), "#/error/code");
        assert_eq!(JsonPointer::parse("").unwrap(), JsonPointer::root());
        assert_eq!(JsonPointer::parse("error_code"), None);
        assert_eq!(JsonPointer::parse("/a~2"), None);
    }
}
