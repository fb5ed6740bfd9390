//! The README's "Your event in five steps" block, run as written on a fresh folder with the real
//! binary, so the steps cannot drift from what badgedesk does.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const BEGIN: &str = "<!-- five-steps:begin -->";
const END: &str = "<!-- five-steps:end -->";

/// The shell lines between the markers, without the code fence.
fn five_steps(readme: &str) -> Vec<String> {
    let start = readme
        .find(BEGIN)
        .expect("README.md has the five-steps begin marker");
    let end = readme
        .find(END)
        .expect("README.md has the five-steps end marker");
    assert!(start < end, "markers out of order");
    let block = &readme[start + BEGIN.len()..end];
    let lines: Vec<&str> = block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines.first(),
        Some(&"```sh"),
        "the steps are one ```sh block"
    );
    assert_eq!(lines.last(), Some(&"```"), "the steps are one ```sh block");
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

/// Shell words of one line: single and double quotes, `#` comments (the subset the README
/// uses; anything else fails the test rather than being run differently than a shell would).
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' if !in_word => break,
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '"' | '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(ch) => {
                            assert!(
                                !(c == '"' && matches!(ch, '$' | '`' | '\\')),
                                "expansion in quotes is not supported: {line}"
                            );
                            word.push(ch);
                        }
                        None => panic!("unclosed quote: {line}"),
                    }
                }
            }
            '$' | '`' | '\\' | '|' | '&' | ';' | '<' | '>' | '*' | '?' | '~' => {
                panic!("shell syntax the test does not run: {line}")
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn words_follow_the_shell() {
    assert_eq!(
        words(r#"badgedesk init ev --name "Festi Robot"   # 1. comment"#),
        ["badgedesk", "init", "ev", "--name", "Festi Robot"]
    );
    assert_eq!(words("cd 'a b'"), ["cd", "a b"]);
    assert!(words("   # only a comment").is_empty());
}

#[test]
fn the_five_steps_run_as_written_on_a_fresh_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = five_steps(&readme);
    let tmp = tempfile::tempdir().unwrap();
    // The attendee file the README tells readers to copy in.
    std::fs::copy(
        root.join("tests/fixtures/import/festirobot-utf8-bom-crlf.csv"),
        tmp.path().join("inscriptions.csv"),
    )
    .unwrap();
    let mut cwd: PathBuf = tmp.path().to_path_buf();
    let mut ran = Vec::new();
    for line in &lines {
        let words = words(line);
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        match program.as_str() {
            "cd" => {
                assert_eq!(args.len(), 1, "{line}");
                cwd = cwd.join(&args[0]);
                assert!(cwd.is_dir(), "`{line}`: no folder {}", cwd.display());
            }
            "badgedesk" => {
                let out = Command::cargo_bin("badgedesk")
                    .unwrap()
                    .args(args)
                    .current_dir(&cwd)
                    .env_remove("BADGEDESK_EVENT")
                    .env_remove("BADGEDESK_KEY_PASSPHRASE")
                    .env("LANG", "en_GB.UTF-8")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "`{line}` failed ({}):\n{}\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                ran.push(args.first().cloned().unwrap_or_default());
            }
            other => panic!("the five steps run badgedesk and cd only, not `{other}`: {line}"),
        }
    }
    // The five steps are all there: init, import, a tick, issue, and something to claim with.
    for step in ["init", "import", "checkin", "issue"] {
        assert!(
            ran.iter().any(|r| r == step),
            "no `badgedesk {step}` in the steps"
        );
    }
    assert!(
        ran.iter().any(|r| r == "publish" || r == "print"),
        "no publish or print in the steps"
    );

    // And they did what they say: the ticked attendee holds a badge, with a claim card and a
    // claim page for it.
    let event = tmp.path().join("festirobot-2026");
    let credentials = Command::cargo_bin("badgedesk")
        .unwrap()
        .args(["credentials", "--format", "json"])
        .current_dir(&event)
        .env_remove("BADGEDESK_EVENT")
        .output()
        .unwrap();
    assert!(credentials.status.success());
    let list: serde_json::Value = serde_json::from_slice(&credentials.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let pdf = std::fs::read(event.join("cards.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let claims = std::fs::read_dir(event.join("site/c")).unwrap().count();
    assert_eq!(claims, 1);
}
