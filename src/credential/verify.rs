//! Verification of any eddsa-rdfc-2022 credential, ours or another issuer's. The answer is a
//! `Verdict` — valid, invalid with a reason, or could-not-check with why — never a bare bool.
//! Credentials shaped like badgedesk's own are canonicalized on the fast path (proven identical),
//! anything else on the general JSON-LD path.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::canon;
use super::conformance::{self, Problem, Rule};
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
    /// Correctly signed, but not a valid Open Badge (schema or spec rules); the detail is
    /// `PATH — what is wrong`.
    NotOpenBadge,
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
            Self::NotOpenBadge => "not an Open Badge",
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
    /// The same kind of thing, in both languages: baked-container oddities, compacted JSON-LD.
    pub notes: Vec<Problem>,
    /// Every check, in order, with its result (`verify --json`).
    pub checks: Vec<CheckResult>,
    /// An Open Badges 2.0 assertion: only its structure was checked.
    pub ob2_structure_only: bool,
}

impl VerifyReport {
    /// A report with only a verdict (nothing could be read).
    pub fn with_verdict(verdict: Verdict) -> Self {
        VerifyReport {
            verdict,
            credential_id: None,
            issuer_id: None,
            issuer_name: None,
            achievement_name: None,
            warnings: Vec::new(),
            notes: Vec::new(),
            checks: Vec::new(),
            ob2_structure_only: false,
        }
    }

    /// Every structure problem found (the verdict names the first).
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.checks.iter().flat_map(|c| &c.problems)
    }
}

/// One check of a verification and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckResult {
    pub check: &'static str,
    pub result: CheckStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    Failed,
    /// Could not be decided offline.
    NotChecked,
    /// Not reached: an earlier check decided the verdict.
    NotRun,
}

/// The checks of a 3.0 credential, in order (the structure rules sit after the binding).
const STEPS_BEFORE: [&str; 6] = [
    "json",
    "proof",
    "key",
    "contexts",
    "signature",
    "issuer_key_binding",
];
const STEPS_AFTER: [&str; 2] = ["validity_period", "revocation"];

/// Records the checks as `check` goes: each step passes when the next one starts.
#[derive(Default)]
struct Steps {
    done: Vec<CheckResult>,
    current: Option<&'static str>,
}

impl Steps {
    fn step(&mut self, name: &'static str) {
        self.close(CheckStatus::Passed, None);
        self.current = Some(name);
    }

    fn close(&mut self, result: CheckStatus, detail: Option<String>) {
        if let Some(check) = self.current.take() {
            self.done.push(CheckResult {
                check,
                result,
                detail,
                problems: Vec::new(),
            });
        }
    }

    fn finish(mut self, verdict: &Verdict) -> Vec<CheckResult> {
        match verdict {
            Verdict::Valid => self.close(CheckStatus::Passed, None),
            Verdict::Invalid { detail, .. } => {
                self.close(CheckStatus::Failed, Some(detail.clone()))
            }
            Verdict::CouldNotCheck { why } => {
                self.close(CheckStatus::NotChecked, Some(why.clone()))
            }
        }
        let rules = Rule::ALL.map(Rule::name);
        for name in STEPS_BEFORE.iter().chain(&rules).chain(&STEPS_AFTER) {
            if !self.done.iter().any(|c| c.check == *name) {
                self.done.push(CheckResult {
                    check: name,
                    result: CheckStatus::NotRun,
                    detail: None,
                    problems: Vec::new(),
                });
            }
        }
        self.done
    }
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
    /// Require a valid Open Badge (schema and spec rules); off for other credentials badgedesk
    /// reads, such as status lists.
    pub open_badge: bool,
}

impl<'a> VerifyOptions<'a> {
    pub fn at(now: OffsetDateTime) -> Self {
        Self {
            now,
            status: None,
            resolver: None,
            force_general: false,
            open_badge: true,
        }
    }
}

/// Verify a file's bytes: JSON, or a baked PNG/SVG (whose container oddities become notes).
/// An Open Badges 2.0 assertion gets its structure checked.
pub fn verify_bytes(
    bytes: &[u8],
    file_name: Option<&str>,
    options: &VerifyOptions<'_>,
) -> VerifyReport {
    match input::extract(bytes, file_name) {
        Ok(found) => {
            let mut report = match found.kind {
                input::Kind::Ob3(text) => verify_json(&text, options),
                input::Kind::Ob2(text) => super::ob2_check::verify_assertion(&text),
                input::Kind::Ob2Url(url) => super::ob2_check::hosted_only(&url),
            };
            report.notes.splice(0..0, found.notes);
            report
        }
        Err(verdict) => VerifyReport::with_verdict(verdict),
    }
}

