//! Open Badges 2.0 hosted files for backpacks that only read 2.0: issuer profile, badge
//! classes and one assertion per claim with a hashed e-mail recipient. Hosted verification
//! needs the files at their `id` URLs, so they are only published when the base URL is https.
//! Layout: `ob2/issuer.json`, `ob2/badges/<key>.json|png|svg`, `c/<token>/assertion.json`.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::bake::{self, BakeError, Payload, Version};

use crate::claim::page::{ImageKind, OB2_ASSERTION_FILE, OB2_IMAGE_FILE, claim_url, slug};
use crate::claim::token::ClaimToken;

pub const CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// The issuer as OB 2.0 validators want it (name, url and email are all required).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ob2Issuer {
    pub name: String,
    pub url: String,
    pub email: String,
}

/// One achievement as a 2.0 BadgeClass; `image` is the plain (unbaked) badge image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ob2BadgeClass {
    pub key: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub image_kind: ImageKind,
    pub image: Vec<u8>,
}

/// One claim's 2.0 assertion data. A 2.0 recipient must be an e-mail (hashed here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ob2Assertion {
    pub badge_key: String,
    pub recipient_email: String,
    pub salt: String,
    /// RFC 3339 with a time zone.
    pub issued_on: String,
    pub expires: Option<String>,
    pub revocation_reason: Option<String>,
    /// The 2.0-baked PNG (the badge image with [`assertion_url`] baked in), if any.
    pub baked_png: Option<Ob2Png>,
}

/// A claim's 2.0-baked PNG: given baked, or baked when its file is written or served (what
/// `EventSite` does: an unchanged claim is not baked again, and the claim server's caches do
/// not hold a copy of the badge image per claim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ob2Png {
    Baked(Vec<u8>),
    OnRequest {
        /// The plain badge image.
        image: Arc<Vec<u8>>,
        /// BLAKE3 of `image` (computed once per badge): what publishing's change detection
        /// hashes instead of the image, claim after claim.
        image_digest: [u8; 32],
        assertion_url: String,
    },
}

impl Ob2Png {
    pub fn bytes(&self) -> Result<Cow<'_, [u8]>, BakeError> {
        match self {
            Ob2Png::Baked(bytes) => Ok(Cow::Borrowed(bytes)),
            Ob2Png::OnRequest {
                image,
                assertion_url,
                ..
            } => {
                let payload = Payload::new(Version::Ob2, assertion_url.as_str())?;
                bake::bake(image, &payload).map(Cow::Owned)
            }
        }
    }
}

fn base(b: &str) -> &str {
    b.trim_end_matches('/')
}

pub fn issuer_url(base_url: &str) -> String {
    format!("{}/ob2/issuer.json", base(base_url))
}

pub fn badge_class_path(key: &str) -> String {
    format!("ob2/badges/{}.json", slug(key))
}

pub fn badge_image_path(key: &str, kind: ImageKind) -> String {
    format!("ob2/badges/{}.{}", slug(key), kind.extension())
}

pub fn badge_class_url(base_url: &str, key: &str) -> String {
    format!("{}/{}", base(base_url), badge_class_path(key))
}

/// The URL a 2.0 assertion is hosted at; issuance bakes the 2.0 PNG with this `id`.
pub fn assertion_url(base_url: &str, token: &ClaimToken) -> String {
    format!("{}{OB2_ASSERTION_FILE}", claim_url(base_url, token))
}

/// `sha256$` + hex(SHA-256(identity ‖ salt)), as OB 2.0 IdentityObjects hash.
pub fn hash_identity(identity: &str, salt: &str) -> String {
    let digest = Sha256::new()
        .chain_update(identity.as_bytes())
        .chain_update(salt.as_bytes())
        .finalize();
    let mut out = String::from("sha256$");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

pub fn issuer_json(base_url: &str, issuer: &Ob2Issuer) -> String {
    pretty(&json!({
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(base_url),
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }))
}

pub fn badge_class_json(base_url: &str, badge: &Ob2BadgeClass) -> String {
    pretty(&json!({
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(base_url, &badge.key),
        "name": badge.name,
        "description": badge.description,
        "image": format!("{}/{}", base(base_url), badge_image_path(&badge.key, badge.image_kind)),
        "criteria": { "narrative": badge.criteria },
        "issuer": issuer_url(base_url),
    }))
}

pub fn assertion_json(base_url: &str, token: &ClaimToken, a: &Ob2Assertion) -> String {
    let mut v = json!({
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(base_url, token),
        "recipient": {
            "type": "email",
            "hashed": true,
            "salt": a.salt,
            "identity": hash_identity(&a.recipient_email, &a.salt),
        },
        "badge": badge_class_url(base_url, &a.badge_key),
        "verification": { "type": "hosted" },
        "issuedOn": a.issued_on,
    });
    if let Some(obj) = v.as_object_mut() {
        if a.baked_png.is_some() {
            obj.insert(
                "image".into(),
                json!(format!("{}{OB2_IMAGE_FILE}", claim_url(base_url, token))),
            );
        }
        if let Some(exp) = &a.expires {
            obj.insert("expires".into(), json!(exp));
        }
        if let Some(reason) = &a.revocation_reason {
            obj.insert("revoked".into(), json!(true));
            obj.insert("revocationReason".into(), json!(reason));
        }
    }
    pretty(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_identity_then_salt() {
        // Expected value computed independently (Python hashlib).
        assert_eq!(
            hash_identity("alice@example.org", "deadsea"),
            "sha256$c934fdacc6242be0277a284970416aa9bfa583241fb85094bc96c504ee0abd4e"
        );
    }

    #[test]
    fn assertion_hides_the_email_and_links_by_url() {
        let t = ClaimToken::parse("abcdefghijklmnopqrstuvwxya").unwrap();
        let a = Ob2Assertion {
            badge_key: "sumo".into(),
            recipient_email: "zoe@example.org".into(),
            salt: "s4lt".into(),
            issued_on: "2026-11-26T10:00:00Z".into(),
            expires: None,
            revocation_reason: None,
            baked_png: Some(Ob2Png::Baked(vec![1])),
        };
        let j = assertion_json("https://b.example.org/ev/", &t, &a);
        assert!(!j.contains("zoe@"));
        let v: Value = serde_json::from_str(&j).unwrap();
        assert_eq!(
            v["id"],
            "https://b.example.org/ev/c/abcdefghijklmnopqrstuvwxya/assertion.json"
        );
        assert_eq!(v["badge"], "https://b.example.org/ev/ob2/badges/sumo.json");
        assert_eq!(
            v["image"],
            "https://b.example.org/ev/c/abcdefghijklmnopqrstuvwxya/badge-ob2.png"
        );
        assert_eq!(
            v["recipient"]["identity"],
            hash_identity("zoe@example.org", "s4lt")
        );
        assert!(v.get("revoked").is_none());
    }
}
