//! Running the real binary on an event folder, shared by the CLI test files.

use assert_cmd::Command;
use serde_json::Value;

/// `badgedesk --event DIR`, in English, ignoring the caller's BADGEDESK_EVENT.
pub fn badgedesk(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("badgedesk").unwrap();
    cmd.arg("--event")
        .arg(dir)
        .env("LANG", "en_GB.UTF-8")
        .env_remove("BADGEDESK_EVENT");
    cmd
}

/// The JSON array a listing command prints (`attendees`, `credentials` with `--format json`).
pub fn json_list(dir: &std::path::Path, command: &str) -> Vec<Value> {
    let out = badgedesk(dir)
        .args([command, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{command} failed");
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}
