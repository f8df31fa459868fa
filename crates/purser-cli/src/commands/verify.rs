//! `purser verify`: check the SLSA provenance of an image, a file or a digest, offline.
//!
//! The subject gives the digests a provenance must name: an image's index and manifest
//! digests, a file's SHA-256, or a digest typed as `sha256:HEX`. The provenance is the
//! `--provenance` file, or for an image what is attached to it (see
//! `purser_provenance::attached`). Every candidate is verified; the first that passes wins.
//! When none does, the one that got furthest is reported, naming its first failed check.
//! A layout holding several images passes when a provenance verifies for any of them (or for
//! any of their platform manifests); the verified claims name the digest that matched.
//!
//! Exit codes: 0 when a provenance passed, 1 when verification failed (including an image
//! with no provenance attached), 2 when the input is unusable.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use purser_image::{open_image, Image, ImageError, OpenOptions};
use purser_provenance::attached::{
    find_attachments, sha256_hex, Attachments, BlobSource, LayoutDirectory,
};
use purser_provenance::gcb::GcbKeys;
use purser_provenance::keys::PublicKey;
use purser_provenance::policy::{Policy, SourceRef};
use purser_provenance::sigstore::TrustedRoot;
use purser_provenance::{verify, Evidence, ProvenanceError, TrustMaterial, Verdict};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::args::OutputFormat;
use crate::output::{columns, emit};
use crate::ExitStatus;

/// Options of `purser verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The subject: an image (OCI layout directory or tar, docker archive), a file (its
    /// SHA-256 is the digest the provenance must name), or `sha256:HEX`.
    pub subject: String,

    /// The provenance to verify: a Sigstore bundle, a DSSE envelope, a Cloud Build occurrence
    /// list, or JSON Lines of these. Required unless the subject is an image carrying
    /// attestations.
    #[arg(long, value_name = "FILE")]
    pub provenance: Option<PathBuf>,

    /// A Sigstore trusted_root.json; defaults to the bundled Sigstore public-good root.
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,

    /// A PEM public key for key-signed envelopes, or a directory of Google Cloud Build
    /// `*.key` files.
    #[arg(long, value_name = "FILE|DIR")]
    pub key: Option<PathBuf>,

    /// The source repository the provenance must name, e.g. github.com/org/repo.
    #[arg(long, value_name = "URI")]
    pub source_uri: Option<String>,

    /// The builder the provenance must name, `ID[@REF]`; by default any trusted builder.
    #[arg(long, value_name = "ID")]
    pub builder_id: Option<String>,

    /// The branch the subject must have been built from.
    #[arg(long, value_name = "B", group = "source_ref")]
    pub source_branch: Option<String>,

    /// The tag the subject must have been built from, exactly.
    #[arg(long, value_name = "T", group = "source_ref")]
    pub source_tag: Option<String>,

    /// A semantic-version tag prefix the build's tag must match (v1 accepts v1.2.3).
    #[arg(long, value_name = "V", group = "source_ref")]
    pub source_versioned_tag: Option<String>,

    /// Verify a plain Sigstore bundle instead of SLSA provenance, as `cosign verify-blob`
    /// does: the signing certificate must name this identity (SAN) exactly.
    #[arg(
        long,
        value_name = "SAN",
        requires = "cert_oidc_issuer",
        conflicts_with_all = ["source_uri", "builder_id", "source_ref"]
    )]
    pub cert_identity: Option<String>,

    /// The OIDC issuer the signing certificate must name, with --cert-identity.
    #[arg(long, value_name = "URL", requires = "cert_identity")]
    pub cert_oidc_issuer: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// Verifies the subject's provenance.
