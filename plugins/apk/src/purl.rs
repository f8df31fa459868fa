//! Package URLs of type `apk`: `pkg:apk/<namespace>/<name>@<version>?arch=<arch>`.
//!
//! The `apk` type (<https://github.com/package-url/purl-spec>, `types/apk-definition.json`): the
//! namespace is the distribution (`alpine`, `wolfi`, `chainguard`), lowercased; the name is
//! lowercased; `arch` is the architecture qualifier. Encoding is the shared one of
//! `purser_plugin_api::purl`.

use purser_plugin_api::PackageUrl;

/// The purl of an apk package. `architecture` is left out when empty.
pub fn apk_purl(namespace: &str, name: &str, version: &str, architecture: &str) -> String {
    PackageUrl::new("apk", &name.to_ascii_lowercase())
        .with_namespace(&namespace.to_ascii_lowercase())
        .with_version(version)
        .with_qualifier("arch", architecture)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercased_and_odd_bytes_encoded() {
        assert_eq!(
            apk_purl("alpine", "py3-PyYAML", "6.0.1-r1", "aarch64"),
            "pkg:apk/alpine/py3-pyyaml@6.0.1-r1?arch=aarch64"
        );
        assert_eq!(
            apk_purl("wolfi", "libstdc++", "13.2:0 x", ""),
            "pkg:apk/wolfi/libstdc%2B%2B@13.2:0%20x"
        );
    }
}
