//! OSV records (<https://ossf.github.io/osv-schema/>), JSON or YAML, into [`Advisory`] values.
//!
//! Only the fields the model keeps are read; unknown fields are ignored, as the schema asks of
//! consumers. Per the schema, `id` and `modified` are REQUIRED: a record without an `id` is
//! refused, a record without `modified` is kept (several real feeds omit it on old records).

use serde::Deserialize;
use serde_json::Value;

use crate::model::{
    Advisory, Affected, AffectedStatus, Ecosystem, RangeEvent, RangeKind, Reference, Score,
    ScoreKind, SeverityRating, VersionRange,
};
use crate::score::score_vector;

/// The text encoding of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsvSyntax {
    /// JSON, as most feeds and OSV's `all.zip` files use.
    Json,
    /// YAML, as the PyPA advisory database uses.
    Yaml,
}

impl OsvSyntax {
    /// The syntax a file name implies: `.json` is JSON, `.yaml`/`.yml` YAML, anything else
    /// `None`.
    pub fn from_file_name(name: &str) -> Option<OsvSyntax> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(OsvSyntax::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(OsvSyntax::Yaml)
        } else {
            None
        }
    }
}

/// Why one OSV record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct OsvError {
    /// The record's `id`, when the text got far enough to show it.
    pub id: Option<String>,
    /// What was wrong.
    pub message: String,
}

/// Parses one OSV record.
///
/// # Errors
///
/// [`OsvError`] when the text is not valid JSON or YAML, does not follow the schema's types,
/// has no `id`, or has a range event with none of `introduced`, `fixed`, `last_affected`,
/// `limit`. The error carries the record's `id` when it could still be read.
pub fn parse_osv(bytes: &[u8], syntax: OsvSyntax) -> Result<Advisory, OsvError> {
    let record: Result<Record, String> = match syntax {
        OsvSyntax::Json => serde_json::from_slice(bytes).map_err(|error| error.to_string()),
        OsvSyntax::Yaml => serde_yaml_ng::from_slice(bytes).map_err(|error| error.to_string()),
    };

    match record {
        Ok(record) => record.into_advisory(),
        Err(message) => Err(OsvError {
            id: id_of(bytes, syntax),
            message: lowercase_first(message),
        }),
    }
}

/// Reads just the `id` of a record whose full parse failed, to name it in the error.
fn id_of(bytes: &[u8], syntax: OsvSyntax) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: String,
    }
    match syntax {
        OsvSyntax::Json => serde_json::from_slice::<IdOnly>(bytes).ok().map(|r| r.id),
        OsvSyntax::Yaml => serde_yaml_ng::from_slice::<IdOnly>(bytes)
            .ok()
            .map(|r| r.id),
    }
}

fn lowercase_first(message: String) -> String {
    let mut characters = message.chars();
    match characters.next() {
        Some(first) if first.is_uppercase() => first.to_lowercase().chain(characters).collect(),
        _ => message,
    }
}

