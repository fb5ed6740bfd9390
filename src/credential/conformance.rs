//! Is it an Open Badge? The strict structure check `verify` runs after the signature and the
//! issuing path runs before signing: the official 1EdTech AchievementCredential JSON Schema
//! (bundled in `assets/schemas`, compiled once), plus the spec's rules the schema does not
//! express (subject `id` or `identifier`, identity hash formats, the issuer profile, validity
//! order, …). Every problem names its JSON path.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::{OnceLock, RwLock};

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::model::AchievementCredential;
use crate::i18n::Lang;

/// The official OB 3.0 AchievementCredential schema (1EdTech, draft 2019-09).
pub const SCHEMA_JSON: &str =
    include_str!("../../assets/schemas/ob_v3p0_achievementcredential_schema.json");

/// IdentifierTypeEnum of the OB 3.0 data model (`ext:…` extensions are allowed too).
pub const IDENTITY_TYPES: [&str; 19] = [
    "name",
    "sourcedId",
    "systemId",
    "productId",
    "userName",
    "accountId",
    "emailAddress",
    "nationalIdentityNumber",
    "isbn",
    "issn",
    "lisSourcedId",
    "oneRosterSourcedId",
    "sisSourcedId",
    "ltiContextId",
    "ltiDeploymentId",
    "ltiToolId",
    "ltiPlatformId",
    "ltiUserId",
    "identifier",
];

/// One thing wrong, where it is, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// JSON path, e.g. `$.credentialSubject.identifier[0].identityHash`.
    pub path: String,
    pub en: String,
    pub fr: String,
}

impl Problem {
    fn new(path: impl Into<String>, en: impl Into<String>, fr: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            en: en.into(),
            fr: fr.into(),
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }

    /// `PATH — what is wrong`
    pub fn line(&self, lang: Lang) -> String {
        format!("{} — {}", self.path, self.message(lang))
    }
}

/// The checks, in the order they run. `name` is the stable id shown by `verify --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Schema,
    CredentialType,
    Ids,
    IssuerProfile,
    SubjectIdOrIdentifier,
    IdentityObjects,
    AchievementCriteria,
    EvidenceType,
    ValidityOrder,
}

impl Rule {
    pub const ALL: [Rule; 9] = [
        Rule::Schema,
        Rule::CredentialType,
        Rule::Ids,
        Rule::IssuerProfile,
        Rule::SubjectIdOrIdentifier,
        Rule::IdentityObjects,
        Rule::AchievementCriteria,
        Rule::EvidenceType,
        Rule::ValidityOrder,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rule::Schema => "ob3_json_schema",
            Rule::CredentialType => "credential_type",
            Rule::Ids => "ids_are_uris",
            Rule::IssuerProfile => "issuer_profile",
            Rule::SubjectIdOrIdentifier => "subject_id_or_identifier",
            Rule::IdentityObjects => "identity_objects",
            Rule::AchievementCriteria => "achievement_criteria",
            Rule::EvidenceType => "evidence_type",
            Rule::ValidityOrder => "validity_dates",
        }
    }
}

/// The problems one rule found (none: it passed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleResult {
    pub rule: Rule,
    pub problems: Vec<Problem>,
}

/// Every rule over a credential's JSON (with or without its proof).
pub fn check_value(v: &Value) -> Vec<RuleResult> {
    Rule::ALL
        .into_iter()
        .map(|rule| {
            let mut problems = Vec::new();
            match rule {
                Rule::Schema => schema_problems(v, &mut problems),
                Rule::CredentialType => credential_type(v, &mut problems),
                Rule::Ids => ids(v, &mut problems),
                Rule::IssuerProfile => issuer_profile(v, &mut problems),
                Rule::SubjectIdOrIdentifier => subject_identity(v, &mut problems),
                Rule::IdentityObjects => identity_objects(v, &mut problems),
                Rule::AchievementCriteria => criteria(v, &mut problems),
                Rule::EvidenceType => evidence(v, &mut problems),
                Rule::ValidityOrder => dates(v, &mut problems),
            }
            RuleResult { rule, problems }
        })
        .collect()
}

