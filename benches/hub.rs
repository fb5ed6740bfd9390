//! Several desks on a real PostgreSQL hub on loopback (run: `cargo bench --bench hub`; needs
//! PostgreSQL's programs, see `hub start`). Three phases:
//! - convergence: three desks tick 10,000 attendees each (`HUB_BENCH_TICKS`) as fast as they
//!   can, each syncing in the background as the open desk does (every 250 ms, and at once
//!   after each commit); time from the last tick until every desk holds every desk's rows
//!   [target ≤ 2 s];
//! - latency while online: one tick at a time at desk A, the time until desk B shows it,
//!   p50/p99 over 200 ticks [target p99 ≤ 500 ms];
//! - the hub down: the desk's tick (commit) p50/p99 with its sync thread failing to reach the
//!   hub, next to a desk without a hub [target: unchanged].
//!
//! Prints numbers; asserts nothing (timings are not tests).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use badgedesk::clock::rfc3339;
use badgedesk::event::EventDir;
use badgedesk::hub::cluster::{Cluster, ClusterOptions};
use badgedesk::hub::{self, Hub, HubConfig, HubUrl, Syncer};
use badgedesk::store::Store;
use time::OffsetDateTime;

const INTERVAL: Duration = Duration::from_millis(250);
const ACTIVITIES: [&str; 3] = ["accueil", "sumo", "scratch"];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A folder the unprivileged PostgreSQL user can enter when this runs as root.
fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("badgedesk-hub-bench-")
        .tempdir()
        .expect("temp dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    dir
}

/// The organiser's event with `n` attendees, pushed to the hub; its desk address.
fn organiser(dir: &Path, admin: &HubUrl, n: usize) -> HubUrl {
    let event = EventDir::create_with_config(dir, &badgedesk::demo::config_text()).expect("event");
    let mut store = event.store().expect("store");
    let now = OffsetDateTime::now_utc();
    store
        .write_import(
            &badgedesk::demo::attendees(5, n),
            &[],
            "f.csv",
            "bench",
            now,
        )
        .expect("import");
    let mut client = admin.connect().expect("admin");
    let installed = hub::install(&mut client).expect("install");
    hub::push_event_files(&mut client, dir).expect("files");
    let url = admin
        .with_user(&installed.desk_user, &installed.desk_password)
        .expect("desk url");
    store
        .enable_journal("Accueil", &rfc3339(now))
        .expect("journal");
    Hub::connect(&url)
        .expect("hub")
        .sync(&mut store)
        .expect("sync");
    HubConfig { url: url.clone() }.save(dir).expect("hub.toml");
    url
}

/// A desk made from the hub, as `badgedesk join` does.
fn join(url: &HubUrl, dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).expect("dir");
    let mut hub = Hub::connect(url).expect("hub");
    hub::pull_event_files(&mut hub, dir).expect("files");
    let event = EventDir::open(dir).expect("event");
    let mut store = event.store().expect("store");
    store
        .enable_journal(name, &rfc3339(OffsetDateTime::now_utc()))
        .expect("journal");
    hub.sync(&mut store).expect("sync");
    HubConfig { url: url.clone() }.save(dir).expect("hub.toml");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let ticks: usize = std::env::var("HUB_BENCH_TICKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let root = open_tempdir();
    let cluster_dir = root.path().join("pg");
    let mut options = ClusterOptions::new(free_port());
    options.listen_addresses = vec!["127.0.0.1".into()];
    let cluster = match Cluster::init(&cluster_dir, &options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("SKIPPED: cannot make a PostgreSQL cluster: {e}");
            return;
        }
    };
    cluster.start().expect("start PostgreSQL");
    let mut su = HubUrl::parse(&cluster.superuser_url())
        .expect("url")
        .connect()
        .expect("connect");
    su.batch_execute("CREATE DATABASE fest").expect("database");
    let admin = HubUrl::parse(&cluster.superuser_url_for("fest")).expect("url");
    let t = Instant::now();
    let dirs: Vec<PathBuf> = ["a", "b", "c"]
        .iter()
        .map(|n| root.path().join(n))
        .collect();
    let url = organiser(&dirs[0], &admin, ticks);
    let pushed = t.elapsed();
    let t = Instant::now();
    join(&url, &dirs[1], "Sumo");
    let joined = t.elapsed();
    join(&url, &dirs[2], "Scratch");
    println!(
        "setup: a {ticks}-attendee event imported and pushed to the hub in {:.1} s; a desk joins it in {:.1} s",
        pushed.as_secs_f64(),
        joined.as_secs_f64()
    );
    convergence(&dirs, ticks);
    latency(&dirs);
    cluster.stop().expect("stop");
    hub_down(&dirs[0], root.path());
}

