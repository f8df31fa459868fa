//! The entry point: verify one piece of provenance evidence against a policy and trust
//! material, recording every check, and judge the SLSA build level.

use crate::check::{Check, CheckName};
use crate::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::error::ProvenanceError;
use crate::gcb::{self, GcbKeys};
use crate::github::decide_builder;
use crate::keys::PublicKey;
use crate::level::{BuildLevel, BuilderLevels};
use crate::policy::{check_ref, check_source, Policy};
use crate::sigstore::{verify_bundle, BundleArtifact, TrustedRoot};
use crate::statement::Statement;

/// The evidence to verify; `name` (a file name or digest) appears in messages.
#[derive(Debug, Clone)]
pub enum Evidence {
    /// A Sigstore bundle (JSON), keyless or carrying a DSSE attestation.
    SigstoreBundle {
        /// Where it came from.
        name: String,
        /// The bundle JSON.
        json: String,
    },
    /// A DSSE envelope signed by a key in [`TrustMaterial::keys`].
    DsseEnvelope {
        /// Where it came from.
        name: String,
        /// The envelope JSON.
        json: Vec<u8>,
    },
    /// A Google Cloud Build occurrence list (`gcloud artifacts docker images describe
    /// --show-provenance --format json`).
    GcbOccurrence {
        /// Where it came from.
        name: String,
        /// The occurrence JSON.
        json: Vec<u8>,
    },
    /// An in-toto statement without any signature (BuildKit's default attestations).
    UnsignedStatement {
        /// Where it came from.
        name: String,
        /// The statement JSON.
        json: Vec<u8>,
    },
}

/// What to verify: the evidence and, for plain Sigstore bundles, the artifact bytes.
#[derive(Debug, Clone)]
pub struct VerificationInput {
    /// The provenance or signature.
    pub evidence: Evidence,
    /// The artifact's bytes, when the bundle signs them directly rather than a statement.
    pub artifact: Option<Vec<u8>>,
}

/// Keys and roots the verifier trusts.
#[derive(Debug, Default)]
pub struct TrustMaterial {
    /// The Sigstore trusted root for keyless bundles.
    pub trusted_root: Option<TrustedRoot>,
    /// Keys for key-signed DSSE envelopes; a key's name is its key id.
    pub keys: Vec<PublicKey>,
    /// Only signatures whose `keyid` equals this count (slsa-verifier's VSA key id check).
    pub required_key_id: Option<String>,
    /// Google Cloud Build's signing keys.
    pub gcb_keys: Option<GcbKeys>,
    /// Builder → SLSA level.
    pub builder_levels: BuilderLevels,
}

/// What a passing verification established.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifiedClaims {
    /// The builder that produced the provenance (from the signer where there is one).
    pub builder_id: Option<String>,
    /// The source repository.
    pub source_uri: Option<String>,
    /// The source ref.
    pub source_ref: Option<String>,
    /// The subject digest that matched, `sha256:HEX`.
    pub digest: Option<String>,
    /// The SLSA build level earned.
    pub level: Option<BuildLevel>,
}

/// The outcome of [`verify`].
#[derive(Debug)]
pub struct Verdict {
    /// Whether every check passed.
    pub passed: bool,
    /// Every check run, in order; on failure the last one failed.
    pub checks: Vec<Check>,
    /// The verified claims (partial when verification failed).
    pub claims: VerifiedClaims,
    /// The first failure, naming the check and the values compared.
    pub error: Option<ProvenanceError>,
}

/// Verifies `input` against `policy` with `trust`. Never panics and never reads the clock or
/// the network; each failure is recorded as the failed check in the verdict.
pub fn verify(input: &VerificationInput, policy: &Policy, trust: &TrustMaterial) -> Verdict {
    let mut checks = Vec::new();
    let mut claims = VerifiedClaims::default();
    let outcome = run(input, policy, trust, &mut checks, &mut claims);

    let passed = outcome.is_ok();
    claims.level = Some(
        trust
            .builder_levels
            .level(passed, claims.builder_id.as_deref()),
    );
    let error = outcome.err();
    if let Some(error) = &error {
        tracing::debug!(%error, "provenance verification failed");
        checks.push(Check::fail(error.check_name(), error.to_string()));
    }
    Verdict {
        passed,
        checks,
        claims,
        error,
    }
}

