//! OCI image layouts (image-spec `image-layout.md`), as a directory or as one tar.
//!
//! A layout holds `oci-layout` (`{"imageLayoutVersion":"1.0.0"}`), `index.json` and every blob
//! under `blobs/sha256/<hex>`. One image gives an `index.json` with one manifest descriptor.
//! Several images give a multi-platform image index blob whose descriptors carry `platform`,
//! and an `index.json` with one descriptor pointing at that index, as `docker buildx` and
//! `skopeo copy --all` write them. Either way the `index.json` entry carries the
//! `org.opencontainers.image.ref.name` annotation with the first image's tag.

use std::path::Path;

use crate::built::{BuiltImage, BuiltManifest, OutputFormat};
use crate::bundle::Bundle;
use crate::compression::Compression;
use crate::digest::encoded;
use crate::error::{FixtureError, Result};
use crate::image_spec::ImageSpec;
use crate::prepared::PreparedImage;
use crate::spec_json::{
    manifest_json, to_json, Descriptor, Index, OCI_INDEX_MEDIA_TYPE, REF_NAME_ANNOTATION,
};

/// The content of the `oci-layout` file.
pub(crate) const OCI_LAYOUT_FILE: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

/// How [`write_oci_layout`] writes its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OciLayoutOptions {
    /// How layer blobs are compressed.
    pub layer_compression: Compression,
    /// Write one tar file holding the layout instead of a directory.
    pub as_tar: bool,
}

impl Default for OciLayoutOptions {
    /// Gzip layers in a directory: the most common layout in the wild.
    fn default() -> Self {
        Self {
            layer_compression: Compression::Gzip,
            as_tar: false,
        }
    }
}

/// Writes `images` as one OCI image layout at `out`, atomically.
///
/// One image gives a plain layout; several give a multi-platform index (see the module docs),
/// so their platforms should differ. `out` becomes a directory, or a tar file if
/// `options.as_tar`.
///
/// # Errors
///
/// [`FixtureError::NoImages`] for an empty slice, [`FixtureError::MissingTag`] or
/// [`FixtureError::HistoryMismatch`] for an inconsistent image, [`FixtureError::Write`] if
/// `out` cannot be written.
pub fn write_oci_layout(
    images: &[ImageSpec],
    out: &Path,
    options: OciLayoutOptions,
) -> Result<BuiltImage> {
    let first = images.first().ok_or_else(|| FixtureError::NoImages {
        path: out.to_path_buf(),
    })?;
    let mut bundle = Bundle::default();
    let mut descriptors = Vec::with_capacity(images.len());
    let mut manifests = Vec::with_capacity(images.len());
    for image in images {
        let (descriptor, built) = add_image(&mut bundle, image, options.layer_compression)?;
        descriptors.push(descriptor);
        manifests.push(built);
    }

    // Several platforms go into an index blob; `index.json` then names only that index.
    let (mut top, index_digest) = if descriptors.len() == 1 {
        (descriptors.remove(0), None)
    } else {
        let index = to_json(&Index::new(descriptors));
        let descriptor = Descriptor::of(OCI_INDEX_MEDIA_TYPE, &index);
        bundle.file(blob_path(&descriptor.digest), index);
        let digest = descriptor.digest.clone();
        (descriptor, Some(digest))
    };
    top.annotations
        .insert(REF_NAME_ANNOTATION, first.tag()?.to_owned());
    bundle.file("index.json", to_json(&Index::new(vec![top])));
    bundle.file("oci-layout", OCI_LAYOUT_FILE.to_vec());

    if options.as_tar {
        bundle.write_tar(out, false)?;
    } else {
        bundle.write_directory(out)?;
    }
    tracing::debug!(out = %out.display(), images = images.len(), ?options, "wrote OCI layout");
    Ok(BuiltImage {
        path: out.to_path_buf(),
        format: OutputFormat::OciLayout {
            layer_compression: options.layer_compression,
            as_tar: options.as_tar,
        },
        index_digest,
        manifests,
    })
}

