//! Verification of any eddsa-rdfc-2022 credential, ours or another issuer's. The answer is a
//! `Verdict` — valid, invalid with a reason, or could-not-check with why — never a bare bool.
//! Credentials shaped like badgedesk's own are canonicalized on the fast path (proven identical),
//! anything else on the general JSON-LD path.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::canon;
use super::contexts;
use super::didkey;
use super::fast;
use super::input;
use super::model::{AchievementCredential, Proof};
use super::proof::{self, CRYPTOSUITE, PROOF_PURPOSE, PROOF_TYPE};

/// Why a credential is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidReason {
    /// The signature does not match the content: something was changed after signing.
    Tampered,
    /// The proof names a key that is not the issuer's.
    WrongKey,
    /// The signing key's controller is not the credential's issuer.
    IssuerMismatch,
    Expired,
    NotYetValid,
    Revoked,
    /// Not a credential, or one that breaks the rules (no proof, undefined terms, bad values).
    Malformed,
}

impl InvalidReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tampered => "tampered",
            Self::WrongKey => "wrong key",
            Self::IssuerMismatch => "issuer mismatch",
            Self::Expired => "expired",
            Self::NotYetValid => "not yet valid",
            Self::Revoked => "revoked",
            Self::Malformed => "malformed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid {
        reason: InvalidReason,
        detail: String,
    },
    CouldNotCheck {
        why: String,
    },
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid)
    }

    pub(crate) fn invalid(reason: InvalidReason, detail: impl Into<String>) -> Self {
        Verdict::Invalid {
            reason,
            detail: detail.into(),
        }
    }

    pub(crate) fn cannot(why: impl Into<String>) -> Self {
        Verdict::CouldNotCheck { why: why.into() }
    }
}

/// What verification found, plus what to show about the credential.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyReport {
    pub verdict: Verdict,
    pub credential_id: Option<String>,
    pub issuer_id: Option<String>,
    pub issuer_name: Option<String>,
    pub achievement_name: Option<String>,
    /// Things the user should know that do not change the verdict (e.g. status not checked).
    pub warnings: Vec<String>,
}

/// The warning given when a credential's status list could not be consulted.
pub const STATUS_NOT_CHECKED: &str = "revocation status was not checked (offline)";

/// Revocation hook (status lists arrive with issue 6).
pub trait StatusChecker: Sync {
    /// Look at `credentialStatus` of `credential`.
    fn check(&self, credential: &Value, status: &Value) -> StatusOutcome;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusOutcome {
    Active,
    Revoked { reason: Option<String> },
    Unknown { why: String },
}

/// Supplies DID documents for did:web issuers (badgedesk never fetches them itself).
pub trait DidResolver: Sync {
    fn resolve(&self, did: &str) -> Option<Value>;
}

/// What verification needs from outside: the time, and optional hooks.
#[derive(Clone, Copy)]
pub struct VerifyOptions<'a> {
    pub now: OffsetDateTime,
    pub status: Option<&'a dyn StatusChecker>,
    pub resolver: Option<&'a dyn DidResolver>,
    /// Always use the general JSON-LD path (slower; for comparison and paranoia).
    pub force_general: bool,
}

impl<'a> VerifyOptions<'a> {
    pub fn at(now: OffsetDateTime) -> Self {
        Self {
            now,
            status: None,
            resolver: None,
            force_general: false,
        }
    }
}

/// Verify a file's bytes (JSON, or baked PNG/SVG once `bake` is merged).
pub fn verify_bytes(
    bytes: &[u8],
    file_name: Option<&str>,
    options: &VerifyOptions<'_>,
) -> VerifyReport {
    match input::extract_credential_json(bytes, file_name) {
        Ok(text) => verify_json(&text, options),
        Err(verdict) => VerifyReport {
            verdict,
            credential_id: None,
            issuer_id: None,
            issuer_name: None,
            achievement_name: None,
            warnings: Vec::new(),
        },
    }
}

/// Verify a credential given as JSON text.
pub fn verify_json(text: &str, options: &VerifyOptions<'_>) -> VerifyReport {
    let value: Option<Value> = serde_json::from_str(text).ok();
    let mut report = VerifyReport {
        verdict: Verdict::Valid,
        credential_id: None,
        issuer_id: None,
        issuer_name: None,
        achievement_name: None,
        warnings: Vec::new(),
    };
    let Some(value) = value.filter(Value::is_object) else {
        report.verdict = Verdict::invalid(InvalidReason::Malformed, "not a JSON object");
        return report;
    };
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    report.credential_id = s(value.get("id"));
    let issuer = value.get("issuer");
    report.issuer_id = s(issuer.and_then(|i| i.get("id"))).or_else(|| s(issuer));
    report.issuer_name = s(issuer.and_then(|i| i.get("name")));
    report.achievement_name =
        s(value.pointer("/credentialSubject/achievement/name")).or_else(|| s(value.get("name")));
    report.verdict = check(text, &value, options, &mut report.warnings);
    report
}

