//! The issue worker: a thread with its own store connection and the issuer key that issues at
//! the desk, computes the closing-time preview, revokes and prints, and every `POLL` checks
//! whether another process (the claim server, the CLI) changed the database, so the detail pane
//! shows "claimed" within a second. Bulk issuance and bulk printing get threads of their own,
//! so the desk's badges keep refreshing meanwhile. The UI thread never waits on any of it.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::clock::{Clock, SystemClock};
use crate::credential::IssuerKey;
use crate::credential::builder::OsRandomness;
use crate::credential::keys::{self, KeyError};
use crate::event::EventDir;
use crate::i18n::{Catalog, Lang};
use crate::issue::desk::Choice;
use crate::issue::engine::{IssueError, IssueReport, Issuer};
use crate::issue::plan::{self, Blocked, Selection};
use crate::issue::{files, revoke};
use crate::store::{IssuedCredential, Store};

use super::KeySource;
use super::action::Action;
use super::event::Event;
use super::hub_link::HubWaker;
use super::issue_print;
use super::issuing::{BadgeLine, IssueMsg, IssueRequest, PlanRow, ReadyItem, Summary};

/// How often the database is checked for changes made by other processes.
pub const POLL: Duration = Duration::from_millis(400);
/// When the worker prepares the issuer on its own, after start-up (see `Job::run`).
const WARM_UP_AFTER: Duration = Duration::from_secs(2);

/// The running worker: `send` requests, `finish` on quit.
pub struct IssueWorker {
    tx: Option<Sender<IssueRequest>>,
    handle: Option<JoinHandle<()>>,
    cancel: Arc<AtomicBool>,
}

impl IssueWorker {
    /// `key`: the issuer key unlocked already, or how to load it when first needed.
    pub fn spawn(
        event: EventDir,
        actor: String,
        lang: Lang,
        key: KeySource,
        events: Sender<Event>,
    ) -> IssueWorker {
        Self::spawn_linked(event, actor, lang, key, events, HubWaker::none())
    }

    /// The same, waking the hub link after each commit (an event with several desks).
    pub fn spawn_linked(
        event: EventDir,
        actor: String,
        lang: Lang,
        key: KeySource,
        events: Sender<Event>,
        hub: HubWaker,
    ) -> IssueWorker {
        let (key, passphrase) = match key {
            KeySource::Unlocked(key) => (Some(key), None),
            KeySource::Load { passphrase } => (None, passphrase),
        };
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = cancel.clone();
        let handle = thread::Builder::new()
            .name("desk-issue".into())
            .spawn(move || {
                // The catalogue is not `Send`: it is made on the thread that uses it.
                let mut job = Job {
                    event,
                    actor,
                    cat: Catalog::new(lang),
                    passphrase,
                    events,
                    cancel: flag,
                    store: None,
                    key,
                    issuer: None,
                    watched: None,
                    sent: None,
                    version: None,
                    bulk_thread: None,
                    threads: Vec::new(),
                    hub,
                    has_hub: None,
                };
                job.run(&rx)
            })
            .ok();
        IssueWorker {
            tx: Some(tx),
            handle,
            cancel,
        }
    }

    pub fn send(&self, request: IssueRequest) {
        // Cancel must not queue behind other work: the flag is read between chunks.
        if request == IssueRequest::Cancel {
            self.cancel.store(true, Ordering::Relaxed);
            return;
        }
        if let Some(tx) = &self.tx {
            let _ = tx.send(request);
        }
    }

