//! `badgedesk keys …` and `badgedesk verify …` from the outside.

use assert_cmd::Command;
use predicates::prelude::*;

fn vectors(path: &str) -> String {
    format!("{}/tests/fixtures/vectors/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn keys_generate_then_show_prints_only_public_values() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("badgedesk")
        .unwrap()
        .args(["--event", dir.path().to_str().unwrap(), "keys", "generate"])
        .assert()
        .success()
        .stdout(predicate::str::contains("did: did:key:z6Mk"));
    let out = Command::cargo_bin("badgedesk")
        .unwrap()
        .args(["--event", dir.path().to_str().unwrap(), "keys", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("publicKeyMultibase: z6Mk"))
        .get_output()
        .stdout
        .clone();
    let secret = std::fs::read_to_string(dir.path().join("keys/issuer.key")).unwrap();
    assert!(!String::from_utf8_lossy(&out).contains(secret.trim()));
}

#[test]
fn keys_show_without_key_fails_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("badgedesk")
        .unwrap()
        .args(["--event", dir.path().to_str().unwrap(), "keys", "show"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("badgedesk init"));
}

#[test]
fn verify_exit_code_and_json() {
    let good = vectors("generated-ob-v3p0-didkey/signed-credential.json");
    Command::cargo_bin("badgedesk")
        .unwrap()
        .args(["verify", &good])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("valid: "));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let text = std::fs::read_to_string(&good).unwrap().replace("Checked in", "Checked-in");
    std::fs::write(&bad, text).unwrap();
    let out = Command::cargo_bin("badgedesk")
        .unwrap()
        .args(["verify", "--json", &good, bad.to_str().unwrap(), "/nonexistent/x.json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report[0]["verdict"], "valid");
    assert_eq!(report[1]["verdict"], "invalid");
    assert_eq!(report[1]["reason"], "tampered");
    assert_eq!(report[2]["verdict"], "could_not_check");
}
