//! Reading metadata blobs by descriptor: present, of the stated size, within the metadata
//! limit, and hashing to the stated digest.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::digest::Digest;
use crate::error::ImageError;
use crate::limits::Limits;
use crate::oci_types::Descriptor;
use crate::store::{blob_location, Store};

/// Reads blobs of one image.
pub(crate) struct BlobReader<'s> {
    /// Where the files are.
    pub store: &'s Store,
    /// The image path, for messages.
    pub image_path: &'s Path,
    /// Limits in force.
    pub limits: &'s Limits,
}

impl BlobReader<'_> {
    /// Reads the blob `descriptor` points to, checking size and digest. `what` names it in
    /// errors (e.g. `manifest`).
    pub(crate) fn read(&self, descriptor: &Descriptor, what: &str) -> Result<Vec<u8>, ImageError> {
        let digest = &descriptor.digest;
        let location = blob_location(digest);
        let what = format!("{what} {digest}");
        let missing = || ImageError::MissingBlob {
            image: self.image_path.to_path_buf(),
            what: what.clone(),
            location: location.clone(),
        };

        let size = self.store.size(&location).ok_or_else(missing)?;
        if size != descriptor.size {
            return Err(ImageError::SizeMismatch {
                what,
                expected: descriptor.size,
                actual: size,
            });
        }
        let bytes = self
            .store
            .read_limited(&location, self.limits.max_metadata_bytes, &what)?
            .ok_or_else(missing)?;
        verify_digest(&bytes, digest, &what)?;
        Ok(bytes)
    }

    /// A file of the image that is not addressed by digest (`index.json`, `manifest.json`,
    /// `oci-layout`), read whole within the metadata limit; `None` when absent.
    pub(crate) fn read_named(&self, name: &str) -> Result<Option<Vec<u8>>, ImageError> {
        let what = format!("{name} in {}", self.image_path.display());
        self.store
            .read_limited(name, self.limits.max_metadata_bytes, &what)
    }
}

/// Fails with [`ImageError::DigestMismatch`] unless `bytes` hash to `expected`.
pub(crate) fn verify_digest(bytes: &[u8], expected: &Digest, what: &str) -> Result<(), ImageError> {
    let actual = Digest::sha256(bytes);
    if &actual != expected {
        return Err(ImageError::DigestMismatch {
            what: what.to_owned(),
            expected: expected.clone(),
            actual,
        });
    }
    Ok(())
}

/// Parses JSON metadata, naming the document in the error.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, ImageError> {
    serde_json::from_slice(bytes).map_err(|error| ImageError::InvalidMetadata {
        what: what.to_owned(),
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptor(bytes: &[u8]) -> Descriptor {
        Descriptor {
            media_type: String::new(),
            digest: Digest::sha256(bytes),
            size: bytes.len() as u64,
            annotations: None,
            platform: None,
            artifact_type: None,
        }
    }

    #[test]
    fn reads_verified_blobs_and_names_failures() {
        let dir = tempfile::tempdir().expect("temp dir");
        let good = b"{\"a\": 1}";
        let digest = Digest::sha256(good);
        std::fs::create_dir_all(dir.path().join("blobs/sha256")).expect("mkdir");
        std::fs::write(dir.path().join(blob_location(&digest)), good).expect("write");

        let store = Store::Directory(dir.path().to_path_buf());
        let limits = Limits::default();
        let reader = BlobReader {
            store: &store,
            image_path: dir.path(),
            limits: &limits,
        };
        assert_eq!(
            reader.read(&descriptor(good), "config").expect("read"),
            good
        );

        let mut wrong_size = descriptor(good);
        wrong_size.size += 1;
        let error = reader.read(&wrong_size, "config").expect_err("size");
        assert!(error.to_string().contains("size mismatch"), "{error}");

        let missing = descriptor(b"other");
        let error = reader.read(&missing, "manifest").expect_err("missing");
        let message = error.to_string();
        assert!(message.contains("manifest sha256:"), "{message}");
        assert!(
            message.contains("is missing: no blobs/sha256/"),
            "{message}"
        );

        std::fs::write(dir.path().join(blob_location(&digest)), b"{\"a\": 2}").expect("write");
        let error = reader
            .read(&descriptor(good), "config")
            .expect_err("tampered");
        assert!(error.to_string().contains("digest mismatch"), "{error}");

        let error = parse_json::<Vec<u8>>(b"{", "index.json in x").expect_err("bad json");
        assert!(
            error.to_string().starts_with("invalid index.json in x: "),
            "{error}"
        );
    }
}
