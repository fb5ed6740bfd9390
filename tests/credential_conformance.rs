//! `verify` is as strict as the 1EdTech schema and the OB 3.0 rules: hand-made credentials that
//! break one rule each, correctly signed by a test key (so only the structure is wrong), are
//! "not an Open Badge" with the JSON path of the problem. Baked-container oddities are warnings,
//! 2.0 assertions get their structure checked, and the issuing path refuses to sign what
//! `verify` would reject.

mod cli_support;
mod credential_support;

use badgedesk::bake::{self, Payload, Version};
use badgedesk::claim::ob2::{self, Ob2Assertion};
use badgedesk::claim::token::ClaimToken;
use badgedesk::credential::verify::{self, CheckStatus, InvalidReason, Verdict, VerifyOptions};
use badgedesk::credential::{
    BatchSigner, IssuerBinding, IssuerKey, SignError, canon, didkey, proof,
};
use credential_support::{now, sample, w3c_key};
use serde_json::{Value, json};

/// Sign any JSON with the test key through the general JSON-LD path (the model and its checks
/// are bypassed on purpose).
fn sign_value(mut v: Value, key: &IssuerKey) -> String {
    if let Some(m) = v.as_object_mut() {
        m.remove("proof");
    }
    let doc = canon::canonicalize_serde(&v).expect("canonical document");
    let options = proof::proof_options(
        &didkey::did_key_verification_method(&key.verifying_key()),
        "2026-11-26T17:30:00Z",
    );
    let config = proof::canonical_proof_config_general(&options, &v["@context"]).unwrap();
    let p = proof::sign_canonical(key, &options, &proof::sha256(&config), &doc);
    v["proof"] = json!([serde_json::to_value(p).unwrap()]);
    v.to_string()
}

/// An unsigned credential badgedesk would issue, as JSON.
fn good() -> Value {
    serde_json::to_value(sample(&w3c_key(), 1)).unwrap()
}

fn report_of(v: Value) -> verify::VerifyReport {
    verify::verify_json(&sign_value(v, &w3c_key()), &VerifyOptions::at(now()))
}

/// The verdict is "not an Open Badge" and some problem sits at `path` saying `words`.
fn rejected_at(v: Value, path: &str, words: &str) {
    let report = report_of(v);
    let Verdict::Invalid {
        reason: InvalidReason::NotOpenBadge,
        detail,
    } = &report.verdict
    else {
        panic!("{path}: {:?}", report.verdict);
    };
    let problems: Vec<_> = report.problems().collect();
    assert!(
        problems
            .iter()
            .any(|p| p.path == path && p.en.contains(words) && !p.fr.is_empty()),
        "{path} / {words}: {problems:#?}"
    );
    assert!(detail.contains(" — "), "{detail}");
    // The signature was fine: only the structure failed.
    let signature = report.checks.iter().find(|c| c.check == "signature");
    assert_eq!(signature.map(|c| c.result), Some(CheckStatus::Passed));
}

#[test]
fn the_unmodified_credential_is_valid_and_every_check_is_listed() {
    let report = report_of(good());
    assert_eq!(report.verdict, Verdict::Valid);
    let names: Vec<&str> = report.checks.iter().map(|c| c.check).collect();
    for name in [
        "signature",
        "ob3_json_schema",
        "subject_id_or_identifier",
        "identity_objects",
        "validity_dates",
        "revocation",
    ] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.result == CheckStatus::Passed),
        "{:#?}",
        report.checks
    );
}

