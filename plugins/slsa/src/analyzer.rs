//! The [`Analyzer`] implementation: asks for the image's attachments and judges them.

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, Finding, ImageInput,
    ImageRequest, LayerContext,
};
use purser_provenance::sigstore::TrustedRoot;
use purser_provenance::TrustMaterial;

use crate::candidate::candidates;
use crate::judgement::{findings, verify_candidate, Attempt};
use crate::options::{parse_trusted_builders, TrustedBuilders};

/// Reports the SLSA build level of an image from the provenance attached to it. See the crate
/// documentation for the findings and options.
#[derive(Debug)]
pub struct SlsaAnalyzer {
    trust: TrustMaterial,
    trusted: TrustedBuilders,
}

impl Analyzer for SlsaAnalyzer {
    type Layer = ();

    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "slsa".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Verifies attached SLSA provenance and reports the image's build level"
                .into(),
        }
    }

    /// Accepts the option `trusted_builders` (see the crate documentation).
    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        let trusted = parse_trusted_builders(options)?;
        let root = TrustedRoot::public_good().map_err(|error| {
            AnalyzerError::new(format!(
                "cannot read the bundled Sigstore trusted root: {error}"
            ))
        })?;
        let trust = TrustMaterial {
            trusted_root: Some(root),
            builder_levels: trusted.levels.clone(),
            ..TrustMaterial::default()
        };
        Ok(SlsaAnalyzer { trust, trusted })
    }

    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: Vec::new(),
            image: ImageRequest {
                attachments: true,
                ..ImageRequest::default()
            },
        }
    }

    fn start_layer(&self, _layer: &LayerContext) -> Result<Self::Layer, AnalyzerError> {
        Ok(())
    }

    fn analyze_file(
        &self,
        _layer: &mut Self::Layer,
        _file: &FileInput<'_>,
        _findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        Ok(())
    }

    fn analyze_image(
        &self,
        image: &ImageInput<'_>,
        found: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        let manifest = image.context.manifest_digest.as_deref();
        let attempts: Vec<Attempt> = candidates(&image.attachments)
            .into_iter()
            .map(|candidate| match candidate {
                Ok(candidate) => verify_candidate(candidate, manifest, &self.trust, &self.trusted),
                Err((name, error)) => unreadable(name, error),
            })
            .collect();
        tracing::debug!(
            attachments = image.attachments.len(),
            provenances = attempts.len(),
            verified = attempts
                .iter()
                .filter(|attempt| attempt.verdict.passed)
                .count(),
            "judged the attached provenance"
        );
        found.extend(findings(&attempts));
        Ok(())
    }
}

/// A failed attempt for provenance that could not even be read.
fn unreadable(name: String, error: purser_provenance::ProvenanceError) -> Attempt {
    Attempt {
        name,
        verdict: purser_provenance::Verdict {
            passed: false,
            checks: vec![purser_provenance::Check::fail(
                error.check_name(),
                error.to_string(),
            )],
            claims: purser_provenance::VerifiedClaims::default(),
            error: Some(error),
        },
    }
}
