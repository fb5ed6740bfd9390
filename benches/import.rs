//! Import benchmark (harness = false, prints numbers). Generates a 100,000-row attendee file
//! (~10 MB, `;`-separated UTF-8 with accents, quoted cells, siblings sharing an address), then
//! times: `import::read`, `import::plan` against an empty event and against all 100,000 stored,
//! the whole import into a fresh event database, a re-import into it, and the `sqlite3` CLI's
//! `.import` of the same file when `sqlite3` is installed, in this process and then as two
//! command-line tools side by side (`badgedesk import` in a new process each time).
//!
//! `cargo bench --bench import` runs everything. Extra arguments:
//! `--write FILE` only writes the generated file (to time `badgedesk import` by hand);
//! `--full-only` only runs one whole import (for `/usr/bin/time -v` peak-memory readings),
//! into a fresh event or, with `--event DIR`, into that one (a second run is a re-import);
//! `--parse-only` only runs `read` + `plan` (for profiling).

mod procstat;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use badgedesk::clock::{Clock, SystemClock};
use badgedesk::event::{EventDir, InitOptions};
use badgedesk::i18n::Lang;
use badgedesk::import::{self, ImportOptions};
use badgedesk::model::Attendee;
use procstat::{children_cpu_time, cpu_time};

const ROWS: usize = 100_000;
/// Side-by-side runs of our import and sqlite3's.
const PAIRS: usize = 5;

const GIVEN: &[&str] = &[
    "Hélène",
    "Zoé",
    "Maël",
    "Noé",
    "Agathe",
    "Léa",
    "Inès",
    "Timothée",
    "Nolwenn",
    "Jean-Baptiste",
    "Aïssatou",
    "Thị Ngọc",
    "François",
    "Gaëlle",
    "Ibrahim",
    "Yasmine",
    "Kévin",
    "Océane",
    "Raphaël",
    "Anaïs",
];
const FAMILY: &[&str] = &[
    "Lefèvre",
    "Œuvray",
    "N'Diaye",
    "Nguyễn",
    "Moreau",
    "Le Gall",
    "Müller",
    "Dupont",
    "Martinez",
    "Bertrand",
    "N'Guessan",
    "Girard",
    "Fournier",
    "Robert",
    "Mercier",
    "Petit",
    "Garcia",
    "Leroy",
    "Lefèbvre",
    "François",
];
const ORGS: &[&str] = &[
    "Collège Camille Claudel",
    "\"Collège Jean Lecanuet; Rouen\"",
    "Lycée Pierre Corneille",
    "École élémentaire Pasteur",
    "Club robotique Le Havre",
    "\"Club \"\"Robots & Co\"\"\"",
];
const LEVELS: &[&str] = &["CM1", "CM2", "6e", "5e", "4e", "3e", "2nde", "Animateur"];
const WORKSHOPS: &[&str] = &[
    "Thymio",
    "Sumo robot",
    "\"Thymio; Sumo robot\"",
    "Impression 3D",
];

/// A small deterministic generator (splitmix64), so every run measures the same file.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn generate() -> String {
    let mut rng = Rng(2026);
    let mut out = String::with_capacity(11 << 20);
    out.push_str("N° billet;Nom;Prénom;Établissement;Niveau;Courriel;Ateliers;Remarques\r\n");
    for i in 0..ROWS {
        let family = rng.pick(FAMILY);
        let given = rng.pick(GIVEN);
        let email = match rng.next() % 10 {
            0 => String::new(),
            1 | 2 => format!("famille.{}{}@exemple.fr", i / 3, family.len()),
            _ => format!("{}.{}{}@exemple.fr", given.to_lowercase(), i, family.len())
                .replace(' ', ""),
        };
        let remark = if rng.next().is_multiple_of(20) {
            "\"Allergie : arachides.\nVient avec son frère\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "FR26-{i:06};{family};{given};{};{};{email};{};{remark}\r\n",
            rng.pick(ORGS),
            rng.pick(LEVELS),
            rng.pick(WORKSHOPS),
        );
    }
    out
}

fn ms(d: Duration) -> String {
    format!("{:>8.1} ms", d.as_secs_f64() * 1000.0)
}

fn fresh_event(dir: &Path) -> EventDir {
    EventDir::create(
        dir,
        &InitOptions {
            name: "Bench".into(),
            lang: Lang::En,
        },
    )
    .expect("create event")
}

/// Wall-clock time of each phase of one whole import.
#[derive(Default, Clone, Copy)]
struct Phases {
    open: Duration,
    read: Duration,
    plan: Duration,
    write: Duration,
    /// CPU time (user + system, all threads) of read, plan and write, when the OS tells.
    cpu_read: Option<Duration>,
    cpu_plan: Option<Duration>,
    cpu_write: Option<Duration>,
    /// Peak resident memory (kB) when read and plan were done: where the peak is reached.
    hwm_read: Option<u64>,
    hwm_plan: Option<u64>,
}

