//! Re-issuing on purpose (e.g. after a name fix): the old credential is revoked and a new one,
//! built from the attendee as they are now, takes its place, in one database transaction. Then
//! its files are written and the signed status list regenerated.

use std::collections::BTreeSet;

use super::build::{Draws, attended_from_history};
use super::desk::DeskCredential;
use super::engine::{IssueError, Issuer};
use super::reserve::Grant;
use super::revoke::write_status_list;
use crate::credential::builder::Randomness;
use crate::store::{Store, StoreError};

/// What a re-issue did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reissued {
    /// The credential that was revoked.
    pub old_id: String,
    /// The credential that replaces it.
    pub new: DeskCredential,
}

/// Revoke `old_id` with `reason` and issue its replacement at `issuer.now()`.
pub fn reissue(
    issuer: &Issuer,
    store: &mut Store,
    old_id: &str,
    reason: &str,
    rng: &mut dyn Randomness,
    actor: &str,
) -> Result<Reissued, IssueError> {
    let old = store
        .credential(old_id)?
        .ok_or_else(|| StoreError::NoSuchCredential(old_id.to_string()))?;
    if old.revoked_at.is_some() {
        return Err(IssueError::AlreadyRevoked(old_id.to_string()));
    }
    let attendee = store
        .attendee(old.attendee_id)?
        .ok_or(IssueError::UnknownAttendee(old.attendee_id))?;
    let attended = attended_from_history(&store.history(old.attendee_id)?);
    let mut taken = BTreeSet::new();
    let index = issuer.fresh_status_index(store, &mut taken, rng)?;
    let draws = Draws::new(index, rng);
    let draft = issuer.draft(&attendee, &old.achievement_key, &attended, &draws)?;
    let baked = issuer.sign_and_bake(vec![draft], &mut |_, _| {})?;
    let Some(new) = baked.first() else {
        return Err(IssueError::UnknownAchievement(old.achievement_key));
    };
    // With several signer desks: one replacement per revoked credential, whoever asks.
    match issuer.reserve_replacement(store, &new.row, old_id)? {
        Grant::Granted => {}
        _ => {
            return Err(IssueError::ReservedElsewhere {
                attendee: old.attendee_id,
                achievement: old.achievement_key,
            });
        }
    }
    store.reissue(old_id, &new.row, reason, actor, issuer.now())?;
    issuer.write_baked(&[new])?;
    write_status_list(issuer.event(), store, &issuer.shared.key, issuer.now())?;
    Ok(Reissued {
        old_id: old_id.to_string(),
        new: issuer.desk_credential(
            &new.row.id,
            new.row.attendee_id,
            &new.row.achievement_key,
            &new.row.claim_token,
            true,
        )?,
    })
}