///
/// # Errors
///
/// When the input is unusable: the subject, the provenance, the trusted root or the key
/// cannot be read, or nothing says what provenance to verify. A failed verification is not
/// an error: it returns [`ExitStatus::VerificationFailed`].
pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitStatus> {
    let keep_file = args.cert_identity.is_some() || args.key.is_some();
    let mut subject = resolve_subject(&args.subject, keep_file)?;
    let trust = trust_material(args)?;
    let candidates = candidates(args, &subject)?;

    // Attached provenance that could not even be read (tampered blobs) counts as failed.
    let mut attempts = Vec::new();
    if args.provenance.is_none() {
        if let Some(attached) = subject.attached.as_mut() {
            attempts.extend(attached.unreadable.drain(..).map(unreadable_attempt));
        }
    }
    verify_until_one_passes(args, &subject, &trust, candidates, &mut attempts);

    let report = Report::new(&args.subject, &subject, &attempts);
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        OutputFormat::Table => report.table(),
    };
    emit(&text, None)?;

    if report.verified {
        if let (None, Some(source)) = (&args.source_uri, &report.claims.source_uri) {
            eprintln!("warning: accepted provenance built from {source} without checking the source; --source-uri requires one");
        }
        return Ok(ExitStatus::Success);
    }
    eprintln!(
        "error: provenance verification failed: {}",
        report.error.as_deref().unwrap_or("no provenance passed")
    );
    Ok(ExitStatus::VerificationFailed)
}

/// Verifies each candidate in turn, recording each attempt, and stops at the first that
/// passes.
fn verify_until_one_passes(
    args: &VerifyArgs,
    subject: &Subject,
    trust: &TrustMaterial,
    candidates: Vec<Evidence>,
    attempts: &mut Vec<Attempt>,
) {
    for evidence in candidates {
        let policy = policy_for(args, &evidence, &subject.digests);
        let artifact = plain_signature_artifact(args, &evidence, subject);
        let input = purser_provenance::VerificationInput { evidence, artifact };
        let verdict = verify(&input, &policy, trust);
        tracing::debug!(
            provenance = input.evidence.name(),
            passed = verdict.passed,
            "verified a candidate"
        );
        let passed = verdict.passed;
        attempts.push(Attempt {
            name: input.evidence.name().to_owned(),
            verdict,
        });
        if passed {
            return;
        }
    }
}

/// What is being verified: the digests a provenance may name, and where its provenance is.
struct Subject {
    /// `sha256:HEX` digests; the first is the subject's own (an image's top-level digest).
    digests: Vec<String>,
    /// A plain file's path, read again only for plain Sigstore signatures.
    file: Option<PathBuf>,
    /// Provenance found attached to an image.
    attached: Option<Attachments>,
}

fn resolve_subject(text: &str, keep_file: bool) -> anyhow::Result<Subject> {
    if text.starts_with("sha256:") {
        let hex = sha256_hex(text)?;
        return Ok(Subject {
            digests: vec![format!("sha256:{}", hex.to_ascii_lowercase())],
            file: None,
            attached: None,
        });
    }
    let path = Path::new(text);
    if !path.exists() {
        bail!("subject {text} is neither an existing path nor a sha256:HEX digest");
    }

    // A layout directory is read directly: verification needs its manifests, not its layers,
    // which copies of signed images often leave out.
    if let Some(layout) = LayoutDirectory::open(path) {
        return image_subject(&layout, None);
    }
    match open_image(path, &OpenOptions::default()) {
        Ok(image) => {
            let manifest = image.manifest_digest().map(ToString::to_string);
            image_subject(&ImageBlobs(&image), manifest)
        }
        Err(ImageError::Unrecognised { .. }) if path.is_file() => {
            tracing::debug!(path = text, "not an image; verifying it as a plain file");
            Ok(Subject {
                digests: vec![file_digest(path)?],
                file: keep_file.then(|| path.to_path_buf()),
                attached: None,
            })
        }
        Err(error) => Err(error).with_context(|| format!("cannot open the image {text}")),
    }
}

fn image_subject(source: &dyn BlobSource, manifest: Option<String>) -> anyhow::Result<Subject> {
    let attached = find_attachments(source)?;
    let mut digests = attached.subjects.clone();
    if let Some(manifest) = manifest.filter(|digest| !digests.contains(digest)) {
        digests.push(manifest);
    }
    if digests.is_empty() {
        bail!(
            "{} has no image digest a provenance could name",
            source.describe()
        );
    }
    Ok(Subject {
        digests,
        file: None,
        attached: Some(attached),
    })
}

