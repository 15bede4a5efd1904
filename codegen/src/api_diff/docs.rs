//! Documentation and defaults: every difference is `patch`.
//!
//! Summaries, titles, descriptions and `x-doc-source` reach users only as rustdoc. A `default`
//! documents what the service does when a value is omitted; the client never fills it in, so
//! a changed default changes no request the client sends and no Rust signature.

use serde_json::Value;

use super::{Effect, ItemChanges};
use crate::model::Docs;
use crate::pointer::JsonPointer;

/// Where each piece of an item's documentation is in the spec.
pub struct DocsAt {
    /// The item itself: `description` and `x-doc-source` are members of it.
    pub item: JsonPointer,
    /// The keyword of [`Docs::summary`]: `summary` for operations, `title` for schemas.
    pub summary: &'static str,
    /// The pointer of the `default`, which for a parameter is inside its schema.
    pub default: JsonPointer,
}

impl DocsAt {
    /// A schema (a type or a member): `title`, and the `default` beside it.
    pub fn schema(item: JsonPointer) -> Self {
        let default = item.join("default");
        DocsAt {
            item,
            summary: "title",
            default,
        }
    }

    /// An operation, a parameter or a body: `summary`, and the default (if any) in `schema`.
    pub fn element(item: JsonPointer) -> Self {
        let default = item.join("schema").join("default");
        DocsAt {
            item,
            summary: "summary",
            default,
        }
    }
}

/// Records a line for each piece of documentation that differs.
pub fn compare(old: &Docs, new: &Docs, at: &DocsAt, out: &mut ItemChanges<'_>) {
    let texts = [
        (at.summary, &old.summary, &new.summary),
        ("description", &old.description, &new.description),
        ("x-doc-source", &old.doc_source, &new.doc_source),
    ];
    for (keyword, before, after) in texts {
        if before != after {
            out.record(
                at.item.join(keyword),
                Effect::patch(format!("{keyword} changed")),
                Effect::patch("documentation only"),
            );
        }
    }
    if old.default != new.default {
        let wire = format!(
            "default changed: {} -> {} (what the service does when the value is omitted)",
            default_text(&old.default),
            default_text(&new.default)
        );
        out.record(
            &at.default,
            Effect::patch(wire),
            Effect::patch("documentation only: the client never applies defaults"),
        );
    }
}

fn default_text(value: &Option<Value>) -> String {
    value
        .as_ref()
        .map_or_else(|| "none".to_owned(), Value::to_string)
}
