//! The effect executor: one worker thread that owns the event's `Store` (a connection is not
//! `Sync`), loads the roster and builds the search index at start with progress, then performs
//! effects in order and reports each result back as an action. The UI thread never waits on
//! the database.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

use crate::clock::Clock;
use crate::event::EventDir;
use crate::i18n::Lang;
use crate::search::SearchIndex;
use crate::store::{CheckInAction, CheckInOutcome, Store};

use super::action::{Action, TickOutcome, Undone};
use super::app::{ActivityItem, HistoryLine, Loaded};
use super::effect::Effect;
use super::event::Event;
use super::hub_link::HubWaker;
use super::import::ImportMsg;

/// The running worker: send effects with `send`, then `finish` to wait for the last ones.
pub struct Worker {
    tx: Option<Sender<Effect>>,
    handle: Option<JoinHandle<()>>,
    /// For import jobs, which run on their own threads.
    event: EventDir,
    actor: String,
    lang: Lang,
    events: Sender<Event>,
    /// Issuing, printing, revoking and the claimed-state poll (`issue_job.rs`).
    issue: super::issue_job::IssueWorker,
    /// Syncs with the hub after each commit (an event with several desks).
    hub: HubWaker,
}

impl Worker {
    pub fn spawn(
        event: EventDir,
        actor: String,
        lang: Lang,
        key: super::KeySource,
        clock: Box<dyn Clock>,
        events: Sender<Event>,
        hub: HubWaker,
    ) -> Worker {
        let (tx, rx) = mpsc::channel();
        let (ev, who, out, wake) = (event.clone(), actor.clone(), events.clone(), hub.clone());
        let handle = thread::Builder::new()
            .name("desk-store".into())
            .spawn(move || run(&ev, &who, lang, clock.as_ref(), &rx, &out, &wake))
            .ok();
        let issue = super::issue_job::IssueWorker::spawn_linked(
            event.clone(),
            actor.clone(),
            lang,
            key,
            events.clone(),
            hub.clone(),
        );
        Worker {
            issue,
            hub,
            tx: Some(tx),
            handle,
            event,
            actor,
            lang,
            events,
        }
    }

    pub fn send(&self, effect: Effect) {
        if let Effect::Issue(request) = effect {
            self.issue.send(request);
            return;
        }
        if let Effect::Import(request) = effect {
            // A large file must not hold up ticks: imports get their own thread.
            super::import_job::spawn(
                self.event.clone(),
                request,
                self.actor.clone(),
                &crate::clock::SystemClock,
                self.lang,
                self.events.clone(),
                self.hub.clone(),
            );
            return;
        }
        if let Some(tx) = &self.tx {
            let _ = tx.send(effect);
        }
    }

    /// Waits until every effect already sent is done (no tick is lost on quit).
    pub fn finish(mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.issue.finish();
    }
}

fn send(events: &Sender<Event>, action: Action) {
    let _ = events.send(Event::App(action));
}

fn run(
    event: &EventDir,
    actor: &str,
    lang: Lang,
    clock: &dyn Clock,
    rx: &Receiver<Effect>,
    events: &Sender<Event>,
    hub: &HubWaker,
) {
    let mut store = match load(event, lang, events) {
        Ok((store, loaded)) => {
            send(events, Action::Loaded(Box::new(loaded)));
            store
        }
        Err(msg) => {
            send(events, Action::LoadFailed(msg));
            return;
        }
    };
    while let Ok(mut effect) = rx.recv() {
        // Only the newest history request matters while the user moves through the list.
        if let Effect::LoadHistory(_) = effect
            && let Ok(next) = rx.try_recv()
        {
            effect = next;
        }
        let commits = matches!(
            effect,
            Effect::CheckIn { .. } | Effect::Undo { .. } | Effect::AddWalkIn { .. }
        );
        perform(&mut store, effect, actor, lang, clock, events);
        // What was just committed reaches the other desks without waiting for the next round.
        if commits {
            hub.wake();
        }
    }
}

