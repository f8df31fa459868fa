//! Package URLs of type `deb`: `pkg:deb/<vendor>/<name>@<version>?arch=<arch>`.
//!
//! The `deb` type (<https://github.com/package-url/purl-spec>, `types/deb-definition.json`):
//! the namespace is the vendor (`debian`, `ubuntu`) and "must be lowercased"; the name "must be
//! lowercased"; the version is the binary package's; `arch` is the architecture qualifier.
//! Encoding is the shared one of `purser_plugin_api::purl` (the epoch's `:` is kept, `+`
//! becomes `%2B`).

use purser_plugin_api::PackageUrl;

/// The purl of a Debian binary package. `architecture` is left out when empty.
pub fn deb_purl(vendor: &str, name: &str, version: &str, architecture: &str) -> String {
    PackageUrl::new("deb", &name.to_ascii_lowercase())
        .with_namespace(&vendor.to_ascii_lowercase())
        .with_version(version)
        .with_qualifier("arch", architecture)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_colon_and_plus_are_encoded() {
        assert_eq!(
            deb_purl("debian", "bsdutils", "1:2.38.1-5+deb12u3", "amd64"),
            "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64"
        );
    }

    #[test]
    fn vendor_and_name_are_lowercased_and_odd_bytes_encoded() {
        assert_eq!(
            deb_purl("Ubuntu", "Foo", "1.0 ü/x", ""),
            "pkg:deb/ubuntu/foo@1.0%20%C3%BC%2Fx"
        );
    }
}
