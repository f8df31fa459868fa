//! The image configuration: OCI image spec "Image Configuration" (`application/vnd.oci.image.config.v1+json`)
//! and Docker's equivalent (`application/vnd.docker.container.image.v1+json`).
//!
//! Parsing is tolerant: every field may be missing or `null`, unknown keys are ignored, and
//! `Entrypoint`/`Cmd` given as one string (seen in hand-written configs) become a one-element
//! list. Docker and OCI share the capitalised keys of the `config` object; Docker adds keys such
//! as `container_config` and `docker_version`, which are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::digest::Digest;
use crate::platform::Platform;

/// A parsed image configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageConfig {
    /// CPU architecture in Go's spelling (`amd64`, `arm64`, …).
    #[serde(default, deserialize_with = "null_as_default")]
    pub architecture: String,
    /// Operating system (`linux`, `windows`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub os: String,
    /// CPU variant (`v8`, `v7`), when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// OS version, used by Windows images (`os.version`).
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    /// Creation time as written (RFC 3339), not parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Author as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Execution parameters for containers started from the image.
    #[serde(default, deserialize_with = "null_as_default")]
    pub config: ContainerConfig,
    /// The layers' uncompressed digests.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rootfs: RootFs,
    /// Build history, one entry per build step, including steps that made no layer.
    #[serde(default, deserialize_with = "null_as_default")]
    pub history: Vec<HistoryEntry>,
}

/// The `config` object: how a container is run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerConfig {
    /// `User`: user name or UID, optionally `:group`.
    #[serde(rename = "User", default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// `Env`: `NAME=value` strings.
    #[serde(rename = "Env", default, deserialize_with = "null_as_default")]
    pub env: Vec<String>,
    /// `Entrypoint`.
    #[serde(
        rename = "Entrypoint",
        default,
        deserialize_with = "string_or_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub entrypoint: Option<Vec<String>>,
    /// `Cmd`.
    #[serde(
        rename = "Cmd",
        default,
        deserialize_with = "string_or_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub cmd: Option<Vec<String>>,
    /// `WorkingDir`.
    #[serde(
        rename = "WorkingDir",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub working_dir: Option<String>,
    /// `Labels`.
    #[serde(rename = "Labels", default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    /// `ExposedPorts`: keys like `80/tcp`; the values are empty objects in both specs.
    #[serde(rename = "ExposedPorts", default, deserialize_with = "null_as_default")]
    pub exposed_ports: BTreeMap<String, serde_json::Value>,
    /// `Volumes`: keys are mount points; the values are empty objects.
    #[serde(rename = "Volumes", default, deserialize_with = "null_as_default")]
    pub volumes: BTreeMap<String, serde_json::Value>,
    /// `StopSignal`, e.g. `SIGTERM`.
    #[serde(
        rename = "StopSignal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_signal: Option<String>,
}

/// The `rootfs` object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RootFs {
    /// Always `layers` in valid configs.
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub kind: String,
    /// The sha256 of each layer's uncompressed tar, base layer first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub diff_ids: Vec<Digest>,
}

/// One build step in `history`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When the step ran, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The command that made the step, e.g. `/bin/sh -c apt-get install -y curl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Author of the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Free-form comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// True when the step made no layer (e.g. `ENV`, `CMD`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub empty_layer: bool,
}

impl ImageConfig {
    /// The platform the config declares (empty strings when it declares none).
    pub fn platform(&self) -> Platform {
        Platform::new(&self.os, &self.architecture, self.variant.as_deref())
    }

    /// Environment variables as `(name, value)` pairs in config order; an entry without `=`
    /// has an empty value.
    pub fn env(&self) -> Vec<(String, String)> {
        self.config
            .env
            .iter()
            .map(|entry| match entry.split_once('=') {
                Some((name, value)) => (name.to_owned(), value.to_owned()),
                None => (entry.clone(), String::new()),
            })
            .collect()
    }

    /// The value of environment variable `name`, if set (the last one wins, as in a shell).
    pub fn env_var(&self, name: &str) -> Option<String> {
        self.env()
            .into_iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// Labels, sorted by name.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.config.labels
    }

    /// The user containers run as, `None` when unset or empty (which means root).
    pub fn user(&self) -> Option<&str> {
        self.config.user.as_deref().filter(|user| !user.is_empty())
    }

    /// The working directory, `None` when unset or empty.
    pub fn working_dir(&self) -> Option<&str> {
        self.config
            .working_dir
            .as_deref()
            .filter(|dir| !dir.is_empty())
    }

    /// The entrypoint, empty when unset.
    pub fn entrypoint(&self) -> &[String] {
        self.config.entrypoint.as_deref().unwrap_or_default()
    }

    /// The default command, empty when unset.
    pub fn cmd(&self) -> &[String] {
        self.config.cmd.as_deref().unwrap_or_default()
    }

