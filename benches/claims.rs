//! Claim benchmarks (run with `cargo bench --bench claims -- <mode>`):
//! - `publish [N]`: publish N synthetic claims into a fresh folder, then again (incremental).
//! - `serve DIR PORT [N]`: publish N claims into DIR (for nginx) and serve the same claims with
//!   the claim server on 127.0.0.1:PORT (rate limit off) until Ctrl-C; writes DIR/paths.txt.
//! - `event [N]`: a real event (demo attendees, N participation badges signed, baked and
//!   stored by the issuer), then `EventSite::publish` from its database: fresh, then again.
//!   `BADGEDESK_BENCH_EVENT=DIR` reuses (or keeps) the event folder between runs;
//!   `BADGEDESK_BENCH_KEEP_SITE=1` keeps the published folder (`BADGEDESK_BENCH_DIR` chooses
//!   where it goes).
//! - `serve-event EVENT_DIR SITE_DIR PORT`: publish the event into SITE_DIR (for nginx) and serve
//!   it from its database (`StoreSource`, rate limit off) on 127.0.0.1:PORT; writes
//!   SITE_DIR/paths.txt.

#[path = "../tests/common/mod.rs"]
mod common;
mod procstat;

use std::sync::Arc;
use std::time::Instant;

use badgedesk::claim::{EventSite, publish};
use badgedesk::clock::{Clock, SystemClock};
use badgedesk::i18n::Lang;
use badgedesk::server::{self, MemorySource, ServerConfig};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("event") => bench_event(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000)),
        Some("serve-event") => serve_event(&args[1..]),
        Some("parts") => parts(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(2000)),
        Some("publish") | None => {
            bench_publish(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000))
        }
        Some(other) => eprintln!("unknown mode {other}: use publish or serve"),
    }
}

