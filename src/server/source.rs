//! Where the claim server gets its data: the [`ClaimSource`] trait (the store implements it
//! over the event database) and [`MemorySource`], an in-memory source for tests and demos.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use subtle::ConstantTimeEq;

use crate::claim::{ClaimInput, ClaimToken, SiteMeta};

/// The data behind the claim server.
///
/// Contract: `claim` must not take a time that depends on how much of an unknown token
/// matches a known one (look up by a hash of the token, compare in constant time, as
/// [`MemorySource`] does). Return a new `Arc` whenever a claim's data changes (e.g. revoked):
/// the server caches rendered pages per `Arc`, and likewise for `meta`.
pub trait ClaimSource: Send + Sync + 'static {
    fn meta(&self) -> Arc<SiteMeta>;
    fn claim(&self, token: &ClaimToken) -> Option<Arc<ClaimInput>>;
    /// Record the first visit (called on every successful GET of a claim's files; keep the
    /// first time). An error is logged by the server, the attendee still gets the page.
    fn mark_claimed(&self, token: &ClaimToken) -> Result<(), String>;
}

/// SHA-256 of a token: the lookup key, so lookups never compare token prefixes.
pub fn token_key(token: &ClaimToken) -> [u8; 32] {
    crate::claim::token::lookup_key(token.as_str())
}

struct Entry {
    claim: Arc<ClaimInput>,
    claimed: bool,
}

/// Claims held in memory.
pub struct MemorySource {
    meta: Arc<SiteMeta>,
    claims: Mutex<HashMap<[u8; 32], Entry>>,
}

impl MemorySource {
    pub fn new(meta: SiteMeta, claims: Vec<ClaimInput>) -> MemorySource {
        let map = claims
            .into_iter()
            .map(|c| {
                (
                    token_key(&c.page.token),
                    Entry {
                        claim: Arc::new(c),
                        claimed: false,
                    },
                )
            })
            .collect();
        MemorySource {
            meta: Arc::new(meta),
            claims: Mutex::new(map),
        }
    }

    pub fn is_claimed(&self, token: &ClaimToken) -> bool {
        self.claims
            .lock()
            .map(|m| m.get(&token_key(token)).is_some_and(|e| e.claimed))
            .unwrap_or(false)
    }

    /// Replace a claim's data (e.g. after revocation); the server renders it afresh.
    pub fn update(&self, claim: ClaimInput) {
        if let Ok(mut m) = self.claims.lock() {
            let claimed = m
                .get(&token_key(&claim.page.token))
                .is_some_and(|e| e.claimed);
            m.insert(
                token_key(&claim.page.token),
                Entry {
                    claim: Arc::new(claim),
                    claimed,
                },
            );
        }
    }
}

impl ClaimSource for MemorySource {
    fn meta(&self) -> Arc<SiteMeta> {
        self.meta.clone()
    }

    fn claim(&self, token: &ClaimToken) -> Option<Arc<ClaimInput>> {
        let m = self.claims.lock().ok()?;
        let e = m.get(&token_key(token))?;
        let same: bool = e
            .claim
            .page
            .token
            .as_str()
            .as_bytes()
            .ct_eq(token.as_str().as_bytes())
            .into();
        same.then(|| e.claim.clone())
    }

    fn mark_claimed(&self, token: &ClaimToken) -> Result<(), String> {
        let mut m = self
            .claims
            .lock()
            .map_err(|_| "claim table poisoned".to_string())?;
        if let Some(e) = m.get_mut(&token_key(token)) {
            e.claimed = true;
        }
        Ok(())
    }
}
