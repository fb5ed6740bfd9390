//! Batch signing: same result as the general path, on one or all cores; a disagreement between
//! the fast and the general path stops the batch.

mod credential_support;

use badgedesk::credential::verify::{self, Verdict, VerifyOptions};
use badgedesk::credential::{BatchSigner, IssuerBinding, IssuerKey, SignError, didkey, fast, proof};
use credential_support::{now, sample, w3c_key};

const CREATED: &str = "2026-11-26T17:30:00Z";

fn signer(key: &IssuerKey) -> BatchSigner {
    let context = sample(key, 0).context;
    BatchSigner::new(key.clone(), IssuerBinding::did_key(key), CREATED, &context).unwrap()
}

#[test]
fn batch_signatures_equal_general_path_signatures() {
    let key = w3c_key();
    let s = signer(&key);
    let options = proof::proof_options(&didkey::did_key_verification_method(&key.verifying_key()), CREATED);
    for i in 0..5 {
        let c = sample(&key, i);
        assert_eq!(s.sign(&c).unwrap(), proof::sign_general(&c, &key, &options).unwrap());
    }
}

#[test]
fn parallel_signing_keeps_order_and_results() {
    let key = w3c_key();
    let creds: Vec<_> = (0..40).map(|i| sample(&key, i)).collect();
    let one = signer(&key).sign_all(&creds, 1);
    let many = signer(&key).sign_all(&creds, 4);
    assert_eq!(one.len(), 40);
    for (a, b) in one.iter().zip(&many) {
        assert_eq!(a.as_ref().unwrap(), b.as_ref().unwrap());
    }
    for (c, s) in creds.iter().zip(&many) {
        let s = s.as_ref().unwrap();
        assert_eq!(s.id, c.id);
        assert_eq!(verify::verify_json(&s.to_json(), &VerifyOptions::at(now())).verdict, Verdict::Valid);
    }
    assert!(signer(&key).sign_all(&[], 0).is_empty());
}

#[test]
fn a_fast_path_difference_stops_the_batch() {
    let key = w3c_key();
    let s = signer(&key);
    // A broken fast path that drops the last quad.
    let broken = |c: &badgedesk::credential::AchievementCredential| {
        let doc = fast::canonical_document(c)?;
        let mut lines: Vec<&str> = doc.lines().collect();
        lines.pop();
        Ok(lines.iter().map(|l| format!("{l}\n")).collect::<String>())
    };
    let err = s.sign_with(&sample(&key, 1), broken).unwrap_err();
    assert!(matches!(err, SignError::PathsDisagree { .. }));
    // The batch stays stopped, even for a correct credential.
    assert!(matches!(s.sign(&sample(&key, 2)), Err(SignError::PathsDisagree { .. })));
    // Once the first credential matched, later ones use the fast path alone.
    let s = signer(&key);
    assert!(s.sign(&sample(&key, 1)).is_ok());
    assert!(s.sign_with(&sample(&key, 2), broken).is_ok());
}

#[test]
fn batch_refuses_other_issuers_and_contexts() {
    let key = w3c_key();
    let s = signer(&key);
    let other = IssuerKey::from_seed(&[8; 32]);
    assert!(matches!(s.sign(&sample(&other, 1)), Err(SignError::WrongIssuer { .. })));
    let mut c = sample(&key, 1);
    c.context.pop();
    c.credential_schema.clear();
    assert!(matches!(s.sign(&c), Err(SignError::WrongContext { .. })));
}

#[test]
fn credentials_outside_the_fast_path_are_signed_on_the_general_path() {
    let key = w3c_key();
    let s = signer(&key);
    let mut c = sample(&key, 3);
    // A criteria id the fast path will not vouch for, but that is a valid IRI for JSON-LD.
    c.credential_subject.achievement.criteria.id = Some("tag:festirobot.example.org,2026:sumo".into());
    assert!(fast::canonical_document(&c).is_err());
    let signed = s.sign(&c).unwrap();
    assert_eq!(verify::verify_json(&signed.to_json(), &VerifyOptions::at(now())).verdict, Verdict::Valid);
}
