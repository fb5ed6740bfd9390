//! Events: everything the loop waits for arrives on one channel — keys and mouse from the
//! input thread (key *presses* only: Windows also reports releases), termination signals, and
//! the answers of background jobs.

use std::sync::mpsc::Sender;
use std::thread;
use std::time::Instant;

use ratatui::crossterm::event::{self as ct, KeyEvent, KeyEventKind, MouseEvent};

use super::action::Action;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent, Instant),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Paste(String),
    /// SIGTERM or SIGHUP.
    Terminate,
    /// A background job's answer, already an action.
    App(Action),
}

/// Reads the terminal on its own thread until the channel closes.
pub fn spawn_input(tx: Sender<Event>) {
    let _ = thread::Builder::new()
        .name("desk-input".into())
        .spawn(move || {
            loop {
                let ev = match ct::read() {
                    Ok(ct::Event::Key(k)) if k.kind == KeyEventKind::Press => {
                        Event::Key(k, Instant::now())
                    }
                    Ok(ct::Event::Mouse(m)) => Event::Mouse(m),
                    Ok(ct::Event::Resize(w, h)) => Event::Resize(w, h),
                    Ok(ct::Event::Paste(s)) => Event::Paste(s),
                    Ok(_) => continue,
                    // The terminal is gone: ask the loop to finish cleanly.
                    Err(_) => Event::Terminate,
                };
                let stop = matches!(ev, Event::Terminate);
                if tx.send(ev).is_err() || stop {
                    break;
                }
            }
        });
}

/// SIGTERM and SIGHUP become a `Terminate` event, so the loop ends and the guard restores the
/// terminal (a signal handler itself must not touch it).
#[cfg(unix)]
pub fn spawn_signals(tx: Sender<Event>) {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    use signal_hook::iterator::Signals;
    let Ok(mut signals) = Signals::new([SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = thread::Builder::new()
        .name("desk-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                let _ = tx.send(Event::Terminate);
            }
        });
}

/// On Windows, Ctrl-C arrives as a key and closing the console ends the process; nothing to do.
#[cfg(not(unix))]
pub fn spawn_signals(_tx: Sender<Event>) {}
