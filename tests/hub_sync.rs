//! Several desks against a real PostgreSQL hub (a throwaway cluster per test, see
//! `hub_support`): push and join, ticks both ways, append-only for desks, the pull race, USB
//! export and import, and TLS.

mod hub_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use assert_cmd::Command;
use badgedesk::event::EventDir;
use badgedesk::hub::{Hub, HubConfig, HubUrl};
use badgedesk::store::Store;
use hub_support::TestCluster;
use time::macros::datetime;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("badgedesk").unwrap();
    cmd.env("LANG", "en_US.UTF-8").env_remove("BADGEDESK_EVENT");
    cmd
}

/// A new database in the cluster for one event.
fn create_database(pg: &TestCluster, name: &str) -> String {
    pg.client()
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    pg.url_for(name)
}

/// The organiser's event: the demo's `event.toml`, `n` attendees, pushed to the hub.
fn organiser(dir: &Path, admin_url: &str, n: usize) -> EventDir {
    let event = hub_support::demo_event(dir, 7, n);
    hub_support::hub_push(dir, admin_url, "Accueil");
    event
}

fn join(url: &str, dir: &Path, name: &str) -> EventDir {
    hub_support::join(url, dir, name);
    EventDir::open(dir).unwrap()
}

fn desk_url(dir: &Path) -> HubUrl {
    HubConfig::load(dir).unwrap().unwrap().url
}

fn sync(dir: &Path) -> badgedesk::hub::SyncReport {
    let mut store = Store::open(&dir.join("event.db")).unwrap();
    let mut hub = Hub::connect(&desk_url(dir)).unwrap();
    hub.sync(&mut store).unwrap()
}

/// The ticket numbers of a desk's attendees.
fn tickets(dir: &Path) -> Vec<String> {
    Store::open(&dir.join("event.db"))
        .unwrap()
        .attendees()
        .unwrap()
        .into_iter()
        .filter_map(|p| p.ticket)
        .collect()
}

