//! Identity guessed from an archive's file name (`log4j-core-2.14.1.jar`).

use crate::coordinates::{Coordinates, Evidence};

/// Version qualifiers that follow a dash but belong to the version, not to a classifier
/// (`1.0-SNAPSHOT`, `2.0-RC1`, `31.1-jre`), compared case-insensitively by prefix.
const VERSION_QUALIFIERS: &[&str] = &[
    "snapshot", "rc", "m", "alpha", "beta", "final", "ga", "release", "jre", "android", "cr", "sp",
];

/// Reads `artifact-version[-classifier].ext` from the last component of `path`.
///
/// The version starts at the first dash-separated part that begins with a digit; following parts
/// stay in the version while they begin with a digit (a snapshot timestamp) or a known qualifier
/// (`SNAPSHOT`, `RC1`, `M2`, `alpha`, `beta`, `Final`, `GA`, `RELEASE`, `jre`, `android`, `CR`,
/// `SP`); the rest is the classifier. Returns `None` when no part looks like
/// a version.
pub fn parse_file_name(path: &str) -> Option<Coordinates> {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let parts: Vec<&str> = stem.split('-').collect();

    let version_start = parts
        .iter()
        .position(|part| part.starts_with(|c: char| c.is_ascii_digit()))
        .filter(|&index| index > 0)?;
    let version_end = parts[version_start + 1..]
        .iter()
        .position(|part| !belongs_to_version(part))
        .map_or(parts.len(), |offset| version_start + 1 + offset);

    let classifier = parts[version_end..].join("-");
    Some(Coordinates {
        group_id: None,
        artifact_id: parts[..version_start].join("-"),
        version: parts[version_start..version_end].join("-"),
        classifier: (!classifier.is_empty()).then_some(classifier),
        evidence: Evidence::FileName,
    })
}

/// Whether a dash-separated part after the first version part still belongs to the version.
fn belongs_to_version(part: &str) -> bool {
    if part.starts_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    let lower = part.to_ascii_lowercase();
    VERSION_QUALIFIERS.iter().any(|qualifier| {
        lower
            .strip_prefix(qualifier)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str) -> (String, String, Option<String>) {
        let coordinates = parse_file_name(name).expect("a versioned name");
        (
            coordinates.artifact_id,
            coordinates.version,
            coordinates.classifier,
        )
    }

    #[test]
    fn plain_names_split_at_the_version() {
        assert_eq!(
            parse("usr/share/java/log4j-core-2.14.1.jar"),
            ("log4j-core".into(), "2.14.1".into(), None)
        );
    }

    #[test]
    fn snapshots_and_qualifiers_stay_in_the_version() {
        assert_eq!(parse("app-1.0-SNAPSHOT.jar").1, "1.0-SNAPSHOT");
        assert_eq!(parse("guava-31.1-jre.jar").1, "31.1-jre");
        assert_eq!(parse("lib-2.0-RC1.war").1, "2.0-RC1");
        assert_eq!(
            parse("lib-1.0-20240102.030405-7.jar").1,
            "1.0-20240102.030405-7"
        );
    }

    #[test]
    fn classifiers_are_split_off() {
        assert_eq!(
            parse("netty-transport-native-epoll-4.1.100.Final-linux-x86_64.jar"),
            (
                "netty-transport-native-epoll".into(),
                "4.1.100.Final".into(),
                Some("linux-x86_64".into())
            )
        );
        assert_eq!(
            parse("foo-1.2-SNAPSHOT-sources.jar").2,
            Some("sources".into())
        );
    }

    #[test]
    fn names_without_a_version_give_nothing() {
        assert_eq!(parse_file_name("commons-io.jar"), None);
        assert_eq!(parse_file_name("1.0.jar"), None);
        assert_eq!(parse_file_name(""), None);
    }
}