#[test]
fn subject_without_id_or_identifier() {
    let mut v = good();
    v["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("identifier");
    rejected_at(v, "$.credentialSubject", "neither id nor identifier");
}

#[test]
fn type_without_open_badge_credential() {
    let mut v = good();
    v["type"] = json!(["VerifiableCredential"]);
    rejected_at(v, "$.type", "OpenBadgeCredential or AchievementCredential");
}

#[test]
fn achievement_without_criteria() {
    let mut v = good();
    v["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("criteria");
    rejected_at(v, "$.credentialSubject.achievement.criteria", "no criteria");
    let mut empty = good();
    empty["credentialSubject"]["achievement"]["criteria"] = json!({});
    rejected_at(
        empty,
        "$.credentialSubject.achievement.criteria",
        "id (URL of the criteria) or a narrative",
    );
}

#[test]
fn image_as_a_bare_string() {
    let mut v = good();
    v["credentialSubject"]["achievement"]["image"] =
        json!("https://festirobot.example.org/badges/sumo.png");
    rejected_at(v, "$.credentialSubject.achievement.image", "object");
}

#[test]
fn identity_type_outside_the_spec() {
    let mut v = good();
    v["credentialSubject"]["identifier"][0]["identityType"] = json!("email");
    rejected_at(
        v,
        "$.credentialSubject.identifier[0].identityType",
        "not an identity type",
    );
}

#[test]
fn hashed_identity_in_the_wrong_format() {
    for bad in [
        "sha256$abc".to_string(),
        format!("sha1${}", "0".repeat(40)),
        format!("sha256${}", "g".repeat(64)),
        "zoe@example.org".to_string(),
    ] {
        let mut v = good();
        v["credentialSubject"]["identifier"][0]["identityHash"] = json!(bad);
        rejected_at(
            v,
            "$.credentialSubject.identifier[0].identityHash",
            "sha256$ + 64 hex digits or md5$ + 32",
        );
    }
    // md5 is allowed, upper-case hex too.
    let mut v = good();
    v["credentialSubject"]["identifier"][0]["identityHash"] =
        json!(format!("md5${}", "AB".repeat(16)));
    assert_eq!(report_of(v).verdict, Verdict::Valid);
}

#[test]
fn identity_object_with_a_member_the_schema_forbids() {
    let mut v = good();
    v["credentialSubject"]["identifier"][0]["name"] = json!("extra");
    rejected_at(v, "$.credentialSubject.identifier[0]", "name");
}

#[test]
fn issuer_as_a_bare_uri_or_without_profile_type() {
    let key = w3c_key();
    let mut v = good();
    v["issuer"] = json!(key.did_key());
    rejected_at(v, "$.issuer", "embedded Profile");
    let mut v = good();
    // Profile's own terms (email, url…) need its type-scoped context: keep only id and type.
    v["issuer"] = json!({ "id": key.did_key(), "type": ["https://example.org/Organization"] });
    rejected_at(v, "$.issuer.type", "Profile");
}

#[test]
fn valid_until_before_valid_from() {
    let mut v = good();
    v["validUntil"] = json!("2026-11-26T17:00:00Z");
    rejected_at(v, "$.validUntil", "not after validFrom");
}

#[test]
fn evidence_without_evidence_type() {
    let mut v = good();
    v["evidence"] = json!([{ "type": ["https://example.org/Thing"], "id": "urn:x:1" }]);
    rejected_at(v, "$.evidence[0].type", "Evidence");
}

#[test]
fn schema_requires_the_achievement_description() {
    let mut v = good();
    v["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    rejected_at(v, "$.credentialSubject.achievement", "description");
}

#[test]
fn a_lone_proof_object_is_accepted_with_a_note() {
    let text = sign_value(good(), &w3c_key());
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["proof"] = v["proof"][0].clone();
    let report = verify::verify_json(&v.to_string(), &VerifyOptions::at(now()));
    assert_eq!(report.verdict, Verdict::Valid);
    assert!(report.notes.iter().any(|n| n.path == "$.proof"));
}

#[test]
fn every_problem_is_listed_not_only_the_first() {
    let mut v = good();
    v["type"] = json!(["VerifiableCredential"]);
    v["credentialSubject"]["identifier"][0]["identityType"] = json!("email");
    let report = report_of(v);
    let paths: Vec<&str> = report.problems().map(|p| p.path.as_str()).collect();
    assert!(paths.contains(&"$.type"), "{paths:?}");
    assert!(
        paths.contains(&"$.credentialSubject.identifier[0].identityType"),
        "{paths:?}"
    );
}

// ---- The issuing side ----

#[test]
fn the_signer_refuses_what_verify_would_reject() {
    let key = w3c_key();
    let good = sample(&key, 1);
    let signer = BatchSigner::new(
        key.clone(),
        IssuerBinding::did_key(&key),
        "2026-11-26T17:30:00Z",
        &good.context,
    )
    .unwrap();
    assert!(signer.sign(&good).is_ok());
    // Same shape as one already signed: the per-credential value rules still run.
    let mut bad_hash = sample(&key, 2);
    bad_hash.credential_subject.identifier[0].identity_hash = "sha256$abc".into();
    match signer.sign(&bad_hash) {
        Err(SignError::NotOpenBadge { problems, .. }) => assert_eq!(
            problems[0].path,
            "$.credentialSubject.identifier[0].identityHash"
        ),
        other => panic!("{other:?}"),
    }
    let mut no_criteria = sample(&key, 3);
    no_criteria
        .credential_subject
        .achievement
        .criteria
        .narrative = None;
    assert!(matches!(
        signer.sign(&no_criteria),
        Err(SignError::NotOpenBadge { .. })
    ));
    // A new shape goes through the schema.
    let mut bad_type = sample(&key, 4);
    bad_type.credential_subject.identifier[0].identity_type = "email".into();
    let err = signer.sign(&bad_type).unwrap_err();
    assert!(err.to_string().contains("identityType"), "{err}");
    let mut backwards = sample(&key, 5);
    backwards.valid_until = Some("2020-01-01T00:00:00Z".into());
    assert!(matches!(
        signer.sign_all(&[backwards], 1)[0],
        Err(SignError::NotOpenBadge { .. })
    ));
}

#[test]
fn everything_badgedesk_issues_for_the_demo_event_passes_the_strict_check() {
    let (_tmp, dir) = cli_support::issued_demo(40);
    let mut files: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir.join("issued")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            files.push(path.display().to_string());
        }
    }
    assert!(files.len() > 10, "{files:?}");
    let out = cli_support::badgedesk(&dir)
        .arg("verify")
        .arg("--json")
        .args(&files)
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in list.as_array().unwrap() {
        assert_eq!(r["verdict"], "valid", "{r:#}");
        assert!(r["problems"].as_array().unwrap().is_empty(), "{r:#}");
        assert!(
            r["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|w| !w.as_str().unwrap_or("").contains("IEND")),
            "{r:#}"
        );
        let schema = r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "ob3_json_schema")
            .unwrap();
        assert_eq!(schema["result"], "passed");
    }
    assert!(out.status.success());
}

// ---- The command line ----

#[test]
fn the_command_names_the_path_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = good();
    v["credentialSubject"]["identifier"][0]["identityHash"] = json!("sha256$abc");
    let file = tmp.path().join("bad.json");
    std::fs::write(&file, sign_value(v, &w3c_key())).unwrap();
    let run = |lang: &str| {
        let out = cli_support::badgedesk(tmp.path())
            .args(["--lang", lang, "verify"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let en = run("en");
    assert!(
        en.starts_with("invalid (not an Open Badge: $.credentialSubject.identifier[0].identityHash — a hashed identity must be sha256$"),
        "{en}"
    );
    let fr = run("fr");
    assert!(
        fr.starts_with("invalide (pas un Open Badge\u{a0}: $.credentialSubject.identifier[0].identityHash — une identité hachée"),
        "{fr}"
    );
}

// ---- Baked containers ----

fn tiny_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 1, 1);
    enc.set_color(png::ColorType::Grayscale);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[0]).unwrap();
    w.finish().unwrap();
    out
}

