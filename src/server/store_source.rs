//! The claim server's data straight from the event: claims looked up in the event database by
//! the token's hash, pages built from event.toml and `issued/`. Another process (the desk) may
//! write the same database: revocations and a new status list show within [`REFRESH`], and the
//! first visit of a claim is written within a fraction of a second so the desk sees it.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use time::OffsetDateTime;

use crate::claim::{ClaimInput, ClaimToken, EventSite, SiteMeta};
use crate::clock::Clock;
use crate::server::source::{ClaimSource, token_key};
use crate::store::Store;

/// How long a looked-up claim or the site data is trusted before the database (or the status
/// list file) is read again.
pub const REFRESH: Duration = Duration::from_secs(1);

struct CachedClaim {
    checked: Instant,
    id: String,
    revoked: bool,
    claim: Arc<ClaimInput>,
}

struct CachedMeta {
    checked: Instant,
    /// (modified, length) of the status list file when `meta` was built.
    stamp: Option<(SystemTime, u64)>,
    meta: Arc<SiteMeta>,
}

/// A [`ClaimSource`] over an open event database.
pub struct StoreSource {
    site: EventSite,
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
    meta: Mutex<CachedMeta>,
    claims: Mutex<HashMap<[u8; 32], CachedClaim>>,
    /// Tokens whose first visit is in the database or queued for it: no write per request.
    claimed: Arc<Mutex<HashSet<[u8; 32]>>>,
    /// Writes first visits off the request path, when started.
    visits: Option<VisitRecorder>,
}

/// A first visit waiting to be written.
struct Visit {
    token: ClaimToken,
    at: OffsetDateTime,
}

/// Drop tokens whose visit could not be written from the claimed set, so their next visit
/// tries again.
fn forget<'a>(
    claimed: &Mutex<HashSet<[u8; 32]>>,
    tokens: impl IntoIterator<Item = &'a ClaimToken>,
) {
    if let Ok(mut claimed) = claimed.lock() {
        for token in tokens {
            claimed.remove(&token_key(token));
        }
    }
}

