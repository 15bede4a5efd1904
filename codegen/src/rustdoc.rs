//! Documentation text for generated items.
//!
//! Spec text is prose, not Markdown: it is escaped so that rustdoc renders it as written and
//! neither warns (unclosed HTML tags, bare URLs, broken intra-doc links) nor creates links.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Docs, Rule};

/// Escapes spec prose for rustdoc. Lines keep their breaks but lose their indentation (which
/// would start a code block, that is a doctest); bare URLs become code spans.
pub fn escape(text: &str) -> String {
    text.lines().map(escape_line).collect::<Vec<_>>().join("\n")
}

fn escape_line(line: &str) -> String {
    let line = line.trim();
    let escaped: Vec<String> = line.split(' ').map(escape_word).collect();
    let escaped = escaped.join(" ");
    // A line of only `-` or `=` would turn the line above into a heading.
    if !escaped.is_empty() && escaped.chars().all(|c| c == '-' || c == '=') {
        return format!("\\{escaped}");
    }
    escaped
}

fn escape_word(word: &str) -> String {
    if word.contains("://") {
        return code_span(word);
    }
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    for (index, &c) in chars.iter().enumerate() {
        let before = index.checked_sub(1).map(|i| chars[i]);
        let after = chars.get(index + 1).copied();
        if needs_escape(c, before, after) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn needs_escape(c: char, before: Option<char>, after: Option<char>) -> bool {
    let alphanumeric = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    match c {
        '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '#' | '~' | '|' => true,
        // Inside a word (`max_backups`) an underscore never starts emphasis.
        '_' => !(alphanumeric(before) && alphanumeric(after)),
        // `&lt;` would be an HTML entity.
        '&' => after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '#'),
        _ => false,
    }
}

/// `text` as a Markdown code span, with a fence longer than any run of backticks inside.
pub fn code_span(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 {
        return format!("{fence} {text} {fence}");
    }
    format!("{fence}{text}{fence}")
}

/// `#[doc = "…"]` attributes, one per line, paragraphs separated by an empty line.
pub fn attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(paragraph.lines().map(str::to_owned));
    }
    let lines = lines.iter().map(|line| {
        // A leading space, as `///` comments have.
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        // #[doc = " text"]
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}

/// `#![doc = "…"]` attributes for a module, one per line.
pub fn inner_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        // #![doc = " text"]
        quote!(#![doc = #text])
    });
    quote!(#(#lines)*)
}

/// The paragraphs describing an item: summary, description, constraints, default, source.
pub fn paragraphs(docs: &Docs, rules: &[Rule]) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(docs.summary.as_deref().map(escape));
    out.extend(docs.description.as_deref().map(escape));
    if !rules.is_empty() {
        let rules: Vec<String> = rules.iter().map(describe_rule).collect();
        out.push(format!("Constraints: {}.", rules.join(", ")));
    }
    if let Some(default) = &docs.default {
        out.push(format!("Default: {}.", code_span(&default.to_string())));
    }
    out.extend(
        docs.doc_source
            .as_deref()
            .map(|s| format!("Documentation: {}.", escape(s))),
    );
    out
}

/// A constraint in words, for documentation.
pub fn describe_rule(rule: &Rule) -> String {
    match rule {
        Rule::Minimum {
            bound,
            exclusive: false,
        } => format!("minimum {bound}"),
        Rule::Minimum {
            bound,
            exclusive: true,
        } => format!("greater than {bound}"),
        Rule::Maximum {
            bound,
            exclusive: false,
        } => format!("maximum {bound}"),
        Rule::Maximum {
            bound,
            exclusive: true,
        } => format!("less than {bound}"),
        Rule::MinLength(n) => format!("at least {}", count(*n, "character")),
        Rule::MaxLength(n) => format!("at most {}", count(*n, "character")),
        Rule::MinItems(n) => format!("at least {}", count(*n, "item")),
        Rule::MaxItems(n) => format!("at most {}", count(*n, "item")),
        Rule::AllowedValues(values) => {
            let values: Vec<String> = values.iter().map(|v| code_span(&plain_text(v))).collect();
            format!("one of {}", values.join(", "))
        }
    }
}

/// A JSON scalar as plain text, as the client shows it: `2`, `1.5`, `true`, `text` (an integral
/// float without its `.0`).
pub fn plain_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(integer), _) => integer.to_string(),
            (None, Some(float)) => float.to_string(),
            (None, None) => number.to_string(),
        },
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `word` after its indefinite article, `a` or `an` by how it is read: "an
/// AddShareMembersRequestBody", "an OperationLog", "a Vault", but "a UsageSummary" and "a
/// EuropeanRegion" (a vowel letter read as a consonant sound).
pub fn with_article(word: &str) -> String {
    const CONSONANT_SOUNDS: [&str; 8] = ["Uni", "Use", "Usa", "Usu", "Uti", "Eu", "One", "Once"];
    let starts_with_vowel = word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']);
    let read_as_consonant = CONSONANT_SOUNDS.iter().any(|prefix| {
        word.len() >= prefix.len() && word[..prefix.len()].eq_ignore_ascii_case(prefix)
    });
    if starts_with_vowel && !read_as_consonant {
        return format!("an {word}");
    }
    format!("a {word}")
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    format!("{n} {noun}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_html() {
        assert_eq!(escape("a <b> [c] `d` *e*"), r"a \<b\> \[c\] \`d\` \*e\*");
        assert_eq!(escape("max_backups _x_"), r"max_backups \_x\_");
        assert_eq!(escape("&lt; & x"), r"\&lt; & x");
    }

    #[test]
    fn urls_become_code_spans() {
        assert_eq!(
            escape("see https://x.example/a_b."),
            "see `https://x.example/a_b.`"
        );
        assert_eq!(code_span("a`b"), "`` a`b ``");
    }

    #[test]
    fn articles_follow_the_sound() {
        for (word, expected) in [
            (
                "AddShareMembersRequestBody",
                "an AddShareMembersRequestBody",
            ),
            ("OperationLog", "an OperationLog"),
            ("ImageData", "an ImageData"),
            ("UpdateVaultRequestBody", "an UpdateVaultRequestBody"),
            ("Vault", "a Vault"),
            ("UsageSummary", "a UsageSummary"),
            ("UnitPrice", "a UnitPrice"),
            ("OneTimePolicy", "a OneTimePolicy"),
            ("U", "an U"),
        ] {
            assert_eq!(with_article(word), expected);
        }
    }

    #[test]
    fn indentation_is_dropped() {
        assert_eq!(escape("a\n    b\n---"), "a\nb\n\\---");
    }
}
