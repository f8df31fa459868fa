//! Scenario tests: executables built here byte by byte (so every format variant and every lie
//! can be made), the real Go executable `/usr/bin/skopeo` (installed by
//! `scripts/install-test-tools`), the peers' `go.mod` fixtures in `testdata/`, and the exported
//! table driven through `purser-plugin-harness`.

mod formats;

use purser_plugin_api::{Analyzer, DiagnosticLevel, FileInput, Finding, LayerContext, Package};
use purser_plugin_harness::Plugin;

use crate::{analyze_executable, purser_analyzer_entry, GoAnalyzer, BUILD_INFO_MAGIC};

/// The virtual address the test executables are loaded at.
const BASE_ADDRESS: u64 = 0x40_0000;

/// A little-endian ELF64 executable with one read-write `PT_LOAD` segment mapping the whole
/// file at [`BASE_ADDRESS`], and the given sections (plus `.shstrtab`), each 16-byte aligned.
fn elf(sections: &[(&str, &[u8])]) -> Vec<u8> {
    const HEADER: usize = 64;
    const PROGRAM_HEADER: usize = 56;
    const SECTION_HEADER: usize = 64;

    let mut names = vec![0u8];
    let mut name_offsets = Vec::new();
    for (name, _) in sections.iter().chain([&(".shstrtab", &[][..])]) {
        name_offsets.push(names.len() as u32);
        names.extend_from_slice(name.as_bytes());
        names.push(0);
    }

    let mut file = vec![0u8; HEADER + PROGRAM_HEADER];
    let mut placed = Vec::new();
    for (_, data) in sections.iter().chain([&("", names.as_slice())]) {
        file.resize(file.len().next_multiple_of(16), 0);
        placed.push((file.len() as u64, data.len() as u64));
        file.extend_from_slice(data);
    }
    file.resize(file.len().next_multiple_of(8), 0);
    let section_table = file.len() as u64;

    file.extend_from_slice(&[0u8; SECTION_HEADER]);
    for (index, (offset, size)) in placed.iter().enumerate() {
        let mut header = [0u8; SECTION_HEADER];
        header[0..4].copy_from_slice(&name_offsets[index].to_le_bytes());
        let is_names = index == placed.len() - 1;
        header[4..8].copy_from_slice(&(if is_names { 3u32 } else { 1 }).to_le_bytes());
        header[16..24]
            .copy_from_slice(&(if is_names { 0 } else { BASE_ADDRESS + offset }).to_le_bytes());
        header[24..32].copy_from_slice(&offset.to_le_bytes());
        header[32..40].copy_from_slice(&size.to_le_bytes());
        header[48..56].copy_from_slice(&1u64.to_le_bytes());
        file.extend_from_slice(&header);
    }
    let length = file.len() as u64;

    let header = &mut file[..HEADER];
    header[..4].copy_from_slice(b"\x7fELF");
    header[4] = 2; // 64-bit
    header[5] = 1; // little-endian
    header[6] = 1; // version
    header[16..18].copy_from_slice(&2u16.to_le_bytes()); // executable
    header[18..20].copy_from_slice(&62u16.to_le_bytes()); // x86-64
    header[20..24].copy_from_slice(&1u32.to_le_bytes());
    header[32..40].copy_from_slice(&(HEADER as u64).to_le_bytes());
    header[40..48].copy_from_slice(&section_table.to_le_bytes());
    header[52..54].copy_from_slice(&(HEADER as u16).to_le_bytes());
    header[54..56].copy_from_slice(&(PROGRAM_HEADER as u16).to_le_bytes());
    header[56..58].copy_from_slice(&1u16.to_le_bytes());
    header[58..60].copy_from_slice(&(SECTION_HEADER as u16).to_le_bytes());
    header[60..62].copy_from_slice(&(placed.len() as u16 + 1).to_le_bytes());
    header[62..64].copy_from_slice(&(placed.len() as u16).to_le_bytes());

    let segment = &mut file[HEADER..HEADER + PROGRAM_HEADER];
    segment[0..4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    segment[4..8].copy_from_slice(&6u32.to_le_bytes()); // PF_R | PF_W
    segment[16..24].copy_from_slice(&BASE_ADDRESS.to_le_bytes());
    segment[24..32].copy_from_slice(&BASE_ADDRESS.to_le_bytes());
    segment[32..40].copy_from_slice(&length.to_le_bytes());
    segment[40..48].copy_from_slice(&length.to_le_bytes());
    file
}

/// Overwrites a little-endian u64 field of the section header of section `index` (1-based).
fn patch_section_header(file: &mut [u8], index: usize, field: usize, value: u64) {
    let table = u64::from_le_bytes(file[40..48].try_into().expect("8 bytes")) as usize;
    let at = table + 64 * index + field;
    file[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

/// Module information framed by the `go` command's 16-byte sentinels.
fn framed(module_info: &str) -> Vec<u8> {
    [&[0x30u8; 16][..], module_info.as_bytes(), &[0xf9u8; 16][..]].concat()
}

/// An unsigned LEB128 number.
fn uvarint(mut value: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    while value >= 0x80 {
        bytes.push((value as u8) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
    bytes
}

/// A Go 1.18+ build-info blob: header with flag bit 2, then the two strings inline.
fn inline_blob(go_version: &str, module_info: &[u8]) -> Vec<u8> {
    let mut blob = BUILD_INFO_MAGIC.to_vec();
    blob.extend_from_slice(&[8, 2]);
    blob.resize(32, 0);
    blob.extend(uvarint(go_version.len() as u64));
    blob.extend_from_slice(go_version.as_bytes());
    blob.extend(uvarint(module_info.len() as u64));
    blob.extend_from_slice(module_info);
    blob
}

const MODULE_INFO: &str = "path\texample.com/app/cmd/app\n\
    mod\texample.com/app\t(devel)\t\n\
    dep\tgithub.com/BurntSushi/toml\tv1.3.2\th1:toml=\n\
    dep\tgolang.org/x/net\tv0.1.0\th1:net=\n\
    =>\tgithub.com/fork/net\tv0.2.0\th1:fork=\n\
    build\t-ldflags=\"-s -w\"\n\
    build\tGOOS=linux\n\
    build\tGOARCH=amd64\n\
    build\tvcs.revision=0123abcd\n";

/// A file input for `contents` at `path`.
fn input<'a>(path: &'a str, contents: &'a [u8]) -> FileInput<'a> {
    FileInput {
        path,
        size: contents.len() as u64,
        mode: 0o755,
        contents,
        truncated: false,
    }
}

/// The findings of the exported table for the given files, in one layer.
fn scan(files: &[FileInput<'_>]) -> Vec<Finding> {
    let plugin = Plugin::from_entry(purser_analyzer_entry).expect("header accepted");
    let instance = plugin.create(&serde_json::Value::Null).expect("instance");
    let mut session = instance
        .start_layer(&LayerContext::default())
        .expect("session");
    let mut findings = session.analyze_files(files).expect("analyzed");
    findings.extend(session.finish().expect("finished"));
    findings
}

/// The findings of the executable reader alone.
fn findings_of(contents: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    analyze_executable(&input("usr/bin/app", contents), &mut findings);
    findings
}

/// `(name, version)` of the packages among `findings`.
fn names(findings: &[Finding]) -> Vec<(String, String)> {
    packages(findings)
        .map(|package| (package.name.clone(), package.version.clone()))
        .collect()
}

/// The packages among `findings`.
fn packages(findings: &[Finding]) -> impl Iterator<Item = &Package> {
    findings.iter().filter_map(|finding| match finding {
        Finding::Package(package) => Some(package),
        _ => None,
    })
}

/// The one diagnostic among `findings`, as `(level, message)`.
fn only_diagnostic(findings: &[Finding]) -> (DiagnosticLevel, String) {
    let diagnostics: Vec<_> = findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Diagnostic(diagnostic) => Some((diagnostic.level, diagnostic.message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(diagnostics.len(), 1, "{findings:?}");
    diagnostics[0].clone()
}

fn pair(name: &str, version: &str) -> (String, String) {
    (name.to_owned(), version.to_owned())
}

#[test]
fn inline_build_info_through_the_exported_table() {
    let blob = inline_blob("go1.21.5 X:boringcrypto", &framed(MODULE_INFO));
    let binary = elf(&[(".text", &[0x90; 64]), (".go.buildinfo", &blob)]);
    let findings = scan(&[input("usr/bin/app", &binary)]);

    assert_eq!(
        names(&findings),
        [
            pair("example.com/app", "(devel)"),
            pair("github.com/BurntSushi/toml", "v1.3.2"),
            pair("github.com/fork/net", "v0.2.0"),
            pair("stdlib", "1.21.5"),
        ]
    );
    let all: Vec<&Package> = packages(&findings).collect();
    assert_eq!(all[0].purl.as_deref(), Some("pkg:golang/example.com/app"));
    assert_eq!(all[0].metadata["devel_version"], "true");
    assert_eq!(all[0].metadata["build.-ldflags"], "-s -w");
    assert_eq!(all[0].metadata["build.vcs.revision"], "0123abcd");
    assert_eq!(all[0].metadata["build.GOARCH"], "amd64");
    assert_eq!(
        all[1].purl.as_deref(),
        Some("pkg:golang/github.com/BurntSushi/toml@v1.3.2")
    );
    assert_eq!(all[2].metadata["replaces"], "golang.org/x/net@v0.1.0");
    assert_eq!(all[3].purl.as_deref(), Some("pkg:golang/stdlib@1.21.5"));
    assert_eq!(all[3].metadata["toolchain"], "go1.21.5 X:boringcrypto");
    assert!(all
        .iter()
        .all(|package| package.ecosystem == "Go" && package.source_path == "usr/bin/app"));
}

#[test]
fn pointer_build_info_of_go_before_1_18() {
    // `.data` holds the two Go string headers and their bytes; the blob points at the headers.
    let module_info = framed("path\texample.com/old\nmod\texample.com/old\tv1.0.0\t\n");
    let version = b"go1.16.15";
    let data_offset_in_file = {
        // Where `.data` lands: after the ELF and program headers, 16-byte aligned, first.
        (64 + 56u64).next_multiple_of(16)
    };
    let data_address = BASE_ADDRESS + data_offset_in_file;
    let mut data = vec![0u8; 32];
    let version_address = data_address + 32;
    data.extend_from_slice(version);
    let module_address = data_address + data.len() as u64;
    data.extend_from_slice(&module_info);
    data[0..8].copy_from_slice(&version_address.to_le_bytes());
    data[8..16].copy_from_slice(&(version.len() as u64).to_le_bytes());
    data[16..24].copy_from_slice(&module_address.to_le_bytes());
    data[24..32].copy_from_slice(&(module_info.len() as u64).to_le_bytes());

    let mut blob = BUILD_INFO_MAGIC.to_vec();
    blob.extend_from_slice(&[8, 0]);
    blob.extend_from_slice(&data_address.to_le_bytes());
    blob.extend_from_slice(&(data_address + 16).to_le_bytes());
    let binary = elf(&[(".data", &data), (".go.buildinfo", &blob)]);

    let findings = findings_of(&binary);
    assert_eq!(
        names(&findings),
        [pair("example.com/old", "v1.0.0"), pair("stdlib", "1.16.15")]
    );

    // The same blob pointing at an address no segment maps.
    let mut lying = blob.clone();
    lying[16..24].copy_from_slice(&0xdead_0000u64.to_le_bytes());
    let binary = elf(&[(".data", &data), (".go.buildinfo", &lying)]);
    let (level, message) = only_diagnostic(&findings_of(&binary));
    assert_eq!(level, DiagnosticLevel::Warning);
    assert!(message.contains("address 0xdead0000"), "{message}");

    // A module string header claiming 1 GiB is refused before anything is read, and one
    // claiming 1 MiB, more than the file holds, names the read that failed.
    for (claimed, expected) in [
        (
            1u64 << 30,
            "points at a module information of 1073741824 bytes, over the 16777216 bytes any Go \
             executable holds",
        ),
        (1 << 20, "points at 1048576 bytes at address"),
    ] {
        let mut lying = data.clone();
        lying[24..32].copy_from_slice(&claimed.to_le_bytes());
        let binary = elf(&[(".data", &lying), (".go.buildinfo", &blob)]);
        let (_, message) = only_diagnostic(&findings_of(&binary));
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn stripped_section_headers_fall_back_to_the_writable_segment() {
    let blob = inline_blob("go1.22.0", &framed(MODULE_INFO));
    let mut binary = elf(&[(".go.buildinfo", &blob)]);
    // No section header table at all, as `sstrip` leaves a file.
    binary[40..48].copy_from_slice(&0u64.to_le_bytes());
    binary[60..64].copy_from_slice(&[0; 4]);
    let findings = findings_of(&binary);
    assert_eq!(names(&findings).last(), Some(&pair("stdlib", "1.22.0")));
    assert_eq!(names(&findings).len(), 4);
}

#[test]
fn hostile_lengths_offsets_and_truncation_give_warnings() {
    // A version string claiming 4 GiB.
    let mut blob = BUILD_INFO_MAGIC.to_vec();
    blob.extend_from_slice(&[8, 2]);
    blob.resize(32, 0);
    blob.extend(uvarint(u64::from(u32::MAX)));
    blob.extend_from_slice(b"go1.21.0");
    let binary = elf(&[(".go.buildinfo", &blob)]);
    let (level, message) = only_diagnostic(&findings_of(&binary));
    assert_eq!(level, DiagnosticLevel::Warning);
    assert!(
        message.ends_with(
            "the build information's Go version claims 4294967295 bytes but only 8 bytes are \
             left in section .go.buildinfo"
        ),
        "{message}"
    );

    // A section whose offset lies beyond the end of the file.
    let good = inline_blob("go1.21.0", &framed(MODULE_INFO));
    let mut binary = elf(&[(".go.buildinfo", &good)]);
    patch_section_header(&mut binary, 1, 24, 1 << 40);
    let (_, message) = only_diagnostic(&findings_of(&binary));
    assert!(
        message.contains("section .go.buildinfo lies outside the file"),
        "{message}"
    );

    // An impossible pointer size.
    let mut blob = good.clone();
    blob[14] = 3;
    blob[15] = 0;
    let (_, message) = only_diagnostic(&findings_of(&elf(&[(".go.buildinfo", &blob)])));
    assert!(message.contains("pointer size of 3"), "{message}");

    // Truncated anywhere: never a panic, and a warning once the headers are cut.
    let binary = elf(&[(".go.buildinfo", &good)]);
    for length in 0..binary.len() {
        let findings = findings_of(&binary[..length]);
        assert!(packages(&findings).count() <= 4);
    }
    let (_, message) = only_diagnostic(&findings_of(&binary[..40]));
    assert!(
        message.starts_with("not analyzed as a Go executable: unreadable ELF headers"),
        "{message}"
    );
}

#[test]
fn build_info_lengths_that_lie_inside_the_file_name_the_claim_and_the_section() {
    // The module information claims 300 bytes more than `.go.buildinfo` holds. The file goes on
    // with a `.data` section of valid-looking module information, which must not be read as
    // the rest of the string: the claim is checked against the section, not the file.
    let version = "go1.22.0";
    let module_info = framed(MODULE_INFO);
    let mut blob = inline_blob(version, &module_info);
    let prefix_at = 32 + 1 + version.len();
    let honest = uvarint(module_info.len() as u64).len();
    let lie = uvarint(module_info.len() as u64 + 300);
    blob.splice(prefix_at..prefix_at + honest, lie);
    let binary = elf(&[(".go.buildinfo", &blob), (".data", &module_info.repeat(8))]);
    assert!(
        binary.len() > blob.len() + 300,
        "the file holds the claimed bytes"
    );
    let (level, message) = only_diagnostic(&findings_of(&binary));
    assert_eq!(level, DiagnosticLevel::Warning);
    assert_eq!(
        message,
        format!(
            "Go build information not read: the build information's module information claims \
             {} bytes but only {} bytes are left in section .go.buildinfo",
            module_info.len() + 300,
            module_info.len()
        )
    );

    // The largest length a varint can say: no allocation, the same precise warning.
    let mut huge = inline_blob(version, b"");
    huge.truncate(prefix_at);
    huge.extend(uvarint(u64::MAX));
    huge.extend_from_slice(&module_info);
    let (_, message) = only_diagnostic(&findings_of(&elf(&[(".go.buildinfo", &huge)])));
    assert!(
        message.contains("module information claims 18446744073709551615 bytes but only"),
        "{message}"
    );

    // A length prefix longer than 64 bits.
    let mut overlong = inline_blob(version, b"");
    overlong.truncate(32);
    overlong.extend_from_slice(&[0xff; 11]);
    let (_, message) = only_diagnostic(&findings_of(&elf(&[(".go.buildinfo", &overlong)])));
    assert!(
        message.ends_with("malformed varint length for its Go version"),
        "{message}"
    );

    // A section header whose size runs past the end of the file.
    let good = inline_blob(version, &module_info);
    let mut binary = elf(&[(".go.buildinfo", &good)]);
    patch_section_header(&mut binary, 1, 32, 1 << 40);
    let (_, message) = only_diagnostic(&findings_of(&binary));
    assert!(
        message.contains("section .go.buildinfo lies outside the file"),
        "{message}"
    );
}

#[test]
fn module_information_longer_than_the_search_window_is_read_whole() {
    // Programs with a thousand dependencies carry over 64 KiB of module information; only the
    // search for the magic is bounded, not the strings after it.
    let mut module_info = String::from("path\texample.com/big\nmod\texample.com/big\t(devel)\t\n");
    for index in 0..1500 {
        module_info.push_str(&format!(
            "dep\texample.com/dependency/number-{index:04}\tv1.{index}.0\th1:abcdefghijklmnopqrstuvwxyz=\n"
        ));
    }
    assert!(module_info.len() > crate::DATA_SEARCH_WINDOW);
    let binary = elf(&[(
        ".go.buildinfo",
        &inline_blob("go1.22.0", &framed(&module_info)),
    )]);
    let findings = findings_of(&binary);
    assert_eq!(
        names(&findings).len(),
        1 + 1500 + 1,
        "{:?}",
        findings.last()
    );
    assert_eq!(
        names(&findings)[1500],
        pair("example.com/dependency/number-1499", "v1.1499.0")
    );
}

#[test]
fn only_go_executables_without_build_info_are_mentioned() {
    let go_without_info = elf(&[(".note.go.buildid", b"\x04\0\0\0"), (".text", &[0x90; 16])]);
    let (level, message) = only_diagnostic(&findings_of(&go_without_info));
    assert_eq!(level, DiagnosticLevel::Info);
    assert!(message.starts_with("no Go build information"), "{message}");

    let c_binary = elf(&[(".text", &[0x90; 16]), (".data", &[0; 64])]);
    assert!(findings_of(&c_binary).is_empty());
    assert!(findings_of(b"#!/bin/sh\necho hello\n").is_empty());
    assert!(findings_of(b"").is_empty());
}

#[test]
fn real_skopeo_from_debian() {
    let path = "/usr/bin/skopeo";
    let contents = std::fs::read(path)
        .unwrap_or_else(|error| panic!("{path}: {error}; run scripts/install-test-tools"));
    let findings = scan(&[input("usr/bin/skopeo", &contents)]);

    // Debian builds skopeo in GOPATH mode: no main module and no dependencies are recorded,
    // only the toolchain (`go version -m /usr/bin/skopeo` agrees).
    let all: Vec<&Package> = packages(&findings).collect();
    assert_eq!(all.len(), 1, "{findings:?}");
    assert_eq!(all[0].name, "stdlib");
    assert!(all[0].version.starts_with("1."), "{}", all[0].version);
    assert_eq!(
        all[0].purl,
        Some(format!("pkg:golang/stdlib@{}", all[0].version))
    );
    assert_eq!(all[0].metadata["build.GOOS"], "linux");
    assert_eq!(
        all[0].metadata["main_package"],
        "github.com/containers/skopeo/cmd/skopeo"
    );
}

#[test]
fn go_mod_fixtures_of_the_peers() {
    assert_eq!(
        names(&go_mod_findings("trivy-replaced.mod")),
        [
            pair(
                "github.com/aquasecurity/go-dep-parser",
                "v0.0.0-20220406074731-71021a481237"
            ),
            pair("golang.org/x/xerrors", "v0.0.0-20200804184101-5ec99f83aff1"),
        ]
    );
    let normal = go_mod_findings("trivy-normal.mod");
    assert_eq!(normal.len(), 5);
    let indirect: Vec<bool> = packages(&normal)
        .map(|package| package.metadata.contains_key("indirect"))
        .collect();
    assert_eq!(indirect, [false, true, true, true, true]);

    assert_eq!(
        names(&go_mod_findings("scalibr-replace-mixed.mod")),
        [
            pair("example.com/fork/net", "v1.4.5"),
            pair("golang.org/x/net", "v0.5.6")
        ]
    );
    let relative = go_mod_findings("syft-relative-replace.mod");
    let relative: Vec<&Package> = packages(&relative).collect();
    assert_eq!(relative[0].name, "github.com/aws/aws-sdk-go-v2");
    assert_eq!(relative[0].metadata["replaced_by_path"], "../../../");

    let many = go_mod_findings("syft-many-packages.mod");
    assert_eq!(
        names(&many),
        [
            pair("github.com/adrg/xdg", "v0.2.1"),
            pair(
                "github.com/anchore/go-testutils",
                "v0.0.0-20200624184116-66aa578126db"
            ),
            pair(
                "github.com/anchore/go-version",
                "v1.2.2-0.20200701162849-18adb9c92b9b"
            ),
            pair(
                "github.com/anchore/stereoscope",
                "v0.0.0-20200706164556-7cf39d7f4639"
            ),
            pair("github.com/anchore/archiver/v3", "v3.5.2"),
            pair("github.com/bmatcuk/doublestar", "v8.8.8"),
            pair("github.com/go-test/deep", "v1.0.6"),
        ]
    );
    assert_eq!(
        names(&go_mod_findings("scalibr-indirect-packages.mod")).len(),
        5
    );
}

/// The findings for `testdata/<name>` read as a `go.mod`.
fn go_mod_findings(name: &str) -> Vec<Finding> {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    let contents = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let mut file = input("src/go.mod", &contents);
    file.mode = 0o644;
    let mut findings = Vec::new();
    GoAnalyzer
        .analyze_file(&mut (), &file, &mut findings)
        .expect("never fails");
    findings
}

/// `path@version`, with ` indirect` or ` replaces <old>` or ` at <directory>` as the metadata
/// says, of every package.
fn described(findings: &[Finding]) -> Vec<String> {
    packages(findings)
        .map(|package| {
            let mut text = format!("{}@{}", package.name, package.version);
            if package.metadata.contains_key("indirect") {
                text.push_str(" indirect");
            }
            if let Some(old) = package.metadata.get("replaces") {
                text.push_str(&format!(" replaces {old}"));
            }
            if let Some(directory) = package.metadata.get("replaced_by_path") {
                text.push_str(&format!(" at {directory}"));
            }
            text
        })
        .collect()
}

#[test]
fn scalibr_go_mod_fixtures_give_what_their_directives_say() {
    let toml = "github.com/BurntSushi/toml@v1.0.0";
    for (file, expected) in [
        ("scalibr-empty.mod", &[][..]),
        ("scalibr-one-package.mod", &[toml][..]),
        (
            "scalibr-two-packages.mod",
            &[toml, "gopkg.in/yaml.v2@v2.4.0"],
        ),
        (
            "scalibr-indirect-1.16.mod",
            &["github.com/sirupsen/logrus@v1.9.3"],
        ),
        (
            "scalibr-indirect-1.23.mod",
            &[
                "github.com/sirupsen/logrus@v1.9.3",
                "golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8 indirect",
            ],
        ),
        // Each required version replaced by its own fork version.
        (
            "scalibr-replace-different.mod",
            &[
                "example.com/fork/foe@v1.4.5 replaces golang.org/x/net@v1.2.3",
                "example.com/fork/foe@v1.4.2 replaces golang.org/x/net@v0.5.6",
            ],
        ),
        (
            "scalibr-replace-local.mod",
            &["golang.org/x/net@v1.2.3 at ./fork/net", toml],
        ),
        // A replacement without a version applies to every required version.
        (
            "scalibr-replace-no-version.mod",
            &[
                "example.com/fork/net@v1.4.5 replaces golang.org/x/net@v1.2.3",
                "example.com/fork/net@v1.4.5 replaces golang.org/x/net@v0.5.6",
            ],
        ),
        // A replacement of a version nothing requires changes nothing.
        (
            "scalibr-replace-not-required.mod",
            &["golang.org/x/net@v0.5.6", toml],
        ),
        (
            "scalibr-replace-one.mod",
            &["example.com/fork/net@v1.4.5 replaces golang.org/x/net@v1.2.3"],
        ),
        // The `go` and `toolchain` directives name no installed package.
        ("scalibr-toolchain.mod", &[toml]),
        ("scalibr-toolchain-with-suffix.mod", &[toml]),
    ] {
        let findings = go_mod_findings(file);
        assert_eq!(described(&findings), expected, "{file}");
        assert_eq!(
            packages(&findings).count(),
            findings.len(),
            "{file}: {findings:?}"
        );
    }

    let findings = go_mod_findings("scalibr-not-go-mod.mod");
    let (level, message) = only_diagnostic(&findings);
    assert_eq!(level, DiagnosticLevel::Warning);
    assert!(
        message.contains("\"this is not a go.mod file!\""),
        "{message}"
    );
}

#[test]
fn requests_every_executable_and_go_mod() {
    let requests = GoAnalyzer.requests();
    assert!(requests.files[0].all_files);
    assert_eq!(requests.files[0].mode_any, Some(0o111));
    assert_eq!(requests.files[2].file_names, ["go.mod"]);
    assert!(GoAnalyzer::new(&serde_json::json!({"x": 1})).is_err());
}
