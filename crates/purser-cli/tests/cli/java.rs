//! The Java analyzer through the CLI, on an image holding a fat jar built in the test.

use std::io::Write;
use std::path::{Path, PathBuf};

use purser_fixtures::{
    write_oci_layout, HistoryEntry, ImageSpec, Layer, OciLayoutOptions, Platform,
};

use crate::support::{code, describe, inventory_json, plugin_dir, JAVA};

/// A zip archive of `(name, contents)` entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, contents) in entries {
        writer.start_file(*name, options).expect("entry");
        writer.write_all(contents).expect("contents");
    }
    writer.finish().expect("archive").into_inner()
}

/// An image whose second layer adds `app/app.jar`, a Spring-Boot-style jar holding log4j-core
/// (identified by its pom.properties) and a jar known only by its file name.
fn image_with_fat_jar(directory: &Path) -> PathBuf {
    let log4j = zip_of(&[(
        "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
        b"groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n",
    )]);
    let unnamed = zip_of(&[("com/example/Util.class", b"\xca\xfe\xba\xbe")]);
    let application = zip_of(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.JarLauncher\r\n",
        ),
        ("BOOT-INF/lib/log4j-core-2.14.1.jar", &log4j),
        ("BOOT-INF/lib/commons-lang-2.6.jar", &unnamed),
    ]);
    let mut spec = ImageSpec::new("purser-tests/java:1", Platform::linux_amd64());
    spec.layers
        .push(Layer::new().file("etc/hostname", 0o644, "java\n"));
    spec.history.push(HistoryEntry::layer("base"));
    spec.layers
        .push(Layer::new().file("app/app.jar", 0o644, application));
    spec.history.push(HistoryEntry::layer("COPY app.jar /app/"));
    let out = directory.join("java.oci");
    write_oci_layout(
        std::slice::from_ref(&spec),
        &out,
        OciLayoutOptions::default(),
    )
    .expect("image");
    out
}

#[test]
fn libraries_inside_a_fat_jar_are_found_with_their_nested_paths() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let image = image_with_fat_jar(directory.path());
    let plugins = plugin_dir(&[JAVA]);
    let (report, output) = inventory_json(&image, plugins.path());
    assert_eq!(code(&output), 0, "{}", describe(&output));

    let packages = report["packages"].as_array().expect("packages");
    let log4j = packages
        .iter()
        .find(|package| package["name"] == "org.apache.logging.log4j:log4j-core")
        .unwrap_or_else(|| panic!("log4j-core found: {packages:?}"));
    assert_eq!(log4j["version"], "2.14.1");
    assert_eq!(
        log4j["purl"],
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    );
    assert_eq!(
        log4j["source_path"],
        "app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar"
    );
    assert_eq!(log4j["metadata"]["evidence"], "pom.properties");
    assert_eq!(log4j["layer"], 1);

    let guessed = packages
        .iter()
        .find(|package| package["version"] == "2.6")
        .unwrap_or_else(|| panic!("commons-lang from its file name: {packages:?}"));
    assert_eq!(guessed["metadata"]["evidence"], "file-name");
    assert_eq!(guessed["metadata"]["confidence"], "low");
}
