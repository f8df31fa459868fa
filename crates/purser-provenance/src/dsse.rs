//! DSSE envelopes (<https://github.com/secure-systems-lab/dsse/blob/master/envelope.md>) and
//! their pre-authentication encoding (`protocol.md`): signatures cover
//! `PAE(payloadType, payload)` over the exact decoded payload bytes, never a re-encoding.

use serde_json::Value;

use crate::check::CheckName;
use crate::encoding::decode_base64;
use crate::error::ProvenanceError;
use crate::keys::PublicKey;

/// The media type of an in-toto statement carried in a DSSE envelope.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A parsed DSSE envelope with its payload and signatures decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `payloadType`: REQUIRED, the type URI of the payload.
    pub payload_type: String,
    /// `payload`: REQUIRED, the decoded payload bytes exactly as signed.
    pub payload: Vec<u8>,
    /// `signatures`: the signatures, possibly none.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One entry of an envelope's `signatures`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// `keyid`: OPTIONAL, unauthenticated hint naming the key.
    pub keyid: Option<String>,
    /// `sig`: REQUIRED, the decoded signature bytes (empty when the field was empty).
    pub sig: Vec<u8>,
    /// `cert`: a PEM certificate some signers (slsa-github-generator before v1.5) attach.
    pub cert: Option<String>,
}

impl Envelope {
    /// Parses an envelope from JSON text.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::Malformed`] for invalid JSON, and the field errors for a missing or
    /// ill-typed `payloadType`, `payload` or `signatures`, or undecodable base64.
    pub fn from_json(document: &str, bytes: &[u8]) -> Result<Self, ProvenanceError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| ProvenanceError::json(document, &e))?;
        Self::from_value(document, &value)
    }

    /// Parses an envelope already read as JSON.
    ///
    /// # Errors
    ///
    /// As [`Envelope::from_json`].
    pub fn from_value(document: &str, value: &Value) -> Result<Self, ProvenanceError> {
        let payload_type = required_string(document, value, "payloadType")?;
        let payload_text = required_string(document, value, "payload")?;
        let payload = decode_field(document, "payload", payload_text)?;

        let signatures = match value.get("signatures") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(index, item)| parse_signature(document, index, item))
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(wrong_type(document, "signatures", other, "an array")),
        };

        Ok(Self {
            payload_type: payload_type.to_owned(),
            payload,
            signatures,
        })
    }

    /// The bytes a signature covers: `PAE(payloadType, payload)`.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// Checks the signatures against `keys`: passes when at least one signature verifies over
    /// the PAE with one of the keys. Returns the name of the key that verified.
    ///
    /// # Errors
    ///
    /// [`ProvenanceError::CheckFailed`] with [`CheckName::Signature`] when none verifies.
    pub fn verify(&self, keys: &[PublicKey]) -> Result<String, ProvenanceError> {
        let message = self.pae();
        verify_any(&self.signatures, keys, &message, "PAE")
    }
}

/// Tries every signature with every key over `message`; `what` names the message in errors.
pub(crate) fn verify_any(
    signatures: &[EnvelopeSignature],
    keys: &[PublicKey],
    message: &[u8],
    what: &str,
) -> Result<String, ProvenanceError> {
    if signatures.is_empty() {
        return Err(ProvenanceError::check(
            CheckName::Signature,
            "envelope has no signatures",
        ));
    }
    for signature in signatures {
        for key in keys {
            if !signature.sig.is_empty() && key.verifies(message, &signature.sig) {
                tracing::debug!(key = key.name(), "dsse signature verified over {what}");
                return Ok(key.name().to_owned());
            }
        }
    }
    let names: Vec<&str> = keys.iter().map(PublicKey::name).collect();
    Err(ProvenanceError::check(
        CheckName::Signature,
        format!(
            "none of {} signature(s) verifies over the {what} with key(s) [{}]",
            signatures.len(),
            names.join(", ")
        ),
    ))
}

/// DSSE v1 pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

fn parse_signature(
    document: &str,
    index: usize,
    item: &Value,
) -> Result<EnvelopeSignature, ProvenanceError> {
    let field = format!("signatures[{index}]");
    if !item.is_object() {
        return Err(wrong_type(document, &field, item, "an object"));
    }
    let keyid = optional_string(document, item, &format!("{field}.keyid"), "keyid")?;
    let cert = optional_string(document, item, &format!("{field}.cert"), "cert")?;
    let sig_text =
        optional_string(document, item, &format!("{field}.sig"), "sig")?.ok_or_else(|| {
            ProvenanceError::MissingField {
                document: document.to_owned(),
                field: format!("{field}.sig"),
            }
        })?;
    let sig = decode_field(document, &format!("{field}.sig"), &sig_text)?;
    Ok(EnvelopeSignature {
        keyid: keyid.filter(|id| !id.is_empty()),
        sig,
        cert: cert.filter(|pem| !pem.is_empty()),
    })
}

fn decode_field(document: &str, field: &str, text: &str) -> Result<Vec<u8>, ProvenanceError> {
    decode_base64(text).map_err(|reason| ProvenanceError::InvalidField {
        document: document.to_owned(),
        field: field.to_owned(),
        problem: format!("is not base64: {reason}"),
    })
}

pub(crate) fn required_string<'a>(
    document: &str,
    value: &'a Value,
    field: &str,
) -> Result<&'a str, ProvenanceError> {
    match value.get(field) {
        Some(Value::String(text)) => Ok(text),
        None | Some(Value::Null) => Err(ProvenanceError::MissingField {
            document: document.to_owned(),
            field: field.to_owned(),
        }),
        Some(other) => Err(wrong_type(document, field, other, "a string")),
    }
}

fn optional_string(
    document: &str,
    value: &Value,
    path: &str,
    field: &str,
) -> Result<Option<String>, ProvenanceError> {
    match value.get(field) {
        Some(Value::String(text)) => Ok(Some(text.clone())),
        None | Some(Value::Null) => Ok(None),
        Some(other) => Err(wrong_type(document, path, other, "a string")),
    }
}

/// An [`ProvenanceError::InvalidField`] naming the JSON type found and the one expected.
pub(crate) fn wrong_type(
    document: &str,
    field: &str,
    found: &Value,
    expected: &str,
) -> ProvenanceError {
    let kind = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    ProvenanceError::InvalidField {
        document: document.to_owned(),
        field: field.to_owned(),
        problem: format!("is {kind}, expected {expected}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_spec_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn parses_url_safe_envelope_and_reports_bad_fields() {
        let json = br#"{"payloadType":"t","payload":"-_8","signatures":[{"keyid":"","sig":"AA"}]}"#;
        let envelope = Envelope::from_json("test", json).unwrap();
        assert_eq!(envelope.payload, vec![0xfb, 0xff]);
        assert_eq!(envelope.signatures[0].keyid, None);

        let error = Envelope::from_json("test", br#"{"payloadType":1,"payload":""}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "test: field `payloadType` is a number, expected a string"
        );
        let error = Envelope::from_json("test", br#"{"payload":""}"#).unwrap_err();
        assert_eq!(error.to_string(), "test has no field `payloadType`");
    }

    #[test]
    fn unsigned_envelope_fails_the_signature_check() {
        let envelope = Envelope {
            payload_type: "t".into(),
            payload: b"x".to_vec(),
            signatures: Vec::new(),
        };
        let error = envelope.verify(&[]).unwrap_err();
        assert_eq!(error.check_name(), CheckName::Signature);
    }
}
