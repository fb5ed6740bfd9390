//! Desk performance on a 100,000-attendee event (run: `cargo bench --bench desk`):
//! - start-up: open the event, read the roster and presence, build the search index, draw the
//!   first full frame (what the worker and the loop do at start);
//! - keystroke → search → rendered frame (TestBackend 120×40), p50/p99 over a few thousand
//!   keystrokes typing real names;
//! - resident memory after that (Linux: VmRSS / VmHWM).
//!
//! Prints numbers; asserts nothing (timings are not tests).

mod procstat;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use badgedesk::event::EventDir;
use badgedesk::i18n::Lang;
use badgedesk::tui::action::{Action, Command};
use badgedesk::tui::app::App;
use badgedesk::tui::event::Event;
use badgedesk::tui::jobs;
use badgedesk::tui::theme::Theme;
use badgedesk::tui::update::update;
use badgedesk::tui::view::DeskView;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::UtcOffset;

fn main() {
    let n: usize = std::env::var("DESK_BENCH_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("event");
    let t = Instant::now();
    // Created by the real binary in another process, so this process's memory is the desk's.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_badgedesk"))
        .args(["--lang", "en", "demo", "--no-tui", "--seed", "7", "--size"])
        .arg(n.to_string())
        .arg(&root)
        .output()
        .expect("run badgedesk demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "setup: created a {n}-attendee event in {:.1} s (not timed below)",
        t.elapsed().as_secs_f64()
    );

    // Start-up as the desk does it: the worker thread opens the event and sends the first page
    // of the roster, then the whole roster with its index; the UI thread draws as they come.
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let loader = std::thread::spawn({
        let root = root.clone();
        move || {
            let event = EventDir::open(&root).expect("open event");
            let (store, loaded) = jobs::load(&event, badgedesk::i18n::Lang::En, &tx).expect("load");
            let _ = tx.send(Event::App(Action::Loaded(Box::new(loaded))));
            store
        }
    });
    let mut app = App::new(
        Lang::Fr,
        Theme { color: true },
        UtcOffset::UTC,
        "bench".into(),
    );
    app.size = (120, 40);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let (mut first_frame, mut first_rows) = (None, 0);
    let mut frames = 0;
    // Like the desk's loop: apply whatever is waiting, then draw one frame.
    let apply = |app: &mut App, ev: Event| match ev {
        Event::App(action) => {
            let done = matches!(action, Action::Loaded(_));
            update(app, action);
            done
        }
        _ => false,
    };
    while let Ok(ev) = rx.recv() {
        let mut done = apply(&mut app, ev);
        while let Ok(ev) = rx.try_recv() {
            done |= apply(&mut app, ev);
        }
        term.draw(|f| f.render_widget(DeskView(&app), f.area()))
            .expect("draw");
        frames += 1;
        if first_frame.is_none() && !app.results.hits.is_empty() {
            first_frame = Some(start.elapsed());
            first_rows = app.results.hits.len();
        }
        if done {
            break;
        }
    }
    let ready = start.elapsed();
    let _store = loader.join().expect("loader");
    let first_frame = first_frame.unwrap_or(ready);
    println!(
        "start-up to first full frame (desk with the first {first_rows} roster rows): {:.0} ms  [target ≤ 300 ms]",
        ms(first_frame)
    );
    println!(
        "start-up until search is ready (whole roster read and indexed, {frames} frames drawn meanwhile): {:.0} ms",
        ms(ready)
    );

    // Where the time of a first keystroke goes (a full scan: nothing cached yet).
    for q in ["m", "z", "1"] {
        let ix = &app.roster.index;
        let t = Instant::now();
        let r = ix.search(q, &|_| true, 1000);
        let search = t.elapsed();
        let t = Instant::now();
        update(
            &mut app,
            Action::Type(q.chars().next().unwrap_or('m'), Instant::now()),
        );
        let upd = t.elapsed();
        let t = Instant::now();
        term.draw(|f| f.render_widget(DeskView(&app), f.area()))
            .expect("draw");
        println!(
            "  first keystroke '{q}': {} hits; search alone {:.2} ms, update {:.2} ms, draw {:.2} ms",
            r.total,
            ms(search),
            ms(upd),
            ms(t.elapsed())
        );
        update(
            &mut app,
            Action::Command(Command::ClearSearch, Instant::now()),
        );
    }

    // Keystroke → search → frame.
    let people: Vec<String> = app
        .roster
        .attendees
        .iter()
        .step_by((n / 250).max(1))
        .map(|a| format!("{} {}", a.family_name, a.given_name))
        .collect();
    let mut times: Vec<Duration> = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    let mut by_position: Vec<Vec<Duration>> = vec![Vec::new(); 4];
    let mut now = Instant::now();
    for name in &people {
        for (k, c) in name.chars().enumerate() {
            now += Duration::from_millis(150);
            let t = Instant::now();
            update(&mut app, Action::Type(c, now));
            term.draw(|f| f.render_widget(DeskView(&app), f.area()))
                .expect("draw");
            times.push(t.elapsed());
            slowest.push((t.elapsed(), name.chars().take(k + 1).collect()));
            if let Some(v) = by_position.get_mut(k.min(3)) {
                v.push(t.elapsed());
            }
        }
        let t = Instant::now();
        update(&mut app, Action::Command(Command::ClearSearch, now));
        term.draw(|f| f.render_widget(DeskView(&app), f.area()))
            .expect("draw");
        times.push(t.elapsed());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "keystroke → search → frame over {} keystrokes ({} names): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms  [target p99 ≤ 10 ms]",
        times.len(),
        people.len(),
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(pct(1.0))
    );
    for (k, mut v) in by_position.into_iter().enumerate() {
        v.sort();
        let p = |q: f64| ms(v[((v.len() - 1) as f64 * q) as usize]);
        let which = ["1st", "2nd", "3rd", "4th and later"][k];
        println!(
            "  {which} character: p50 {:.2} ms, p99 {:.2} ms",
            p(0.5),
            p(0.99)
        );
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let worst: Vec<String> = slowest
        .iter()
        .take(8)
        .map(|(d, q)| format!("{q:?} {:.1} ms", ms(*d)))
        .collect();
    println!("  slowest: {}", worst.join(", "));
    match memory() {
        Some((rss, hwm)) => println!(
            "resident memory: {:.0} MB now, {:.0} MB peak  [target ≤ 150 MB]",
            rss as f64 / 1024.0,
            hwm as f64 / 1024.0
        ),
        None => println!("resident memory: not measured on this OS"),
    }
    // The parts of start-up, measured alone (after the memory reading: this loads a second copy).
    {
        let event = EventDir::open(&root).expect("open event");
        let t = Instant::now();
        let store = event.store().expect("store");
        let open = t.elapsed();
        let t = Instant::now();
        let page = store.attendee_page(100).expect("first page").len();
        let first_page = t.elapsed();
        let t = Instant::now();
        let people = store.attendees().expect("attendees");
        let read = t.elapsed();
        let t = Instant::now();
        let _ = store.presence().expect("presence");
        let presence = t.elapsed();
        let t = Instant::now();
        let index = badgedesk::search::SearchIndex::build(&people, &mut |_, _| {});
        println!(
            "  parts: open {:.0} ms, first page of {page} {:.0} ms, read {} attendees {:.0} ms, presence {:.0} ms, build the index {:.0} ms",
            ms(open),
            ms(first_page),
            index.len(),
            ms(read),
            ms(presence),
            ms(t.elapsed())
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (VmRSS, VmHWM) in kB, from /proc on Linux.
fn memory() -> Option<(u64, u64)> {
    Some((procstat::status_kb("VmRSS")?, procstat::status_kb("VmHWM")?))
}