/// All problems of [`check_value`], in rule order.
pub fn problems(v: &Value) -> Vec<Problem> {
    check_value(v)
        .into_iter()
        .flat_map(|r| r.problems)
        .collect()
}

fn validator() -> Result<&'static jsonschema::Validator, &'static str> {
    static V: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA_JSON).map_err(|e| e.to_string())?;
        jsonschema::validator_for(&schema).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(String::as_str)
}

fn schema_problems(v: &Value, out: &mut Vec<Problem>) {
    let validator = match validator() {
        Ok(val) => val,
        Err(e) => {
            out.push(Problem::new(
                "$",
                format!("the bundled Open Badges schema cannot be used: {e}"),
                format!("le schéma Open Badges fourni est inutilisable\u{a0}: {e}"),
            ));
            return;
        }
    };
    for e in validator.iter_errors(v) {
        let path = json_path(&e.instance_path().to_string());
        let en = e.to_string();
        let fr = french_schema_message(e.kind(), &en);
        out.push(Problem::new(path, en, fr));
    }
}

fn french_schema_message(kind: &jsonschema::error::ValidationErrorKind, en: &str) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    match kind {
        K::Required { property } => format!("le membre {property} manque"),
        K::AdditionalProperties { unexpected } => {
            format!("membre(s) non permis ici\u{a0}: {}", unexpected.join(", "))
        }
        K::Type { .. } => format!("n’a pas le type attendu ({en})"),
        K::Enum { .. } => format!("n’est pas une des valeurs permises ({en})"),
        K::Constant { expected_value } => format!("doit valoir {expected_value}"),
        K::Contains => format!("ne contient pas la valeur attendue ({en})"),
        K::Pattern { pattern } => format!("ne suit pas le motif {pattern}"),
        K::MinItems { limit } => format!("doit avoir au moins {limit} élément(s)"),
        K::AnyOf { .. } | K::OneOfNotValid { .. } => {
            "n’a aucune des formes permises par le schéma".to_string()
        }
        K::Format { format } => format!("n’est pas au format {format}"),
        _ => format!("non conforme au schéma ({en})"),
    }
}

/// `/credentialSubject/identifier/0` → `$.credentialSubject.identifier[0]`.
pub fn json_path(pointer: &str) -> String {
    let mut out = String::from("$");
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            out.push('.');
            out.push_str(&seg);
        }
    }
    out
}

/// A `type` member as a list of strings (a lone string counts as a list of one).
fn types(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// An absolute URI: a scheme (`letter (letter|digit|+|-|.)*`), a colon, no spaces.
pub fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// `sha256$` + 64 hex digits or `md5$` + 32 (either case), as OB 3.0 IdentityHash wants.
pub fn is_identity_hash(s: &str) -> bool {
    let hex = |h: &str, n: usize| h.len() == n && h.bytes().all(|b| b.is_ascii_hexdigit());
    match s.split_once('$') {
        Some(("sha256", h)) => hex(h, 64),
        Some(("md5", h)) => hex(h, 32),
        _ => false,
    }
}

fn is_identity_type(s: &str) -> bool {
    IDENTITY_TYPES.contains(&s)
        || s.strip_prefix("ext:").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        })
}

fn credential_type(v: &Value, out: &mut Vec<Problem>) {
    let t = types(v.get("type"));
    if !t.contains(&"VerifiableCredential") {
        out.push(Problem::new(
            "$.type",
            "must contain VerifiableCredential",
            "doit contenir VerifiableCredential",
        ));
    }
    if !t
        .iter()
        .any(|t| matches!(*t, "OpenBadgeCredential" | "AchievementCredential"))
    {
        out.push(Problem::new(
            "$.type",
            "must contain OpenBadgeCredential or AchievementCredential",
            "doit contenir OpenBadgeCredential ou AchievementCredential",
        ));
    }
}

fn uri_at(v: &Value, path: &str, pointer: &str, out: &mut Vec<Problem>) {
    if let Some(s) = v.pointer(pointer).and_then(Value::as_str)
        && !is_absolute_uri(s)
    {
        out.push(Problem::new(
            path,
            format!("'{s}' is not an absolute URI"),
            format!("«\u{a0}{s}\u{a0}» n’est pas une URI absolue"),
        ));
    }
}

