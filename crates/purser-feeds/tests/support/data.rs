//! Real advisory files, unpacked in memory from the shared data archives.

use std::io::Write;

/// The files of `archive` (relative to the shared data folder) whose path starts with `prefix`,
/// as (path, bytes), sorted by path.
///
/// # Panics
///
/// When the archive cannot be read: these tests need `../shared/data` beside the repository.
fn archive_files(archive: &str, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let path = purser_test_data::shared_data_dir().join(archive);
    let files: Vec<(String, Vec<u8>)> =
        purser_test_data::archive_files(&path, |name| name.starts_with(prefix))
            .into_iter()
            .collect();
    assert!(!files.is_empty(), "{archive} has no files under {prefix}");
    files
}

/// An OSV ecosystem zip, as the OSV bucket serves it, of the first `count` Kubernetes OSV
/// records of `kubernetes-sigs/cve-feed-osv`.
pub fn osv_zip(count: usize) -> Vec<u8> {
    let records = archive_files(
        "advisories/k8s-cve-feed-osv.tar.zst",
        "k8s-cve-feed-osv/vulns/",
    );
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, bytes) in records.iter().take(count) {
        let name = path.rsplit('/').next().expect("file name");
        writer.start_file(name, options).expect("zip entry");
        writer.write_all(bytes).expect("zip entry bytes");
    }
    writer.finish().expect("zip directory").into_inner()
}

/// An Alpine secdb JSON file from the `aquasecurity/vuln-list-update` samples: `311-main.json`
/// or `312-main.json`.
pub fn alpine_secdb(file: &str) -> Vec<u8> {
    let path = format!("vuln-list-update-testdata/alpine/testdata/{file}");
    archive_files("format-samples/vuln-list-update-testdata.tar.zst", &path)
        .into_iter()
        .next()
        .expect("sample present")
        .1
}
