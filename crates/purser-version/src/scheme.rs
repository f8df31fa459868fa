//! The version schemes and the OSV ecosystems that use each.

use std::cmp::Ordering;
use std::fmt;

use crate::{apk, composer, dpkg, maven, nuget, pep440, rpm, rubygems, semver, VersionError};

/// A version ordering scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Debian package versions (`[epoch:]upstream[-revision]`), see [`crate::dpkg`].
    Dpkg,
    /// RPM versions (`[epoch:]version[-release]`), see [`crate::rpm`].
    Rpm,
    /// Alpine package versions, see [`crate::apk`].
    Apk,
    /// Semantic Versioning 2.0.0 (npm, crates.io, Go), see [`crate::semver`].
    Semver,
    /// Python package versions, see [`crate::pep440`].
    Pep440,
    /// Maven artifact versions, see [`crate::maven`].
    Maven,
    /// RubyGems versions, see [`crate::rubygems`].
    RubyGems,
    /// Packagist (Composer) versions, see [`crate::composer`].
    Composer,
    /// NuGet package versions, see [`crate::nuget`].
    NuGet,
}

impl Scheme {
    /// Orders two version strings under this scheme.
    ///
    /// # Errors
    ///
    /// Returns a [`VersionError`] naming the first string the scheme rejects; see each module for
    /// what it rejects (rpm, apk, Maven and Composer reject nothing).
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        match self {
            Self::Dpkg => dpkg::compare(a, b),
            Self::Rpm => Ok(rpm::compare(a, b)),
            Self::Apk => Ok(apk::compare(a, b)),
            Self::Semver => semver::compare(a, b),
            Self::Pep440 => pep440::compare(a, b),
            Self::Maven => Ok(maven::compare(a, b)),
            Self::RubyGems => rubygems::compare(a, b),
            Self::Composer => Ok(composer::compare(a, b)),
            Self::NuGet => nuget::compare(a, b),
        }
    }

    /// Parses `text` once under this scheme, for comparing one version with many strings by
    /// [`ParsedVersion::compare_with`].
    ///
    /// # Errors
    ///
    /// Returns the [`VersionError`] that [`Scheme::compare`] gives when `text` comes first.
    pub fn parse(self, text: &str) -> Result<ParsedVersion, VersionError> {
        Ok(match self {
            Self::Dpkg => ParsedVersion::Dpkg(text.parse()?),
            Self::Rpm => ParsedVersion::Rpm(text.parse()?),
            Self::Apk => ParsedVersion::Apk(text.parse()?),
            Self::Semver => ParsedVersion::Semver(text.parse()?),
            Self::Pep440 => ParsedVersion::Pep440(text.parse()?),
            Self::Maven => ParsedVersion::Maven(text.parse()?),
            Self::RubyGems => ParsedVersion::RubyGems(text.parse()?),
            Self::Composer => ParsedVersion::Composer(text.parse()?),
            Self::NuGet => ParsedVersion::NuGet(text.parse()?),
        })
    }

    /// The scheme of an OSV ecosystem name, such as `"Debian"`, `"Debian:12"` or `"PyPI"`.
    ///
    /// A suffix after `:` (a release, as in `"Alpine:v3.20"`) is ignored. Returns `None` for an
    /// ecosystem whose scheme this crate does not implement.
    pub fn for_ecosystem(name: &str) -> Option<Scheme> {
        let base = name.split_once(':').map_or(name, |(base, _)| base).trim();

        match base {
            "Debian" | "Ubuntu" => Some(Self::Dpkg),
            "AlmaLinux" | "Rocky Linux" | "Red Hat" => Some(Self::Rpm),
            "Alpine" => Some(Self::Apk),
            "npm" | "crates.io" | "Go" => Some(Self::Semver),
            "PyPI" => Some(Self::Pep440),
            "Maven" => Some(Self::Maven),
            "RubyGems" => Some(Self::RubyGems),
            "Packagist" => Some(Self::Composer),
            "NuGet" => Some(Self::NuGet),
            _ => None,
        }
    }

    /// The scheme's short lowercase name, as used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dpkg => "dpkg",
            Self::Rpm => "rpm",
            Self::Apk => "apk",
            Self::Semver => "semver",
            Self::Pep440 => "pep 440",
            Self::Maven => "maven",
            Self::RubyGems => "rubygems",
            Self::Composer => "composer",
            Self::NuGet => "nuget",
        }
    }
}

/// A version parsed by one [`Scheme`], compared with version strings without parsing itself
/// again: `scheme.parse(a)?.compare_with(b)` answers as `scheme.compare(a, b)` does.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ParsedVersion {
    /// A Debian package version.
    Dpkg(dpkg::DpkgVersion),
    /// An RPM version.
    Rpm(rpm::RpmVersion),
    /// An Alpine package version.
    Apk(apk::ApkVersion),
    /// A Semantic Versioning 2.0.0 version.
    Semver(semver::SemverVersion),
    /// A Python package version.
    Pep440(pep440::Pep440Version),
    /// A Maven artifact version.
    Maven(maven::MavenVersion),
    /// A RubyGems version.
    RubyGems(rubygems::GemVersion),
    /// A Packagist (Composer) version.
    Composer(composer::ComposerVersion),
    /// A NuGet package version.
    NuGet(nuget::NuGetVersion),
}

impl ParsedVersion {
    /// The scheme that parsed this version.
    pub fn scheme(&self) -> Scheme {
        match self {
            Self::Dpkg(_) => Scheme::Dpkg,
            Self::Rpm(_) => Scheme::Rpm,
            Self::Apk(_) => Scheme::Apk,
            Self::Semver(_) => Scheme::Semver,
            Self::Pep440(_) => Scheme::Pep440,
            Self::Maven(_) => Scheme::Maven,
            Self::RubyGems(_) => Scheme::RubyGems,
            Self::Composer(_) => Scheme::Composer,
            Self::NuGet(_) => Scheme::NuGet,
        }
    }