/// The SHA-256 of a file, read as a stream.
fn file_digest(path: &Path) -> anyhow::Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = file
            .read(&mut buffer)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(format!("sha256:{}", hex::encode(hasher.finalize())))
}

/// An opened image as a source of attached blobs (OCI layout tars, docker archives).
struct ImageBlobs<'a>(&'a Image);

impl BlobSource for ImageBlobs<'_> {
    fn describe(&self) -> String {
        self.0.path().display().to_string()
    }

    fn index(&self) -> Result<Option<Vec<u8>>, ProvenanceError> {
        Ok(self.0.index_bytes().map(<[u8]>::to_vec))
    }

    fn blob(&self, digest: &str) -> Result<Option<Vec<u8>>, ProvenanceError> {
        let unusable = |reason: String| ProvenanceError::Malformed {
            document: format!("blob {digest} of {}", self.describe()),
            reason,
        };
        let parsed = purser_image::Digest::parse(digest).map_err(|e| unusable(e.to_string()))?;
        match self.0.blob(&parsed) {
            Ok(bytes) => Ok(bytes.map(std::borrow::Cow::into_owned)),
            Err(error) => Err(unusable(error.to_string())),
        }
    }
}

/// The provenance to try, in order.
fn candidates(args: &VerifyArgs, subject: &Subject) -> anyhow::Result<Vec<Evidence>> {
    if let Some(path) = &args.provenance {
        // The size is checked before anything is read: an oversized file is refused unread.
        return Ok(Evidence::from_path(path)?);
    }
    let Some(attached) = &subject.attached else {
        bail!(
            "{} is a file or a digest: say which provenance to verify with --provenance FILE",
            args.subject
        );
    };
    for skipped in &attached.skipped {
        tracing::debug!(skipped, "attached artifact not verified");
    }
    Ok(attached
        .attestations
        .iter()
        .map(|attestation| attestation.evidence.clone())
        .collect())
}

fn trust_material(args: &VerifyArgs) -> anyhow::Result<TrustMaterial> {
    let trusted_root = match &args.trusted_root {
        Some(path) => {
            let json = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the trusted root {}", path.display()))?;
            TrustedRoot::from_json(&path.display().to_string(), &json)?
        }
        None => TrustedRoot::public_good()?,
    };
    let mut trust = TrustMaterial {
        trusted_root: Some(trusted_root),
        ..TrustMaterial::default()
    };

    if let Some(path) = &args.key {
        if path.is_dir() {
            trust.gcb_keys = Some(GcbKeys::from_dir(path)?);
        } else {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the key {}", path.display()))?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            );
            trust.keys.push(PublicKey::from_pem(&name, &pem)?);
        }
    }
    Ok(trust)
}

/// The policy for one candidate: the flags, and the subject digest it must name (the one of
/// the subject's digests the candidate claims, else the subject's own so the failure names it).
fn policy_for(args: &VerifyArgs, evidence: &Evidence, digests: &[String]) -> Policy {
    let claimed = evidence.claimed_subjects();
    let required = digests
        .iter()
        .find(|digest| claimed.contains(digest))
        .or(digests.first());
    let source_ref = args
        .source_branch
        .clone()
        .map(SourceRef::Branch)
        .or_else(|| args.source_tag.clone().map(SourceRef::Tag))
        .or_else(|| {
            args.source_versioned_tag
                .clone()
                .map(SourceRef::VersionedTag)
        });
    Policy {
        subject_sha256: required.map(|digest| digest.trim_start_matches("sha256:").to_owned()),
        source_uri: args.source_uri.clone(),
        builder_id: args.builder_id.clone(),
        source_ref,
        certificate_identity: args
            .cert_identity
            .clone()
            .zip(args.cert_oidc_issuer.clone()),
        summary: None,
        signature_only: false,
    }
}