fn state(dir: &Path) -> String {
    Store::open(&dir.join("event.db"))
        .unwrap()
        .shared_state()
        .unwrap()
        .lines()
        // The journal's own lines say which facts each desk holds; compared separately.
        .filter(|l| !l.starts_with("fact "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_joined_desk_gets_the_event_and_ticks_travel_both_ways() {
    let Some(pg) = TestCluster::start() else {
        return;
    };
    let admin = create_database(&pg, "fest");
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("accueil"), root.path().join("sumo"));
    organiser(&a, &admin, 40);
    let joined = join(desk_url(&a).as_str(), &b, "Sumo");
    // Everything but the key and the hub file's secret comes over.
    assert!(b.join("event.toml").exists());
    assert!(b.join("badges").read_dir().unwrap().count() > 0);
    assert!(
        !badgedesk::credential::keys::key_path(&b).exists(),
        "the signing key never leaves"
    );
    let store_b = joined.store().unwrap();
    assert_eq!(store_b.attendee_count().unwrap(), 40);
    let ticket = store_b.attendees().unwrap()[3].ticket.clone().unwrap();
    drop(store_b);
    // Tick at B (the command syncs when it ends), then A syncs.
    bin()
        .arg("--event")
        .arg(&b)
        .args(["checkin", "--activity", "sumo", &ticket])
        .assert()
        .success()
        .stderr(predicates::str::contains("hub ✔"));
    sync(&a);
    let store_a = Store::open(&a.join("event.db")).unwrap();
    let who = store_a.find_by_ticket(&ticket).unwrap().unwrap();
    assert_eq!(
        store_a
            .presence_origin(who.id, "sumo")
            .unwrap()
            .map(|p| p.0),
        Some(Some("Sumo".to_string()))
    );
    assert_eq!(state(&a), state(&b));
    // hub status names both desks.
    bin()
        .arg("--event")
        .arg(&a)
        .args(["hub", "status"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Accueil").and(predicates::str::contains("Sumo")));
}

use predicates::prelude::PredicateBooleanExt as _;

#[test]
fn desks_cannot_change_or_delete_facts_and_cannot_read_the_role_password() {
    let Some(pg) = TestCluster::start() else {
        return;
    };
    let admin = create_database(&pg, "fest");
    let root = tempfile::tempdir().unwrap();
    let a = root.path().join("a");
    organiser(&a, &admin, 5);
    let mut desk = desk_url(&a).connect().unwrap();
    for sql in [
        "UPDATE facts SET body = '{}'",
        "DELETE FROM facts",
        "TRUNCATE facts",
        "SELECT * FROM badgedesk_secrets",
        "DELETE FROM reservations",
    ] {
        let err = desk.batch_execute(sql).unwrap_err();
        assert_eq!(
            err.code(),
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}: {err}"
        );
    }
    // Even the owner cannot rewrite history.
    let mut owner = HubUrl::parse(&admin).unwrap().connect().unwrap();
    let err = owner
        .batch_execute("UPDATE facts SET body = '{}'")
        .unwrap_err();
    let message = err
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_default();
    assert!(message.contains("append-only"), "{err:?}");
}

#[test]
fn a_desk_whose_hub_is_down_works_and_says_so_then_sends_everything() {
    let Some(mut pg) = TestCluster::start() else {
        return;
    };
    let admin = create_database(&pg, "fest");
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    organiser(&a, &admin, 10);
    join(desk_url(&a).as_str(), &b, "Sumo");
    let tickets = tickets(&b);
    pg.stop();
    for t in &tickets[..4] {
        bin()
            .arg("--event")
            .arg(&b)
            .args(["checkin", "--activity", "sumo", t])
            .assert()
            .success()
            .stdout(predicates::str::contains("✓"))
            .stderr(predicates::str::contains("hub unreachable"));
    }
    let store_b = Store::open(&b.join("event.db")).unwrap();
    assert_eq!(store_b.unsent_count().unwrap(), 4);
    pg.restart();
    let report = sync(&b);
    assert_eq!((report.sent, report.unsent), (4, 0));
    sync(&a);
    assert_eq!(state(&a), state(&b));
}

/// Two senders push the same desk's facts at once (the open desk and a command at that desk)
/// while another desk pulls in a loop: every pull takes an unbroken run of facts, and the end
/// holds each fact once.
#[test]
fn pulls_never_skip_a_fact_committed_late() {
    let Some(pg) = TestCluster::start() else {
        return;
    };
    let admin = create_database(&pg, "fest");
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    organiser(&a, &admin, 300);
    join(desk_url(&a).as_str(), &b, "Sumo");
    let url = desk_url(&a);
    let done = Arc::new(AtomicBool::new(false));
    let ticker = {
        let (a, url, done) = (a.clone(), url.clone(), Arc::clone(&done));
        thread::spawn(move || {
            let mut store = Store::open(&a.join("event.db")).unwrap();
            let ids: Vec<i64> = store.attendees().unwrap().iter().map(|p| p.id).collect();
            let at = datetime!(2026-05-16 10:00 UTC);
            let mut hub = Hub::connect(&url).unwrap();
            for (n, id) in ids.iter().enumerate() {
                store.check_in(*id, "sumo", "storm", at).unwrap();
                if n % 7 == 0 {
                    hub.push(&mut store).unwrap();
                }
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let second_sender = {
        let (a, url, done) = (a.clone(), url.clone(), Arc::clone(&done));
        thread::spawn(move || {
            let mut store = Store::open(&a.join("event.db")).unwrap();
            let mut hub = Hub::connect(&url).unwrap();
            while !done.load(Ordering::SeqCst) {
                hub.push(&mut store).unwrap();
            }
            hub.push(&mut store).unwrap();
        })
    };
    let mut store_b = Store::open(&b.join("event.db")).unwrap();
    let mut hub_b = Hub::connect(&desk_url(&b)).unwrap();
    let mut pulls = 0;
    while !done.load(Ordering::SeqCst) || pulls < 3 {
        let report = hub_b.pull(&mut store_b).unwrap();
        assert_eq!(report.out_of_order, 0, "a pull met a gap");
        assert_eq!(report.waiting, 0, "a fact arrived before one it refers to");
        pulls += 1;
    }
    ticker.join().unwrap();
    second_sender.join().unwrap();
    hub_b.pull(&mut store_b).unwrap();
    assert_eq!(store_b.presence().unwrap().len(), 300);
    assert_eq!(state(&a), state(&b));
    let facts: i64 = pg
        .client()
        .query_one("SELECT count(*) FROM facts", &[])
        .map(|r| r.get(0))
        .unwrap_or(0);
    let distinct: i64 = HubUrl::parse(&admin)
        .unwrap()
        .connect()
        .unwrap()
        .query_one("SELECT count(DISTINCT id) FROM facts", &[])
        .unwrap()
        .get(0);
    let _ = facts;
    let held: i64 = store_b
        .journal_heads()
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        distinct, held,
        "each fact once in the hub, all of them at B"
    );
}

#[test]
fn facts_travel_on_a_usb_stick_with_the_same_ids_and_idempotence() {
    let Some(pg) = TestCluster::start() else {
        return;
    };
    let admin = create_database(&pg, "fest");
    let root = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        root.path().join("a"),
        root.path().join("b"),
        root.path().join("c"),
    );
    organiser(&a, &admin, 10);
    join(desk_url(&a).as_str(), &b, "Sumo");
    join(desk_url(&a).as_str(), &c, "Lego");
    // B loses the network; its ticks go to C by USB stick, and C forwards them to the hub.
    std::fs::write(
        b.join("hub.toml"),
        "url = \"postgres://x:y@127.0.0.1:1/none\"\n",
    )
    .unwrap();
    let tickets = tickets(&b);
    for t in &tickets[..3] {
        bin()
            .arg("--event")
            .arg(&b)
            .args(["checkin", "--activity", "thymio", t])
            .assert()
            .success();
    }
    let stick: PathBuf = root.path().join("stick.facts");
    bin()
        .arg("--event")
        .arg(&b)
        .args(["sync", "export"])
        .arg(&stick)
        .assert()
        .success();
    for _ in 0..2 {
        bin()
            .arg("--event")
            .arg(&c)
            .args(["sync", "import"])
            .arg(&stick)
            .assert()
            .success();
    }
    sync(&c);
    sync(&a);
    let store_a = Store::open(&a.join("event.db")).unwrap();
    assert_eq!(store_a.presence().unwrap().len(), 3);
    assert_eq!(state(&a), state(&c));
    // B comes back online: its facts are in the hub already, sent by C; nothing doubles.
    std::fs::copy(c.join("hub.toml"), b.join("hub.toml")).unwrap();
    sync(&b);
    sync(&a);
    assert_eq!(state(&a), state(&b));
    let store_b = Store::open(&b.join("event.db")).unwrap();
    let me = store_b.desk_identity().unwrap().unwrap();
    let in_hub: i64 = HubUrl::parse(&admin)
        .unwrap()
        .connect()
        .unwrap()
        .query_one("SELECT count(*) FROM facts WHERE origin = $1", &[&me.id])
        .unwrap()
        .get(0);
    let held = store_b
        .journal_heads()
        .unwrap()
        .into_iter()
        .find(|(o, _)| *o == me.id)
        .unwrap()
        .1;
    assert_eq!(in_hub, held);
}

#[test]
fn tls_with_sslmode_require_and_with_a_root_certificate() {
    let Some(pg) = TestCluster::start_tls() else {
        return;
    };
    let admin = format!("{}?sslmode=require", create_database(&pg, "fest"));
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    organiser(&a, &admin, 5);
    let url = desk_url(&a);
    assert!(url.as_str().ends_with("?sslmode=require"));
    // The server sees an encrypted connection.
    let mut client = url.connect().unwrap();
    let ssl: bool = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(ssl);
    join(url.as_str(), &b, "Sumo");
    // With the server's certificate as root: checked in full (name included).
    let ca = root.path().join("ca.pem");
    std::fs::write(&ca, pg.cert_pem().unwrap()).unwrap();
    let verified =
        HubUrl::parse(&format!("{}&sslrootcert={}", url.as_str(), ca.display())).unwrap();
    assert!(Hub::connect(&verified).is_ok());
    // Another certificate as root: refused.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let wrong = root.path().join("wrong.pem");
    std::fs::write(&wrong, other.cert.pem()).unwrap();
    let refused =
        HubUrl::parse(&format!("{}&sslrootcert={}", url.as_str(), wrong.display())).unwrap();
    assert!(Hub::connect(&refused).is_err());
    assert_eq!(state(&a), state(&b));
}
