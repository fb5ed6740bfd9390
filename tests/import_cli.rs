//! `badgedesk import` from the outside: report, exit codes, dry run, merge keeping check-ins.

mod cli_support;

use cli_support::{badgedesk, json_list};
use predicates::prelude::PredicateBooleanExt as _;
use predicates::str::contains;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn event() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ev");
    badgedesk(&dir).arg("init").arg(&dir).assert().success();
    (tmp, dir)
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let (_tmp, dir) = event();
    badgedesk(&dir)
        .arg("import")
        .arg(fixture("festirobot-utf8-bom-crlf.csv"))
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(contains(
            "Encoding: UTF-8 (byte-order mark) · separator: ';' (detected)",
        ))
        .stdout(contains(
            "Ticket             ← 'N° billet' (column 1, recognised)",
        ))
        .stdout(contains(
            "Rows: 42 · to add 41 · to update 0 · unchanged 0 · duplicates 1",
        ))
        .stdout(contains(
            "festirobot-utf8-bom-crlf.csv:42 = line 5 (same ticket)",
        ))
        .stdout(contains("Dry run: nothing was written."));
    assert!(json_list(&dir, "attendees").is_empty());
}

#[test]
fn problems_are_listed_good_rows_imported_exit_1() {
    let (_tmp, dir) = event();
    badgedesk(&dir)
        .arg("import")
        .arg(fixture("broken-names-emails.csv"))
        .assert()
        .code(1)
        .stdout(contains("broken-names-emails.csv:4:3: invalid e-mail address 'lea(at)exemple.fr' (column 3 'Courriel')"))
        .stdout(contains("broken-names-emails.csv:3:1: no given name and no family name"))
        .stdout(contains("Imported: 2 added, 0 updated."));
    let names: Vec<String> = json_list(&dir, "attendees")
        .iter()
        .map(|a| {
            format!(
                "{} {}",
                a["given_name"].as_str().unwrap(),
                a["family_name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(names, ["Hélène Dupont", "Zoé Œuvray"]);
}

#[test]
fn reimport_merges_and_keeps_check_ins() {
    let (tmp, dir) = event();
    let file = fixture("excel-windows1252-semicolon.csv");
    badgedesk(&dir).arg("import").arg(&file).assert().success();
    badgedesk(&dir)
        .args(["checkin", "--activity", "welcome", "W-02"])
        .assert()
        .success();

    badgedesk(&dir)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(contains("to add 0 · to update 0 · unchanged 5"));

    // Updated export: Zoé gets an e-mail, a new pupil arrives.
    let bytes = std::fs::read(&file).unwrap();
    let mut updated = bytes
        .split(|b| *b == b'\n')
        .map(|l| l.to_vec())
        .collect::<Vec<_>>();
    updated[2] = b"W-02;\x8Cuvray;Zo\xE9;Lyc\xE9e Pierre Corneille;2nde;zoe@exemple.fr\r".to_vec();
    let mut text = updated.join(&b'\n');
    text.extend_from_slice(b"W-06;Lef\xE8vre;Agn\xE8s;Coll\xE8ge Pasteur;5e;\r\n");
    let path = tmp.path().join("updated.csv");
    std::fs::write(&path, text).unwrap();
    badgedesk(&dir)
        .arg("import")
        .arg(&path)
        .assert()
        .success()
        .stdout(contains("to add 1 · to update 1 · unchanged 4"))
        .stdout(contains("Zoé Œuvray: E-mail '' → 'zoe@exemple.fr'"));

    let all = json_list(&dir, "attendees");
    assert_eq!(all.len(), 6);
    let zoe = all.iter().find(|a| a["ticket"] == "W-02").unwrap();
    assert_eq!(zoe["email"], "zoe@exemple.fr");
    assert_eq!(zoe["family_name"], "Œuvray");
    assert_eq!(zoe["checked_in"], serde_json::json!(["welcome"]));
}

#[test]
fn bad_usage_is_exit_2() {
    let (_tmp, dir) = event();
    badgedesk(&dir)
        .arg("import")
        .arg(fixture("pretix.csv"))
        .args(["--map", "shoe_size=Email"])
        .assert()
        .code(2);
    badgedesk(&dir)
        .arg("import")
        .arg(fixture("pretix.csv"))
        .args(["--delimiter", "ab"])
        .assert()
        .code(2);
    badgedesk(&dir)
        .arg("import")
        .arg(fixture("pretix.csv"))
        .args(["--encoding", "klingon"])
        .assert()
        .code(2)
        .stderr(contains("unknown encoding 'klingon'"));
}

#[test]
fn options_reach_the_reader() {
    let (_tmp, dir) = event();
    badgedesk(&dir)
        .arg("import")
        .arg(fixture("pretix.csv"))
        .args([
            "--dry-run",
            "--map",
            "email=Email",
            "--map",
            "contact_email=",
            "--delimiter",
            ",",
        ])
        .assert()
        .success()
        .stdout(contains("E-mail             ← 'Email' (column 4, --map)"))
        .stdout(contains("separator: ',' (given)"));
    badgedesk(&dir)
        .arg("import")
        .arg(fixture("excel-windows1252-semicolon.csv"))
        .args(["--dry-run", "--encoding", "utf-8"])
        .assert()
        .code(1)
        .stdout(contains("bytes not valid in UTF-8"));
}

#[test]
fn errors_speak_the_interface_language() {
    let (tmp, dir) = event();
    let empty = tmp.path().join("inscrits.csv");
    std::fs::write(&empty, "").unwrap();
    badgedesk(&dir)
        .args(["--lang", "fr", "import"])
        .arg(&empty)
        .assert()
        .code(1)
        .stderr(contains("erreur: ").and(contains("le fichier est vide (pas de ligne d’en-tête)")));
    badgedesk(&dir)
        .args(["--lang", "fr", "import"])
        .arg(fixture("pretix.csv"))
        .args(["--map", "email=Pointure"])
        .assert()
        .code(1)
        .stderr(contains("pas de colonne « Pointure » dans l’en-tête"));
    badgedesk(&dir)
        .args([
            "--lang",
            "fr",
            "revoke",
            "urn:uuid:inconnu",
            "--reason",
            "test",
        ])
        .assert()
        .code(1)
        .stderr(contains("aucun badge « urn:uuid:inconnu »"));
    badgedesk(&tmp.path().join("nowhere"))
        .args(["--lang", "fr", "attendees"])
        .assert()
        .code(1)
        .stderr(contains("n’est pas un dossier d’évènement"));
}

#[test]
fn field_names_are_words_of_the_interface_language() {
    let (tmp, dir) = event();
    badgedesk(&dir)
        .args(["--lang", "fr", "import", "--dry-run"])
        .arg(fixture("festirobot-utf8-bom-crlf.csv"))
        .assert()
        .success()
        .stdout(contains(
            "Billet             ← « N° billet » (colonne 1, reconnu)",
        ))
        .stdout(contains("Prénom             ← "))
        .stdout(contains("Nom                ← "))
        .stdout(contains("given_name").not())
        .stdout(contains("family_name").not());

    // A changed field is named in French too, and a report's word can be typed back to --map.
    let first = tmp.path().join("a.csv");
    std::fs::write(&first, "Billet;Prénom;Nom\nT-1;Zoé;Martin\n").unwrap();
    badgedesk(&dir).arg("import").arg(&first).assert().success();
    let second = tmp.path().join("b.csv");
    std::fs::write(
        &second,
        "Billet;Prénom;Nom;Adresse\nT-1;Zoé;Martin;zoe@exemple.fr\n",
    )
    .unwrap();
    badgedesk(&dir)
        .args(["--lang", "fr", "import", "--map", "E-mail=Adresse"])
        .arg(&second)
        .assert()
        .success()
        .stdout(contains(
            "E-mail             ← « Adresse » (colonne 4, --map)",
        ))
        .stdout(contains("E-mail «  » → « zoe@exemple.fr »"));
}
