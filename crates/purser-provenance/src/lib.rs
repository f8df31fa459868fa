//! Offline verification of SLSA provenance, the way slsa-verifier does it.
//!
//! Layers, bottom up: [`dsse`] envelopes and [`keys`]; in-toto [`statement`]s with SLSA
//! provenance v0.2/v1 and VSA predicates; keyless [`sigstore`] bundles checked against a
//! `trusted_root.json`; Google Cloud Build occurrences ([`gcb`]); cosign attestation layers in
//! OCI layouts ([`cosign`]) and the other provenance [`attached`] to an image; the
//! slsa-verifier [`policy`]; and the SLSA build [`level`]. [`verify()`] ties them together;
//! [`Evidence::from_file`] recognises what a provenance file holds. Nothing here touches the network or the clock: a
//! certificate's validity is judged at the time the transparency log or a timestamp authority
//! vouches for.

mod encoding;
mod evidence;

pub mod attached;

pub mod check;
pub mod dsse;
pub mod error;
pub mod keys;

pub use check::{Check, CheckName};
pub use error::ProvenanceError;
pub use evidence::MAX_EVIDENCE_BYTES;
pub mod gcb;
pub mod github;
pub mod level;
pub mod policy;
mod rekor_intoto;
mod sct;
pub mod sigstore;
mod sigstore_provider;
pub mod statement;
pub mod verify;

pub use verify::{verify, Evidence, TrustMaterial, Verdict, VerificationInput, VerifiedClaims};
pub mod cosign;
