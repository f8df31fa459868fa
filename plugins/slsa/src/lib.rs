//! The `slsa` analyzer: the SLSA build level of an image, judged from the provenance attached to
//! it, during a normal scan.
//!
//! The engine hands the analyzer the layers of every artifact attached to the image (see
//! `purser_image::attachments`): cosign attestations, OCI 1.1 referrers holding Sigstore bundles,
//! and BuildKit attestation manifests. Each provenance among them is verified offline with
//! `purser_provenance`, against the bundled Sigstore public-good trusted root, requiring that it
//! names the image (its manifest digest, or the digest of the index it is attached to).
//!
//! # Findings
//!
//! One [`ProvenanceFinding`](purser_plugin_api::ProvenanceFinding) with check `slsa-level` per
//! image, whose facts are `level` (`0` to `3`), `verified` (`true`/`false`), `builder_id`,
//! `source_uri`, `provenance` (where the provenance came from) and `attempts` (how many were
//! verified):
//!
//! - **Build L0**: no provenance is attached.
//! - **Build L1**: provenance is attached but unsigned (BuildKit's default attestations) or did
//!   not verify; the finding does not pass.
//! - **Build L*N***: verified provenance from a builder the `trusted_builders` map trusts up to
//!   level *N* (L1 for a verified provenance from an unlisted builder); the finding passes.
//!
//! It is followed by one finding per check run on the reported provenance (`sigstore`,
//! `signature`, `subject-digest`, `builder-id`, …), in order; on failure the last one failed and
//! says why. When several provenances are attached, the verified one with the highest level is
//! reported, else the one that got furthest.
//!
//! # Options
//!
//! `trusted_builders`: an object mapping builder ids (`name` or `name@ref`) to the level their
//! verified provenance earns (`1`, `2`, `3`, or `"L2"`, `"Build L3"`). It replaces the default
//! map, which trusts the GitHub SLSA generators and builders and Google Cloud Build's hosted
//! workers at Build L3. Builders outside the default map are accepted as signers only when
//! listed here.
//!
//! # Limitations
//!
//! - Limitation: only the bundled Sigstore public-good trusted root is used; a provenance signed
//!   after Sigstore rotates its keys fails its `sigstore` check and the image is reported at
//!   Build L1 until Purser ships a newer root.
//! - Limitation: key-signed DSSE envelopes and Google Cloud Build occurrences are not attached to
//!   images in a way the engine collects, so images proven that way are reported as Build L0 or
//!   L1; `purser verify --key` checks them.
//! - Limitation: attached provenance whose blobs are missing or fail their digest never reaches
//!   the analyzer; the engine reports it as a `collect_attachments` failure of this analyzer (the
//!   scan is partial), and the level is judged from the rest, Build L0 when nothing else is
//!   attached.
//! - Limitation: the source repository and ref are reported, not checked, since a scan has no
//!   expectation for them; `purser verify --source-uri` checks them.

#![deny(missing_docs)]

mod analyzer;
mod candidate;
mod judgement;
mod options;

#[cfg(test)]
mod tests;

pub use analyzer::SlsaAnalyzer;
pub use options::{parse_trusted_builders, TrustedBuilders};

purser_plugin_api::export_analyzer!(SlsaAnalyzer);
