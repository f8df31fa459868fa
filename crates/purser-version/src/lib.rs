//! Version ordering for each package ecosystem Purser matches advisories against.
//!
//! Each scheme lives in its own module, written from that scheme's authoritative definition:
//!
//! | module | scheme | definition followed |
//! |---|---|---|
//! | [`dpkg`] | Debian, Ubuntu | Debian Policy §5.6.12 and dpkg's `parseversion`/`verrevcmp` |
//! | [`rpm`] | Red Hat, AlmaLinux, Rocky Linux | rpm's `rpmvercmp` over epoch, version, release |
//! | [`apk`] | Alpine | apk-tools 2.x's version tokenizer |
//! | [`semver`] | npm, crates.io, Go | Semantic Versioning 2.0.0 |
//! | [`pep440`] | PyPI | PEP 440 and the PyPA version specification |
//! | [`maven`] | Maven | Maven's `ComparableVersion` |
//! | [`rubygems`] | RubyGems | RubyGems' `Gem::Version` |
//! | [`composer`] | Packagist | PHP's `version_compare`, which Composer uses |
//! | [`nuget`] | NuGet | NuGet's versioning rules and its `VersionComparer` |
//!
//! Every module offers a parsed type implementing [`std::str::FromStr`], [`Ord`] and
//! [`std::fmt::Display`], and a `compare(a, b)` function for one-off comparisons. [`Scheme`] picks
//! the module from an OSV ecosystem name.
//!
//! Schemes that define validity (SemVer, PEP 440, RubyGems, NuGet) reject invalid strings with a
//! [`VersionError`]; dpkg rejects what `dpkg --compare-versions` rejects; rpm, apk, Maven and
//! Composer order any string as their tools do.

#![deny(missing_docs)]

pub mod apk;
pub mod composer;
pub mod dpkg;
mod error;
pub mod maven;
pub mod nuget;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
mod scheme;
pub mod semver;

pub use error::VersionError;
pub use scheme::{ParsedVersion, Scheme};
