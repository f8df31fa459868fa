//! What every Rust package shares: its ecosystem and purl
//! (<https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst#cargo>).

use purser_plugin_api::PackageUrl;

/// The ecosystem of every package this analyzer reports, in OSV's spelling.
pub const CRATES_IO_ECOSYSTEM: &str = "crates.io";

/// `pkg:cargo/<name>@<version>`.
pub fn crate_purl(name: &str, version: &str) -> String {
    PackageUrl::new("cargo", name)
        .with_version(version)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_encode_build_metadata() {
        assert_eq!(crate_purl("serde", "1.0.195"), "pkg:cargo/serde@1.0.195");
        assert_eq!(crate_purl("x", "0.1.0+1.2"), "pkg:cargo/x@0.1.0%2B1.2");
    }
}