/// Rows in the first page sent ahead of the whole roster (a tall terminal's list).
const FIRST_PAGE: usize = 100;

/// Opens the store, sends the first page of the roster for the first frame, then reads
/// everything and builds the index, reporting progress. Errors come in the interface language.
pub fn load(
    event: &EventDir,
    lang: Lang,
    events: &Sender<Event>,
) -> Result<(Store, Loaded), String> {
    let store = event.store().map_err(|e| e.message(lang))?;
    let failed = |e: crate::store::StoreError| e.message(lang);
    let activities: Vec<ActivityItem> = store
        .activities()
        .map_err(failed)?
        .into_iter()
        .map(|a| ActivityItem {
            key: a.key,
            name: a.name,
        })
        .collect();
    let presence: Vec<_> = store
        .presence()
        .map_err(failed)?
        .into_iter()
        .map(|p| (p.attendee_id, p.activity_key, p.since))
        .collect();
    let total = usize::try_from(store.attendee_count().map_err(failed)?).unwrap_or(0);
    // The first frame shows the top of the list while the rest is read and indexed.
    let page = store.attendee_page(FIRST_PAGE).map_err(failed)?;
    let page_index = SearchIndex::build(&page, &mut |_, _| {});
    send(
        events,
        Action::FirstPage(Box::new(Loaded {
            activities: activities.clone(),
            attendees: page,
            presence,
            index: page_index,
            total,
            presence_sent: false,
        })),
    );
    send(events, Action::LoadProgress { done: 0, total });
    let attendees = store.attendee_summaries().map_err(failed)?;
    let index = SearchIndex::build(&attendees, &mut |done, total| {
        send(events, Action::LoadProgress { done, total });
    });
    Ok((
        store,
        Loaded {
            activities,
            attendees,
            presence: Vec::new(),
            index,
            total,
            presence_sent: true,
        },
    ))
}

fn outcome(o: CheckInOutcome) -> TickOutcome {
    match o {
        CheckInOutcome::Ticked { at } => TickOutcome::Ticked { at },
        CheckInOutcome::AlreadyCheckedIn { since } => TickOutcome::AlreadyCheckedIn { since },
    }
}

/// Performs one effect against the store and reports the result (errors in `lang`).
pub fn perform(
    store: &mut Store,
    effect: Effect,
    actor: &str,
    lang: Lang,
    clock: &dyn Clock,
    events: &Sender<Event>,
) {
    let action = match effect {
        Effect::CheckIn {
            attendee_id,
            activity_key,
            scanned,
        } => match store.check_in(attendee_id, &activity_key, actor, clock.now()) {
            Ok(o) => Action::TickSaved {
                attendee_id,
                activity_key,
                outcome: outcome(o),
                scanned,
            },
            Err(e) => Action::TickFailed {
                attendee_id,
                activity_key,
                error: e.message(lang),
            },
        },
        Effect::Undo { activity_key } => {
            match store.undo_last(activity_key.as_deref(), actor, clock.now()) {
                Ok(u) => Action::Undone(u.map(|u| Undone {
                    attendee_id: u.attendee_id,
                    activity_key: u.activity_key,
                })),
                Err(e) => Action::UndoFailed(e.message(lang)),
            }
        }
        Effect::LoadHistory(id) => {
            // Same order as the history; empty (no desk shown) when it cannot be read.
            let mut desks = store.checkin_desks(id).unwrap_or_default().into_iter();
            Action::HistoryLoaded {
                attendee_id: id,
                record: store.attendee(id).ok().flatten().map(Box::new),
                lines: store
                    .history(id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| HistoryLine {
                        at: e.at,
                        activity_key: e.activity_key,
                        undo: e.action == CheckInAction::Undo,
                        actor: e.actor,
                        desk: desks.next().flatten(),
                    })
                    .collect(),
            }
        }
        Effect::Resync { attendees, people } => match resync(store, attendees, people) {
            Ok(action) => action,
            // The next facts to arrive ask again; the desk keeps what it shows.
            Err(_) => return,
        },
        Effect::AddWalkIn {
            walk_in,
            activity_key,
        } => match store.add_walk_in(&walk_in, actor, clock.now()) {
            Ok(attendee) => {
                let tick = match activity_key {
                    Some(key) => match store.check_in(attendee.id, &key, actor, clock.now()) {
                        Ok(o) => Some((key, outcome(o))),
                        Err(e) => {
                            send(
                                events,
                                Action::TickFailed {
                                    attendee_id: attendee.id,
                                    activity_key: key,
                                    error: e.message(lang),
                                },
                            );
                            None
                        }
                    },
                    None => None,
                };
                Action::WalkInSaved {
                    attendee: Box::new(attendee),
                    tick,
                }
            }
            Err(e) => Action::WalkInFailed(e.message(lang)),
        },
        Effect::ListCsv(dir) => Action::Import(ImportMsg::Files(list_csv(&dir))),
        // `Worker::send` starts import jobs and hands issue work over; nothing reaches here.
        Effect::Import(_) | Effect::Issue(_) => return,
    };
    send(events, action);
}

