//! Open Badges 2.0 assertions: their structure only. A hosted assertion is verified by fetching
//! its `id` (and its badge class and issuer), which needs the network; offline, badgedesk checks
//! what validators check first: the context, recipient hashing, badge, verification and dates.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::conformance::{Problem, is_absolute_uri, is_identity_hash};
use super::verify::{CheckResult, CheckStatus, InvalidReason, Verdict, VerifyReport};

/// The OB 2.0 context, under both of its published URLs.
pub const CONTEXTS: [&str; 2] = [
    "https://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
];

/// What `verify` says of a 2.0 assertion whose structure is right.
pub const STRUCTURE_ONLY: &str = "Open Badges 2.0, structure only (hosted verification needs the network): the assertion is well formed; its hosted copy, badge class and issuer were not fetched";

/// Does this JSON say it is a 2.0 document (by its context, or by being an `Assertion`)?
pub fn is_ob2(v: &Value) -> bool {
    let ctx = match v.get("@context") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    ctx.iter().any(|c| CONTEXTS.contains(c))
        || (v.get("@context").is_none()
            && v.get("type").and_then(Value::as_str) == Some("Assertion"))
}

/// A 2.0 badge that carries only its assertion URL: nothing to check offline.
pub fn hosted_only(url: &str) -> VerifyReport {
    let mut report = VerifyReport::with_verdict(Verdict::cannot(format!(
        "Open Badges 2.0, hosted verification needs the network: this badge carries only its assertion URL {url}, which badgedesk does not fetch"
    )));
    report.ob2_structure_only = true;
    report.credential_id = Some(url.to_string());
    report
}

/// The checks, in order, as `verify --json` lists them.
const CHECKS: [&str; 7] = [
    "ob2_context",
    "ob2_type",
    "ob2_id",
    "ob2_recipient",
    "ob2_badge",
    "ob2_verification",
    "ob2_dates",
];

/// Check a 2.0 assertion's structure: `Invalid (not an Open Badge)` naming the first problem,
/// else `CouldNotCheck` with [`STRUCTURE_ONLY`] (authenticity needs the hosted copy).
pub fn verify_assertion(text: &str) -> VerifyReport {
    let mut report = VerifyReport::with_verdict(Verdict::cannot(STRUCTURE_ONLY));
    report.ob2_structure_only = true;
    let Some(v) = serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_object)
    else {
        report.verdict = Verdict::invalid(InvalidReason::Malformed, "not a JSON object");
        return report;
    };
    let s = |x: Option<&Value>| x.and_then(Value::as_str).map(str::to_string);
    report.credential_id = s(v.get("id"));
    report.achievement_name = s(v.pointer("/badge/name"));
    report.issuer_id = s(v.pointer("/badge/issuer/id")).or_else(|| s(v.pointer("/badge/issuer")));
    report.issuer_name = s(v.pointer("/badge/issuer/name"));
    for name in CHECKS {
        let mut problems = Vec::new();
        match name {
            "ob2_context" => context(&v, &mut problems),
            "ob2_type" => kind(&v, &mut problems),
            "ob2_id" => id(&v, &mut problems),
            "ob2_recipient" => recipient(&v, &mut problems),
            "ob2_badge" => badge(&v, &mut problems),
            "ob2_verification" => verification(&v, &mut problems),
            _ => dates(&v, &mut problems),
        }
        report.checks.push(CheckResult {
            check: name,
            result: if problems.is_empty() {
                CheckStatus::Passed
            } else {
                CheckStatus::Failed
            },
            detail: None,
            problems,
        });
    }
    let first = report.problems().next().cloned();
    if let Some(first) = first {
        report.verdict = Verdict::invalid(
            InvalidReason::NotOpenBadge,
            first.line(crate::i18n::Lang::En),
        );
    }
    report
}

fn p(path: &str, en: impl Into<String>, fr: impl Into<String>) -> Problem {
    Problem {
        path: path.to_string(),
        en: en.into(),
        fr: fr.into(),
    }
}

fn missing(path: &str) -> Problem {
    p(path, "missing", "absent")
}

fn context(v: &Value, out: &mut Vec<Problem>) {
    let ok = match v.get("@context") {
        Some(Value::String(s)) => CONTEXTS.contains(&s.as_str()),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .any(|c| CONTEXTS.contains(&c)),
        _ => false,
    };
    if !ok {
        out.push(p(
            "$.@context",
            "must be https://w3id.org/openbadges/v2",
            "doit valoir https://w3id.org/openbadges/v2",
        ));
    }
}

fn kind(v: &Value, out: &mut Vec<Problem>) {
    let t: Vec<&str> = match v.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !t.contains(&"Assertion") {
        out.push(p("$.type", "must be Assertion", "doit valoir Assertion"));
    }
}

fn id(v: &Value, out: &mut Vec<Problem>) {
    match v.get("id").and_then(Value::as_str) {
        Some(id) if is_absolute_uri(id) => {}
        Some(id) => out.push(p(
            "$.id",
            format!("'{id}' is not an absolute URI"),
            format!("«\u{a0}{id}\u{a0}» n’est pas une URI absolue"),
        )),
        None => out.push(missing("$.id")),
    }
}

