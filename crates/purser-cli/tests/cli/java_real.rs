//! The Java analyzer through the CLI on real Debian bookworm packages: OpenJDK 17's JRE, and
//! the jackson-databind and log4j 2 jars exactly as Debian ships them.
//!
//! The image is the one `cargo xtask java-images` builds (same code, included below), with
//! uncompressed layers. The `.deb` files are downloaded once with `apt-get download` into
//! `target/java-debs`, and the image is built once beside them (`target/java-debs/image`) and
//! reused while the `.deb` files stay the same. Without Debian's archive (or
//! without `apt-get`) the test prints why and passes, unless `CI` is set: there it fails.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use purser_fixtures::Compression;

use crate::support::{code, describe, inventory_json, plugin_dir, JAVA};

#[allow(
    dead_code,
    reason = "shared with xtask, whose command-line entry point the test does not call"
)]
#[path = "../../../../xtask/src/java_images.rs"]
mod java_images;

use java_images::{build_image, ensure_downloaded, DebianJavaPackage, IMAGE_NAME};

/// The built image and the packages in it.
struct DebianJavaImage {
    image: PathBuf,
    packages: Vec<DebianJavaPackage>,
}

/// Downloads and builds the image once per set of `.deb` files, or returns `None` after
/// printing why, when the packages cannot be downloaded outside CI.
fn debian_java_image() -> Option<&'static DebianJavaImage> {
    static BUILT: OnceLock<Option<DebianJavaImage>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cache = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/java-debs");
            let packages = match ensure_downloaded(&cache) {
                Ok(packages) => packages,
                Err(error) if std::env::var_os("CI").is_none() => {
                    eprintln!("skipped: Debian Java packages cannot be downloaded: {error:#}");
                    return None;
                }
                Err(error) => panic!("Debian Java packages cannot be downloaded in CI: {error:#}"),
            };
            let image = cached_image(&cache, &packages);
            Some(DebianJavaImage { image, packages })
        })
        .as_ref()
}

/// The image of `packages` in `cache`, built unless the stamp beside it names the same `.deb`
/// files: unpacking and writing 190 MB takes seconds, reading the cached image does not.
fn cached_image(cache: &Path, packages: &[DebianJavaPackage]) -> PathBuf {
    let image = cache.join("image").join(IMAGE_NAME);
    let stamp_path = cache.join("image").join("debs.txt");
    let stamp: String = packages
        .iter()
        .map(|package| format!("{}\n", package.path.display()))
        .collect();
    if image.exists() && std::fs::read_to_string(&stamp_path).ok().as_ref() == Some(&stamp) {
        return image;
    }

    build_image(packages, &image, Compression::None).expect("image builds");
    std::fs::write(&stamp_path, stamp).expect("image stamp written");
    image
}

/// The upstream version Debian ships for `package`, from its `.deb`.
fn shipped_version<'a>(built: &'a DebianJavaImage, package: &str) -> &'a str {
    built
        .packages
        .iter()
        .find(|candidate| candidate.name == package)
        .unwrap_or_else(|| panic!("{package} was downloaded"))
        .upstream_version()
}

/// The one package of the inventory named `name`.
fn package_named<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let packages = report["packages"].as_array().expect("packages");
    let matching: Vec<&serde_json::Value> = packages
        .iter()
        .filter(|package| package["name"] == name)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "exactly one {name} expected among {packages:#?}"
    );
    matching[0]
}

#[test]
fn debian_jackson_and_log4j_jars_give_their_maven_coordinates() {
    let Some(built) = debian_java_image() else {
        return;
    };
    let plugins = plugin_dir(&[JAVA]);
    let (report, output) = inventory_json(&built.image, plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));

    let jackson_version = shipped_version(built, "libjackson2-databind-java");
    let log4j_version = shipped_version(built, "liblog4j2-java");
    for (group, artifact, version, jar) in [
        (
            "com.fasterxml.jackson.core",
            "jackson-databind",
            jackson_version,
            "jackson-databind.jar",
        ),
        (
            "org.apache.logging.log4j",
            "log4j-core",
            log4j_version,
            "log4j-core.jar",
        ),
        (
            "org.apache.logging.log4j",
            "log4j-api",
            log4j_version,
            "log4j-api.jar",
        ),
    ] {
        let package = package_named(&report, &format!("{group}:{artifact}"));
        assert_eq!(package["ecosystem"], "Maven", "{package:#}");
        assert_eq!(package["version"], version, "{package:#}");
        assert_eq!(
            package["purl"],
            format!("pkg:maven/{group}/{artifact}@{version}"),
        );
        assert_eq!(package["source_path"], format!("usr/share/java/{jar}"));
        assert_eq!(package["metadata"]["evidence"], "pom.properties");
        assert_eq!(package["layer"], 1);
    }
}

#[test]
fn debian_openjdk_is_a_java_runtime_with_its_version() {
    let Some(built) = debian_java_image() else {
        return;
    };
    let plugins = plugin_dir(&[JAVA]);
    let (report, output) = inventory_json(&built.image, plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));

    // Debian's `17.0.21.1+2` is `JAVA_VERSION` 17.0.21.1 plus the build number.
    let shipped = shipped_version(built, "openjdk-17-jre-headless");
    let java_version = shipped
        .split_once('+')
        .map_or(shipped, |(version, _)| version);
    let runtime = package_named(&report, "openjdk");
    assert_eq!(runtime["ecosystem"], "java-runtime", "{runtime:#}");
    assert_eq!(runtime["version"], java_version, "{runtime:#}");
    assert_eq!(
        runtime["source_path"],
        "usr/lib/jvm/java-17-openjdk-amd64/release"
    );
    assert_eq!(runtime["metadata"]["implementor"], "Debian");
    assert_eq!(runtime["layer"], 0);
}