/// A thread with its own database connection that writes first visits: a request never waits
/// for a write (nor for the WAL checkpoint a commit may run), and the visits that queue up
/// meanwhile share one transaction.
struct VisitRecorder {
    queue: Option<mpsc::Sender<Visit>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for VisitRecorder {
    /// Closing the queue lets the thread write what is left, then it ends.
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// At most this many visits per transaction.
const VISITS_PER_WRITE: usize = 512;
/// How long the first visit of a write waits for others: short beside the second within which
/// the desk shows a claim.
const GATHER: Duration = Duration::from_millis(100);

fn record_visits(
    mut store: Store,
    queue: mpsc::Receiver<Visit>,
    claimed: Arc<Mutex<HashSet<[u8; 32]>>>,
) {
    while let Ok(first) = queue.recv() {
        // Gather what arrives shortly after: each commit makes the serving connection drop its
        // page cache, so fewer, larger writes keep reads fast under a rush of first visits.
        let until = Instant::now() + GATHER;
        let mut batch = vec![first];
        while batch.len() < VISITS_PER_WRITE {
            let left = until.saturating_duration_since(Instant::now());
            match queue.recv_timeout(left) {
                Ok(visit) => batch.push(visit),
                Err(_) => break,
            }
        }
        let rows: Vec<(&str, OffsetDateTime)> =
            batch.iter().map(|v| (v.token.as_str(), v.at)).collect();
        if let Err(e) = store.mark_claimed_all(&rows) {
            eprintln!(
                "badgedesk serve: could not record {} claim visit(s), will retry at the next visit: {e}",
                batch.len()
            );
            forget(&claimed, batch.iter().map(|v| &v.token));
        }
    }
}

fn file_stamp(site: &EventSite) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(site.status_list_file()?).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl StoreSource {
    pub fn new(
        site: EventSite,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> Result<StoreSource, crate::claim::ClaimError> {
        let meta = CachedMeta {
            checked: Instant::now(),
            stamp: file_stamp(&site),
            meta: Arc::new(site.meta()?),
        };
        Ok(StoreSource {
            site,
            store: Mutex::new(store),
            clock,
            meta: Mutex::new(meta),
            claims: Mutex::new(HashMap::new()),
            claimed: Arc::new(Mutex::new(HashSet::new())),
            visits: None,
        })
    }

    /// Write first visits on a thread through `writer` (another connection to the same event
    /// database) instead of on the request's thread. Dropping the source writes what is queued.
    pub fn record_visits_with(mut self, writer: Store) -> Result<StoreSource, std::io::Error> {
        let (queue, incoming) = mpsc::channel();
        let claimed = self.claimed.clone();
        let thread = std::thread::Builder::new()
            .name("claim-visits".into())
            .spawn(move || record_visits(writer, incoming, claimed))?;
        self.visits = Some(VisitRecorder {
            queue: Some(queue),
            thread: Some(thread),
        });
        Ok(self)
    }

    fn load(&self, token: &ClaimToken) -> Option<Arc<ClaimInput>> {
        let key = token_key(token);
        let now = Instant::now();
        if let Ok(cache) = self.claims.lock()
            && let Some(c) = cache.get(&key)
            && now.duration_since(c.checked) < REFRESH
        {
            return Some(c.claim.clone());
        }
        let store = self.store.lock().ok()?;
        let Some(credential) = store.credential_by_token(token.as_str()).ok().flatten() else {
            if let Ok(mut cache) = self.claims.lock() {
                cache.remove(&key);
            }
            return None;
        };
        if credential.claimed_at.is_some()
            && let Ok(mut claimed) = self.claimed.lock()
        {
            claimed.insert(key);
        }
        let revoked = credential.revoked_at.is_some();
        if let Ok(mut cache) = self.claims.lock()
            && let Some(c) = cache.get_mut(&key)
            && c.id == credential.id
            && c.revoked == revoked
        {
            c.checked = now;
            return Some(c.claim.clone());
        }
        let attendee = store.attendee(credential.attendee_id).ok().flatten();
        drop(store);
        // Built without holding a lock: reading and baking images takes milliseconds.
        let claim = match self.site.claim_to_serve(&credential, attendee.as_ref()) {
            Ok(c) => Arc::new(c),
            Err(e) => {
                eprintln!("badgedesk serve: {e}");
                return None;
            }
        };
        let mut cache = self.claims.lock().ok()?;
        if cache.len() >= 50_000 {
            cache.clear();
        }
        cache.insert(
            key,
            CachedClaim {
                checked: now,
                id: credential.id,
                revoked,
                claim: claim.clone(),
            },
        );
        Some(claim)
    }
}

impl ClaimSource for StoreSource {
    fn meta(&self) -> Arc<SiteMeta> {
        let Ok(mut cached) = self.meta.lock() else {
            return Arc::new(SiteMeta {
                base_url: self.site.base_url().to_string(),
                lang: self.site.lang(),
                issuer_profile: None,
                status_list: None,
                did_document: None,
                ob2: None,
                files: Vec::new(),
            });
        };
        let now = Instant::now();
        if now.duration_since(cached.checked) >= REFRESH {
            cached.checked = now;
            let stamp = file_stamp(&self.site);
            if stamp != cached.stamp {
                match self.site.meta() {
                    Ok(meta) => {
                        cached.meta = Arc::new(meta);
                        cached.stamp = stamp;
                    }
                    Err(e) => eprintln!("badgedesk serve: {e}"),
                }
            }
        }
        cached.meta.clone()
    }

    fn claim(&self, token: &ClaimToken) -> Option<Arc<ClaimInput>> {
        self.load(token)
    }

    fn mark_claimed(&self, token: &ClaimToken) -> Result<(), String> {
        let first = self
            .claimed
            .lock()
            .map_err(|_| "the set of claimed tokens is poisoned".to_string())?
            .insert(token_key(token));
        if !first {
            return Ok(());
        }
        let at = self.clock.now();
        if let Some(queue) = self.visits.as_ref().and_then(|v| v.queue.as_ref()) {
            let visit = Visit {
                token: token.clone(),
                at,
            };
            if queue.send(visit).is_ok() {
                return Ok(());
            }
        }
        // No recorder (or it stopped): write here.
        let written = self
            .store
            .lock()
            .map_err(|_| "the database handle is poisoned".to_string())
            .and_then(|mut store| {
                store
                    .mark_claimed(token.as_str(), at)
                    .map_err(|e| e.to_string())
            });
        if written.is_err() {
            forget(&self.claimed, [token]);
        }
        written.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::credential::builder::OsRandomness;
    use crate::issue::engine::Issuer;
    use time::macros::datetime;

    /// A demo event with 3 participation badges issued, and a source over it.
    fn served_event(dir: &std::path::Path) -> (crate::event::EventDir, StoreSource, Vec<String>) {
        let now = datetime!(2026-05-16 09:00 UTC);
        let event = crate::demo::create(&dir.join("event"), 7, 3, now).unwrap();
        let mut store = event.store().unwrap();
        let key = crate::credential::keys::load(event.root(), None).unwrap();
        let awards: Vec<(i64, String)> = store
            .attendees()
            .unwrap()
            .iter()
            .map(|a| (a.id, "participation".to_string()))
            .collect();
        Issuer::new(&event, key, now)
            .unwrap()
            .issue(
                &mut store,
                &awards,
                &mut OsRandomness,
                "test",
                &std::sync::atomic::AtomicBool::new(false),
                &mut |_| {},
            )
            .unwrap();
        let tokens = store
            .credentials()
            .unwrap()
            .into_iter()
            .map(|c| c.claim_token)
            .collect();
        let key = crate::claim::event_site::issuer_public_key(&store.credentials().unwrap());
        let site = EventSite::new(&event, "http://192.168.1.20:8080", key.as_ref()).unwrap();
        let clock = Arc::new(FixedClock(datetime!(2026-05-16 10:30 UTC)));
        let source = StoreSource::new(site, store, clock).unwrap();
        (event, source, tokens)
    }

    fn claimed_at(event: &crate::event::EventDir, token: &str) -> Option<OffsetDateTime> {
        event
            .store()
            .unwrap()
            .credential_by_token(token)
            .unwrap()
            .unwrap()
            .claimed_at
    }

    #[test]
    fn first_visits_are_written_by_the_recorder_and_flushed_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (event, source, tokens) = served_event(dir.path());
        let source = source.record_visits_with(event.store().unwrap()).unwrap();
        let visited = ClaimToken::parse(&tokens[0]).unwrap();
        for _ in 0..3 {
            source.mark_claimed(&visited).unwrap();
        }
        drop(source);
        let at = datetime!(2026-05-16 10:30 UTC);
        assert_eq!(claimed_at(&event, &tokens[0]), Some(at));
        assert_eq!(claimed_at(&event, &tokens[1]), None, "not visited");
    }

    #[test]
    fn a_recorded_visit_is_written_while_the_server_runs() {
        let dir = tempfile::tempdir().unwrap();
        let (event, source, tokens) = served_event(dir.path());
        let source = source.record_visits_with(event.store().unwrap()).unwrap();
        source
            .mark_claimed(&ClaimToken::parse(&tokens[1]).unwrap())
            .unwrap();
        // Written after GATHER (well within the second the desk allows); 5 s for slow machines.
        let start = Instant::now();
        while claimed_at(&event, &tokens[1]).is_none() {
            assert!(start.elapsed() < Duration::from_secs(5), "never written");
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(source);
    }

    #[test]
    fn without_a_recorder_the_visit_is_written_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let (event, source, tokens) = served_event(dir.path());
        source
            .mark_claimed(&ClaimToken::parse(&tokens[2]).unwrap())
            .unwrap();
        assert!(claimed_at(&event, &tokens[2]).is_some());
    }
}