/// `png` with `chunk` inserted before IEND.
fn insert_before_iend(png: &[u8], chunk: &[u8]) -> Vec<u8> {
    let mut out = png[..png.len() - 12].to_vec();
    out.extend_from_slice(chunk);
    out.extend_from_slice(&png[png.len() - 12..]);
    out
}

fn encoded(chunk: &impl png::text_metadata::EncodableTextChunk) -> Vec<u8> {
    let mut out = Vec::new();
    chunk.encode(&mut out).unwrap();
    out
}

fn verify_png(bytes: &[u8]) -> verify::VerifyReport {
    verify::verify_bytes(bytes, Some("badge.png"), &VerifyOptions::at(now()))
}

#[test]
fn container_oddities_are_warnings_and_the_verdict_follows_the_credential() {
    let json = sign_value(good(), &w3c_key());
    let payload = Payload::new(Version::Ob3, json.as_str()).unwrap();
    let baked = bake::bake(&tiny_png(), &payload).unwrap();
    let clean = verify_png(&baked);
    assert_eq!(clean.verdict, Verdict::Valid);
    assert!(clean.notes.is_empty(), "{:?}", clean.notes);

    // Data after IEND.
    let mut trailing = baked.clone();
    trailing.extend_from_slice(b"junk");
    let r = verify_png(&trailing);
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(r.notes.iter().any(|n| n.en.contains("4 bytes after IEND")));

    // A second credential chunk (a 2.0 one): the 3.0 credential is read, with a warning.
    let second = insert_before_iend(
        &baked,
        &encoded(&png::text_metadata::TEXtChunk::new(
            "openbadges",
            "https://x.example/a.json",
        )),
    );
    let r = verify_png(&second);
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(
        r.notes
            .iter()
            .any(|n| n.en.contains("another credential chunk") && n.path.contains("tEXt")),
        "{:?}",
        r.notes
    );

    // A compressed iTXt (the only credential).
    let mut compressed = png::text_metadata::ITXtChunk::new("openbadgecredential", json.as_str());
    compressed.compressed = true;
    let r = verify_png(&insert_before_iend(&tiny_png(), &encoded(&compressed)));
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(r.notes.iter().any(|n| n.en.contains("compressed")));

    // The verdict follows the credential: a tampered one in a clean container is invalid.
    let tampered = json.replace("Atelier Sumo", "Atelier Sumx");
    let p = Payload::new(Version::Ob3, tampered.as_str()).unwrap();
    let r = verify_png(&bake::bake(&tiny_png(), &p).unwrap());
    assert!(matches!(
        r.verdict,
        Verdict::Invalid {
            reason: InvalidReason::Tampered,
            ..
        }
    ));

    // The command shows them, in --json too.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("odd.png");
    std::fs::write(&file, &trailing).unwrap();
    let out = cli_support::badgedesk(tmp.path())
        .args(["--lang", "fr", "verify"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("valide"), "{text}");
    assert!(
        text.contains("attention\u{a0}: IEND — 4 octets après IEND"),
        "{text}"
    );
    let out = cli_support::badgedesk(tmp.path())
        .args(["verify", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v[0]["warnings"][0].as_str().unwrap().contains("after IEND"));
}

// ---- Open Badges 2.0 ----

fn assertion() -> Value {
    let token = ClaimToken::parse("abcdefghijklmnopqrstuvwxya").unwrap();
    let a = Ob2Assertion {
        badge_key: "sumo".into(),
        recipient_email: "zoe@example.org".into(),
        salt: "s4lt".into(),
        issued_on: "2026-11-26T10:00:00Z".into(),
        expires: None,
        revocation_reason: None,
        baked_png: None,
    };
    serde_json::from_str(&ob2::assertion_json("https://b.example.org/ev", &token, &a)).unwrap()
}

fn verify_ob2(v: &Value) -> verify::VerifyReport {
    verify::verify_bytes(
        v.to_string().as_bytes(),
        Some("assertion.json"),
        &VerifyOptions::at(now()),
    )
}

#[test]
fn ob2_assertions_get_their_structure_checked_and_say_so() {
    let r = verify_ob2(&assertion());
    assert!(r.ob2_structure_only);
    match &r.verdict {
        Verdict::CouldNotCheck { why } => assert!(
            why.contains("2.0, structure only (hosted verification needs the network)"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    type Case = (&'static str, fn(&mut Value), &'static str);
    let cases: [Case; 6] = [
        (
            "$.@context",
            |v| v["@context"] = json!("https://w3id.org/openbadges/v1"),
            "w3id.org/openbadges/v2",
        ),
        (
            "$.recipient.identity",
            |v| v["recipient"]["identity"] = json!("sha256$12"),
            "sha256$",
        ),
        (
            "$.recipient.type",
            |v| v["recipient"]["type"] = json!("mail"),
            "not email",
        ),
        (
            "$.badge",
            |v| {
                v.as_object_mut().unwrap().remove("badge");
            },
            "missing",
        ),
        (
            "$.verification.type",
            |v| v["verification"]["type"] = json!("trust-me"),
            "hosted or signed",
        ),
        (
            "$.issuedOn",
            |v| v["issuedOn"] = json!("yesterday"),
            "time zone",
        ),
    ];
    for (path, change, words) in cases {
        let mut v = assertion();
        change(&mut v);
        // Still told apart as 2.0 when the context is wrong: its type is Assertion.
        if path == "$.@context" {
            v.as_object_mut().unwrap().remove("@context");
        }
        let r = verify_ob2(&v);
        assert!(
            matches!(
                r.verdict,
                Verdict::Invalid {
                    reason: InvalidReason::NotOpenBadge,
                    ..
                }
            ),
            "{path}: {:?}",
            r.verdict
        );
        let problems: Vec<_> = r.problems().collect();
        assert!(
            problems
                .iter()
                .any(|p| p.path == path && p.en.contains(words)),
            "{path}: {problems:#?}"
        );
    }
    // Baked into a PNG with its JSON: the same check.
    let p = Payload::new(Version::Ob2, assertion().to_string()).unwrap();
    let r = verify_png(&bake::bake(&tiny_png(), &p).unwrap());
    assert!(r.ob2_structure_only, "{:?}", r.verdict);
}

/// What the strict check adds per credential on the issuing path, next to signing itself
/// (`cargo test --test credential_conformance -- --ignored --nocapture`; build-profile
/// dependent, so compare the two numbers rather than read either alone).
#[test]
#[ignore]
fn cost_of_the_check_on_the_issuing_path() {
    use badgedesk::credential::conformance::ShapeCheck;
    let key = w3c_key();
    let credentials: Vec<_> = (0..2000).map(|i| sample(&key, i)).collect();
    let shapes = ShapeCheck::new();
    shapes.check(&credentials[0]).unwrap();
    let start = std::time::Instant::now();
    for c in &credentials {
        shapes.check(c).unwrap();
    }
    let check = start.elapsed() / 2000;
    let first = std::time::Instant::now();
    ShapeCheck::new().check(&credentials[0]).unwrap();
    let new_shape = first.elapsed();
    let signer = BatchSigner::new(
        key.clone(),
        IssuerBinding::did_key(&key),
        "2026-11-26T17:30:00Z",
        &credentials[0].context,
    )
    .unwrap();
    signer.sign(&credentials[0]).unwrap();
    let start = std::time::Instant::now();
    for c in &credentials[1..] {
        signer.sign(c).unwrap();
    }
    let sign = start.elapsed() / 1999;
    println!(
        "strict check per credential (known shape): {check:?}; a new shape (schema): {new_shape:?}; signing one credential (check included): {sign:?}"
    );
}

#[test]
fn a_2_0_badge_with_only_its_url_says_the_network_is_needed() {
    let p = Payload::new(Version::Ob2, "https://b.example.org/ev/c/x/assertion.json").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("ob2.png");
    std::fs::write(&file, bake::bake(&tiny_png(), &p).unwrap()).unwrap();
    let r = verify_png(&std::fs::read(&file).unwrap());
    assert!(r.ob2_structure_only && matches!(r.verdict, Verdict::CouldNotCheck { .. }));
    let out = cli_support::badgedesk(tmp.path())
        .args(["--lang", "fr", "verify"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("la vérification hébergée demande le réseau")
            && text.contains("https://b.example.org/ev/c/x/assertion.json"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_second_credential_element_in_an_svg_is_a_warning() {
    let json = sign_value(good(), &w3c_key());
    let payload = Payload::new(Version::Ob3, json.as_str()).unwrap();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>"#;
    let baked = String::from_utf8(bake::bake(svg, &payload).unwrap()).unwrap();
    // A second element, as a careless tool would append it.
    let end = baked.rfind("</svg>").unwrap();
    let doubled = format!(
        "{}<openbadges:credential><![CDATA[{{}}]]></openbadges:credential>{}",
        &baked[..end],
        &baked[end..]
    );
    let r = verify::verify_bytes(doubled.as_bytes(), Some("b.svg"), &VerifyOptions::at(now()));
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(
        r.notes
            .iter()
            .any(|n| n.en.contains("another credential element")),
        "{:?}",
        r.notes
    );
}
