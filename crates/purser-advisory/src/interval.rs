//! Version intervals, the common ground of the sources that write requirement lists
//! (`>= 1.2, < 1.3`, `~> 5.2.4`) instead of OSV events, and their translation into
//! [`RangeEvent`]s.
//!
//! OSV events can say "from V on" ([`RangeEvent::Introduced`]), "before V"
//! ([`RangeEvent::Fixed`]) and "up to and including V" ([`RangeEvent::LastAffected`]), but not
//! "after V". An affected interval with an open lower bound (`> 1.2`), or a safe interval with a
//! closed upper bound (`<= 1.2` unaffected) followed by affected versions, needs that bound: it
//! becomes Purser's own [`RangeEvent::IntroducedAfter`], so every interval these sources write
//! has events.

use std::cmp::Ordering;

use purser_version::Scheme;

use crate::model::RangeEvent;

/// One end of an [`Interval`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bound {
    /// The version at the end.
    pub version: String,
    /// Whether the version itself is inside the interval.
    pub inclusive: bool,
}

impl Bound {
    /// A bound that includes `version`.
    pub fn closed(version: impl Into<String>) -> Bound {
        Bound {
            version: version.into(),
            inclusive: true,
        }
    }

    /// A bound that excludes `version`.
    pub fn open(version: impl Into<String>) -> Bound {
        Bound {
            version: version.into(),
            inclusive: false,
        }
    }
}

/// A set of versions between two optional bounds; a missing bound is unbounded on that side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Interval {
    /// The lowest versions inside, or `None` for every version from the start.
    pub lower: Option<Bound>,
    /// The highest versions inside, or `None` for every version to the end.
    pub upper: Option<Bound>,
}

impl Interval {
    /// Every version.
    pub fn everything() -> Interval {
        Interval::default()
    }

    /// Exactly `version`.
    pub fn exactly(version: &str) -> Interval {
        Interval {
            lower: Some(Bound::closed(version)),
            upper: Some(Bound::closed(version)),
        }
    }

    /// The interval a comparison operator and version describe (`>=`, `>`, `<`, `<=`, `=`,
    /// `==`), or `None` for an operator that is not a plain comparison.
    pub fn from_operator(operator: &str, version: &str) -> Option<Interval> {
        let interval = match operator {
            ">=" => Interval {
                lower: Some(Bound::closed(version)),
                upper: None,
            },
            ">" => Interval {
                lower: Some(Bound::open(version)),
                upper: None,
            },
            "<" => Interval {
                lower: None,
                upper: Some(Bound::open(version)),
            },
            "<=" => Interval {
                lower: None,
                upper: Some(Bound::closed(version)),
            },
            "=" | "==" | "" => Interval::exactly(version),
            _ => return None,
        };
        Some(interval)
    }
}

/// Compares two versions under `scheme`, turning a rejected version into a message.
fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, String> {
    scheme
        .compare(a, b)
        .map_err(|error| format!("cannot order versions {a:?} and {b:?}: {error}"))
}

/// The intersection of `intervals` (all of them must hold), or `None` when it is empty.
///
/// # Errors
///
/// A message when two bounds cannot be ordered under `scheme`.
pub(crate) fn intersect(
    intervals: &[Interval],
    scheme: Scheme,
) -> Result<Option<Interval>, String> {
    let mut result = Interval::everything();
    for interval in intervals {
        if let Some(lower) = &interval.lower {
            result.lower = Some(match result.lower.take() {
                None => lower.clone(),
                Some(known) => tighter_lower(known, lower.clone(), scheme)?,
            });
        }
        if let Some(upper) = &interval.upper {
            result.upper = Some(match result.upper.take() {
                None => upper.clone(),
                Some(known) => tighter_upper(known, upper.clone(), scheme)?,
            });
        }
    }

    if let (Some(lower), Some(upper)) = (&result.lower, &result.upper) {
        let order = compare(scheme, &lower.version, &upper.version)?;
        let empty = order == Ordering::Greater
            || (order == Ordering::Equal && !(lower.inclusive && upper.inclusive));
        if empty {
            return Ok(None);
        }
    }
    Ok(Some(result))
}

fn tighter_lower(a: Bound, b: Bound, scheme: Scheme) -> Result<Bound, String> {
    Ok(match compare(scheme, &a.version, &b.version)? {
        Ordering::Greater => a,
        Ordering::Less => b,
        Ordering::Equal if !a.inclusive => a,
        Ordering::Equal => b,
    })
}

