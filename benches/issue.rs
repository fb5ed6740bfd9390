//! Issuing benchmarks (prints numbers; asserts nothing). `cargo bench --bench issue`:
//! - bulk: 10,000 eligible attendees → 10,000 credentials built, signed, baked, committed and
//!   written (`ISSUE_BENCH_N` to change), with the time per phase;
//! - desk: tick-to-ready of the one-key issue (one attendee, one badge, from a prepared issuer
//!   re-timed to now) on a 100,000-attendee event (`DESK_ISSUE_BENCH_SIZE`), p50/p99 over 200.
//!
//! `cargo bench --bench issue -- bulk` or `-- desk` runs one of them. The event goes under
//! `TMPDIR`; `BADGEDESK_BENCH_KEEP=1` keeps the bulk run's event instead of deleting it.

mod procstat;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use badgedesk::clock::{Clock, SystemClock};
use badgedesk::credential::builder::OsRandomness;
use badgedesk::credential::keys;
use badgedesk::demo;
use badgedesk::event::EventDir;
use badgedesk::issue::{Choice, Issuer, Step};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A demo event of `n` attendees, everyone checked in at the welcome desk (so eligible for the
/// participation badge). Not timed.
fn event(root: &std::path::Path, n: usize) -> EventDir {
    let start = SystemClock.now() - time::Duration::hours(2);
    let event = demo::create(root, 7, n, start).expect("demo event");
    let mut store = event.store().expect("store");
    let ids: Vec<i64> = store
        .attendees()
        .expect("attendees")
        .iter()
        .map(|a| a.id)
        .collect();
    store
        .check_in_many(&ids, "accueil", "bench", start)
        .expect("check in");
    event
}

fn bulk() {
    let n = env_usize("ISSUE_BENCH_N", 10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let event = event(&dir.path().join("event"), n);
    println!(
        "bulk setup: {n}-attendee event in {:.1} s (not timed)",
        t.elapsed().as_secs_f64()
    );
    let mut store = event.store().expect("store");
    let awards: Vec<(i64, String)> = store
        .attendees()
        .expect("attendees")
        .iter()
        .map(|a| (a.id, "participation".to_string()))
        .collect();

    procstat::settle_disk();
    let (start, cpu0) = (Instant::now(), procstat::cpu_time());
    let key = keys::load(event.root(), None).expect("key");
    let issuer = Issuer::new(&event, key, SystemClock.now()).expect("issuer");
    let prepared = start.elapsed();
    let mut phases: BTreeMap<&str, Duration> = BTreeMap::new();
    let last = Cell::new(Instant::now());
    let load = Cell::new(None);
    let report = issuer
        .issue_observed(
            &mut store,
            &awards,
            &mut OsRandomness,
            "bench",
            &AtomicBool::new(false),
            &mut |_| {
                if load.get().is_none() {
                    load.set(Some(last.get().elapsed()));
                    last.set(Instant::now());
                }
            },
            &mut |step, _| {
                let name = match step {
                    Step::Built => "1 build (unsigned credentials)",
                    Step::Signed => "2 sign (all cores)",
                    Step::Baked => "3 bake + JSON (all cores)",
                    Step::Committed => "4 waiting for DB commits (overlapped)",
                    Step::Written => "5 waiting for file writes (overlapped)",
                };
                *phases.entry(name).or_default() += last.get().elapsed();
                last.set(Instant::now());
            },
        )
        .expect("issue");
    let total = start.elapsed();
    let cpu = procstat::cpu_seconds_since(cpu0);
    assert_eq!(report.issued.len(), n, "every award issued");
    println!(
        "bulk: {n} credentials signed, baked, committed and written in {:.2} s ({:.0}/s)  [target ≤ 2 s]",
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64()
    );
    println!(
        "  CPU used: {cpu:.2} s (user + system, all threads; {:.0} % of {} cores)",
        100.0 * cpu / total.as_secs_f64() / cores() as f64,
        cores()
    );
    println!(
        "  0 prepare issuer (key, images)     {:>8.1} ms",
        ms(prepared)
    );
    println!(
        "  0 load roster, presence, awards    {:>8.1} ms",
        ms(load.get().unwrap_or_default())
    );
    for (name, d) in &phases {
        println!(
            "  {name:<34} {:>8.1} ms  ({:.0} %)",
            ms(*d),
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    let files = std::fs::read_dir(event.issued_dir())
        .map(|d| d.count())
        .unwrap_or(0);
    println!("  files under issued/: {files}");
    if std::env::var_os("BADGEDESK_BENCH_KEEP").is_some() {
        // Deleting 20,000 files slows the next run's file creations on ext4 without a journal
        // (it skips inodes freed in the last minutes): keep the event, delete it later.
        println!("  event kept in {}", dir.keep().display());
    }
}

fn desk() {
    let n = env_usize("DESK_ISSUE_BENCH_SIZE", 100_000);
    let rounds = 200;
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let event = event(&dir.path().join("event"), n);
    println!(
        "desk setup: {n}-attendee event in {:.1} s (not timed)",
        t.elapsed().as_secs_f64()
    );
    let mut store = event.store().expect("store");
    let key = keys::load(event.root(), None).expect("key");
    let t = Instant::now();
    let base = Issuer::new(&event, key, SystemClock.now()).expect("issuer");
    println!(
        "desk: prepare the issuer once (at desk start): {:.1} ms",
        ms(t.elapsed())
    );
    let mut rng = OsRandomness;
    let mut times = Vec::with_capacity(rounds);
    let mut retime = Duration::ZERO;
    let step = (n / rounds).max(1) as i64;
    for i in 0..rounds as i64 {
        let id = 1 + i * step;
        let t = Instant::now();
        let issuer = base.at(SystemClock.now()).expect("re-time");
        retime += t.elapsed();
        let out = issuer
            .issue_attendee(
                &mut store,
                id,
                Choice::Achievement("participation"),
                &mut rng,
                "bench",
            )
            .expect("issue");
        times.push(t.elapsed());
        assert!(out.len() == 1 && out[0].newly_issued && out[0].claim_url.is_some());
    }
    let first = times.first().copied().unwrap_or_default();
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!(
        "desk tick-to-ready (re-time + sign + bake + commit + write, one badge): first {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms  [target < 50 ms]",
        ms(first),
        ms(pct(50)),
        ms(pct(99)),
        ms(times[times.len() - 1])
    );
    println!(
        "  of which re-timing the prepared issuer: {:.2} ms on average",
        ms(retime) / rounds as f64
    );
    // Pressing the key again on someone who has it: nothing signed, the claim link shown.
    let t = Instant::now();
    let again = base
        .issue_attendee(&mut store, 1, Choice::Eligible, &mut rng, "bench")
        .expect("again");
    println!(
        "  again on an attendee who holds it: {:.2} ms ({} shown)",
        ms(t.elapsed()),
        again.len()
    );
}

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let all = which.is_empty();
    if all || which.iter().any(|w| w == "bulk") {
        bulk();
    }
    if all || which.iter().any(|w| w == "desk") {
        desk();
    }
}