impl Phases {
    fn total(&self) -> Duration {
        self.open + self.read + self.plan + self.write
    }
}

/// The whole import as `badgedesk import` does it: open, load stored, read, plan, write, close.
fn full_import(event: &EventDir, path: &Path) -> (usize, usize, Phases) {
    let mut ph = Phases::default();
    procstat::settle_disk();
    let t = Instant::now();
    let mut store = event.store().expect("open store");
    let existing = store.attendees_for_import().expect("attendees");
    ph.open = t.elapsed();
    let t = Instant::now();
    let c = cpu_time();
    let bytes = std::fs::read(path).expect("read file");
    let parsed = import::read(&bytes, "bench.csv", &ImportOptions::default()).expect("read");
    drop(bytes);
    ph.read = t.elapsed();
    ph.hwm_read = peak_rss_kb();
    let c2 = cpu_time();
    ph.cpu_read = c.zip(c2).map(|(a, b)| b - a);
    let t = Instant::now();
    let mut plan = import::plan_stored(parsed, &existing);
    drop(existing);
    ph.plan = t.elapsed();
    ph.hwm_plan = peak_rss_kb();
    let c3 = cpu_time();
    ph.cpu_plan = c2.zip(c3).map(|(a, b)| b - a);
    let t = Instant::now();
    let updates: Vec<_> = std::mem::take(&mut plan.to_update)
        .into_iter()
        .map(|u| (u.attendee_id, u.record))
        .collect();
    let s = store
        .write_import_owned(
            std::mem::take(&mut plan.to_add),
            updates,
            &plan.file,
            "bench",
            SystemClock.now(),
        )
        .expect("write");
    // Closing checkpoints the WAL into the database file: part of the cost of writing.
    drop(store);
    ph.write = t.elapsed();
    ph.cpu_write = c3.zip(cpu_time()).map(|(a, b)| b - a);
    (s.added, s.updated, ph)
}

fn phases(ph: &Phases) -> String {
    let cpu = |d: Option<Duration>| {
        d.map(|d| format!(" [cpu {:.0}]", d.as_secs_f64() * 1e3))
            .unwrap_or_default()
    };
    let hwm = |kb: Option<u64>| {
        kb.map(|kb| format!(" [peak {} MB]", kb / 1024))
            .unwrap_or_default()
    };
    format!(
        "open+load {:.0} ms, read {:.0} ms{}{}, plan {:.0} ms{}{}, write {:.0} ms{}",
        ph.open.as_secs_f64() * 1e3,
        ph.read.as_secs_f64() * 1e3,
        cpu(ph.cpu_read),
        hwm(ph.hwm_read),
        ph.plan.as_secs_f64() * 1e3,
        cpu(ph.cpu_plan),
        hwm(ph.hwm_plan),
        ph.write.as_secs_f64() * 1e3,
        cpu(ph.cpu_write)
    )
}

/// Peak resident memory so far, in kB (Linux).
fn peak_rss_kb() -> Option<u64> {
    procstat::status_kb("VmHWM")
}

