//! The binary from the outside: init, demo, attendees, checkin, exit codes.

mod cli_support;

use cli_support::{badgedesk, json_list};
use predicates::str::contains;
use serde_json::Value;

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    badgedesk(&dir)
        .args(["demo", "--no-tui", "--seed", "5"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(contains("attendees: 300"));
    (tmp, dir)
}

#[test]
fn init_creates_an_event_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fr26");
    badgedesk(&dir)
        .args(["--lang", "fr", "init"])
        .arg(&dir)
        .args(["--name", "Festi Robot"])
        .assert()
        .success()
        .stdout(contains("Événement créé"));
    let toml = std::fs::read_to_string(dir.join("event.toml")).unwrap();
    assert!(toml.contains("name = \"Festi Robot\""));
    assert!(
        dir.join("event.db").exists()
            && dir.join("keys").is_dir()
            && dir.join("badges/participation.png").exists()
    );
    badgedesk(&dir)
        .arg("init")
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(contains("already holds an event"));
}

#[test]
fn commands_outside_an_event_say_how_to_start() {
    let tmp = tempfile::tempdir().unwrap();
    badgedesk(tmp.path())
        .arg("attendees")
        .assert()
        .code(1)
        .stderr(contains("badgedesk init"));
}

#[test]
fn the_event_folder_comes_from_the_flag_then_badgedesk_event_then_the_current_folder() {
    let (tmp, dir) = demo();
    let bare = || {
        let mut cmd = assert_cmd::Command::cargo_bin("badgedesk").unwrap();
        cmd.env("LANG", "en_GB.UTF-8").env_remove("BADGEDESK_EVENT");
        cmd
    };
    // From the variable, anywhere.
    bare()
        .current_dir(tmp.path())
        .env("BADGEDESK_EVENT", &dir)
        .arg("attendees")
        .assert()
        .success()
        .stdout(contains("FR26-"));
    // Set but empty, as a script leaves it when its own variable is unset: the current folder.
    bare()
        .current_dir(&dir)
        .env("BADGEDESK_EVENT", "")
        .arg("attendees")
        .assert()
        .success()
        .stdout(contains("FR26-"));
    // The flag wins over the variable.
    bare()
        .current_dir(tmp.path())
        .env("BADGEDESK_EVENT", tmp.path().join("elsewhere"))
        .arg("--event")
        .arg(&dir)
        .arg("attendees")
        .assert()
        .success()
        .stdout(contains("FR26-"));
}

#[test]
fn bad_usage_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    badgedesk(tmp.path()).arg("checkin").assert().code(2);
    badgedesk(tmp.path())
        .args(["--lang", "de", "attendees"])
        .assert()
        .code(2);
}

#[test]
fn demo_is_deterministic_and_lists_attendees() {
    let (_tmp, dir) = demo();
    let (_tmp2, dir2) = demo();
    let strip = |v: Vec<Value>| {
        v.into_iter()
            .map(|mut a| {
                a["checked_in"] = Value::Null;
                a
            })
            .collect::<Vec<_>>()
    };
    let people = json_list(&dir, "attendees");
    assert_eq!(people.len(), 300);
    assert_eq!(strip(people.clone()), strip(json_list(&dir2, "attendees")));
    for key in [
        "id",
        "ticket",
        "given_name",
        "family_name",
        "email",
        "organisation",
        "checked_in",
    ] {
        assert!(people[0].get(key).is_some(), "missing {key}");
    }
    badgedesk(&dir)
        .args(["attendees", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("id,ticket,given_name"));
    badgedesk(&dir)
        .args(["demo", "--no-tui"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(contains("Existing demo event"));
}

#[test]
fn checkin_by_ticket_by_name_undo_and_ambiguity() {
    let (_tmp, dir) = demo();
    let people = json_list(&dir, "attendees");
    let target = people
        .iter()
        .find(|a| {
            !a["checked_in"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "soudure")
        })
        .unwrap();
    let ticket = target["ticket"].as_str().unwrap().to_lowercase();
    badgedesk(&dir)
        .args(["checkin", "-a", "soudure", &ticket])
        .assert()
        .success()
        .stdout(contains("✓"));
    badgedesk(&dir)
        .args(["checkin", "-a", "soudure", &ticket])
        .assert()
        .success()
        .stdout(contains("already checked in"));
    let id = target["id"].clone();
    let checked = |dir: &std::path::Path| {
        json_list(dir, "attendees")
            .into_iter()
            .find(|a| a["id"] == id)
            .unwrap()["checked_in"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "soudure")
    };
    assert!(checked(&dir));
    badgedesk(&dir)
        .args(["checkin", "-a", "soudure", "--undo", &ticket])
        .assert()
        .success()
        .stdout(contains("Undone"));
    assert!(!checked(&dir));

    // A unique full name resolves; a common family name is ambiguous and lists candidates.
    let full = format!(
        "{} {}",
        target["given_name"].as_str().unwrap(),
        target["family_name"].as_str().unwrap()
    );
    let same_name = people
        .iter()
        .filter(|a| {
            format!(
                "{} {}",
                a["given_name"].as_str().unwrap(),
                a["family_name"].as_str().unwrap()
            ) == full
        })
        .count();
    if same_name == 1 {
        badgedesk(&dir)
            .args(["checkin", "-a", "soudure", &full.to_uppercase()])
            .assert()
            .success();
        assert!(checked(&dir));
    }
    badgedesk(&dir)
        .args(["checkin", "-a", "soudure", "a"])
        .assert()
        .code(1)
        .stderr(contains("several attendees match"))
        .stderr(contains("ticket FR26-"));
    badgedesk(&dir)
        .args(["checkin", "-a", "soudure", "zzzz"])
        .assert()
        .code(1)
        .stderr(contains("no attendee matches"));
    badgedesk(&dir)
        .args(["checkin", "-a", "nope", "x"])
        .assert()
        .code(1)
        .stderr(contains("unknown activity 'nope'"));
}

#[test]
fn checkin_from_scanner_file_reports_unknown_codes() {
    let (tmp, dir) = demo();
    let scans = tmp.path().join("scans.txt");
    std::fs::write(
        &scans,
        "\u{feff}FR26-0100\r\nFR26-0101\r\n\r\nXX-1\r\nfr26-0100\r\n",
    )
    .unwrap();
    badgedesk(&dir)
        .args(["checkin", "-a", "thymio", "--from-file"])
        .arg(&scans)
        .assert()
        .code(1)
        .stderr(contains("scans.txt:4: unknown ticket 'XX-1'"));
    let people = json_list(&dir, "attendees");
    for ticket in ["FR26-0100", "FR26-0101"] {
        let a = people.iter().find(|a| a["ticket"] == ticket).unwrap();
        assert!(
            a["checked_in"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "thymio"),
            "{ticket}"
        );
    }
}