/// Adds the layer, config and manifest blobs of one image; returns its manifest descriptor
/// (with platform) and its digests.
fn add_image(
    bundle: &mut Bundle,
    image: &ImageSpec,
    compression: Compression,
) -> Result<(Descriptor, BuiltManifest)> {
    let prepared = PreparedImage::new(image)?;
    let media_type = compression.layer_media_type();
    let blobs: Vec<Vec<u8>> = prepared
        .layer_tars
        .iter()
        .map(|tar| compression.compress(tar))
        .collect();
    let layers: Vec<(&'static str, &[u8])> = blobs
        .iter()
        .map(|blob| (media_type, blob.as_slice()))
        .collect();
    let (manifest, mut descriptor) = manifest_json(&prepared.config, &layers);
    let layer_digests: Vec<String> = layers
        .iter()
        .map(|(_, blob)| crate::digest::sha256_digest(blob))
        .collect();

    for (digest, blob) in layer_digests.iter().zip(blobs) {
        bundle.file(blob_path(digest), blob);
    }
    bundle.file(blob_path(&prepared.config_digest), prepared.config);
    bundle.file(blob_path(&descriptor.digest), manifest);
    descriptor.platform = Some((&image.platform).into());

    let built = BuiltManifest {
        reference: image.reference.clone(),
        platform: image.platform.clone(),
        manifest_digest: Some(descriptor.digest.clone()),
        config_digest: prepared.config_digest,
        layer_digests,
        diff_ids: prepared.diff_ids,
    };
    Ok((descriptor, built))
}

/// `blobs/sha256/<hex>` for a digest.
fn blob_path(digest: &str) -> String {
    format!("blobs/sha256/{}", encoded(digest))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::digest::sha256_digest;
    use crate::image_spec::Platform;
    use crate::layer::Layer;
    use crate::spec_json::OCI_MANIFEST_MEDIA_TYPE;

    fn image(architecture: &str) -> ImageSpec {
        let mut image = ImageSpec::new(
            "purser-fixtures/tiny:1",
            Platform::new("linux", architecture),
        );
        image.layers = vec![Layer::new().file("etc/arch", 0o644, architecture)];
        image
    }

    fn read_json(path: &Path) -> serde_json::Value {
        serde_json::from_slice(&fs::read(path).expect("readable")).expect("json")
    }

    #[test]
    fn single_image_layout_indexes_its_manifest_with_ref_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("tiny.oci");
        let built = write_oci_layout(&[image("amd64")], &out, OciLayoutOptions::default())
            .expect("written");

        assert_eq!(
            fs::read(out.join("oci-layout")).expect("read"),
            OCI_LAYOUT_FILE
        );
        let index = read_json(&out.join("index.json"));
        let entry = &index["manifests"][0];
        assert_eq!(index["mediaType"], OCI_INDEX_MEDIA_TYPE);
        assert_eq!(entry["mediaType"], OCI_MANIFEST_MEDIA_TYPE);
        assert_eq!(entry["digest"], built.manifest_digests()[0]);
        assert_eq!(entry["annotations"][REF_NAME_ANNOTATION], "1");
        assert_eq!(entry["platform"]["architecture"], "amd64");
        assert_eq!(built.index_digest, None);

        for blob in fs::read_dir(out.join("blobs/sha256")).expect("blobs") {
            let blob = blob.expect("entry");
            let contents = fs::read(blob.path()).expect("read");
            let name = blob.file_name().to_string_lossy().into_owned();
            assert_eq!(sha256_digest(&contents), format!("sha256:{name}"));
        }
        let manifest = read_json(&out.join(blob_path(built.manifest_digests()[0])));
        assert_eq!(
            manifest["layers"][0]["mediaType"],
            "application/vnd.oci.image.layer.v1.tar+gzip"
        );
        assert_eq!(
            manifest["layers"][0]["digest"],
            built.manifests[0].layer_digests[0].as_str()
        );
    }

    #[test]
    fn several_images_make_a_platform_index_blob() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("multi.oci");
        let mut arm = image("arm64");
        arm.platform = arm.platform.with_variant("v8");
        let options = OciLayoutOptions {
            layer_compression: Compression::Zstd,
            as_tar: false,
        };
        let built = write_oci_layout(&[image("amd64"), arm], &out, options).expect("written");
        let index_digest = built.index_digest.clone().expect("multi-platform index");

        let top = read_json(&out.join("index.json"));
        assert_eq!(top["manifests"].as_array().expect("array").len(), 1);
        assert_eq!(top["manifests"][0]["mediaType"], OCI_INDEX_MEDIA_TYPE);
        assert_eq!(top["manifests"][0]["digest"], index_digest.as_str());

        let nested = read_json(&out.join(blob_path(&index_digest)));
        let platforms: Vec<String> = nested["manifests"]
            .as_array()
            .expect("array")
            .iter()
            .map(|entry| {
                let platform = &entry["platform"];
                format!("{}/{}", platform["architecture"], platform["variant"])
            })
            .collect();
        assert_eq!(platforms, ["\"amd64\"/null", "\"arm64\"/\"v8\""]);
        assert_eq!(built.manifest_digests().len(), 2);
    }

    #[test]
    fn layout_tar_holds_the_directory_members() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("tiny.oci.tar");
        let options = OciLayoutOptions {
            layer_compression: Compression::None,
            as_tar: true,
        };
        let built = write_oci_layout(&[image("amd64")], &out, options).expect("written");
        assert_eq!(
            built.manifests[0].layer_digests,
            built.manifests[0].diff_ids
        );

        let bytes = fs::read(&out).expect("read");
        let mut archive = tar::Archive::new(bytes.as_slice());
        let names: Vec<String> = archive
            .entries()
            .expect("opens")
            .map(|member| {
                String::from_utf8_lossy(&member.expect("parses").path_bytes()).into_owned()
            })
            .collect();
        assert!(names.contains(&"index.json".to_owned()));
        assert!(names.contains(&"oci-layout".to_owned()));
        let blobs = names
            .iter()
            .filter(|name| name.starts_with("blobs/sha256/") && !name.ends_with('/'));
        assert_eq!(blobs.count(), 3, "layer, config and manifest");
    }

    #[test]
    fn no_images_is_an_error() {
        let error = write_oci_layout(&[], Path::new("/tmp/none.oci"), OciLayoutOptions::default())
            .expect_err("must fail");
        assert_eq!(
            error.to_string(),
            "cannot write OCI layout /tmp/none.oci: no image given"
        );
    }
}
