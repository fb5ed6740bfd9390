//! The documentation names nothing that is not in the repository: relative links point to
//! files, repository paths in code exist, and the benches, tests and commands it names are real.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, docs/*.md and benches/README.md.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md"), root().join("benches/README.md")];
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("a docs/ folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    guides.sort();
    docs.extend(guides);
    docs
}

/// Targets of `[text](target)` links.
fn links(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            rest.find(')').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// The text of `code spans` and of fenced code blocks.
fn code(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            out.push(line.to_string());
        } else {
            out.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
        }
    }
    out
}

/// `src/tui/view/{badges,qr}.rs` → both paths; `tests/hub_*.rs` is checked by its prefix.
fn expand(path: &str) -> Vec<String> {
    match (path.find('{'), path.find('}')) {
        (Some(open), Some(close)) if open < close => path[open + 1..close]
            .split(',')
            .flat_map(|alt| expand(&format!("{}{alt}{}", &path[..open], &path[close + 1..])))
            .collect(),
        _ => vec![path.to_string()],
    }
}

fn exists(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    match path.find('*') {
        None => root().join(path).exists(),
        Some(star) => {
            let (dir, file_prefix) = match path[..star].rfind('/') {
                Some(slash) => (&path[..slash], &path[slash + 1..star]),
                None => ("", &path[..star]),
            };
            std::fs::read_dir(root().join(dir)).is_ok_and(|mut entries| {
                entries.any(|e| {
                    e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with(file_prefix))
                })
            })
        }
    }
}

const TOP: [&str; 8] = [
    "src/",
    "tests/",
    "benches/",
    "assets/",
    "docs/",
    "examples/",
    "fuzz/",
    ".ci/",
];

#[test]
fn relative_links_point_to_files() {
    let mut bad = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for target in links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            if file.is_empty() {
                continue;
            }
            let base = doc.parent().unwrap();
            if !base.join(file).exists() {
                bad.push(format!("{}: {target}", doc.display()));
            }
        }
    }
    assert!(bad.is_empty(), "links to nothing:\n{}", bad.join("\n"));
}

#[test]
fn repository_paths_benches_and_tests_named_in_the_docs_exist() {
    let mut bad = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for span in code(&text) {
            let words: Vec<&str> = span.split_whitespace().collect();
            for (i, word) in words.iter().enumerate() {
                let word = word.trim_matches(|c| matches!(c, ',' | ';' | ')' | '(' | '"' | '\''));
                if TOP.iter().any(|top| word.starts_with(top)) {
                    for path in expand(word.split(':').next().unwrap_or(word)) {
                        if !exists(&path) {
                            bad.push(format!("{}: {path}", doc.display()));
                        }
                    }
                }
                // NAME, COMMAND…: a placeholder, not a name.
                let placeholder = word.chars().any(|c| c.is_ascii_uppercase());
                let named = |flag: &str, dir: &str| {
                    (i > 0 && words[i - 1] == flag && !placeholder)
                        .then(|| format!("{dir}/{word}.rs"))
                };
                for path in [named("--bench", "benches"), named("--test", "tests")]
                    .into_iter()
                    .flatten()
                {
                    if !root().join(&path).exists() {
                        bad.push(format!("{}: {path}", doc.display()));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "named but not in the repository:\n{}",
        bad.join("\n")
    );
}

#[test]
fn commands_named_in_the_docs_exist() {
    let help = assert_cmd::Command::cargo_bin("badgedesk")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .expect("a Commands: section")
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A command's name is indented by two spaces; wrapped descriptions by more.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        commands.contains(&"import") && commands.contains(&"man"),
        "{commands:?}"
    );
    let mut bad = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for span in code(&text) {
            let words: Vec<&str> = span.split_whitespace().collect();
            for pair in words.windows(2) {
                let mut next = pair[1];
                if pair[0] != "badgedesk" || next.starts_with('-') {
                    continue;
                }
                next = next.trim_end_matches(['`', ',', ')', ':']);
                let looks_like_command = next.chars().all(|c| c.is_ascii_lowercase());
                if looks_like_command && !next.is_empty() && !commands.contains(&next) {
                    bad.push(format!("{}: badgedesk {next}", doc.display()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "no such command:\n{}", bad.join("\n"));
}
