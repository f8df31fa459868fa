//! `docker save` archives, in the legacy layout and in the OCI-blobs layout of Docker 25+.
//!
//! Legacy layout (what `docker save` wrote until Docker 24, and what skopeo's
//! `docker-archive:` transport writes): one directory per layer named by a v1 layer ID,
//! holding `VERSION`, `json` and the uncompressed `layer.tar`; the config as `<hex>.json`;
//! `manifest.json` (`[{"Config", "RepoTags", "Layers"}]`) and `repositories`
//! (`{"NAME": {"TAG": "<top layer id>"}}`).
//!
//! OCI-blobs layout (Docker 25+): every blob under `blobs/sha256/<hex>`, an OCI image manifest
//! and `index.json` and `oci-layout` beside the same `manifest.json` and `repositories`, so
//! the archive is at once a `docker save` archive and an OCI image layout.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::built::{BuiltImage, BuiltManifest, OutputFormat};
use crate::bundle::Bundle;
use crate::compression::Compression;
use crate::digest::{encoded, sha256_digest};
use crate::error::Result;
use crate::image_spec::ImageSpec;
use crate::prepared::PreparedImage;
use crate::spec_json::{
    manifest_json, to_json, Index, CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION,
};

/// Which of the two `docker save` layouts to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum DockerLayout {
    /// `<layer id>/layer.tar` directories and `<hex>.json` config (Docker up to 24).
    #[default]
    Legacy,
    /// `blobs/sha256/<hex>` plus OCI `index.json` (Docker 25 and later).
    OciBlobs,
}

/// How [`write_docker_archive`] writes its archive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DockerArchiveOptions {
    /// The member layout inside the archive.
    pub layout: DockerLayout,
    /// Gzip the whole archive, as `docker save | gzip` does (layers inside stay plain tar).
    pub gzip_whole_archive: bool,
}

/// One element of `manifest.json`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifestEntry<'a> {
    config: String,
    repo_tags: [&'a str; 1],
    layers: Vec<String>,
}

/// The `json` file of a legacy layer directory.
#[derive(Serialize)]
struct LegacyLayerJson<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    created: &'a str,
    container_config: BTreeMap<String, String>,
    os: &'a str,
}

/// Writes `image` as a `docker save` archive at `out` (a file), atomically.
///
/// Layers are stored uncompressed, as Docker does, so each layer digest equals its diff ID.
///
/// # Errors
///
/// [`crate::FixtureError::MissingTag`] or [`crate::FixtureError::HistoryMismatch`] for an
/// inconsistent `image`, [`crate::FixtureError::Write`] if `out` cannot be written.
pub fn write_docker_archive(
    image: &ImageSpec,
    out: &Path,
    options: DockerArchiveOptions,
) -> Result<BuiltImage> {
    let prepared = PreparedImage::new(image)?;
    let mut bundle = Bundle::default();
    let manifest_digest = match options.layout {
        DockerLayout::Legacy => {
            add_legacy_members(&mut bundle, &prepared)?;
            None
        }
        DockerLayout::OciBlobs => Some(add_blob_members(&mut bundle, &prepared)?),
    };

    let built = BuiltImage {
        path: out.to_path_buf(),
        format: OutputFormat::DockerArchive {
            layout: options.layout,
            gzipped: options.gzip_whole_archive,
        },
        index_digest: None,
        manifests: vec![BuiltManifest {
            reference: image.reference.clone(),
            platform: image.platform.clone(),
            manifest_digest,
            config_digest: prepared.config_digest.clone(),
            layer_digests: prepared.diff_ids.clone(),
            diff_ids: prepared.diff_ids,
        }],
    };
    bundle.write_tar(out, options.gzip_whole_archive)?;
    tracing::debug!(out = %out.display(), layout = ?options.layout, "wrote docker archive");
    Ok(built)
}

/// Adds the legacy members: layer directories, `<hex>.json`, `manifest.json`, `repositories`.
fn add_legacy_members(bundle: &mut Bundle, prepared: &PreparedImage<'_>) -> Result<()> {
    let image = prepared.spec;
    let config_name = format!("{}.json", encoded(&prepared.config_digest));
    let layer_ids = legacy_layer_ids(&prepared.diff_ids, &prepared.config_digest);

    let mut layer_paths = Vec::new();
    for (index, (layer_id, tar)) in layer_ids.iter().zip(&prepared.layer_tars).enumerate() {
        let parent = index.checked_sub(1).map(|below| layer_ids[below].as_str());
        let json = LegacyLayerJson {
            id: layer_id,
            parent,
            created: &image.created,
            container_config: BTreeMap::new(),
            os: &image.platform.os,
        };
        bundle.file(format!("{layer_id}/VERSION"), b"1.0".to_vec());
        bundle.file(format!("{layer_id}/json"), to_json(&json));
        bundle.file(format!("{layer_id}/layer.tar"), tar.clone());
        layer_paths.push(format!("{layer_id}/layer.tar"));
    }

    let manifest = [DockerManifestEntry {
        config: config_name.clone(),
        repo_tags: [&image.reference],
        layers: layer_paths,
    }];
    bundle.file(config_name, prepared.config.clone());
    bundle.file("manifest.json", to_json(&manifest));
    if let Some(top) = layer_ids.last() {
        bundle.file("repositories", repositories_json(image, top)?);
    }
    Ok(())
}

