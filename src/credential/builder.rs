//! Build an `AchievementCredential` from plain inputs: the issuance code fills data, this module
//! knows the Open Badges shape (contexts, types, identifiers, arrays). Randomness (credential id,
//! salt) is an input too, so tests are deterministic; `Randomness` supplies it in production.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::contexts::{OB_EXTENSIONS, OB_V3P0_3_0_3, VC_V2};
use super::fast::check_iri;
use super::model::{
    ACHIEVEMENT_CREDENTIAL_SCHEMA, Achievement, AchievementCredential, AchievementSubject,
    CREDENTIAL_TYPES, Criteria, CredentialSchema, Evidence, IdentityObject, Image, Profile,
    SCHEMA_VALIDATOR_TYPE,
};
use crate::clock::rfc3339;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("{field} '{value}' is not an absolute URL/IRI badgedesk can sign (https://, http://, urn:, did: or data:, without spaces or <>\"{{}}|^`\\)")]
    BadIri { field: &'static str, value: String },
    #[error("the recipient has neither an e-mail nor a name; a badge needs at least one")]
    NoRecipient,
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("validFrom {valid_from} is in the future (now {now}); check the computer's clock")]
    FromFuture { valid_from: String, now: String },
    #[error("validUntil {valid_until} is not after validFrom {valid_from}")]
    UntilBeforeFrom { valid_from: String, valid_until: String },
    #[error("creditsAvailable must be a finite number ≥ 0 with at most 15 significant digits")]
    BadCredits,
}

/// The issuer, as configured for the event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IssuerInfo {
    /// The issuer DID (`did:key:…` of the event key, or `did:web:…`).
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    /// Logo URL (https or data: URI).
    pub image: Option<String>,
}

/// One achievement (badge class) of the event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AchievementInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    /// Badge image URL (https or data: URI).
    pub image: Option<String>,
    pub image_caption: Option<String>,
    /// OB `achievementType` (`Badge`, `CertificateOfCompletion`, … or `ext:…`).
    pub achievement_type: Option<String>,
    pub credits_available: Option<f64>,
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EvidenceInfo {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub narrative: Option<String>,
    pub genre: Option<String>,
    pub audience: Option<String>,
}

/// Everything one credential needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialInputs<'a> {
    pub issuer: &'a IssuerInfo,
    pub achievement: &'a AchievementInfo,
    /// The recipient's e-mail; hashed with `salt` (see `normalize_email`).
    pub recipient_email: Option<&'a str>,
    /// Display name, written in clear as `identityType: "name"` (leave `None` when the event
    /// disables names).
    pub recipient_name: Option<&'a str>,
    pub credential_id: uuid::Uuid,
    pub salt: &'a str,
    pub valid_from: OffsetDateTime,
    pub valid_until: Option<OffsetDateTime>,
    /// Credential `name` shown by wallets; defaults to the achievement name.
    pub name: Option<&'a str>,
    pub evidence: &'a [EvidenceInfo],
    /// Add `credentialSchema` (the official AchievementCredential schema) and the extensions
    /// context it needs.
    pub with_schema: bool,
}

/// Where credential ids and salts come from.
pub trait Randomness {
    fn fill(&mut self, buf: &mut [u8]);

    /// A random (v4) `urn:uuid` credential id.
    fn credential_id(&mut self) -> uuid::Uuid {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        uuid::Builder::from_random_bytes(b).into_uuid()
    }

    /// A salt of 16 random bytes, as 32 lowercase hex characters.
    fn salt(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        hex::encode(b)
    }
}

/// The operating system's generator.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandomness;

impl Randomness for OsRandomness {
    fn fill(&mut self, buf: &mut [u8]) {
        // getrandom only fails on platforms without an OS generator; a zero buffer would
        // silently repeat ids, so fall back to the thread-local CSPRNG instead.
        if getrandom::fill(buf).is_err() {
            rand::fill(buf);
        }
    }
}

/// The e-mail normalisation applied before hashing: surrounding spaces removed, ASCII letters
/// lowercased. Verifiers must apply the same rule to the address they check.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

/// `sha256$` + lowercase hex of SHA-256(normalized email ‖ salt).
pub fn email_hash(email: &str, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(normalize_email(email).as_bytes());
    h.update(salt.as_bytes());
    format!("sha256${}", hex::encode(h.finalize()))
}

fn iri(field: &'static str, value: &str) -> Result<String, BuildError> {
    check_iri(value).map_err(|_| BuildError::BadIri {
        field,
        value: value.to_string(),
    })?;
    Ok(value.to_string())
}

