//! Issuing from the command line on the demo event: preview, issue, idempotence, files that
//! verify, the credentials listing and rebuilding files from the database.

mod cli_support;

use cli_support::{badgedesk, demo_event, json_list};
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

#[test]
fn issue_is_previewed_idempotent_and_every_file_verifies() {
    let (_tmp, dir) = demo_event(40);

    badgedesk(&dir)
        .args(["issue", "--dry-run"])
        .assert()
        .success()
        .stdout(contains("Dry run: nothing was signed"));
    assert!(
        json_list(&dir, "credentials").is_empty(),
        "a dry run signs nothing"
    );

    badgedesk(&dir)
        .args(["issue", "--achievement", "sumo"])
        .assert()
        .success()
        .stdout(contains("credential(s) issued"));
    let sumo = json_list(&dir, "credentials");
    assert!(!sumo.is_empty());
    assert!(sumo.iter().all(|c| c["achievement"] == "sumo"));

    badgedesk(&dir).arg("issue").assert().success();
    let all = json_list(&dir, "credentials");
    badgedesk(&dir)
        .arg("issue")
        .assert()
        .success()
        .stdout(contains("0 credential(s) issued").or(contains("to issue")));
    assert_eq!(
        json_list(&dir, "credentials").len(),
        all.len(),
        "issuing again adds nothing"
    );

    let mut pairs: Vec<(i64, String)> = all
        .iter()
        .map(|c| {
            (
                c["attendee_id"].as_i64().unwrap(),
                c["achievement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    pairs.sort();
    let before = pairs.len();
    pairs.dedup();
    assert_eq!(
        pairs.len(),
        before,
        "one credential per attendee and achievement"
    );

    let mut files = Vec::new();
    for c in &all {
        assert!(
            c["claim_url"]
                .as_str()
                .unwrap()
                .starts_with("https://badges.robots-normandie.example.org/festirobot-2026/c/")
        );
        assert!(c["claimed_at"].is_null() && c["revoked_at"].is_null());
        for f in c["files"].as_array().unwrap() {
            files.push(f.as_str().unwrap().to_string());
        }
    }
    badgedesk(&dir)
        .arg("verify")
        .args(&files)
        .assert()
        .success();

    // Revoking keeps the credential, records why, and writes the signed status list.
    let id = all[0]["id"].as_str().unwrap();
    badgedesk(&dir)
        .args(["revoke", id, "--reason", "name misspelt"])
        .assert()
        .success()
        .stdout(contains("Revoked"));
    badgedesk(&dir)
        .args(["revoke", id, "--reason", "again"])
        .assert()
        .success()
        .stdout(contains("Already revoked"));
    badgedesk(&dir)
        .args(["revoke", "urn:uuid:nope", "--reason", "x"])
        .assert()
        .code(1)
        .stderr(contains("no credential"));
    let revoked = json_list(&dir, "credentials")
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap();
    assert_eq!(revoked["revoked_reason"], "name misspelt");
    assert!(revoked["revoked_at"].is_string());
    let list: Value =
        serde_json::from_slice(&std::fs::read(dir.join("issued/status-list.json")).unwrap())
            .unwrap();
    assert_eq!(list["type"][1], "BitstringStatusListCredential");
    assert!(
        list["proof"][0]["proofValue"]
            .as_str()
            .unwrap()
            .starts_with('z')
    );
    // Verifying in the event folder reports the revocation and its reason.
    let revoked_json = revoked["files"][0].as_str().unwrap();
    badgedesk(&dir)
        .args(["verify", revoked_json])
        .assert()
        .code(1)
        .stdout(contains("revoked"))
        .stdout(contains("name misspelt"));
    let stem = id.trim_start_matches("urn:uuid:").to_string();
    files.retain(|f| !f.contains(&stem));

    // Files are derived: deleting them and rebuilding gives them back, still valid.
    std::fs::remove_dir_all(dir.join("issued")).unwrap();
    badgedesk(&dir).arg("rebuild").assert().success();
    badgedesk(&dir)
        .arg("verify")
        .args(&files)
        .assert()
        .success();
}

#[test]
fn one_attendee_by_hand_needs_an_achievement() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    badgedesk(&dir)
        .args(["demo", "--no-tui", "--size", "5"])
        .arg(&dir)
        .assert()
        .success();
    badgedesk(&dir)
        .args(["issue", "--attendee", "1"])
        .assert()
        .code(2);
    badgedesk(&dir)
        .args(["issue", "--attendee", "1", "--achievement", "explorateur"])
        .assert()
        .success()
        .stdout(contains("1 credential(s) issued"));
    let creds = json_list(&dir, "credentials");
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0]["attendee_id"], 1);
    badgedesk(&dir)
        .args(["issue", "--achievement", "nope"])
        .assert()
        .code(1)
        .stderr(contains("no such achievement"));
}

#[test]
fn a_failed_run_says_what_was_stored_and_the_same_command_finishes_it() {
    let (_tmp, dir) = demo_event(40);
    // A file where the issued/ folder should be: no credential file can be written.
    let issued = dir.join("issued");
    let _ = std::fs::remove_dir_all(&issued);
    std::fs::write(&issued, b"not a folder").unwrap();
    let failed = badgedesk(&dir).arg("issue").assert().code(1);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    let mut lines = stderr.lines().filter(|l| !l.trim().is_empty());
    let (cause, advice) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    assert!(
        cause.starts_with("error: cannot write") && cause.matches("Not a directory").count() == 1,
        "the cause first, named once: {stderr}"
    );
    assert!(
        advice.contains("credential(s) were stored before the error")
            && advice.contains("run the same command again"),
        "{stderr}"
    );
    let stored: usize = advice
        .split(" of ")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count of stored credentials in: {stderr}"));
    assert_eq!(json_list(&dir, "credentials").len(), stored);

    std::fs::remove_file(&issued).unwrap();
    badgedesk(&dir)
        .arg("issue")
        .assert()
        .success()
        .stdout(contains("credential(s) issued"));
    let all = json_list(&dir, "credentials");
    assert!(all.len() > stored, "the second run issued the rest");
    let files: Vec<&str> = all
        .iter()
        .flat_map(|c| c["files"].as_array().unwrap())
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2 * all.len(), "a JSON and a PNG each");
    badgedesk(&dir)
        .arg("verify")
        .args(&files)
        .assert()
        .success();
}

