//! npm's range language (<https://github.com/npm/node-semver#ranges>) turned into intervals:
//! `||` separates alternatives; inside one, comparators separated by spaces must all hold.
//! Comparators are `<`, `<=`, `>`, `>=`, `=` or none, `~` (patch updates), `^` (updates that
//! keep the leftmost non-zero part), hyphen ranges (`1.2.3 - 2.3.4`) and partial or wildcard
//! versions (`1.2`, `1.x`, `*`), each expanded as node-semver does.
//!
//! `> V` becomes `>= ` the next SemVer version after V (`> 2.0.0` is `>= 2.0.1-0`), since OSV
//! events have no exclusive lower bound.
//!
//! Limitation: an upper bound that node-semver writes as `<2.0.0-0` (excluding 2.0.0's
//! prereleases) is written here as `<2.0.0`, so prereleases of the next version are treated as
//! inside the range.

use purser_version::Scheme;

use crate::interval::{intersect, Bound, Interval};

/// The intervals of each `||` alternative of `text`, in order; an alternative that allows no
/// version is left out, one that cannot be read is an `Err` naming it.
pub(crate) fn npm_range(text: &str) -> Vec<Result<Interval, String>> {
    text.split("||")
        .filter_map(|alternative| match comparator_set(alternative) {
            Ok(Some(interval)) => Some(Ok(interval)),
            Ok(None) => None,
            Err(message) => Some(Err(format!("{:?}: {message}", alternative.trim()))),
        })
        .collect()
}

fn comparator_set(text: &str) -> Result<Option<Interval>, String> {
    let tokens = comparator_tokens(text);
    if tokens.is_empty() {
        return Ok(Some(Interval::everything()));
    }

    let mut intervals = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        if tokens.get(index + 1).map(String::as_str) == Some("-") {
            let upper = tokens
                .get(index + 2)
                .ok_or_else(|| "hyphen range has no upper end".to_owned())?;
            intervals.push(hyphen(&tokens[index], upper)?);
            index += 3;
        } else {
            intervals.push(comparator(&tokens[index])?);
            index += 1;
        }
    }
    intersect(&intervals, Scheme::Semver)
}

/// Splits on whitespace, joining an operator written apart from its version (`>= 1.2`).
fn comparator_tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut pending_operator: Option<String> = None;
    for word in text.split_whitespace() {
        if word != "-"
            && word
                .chars()
                .all(|c| matches!(c, '<' | '>' | '=' | '~' | '^'))
        {
            pending_operator = Some(word.to_owned());
            continue;
        }
        match pending_operator.take() {
            Some(operator) => tokens.push(format!("{operator}{word}")),
            None => tokens.push(word.to_owned()),
        }
    }
    tokens
}

/// A version with any of its three numbers possibly missing or a wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Partial {
    numbers: Vec<u64>,
    prerelease: String,
}

impl Partial {
    fn parse(text: &str) -> Result<Partial, String> {
        let text = text.trim().trim_start_matches(['v', 'V', '=']);
        let (core, prerelease) = match text.find(['-', '+']) {
            Some(at) => (&text[..at], &text[at..]),
            None => (text, ""),
        };
        let mut numbers = Vec::new();
        for part in core.split('.').filter(|part| !part.is_empty()) {
            if matches!(part, "x" | "X" | "*") {
                break;
            }
            let number = part
                .parse::<u64>()
                .map_err(|_| format!("{text:?} is not a version"))?;
            numbers.push(number);
        }
        if numbers.len() > 3 {
            return Err(format!("{text:?} has more than three numbers"));
        }
        let prerelease = if numbers.len() == 3 {
            prerelease.to_owned()
        } else {
            String::new()
        };
        Ok(Partial {
            numbers,
            prerelease,
        })
    }

    fn is_full(&self) -> bool {
        self.numbers.len() == 3
    }

