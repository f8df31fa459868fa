//! Small helpers the plugins' tests share: a file as the engine hands it over, and the
//! packages among findings.

use purser_plugin_api::{FileInput, Finding, Package};

/// `contents` handed over whole at `path` with permission bits `mode`.
pub fn whole_file<'a>(path: &'a str, contents: &'a [u8], mode: u32) -> FileInput<'a> {
    FileInput {
        path,
        size: contents.len() as u64,
        mode,
        contents,
        truncated: false,
    }
}

/// The packages among `findings`, in order.
pub fn packages(findings: &[Finding]) -> Vec<&Package> {
    findings
        .iter()
        .filter_map(|finding| match finding {
            Finding::Package(package) => Some(package),
            _ => None,
        })
        .collect()
}
