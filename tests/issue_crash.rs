//! Crash safety of bulk issuing: the real binary (`issue --all-eligible`) on a generated event is
//! killed with SIGKILL at random moments several times, then run to the end. The end state must
//! equal an uninterrupted run: exactly one live credential per eligible attendee and
//! achievement, every file present, equal to the database and valid, no temporary file left.
//! `CRASH_TEST_SIZE` changes the event size (default 2000 attendees).
#![cfg(unix)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use badgedesk::clock::{Clock, SystemClock};
use badgedesk::credential::verify::{self, VerifyOptions};
use badgedesk::event::EventDir;
use badgedesk::issue::files;
use badgedesk::issue::plan::{self, Selection};

fn badgedesk(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_badgedesk"));
    cmd.arg("--event")
        .arg(dir)
        .env("LANG", "en_GB.UTF-8")
        .env_remove("BADGEDESK_EVENT")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// splitmix64: the kill moments are random but the same on every run of the test.
struct Moments(u64);
impl Moments {
    fn next_ms(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }
}

/// Eligible (attendee, achievement) pairs by the award rules.
fn eligible(event: &EventDir) -> BTreeSet<(i64, String)> {
    let store = event.store().unwrap();
    let presence: Vec<(i64, String)> = store
        .presence()
        .unwrap()
        .into_iter()
        .map(|p| (p.attendee_id, p.activity_key))
        .collect();
    plan::plan(
        event.config(),
        &store.attendees().unwrap(),
        &presence,
        &Default::default(),
        None,
        &Selection::AllEligible,
    )
    .into_iter()
    .flat_map(|p| {
        let key = p.achievement.clone();
        p.to_issue.into_iter().map(move |id| (id, key.clone()))
    })
    .collect()
}

#[test]
fn killed_bulk_issuing_resumes_to_the_uninterrupted_end_state() {
    let size: usize = std::env::var("CRASH_TEST_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("event");
    let status = badgedesk(&dir)
        .args([
            "demo",
            "--no-tui",
            "--seed",
            "11",
            "--size",
            &size.to_string(),
        ])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let event = EventDir::open(&dir).unwrap();
    let expected = eligible(&event);
    assert!(expected.len() > size / 2, "{} awards", expected.len());

    // Kill at random moments; each time the next run picks up where the last one died.
    let mut moments = Moments(0xC0FFEE);
    let mut killed_mid_run = 0;
    let mut counts = Vec::new();
    let issued = event.issued_dir();
    let file_count = || std::fs::read_dir(&issued).map_or(0, |d| d.count());
    for _ in 0..5 {
        let before = file_count();
        let mut child = badgedesk(&dir)
            .args(["issue", "--all-eligible"])
            .spawn()
            .unwrap();
        // Kill a random moment after this run has written a random number of files (counted
        // in files, not milliseconds, so a fast machine does not finish before the kill): kills
        // land in every phase of a chunk (writing, then signing, baking, committing the next).
        let threshold = before + 1 + moments.next_ms(600) as usize;
        let mut deadline: Option<Instant> = None;
        let started = Instant::now();
        let mut finished = false;
        loop {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            match deadline {
                Some(at) if Instant::now() >= at => break,
                Some(_) => {}
                None if file_count() >= threshold
                    || started.elapsed() > Duration::from_secs(20) =>
                {
                    deadline = Some(Instant::now() + Duration::from_millis(moments.next_ms(40)));
                }
                None => {}
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if !finished {
            child.kill().unwrap(); // SIGKILL on Unix
            killed_mid_run += 1;
        }
        child.wait().unwrap();
        counts.push(event.store().unwrap().credentials().unwrap().len());
    }
    eprintln!(
        "credentials stored after each killed run: {counts:?} of {}",
        expected.len()
    );
    assert!(
        killed_mid_run >= 3,
        "the runs ended before the kills: {counts:?}"
    );
    assert!(
        counts.first().is_some_and(|&c| c > 0),
        "the kills came before any issuing: {counts:?}"
    );
    assert!(
        counts.last().copied().unwrap_or(0) < expected.len(),
        "the kills came too late to test anything: {counts:?}"
    );

    // Run to the end.
    let status = badgedesk(&dir)
        .args(["issue", "--all-eligible"])
        .status()
        .unwrap();
    assert!(status.success());

    assert_end_state(&event, &expected);
}

/// The window of issue 23: killed after the last chunk's commit and before its files, the
/// next run has nothing left to issue and must still write every missing file. A debug-build
/// hook (`BADGEDESK_TEST_HOLD_FILES_MS`) holds each committed chunk before its files, so the
/// kill lands in that window every time.
#[test]
fn killed_after_the_last_commit_the_next_run_writes_the_missing_files() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the hold before files exists in debug builds only");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("event");
    let status = badgedesk(&dir)
        .args(["demo", "--no-tui", "--seed", "7", "--size", "1500"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let event = EventDir::open(&dir).unwrap();
    let expected = eligible(&event);
    // More chunks (of 256) than the pipeline holds: when the last one is committed, the files
    // of the first ones are written and those of the last ones are not.
    assert!(
        expected.len() > 4 * 256,
        "several chunks: {}",
        expected.len()
    );

    let mut child = badgedesk(&dir)
        .args(["issue", "--all-eligible"])
        .env("BADGEDESK_TEST_HOLD_FILES_MS", "500")
        .spawn()
        .unwrap();
    let started = Instant::now();
    let stored = || event.store().unwrap().credentials().unwrap().len();
    while stored() < expected.len() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before every chunk was committed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "not every chunk was committed in time"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let issued = event.issued_dir();
    let files_after_kill = std::fs::read_dir(&issued).map_or(0, |d| d.count());
    eprintln!(
        "killed with {} credentials stored and {files_after_kill} files of {}",
        stored(),
        2 * expected.len()
    );
    assert_eq!(stored(), expected.len(), "every chunk committed");
    let lacking = event
        .store()
        .unwrap()
        .credentials()
        .unwrap()
        .iter()
        .filter(|c| {
            let (json, image) = files::paths(&issued, &c.id, "png");
            !files::is_complete(&json, Some(c.json.len() as u64))
                || !files::is_complete(&image, None)
        })
        .count();
    assert!(lacking > 0, "the kill came after the files");
    assert!(files_after_kill > 0, "the kill came before any files");

    // A dry run changes nothing.
    let dry = badgedesk(&dir)
        .args(["issue", "--all-eligible", "--dry-run"])
        .status()
        .unwrap();
    assert!(dry.success());
    assert_eq!(
        std::fs::read_dir(&issued).map_or(0, |d| d.count()),
        files_after_kill
    );

    // Nothing is left to issue; the run still writes the missing files and says so.
    let out = badgedesk(&dir)
        .args(["issue", "--all-eligible"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("Repaired: {lacking} credential(s)")),
        "{stdout}"
    );
    assert!(!stdout.contains("credential(s) issued"), "{stdout}");
    assert_end_state(&event, &expected);
}

/// The state of an uninterrupted run: exactly one live credential per eligible award, every
/// file present, whole, equal to the database and valid; no temporary or stray file.
fn assert_end_state(event: &EventDir, expected: &BTreeSet<(i64, String)>) {
    let issued = event.issued_dir();
    // Exactly one live credential per eligible award, nothing revoked, nothing else.
    let store = event.store().unwrap();
    let credentials = store.credentials().unwrap();
    let held: Vec<(i64, String)> = credentials
        .iter()
        .map(|c| (c.attendee_id, c.achievement_key.clone()))
        .collect();
    assert!(credentials.iter().all(|c| c.revoked_at.is_none()));
    assert_eq!(held.len(), expected.len(), "one credential per award");
    assert_eq!(&held.into_iter().collect::<BTreeSet<_>>(), expected);

    // Every file exists and equals the database; no temporary or stray file.
    let mut expected_files = BTreeSet::new();
    let now = SystemClock.now();
    for (n, c) in credentials.iter().enumerate() {
        let image_name = &event
            .config()
            .achievement(&c.achievement_key)
            .unwrap()
            .image;
        let ext = if image_name.ends_with(".svg") {
            "svg"
        } else {
            "png"
        };
        let (json_path, image_path) = files::paths(&issued, &c.id, ext);
        let json = std::fs::read_to_string(&json_path)
            .unwrap_or_else(|e| panic!("{}: {e}", json_path.display()));
        assert_eq!(json, c.json, "{}", json_path.display());
        let image = std::fs::read(&image_path).unwrap();
        let baked = badgedesk::bake::unbake(&image).unwrap();
        assert_eq!(baked.payload, c.json, "{}", image_path.display());
        // The verifier is slow in debug builds: a sample of every 25th credential.
        if n % 25 == 0 {
            for (bytes, path) in [(json.as_bytes(), &json_path), (&image[..], &image_path)] {
                let name = path.file_name().and_then(|n| n.to_str());
                let report = verify::verify_bytes(bytes, name, &VerifyOptions::at(now));
                assert!(
                    report.verdict.is_valid(),
                    "{}: {:?}",
                    path.display(),
                    report.verdict
                );
            }
        }
        for p in [json_path, image_path] {
            expected_files.insert(p.file_name().unwrap().to_string_lossy().to_string());
        }
    }
    let found: BTreeSet<String> = std::fs::read_dir(&issued)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let extra: Vec<&String> = found.difference(&expected_files).collect();
    assert!(extra.is_empty(), "temporary or stray files left: {extra:?}");
}
