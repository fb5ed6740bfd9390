//! The desk's one-key issue: one attendee's eligible achievements (or one given achievement),
//! signed, baked, committed and written at once, with the claim link to show. Only indexed
//! lookups for that attendee: no full-table work per key press.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::build::{Draws, attended_from_history, qualifies};
use super::engine::{IssueError, Issuer};
use super::files;
use super::pipeline::{Baked, random_u64};
use super::plan::Blocked;
use super::reserve::Grant;
use super::status_list::MIN_ENTRIES;
use crate::credential::builder::Randomness;
use crate::store::{IssuedCredential, Store};

/// Tries per award when a random value collides with another issuer's at commit.
const MAX_TRIES: usize = 3;

/// What to issue to the attendee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice<'a> {
    /// Every achievement whose rule they meet now.
    Eligible,
    /// This achievement, whatever its rule says (issued by hand).
    Achievement(&'a str),
}

/// A credential ready to show at the desk (its claim QR or link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskCredential {
    pub credential_id: String,
    pub attendee_id: i64,
    pub achievement: String,
    pub claim_token: String,
    /// `<base>/c/<token>/`, when the event has a public claim address.
    pub claim_url: Option<String>,
    pub json_path: PathBuf,
    pub image_path: PathBuf,
    /// False when the attendee already held it: nothing was signed, the existing one is shown.
    pub newly_issued: bool,
}

impl Issuer {
    /// Issue to one attendee now (at `self.now()`: use `issuer.at(clock.now())` on a prepared
    /// issuer). Awards already held come back with `newly_issued: false`. `Eligible` with
    /// nothing earned returns an empty list.
    pub fn issue_attendee(
        &self,
        store: &mut Store,
        attendee_id: i64,
        choice: Choice<'_>,
        rng: &mut dyn Randomness,
        actor: &str,
    ) -> Result<Vec<DeskCredential>, IssueError> {
        let attendee = store
            .attendee(attendee_id)?
            .ok_or(IssueError::UnknownAttendee(attendee_id))?;
        let attended = attended_from_history(&store.history(attendee_id)?);
        let achievements: Vec<String> = match choice {
            Choice::Achievement(key) => {
                self.prepared(key)?;
                vec![key.to_string()]
            }
            Choice::Eligible => self
                .shared
                .achievements
                .iter()
                .filter(|(_, p)| qualifies(&p.rule, &attended))
                .map(|(key, _)| key.clone())
                .collect(),
        };
        let mut out = Vec::with_capacity(achievements.len());
        let mut todo = Vec::new();
        for key in achievements {
            if let Some(held) = self.held(store, attendee_id, &key)? {
                out.push(held);
            } else if !self.shared.names_in_badges && attendee.email.is_none() {
                return Err(IssueError::Blocked {
                    attendee: attendee_id,
                    achievement: key,
                    why: Blocked::NoRecipientIdentity.explain(),
                });
            } else {
                todo.push(key);
            }
        }
        let mut tries = 0;
        while !todo.is_empty() {
            tries += 1;
            let mut taken = BTreeSet::new();
            let mut drafts = Vec::with_capacity(todo.len());
            for key in &todo {
                let index = self.fresh_status_index(store, &mut taken, rng)?;
                let draws = Draws::new(index, rng);
                drafts.push(self.draft(&attendee, key, &attended, &draws)?);
            }
            let baked = self.sign_and_bake(drafts, &mut |_, _| {})?;
            let grants = self.reserve(store, &baked.iter().map(|b| &b.row).collect::<Vec<_>>())?;
            let mut baked_granted = Vec::with_capacity(baked.len());
            let mut index_again = Vec::new();
            for (b, grant) in baked.into_iter().zip(grants) {
                match grant {
                    Grant::Granted => baked_granted.push(b),
                    Grant::IndexTaken => index_again.push(b.row.achievement_key),
                    Grant::AwardTaken => {
                        match self.held(store, attendee_id, &b.row.achievement_key)? {
                            Some(held) => out.push(held),
                            None => {
                                return Err(IssueError::ReservedElsewhere {
                                    attendee: attendee_id,
                                    achievement: b.row.achievement_key,
                                });
                            }
                        }
                    }
                }
            }
            let baked = baked_granted;
            let stored = store.insert_credentials(
                &baked.iter().map(|b| &b.row).collect::<Vec<_>>(),
                actor,
                self.now,
            )?;
            let kept: Vec<&Baked> = baked
                .iter()
                .filter(|b| stored.contains(&b.row.id))
                .collect();
            self.write_baked(&kept)?;
            for b in &kept {
                out.push(self.desk_credential(
                    &b.row.id,
                    attendee_id,
                    &b.row.achievement_key,
                    &b.row.claim_token,
                    true,
                )?);
            }
            // Not stored: another screen issued it meanwhile (show theirs), or a random value
            // collided (try again).
            let mut again = index_again;
            for b in baked.iter().filter(|b| !stored.contains(&b.row.id)) {
                match self.held(store, attendee_id, &b.row.achievement_key)? {
                    Some(held) => out.push(held),
                    None if tries < MAX_TRIES => again.push(b.row.achievement_key.clone()),
                    None => {
                        return Err(IssueError::Collisions {
                            attendee: attendee_id,
                            achievement: b.row.achievement_key.clone(),
                        });
                    }
                }
            }
            todo = again;
        }
        Ok(out)
    }

    /// The live credential of an award, as the desk shows it.
    fn held(
        &self,
        store: &Store,
        attendee_id: i64,
        achievement: &str,
    ) -> Result<Option<DeskCredential>, IssueError> {
        let Some(id) = store.live_award(attendee_id, achievement)? else {
            return Ok(None);
        };
        let Some(IssuedCredential { claim_token, .. }) = store.credential(&id)? else {
            return Ok(None);
        };
        self.desk_credential(&id, attendee_id, achievement, &claim_token, false)
            .map(Some)
    }

    pub(super) fn desk_credential(
        &self,
        id: &str,
        attendee_id: i64,
        achievement: &str,
        claim_token: &str,
        newly_issued: bool,
    ) -> Result<DeskCredential, IssueError> {
        let ext = self.image_extension(achievement)?;
        let (json_path, image_path) = files::paths(&self.shared.event.issued_dir(), id, ext);
        Ok(DeskCredential {
            credential_id: id.to_string(),
            attendee_id,
            achievement: achievement.to_string(),
            claim_token: claim_token.to_string(),
            claim_url: self.claim_url(claim_token),
            json_path,
            image_path,
            newly_issued,
        })
    }

    /// A random status-list index no credential uses yet (indexed lookups, not a table scan).
    pub(super) fn fresh_status_index(
        &self,
        store: &Store,
        taken: &mut BTreeSet<u64>,
        rng: &mut dyn Randomness,
    ) -> Result<Option<u64>, IssueError> {
        if self.shared.status_list_url.is_none() {
            return Ok(None);
        }
        // A list fuller than this would make random probing slow: fall back to the full scan.
        for _ in 0..64 {
            let index = random_u64(rng) % MIN_ENTRIES;
            if !taken.contains(&index) && !store.status_index_used(index)? {
                taken.insert(index);
                return Ok(Some(index));
            }
        }
        let mut used = store.used_status_indices()?;
        used.extend(taken.iter().copied());
        let index = self.pick_status_index(&mut used, rng)?;
        taken.extend(index);
        Ok(index)
    }
}