/// Presence as the store holds it now, with the roster when people were added or edited
/// elsewhere.
fn resync(store: &Store, known: usize, people: bool) -> Result<Action, crate::store::StoreError> {
    let presence = store
        .presence()?
        .into_iter()
        .map(|p| (p.attendee_id, p.activity_key, p.since))
        .collect();
    let total = usize::try_from(store.attendee_count()?).unwrap_or(0);
    let roster = if total == known && !people {
        None
    } else {
        let attendees = store.attendee_summaries()?;
        let index = SearchIndex::build(&attendees, &mut |_, _| {});
        Some(Box::new((attendees, index)))
    };
    Ok(Action::Resynced { presence, roster })
}

/// The `.csv` files directly in `dir`, sorted.
pub fn list_csv(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.to_ascii_lowercase().ends_with(".csv"))
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    /// A tick the store refuses comes back with its reason in the desk's language.
    #[test]
    fn a_refused_tick_says_why_in_the_desk_language() {
        let mut store = Store::open_in_memory().unwrap();
        let clock = FixedClock(time::OffsetDateTime::UNIX_EPOCH);
        let (tx, rx) = mpsc::channel();
        for (lang, expected) in [
            (Lang::Fr, "aucune activité « atelier » dans cet évènement"),
            (Lang::En, "no activity 'atelier' in this event"),
        ] {
            let tick = Effect::CheckIn {
                attendee_id: 1,
                activity_key: "atelier".into(),
                scanned: false,
            };
            perform(&mut store, tick, "desk", lang, &clock, &tx);
            match rx.try_recv() {
                Ok(Event::App(Action::TickFailed { error, .. })) => {
                    assert!(error.starts_with(expected), "{error}")
                }
                _ => panic!("expected a refused tick"),
            }
        }
    }

    /// A database the desk cannot read is explained in the desk's language.
    #[test]
    fn a_first_load_failure_says_why_in_the_desk_language() {
        let dir = tempfile::tempdir().unwrap();
        let start = time::macros::datetime!(2026-05-16 09:00 UTC);
        let event = crate::demo::create(&dir.path().join("event"), 7, 3, start).unwrap();
        let conn = rusqlite::Connection::open(event.root().join(crate::event::DB_FILE)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let (tx, _rx) = mpsc::channel();
        for (lang, expected) in [
            (Lang::Fr, "a été écrite par un badgedesk plus récent"),
            (Lang::En, "was written by a newer badgedesk"),
        ] {
            match load(&event, lang, &tx) {
                Err(msg) => assert!(msg.contains(expected), "{msg}"),
                Ok(_) => panic!("a too new database loaded"),
            }
        }
    }
}
