//! Documented constraints (bounds, lengths, item counts, allowed values): which changed, and
//! whether each change narrows or widens what is valid.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use crate::model::Rule;

/// Whether a constraint change narrows or widens the set of valid values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Some value that was valid no longer is.
    Tightened,
    /// Every value that was valid still is, and more are.
    Relaxed,
}

/// One constraint that changed, by its spec keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChange {
    /// The keyword as the spec writes it (`maxLength`); `enum` for allowed values.
    pub keyword: &'static str,
    /// The constraint before, `none` when there was none.
    pub before: String,
    /// The constraint after, `none` when there is none.
    pub after: String,
    /// Narrower or wider.
    pub direction: Direction,
}

impl RuleChange {
    /// `maxLength tightened: 64 -> 32`.
    pub fn describe(&self) -> String {
        let verb = match self.direction {
            Direction::Tightened => "tightened",
            Direction::Relaxed => "relaxed",
        };
        format!("{} {verb}: {} -> {}", self.keyword, self.before, self.after)
    }
}

/// The keywords of the rules, in the order changes are listed.
const KEYWORDS: [&str; 7] = [
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "enum",
];

fn keyword(rule: &Rule) -> &'static str {
    match rule {
        Rule::Minimum { .. } => "minimum",
        Rule::Maximum { .. } => "maximum",
        Rule::MinLength(_) => "minLength",
        Rule::MaxLength(_) => "maxLength",
        Rule::MinItems(_) => "minItems",
        Rule::MaxItems(_) => "maxItems",
        Rule::AllowedValues(_) => "enum",
    }
}

/// Every constraint that differs between `old` and `new`.
pub fn changes(old: &[Rule], new: &[Rule]) -> Vec<RuleChange> {
    let find = |rules: &[Rule], wanted: &str| rules.iter().find(|r| keyword(r) == wanted).cloned();
    KEYWORDS
        .into_iter()
        .filter_map(|keyword| {
            let (before, after) = (find(old, keyword), find(new, keyword));
            if before == after {
                return None;
            }
            let direction = match (&before, &after) {
                (Some(before), Some(after)) => compare(before, after),
                // Any constraint excludes some value; none excludes nothing.
                (None, _) => Direction::Tightened,
                (_, None) => Direction::Relaxed,
            };
            Some(RuleChange {
                keyword,
                before: before.as_ref().map_or_else(|| "none".into(), describe),
                after: after.as_ref().map_or_else(|| "none".into(), describe),
                direction,
            })
        })
        .collect()
}

/// How `after` differs from `before`, two different rules of the same keyword.
fn compare(before: &Rule, after: &Rule) -> Direction {
    let tightened = match (before, after) {
        (
            Rule::Minimum {
                bound: a,
                exclusive: ea,
            },
            Rule::Minimum {
                bound: b,
                exclusive: eb,
            },
        ) => bound_narrows(number_order(b, a), *ea, *eb),
        (
            Rule::Maximum {
                bound: a,
                exclusive: ea,
            },
            Rule::Maximum {
                bound: b,
                exclusive: eb,
            },
        ) => bound_narrows(number_order(a, b), *ea, *eb),
        (Rule::MinLength(a), Rule::MinLength(b)) | (Rule::MinItems(a), Rule::MinItems(b)) => b > a,
        (Rule::MaxLength(a), Rule::MaxLength(b)) | (Rule::MaxItems(a), Rule::MaxItems(b)) => b < a,
        (Rule::AllowedValues(a), Rule::AllowedValues(b)) => a.iter().any(|v| !b.contains(v)),
        _ => true,
    };
    match tightened {
        true => Direction::Tightened,
        false => Direction::Relaxed,
    }
}

/// Whether a bound moved inwards: `inward` is `Greater` when the new bound excludes more
/// (a higher minimum, a lower maximum); at the same bound, becoming exclusive narrows.
fn bound_narrows(inward: Ordering, was_exclusive: bool, is_exclusive: bool) -> bool {
    match inward {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => is_exclusive && !was_exclusive,
    }
}