fn ids(v: &Value, out: &mut Vec<Problem>) {
    uri_at(v, "$.id", "/id", out);
    uri_at(v, "$.credentialSubject.id", "/credentialSubject/id", out);
    uri_at(
        v,
        "$.credentialSubject.achievement.id",
        "/credentialSubject/achievement/id",
        out,
    );
}

fn issuer_profile(v: &Value, out: &mut Vec<Problem>) {
    match v.get("issuer") {
        Some(Value::Object(issuer)) => {
            match issuer.get("id").and_then(Value::as_str) {
                Some(id) if is_absolute_uri(id) => {}
                Some(id) => out.push(Problem::new(
                    "$.issuer.id",
                    format!("'{id}' is not an absolute URI"),
                    format!("«\u{a0}{id}\u{a0}» n’est pas une URI absolue"),
                )),
                None => out.push(Problem::new(
                    "$.issuer.id",
                    "the issuer has no id",
                    "l’émetteur n’a pas d’id",
                )),
            }
            if !types(issuer.get("type")).contains(&"Profile") {
                out.push(Problem::new(
                    "$.issuer.type",
                    "must contain Profile",
                    "doit contenir Profile",
                ));
            }
        }
        Some(Value::String(_)) => out.push(Problem::new(
            "$.issuer",
            "the issuer must be an embedded Profile object with id, type and name, not a bare URI (the 1EdTech validator requires issuer.type)",
            "l’émetteur doit être un objet Profile intégré (id, type, name), pas une simple URI (le validateur 1EdTech exige issuer.type)",
        )),
        _ => out.push(Problem::new(
            "$.issuer",
            "no issuer profile",
            "pas de profil d’émetteur",
        )),
    }
}

fn subject_identity(v: &Value, out: &mut Vec<Problem>) {
    let Some(subject) = v.get("credentialSubject") else {
        return; // The schema reports the missing subject.
    };
    let has_id = subject.get("id").and_then(Value::as_str).is_some();
    let has_identifier = subject
        .get("identifier")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if !has_id && !has_identifier {
        out.push(Problem::new(
            "$.credentialSubject",
            "has neither id nor identifier: the recipient cannot be identified",
            "n’a ni id ni identifier\u{a0}: impossible de savoir à qui le badge a été décerné",
        ));
    }
    if !types(subject.get("type")).contains(&"AchievementSubject") {
        out.push(Problem::new(
            "$.credentialSubject.type",
            "must contain AchievementSubject",
            "doit contenir AchievementSubject",
        ));
    }
}

fn identity_objects(v: &Value, out: &mut Vec<Problem>) {
    let Some(list) = v
        .pointer("/credentialSubject/identifier")
        .and_then(Value::as_array)
    else {
        return;
    };
    for (i, id) in list.iter().enumerate() {
        let at = |member: &str| format!("$.credentialSubject.identifier[{i}].{member}");
        if id.get("type").and_then(Value::as_str) != Some("IdentityObject") {
            out.push(Problem::new(
                at("type"),
                "must be \"IdentityObject\"",
                "doit valoir \"IdentityObject\"",
            ));
        }
        match id.get("identityType").and_then(Value::as_str) {
            Some(t) if is_identity_type(t) => {}
            Some(t) => out.push(Problem::new(
                at("identityType"),
                format!("'{t}' is not an identity type of the spec (emailAddress, name, … or ext:…)"),
                format!("«\u{a0}{t}\u{a0}» n’est pas un type d’identité de la spécification (emailAddress, name, … ou ext:…)"),
            )),
            None => out.push(Problem::new(
                at("identityType"),
                "missing",
                "absent",
            )),
        }
        let hash = id.get("identityHash").and_then(Value::as_str);
        match (id.get("hashed").and_then(Value::as_bool), hash) {
            (Some(true), Some(h)) if !is_identity_hash(h) => out.push(Problem::new(
                at("identityHash"),
                "a hashed identity must be sha256$ + 64 hex digits or md5$ + 32 hex digits",
                "une identité hachée doit être sha256$ + 64 chiffres hexadécimaux ou md5$ + 32",
            )),
            (Some(_), Some(_)) => {}
            (None, _) => out.push(Problem::new(
                at("hashed"),
                "must be true or false",
                "doit valoir true ou false",
            )),
            (_, None) => out.push(Problem::new(at("identityHash"), "missing", "absent")),
        }
    }
}

