//! The desk's link to the hub of an event with several desks: its state as the status bar shows
//! it, what the link reports (`HubMsg`), and the thread that runs it. The thread reads
//! `hub.toml` (a single-desk event has none: the thread ends and nothing else changes), starts
//! the background `Syncer`, passes on "sync now" requests from the threads that commit, and
//! sends the link's state every second, which also keeps "2 s ago" true on screen.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use time::OffsetDateTime;

use crate::hub::{HubConfig, HubState, SyncReport, Syncer};
use crate::i18n::Lang;

use super::action::Action;
use super::event::Event;

/// How often the syncer syncs on its own (a woken syncer syncs at once).
pub const SYNC_EVERY: Duration = Duration::from_millis(250);
/// How often the state reaches the screen.
pub const STATE_EVERY: Duration = Duration::from_secs(1);

/// The hub as the desk knows it (only when the event has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubLink {
    pub state: HubState,
    /// When `state` was read: "2 s ago" counts from `state.last_ok` to this.
    pub now: OffsetDateTime,
    /// A re-read of presence is under way (`Effect::Resync`); `again`: more facts came meanwhile.
    pub resyncing: bool,
    pub again: bool,
    /// People were added or edited at other desks since the roster was last read.
    pub people: bool,
    /// A sync has worked since the desk opened.
    pub synced: bool,
}

impl HubLink {
    pub fn new(state: HubState, now: OffsetDateTime) -> HubLink {
        HubLink {
            state,
            now,
            resyncing: false,
            again: false,
            people: false,
            synced: false,
        }
    }
}

/// What the link reports.
#[derive(Debug, Clone)]
pub enum HubMsg {
    /// The link's state, every `STATE_EVERY` (the first one says the event has a hub).
    State {
        state: HubState,
        now: OffsetDateTime,
    },
    /// A sync worked; `report.received` says what arrived from other desks.
    Synced {
        at: OffsetDateTime,
        report: Box<SyncReport>,
    },
    /// `hub.toml` could not be read: the desk works alone.
    Unusable(String),
}

/// Asks the link to sync now, after a commit. Does nothing for a single-desk event.
#[derive(Debug, Clone, Default)]
pub struct HubWaker(Option<Sender<()>>);

impl HubWaker {
    /// A waker that wakes nothing (no hub, tests).
    pub fn none() -> HubWaker {
        HubWaker(None)
    }

    pub fn wake(&self) {
        if let Some(tx) = &self.0 {
            let _ = tx.send(());
        }
    }
}

fn say(events: &Sender<Event>, msg: HubMsg) -> bool {
    events.send(Event::App(Action::Hub(msg))).is_ok()
}

/// Starts the link's thread for the event at `root`. It ends when every waker is dropped or
/// the desk stops listening; the process does not wait for it (a sync cut short is harmless:
/// sending is idempotent and each half commits on its own).
pub fn spawn(root: PathBuf, db_path: PathBuf, lang: Lang, events: Sender<Event>) -> HubWaker {
    let (tx, woken) = mpsc::channel::<()>();
    let spawned = thread::Builder::new()
        .name("desk-hub".into())
        .spawn(move || {
            let config = match HubConfig::load(&root) {
                Ok(Some(config)) => config,
                Ok(None) => return,
                Err(e) => {
                    say(&events, HubMsg::Unusable(e.message(lang)));
                    return;
                }
            };
            let out = events.clone();
            let on_sync = Box::new(move |report: &SyncReport| {
                let _ = out.send(Event::App(Action::Hub(HubMsg::Synced {
                    at: OffsetDateTime::now_utc(),
                    report: Box::new(report.clone()),
                })));
            });
            let syncer = Syncer::start(db_path, config, SYNC_EVERY, on_sync);
            loop {
                let state = HubMsg::State {
                    state: syncer.state(),
                    now: OffsetDateTime::now_utc(),
                };
                if !say(&events, state) {
                    break;
                }
                match woken.recv_timeout(STATE_EVERY) {
                    Ok(()) => {
                        while woken.try_recv().is_ok() {}
                        syncer.wake();
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            // Dropping the syncer waits for its current sync, on this thread, not the desk's.
            drop(syncer);
        });
    match spawned {
        Ok(_) => HubWaker(Some(tx)),
        Err(_) => HubWaker::none(),
    }
}