#[test]
fn reissue_then_verify_against_the_status_list_file_elsewhere() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    badgedesk(&dir)
        .args(["demo", "--no-tui", "--size", "12", "--seed", "5"])
        .arg(&dir)
        .assert()
        .success();
    badgedesk(&dir).arg("issue").assert().success();
    let before = json_list(&dir, "credentials");
    let old = &before[0];
    let old_id = old["id"].as_str().unwrap();
    badgedesk(&dir)
        .args(["reissue", old_id, "--reason", "name fixed"])
        .assert()
        .success()
        .stdout(contains("Revoked:"))
        .stdout(contains("New credential:"))
        .stdout(contains("Claim link: https://"));
    let after = json_list(&dir, "credentials");
    assert_eq!(after.len(), before.len() + 1);
    let new = after
        .iter()
        .find(|c| {
            c["revoked_at"].is_null()
                && c["attendee_id"] == old["attendee_id"]
                && c["achievement"] == old["achievement"]
        })
        .unwrap();
    assert_ne!(new["id"], old["id"]);
    badgedesk(&dir)
        .args(["reissue", old_id, "--reason", "twice"])
        .assert()
        .code(1)
        .stderr(contains("already revoked"));

    // Away from the event folder: copy the files and the signed list somewhere else.
    let away = tmp.path().join("away");
    std::fs::create_dir(&away).unwrap();
    let copy = |from: &str, name: &str| {
        let to = away.join(name);
        std::fs::copy(from, &to).unwrap();
        to
    };
    let old_png = copy(old["files"][1].as_str().unwrap(), "old.png");
    let new_json = copy(new["files"][0].as_str().unwrap(), "new.json");
    let list = copy(
        dir.join("issued/status-list.json").to_str().unwrap(),
        "status-list.json",
    );
    badgedesk(&away)
        .arg("verify")
        .arg(&old_png)
        .arg("--status-list")
        .arg(&list)
        .assert()
        .code(1)
        .stdout(contains("invalid (revoked)"));
    badgedesk(&away)
        .arg("verify")
        .arg(&new_json)
        .arg("--status-list")
        .arg(&list)
        .assert()
        .success()
        .stdout(contains("valid"))
        .stdout(contains("not checked").not());
    // Without the list, the status is said to be unchecked.
    badgedesk(&away)
        .arg("verify")
        .arg(&new_json)
        .assert()
        .success()
        .stdout(contains("not checked"));
    // A tampered list is refused, whatever it says.
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&list).unwrap()).unwrap();
    doc["validFrom"] = "2020-01-01T00:00:00Z".into();
    let forged = away.join("forged.json");
    std::fs::write(&forged, doc.to_string()).unwrap();
    badgedesk(&away)
        .arg("verify")
        .arg(&new_json)
        .arg("--status-list")
        .arg(&forged)
        .assert()
        .code(1)
        .stderr(contains("status list"))
        .stderr(contains("signature"));
}

#[test]
fn a_protected_key_without_a_terminal_asks_for_the_environment_variable() {
    let (_tmp, dir) = demo_event(20);
    std::fs::remove_file(dir.join("keys/issuer.key")).unwrap();
    badgedesk(&dir)
        .args(["keys", "generate", "--passphrase"])
        .env("BADGEDESK_KEY_PASSPHRASE", "sésame")
        .assert()
        .success();
    // No terminal to ask on (stdin is not one): the error says how to give it.
    badgedesk(&dir)
        .arg("issue")
        .env_remove("BADGEDESK_KEY_PASSPHRASE")
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(contains("passphrase").and(contains("BADGEDESK_KEY_PASSPHRASE")));
    assert!(json_list(&dir, "credentials").is_empty());
    badgedesk(&dir)
        .arg("issue")
        .env("BADGEDESK_KEY_PASSPHRASE", "sésame")
        .assert()
        .success()
        .stdout(contains("credential(s) issued"));
    assert!(!json_list(&dir, "credentials").is_empty());
}

#[test]
fn a_blocked_attendee_is_explained_in_the_interface_language() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ev");
    badgedesk(&dir).arg("init").arg(&dir).assert().success();
    let config = dir.join("event.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replace("names_in_badges = true", "names_in_badges = false");
    std::fs::write(&config, text).unwrap();
    let csv = tmp.path().join("in.csv");
    std::fs::write(&csv, "Billet;Prénom;Nom\nT-1;Zoé;Martin\n").unwrap();
    badgedesk(&dir).arg("import").arg(&csv).assert().success();
    badgedesk(&dir)
        .args(["checkin", "--activity", "welcome", "T-1"])
        .assert()
        .success();
    badgedesk(&dir)
        .args(["--lang", "fr", "issue", "--dry-run"])
        .assert()
        .stderr(contains(
            "participation: Zoé Martin (id 1): pas de destinataire identifiable",
        ));
    badgedesk(&dir)
        .args(["issue", "--dry-run"])
        .assert()
        .stderr(contains("Zoé Martin (id 1): no recipient identity"));
}
