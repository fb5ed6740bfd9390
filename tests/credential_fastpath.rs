//! The fast issuing path is byte-identical to the general JSON-LD path: canonical N-Quads of
//! seeded random credentials full of accents, quotes, backslashes, tabs and other control
//! characters, emoji, long texts, empty optional fields, booleans and numbers.
//!
//! `cargo test` runs 1,000 cases (debug builds run the general path slowly); the full 10,000-case
//! run is `cargo test --release --test credential_fastpath -- --ignored` (or set
//! BADGEDESK_FASTPATH_CASES).

mod credential_support;

use badgedesk::credential::builder::{self, CredentialInputs, EvidenceInfo};
use badgedesk::credential::model::*;
use badgedesk::credential::{AchievementInfo, IssuerInfo, canon, fast, proof};
use credential_support::w3c_key;
use time::macros::datetime;

/// splitmix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "a", "Z", "0", " ", "  ", "é", "È", "ñ", "ç", "Œ", "ß", "ü", "e\u{301}", "\"", "'", "\\", "\\\\",
    "\\\"", "\t", "\n", "\r", "\r\n", "\u{0}", "\u{1}", "\u{7}", "\u{8}", "\u{b}", "\u{c}", "\u{1b}",
    "\u{1f}", "\u{7f}", "\u{85}", "\u{a0}", "\u{200b}", "\u{2028}", "\u{2029}", "\u{feff}", "🤖",
    "🎉", "👩‍🔬", "🇫🇷", "中文", "العربية", "<b>", "&amp;", "{}", "[]", "@id", "_:b0", "http://x",
    "urn:uuid:1", "true", "false", "1.5", "null", "%20", "#", "$", "sha256$", "\u{fffd}", "\u{10ffff}",
];

fn text(r: &mut Rng) -> String {
    let len = match r.below(10) {
        0 => 0,
        1 => 200 + r.below(2000),
        _ => 1 + r.below(12),
    };
    (0..len).map(|_| *r.pick(PIECES)).collect()
}

fn opt_text(r: &mut Rng) -> Option<String> {
    r.chance(60).then(|| text(r))
}

fn iri(r: &mut Rng) -> String {
    const SAFE: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";
    let tail: String = (0..1 + r.below(40)).map(|_| *r.pick(SAFE) as char).collect();
    match r.below(7) {
        0 => format!("https://ex.org/{tail}"),
        1 => format!("http://ex.org/{tail}"),
        2 => format!("urn:uuid:{:08x}-0000-4000-8000-{:012x}", r.next() as u32, r.next() >> 16),
        3 => format!("did:key:z6Mk{}", tail.replace(['/', '?', '%', ':', '#'], "x")),
        4 => format!("data:image/png;base64,{}", "iVBORw0KGgo=".repeat(1 + r.below(20) as usize)),
        5 => format!("https://badges.example.org/%C3%A9t%C3%A9/{}#frag", r.next()),
        _ => format!("https://xn--bcher-kva.example/{tail}?q=1&r=%20"),
    }
}

fn credits(r: &mut Rng) -> Option<f64> {
    if !r.chance(50) {
        return None;
    }
    Some(match r.below(8) {
        0 => 0.0,
        1 => r.below(1000) as f64,
        2 => r.below(1000) as f64 / 4.0,
        3 => r.below(100_000) as f64 / 100.0,
        4 => r.below(100) as f64 / 1e7,
        5 => 1.0e13 + r.below(1000) as f64 + 0.5,
        6 => 0.1,
        _ => 12345.678,
    })
}

/// Numbers the builder refuses (more than 15 significant digits) still go through the model.
fn any_credits(r: &mut Rng) -> Option<f64> {
    if r.chance(10) { Some(0.1 + 0.2) } else { credits(r) }
}

fn image(r: &mut Rng) -> Option<Image> {
    r.chance(60).then(|| Image {
        id: iri(r),
        type_: "Image".into(),
        caption: opt_text(r),
    })
}

/// A credential straight from the model (covers fields the builder fills in fixed ways).
fn model_credential(r: &mut Rng) -> AchievementCredential {
    let extensions = r.chance(50);
    let mut context = vec![
        "https://www.w3.org/ns/credentials/v2".to_string(),
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json".to_string(),
    ];
    if extensions {
        context.push("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json".into());
    }
    let identifier = (0..r.below(4))
        .map(|_| IdentityObject {
            type_: "IdentityObject".into(),
            identity_hash: text(r),
            identity_type: r.pick(&["emailAddress", "name", "ext:x", ""]).to_string(),
            hashed: r.chance(50),
            salt: opt_text(r),
        })
        .collect();
    let evidence = (0..r.below(3))
        .map(|_| Evidence {
            id: r.chance(50).then(|| iri(r)),
            types: vec!["Evidence".into()],
            name: opt_text(r),
            description: opt_text(r),
            narrative: opt_text(r),
            genre: opt_text(r),
            audience: opt_text(r),
        })
        .collect();
    AchievementCredential {
        context,
        id: iri(r),
        types: vec![
            "VerifiableCredential".into(),
            r.pick(&["OpenBadgeCredential", "AchievementCredential"]).to_string(),
        ],
        issuer: Profile {
            id: iri(r),
            types: vec!["Profile".into()],
            name: opt_text(r),
            url: r.chance(50).then(|| iri(r)),
            email: opt_text(r),
            description: opt_text(r),
            image: image(r),
        },
        valid_from: r.pick(&["2026-11-26T17:30:00Z", "2010-01-01T00:00:00Z", "2026-11-26T17:30:00+01:00"]).to_string(),
        valid_until: r.chance(30).then(|| "2030-01-01T00:00:00Z".to_string()),
        name: opt_text(r),
        description: opt_text(r),
        credential_subject: AchievementSubject {
            id: r.chance(20).then(|| iri(r)),
            types: vec!["AchievementSubject".into()],
            identifier,
            achievement: Achievement {
                id: iri(r),
                types: vec!["Achievement".into()],
                achievement_type: opt_text(r),
                name: text(r),
                description: text(r),
                criteria: Criteria {
                    id: r.chance(30).then(|| iri(r)),
                    narrative: opt_text(r),
                },
                image: image(r),
                credits_available: any_credits(r),
            },
        },
        evidence,
        credential_schema: if extensions && r.chance(70) {
            vec![CredentialSchema {
                id: ACHIEVEMENT_CREDENTIAL_SCHEMA.into(),
                type_: SCHEMA_VALIDATOR_TYPE.into(),
            }]
        } else {
            Vec::new()
        },
        proof: Vec::new(),
    }
}