fn check(
    text: &str,
    value: &Value,
    options: &VerifyOptions<'_>,
    warnings: &mut Vec<String>,
) -> Verdict {
    use InvalidReason::*;
    // 1. The proof.
    let proofs: Vec<&Value> = match value.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p @ Value::Object(_)) => vec![p],
        Some(_) => return Verdict::invalid(Malformed, "'proof' is neither an object nor an array"),
        None => {
            return Verdict::invalid(Malformed, "the credential has no proof (it is not signed)");
        }
    };
    let Some(proof) = proofs.iter().copied().find(|p| {
        p.get("type").and_then(Value::as_str) == Some(PROOF_TYPE)
            && p.get("cryptosuite").and_then(Value::as_str) == Some(CRYPTOSUITE)
    }) else {
        let kinds: Vec<String> = proofs
            .iter()
            .map(|p| {
                let t = p.get("type").and_then(Value::as_str).unwrap_or("?");
                match p.get("cryptosuite").and_then(Value::as_str) {
                    Some(c) => format!("{t}/{c}"),
                    None => t.to_string(),
                }
            })
            .collect();
        return Verdict::cannot(format!(
            "proof type {} is not supported (badgedesk checks DataIntegrityProof eddsa-rdfc-2022)",
            kinds.join(", ")
        ));
    };
    if proof.get("proofPurpose").and_then(Value::as_str) != Some(PROOF_PURPOSE) {
        return Verdict::invalid(Malformed, "proofPurpose is not assertionMethod");
    }
    let Some(pv) = proof.get("proofValue").and_then(Value::as_str) else {
        return Verdict::invalid(Malformed, "the proof has no proofValue");
    };
    let signature = match proof::decode_proof_value(pv) {
        Ok(s) => s,
        Err(e) => return Verdict::invalid(Tampered, e.to_string()),
    };
    let Some(vm) = proof.get("verificationMethod").and_then(Value::as_str) else {
        return Verdict::invalid(Malformed, "the proof has no verificationMethod");
    };
    // 2. The key.
    let (key, controller) = match resolve_key(vm, options) {
        Ok(k) => k,
        Err(v) => return v,
    };
    // 3. Unknown contexts cannot be checked offline (a changed context URL lands here too).
    if let Some(unknown) = unknown_context(value.get("@context")) {
        return Verdict::cannot(format!(
            "the credential uses context '{unknown}', which badgedesk does not ship (it never fetches contexts)"
        ));
    }
    // 4. Canonical forms and the signature.
    let (document, config) = match canonical_forms(text, value, proof, options.force_general) {
        Ok(forms) => forms,
        Err(e) => return Verdict::invalid(Malformed, e),
    };
    if !proof::verify_canonical(&key, &signature, &config, &document) {
        return Verdict::invalid(
            Tampered,
            "the signature does not match the content: the credential was changed after signing, or signed with another key",
        );
    }
    // 5. Key ↔ issuer binding.
    let issuer_id = value
        .get("issuer")
        .and_then(|i| i.get("id").or(Some(i)))
        .and_then(Value::as_str)
        .unwrap_or("");
    if controller != issuer_id
        && (issuer_id.starts_with("https://") || issuer_id.starts_with("http://"))
    {
        // An https issuer may list this key in its own profile; that needs the network.
        return Verdict::cannot(format!(
            "the signature is valid, but the issuer '{issuer_id}' cannot be resolved offline to confirm that key '{controller}' is its own"
        ));
    }
    if controller != issuer_id {
        return Verdict::invalid(
            IssuerMismatch,
            format!(
                "the signature is valid but the key belongs to '{controller}', not to the issuer '{issuer_id}'"
            ),
        );
    }
    // 6. Validity period.
    let date = |k: &str| value.get(k).and_then(Value::as_str);
    for key in ["validFrom", "issuanceDate"] {
        if let Some(v) = date(key) {
            match OffsetDateTime::parse(v, &Rfc3339) {
                Ok(t) if t > options.now => {
                    return Verdict::invalid(NotYetValid, format!("{key} is {v}"));
                }
                Ok(_) => {}
                Err(_) => {
                    return Verdict::invalid(Malformed, format!("{key} '{v}' is not a date-time"));
                }
            }
        }
    }
    for key in ["validUntil", "expirationDate"] {
        if let Some(v) = date(key) {
            match OffsetDateTime::parse(v, &Rfc3339) {
                Ok(t) if t < options.now => {
                    return Verdict::invalid(Expired, format!("{key} was {v}"));
                }
                Ok(_) => {}
                Err(_) => {
                    return Verdict::invalid(Malformed, format!("{key} '{v}' is not a date-time"));
                }
            }
        }
    }
    // 7. Revocation.
    if let Some(status) = value.get("credentialStatus") {
        match options.status.map(|c| c.check(value, status)) {
            Some(StatusOutcome::Revoked { reason }) => {
                return Verdict::invalid(
                    Revoked,
                    reason.unwrap_or_else(|| "revoked by the issuer".into()),
                );
            }
            Some(StatusOutcome::Active) => {}
            Some(StatusOutcome::Unknown { why }) => {
                warnings.push(format!("revocation status unknown: {why}"))
            }
            None => warnings.push(STATUS_NOT_CHECKED.to_string()),
        }
    }
    Verdict::Valid
}

