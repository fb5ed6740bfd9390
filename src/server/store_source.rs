//! The claim server's data straight from the event: claims looked up in the event database by
//! the token's hash, pages built from event.toml and `issued/`. Another process (the desk) may
//! write the same database: revocations and a new status list show within [`REFRESH`], and the
//! first visit of a claim is written at once so the desk sees it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

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
    /// Tokens whose first visit is already in the database: no write per request.
    claimed: Mutex<HashSet<[u8; 32]>>,
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
            claimed: Mutex::new(HashSet::new()),
        })
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
        let claim = match self.site.claim(&credential, attendee.as_ref()) {
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
        let key = token_key(token);
        if self.claimed.lock().is_ok_and(|c| c.contains(&key)) {
            return Ok(());
        }
        let mut store = self
            .store
            .lock()
            .map_err(|_| "the database handle is poisoned".to_string())?;
        store
            .mark_claimed(token.as_str(), self.clock.now())
            .map_err(|e| e.to_string())?;
        drop(store);
        if let Ok(mut c) = self.claimed.lock() {
            c.insert(key);
        }
        Ok(())
    }
}