fn criteria(v: &Value, out: &mut Vec<Problem>) {
    let Some(achievement) = v.pointer("/credentialSubject/achievement") else {
        return; // The schema reports it.
    };
    match achievement.get("criteria") {
        Some(c) => {
            let has = |k: &str| {
                c.get(k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.trim().is_empty())
            };
            if !has("id") && !has("narrative") {
                out.push(Problem::new(
                    "$.credentialSubject.achievement.criteria",
                    "needs an id (URL of the criteria) or a narrative",
                    "il faut un id (URL des critères) ou un narrative",
                ));
            }
        }
        None => out.push(Problem::new(
            "$.credentialSubject.achievement.criteria",
            "the achievement has no criteria",
            "le badge n’a pas de critères (criteria)",
        )),
    }
}

fn evidence(v: &Value, out: &mut Vec<Problem>) {
    let Some(list) = v.get("evidence").and_then(Value::as_array) else {
        return;
    };
    for (i, e) in list.iter().enumerate() {
        if !types(e.get("type")).contains(&"Evidence") {
            out.push(Problem::new(
                format!("$.evidence[{i}].type"),
                "must contain Evidence",
                "doit contenir Evidence",
            ));
        }
    }
}

fn dates(v: &Value, out: &mut Vec<Problem>) {
    let date = |key: &str, out: &mut Vec<Problem>| -> Option<OffsetDateTime> {
        let s = v.get(key)?.as_str()?;
        let parsed = OffsetDateTime::parse(s, &Rfc3339).ok();
        if parsed.is_none() {
            out.push(Problem::new(
                format!("$.{key}"),
                format!("'{s}' is not a date-time with a time zone (RFC 3339)"),
                format!("«\u{a0}{s}\u{a0}» n’est pas une date-heure avec fuseau (RFC 3339)"),
            ));
        }
        parsed
    };
    let from = date("validFrom", out);
    let until = date("validUntil", out);
    if let (Some(from), Some(until)) = (from, until)
        && until <= from
    {
        out.push(Problem::new(
            "$.validUntil",
            "is not after validFrom",
            "n’est pas postérieur à validFrom",
        ));
    }
}

/// The issuing side: refuses, before signing, a credential that [`check_value`] would reject.
/// The JSON Schema runs once per *shape* (which members are present, and the type, context
/// and enumerated strings the schema constrains); the rules on values that differ from one
/// credential to the next (ids, dates, hashes) run on the typed model every time, without
/// serializing it.
#[derive(Debug, Default)]
pub struct ShapeCheck {
    passed: RwLock<HashSet<u64>>,
}

impl ShapeCheck {
    pub fn new() -> Self {
        Self::default()
    }

    /// `Ok` when `c` is a conforming Open Badge, else every problem.
    pub fn check(&self, c: &AchievementCredential) -> Result<(), Vec<Problem>> {
        let key = shape_key(c);
        let known = self
            .passed
            .read()
            .map(|s| s.contains(&key))
            .unwrap_or(false);
        if known && value_rules_pass(c) {
            return Ok(());
        }
        // New shape, or a value rule failed: the full check says exactly what is wrong.
        let value = serde_json::to_value(c).unwrap_or_default();
        let problems = problems(&value);
        if !problems.is_empty() {
            return Err(problems);
        }
        if let Ok(mut s) = self.passed.write() {
            s.insert(key);
        }
        Ok(())
    }
}

