//! The member path of a decoding failure (`servers[0].flavor.vcpus`), found from where in the body
//! the parser stopped.
//!
//! Response bodies are decoded with plain `serde_json`, not through a path-tracking wrapper: a
//! wrapper is instantiated once more for every generated model and doubled the optimised build
//! of a generated crate. A failure is rare, so its path is worked out afterwards, without types,
//! by scanning the body up to the error's line and column.

/// One level of nesting open at the failure.
enum Frame {
    /// An object; `key` is the member whose value is being read (`None` between members), and
    /// `pending` the last string read where a key is expected.
    Object {
        key: Option<String>,
        pending: Option<String>,
    },
    /// An array and the index of the element being read.
    Array { index: usize },
}

/// The path of the member `error` points into, in `body`; `.` for the top level. For a failure
/// about a whole object (a member missing from it), the path of that object.
pub(crate) fn member_path(body: &[u8], error: &serde_json::Error) -> String {
    // serde_json places an error in a value after the value (a scalar) or at its start (a
    // container of the wrong kind), and an error about an object after its closing brace: in
    // each case the containers still open, with the member being read in each, are the path.
    let end = byte_offset(body, error.line(), error.column());
    render(&frames_at(body, end))
}

/// The byte offset of `line` (from 1) and `column` (bytes consumed on that line).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(at, _)| at + 1)
    };
    (line_start + column).min(body.len())
}

/// The containers open after reading `body[..end]`.
fn frames_at(body: &[u8], end: usize) -> Vec<Frame> {
    let mut frames = Vec::new();
    let mut at = 0;
    while at < end {
        match body[at] {
            b'{' => frames.push(Frame::Object {
                key: None,
                pending: None,
            }),
            b'[' => frames.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                frames.pop();
            }
            b':' => {
                if let Some(Frame::Object { key, pending }) = frames.last_mut() {
                    *key = pending.take();
                }
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object { key, .. }) => *key = None,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let close = string_end(body, at);
                if let Some(Frame::Object { key: None, pending }) = frames.last_mut() {
                    *pending = Some(key_text(&body[at..close.min(body.len())]));
                }
                at = close;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    frames
}

/// The offset just past the string that starts at `start` (or the end of the body).
fn string_end(body: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < body.len() {
        match body[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    body.len()
}

/// A member name as text: its escapes decoded when it is a whole JSON string.
fn key_text(quoted: &[u8]) -> String {
    serde_json::from_slice(quoted).unwrap_or_else(|_| {
        String::from_utf8_lossy(quoted.get(1..).unwrap_or_default()).into_owned()
    })
}

/// `server.tags[1].key`; `.` for none.
fn render(frames: &[Frame]) -> String {
    let mut path = String::new();
    for frame in frames {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
            Frame::Object { key: None, .. } => break,
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::member_path;

    /// The path of the failure to read `body` as `T`.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let error = serde_json::from_str::<T>(body).unwrap_err();
        member_path(body.as_bytes(), &error)
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Tag {
        key: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Server {
        name: String,
        tags: Vec<Tag>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        server: Server,
    }

    #[test]
    fn a_wrong_type_is_named_by_its_member() {
        let body = r#"{"server": {"name": "n", "tags": [{"key": "a"}, {"key": 7}]}}"#;
        assert_eq!(path_of::<Body>(body), "server.tags[1].key");
        assert_eq!(path_of::<Body>(r#"{"server": {"name": 5}}"#), "server.name");
        let pretty = "{\n  \"server\": {\n    \"name\": \"n\",\n    \"tags\": {}\n  }\n}";
        assert_eq!(path_of::<Body>(pretty), "server.tags");
    }

    #[test]
    fn a_missing_member_is_named_by_its_object() {
        assert_eq!(path_of::<Body>(r#"{"server": {"name": "n"}}"#), "server");
        assert_eq!(path_of::<Body>(r#"{}"#), ".");
    }

    #[test]
    fn keys_with_escapes_and_brackets_in_strings_do_not_confuse_the_scan() {
        let body = r#"{"server": {"name": "a\"]}[,", "tags": [{"key": "x"}, 3]}}"#;
        assert_eq!(path_of::<Body>(body), "server.tags[1]");
    }
}