/// The verification key and its controller (the DID or URL before `#`).
fn resolve_key(
    vm: &str,
    options: &VerifyOptions<'_>,
) -> Result<(ed25519_dalek::VerifyingKey, String), Verdict> {
    let (controller, fragment) = vm.split_once('#').unwrap_or((vm, ""));
    if controller.starts_with("did:key:") {
        return match didkey::decode_did_key(vm) {
            Ok(k) => Ok((k, controller.to_string())),
            Err(didkey::DidError::NotDidKey(_)) => Err(Verdict::invalid(
                InvalidReason::WrongKey,
                format!("verification method '{vm}' names a key other than its DID's"),
            )),
            Err(didkey::DidError::NotEd25519(_)) => Err(Verdict::cannot(format!(
                "verification method '{vm}' is not an Ed25519 key"
            ))),
            Err(e) => Err(Verdict::invalid(InvalidReason::Malformed, e.to_string())),
        };
    }
    if controller.starts_with("did:web:") {
        let Some(doc) = options.resolver.and_then(|r| r.resolve(controller)) else {
            return Err(Verdict::cannot(format!(
                "the issuer '{controller}' is a did:web; its DID document cannot be fetched offline"
            )));
        };
        return match didkey::key_from_did_document(&doc, vm) {
            Some(k) => Ok((k, controller.to_string())),
            None => Err(Verdict::invalid(
                InvalidReason::WrongKey,
                format!(
                    "'{vm}' is not an Ed25519 key listed in the DID document of '{controller}'"
                ),
            )),
        };
    }
    // As the 1EdTech validator does: a fragment that is itself a multikey is the key.
    match didkey::decode_public_key_multibase(fragment) {
        Ok(k) => return Ok((k, controller.to_string())),
        Err(didkey::DidError::NotBase58btc(_)) => {}
        Err(e) if fragment.starts_with("z6Mk") => {
            return Err(Verdict::invalid(InvalidReason::Malformed, e.to_string()));
        }
        Err(_) => {}
    }
    Err(Verdict::cannot(format!(
        "the key '{vm}' would have to be fetched from the network"
    )))
}

fn unknown_context(context: Option<&Value>) -> Option<String> {
    let items: Vec<&Value> = match context? {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .filter_map(Value::as_str)
        .find(|url| !contexts::is_known(url))
        .map(str::to_string)
}

/// (canonical document, canonical proof configuration): fast path when the credential is
/// exactly what badgedesk's model emits, general path otherwise.
fn canonical_forms(
    text: &str,
    value: &Value,
    proof_value: &Value,
    force_general: bool,
) -> Result<(String, String), String> {
    let mut unsecured = value.clone();
    if let Some(map) = unsecured.as_object_mut() {
        map.remove("proof");
    }
    let context = value.get("@context").cloned().unwrap_or(Value::Null);
    let mut options = proof_value.clone();
    if let Some(map) = options.as_object_mut() {
        map.remove("proofValue");
    }
    if !force_general && let Some(forms) = fast_forms(&unsecured, &options) {
        return Ok(forms);
    }
    let mut doc = canon::parse(text).map_err(|e| e.to_string())?;
    if let Some(obj) = doc.as_object_mut() {
        let _ = obj.remove("proof").count();
    }
    let document = canon::canonicalize(doc).map_err(|e| e.to_string())?;
    let mut config = options;
    if let Some(map) = config.as_object_mut() {
        map.insert("@context".to_string(), context);
    }
    let config =
        canon::canonicalize_serde(&config).map_err(|e| format!("proof configuration: {e}"))?;
    Ok((document, config))
}

fn fast_forms(unsecured: &Value, options: &Value) -> Option<(String, String)> {
    let typed: AchievementCredential = serde_json::from_value(unsecured.clone()).ok()?;
    // Only when the typed model reproduces the JSON exactly (no dropped or respelled member).
    if serde_json::to_value(&typed).ok()? != *unsecured {
        return None;
    }
    let proof: Proof = serde_json::from_value(options.clone()).ok()?;
    if serde_json::to_value(&proof).ok()? != *options {
        return None;
    }
    let document = fast::canonical_document(&typed).ok()?;
    let config = fast::canonical_proof_config(&proof, &typed.context).ok()?;
    Some((document, config))
}