/// A file's bytes, when the candidate is a bundle signing them directly (no DSSE inside) and
/// the user said who must have signed: a certificate identity, or a key without SLSA policy
/// flags (a plain signature carries no provenance those flags could be checked against, so
/// with them it fails as "holds no DSSE attestation").
fn plain_signature_artifact(
    args: &VerifyArgs,
    evidence: &Evidence,
    subject: &Subject,
) -> Option<Vec<u8>> {
    let Evidence::SigstoreBundle { name, json } = evidence else {
        return None;
    };
    let slsa_flags = args.source_uri.is_some()
        || args.builder_id.is_some()
        || args.source_branch.is_some()
        || args.source_tag.is_some()
        || args.source_versioned_tag.is_some();
    let signer_named = args.cert_identity.is_some() || (args.key.is_some() && !slsa_flags);
    let file = subject.file.as_ref().filter(|_| signer_named)?;
    let carries_envelope = purser_provenance::sigstore::bundle_envelope(name, json)
        .map(|envelope| envelope.is_some())
        .unwrap_or(false);
    if carries_envelope {
        return None;
    }
    match std::fs::read(file) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            tracing::warn!(%error, path = %file.display(), "cannot read the subject again");
            None
        }
    }
}

/// One candidate and its verdict.
struct Attempt {
    name: String,
    verdict: Verdict,
}