    /// The version with missing numbers as zeros.
    fn floor(&self) -> String {
        let number = |index: usize| self.numbers.get(index).copied().unwrap_or(0);
        format!(
            "{}.{}.{}{}",
            number(0),
            number(1),
            number(2),
            self.prerelease
        )
    }

    /// The first SemVer version above this full version. SemVer orders versions densely only
    /// through prereleases: nothing lies between `2.0.0` and `2.0.1-0`, nor between
    /// `1.0.0-beta` and `1.0.0-beta.0`, so `> V` is exactly `>= successor(V)`, which OSV
    /// events can express. Build metadata does not count in the order and is dropped.
    fn successor(&self) -> Result<String, String> {
        let prerelease = self.prerelease.split('+').next().unwrap_or_default();
        let [major, minor, patch] = [0, 1, 2].map(|index| self.numbers[index]);
        if prerelease.len() > 1 {
            return Ok(format!("{major}.{minor}.{patch}{prerelease}.0"));
        }
        let next_patch = patch
            .checked_add(1)
            .ok_or_else(|| format!("{major}.{minor}.{patch} has no successor"))?;
        Ok(format!("{major}.{minor}.{next_patch}-0"))
    }

    /// The first version after every version this partial matches (`1.2` gives `1.3.0`), or
    /// `None` for `*`.
    fn next_after(&self) -> Option<String> {
        bump(&self.numbers, self.numbers.len().checked_sub(1)?)
    }
}

/// The version with the number at `position` incremented and those after it zero.
fn bump(numbers: &[u64], position: usize) -> Option<String> {
    let mut bumped = [0u64; 3];
    for (index, slot) in bumped.iter_mut().enumerate().take(position + 1) {
        *slot = numbers.get(index).copied().unwrap_or(0);
    }
    bumped[position] = bumped[position].checked_add(1)?;
    Some(format!("{}.{}.{}", bumped[0], bumped[1], bumped[2]))
}

fn comparator(token: &str) -> Result<Interval, String> {
    let split = token
        .find(|c: char| !matches!(c, '<' | '>' | '=' | '~' | '^'))
        .unwrap_or(token.len());
    let (operator, version) = token.split_at(split);
    if version.is_empty() {
        return Err(format!("{token:?} names no version"));
    }
    let partial = Partial::parse(version)?;
    let lower_closed = |partial: &Partial| Some(Bound::closed(partial.floor()));
    let upper_open = |version: Option<String>| version.map(Bound::open);

    let interval = match operator {
        "" | "=" => {
            if partial.is_full() {
                Interval::exactly(&partial.floor())
            } else if partial.numbers.is_empty() {
                Interval::everything()
            } else {
                Interval {
                    lower: lower_closed(&partial),
                    upper: upper_open(partial.next_after()),
                }
            }
        }
        ">=" => Interval {
            lower: (!partial.numbers.is_empty()).then(|| Bound::closed(partial.floor())),
            upper: None,
        },
        ">" if partial.is_full() => Interval {
            lower: Some(Bound::closed(partial.successor()?)),
            upper: None,
        },
        ">" => Interval {
            lower: partial.next_after().map(Bound::closed),
            upper: None,
        },
        "<" => Interval {
            lower: None,
            upper: Some(Bound::open(partial.floor())),
        },
        "<=" if partial.is_full() => Interval {
            lower: None,
            upper: Some(Bound::closed(partial.floor())),
        },
        "<=" => Interval {
            lower: None,
            upper: upper_open(partial.next_after()),
        },
        "~" | "~>" => {
            let position = if partial.numbers.len() >= 2 { 1 } else { 0 };
            Interval {
                lower: lower_closed(&partial),
                upper: upper_open(if partial.numbers.is_empty() {
                    None
                } else {
                    bump(&partial.numbers, position)
                }),
            }
        }
        "^" => {
            let first_non_zero = partial.numbers.iter().position(|&number| number != 0);
            let position = match first_non_zero {
                Some(position) => position,
                // `^0.0.3` keeps the patch, `^0.0` the minor, `^0` the major.
                None => partial.numbers.len().saturating_sub(1),
            };
            Interval {
                lower: lower_closed(&partial),
                upper: upper_open(if partial.numbers.is_empty() {
                    None
                } else {
                    bump(&partial.numbers, position)
                }),
            }
        }
        other => return Err(format!("unknown operator {other:?}")),
    };
    Ok(interval)
}

