//! The typed Open Badges 3.0 `AchievementCredential`, exactly as badgedesk emits it: arrays where
//! the 1EdTech plain-JSON schema wants arrays, single strings for `Image.type` and
//! `IdentityObject.type`, no nulls, no empty arrays. Unknown fields are refused when reading, so
//! a value of this type always serializes back to the same JSON members it was read from.

use serde::{Deserialize, Serialize};

/// The `type` of every credential badgedesk issues.
pub const CREDENTIAL_TYPES: [&str; 2] = ["VerifiableCredential", "OpenBadgeCredential"];
/// Official schema URL for `credentialSchema`.
pub const ACHIEVEMENT_CREDENTIAL_SCHEMA: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
/// The `credentialSchema` type (defined by the extensions context only).
pub const SCHEMA_VALIDATOR_TYPE: &str = "1EdTechJsonSchemaValidator2019";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementCredential {
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub issuer: Profile,
    #[serde(rename = "validFrom")]
    pub valid_from: String,
    #[serde(rename = "validUntil", default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "credentialSubject")]
    pub credential_subject: AchievementSubject,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(rename = "credentialSchema", default, skip_serializing_if = "Vec::is_empty")]
    pub credential_schema: Vec<CredentialSchema>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof: Vec<Proof>,
}

/// The issuer, always embedded (the 1EdTech validator requires `issuer.type` ∋ `Profile`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub id: String,
    /// Always `"Image"` (a single string in the OB model).
    #[serde(rename = "type")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementSubject {
    /// The holder's DID, when known (badgedesk usually has none: it uses `identifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    pub achievement: Achievement,
}

/// A recipient identifier: a salted e-mail hash, or a plain display name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityObject {
    /// Always `"IdentityObject"`.
    #[serde(rename = "type")]
    pub type_: String,
    #[serde(rename = "identityHash")]
    pub identity_hash: String,
    #[serde(rename = "identityType")]
    pub identity_type: String,
    pub hashed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Achievement {
    pub id: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(rename = "achievementType", default, skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<String>,
    pub name: String,
    pub description: String,
    pub criteria: Criteria,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Serialized as an integer when whole (`3`, not `3.0`): JSON-LD processors disagree on
    /// `3.0` (jsonld.js reads it as 3, json-ld 0.21 as a double), they all agree on `3`.
    #[serde(
        rename = "creditsAvailable",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "credits::serialize"
    )]
    pub credits_available: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSchema {
    pub id: String,
    /// A single string (`1EdTechJsonSchemaValidator2019`).
    #[serde(rename = "type")]
    pub type_: String,
}

/// An embedded Data Integrity proof.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    #[serde(rename = "type")]
    pub type_: String,
    pub cryptosuite: String,
    pub created: String,
    #[serde(rename = "verificationMethod")]
    pub verification_method: String,
    #[serde(rename = "proofPurpose")]
    pub proof_purpose: String,
    #[serde(rename = "proofValue", default, skip_serializing_if = "Option::is_none")]
    pub proof_value: Option<String>,
}

mod credits {
    use serde::Serializer;

    /// Largest integer an f64 holds exactly; beyond it `as i64` would round.
    const EXACT: f64 = 9_007_199_254_740_992.0;

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(x) if x.fract() == 0.0 && x.abs() < EXACT => s.serialize_i64(*x as i64),
            Some(x) => s.serialize_f64(*x),
            None => s.serialize_none(),
        }
    }
}

impl AchievementCredential {
    /// This credential without its proofs (what gets canonicalized and signed).
    pub fn unsecured(&self) -> AchievementCredential {
        AchievementCredential {
            proof: Vec::new(),
            ..self.clone()
        }
    }

    /// Compact JSON (what badgedesk publishes and bakes).
    pub fn to_json(&self) -> String {
        // Serializing these plain structs cannot fail (no maps with non-string keys).
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_credits_are_written_as_integers() {
        let a = Achievement {
            id: "urn:x".into(),
            types: vec!["Achievement".into()],
            achievement_type: None,
            name: "n".into(),
            description: "d".into(),
            criteria: Criteria { id: None, narrative: None },
            image: None,
            credits_available: Some(3.0),
        };
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains("\"creditsAvailable\":3}"), "{json}");
        let b = Achievement { credits_available: Some(2.5), ..a };
        assert!(serde_json::to_string(&b).unwrap().contains(":2.5}"));
    }
}
