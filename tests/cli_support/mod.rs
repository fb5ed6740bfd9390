//! Running the real binary on an event folder, shared by the CLI test files.
#![allow(dead_code)]

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

/// A demo event of `size` attendees (seed 3); returns the temporary folder (keep it alive)
/// and the event folder.
pub fn demo_event(size: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    badgedesk(&dir)
        .args([
            "demo",
            "--no-tui",
            "--size",
            &size.to_string(),
            "--seed",
            "3",
        ])
        .arg(&dir)
        .assert()
        .success();
    (tmp, dir)
}

/// [`demo_event`] with every eligible badge issued.
pub fn issued_demo(size: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = demo_event(size);
    badgedesk(&dir)
        .args(["issue", "--all-eligible"])
        .assert()
        .success();
    (tmp, dir)
}

/// A minimal HTTP/1.1 GET over a fresh connection: (status, head, body).
pub fn http_get(addr: std::net::SocketAddr, target: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    (status, head, raw[split + 4..].to_vec())
}