/// A failed attempt for attached provenance that could not be read.
fn unreadable_attempt((origin, error): (String, ProvenanceError)) -> Attempt {
    Attempt {
        name: origin,
        verdict: Verdict {
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

/// What `purser verify --format json` prints.
#[derive(Serialize)]
struct Report {
    /// The subject as given.
    subject: String,
    /// The digests a provenance could name.
    subject_digests: Vec<String>,
    /// Whether a provenance passed.
    verified: bool,
    /// The provenance reported: the one that passed, or the one that got furthest.
    provenance: Option<String>,
    /// Its checks, in order.
    checks: Vec<CheckReport>,
    /// What it established.
    claims: ClaimsReport,
    /// Its first failed check, with the values compared.
    error: Option<String>,
    /// Every candidate tried, in order.
    attempts: Vec<AttemptReport>,
}

#[derive(Serialize)]
struct CheckReport {
    name: &'static str,
    passed: bool,
    detail: String,
}

#[derive(Serialize, Default)]
struct ClaimsReport {
    builder_id: Option<String>,
    source_uri: Option<String>,
    source_ref: Option<String>,
    digest: Option<String>,
    slsa_level: Option<&'static str>,
}

#[derive(Serialize)]
struct AttemptReport {
    provenance: String,
    verified: bool,
    error: Option<String>,
}

impl Report {
    fn new(subject_text: &str, subject: &Subject, attempts: &[Attempt]) -> Self {
        let chosen = chosen_attempt(attempts);
        let error = match chosen {
            Some(attempt) => attempt.verdict.error.as_ref().map(ToString::to_string),
            None => Some(no_provenance_message(subject_text, subject)),
        };
        Self {
            subject: subject_text.to_owned(),
            subject_digests: subject.digests.clone(),
            verified: chosen.is_some_and(|attempt| attempt.verdict.passed),
            provenance: chosen.map(|attempt| attempt.name.clone()),
            checks: chosen
                .map(|attempt| {
                    attempt
                        .verdict
                        .checks
                        .iter()
                        .map(|check| CheckReport {
                            name: check.name.as_str(),
                            passed: check.passed,
                            detail: check.detail.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            claims: chosen.map_or_else(ClaimsReport::default, |attempt| {
                let claims = &attempt.verdict.claims;
                ClaimsReport {
                    builder_id: claims.builder_id.clone(),
                    source_uri: claims.source_uri.clone(),
                    source_ref: claims.source_ref.clone(),
                    digest: claims.digest.clone(),
                    slsa_level: claims.level.map(|level| level.as_str()),
                }
            }),
            error,
            attempts: attempts
                .iter()
                .map(|attempt| AttemptReport {
                    provenance: attempt.name.clone(),
                    verified: attempt.verdict.passed,
                    error: attempt.verdict.error.as_ref().map(ToString::to_string),
                })
                .collect(),
        }
    }

    fn table(&self) -> String {
        let none = || "-".to_owned();
        let summary = [
            ("subject", self.subject.clone()),
            (
                "digest",
                self.subject_digests.first().cloned().unwrap_or_else(none),
            ),
            ("provenance", self.provenance.clone().unwrap_or_else(none)),
            (
                "result",
                if self.verified { "verified" } else { "FAILED" }.to_owned(),
            ),
            (
                "builder",
                self.claims.builder_id.clone().unwrap_or_else(none),
            ),
            (
                "source",
                self.claims.source_uri.clone().unwrap_or_else(none),
            ),
            ("ref", self.claims.source_ref.clone().unwrap_or_else(none)),
            (
                "slsa level",
                self.claims.slsa_level.map_or_else(none, str::to_owned),
            ),
        ];
        let mut text = String::new();
        for (label, value) in summary {
            text.push_str(&format!("{label:<12}{value}\n"));
        }
        if !self.checks.is_empty() {
            text.push('\n');
            let rows: Vec<Vec<String>> = self
                .checks
                .iter()
                .map(|check| {
                    vec![
                        check.name.to_owned(),
                        if check.passed { "pass" } else { "FAIL" }.to_owned(),
                        check.detail.clone(),
                    ]
                })
                .collect();
            text.push_str(&columns(&["CHECK", "RESULT", "DETAIL"], &rows));
        }
        text
    }
}

/// The attempt to report: the first that passed, else the failure with most checks passed
/// before it (the earliest among equals), which is the most telling.
fn chosen_attempt(attempts: &[Attempt]) -> Option<&Attempt> {
    if let Some(passed) = attempts.iter().find(|attempt| attempt.verdict.passed) {
        return Some(passed);
    }
    let progress = |attempt: &Attempt| {
        attempt
            .verdict
            .checks
            .iter()
            .filter(|check| check.passed)
            .count()
    };
    attempts
        .iter()
        .fold(None, |best: Option<&Attempt>, attempt| match best {
            Some(best) if progress(best) >= progress(attempt) => Some(best),
            _ => Some(attempt),
        })
}

fn no_provenance_message(subject_text: &str, subject: &Subject) -> String {
    let message =
        format!("no provenance is attached to {subject_text}; pass one with --provenance FILE");
    match subject.attached.as_ref().map(|attached| &attached.skipped) {
        Some(skipped) if !skipped.is_empty() => {
            format!("{message} (passed over: {})", skipped.join("; "))
        }
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(name: &str, passed: usize, failed: bool) -> Attempt {
        let mut checks: Vec<_> = (0..passed)
            .map(|_| purser_provenance::Check::pass(purser_provenance::CheckName::Format, "ok"))
            .collect();
        if failed {
            checks.push(purser_provenance::Check::fail(
                purser_provenance::CheckName::SourceUri,
                "expected a, provenance was built from b",
            ));
        }
        Attempt {
            name: name.to_owned(),
            verdict: Verdict {
                passed: !failed,
                checks,
                claims: purser_provenance::VerifiedClaims::default(),
                error: None,
            },
        }
    }

    #[test]
    fn reports_the_pass_or_the_failure_that_got_furthest() {
        let attempts = [
            attempt("a", 0, true),
            attempt("b", 3, true),
            attempt("c", 3, true),
        ];
        assert_eq!(chosen_attempt(&attempts).unwrap().name, "b");

        let attempts = [attempt("a", 5, true), attempt("b", 1, false)];
        assert_eq!(chosen_attempt(&attempts).unwrap().name, "b");
        assert!(chosen_attempt(&[]).is_none());
    }

    #[test]
    fn a_digest_subject_is_lowercased_and_a_bad_one_refused() {
        let upper = format!("sha256:{}", "AB".repeat(32));
        let subject = resolve_subject(&upper, false).unwrap();
        assert_eq!(subject.digests, [upper.to_ascii_lowercase()]);
        assert!(resolve_subject("sha256:abc", false).is_err());
        assert!(resolve_subject("/no/such/subject", false).is_err());
    }
}