fn bench_publish(n: usize) {
    let t = Instant::now();
    let site = common::site("https://badges.example.org/fest26", Lang::Fr, n);
    println!("built {n} synthetic claims in {:.2?}", t.elapsed());
    // BADGEDESK_BENCH_DIR=/dev/shm measures without the disk (tmpfs).
    let dir = match std::env::var_os("BADGEDESK_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    println!("publishing into {}", dir.path().display());
    procstat::settle_disk();
    let (t, cpu0) = (Instant::now(), procstat::cpu_time());
    let first = publish(dir.path(), &site).expect("publish");
    let d1 = t.elapsed();
    println!(
        "fresh publish used {:.2} s of CPU (user + system, all threads)",
        procstat::cpu_seconds_since(cpu0)
    );
    println!(
        "publish {n} claims (fresh):       {d1:.2?}  ({} files written, {:.0} claims/s)",
        first.written,
        n as f64 / d1.as_secs_f64()
    );
    let t = Instant::now();
    let again = publish(dir.path(), &site).expect("publish");
    let d2 = t.elapsed();
    println!(
        "publish {n} claims (unchanged):   {d2:.2?}  ({} written, {} unchanged)",
        again.written, again.unchanged
    );
    let t = Instant::now();
    let mut pages = 0usize;
    for c in &site.claims {
        let offer = badgedesk::claim::html::Ob2Offer::Assertion {
            url: badgedesk::claim::ob2::assertion_url(&c.page.base_url, &c.page.token),
            image: true,
        };
        let links = badgedesk::claim::html::PageLinks {
            credential_json: &c.credential_json,
            ob2: &offer,
        };
        pages += badgedesk::claim::html::claim_page(&c.page, Lang::Fr, links)
            .map(|p| p.len())
            .unwrap_or(0);
    }
    println!(
        "render {n} claim pages (1 core):  {:.2?}  ({} bytes)",
        t.elapsed(),
        pages
    );
}

/// Where publishing time goes, on one core.
fn parts(n: usize) {
    let site = common::site("https://badges.example.org/fest26", Lang::Fr, n);
    let urls: Vec<String> = site
        .claims
        .iter()
        .map(|c| c.page.credential_url())
        .collect();
    let t = Instant::now();
    let ms: Vec<_> = urls
        .iter()
        .map(|u| badgedesk::qr::encode(u).expect("qr"))
        .collect();
    println!(
        "qr encode  x{n}: {:.2?} ({:.0} µs each)",
        t.elapsed(),
        t.elapsed().as_micros() as f64 / n as f64
    );
    let t = Instant::now();
    let svg: usize = ms.iter().map(|m| m.to_svg().len()).sum();
    println!("qr svg     x{n}: {:.2?} ({} bytes)", t.elapsed(), svg);
    let t = Instant::now();
    for c in &site.claims {
        let _ = badgedesk::claim::site::claim_files(&site.meta, c);
    }
    println!("claim_files x{n}: {:.2?}", t.elapsed());
    let dir = tempfile::tempdir().expect("tmp");
    let t = Instant::now();
    for (i, c) in site.claims.iter().enumerate() {
        let p = dir.path().join(format!("c/{i}/credential.json"));
        badgedesk::claim::fsio::write_if_changed(&p, c.credential_json.as_bytes()).expect("write");
    }
    println!("atomic write x{n} (new dirs): {:.2?}", t.elapsed());
}

fn serve(args: &[String]) {
    let (Some(dir), Some(port)) = (
        args.first(),
        args.get(1).and_then(|p| p.parse::<u16>().ok()),
    ) else {
        eprintln!("usage: serve DIR PORT [N]");
        return;
    };
    let n = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let site = common::site(&format!("http://127.0.0.1:{port}"), Lang::Fr, n);
    publish(std::path::Path::new(dir), &site).expect("publish");
    let paths: String = site
        .claims
        .iter()
        .map(|c| format!("/c/{}/\n", c.page.token))
        .collect();
    std::fs::write(std::path::Path::new(dir).join("paths.txt"), paths).expect("paths");
    let source = Arc::new(MemorySource::new(site.meta.clone(), site.claims.clone()));
    let config = ServerConfig {
        bind: ([127, 0, 0, 1], port).into(),
        rate_per_sec: 1e9,
        burst: 1e9,
        max_conns_per_ip: 10_000,
        ..Default::default()
    };
    let server = server::bind(config).expect("bind");
    println!("serving {n} claims (published copy in {dir}) on");
    print!(
        "{}",
        server::banner(&server::public_url(server.local_addr().expect("addr")))
    );
    server
        .run(source, server::shutdown_signal())
        .expect("serve");
}

/// A demo event with `n` participation badges issued (or the one in BADGEDESK_BENCH_EVENT).
fn real_event(n: usize) -> (Option<tempfile::TempDir>, badgedesk::event::EventDir) {
    use badgedesk::credential::builder::OsRandomness;
    use badgedesk::issue::engine::Issuer;
    let (tmp, root) = match std::env::var_os("BADGEDESK_BENCH_EVENT") {
        Some(dir) => (None, std::path::PathBuf::from(dir)),
        None => {
            let t = tempfile::tempdir().expect("tmp");
            let root = t.path().join("event");
            (Some(t), root)
        }
    };
    if let Ok(event) = badgedesk::event::EventDir::open(&root) {
        let have = event
            .store()
            .expect("store")
            .credentials()
            .expect("list")
            .len();
        println!("reusing {} ({have} credentials)", root.display());
        return (tmp, event);
    }
    let now = SystemClock.now();
    let t = Instant::now();
    let event = badgedesk::demo::create(&root, 2026, n, now).expect("demo event");
    let mut store = event.store().expect("store");
    let key = badgedesk::credential::keys::load(event.root(), None).expect("issuer key");
    let issuer = Issuer::new(&event, key, now).expect("issuer");
    let awards: Vec<(i64, String)> = store
        .attendees()
        .expect("attendees")
        .iter()
        .map(|a| (a.id, "participation".to_string()))
        .collect();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let report = issuer
        .issue(
            &mut store,
            &awards,
            &mut OsRandomness,
            "bench",
            &cancel,
            &mut |_| {},
        )
        .expect("issue");
    println!(
        "event with {} issued credentials ready in {:.2?} ({})",
        report.issued.len(),
        t.elapsed(),
        root.display()
    );
    (tmp, event)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn bench_event(n: usize) {
    let (_tmp, event) = real_event(n);
    let store = event.store().expect("store");
    let base = event
        .config()
        .claim
        .base_url
        .clone()
        .expect("demo has a base URL");
    let key = badgedesk::claim::event_site::issuer_public_key(&store.credentials().expect("list"));
    let site = EventSite::new(&event, &base, key.as_ref()).expect("site");
    let out = match std::env::var_os("BADGEDESK_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    println!("load average before: {}", load());
    procstat::settle_disk();
    let (t, cpu0) = (Instant::now(), procstat::cpu_time());
    let first = site.publish(out.path(), &store).expect("publish");
    let d1 = t.elapsed();
    let cpu = procstat::cpu_seconds_since(cpu0);
    println!(
        "publish event, {} claims (fresh):     {d1:.2?}  ({} files written, {:.0} claims/s, {cpu:.2} s CPU)",
        first.claims,
        first.written,
        first.claims as f64 / d1.as_secs_f64()
    );
    let (t, cpu0) = (Instant::now(), procstat::cpu_time());
    let again = site.publish(out.path(), &store).expect("publish");
    let cpu = procstat::cpu_seconds_since(cpu0);
    println!(
        "publish event, {} claims (unchanged): {:.2?}  ({} written, {} unchanged, {cpu:.2} s CPU)",
        again.claims,
        t.elapsed(),
        again.written,
        again.unchanged
    );
    println!("load average after: {}", load());
    if std::env::var_os("BADGEDESK_BENCH_KEEP_SITE").is_some() {
        // Deleting 60,000 files makes the next run's file creations slow on some file systems
        // (ext4 without a journal skips recently freed inodes): keep it, delete it later.
        println!("site kept in {}", out.keep().display());
    }
}

fn serve_event(args: &[String]) {
    let (Some(event_dir), Some(site_dir), Some(port)) = (
        args.first(),
        args.get(1),
        args.get(2).and_then(|p| p.parse::<u16>().ok()),
    ) else {
        eprintln!("usage: serve-event EVENT_DIR SITE_DIR PORT");
        return;
    };
    let event = badgedesk::event::EventDir::open(std::path::Path::new(event_dir)).expect("event");
    let store = event.store().expect("store");
    let credentials = store.credentials().expect("list");
    let key = badgedesk::claim::event_site::issuer_public_key(&credentials);
    let url = format!("http://127.0.0.1:{port}");
    let site = EventSite::new(&event, &url, key.as_ref()).expect("site");
    site.publish(std::path::Path::new(site_dir), &store)
        .expect("publish");
    let paths: String = credentials
        .iter()
        .map(|c| format!("/c/{}/\n", c.claim_token))
        .collect();
    std::fs::write(std::path::Path::new(site_dir).join("paths.txt"), paths).expect("paths");
    let source = server::StoreSource::new(site, store, Arc::new(SystemClock))
        .expect("source")
        .record_visits_with(event.store().expect("second store"))
        .expect("visit recorder");
    let source = Arc::new(source);
    let config = ServerConfig {
        bind: ([127, 0, 0, 1], port).into(),
        rate_per_sec: 1e9,
        burst: 1e9,
        max_conns_per_ip: 10_000,
        ..Default::default()
    };
    let server = server::bind(config).expect("bind");
    println!(
        "serving {} claims from {event_dir} (copy in {site_dir}) on {url}",
        credentials.len()
    );
    server
        .run(source, server::shutdown_signal())
        .expect("serve");
}
