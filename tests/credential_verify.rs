//! `verify`: verdicts for our own credentials, one-byte tampering of every signed field, keys,
//! issuers, validity periods, revocation hook and file kinds.

mod credential_support;

use badgedesk::credential::builder::{self, CredentialInputs};
use badgedesk::credential::verify::{
    self, DidResolver, InvalidReason, StatusChecker, StatusOutcome, Verdict, VerifyOptions,
};
use badgedesk::credential::{AchievementCredential, BatchSigner, IssuerBinding, IssuerKey, didkey};
use credential_support::{achievement, fixture, issued_at, issuer, now, sample, w3c_key};
use serde_json::Value;
use time::macros::datetime;

fn signer(key: &IssuerKey, context: &[String]) -> BatchSigner {
    BatchSigner::new(
        key.clone(),
        IssuerBinding::did_key(key),
        "2026-11-26T17:30:00Z",
        context,
    )
    .unwrap()
}

fn signed_sample(i: u32) -> AchievementCredential {
    let key = w3c_key();
    let c = sample(&key, i);
    signer(&key, &c.context).sign(&c).unwrap()
}

fn verdict(json: &str) -> Verdict {
    verify::verify_json(json, &VerifyOptions::at(now())).verdict
}

fn reason(v: &Verdict) -> Option<InvalidReason> {
    match v {
        Verdict::Invalid { reason, .. } => Some(*reason),
        _ => None,
    }
}

/// Every string/bool leaf with its JSON pointer.
fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| leaves(v, format!("{path}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, format!("{path}/{i}"), out)),
        _ => out.push(path),
    }
}

/// Change one byte of a string (its last byte when ASCII), or flip a boolean / bump a number.
fn tamper(v: &mut Value) {
    match v {
        Value::String(s) => {
            let last = s.pop().unwrap_or('a');
            let replacement = if last == 'a' {
                'b'
            } else if last.is_ascii() {
                'a'
            } else {
                'x'
            };
            s.push(replacement);
        }
        Value::Bool(b) => *b = !*b,
        Value::Number(n) => *v = Value::from(n.as_f64().unwrap_or(0.0) + 1.0),
        _ => {}
    }
}

#[test]
fn own_credentials_are_valid() {
    for i in 0..5 {
        let c = signed_sample(i);
        let report = verify::verify_json(&c.to_json(), &VerifyOptions::at(now()));
        assert_eq!(report.verdict, Verdict::Valid);
        assert_eq!(
            report.issuer_id.as_deref(),
            Some(w3c_key().did_key().as_str())
        );
        assert_eq!(report.achievement_name.as_deref(), Some("Atelier Sumo"));
        // Pretty-printed JSON is the same credential.
        let pretty = serde_json::to_string_pretty(&c).unwrap();
        assert_eq!(verdict(&pretty), Verdict::Valid);
    }
}