    /// Exposed ports such as `80/tcp`, sorted.
    pub fn exposed_ports(&self) -> Vec<&str> {
        self.config
            .exposed_ports
            .keys()
            .map(String::as_str)
            .collect()
    }

    /// The stop signal, when set.
    pub fn stop_signal(&self) -> Option<&str> {
        self.config.stop_signal.as_deref()
    }

    /// History entries that made a layer, in layer order (entries with `empty_layer` skipped).
    pub fn layer_history(&self) -> impl Iterator<Item = &HistoryEntry> {
        self.history.iter().filter(|entry| !entry.empty_layer)
    }
}

/// Treats an explicit `null` like a missing field.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Accepts `null`, a string (one element) or a list of strings.
fn string_or_list<'de, D>(deserializer: D) -> Result<Option<Vec<String>>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StringOrList {
        One(String),
        Many(Vec<String>),
    }

    Ok(match Option::<StringOrList>::deserialize(deserializer)? {
        None => None,
        Some(StringOrList::One(one)) => Some(vec![one]),
        Some(StringOrList::Many(many)) => Some(many),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCKER_CONFIG: &str = r#"{
        "architecture": "arm64", "variant": "v8", "os": "linux",
        "created": "2024-01-01T00:00:00Z", "docker_version": "24.0.7",
        "container_config": {"Cmd": ["ignored"]},
        "config": {
            "User": "app", "Env": ["PATH=/usr/bin:/bin", "EMPTY=", "NOEQUALS", "A=b=c"],
            "Entrypoint": null, "Cmd": ["/bin/sh"], "WorkingDir": "/srv",
            "Labels": {"maintainer": "x"}, "ExposedPorts": {"80/tcp": {}, "443/tcp": {}},
            "StopSignal": "SIGQUIT", "Volumes": null
        },
        "rootfs": {"type": "layers", "diff_ids": [
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]},
        "history": [
            {"created_by": "/bin/sh -c #(nop)  ENV A=b", "empty_layer": true},
            {"created_by": "/bin/sh -c apt-get install -y curl", "comment": "buildkit"}
        ]
    }"#;

    #[test]
    fn parses_a_docker_config() {
        let config: ImageConfig = serde_json::from_str(DOCKER_CONFIG).expect("valid config");

        assert_eq!(
            config.platform(),
            Platform::new("linux", "arm64", Some("v8"))
        );
        assert_eq!(config.user(), Some("app"));
        assert_eq!(config.working_dir(), Some("/srv"));
        assert!(config.entrypoint().is_empty());
        assert_eq!(config.cmd(), ["/bin/sh"]);
        assert_eq!(config.exposed_ports(), ["443/tcp", "80/tcp"]);
        assert_eq!(config.stop_signal(), Some("SIGQUIT"));
        assert_eq!(
            config.labels().get("maintainer").map(String::as_str),
            Some("x")
        );
        assert_eq!(config.rootfs.diff_ids.len(), 1);

        let layer_history: Vec<_> = config.layer_history().collect();
        assert_eq!(layer_history.len(), 1);
        assert_eq!(layer_history[0].comment.as_deref(), Some("buildkit"));
    }

    #[test]
    fn env_helpers_split_at_the_first_equals_sign() {
        let config: ImageConfig = serde_json::from_str(DOCKER_CONFIG).expect("valid config");
        let env = config.env();
        assert_eq!(env[0], ("PATH".to_owned(), "/usr/bin:/bin".to_owned()));
        assert_eq!(env[1], ("EMPTY".to_owned(), String::new()));
        assert_eq!(env[2], ("NOEQUALS".to_owned(), String::new()));
        assert_eq!(env[3], ("A".to_owned(), "b=c".to_owned()));
        assert_eq!(config.env_var("A").as_deref(), Some("b=c"));
        assert_eq!(config.env_var("MISSING"), None);
    }

    #[test]
    fn tolerates_missing_and_null_fields() {
        let config: ImageConfig =
            serde_json::from_str(r#"{"config": null, "rootfs": null, "history": null}"#)
                .expect("tolerant");
        assert_eq!(config, ImageConfig::default());

        let config: ImageConfig = serde_json::from_str("{}").expect("tolerant");
        assert!(config.env().is_empty());
        assert_eq!(config.user(), None);
    }

    #[test]
    fn accepts_a_string_entrypoint() {
        let config: ImageConfig =
            serde_json::from_str(r#"{"config": {"Entrypoint": "/entry.sh", "User": ""}}"#)
                .expect("tolerant");
        assert_eq!(config.entrypoint(), ["/entry.sh"]);
        assert_eq!(config.user(), None);
    }

    #[test]
    fn rejects_invalid_diff_ids() {
        let result: Result<ImageConfig, _> =
            serde_json::from_str(r#"{"rootfs": {"type": "layers", "diff_ids": ["sha256:zz"]}}"#);
        assert!(result.is_err());
    }
}
