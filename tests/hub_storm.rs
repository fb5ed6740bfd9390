//! The storm: three desk processes tick and undo 3,000 attendees in random orders that
//! overlap, while the hub's postmaster is killed (SIGKILL) and restarted twice and one desk is
//! killed and restarted. At the end the three desks and the hub hold the same log and
//! presence, and every fact is in the hub exactly once.
//!
//! Each desk is this test binary run again as `storm_desk` (ignored in normal runs), with its
//! folder and seed in the environment.

mod hub_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use badgedesk::hub::{Hub, HubConfig, HubUrl, Syncer};
use badgedesk::store::Store;
use hub_support::TestCluster;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::macros::datetime;

const ATTENDEES: usize = 3000;
const ACTIVITIES: [&str; 3] = ["accueil", "sumo", "scratch"];

/// One desk's operations: every attendee ticked once at a random activity, in a random order,
/// with an undo of an earlier tick now and then.
fn plan(seed: u64) -> Vec<(usize, &'static str, bool)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..ATTENDEES).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let mut ops = Vec::new();
    let mut done: Vec<(usize, &'static str)> = Vec::new();
    for who in order {
        let activity = ACTIVITIES[rng.random_range(0..ACTIVITIES.len())];
        ops.push((who, activity, true));
        done.push((who, activity));
        if rng.random_range(0..100) < 15 {
            let (w, a) = done[rng.random_range(0..done.len())];
            ops.push((w, a, false));
        }
    }
    ops
}

/// A desk process (run by the storm test, not on its own).
#[test]
#[ignore = "a desk process of the storm test, run by it"]
fn storm_desk() {
    let dir = PathBuf::from(std::env::var("STORM_DESK_DIR").expect("run by the storm test"));
    let seed: u64 = std::env::var("STORM_SEED").unwrap().parse().unwrap();
    let progress = dir.join("storm.progress");
    let start: usize = std::fs::read_to_string(&progress)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let config = HubConfig::load(&dir).unwrap().unwrap();
    let db = dir.join("event.db");
    let syncer = Syncer::start(
        db.clone(),
        config,
        Duration::from_millis(100),
        Box::new(|_| {}),
    );
    let mut store = Store::open(&db).unwrap();
    let mut people: Vec<(String, i64)> = store
        .attendees()
        .unwrap()
        .into_iter()
        .map(|p| (p.ticket.unwrap_or_default(), p.id))
        .collect();
    people.sort();
    let at = datetime!(2026-05-16 10:00 UTC);
    for (n, (who, activity, tick)) in plan(seed).into_iter().enumerate().skip(start) {
        let id = people[who].1;
        let when = at + time::Duration::milliseconds(n as i64 * 1000);
        if tick {
            store.check_in(id, activity, "storm", when).unwrap();
        } else {
            store.undo_check_in(id, activity, "storm", when).unwrap();
        }
        std::fs::write(&progress, (n + 1).to_string()).unwrap();
        syncer.wake();
    }
    // Done when the hub holds everything this desk made.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let st = syncer.state();
        if st.online && store.unsent_count().unwrap() == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "never caught up: {st:?}");
        syncer.wake();
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn spawn_desk(dir: &Path, seed: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "storm_desk",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("STORM_DESK_DIR", dir)
        .env("STORM_SEED", seed.to_string())
        .spawn()
        .unwrap()
}

fn progress(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("storm.progress"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

fn wait_for_progress(dir: &Path, at_least: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while progress(dir) < at_least {
        assert!(Instant::now() < deadline, "desk {} stalled", dir.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn storm_three_desks_with_the_hub_killed_twice_and_a_desk_killed_once_converge() {
    let Some(mut pg) = TestCluster::start() else {
        return;
    };
    pg.client().batch_execute("CREATE DATABASE fest").unwrap();
    let admin = pg.url_for("fest");
    let root = tempfile::tempdir().unwrap();
    let dirs: Vec<PathBuf> = ["accueil", "sumo", "scratch"]
        .iter()
        .map(|n| root.path().join(n))
        .collect();
    // The organiser's desk, then two desks joined from the hub.
    hub_support::demo_event(&dirs[0], 11, ATTENDEES);
    hub_support::hub_push(&dirs[0], &admin, "Accueil");
    let url = HubConfig::load(&dirs[0]).unwrap().unwrap().url;
    for (dir, name) in dirs.iter().zip(["", "Sumo", "Scratch"]).skip(1) {
        hub_support::join(url.as_str(), dir, name);
    }
    let total = plan(1).len();
    let mut desks: Vec<Child> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| spawn_desk(d, i as u64 + 1))
        .collect();
    // The hub dies mid-run, twice.
    wait_for_progress(&dirs[0], total / 5);
    pg.kill_hard();
    std::thread::sleep(Duration::from_millis(800));
    pg.restart();
    // A desk dies (SIGKILL) and comes back where it was.
    wait_for_progress(&dirs[2], total / 3);
    desks[2].kill().unwrap();
    desks[2].wait().unwrap();
    desks[2] = spawn_desk(&dirs[2], 3);
    wait_for_progress(&dirs[1], total / 2);
    pg.kill_hard();
    std::thread::sleep(Duration::from_millis(1500));
    pg.restart();
    for (i, desk) in desks.iter_mut().enumerate() {
        let status = desk.wait().unwrap();
        assert!(status.success(), "desk {i} failed");
    }
    // Each desk takes what the others sent last.
    let stores: Vec<Store> = dirs
        .iter()
        .map(|d| {
            let mut store = Store::open(&d.join("event.db")).unwrap();
            Hub::connect(&url).unwrap().sync(&mut store).unwrap();
            store
        })
        .collect();
    let states: Vec<String> = stores.iter().map(|s| s.shared_state().unwrap()).collect();
    assert_eq!(states[0], states[1], "Accueil and Sumo differ");
    assert_eq!(states[0], states[2], "Accueil and Scratch differ");
    assert!(stores.iter().all(|s| s.waiting_count().unwrap() == 0));
    // The hub holds every desk's facts once: as many as each desk made, no more.
    let mut hub = HubUrl::parse(&admin).unwrap().connect().unwrap();
    for store in &stores {
        let me = store.desk_identity().unwrap().unwrap();
        let made = store
            .journal_heads()
            .unwrap()
            .into_iter()
            .find(|(o, _)| *o == me.id)
            .unwrap()
            .1;
        let row = hub
            .query_one(
                "SELECT count(*), count(DISTINCT id), coalesce(max(seq), 0) FROM facts WHERE origin = $1",
                &[&me.id],
            )
            .unwrap();
        let (count, distinct, max): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        assert_eq!(
            (count, distinct, max),
            (made, made, made),
            "desk {}",
            me.name
        );
    }
    // Every tick a desk committed is in the log of every desk once (its fact id once).
    let ticks: i64 = hub
        .query_one("SELECT count(*) FROM facts WHERE kind = 'tick'", &[])
        .unwrap()
        .get(0);
    let logged = states[0]
        .lines()
        .filter(|l| l.starts_with("log ") && l.contains(" tick "))
        .count();
    assert_eq!(logged as i64, ticks);
    assert!(!stores[0].presence().unwrap().is_empty());
}