    /// Stops a bulk run between chunks (what it committed stays) and waits for the threads.
    pub fn finish(mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

pub(super) fn say(events: &Sender<Event>, msg: IssueMsg) {
    let _ = events.send(Event::App(Action::Issue(msg)));
}

struct Job {
    event: EventDir,
    actor: String,
    cat: Catalog,
    passphrase: Option<String>,
    events: Sender<Event>,
    cancel: Arc<AtomicBool>,
    /// Opened on first use (the store worker migrates the database at start).
    store: Option<Store>,
    key: Option<IssuerKey>,
    /// Prepared once (badge images, achievements, issuer binding); re-timed per key press.
    issuer: Option<Issuer>,
    watched: Option<i64>,
    sent: Option<Vec<BadgeLine>>,
    version: Option<i64>,
    bulk_thread: Option<JoinHandle<()>>,
    /// Print threads.
    threads: Vec<JoinHandle<()>>,
    hub: HubWaker,
    /// Whether the event has a hub (read from `hub.toml` when first needed).
    has_hub: Option<bool>,
}

/// What a desk issue did: the cards of the badges held now, and those requested from the
/// issuing desk (a desk without the key, at an event with a hub).
struct DeskOutcome {
    items: Vec<ReadyItem>,
    waiting: Vec<String>,
}

impl Job {
    fn run(&mut self, rx: &Receiver<IssueRequest>) {
        self.spawn_repair();
        let started = Instant::now();
        let mut last_poll = started;
        let mut warmed = false;
        loop {
            match rx.recv_timeout(POLL) {
                Ok(request) => self.perform(request),
                Err(RecvTimeoutError::Timeout) => {
                    // Unlock the key (a protected one takes about a second) and read the badge
                    // images while the desk is idle, once it is up: the first badge issued at
                    // the desk is then as quick as the next ones. Errors show when issuing.
                    if !warmed && started.elapsed() >= WARM_UP_AFTER {
                        warmed = true;
                        if self.desk_issuer().is_ok() {
                            self.repair_status_list();
                        }
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if last_poll.elapsed() >= POLL {
                last_poll = Instant::now();
                self.poll();
            }
        }
        for t in self.threads.drain(..).chain(self.bulk_thread.take()) {
            let _ = t.join();
        }
    }

    /// Repair `issued/` on a thread of its own as the desk opens (a run killed between its
    /// commit and its files leaves them missing), so neither the first frame nor a badge
    /// issued meanwhile waits for it.
    fn spawn_repair(&mut self) {
        let (event, events, lang) = (self.event.clone(), self.events.clone(), self.cat.lang());
        let spawned = thread::Builder::new()
            .name("desk-repair".into())
            .spawn(move || {
                let repaired = event
                    .store()
                    .map_err(|e| e.message(lang))
                    .and_then(|store| {
                        crate::issue::repair_issued(&event, &store).map_err(|e| e.message(lang))
                    });
                match repaired {
                    Ok(r) if r.rewritten > 0 => say(&events, IssueMsg::FilesRepaired(r.rewritten)),
                    Ok(_) => {}
                    Err(e) => say(&events, IssueMsg::RepairFailed(e)),
                }
            });
        if let Ok(handle) = spawned {
            self.threads.push(handle);
        }
    }

    /// Rewrite the status list when it lacks a revocation (needs the key: once it is loaded).
    fn repair_status_list(&mut self) {
        let Ok(key) = self.key() else { return };
        let event = self.event.clone();
        let result = self.store().and_then(|store| {
            revoke::repair_status_list(&event, store, &key, SystemClock.now())
                .map_err(|e| e.to_string())
        });
        match result {
            Ok(true) => say(&self.events, IssueMsg::StatusListRepaired),
            Ok(false) => {}
            Err(e) => say(&self.events, IssueMsg::RepairFailed(e)),
        }
    }

    fn store(&mut self) -> Result<&mut Store, String> {
        if self.store.is_none() {
            let lang = self.cat.lang();
            self.store = Some(self.event.store().map_err(|e| e.message(lang))?);
        }
        self.store.as_mut().ok_or_else(String::new)
    }

    fn key(&mut self) -> Result<IssuerKey, String> {
        if let Some(k) = &self.key {
            return Ok(k.clone());
        }
        let key = load_key(&self.event, self.passphrase.as_deref(), &self.cat)?;
        self.key = Some(key.clone());
        Ok(key)
    }

    fn has_hub(&mut self) -> bool {
        if self.has_hub.is_none() {
            let found = crate::hub::HubConfig::load(self.event.root());
            self.has_hub = Some(matches!(found, Ok(Some(_))));
        }
        self.has_hub == Some(true)
    }

    /// A desk that joined a hub has no signing key: it asks the issuing desk instead.
    fn requests_instead(&mut self) -> bool {
        self.key.is_none() && !keys::key_path(self.event.root()).exists() && self.has_hub()
    }

    /// The prepared issuer, re-timed to now (preparing reads the badge images: once per desk).
    /// At an event with a hub it reserves each award there first.
    fn desk_issuer(&mut self) -> Result<Issuer, String> {
        let prepared = match self.issuer.take() {
            Some(issuer) => issuer,
            None => {
                let key = self.key()?;
                let lang = self.cat.lang();
                let issuer =
                    Issuer::new(&self.event, key, SystemClock.now()).map_err(|e| e.to_string())?;
                let root = self.event.root().to_path_buf();
                let store = self.store()?;
                crate::hub::issuer_for_desk(issuer, &root, store, lang)
                    .map_err(|e| e.message(lang))?
            }
        };
        let timed = prepared.at(SystemClock.now()).map_err(|e| e.to_string());
        self.issuer = Some(prepared);
        timed
    }

    fn perform(&mut self, request: IssueRequest) {
        match request {
            IssueRequest::Watch(id) => {
                self.watched = id;
                self.sent = None;
                self.refresh();
            }
            IssueRequest::Desk {
                attendee_id,
                achievements,
                started,
            } => {
                let msg = match self.desk(attendee_id, &achievements) {
                    Ok(DeskOutcome { items, waiting }) if waiting.is_empty() => {
                        IssueMsg::DeskIssued {
                            attendee_id,
                            started,
                            items,
                        }
                    }
                    Ok(DeskOutcome { items, waiting }) => IssueMsg::DeskWaiting {
                        attendee_id,
                        started,
                        items,
                        waiting,
                    },
                    Err(error) => IssueMsg::DeskFailed { attendee_id, error },
                };
                say(&self.events, msg);
                self.hub.wake();
                self.refresh();
            }
            IssueRequest::Card {
                attendee_id,
                achievements,
            } => {
                if let Ok(DeskOutcome { items, waiting }) = self.card(attendee_id, &achievements) {
                    say(
                        &self.events,
                        IssueMsg::Card {
                            attendee_id,
                            items,
                            waiting,
                        },
                    );
                }
            }
            IssueRequest::ServeRequests => {
                let (count, error) = self.serve();
                if count > 0 || error.is_some() {
                    say(&self.events, IssueMsg::Served { count, error });
                    self.hub.wake();
                    self.refresh();
                }
            }
            IssueRequest::Plan => {
                let msg = self.plan().unwrap_or_else(IssueMsg::PlanFailed);
                say(&self.events, msg);
            }
            IssueRequest::Bulk { awards, blocked } => self.bulk(awards, blocked),
            IssueRequest::Cancel => self.cancel.store(true, Ordering::Relaxed),
            IssueRequest::PrintAttendee(id) => {
                let msg = match self.print_attendee(id) {
                    Ok((path, count)) => IssueMsg::Printed {
                        attendee: Some(id),
                        path,
                        count,
                    },
                    Err(error) => IssueMsg::PrintFailed {
                        attendee: Some(id),
                        error,
                    },
                };
                say(&self.events, msg);
            }
            IssueRequest::PrintCredentials(ids) => {
                let (event, lang, events) =
                    (self.event.clone(), self.cat.lang(), self.events.clone());
                if let Ok(t) = thread::Builder::new()
                    .name("desk-print".into())
                    .spawn(move || issue_print::print_many(&event, lang, &ids, &events))
                {
                    self.threads.retain(|t| !t.is_finished());
                    self.threads.push(t);
                }
            }
            IssueRequest::Revoke {
                attendee_id,
                credential_id,
                reason,
            } => {
                let msg = match self.revoke(&credential_id, &reason) {
                    Ok(changed) => IssueMsg::Revoked {
                        attendee_id,
                        credential_id,
                        changed,
                    },
                    Err(e) => IssueMsg::RevokeFailed(e),
                };
                say(&self.events, msg);
                self.hub.wake();
                self.refresh();
            }
        }
    }

    /// Checks for changes by other connections; re-reads the watched badges if any.
    fn poll(&mut self) {
        let Ok(store) = self.store() else { return };
        let Ok(version) = store.data_version() else {
            return;
        };
        if self.version != Some(version) {
            self.version = Some(version);
            self.refresh();
        }
    }

    /// Sends the watched attendee's badges if they changed since last sent.
    fn refresh(&mut self) {
        let Some(id) = self.watched else { return };
        let Ok(store) = self.store() else { return };
        let Ok(credentials) = store.credentials_of(id) else {
            return;
        };
        let lines: Vec<BadgeLine> = credentials.into_iter().map(line).collect();
        if self.sent.as_ref() != Some(&lines) {
            self.sent = Some(lines.clone());
            say(
                &self.events,
                IssueMsg::Badges {
                    attendee_id: id,
                    lines,
                },
            );
        }
    }

    /// Issues `wanted` to one attendee (those already held are shown again, not re-issued);
    /// a desk without the key records requests for the issuing desk instead.
    fn desk(&mut self, attendee_id: i64, wanted: &[String]) -> Result<DeskOutcome, String> {
        let event = self.event.clone();
        let store = self.store()?;
        let attendee = store
            .attendee(attendee_id)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| IssueError::UnknownAttendee(attendee_id).to_string())?;
        let held = live_of(store, attendee_id)?;
        let held_ids: HashSet<String> = held.iter().map(|c| c.id.clone()).collect();
        let live: HashSet<(i64, String)> = held
            .into_iter()
            .map(|c| (c.attendee_id, c.achievement_key))
            .collect();
        let plans = plan::plan(
            event.config(),
            std::slice::from_ref(&attendee),
            &[],
            &live,
            None,
            &Selection::Attendee(attendee_id),
        );
        let mut awards = Vec::new();
        for key in wanted {
            let Some(p) = plans.iter().find(|p| &p.achievement == key) else {
                return Err(IssueError::UnknownAchievement(key.clone()).to_string());
            };
            if let Some((_, why)) = p.blocked.first() {
                return Err(blocked_text(&self.cat, why));
            }
            if !p.to_issue.is_empty() {
                awards.push((attendee_id, key.clone()));
            }
        }
        let lang = self.cat.lang();
        if !awards.is_empty() && self.requests_instead() {
            let actor = self.actor.clone();
            let at = crate::clock::rfc3339(SystemClock.now());
            let store = self.store()?;
            for (id, key) in &awards {
                // Asked already: one request is enough, the issuing desk answers it once.
                if !store.is_requested(*id, key).map_err(|e| e.message(lang))? {
                    store
                        .request_issue(*id, key, &actor, &at)
                        .map_err(|e| e.message(lang))?;
                }
            }
        } else if !awards.is_empty() {
            let issuer = self.desk_issuer()?;
            let actor = self.actor.clone();
            let store = self.store()?;
            for (id, key) in &awards {
                issuer
                    .issue_attendee(
                        store,
                        *id,
                        Choice::Achievement(key),
                        &mut OsRandomness,
                        &actor,
                    )
                    .map_err(|e| e.message(lang))?;
            }
        }
        let mut outcome = self.card(attendee_id, wanted)?;
        for item in &mut outcome.items {
            item.already = held_ids.contains(&item.credential_id);
        }
        Ok(outcome)
    }

    /// The cards of `wanted` held now; the others are waiting for the issuing desk.
    fn card(&mut self, attendee_id: i64, wanted: &[String]) -> Result<DeskOutcome, String> {
        let event = self.event.clone();
        let store = self.store()?;
        let now_live = live_of(store, attendee_id)?;
        let base = event.config().claim.base_url.clone();
        let mut items = Vec::new();
        let mut waiting = Vec::new();
        for key in wanted {
            match now_live.iter().find(|c| &c.achievement_key == key) {
                Some(c) => items.push(ready_item(&event, base.as_deref(), c, false)),
                None => waiting.push(key.clone()),
            }
        }
        Ok(DeskOutcome { items, waiting })
    }

    /// Issues what desks without the key asked for (this desk holds it). Returns how many
    /// were issued and the first error met; another signer's reservation is no error.
    fn serve(&mut self) -> (usize, Option<String>) {
        if self.key.is_none() && !keys::key_path(self.event.root()).exists() {
            return (0, None);
        }
        let lang = self.cat.lang();
        let pending = match self
            .store()
            .and_then(|s| s.pending_requests().map_err(|e| e.message(lang)))
        {
            Ok(p) => p,
            Err(e) => return (0, Some(e)),
        };
        let (mut count, mut error) = (0, None);
        for (attendee_id, key) in pending {
            let issuer = match self.desk_issuer() {
                Ok(i) => i,
                Err(e) => return (count, Some(e)),
            };
            let actor = self.actor.clone();
            let Ok(store) = self.store() else { break };
            match issuer.issue_attendee(
                store,
                attendee_id,
                Choice::Achievement(&key),
                &mut OsRandomness,
                &actor,
            ) {
                Ok(done) => count += done.iter().filter(|c| c.newly_issued).count(),
                Err(IssueError::ReservedElsewhere { .. }) => {}
                Err(e) => {
                    error.get_or_insert(e.message(lang));
                }
            }
        }
        (count, error)
    }

    fn plan(&mut self) -> Result<IssueMsg, String> {
        let event = self.event.clone();
        let store = self.store()?;
        let attendees = store.attendees().map_err(|e| e.to_string())?;
        let presence: Vec<(i64, String)> = store
            .presence()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|p| (p.attendee_id, p.activity_key))
            .collect();
        let live = store.live_awards().map_err(|e| e.to_string())?;
        let names: HashMap<i64, String> =
            attendees.iter().map(|a| (a.id, a.display_name())).collect();
        let plans = plan::plan(
            event.config(),
            &attendees,
            &presence,
            &live,
            None,
            &Selection::AllEligible,
        );
        let rows = plans
            .into_iter()
            .map(|p| PlanRow {
                name: event
                    .config()
                    .achievement(&p.achievement)
                    .map_or_else(|| p.achievement.clone(), |a| a.name.clone()),
                key: p.achievement,
                to_issue: p.to_issue,
                already: p.already_issued.len(),
                blocked: p
                    .blocked
                    .iter()
                    .map(|(id, why)| {
                        let name = names.get(id).cloned().unwrap_or_else(|| format!("#{id}"));
                        (name, blocked_text(&self.cat, why))
                    })
                    .collect(),
            })
            .collect();
        Ok(IssueMsg::Plan(rows))
    }

    fn bulk(&mut self, awards: Vec<(i64, String)>, blocked: usize) {
        // One bulk run at a time: a second confirmation while one runs is ignored.
        if self.bulk_thread.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        let key = match self.key() {
            Ok(k) => k,
            Err(error) => {
                let summary = Summary {
                    blocked,
                    error: Some(error),
                    ..Summary::default()
                };
                return say(&self.events, IssueMsg::BulkDone(summary));
            }
        };
        self.cancel.store(false, Ordering::Relaxed);
        let (event, actor, events, cancel, lang, hub) = (
            self.event.clone(),
            self.actor.clone(),
            self.events.clone(),
            self.cancel.clone(),
            self.cat.lang(),
            self.hub.clone(),
        );
        let spawned = thread::Builder::new()
            .name("desk-bulk-issue".into())
            .spawn(move || {
                let started = Instant::now();
                let result = event
                    .store()
                    .map_err(|e| e.message(lang))
                    .and_then(|mut store| {
                        let issuer = Issuer::new(&event, key, SystemClock.now())
                            .map_err(|e| e.to_string())?;
                        let issuer =
                            crate::hub::issuer_for_desk(issuer, event.root(), &store, lang)
                                .map_err(|e| e.message(lang))?;
                        issuer
                            .issue(
                                &mut store,
                                &awards,
                                &mut OsRandomness,
                                &actor,
                                &cancel,
                                &mut |p| {
                                    say(
                                        &events,
                                        IssueMsg::Progress {
                                            done: p.done,
                                            total: p.total,
                                            at: Instant::now(),
                                        },
                                    )
                                },
                            )
                            .map_err(|e| e.message(lang))
                    });
                hub.wake();
                say(
                    &events,
                    IssueMsg::BulkDone(summary(result, blocked, started)),
                );
            });
        self.bulk_thread = spawned.ok();
    }

    fn print_attendee(&mut self, id: i64) -> Result<(PathBuf, usize), String> {
        let event = self.event.clone();
        let lang = self.cat.lang();
        let store = self.store()?;
        let live = live_of(store, id)?;
        let name = store
            .attendee(id)
            .map_err(|e| e.to_string())?
            .map(|a| a.display_name())
            .unwrap_or_default();
        let names = HashMap::from([(id, name)]);
        issue_print::print(
            &event,
            lang,
            crate::print::Layout::Label62mm,
            &live,
            &names,
            &format!("claim-card-{id}.pdf"),
        )
        .map(|path| (path, live.len()))
    }

    fn revoke(&mut self, credential_id: &str, reason: &str) -> Result<bool, String> {
        let key = self.key()?;
        let (event, actor, lang) = (self.event.clone(), self.actor.clone(), self.cat.lang());
        let store = self.store()?;
        revoke::revoke(
            &event,
            store,
            &key,
            credential_id,
            reason,
            &actor,
            SystemClock.now(),
        )
        .map_err(|e| e.message(lang))
    }
}

fn load_key(
    event: &EventDir,
    passphrase: Option<&str>,
    cat: &Catalog,
) -> Result<IssuerKey, String> {
    keys::load(event.root(), passphrase).map_err(|e| match e {
        KeyError::PassphraseRequired { .. } | KeyError::WrongPassphrase { .. } => {
            format!("{e} — {}", cat.get("issue-passphrase-hint"))
        }
        other => other.to_string(),
    })
}

fn live_of(store: &Store, attendee_id: i64) -> Result<Vec<IssuedCredential>, String> {
    Ok(store
        .credentials_of(attendee_id)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|c| c.revoked_at.is_none())
        .collect())
}

fn line(c: IssuedCredential) -> BadgeLine {
    BadgeLine {
        id: c.id,
        achievement_key: c.achievement_key,
        issued_at: c.issued_at,
        claimed_at: c.claimed_at,
        revoked_at: c.revoked_at,
        revoked_reason: c.revoked_reason,
    }
}

fn blocked_text(cat: &Catalog, why: &Blocked) -> String {
    match why {
        Blocked::NoRecipientIdentity => cat.get("blocked-no-identity"),
    }
}

/// The claim card of a credential: its link and QR, or (no claim base URL) its file.
pub fn ready_item(
    event: &EventDir,
    base: Option<&str>,
    c: &IssuedCredential,
    already: bool,
) -> ReadyItem {
    let claim_url = base.map(|b| crate::print::cards::link(b, &c.claim_token));
    let qr = claim_url.as_deref().and_then(|u| crate::qr::encode(u).ok());
    let dir = event.issued_dir();
    let (_, png) = files::paths(&dir, &c.id, "png");
    let file = if png.exists() {
        png
    } else {
        files::paths(&dir, &c.id, "svg").1
    };
    ReadyItem {
        credential_id: c.id.clone(),
        achievement_name: event
            .config()
            .achievement(&c.achievement_key)
            .map_or_else(|| c.achievement_key.clone(), |a| a.name.clone()),
        claim_url,
        qr,
        file,
        already,
    }
}

fn summary(result: Result<IssueReport, String>, blocked: usize, started: Instant) -> Summary {
    let elapsed = started.elapsed();
    match result {
        Ok(r) => Summary {
            issued: r.issued,
            skipped: r.skipped,
            blocked,
            cancelled: r.cancelled,
            elapsed,
            error: None,
        },
        Err(error) => Summary {
            blocked,
            elapsed,
            error: Some(error),
            ..Summary::default()
        },
    }
}
