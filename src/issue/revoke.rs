//! Revocation: mark a credential revoked in the database, then regenerate the signed Bitstring
//! Status List credential (`issued/status-list.json`) that the claim site publishes.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::engine::{IssueError, issuer_binding, status_list_url};
use super::files;
use super::status_list::StatusBits;
use crate::clock::rfc3339;
use crate::credential::{IssuerBinding, IssuerKey, canon, proof};
use crate::event::EventDir;
use crate::store::Store;

/// File name of the status list credential under `issued/`.
pub const STATUS_LIST_FILE: &str = "status-list.json";

/// The unsigned status list credential for these revoked indices.
pub fn status_list_document(
    list_url: &str,
    issuer: &str,
    revoked: &BTreeSet<u64>,
    now: OffsetDateTime,
) -> Result<Value, IssueError> {
    let bits = StatusBits::with_revoked(revoked.iter().copied())?;
    Ok(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": rfc3339(now),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
        }
    }))
}

/// Sign any JSON-LD document with eddsa-rdfc-2022 through the general path (status lists are
/// few and small; the fast path only knows badge credentials).
pub fn sign_document(
    mut document: Value,
    key: &IssuerKey,
    binding: &IssuerBinding,
    now: OffsetDateTime,
) -> Result<Value, IssueError> {
    let sign_err =
        |e: proof::ProofError| IssueError::Config(format!("cannot sign the status list: {e}"));
    let canonical = canon::canonicalize_serde(&document).map_err(|e| sign_err(e.into()))?;
    let options = proof::proof_options(&binding.verification_method, &rfc3339(now));
    let context = document.get("@context").cloned().unwrap_or(Value::Null);
    let config = proof::canonical_proof_config_general(&options, &context).map_err(sign_err)?;
    let signed = proof::sign_canonical(key, &options, &proof::sha256(&config), &canonical);
    if let Some(object) = document.as_object_mut() {
        object.insert("proof".into(), json!([signed]));
    }
    Ok(document)
}

/// Revoke a credential and, when the event publishes a status list, rewrite it signed.
/// Returns false if the credential was already revoked.
pub fn revoke(
    event: &EventDir,
    store: &mut Store,
    key: &IssuerKey,
    credential_id: &str,
    reason: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Result<bool, IssueError> {
    let changed = store.revoke(credential_id, reason, actor, now)?;
    write_status_list(event, store, key, now)?;
    Ok(changed)
}

/// Write `issued/status-list.json` from the database. Does nothing without a claim base URL.
pub fn write_status_list(
    event: &EventDir,
    store: &Store,
    key: &IssuerKey,
    now: OffsetDateTime,
) -> Result<(), IssueError> {
    let Some(url) = status_list_url(event) else {
        return Ok(());
    };
    let revoked = store.revoked_status_indices()?;
    let binding = issuer_binding(event, key)?;
    let document = status_list_document(&url, &binding.issuer_id, &revoked, now)?;
    let signed = sign_document(document, key, &binding, now)?;
    let dir = event.issued_dir();
    std::fs::create_dir_all(&dir).map_err(|source| IssueError::Write {
        path: dir.clone(),
        source,
    })?;
    let path = dir.join(STATUS_LIST_FILE);
    let text = serde_json::to_string_pretty(&signed).unwrap_or_default();
    files::write_atomic(&path, text.as_bytes()).map_err(|source| IssueError::Write { path, source })
}

/// Whether `issued/status-list.json` says what the database says (the list's URL and its
/// revoked indices). A kill between a revocation's commit and the list's rewrite leaves it
/// stale. True without a claim base URL, and for a missing list while nothing is revoked
/// (issuing does not write one).
pub fn status_list_current(event: &EventDir, store: &Store) -> Result<bool, IssueError> {
    let Some(url) = status_list_url(event) else {
        return Ok(true);
    };
    let revoked = store.revoked_status_indices()?;
    let path = event.issued_dir().join(STATUS_LIST_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(revoked.is_empty()),
        // Unreadable or not UTF-8: writing it again is the repair.
        Err(_) => return Ok(false),
    };
    let Ok(document) = serde_json::from_str::<Value>(&text) else {
        return Ok(false);
    };
    let encoded = document
        .pointer("/credentialSubject/encodedList")
        .and_then(Value::as_str);
    let same_bits = match encoded.map(StatusBits::decode) {
        Some(Ok(bits)) => bits == StatusBits::with_revoked(revoked.iter().copied())?,
        _ => false,
    };
    Ok(same_bits && document.get("id").and_then(Value::as_str) == Some(url.as_str()))
}

/// Write `issued/status-list.json` again when it is not [`status_list_current`]. Returns
/// whether it was written.
pub fn repair_status_list(
    event: &EventDir,
    store: &Store,
    key: &IssuerKey,
    now: OffsetDateTime,
) -> Result<bool, IssueError> {
    if status_list_current(event, store)? {
        return Ok(false);
    }
    write_status_list(event, store, key, now)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn signed_status_list_verifies_and_carries_the_revoked_bits() {
        let key = IssuerKey::from_seed(&[7; 32]);
        let binding = IssuerBinding::did_key(&key);
        let now = datetime!(2026-05-16 18:00 UTC);
        let url = "https://badges.example.org/fr26/status/1.json";
        let doc = status_list_document(url, &binding.issuer_id, &[3, 77].into(), now).unwrap();
        let signed = sign_document(doc.clone(), &key, &binding, now).unwrap();
        let encoded = signed["credentialSubject"]["encodedList"].as_str().unwrap();
        let bits = StatusBits::decode(encoded).unwrap();
        assert!(bits.get(3).unwrap() && bits.get(77).unwrap() && !bits.get(4).unwrap());

        let proof_value = signed["proof"][0]["proofValue"].as_str().unwrap();
        let signature = proof::decode_proof_value(proof_value).unwrap();
        let options = proof::proof_options(&binding.verification_method, &rfc3339(now));
        let config = proof::canonical_proof_config_general(&options, &doc["@context"]).unwrap();
        let canonical = canon::canonicalize_serde(&doc).unwrap();
        assert!(proof::verify_canonical(
            &key.verifying_key(),
            &signature,
            &config,
            &canonical
        ));
        let mut tampered = doc.clone();
        tampered["credentialSubject"]["encodedList"] = json!(StatusBits::default().encode());
        let canonical = canon::canonicalize_serde(&tampered).unwrap();
        assert!(!proof::verify_canonical(
            &key.verifying_key(),
            &signature,
            &config,
            &canonical
        ));
    }
}
