//! `badgedesk completions SHELL` and `badgedesk man`: generated from the real commands.

use assert_cmd::Command;
use predicates::str::contains;

fn badgedesk() -> Command {
    let mut cmd = Command::cargo_bin("badgedesk").unwrap();
    cmd.env_remove("BADGEDESK_EVENT").env("LANG", "en_GB.UTF-8");
    cmd
}

#[test]
fn completions_for_each_shell_name_the_commands_and_their_options() {
    for (shell, marker) in [
        ("bash", "complete -F _badgedesk"),
        ("zsh", "#compdef badgedesk"),
        ("fish", "complete -c badgedesk"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = badgedesk().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {marker}");
        for word in [
            "import",
            "publish",
            "dry-run",
            "only-unclaimed",
            "completions",
        ] {
            assert!(text.contains(word), "{shell}: {word}");
        }
    }
    badgedesk()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'tcsh'"));
}

#[test]
fn man_prints_the_page_of_badgedesk_and_of_each_command() {
    badgedesk()
        .arg("man")
        .assert()
        .success()
        .stdout(contains(".TH badgedesk 1"))
        .stdout(contains("badgedesk\\-import"))
        .stdout(contains("Several desks"));
    badgedesk()
        .args(["man", "import"])
        .assert()
        .success()
        .stdout(contains(".TH badgedesk-import 1"))
        .stdout(contains("\\-\\-map"));
    badgedesk()
        .args(["man", "nope"])
        .assert()
        .code(1)
        .stderr(contains("no command 'nope'"));
}

#[test]
fn man_out_dir_writes_one_page_per_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    badgedesk()
        .args(["man", "--out-dir"])
        .arg(&dir)
        .assert()
        .success();
    for page in ["badgedesk.1", "badgedesk-import.1", "badgedesk-hub-start.1"] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{page}");
    }
}