fn opt_iri(field: &'static str, value: Option<&String>) -> Result<Option<String>, BuildError> {
    value.filter(|v| !v.is_empty()).map(|v| iri(field, v)).transpose()
}

/// `Some` only for non-empty text (empty optional fields are omitted, not written as "").
fn text(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_string)
}

fn image(field: &'static str, url: Option<&String>, caption: Option<&str>) -> Result<Option<Image>, BuildError> {
    Ok(opt_iri(field, url)?.map(|id| Image {
        id,
        type_: "Image".to_string(),
        caption: text(caption),
    }))
}

/// Build the unsigned credential. `now` is only used to refuse a `validFrom` in the future.
pub fn build(inputs: &CredentialInputs<'_>, now: OffsetDateTime) -> Result<AchievementCredential, BuildError> {
    let i = inputs.issuer;
    let a = inputs.achievement;
    if i.name.is_empty() {
        return Err(BuildError::Empty { field: "issuer name" });
    }
    if a.name.is_empty() {
        return Err(BuildError::Empty { field: "achievement name" });
    }
    if inputs.valid_from > now {
        return Err(BuildError::FromFuture {
            valid_from: rfc3339(inputs.valid_from),
            now: rfc3339(now),
        });
    }
    if let Some(until) = inputs.valid_until
        && until <= inputs.valid_from
    {
        return Err(BuildError::UntilBeforeFrom {
            valid_from: rfc3339(inputs.valid_from),
            valid_until: rfc3339(until),
        });
    }
    if let Some(c) = a.credits_available
        && !(c.is_finite() && c >= 0.0 && significant_digits(c) <= 15)
    {
        return Err(BuildError::BadCredits);
    }
    let mut identifier = Vec::new();
    if let Some(email) = inputs.recipient_email.filter(|e| !e.trim().is_empty()) {
        identifier.push(IdentityObject {
            type_: "IdentityObject".to_string(),
            identity_hash: email_hash(email, inputs.salt),
            identity_type: "emailAddress".to_string(),
            hashed: true,
            salt: Some(inputs.salt.to_string()),
        });
    }
    if let Some(name) = inputs.recipient_name.filter(|n| !n.is_empty()) {
        identifier.push(IdentityObject {
            type_: "IdentityObject".to_string(),
            identity_hash: name.to_string(),
            identity_type: "name".to_string(),
            hashed: false,
            salt: None,
        });
    }
    if identifier.is_empty() {
        return Err(BuildError::NoRecipient);
    }
    let criteria = Criteria {
        id: opt_iri("criteria URL", a.criteria_url.as_ref())?,
        narrative: text(a.criteria_narrative.as_deref()),
    };
    let evidence = inputs
        .evidence
        .iter()
        .map(|e| {
            Ok(Evidence {
                id: opt_iri("evidence id", e.id.as_ref())?,
                types: vec!["Evidence".to_string()],
                name: text(e.name.as_deref()),
                description: text(e.description.as_deref()),
                narrative: text(e.narrative.as_deref()),
                genre: text(e.genre.as_deref()),
                audience: text(e.audience.as_deref()),
            })
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let mut context = vec![VC_V2.to_string(), OB_V3P0_3_0_3.to_string()];
    let mut credential_schema = Vec::new();
    if inputs.with_schema {
        context.push(OB_EXTENSIONS.to_string());
        credential_schema.push(CredentialSchema {
            id: ACHIEVEMENT_CREDENTIAL_SCHEMA.to_string(),
            type_: SCHEMA_VALIDATOR_TYPE.to_string(),
        });
    }
    Ok(AchievementCredential {
        context,
        id: format!("urn:uuid:{}", inputs.credential_id.hyphenated()),
        types: CREDENTIAL_TYPES.iter().map(|t| t.to_string()).collect(),
        issuer: Profile {
            id: iri("issuer id", &i.id)?,
            types: vec!["Profile".to_string()],
            name: Some(i.name.clone()),
            url: opt_iri("issuer url", i.url.as_ref())?,
            email: text(i.email.as_deref()),
            description: text(i.description.as_deref()),
            image: image("issuer image", i.image.as_ref(), None)?,
        },
        valid_from: rfc3339(inputs.valid_from),
        valid_until: inputs.valid_until.map(rfc3339),
        name: Some(inputs.name.filter(|n| !n.is_empty()).unwrap_or(&a.name).to_string()),
        description: None,
        credential_subject: AchievementSubject {
            id: None,
            types: vec!["AchievementSubject".to_string()],
            identifier,
            achievement: Achievement {
                id: iri("achievement id", &a.id)?,
                types: vec!["Achievement".to_string()],
                achievement_type: text(a.achievement_type.as_deref()),
                name: a.name.clone(),
                description: a.description.clone(),
                criteria,
                image: image("achievement image", a.image.as_ref(), a.image_caption.as_deref())?,
                credits_available: a.credits_available,
            },
        },
        evidence,
        credential_schema,
        proof: Vec::new(),
    })
}

/// Significant digits of the shortest decimal that round-trips `x`.
fn significant_digits(x: f64) -> usize {
    let s = format!("{x:e}");
    let mantissa = s.split('e').next().unwrap_or("");
    mantissa.chars().filter(|c| c.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn email_hash_matches_the_spec_example() {
        assert_eq!(
            email_hash(" A@Example.com", "Kosher"),
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
    }

    fn inputs<'a>(issuer: &'a IssuerInfo, achievement: &'a AchievementInfo) -> CredentialInputs<'a> {
        CredentialInputs {
            issuer,
            achievement,
            recipient_email: Some("a@example.org"),
            recipient_name: None,
            credential_id: uuid::Uuid::from_u128(1),
            salt: "s",
            valid_from: datetime!(2026-11-26 10:00:00 UTC),
            valid_until: None,
            name: None,
            evidence: &[],
            with_schema: true,
        }
    }

    fn parts() -> (IssuerInfo, AchievementInfo) {
        (
            IssuerInfo {
                id: "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2".into(),
                name: "I".into(),
                ..IssuerInfo::default()
            },
            AchievementInfo {
                id: "https://example.org/a".into(),
                name: "A".into(),
                description: "D".into(),
                ..AchievementInfo::default()
            },
        )
    }

    #[test]
    fn refuses_what_would_make_a_bad_badge() {
        let (i, a) = parts();
        let now = datetime!(2026-11-26 10:00:00 UTC);
        assert!(build(&inputs(&i, &a), now).is_ok());
        let early = datetime!(2026-11-26 09:59:59 UTC);
        assert!(matches!(build(&inputs(&i, &a), early), Err(BuildError::FromFuture { .. })));
        let mut no_one = inputs(&i, &a);
        no_one.recipient_email = Some("  ");
        assert_eq!(build(&no_one, now), Err(BuildError::NoRecipient));
        let mut until = inputs(&i, &a);
        until.valid_until = Some(until.valid_from);
        assert!(matches!(build(&until, now), Err(BuildError::UntilBeforeFrom { .. })));
        let mut bad = a.clone();
        bad.image = Some("badge.png".into());
        assert!(matches!(build(&inputs(&i, &bad), now), Err(BuildError::BadIri { field: "achievement image", .. })));
        bad.image = Some("https://example.org/my badge.png".into());
        assert!(build(&inputs(&i, &bad), now).is_err());
        let mut credits = a.clone();
        credits.credits_available = Some(0.1 + 0.2);
        assert_eq!(build(&inputs(&i, &credits), now), Err(BuildError::BadCredits));
        credits.credits_available = Some(f64::NAN);
        assert_eq!(build(&inputs(&i, &credits), now), Err(BuildError::BadCredits));
    }

    #[test]
    fn identifiers_and_contexts() {
        let (i, a) = parts();
        let now = datetime!(2026-11-26 10:00:00 UTC);
        let mut both = inputs(&i, &a);
        both.recipient_name = Some("Hélène");
        let c = build(&both, now).unwrap();
        let ids = &c.credential_subject.identifier;
        assert_eq!(ids.len(), 2);
        assert!(ids[0].hashed && ids[0].identity_type == "emailAddress");
        assert_eq!(ids[0].salt.as_deref(), Some("s"));
        assert!(!ids[1].hashed && ids[1].identity_hash == "Hélène" && ids[1].identity_type == "name");
        assert_eq!(c.context.len(), 3);
        assert_eq!(c.id, "urn:uuid:00000000-0000-0000-0000-000000000001");
        assert_eq!(c.name.as_deref(), Some("A"));
        let mut plain = inputs(&i, &a);
        plain.with_schema = false;
        let c = build(&plain, now).unwrap();
        assert_eq!(c.context.len(), 2);
        assert!(c.credential_schema.is_empty());
    }

    #[test]
    fn randomness_gives_v4_ids_and_hex_salts() {
        struct Fixed(u8);
        impl Randomness for Fixed {
            fn fill(&mut self, buf: &mut [u8]) {
                buf.fill(self.0);
            }
        }
        let id = Fixed(0xab).credential_id();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(Fixed(1).salt(), "01010101010101010101010101010101");
        let mut os = OsRandomness;
        assert_ne!(os.credential_id(), os.credential_id());
    }
}