/// A version or identifier string, as the record wrote it.
///
/// It is read through `deserialize_str`, so YAML hands over the scalar's exact text: an
/// unquoted `fixed: 1.10` stays `1.10` instead of becoming the number 1.1. In JSON the schema
/// requires strings; a number or boolean there is still accepted and written out in decimal.
#[derive(Debug)]
pub(crate) struct Text(pub(crate) String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl serde::de::Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Text, E> {
        Ok(Text(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Text, E> {
        Ok(Text(text))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<Text, E> {
        Ok(Text(number.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<Text, E> {
        Ok(Text(number.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<Text, E> {
        Ok(Text(number.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Text, E> {
        Ok(Text(value.to_string()))
    }
}

impl Text {
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

fn texts(list: Option<Vec<Text>>) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .map(Text::into_string)
        .collect()
}

#[derive(Debug, Deserialize)]
struct Record {
    id: Option<String>,
    modified: Option<Text>,
    published: Option<Text>,
    withdrawn: Option<Text>,
    aliases: Option<Vec<Text>>,
    related: Option<Vec<Text>>,
    summary: Option<String>,
    details: Option<String>,
    severity: Option<Vec<WireSeverity>>,
    affected: Option<Vec<WireAffected>>,
    references: Option<Vec<WireReference>>,
    database_specific: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct WireSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: Text,
}

#[derive(Debug, Deserialize)]
struct WireAffected {
    package: Option<WirePackage>,
    severity: Option<Vec<WireSeverity>>,
    ranges: Option<Vec<WireRange>>,
    versions: Option<Vec<Text>>,
    ecosystem_specific: Option<Value>,
    database_specific: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct WirePackage {
    ecosystem: Option<String>,
    name: Option<Text>,
    purl: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireRange {
    #[serde(rename = "type")]
    kind: String,
    repo: Option<String>,
    events: Option<Vec<WireEvent>>,
}

#[derive(Debug, Deserialize)]
struct WireEvent {
    introduced: Option<Text>,
    fixed: Option<Text>,
    last_affected: Option<Text>,
    limit: Option<Text>,
}

#[derive(Debug, Deserialize)]
struct WireReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
}

impl Record {
    fn into_advisory(self) -> Result<Advisory, OsvError> {
        let Some(id) = self.id.filter(|id| !id.trim().is_empty()) else {
            return Err(OsvError {
                id: None,
                message: "record has no `id`".to_owned(),
            });
        };
        let fail = |message: String| OsvError {
            id: Some(id.clone()),
            message,
        };

        let scores: Vec<Score> = self
            .severity
            .unwrap_or_default()
            .into_iter()
            .filter_map(WireSeverity::into_score)
            .collect();

        // GitHub-reviewed records put a word at the top (`database_specific.severity`); it
        // applies to every package that has no severity of its own.
        let record_severity = severity_word(self.database_specific.as_ref())
            .map(|word| (word.clone(), format!("database_specific.severity: {word}")));

        let mut affected = Vec::new();
        let mut affected_scores = Vec::new();
        for entry in self.affected.unwrap_or_default() {
            let (converted, scores) = entry
                .into_affected(record_severity.as_ref())
                .map_err(&fail)?;
            affected.push(converted);
            affected_scores.extend(scores);
        }

        // The schema also allows `affected[].severity`; the model keeps scores per advisory,
        // so those join the record's scores (each vector once).
        let mut all_scores = scores;
        for score in affected_scores {
            if !all_scores.iter().any(|known| known.vector == score.vector) {
                all_scores.push(score);
            }
        }

        Ok(Advisory {
            id,
            aliases: texts(self.aliases),
            related: texts(self.related),
            summary: self.summary.filter(|text| !text.is_empty()),
            details: self.details.filter(|text| !text.is_empty()),
            published: self.published.map(Text::into_string),
            modified: self.modified.map(Text::into_string),
            withdrawn: self.withdrawn.map(Text::into_string),
            scores: all_scores,
            references: self
                .references
                .unwrap_or_default()
                .into_iter()
                .filter_map(WireReference::into_reference)
                .collect(),
            affected,
            source: String::new(),
        })
    }
}

impl WireSeverity {
    /// Scores a CVSS vector; other types (`Ubuntu`) keep their text with an unknown score.
    fn into_score(self) -> Option<Score> {
        let text = self.score.into_string();
        let kind = match self.kind.as_str() {
            "CVSS_V2" => ScoreKind::CvssV2,
            "CVSS_V3" => ScoreKind::CvssV3,
            "CVSS_V4" => ScoreKind::CvssV4,
            "Ubuntu" => ScoreKind::Ubuntu,
            other => {
                tracing::debug!(kind = other, "unknown OSV severity type; skipped");
                return None;
            }
        };
        let mut score = score_vector(kind, &text);
        if kind == ScoreKind::Ubuntu {
            score.rating = rating_from_word(&text);
        }
        Some(score)
    }
}

impl WireAffected {
    fn into_affected(
        self,
        record_severity: Option<&(String, String)>,
    ) -> Result<(Affected, Vec<Score>), String> {
        let package = self.package.unwrap_or(WirePackage {
            ecosystem: None,
            name: None,
            purl: None,
        });

        let mut ranges = Vec::new();
        for range in self.ranges.unwrap_or_default() {
            ranges.push(range.into_range()?);
        }

        let scores: Vec<Score> = self
            .severity
            .unwrap_or_default()
            .into_iter()
            .filter_map(WireSeverity::into_score)
            .collect();

        let (severity, severity_source) = package_severity(
            self.ecosystem_specific.as_ref(),
            self.database_specific.as_ref(),
            &scores,
            record_severity,
        );

        let affected = Affected {
            ecosystem: Ecosystem::parse(package.ecosystem.as_deref().unwrap_or_default()),
            package: package.name.map(Text::into_string).unwrap_or_default(),
            purl: package.purl,
            ranges,
            versions: texts(self.versions),
            status: AffectedStatus::Affected,
            status_text: None,
            severity,
            severity_source,
        };
        Ok((affected, scores))
    }
}

/// The package's severity, most specific first: `ecosystem_specific.severity`,
/// `database_specific.severity`, the package's own CVSS scores, the record's
/// `database_specific.severity`.
fn package_severity(
    ecosystem_specific: Option<&Value>,
    database_specific: Option<&Value>,
    scores: &[Score],
    record_severity: Option<&(String, String)>,
) -> (Option<SeverityRating>, Option<String>) {
    if let Some(word) = severity_word(ecosystem_specific) {
        let source = format!("ecosystem_specific.severity: {word}");
        return (Some(rating_from_word(&word)), Some(source));
    }
    if let Some(word) = severity_word(database_specific) {
        let source = format!("database_specific.severity: {word}");
        return (Some(rating_from_word(&word)), Some(source));
    }
    if let Some(score) = scores.iter().find(|score| score.base_score.is_some()) {
        let source = format!("affected.severity: {}", score.vector);
        return (Some(score.rating), Some(source));
    }
    match record_severity {
        Some((word, source)) => (Some(rating_from_word(word)), Some(source.clone())),
        None => (None, None),
    }
}

/// The `severity` member of a `*_specific` object, when it is a word.
fn severity_word(specific: Option<&Value>) -> Option<String> {
    match specific?.get("severity")? {
        Value::String(word) if !word.trim().is_empty() => Some(word.trim().to_owned()),
        _ => None,
    }
}

/// Maps the severity words sources use onto the model's ratings: GitHub (`MODERATE`), Red Hat
/// and AlmaLinux (`Important`), Debian and Ubuntu (`unimportant`, `negligible`).
pub fn rating_from_word(word: &str) -> SeverityRating {
    match word
        .trim()
        .trim_end_matches('*')
        .to_ascii_lowercase()
        .as_str()
    {
        "critical" => SeverityRating::Critical,
        "high" | "important" => SeverityRating::High,
        "medium" | "moderate" => SeverityRating::Medium,
        "low" => SeverityRating::Low,
        "negligible" | "unimportant" | "none" | "informational" => SeverityRating::Negligible,
        _ => SeverityRating::Unknown,
    }
}

impl WireRange {
    fn into_range(self) -> Result<VersionRange, String> {
        let kind = match self.kind.as_str() {
            "ECOSYSTEM" => RangeKind::Ecosystem,
            "SEMVER" => RangeKind::Semver,
            "GIT" => RangeKind::Git,
            other => return Err(format!("unknown range type `{other}`")),
        };
        let mut events = Vec::new();
        for event in self.events.unwrap_or_default() {
            events.push(event.into_event()?);
        }
        Ok(VersionRange {
            kind,
            repo: self.repo,
            events,
        })
    }
}

impl WireEvent {
    fn into_event(self) -> Result<RangeEvent, String> {
        if let Some(version) = self.introduced {
            Ok(RangeEvent::Introduced(version.into_string()))
        } else if let Some(version) = self.fixed {
            Ok(RangeEvent::Fixed(version.into_string()))
        } else if let Some(version) = self.last_affected {
            Ok(RangeEvent::LastAffected(version.into_string()))
        } else if let Some(version) = self.limit {
            Ok(RangeEvent::Limit(version.into_string()))
        } else {
            Err(
                "range event has none of `introduced`, `fixed`, `last_affected`, `limit`"
                    .to_owned(),
            )
        }
    }
}

impl WireReference {
    fn into_reference(self) -> Option<Reference> {
        let url = self.url.filter(|url| !url.is_empty())?;
        Some(Reference {
            kind: self.kind.unwrap_or_else(|| "WEB".to_owned()),
            url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GHSA_STYLE: &str = r#"{
      "schema_version": "1.6.0",
      "id": "GHSA-xxxx-yyyy-zzzz",
      "modified": "2024-01-02T03:04:05Z",
      "published": "2023-12-01T00:00:00Z",
      "aliases": ["CVE-2023-1234"],
      "summary": "Prototype pollution",
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
      "affected": [{
        "package": {"ecosystem": "npm", "name": "lodash", "purl": "pkg:npm/lodash"},
        "ranges": [{"type": "SEMVER", "events": [
          {"introduced": "0"}, {"fixed": "4.17.21"}
        ]}, {"type": "GIT", "repo": "https://github.com/lodash/lodash", "events": [
          {"introduced": "0"}, {"limit": "abc123"}
        ]}],
        "database_specific": {"severity": "MODERATE", "unknown": [1, 2]},
        "future_field": true
      }, {
        "package": {"ecosystem": "Debian:12", "name": "node-lodash"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "4.17.20+dfsg-1"}]}],
        "versions": ["4.17.20+dfsg-1"]
      }],
      "references": [{"type": "ADVISORY", "url": "https://example.org/a"}, {"url": "https://example.org/b"}],
      "database_specific": {"severity": "HIGH"}
    }"#;

    #[test]
    fn reads_every_mapped_field() {
        let advisory = parse_osv(GHSA_STYLE.as_bytes(), OsvSyntax::Json).expect("valid record");

        assert_eq!(advisory.id, "GHSA-xxxx-yyyy-zzzz");
        assert_eq!(advisory.preferred_id(), "CVE-2023-1234");
        assert_eq!(advisory.modified.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(advisory.scores.len(), 1);
        assert_eq!(advisory.scores[0].base_score, Some(9.8));
        assert_eq!(advisory.scores[0].rating, SeverityRating::Critical);
        assert_eq!(advisory.references[1].kind, "WEB");

        let lodash = &advisory.affected[0];
        assert_eq!(lodash.ecosystem.to_string(), "npm");
        assert_eq!(lodash.purl.as_deref(), Some("pkg:npm/lodash"));
        assert_eq!(lodash.ranges[0].kind, RangeKind::Semver);
        assert_eq!(
            lodash.ranges[0].events,
            vec![
                RangeEvent::Introduced("0".to_owned()),
                RangeEvent::Fixed("4.17.21".to_owned())
            ]
        );
        assert_eq!(lodash.ranges[1].kind, RangeKind::Git);
        assert_eq!(
            lodash.ranges[1].events[1],
            RangeEvent::Limit("abc123".to_owned())
        );
        assert_eq!(lodash.severity, Some(SeverityRating::Medium));
        assert_eq!(
            lodash.severity_source.as_deref(),
            Some("database_specific.severity: MODERATE")
        );

        let debian = &advisory.affected[1];
        assert_eq!(debian.ecosystem.release.as_deref(), Some("12"));
        assert_eq!(
            debian.ranges[0].events[1],
            RangeEvent::LastAffected("4.17.20+dfsg-1".to_owned())
        );
        assert_eq!(debian.versions, vec!["4.17.20+dfsg-1"]);
        // No severity of its own: the record's word applies.
        assert_eq!(debian.severity, Some(SeverityRating::High));
    }

    #[test]
    fn yaml_numbers_become_version_strings() {
        let yaml = "id: PYSEC-1\nmodified: 2021-01-01T00:00:00Z\naffected:\n- package: {name: x, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 2.10\n  versions: [1, '1.0', 1.10]\n";
        let advisory = parse_osv(yaml.as_bytes(), OsvSyntax::Yaml).expect("valid record");
        let events = &advisory.affected[0].ranges[0].events;
        assert_eq!(events[0], RangeEvent::Introduced("0".to_owned()));
        assert_eq!(events[1], RangeEvent::Fixed("2.10".to_owned()));
        assert_eq!(advisory.affected[0].versions, vec!["1", "1.0", "1.10"]);
    }

    #[test]
    fn affected_severity_scores_join_the_record() {
        let json = r#"{"id": "K8S-1", "affected": [{"package": {"name": "kubelet", "ecosystem": "k8s"},
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N"}]}]}"#;
        let advisory = parse_osv(json.as_bytes(), OsvSyntax::Json).expect("valid record");
        assert_eq!(advisory.scores.len(), 1);
        assert_eq!(advisory.scores[0].base_score, Some(4.3));
        assert_eq!(advisory.affected[0].severity, Some(SeverityRating::Medium));
        assert!(advisory.affected[0]
            .severity_source
            .as_deref()
            .is_some_and(|source| source.starts_with("affected.severity: CVSS:3.1/")));
    }

    #[test]
    fn bad_records_name_themselves() {
        let error = parse_osv(br#"{"id": "GO-1", "affected": "nope"}"#, OsvSyntax::Json)
            .expect_err("wrong type");
        assert_eq!(error.id.as_deref(), Some("GO-1"));
        assert!(
            error.message.starts_with("invalid type"),
            "{}",
            error.message
        );

        let error = parse_osv(br#"{"id": "GO-2", "affected": [{"ranges": [{"type": "ECOSYSTEM", "events": [{"other": "1"}]}]}]}"#, OsvSyntax::Json)
            .expect_err("empty event");
        assert_eq!(error.id.as_deref(), Some("GO-2"));
        assert!(error.message.contains("range event"));

        let error = parse_osv(br#"{"summary": "no id"}"#, OsvSyntax::Json).expect_err("no id");
        assert_eq!(error.id, None);

        for garbage in [&b"\xff\xfe\x00"[..], b"[1, 2", b"{\"id\": ", b"- - - :"] {
            assert!(parse_osv(garbage, OsvSyntax::Json).is_err());
            assert!(parse_osv(garbage, OsvSyntax::Yaml).is_err());
        }
    }

    #[test]
    fn severity_words() {
        assert_eq!(rating_from_word("MODERATE"), SeverityRating::Medium);
        assert_eq!(rating_from_word("Important"), SeverityRating::High);
        assert_eq!(rating_from_word("low**"), SeverityRating::Low);
        assert_eq!(rating_from_word("unimportant"), SeverityRating::Negligible);
        assert_eq!(
            rating_from_word("not yet assigned"),
            SeverityRating::Unknown
        );
    }
}
