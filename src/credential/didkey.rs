//! did:key for Ed25519 (multicodec `ed25519-pub` 0xed01, multibase base58btc), the Multikey
//! `publicKeyMultibase` form, and did:web identifiers with the `did.json` they need.

use ed25519_dalek::VerifyingKey;
use serde_json::json;

/// Multicodec varint prefix of an Ed25519 public key.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DidError {
    #[error("'{0}' is not a multibase base58btc value (it must start with 'z')")]
    NotBase58btc(String),
    #[error("'{0}' is not valid base58btc")]
    BadBase58(String),
    #[error("'{0}' is not an Ed25519 public key (multicodec prefix 0xed01 + 32 bytes expected)")]
    NotEd25519(String),
    #[error("'{0}' is not a valid Ed25519 public key")]
    BadKey(String),
    #[error("'{0}' is not a did:key identifier")]
    NotDidKey(String),
    #[error("'{0}' is not a usable web domain for did:web (letters, digits, '-', '.' and an optional ':port')")]
    BadDomain(String),
}

/// `z` + base58btc(0xed01 ‖ key): the Multikey `publicKeyMultibase` (always starts `z6Mk`).
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&ED25519_PUB);
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Decode a `publicKeyMultibase` (`z6Mk…`) into an Ed25519 key; any other codec is refused.
pub fn decode_public_key_multibase(value: &str) -> Result<VerifyingKey, DidError> {
    let b58 = value
        .strip_prefix('z')
        .ok_or_else(|| DidError::NotBase58btc(value.to_string()))?;
    let bytes = bs58::decode(b58)
        .into_vec()
        .map_err(|_| DidError::BadBase58(value.to_string()))?;
    let raw = match bytes.strip_prefix(&ED25519_PUB) {
        Some(raw) if raw.len() == 32 => raw,
        _ => return Err(DidError::NotEd25519(value.to_string())),
    };
    let mut key = [0u8; 32];
    key.copy_from_slice(raw);
    VerifyingKey::from_bytes(&key).map_err(|_| DidError::BadKey(value.to_string()))
}

/// `did:key:z6Mk…`.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", public_key_multibase(key))
}

/// `did:key:z6Mk…#z6Mk…`: the verification method of a did:key.
pub fn did_key_verification_method(key: &VerifyingKey) -> String {
    let mb = public_key_multibase(key);
    format!("did:key:{mb}#{mb}")
}

/// The key a `did:key:z6Mk…` (optionally with a `#fragment`) stands for.
pub fn decode_did_key(did: &str) -> Result<VerifyingKey, DidError> {
    let rest = did
        .strip_prefix("did:key:")
        .ok_or_else(|| DidError::NotDidKey(did.to_string()))?;
    let (mb, fragment) = match rest.split_once('#') {
        Some((mb, f)) => (mb, Some(f)),
        None => (rest, None),
    };
    let key = decode_public_key_multibase(mb)?;
    // The fragment of a did:key method is the same multibase value; anything else is not it.
    if fragment.is_some_and(|f| f != mb) {
        return Err(DidError::NotDidKey(did.to_string()));
    }
    Ok(key)
}

/// `did:web:<domain>` (a port is written `%3A`, per the did:web spec).
pub fn did_web(domain: &str) -> Result<String, DidError> {
    let ok = !domain.is_empty()
        && domain.split(':').count() <= 2
        && domain.split(':').enumerate().all(|(i, part)| {
            !part.is_empty()
                && if i == 0 {
                    part.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                        && !part.starts_with(['.', '-'])
                } else {
                    part.chars().all(|c| c.is_ascii_digit())
                }
        });
    if !ok {
        return Err(DidError::BadDomain(domain.to_string()));
    }
    Ok(format!("did:web:{}", domain.to_ascii_lowercase().replace(':', "%3A")))
}

/// The verification method id used with a did:web issuer: `did:web:<domain>#<multibase>`.
pub fn did_web_verification_method(did: &str, key: &VerifyingKey) -> String {
    format!("{did}#{}", public_key_multibase(key))
}

/// The `did.json` to publish at `https://<domain>/.well-known/did.json` for a did:web issuer.
pub fn did_web_document(did: &str, key: &VerifyingKey) -> serde_json::Value {
    let vm = did_web_verification_method(did, key);
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": vm,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_key_multibase(key),
        }],
        "authentication": [vm],
        "assertionMethod": [vm],
    })
}

/// Find the Ed25519 key of verification method `vm_id` in a DID document (did:web resolution
/// result supplied by the caller; badgedesk never fetches it itself).
pub fn key_from_did_document(doc: &serde_json::Value, vm_id: &str) -> Option<VerifyingKey> {
    let doc_id = doc.get("id")?.as_str()?;
    doc.get("verificationMethod")?
        .as_array()?
        .iter()
        .find(|m| {
            m.get("id").and_then(|v| v.as_str()).is_some_and(|id| {
                id == vm_id || (id.starts_with('#') && format!("{doc_id}{id}") == vm_id)
            })
        })
        .and_then(|m| m.get("publicKeyMultibase")?.as_str())
        .and_then(|mb| decode_public_key_multibase(mb).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    #[test]
    fn zero_seed_spec_vector() {
        let key = SigningKey::from_bytes(&[0u8; 32]).verifying_key();
        assert_eq!(
            did_key(&key),
            "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
        );
    }

    #[test]
    fn w3c_test_key_round_trips() {
        let seed: [u8; 32] =
            hex::decode("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
                .unwrap()
                .try_into()
                .unwrap();
        let key = SigningKey::from_bytes(&seed).verifying_key();
        assert_eq!(
            hex::encode(key.as_bytes()),
            "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
        );
        let mb = public_key_multibase(&key);
        assert_eq!(mb, "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
        assert_eq!(decode_public_key_multibase(&mb).unwrap(), key);
        let vm = did_key_verification_method(&key);
        assert_eq!(vm, format!("did:key:{mb}#{mb}"));
        assert_eq!(decode_did_key(&vm).unwrap(), key);
        assert_eq!(decode_did_key(&did_key(&key)).unwrap(), key);
    }

    #[test]
    fn other_codecs_and_garbage_are_refused() {
        // A P-256 did:key (zDn…) from the W3C employ vector.
        assert!(matches!(
            decode_did_key("did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76"),
            Err(DidError::NotEd25519(_))
        ));
        assert!(decode_public_key_multibase("6Mkabc").is_err());
        assert!(decode_public_key_multibase("z0OIl").is_err());
        assert!(decode_did_key("did:web:example.org").is_err());
        let key = SigningKey::from_bytes(&[1u8; 32]).verifying_key();
        let other = public_key_multibase(&SigningKey::from_bytes(&[2u8; 32]).verifying_key());
        assert!(decode_did_key(&format!("{}#{other}", did_key(&key))).is_err());
    }

    #[test]
    fn did_web_document_names_the_key() {
        let key = SigningKey::from_bytes(&[7u8; 32]).verifying_key();
        let did = did_web("Badges.Example.org:8443").unwrap();
        assert_eq!(did, "did:web:badges.example.org%3A8443");
        let doc = did_web_document(&did, &key);
        let vm = did_web_verification_method(&did, &key);
        assert_eq!(key_from_did_document(&doc, &vm), Some(key));
        assert_eq!(doc["assertionMethod"][0], vm.as_str());
        assert!(did_web("exa mple.org").is_err());
        assert!(did_web("").is_err());
        assert!(did_web("example.org/path").is_err());
    }
}