/// What the schema's verdict depends on: presence of every optional member, array lengths
/// and the strings the schema constrains (contexts, types, enumerations). Free text, ids and
/// dates are left out: the schema only wants them to be strings, which the types guarantee.
fn shape_key(c: &AchievementCredential) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    c.context.hash(&mut h);
    c.types.hash(&mut h);
    c.issuer.types.hash(&mut h);
    (
        c.issuer.name.is_some(),
        c.issuer.url.is_some(),
        c.issuer.email.is_some(),
        c.issuer.description.is_some(),
    )
        .hash(&mut h);
    if let Some(img) = &c.issuer.image {
        (&img.type_, img.caption.is_some()).hash(&mut h);
    }
    (
        c.valid_until.is_some(),
        c.name.is_some(),
        c.description.is_some(),
    )
        .hash(&mut h);
    let s = &c.credential_subject;
    (s.id.is_some(), &s.types).hash(&mut h);
    for i in &s.identifier {
        (&i.type_, &i.identity_type, i.hashed, i.salt.is_some()).hash(&mut h);
    }
    let a = &s.achievement;
    (&a.types, &a.achievement_type, a.credits_available.is_some()).hash(&mut h);
    (a.criteria.id.is_some(), a.criteria.narrative.is_some()).hash(&mut h);
    if let Some(img) = &a.image {
        (&img.type_, img.caption.is_some()).hash(&mut h);
    }
    0xe7u8.hash(&mut h);
    for e in &c.evidence {
        (
            &e.types,
            e.id.is_some(),
            e.name.is_some(),
            e.description.is_some(),
            e.narrative.is_some(),
            e.genre.is_some(),
            e.audience.is_some(),
        )
            .hash(&mut h);
    }
    0x5cu8.hash(&mut h);
    for cs in &c.credential_schema {
        cs.type_.hash(&mut h);
    }
    if let Some(st) = &c.credential_status {
        (st.id.is_some(), &st.type_, &st.status_purpose).hash(&mut h);
    }
    c.proof.len().hash(&mut h);
    h.finish()
}

/// The value rules of [`check_value`] on the typed model (true: nothing to report).
fn value_rules_pass(c: &AchievementCredential) -> bool {
    let s = &c.credential_subject;
    let parse = |t: &str| OffsetDateTime::parse(t, &Rfc3339).ok();
    let Some(from) = parse(&c.valid_from) else {
        return false;
    };
    let until_ok = match c.valid_until.as_deref() {
        None => true,
        Some(u) => parse(u).is_some_and(|u| u > from),
    };
    let criteria_ok = [
        &s.achievement.criteria.id,
        &s.achievement.criteria.narrative,
    ]
    .into_iter()
    .flatten()
    .any(|t| !t.trim().is_empty());
    until_ok
        && criteria_ok
        && is_absolute_uri(&c.id)
        && is_absolute_uri(&c.issuer.id)
        && is_absolute_uri(&s.achievement.id)
        && s.id.as_deref().is_none_or(is_absolute_uri)
        && (s.id.is_some() || !s.identifier.is_empty())
        && s.identifier
            .iter()
            .all(|i| !i.hashed || is_identity_hash(&i.identity_hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_formats() {
        assert_eq!(json_path(""), "$");
        assert_eq!(
            json_path("/credentialSubject/identifier/0/identityHash"),
            "$.credentialSubject.identifier[0].identityHash"
        );
        assert_eq!(json_path("/a~1b"), "$.a/b");
        assert!(is_identity_hash(&format!("sha256${}", "aB".repeat(32))));
        assert!(is_identity_hash(&format!("md5${}", "0".repeat(32))));
        assert!(!is_identity_hash(&format!("sha256${}", "0".repeat(63))));
        assert!(!is_identity_hash(&format!("sha1${}", "0".repeat(40))));
        assert!(!is_identity_hash(&format!("sha256${}g", "0".repeat(63))));
        assert!(is_absolute_uri("urn:uuid:1"));
        assert!(is_absolute_uri("did:key:z6Mk"));
        assert!(!is_absolute_uri("/relative"));
        assert!(!is_absolute_uri("a b:c"));
        assert!(is_identity_type("ext:Badge_ID-1.2"));
        assert!(!is_identity_type("email"));
        assert!(validator().is_ok());
    }
}
