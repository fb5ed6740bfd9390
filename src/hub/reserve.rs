//! The hub as the authority that grants awards to signer desks (see `issue::reserve`).

use std::sync::Mutex;

use super::{Hub, HubError, HubUrl};
use crate::i18n::Lang;
use crate::issue::{Grant, IssueError, Reservations};
use crate::store::{NewCredential, Store};

/// Reservations in the hub, over one connection kept between calls.
pub struct HubReservations {
    url: HubUrl,
    desk: String,
    lang: Lang,
    hub: Mutex<Option<Hub>>,
}

impl HubReservations {
    pub fn new(url: HubUrl, desk: String, lang: Lang) -> HubReservations {
        HubReservations {
            url,
            desk,
            lang,
            hub: Mutex::new(None),
        }
    }

    /// The hub connection, opened when first needed; a call that fails drops it, so a broken
    /// connection is not reused.
    fn with_hub<T>(&self, f: impl FnOnce(&mut Hub) -> Result<T, HubError>) -> Result<T, HubError> {
        let mut guard = self.hub.lock().map_err(|_| HubError::NoDesk)?;
        if guard.is_none() {
            *guard = Some(Hub::connect(&self.url)?);
        }
        let Some(hub) = guard.as_mut() else {
            return Err(HubError::NoDesk);
        };
        let result = f(hub);
        if result.is_err() {
            *guard = None;
        }
        result
    }

    fn ask(&self, store: &Store, rows: &[&NewCredential]) -> Result<Vec<Grant>, HubError> {
        // An award this desk already holds live (stored meanwhile by another screen or
        // command of this desk) needs no reservation: the desk shows the one it has.
        let mut held = Vec::with_capacity(rows.len());
        let mut awards = Vec::with_capacity(rows.len());
        for row in rows {
            if store
                .live_award(row.attendee_id, &row.achievement_key)?
                .is_some()
            {
                held.push(true);
                continue;
            }
            held.push(false);
            let uid = store
                .attendee_uid(row.attendee_id)?
                .ok_or(HubError::NoDesk)?;
            // The award's revoked credentials come before it: a new one follows the latest.
            let after = store
                .latest_credential_id(row.attendee_id, &row.achievement_key)?
                .unwrap_or_default();
            awards.push((uid, row.achievement_key.clone(), after));
        }
        let indexed: Vec<(usize, i64)> = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !held[*i])
            .filter_map(|(i, r)| r.status_index.map(|x| (i, x as i64)))
            .collect();
        self.with_hub(|hub| {
            let mut awarded = hub.reserve_awards(&self.desk, &awards)?.into_iter();
            let indices: Vec<i64> = indexed.iter().map(|(_, x)| *x).collect();
            let index_ok = hub.reserve_status_indices(&self.desk, &indices)?;
            let mut grants: Vec<Grant> = held
                .iter()
                .map(|&h| {
                    if !h && awarded.next() == Some(true) {
                        Grant::Granted
                    } else {
                        Grant::AwardTaken
                    }
                })
                .collect();
            for ((i, _), ok) in indexed.iter().zip(index_ok) {
                if !ok
                    && let Some(g) = grants.get_mut(*i)
                    && *g == Grant::Granted
                {
                    *g = Grant::IndexTaken;
                }
            }
            Ok(grants)
        })
    }

    /// A re-issue: the award follows the credential it replaces, whoever asks first.
    fn ask_replacement(
        &self,
        store: &Store,
        row: &NewCredential,
        replaces: &str,
    ) -> Result<Grant, HubError> {
        let uid = store
            .attendee_uid(row.attendee_id)?
            .ok_or(HubError::NoDesk)?;
        let award = [(uid, row.achievement_key.clone(), replaces.to_string())];
        let indices: Vec<i64> = row.status_index.iter().map(|&i| i as i64).collect();
        self.with_hub(|hub| {
            let granted = hub.reserve_awards(&self.desk, &award)?;
            let index_ok = hub.reserve_status_indices(&self.desk, &indices)?;
            Ok(match (granted.first(), index_ok.first()) {
                (Some(true), Some(false)) => Grant::IndexTaken,
                (Some(true), _) => Grant::Granted,
                _ => Grant::AwardTaken,
            })
        })
    }
}

impl Reservations for HubReservations {
    fn reserve(&self, store: &Store, rows: &[&NewCredential]) -> Result<Vec<Grant>, IssueError> {
        self.ask(store, rows)
            .map_err(|e| IssueError::Hub(e.message(self.lang)))
    }

    fn reserve_replacement(
        &self,
        store: &Store,
        row: &NewCredential,
        replaces: &str,
    ) -> Result<Grant, IssueError> {
        self.ask_replacement(store, row, replaces)
            .map_err(|e| IssueError::Hub(e.message(self.lang)))
    }
}

/// The issuer of a desk: with the hub's reservations when the event has a hub.
pub fn issuer_for_desk(
    issuer: crate::issue::Issuer,
    event_dir: &std::path::Path,
    store: &Store,
    lang: Lang,
) -> Result<crate::issue::Issuer, HubError> {
    let Some(config) = super::HubConfig::load(event_dir)? else {
        return Ok(issuer);
    };
    let desk = store.desk_identity()?.ok_or(HubError::NoDesk)?;
    Ok(
        issuer.with_reservations(std::sync::Arc::new(HubReservations::new(
            config.url, desk.id, lang,
        ))),
    )
}
