//! From a decoded header to the package finding: version string, purl and metadata.

use std::collections::BTreeMap;

use purser_plugin_api::{Package, PackageUrl};

use crate::header::PackageHeader;

/// The ecosystem of every package this analyzer reports: the package format. Which distribution
/// a package belongs to is settled later with the operating-system finding.
pub const ECOSYSTEM: &str = "rpm";

/// The purl namespace used when the vendor names no known distribution.
pub const DEFAULT_NAMESPACE: &str = "redhat";

/// The package finding of one header read from `source_path`.
pub fn package_finding(header: PackageHeader, source_path: &str) -> Package {
    let version = installed_version(&header);
    let purl = package_url(&header);

    let mut metadata = BTreeMap::new();
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            metadata.insert(key.to_owned(), value.to_owned());
        }
    };
    if let Some(epoch) = header.epoch {
        put("epoch", &epoch.to_string());
    }
    put("version", &header.version);
    put("release", &header.release);
    put("architecture", &header.architecture);
    put("source_rpm", &header.source_rpm);
    put(
        "source_package",
        source_package(&header.source_rpm).unwrap_or_default(),
    );
    put("vendor", &header.vendor);
    put("modularity_label", &header.modularity_label);
    if let Some(size) = header.size {
        put("installed_size", &size.to_string());
    }
    put("files", &header.files.to_string());

    Package {
        ecosystem: ECOSYSTEM.to_owned(),
        name: header.name,
        version,
        purl: Some(purl),
        licenses: if header.license.is_empty() {
            Vec::new()
        } else {
            vec![header.license]
        },
        source_path: source_path.to_owned(),
        metadata,
    }
}

/// `[epoch:]version-release`, as `rpm -q --qf '%{EVR}'` prints it: the epoch appears whenever
/// the header carries one, `0` included, and the release is left out when the header has none.
pub fn installed_version(header: &PackageHeader) -> String {
    let mut version = String::new();
    if let Some(epoch) = header.epoch {
        version.push_str(&epoch.to_string());
        version.push(':');
    }
    version.push_str(&header.version);
    if !header.release.is_empty() {
        version.push('-');
        version.push_str(&header.release);
    }
    version
}

/// `pkg:rpm/<namespace>/<name>@<version>-<release>?arch=<arch>&epoch=<epoch>`.
///
/// The purl `rpm` type (<https://github.com/package-url/purl-spec>, `PURL-TYPES.rst`): the
/// namespace is the vendor, lowercased (see [`vendor_namespace`]); the version is
/// `version-release` without the epoch, which goes in the `epoch` qualifier. An epoch of 0 is
/// left out: rpm compares it equal to no epoch, and Trivy and Syft print it the same way.
pub fn package_url(header: &PackageHeader) -> String {
    let mut version = header.version.clone();
    if !header.release.is_empty() {
        version.push('-');
        version.push_str(&header.release);
    }
    let epoch = header
        .epoch
        .filter(|epoch| *epoch != 0)
        .map(|epoch| epoch.to_string())
        .unwrap_or_default();
    PackageUrl::new("rpm", &header.name)
        .with_namespace(vendor_namespace(&header.vendor))
        .with_version(&version)
        .with_qualifier("arch", &header.architecture)
        .with_qualifier("epoch", &epoch)
        .to_string()
}

/// The purl namespace for a package's `VENDOR`.
///
/// The analyzer sees only the database, not `/etc/os-release`, so the vendor is the one field
/// that names a distribution. Each row matches a word in the vendor strings the distributions
/// really set (`Red Hat, Inc.`, `CentOS`, `Fedora Project`, `openSUSE`, `SUSE LLC
/// <https://www.suse.com/>`, `Amazon Linux`, `AlmaLinux`, `Rocky Enterprise Software
/// Foundation`, `Oracle America`, `Microsoft Corporation`, `VMware, Inc.`); `openSUSE` is tried
/// before `SUSE`. Anything else, and packages without a vendor, get [`DEFAULT_NAMESPACE`]: the
/// RHEL family is by far the most common rpm user. The engine may later correct the namespace
/// from the operating-system finding.
pub fn vendor_namespace(vendor: &str) -> &'static str {
    const VENDORS: &[(&str, &str)] = &[
        ("red hat", "redhat"),
        ("centos", "centos"),
        ("fedora", "fedora"),
        ("opensuse", "opensuse"),
        ("suse", "suse"),
        ("amazon", "amazon"),
        ("almalinux", "almalinux"),
        ("rocky", "rocky"),
        ("oracle", "oracle"),
        // CBL-Mariner and Azure Linux both say `Microsoft Corporation`.
        ("microsoft", "mariner"),
        ("vmware", "photon"),
    ];
    let vendor = vendor.to_ascii_lowercase();
    VENDORS
        .iter()
        .find(|(word, _)| vendor.contains(word))
        .map_or(DEFAULT_NAMESPACE, |(_, namespace)| namespace)
}