/// Adds the Docker 25+ members and returns the manifest digest.
fn add_blob_members(bundle: &mut Bundle, prepared: &PreparedImage<'_>) -> Result<String> {
    let image = prepared.spec;
    let media_type = Compression::None.layer_media_type();
    let layers: Vec<(&'static str, &[u8])> = prepared
        .layer_tars
        .iter()
        .map(|tar| (media_type, tar.as_slice()))
        .collect();
    let (manifest, mut descriptor) = manifest_json(&prepared.config, &layers);

    let mut layer_paths = Vec::new();
    for (diff_id, tar) in prepared.diff_ids.iter().zip(&prepared.layer_tars) {
        let path = blob_path(diff_id);
        bundle.file(path.clone(), tar.clone());
        layer_paths.push(path);
    }
    bundle.file(blob_path(&prepared.config_digest), prepared.config.clone());
    bundle.file(blob_path(&descriptor.digest), manifest);

    descriptor
        .annotations
        .insert(CONTAINERD_NAME_ANNOTATION, image.reference.clone());
    descriptor
        .annotations
        .insert(REF_NAME_ANNOTATION, image.tag()?.to_owned());
    let manifest_digest = descriptor.digest.clone();
    bundle.file("index.json", to_json(&Index::new(vec![descriptor])));
    bundle.file("oci-layout", crate::oci_layout::OCI_LAYOUT_FILE.to_vec());

    let entry = [DockerManifestEntry {
        config: blob_path(&prepared.config_digest),
        repo_tags: [&image.reference],
        layers: layer_paths,
    }];
    bundle.file("manifest.json", to_json(&entry));
    let image_id = encoded(&prepared.config_digest).to_owned();
    bundle.file("repositories", repositories_json(image, &image_id)?);
    Ok(manifest_digest)
}

/// `{"NAME": {"TAG": "<id>"}}`.
fn repositories_json(image: &ImageSpec, id: &str) -> Result<Vec<u8>> {
    let tags = BTreeMap::from([(image.tag()?, id)]);
    let repositories = BTreeMap::from([(image.repository()?, tags)]);
    Ok(to_json(&repositories))
}

/// `blobs/sha256/<hex>` for a digest.
fn blob_path(digest: &str) -> String {
    format!("blobs/sha256/{}", encoded(digest))
}

/// Legacy v1 layer IDs, one per layer, each depending on everything below it.
///
/// Docker derives these from a v1 JSON document; nothing reads them back except as names, so
/// they are derived here as sha256 of the layer's chain ID (image-spec `config.md`), the ID of
/// the layer below and, for the top layer only, the config digest, which makes each ID unique
/// per chain and per image as Docker's are.
fn legacy_layer_ids(diff_ids: &[String], config_digest: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::with_capacity(diff_ids.len());
    let mut chain_id = String::new();
    for (index, diff_id) in diff_ids.iter().enumerate() {
        chain_id = if index == 0 {
            diff_id.clone()
        } else {
            sha256_digest(format!("{chain_id} {diff_id}").as_bytes())
        };
        let parent = ids.last().map_or("", String::as_str);
        let top = if index + 1 == diff_ids.len() {
            config_digest
        } else {
            ""
        };
        let id = sha256_digest(format!("{chain_id}\n{parent}\n{top}").as_bytes());
        ids.push(encoded(&id).to_owned());
    }
    ids
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::image_spec::{HistoryEntry, Platform};
    use crate::layer::Layer;

    fn two_layer_image() -> ImageSpec {
        let mut image = ImageSpec::new("purser-fixtures/test:1", Platform::linux_amd64());
        image.layers = vec![
            Layer::new().file("etc/hostname", 0o644, "a\n"),
            Layer::new().file("app/x", 0o644, "b\n"),
        ];
        image.history = vec![
            HistoryEntry::layer("ADD rootfs /"),
            HistoryEntry::empty("ENV A=1"),
            HistoryEntry::layer("COPY x /app/x"),
        ];
        image
    }

    fn members(path: &Path) -> BTreeMap<String, Vec<u8>> {
        let bytes = fs::read(path).expect("archive written");
        let mut archive = tar::Archive::new(bytes.as_slice());
        archive
            .entries()
            .expect("opens")
            .map(|member| {
                let mut member = member.expect("parses");
                let name = String::from_utf8_lossy(&member.path_bytes()).into_owned();
                let mut contents = Vec::new();
                std::io::Read::read_to_end(&mut member, &mut contents).expect("readable");
                (name, contents)
            })
            .collect()
    }

    #[test]
    fn legacy_archive_has_docker_save_members() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("image.tar");
        let built = write_docker_archive(&two_layer_image(), &out, DockerArchiveOptions::default())
            .expect("written");
        let members = members(&out);
        let manifest = &built.manifests[0];

        let manifest_json: serde_json::Value =
            serde_json::from_slice(&members["manifest.json"]).expect("json");
        let config_name = format!("{}.json", encoded(&manifest.config_digest));
        assert_eq!(manifest_json[0]["Config"], config_name.as_str());
        assert_eq!(manifest_json[0]["RepoTags"][0], "purser-fixtures/test:1");
        let layers = manifest_json[0]["Layers"].as_array().expect("layers");
        assert_eq!(layers.len(), 2);

        for (layer, diff_id) in layers.iter().zip(&manifest.diff_ids) {
            let path = layer.as_str().expect("string");
            assert_eq!(&sha256_digest(&members[path]), diff_id);
            let id = path.trim_end_matches("/layer.tar");
            assert_eq!(members[&format!("{id}/VERSION")], b"1.0");
        }
        assert_eq!(
            sha256_digest(&members[&config_name]),
            manifest.config_digest
        );
        assert_eq!(manifest.manifest_digest, None);

        let repositories: serde_json::Value =
            serde_json::from_slice(&members["repositories"]).expect("json");
        let top = layers[1]
            .as_str()
            .expect("string")
            .trim_end_matches("/layer.tar");
        assert_eq!(repositories["purser-fixtures/test"]["1"], top);
    }

    #[test]
    fn blobs_archive_is_also_an_oci_layout() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("image.tar");
        let options = DockerArchiveOptions {
            layout: DockerLayout::OciBlobs,
            gzip_whole_archive: false,
        };
        let built = write_docker_archive(&two_layer_image(), &out, options).expect("written");
        let members = members(&out);
        let manifest_digest = built.manifests[0]
            .manifest_digest
            .clone()
            .expect("blobs layout has a manifest");

        let index: serde_json::Value =
            serde_json::from_slice(&members["index.json"]).expect("json");
        assert_eq!(index["manifests"][0]["digest"], manifest_digest.as_str());
        assert_eq!(
            index["manifests"][0]["annotations"][REF_NAME_ANNOTATION],
            "1"
        );
        for (path, contents) in &members {
            if let Some(hex) = path.strip_prefix("blobs/sha256/") {
                if !hex.is_empty() {
                    assert_eq!(sha256_digest(contents), format!("sha256:{hex}"));
                }
            }
        }
        let docker_manifest: serde_json::Value =
            serde_json::from_slice(&members["manifest.json"]).expect("json");
        assert_eq!(
            docker_manifest[0]["Config"],
            blob_path(&built.manifests[0].config_digest).as_str()
        );
    }

    #[test]
    fn gzipped_archive_decompresses_to_the_plain_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = dir.path().join("plain.tar");
        let gzipped = dir.path().join("image.tar.gz");
        let image = two_layer_image();
        write_docker_archive(&image, &plain, DockerArchiveOptions::default()).expect("plain");
        let options = DockerArchiveOptions {
            gzip_whole_archive: true,
            ..DockerArchiveOptions::default()
        };
        write_docker_archive(&image, &gzipped, options).expect("gzipped");

        let compressed = fs::read(&gzipped).expect("read");
        let mut decompressed = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(compressed.as_slice()),
            &mut decompressed,
        )
        .expect("valid gzip");
        assert_eq!(decompressed, fs::read(&plain).expect("read"));
    }

    #[test]
    fn layer_ids_depend_on_everything_below() {
        let diff_ids = ["sha256:a".to_owned(), "sha256:b".to_owned()];
        let ids = legacy_layer_ids(&diff_ids, "sha256:c");
        let other_base =
            legacy_layer_ids(&["sha256:z".to_owned(), "sha256:b".to_owned()], "sha256:c");
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[1], other_base[1]);
        assert_eq!(ids, legacy_layer_ids(&diff_ids, "sha256:c"));
    }
}
