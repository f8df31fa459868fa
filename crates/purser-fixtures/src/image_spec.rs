//! What an image is made of, before any format is chosen.

use std::collections::BTreeMap;

use crate::error::{FixtureError, Result};
use crate::layer::Layer;

/// The creation time written into every fixture config and history entry.
///
/// It is the same instant as the tar members' mtime, 1700000000.
pub const FIXED_CREATED: &str = "2023-11-14T22:13:20Z";

/// An OCI platform: `os`, `architecture` and optional `variant` (image-spec `image-index.md`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    /// Operating system, e.g. `linux`.
    pub os: String,
    /// CPU architecture in Go's `GOARCH` spelling, e.g. `amd64`, `arm64`.
    pub architecture: String,
    /// CPU variant, e.g. `v8` for `arm64`; `None` when not needed.
    pub variant: Option<String>,
}

impl Platform {
    /// A platform without variant.
    #[must_use]
    pub fn new(os: impl Into<String>, architecture: impl Into<String>) -> Self {
        Self {
            os: os.into(),
            architecture: architecture.into(),
            variant: None,
        }
    }

    /// `linux/amd64`, the platform of most fixtures.
    #[must_use]
    pub fn linux_amd64() -> Self {
        Self::new("linux", "amd64")
    }

    /// The same platform with a variant, e.g. `Platform::new("linux", "arm64").with_variant("v8")`.
    #[must_use]
    pub fn with_variant(mut self, variant: impl Into<String>) -> Self {
        self.variant = Some(variant.into());
        self
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(formatter, "/{variant}")?;
        }
        Ok(())
    }
}

/// One line of an image's build history (image-spec `config.md`, `history`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The command that made the layer, e.g. `/bin/sh -c #(nop)  ENV APP_ENV=production`.
    pub created_by: String,
    /// True for steps that made no layer (ENV, USER, CMD, ...).
    pub empty_layer: bool,
    /// Free-form comment; `None` leaves the field out.
    pub comment: Option<String>,
}

impl HistoryEntry {
    /// A step that produced a layer.
    #[must_use]
    pub fn layer(created_by: impl Into<String>) -> Self {
        Self {
            created_by: created_by.into(),
            empty_layer: false,
            comment: None,
        }
    }

    /// A step that produced no layer.
    #[must_use]
    pub fn empty(created_by: impl Into<String>) -> Self {
        Self {
            created_by: created_by.into(),
            empty_layer: true,
            comment: None,
        }
    }
}

/// Everything needed to write one single-platform image in any of the supported formats.
///
/// Fields mirror the OCI image config; empty vectors, empty maps and `None` are left out of
/// the written config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSpec {
    /// `NAME:TAG`, e.g. `purser-fixtures/debian:12`: Docker's `RepoTags`, and the tag is the
    /// OCI `org.opencontainers.image.ref.name`.
    pub reference: String,
    /// Layers, lowest first.
    pub layers: Vec<Layer>,
    /// The platform the config declares.
    pub platform: Platform,
    /// RFC 3339 creation time of the config and of every history entry.
    pub created: String,
    /// `Env`, `KEY=value` strings.
    pub env: Vec<String>,
    /// `Labels`.
    pub labels: BTreeMap<String, String>,
    /// `User`.
    pub user: Option<String>,
    /// `Cmd`.
    pub cmd: Vec<String>,
    /// `Entrypoint`.
    pub entrypoint: Vec<String>,
    /// `WorkingDir`.
    pub workdir: Option<String>,
    /// Build history; when not empty, the entries without `empty_layer` must match the layers
    /// one to one, as the image spec requires.
    pub history: Vec<HistoryEntry>,
}

impl ImageSpec {
    /// An image with no layers, no runtime config and no history, created at [`FIXED_CREATED`].
    #[must_use]
    pub fn new(reference: impl Into<String>, platform: Platform) -> Self {
        Self {
            reference: reference.into(),
            layers: Vec::new(),
            platform,
            created: FIXED_CREATED.to_owned(),
            env: Vec::new(),
            labels: BTreeMap::new(),
            user: None,
            cmd: Vec::new(),
            entrypoint: Vec::new(),
            workdir: None,
            history: Vec::new(),
        }
    }

    /// The repository part of the reference (`purser-fixtures/debian`).
    ///
    /// # Errors
    ///
    /// [`FixtureError::MissingTag`] if the reference has no `:TAG` after its last `/`.
    pub fn repository(&self) -> Result<&str> {
        self.split_reference().map(|(repository, _)| repository)
    }

    /// The tag part of the reference (`12`).
    ///
    /// # Errors
    ///
    /// [`FixtureError::MissingTag`] if the reference has no `:TAG` after its last `/`.
    pub fn tag(&self) -> Result<&str> {
        self.split_reference().map(|(_, tag)| tag)
    }

    /// Checks the rules the written formats depend on: a tagged reference and a history that
    /// lines up with the layers.
    ///
    /// # Errors
    ///
    /// [`FixtureError::MissingTag`] or [`FixtureError::HistoryMismatch`].
    pub fn validate(&self) -> Result<()> {
        self.split_reference()?;
        if self.history.is_empty() {
            return Ok(());
        }
        let layered = self
            .history
            .iter()
            .filter(|entry| !entry.empty_layer)
            .count();
        if layered != self.layers.len() {
            return Err(FixtureError::HistoryMismatch {
                reference: self.reference.clone(),
                layers: self.layers.len(),
                history: layered,
            });
        }
        Ok(())
    }

    /// Splits `NAME:TAG` at the last `:` that comes after the last `/` (ports stay in NAME).
    fn split_reference(&self) -> Result<(&str, &str)> {
        let name_start = self.reference.rfind('/').map_or(0, |slash| slash + 1);
        let missing = || FixtureError::MissingTag {
            reference: self.reference.clone(),
        };
        let colon = self.reference[name_start..]
            .rfind(':')
            .ok_or_else(missing)?;
        let (repository, tag) = self.reference.split_at(name_start + colon);
        let tag = &tag[1..];
        if repository.is_empty() || tag.is_empty() {
            return Err(missing());
        }
        Ok((repository, tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_splits_at_the_tag_colon_not_the_port() {
        let image = ImageSpec::new("localhost:5000/team/app:1.2", Platform::linux_amd64());
        assert_eq!(
            image.repository().expect("tagged"),
            "localhost:5000/team/app"
        );
        assert_eq!(image.tag().expect("tagged"), "1.2");

        let untagged = ImageSpec::new("localhost:5000/team/app", Platform::linux_amd64());
        assert!(matches!(
            untagged.tag(),
            Err(FixtureError::MissingTag { .. })
        ));
    }

    #[test]
    fn history_must_match_layers() {
        let mut image = ImageSpec::new("x:1", Platform::linux_amd64());
        image.layers.push(Layer::new());
        image.history = vec![HistoryEntry::empty("ENV A=1")];
        let error = image
            .validate()
            .expect_err("one layer, zero layered history");
        assert_eq!(
            error.to_string(),
            "image x:1 has 1 layers but 0 history entries without empty_layer"
        );

        image.history.push(HistoryEntry::layer("RUN true"));
        image.validate().expect("aligned");
    }

    #[test]
    fn platform_displays_like_docker() {
        let platform = Platform::new("linux", "arm64").with_variant("v8");
        assert_eq!(platform.to_string(), "linux/arm64/v8");
    }
}