/// The source package's name from its file name: `name-version-release.src.rpm` (or
/// `.nosrc.rpm`) gives `name`. `None` when the file name is not of that form.
pub fn source_package(source_rpm: &str) -> Option<&str> {
    let stem = source_rpm
        .strip_suffix(".src.rpm")
        .or_else(|| source_rpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, _release) = stem.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(epoch: Option<u32>, vendor: &str) -> PackageHeader {
        PackageHeader {
            name: "libstdc++".into(),
            epoch,
            version: "11.4.1".into(),
            release: "2.el9".into(),
            architecture: "x86_64".into(),
            source_rpm: "gcc-11.4.1-2.el9.src.rpm".into(),
            license: "GPLv3+".into(),
            vendor: vendor.into(),
            files: 4,
            ..PackageHeader::default()
        }
    }

    #[test]
    fn versions_keep_an_explicit_epoch_even_zero() {
        assert_eq!(installed_version(&header(None, "")), "11.4.1-2.el9");
        assert_eq!(installed_version(&header(Some(0), "")), "0:11.4.1-2.el9");
        assert_eq!(installed_version(&header(Some(3), "")), "3:11.4.1-2.el9");
    }

    #[test]
    fn purls_carry_vendor_arch_and_a_nonzero_epoch() {
        assert_eq!(
            package_url(&header(Some(1), "Red Hat, Inc.")),
            "pkg:rpm/redhat/libstdc%2B%2B@11.4.1-2.el9?arch=x86_64&epoch=1"
        );
        assert_eq!(
            package_url(&header(Some(0), "Rocky Enterprise Software Foundation")),
            "pkg:rpm/rocky/libstdc%2B%2B@11.4.1-2.el9?arch=x86_64"
        );
    }

    #[test]
    fn vendors_map_to_distribution_namespaces() {
        assert_eq!(vendor_namespace("openSUSE"), "opensuse");
        assert_eq!(vendor_namespace("SUSE LLC <https://www.suse.com/>"), "suse");
        assert_eq!(vendor_namespace("Fedora Project"), "fedora");
        assert_eq!(vendor_namespace("Amazon Linux"), "amazon");
        assert_eq!(vendor_namespace("AlmaLinux"), "almalinux");
        assert_eq!(vendor_namespace("CentOS"), "centos");
        assert_eq!(vendor_namespace("Microsoft Corporation"), "mariner");
        assert_eq!(vendor_namespace(""), DEFAULT_NAMESPACE);
        assert_eq!(vendor_namespace("Acme Widgets"), DEFAULT_NAMESPACE);
    }

    #[test]
    fn source_package_names_come_from_the_source_rpm() {
        assert_eq!(source_package("gcc-11.4.1-2.el9.src.rpm"), Some("gcc"));
        assert_eq!(
            source_package("python-setuptools-53.0.0-12.el9.src.rpm"),
            Some("python-setuptools")
        );
        assert_eq!(source_package("kernel-5.14-1.nosrc.rpm"), Some("kernel"));
        assert_eq!(source_package("(none)"), None);
        assert_eq!(source_package("x-1.src.rpm"), None);
    }

    #[test]
    fn a_finding_has_every_metadata_key() {
        let package = package_finding(header(Some(1), "CentOS"), "var/lib/rpm/Packages");
        assert_eq!(package.ecosystem, "rpm");
        assert_eq!(package.version, "1:11.4.1-2.el9");
        assert_eq!(package.licenses, ["GPLv3+"]);
        let keys: Vec<&str> = package.metadata.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "architecture",
                "epoch",
                "files",
                "release",
                "source_package",
                "source_rpm",
                "vendor",
                "version"
            ]
        );
        assert_eq!(package.metadata["source_package"], "gcc");
    }
}
