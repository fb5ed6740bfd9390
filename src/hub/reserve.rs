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

    fn ask(&self, store: &Store, rows: &[&NewCredential]) -> Result<Vec<Grant>, HubError> {
        let mut awards = Vec::with_capacity(rows.len());
        for row in rows {
            let uid = store
                .attendee_uid(row.attendee_id)?
                .ok_or(HubError::NoDesk)?;
            let after = store
                .latest_credential_id(row.attendee_id, &row.achievement_key)?
                .unwrap_or_default();
            awards.push((uid, row.achievement_key.clone(), after));
        }
        let indexed: Vec<(usize, i64)> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.status_index.map(|x| (i, x as i64)))
            .collect();
        let mut guard = self.hub.lock().map_err(|_| HubError::NoDesk)?;
        if guard.is_none() {
            *guard = Some(Hub::connect(&self.url)?);
        }
        let Some(hub) = guard.as_mut() else {
            return Err(HubError::NoDesk);
        };
        let result = (|| {
            let awarded = hub.reserve_awards(&self.desk, &awards)?;
            let indices: Vec<i64> = indexed.iter().map(|(_, x)| *x).collect();
            let index_ok = hub.reserve_status_indices(&self.desk, &indices)?;
            let mut grants: Vec<Grant> = awarded
                .into_iter()
                .map(|ok| {
                    if ok {
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
        })();
        if result.is_err() {
            // A broken connection is not reused.
            *guard = None;
        }
        result
    }
}

impl Reservations for HubReservations {
    fn reserve(&self, store: &Store, rows: &[&NewCredential]) -> Result<Vec<Grant>, IssueError> {
        self.ask(store, rows)
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
