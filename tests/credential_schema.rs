//! Credentials built by badgedesk validate against the official 1EdTech AchievementCredential
//! JSON Schema (tests/fixtures/schemas, draft 2019-09), signed or not, with every optional part.

mod credential_support;

use badgedesk::credential::builder::{self, CredentialInputs, EvidenceInfo};
use badgedesk::credential::{BatchSigner, IssuerBinding};
use credential_support::{achievement, fixture, issued_at, issuer, now, sample, w3c_key};
use time::macros::datetime;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&fixture("schemas/ob_v3p0_achievementcredential_schema.1edtech-gh-pages.json")).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, instance: &serde_json::Value) {
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{instance:#}");
}

#[test]
fn built_and_signed_credentials_match_the_schema() {
    let v = validator();
    let key = w3c_key();
    let c = sample(&key, 1);
    assert_valid(&v, &serde_json::to_value(&c).unwrap());
    let signer = BatchSigner::new(key.clone(), IssuerBinding::did_key(&key), "2026-11-26T17:30:00Z", &c.context).unwrap();
    assert_valid(&v, &serde_json::to_value(signer.sign(&c).unwrap()).unwrap());
}

#[test]
fn every_optional_part_matches_the_schema() {
    let v = validator();
    let key = w3c_key();
    let issuer = issuer(&key);
    let mut achievement = achievement();
    achievement.criteria_url = Some("https://festirobot.example.org/criteria/sumo".into());
    achievement.credits_available = Some(3.0);
    let evidence = [
        EvidenceInfo {
            id: Some("urn:uuid:7f1e3c1a-0000-4000-8000-000000000001".into()),
            name: Some("Photo".into()),
            description: Some("Le robot en action".into()),
            narrative: Some("A gagné 2 manches".into()),
            genre: Some("Photo".into()),
            audience: Some("Public".into()),
        },
        EvidenceInfo { narrative: Some("Sans id".into()), ..EvidenceInfo::default() },
    ];
    for (email, name, until, with_schema) in [
        (Some("Zoé@example.org"), Some("Zoé Martin"), Some(datetime!(2030-01-01 00:00:00 UTC)), true),
        (None, Some("Only Name"), None, false),
        (Some("only@example.org"), None, None, true),
    ] {
        let inputs = CredentialInputs {
            issuer: &issuer,
            achievement: &achievement,
            recipient_email: email,
            recipient_name: name,
            credential_id: uuid::Uuid::from_u128(77),
            salt: "0123456789abcdef0123456789abcdef",
            valid_from: issued_at(),
            valid_until: until,
            name: Some("Festirobot 2026 — Sumo"),
            evidence: &evidence,
            with_schema,
        };
        let c = builder::build(&inputs, now()).unwrap();
        assert_valid(&v, &serde_json::to_value(&c).unwrap());
    }
}

#[test]
fn the_schema_catches_a_wrong_shape() {
    // Guard against a validator that accepts anything.
    let v = validator();
    let mut c = serde_json::to_value(sample(&w3c_key(), 1)).unwrap();
    c["credentialSubject"]["identifier"][0]["type"] = serde_json::json!(["IdentityObject"]);
    assert!(!v.is_valid(&c));
    let mut c = serde_json::to_value(sample(&w3c_key(), 1)).unwrap();
    c.as_object_mut().unwrap().remove("validFrom");
    assert!(!v.is_valid(&c));
}

#[test]
fn shipped_vectors_match_the_schema() {
    let v = validator();
    let generated: serde_json::Value =
        serde_json::from_str(&fixture("vectors/generated-ob-v3p0-didkey/signed-credential.json")).unwrap();
    assert_valid(&v, &generated);
}