fn peak_rss() -> Option<String> {
    peak_rss_kb().map(|kb| format!("{kb} kB"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let path = args.get(i + 1).expect("--write FILE");
        std::fs::write(path, generate()).expect("write file");
        println!("wrote {ROWS} rows to {path}");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("attendees.csv");
    let text = generate();
    std::fs::write(&path, &text).expect("write file");
    println!(
        "generated {ROWS} rows, {:.1} MB ({})",
        text.len() as f64 / 1e6,
        path.display()
    );
    drop(text);

    if args.iter().any(|a| a == "--parse-only") {
        let bytes = std::fs::read(&path).expect("read");
        let c = cpu_time();
        for _ in 0..5 {
            let parsed =
                import::read(&bytes, "bench.csv", &ImportOptions::default()).expect("read");
            drop(import::plan(parsed, &[]));
        }
        if let (Some(a), Some(b)) = (c, cpu_time()) {
            println!("read + plan, CPU per run: {}", ms((b - a) / 5));
        }
        return;
    }
    if args.iter().any(|a| a == "--full-only") {
        // `--event DIR`: import into this event (created when missing), so a second run times
        // and measures a re-import on its own.
        let event = match args.iter().position(|a| a == "--event") {
            Some(i) => {
                let dir = Path::new(args.get(i + 1).expect("--event DIR"));
                if dir.join("event.toml").exists() {
                    EventDir::open(dir).expect("open event")
                } else {
                    fresh_event(dir)
                }
            }
            None => fresh_event(&tmp.path().join("ev")),
        };
        let cpu = cpu_time();
        let (added, updated, ph) = full_import(&event, &path);
        println!(
            "whole import: {} ({added} added, {updated} updated; {})",
            ms(ph.total()),
            phases(&ph)
        );
        if let (Some(a), Some(b)) = (cpu, cpu_time()) {
            println!("CPU time (user+sys): {}", ms(b - a));
        }
        println!("peak RSS: {}", peak_rss().unwrap_or_else(|| "n/a".into()));
        return;
    }

    let bytes = std::fs::read(&path).expect("read");
    let opts = ImportOptions::default();
    let (mut t_read, mut t_plan) = (Duration::MAX, Duration::MAX);
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let parsed = import::read(&bytes, "bench.csv", &opts).expect("read");
        t_read = t_read.min(t.elapsed());
        let (records, problems) = (parsed.records.len(), parsed.problems.len());
        let t = Instant::now();
        let plan = import::plan(parsed, &[]);
        t_plan = t_plan.min(t.elapsed());
        last = Some((records, problems, plan));
    }
    let (records, problems, plan) = last.expect("5 runs");
    println!(
        "import::read                       {}  ({records} records, {problems} problems, {:.0} MB/s)",
        ms(t_read),
        bytes.len() as f64 / 1e6 / t_read.as_secs_f64()
    );
    println!(
        "import::plan (empty event)         {}  ({} to add, {} duplicates)",
        ms(t_plan),
        plan.to_add.len(),
        plan.duplicates_in_file.len()
    );
    let stored: Vec<Attendee> = plan
        .to_add
        .iter()
        .enumerate()
        .map(|(i, r)| Attendee {
            id: i as i64 + 1,
            ticket: r.ticket.clone(),
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            email: r.email.clone(),
            contact_email: r.contact_email.clone(),
            organisation: r.organisation.clone(),
            extra: r.extra.clone(),
            source: Some(r.source.clone()),
        })
        .collect();
    drop(plan);
    let mut t_replan = Duration::MAX;
    let mut replan = None;
    for _ in 0..3 {
        let parsed = import::read(&bytes, "bench.csv", &opts).expect("read");
        let t = Instant::now();
        let plan = import::plan(parsed, &stored);
        t_replan = t_replan.min(t.elapsed());
        replan = Some(plan);
    }
    let replan = replan.expect("3 runs");
    println!(
        "import::plan (100k stored)         {}  ({} unchanged, {} to add)",
        ms(t_replan),
        replan.unchanged.len(),
        replan.to_add.len()
    );
    drop((replan, stored, bytes));

    // Ours and sqlite3's `.import` alternate, so both see the same machine (this VM's speed
    // drifts by a third between minutes): medians of each and of the pairwise ratios.
    let mut ours: Vec<Phases> = Vec::new();
    let mut theirs: Vec<(Duration, Option<Duration>)> = Vec::new();
    for run in 0..PAIRS {
        let event = fresh_event(&tmp.path().join(format!("ev{run}")));
        ours.push(full_import(&event, &path).2);
        if let Some(t) = sqlite_import(&path, tmp.path(), run) {
            theirs.push(t);
        }
    }
    let pairs: Vec<(Duration, Duration)> = ours
        .iter()
        .zip(&theirs)
        .map(|(o, t)| (o.total(), t.0))
        .collect();
    ours.sort_by_key(Phases::total);
    let full = ours[ours.len() / 2];
    println!(
        "whole import, fresh event DB       {}  (median of {PAIRS}: {}; fastest {})",
        ms(full.total()),
        phases(&full),
        ms(ours[0].total()).trim()
    );
    let event = EventDir::open(&tmp.path().join("ev0")).expect("open");
    let (added, updated, ph) = full_import(&event, &path);
    println!(
        "whole re-import, 100k stored       {}  ({added} added, {updated} updated; {})",
        ms(ph.total()),
        phases(&ph)
    );

    if theirs.len() == PAIRS {
        let mut sorted = theirs.clone();
        sorted.sort_by_key(|t| t.0);
        let (t, cpu) = sorted[PAIRS / 2];
        println!(
            "sqlite3 .import of the same file   {}  (median of {PAIRS}, fastest {}; into the table .import creates from the header: same 8 columns, no index)",
            ms(t),
            ms(sorted[0].0).trim()
        );
        print_ratio("ratio whole import / sqlite3", &pairs);
        let ours_cpu = [full.cpu_read, full.cpu_plan, full.cpu_write]
            .into_iter()
            .sum::<Option<Duration>>();
        if let (Some(ours_cpu), Some(cpu)) = (ours_cpu, cpu) {
            println!(
                "CPU time: import read+plan+write {}, sqlite3 {} (a busy machine inflates wall times, not these)",
                ms(ours_cpu),
                ms(cpu)
            );
        }
        command_line_pairs(&path, tmp.path());
    } else {
        println!("sqlite3 .import                    skipped (sqlite3 not installed)");
    }
    println!(
        "peak RSS of this bench process: {} (the generated file and every run above; the import's own peak is the command's)",
        peak_rss().unwrap_or_else(|| "n/a".into())
    );
}

/// The two command-line tools side by side, as an organiser runs them: `badgedesk import FILE`
/// into a fresh event (a new process: its heap starts cold, unlike this one's) against
/// `sqlite3`'s `.import`, alternating.
fn command_line_pairs(csv: &Path, dir: &Path) {
    let exe = env!("CARGO_BIN_EXE_badgedesk");
    let (mut ours, mut theirs, mut pairs) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..PAIRS {
        let event = dir.join(format!("cli-ev{run}"));
        let init = std::process::Command::new(exe)
            .args(["--lang", "en", "init"])
            .arg(&event)
            .output()
            .expect("badgedesk init");
        assert!(init.status.success(), "badgedesk init failed");
        procstat::settle_disk();
        let start = Instant::now();
        let out = std::process::Command::new(exe)
            .args(["--lang", "en", "--event"])
            .arg(&event)
            .arg("import")
            .arg(csv)
            .output()
            .expect("badgedesk import");
        let t = start.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let Some((s, _)) = sqlite_import(csv, dir, PAIRS + run) else {
            return;
        };
        ours.push(t);
        theirs.push(s);
        pairs.push((t, s));
    }
    ours.sort();
    theirs.sort();
    println!(
        "`badgedesk import` command          {}  (median of {PAIRS}, fastest {}; a new process each time)",
        ms(ours[PAIRS / 2]),
        ms(ours[0]).trim()
    );
    println!(
        "sqlite3 .import, alongside          {}  (median of {PAIRS})",
        ms(theirs[PAIRS / 2])
    );
    print_ratio("ratio command / sqlite3", &pairs);
    if let Some(kb) = command_peak_kb(exe, csv, &dir.join("cli-peak")) {
        println!(
            "peak RSS of a `badgedesk import`     {:>5.0} MB  (one more run, not timed; its VmHWM read every 2 ms)  [target < 200 MB]",
            kb as f64 / 1024.0
        );
    }
}

/// The peak resident memory of one `badgedesk import FILE` into a fresh event: the child's
/// high-water mark (`VmHWM`, Linux), read until it exits.
fn command_peak_kb(exe: &str, csv: &Path, event: &Path) -> Option<u64> {
    let init = std::process::Command::new(exe)
        .args(["--lang", "en", "init"])
        .arg(event)
        .output()
        .ok()?;
    assert!(init.status.success(), "badgedesk init failed");
    let mut child = std::process::Command::new(exe)
        .args(["--lang", "en", "--event"])
        .arg(event)
        .arg("import")
        .arg(csv)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("badgedesk import");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = None;
    while child
        .try_wait()
        .expect("wait for badgedesk import")
        .is_none()
    {
        if let Some(kb) = procstat::status_kb_in(&status, "VmHWM") {
            peak = peak.max(Some(kb));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    peak
}

/// The median and range of ours / theirs over side-by-side (ours, theirs) runs.
fn print_ratio(label: &str, pairs: &[(Duration, Duration)]) {
    let mut ratios: Vec<f64> = pairs
        .iter()
        .map(|(o, t)| o.as_secs_f64() / t.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let (Some(low), Some(high)) = (ratios.first(), ratios.last()) else {
        return;
    };
    println!(
        "{label:<35}{:>8.2}x  (median of the {} side-by-side pairs; range {low:.2}-{high:.2})",
        ratios[ratios.len() / 2],
        ratios.len()
    );
}

/// `sqlite3 DB ".import --csv FILE t"` into a fresh database: wall and CPU time; `None`
/// without sqlite3.
fn sqlite_import(csv: &Path, dir: &Path, run: usize) -> Option<(Duration, Option<Duration>)> {
    let db = dir.join(format!("sqlite-{run}.db"));
    let script = format!(
        ".mode csv\n.separator ;\n.import '{}' attendees\n",
        csv.display()
    );
    procstat::settle_disk();
    let start = Instant::now();
    let cpu = children_cpu_time();
    let mut child = std::process::Command::new("sqlite3")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .ok()?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take()?;
        stdin.write_all(script.as_bytes()).ok()?;
    }
    let status = child.wait().ok()?;
    if !status.success() {
        return None;
    }
    let wall = start.elapsed();
    Some((wall, cpu.zip(children_cpu_time()).map(|(a, b)| b - a)))
}