fn tighter_upper(a: Bound, b: Bound, scheme: Scheme) -> Result<Bound, String> {
    Ok(match compare(scheme, &a.version, &b.version)? {
        Ordering::Less => a,
        Ordering::Greater => b,
        Ordering::Equal if !a.inclusive => a,
        Ordering::Equal => b,
    })
}

/// The events of one affected interval; an open lower bound (`> V`) becomes
/// [`RangeEvent::IntroducedAfter`].
pub(crate) fn affected_events(interval: &Interval) -> Vec<RangeEvent> {
    let mut events = Vec::with_capacity(2);
    match &interval.lower {
        None => events.push(RangeEvent::Introduced("0".to_owned())),
        Some(bound) if bound.inclusive => {
            events.push(RangeEvent::Introduced(bound.version.clone()))
        }
        Some(bound) => events.push(RangeEvent::IntroducedAfter(bound.version.clone())),
    }

    match &interval.upper {
        None => {}
        Some(bound) if bound.inclusive => {
            events.push(RangeEvent::LastAffected(bound.version.clone()))
        }
        Some(bound) => events.push(RangeEvent::Fixed(bound.version.clone())),
    }
    events
}

/// The events of every version outside the `safe` intervals (a source's patched and
/// unaffected versions); empty when the safe intervals cover every version.
///
/// # Errors
///
/// A message when bounds cannot be ordered under `scheme`. Versions affected again just after a
/// closed upper bound (`<= V` safe, later versions not) start with
/// [`RangeEvent::IntroducedAfter`].
pub(crate) fn complement_events(
    safe: &[Interval],
    scheme: Scheme,
) -> Result<Vec<RangeEvent>, String> {
    let merged = merge(safe, scheme)?;
    let Some(first) = merged.first() else {
        return Ok(vec![RangeEvent::Introduced("0".to_owned())]);
    };

    let mut events = Vec::new();
    if first.lower.is_some() {
        events.push(RangeEvent::Introduced("0".to_owned()));
    }
    for interval in &merged {
        match &interval.lower {
            None => {}
            Some(bound) if bound.inclusive => events.push(RangeEvent::Fixed(bound.version.clone())),
            Some(bound) => events.push(RangeEvent::LastAffected(bound.version.clone())),
        }
        match &interval.upper {
            None => break,
            Some(bound) if bound.inclusive => {
                events.push(RangeEvent::IntroducedAfter(bound.version.clone()))
            }
            Some(bound) => events.push(RangeEvent::Introduced(bound.version.clone())),
        }
    }
    Ok(events)
}

/// Sorts `intervals` by their lower bound and joins those that overlap or touch.
fn merge(intervals: &[Interval], scheme: Scheme) -> Result<Vec<Interval>, String> {
    let mut sorted = intervals.to_vec();
    let mut failure = None;
    sorted.sort_by(|a, b| match (&a.lower, &b.lower) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => match compare(scheme, &x.version, &y.version) {
            Ok(Ordering::Equal) => y.inclusive.cmp(&x.inclusive),
            Ok(order) => order,
            Err(message) => {
                failure.get_or_insert(message);
                Ordering::Equal
            }
        },
    });
    if let Some(message) = failure {
        return Err(message);
    }

    let mut merged: Vec<Interval> = Vec::with_capacity(sorted.len());
    for interval in sorted {
        let Some(last) = merged.last_mut() else {
            merged.push(interval);
            continue;
        };
        let Some(last_upper) = &last.upper else {
            // The last interval runs to the end: it already holds everything after it.
            break;
        };
        let joins = match &interval.lower {
            None => true,
            Some(lower) => match compare(scheme, &lower.version, &last_upper.version)? {
                Ordering::Less => true,
                Ordering::Equal => lower.inclusive || last_upper.inclusive,
                Ordering::Greater => false,
            },
        };
        if !joins {
            merged.push(interval);
            continue;
        }
        last.upper = match interval.upper {
            None => None,
            Some(upper) => Some(wider_upper(last_upper.clone(), upper, scheme)?),
        };
    }
    Ok(merged)
}

