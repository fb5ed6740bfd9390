//! `badgedesk bake` and `badgedesk unbake` from the outside.

use assert_cmd::Command;
use predicates::prelude::*;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/baking/1edtech-validator-fixtures"
);
const BADGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/badges/participation.png"
);

fn badgedesk() -> Command {
    let mut cmd = Command::cargo_bin("badgedesk").unwrap();
    cmd.env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd
}

#[test]
fn bake_then_unbake_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let credential = format!("{FIXTURES}/simple.json");
    let expected = std::fs::read_to_string(&credential).unwrap();
    for (image, out) in [
        (BADGE.to_owned(), "baked.png"),
        (format!("{FIXTURES}/simple-jwt.svg"), "baked.svg"),
    ] {
        let out = dir.path().join(out);
        badgedesk()
            .args([
                "bake",
                "--credential",
                &credential,
                "--image",
                &image,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success()
            .stderr(predicate::str::contains("Baked (Open Badges 3.0, JSON)"));
        badgedesk()
            .arg("unbake")
            .arg(&out)
            .assert()
            .success()
            .stdout(format!("{}\n", expected.trim()))
            .stderr(predicate::str::starts_with("Open Badges 3.0 ("));
    }
}

#[test]
fn format_comes_from_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    // An SVG named .png is baked as SVG.
    let disguised = dir.path().join("really-svg.png");
    std::fs::copy(format!("{FIXTURES}/simple-jwt.svg"), &disguised).unwrap();
    let url = dir.path().join("assertion.txt");
    std::fs::write(&url, "https://example.org/assertions/7\n").unwrap();
    let out = dir.path().join("out.png");
    badgedesk()
        .args(["bake", "--credential"])
        .arg(&url)
        .arg("--image")
        .arg(&disguised)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("Open Badges 2.0, URL"))
        .stderr(predicate::str::contains("(SVG,"));
    badgedesk()
        .arg("unbake")
        .arg(&out)
        .assert()
        .success()
        .stdout("https://example.org/assertions/7\n");

    // A JPEG named .png is refused with a clear message.
    let jpeg = dir.path().join("photo.png");
    std::fs::write(&jpeg, b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00").unwrap();
    badgedesk()
        .arg("unbake")
        .arg(&jpeg)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "photo.png: not a PNG or SVG image",
        ));
}

#[test]
fn unbake_errors_exit_1_with_the_reason() {
    badgedesk()
        .args(["unbake", BADGE])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("carries no baked credential"));
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.png");
    let bytes = std::fs::read(format!("{FIXTURES}/simple-json.png")).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    badgedesk()
        .arg("unbake")
        .arg(&cut)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the PNG is truncated"));
}

#[test]
fn bake_in_place_and_version_override() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("badge.png");
    std::fs::copy(BADGE, &image).unwrap();
    let credential = dir.path().join("c.json");
    std::fs::write(&credential, "{\"no\":\"context\"}").unwrap();
    let bake = |extra: &[&str]| {
        let mut cmd = badgedesk();
        cmd.arg("bake")
            .arg("--credential")
            .arg(&credential)
            .arg("--image")
            .arg(&image);
        cmd.arg("--out").arg(&image).args(extra);
        cmd.assert()
    };
    bake(&[]).code(1).stderr(predicate::str::contains(
        "cannot tell which Open Badges version",
    ));
    bake(&["--ob", "2"]).success();
    badgedesk()
        .arg("unbake")
        .arg(&image)
        .assert()
        .success()
        .stdout("{\"no\":\"context\"}\n")
        .stderr(predicate::str::contains(
            "Open Badges 2.0 (PNG, iTXt 'openbadges' at byte 33)",
        ));
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["badge.png", "c.json"],
        "no temporary file left behind"
    );
}
