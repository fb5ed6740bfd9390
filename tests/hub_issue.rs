//! Issuing with several desks against a real hub: two desks holding the key issue the same
//! badges at the same moment while a desk without the key asks for some; exactly one
//! credential per award comes out, every desk ends with the same credentials, and every file
//! verifies.

mod hub_support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use badgedesk::clock::rfc3339;
use badgedesk::hub::{Hub, HubConfig, HubUrl};
use badgedesk::store::Store;
use hub_support::TestCluster;
use time::macros::datetime;

const PEOPLE: usize = 60;

fn bin() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("badgedesk"));
    cmd.env("LANG", "en_US.UTF-8").env_remove("BADGEDESK_EVENT");
    cmd
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sync(dir: &Path) -> Store {
    let mut store = Store::open(&dir.join("event.db")).unwrap();
    let url = HubConfig::load(dir).unwrap().unwrap().url;
    Hub::connect(&url).unwrap().sync(&mut store).unwrap();
    store
}

#[test]
fn two_signers_and_a_keyless_desk_issue_each_badge_exactly_once() {
    let Some(pg) = TestCluster::start() else {
        return;
    };
    pg.client().batch_execute("CREATE DATABASE fest").unwrap();
    let admin = pg.url_for("fest");
    let root = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        root.path().join("organiser"),
        root.path().join("keyless"),
        root.path().join("signer2"),
    );
    // Everyone checked in at the welcome desk (participation), a third at sumo too.
    let event = hub_support::demo_event(&a, 3, PEOPLE);
    let mut store = event.store().unwrap();
    let at = datetime!(2026-05-16 09:00 UTC);
    for (n, p) in store.attendees().unwrap().iter().enumerate() {
        store.check_in(p.id, "accueil", "t", at).unwrap();
        if n % 3 == 0 {
            store.check_in(p.id, "sumo", "t", at).unwrap();
        }
    }
    drop(store);
    hub_support::hub_push(&a, &admin, "Accueil");
    let url = HubConfig::load(&a).unwrap().unwrap().url;
    hub_support::join(url.as_str(), &b, "Sumo");
    hub_support::join(url.as_str(), &c, "Régie");
    assert!(!badgedesk::credential::keys::key_path(&b).exists());
    // The second signer gets the key by hand (a USB stick), as an organiser would.
    let keys = badgedesk::credential::keys::key_path(&a);
    let c_keys = badgedesk::credential::keys::key_path(&c);
    std::fs::create_dir_all(c_keys.parent().unwrap()).unwrap();
    std::fs::copy(&keys, &c_keys).unwrap();
    // The keyless desk asks for ten participation badges.
    let mut keyless = Store::open(&b.join("event.db")).unwrap();
    let asked: Vec<i64> = keyless
        .attendees()
        .unwrap()
        .iter()
        .take(10)
        .map(|p| p.id)
        .collect();
    for id in &asked {
        keyless
            .request_issue(*id, "participation", "desk:sumo", &rfc3339(at))
            .unwrap();
        assert!(keyless.is_requested(*id, "participation").unwrap());
    }
    drop(keyless);
    sync(&b);
    // Both signers at once, and a watcher serving the keyless desk's requests.
    let mut watcher = bin()
        .arg("--event")
        .arg(&c)
        .args(["issue", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let spawn_issue = |dir: &Path| {
        bin()
            .arg("--event")
            .arg(dir)
            .args(["issue", "--all-eligible"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn_issue(&a);
    let second = spawn_issue(&c);
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The requests are answered: their credentials reach the keyless desk.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let store = sync(&b);
        if asked
            .iter()
            .all(|id| !store.is_requested(*id, "participation").unwrap())
        {
            break;
        }
        assert!(Instant::now() < deadline, "requests never answered");
        std::thread::sleep(Duration::from_millis(200));
    }
    watcher.kill().unwrap();
    watcher.wait().unwrap();
    let stores = [sync(&a), sync(&c), sync(&b)];
    let expected = PEOPLE + PEOPLE.div_ceil(3);
    for s in &stores {
        let live = s
            .credentials()
            .unwrap()
            .into_iter()
            .filter(|c| c.revoked_at.is_none())
            .count();
        assert_eq!(live, expected);
    }
    assert_eq!(
        stores[0].shared_state().unwrap(),
        stores[1].shared_state().unwrap()
    );
    assert_eq!(
        stores[0].shared_state().unwrap(),
        stores[2].shared_state().unwrap()
    );
    // The hub: one credential per award, whoever signed it.
    let mut hub = HubUrl::parse(&admin).unwrap().connect().unwrap();
    let doubled: i64 = hub
        .query_one(
            "SELECT count(*) FROM (SELECT subject, body::jsonb ->> 'achievement' FROM facts
             WHERE kind = 'credential' GROUP BY 1, 2 HAVING count(*) > 1) d",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(doubled, 0);
    let signed: i64 = hub
        .query_one("SELECT count(*) FROM facts WHERE kind = 'credential'", &[])
        .unwrap()
        .get(0);
    assert_eq!(signed as usize, expected);
    drop(hub);
    // A re-issue at one signer; the same re-issue at the other signer, which has not heard of
    // it yet, is refused by the hub.
    let old_id = stores[0].credentials().unwrap()[0].id.clone();
    run_ok(
        bin()
            .arg("--event")
            .arg(&c)
            .args(["reissue", &old_id, "--reason", "name fixed"]),
    );
    let refused = bin()
        .arg("--event")
        .arg(&a)
        .args(["reissue", &old_id, "--reason", "again"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("another desk"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let stores = [sync(&a), sync(&c), sync(&b)];
    for s in &stores {
        let old = s.credential(&old_id).unwrap().unwrap();
        assert!(old.revoked_at.is_some());
        assert_eq!(
            s.credentials()
                .unwrap()
                .iter()
                .filter(|c| c.revoked_at.is_none())
                .count(),
            expected
        );
    }
    assert_eq!(
        stores[0].shared_state().unwrap(),
        stores[2].shared_state().unwrap()
    );
    // Every reservation ended in a signed credential.
    let out = bin()
        .arg("--event")
        .arg(&a)
        .args(["hub", "status", "--json"])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["reservations"], serde_json::json!(expected + 1));
    assert_eq!(status["reservations_open"], serde_json::json!(0));
    // Every desk writes the files of every credential, signed here or elsewhere (the revoked
    // one too), and the live ones verify.
    for dir in [&a, &b, &c] {
        run_ok(bin().arg("--event").arg(dir).arg("rebuild"));
        let issued = dir.join("issued");
        let (_, revoked_png) = badgedesk::issue::files::paths(&issued, &old_id, "png");
        let files: Vec<_> = std::fs::read_dir(&issued)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "png"))
            .collect();
        assert_eq!(files.len(), expected + 1, "{}", dir.display());
        let live: Vec<_> = files.into_iter().filter(|p| *p != revoked_png).collect();
        assert_eq!(live.len(), expected);
        run_ok(bin().arg("--event").arg(dir).arg("verify").args(&live));
    }
}