fn wider_upper(a: Bound, b: Bound, scheme: Scheme) -> Result<Bound, String> {
    Ok(match compare(scheme, &a.version, &b.version)? {
        Ordering::Greater => a,
        Ordering::Less => b,
        Ordering::Equal if a.inclusive => a,
        Ordering::Equal => b,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn introduced(version: &str) -> RangeEvent {
        RangeEvent::Introduced(version.to_owned())
    }

    fn fixed(version: &str) -> RangeEvent {
        RangeEvent::Fixed(version.to_owned())
    }

    fn between(lower: &str, upper: &str) -> Interval {
        Interval {
            lower: Some(Bound::closed(lower)),
            upper: Some(Bound::open(upper)),
        }
    }

    #[test]
    fn intersection_keeps_the_tightest_bounds() {
        let pessimistic = between("5.2.4", "5.3");
        let at_least = Interval::from_operator(">=", "5.2.4.3").expect("operator");
        let both = intersect(&[pessimistic, at_least], Scheme::RubyGems)
            .expect("orderable")
            .expect("not empty");
        assert_eq!(both, between("5.2.4.3", "5.3"));

        let disjoint = [
            Interval::from_operator(">=", "2").expect("operator"),
            Interval::from_operator("<", "1").expect("operator"),
        ];
        assert_eq!(intersect(&disjoint, Scheme::RubyGems), Ok(None));
    }

    #[test]
    fn complement_of_patched_series() {
        // rack CVE-2020-8161: patched "~> 2.1.3" and ">= 2.2.0".
        let safe = [
            Interval::from_operator(">=", "2.2.0").expect("operator"),
            between("2.1.3", "2.2"),
        ];
        let events = complement_events(&safe, Scheme::RubyGems).expect("expressible");
        assert_eq!(events, [introduced("0"), fixed("2.1.3")]);

        let gaps = [between("1.0", "2.0"), between("3.0", "4.0")];
        let events = complement_events(&gaps, Scheme::RubyGems).expect("expressible");
        assert_eq!(
            events,
            [
                introduced("0"),
                fixed("1.0"),
                introduced("2.0"),
                fixed("3.0"),
                introduced("4.0")
            ]
        );
    }

    #[test]
    fn complement_with_unaffected_start() {
        let safe = [
            Interval::from_operator("<", "1.2").expect("operator"),
            Interval::from_operator(">=", "1.5").expect("operator"),
        ];
        let events = complement_events(&safe, Scheme::RubyGems).expect("expressible");
        assert_eq!(events, [introduced("1.2"), fixed("1.5")]);

        // nokogiri CVE-2022-23476: unaffected "<= 1.13.7", patched ">= 1.13.10".
        let closed = [
            Interval::from_operator("<=", "1.13.7").expect("operator"),
            Interval::from_operator(">=", "1.13.10").expect("operator"),
        ];
        let events = complement_events(&closed, Scheme::RubyGems).expect("expressible");
        assert_eq!(
            events,
            [
                RangeEvent::IntroducedAfter("1.13.7".to_owned()),
                fixed("1.13.10")
            ]
        );
        assert_eq!(
            complement_events(&[], Scheme::RubyGems),
            Ok(vec![introduced("0")])
        );
        assert_eq!(
            complement_events(&[Interval::everything()], Scheme::RubyGems),
            Ok(vec![])
        );
    }

    #[test]
    fn open_lower_bound_of_a_patch_is_last_affected() {
        let safe = [Interval::from_operator(">", "1.4").expect("operator")];
        let events = complement_events(&safe, Scheme::RubyGems).expect("expressible");
        assert_eq!(
            events,
            [introduced("0"), RangeEvent::LastAffected("1.4".to_owned())]
        );
    }

    #[test]
    fn affected_interval_events() {
        let events = affected_events(&Interval {
            lower: Some(Bound::closed("2.0.0")),
            upper: Some(Bound::closed("2.0.18")),
        });
        assert_eq!(
            events,
            [
                introduced("2.0.0"),
                RangeEvent::LastAffected("2.0.18".to_owned())
            ]
        );
        assert_eq!(
            affected_events(&Interval::everything()),
            vec![introduced("0")]
        );
        let after = Interval {
            lower: Some(Bound::open("1.0")),
            upper: Some(Bound::open("1.3")),
        };
        assert_eq!(
            affected_events(&after),
            [RangeEvent::IntroducedAfter("1.0".to_owned()), fixed("1.3")]
        );
    }
}