/// Orders two JSON numbers by value: as integers when both are, else as floats.
fn number_order(a: &Number, b: &Number) -> Ordering {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return a.cmp(&b);
    }
    let (a, b) = (
        a.as_f64().unwrap_or(f64::NAN),
        b.as_f64().unwrap_or(f64::NAN),
    );
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

fn describe(rule: &Rule) -> String {
    match rule {
        Rule::Minimum { bound, exclusive } | Rule::Maximum { bound, exclusive } => {
            match exclusive {
                true => format!("{bound} (exclusive)"),
                false => bound.to_string(),
            }
        }
        Rule::MinLength(n) | Rule::MaxLength(n) | Rule::MinItems(n) | Rule::MaxItems(n) => {
            n.to_string()
        }
        Rule::AllowedValues(values) => {
            let values: Vec<String> = values.iter().map(Value::to_string).collect();
            format!("[{}]", values.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimum(bound: i64, exclusive: bool) -> Rule {
        Rule::Minimum {
            bound: bound.into(),
            exclusive,
        }
    }

    fn maximum(bound: f64) -> Rule {
        Rule::Maximum {
            bound: Number::from_f64(bound).unwrap(),
            exclusive: false,
        }
    }

    fn direction(old: Vec<Rule>, new: Vec<Rule>) -> Vec<Direction> {
        changes(&old, &new).iter().map(|c| c.direction).collect()
    }

    #[test]
    fn a_bound_moving_inwards_tightens_and_outwards_relaxes() {
        use Direction::{Relaxed, Tightened};
        assert_eq!(
            direction(vec![minimum(1, false)], vec![minimum(2, false)]),
            [Tightened]
        );
        assert_eq!(
            direction(vec![minimum(2, false)], vec![minimum(1, false)]),
            [Relaxed]
        );
        assert_eq!(
            direction(vec![minimum(1, false)], vec![minimum(1, true)]),
            [Tightened]
        );
        assert_eq!(
            direction(vec![minimum(1, true)], vec![minimum(1, false)]),
            [Relaxed]
        );
        assert_eq!(
            direction(vec![maximum(10.5)], vec![maximum(10.25)]),
            [Tightened]
        );
        assert_eq!(
            direction(vec![maximum(10.0)], vec![maximum(11.0)]),
            [Relaxed]
        );
        assert_eq!(
            direction(vec![Rule::MaxLength(64)], vec![Rule::MaxLength(32)]),
            [Tightened]
        );
        assert_eq!(
            direction(vec![Rule::MinItems(1)], vec![Rule::MinItems(0)]),
            [Relaxed]
        );
    }

    #[test]
    fn adding_a_rule_tightens_and_removing_one_relaxes() {
        let added = changes(&[], &[Rule::MaxItems(5)]);
        assert_eq!(added[0].describe(), "maxItems tightened: none -> 5");
        let removed = changes(&[Rule::MaxItems(5)], &[]);
        assert_eq!(removed[0].describe(), "maxItems relaxed: 5 -> none");
    }

    #[test]
    fn allowed_values_tighten_when_one_goes_even_if_others_come() {
        let values = |v: &[i64]| Rule::AllowedValues(v.iter().map(|n| Value::from(*n)).collect());
        let swapped = changes(&[values(&[1, 2])], &[values(&[1, 3])]);
        assert_eq!(swapped[0].describe(), "enum tightened: [1, 2] -> [1, 3]");
        let grown = changes(&[values(&[1, 2])], &[values(&[1, 2, 3])]);
        assert_eq!(grown[0].direction, Direction::Relaxed);
    }

    #[test]
    fn equal_rules_in_another_order_are_no_change() {
        let rules = vec![Rule::MinLength(1), Rule::MaxLength(5)];
        let reversed: Vec<Rule> = rules.iter().rev().cloned().collect();
        assert!(changes(&rules, &reversed).is_empty());
    }
}
