//! Open Badges 3.0 credentials: the typed model, canonicalization (general JSON-LD path and fast
//! typed path), eddsa-rdfc-2022 proofs, did:key / did:web, the issuer key, and verification.
//! Pure and synchronous: no clock reads (times are parameters), no printing, no network. The only
//! file I/O is the key file (`keys`).
//!
//! # Public API (what other modules call)
//!
//! Issuing (the issuance code only fills data):
//! - [`keys::generate`]`(event_dir, passphrase)` → [`IssuerKey`] (writes `keys/issuer.key`, 0600);
//!   [`keys::load`]`(event_dir, passphrase)`; [`keys::is_encrypted`].
//! - [`IssuerBinding::did_key`]`(&key)` (or [`IssuerBinding::did_web`] with
//!   [`didkey::did_web`]`(domain)`; publish [`didkey::did_web_document`] as `did.json`).
//! - [`builder::build`]`(&CredentialInputs { issuer, achievement, recipient_email,
//!   recipient_name, credential_id, salt, valid_from, .. }, now)` → unsigned
//!   [`AchievementCredential`]; ids and salts from [`builder::Randomness`]
//!   ([`builder::OsRandomness`] in production).
//! - [`BatchSigner::new`]`(key, binding, created, &credential.context)` then
//!   [`BatchSigner::sign`]`(&credential)` or [`BatchSigner::sign_all`]`(&credentials, 0)`
//!   (all cores). The first credential of a batch is cross-checked on the general path.
//! - [`AchievementCredential::to_json`] for the file to publish / bake.
//!
//! Verifying:
//! - [`verify::verify_bytes`]`(bytes, Some(file_name), &VerifyOptions::at(now))` →
//!   [`VerifyReport`] with a [`Verdict`]: `Valid`, `Invalid { reason, detail }`,
//!   `CouldNotCheck { why }`. Baked PNG/SVG go through [`input::extract`],
//!   where `bake::unbake` plugs in. [`verify::StatusChecker`] is the revocation hook.
//!
//! ```
//! use badgedesk::credential::builder::{build, CredentialInputs};
//! use badgedesk::credential::verify::{verify_json, VerifyOptions};
//! use badgedesk::credential::{AchievementInfo, BatchSigner, IssuerBinding, IssuerInfo, IssuerKey};
//! use time::macros::datetime;
//!
//! let key = IssuerKey::from_seed(&[7; 32]); // real keys: keys::generate / keys::load
//! let issuer = IssuerInfo { id: key.did_key(), name: "Festirobot".into(), ..Default::default() };
//! let achievement = AchievementInfo {
//!     id: "https://festirobot.example.org/badges/sumo".into(),
//!     name: "Atelier Sumo".into(),
//!     description: "A participé à l'atelier sumo.".into(),
//!     criteria_narrative: Some("Présent à l'atelier.".into()),
//!     ..Default::default()
//! };
//! let now = datetime!(2026-11-26 17:30:00 UTC);
//! let credential = build(&CredentialInputs {
//!     issuer: &issuer,
//!     achievement: &achievement,
//!     recipient_email: Some("helene@example.org"),
//!     recipient_name: Some("Hélène"),
//!     credential_id: uuid::Uuid::from_u128(1), // OsRandomness.credential_id() in production
//!     salt: "8f0c3a…",                          // OsRandomness.salt() in production
//!     valid_from: now,
//!     valid_until: None,
//!     name: None,
//!     evidence: &[],
//!     with_schema: true,
//! }, now)?;
//! let signer = BatchSigner::new(key.clone(), IssuerBinding::did_key(&key), "2026-11-26T17:30:00Z", &credential.context)?;
//! let signed = signer.sign(&credential)?;
//! let report = verify_json(&signed.to_json(), &VerifyOptions::at(now));
//! assert!(report.verdict.is_valid());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Lower level: [`canon`] (general path), [`fast`] (typed path), [`proof`] (hashing, proofValue),
//! [`didkey`], [`contexts`] (compiled-in contexts, loader refusing other URLs).

pub mod builder;
pub mod canon;
pub mod conformance;
pub mod contexts;
pub mod didkey;
pub mod fast;
pub mod input;
pub mod keys;
pub mod model;
pub mod nquads;
pub mod ob2_check;
pub mod proof;
pub mod sign;
pub mod triples;
pub mod verify;

pub use builder::{AchievementInfo, CredentialInputs, EvidenceInfo, IssuerInfo};
pub use keys::{IssuerKey, KeyError};
pub use model::AchievementCredential;
pub use sign::{BatchSigner, IssuerBinding, SignError};
pub use verify::{InvalidReason, Verdict, VerifyOptions, VerifyReport};
