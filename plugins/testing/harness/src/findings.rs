//! Small helpers the plugins' tests share: a file as the engine hands it over, one layer scanned
//! through a plugin's exported table, and the packages among findings with their ids.

use purser_plugin_api::abi::EntryFunction;
use purser_plugin_api::{FileInput, Finding, LayerContext, Package};

use crate::Plugin;

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

/// The findings of the plugin behind `entry`, created without options, for `files` in one
/// default layer, every call going through the exported table.
///
/// # Panics
///
/// When the header is refused or a call fails; the message says which and why.
pub fn scan_one_layer(entry: EntryFunction, files: &[FileInput<'_>]) -> Vec<Finding> {
    let plugin = Plugin::from_entry(entry).unwrap_or_else(|error| panic!("header: {error}"));
    let instance = plugin
        .create(&serde_json::Value::Null)
        .unwrap_or_else(|error| panic!("create: {error}"));
    instance
        .scan_layer(&LayerContext::default(), files)
        .unwrap_or_else(|error| panic!("scan: {error}"))
}

/// `name@version` of every package among `findings`, in order.
pub fn package_ids(findings: &[Finding]) -> Vec<String> {
    packages(findings)
        .into_iter()
        .map(|package| format!("{}@{}", package.name, package.version))
        .collect()
}

/// `name@version value` of every package among `findings`, in order, `value` being the
/// package's metadata entry `key`, or `-` when it has none.
pub fn package_ids_with(findings: &[Finding], key: &str) -> Vec<String> {
    packages(findings)
        .into_iter()
        .map(|package| {
            let value = package.metadata.get(key).map_or("-", String::as_str);
            format!("{}@{} {value}", package.name, package.version)
        })
        .collect()
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
