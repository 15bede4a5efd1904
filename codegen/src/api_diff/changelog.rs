//! The published crate's CHANGELOG: a diff's changes as entries under "Unreleased", one
//! subsection per class.
//!
//! Editing is text in, text out (the caller reads and writes the file). Running it again with
//! the same changes adds nothing, so regenerating twice before a release does not repeat
//! entries; hand-written subsections of "Unreleased" are kept, after the spec changes.

use super::{ApiDiff, Change, Class};

/// The heading of the section the entries go to.
const UNRELEASED: &str = "## Unreleased";

/// The subsection heading of each class, strongest first (the order they are written in).
const HEADINGS: [(Class, &str); 3] = [
    (Class::Breaking, "### Spec changes: breaking"),
    (Class::Addition, "### Spec changes: additions"),
    (Class::Patch, "### Spec changes: patch"),
];

/// The entry of one change: ``- `#/pointer`: wire: rust``.
pub fn entry(change: &Change) -> String {
    format!("- `{}`: {}", change.pointer, change.description())
}

/// `changelog` with every change of `diff` listed under "Unreleased" (created if missing),
/// grouped by class; entries already there are not repeated.
pub fn add_to_unreleased(changelog: &str, diff: &ApiDiff) -> String {
    let lines: Vec<&str> = changelog.lines().collect();
    let (start, end) = unreleased_section(&lines);
    let body = match start {
        Some(start) => &lines[start + 1..end],
        None => &[][..],
    };
    let (mut entries, others) = split_section(body);
    for change in diff.changes() {
        let list = &mut entries[class_index(change.class())];
        let entry = entry(change);
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
    let mut section = vec![UNRELEASED.to_owned(), String::new()];
    for ((_, heading), list) in HEADINGS.iter().zip(&entries) {
        if list.is_empty() {
            continue;
        }
        section.push((*heading).to_owned());
        section.extend(list.iter().cloned());
        section.push(String::new());
    }
    let others: Vec<&str> = others
        .into_iter()
        .skip_while(|line| line.trim().is_empty())
        .collect();
    section.extend(others.iter().map(|line| (*line).to_owned()));
    while section.last().is_some_and(|line| line.is_empty()) {
        section.pop();
    }
    let before = &lines[..start.unwrap_or(end)];
    let after = &lines[end..];
    let mut out: Vec<String> = before.iter().map(|line| (*line).to_owned()).collect();
    if start.is_none() && out.last().is_some_and(|line| !line.is_empty()) {
        out.push(String::new());
    }
    out.extend(section);
    if !after.is_empty() {
        out.push(String::new());
        out.extend(after.iter().map(|line| (*line).to_owned()));
    }
    out.join("\n") + "\n"
}

fn class_index(class: Class) -> usize {
    HEADINGS
        .iter()
        .position(|(c, _)| *c == class)
        .unwrap_or_default()
}

/// The line of the "Unreleased" heading (if any) and the end of its section: the next `## `
/// heading, or the end of the text. Without the heading, the section would start before the
/// first release's heading.
fn unreleased_section(lines: &[&str]) -> (Option<usize>, usize) {
    let is_section = |line: &&str| line.starts_with("## ");
    match lines.iter().position(|line| line.trim_end() == UNRELEASED) {
        Some(start) => {
            let end = lines[start + 1..]
                .iter()
                .position(is_section)
                .map_or(lines.len(), |offset| start + 1 + offset);
            (Some(start), end)
        }
        None => (
            None,
            lines.iter().position(is_section).unwrap_or(lines.len()),
        ),
    }
}

/// The entries of the spec-change subsections, by class, and every other line in order.
fn split_section<'a>(body: &[&'a str]) -> ([Vec<String>; 3], Vec<&'a str>) {
    let mut entries: [Vec<String>; 3] = Default::default();
    let mut others = Vec::new();
    let mut current: Option<usize> = None;
    for &line in body {
        if line.starts_with("### ") {
            current = HEADINGS.iter().position(|(_, h)| line.trim_end() == *h);
            if current.is_some() {
                continue;
            }
        }
        match current {
            Some(index) if line.starts_with("- ") => entries[index].push(line.to_owned()),
            Some(_) if line.trim().is_empty() => {}
            // Text under a spec-change heading that is not an entry is kept, as written.
            Some(index) => match entries[index].last_mut() {
                Some(last) => {
                    last.push('\n');
                    last.push_str(line);
                }
                None => others.push(line),
            },
            None => others.push(line),
        }
    }
    (entries, others)
}

#[cfg(test)]
mod tests {
    use super::super::{Effect, Section};
    use super::*;

    fn change(class: Class, pointer: &str, text: &str) -> Change {
        let effect = match class {
            Class::Breaking => Effect::breaking(text),
            Class::Addition => Effect::addition(text),
            Class::Patch => Effect::patch(text),
        };
        Change {
            pointer: pointer.into(),
            wire: effect,
            rust: Effect::patch("documentation only"),
            section: Section::Types,
            item: String::new(),
        }
    }

    fn diff(changes: Vec<Change>) -> ApiDiff {
        ApiDiff { changes }
    }

    const CHANGELOG: &str = "# Changelog\n\nIntro.\n\n## Unreleased\n\n### Added\n- A thing.\n  More.\n\n## 0.1.0\n\n- First.\n";

    #[test]
    fn groups_by_class_before_the_hand_written_subsections() {
        let diff = diff(vec![
            change(Class::Patch, "#/a", "description changed"),
            change(Class::Breaking, "#/b", "member 'x' removed"),
        ]);
        let out = add_to_unreleased(CHANGELOG, &diff);
        assert_eq!(
            out,
            "# Changelog\n\nIntro.\n\n## Unreleased\n\n\
             ### Spec changes: breaking\n- `#/b`: member 'x' removed: documentation only\n\n\
             ### Spec changes: patch\n- `#/a`: description changed: documentation only\n\n\
             ### Added\n- A thing.\n  More.\n\n## 0.1.0\n\n- First.\n"
        );
    }

    #[test]
    fn adding_the_same_changes_again_changes_nothing_and_new_ones_go_last() {
        let first = diff(vec![change(Class::Addition, "#/a", "value 'x' added")]);
        let once = add_to_unreleased(CHANGELOG, &first);
        assert_eq!(add_to_unreleased(&once, &first), once);
        let second = diff(vec![change(Class::Addition, "#/b", "value 'y' added")]);
        let twice = add_to_unreleased(&once, &second);
        let entries: Vec<&str> = twice.lines().filter(|l| l.starts_with("- `")).collect();
        assert_eq!(
            entries,
            [
                "- `#/a`: value 'x' added: documentation only",
                "- `#/b`: value 'y' added: documentation only"
            ]
        );
    }

    #[test]
    fn creates_the_section_before_the_first_release() {
        let text = "# Changelog\n\n## 0.1.0\n\n- First.\n";
        let out = add_to_unreleased(text, &diff(vec![change(Class::Patch, "#/a", "x")]));
        assert_eq!(
            out,
            "# Changelog\n\n## Unreleased\n\n### Spec changes: patch\n- `#/a`: x: documentation only\n\n## 0.1.0\n\n- First.\n"
        );
        let empty = add_to_unreleased(
            "# Changelog\n",
            &diff(vec![change(Class::Patch, "#/a", "x")]),
        );
        assert!(
            empty.ends_with(
                "## Unreleased\n\n### Spec changes: patch\n- `#/a`: x: documentation only\n"
            ),
            "{empty}"
        );
    }
}
