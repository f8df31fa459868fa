//! The dependency list `cargo auditable` embeds (<https://github.com/rust-secure-code/cargo-auditable>,
//! format described in its `PARSING.md`): zlib-compressed JSON
//! `{"packages": [{"name", "version", "source", "kind", "dependencies", "root"}], "format": 1}`.

use std::collections::BTreeMap;
use std::io::Read;

use purser_plugin_api::{Finding, Package};
use serde::Deserialize;

use crate::error::AuditDataError;
use crate::packages::{crate_purl, CRATES_IO_ECOSYSTEM};

/// Most bytes the section may inflate to: 8 MiB, the limit `cargo auditable`'s own reader uses
/// (a dependency list of thousands of crates is a few hundred KiB).
pub const MAX_INFLATED_SIZE: u64 = 8 << 20;

/// The decoded dependency list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct VersionInfo {
    /// Every package of the build, the root included.
    pub packages: Vec<AuditedPackage>,
}

/// One package of the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AuditedPackage {
    /// Crate name.
    pub name: String,
    /// Exact version.
    pub version: String,
    /// `crates.io`, `git`, `local`, `registry` or `other`.
    #[serde(default)]
    pub source: String,
    /// `build` for build-time-only dependencies (build scripts, proc macros); absent for
    /// runtime ones.
    #[serde(default)]
    pub kind: Option<String>,
    /// Whether this is the crate the executable was built from.
    #[serde(default)]
    pub root: bool,
}

/// Inflates and decodes the raw `.dep-v0` section, refusing to inflate more than `limit` bytes.
///
/// # Errors
///
/// When the section is not a zlib stream, inflates past `limit`, or is not the expected JSON.
pub fn decode_section(compressed: &[u8], limit: u64) -> Result<VersionInfo, AuditDataError> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(limit.saturating_add(1))
        .read_to_end(&mut json)
        .map_err(|error| AuditDataError::Inflate(error.to_string()))?;
    if json.len() as u64 > limit {
        return Err(AuditDataError::TooLarge { limit });
    }
    serde_json::from_slice(&json).map_err(|error| AuditDataError::Json(error.to_string()))
}

/// The findings for one executable's dependency list: every package, the root one included
/// (as Syft lists it), each marked with its `source`, `kind` (`runtime` or `build`) and, for
/// the root, `root = true`. Only `crates.io` packages get a purl: any other source names a
/// crate that vulnerability data about the crates.io crate of the same name does not describe.
pub fn audit_packages(info: &VersionInfo, source_path: &str) -> Vec<Finding> {
    info.packages
        .iter()
        .map(|audited| {
            let mut metadata = BTreeMap::from([
                ("evidence".to_owned(), "cargo-auditable".to_owned()),
                ("source".to_owned(), audited.source.clone()),
                (
                    "kind".to_owned(),
                    audited.kind.clone().unwrap_or_else(|| "runtime".to_owned()),
                ),
            ]);
            if audited.root {
                metadata.insert("root".to_owned(), "true".to_owned());
            }
            let purl = (audited.source == "crates.io")
                .then(|| crate_purl(&audited.name, &audited.version));
            Finding::Package(Package {
                ecosystem: CRATES_IO_ECOSYSTEM.to_owned(),
                name: audited.name.clone(),
                version: audited.version.clone(),
                purl,
                source_path: source_path.to_owned(),
                metadata,
                ..Package::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// `json` compressed the way `cargo auditable` does.
    fn compress(json: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(json).expect("writes to memory");
        encoder.finish().expect("finishes in memory")
    }

    #[test]
    fn packages_sources_and_kinds() {
        let json = br#"{"packages":[
            {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},
            {"name":"smallvec","version":"1.6.0","source":"crates.io"},
            {"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"},
            {"name":"forked","version":"0.3.0","source":"git"}],"format":1}"#;
        let info = decode_section(&compress(json), MAX_INFLATED_SIZE).expect("decodes");
        let findings = audit_packages(&info, "usr/bin/app");
        let packages: Vec<&Package> = findings
            .iter()
            .filter_map(|finding| match finding {
                Finding::Package(package) => Some(package),
                _ => None,
            })
            .collect();
        assert_eq!(packages.len(), 4);
        assert_eq!(packages[0].metadata["root"], "true");
        assert_eq!(packages[0].purl, None);
        assert_eq!(
            packages[1].purl.as_deref(),
            Some("pkg:cargo/smallvec@1.6.0")
        );
        assert_eq!(packages[1].metadata["kind"], "runtime");
        assert_eq!(packages[2].metadata["kind"], "build");
        assert_eq!(packages[3].metadata["source"], "git");
        assert_eq!(packages[3].purl, None);
    }

    #[test]
    fn a_zip_bomb_is_refused_at_the_limit() {
        let bomb = compress(&vec![b' '; 4 << 20]);
        assert_eq!(
            decode_section(&bomb, 1 << 20),
            Err(AuditDataError::TooLarge { limit: 1 << 20 })
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(
            decode_section(b"not zlib", MAX_INFLATED_SIZE),
            Err(AuditDataError::Inflate(_))
        ));
        assert!(matches!(
            decode_section(&compress(b"{\"packages\": 3}"), MAX_INFLATED_SIZE),
            Err(AuditDataError::Json(_))
        ));
    }
}