/// A credential through the builder, as issuance makes them.
fn built_credential(r: &mut Rng) -> AchievementCredential {
    let key = w3c_key();
    let issuer = IssuerInfo {
        id: key.did_key(),
        name: format!("x{}", text(r)),
        url: r.chance(50).then(|| iri(r)),
        email: opt_text(r),
        description: opt_text(r),
        image: r.chance(50).then(|| iri(r)),
    };
    let achievement = AchievementInfo {
        id: iri(r),
        name: format!("n{}", text(r)),
        description: text(r),
        criteria_narrative: opt_text(r),
        criteria_url: r.chance(30).then(|| iri(r)),
        image: r.chance(50).then(|| iri(r)),
        image_caption: opt_text(r),
        achievement_type: opt_text(r),
        credits_available: credits(r),
    };
    let evidence: Vec<EvidenceInfo> = (0..r.below(3))
        .map(|_| EvidenceInfo {
            id: r.chance(50).then(|| iri(r)),
            name: opt_text(r),
            description: opt_text(r),
            narrative: opt_text(r),
            genre: opt_text(r),
            audience: opt_text(r),
        })
        .collect();
    let email = format!("{}@example.org", text(r));
    let name = text(r);
    let salt = text(r);
    let inputs = CredentialInputs {
        issuer: &issuer,
        achievement: &achievement,
        recipient_email: Some(email.as_str()),
        recipient_name: r.chance(70).then_some(name.as_str()),
        credential_id: uuid::Uuid::from_u128(u128::from(r.next()) << 64 | u128::from(r.next())),
        salt: &salt,
        valid_from: datetime!(2026-11-26 17:30:00 UTC),
        valid_until: r.chance(30).then_some(datetime!(2027-11-26 17:30:00 UTC)),
        name: None,
        evidence: &evidence,
        with_schema: r.chance(70),
    };
    builder::build(&inputs, datetime!(2026-11-26 18:00:00 UTC)).unwrap()
}

fn check(cases: u64, seed: u64) {
    let mut r = Rng(seed);
    for case in 0..cases {
        let credential = if case % 2 == 0 { model_credential(&mut r) } else { built_credential(&mut r) };
        let json = serde_json::to_value(&credential).unwrap();
        let general = canon::canonicalize_serde(&json)
            .unwrap_or_else(|e| panic!("case {case}: general path failed: {e}\n{json}"));
        let fast = fast::canonical_document(&credential)
            .unwrap_or_else(|e| panic!("case {case}: fast path declined: {e}\n{json}"));
        assert_eq!(fast, general, "case {case} differs:\n{json}");
        // The JSON as published parses back to the same model.
        let back: AchievementCredential = serde_json::from_str(&credential.to_json()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), json, "case {case}");
        if case % 10 == 0 {
            let options = proof::proof_options(&iri(&mut r), "2026-11-26T17:30:00Z");
            let ctx = serde_json::to_value(&credential.context).unwrap();
            assert_eq!(
                fast::canonical_proof_config(&options, &credential.context).unwrap(),
                proof::canonical_proof_config_general(&options, &ctx).unwrap(),
                "case {case} proof config"
            );
        }
    }
}

fn cases(default: u64) -> u64 {
    std::env::var("BADGEDESK_FASTPATH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn fast_path_equals_general_path() {
    check(cases(1_000), 0x00ba_d9e5);
}

#[test]
#[ignore = "10,000 cases: run with --release -- --ignored"]
fn fast_path_equals_general_path_10k() {
    check(cases(10_000), 0x0001_0000);
}

#[test]
fn fast_path_declines_what_it_does_not_know() {
    let mut c = credential_support::sample(&w3c_key(), 1);
    c.context.push("https://www.w3.org/ns/credentials/examples/v2".into());
    assert!(fast::canonical_document(&c).is_err());
    let mut c = credential_support::sample(&w3c_key(), 1);
    c.credential_subject.achievement.types.push("Other".into());
    assert!(fast::canonical_document(&c).is_err());
    let mut c = credential_support::sample(&w3c_key(), 1);
    c.credential_subject.achievement.id = "https://ex.org/a b".into();
    assert!(fast::canonical_document(&c).is_err());
    let mut c = credential_support::sample(&w3c_key(), 1);
    c.context.pop();
    // credentialSchema's type is only defined by the extensions context.
    assert!(fast::canonical_document(&c).is_err());
    assert!(canon::canonicalize_serde(&serde_json::to_value(&c).unwrap()).is_err());
}