    /// Orders this version against `other` under its scheme, parsing only `other`.
    ///
    /// # Errors
    ///
    /// Returns a [`VersionError`] when the scheme rejects `other`.
    pub fn compare_with(&self, other: &str) -> Result<Ordering, VersionError> {
        match self {
            Self::Dpkg(version) => version.compare_with(other),
            Self::Rpm(version) => Ok(version.compare_with(other)),
            Self::Apk(version) => Ok(version.compare_with(other)),
            Self::Semver(version) => version.compare_with(other),
            Self::Pep440(version) => version.compare_with(other),
            Self::Maven(version) => Ok(version.compare_with(other)),
            Self::RubyGems(version) => version.compare_with(other),
            Self::Composer(version) => Ok(version.compare_with(other)),
            Self::NuGet(version) => version.compare_with(other),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scheme, for the tests that must hold for all of them.
    const EVERY_SCHEME: [Scheme; 9] = [
        Scheme::Dpkg,
        Scheme::Rpm,
        Scheme::Apk,
        Scheme::Semver,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::Composer,
        Scheme::NuGet,
    ];

    #[test]
    fn ecosystems_with_a_release_suffix_map_to_their_base() {
        assert_eq!(Scheme::for_ecosystem("Debian:12"), Some(Scheme::Dpkg));
        assert_eq!(
            Scheme::for_ecosystem("Ubuntu:22.04:LTS"),
            Some(Scheme::Dpkg)
        );
        assert_eq!(Scheme::for_ecosystem("Alpine:v3.20"), Some(Scheme::Apk));
        assert_eq!(Scheme::for_ecosystem("Rocky Linux:9"), Some(Scheme::Rpm));
        assert_eq!(Scheme::for_ecosystem("Red Hat"), Some(Scheme::Rpm));
        assert_eq!(Scheme::for_ecosystem("crates.io"), Some(Scheme::Semver));
        assert_eq!(Scheme::for_ecosystem("PyPI"), Some(Scheme::Pep440));
        assert_eq!(Scheme::for_ecosystem("Maven"), Some(Scheme::Maven));
        assert_eq!(Scheme::for_ecosystem("RubyGems"), Some(Scheme::RubyGems));
        assert_eq!(Scheme::for_ecosystem("Packagist"), Some(Scheme::Composer));
        assert_eq!(Scheme::for_ecosystem("NuGet"), Some(Scheme::NuGet));
    }

    #[test]
    fn no_scheme_panics_on_hostile_strings() {
        let hostile = [
            "",
            " ",
            ":",
            "-",
            "--",
            "~",
            "^",
            "+",
            ".",
            "..",
            "_",
            "!",
            "v",
            "1:",
            ":1",
            "1-",
            "-1",
            "1!",
            "1+",
            "1.0-r",
            "1.0_",
            "1.0-r-",
            "ββ",
            "1.β",
            "é1.0",
            "1.0\u{0}",
            "\u{0}",
            "0000000000000000000000000000000000001",
            "99999999999999999999999999999999",
            "1.0a99999999999999999999999999",
            "1-r99999999999999999999999",
            "a-b-c-d:e:f",
        ];
        for scheme in EVERY_SCHEME {
            for a in hostile {
                for b in hostile {
                    if let (Ok(forward), Ok(backward)) =
                        (scheme.compare(a, b), scheme.compare(b, a))
                    {
                        assert_eq!(forward, backward.reverse(), "{scheme} {a:?} {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_parsed_version_compares_as_the_scheme_does() {
        let versions = [
            "",
            "1",
            "1.0",
            "1.0.0",
            "1.0.0-rc.1",
            "1.0~rc1",
            "1:1.0-1",
            "1.0-1",
            "1.0^git1",
            "1.0a1",
            "1.0.dev1",
            "1.0.post1",
            "1.0+local.7",
            "1.2_rc1",
            "1.2-r3",
            "v1.2.3",
            "1.0.0.0",
            "1.0-SNAPSHOT",
            "1.0.0-beta+build",
            "01.2",
            "1.β",
            "1 0",
            "2.a.3",
        ];
        for scheme in EVERY_SCHEME {
            for a in versions {
                let parsed = scheme.parse(a);
                for b in versions {
                    let expected = scheme.compare(a, b);
                    let found = parsed
                        .as_ref()
                        .map_err(Clone::clone)
                        .and_then(|parsed| parsed.compare_with(b));
                    assert_eq!(found, expected, "{scheme} {a:?} {b:?}");
                }
                if let Ok(parsed) = parsed {
                    assert_eq!(parsed.scheme(), scheme);
                }
            }
        }
    }

    #[test]
    fn unknown_ecosystems_have_no_scheme() {
        assert_eq!(Scheme::for_ecosystem("Hackage"), None);
        assert_eq!(Scheme::for_ecosystem("debian"), None);
        assert_eq!(Scheme::for_ecosystem(""), None);
    }

    #[test]
    fn compare_dispatches_to_the_scheme() {
        assert_eq!(Scheme::Dpkg.compare("1.0~rc1", "1.0"), Ok(Ordering::Less));
        assert_eq!(
            Scheme::Rpm.compare("1.0^git1", "1.0"),
            Ok(Ordering::Greater)
        );
        assert_eq!(Scheme::Apk.compare("1.2_rc1", "1.2"), Ok(Ordering::Less));
        assert_eq!(
            Scheme::Pep440.compare("1.0.dev1", "1.0a1"),
            Ok(Ordering::Less)
        );
        assert!(Scheme::Semver.compare("1.2", "1.2.0").is_err());
    }
}
