//! Drives the real binary in a pseudo-terminal: open the desk on a demo event, type a name like
//! a person (not a scanner burst), tick with Enter, quit with Ctrl-C, and check the tick in the
//! database and that the terminal was restored. Also: SIGTERM restores the terminal.
#![cfg(unix)]

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use badgedesk::event::EventDir;
use badgedesk::text::fold;
use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect, Session};

const BIN: &str = env!("CARGO_BIN_EXE_badgedesk");
/// Leaving the alternate screen: the guard ran.
const LEAVE_ALT: &str = "\u{1b}[?1049l";

/// Run the binary to completion; it must succeed.
fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("run badgedesk");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn demo(dir: &Path) {
    run_ok(
        Command::new(BIN)
            .args(["demo", "--no-tui", "--size", "120"])
            .arg(dir)
            .env("LANG", "en_GB.UTF-8"),
    );
}

fn desk(dir: &Path) -> expectrl::session::OsSession {
    let mut cmd = Command::new(BIN);
    cmd.arg("--event")
        .arg(dir)
        .args(["--lang", "en"])
        .env("TERM", "xterm-256color");
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    let _ = session.get_process_mut().set_window_size(100, 30);
    session
}

#[test]
fn type_a_name_tick_quit_and_the_tick_is_in_the_database() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ev");
    demo(&dir);
    let event = EventDir::open(&dir).expect("event");
    let store = event.store().expect("store");
    let present: Vec<i64> = store
        .presence()
        .expect("presence")
        .into_iter()
        .filter(|p| p.activity_key == "accueil")
        .map(|p| p.attendee_id)
        .collect();
    let people = store.attendees().expect("attendees");
    let mut names: HashMap<String, usize> = HashMap::new();
    for a in &people {
        *names.entry(fold(&a.display_name())).or_default() += 1;
    }
    // Someone not yet at the welcome desk whose name nobody else has.
    let target = people
        .iter()
        .find(|a| !present.contains(&a.id) && names[&fold(&a.display_name())] == 1)
        .expect("an unticked attendee");
    drop(store);

    let mut s = desk(&dir);
    s.expect("Enter tick").expect("the desk is drawn");
    // Type like a person: 60 ms between keys is far slower than a scanner.
    for c in format!("{} {}", target.family_name, target.given_name).chars() {
        s.send(c.to_string()).expect("type");
        std::thread::sleep(Duration::from_millis(60));
    }
    std::thread::sleep(Duration::from_millis(300));
    s.send("\r").expect("enter");
    s.expect("checked in (Accueil)")
        .expect("confirmation after the commit");
    s.send("\u{3}").expect("ctrl-c");
    s.expect(LEAVE_ALT).expect("terminal restored");
    s.expect(Eof).expect("exit");
    let status = s.get_process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");

    let store = event.store().expect("store");
    let ticked = store
        .presence()
        .expect("presence")
        .into_iter()
        .any(|p| p.attendee_id == target.id && p.activity_key == "accueil");
    assert!(ticked, "{} is checked in", target.display_name());
}

#[test]
fn sigterm_restores_the_terminal() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ev");
    demo(&dir);
    let mut s = desk(&dir);
    s.expect("Enter tick").expect("the desk is drawn");
    s.get_process_mut()
        .signal(expectrl::process::unix::Signal::SIGTERM)
        .expect("signal");
    s.expect(LEAVE_ALT).expect("terminal restored");
    s.expect(Eof).expect("exit");
    let status = s.get_process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
}

/// A demo event whose issuer key is protected by `passphrase`.
fn protected_demo(dir: &Path, passphrase: &str) {
    demo(dir);
    std::fs::remove_file(dir.join("keys/issuer.key")).expect("remove the key");
    run_ok(
        Command::new(BIN)
            .arg("--event")
            .arg(dir)
            .args(["keys", "generate", "--passphrase"])
            .env("BADGEDESK_KEY_PASSPHRASE", passphrase),
    );
}

#[test]
fn a_protected_key_is_unlocked_with_a_passphrase_typed_without_echo() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ev");
    let secret = "sésame ouvre-toi";
    protected_demo(&dir, secret);
    let mut cmd = Command::new(BIN);
    cmd.arg("--event")
        .arg(&dir)
        .args(["--lang", "en", "issue"])
        .env_remove("BADGEDESK_KEY_PASSPHRASE");
    let mut s = Session::spawn(cmd).expect("spawn in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect("Passphrase of the issuer key:")
        .expect("asked on the terminal");
    s.send("wrong\r").expect("type");
    let retry = s
        .expect("wrong passphrase, try again")
        .expect("a wrong passphrase is refused");
    assert!(
        !String::from_utf8_lossy(retry.before()).contains("wrong\r"),
        "the passphrase was echoed"
    );
    s.expect("Passphrase of the issuer key:")
        .expect("asked again");
    s.send(format!("{secret}\r")).expect("type");
    let done = s.expect("credential(s) issued").expect("issued");
    assert!(!String::from_utf8_lossy(done.before()).contains(secret));
    s.expect(Eof).expect("exit");
    let status = s.get_process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let event = EventDir::open(&dir).expect("event");
    assert!(
        !event
            .store()
            .expect("store")
            .credentials()
            .expect("list")
            .is_empty()
    );
}
