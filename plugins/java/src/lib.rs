//! The `java` analyzer: finds Java libraries in jar, war and ear archives, nested to any depth,
//! and Java runtimes from their `release` file.
//!
//! # What is read
//!
//! Files whose names end in `.jar .war .ear .par .sar .jpi .hpi` (up to [`MAX_ARCHIVE_SIZE`]) are
//! read from memory, never unpacked to disk. Archives inside them (Spring Boot's
//! `BOOT-INF/lib/*.jar`, a war's `WEB-INF/lib/*.jar`) are opened in turn. Files named `release`
//! are read as a JDK/JRE `release` file when they hold `JAVA_VERSION`.
//!
//! # Identity, most trusted first
//!
//! 1. every `META-INF/maven/<groupId>/<artifactId>/pom.properties` (a shaded jar has several:
//!    each gives one package);
//! 2. `pom.xml` in such a directory without a `pom.properties`;
//! 3. `META-INF/MANIFEST.MF`: version from `Implementation-Version`, else the file name's
//!    version, else `Bundle-Version` or `Specification-Version` (OSGi and API versions, which
//!    differ from the Maven one); artifact from the file name (`jrt-fs.jar` gives `jrt-fs`), else
//!    `Implementation-Title`, `Bundle-SymbolicName` or `Specification-Title`; group from
//!    `Implementation-Vendor-Id` only;
//! 4. the file name (`log4j-core-2.14.1.jar`, with classifier and `-SNAPSHOT` forms); also
//!    beside Maven files that all name other libraries (a shaded jar without its own).
//!
//! # Findings
//!
//! Each library is a `Package` of ecosystem `Maven`, named `groupId:artifactId` with purl
//! `pkg:maven/<groupId>/<artifactId>@<version>`. When the evidence names no group (manifest
//! without `Implementation-Vendor-Id`, file name) the name is the artifactId alone and there is
//! no purl. `source_path` is the archive's path in the image, followed for nested archives by
//! `!/` and the path inside the outer one: `app/app.jar!/BOOT-INF/lib/foo.jar`. Metadata:
//! `group_id` (when known), `artifact_id`, `sha1` (of the archive holding the evidence),
//! `evidence` (`pom.properties`, `pom.xml`, `manifest`, `file-name`), `confidence` (`high`,
//! `high`, `medium`, `low`) and `classifier` when the file name has one. Runtimes: see
//! [`parse_jdk_release`].
//!
//! # Problems
//!
//! A corrupt archive, an unreadable entry, a limit hit (nesting depth, entries, inflated bytes:
//! see [`Limits`]) or a Maven file without coordinates gives a `Diagnostic` naming the archive or
//! entry, and the scan goes on. An archive nothing identifies gives an info diagnostic.
//!
//! # Options
//!
//! `{"max_depth": 8, "max_entries": 500000, "max_inflated_bytes": 1073741824}`, all optional.
//!
//! # Limitations
//!
//! - Limitation: the whole central directory of an archive is parsed before the entry limit is
//!   checked; an archive of up to [`MAX_ARCHIVE_SIZE`] bytes of directory costs that much
//!   memory before it is refused.
//! - Limitation: archive names are matched by the engine case-sensitively, so `APP.JAR` in the
//!   image is not read (nested entries are matched case-insensitively).
//! - Limitation: `pom.xml` property references are resolved only from the same file (its
//!   `<properties>`, `project.*` and `project.parent.*`); a reference to a parent pom's property
//!   gives a warning instead of a package.
//! - Limitation: archives larger than [`MAX_ARCHIVE_SIZE`] are not read; the engine reports them
//!   as not looked at.
//! - Limitation: a jar that bundles other libraries' `pom.properties` but not its own
//!   (PySpark's `hadoop-client-runtime-3.3.2.jar`) is itself known only by a versioned file
//!   name, as a low-confidence package without group; renamed to `hadoop-client.jar`, only the
//!   bundled libraries are reported.
//! - Limitation: `Implementation-Vendor-Id` is taken as the groupId even where it names only the
//!   vendor (`org.apache` in `velocity-1.5.jar`, whose Maven group is `org.apache.velocity`).

#![deny(missing_docs)]

mod analyzer;
mod archive;
mod coordinates;
mod entry;
mod file_name;
mod identity;
mod jdk_release;
mod limits;
mod manifest;
mod pom_properties;
mod pom_xml;

#[cfg(test)]
mod tests;

pub use analyzer::{JavaAnalyzer, MAX_ARCHIVE_SIZE, MAX_RELEASE_FILE_SIZE};
pub use archive::{is_archive_name, scan_archive, ARCHIVE_SUFFIXES};
pub use coordinates::{Coordinates, Evidence};
pub use file_name::parse_file_name;
pub use jdk_release::{parse_jdk_release, JAVA_RUNTIME_ECOSYSTEM};
pub use limits::Limits;
pub use manifest::{main_attributes, manifest_coordinates};
pub use pom_properties::parse_pom_properties;
pub use pom_xml::{parse_pom_xml, PomXmlError};

purser_plugin_api::export_analyzer!(JavaAnalyzer);
