//! The format-independent part of writing an image: layer tars, diff IDs and the config.

use crate::digest::sha256_digest;
use crate::error::Result;
use crate::image_spec::ImageSpec;
use crate::spec_json::config_json;

/// An image whose layers are serialised and whose config is final.
pub(crate) struct PreparedImage<'a> {
    /// The description it came from.
    pub spec: &'a ImageSpec,
    /// Uncompressed layer tars, lowest first.
    pub layer_tars: Vec<Vec<u8>>,
    /// Digest of each uncompressed layer tar.
    pub diff_ids: Vec<String>,
    /// The serialised config.
    pub config: Vec<u8>,
    /// Digest of `config`.
    pub config_digest: String,
}

impl<'a> PreparedImage<'a> {
    /// Validates `spec`, serialises its layers and builds its config.
    pub fn new(spec: &'a ImageSpec) -> Result<Self> {
        spec.validate()?;
        let layer_tars: Vec<Vec<u8>> = spec.layers.iter().map(crate::Layer::to_tar).collect();
        let diff_ids: Vec<String> = layer_tars.iter().map(|tar| sha256_digest(tar)).collect();
        let config = config_json(spec, &diff_ids);
        let config_digest = sha256_digest(&config);
        tracing::debug!(
            reference = %spec.reference,
            layers = layer_tars.len(),
            config = %config_digest,
            "prepared image"
        );
        Ok(Self {
            spec,
            layer_tars,
            diff_ids,
            config,
            config_digest,
        })
    }
}