fn run(
    input: &VerificationInput,
    policy: &Policy,
    trust: &TrustMaterial,
    checks: &mut Vec<Check>,
    claims: &mut VerifiedClaims,
) -> Result<(), ProvenanceError> {
    match &input.evidence {
        Evidence::SigstoreBundle { name, json } => verify_sigstore(
            name,
            json,
            input.artifact.as_deref(),
            policy,
            trust,
            checks,
            claims,
        ),
        Evidence::DsseEnvelope { name, json } => {
            verify_keyed(name, json, policy, trust, checks, claims)
        }
        Evidence::GcbOccurrence { name, json } => {
            let keys = trust.gcb_keys.as_ref().ok_or_else(|| {
                ProvenanceError::check(
                    CheckName::Signature,
                    "no Google Cloud Build keys were given",
                )
            })?;
            gcb::verify_occurrence(name, json, keys, policy, checks, claims)
        }
        Evidence::UnsignedStatement { name, .. } => Err(ProvenanceError::check(
            CheckName::Signature,
            format!("{name}: unsigned provenance (an in-toto statement without any signature)"),
        )),
    }
}

fn verify_sigstore(
    name: &str,
    json: &str,
    artifact: Option<&[u8]>,
    policy: &Policy,
    trust: &TrustMaterial,
    checks: &mut Vec<Check>,
    claims: &mut VerifiedClaims,
) -> Result<(), ProvenanceError> {
    let root = trust.trusted_root.as_ref().ok_or_else(|| {
        ProvenanceError::check(
            CheckName::Sigstore,
            "no trusted root was given for a keyless bundle",
        )
    })?;
    let identity = policy
        .certificate_identity
        .as_ref()
        .map(|(san, issuer)| (san.as_str(), issuer.as_str()));

    // A plain signature over the artifact's bytes: the Sigstore layer is the whole check.
    if let Some(bytes) = artifact {
        let managed_key = trust.keys.first().map(PublicKey::spki_der);
        let verified = verify_bundle(
            name,
            json,
            BundleArtifact::Bytes(bytes),
            root,
            identity,
            managed_key,
        )?;
        checks.push(Check::pass(
            CheckName::Sigstore,
            format!("bundle {name} verified against {}", root.name()),
        ));
        claims.builder_id = verified.signer.build_signer_uri.clone();
        return Ok(());
    }

    // An attestation: bind it to the statement subject the policy names (or its first).
    let envelope = crate::sigstore::bundle_envelope(name, json)?.ok_or_else(|| {
        ProvenanceError::check(
            CheckName::Format,
            format!("bundle {name} holds no DSSE attestation"),
        )
    })?;
    // Only an in-toto payload names subjects; anything else cannot bind the bundle to one.
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(ProvenanceError::check(
            CheckName::Format,
            format!(
                "bundle {name}: payload type {} is not {IN_TOTO_PAYLOAD_TYPE}, so it names no \
                 subject to check",
                envelope.payload_type
            ),
        ));
    }
    let statement = Statement::from_json(&envelope.payload)?;
    let digest = binding_digest(&statement, policy)?;
    let verified = verify_bundle(
        name,
        json,
        BundleArtifact::Sha256(&digest),
        root,
        identity,
        None,
    )?;
    checks.push(Check::pass(
        CheckName::Sigstore,
        format!("bundle {name} verified against {}", root.name()),
    ));

    check_subject(&statement, policy, checks, claims)?;
    if !policy_reads_provenance(policy) {
        return Ok(());
    }

    let provenance = statement.provenance()?;
    let signer = &verified.signer;
    let workflow = signer.build_signer_uri.as_deref().ok_or_else(|| {
        ProvenanceError::check(
            CheckName::BuilderId,
            "signing certificate has no Build Signer URI",
        )
    })?;
    let (builder, check) = decide_builder(
        workflow,
        &provenance.builder_id,
        policy.builder_id.as_deref(),
    )?;
    checks.push(check);
    claims.builder_id = Some(builder);

    // The signer identity decides; the predicate's claims must merely agree with it.
    let source = signer
        .source_repository_uri
        .clone()
        .or(provenance.source_uri.clone());
    if let (Some(certified), Some(claimed)) =
        (&signer.source_repository_uri, &provenance.source_uri)
    {
        if crate::policy::normalise_source_uri(certified)
            != crate::policy::normalise_source_uri(claimed)
        {
            return Err(ProvenanceError::check(
                CheckName::Consistency,
                format!("provenance claims source {claimed}, certificate says {certified}"),
            ));
        }
    }
    if let Some(expected) = &policy.source_uri {
        checks.push(check_source(expected, source.as_deref())?);
    }
    claims.source_uri = source;

    let reference = signer
        .source_repository_ref
        .clone()
        .or(provenance.source_ref.clone());
    if let Some(expected) = &policy.source_ref {
        checks.push(check_ref(expected, reference.as_deref())?);
    }
    claims.source_ref = reference;
    Ok(())
}

