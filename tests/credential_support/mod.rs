//! Shared fixtures for the credential integration tests: fixed keys, fixed times, sample inputs.
#![allow(dead_code)]

use badgedesk::credential::builder::{self, CredentialInputs};
use badgedesk::credential::{AchievementCredential, AchievementInfo, IssuerInfo, IssuerKey};
use time::OffsetDateTime;
use time::macros::datetime;

pub const W3C_SEED: &str = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6";

pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

pub fn seed(hex_seed: &str) -> [u8; 32] {
    hex::decode(hex_seed).unwrap().try_into().unwrap()
}

/// The public W3C test key (test use only).
pub fn w3c_key() -> IssuerKey {
    IssuerKey::from_seed(&seed(W3C_SEED))
}

pub fn now() -> OffsetDateTime {
    datetime!(2026-11-26 18:00:00 UTC)
}

pub fn issued_at() -> OffsetDateTime {
    datetime!(2026-11-26 17:30:00 UTC)
}

pub fn issuer(key: &IssuerKey) -> IssuerInfo {
    IssuerInfo {
        id: key.did_key(),
        name: "Festirobot 2026".into(),
        url: Some("https://festirobot.example.org".into()),
        email: Some("contact@festirobot.example.org".into()),
        description: Some("Le festival de robotique « pour tous ».".into()),
        image: Some("https://festirobot.example.org/logo.png".into()),
    }
}

pub fn achievement() -> AchievementInfo {
    AchievementInfo {
        id: "https://festirobot.example.org/badges/sumo".into(),
        name: "Atelier Sumo".into(),
        description: "A participé à l'atelier \"robots sumo\".".into(),
        criteria_narrative: Some("Présent à l'atelier\tsumo.\nDurée : 2 h.".into()),
        criteria_url: None,
        image: Some("https://festirobot.example.org/badges/sumo.png".into()),
        image_caption: Some("Sumo 🤖".into()),
        achievement_type: Some("Badge".into()),
        credits_available: Some(1.5),
    }
}

/// A valid credential #i, distinct per i (id, salt, recipient).
pub fn sample(key: &IssuerKey, i: u32) -> AchievementCredential {
    let issuer = issuer(key);
    let achievement = achievement();
    let email = format!("Participant.{i}@Example.org ");
    let name = format!("Hélène Dupont-{i}");
    let salt = format!("{:032x}", u128::from(i) * 0x9e37_79b9_7f4a_7c15);
    let inputs = CredentialInputs {
        issuer: &issuer,
        achievement: &achievement,
        recipient_email: Some(&email),
        recipient_name: Some(&name),
        credential_id: uuid::Uuid::from_u128(0x1234_5678_9abc_4def_8000_0000_0000_0000 + u128::from(i)),
        salt: &salt,
        valid_from: issued_at(),
        valid_until: None,
        name: None,
        evidence: &[],
        with_schema: true,
    };
    builder::build(&inputs, now()).unwrap()
}