#[test]
fn one_byte_change_to_any_signed_field_is_rejected() {
    let fixtures = [
        signed_sample(7).to_json(),
        fixture("vectors/generated-ob-v3p0-didkey/signed-credential.json"),
        fixture("vectors/ob-v3p0/signed-credential.json"),
    ];
    let mut checked = 0;
    for text in fixtures {
        let original: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(verdict(&text), Verdict::Valid);
        let mut paths = Vec::new();
        leaves(&original, String::new(), &mut paths);
        for path in paths {
            let mut changed = original.clone();
            tamper(changed.pointer_mut(&path).unwrap());
            let v = verdict(&changed.to_string());
            assert!(!v.is_valid(), "{path} changed but still valid");
            // A changed context URL is unknown: it cannot be checked offline. A changed proof
            // type or suite is not ours to check. Everything else is invalid outright.
            let field = path
                .rsplit('/')
                .find(|s| s.parse::<usize>().is_err())
                .unwrap_or("");
            if !matches!(field, "@context" | "type" | "cryptosuite") {
                assert!(reason(&v).is_some(), "{path}: {v:?}");
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} fields checked");
}

#[test]
fn renamed_members_and_added_members_are_rejected() {
    let c = signed_sample(3);
    let original: Value = serde_json::to_value(&c).unwrap();
    let mut renamed = original.clone();
    let subject = renamed["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap();
    let name = subject.remove("name").unwrap();
    subject.insert("nane".into(), name);
    assert_eq!(
        reason(&verdict(&renamed.to_string())),
        Some(InvalidReason::Malformed)
    );
    let mut added = original.clone();
    added["credentialSubject"]["achievement"]["name"] = Value::from("Autre badge");
    assert_eq!(
        reason(&verdict(&added.to_string())),
        Some(InvalidReason::Tampered)
    );
    let mut no_proof = original;
    no_proof.as_object_mut().unwrap().remove("proof");
    assert_eq!(
        reason(&verdict(&no_proof.to_string())),
        Some(InvalidReason::Malformed)
    );
}

#[test]
fn signature_by_another_key_is_an_issuer_mismatch() {
    let victim = w3c_key();
    let attacker = IssuerKey::from_seed(&[5; 32]);
    // The attacker signs a credential that names the victim as issuer with their own key.
    let c = sample(&victim, 1);
    let options = badgedesk::credential::proof::proof_options(
        &didkey::did_key_verification_method(&attacker.verifying_key()),
        "2026-11-26T17:30:00Z",
    );
    let forged = badgedesk::credential::proof::sign_general(&c, &attacker, &options).unwrap();
    assert_eq!(
        reason(&verdict(&forged.to_json())),
        Some(InvalidReason::IssuerMismatch)
    );
    // The victim's DID with the attacker's key as fragment: the key is not the DID's.
    let mut v: Value = serde_json::to_value(&forged).unwrap();
    v["proof"][0]["verificationMethod"] = Value::from(format!(
        "{}#{}",
        victim.did_key(),
        attacker.public_key_multibase()
    ));
    assert_eq!(
        reason(&verdict(&v.to_string())),
        Some(InvalidReason::WrongKey)
    );
}

#[test]
fn validity_period_is_checked_with_the_given_time() {
    let key = w3c_key();
    let issuer = issuer(&key);
    let achievement = achievement();
    let inputs = CredentialInputs {
        issuer: &issuer,
        achievement: &achievement,
        recipient_email: Some("a@example.org"),
        recipient_name: None,
        credential_id: uuid::Uuid::from_u128(9),
        salt: "salt",
        valid_from: issued_at(),
        valid_until: Some(datetime!(2026-12-31 00:00:00 UTC)),
        name: None,
        evidence: &[],
        with_schema: true,
    };
    let c = builder::build(&inputs, now()).unwrap();
    let json = signer(&key, &c.context).sign(&c).unwrap().to_json();
    let at = |t| verify::verify_json(&json, &VerifyOptions::at(t)).verdict;
    assert_eq!(at(now()), Verdict::Valid);
    assert_eq!(
        reason(&at(datetime!(2027-01-01 00:00:00 UTC))),
        Some(InvalidReason::Expired)
    );
    assert_eq!(
        reason(&at(datetime!(2026-11-26 17:00:00 UTC))),
        Some(InvalidReason::NotYetValid)
    );
}

struct RevokeAll;
impl StatusChecker for RevokeAll {
    fn check(&self, _c: &Value, _s: &Value) -> StatusOutcome {
        StatusOutcome::Revoked {
            reason: Some("duplicate".into()),
        }
    }
}

#[test]
fn revocation_hook_is_consulted_when_a_status_is_present() {
    // Our model has no credentialStatus yet (issue 6); sign one through the general path.
    let key = w3c_key();
    let c = sample(&key, 2);
    let mut v: Value = serde_json::to_value(c.unsecured()).unwrap();
    v["credentialStatus"] = serde_json::json!({
        "id": "https://festirobot.example.org/status/1#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://festirobot.example.org/status/1"
    });
    let options = badgedesk::credential::proof::proof_options(
        &didkey::did_key_verification_method(&key.verifying_key()),
        "2026-11-26T17:30:00Z",
    );
    let doc = badgedesk::credential::canon::canonicalize_serde(&v).unwrap();
    let config =
        badgedesk::credential::proof::canonical_proof_config_general(&options, &v["@context"])
            .unwrap();
    let proof = badgedesk::credential::proof::sign_canonical(
        &key,
        &options,
        &badgedesk::credential::proof::sha256(&config),
        &doc,
    );
    v["proof"] = serde_json::json!([proof]);
    let text = v.to_string();
    let plain = verify::verify_json(&text, &VerifyOptions::at(now()));
    assert_eq!(plain.verdict, Verdict::Valid);
    assert!(plain.warnings.iter().any(|w| w.contains("not checked")));
    let with_hook = VerifyOptions {
        status: Some(&RevokeAll),
        ..VerifyOptions::at(now())
    };
    assert_eq!(
        reason(&verify::verify_json(&text, &with_hook).verdict),
        Some(InvalidReason::Revoked)
    );
}

struct Docs(Value);
impl DidResolver for Docs {
    fn resolve(&self, did: &str) -> Option<Value> {
        (self.0["id"] == did).then(|| self.0.clone())
    }
}

#[test]
fn did_web_issuer_needs_its_document() {
    let key = w3c_key();
    let did = didkey::did_web("festirobot.example.org").unwrap();
    let mut info = issuer(&key);
    info.id = did.clone();
    let achievement = achievement();
    let inputs = CredentialInputs {
        issuer: &info,
        achievement: &achievement,
        recipient_email: Some("a@example.org"),
        recipient_name: Some("Zoé"),
        credential_id: uuid::Uuid::from_u128(11),
        salt: "salt",
        valid_from: issued_at(),
        valid_until: None,
        name: None,
        evidence: &[],
        with_schema: false,
    };
    let c = builder::build(&inputs, now()).unwrap();
    let signer = BatchSigner::new(
        key.clone(),
        IssuerBinding::did_web(&did, &key),
        "2026-11-26T17:30:00Z",
        &c.context,
    )
    .unwrap();
    let json = signer.sign(&c).unwrap().to_json();
    assert!(matches!(verdict(&json), Verdict::CouldNotCheck { .. }));
    let resolver = Docs(didkey::did_web_document(&did, &key.verifying_key()));
    let options = VerifyOptions {
        resolver: Some(&resolver),
        ..VerifyOptions::at(now())
    };
    assert_eq!(verify::verify_json(&json, &options).verdict, Verdict::Valid);
    let other = Docs(didkey::did_web_document(
        &did,
        &IssuerKey::from_seed(&[3; 32]).verifying_key(),
    ));
    let options = VerifyOptions {
        resolver: Some(&other),
        ..VerifyOptions::at(now())
    };
    assert_eq!(
        reason(&verify::verify_json(&json, &options).verdict),
        Some(InvalidReason::WrongKey)
    );
}

#[test]
fn file_kinds() {
    let opts = VerifyOptions::at(now());
    let json = signed_sample(1).to_json();
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(json.as_bytes());
    assert_eq!(
        verify::verify_bytes(&with_bom, Some("badge.json"), &opts).verdict,
        Verdict::Valid
    );
    // Images without a credential are malformed badges; baked ones verify like their JSON.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(
        reason(&verify::verify_bytes(png, Some("b.png"), &opts).verdict),
        Some(InvalidReason::Malformed)
    );
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
    assert_eq!(
        reason(&verify::verify_bytes(svg, Some("b.svg"), &opts).verdict),
        Some(InvalidReason::Malformed)
    );
    let payload =
        badgedesk::bake::Payload::new(badgedesk::bake::Version::Ob3, json.clone()).unwrap();
    let badge = include_bytes!("../assets/badges/participation.png");
    let baked = badgedesk::bake::bake(badge, &payload).unwrap();
    assert_eq!(
        verify::verify_bytes(&baked, Some("b.png"), &opts).verdict,
        Verdict::Valid
    );
    let svg_badge = include_bytes!("../assets/badges/participation.svg");
    let baked_svg = badgedesk::bake::bake(svg_badge, &payload).unwrap();
    assert_eq!(
        verify::verify_bytes(&baked_svg, Some("b.svg"), &opts).verdict,
        Verdict::Valid
    );
    assert_eq!(
        reason(&verify::verify_bytes(b"\xff\xfe garbage", None, &opts).verdict),
        Some(InvalidReason::Malformed)
    );
    assert_eq!(
        reason(&verify::verify_bytes(b"[1,2]", None, &opts).verdict),
        Some(InvalidReason::Malformed)
    );
    assert!(matches!(
        verify::verify_bytes(b"eyJhbGciOiJSUzI1NiJ9.eyJ9.c2ln", None, &opts).verdict,
        Verdict::CouldNotCheck { .. }
    ));
}

#[test]
fn unknown_context_cannot_be_checked() {
    let mut v: Value = serde_json::to_value(signed_sample(4)).unwrap();
    v["@context"][2] = Value::from("https://evil.example/context.json");
    assert!(
        matches!(verdict(&v.to_string()), Verdict::CouldNotCheck { why } if why.contains("evil.example"))
    );
}