/// Whether the policy asks anything of the provenance predicate itself.
fn policy_reads_provenance(policy: &Policy) -> bool {
    policy.certificate_identity.is_none() && !policy.signature_only
}

/// The subject digest the Sigstore layer binds the attestation to.
fn binding_digest(statement: &Statement, policy: &Policy) -> Result<[u8; 32], ProvenanceError> {
    let wanted = policy.subject_sha256.as_deref();
    let hex = statement
        .subjects
        .iter()
        .filter_map(|subject| subject.digest.get("sha256"))
        .find(|hex| wanted.is_none_or(|wanted| hex.eq_ignore_ascii_case(wanted)))
        .or_else(|| {
            statement
                .subjects
                .iter()
                .find_map(|subject| subject.digest.get("sha256"))
        })
        .ok_or_else(|| {
            ProvenanceError::check(CheckName::SubjectDigest, "statement has no sha256 subject")
        })?;
    let bytes = hex::decode(hex).map_err(|e| {
        ProvenanceError::check(
            CheckName::SubjectDigest,
            format!("subject digest {hex} is not hex: {e}"),
        )
    })?;
    bytes.try_into().map_err(|_| {
        ProvenanceError::check(
            CheckName::SubjectDigest,
            format!("subject digest {hex} is not 32 bytes"),
        )
    })
}

/// The policy's subject digest must be among the statement's subjects.
pub(crate) fn check_subject(
    statement: &Statement,
    policy: &Policy,
    checks: &mut Vec<Check>,
    claims: &mut VerifiedClaims,
) -> Result<(), ProvenanceError> {
    let Some(wanted) = policy.subject_sha256.as_deref() else {
        return Ok(());
    };
    let wanted = wanted.strip_prefix("sha256:").unwrap_or(wanted);
    if !statement.has_subject_digest("sha256", wanted) {
        let found: Vec<&str> = statement
            .subjects
            .iter()
            .filter_map(|subject| subject.digest.get("sha256").map(String::as_str))
            .collect();
        return Err(ProvenanceError::check(
            CheckName::SubjectDigest,
            format!(
                "expected subject sha256:{wanted}, statement has [{}]",
                found.join(", ")
            ),
        ));
    }
    checks.push(Check::pass(
        CheckName::SubjectDigest,
        format!("subject sha256:{wanted}"),
    ));
    claims.digest = Some(format!("sha256:{wanted}"));
    Ok(())
}

fn verify_keyed(
    name: &str,
    json: &[u8],
    policy: &Policy,
    trust: &TrustMaterial,
    checks: &mut Vec<Check>,
    claims: &mut VerifiedClaims,
) -> Result<(), ProvenanceError> {
    let mut envelope = Envelope::from_json(name, json)?;
    checks.push(Check::pass(
        CheckName::Format,
        format!("dsse envelope {name}"),
    ));

    if let Some(required) = &trust.required_key_id {
        envelope
            .signatures
            .retain(|signature| signature.keyid.as_deref() == Some(required.as_str()));
    }
    // Limitation: a certificate inside a bare envelope cannot be judged offline, because
    // nothing proves when it signed; such envelopes fail unless a trusted key verifies them.
    if trust.keys.is_empty()
        && envelope
            .signatures
            .iter()
            .any(|signature| signature.cert.is_some())
    {
        return Err(ProvenanceError::check(
            CheckName::Sigstore,
            format!("{name}: signature carries a certificate but no transparency-log evidence of its signing time (offline)"),
        ));
    }
    let key = envelope.verify(&trust.keys)?;
    checks.push(Check::pass(
        CheckName::Signature,
        format!("signature by key {key}"),
    ));

    // A policy about subjects needs a statement; without one the signature is all there is.
    let needs_statement = policy.subject_sha256.is_some() || policy.summary.is_some();
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        if needs_statement {
            return Err(ProvenanceError::check(
                CheckName::Format,
                format!(
                    "{name}: payload type {} is not {IN_TOTO_PAYLOAD_TYPE}, so it names no subject to check",
                    envelope.payload_type
                ),
            ));
        }
        return Ok(());
    }
    let statement = match Statement::from_json(&envelope.payload) {
        Ok(statement) => statement,
        Err(error) if needs_statement => {
            return Err(ProvenanceError::check(
                CheckName::Format,
                format!("{name}: the signed payload is not an in-toto statement: {error}"),
            ));
        }
        // An in-toto link or layout: the signature is all this verifier judges.
        Err(_) => return Ok(()),
    };
    check_subject(&statement, policy, checks, claims)?;
    if let Some(summary) = &policy.summary {
        checks.push(summary.check(&statement)?);
    }
    Ok(())
}