fn hyphen(lower: &str, upper: &str) -> Result<Interval, String> {
    let lower = Partial::parse(lower)?;
    let upper = Partial::parse(upper)?;
    let upper_bound = if upper.is_full() {
        Some(Bound::closed(upper.floor()))
    } else {
        upper.next_after().map(Bound::open)
    };
    Ok(Interval {
        lower: Some(Bound::closed(lower.floor())),
        upper: upper_bound,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(lower: Option<Bound>, upper: Option<Bound>) -> Interval {
        Interval { lower, upper }
    }

    fn only(text: &str) -> Interval {
        let mut alternatives = npm_range(text);
        assert_eq!(alternatives.len(), 1, "{text}");
        alternatives.remove(0).expect("readable")
    }

    #[test]
    fn plain_comparators() {
        assert_eq!(
            only("<=1.5.1"),
            interval(None, Some(Bound::closed("1.5.1")))
        );
        assert_eq!(
            only(">= 2.0.0 < 2.0.5"),
            interval(Some(Bound::closed("2.0.0")), Some(Bound::open("2.0.5")))
        );
        assert_eq!(only("*"), Interval::everything());
        assert_eq!(only("1.2.3"), Interval::exactly("1.2.3"));
        assert_eq!(only("=v1.2.3"), Interval::exactly("1.2.3"));
    }

    #[test]
    fn tilde_caret_and_partials() {
        assert_eq!(
            only("~1.2.3"),
            interval(Some(Bound::closed("1.2.3")), Some(Bound::open("1.3.0")))
        );
        assert_eq!(
            only("^0.2.3"),
            interval(Some(Bound::closed("0.2.3")), Some(Bound::open("0.3.0")))
        );
        assert_eq!(
            only("^1.2.3-beta.1"),
            interval(
                Some(Bound::closed("1.2.3-beta.1")),
                Some(Bound::open("2.0.0"))
            )
        );
        assert_eq!(
            only("^0.0.3"),
            interval(Some(Bound::closed("0.0.3")), Some(Bound::open("0.0.4")))
        );
        assert_eq!(
            only("1.x"),
            interval(Some(Bound::closed("1.0.0")), Some(Bound::open("2.0.0")))
        );
        assert_eq!(only("<=1.2"), interval(None, Some(Bound::open("1.3.0"))));
        assert_eq!(only(">1.2"), interval(Some(Bound::closed("1.3.0")), None));
        assert_eq!(
            only(">2.0.0 <2.1.0"),
            interval(Some(Bound::closed("2.0.1-0")), Some(Bound::open("2.1.0")))
        );
        assert_eq!(
            only("> 1.0.0-beta+build.7"),
            interval(Some(Bound::closed("1.0.0-beta.0")), None)
        );
        assert_eq!(
            only("1.2.3 - 2.3"),
            interval(Some(Bound::closed("1.2.3")), Some(Bound::open("2.4.0")))
        );
    }

    #[test]
    fn alternatives_and_errors() {
        let alternatives = npm_range("<1.0.0 || >=2.0.0 <2.1.0 || >=3 <2");
        assert_eq!(alternatives.len(), 2);
        assert!(alternatives.iter().all(Result::is_ok));

        let bad = npm_range("<=1.2.3.4 || <1.0.0");
        assert!(bad[0].is_err());
        assert!(bad[1].is_ok());
        assert!(npm_range("%1").iter().all(Result::is_err));
    }
}