/// Verify a credential given as JSON text.
pub fn verify_json(text: &str, options: &VerifyOptions<'_>) -> VerifyReport {
    let value: Option<Value> = serde_json::from_str(text).ok();
    let mut report = VerifyReport::with_verdict(Verdict::Valid);
    let mut steps = Steps::default();
    steps.step("json");
    let Some(value) = value.filter(Value::is_object) else {
        report.verdict = Verdict::invalid(InvalidReason::Malformed, "not a JSON object");
        report.checks = steps.finish(&report.verdict);
        return report;
    };
    if super::ob2_check::is_ob2(&value) {
        return super::ob2_check::verify_assertion(text);
    }
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    report.credential_id = s(value.get("id"));
    let issuer = value.get("issuer");
    report.issuer_id = s(issuer.and_then(|i| i.get("id"))).or_else(|| s(issuer));
    report.issuer_name = s(issuer.and_then(|i| i.get("name")));
    report.achievement_name =
        s(value.pointer("/credentialSubject/achievement/name")).or_else(|| s(value.get("name")));
    report.verdict = check(text, &value, options, &mut report, &mut steps);
    report.checks = steps.finish(&report.verdict);
    report
}

fn check(
    text: &str,
    value: &Value,
    options: &VerifyOptions<'_>,
    report: &mut VerifyReport,
    steps: &mut Steps,
) -> Verdict {
    use InvalidReason::*;
    // 1. The proof.
    steps.step("proof");
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
    steps.step("key");
    let (key, controller) = match resolve_key(vm, options) {
        Ok(k) => k,
        Err(v) => return v,
    };
    // 3. Unknown contexts cannot be checked offline (a changed context URL lands here too).
    steps.step("contexts");
    if let Some(unknown) = unknown_context(value.get("@context")) {
        return Verdict::cannot(format!(
            "the credential uses context '{unknown}', which badgedesk does not ship (it never fetches contexts)"
        ));
    }
    // 4. Canonical forms and the signature.
    steps.step("signature");
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
    steps.step("issuer_key_binding");
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
    // 6. Structure: is this signed credential an Open Badge?
    if options.open_badge
        && let Some(first) = structure(value, report, steps)
    {
        return Verdict::invalid(NotOpenBadge, first.line(crate::i18n::Lang::En));
    }
    // 7. Validity period.
    steps.step("validity_period");
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
    // 8. Revocation.
    steps.step("revocation");
    if let Some(status) = value.get("credentialStatus") {
        match options.status.map(|c| c.check(value, status)) {
            Some(StatusOutcome::Revoked { reason }) => {
                return Verdict::invalid(
                    Revoked,
                    reason.unwrap_or_else(|| "revoked by the issuer".into()),
                );
            }
            Some(StatusOutcome::Active) => {}
            Some(StatusOutcome::Unknown { why }) => report
                .warnings
                .push(format!("revocation status unknown: {why}")),
            None => report.warnings.push(STATUS_NOT_CHECKED.to_string()),
        }
    }
    Verdict::Valid
}

/// Runs the Open Badges rules, records one check per rule, and returns the first problem.
/// A lone `proof` object (JSON-LD compacted form) is accepted with a note, as the 1EdTech
/// validator does; the plain-JSON schema wants an array.
fn structure(value: &Value, report: &mut VerifyReport, steps: &mut Steps) -> Option<Problem> {
    steps.close(CheckStatus::Passed, None);
    let wrapped;
    let value = match value.get("proof") {
        Some(p @ Value::Object(_)) => {
            report.notes.push(Problem {
                path: "$.proof".into(),
                en: "a single proof object (JSON-LD compacted form); the Open Badges JSON schema wants an array, accepted as the 1EdTech validator does".into(),
                fr: "une preuve seule, pas un tableau (forme JSON-LD compactée)\u{a0}; le schéma JSON Open Badges veut un tableau, acceptée comme le fait le validateur 1EdTech".into(),
            });
            let mut v = value.clone();
            v["proof"] = Value::Array(vec![p.clone()]);
            wrapped = v;
            &wrapped
        }
        _ => value,
    };
    let mut first = None;
    for r in conformance::check_value(value) {
        if first.is_none() {
            first = r.problems.first().cloned();
        }
        steps.done.push(CheckResult {
            check: r.rule.name(),
            result: if r.problems.is_empty() {
                CheckStatus::Passed
            } else {
                CheckStatus::Failed
            },
            detail: None,
            problems: r.problems,
        });
    }
    first
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