/// Phase 1: 3 × `ticks` ticks at once, then the time until all desks hold all rows.
fn convergence(dirs: &[PathBuf], ticks: usize) {
    let barrier = Arc::new(Barrier::new(dirs.len()));
    let started = Instant::now();
    let handles: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(i, dir)| {
            let (dir, barrier) = (dir.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let config = HubConfig::load(&dir).expect("config").expect("hub");
                let db = dir.join("event.db");
                let syncer = Syncer::start(db.clone(), config, INTERVAL, Box::new(|_| {}));
                let mut store = Store::open(&db).expect("store");
                let mut ids: Vec<i64> = store
                    .attendees()
                    .expect("roster")
                    .iter()
                    .map(|a| a.id)
                    .collect();
                // Each desk in its own order.
                let shift = i * ids.len() / 3;
                ids.rotate_left(shift);
                barrier.wait();
                let now = OffsetDateTime::now_utc();
                for id in ids {
                    store
                        .check_in(id, ACTIVITIES[i], "bench", now)
                        .expect("tick");
                    syncer.wake();
                }
                let done = Instant::now();
                (syncer, done)
            })
        })
        .collect();
    let desks: Vec<(Syncer, Instant)> = handles
        .into_iter()
        .map(|h| h.join().expect("desk"))
        .collect();
    let last_tick = desks.iter().map(|(_, t)| *t).max().expect("desks");
    println!(
        "  3 desks × {ticks} ticks committed in {:.2} s ({:.0} ticks/s per desk)",
        (last_tick - started).as_secs_f64(),
        ticks as f64 / (last_tick - started).as_secs_f64()
    );
    let stores: Vec<Store> = dirs
        .iter()
        .map(|d| Store::open(&d.join("event.db")).expect("store"))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let heads: Vec<Vec<(String, i64)>> = stores
            .iter()
            .map(|s| {
                let mut h = s.journal_heads().expect("heads");
                h.sort();
                h
            })
            .collect();
        if heads.iter().all(|h| *h == heads[0]) && heads[0].len() == dirs.len() {
            break;
        }
        if Instant::now() > deadline {
            println!("  did not converge within 120 s");
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let converged = last_tick.elapsed();
    let presence = stores[1].presence().expect("presence").len();
    println!(
        "convergence: last tick → every desk holds every row: {:.2} s  [target ≤ 2 s] ({presence} presences at each desk)",
        converged.as_secs_f64()
    );
    drop(desks);
}

/// Phase 2: one tick at a time at A; how long until B has it.
fn latency(dirs: &[PathBuf]) {
    let config = |d: &Path| HubConfig::load(d).expect("config").expect("hub");
    let a_db = dirs[0].join("event.db");
    let b_db = dirs[1].join("event.db");
    let syncer_a = Syncer::start(a_db.clone(), config(&dirs[0]), INTERVAL, Box::new(|_| {}));
    let syncer_b = Syncer::start(b_db.clone(), config(&dirs[1]), INTERVAL, Box::new(|_| {}));
    let mut a = Store::open(&a_db).expect("store");
    let b = Store::open(&b_db).expect("store");
    let ids: Vec<i64> = a
        .attendees()
        .expect("roster")
        .iter()
        .map(|x| x.id)
        .take(200)
        .collect();
    let tickets: Vec<String> = a
        .attendees()
        .expect("roster")
        .into_iter()
        .take(200)
        .map(|x| x.ticket.unwrap_or_default())
        .collect();
    let mut samples = Vec::new();
    for (id, ticket) in ids.iter().zip(&tickets) {
        // Not yet present at thymio anywhere.
        let t0 = Instant::now();
        a.check_in(*id, "thymio", "bench", OffsetDateTime::now_utc())
            .expect("tick");
        syncer_a.wake();
        let there = b
            .find_by_ticket(ticket)
            .expect("find")
            .expect("attendee")
            .id;
        loop {
            if b.presence_origin(there, "thymio").expect("read").is_some() {
                break;
            }
            if t0.elapsed() > Duration::from_secs(10) {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        samples.push(ms(t0.elapsed()));
        // Like a desk: someone every ~50 ms.
        std::thread::sleep(Duration::from_millis(50));
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "tick seen at another desk (online, sync every {} ms): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms over {}  [target p99 ≤ 500 ms]",
        INTERVAL.as_millis(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or(f64::NAN),
        samples.len()
    );
    drop((syncer_a, syncer_b));
}

/// Phase 3: ticks while the hub is down, next to a desk with no hub.
fn hub_down(dir: &Path, root: &Path) {
    let run = |db: &Path, with_syncer: bool| -> Vec<f64> {
        let syncer = with_syncer.then(|| {
            Syncer::start(
                db.to_path_buf(),
                HubConfig::load(dir).expect("config").expect("hub"),
                INTERVAL,
                Box::new(|_| {}),
            )
        });
        let mut store = Store::open(db).expect("store");
        let ids: Vec<i64> = store
            .attendees()
            .expect("roster")
            .iter()
            .map(|x| x.id)
            .take(2000)
            .collect();
        let mut out = Vec::new();
        for id in ids {
            let t0 = Instant::now();
            store
                .check_in(id, "soudure", "bench", OffsetDateTime::now_utc())
                .expect("tick");
            if let Some(s) = &syncer {
                s.wake();
            }
            out.push(ms(t0.elapsed()));
        }
        if let Some(s) = &syncer {
            let st = s.state();
            println!(
                "  (sync thread: online {}, {} to send)",
                st.online, st.unsent
            );
        }
        out.sort_by(f64::total_cmp);
        out
    };
    // The same event without a hub: a copy of the database whose journal stays but no sync runs.
    let alone = root.join("alone.db");
    std::fs::copy(dir.join("event.db"), &alone).expect("copy");
    let wal = dir.join("event.db-wal");
    if wal.exists() {
        std::fs::copy(&wal, root.join("alone.db-wal")).expect("copy");
    }
    let plain = run(&alone, false);
    let down = run(&dir.join("event.db"), true);
    println!(
        "tick with the hub down: p50 {:.2} ms, p99 {:.2} ms; without a hub: p50 {:.2} ms, p99 {:.2} ms  [target: unchanged]",
        percentile(&down, 0.5),
        percentile(&down, 0.99),
        percentile(&plain, 0.5),
        percentile(&plain, 0.99)
    );
}