fn recipient(v: &Value, out: &mut Vec<Problem>) {
    let Some(r) = v.get("recipient").filter(|r| r.is_object()) else {
        out.push(p(
            "$.recipient",
            "missing (an IdentityObject: type, identity, hashed, salt)",
            "absent (un IdentityObject\u{a0}: type, identity, hashed, salt)",
        ));
        return;
    };
    match r.get("type").and_then(Value::as_str) {
        Some("email" | "url" | "telephone" | "id") => {}
        Some(t) => out.push(p(
            "$.recipient.type",
            format!("'{t}' is not email, url, telephone or id"),
            format!("«\u{a0}{t}\u{a0}» n’est ni email, ni url, ni telephone, ni id"),
        )),
        None => out.push(missing("$.recipient.type")),
    }
    let identity = r.get("identity").and_then(Value::as_str);
    match (r.get("hashed").and_then(Value::as_bool), identity) {
        (_, None) => out.push(missing("$.recipient.identity")),
        (None, _) => out.push(p(
            "$.recipient.hashed",
            "must be true or false",
            "doit valoir true ou false",
        )),
        (Some(true), Some(h)) if !is_identity_hash(h) => out.push(p(
            "$.recipient.identity",
            "a hashed identity must be sha256$ + 64 hex digits or md5$ + 32 hex digits",
            "une identité hachée doit être sha256$ + 64 chiffres hexadécimaux ou md5$ + 32",
        )),
        _ => {}
    }
    if let Some(salt) = r.get("salt")
        && !salt.is_string()
    {
        out.push(p(
            "$.recipient.salt",
            "must be a string",
            "doit être une chaîne",
        ));
    }
}

fn badge(v: &Value, out: &mut Vec<Problem>) {
    match v.get("badge") {
        Some(Value::String(url)) if is_absolute_uri(url) => {}
        Some(Value::Object(b)) => {
            for member in ["id", "name", "description", "image", "criteria", "issuer"] {
                if !b.contains_key(member) {
                    out.push(missing(&format!("$.badge.{member}")));
                }
            }
            if b.get("type").and_then(Value::as_str) != Some("BadgeClass") {
                out.push(p(
                    "$.badge.type",
                    "must be BadgeClass",
                    "doit valoir BadgeClass",
                ));
            }
        }
        Some(_) => out.push(p(
            "$.badge",
            "must be the BadgeClass URL or an embedded BadgeClass",
            "doit être l’URL de la BadgeClass ou une BadgeClass intégrée",
        )),
        None => out.push(missing("$.badge")),
    }
}

fn verification(v: &Value, out: &mut Vec<Problem>) {
    let Some(ver) = v.get("verification").or_else(|| v.get("verify")) else {
        out.push(missing("$.verification"));
        return;
    };
    match ver.get("type").and_then(Value::as_str) {
        Some("hosted" | "HostedBadge") => {
            let hosted = v
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.starts_with("https://") || id.starts_with("http://"));
            if !hosted {
                out.push(p(
                    "$.id",
                    "a hosted assertion's id must be the http(s) URL it is served at",
                    "l’id d’une assertion hébergée doit être l’URL http(s) où elle est publiée",
                ));
            }
        }
        Some("signed" | "SignedBadge") => {
            if !ver
                .get("creator")
                .and_then(Value::as_str)
                .is_some_and(is_absolute_uri)
            {
                out.push(p(
                    "$.verification.creator",
                    "a signed assertion names its key's URL in creator",
                    "une assertion signée donne l’URL de sa clé dans creator",
                ));
            }
        }
        Some(t) => out.push(p(
            "$.verification.type",
            format!("'{t}' is not hosted or signed"),
            format!("«\u{a0}{t}\u{a0}» n’est ni hosted ni signed"),
        )),
        None => out.push(missing("$.verification.type")),
    }
}

fn dates(v: &Value, out: &mut Vec<Problem>) {
    let date = |key: &str, out: &mut Vec<Problem>| -> Option<OffsetDateTime> {
        let s = v.get(key)?.as_str()?;
        let parsed = OffsetDateTime::parse(s, &Rfc3339).ok();
        if parsed.is_none() {
            out.push(p(
                &format!("$.{key}"),
                format!("'{s}' is not a date-time with a time zone"),
                format!("«\u{a0}{s}\u{a0}» n’est pas une date-heure avec fuseau"),
            ));
        }
        parsed
    };
    if v.get("issuedOn").is_none() {
        out.push(missing("$.issuedOn"));
    }
    let on = date("issuedOn", out);
    let expires = date("expires", out);
    if let (Some(on), Some(exp)) = (on, expires)
        && exp <= on
    {
        out.push(p(
            "$.expires",
            "is not after issuedOn",
            "n’est pas postérieur à issuedOn",
        ));
    }
}
